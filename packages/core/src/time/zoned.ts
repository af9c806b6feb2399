/**
 * Small time-zone helpers over the Temporal API (`temporal-polyfill`), used by the availability
 * engine and the API layer (DOMAIN.md, "Availability": slots live in the location's IANA zone; the
 * API speaks ISO 8601 with offset). Nothing here reads the clock, the environment or the process
 * time zone (`TZ`): every zone is an explicit argument.
 *
 * Units: instants are epoch milliseconds (UTC); dates are "YYYY-MM-DD" ISO calendar dates.
 */
import { Temporal } from 'temporal-polyfill';
import { WEEKDAYS, type Weekday } from '../availability/types.ts';
import { dateOfEpochDay, epochDayOf, tryEpochDayOf, weekdayIndexOfEpochDay } from './civil.ts';
import { buildZoneTimeline } from './zone-timeline.ts';

const INSTANT_RE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2})$/;

function zoned(epochMs: number, timeZone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone);
}

/**
 * Format an instant as ISO 8601 local date-time with the zone's UTC offset at that instant, seconds
 * precision (milliseconds truncated), no bracketed zone name. UTC is written "+00:00", not "Z".
 * Examples: "2026-03-08T03:00:00-04:00", "2026-01-15T09:00:00+05:45".
 * @param epochMs instant, integer epoch milliseconds.
 * @param timeZone IANA zone id, e.g. "America/New_York".
 * @throws RangeError if `epochMs` is not an integer in Temporal's range or the zone is unknown.
 */
export function toOffsetIso(epochMs: number, timeZone: string): string {
  return zoned(epochMs, timeZone).toString({ timeZoneName: 'never', smallestUnit: 'second' });
}

/**
 * The local calendar date ("YYYY-MM-DD") of an instant in a zone.
 * @param epochMs instant, integer epoch milliseconds.
 * @throws RangeError if `epochMs` is not an integer or the zone is unknown.
 */
export function localDateOf(epochMs: number, timeZone: string): string {
  return zoned(epochMs, timeZone).toPlainDate().toString();
}

/**
 * Wall-clock minutes since local midnight of an instant in a zone: `hour × 60 + minute`
 * (seconds dropped), 0..1439. This is the wall reading, not elapsed time: on a spring-forward day
 * in America/New_York, 03:00 gives 180 although only 120 real minutes have passed since midnight.
 * @param epochMs instant, integer epoch milliseconds.
 * @throws RangeError if `epochMs` is not an integer or the zone is unknown.
 */
export function localMinutesOf(epochMs: number, timeZone: string): number {
  const z = zoned(epochMs, timeZone);
  return z.hour * 60 + z.minute;
}

/**
 * Add (or with a negative number, subtract) whole calendar days to a "YYYY-MM-DD" date.
 * @param days integer number of days.
 * @returns the resulting "YYYY-MM-DD" date (years 0000..9999).
 * @throws RangeError if `date` is invalid, `days` is not an integer, or the result leaves 0000..9999.
 */
export function addDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`days must be an integer: ${days}`);
  return dateOfEpochDay(epochDayOf(date) + days);
}

/**
 * Parse an ISO 8601 / RFC 3339 date-time that carries an explicit UTC offset or "Z", e.g.
 * "2026-03-08T03:00:00-04:00", "2026-03-08T08:00Z", "2026-03-08T03:00:00.250+05:45".
 * Seconds and fractions are optional; sub-millisecond digits are truncated.
 * @returns epoch milliseconds, or null for anything else: no offset ("2026-03-08T03:00"), a bare
 *   date, a bracketed zone annotation, impossible fields ("2026-02-30T…", "25:00"), non-strings.
 */
export function parseInstant(iso: string): number | null {
  if (typeof iso !== 'string' || !INSTANT_RE.test(iso)) return null;
  try {
    return Temporal.Instant.from(iso).epochMilliseconds;
  } catch {
    return null;
  }
}

/**
 * Whether `tz` is a time zone id Temporal knows, as an IANA name (e.g. "Asia/Kathmandu", "UTC").
 * Fixed-offset ids such as "+05:30" are refused: a location needs a real zone with its DST rules.
 * Never throws.
 */
export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz === '' || tz.startsWith('+') || tz.startsWith('-')) return false;
  try {
    zoned(0, tz);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first instant of a local calendar date in a zone (local midnight, or the first instant after
 * it when midnight falls in a spring-forward gap), as epoch milliseconds.
 * @throws RangeError if `date` is invalid or the zone is unknown.
 */
export function startOfLocalDay(date: string, timeZone: string): number {
  return Temporal.PlainDate.from(date).toZonedDateTime({ timeZone }).epochMilliseconds;
}

/**
 * Whether `date` is exactly "YYYY-MM-DD" and names a real ISO calendar day (so "2026-02-29" is
 * false, "2028-02-29" true, "2026-1-05" false). Never throws.
 */
export function isValidDate(date: string): boolean {
  return tryEpochDayOf(date) !== null;
}

/**
 * The weekday key ("mon".."sun", as used by `WeeklyHours`) of a "YYYY-MM-DD" date.
 * @throws RangeError if `date` is invalid.
 */
export function weekdayOf(date: string): Weekday {
  return WEEKDAYS[weekdayIndexOfEpochDay(epochDayOf(date))] as Weekday;
}

/**
 * Signed number of calendar days from `from` to `to` (`to − from`): 0 for the same date, 1 for the
 * next day, negative when `to` is earlier. So `addDays(from, daysBetween(from, to)) === to`, and the
 * number of dates in the inclusive range [from, to] is `daysBetween(from, to) + 1`.
 * @throws RangeError if either date is invalid.
 */
export function daysBetween(from: string, to: string): number {
  return epochDayOf(to) - epochDayOf(from);
}

/**
 * A fast formatter equivalent to {@link toOffsetIso} for many instants of one zone inside a span:
 * the zone's offset transitions are looked up once, then each instant is formatted with plain
 * arithmetic (Temporal per instant dominated availability answers, see docs/benchmarks.md).
 * Instants outside [fromMs, toMs] or at a sub-minute offset fall back to {@link toOffsetIso}.
 * @param timeZone IANA zone id.
 * @param fromMs first instant of the span (epoch ms).
 * @param toMs last instant of the span (epoch ms).
 * @throws RangeError if the zone is unknown.
 */
export function offsetIsoFormatter(
  timeZone: string,
  fromMs: number,
  toMs: number,
): (epochMs: number) => string {
  const timeline = buildZoneTimeline(timeZone, fromMs, toMs);
  return (epochMs) => {
    const offsetMs = timeline.offsetAt(epochMs);
    if (epochMs < fromMs || epochMs > toMs || offsetMs % 60_000 !== 0 || !Number.isInteger(epochMs))
      return toOffsetIso(epochMs, timeZone);
    const local = new Date(Math.floor((epochMs + offsetMs) / 1000) * 1000).toISOString().slice(0, 19);
    const abs = Math.abs(offsetMs) / 60_000;
    const hh = String(Math.floor(abs / 60)).padStart(2, '0');
    const mm = String(abs % 60).padStart(2, '0');
    return `${local}${offsetMs < 0 ? '-' : '+'}${hh}:${mm}`;
  };
}
