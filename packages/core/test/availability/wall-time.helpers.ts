/**
 * Test helpers: build instants from local wall times with Temporal directly (independent of the
 * engine's own timeline arithmetic) and read them back.
 */
import { Temporal } from 'temporal-polyfill';

/** Epoch ms of local `date` ("YYYY-MM-DD") at wall time `time` ("HH:MM") in `tz`, 'compatible'. */
export function at(tz: string, date: string, time: string): number {
  return Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(tz).epochMilliseconds;
}

/** Epoch ms of a wall time with explicit disambiguation (for repeated hours). */
export function atWith(tz: string, date: string, time: string, disambiguation: 'earlier' | 'later'): number {
  return Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(tz, { disambiguation })
    .epochMilliseconds;
}

/** ISO string with offset (seconds precision), via Temporal. */
export function iso(tz: string, ms: number): string {
  return Temporal.Instant.fromEpochMilliseconds(ms)
    .toZonedDateTimeISO(tz)
    .toString({ timeZoneName: 'never', smallestUnit: 'second' });
}

/** Local "HH:MM" of an instant in `tz`. */
export function hm(tz: string, ms: number): string {
  return iso(tz, ms).slice(11, 16);
}

/** Minutes → ms. */
export const min = (m: number): number => m * 60_000;
