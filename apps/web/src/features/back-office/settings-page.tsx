// Shop settings: details, opening hours (several windows a day), closures and holidays (a date
// closed or with special hours) and the booking policy. Owners and managers change them (only
// owners the time zone and currency); front desk reads them.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { staffFetch } from '../../lib/staff-api.ts';
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
  WeekEditor,
  type DateOverride,
  type WeeklyHours,
} from './common.tsx';
import { PaymentsForm, type PaymentSettings } from './payments-settings.tsx';

/** GET …/settings. */
export interface LocationSettings {
  id: string;
  slug: string;
  name: string;
  phone: string;
  address: string;
  timezone: string;
  currency: string;
  openingHours: Partial<WeeklyHours>;
  closures: DateOverride[];
  policy: {
    slotIntervalMinutes: number;
    leadTimeMinutes: number;
    horizonDays: number;
    changeWindowHours: number;
  };
  /** Issue 4 (payments-settings.tsx). */
  payments?: PaymentSettings;
  paymentOptions?: { onlinePaymentsAvailable: boolean };
}

/** The settings screen. */
export function SettingsPage() {
  const { current } = useStaff();
  const loc = current.locationId;
  const q = useQuery({
    queryKey: boKey(loc, 'settings'),
    queryFn: ({ signal }) => staffFetch<LocationSettings>(`/locations/${loc}/settings`, { signal }),
  });
  if (q.isPending) return <p role="status">Loading settings…</p>;
  if (q.isError)
    return (
      <p className="alert" role="alert">
        {q.error.message}
      </p>
    );
  const canEdit = current.role === 'owner' || current.role === 'manager';
  return (
    <div className="bo-page">
      <h1>Shop settings</h1>
      {!canEdit && <p className="hint">You can read these settings; owners and managers change them.</p>}
      <DetailsForm settings={q.data} canEdit={canEdit} isOwner={current.role === 'owner'} />
      <HoursForm settings={q.data} canEdit={canEdit} />
      <ClosuresForm settings={q.data} canEdit={canEdit} />
      <PolicyForm settings={q.data} canEdit={canEdit} />
      <PaymentsSection settings={q.data} canEdit={canEdit} />
    </div>
  );
}

/** PATCH …/settings with a confirmation. */
function useSaveSettings(what: string) {
  const { current } = useStaff();
  const qc = useQueryClient();
  const [saved, setSaved] = useState<string | null>(null);
  const m = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      staffFetch<LocationSettings>(`/locations/${current.locationId}/settings`, { method: 'PATCH', body }),
    onMutate: () => setSaved(null),
    onSuccess: (data) => {
      qc.setQueryData(boKey(current.locationId, 'settings'), data);
      setSaved(`${what} saved.`);
    },
  });
  return { ...m, saved };
}

function DetailsForm({
  settings,
  canEdit,
  isOwner,
}: {
  settings: LocationSettings;
  canEdit: boolean;
  isOwner: boolean;
}) {
  const [f, setF] = useState({
    name: settings.name,
    phone: settings.phone,
    address: settings.address,
    timezone: settings.timezone,
    currency: settings.currency,
  });
  const save = useSaveSettings('Details');
  function submit(e: FormEvent) {
    e.preventDefault();
    const body: Record<string, unknown> = { name: f.name, phone: f.phone, address: f.address };
    if (isOwner) Object.assign(body, { timezone: f.timezone, currency: f.currency.toUpperCase() });
    save.mutate(body);
  }
  return (
    <Section title="Details">
      <form className="form" onSubmit={submit}>
        <fieldset disabled={!canEdit || save.isPending} className="bo-fieldset">
          <TextField
            label="Shop name"
            value={f.name}
            onChange={(v) => setF({ ...f, name: v })}
            error={errorFor(save.error, 'name')}
          />
          <TextField
            label="Phone"
            type="tel"
            value={f.phone}
            onChange={(v) => setF({ ...f, phone: v })}
            error={errorFor(save.error, 'phone')}
          />
          <TextField
            label="Address"
            value={f.address}
            onChange={(v) => setF({ ...f, address: v })}
            error={errorFor(save.error, 'address')}
          />
          <fieldset disabled={!isOwner} className="bo-fieldset">
            <TextField
              label="Time zone"
              hint={
                isOwner
                  ? 'IANA name, e.g. America/New_York. All hours are in this zone.'
                  : 'Only owners change the time zone.'
              }
              value={f.timezone}
              onChange={(v) => setF({ ...f, timezone: v })}
              error={errorFor(save.error, 'timezone')}
            />
            <TextField
              label="Currency"
              hint={isOwner ? 'ISO 4217 code, e.g. USD' : 'Only owners change the currency.'}
              value={f.currency}
              onChange={(v) => setF({ ...f, currency: v })}
              error={errorFor(save.error, 'currency')}
            />
          </fieldset>
        </fieldset>
        <Outcome error={save.error} saved={save.saved} />
        {canEdit && (
          <button className="btn btn-primary" type="submit" disabled={save.isPending}>
            Save details
          </button>
        )}
      </form>
    </Section>
  );
}

function HoursForm({ settings, canEdit }: { settings: LocationSettings; canEdit: boolean }) {
  const [hours, setHours] = useState<WeeklyHours>(() => fullWeek(settings.openingHours));
  useEffect(() => setHours(fullWeek(settings.openingHours)), [settings.openingHours]);
  const save = useSaveSettings('Opening hours');
  return (
    <Section title="Opening hours">
      <p className="hint">
        Times in {settings.timezone}. Add several windows for a day to close in between (a lunch break).
      </p>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ openingHours: normalizeWeek(hours) });
        }}
      >
        <fieldset disabled={!canEdit || save.isPending} className="bo-fieldset">
          <WeekEditor hours={hours} onChange={setHours} error={save.error} field="openingHours" />
        </fieldset>
        <Outcome error={save.error} saved={save.saved} />
        {canEdit && (
          <button className="btn btn-primary" type="submit" disabled={save.isPending}>
            Save opening hours
          </button>
        )}
      </form>
    </Section>
  );
}

function ClosuresForm({ settings, canEdit }: { settings: LocationSettings; canEdit: boolean }) {
  const [list, setList] = useState<DateOverride[]>(settings.closures);
  useEffect(() => setList(settings.closures), [settings.closures]);
  const save = useSaveSettings('Closures and holidays');
  return (
    <Section title="Closures and holidays">
      <p className="hint">A date closed all day, or open with special hours instead of the usual ones.</p>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ closures: normalizeOverrides(list) });
        }}
      >
        <fieldset disabled={!canEdit || save.isPending} className="bo-fieldset">
          <OverridesEditor
            list={list}
            onChange={setList}
            error={save.error}
            field="closures"
            closedText="Closed all day"
          />
        </fieldset>
        <Outcome error={save.error} saved={save.saved} />
        {canEdit && (
          <button className="btn btn-primary" type="submit" disabled={save.isPending}>
            Save closures
          </button>
        )}
      </form>
    </Section>
  );
}

function PolicyForm({ settings, canEdit }: { settings: LocationSettings; canEdit: boolean }) {
  const p = settings.policy;
  const [f, setF] = useState({
    slotIntervalMinutes: String(p.slotIntervalMinutes),
    leadTimeMinutes: String(p.leadTimeMinutes),
    horizonDays: String(p.horizonDays),
    changeWindowHours: String(p.changeWindowHours),
  });
  const save = useSaveSettings('Booking policy');
  const num = (s: string) => (s.trim() === '' ? s : Number(s));
  const field = (k: keyof typeof f, label: string, hint: string) => (
    <TextField
      label={label}
      hint={hint}
      type="number"
      inputMode="numeric"
      min={0}
      value={f[k]}
      onChange={(v) => setF({ ...f, [k]: v })}
      error={errorFor(save.error, `policy.${k}`)}
    />
  );
  return (
    <Section title="Booking policy">
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({
            policy: Object.fromEntries(Object.entries(f).map(([k, v]) => [k, num(v)])),
          });
        }}
      >
        <fieldset disabled={!canEdit || save.isPending} className="bo-fieldset">
          {field(
            'slotIntervalMinutes',
            'Time slots every (minutes)',
            'Appointments start on this grid, e.g. 15 or 30.',
          )}
          {field('leadTimeMinutes', 'Minimum notice (minutes)', 'Clients cannot book sooner than this.')}
          {field('horizonDays', 'Book up to (days ahead)', 'How far ahead the booking page goes.')}
          {field(
            'changeWindowHours',
            'Online changes until (hours before)',
            'Inside this, clients must call to change or cancel.',
          )}
        </fieldset>
        <Outcome error={save.error} saved={save.saved} />
        {canEdit && (
          <button className="btn btn-primary" type="submit" disabled={save.isPending}>
            Save booking policy
          </button>
        )}
      </form>
    </Section>
  );
}

function PaymentsSection({ settings, canEdit }: { settings: LocationSettings; canEdit: boolean }) {
  const save = useSaveSettings('Payments');
  if (!settings.payments) return null;
  return (
    <PaymentsForm
      payments={settings.payments}
      onlinePaymentsAvailable={settings.paymentOptions?.onlinePaymentsAvailable ?? false}
      currency={settings.currency}
      canEdit={canEdit}
      save={save}
    />
  );
}
