// /app: the live calendar. Day view (a column per barber), week view (one barber, a column per
// day) and, on a phone, today's list of the signed-in barber. Barbers land on their own day; front
// desk, managers and owners on the day view. Everything is in the location's zone (the feed's
// `timezone`). Changes made anywhere arrive through the events stream and refetch the range shown.

import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useDocumentTitle } from '../../components/use-document-title.ts';
import { isApiError } from '../../lib/api.ts';
import type { CalendarTimeOff, StaffAppointment } from '../../lib/staff-api.ts';
import { messageOf } from '../staff/form-bits.tsx';
import { useStaff } from '../staff/staff-context.tsx';
import { AppointmentPanel } from './appointment-panel.tsx';
import { BlockTimeDialog, TimeOffPanel } from './block-time.tsx';
import {
  reschedule,
  resize,
  useCalendarFeed,
  useLiveCalendar,
  useShop,
  type LiveState,
} from './calendar-api.ts';
import { Modal } from './modal.tsx';
import { NewAppointmentDialog } from './new-appointment.tsx';
import { TimeGrid, type GridColumn } from './time-grid.tsx';
import { TodayList } from './today-list.tsx';
import {
  dateOf,
  dayLabel,
  instantAt,
  longDayLabel,
  minutesOfDay,
  mondayOf,
  plusDays,
  todayIn,
  wallLabel,
} from './time.ts';

type View = 'day' | 'week' | 'list';

const PHONE_QUERY = '(max-width: 700px)';

/** Whether the viewport is phone-sized (follows resizes). */
function usePhone(): boolean {
  const [phone, setPhone] = useState(() => window.matchMedia?.(PHONE_QUERY).matches ?? false);
  useEffect(() => {
    const mq = window.matchMedia?.(PHONE_QUERY);
    if (!mq) return;
    const on = () => setPhone(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return phone;
}

function LiveIndicator({ state }: { state: LiveState }) {
  const text = { live: 'Live', connecting: 'Connecting…', offline: 'Offline, reconnecting…' }[state];
  return (
    <span
      className={`cal-live cal-live-${state}`}
      role="status"
      data-testid="live-indicator"
      data-state={state}
    >
      <span className="cal-live-dot" aria-hidden="true" /> {text}
    </span>
  );
}

type Dialog =
  | { kind: 'appointment'; id: string }
  | { kind: 'new'; barberId: string; date: string; minute: number }
  | { kind: 'block'; barberId: string; date: string; minute: number }
  | { kind: 'timeoff'; block: CalendarTimeOff }
  | {
      kind: 'move';
      appt: StaffAppointment;
      col: GridColumn;
      minute: number;
      conflict: string | null;
      error?: string;
      override?: boolean;
    }
  | {
      kind: 'resize';
      appt: StaffAppointment;
      col: GridColumn;
      endMinute: number;
      conflict: string | null;
      error?: string;
    };

/** The /app index: the live calendar of the current location (URL: ?date=YYYY-MM-DD&view=day|week|list&barber=id). */
export function CalendarPage() {
  useDocumentTitle('Calendar · BookedBarber');
  const { current } = useStaff();
  const locationId = current.locationId;
  const ownBarber = current.role === 'barber' ? current.barberId : null;
  const phone = usePhone();
  const queryClient = useQueryClient();
  const shop = useShop(current.locationSlug);
  const [params, setParams] = useSearchParams();
  const [message, setMessage] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [showCancelled, setShowCancelled] = useState(false);
  const [panelNotice, setPanelNotice] = useState<string | null>(null);
  // Re-render every minute: the "now" line moves and "today" turns over at the shop's midnight.
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 60_000);
    return () => clearInterval(timer);
  }, []);
  const tz = shop.location?.timezone ?? 'UTC';
  const today = shop.location ? todayIn(tz) : null;

  const view: View = (params.get('view') as View | null) ?? (ownBarber && phone ? 'list' : 'day');
  const date = params.get('date') ?? today ?? '';
  const barberFilter = params.get('barber') ?? ownBarber ?? '';
  const weekBarber = barberFilter || shop.barbers[0]?.id || '';
  const from = view === 'week' ? mondayOf(date || '2000-01-03') : date;
  const to = view === 'week' ? plusDays(from, 6) : date;

  const set = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };

  const feed = useCalendarFeed(locationId, from, to, view === 'week' ? weekBarber : undefined);
  const live = useLiveCalendar(locationId);
  const reload = () => queryClient.invalidateQueries({ queryKey: ['calendar', locationId] });

  useEffect(() => {
    if (!message) return;
    const t = setTimeout(() => setMessage(null), 6000);
    return () => clearTimeout(t);
  }, [message]);

  const columns: GridColumn[] = useMemo(() => {
    if (!date) return [];
    if (view === 'week') {
      return Array.from({ length: 7 }, (_, i) => {
        const d = plusDays(from, i);
        return { key: d, label: dayLabel(d), date: d, barberId: weekBarber };
      });
    }
    const shown = barberFilter ? shop.barbers.filter((b) => b.id === barberFilter) : shop.barbers;
    return shown.map((b) => ({ key: b.id, label: b.name, date, barberId: b.id }));
  }, [view, date, from, shop.barbers, weekBarber, barberFilter]);

  const [dayStart, dayEnd] = useMemo(() => {
    let s = 9 * 60;
    let e = 18 * 60;
    const hours = shop.location?.openingHours ?? {};
    for (const windows of Object.values(hours))
      for (const [a, b] of windows ?? []) {
        const [ah, am] = a.split(':').map(Number);
        const [bh, bm] = b.split(':').map(Number);
        s = Math.min(s, ah! * 60 + am!);
        e = Math.max(e, bh! * 60 + bm!);
      }
    for (const a of feed.data?.appointments ?? []) {
      s = Math.min(s, minutesOfDay(a.start, tz));
      e = Math.max(e, Math.min(24 * 60, minutesOfDay(a.start, tz) + 60));
    }
    return [Math.max(0, Math.floor(s / 60) * 60 - 60), Math.min(24 * 60, Math.ceil(e / 60) * 60 + 60)];
  }, [shop.location, feed.data, tz]);

  const mayAct = (a: StaffAppointment) => !ownBarber || a.barber.id === ownBarber;
  const openAppt =
    dialog?.kind === 'appointment' ? feed.data?.appointments.find((a) => a.id === dialog.id) : undefined;

  function done(msg: string) {
    setDialog(null);
    setMessage(msg);
    void reload();
  }

  async function saveMove(d: Extract<Dialog, { kind: 'move' }>, override: boolean) {
    try {
      await reschedule(locationId, d.appt, {
        start: instantAt(d.col.date, d.minute, tz),
        ...(d.col.barberId !== d.appt.barber.id ? { barberId: d.col.barberId } : {}),
        ...(override ? { override: true } : {}),
      });
      const to = shop.barbers.find((b) => b.id === d.col.barberId)?.name ?? '';
      done(`Moved ${d.appt.client.name} to ${dayLabel(d.col.date)}, ${wallLabel(d.minute)} with ${to}.`);
    } catch (err) {
      if (isApiError(err) && err.code === 'STALE_UPDATE') {
        await reload();
        setDialog({
          ...d,
          error: 'Someone else changed this appointment just now. It has been reloaded; nothing was moved.',
        });
      } else {
        setDialog({
          ...d,
          // Not offered online (outside hours, off the grid, too soon): staff may move it anyway,
          // unless another appointment is there, which the server refuses even then.
          error:
            isApiError(err) && (err.code === 'SLOT_UNAVAILABLE' || err.code === 'OUTSIDE_BOOKING_WINDOW')
              ? `${messageOf(err)} Online booking would not offer this time${d.conflict ? '' : " (it is outside the barber's hours or the booking rules)"}.`
              : messageOf(err),
          override:
            isApiError(err) &&
            (err.code === 'OUTSIDE_BOOKING_WINDOW' || (err.code === 'SLOT_UNAVAILABLE' && !d.conflict)),
        });
      }
    }
  }

  async function saveResize(d: Extract<Dialog, { kind: 'resize' }>) {
    try {
      await resize(locationId, d.appt, instantAt(d.col.date, d.endMinute, tz));
      done(`${d.appt.client.name}'s appointment now ends at ${wallLabel(d.endMinute)}.`);
    } catch (err) {
      if (isApiError(err) && err.code === 'STALE_UPDATE') await reload();
      setDialog({
        ...d,
        error:
          isApiError(err) && err.code === 'STALE_UPDATE'
            ? 'Someone else changed this appointment just now. It has been reloaded; nothing was changed.'
            : messageOf(err),
      });
    }
  }

  if (!date || shop.isPending)
    return (
      <p className="loading" role="status">
        Loading the calendar…
      </p>
    );

  const defaultBarber = ownBarber ?? barberFilter ?? shop.barbers[0]?.id ?? '';
  const nowMinute = Math.ceil(minutesOfDay(new Date().toISOString(), tz) / 15) * 15;
  const step = view === 'week' ? 7 : 1;

  return (
    <div className="calendar">
      <div className="cal-toolbar">
        <h1 className="cal-title">
          {view === 'week'
            ? `${shop.barbers.find((b) => b.id === weekBarber)?.name ?? ''} · week of ${dayLabel(from)}`
            : longDayLabel(date)}
        </h1>
        <LiveIndicator state={live} />
        <div className="cal-nav" role="group" aria-label="Date">
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => set({ date: plusDays(date, -step) })}
          >
            ‹ <span className="visually-hidden">Previous {view === 'week' ? 'week' : 'day'}</span>
          </button>
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => set({ date: null })}
            disabled={date === today}
          >
            Today
          </button>
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => set({ date: plusDays(date, step) })}
          >
            › <span className="visually-hidden">Next {view === 'week' ? 'week' : 'day'}</span>
          </button>
          <label>
            <span className="visually-hidden">Go to date</span>
            <input
              type="date"
              value={date}
              onChange={(e) => e.target.value && set({ date: e.target.value })}
            />
          </label>
        </div>
        <div className="cal-views" role="group" aria-label="View">
          {(['day', 'week', 'list'] as const).map((v) => (
            <button
              key={v}
              type="button"
              className="chip"
              aria-pressed={view === v}
              onClick={() => set({ view: v })}
            >
              {{ day: 'Day', week: 'Week', list: ownBarber ? 'My list' : 'List' }[v]}
            </button>
          ))}
        </div>
        {(view === 'week' || !ownBarber) && (
          <label className="cal-barber-filter">
            <span>Barber</span>
            <select
              value={view === 'week' ? weekBarber : barberFilter}
              onChange={(e) => set({ barber: e.target.value })}
            >
              {view !== 'week' && <option value="">All barbers</option>}
              {shop.barbers.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <div className="cal-toolbar-actions">
          <button
            type="button"
            className="btn btn-primary"
            onClick={() =>
              setDialog({
                kind: 'new',
                barberId: defaultBarber,
                date,
                minute: date === today ? nowMinute : 10 * 60,
              })
            }
          >
            New appointment
          </button>
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() =>
              setDialog({
                kind: 'block',
                barberId: defaultBarber,
                date,
                minute: date === today ? nowMinute : 12 * 60,
              })
            }
          >
            Block time
          </button>
          <label className="cal-check">
            <input
              type="checkbox"
              checked={showCancelled}
              onChange={(e) => setShowCancelled(e.target.checked)}
            />{' '}
            Show cancelled
          </label>
        </div>
      </div>

      <div role="status" aria-live="polite" className="cal-message" data-testid="calendar-message">
        {message && <p className="notice">{message}</p>}
      </div>
      {feed.isError && (
        <div className="alert" role="alert">
          {messageOf(feed.error)}{' '}
          <button type="button" className="btn btn-secondary" onClick={() => void feed.refetch()}>
            Try again
          </button>
        </div>
      )}

      {feed.data &&
        (view === 'list' ? (
          <TodayList
            feed={feed.data}
            barberId={ownBarber ?? (barberFilter || null)}
            locationId={locationId}
            showCancelled={showCancelled}
            onOpen={(a) => setDialog({ kind: 'appointment', id: a.id })}
            onDone={done}
            onReload={reload}
            mayAct={mayAct}
          />
        ) : columns.length === 0 ? (
          <p className="empty">No barbers at this location yet.</p>
        ) : (
          <div className="cal-scroll">
            {feed.data.appointments.length === 0 && feed.data.timeOff.length === 0 && (
              <p className="empty cal-empty">
                No appointments {view === 'week' ? 'this week' : 'on this day'} yet. Click a time to book one.
              </p>
            )}
            <TimeGrid
              feed={feed.data}
              columns={columns}
              dayStart={dayStart}
              dayEnd={dayEnd}
              showCancelled={showCancelled}
              onOpen={(a) => setDialog({ kind: 'appointment', id: a.id })}
              onOpenTimeOff={(t) => setDialog({ kind: 'timeoff', block: t })}
              onEmpty={(col, minute) =>
                (!ownBarber || col.barberId === ownBarber) &&
                setDialog({ kind: 'new', barberId: col.barberId, date: col.date, minute })
              }
              onMove={(appt, col, minute, conflict) =>
                setDialog({ kind: 'move', appt, col, minute, conflict })
              }
              onResize={(appt, col, endMinute, conflict) =>
                setDialog({ kind: 'resize', appt, col, endMinute, conflict })
              }
              canMove={(a, col) => mayAct(a) && (!ownBarber || col.barberId === ownBarber)}
              now={today ? { date: today, minute: minutesOfDay(new Date().toISOString(), tz) } : undefined}
            />
          </div>
        ))}

      {dialog?.kind === 'appointment' && openAppt && (
        <AppointmentPanel
          key={openAppt.version}
          locationId={locationId}
          appointment={openAppt}
          timezone={tz}
          barbers={shop.barbers}
          canAct={mayAct(openAppt)}
          barberLocked={!!ownBarber}
          onClose={() => {
            setDialog(null);
            setPanelNotice(null);
          }}
          onDone={(m) => {
            setPanelNotice(null);
            done(m);
          }}
          onReload={reload}
          notice={panelNotice}
          onNotice={setPanelNotice}
        />
      )}
      {dialog?.kind === 'new' && (
        <NewAppointmentDialog
          locationId={locationId}
          timezone={tz}
          barbers={shop.barbers}
          services={shop.services}
          initial={dialog}
          barberLocked={!!ownBarber}
          canSearch={!ownBarber}
          onClose={() => setDialog(null)}
          onDone={(m, made) => {
            // Show the day of the new booking (it may be another day than the one shown).
            const day = dateOf(made.start, tz);
            if (view !== 'week' || day < from || day > to) set({ date: day });
            done(m);
          }}
        />
      )}
      {dialog?.kind === 'block' && (
        <BlockTimeDialog
          locationId={locationId}
          timezone={tz}
          barbers={shop.barbers}
          barberLocked={!!ownBarber}
          initial={dialog}
          onClose={() => setDialog(null)}
          onDone={done}
        />
      )}
      {dialog?.kind === 'timeoff' && (
        <TimeOffPanel
          locationId={locationId}
          timezone={tz}
          block={dialog.block}
          barberName={shop.barbers.find((b) => b.id === dialog.block.barberId)?.name ?? ''}
          canRemove={!ownBarber || dialog.block.barberId === ownBarber}
          onClose={() => setDialog(null)}
          onDone={done}
        />
      )}
      {dialog?.kind === 'resize' && (
        <Modal title="Change the end?" onClose={() => setDialog(null)} testId="resize-confirm">
          <p>
            <strong>{dialog.appt.client.name}</strong> would end at{' '}
            <strong>{wallLabel(dialog.endMinute)}</strong> instead of{' '}
            {wallLabel(minutesOfDay(dialog.appt.end, tz))}.
          </p>
          {dialog.conflict && (
            <p className="alert alert-warning" role="alert">
              {dialog.conflict}. The server refuses an overlap with another appointment.
            </p>
          )}
          {dialog.error && (
            <div className="alert" role="alert">
              {dialog.error}
            </div>
          )}
          <div className="cal-actions">
            <button type="button" className="btn btn-primary" onClick={() => void saveResize(dialog)}>
              Change the end
            </button>
            <button type="button" className="btn btn-secondary" onClick={() => setDialog(null)}>
              Keep it as it was
            </button>
          </div>
        </Modal>
      )}
      {dialog?.kind === 'move' && (
        <MoveConfirm
          d={dialog}
          barberName={shop.barbers.find((b) => b.id === dialog.col.barberId)?.name ?? ''}
          onCancel={() => setDialog(null)}
          onSave={(override) => void saveMove(dialog, override)}
        />
      )}
    </div>
  );
}

/** The confirmation after a drop: where to, what it collides with, move (or move anyway). */
function MoveConfirm(p: {
  d: Extract<Dialog, { kind: 'move' }>;
  barberName: string;
  onCancel: () => void;
  onSave: (override: boolean) => void;
}) {
  const { d } = p;
  const [override, setOverride] = useState(false);
  return (
    <Modal title="Move appointment?" onClose={p.onCancel} testId="move-confirm">
      <p>
        Move <strong>{d.appt.client.name}</strong> to{' '}
        <strong>
          {dayLabel(d.col.date)}, {wallLabel(d.minute)}
        </strong>{' '}
        with <strong>{p.barberName}</strong>?
      </p>
      {d.conflict && (
        <p className="alert alert-warning" role="alert">
          {d.conflict}. The server will refuse an overlap with another appointment.
        </p>
      )}
      {d.error && (
        <div className="alert" role="alert">
          {d.error}
        </div>
      )}
      {d.override && (
        <label className="cal-check">
          <input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} /> Move
          anyway (staff override; recorded)
        </label>
      )}
      <div className="cal-actions">
        <button type="button" className="btn btn-primary" onClick={() => p.onSave(override)}>
          Move
        </button>
        <button type="button" className="btn btn-secondary" onClick={p.onCancel}>
          Keep it where it was
        </button>
      </div>
    </Modal>
  );
}
