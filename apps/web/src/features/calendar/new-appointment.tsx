// "New appointment" from the calendar: a phone or walk-in client, found by name, phone or email
// (GET …/clients?q=) or created inline; services, barber and time. The server applies the online
// rules; its refusal (OUTSIDE_BOOKING_WINDOW, SLOT_UNAVAILABLE …) is shown with an explicit
// "Book anyway (staff override)" choice that sends `override: true` (recorded in the history).
// The create carries an Idempotency-Key, the same for a retry of the same request.

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { isApiError, newIdempotencyKey, type Barber, type Service, type Slot } from '../../lib/api.ts';
import { formatDuration } from '../../lib/format.ts';
import { staffFetch, type ClientMatch, type StaffAppointment } from '../../lib/staff-api.ts';
import { fieldErrorsOf, messageOf } from '../staff/form-bits.tsx';
import { searchClients } from './calendar-api.ts';
import { Modal } from './modal.tsx';
import { dateOf, dayLabel, hhmm, instantAt, minutesOfDay, parseHhmm, wallLabel } from './time.ts';

/** Props of {@link NewAppointmentDialog}. */
export interface NewAppointmentProps {
  locationId: string;
  timezone: string;
  barbers: Barber[];
  services: Service[];
  initial: { barberId: string; date: string; minute: number };
  /** A barber books only for themself (the barber choice is fixed). */
  barberLocked: boolean;
  /** Whether the caller may search clients (not barbers). */
  canSearch: boolean;
  onClose: () => void;
  onDone: (message: string, a: StaffAppointment) => void;
}

/** The "New appointment" dialog (phone or walk-in; existing or new client; optional staff override). */
export function NewAppointmentDialog(p: NewAppointmentProps) {
  const tz = p.timezone;
  const [source, setSource] = useState<'phone' | 'walk_in'>('phone');
  const [barberId, setBarberId] = useState(p.initial.barberId);
  const [serviceIds, setServiceIds] = useState<string[]>([]);
  const [date, setDate] = useState(p.initial.date);
  const [time, setTime] = useState(hhmm(p.initial.minute));
  const [clientMode, setClientMode] = useState<'search' | 'new'>(p.canSearch ? 'search' : 'new');
  const [q, setQ] = useState('');
  const [matches, setMatches] = useState<ClientMatch[] | null>(null);
  const [client, setClient] = useState<ClientMatch | null>(null);
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [notes, setNotes] = useState('');
  const [override, setOverride] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [ruleError, setRuleError] = useState(false);
  const [alternatives, setAlternatives] = useState<Slot[]>([]);
  const [busy, setBusy] = useState(false);
  const key = useRef<{ body: string; key: string } | null>(null);

  const barber = p.barbers.find((b) => b.id === barberId);
  const offered = p.services.filter((s) => !barber || barber.serviceIds.includes(s.id));

  useEffect(() => {
    if (clientMode !== 'search' || q.trim().length < 2) {
      setMatches(null);
      return;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => {
      searchClients(p.locationId, q.trim(), abort.signal)
        .then(setMatches)
        .catch(() => undefined);
    }, 250);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [q, clientMode, p.locationId]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const minutes = parseHhmm(time);
    const fieldsLocal: Record<string, string> = {};
    if (serviceIds.length === 0) fieldsLocal.services = 'Choose at least one service';
    if (!date || minutes === null) fieldsLocal.start = 'Choose a date and a time';
    if (clientMode === 'search' && !client) fieldsLocal['client.id'] = 'Pick a client, or add a new one';
    if (Object.keys(fieldsLocal).length) {
      setError({ local: fieldsLocal });
      return;
    }
    const body = {
      services: serviceIds,
      barberId,
      start: instantAt(date, minutes!, tz),
      source,
      client:
        clientMode === 'search' && client
          ? { id: client.id }
          : {
              name: name.trim(),
              ...(email.trim() ? { email: email.trim() } : {}),
              ...(phone.trim() ? { phone: phone.trim() } : {}),
            },
      ...(notes.trim() ? { notes: notes.trim() } : {}),
      ...(override ? { override: true } : {}),
    };
    const json = JSON.stringify(body);
    if (key.current?.body !== json) key.current = { body: json, key: newIdempotencyKey() };
    setBusy(true);
    setError(null);
    setAlternatives([]);
    try {
      const made = await staffFetch<StaffAppointment>(`/locations/${p.locationId}/appointments`, {
        method: 'POST',
        body,
        idempotencyKey: key.current.key,
      });
      p.onDone(
        `Booked ${made.client.name} with ${made.barber.name}, ${dayLabel(dateOf(made.start, tz))} ${wallLabel(minutesOfDay(made.start, tz))}.`,
        made,
      );
    } catch (err) {
      setError(err);
      if (isApiError(err) && (err.code === 'OUTSIDE_BOOKING_WINDOW' || err.code === 'SLOT_UNAVAILABLE'))
        setRuleError(true);
      if (isApiError(err) && err.code === 'SLOT_UNAVAILABLE') setAlternatives(err.alternatives ?? []);
    } finally {
      setBusy(false);
    }
  }

  const fields =
    error && typeof error === 'object' && 'local' in error
      ? (error as { local: Record<string, string> }).local
      : fieldErrorsOf(error);
  const formMessage = error && !(typeof error === 'object' && 'local' in error) ? messageOf(error) : null;
  const fe = (k: string) => (fields[k] ? <p className="field-error">{fields[k]}</p> : null);

  return (
    <Modal title="New appointment" onClose={p.onClose} testId="new-appointment">
      <form className="form" onSubmit={(e) => void submit(e)}>
        <fieldset className="field">
          <legend>Source</legend>
          <label className="cal-check">
            <input
              type="radio"
              name="source"
              checked={source === 'phone'}
              onChange={() => setSource('phone')}
            />{' '}
            Phone
          </label>
          <label className="cal-check">
            <input
              type="radio"
              name="source"
              checked={source === 'walk_in'}
              onChange={() => setSource('walk_in')}
            />{' '}
            Walk-in
          </label>
        </fieldset>

        {!p.barberLocked && (
          <div className="field">
            <label htmlFor="new-barber">Barber</label>
            <select id="new-barber" value={barberId} onChange={(e) => setBarberId(e.target.value)}>
              {p.barbers.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
            {fe('barberId')}
          </div>
        )}

        <fieldset className="field">
          <legend>Services</legend>
          {offered.map((s) => (
            <label className="cal-check" key={s.id}>
              <input
                type="checkbox"
                checked={serviceIds.includes(s.id)}
                onChange={(e) =>
                  setServiceIds(
                    e.target.checked ? [...serviceIds, s.id] : serviceIds.filter((x) => x !== s.id),
                  )
                }
              />{' '}
              {s.name} <span className="muted">({formatDuration(s.durationMinutes)})</span>
            </label>
          ))}
          {fe('services')}
        </fieldset>

        <div className="cal-row">
          <div className="field">
            <label htmlFor="new-date">Date</label>
            <input
              id="new-date"
              type="date"
              required
              value={date}
              onChange={(e) => setDate(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="new-time">Time</label>
            <input
              id="new-time"
              type="time"
              step={300}
              required
              value={time}
              onChange={(e) => setTime(e.target.value)}
            />
          </div>
        </div>
        {fe('start')}
        {alternatives.length > 0 && (
          <div className="alternatives" role="group" aria-label="Nearest free times">
            {alternatives.map((s) => (
              <button
                key={s.start}
                type="button"
                className="chip"
                onClick={() => {
                  setDate(dateOf(s.start, tz));
                  setTime(hhmm(minutesOfDay(s.start, tz)));
                }}
              >
                {dayLabel(dateOf(s.start, tz))} {wallLabel(minutesOfDay(s.start, tz))}
              </button>
            ))}
          </div>
        )}

        <fieldset className="field">
          <legend>Client</legend>
          {p.canSearch && (
            <div className="cal-tabs" role="group" aria-label="Client">
              <button
                type="button"
                aria-pressed={clientMode === 'search'}
                className="chip"
                onClick={() => setClientMode('search')}
              >
                Find a client
              </button>
              <button
                type="button"
                aria-pressed={clientMode === 'new'}
                className="chip"
                onClick={() => setClientMode('new')}
              >
                New client
              </button>
            </div>
          )}
          {clientMode === 'search' ? (
            <>
              <label htmlFor="client-q">Name, phone or email</label>
              <input
                id="client-q"
                type="search"
                autoComplete="off"
                value={q}
                onChange={(e) => {
                  setQ(e.target.value);
                  setClient(null);
                }}
              />
              {matches && matches.length === 0 && (
                <p className="hint">
                  No client found.{' '}
                  <button
                    type="button"
                    className="btn-quiet"
                    onClick={() => {
                      setClientMode('new');
                      setName(q);
                    }}
                  >
                    Add “{q}” as a new client
                  </button>
                </p>
              )}
              {matches && matches.length > 0 && (
                <ul className="cal-client-results" aria-label="Matching clients">
                  {matches.map((c) => (
                    <li key={c.id}>
                      <label className="cal-check">
                        <input
                          type="radio"
                          name="client"
                          checked={client?.id === c.id}
                          onChange={() => setClient(c)}
                        />{' '}
                        <strong>{c.name}</strong>{' '}
                        <span className="muted">{[c.phone, c.email].filter(Boolean).join(' · ')}</span>
                      </label>
                    </li>
                  ))}
                </ul>
              )}
              {fe('client.id')}
            </>
          ) : (
            <>
              <label htmlFor="client-name">Name</label>
              <input
                id="client-name"
                required
                autoComplete="off"
                maxLength={200}
                value={name}
                onChange={(e) => setName(e.target.value)}
              />
              {fe('client.name')}
              <label htmlFor="client-phone">Phone</label>
              <input
                id="client-phone"
                type="tel"
                autoComplete="off"
                maxLength={40}
                value={phone}
                onChange={(e) => setPhone(e.target.value)}
              />
              {fe('client.phone')}
              <label htmlFor="client-email">Email (optional: they get the confirmation)</label>
              <input
                id="client-email"
                type="email"
                autoComplete="off"
                maxLength={320}
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
              {fe('client.email')}
            </>
          )}
        </fieldset>

        <div className="field">
          <label htmlFor="new-notes">Notes</label>
          <textarea
            id="new-notes"
            rows={2}
            maxLength={500}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
          />
          {fe('notes')}
        </div>

        {formMessage && (
          <div className={ruleError ? 'alert alert-warning' : 'alert'} role="alert">
            {formMessage}
            {ruleError && ' You can book anyway with the staff override below.'}
          </div>
        )}
        <label className={`cal-check${ruleError ? ' cal-override-offer' : ''}`}>
          <input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} /> Book
          anyway (staff override: skips opening hours, lead time and the booking horizon; recorded)
        </label>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Booking…' : 'Book'}
        </button>
      </form>
    </Modal>
  );
}
