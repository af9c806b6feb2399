// Time off: a barber requests time off and follows their requests; owners and managers approve or
// decline requests (seeing any booked appointments inside), and add time off for a barber
// directly. Times are the shop's local time (the API answers with the shop's offset).

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { staffFetch } from '../../lib/staff-api.ts';
import { useStaff } from '../staff/staff-context.tsx';
import { boKey, errorFor, Outcome, Section, TextField } from './common.tsx';
import type { AdminBarber } from './team-page.tsx';

interface TimeOff {
  id: string;
  barberId: string;
  barberName: string;
  start: string;
  end: string;
  reason: string | null;
  status: 'requested' | 'approved' | 'declined';
  requestedBy: { userId: string; name: string } | null;
  decidedBy: { userId: string; name: string } | null;
  decidedAt: string | null;
}

interface Conflict {
  id: string;
  start: string;
  end: string;
  status: string;
}

interface TimeOffResult {
  timeOff: TimeOff;
  conflicts: Conflict[];
}

/** "2026-12-10T13:00:00-05:00" → "Thu, Dec 10, 1:00 PM" in the shop's own wall time (the offset is ignored). */
function shopTime(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
  if (!m) return iso;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!));
  return new Intl.DateTimeFormat(undefined, {
    timeZone: 'UTC',
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  }).format(d);
}

const STATUS_LABEL = { requested: 'Waiting for approval', approved: 'Approved', declined: 'Declined' };

/** The time-off screen. */
export function TimeOffPage() {
  const { current } = useStaff();
  const loc = current.locationId;
  const manages = current.role === 'owner' || current.role === 'manager';
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: boKey(loc, 'time-off'),
    // Upcoming and current time off (ending today or later).
    queryFn: ({ signal }) =>
      staffFetch<TimeOff[]>(`/locations/${loc}/time-off?from=${new Date().toLocaleDateString('en-CA')}`, {
        signal,
      }),
  });
  const barbers = useQuery({
    queryKey: boKey(loc, 'barbers'),
    queryFn: ({ signal }) => staffFetch<AdminBarber[]>(`/locations/${loc}/barbers`, { signal }),
    enabled: manages,
  });
  const [saved, setSaved] = useState<string | null>(null);
  const [conflicts, setConflicts] = useState<Conflict[]>([]);
  const refresh = () => qc.invalidateQueries({ queryKey: boKey(loc, 'time-off') });
  const decide = useMutation({
    mutationFn: (v: { id: string; decision: 'approve' | 'decline' }) =>
      staffFetch<TimeOffResult>(`/locations/${loc}/time-off/${v.id}/${v.decision}`, {
        method: 'POST',
        body: {},
      }),
    onMutate: () => {
      setSaved(null);
      setConflicts([]);
    },
    onSuccess: (r) => {
      setSaved(`${r.timeOff.barberName}'s time off ${r.timeOff.status}. They are told by email.`);
      setConflicts(r.conflicts);
      void refresh();
    },
  });

  const remove = useMutation({
    mutationFn: async (t: TimeOff) => {
      await staffFetch(`/locations/${loc}/time-off/${t.id}`, { method: 'DELETE' });
      return t;
    },
    onMutate: () => {
      setSaved(null);
      setConflicts([]);
    },
    onSuccess: (t) => {
      setSaved(
        t.status === 'requested' && !manages
          ? 'Request withdrawn.'
          : `${t.barberName}'s time off removed: the time is bookable again.`,
      );
      void refresh();
    },
  });
  const removeButton = (t: TimeOff) => {
    const label = t.status === 'requested' && !manages ? 'Withdraw' : 'Remove';
    return (
      <button
        type="button"
        className="btn btn-quiet"
        disabled={remove.isPending}
        onClick={() => {
          if (window.confirm(`${label} ${t.barberName}'s time off from ${shopTime(t.start)}?`))
            remove.mutate(t);
        }}
      >
        {label}
        <span className="visually-hidden">
          {' '}
          {t.barberName} from {shopTime(t.start)}
        </span>
      </button>
    );
  };

  const pending = (list.data ?? []).filter((t) => t.status === 'requested');
  const others = (list.data ?? []).filter((t) => t.status !== 'requested');
  const canRequest = manages || (current.role === 'barber' && current.barberId);

  return (
    <div className="bo-page">
      <h1>Time off</h1>
      <Outcome error={decide.error ?? remove.error} saved={saved} />
      <ConflictList conflicts={conflicts} />
      {list.isPending && <p role="status">Loading time off…</p>}
      {list.isError && (
        <p className="alert" role="alert">
          {list.error.message}
        </p>
      )}
      {list.data && (
        <>
          <Section title={manages ? 'Waiting for approval' : 'Your requests waiting'}>
            {pending.length === 0 ? (
              <p className="hint">Nothing waiting.</p>
            ) : (
              <ul className="bo-list">
                {pending.map((t) => (
                  <li key={t.id} className="bo-item">
                    <TimeOffLine t={t} />
                    {manages && (
                      <div className="bo-item-actions">
                        <button
                          type="button"
                          className="btn btn-primary bo-small"
                          disabled={decide.isPending}
                          onClick={() => decide.mutate({ id: t.id, decision: 'approve' })}
                        >
                          Approve
                          <span className="visually-hidden">
                            {' '}
                            {t.barberName} from {shopTime(t.start)}
                          </span>
                        </button>
                        <button
                          type="button"
                          className="btn btn-danger-outline bo-small"
                          disabled={decide.isPending}
                          onClick={() => decide.mutate({ id: t.id, decision: 'decline' })}
                        >
                          Decline
                          <span className="visually-hidden">
                            {' '}
                            {t.barberName} from {shopTime(t.start)}
                          </span>
                        </button>
                      </div>
                    )}
                    {!manages && <div className="bo-item-actions">{removeButton(t)}</div>}
                  </li>
                ))}
              </ul>
            )}
          </Section>
          {canRequest && (
            <TimeOffForm
              barbers={manages ? (barbers.data ?? []).filter((b) => b.active) : null}
              onDone={(r) => {
                setSaved(
                  r.timeOff.status === 'requested'
                    ? 'Request sent. A manager will approve or decline it.'
                    : `Time off added for ${r.timeOff.barberName}.`,
                );
                setConflicts(r.conflicts);
                void refresh();
              }}
            />
          )}
          <Section title="Upcoming, decided">
            {others.length === 0 ? (
              <p className="hint">No upcoming time off.</p>
            ) : (
              <ul className="bo-list">
                {others.map((t) => (
                  <li key={t.id} className="bo-item">
                    <TimeOffLine t={t} />
                    {manages && <div className="bo-item-actions">{removeButton(t)}</div>}
                  </li>
                ))}
              </ul>
            )}
          </Section>
        </>
      )}
    </div>
  );
}

function TimeOffLine({ t }: { t: TimeOff }) {
  return (
    <div className="bo-item-main">
      <strong>{t.barberName}</strong>{' '}
      <span>
        {shopTime(t.start)} – {shopTime(t.end)}
      </span>
      <p className="hint">
        {STATUS_LABEL[t.status]}
        {t.decidedBy && ` by ${t.decidedBy.name}`}
        {t.reason && ` · ${t.reason}`}
      </p>
    </div>
  );
}

function ConflictList({ conflicts }: { conflicts: Conflict[] }) {
  if (conflicts.length === 0) return null;
  return (
    <div className="alert alert-warning" role="alert">
      <p>
        {conflicts.length === 1
          ? 'One booked appointment falls'
          : `${conflicts.length} booked appointments fall`}{' '}
        inside this time off. They are kept: move or cancel them from the calendar.
      </p>
      <ul>
        {conflicts.map((c) => (
          <li key={c.id}>
            {shopTime(c.start)} – {shopTime(c.end)} ({c.status.replace('_', ' ')})
          </li>
        ))}
      </ul>
    </div>
  );
}

function TimeOffForm(props: { barbers: AdminBarber[] | null; onDone: (r: TimeOffResult) => void }) {
  const { current } = useStaff();
  const today = new Date().toLocaleDateString('en-CA');
  const [f, setF] = useState({
    barberId: '',
    from: today,
    to: today,
    allDay: true,
    fromTime: '09:00',
    toTime: '13:00',
    reason: '',
  });
  const create = useMutation({
    mutationFn: () =>
      staffFetch<TimeOffResult>(`/locations/${current.locationId}/time-off`, {
        method: 'POST',
        body: {
          ...(props.barbers ? { barberId: f.barberId } : {}),
          start: f.allDay ? f.from : `${f.from}T${f.fromTime}`,
          end: f.allDay ? f.to : `${f.to}T${f.toTime}`,
          reason: f.reason.trim() === '' ? null : f.reason,
        },
      }),
    onSuccess: (r) => {
      props.onDone(r);
      setF({ ...f, reason: '' });
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }
  const barberErr = errorFor(create.error, 'barberId');
  return (
    <Section title={props.barbers ? 'Add time off' : 'Request time off'}>
      <form className="form bo-card" onSubmit={submit}>
        {props.barbers && (
          <div className="field">
            <label htmlFor="to-barber">Barber</label>
            <select
              id="to-barber"
              value={f.barberId}
              required
              aria-invalid={barberErr ? true : undefined}
              onChange={(e) => setF({ ...f, barberId: e.target.value })}
            >
              <option value="">Choose…</option>
              {props.barbers.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
            {barberErr && <p className="field-error">{barberErr}</p>}
          </div>
        )}
        <label className="bo-check">
          <input
            type="checkbox"
            checked={f.allDay}
            onChange={(e) => setF({ ...f, allDay: e.target.checked })}
          />
          Whole days
        </label>
        <TextField
          label={f.allDay ? 'First day' : 'From (date)'}
          type="date"
          value={f.from}
          onChange={(v) => setF({ ...f, from: v })}
          error={errorFor(create.error, 'start')}
          required
        />
        {!f.allDay && (
          <TextField
            label="From (time)"
            type="time"
            value={f.fromTime}
            onChange={(v) => setF({ ...f, fromTime: v })}
          />
        )}
        <TextField
          label={f.allDay ? 'Last day' : 'Until (date)'}
          type="date"
          value={f.to}
          onChange={(v) => setF({ ...f, to: v })}
          error={errorFor(create.error, 'end')}
          required
        />
        {!f.allDay && (
          <TextField
            label="Until (time)"
            type="time"
            value={f.toTime}
            onChange={(v) => setF({ ...f, toTime: v })}
          />
        )}
        <TextField
          label="Reason (optional)"
          value={f.reason}
          onChange={(v) => setF({ ...f, reason: v })}
          error={errorFor(create.error, 'reason')}
        />
        <p className="hint">Times are the shop&apos;s local time.</p>
        <Outcome error={create.error} saved={null} />
        <button className="btn btn-primary" type="submit" disabled={create.isPending}>
          {props.barbers ? 'Add time off' : 'Send request'}
        </button>
      </form>
    </Section>
  );
}
