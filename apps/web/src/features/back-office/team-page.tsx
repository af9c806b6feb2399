// Team and hours: barbers with their weekly hours (several windows a day; a break is the gap
// between two windows) and date overrides; creating a barber profile; and the staff list with
// invites, role changes and deactivation (owners only). A barber sees and edits their own hours.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { staffFetch, type Role } from '../../lib/staff-api.ts';
import { useStaff } from '../staff/staff-context.tsx';
import {
  boKey,
  errorFor,
  fullWeek,
  normalizeOverrides,
  normalizeWeek,
  Outcome,
  OverridesEditor,
  Section,
  TextField,
  WEEK,
  WeekEditor,
  type DateOverride,
  type WeeklyHours,
} from './common.tsx';

/** A barber as the back office sees it. */
export interface AdminBarber {
  id: string;
  key: string;
  name: string;
  bio: string | null;
  active: boolean;
  weeklyHours: Partial<WeeklyHours>;
  dateOverrides: DateOverride[];
  services: Array<{ serviceId: string; priceMinor: number | null; durationMinutes: number | null }>;
  account: { userId: string; name: string; email?: string } | null;
}

interface StaffMember {
  userId: string;
  name: string;
  email: string;
  role: Role;
  barberId: string | null;
  active: boolean;
  totpEnabled: boolean;
  lastSignInAt: string | null;
  since: string;
  deactivatedAt: string | null;
}

const ROLE_LABEL: Record<Role, string> = {
  owner: 'Owner',
  manager: 'Manager',
  front_desk: 'Front desk',
  barber: 'Barber',
};

/** "Mon 09:00–12:00, 13:00–18:00 · Tue …" */
function summary(h: Partial<WeeklyHours>): string {
  const days = WEEK.filter((d) => (h[d.key] ?? []).length > 0).map(
    (d) => `${d.label.slice(0, 3)} ${(h[d.key] ?? []).map((w) => `${w[0]}–${w[1]}`).join(', ')}`,
  );
  return days.length ? days.join(' · ') : 'No hours yet';
}

/** The team screen. */
export function TeamPage() {
  const { current } = useStaff();
  const loc = current.locationId;
  const manages = current.role === 'owner' || current.role === 'manager';
  const barbers = useQuery({
    queryKey: boKey(loc, 'barbers'),
    queryFn: ({ signal }) => staffFetch<AdminBarber[]>(`/locations/${loc}/barbers`, { signal }),
  });
  const [open, setOpen] = useState<string | null>(null);
  if (barbers.isPending) return <p role="status">Loading the team…</p>;
  if (barbers.isError)
    return (
      <p className="alert" role="alert">
        {barbers.error.message}
      </p>
    );
  const mayEdit = (b: AdminBarber) => manages || (current.role === 'barber' && current.barberId === b.id);
  // Managers also see barbers taken off the booking page, to put them back.
  const shown = barbers.data.filter((b) => b.active || manages);
  return (
    <div className="bo-page">
      <h1>{manages ? 'Team and hours' : 'Hours'}</h1>
      <Section title="Barbers">
        {shown.length === 0 && (
          <div className="empty">
            <p className="empty-title">No barbers yet</p>
            {manages && <p>Create a barber profile, give them hours, then invite them.</p>}
          </div>
        )}
        <ul className="bo-list">
          {shown.map((b) => (
            <li key={b.id} className={`bo-item${b.active ? '' : ' bo-archived'}`}>
              <div className="bo-item-main">
                <strong>{b.name}</strong>
                {!b.active && <span className="muted"> · not on the booking page</span>}
                {b.account ? (
                  <span className="muted"> · account: {b.account.email ?? b.account.name}</span>
                ) : (
                  <span className="muted"> · no account yet</span>
                )}
                <p className="hint">{summary(b.weeklyHours)}</p>
              </div>
              {mayEdit(b) && (
                <div className="bo-item-actions">
                  <button
                    type="button"
                    className="btn btn-secondary bo-small"
                    aria-expanded={open === b.id}
                    onClick={() => setOpen(open === b.id ? null : b.id)}
                  >
                    {open === b.id ? 'Close' : 'Edit hours'}
                    <span className="visually-hidden"> of {b.name}</span>
                  </button>
                  {manages && <ActiveToggle barber={b} />}
                </div>
              )}
              {open === b.id && <ScheduleForm barber={b} />}
            </li>
          ))}
        </ul>
        {manages && <NewBarberForm />}
      </Section>
      {current.role === 'owner' && <StaffSection barbers={barbers.data} />}
    </div>
  );
}

/** Takes a barber off the booking page (after a confirmation) or puts them back. */
function ActiveToggle({ barber }: { barber: AdminBarber }) {
  const { current } = useStaff();
  const qc = useQueryClient();
  const toggle = useMutation({
    mutationFn: () =>
      staffFetch<AdminBarber>(`/locations/${current.locationId}/barbers/${barber.id}`, {
        method: 'PATCH',
        body: { active: !barber.active },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['back-office', current.locationId] }),
  });
  return (
    <>
      <button
        type="button"
        className={barber.active ? 'btn btn-danger-outline bo-small' : 'btn btn-secondary bo-small'}
        disabled={toggle.isPending}
        onClick={() => {
          if (
            !barber.active ||
            window.confirm(
              `Take ${barber.name} off the booking page? Clients can no longer book them; their booked appointments stay.`,
            )
          )
            toggle.mutate();
        }}
      >
        {barber.active ? 'Take off booking page' : 'Put back on booking page'}
        <span className="visually-hidden"> {barber.name}</span>
      </button>
      {toggle.isError && (
        <p className="field-error" role="alert">
          {toggle.error.message}
        </p>
      )}
      {toggle.isSuccess && (
        <p className="notice bo-saved" role="status">
          {toggle.data.active
            ? `${toggle.data.name} is back on the booking page.`
            : `${toggle.data.name} is off the booking page.`}
        </p>
      )}
    </>
  );
}

function ScheduleForm({ barber }: { barber: AdminBarber }) {
  const { current } = useStaff();
  const qc = useQueryClient();
  const [hours, setHours] = useState<WeeklyHours>(() => fullWeek(barber.weeklyHours));
  const [overrides, setOverrides] = useState<DateOverride[]>(barber.dateOverrides);
  useEffect(() => {
    setHours(fullWeek(barber.weeklyHours));
    setOverrides(barber.dateOverrides);
  }, [barber]);
  const [saved, setSaved] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () =>
      staffFetch<AdminBarber>(`/locations/${current.locationId}/barbers/${barber.id}/schedule`, {
        method: 'PUT',
        body: { weeklyHours: normalizeWeek(hours), dateOverrides: normalizeOverrides(overrides) },
      }),
    onMutate: () => setSaved(null),
    onSuccess: () => {
      setSaved(`${barber.name}'s hours saved: the booking page shows them now.`);
      void qc.invalidateQueries({ queryKey: ['back-office', current.locationId] });
    },
  });
  return (
    <form
      className="form bo-card"
      aria-label={`Hours of ${barber.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <h3>Weekly hours of {barber.name}</h3>
      <p className="hint">
        In the shop&apos;s time zone, within its opening hours. For a break, split the day into two windows
        (09:00–12:00 and 13:00–18:00).
      </p>
      <WeekEditor
        hours={hours}
        onChange={setHours}
        error={save.error}
        field="weeklyHours"
        emptyText="Not working"
      />
      <h3>Date overrides</h3>
      <p className="hint">A day off, or different hours on one date.</p>
      <OverridesEditor
        list={overrides}
        onChange={setOverrides}
        error={save.error}
        field="dateOverrides"
        closedText="Not working that day"
      />
      <Outcome error={save.error} saved={saved} />
      <button className="btn btn-primary" type="submit" disabled={save.isPending}>
        Save hours
      </button>
    </form>
  );
}

function NewBarberForm() {
  const { current } = useStaff();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [bio, setBio] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      staffFetch<AdminBarber>(`/locations/${current.locationId}/barbers`, {
        method: 'POST',
        body: { name, bio: bio.trim() === '' ? null : bio },
      }),
    onMutate: () => setSaved(null),
    onSuccess: (b) => {
      setSaved(
        `${b.name} created. Give them hours${current.role === 'owner' ? ', then invite them below' : ''}.`,
      );
      setName('');
      setBio('');
      setOpen(false);
      void qc.invalidateQueries({ queryKey: ['back-office', current.locationId] });
    },
  });
  return (
    <>
      <Outcome error={null} saved={saved} />
      {!open ? (
        <button type="button" className="btn btn-primary" onClick={() => setOpen(true)}>
          Add a barber
        </button>
      ) : (
        <form
          className="form bo-card"
          aria-label="New barber"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <h3>New barber</h3>
          <TextField
            label="Name"
            value={name}
            onChange={setName}
            error={errorFor(create.error, 'name')}
            required
          />
          <TextField
            label="Bio (optional)"
            value={bio}
            onChange={setBio}
            error={errorFor(create.error, 'bio')}
          />
          <Outcome error={create.error} saved={null} />
          <div className="bo-buttons">
            <button className="btn btn-primary" type="submit" disabled={create.isPending}>
              Create barber
            </button>
            <button className="btn btn-quiet" type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </>
  );
}

function StaffSection({ barbers }: { barbers: AdminBarber[] }) {
  const { current, me } = useStaff();
  const loc = current.locationId;
  const qc = useQueryClient();
  const staff = useQuery({
    queryKey: boKey(loc, 'staff'),
    queryFn: ({ signal }) => staffFetch<StaffMember[]>(`/locations/${loc}/staff`, { signal }),
  });
  const [saved, setSaved] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ['back-office', loc] });
  const changeRole = useMutation({
    mutationFn: (v: { userId: string; role: Role }) =>
      staffFetch<StaffMember>(`/locations/${loc}/staff/${v.userId}`, {
        method: 'PATCH',
        body: { role: v.role },
      }),
    onMutate: () => setSaved(null),
    onSuccess: (m) => {
      setSaved(`${m.name} is now ${ROLE_LABEL[m.role].toLowerCase()}.`);
      void refresh();
    },
  });
  const deactivate = useMutation({
    mutationFn: (m: StaffMember) =>
      staffFetch<StaffMember>(`/locations/${loc}/staff/${m.userId}/deactivate`, { method: 'POST', body: {} }),
    onMutate: () => setSaved(null),
    onSuccess: (m) => {
      setSaved(`${m.name} deactivated: signed out everywhere, history kept.`);
      void refresh();
    },
  });
  return (
    <Section title="Staff accounts">
      <Outcome error={changeRole.error ?? deactivate.error} saved={saved} />
      {staff.isPending && <p role="status">Loading staff…</p>}
      {staff.isError && (
        <p className="alert" role="alert">
          {staff.error.message}
        </p>
      )}
      {staff.data && (
        <ul className="bo-list">
          {staff.data.map((m) => (
            <li key={m.userId} className={`bo-item${m.active ? '' : ' bo-archived'}`}>
              <div className="bo-item-main">
                <strong>{m.name}</strong> <span className="muted">{m.email}</span>
                <p className="hint">
                  {ROLE_LABEL[m.role]}
                  {m.barberId &&
                    ` · books as ${barbers.find((b) => b.id === m.barberId)?.name ?? 'a barber'}`}
                  {!m.active && ' · deactivated'}
                  {m.active && !m.totpEnabled && ' · two-factor off'}
                </p>
              </div>
              {m.active && m.userId !== me.user.id && (
                <div className="bo-item-actions">
                  <label className="bo-inline-select">
                    <span className="visually-hidden">Role of {m.name}</span>
                    <select
                      value={m.role}
                      disabled={changeRole.isPending}
                      onChange={(e) => changeRole.mutate({ userId: m.userId, role: e.target.value as Role })}
                    >
                      {(Object.keys(ROLE_LABEL) as Role[]).map((r) => (
                        <option key={r} value={r} disabled={r === 'barber' && !m.barberId}>
                          {ROLE_LABEL[r]}
                        </option>
                      ))}
                    </select>
                  </label>
                  <button
                    type="button"
                    className="btn btn-danger-outline bo-small"
                    disabled={deactivate.isPending}
                    onClick={() => {
                      if (
                        window.confirm(
                          `Deactivate ${m.name}? They are signed out everywhere; their history stays.`,
                        )
                      )
                        deactivate.mutate(m);
                    }}
                  >
                    Deactivate<span className="visually-hidden"> {m.name}</span>
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <InviteForm
        barbers={barbers}
        onInvited={(msg) => {
          setSaved(msg);
          void refresh();
        }}
      />
    </Section>
  );
}

function InviteForm({ barbers, onInvited }: { barbers: AdminBarber[]; onInvited: (msg: string) => void }) {
  const { current } = useStaff();
  const [f, setF] = useState({ email: '', name: '', role: 'barber' as Role, barberId: '' });
  const free = barbers.filter((b) => b.active && !b.account);
  const invite = useMutation({
    mutationFn: () =>
      staffFetch<{ email: string }>(`/locations/${current.locationId}/staff/invites`, {
        method: 'POST',
        body: { email: f.email, name: f.name, role: f.role, barberId: f.barberId === '' ? null : f.barberId },
      }),
    onSuccess: (inv) => {
      onInvited(`Invite sent to ${inv.email}. The link works for 7 days.`);
      setF({ email: '', name: '', role: 'barber', barberId: '' });
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    invite.mutate();
  }
  const barberErr = errorFor(invite.error, 'barberId');
  return (
    <form className="form bo-card" aria-label="Invite someone" onSubmit={submit}>
      <h3>Invite someone</h3>
      <TextField
        label="Name"
        value={f.name}
        onChange={(v) => setF({ ...f, name: v })}
        error={errorFor(invite.error, 'name')}
        required
      />
      <TextField
        label="Email"
        type="email"
        value={f.email}
        onChange={(v) => setF({ ...f, email: v })}
        error={errorFor(invite.error, 'email')}
        required
      />
      <div className="field">
        <label htmlFor="invite-role">Role</label>
        <select
          id="invite-role"
          value={f.role}
          onChange={(e) => setF({ ...f, role: e.target.value as Role })}
        >
          {(Object.keys(ROLE_LABEL) as Role[]).map((r) => (
            <option key={r} value={r}>
              {ROLE_LABEL[r]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="invite-barber">Barber profile{f.role === 'barber' ? '' : ' (optional)'}</label>
        <select
          id="invite-barber"
          value={f.barberId}
          aria-invalid={barberErr ? true : undefined}
          onChange={(e) => setF({ ...f, barberId: e.target.value })}
        >
          <option value="">{free.length ? 'Choose…' : 'No barber without an account'}</option>
          {free.map((b) => (
            <option key={b.id} value={b.id}>
              {b.name}
            </option>
          ))}
        </select>
        {barberErr && <p className="field-error">{barberErr}</p>}
      </div>
      <Outcome error={invite.error} saved={null} />
      <button className="btn btn-primary" type="submit" disabled={invite.isPending}>
        Send invite
      </button>
    </form>
  );
}
