// Activity: the organization's audit log for owners (GET /organizations/current/audit): who changed
// what and when, with the values before and after; filtered by kind of change and by dates in the
// shop's time zone; newest first, a page at a time.

import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { staffFetch } from '../../lib/staff-api.ts';
import { useStaff } from '../staff/staff-context.tsx';
import { boKey, Outcome } from './common.tsx';

/** One audit entry as the API gives it (`at` is a UTC instant). */
interface AuditEntry {
  id: number;
  at: string;
  action: string;
  entity: string;
  entityId: string | null;
  actor: { id: string; name: string; email: string } | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

interface AuditPage {
  entries: AuditEntry[];
  nextCursor: string | null;
}

/** Kinds of change to filter by: an action prefix the API understands ("staff." …). */
const KINDS: Array<{ value: string; label: string }> = [
  { value: '', label: 'Everything' },
  { value: 'appointment.', label: 'Appointments' },
  { value: 'client.', label: 'Clients' },
  { value: 'service.', label: 'Services' },
  { value: 'barber.', label: 'Barbers and hours' },
  { value: 'time_off.', label: 'Time off' },
  { value: 'blocked_time.', label: 'Blocked time' },
  { value: 'location.', label: 'Shop settings' },
  { value: 'staff.', label: 'Staff and roles' },
  { value: 'user.', label: 'Sign-in and security' },
  { value: 'export.', label: 'Exports' },
];

/** The UTC instant of midnight at the start of `date` (YYYY-MM-DD) in `timeZone`, as ISO 8601. */
function startOfDayIn(date: string, timeZone: string): string {
  // The zone's offset at that day's noon is the day's offset except on a change of clocks at
  // midnight, which no shop keeps; good enough for a filter that is inclusive anyway.
  const noon = new Date(`${date}T12:00:00Z`);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(noon);
  const h = Number(parts.find((p) => p.type === 'hour')!.value);
  const m = Number(parts.find((p) => p.type === 'minute')!.value);
  const offsetMinutes = (h - 12) * 60 + m;
  return new Date(Date.parse(`${date}T00:00:00Z`) - offsetMinutes * 60_000).toISOString();
}

function addDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** "staff.role_changed" → "Staff role changed". */
function actionLabel(action: string): string {
  const text = action.replace(/[._]/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function show(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** The fields an entry changed, before → after (or the values written or removed). */
function Changes({ entry }: { entry: AuditEntry }) {
  const keys = [...new Set([...Object.keys(entry.before ?? {}), ...Object.keys(entry.after ?? {})])];
  const changed = keys.filter((k) => show(entry.before?.[k]) !== show(entry.after?.[k]));
  if (changed.length === 0) return null;
  return (
    <dl className="activity-changes">
      {changed.map((k) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>
            {entry.before && k in entry.before ? (
              <>
                <del>{show(entry.before[k])}</del>
                <span aria-hidden="true"> → </span>
                <span className="visually-hidden"> changed to </span>
              </>
            ) : null}
            <ins>{show(entry.after?.[k])}</ins>
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The activity screen (owners). */
export function ActivityPage() {
  const { current } = useStaff();
  const ids = { kind: useId(), from: useId(), to: useId() };
  const settings = useQuery({
    queryKey: boKey(current.locationId, 'settings'),
    queryFn: ({ signal }) =>
      staffFetch<{ timezone: string }>(`/locations/${current.locationId}/settings`, { signal }),
  });
  const timeZone = settings.data?.timezone;
  const [draft, setDraft] = useState({ kind: '', from: '', to: '' });
  const [filter, setFilter] = useState(draft);
  const [dateError, setDateError] = useState<string | null>(null);

  const log = useInfiniteQuery({
    queryKey: ['audit', current.organizationId, filter, timeZone],
    enabled: timeZone !== undefined,
    initialPageParam: null as string | null,
    getNextPageParam: (last: AuditPage) => last.nextCursor,
    queryFn: ({ pageParam, signal }) => {
      const q = new URLSearchParams({ limit: '50', organizationId: current.organizationId });
      if (filter.kind) q.set('action', filter.kind);
      if (filter.from) q.set('from', startOfDayIn(filter.from, timeZone!));
      // "to" is inclusive of the whole day: up to the instant before the next midnight.
      if (filter.to)
        q.set('to', new Date(Date.parse(startOfDayIn(addDay(filter.to), timeZone!)) - 1).toISOString());
      if (pageParam) q.set('cursor', pageParam);
      return staffFetch<AuditPage>(`/organizations/current/audit?${q}`, { signal });
    },
  });

  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (draft.from && draft.to && draft.from > draft.to) {
      setDateError('The "from" date must be on or before the "to" date.');
      return;
    }
    setDateError(null);
    setFilter(draft);
  };

  const when = (iso: string) =>
    new Intl.DateTimeFormat(undefined, {
      timeZone,
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(new Date(iso));
  const entries = log.data?.pages.flatMap((p) => p.entries) ?? [];

  return (
    <div className="bo-page">
      <h1>Activity</h1>
      <p className="bo-small">
        Every change made by staff: who, what and when, with the values before and after.
        {timeZone ? ` Times are in the shop's time zone (${timeZone}).` : ''}
      </p>
      <form className="activity-filters" aria-label="Filter activity" onSubmit={apply}>
        <label htmlFor={ids.kind}>Kind of change</label>
        <select
          id={ids.kind}
          value={draft.kind}
          onChange={(e) => setDraft({ ...draft, kind: e.target.value })}
        >
          {KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
        <label htmlFor={ids.from}>From</label>
        <input
          id={ids.from}
          type="date"
          value={draft.from}
          aria-invalid={dateError ? true : undefined}
          onChange={(e) => setDraft({ ...draft, from: e.target.value })}
        />
        <label htmlFor={ids.to}>To</label>
        <input
          id={ids.to}
          type="date"
          value={draft.to}
          aria-invalid={dateError ? true : undefined}
          onChange={(e) => setDraft({ ...draft, to: e.target.value })}
        />
        <button className="btn" type="submit">
          Show
        </button>
      </form>
      {dateError ? (
        <p className="field-error" role="alert">
          {dateError}
        </p>
      ) : null}
      <Outcome error={settings.error ?? log.error} saved={null} />
      {log.isPending && !log.error ? <p role="status">Loading activity…</p> : null}
      {log.isSuccess && entries.length === 0 ? (
        <p className="bo-small" role="status">
          Nothing recorded{filter.kind || filter.from || filter.to ? ' for this filter' : ' yet'}.
        </p>
      ) : null}
      {entries.length > 0 ? (
        <ol className="activity-list" aria-label="Changes, newest first">
          {entries.map((e) => (
            <li key={e.id} className="bo-card">
              <p>
                <strong>{actionLabel(e.action)}</strong>{' '}
                <span className="bo-small">
                  {e.actor ? `by ${e.actor.name}` : 'by the system'} ·{' '}
                  <time dateTime={e.at}>{when(e.at)}</time>
                </span>
              </p>
              <Changes entry={e} />
            </li>
          ))}
        </ol>
      ) : null}
      {log.hasNextPage ? (
        <button
          className="btn"
          type="button"
          disabled={log.isFetchingNextPage}
          onClick={() => void log.fetchNextPage()}
        >
          {log.isFetchingNextPage ? 'Loading…' : 'Show older changes'}
        </button>
      ) : null}
    </div>
  );
}
