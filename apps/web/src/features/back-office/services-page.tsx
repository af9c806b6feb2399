// Services: grouped by category in display order, add and edit (price in major units of the shop
// currency, stored as minor units), archive and restore, move up and down, rename a category, and
// each barber's offer of a service with their own price and duration. Owners and managers edit;
// front desk reads.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../../lib/api.ts';
import { ServicePaymentOverridesSection, type ServicePaymentOverrides } from './payments-settings.tsx';
import { staffFetch } from '../../lib/staff-api.ts';
import { useStaff } from '../staff/staff-context.tsx';
import { boKey, errorFor, formatMoney, Outcome, Section, TextField, toMajor, toMinor } from './common.tsx';
import type { AdminBarber } from './team-page.tsx';

/** A service as the back office sees it. */
export interface AdminService {
  id: string;
  key: string;
  category: string;
  name: string;
  description: string | null;
  durationMinutes: number;
  priceMinor: number;
  currency: string;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  bookableOnline: boolean;
  sortOrder: number;
  active: boolean;
  barbers: Array<{ barberId: string; priceMinor: number | null; durationMinutes: number | null }>;
  /** Issue 4 payment overrides (null members = the shop's). */
  payments?: ServicePaymentOverrides;
}

interface ServiceList {
  currency: string;
  categories: string[];
  services: AdminService[];
}

/** The services screen. */
export function ServicesPage() {
  const { current } = useStaff();
  const loc = current.locationId;
  const qc = useQueryClient();
  const canEdit = current.role === 'owner' || current.role === 'manager';
  const list = useQuery({
    queryKey: boKey(loc, 'services'),
    queryFn: ({ signal }) => staffFetch<ServiceList>(`/locations/${loc}/services`, { signal }),
  });
  const barbers = useQuery({
    queryKey: boKey(loc, 'barbers'),
    queryFn: ({ signal }) => staffFetch<AdminBarber[]>(`/locations/${loc}/barbers`, { signal }),
  });
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ['back-office', loc] });

  const order = useMutation({
    mutationFn: (ids: string[]) =>
      staffFetch<ServiceList>(`/locations/${loc}/services/order`, { method: 'PUT', body: { ids } }),
    onMutate: () => setSaved(null),
    onSuccess: (data) => {
      qc.setQueryData(boKey(loc, 'services'), data);
      setSaved('Order saved.');
    },
  });
  const archive = useMutation({
    mutationFn: (s: AdminService) =>
      s.active
        ? staffFetch<AdminService>(`/locations/${loc}/services/${s.id}/archive`, { method: 'POST', body: {} })
        : staffFetch<AdminService>(`/locations/${loc}/services/${s.id}`, {
            method: 'PATCH',
            body: { active: true },
          }),
    onMutate: () => setSaved(null),
    onSuccess: (s) => {
      void refresh();
      setSaved(
        s.active ? `${s.name} is back on the booking page.` : `${s.name} archived: clients no longer see it.`,
      );
    },
  });

  if (list.isPending) return <p role="status">Loading services…</p>;
  if (list.isError)
    return (
      <p className="alert" role="alert">
        {list.error.message}
      </p>
    );
  const { services, categories, currency } = list.data;

  function move(id: string, by: -1 | 1) {
    const ids = services.map((s) => s.id);
    const i = ids.indexOf(id);
    const j = i + by;
    if (j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    order.mutate(ids);
  }

  return (
    <div className="bo-page">
      <h1>Services</h1>
      {!canEdit && (
        <p className="hint">You can see the services; owners and managers change them and their prices.</p>
      )}
      <Outcome error={order.error ?? archive.error} saved={saved} />
      {canEdit && editing !== 'new' && (
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
          Add a service
        </button>
      )}
      {editing === 'new' && (
        <ServiceForm
          currency={currency}
          categories={categories}
          onDone={(msg) => {
            setEditing(null);
            setSaved(msg);
            void refresh();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {services.length === 0 && (
        <div className="empty">
          <p className="empty-title">No services yet</p>
          <p>Add the first one: clients book from this list.</p>
        </div>
      )}
      {categories.map((cat) => (
        <CategoryGroup
          key={cat}
          category={cat}
          canEdit={canEdit}
          onRenamed={(m) => {
            setSaved(m);
            void refresh();
          }}
        >
          <ul className="bo-list">
            {services
              .filter((s) => s.category === cat)
              .map((s) => {
                const idx = services.indexOf(s);
                return (
                  <li key={s.id} className={`bo-item${s.active ? '' : ' bo-archived'}`}>
                    <div className="bo-item-main">
                      <strong>{s.name}</strong>
                      <span className="muted">
                        {' '}
                        · {s.durationMinutes} min · {formatMoney(s.priceMinor, currency)}
                        {!s.bookableOnline && ' · not bookable online'}
                        {!s.active && ' · archived'}
                      </span>
                    </div>
                    {canEdit && (
                      <div className="bo-item-actions">
                        <button
                          type="button"
                          className="btn btn-quiet"
                          disabled={idx === 0 || order.isPending}
                          onClick={() => move(s.id, -1)}
                        >
                          Move up<span className="visually-hidden"> {s.name}</span>
                        </button>
                        <button
                          type="button"
                          className="btn btn-quiet"
                          disabled={idx === services.length - 1 || order.isPending}
                          onClick={() => move(s.id, 1)}
                        >
                          Move down<span className="visually-hidden"> {s.name}</span>
                        </button>
                        <button
                          type="button"
                          className="btn btn-secondary bo-small"
                          onClick={() => setEditing(editing === s.id ? null : s.id)}
                        >
                          {editing === s.id ? 'Close' : 'Edit'}
                          <span className="visually-hidden"> {s.name}</span>
                        </button>
                        <button
                          type="button"
                          className={
                            s.active ? 'btn btn-danger-outline bo-small' : 'btn btn-secondary bo-small'
                          }
                          disabled={archive.isPending}
                          onClick={() => {
                            if (
                              !s.active ||
                              window.confirm(
                                `Archive ${s.name}? Clients will no longer see it; its history stays.`,
                              )
                            )
                              archive.mutate(s);
                          }}
                        >
                          {s.active ? 'Archive' : 'Restore'}
                          <span className="visually-hidden"> {s.name}</span>
                        </button>
                      </div>
                    )}
                    {editing === s.id && (
                      <>
                        <ServiceForm
                          service={s}
                          currency={currency}
                          categories={categories}
                          onDone={(msg) => {
                            setSaved(msg);
                            void refresh();
                          }}
                          onCancel={() => setEditing(null)}
                        />
                        <ServicePaymentOverridesSection
                          serviceId={s.id}
                          value={s.payments}
                          currency={currency}
                        />
                        <BarberOffers
                          service={s}
                          barbers={barbers.data ?? []}
                          currency={currency}
                          onSaved={(m) => {
                            setSaved(m);
                            void refresh();
                          }}
                        />
                      </>
                    )}
                  </li>
                );
              })}
          </ul>
        </CategoryGroup>
      ))}
    </div>
  );
}

function CategoryGroup(props: {
  category: string;
  canEdit: boolean;
  onRenamed: (msg: string) => void;
  children: ReactNode;
}) {
  const { current } = useStaff();
  const [renaming, setRenaming] = useState(false);
  const [to, setTo] = useState(props.category);
  const rename = useMutation({
    mutationFn: () =>
      staffFetch<{ renamed: number }>(`/locations/${current.locationId}/service-categories/rename`, {
        method: 'POST',
        body: { from: props.category, to },
      }),
    onSuccess: () => {
      setRenaming(false);
      props.onRenamed(`Category renamed to ${to}.`);
    },
  });
  return (
    <Section title={props.category}>
      {props.canEdit && !renaming && (
        <button type="button" className="btn btn-quiet" onClick={() => setRenaming(true)}>
          Rename category<span className="visually-hidden"> {props.category}</span>
        </button>
      )}
      {renaming && (
        <form
          className="form bo-inline"
          onSubmit={(e) => {
            e.preventDefault();
            rename.mutate();
          }}
        >
          <TextField
            label={`New name for ${props.category}`}
            value={to}
            onChange={setTo}
            error={errorFor(rename.error, 'to')}
          />
          <Outcome error={rename.error && !errorFor(rename.error, 'to') ? rename.error : null} saved={null} />
          <div className="bo-buttons">
            <button className="btn btn-primary" type="submit" disabled={rename.isPending}>
              Rename
            </button>
            <button className="btn btn-quiet" type="button" onClick={() => setRenaming(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {props.children}
    </Section>
  );
}

function ServiceForm(props: {
  service?: AdminService;
  currency: string;
  categories: string[];
  onDone: (msg: string) => void;
  onCancel: () => void;
}) {
  const { current } = useStaff();
  const s = props.service;
  const [f, setF] = useState({
    name: s?.name ?? '',
    category: s?.category ?? props.categories[0] ?? '',
    description: s?.description ?? '',
    price: s ? toMajor(s.priceMinor, props.currency) : '',
    durationMinutes: String(s?.durationMinutes ?? 30),
    bufferBeforeMinutes: String(s?.bufferBeforeMinutes ?? 0),
    bufferAfterMinutes: String(s?.bufferAfterMinutes ?? 0),
    bookableOnline: s?.bookableOnline ?? true,
  });
  const save = useMutation({
    mutationFn: async () => {
      const priceMinor = toMinor(f.price, props.currency);
      if (priceMinor === null)
        throw new ApiError({
          status: 422,
          code: 'VALIDATION_FAILED',
          detail: 'Some fields are invalid.',
          errors: [{ field: 'priceMinor', message: 'Enter an amount such as 35 or 35.50' }],
        });
      const n = (v: string) => (v.trim() === '' ? v : Number(v));
      const body = {
        name: f.name,
        category: f.category,
        description: f.description.trim() === '' ? null : f.description,
        priceMinor,
        durationMinutes: n(f.durationMinutes),
        bufferBeforeMinutes: n(f.bufferBeforeMinutes),
        bufferAfterMinutes: n(f.bufferAfterMinutes),
        bookableOnline: f.bookableOnline,
      };
      return s
        ? staffFetch<AdminService>(`/locations/${current.locationId}/services/${s.id}`, {
            method: 'PATCH',
            body,
          })
        : staffFetch<AdminService>(`/locations/${current.locationId}/services`, { method: 'POST', body });
    },
    onSuccess: (saved) =>
      props.onDone(s ? `${saved.name} saved.` : `${saved.name} added: clients can book it now.`),
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate();
  }
  const listId = `categories-${s?.id ?? 'new'}`;
  return (
    <form className="form bo-card" onSubmit={submit} aria-label={s ? `Edit ${s.name}` : 'New service'}>
      <h3>{s ? `Edit ${s.name}` : 'New service'}</h3>
      <TextField
        label="Name"
        value={f.name}
        onChange={(v) => setF({ ...f, name: v })}
        error={errorFor(save.error, 'name')}
        required
      />
      <div className="field">
        <label htmlFor={`${listId}-input`}>Category</label>
        <input
          id={`${listId}-input`}
          list={listId}
          value={f.category}
          required
          aria-invalid={errorFor(save.error, 'category') ? true : undefined}
          onChange={(e) => setF({ ...f, category: e.target.value })}
        />
        <datalist id={listId}>
          {props.categories.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        {errorFor(save.error, 'category') && (
          <p className="field-error">{errorFor(save.error, 'category')}</p>
        )}
      </div>
      <TextField
        label="Description"
        value={f.description}
        onChange={(v) => setF({ ...f, description: v })}
        error={errorFor(save.error, 'description')}
      />
      <TextField
        label={`Price (${props.currency})`}
        inputMode="decimal"
        value={f.price}
        onChange={(v) => setF({ ...f, price: v })}
        error={errorFor(save.error, 'priceMinor')}
        required
      />
      <TextField
        label="Duration (minutes)"
        type="number"
        inputMode="numeric"
        min={5}
        value={f.durationMinutes}
        onChange={(v) => setF({ ...f, durationMinutes: v })}
        error={errorFor(save.error, 'durationMinutes')}
      />
      <TextField
        label="Buffer before (minutes)"
        hint="Set-up time the barber is busy before the service"
        type="number"
        inputMode="numeric"
        min={0}
        value={f.bufferBeforeMinutes}
        onChange={(v) => setF({ ...f, bufferBeforeMinutes: v })}
        error={errorFor(save.error, 'bufferBeforeMinutes')}
      />
      <TextField
        label="Buffer after (minutes)"
        hint="Clean-up time after the service"
        type="number"
        inputMode="numeric"
        min={0}
        value={f.bufferAfterMinutes}
        onChange={(v) => setF({ ...f, bufferAfterMinutes: v })}
        error={errorFor(save.error, 'bufferAfterMinutes')}
      />
      <label className="bo-check">
        <input
          type="checkbox"
          checked={f.bookableOnline}
          onChange={(e) => setF({ ...f, bookableOnline: e.target.checked })}
        />
        Clients can book it online
      </label>
      <Outcome error={save.error} saved={null} />
      <div className="bo-buttons">
        <button className="btn btn-primary" type="submit" disabled={save.isPending}>
          {s ? 'Save service' : 'Add service'}
        </button>
        <button className="btn btn-quiet" type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Which barbers offer the service, at what price and duration (blank = the service's). */
function BarberOffers(props: {
  service: AdminService;
  barbers: AdminBarber[];
  currency: string;
  onSaved: (m: string) => void;
}) {
  const active = props.barbers.filter((b) => b.active);
  if (active.length === 0) return null;
  return (
    <div className="bo-card">
      <h3>Barbers who offer {props.service.name}</h3>
      <p className="hint">Leave price or duration empty to use the service&apos;s own.</p>
      <ul className="bo-list">
        {active.map((b) => (
          <BarberOffer key={b.id} barber={b} {...props} />
        ))}
      </ul>
    </div>
  );
}

function BarberOffer(props: {
  barber: AdminBarber;
  service: AdminService;
  currency: string;
  onSaved: (m: string) => void;
}) {
  const { current } = useStaff();
  const offer = props.service.barbers.find((o) => o.barberId === props.barber.id);
  const [offers, setOffers] = useState(Boolean(offer));
  const [price, setPrice] = useState(
    offer?.priceMinor != null ? toMajor(offer.priceMinor, props.currency) : '',
  );
  const [duration, setDuration] = useState(
    offer?.durationMinutes != null ? String(offer.durationMinutes) : '',
  );
  const path = `/locations/${current.locationId}/barbers/${props.barber.id}/services/${props.service.id}`;
  const save = useMutation({
    mutationFn: async () => {
      if (!offers) {
        if (offer) await staffFetch(path, { method: 'DELETE' });
        return `${props.barber.name} no longer offers ${props.service.name}.`;
      }
      const priceMinor = price.trim() === '' ? null : toMinor(price, props.currency);
      if (priceMinor === null && price.trim() !== '')
        throw new ApiError({
          status: 422,
          code: 'VALIDATION_FAILED',
          detail: 'Some fields are invalid.',
          errors: [{ field: 'priceMinor', message: 'Enter an amount such as 35 or 35.50' }],
        });
      await staffFetch(path, {
        method: 'PUT',
        body: { priceMinor, durationMinutes: duration.trim() === '' ? null : Number(duration) },
      });
      return `${props.barber.name}'s ${props.service.name} saved.`;
    },
    onSuccess: props.onSaved,
  });
  return (
    <li className="bo-offer">
      <label className="bo-check">
        <input type="checkbox" checked={offers} onChange={(e) => setOffers(e.target.checked)} />
        {props.barber.name} offers it
      </label>
      {offers && (
        <div className="bo-offer-fields">
          <TextField
            label={`${props.barber.name}'s price (${props.currency})`}
            inputMode="decimal"
            value={price}
            onChange={setPrice}
            hint={`Service price ${formatMoney(props.service.priceMinor, props.currency)}`}
            error={errorFor(save.error, 'priceMinor')}
          />
          <TextField
            label={`${props.barber.name}'s duration (minutes)`}
            type="number"
            inputMode="numeric"
            value={duration}
            onChange={setDuration}
            hint={`Service duration ${props.service.durationMinutes} min`}
            error={errorFor(save.error, 'durationMinutes')}
          />
        </div>
      )}
      <Outcome
        error={
          save.error && !errorFor(save.error, 'priceMinor') && !errorFor(save.error, 'durationMinutes')
            ? save.error
            : null
        }
        saved={save.isSuccess ? 'Saved.' : null}
      />
      <button
        type="button"
        className="btn btn-secondary bo-small"
        disabled={save.isPending}
        onClick={() => save.mutate()}
      >
        Save<span className="visually-hidden"> {props.barber.name}</span>
      </button>
    </li>
  );
}
