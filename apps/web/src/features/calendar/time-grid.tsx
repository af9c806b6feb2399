// The time grid of the day view (a column per barber) and the week view (a column per day of one
// barber): appointments, time off and blocked time placed by their wall-clock times in the
// location's zone. Click an appointment (or Enter on it) to open it; click an empty spot to book
// there; drag an appointment to move it (to another time or, in the day view, another barber) —
// while dragging the target shows whether it collides with another appointment or time off of that
// barber, computed from the loaded feed, before anything is saved.

import { useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { CalendarFeed, CalendarTimeOff, StaffAppointment } from '../../lib/staff-api.ts';
import { dateOf, instantAt, minutesOfDay, ms, overlaps, wallLabel } from './time.ts';

/** Pixels per minute of the grid (96 px an hour). */
export const PX_PER_MIN = 1.6;
/** Drops and clicks snap to this many minutes. */
export const SNAP_MIN = 15;

/** One column: a barber on a date. */
export interface GridColumn {
  key: string;
  label: string;
  date: string;
  barberId: string;
}

/** Statuses that hold the barber's time (packages/core ACTIVE_STATUSES). */
const ACTIVE = new Set(['pending', 'confirmed', 'checked_in', 'completed']);

/** A human label for a status. */
export function statusLabel(status: string): string {
  return (
    {
      pending: 'Pending',
      confirmed: 'Confirmed',
      checked_in: 'Checked in',
      completed: 'Completed',
      cancelled: 'Cancelled',
      no_show: 'No-show',
    }[status] ?? status
  );
}

/**
 * What a move of `appt` to `barberId` at [startMs, endMs) would collide with in the loaded feed:
 * another active appointment of that barber, or their time off / blocked time; null when free.
 */
export function conflictOf(
  feed: CalendarFeed,
  apptId: string | null,
  barberId: string,
  startMs: number,
  endMs: number,
): string | null {
  for (const a of feed.appointments)
    if (
      a.id !== apptId &&
      a.barber.id === barberId &&
      ACTIVE.has(a.status) &&
      overlaps(startMs, endMs, ms(a.start), ms(a.end))
    )
      return `Overlaps ${a.client.name}`;
  for (const t of feed.timeOff)
    if (
      t.barberId === barberId &&
      t.status !== 'declined' &&
      overlaps(startMs, endMs, ms(t.start), ms(t.end))
    )
      return t.kind === 'blocked' ? 'Overlaps blocked time' : 'Overlaps time off';
  return null;
}

/** Side-by-side lanes for overlapping items of one column (greedy, by start). */
function lanes<T extends { s: number; e: number }>(items: T[]): Array<T & { lane: number; lanes: number }> {
  const sorted = [...items].sort((a, b) => a.s - b.s || b.e - a.e);
  const out: Array<T & { lane: number; lanes: number }> = [];
  let group: Array<T & { lane: number; lanes: number }> = [];
  let groupEnd = -Infinity;
  const laneEnds: number[] = [];
  const flush = () => {
    const n = Math.max(1, ...group.map((g) => g.lane + 1));
    for (const g of group) g.lanes = n;
    out.push(...group);
    group = [];
    laneEnds.length = 0;
  };
  for (const it of sorted) {
    if (it.s >= groupEnd) flush();
    let lane = laneEnds.findIndex((end) => end <= it.s);
    if (lane < 0) lane = laneEnds.length;
    laneEnds[lane] = it.e;
    group.push({ ...it, lane, lanes: 1 });
    groupEnd = Math.max(groupEnd, it.e);
  }
  flush();
  return out;
}

interface Drag {
  /** Move the whole appointment, or drag its lower edge to change its end. */
  mode: 'move' | 'resize';
  appt: StaffAppointment;
  pointerId: number;
  x0: number;
  y0: number;
  fromCol: string;
  startMin: number;
  durationMin: number;
  moving: boolean;
  toCol: string;
  toMin: number;
}

/** Props of {@link TimeGrid}. */
export interface TimeGridProps {
  feed: CalendarFeed;
  columns: GridColumn[];
  /** First and last minute of the day shown (local wall clock). */
  dayStart: number;
  dayEnd: number;
  showCancelled: boolean;
  onOpen: (a: StaffAppointment) => void;
  onEmpty: (col: GridColumn, minute: number) => void;
  onOpenTimeOff: (t: CalendarTimeOff) => void;
  /** A drop; `conflict` is what the loaded feed says the target collides with. */
  onMove: (a: StaffAppointment, col: GridColumn, minute: number, conflict: string | null) => void;
  /** A resize drop: the new end in minutes past midnight of the appointment's day. */
  onResize: (a: StaffAppointment, col: GridColumn, endMinute: number, conflict: string | null) => void;
  canMove: (a: StaffAppointment, col: GridColumn) => boolean;
  /** Today's date and the minute now (in the location's zone): a line marks it in today's columns. */
  now?: { date: string; minute: number };
}

/** The time grid: one column per {@link GridColumn}, rows of PX_PER_MIN pixels per minute from dayStart to dayEnd. */
export function TimeGrid(p: TimeGridProps) {
  const tz = p.feed.timezone;
  const height = (p.dayEnd - p.dayStart) * PX_PER_MIN;
  const [drag, setDrag] = useState<Drag | null>(null);
  const dragRef = useRef<Drag | null>(null);
  // The click that follows a drop must not count as a click on the empty grid.
  const droppedAt = useRef(0);
  const hours: number[] = [];
  for (let m = Math.ceil(p.dayStart / 60) * 60; m < p.dayEnd; m += 60) hours.push(m);
  const colByKey = new Map(p.columns.map((c) => [c.key, c]));

  const update = (d: Drag | null) => {
    dragRef.current = d;
    setDrag(d);
  };

  function down(e: ReactPointerEvent, a: StaffAppointment, col: GridColumn) {
    const resize = (e.target as HTMLElement).dataset.resize === 'true';
    const movable =
      a.status === 'pending' || a.status === 'confirmed' || (resize && a.status === 'checked_in');
    // Touch scrolls the grid; on a touch screen the panel's reschedule form moves an appointment.
    if (e.pointerType === 'touch' || e.button !== 0 || !p.canMove(a, col) || !movable) return;
    if (resize) e.stopPropagation();
    const startMin = minutesOfDay(a.start, tz);
    update({
      mode: resize ? 'resize' : 'move',
      appt: a,
      pointerId: e.pointerId,
      x0: e.clientX,
      y0: e.clientY,
      fromCol: col.key,
      startMin,
      durationMin: Math.round((ms(a.end) - ms(a.start)) / 60_000),
      moving: false,
      toCol: col.key,
      toMin: startMin,
    });
  }

  function move(e: ReactPointerEvent) {
    const d = dragRef.current;
    if (!d || e.pointerId !== d.pointerId) return;
    const dx = e.clientX - d.x0;
    const dy = e.clientY - d.y0;
    if (!d.moving && Math.hypot(dx, dy) < 5) return;
    if (!d.moving) (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
    if (d.mode === 'resize') {
      const end = Math.round((d.startMin + d.durationMin + dy / PX_PER_MIN) / SNAP_MIN) * SNAP_MIN;
      const durationMin = Math.max(SNAP_MIN, Math.min(p.dayEnd, end) - d.startMin);
      update({ ...d, moving: true, toMin: d.startMin + durationMin });
      return;
    }
    const under = document.elementFromPoint(e.clientX, e.clientY)?.closest<HTMLElement>('[data-col]');
    const toCol = under?.dataset.col ?? d.toCol;
    const raw = d.startMin + dy / PX_PER_MIN;
    const toMin = Math.max(
      p.dayStart,
      Math.min(p.dayEnd - d.durationMin, Math.round(raw / SNAP_MIN) * SNAP_MIN),
    );
    update({ ...d, moving: true, toCol, toMin });
  }

  function up(e: ReactPointerEvent) {
    const d = dragRef.current;
    if (!d || e.pointerId !== d.pointerId) return;
    update(null);
    if (!d.moving) return; // a click: the button's click handler opens it
    droppedAt.current = Date.now();
    const col = colByKey.get(d.toCol);
    if (!col) return;
    if (d.mode === 'resize') {
      if (d.toMin !== d.startMin + d.durationMin) p.onResize(d.appt, col, d.toMin, targetConflict(d, col));
      return;
    }
    if (d.toCol === d.fromCol && d.toMin === d.startMin) return;
    p.onMove(d.appt, col, d.toMin, targetConflict(d, col));
  }

  /** The range a drag would give: [start, end) in minutes of the column's day. */
  function targetRange(d: Drag): [number, number] {
    return d.mode === 'resize' ? [d.startMin, d.toMin] : [d.toMin, d.toMin + d.durationMin];
  }

  function targetConflict(d: Drag, col: GridColumn): string | null {
    if (!p.canMove(d.appt, col)) return 'Not yours to move there';
    const [from, to] = targetRange(d);
    const s = ms(instantOf(col.date, from));
    return conflictOf(p.feed, d.appt.id, col.barberId, s, s + (to - from) * 60_000);
  }

  function instantOf(date: string, minute: number): string {
    // Local wall time → instant through the zone offset of that day (time.ts instantAt).
    return instantAtCached(date, minute, tz);
  }

  const dragCol = drag?.moving ? colByKey.get(drag.toCol) : undefined;
  const dragConflict = drag?.moving && dragCol ? targetConflict(drag, dragCol) : null;

  return (
    <div
      className="cal-grid"
      style={{ gridTemplateColumns: `4rem repeat(${p.columns.length}, minmax(9rem, 1fr))` }}
    >
      <div className="cal-corner" aria-hidden="true" />
      {p.columns.map((c) => (
        <div key={c.key} className="cal-col-head">
          {c.label}
        </div>
      ))}
      <div className="cal-gutter" style={{ height }} aria-hidden="true">
        {hours.map((m) => (
          <span key={m} className="cal-hour" style={{ top: (m - p.dayStart) * PX_PER_MIN }}>
            {wallLabel(m)}
          </span>
        ))}
      </div>
      {p.columns.map((col) => {
        const appts = p.feed.appointments.filter(
          (a) =>
            a.barber.id === col.barberId &&
            dateOf(a.start, tz) === col.date &&
            (p.showCancelled || a.status !== 'cancelled'),
        );
        const placed = lanes(
          appts.map((a) => ({
            a,
            s: minutesOfDay(a.start, tz),
            e: minutesOfDay(a.start, tz) + (ms(a.end) - ms(a.start)) / 60_000,
          })),
        );
        const offs = p.feed.timeOff.filter((t) => t.barberId === col.barberId);
        return (
          <div
            key={col.key}
            className="cal-col"
            data-col={col.key}
            data-testid={`column-${col.label}`}
            style={{ height }}
            onPointerMove={move}
            onPointerUp={up}
            onPointerCancel={() => update(null)}
            onClick={(e) => {
              if (e.target !== e.currentTarget || Date.now() - droppedAt.current < 500) return;
              const y = e.clientY - e.currentTarget.getBoundingClientRect().top;
              const minute = p.dayStart + Math.floor(y / PX_PER_MIN / SNAP_MIN) * SNAP_MIN;
              p.onEmpty(col, minute);
            }}
          >
            {hours.map((m) => (
              <span
                key={m}
                className="cal-line"
                style={{ top: (m - p.dayStart) * PX_PER_MIN }}
                aria-hidden="true"
              />
            ))}
            {p.now && p.now.date === col.date && p.now.minute >= p.dayStart && p.now.minute < p.dayEnd && (
              <span
                className="cal-now"
                style={{ top: (p.now.minute - p.dayStart) * PX_PER_MIN }}
                aria-hidden="true"
              />
            )}
            {offs.map((t) => {
              const dayStartMs = ms(instantOf(col.date, 0));
              const dayEndMs = ms(instantOf(col.date, 24 * 60 - 1)) + 60_000;
              const s = Math.max(ms(t.start), dayStartMs);
              const e = Math.min(ms(t.end), dayEndMs);
              if (e <= s) return null;
              const top = Math.max(0, ((s - dayStartMs) / 60_000 - p.dayStart) * PX_PER_MIN);
              const bottom = Math.min(height, ((e - dayStartMs) / 60_000 - p.dayStart) * PX_PER_MIN);
              if (bottom <= top) return null;
              const label =
                t.kind === 'blocked'
                  ? 'Blocked'
                  : t.status === 'requested'
                    ? 'Time off (pending)'
                    : 'Time off';
              return (
                <button
                  type="button"
                  key={t.id}
                  className={`cal-off cal-off-${t.kind} cal-off-${t.status}`}
                  style={{ top, height: bottom - top }}
                  onClick={() => p.onOpenTimeOff(t)}
                  title={t.reason ?? label}
                >
                  <span>{label}</span>
                  {t.reason && <span className="cal-off-reason">{t.reason}</span>}
                </button>
              );
            })}
            {placed.map(({ a, s, e, lane, lanes: n }) => {
              const dragging = drag?.moving && drag.mode === 'move' && drag.appt.id === a.id;
              return (
                <button
                  type="button"
                  key={a.id}
                  className={`cal-appt status-${a.status}${dragging ? ' cal-appt-dragging' : ''}`}
                  data-testid="appointment"
                  data-appointment-id={a.id}
                  style={{
                    top: (s - p.dayStart) * PX_PER_MIN,
                    height: Math.max(22, (e - s) * PX_PER_MIN - 2),
                    left: `calc(${(lane / n) * 100}% + 2px)`,
                    width: `calc(${100 / n}% - 4px)`,
                  }}
                  onPointerDown={(ev) => down(ev, a, col)}
                  onClick={() => {
                    if (Date.now() - droppedAt.current > 500) p.onOpen(a);
                  }}
                  aria-label={`${wallLabel(s)} ${a.client.name}, ${a.services.map((x) => x.name).join(', ')}, ${statusLabel(a.status)}, with ${a.barber.name}${a.notes ? `, note: ${a.notes}` : ''}`}
                >
                  <span className="cal-appt-time">{wallLabel(s)}</span>
                  <span className="cal-appt-client">{a.client.name}</span>
                  <span className="cal-appt-services">{a.services.map((x) => x.name).join(', ')}</span>
                  <span className="cal-appt-status">{statusLabel(a.status)}</span>
                  {a.notes && <span className="cal-appt-notes">📝 {a.notes}</span>}
                  {p.canMove(a, col) && ['pending', 'confirmed', 'checked_in'].includes(a.status) && (
                    <span
                      className="cal-resize"
                      data-resize="true"
                      aria-hidden="true"
                      title="Drag to change the end"
                    />
                  )}
                </button>
              );
            })}
            {drag?.moving && drag.toCol === col.key && (
              <div
                className={`cal-ghost${dragConflict ? ' cal-ghost-conflict' : ''}`}
                style={{
                  top: (targetRange(drag)[0] - p.dayStart) * PX_PER_MIN,
                  height: (targetRange(drag)[1] - targetRange(drag)[0]) * PX_PER_MIN,
                }}
                role="status"
                data-testid="drag-target"
              >
                {wallLabel(targetRange(drag)[0])} – {wallLabel(targetRange(drag)[1])} ·{' '}
                {dragConflict ?? 'Free'}
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}

const instantCache = new Map<string, string>();
/** instantAt with a cache (the grid asks for the same day edges many times per render). */
function instantAtCached(date: string, minute: number, tz: string): string {
  const key = `${date}|${minute}|${tz}`;
  let v = instantCache.get(key);
  if (v === undefined) {
    v = instantAt(date, minute, tz);
    if (instantCache.size > 5000) instantCache.clear();
    instantCache.set(key, v);
  }
  return v;
}
