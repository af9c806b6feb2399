// The appointment panel: details and the actions the lifecycle allows from the current status
// (packages/core/src/booking/lifecycle.ts: pending → confirmed → checked in → completed; cancelled
// or no-show), cancel with a reason, reschedule (with the server's alternatives when the time is
// taken), notes. Every change sends the version seen as If-Match; a 409 STALE_UPDATE means someone
// else changed it: the panel says so and shows the reloaded appointment.

import { canReschedule, canTransition, type AppointmentStatus } from '@bookedbarber/core';
import { useState, type FormEvent } from 'react';
import { isApiError, type Barber, type Slot } from '../../lib/api.ts';
import { formatMoney } from '../../lib/format.ts';
import type { StaffAppointment } from '../../lib/staff-api.ts';
import { fieldErrorsOf, messageOf } from '../staff/form-bits.tsx';
import { act, cancel, reschedule, resize, saveNotes, type Action } from './calendar-api.ts';
import { Modal } from './modal.tsx';
import { statusLabel } from './time-grid.tsx';
import { dateOf, dayLabel, hhmm, instantAt, minutesOfDay, parseHhmm, wallLabel } from './time.ts';
import { CheckoutForm } from '../checkout/checkout-form.tsx';

/** Appointments whose checkout is open in the panel (kept while the panel is re-created per version). */
const checkoutOpen = new Set<string>();

const ACTIONS: Array<{ action: Action; to: AppointmentStatus; label: string; done: string }> = [
  { action: 'confirm', to: 'confirmed', label: 'Confirm', done: 'Confirmed' },
  { action: 'check-in', to: 'checked_in', label: 'Check in', done: 'Checked in' },
  { action: 'complete', to: 'completed', label: 'Complete', done: 'Completed' },
  { action: 'no-show', to: 'no_show', label: 'No-show', done: 'Marked as a no-show:' },
];

/** The lifecycle actions allowed from `status`, in order. */
export function allowedActions(status: AppointmentStatus) {
  return ACTIONS.filter((x) => canTransition(status, x.to));
}

/** Props of {@link AppointmentPanel}. */
export interface AppointmentPanelProps {
  locationId: string;
  appointment: StaffAppointment;
  timezone: string;
  barbers: Barber[];
  /** May the caller act on it (a barber only on their own). */
  canAct: boolean;
  /** A barber may move only within their own calendar. */
  barberLocked: boolean;
  onClose: () => void;
  /** After a successful change: the confirmation to show. */
  onDone: (message: string) => void;
  /** Refetch the calendar (stale or refused changes). */
  onReload: () => Promise<unknown>;
  /**
   * A message that must survive the reload (the panel is re-created for each version it shows):
   * kept by the page until the panel closes.
   */
  notice: string | null;
  onNotice: (message: string | null) => void;
}

/** The appointment's details and the actions allowed from its status (a modal dialog). */
export function AppointmentPanel(p: AppointmentPanelProps) {
  const a = p.appointment;
  const tz = p.timezone;
  const [mode, setMode] = useState<'view' | 'cancel' | 'reschedule' | 'resize' | 'checkout'>(
    checkoutOpen.has(a.id) ? 'checkout' : 'view',
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState('');
  const [notes, setNotes] = useState(a.notes ?? '');
  const [date, setDate] = useState(dateOf(a.start, tz));
  const [time, setTime] = useState(hhmm(minutesOfDay(a.start, tz)));
  const [barberId, setBarberId] = useState(a.barber.id);
  const [endTime, setEndTime] = useState(hhmm(minutesOfDay(a.end, tz)));
  const [override, setOverride] = useState(false);
  const [alternatives, setAlternatives] = useState<Slot[]>([]);
  const [fields, setFields] = useState<Record<string, string>>({});

  async function run(what: () => Promise<StaffAppointment>, done: string, then?: () => void) {
    setBusy(true);
    setError(null);
    p.onNotice(null);
    setFields({});
    setAlternatives([]);
    try {
      await what();
      if (then) then();
      else p.onDone(done);
    } catch (err) {
      if (isApiError(err) && err.code === 'STALE_UPDATE') {
        p.onNotice(
          'Someone else changed this appointment just now. It has been reloaded: check it and try again.',
        );
        await p.onReload();
      } else if (isApiError(err) && err.code === 'INVALID_STATE') {
        p.onNotice(messageOf(err));
        await p.onReload();
      } else if (isApiError(err) && err.code === 'SLOT_UNAVAILABLE') {
        setAlternatives(err.alternatives ?? []);
        setError(
          `${messageOf(err)} Pick one of the nearest free times or another time` +
            (override ? '.' : ', or tick "Move anyway" if the time is free but outside the usual hours.'),
        );
      } else if (isApiError(err) && err.code === 'OUTSIDE_BOOKING_WINDOW') {
        setError(`${messageOf(err)} Tick "Move anyway (staff override)" to move it outside the usual rules.`);
      } else {
        setFields(fieldErrorsOf(err));
        setError(messageOf(err));
      }
    } finally {
      setBusy(false);
    }
  }

  function openCheckout() {
    checkoutOpen.add(a.id);
    setMode('checkout');
  }

  const start = minutesOfDay(a.start, tz);
  const end = minutesOfDay(a.end, tz);
  const when = `${dayLabel(dateOf(a.start, tz))}, ${wallLabel(start)} – ${wallLabel(end)}`;
  const name = a.client.name;

  function submitCancel(e: FormEvent) {
    e.preventDefault();
    void run(() => cancel(p.locationId, a, reason.trim()), `Cancelled ${name}'s appointment.`);
  }

  function submitReschedule(e: FormEvent) {
    e.preventDefault();
    const minutes = parseHhmm(time);
    if (!date || minutes === null) {
      setFields({ start: 'Choose a date and a time' });
      return;
    }
    const startIso = instantAt(date, minutes, tz);
    void run(
      () =>
        reschedule(p.locationId, a, {
          start: startIso,
          ...(barberId !== a.barber.id ? { barberId } : {}),
          ...(override ? { override: true } : {}),
        }),
      `Moved ${name} to ${dayLabel(date)}, ${wallLabel(minutes)}.`,
    );
  }

  return (
    <Modal
      title={name}
      onClose={() => {
        checkoutOpen.delete(a.id);
        p.onClose();
      }}
      testId="appointment-panel"
    >
      <p>
        <span className={`status-pill status-${a.status}`} data-testid="panel-status">
          {statusLabel(a.status)}
        </span>{' '}
        <span className="muted">{a.source.replace('_', '-')}</span>
      </p>
      <dl className="cal-details">
        <dt>When</dt>
        <dd>{when}</dd>
        <dt>Barber</dt>
        <dd>{a.barber.name}</dd>
        <dt>Services</dt>
        <dd>
          {a.services.map((s) => `${s.name} (${s.durationMinutes} min)`).join(', ')} ·{' '}
          {formatMoney(a.totalMinor, a.currency)}
        </dd>
        {a.client.phone && (
          <>
            <dt>Phone</dt>
            <dd>
              <a href={`tel:${a.client.phone}`}>{a.client.phone}</a>
            </dd>
          </>
        )}
        {a.client.email && (
          <>
            <dt>Email</dt>
            <dd>{a.client.email}</dd>
          </>
        )}
      </dl>
      {(error ?? p.notice) && (
        <div className="alert" role="alert">
          {error ?? p.notice}
        </div>
      )}
      {!p.canAct ? (
        <p className="muted">This is a colleague's appointment; only they or the front desk can change it.</p>
      ) : mode === 'view' ? (
        <>
          <div className="cal-actions">
            {allowedActions(a.status).map((x) => (
              <button
                key={x.action}
                type="button"
                className={x.action === 'no-show' ? 'btn btn-secondary' : 'btn btn-primary'}
                disabled={busy}
                onClick={() =>
                  void run(
                    () => act(p.locationId, a, x.action),
                    `${x.done} ${name}.`,
                    // Completing opens the checkout (issue 4).
                    x.action === 'complete' ? openCheckout : undefined,
                  )
                }
              >
                {x.label}
              </button>
            ))}
            {(a.status === 'completed' || a.status === 'checked_in') && (
              <button type="button" className="btn btn-primary" onClick={openCheckout}>
                Check out
              </button>
            )}
            {canReschedule(a.status) && (
              <button type="button" className="btn btn-secondary" onClick={() => setMode('reschedule')}>
                Reschedule
              </button>
            )}
            {(canReschedule(a.status) || a.status === 'checked_in') && (
              <button type="button" className="btn btn-secondary" onClick={() => setMode('resize')}>
                Change end time
              </button>
            )}
            {canTransition(a.status, 'cancelled') && (
              <button type="button" className="btn btn-danger-outline" onClick={() => setMode('cancel')}>
                Cancel appointment
              </button>
            )}
          </div>
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault();
              void run(() => saveNotes(p.locationId, a, notes.trim() || null), 'Notes saved.');
            }}
          >
            <div className="field">
              <label htmlFor="appt-notes">Notes</label>
              <textarea
                id="appt-notes"
                rows={3}
                maxLength={1000}
                value={notes}
                onChange={(e) => setNotes(e.target.value)}
                aria-invalid={fields.notes ? true : undefined}
              />
              {fields.notes && <p className="field-error">{fields.notes}</p>}
            </div>
            <button type="submit" className="btn btn-secondary" disabled={busy || notes === (a.notes ?? '')}>
              Save notes
            </button>
          </form>
        </>
      ) : mode === 'checkout' ? (
        <CheckoutForm
          locationId={p.locationId}
          appointmentId={a.id}
          clientName={name}
          barberName={a.barber.name}
          onBack={() => {
            checkoutOpen.delete(a.id);
            setMode('view');
            void p.onReload();
          }}
          onPaid={(m) => p.onNotice(m)}
        />
      ) : mode === 'resize' ? (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            const m = parseHhmm(endTime);
            if (m === null) return setFields({ end: 'Choose a time' });
            void run(
              () => resize(p.locationId, a, instantAt(dateOf(a.start, tz), m, tz)),
              `${name}'s appointment now ends at ${wallLabel(m)}.`,
            );
          }}
        >
          <div className="field">
            <label htmlFor="resize-end">Ends at</label>
            <input
              id="resize-end"
              type="time"
              step={300}
              required
              value={endTime}
              onChange={(e) => setEndTime(e.target.value)}
              aria-invalid={fields.end ? true : undefined}
            />
            <p className="hint">The start, services and price stay the same.</p>
            {fields.end && <p className="field-error">{fields.end}</p>}
          </div>
          <div className="cal-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              Change end time
            </button>
            <button type="button" className="btn btn-secondary" onClick={() => setMode('view')}>
              Back
            </button>
          </div>
        </form>
      ) : mode === 'cancel' ? (
        <form className="form" onSubmit={submitCancel}>
          <div className="field">
            <label htmlFor="cancel-reason">Reason for cancelling</label>
            <input
              id="cancel-reason"
              required
              maxLength={500}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              aria-invalid={fields.reason ? true : undefined}
            />
            <p className="hint">Kept in the appointment's history. A client with an email is told.</p>
            {fields.reason && <p className="field-error">{fields.reason}</p>}
          </div>
          <div className="cal-actions">
            <button type="submit" className="btn btn-danger" disabled={busy || !reason.trim()}>
              Cancel appointment
            </button>
            <button type="button" className="btn btn-secondary" onClick={() => setMode('view')}>
              Back
            </button>
          </div>
        </form>
      ) : (
        <form className="form" onSubmit={submitReschedule}>
          <div className="cal-row">
            <div className="field">
              <label htmlFor="resched-date">Date</label>
              <input
                id="resched-date"
                type="date"
                required
                value={date}
                onChange={(e) => setDate(e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor="resched-time">Time</label>
              <input
                id="resched-time"
                type="time"
                step={300}
                required
                value={time}
                onChange={(e) => setTime(e.target.value)}
                aria-invalid={fields.start ? true : undefined}
              />
            </div>
          </div>
          {fields.start && <p className="field-error">{fields.start}</p>}
          {!p.barberLocked && (
            <div className="field">
              <label htmlFor="resched-barber">Barber</label>
              <select id="resched-barber" value={barberId} onChange={(e) => setBarberId(e.target.value)}>
                {p.barbers.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name}
                  </option>
                ))}
              </select>
              {fields.barberId && <p className="field-error">{fields.barberId}</p>}
            </div>
          )}
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
                    if (!p.barberLocked && s.barberIds[0] && !s.barberIds.includes(barberId))
                      setBarberId(s.barberIds[0]);
                  }}
                >
                  {dayLabel(dateOf(s.start, tz))} {wallLabel(minutesOfDay(s.start, tz))}
                </button>
              ))}
            </div>
          )}
          <label className="cal-check">
            <input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} /> Move
            anyway (staff override: skips hours, lead time and the slot grid; recorded)
          </label>
          <div className="cal-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              Move appointment
            </button>
            <button type="button" className="btn btn-secondary" onClick={() => setMode('view')}>
              Back
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
