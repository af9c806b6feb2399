// /app/clients: the organization's clients with search (name, or exact email/phone), segment and
// tag filters, visit stats and segment badges; owners also get the CSV export buttons.

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { isApiError } from '../../lib/api.ts';
import { formatMoney } from '../../lib/format.ts';
import { staffFetch } from '../../lib/staff-api.ts';
import { useDocumentTitle } from '../../components/use-document-title.ts';
import { useStaff } from '../staff/staff-context.tsx';
import { SEGMENT_LABEL, type ClientPage, type Segment } from './client-api.ts';

const PAGE_SIZE = 25;

/** Query key of a client list page. */
export const clientKeys = {
  all: ['staff', 'clients'] as const,
  list: (locationId: string, params: string) => ['staff', 'clients', 'list', locationId, params] as const,
  profile: (locationId: string, id: string) => ['staff', 'clients', 'profile', locationId, id] as const,
};

/** The segment badge. */
export function SegmentBadge({ segment }: { segment: Segment }) {
  return <span className={`segment-badge segment-${segment}`}>{SEGMENT_LABEL[segment]}</span>;
}

/** Export buttons (owners): plain links, the browser downloads the CSV with the session cookie. */
export function ExportButtons() {
  return (
    <div className="client-export" aria-label="Export">
      <a className="btn btn-secondary" href="/api/v1/organizations/current/export/clients.csv" download>
        Export clients (CSV)
      </a>
      <a className="btn btn-secondary" href="/api/v1/organizations/current/export/appointments.csv" download>
        Export appointments (CSV)
      </a>
    </div>
  );
}

export function ClientListPage() {
  useDocumentTitle('Clients');
  const id = useId();
  const { current } = useStaff();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const segment = params.get('segment') ?? '';
  const tag = params.get('tag') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const [text, setText] = useState(q);
  const [tagText, setTagText] = useState(tag);

  const search = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
  if (q) search.set('q', q);
  if (segment) search.set('segment', segment);
  if (tag) search.set('tag', tag);
  const list = useQuery({
    queryKey: clientKeys.list(current.locationId, search.toString()),
    queryFn: ({ signal }) =>
      staffFetch<ClientPage>(`/locations/${current.locationId}/clients/list?${search.toString()}`, {
        signal,
      }),
    placeholderData: keepPreviousData,
  });

  function apply(e: FormEvent) {
    e.preventDefault();
    const next = new URLSearchParams();
    if (text.trim()) next.set('q', text.trim());
    if (segment) next.set('segment', segment);
    if (tagText.trim()) next.set('tag', tagText.trim());
    setParams(next);
  }
  function setSegment(value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set('segment', value);
    else next.delete('segment');
    next.delete('page');
    setParams(next);
  }
  function goTo(p: number) {
    const next = new URLSearchParams(params);
    next.set('page', String(p));
    setParams(next);
  }
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / PAGE_SIZE)) : 1;
  const filtered = Boolean(q || segment || tag);

  return (
    <section className="clients-page" aria-labelledby={`${id}-title`}>
      <div className="clients-head">
        <h1 id={`${id}-title`}>Clients</h1>
        {current.role === 'owner' && <ExportButtons />}
      </div>
      <form className="clients-filters" onSubmit={apply} role="search">
        <div className="field">
          <label htmlFor={`${id}-q`}>Search</label>
          <input
            id={`${id}-q`}
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Name, or exact email or phone"
            maxLength={100}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-segment`}>Segment</label>
          <select id={`${id}-segment`} value={segment} onChange={(e) => setSegment(e.target.value)}>
            <option value="">All</option>
            {(Object.keys(SEGMENT_LABEL) as Segment[]).map((s) => (
              <option key={s} value={s}>
                {SEGMENT_LABEL[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-tag`}>Tag</label>
          <input
            id={`${id}-tag`}
            value={tagText}
            onChange={(e) => setTagText(e.target.value)}
            maxLength={40}
          />
        </div>
        <button type="submit" className="btn btn-primary">
          Search
        </button>
      </form>

      {list.isPending && <p role="status">Loading clients…</p>}
      {list.isError && (
        <p role="alert" className="alert">
          {isApiError(list.error) ? list.error.detail : 'The clients could not load.'}
        </p>
      )}
      {list.data && list.data.clients.length === 0 && (
        <div className="empty" data-testid="clients-empty">
          <p className="empty-title">{filtered ? 'No client matches' : 'No clients yet'}</p>
          <p>
            {filtered
              ? 'Try part of the name, or the whole email or phone number.'
              : 'Clients appear here after their first booking.'}
          </p>
        </div>
      )}
      {list.data && list.data.clients.length > 0 && (
        <>
          <p className="muted small" role="status">
            {list.data.total} client{list.data.total === 1 ? '' : 's'}
          </p>
          <ul className="plain-list client-list">
            {list.data.clients.map((c) => (
              <li key={c.id} className="client-row">
                <Link to={`/app/clients/${c.id}`} className="client-row-link">
                  <span className="client-row-name">{c.name}</span>
                  <SegmentBadge segment={c.segment} />
                </Link>
                <span className="small muted">
                  {[c.email, c.phone].filter(Boolean).join(' · ') || 'No contact details'}
                </span>
                <span className="small">
                  {c.stats.visits} visit{c.stats.visits === 1 ? '' : 's'}
                  {c.stats.currency ? ` · ${formatMoney(c.stats.spendMinor, c.stats.currency)}` : ''}
                  {c.tags.length > 0 ? ` · ${c.tags.join(', ')}` : ''}
                </span>
              </li>
            ))}
          </ul>
          {pages > 1 && (
            <nav className="actions" aria-label="Pages">
              <button
                type="button"
                className="btn btn-secondary"
                disabled={page <= 1}
                onClick={() => goTo(page - 1)}
              >
                Previous
              </button>
              <span className="muted">
                Page {page} of {pages}
              </span>
              <button
                type="button"
                className="btn btn-secondary"
                disabled={page >= pages}
                onClick={() => goTo(page + 1)}
              >
                Next
              </button>
            </nav>
          )}
        </>
      )}
    </section>
  );
}
