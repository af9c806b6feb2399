/**
 * Types for the availability engine (DOMAIN.md, "Availability").
 *
 * Conventions: instants are epoch milliseconds (UTC); wall-clock times are "HH:MM" strings in
 * the location's IANA zone; dates are "YYYY-MM-DD" local calendar dates in that zone; durations
 * are whole minutes of real elapsed time.
 */

/** Day keys used for weekly hours, Monday first (ISO 8601 weekday 1..7). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A wall-clock window ["HH:MM", "HH:MM"], start < end, local to the location's zone. "24:00" is allowed as an end. */
export type WallWindow = readonly [start: string, end: string];

/** Several windows per weekday; an empty array (or a missing key) means closed / not working. */
export type WeeklyHours = Partial<Record<Weekday, readonly WallWindow[]>>;

/** Replaces the weekly hours for one local date. `windows: []` means not working that day. */
export interface DateOverride {
  date: string;
  windows: readonly WallWindow[];
}

/** A half-open UTC range [start, end) in epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

/** Per-location booking policy (DOMAIN.md defaults: V2 30-minute steps, 15 min lead time, 30 days). */
export interface BookingPolicy {
  /** Slot starts fall on multiples of this many minutes after local midnight. */
  slotIntervalMinutes: number;
  /** Minimum notice: a slot must start at or after now + leadTimeMinutes. */
  leadTimeMinutes: number;
  /** Maximum days ahead: the slot's local date must be ≤ today (local) + horizonDays. */
  horizonDays: number;
  /** Hours before the start inside which the client can no longer cancel or reschedule online. */
  changeWindowHours: number;
}

/** How long one service takes for one barber, after that barber's overrides. */
export interface ServiceTiming {
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
}

/** One bookable barber with everything the engine needs to know. */
export interface BarberSchedule {
  id: string;
  weeklyHours: WeeklyHours;
  dateOverrides: readonly DateOverride[];
  /** Time off and blocked time, as UTC ranges. */
  timeOff: readonly Interval[];
  /** Existing active appointments, already including their own buffers (their occupied range). */
  busy: readonly Interval[];
  /** Services this barber offers, keyed by service id, with per-barber overrides applied. */
  services: Readonly<Record<string, ServiceTiming>>;
}

/** Input of {@link computeSlots}. */
export interface AvailabilityQuery {
  /** IANA zone of the location, e.g. "America/New_York". */
  timeZone: string;
  policy: BookingPolicy;
  /** Location opening hours; barber hours are intersected with these. */
  openingHours: WeeklyHours;
  /** Location date overrides (holidays, special hours). */
  locationOverrides?: readonly DateOverride[];
  barbers: readonly BarberSchedule[];
  /** Requested service ids, performed back to back in this order by one barber. */
  serviceIds: readonly string[];
  /** First and last local date to search, inclusive. */
  from: string;
  to: string;
  /** The current instant, epoch ms. */
  now: number;
}

/** One bookable start. `end` is the end of the service time (buffers excluded). */
export interface Slot {
  start: number;
  end: number;
  /** Barbers free for this whole booking at this start, sorted by id. */
  barberIds: string[];
}
