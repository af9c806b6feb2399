// Wall-clock helpers for the calendar. Every position and label is in the LOCATION's zone (the
// feed's `timezone`), never the browser's; conversions go through Temporal (temporal-polyfill).

import { Temporal } from 'temporal-polyfill';

/** Minutes since local midnight of an instant in `timeZone` (0–1439). */
export function minutesOfDay(instant: string, timeZone: string): number {
  const z = Temporal.Instant.from(instant).toZonedDateTimeISO(timeZone);
  return z.hour * 60 + z.minute;
}

/** The local date (YYYY-MM-DD) of an instant in `timeZone`. */
export function dateOf(instant: string, timeZone: string): string {
  return Temporal.Instant.from(instant).toZonedDateTimeISO(timeZone).toPlainDate().toString();
}

/**
 * The instant of local `date` at `minutes` past midnight in `timeZone`, as ISO 8601 with the
 * offset (what the API wants). A wall time skipped by a DST change moves forward (Temporal's
 * "compatible" disambiguation).
 */
export function instantAt(date: string, minutes: number, timeZone: string): string {
  const z = Temporal.PlainDate.from(date).toZonedDateTime({
    timeZone,
    plainTime: new Temporal.PlainTime(Math.floor(minutes / 60), minutes % 60),
  });
  return z.toString({ timeZoneName: 'never', smallestUnit: 'second' });
}

/** Epoch milliseconds of an ISO 8601 instant. */
export function ms(instant: string): number {
  return Temporal.Instant.from(instant).epochMilliseconds;
}

/** Today's date in `timeZone`. */
export function todayIn(timeZone: string): string {
  return Temporal.Now.plainDateISO(timeZone).toString();
}

/** `date` plus `days` (calendar arithmetic, DST-proof). */
export function plusDays(date: string, days: number): string {
  return Temporal.PlainDate.from(date).add({ days }).toString();
}

/** The Monday of the week of `date`. */
export function mondayOf(date: string): string {
  const d = Temporal.PlainDate.from(date);
  return d.subtract({ days: d.dayOfWeek - 1 }).toString();
}

/** "9:30 AM" for minutes past midnight. */
export function wallLabel(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${h12}:${String(m).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
}

/** "HH:MM" (for <input type="time">) of minutes past midnight. */
export function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Minutes past midnight of "HH:MM", or null. */
export function parseHhmm(s: string): number | null {
  const m = /^(\d{1,2}):(\d{2})/.exec(s);
  if (!m) return null;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return v >= 0 && v < 24 * 60 ? v : null;
}

/** "Tue, Dec 8" for a local date. */
export function dayLabel(date: string): string {
  return new Intl.DateTimeFormat('en-US', {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  })
    .format(new Date(`${date}T12:00:00Z`))
    .replace(/[\u00a0\u2009\u202f]/g, ' ');
}

/** "Tuesday, December 8, 2026" for a local date. */
export function longDayLabel(date: string): string {
  return new Intl.DateTimeFormat('en-US', {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T12:00:00Z`));
}

/** Whether [aStart, aEnd) and [bStart, bEnd) overlap (any comparable numbers). */
export function overlaps(aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  return aStart < bEnd && bStart < aEnd;
}
