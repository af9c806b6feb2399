// The day strip + time chips picker, shared by the booking flow and the manage page's reschedule.
//
// It only displays: the caller fetches availability for [from, from + dayCount) and passes the
// slots in. Each slot's `start` is handed back exactly as the API gave it.

import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Slot } from '../../lib/api.ts';
import {
  addDays,
  browserTimeZone,
  dateRange,
  dayChipParts,
  dayPartOf,
  daysBetween,
  formatDayLabel,
  formatTime,
  localDateOf,
  sameZone,
  todayIn,
  type DayPart,
  type LocalDate,
} from '../../lib/format.ts';

export const RANGE_DAYS = 14;

/** The window of days shown: RANGE_DAYS at a time from the shop's today, never past the horizon. */
export function useDayRange(timezone: string, horizonDays = 90) {
  const [page, setPage] = useState(0);
  const today = todayIn(timezone);
  const last = addDays(today, horizonDays);
  const from = addDays(today, page * RANGE_DAYS);
  const naturalTo = addDays(from, RANGE_DAYS - 1);
  const to = daysBetween(naturalTo, last) < 0 ? last : naturalTo;
  return {
    today,
    from,
    to,
    dayCount: daysBetween(from, to) + 1,
    canEarlier: page > 0,
    canLater: daysBetween(addDays(from, RANGE_DAYS), last) >= 0,
    earlier: () => setPage((p) => Math.max(0, p - 1)),
    later: () => setPage((p) => p + 1),
  };
}

export interface SlotPickerProps {
  timezone: string;
  from: LocalDate;
  dayCount: number;
  slots: Slot[] | undefined;
  isLoading: boolean;
  /** A message when the slots could not be loaded. */
  error?: string | null;
  onRetry?: () => void;
  selectedStart: string | null;
  onSelect: (slot: Slot) => void;
  canEarlier: boolean;
  canLater: boolean;
  onEarlier: () => void;
  onLater: () => void;
}

const PARTS: DayPart[] = ['Morning', 'Afternoon', 'Evening'];

export function SlotPicker(props: SlotPickerProps) {
  const { timezone, from, dayCount, slots, isLoading, selectedStart, onSelect } = props;
  const days = useMemo(() => dateRange(from, dayCount), [from, dayCount]);
  const today = todayIn(timezone);
  const baseId = useId();

  const byDay = useMemo(() => {
    const map = new Map<LocalDate, Slot[]>();
    for (const slot of slots ?? []) {
      const day = localDateOf(slot.start, timezone);
      const list = map.get(day);
      if (list) list.push(slot);
      else map.set(day, [slot]);
    }
    for (const list of map.values()) list.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    return map;
  }, [slots, timezone]);

  const [chosenDay, setChosenDay] = useState<LocalDate | null>(null);
  const selectedDay = useMemo(() => {
    const open = (d: LocalDate | null): d is LocalDate => d !== null && days.includes(d) && byDay.has(d);
    if (open(chosenDay)) return chosenDay;
    const ofSelected = selectedStart ? localDateOf(selectedStart, timezone) : null;
    if (open(ofSelected)) return ofSelected;
    return days.find((d) => byDay.has(d)) ?? null;
  }, [chosenDay, selectedStart, days, byDay, timezone]);

  // Keep the selected day in view inside the horizontal strip.
  const stripRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const strip = stripRef.current;
    const btn = strip?.querySelector<HTMLElement>('[aria-pressed="true"]');
    if (!strip || !btn) return;
    const left = btn.offsetLeft - strip.clientWidth / 2 + btn.clientWidth / 2;
    strip.scrollTo({ left: Math.max(0, left), behavior: 'smooth' });
  }, [selectedDay, from]);

  const visitorZone = browserTimeZone();
  const showZoneNote = visitorZone !== null && !sameZone(visitorZone, timezone);

  const daySlots = selectedDay ? (byDay.get(selectedDay) ?? []) : [];
  const groups = PARTS.map((part) => ({
    part,
    slots: daySlots.filter((s) => dayPartOf(s.start, timezone) === part),
  })).filter((g) => g.slots.length > 0);

  const loaded = !isLoading && !props.error && slots !== undefined;
  const empty = loaded && byDay.size === 0;

  return (
    <div className="slot-picker" data-testid="slot-picker">
      {showZoneNote && (
        <p className="note" data-testid="zone-note">
          Times are shown in the shop's time zone ({timezone}).
        </p>
      )}

      <div className="day-strip-wrap">
        <div className="day-strip" ref={stripRef} role="group" aria-label="Days" aria-busy={isLoading}>
          {days.map((day) => {
            const count = byDay.get(day)?.length ?? 0;
            const p = dayChipParts(day);
            const label = formatDayLabel(day);
            return (
              <button
                key={day}
                type="button"
                className="day"
                data-date={day}
                data-open={count > 0 ? 'true' : 'false'}
                aria-label={day === today ? `${label} (today)` : label}
                aria-pressed={day === selectedDay}
                disabled={count === 0}
                onClick={() => setChosenDay(day)}
              >
                <span className="day-weekday">{day === today ? 'Today' : p.weekday}</span>
                <span className="day-number">{p.day}</span>
                <span className="day-month">{p.month}</span>
                <span className="day-dot" aria-hidden="true" />
              </button>
            );
          })}
        </div>
      </div>

      <div className="range-nav">
        <button
          type="button"
          className="btn btn-quiet"
          onClick={props.onEarlier}
          disabled={!props.canEarlier}
        >
          <span aria-hidden="true">‹ </span>Earlier dates
        </button>
        <button type="button" className="btn btn-quiet" onClick={props.onLater} disabled={!props.canLater}>
          Later dates<span aria-hidden="true"> ›</span>
        </button>
      </div>

      {isLoading && (
        <p className="muted" role="status">
          Finding open times…
        </p>
      )}

      {props.error && (
        <div className="alert" role="alert">
          <p>{props.error}</p>
          {props.onRetry && (
            <button type="button" className="btn btn-secondary" onClick={props.onRetry}>
              Try again
            </button>
          )}
        </div>
      )}

      {empty && (
        <div className="empty" data-testid="no-openings">
          <p className="empty-title">No openings in these days</p>
          {props.canLater ? (
            <button type="button" className="btn btn-secondary" onClick={props.onLater}>
              Show the next 14 days
            </button>
          ) : (
            <p className="muted">There are no later days to book online.</p>
          )}
        </div>
      )}

      {loaded && selectedDay && (
        <div className="times" aria-label={`Times on ${formatDayLabel(selectedDay)}`} role="region">
          {groups.map((g) => (
            <section key={g.part} className="time-group" aria-labelledby={`${baseId}-${g.part}`}>
              <h3 id={`${baseId}-${g.part}`} className="time-group-title">
                {g.part}
              </h3>
              <div className="chips">
                {g.slots.map((slot) => (
                  <button
                    key={slot.start}
                    type="button"
                    className="chip"
                    aria-pressed={slot.start === selectedStart}
                    onClick={() => onSelect(slot)}
                  >
                    {formatTime(slot.start, timezone)}
                  </button>
                ))}
              </div>
            </section>
          ))}
        </div>
      )}
    </div>
  );
}
