// Block time (POST …/blocked-times) and the panel of a time-off / blocked-time block (remove a
// block with DELETE …/blocked-times/{id}; time off is managed elsewhere).

import { useState, type FormEvent } from 'react';
import type { Barber } from '../../lib/api.ts';
import { staffFetch, type CalendarTimeOff } from '../../lib/staff-api.ts';
import { fieldErrorsOf, messageOf } from '../staff/form-bits.tsx';
import { Modal } from './modal.tsx';
import { dateOf, dayLabel, hhmm, instantAt, minutesOfDay, parseHhmm, wallLabel } from './time.ts';

/** Props of {@link BlockTimeDialog}. */
export interface BlockTimeProps {
  locationId: string;
  timezone: string;
  barbers: Barber[];
  barberLocked: boolean;
  initial: { barberId: string; date: string; minute: number };
  onClose: () => void;
  onDone: (message: string) => void;
}

/** The "Block time" dialog: barber, date, from–until (wall clock in the location's zone), reason. */
export function BlockTimeDialog(p: BlockTimeProps) {
  const [barberId, setBarberId] = useState(p.initial.barberId);
  const [date, setDate] = useState(p.initial.date);
  const [from, setFrom] = useState(hhmm(p.initial.minute));
  const [until, setUntil] = useState(hhmm(Math.min(p.initial.minute + 60, 23 * 60 + 59)));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const s = parseHhmm(from);
    const u = parseHhmm(until);
    if (s === null || u === null) return;
    setBusy(true);
    setError(null);
    try {
      await staffFetch(`/locations/${p.locationId}/blocked-times`, {
        method: 'POST',
        body: {
          barberId,
          start: instantAt(date, s, p.timezone),
          end: instantAt(date, u, p.timezone),
          ...(reason.trim() ? { reason: reason.trim() } : {}),
        },
      });
      const who = p.barbers.find((b) => b.id === barberId)?.name ?? 'the barber';
      p.onDone(`Blocked ${wallLabel(s)} – ${wallLabel(u)} on ${dayLabel(date)} for ${who}.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const fields = fieldErrorsOf(error);
  return (
    <Modal title="Block time" onClose={p.onClose} testId="block-time">
      <form className="form" onSubmit={(e) => void submit(e)}>
        {!p.barberLocked && (
          <div className="field">
            <label htmlFor="block-barber">Barber</label>
            <select id="block-barber" value={barberId} onChange={(e) => setBarberId(e.target.value)}>
              {p.barbers.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
            {fields.barberId && <p className="field-error">{fields.barberId}</p>}
          </div>
        )}
        <div className="field">
          <label htmlFor="block-date">Date</label>
          <input
            id="block-date"
            type="date"
            required
            value={date}
            onChange={(e) => setDate(e.target.value)}
          />
        </div>
        <div className="cal-row">
          <div className="field">
            <label htmlFor="block-from">From</label>
            <input
              id="block-from"
              type="time"
              step={300}
              required
              value={from}
              onChange={(e) => setFrom(e.target.value)}
            />
            {fields.start && <p className="field-error">{fields.start}</p>}
          </div>
          <div className="field">
            <label htmlFor="block-until">Until</label>
            <input
              id="block-until"
              type="time"
              step={300}
              required
              value={until}
              onChange={(e) => setUntil(e.target.value)}
            />
            {fields.end && <p className="field-error">{fields.end}</p>}
          </div>
        </div>
        <div className="field">
          <label htmlFor="block-reason">Reason (optional)</label>
          <input
            id="block-reason"
            maxLength={200}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          {fields.reason && <p className="field-error">{fields.reason}</p>}
        </div>
        {error && !Object.keys(fields).length ? (
          <div className="alert" role="alert">
            {messageOf(error)}
          </div>
        ) : null}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          Block time
        </button>
      </form>
    </Modal>
  );
}

/** Props of {@link TimeOffPanel}. */
export interface TimeOffPanelProps {
  locationId: string;
  timezone: string;
  block: CalendarTimeOff;
  barberName: string;
  canRemove: boolean;
  onClose: () => void;
  onDone: (message: string) => void;
}

/** Details of a time-off or blocked-time block; a block can be removed by whoever may block that barber's time. */
export function TimeOffPanel(p: TimeOffPanelProps) {
  const t = p.block;
  const [error, setError] = useState<string | null>(null);
  const tz = p.timezone;
  const title =
    t.kind === 'blocked'
      ? 'Blocked time'
      : t.status === 'requested'
        ? 'Time off (pending approval)'
        : 'Time off';
  const sameDay = dateOf(t.start, tz) === dateOf(t.end, tz);
  const when = sameDay
    ? `${dayLabel(dateOf(t.start, tz))}, ${wallLabel(minutesOfDay(t.start, tz))} – ${wallLabel(minutesOfDay(t.end, tz))}`
    : `${dayLabel(dateOf(t.start, tz))} ${wallLabel(minutesOfDay(t.start, tz))} – ${dayLabel(dateOf(t.end, tz))} ${wallLabel(minutesOfDay(t.end, tz))}`;
  return (
    <Modal title={title} onClose={p.onClose} testId="time-off-panel">
      <dl className="cal-details">
        <dt>Barber</dt>
        <dd>{p.barberName}</dd>
        <dt>When</dt>
        <dd>{when}</dd>
        {t.reason && (
          <>
            <dt>Reason</dt>
            <dd>{t.reason}</dd>
          </>
        )}
      </dl>
      {error && (
        <div className="alert" role="alert">
          {error}
        </div>
      )}
      {t.kind === 'blocked' && p.canRemove && (
        <button
          type="button"
          className="btn btn-danger-outline"
          onClick={() => {
            staffFetch(`/locations/${p.locationId}/blocked-times/${t.id}`, { method: 'DELETE' })
              .then(() => p.onDone('The blocked time was removed.'))
              .catch((err: unknown) => setError(messageOf(err)));
          }}
        >
          Remove block
        </button>
      )}
    </Modal>
  );
}
