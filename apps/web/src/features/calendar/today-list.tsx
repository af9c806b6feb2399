// The list view (on a phone, a barber's "today"): the day's appointments in order with the next
// lifecycle actions one tap away, and time off / blocked time in between.

import { useState } from 'react';
import { isApiError } from '../../lib/api.ts';
import type { CalendarFeed, StaffAppointment } from '../../lib/staff-api.ts';
import { messageOf } from '../staff/form-bits.tsx';
import { allowedActions } from './appointment-panel.tsx';
import { act } from './calendar-api.ts';
import { statusLabel } from './time-grid.tsx';
import { minutesOfDay, ms, wallLabel } from './time.ts';

/** Props of {@link TodayList}. */
export interface TodayListProps {
  feed: CalendarFeed;
  /** Only this barber's (null: everyone's). */
  barberId: string | null;
  locationId: string;
  showCancelled: boolean;
  onOpen: (a: StaffAppointment) => void;
  onDone: (message: string) => void;
  onReload: () => Promise<unknown>;
  mayAct: (a: StaffAppointment) => boolean;
}

/** The day's appointments as a list, with one-tap check in / complete (a barber's phone view). */
export function TodayList(p: TodayListProps) {
  const tz = p.feed.timezone;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const appts = p.feed.appointments
    .filter(
      (a) => (!p.barberId || a.barber.id === p.barberId) && (p.showCancelled || a.status !== 'cancelled'),
    )
    .sort((a, b) => ms(a.start) - ms(b.start));
  const offs = p.feed.timeOff.filter((t) => !p.barberId || t.barberId === p.barberId);

  if (appts.length === 0 && offs.length === 0)
    return (
      <div className="empty" data-testid="today-list">
        <p className="empty-title">No appointments on this day.</p>
      </div>
    );

  return (
    <div data-testid="today-list">
      {error && (
        <div className="alert" role="alert">
          {error}
        </div>
      )}
      {offs.map((t) => (
        <p key={t.id} className={`cal-list-off cal-off-${t.kind}`}>
          {t.kind === 'blocked' ? 'Blocked' : t.status === 'requested' ? 'Time off (pending)' : 'Time off'}:{' '}
          {wallLabel(minutesOfDay(t.start, tz))} – {wallLabel(minutesOfDay(t.end, tz))}
          {t.reason ? ` · ${t.reason}` : ''}
        </p>
      ))}
      <ol className="cal-list">
        {appts.map((a) => (
          <li
            key={a.id}
            className={`cal-list-item status-${a.status}`}
            data-testid="list-appointment"
            data-appointment-id={a.id}
          >
            <button type="button" className="cal-list-main" onClick={() => p.onOpen(a)}>
              <span className="cal-list-time">
                {wallLabel(minutesOfDay(a.start, tz))} – {wallLabel(minutesOfDay(a.end, tz))}
              </span>
              <span className="cal-list-client">{a.client.name}</span>
              <span className="muted">
                {a.services.map((s) => s.name).join(', ')}
                {p.barberId ? '' : ` · ${a.barber.name}`}
              </span>
              {a.notes && <span className="cal-appt-notes">📝 {a.notes}</span>}
              <span className={`status-pill status-${a.status}`}>{statusLabel(a.status)}</span>
            </button>
            {p.mayAct(a) && (
              <div className="cal-list-actions">
                {allowedActions(a.status)
                  .filter((x) => x.action !== 'no-show')
                  .map((x) => (
                    <button
                      key={x.action}
                      type="button"
                      className="btn btn-primary"
                      disabled={busy === a.id}
                      onClick={() => {
                        setBusy(a.id);
                        setError(null);
                        act(p.locationId, a, x.action)
                          .then(() => p.onDone(`${x.done} ${a.client.name}.`))
                          .catch(async (err: unknown) => {
                            if (
                              isApiError(err) &&
                              (err.code === 'STALE_UPDATE' || err.code === 'INVALID_STATE')
                            ) {
                              await p.onReload();
                              setError(
                                err.code === 'STALE_UPDATE'
                                  ? `Someone else changed ${a.client.name}'s appointment just now. It has been reloaded; check it and try again.`
                                  : messageOf(err),
                              );
                            } else setError(messageOf(err));
                          })
                          .finally(() => setBusy(null));
                      }}
                    >
                      {x.label}
                    </button>
                  ))}
              </div>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
