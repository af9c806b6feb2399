/**
 * Pure integer calendar arithmetic on ISO (proleptic Gregorian) dates and wall-clock times,
 * with no time zone involved. Used by the availability engine (DOMAIN.md, "Availability") to
 * avoid allocating Temporal objects in hot loops; zone-aware work lives in `zoned.ts` and
 * `zone-timeline.ts`.
 *
 * A "wall epoch" is a local wall-clock date-time encoded as if it were UTC: milliseconds since
 * 1970-01-01T00:00 *wall time*. It is not an instant; `ZoneTimeline` maps it to instants.
 */

/** Milliseconds in one minute. */
export const MINUTE_MS = 60_000;
/** Milliseconds in one calendar day of wall time (24 h; not necessarily 24 h of real time). */
export const DAY_MS = 86_400_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const WALL_RE = /^(\d{2}):(\d{2})$/;

/**
 * Days since 1970-01-01 for a civil date (Howard Hinnant's days_from_civil).
 * @param year full year (e.g. 2026); month 1..12; day 1..31. No validation.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Days in a month of the ISO calendar. @param month 1..12 */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parse a "YYYY-MM-DD" ISO calendar date into days since 1970-01-01 (negative before 1970).
 * @returns the epoch day, or null if the string is not exactly YYYY-MM-DD or names no real day
 *   (e.g. "2026-02-30").
 */
export function tryEpochDayOf(date: string): number | null {
  const m = typeof date === 'string' ? DATE_RE.exec(date) : null;
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return daysFromCivil(year, month, day);
}

/**
 * Like {@link tryEpochDayOf} but throws.
 * @throws RangeError if `date` is not a valid "YYYY-MM-DD" date.
 */
export function epochDayOf(date: string): number {
  const n = tryEpochDayOf(date);
  if (n === null) throw new RangeError(`Invalid date (expected YYYY-MM-DD): ${String(date)}`);
  return n;
}

/**
 * Format days since 1970-01-01 as "YYYY-MM-DD" (Hinnant's civil_from_days). Years 0..9999 only.
 * @throws RangeError if the year falls outside 0..9999 or `epochDay` is not an integer.
 */
export function dateOfEpochDay(epochDay: number): string {
  if (!Number.isInteger(epochDay)) throw new RangeError(`Epoch day must be an integer: ${epochDay}`);
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) throw new RangeError(`Year out of range 0..9999: ${year}`);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * ISO weekday index of an epoch day, Monday = 0 … Sunday = 6 (an index into `WEEKDAYS`).
 * 1970-01-01 (epoch day 0) was a Thursday.
 */
export function weekdayIndexOfEpochDay(epochDay: number): number {
  return (((epochDay + 3) % 7) + 7) % 7;
}

/**
 * Parse a wall-clock time "HH:MM" (00:00..23:59, or exactly "24:00" meaning the end of the day)
 * into minutes since local midnight (0..1440).
 * @throws RangeError on anything else (e.g. "9:00", "24:30", "12:60").
 */
export function parseWallTime(hhmm: string): number {
  const m = typeof hhmm === 'string' ? WALL_RE.exec(hhmm) : null;
  if (m) {
    const h = Number(m[1]);
    const min = Number(m[2]);
    if ((h < 24 && min < 60) || (h === 24 && min === 0)) return h * 60 + min;
  }
  throw new RangeError(`Invalid wall time (expected "HH:MM", 00:00..24:00): ${String(hhmm)}`);
}
