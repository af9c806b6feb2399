// /app/clients/:clientId: a client's stats, segment, details, notes and tags (editable), their
// history at every location in the shop's zone, and merging a duplicate into them.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { isApiError, type FieldError } from '../../lib/api.ts';
import { formatMoney, formatShortDateTime, zoneAbbreviation } from '../../lib/format.ts';
import { staffFetch } from '../../lib/staff-api.ts';
import { useDocumentTitle } from '../../components/use-document-title.ts';
import { useStaff } from '../staff/staff-context.tsx';
import type { ClientPage, ClientProfile, ClientRecord } from './client-api.ts';
import { clientKeys, ExportButtons, SegmentBadge } from './client-list-page.tsx';

export function ClientProfilePage() {
  const { clientId = '' } = useParams();
  const { current } = useStaff();
  const profile = useQuery({
    queryKey: clientKeys.profile(current.locationId, clientId),
    queryFn: ({ signal }) =>
      staffFetch<ClientProfile>(`/locations/${current.locationId}/clients/${clientId}`, { signal }),
  });
  useDocumentTitle(profile.data?.name ?? 'Client');
  const [done, setDone] = useState<string | null>(null);

  if (profile.isPending) return <p role="status">Loading the client…</p>;
  if (profile.isError)
    return (
      <section>
        <h1>Client</h1>
        <p role="alert" className="alert">
          {isApiError(profile.error) && profile.error.status === 404
            ? 'No client with this id.'
            : isApiError(profile.error)
              ? profile.error.detail
              : 'The client could not load.'}
        </p>
        <Link to="/app/clients">All clients</Link>
      </section>
    );
  const c = profile.data;
  const canMerge = current.role === 'owner' || current.role === 'manager';
  return (
    <section className="client-profile" aria-labelledby="client-name">
      <p>
        <Link to="/app/clients">← All clients</Link>
      </p>
      <div className="clients-head">
        <h1 id="client-name">
          {c.name} <SegmentBadge segment={c.segment} />
        </h1>
        {current.role === 'owner' && <ExportButtons />}
      </div>
      {c.mergedIntoId && (
        <p className="notice">
          This client was merged.{' '}
          <Link to={`/app/clients/${c.mergedIntoId}`}>Open the client it was merged into</Link>
        </p>
      )}
      <div className="status-msg" role="status" data-testid="client-status">
        {done}
      </div>
      <dl className="client-stats">
        <div>
          <dt>Visits</dt>
          <dd>{c.stats.visits}</dd>
        </div>
        <div>
          <dt>Spend</dt>
          <dd>{c.stats.currency ? formatMoney(c.stats.spendMinor, c.stats.currency) : '—'}</dd>
        </div>
        <div>
          <dt>Last visit</dt>
          <dd>
            {c.stats.lastVisit
              ? formatShortDateTime(c.stats.lastVisit, c.history[0]?.timezone ?? 'UTC')
              : 'Not yet'}
          </dd>
        </div>
        <div>
          <dt>No-shows</dt>
          <dd>{c.stats.noShows}</dd>
        </div>
        <div>
          <dt>Cancellations</dt>
          <dd>{c.stats.cancellations}</dd>
        </div>
      </dl>
      {!c.mergedIntoId && <EditClient client={c} onSaved={() => setDone('Saved.')} />}
      {!c.mergedIntoId && canMerge && (
        <MergeClient
          client={c}
          onMerged={(n) => setDone(`Merged. ${n} appointment${n === 1 ? '' : 's'} moved.`)}
        />
      )}
      <h2>History</h2>
      {c.history.length === 0 ? (
        <p className="empty">No appointments.</p>
      ) : (
        <ul className="plain-list client-history">
          {c.history.map((a) => (
            <li key={a.id} className="client-history-item">
              <div className="client-history-main">
                <p className="strong">
                  {formatShortDateTime(a.start, a.timezone)}{' '}
                  <span className="muted small">{zoneAbbreviation(a.start, a.timezone)}</span>
                </p>
                <p>
                  {a.services.map((s) => s.name).join(' + ')} with {a.barberName} ·{' '}
                  {formatMoney(a.totalMinor, a.currency)}
                </p>
                <p className="small muted">
                  {a.locationName} ·{' '}
                  <span className={`status-pill status-${a.status}`}>{a.status.replace('_', ' ')}</span>
                </p>
                {a.notes && <p className="small">{a.notes}</p>}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function EditClient({ client, onSaved }: { client: ClientProfile; onSaved: () => void }) {
  const id = useId();
  const { current } = useStaff();
  const queryClient = useQueryClient();
  const [values, setValues] = useState({
    name: client.name,
    email: client.email ?? '',
    phone: client.phone ?? '',
    notes: client.notes ?? '',
    tags: client.tags.join(', '),
  });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () =>
      staffFetch<ClientRecord>(`/locations/${current.locationId}/clients/${client.id}`, {
        method: 'PATCH',
        body: {
          name: values.name,
          email: values.email.trim() || null,
          phone: values.phone.trim() || null,
          notes: values.notes.trim() || null,
          tags: values.tags
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
          version: client.version,
        },
      }),
    onSuccess: () => {
      setErrors([]);
      setFormError(null);
      void queryClient.invalidateQueries({ queryKey: clientKeys.all });
      onSaved();
    },
    onError: (e) => {
      setErrors(isApiError(e) ? (e.errors ?? []) : []);
      setFormError(
        isApiError(e) && e.code === 'STALE_UPDATE'
          ? 'Someone else changed this client meanwhile. Reload the page and try again.'
          : isApiError(e) && !e.errors?.length
            ? e.detail
            : null,
      );
    },
  });
  const errorOf = (field: string) =>
    errors.find((e) => e.field === field || e.field.startsWith(`${field}.`))?.message;
  const set = (k: keyof typeof values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [k]: e.target.value }));
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate();
  }
  const field = (
    k: keyof typeof values,
    label: string,
    input: 'input' | 'textarea',
    type = 'text',
    hint?: string,
  ) => {
    const err = errorOf(k);
    const describedBy = [hint ? `${id}-${k}-hint` : '', err ? `${id}-${k}-error` : '']
      .filter(Boolean)
      .join(' ');
    const common = {
      id: `${id}-${k}`,
      value: values[k],
      onChange: set(k),
      'aria-invalid': err ? true : undefined,
      'aria-describedby': describedBy || undefined,
    };
    return (
      <div className="field">
        <label htmlFor={`${id}-${k}`}>{label}</label>
        {input === 'textarea' ? (
          <textarea rows={3} maxLength={2000} {...common} />
        ) : (
          <input type={type} {...common} />
        )}
        {hint && (
          <p id={`${id}-${k}-hint`} className="hint">
            {hint}
          </p>
        )}
        {err && (
          <p id={`${id}-${k}-error`} className="field-error">
            {err}
          </p>
        )}
      </div>
    );
  };
  return (
    <form className="form client-edit" onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
      <h2 id={`${id}-title`}>Details</h2>
      {formError && (
        <p className="alert" role="alert">
          {formError}
        </p>
      )}
      {field('name', 'Name', 'input')}
      {field('email', 'Email', 'input', 'email')}
      {field('phone', 'Phone', 'input', 'tel')}
      {field('notes', 'Notes', 'textarea', 'text', 'Only staff see notes. Stored encrypted.')}
      {field('tags', 'Tags', 'input', 'text', 'Separated by commas, e.g. student, beard')}
      <button type="submit" className="btn btn-primary" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : 'Save'}
      </button>
    </form>
  );
}

function MergeClient({ client, onMerged }: { client: ClientProfile; onMerged: (moved: number) => void }) {
  const id = useId();
  const { current } = useStaff();
  const queryClient = useQueryClient();
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState<ClientRecord | null>(null);
  const [error, setError] = useState<string | null>(null);
  const candidates = useQuery({
    queryKey: clientKeys.list(current.locationId, `merge:${q}`),
    queryFn: ({ signal }) =>
      staffFetch<ClientPage>(
        `/locations/${current.locationId}/clients/list?pageSize=10&q=${encodeURIComponent(q)}`,
        { signal },
      ),
    enabled: q.trim().length >= 2,
  });
  const merge = useMutation({
    mutationFn: (dup: ClientRecord) =>
      staffFetch<{ movedAppointments: number }>(
        `/locations/${current.locationId}/clients/${client.id}/merge`,
        {
          method: 'POST',
          body: { duplicateId: dup.id },
        },
      ),
    onSuccess: (r) => {
      setPicked(null);
      setQ('');
      setError(null);
      void queryClient.invalidateQueries({ queryKey: clientKeys.all });
      onMerged(r.movedAppointments);
    },
    onError: (e) => setError(isApiError(e) ? e.detail : 'The merge did not go through.'),
  });
  return (
    <section className="client-merge" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Merge a duplicate</h2>
      <p className="hint">
        Find the duplicate record of {client.name}. Its appointments move here, tags and notes are combined,
        and it is kept only as history.
      </p>
      <div className="field">
        <label htmlFor={`${id}-q`}>Find the duplicate</label>
        <input
          id={`${id}-q`}
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          maxLength={100}
        />
      </div>
      {candidates.data && (
        <ul className="plain-list client-merge-candidates">
          {candidates.data.clients
            .filter((c) => c.id !== client.id)
            .map((c) => (
              <li key={c.id}>
                <button type="button" className="btn btn-quiet" onClick={() => setPicked(c)}>
                  {c.name} {c.email ? `· ${c.email}` : ''} · {c.stats.visits} visits
                </button>
              </li>
            ))}
          {candidates.data.clients.filter((c) => c.id !== client.id).length === 0 && (
            <li className="muted">No other client matches.</li>
          )}
        </ul>
      )}
      {picked && (
        <div className="alert alert-warning" role="alertdialog" aria-labelledby={`${id}-confirm`}>
          <p id={`${id}-confirm`}>
            Merge <strong>{picked.name}</strong> into <strong>{client.name}</strong>? This cannot be undone
            here.
          </p>
          <div className="actions">
            <button
              type="button"
              className="btn btn-danger"
              onClick={() => merge.mutate(picked)}
              disabled={merge.isPending}
            >
              {merge.isPending ? 'Merging…' : 'Merge'}
            </button>
            <button type="button" className="btn btn-secondary" onClick={() => setPicked(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
