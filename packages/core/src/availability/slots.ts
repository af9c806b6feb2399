/**
 * The availability engine (DOMAIN.md, "Availability"): weekly hours ∩ opening hours, with date
 * overrides, minus time off and busy ranges → bookable slot starts on the location's local grid.
 * Pure: "now" is an argument; nothing reads the clock, the environment or the process time zone.
 *
 * Performance: Temporal is used only to build one offset timeline for the whole query (a few calls
 * plus one per DST transition); per-day and per-candidate work is plain number arithmetic.
 */
import { DAY_MS, MINUTE_MS, epochDayOf, parseWallTime, weekdayIndexOfEpochDay } from '../time/civil.ts';
import { buildZoneTimeline, type OffsetSegment, type ZoneTimeline } from '../time/zone-timeline.ts';
import { isValidTimeZone, localDateOf } from '../time/zoned.ts';
import { intersect, normalize } from './ranges.ts';
import {
  WEEKDAYS,
  type AvailabilityQuery,
  type BarberSchedule,
  type DateOverride,
  type Interval,
  type ServiceTiming,
  type Slot,
  type WallWindow,
  type WeeklyHours,
} from './types.ts';

/** Bookings longer than this many days never fit (bounds the zone timeline built for a query). */
const MAX_BOOKING_DAYS = 400;

function checkMinutes(value: number, what: string): void {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`${what} must be a finite number ≥ 0: ${value}`);
}

/**
 * The timing of a booking of several services performed back to back by one barber
 * (DOMAIN.md, "Availability" and "Terms: service").
 *
 * `durationMinutes` is the sum of the barber's (overridden) durations, in the given order;
 * `bufferBeforeMinutes` is the first service's buffer before and `bufferAfterMinutes` the last
 * service's buffer after (buffers of the lines in between are ignored: the lines are back to back).
 *
 * @param barber anything with the barber's `services` map (overrides already applied).
 * @param serviceIds requested service ids, in booking order (repeats allowed and counted).
 * @returns the timing, or null when `serviceIds` is empty or the barber does not offer one of them.
 * @throws RangeError if a used duration or buffer is negative or not finite.
 */
export function bookingTiming(
  barber: Pick<BarberSchedule, 'services'>,
  serviceIds: readonly string[],
): ServiceTiming | null {
  if (serviceIds.length === 0) return null;
  let durationMinutes = 0;
  let first: ServiceTiming | undefined;
  let last: ServiceTiming | undefined;
  for (const id of serviceIds) {
    if (!Object.hasOwn(barber.services, id)) return null;
    const t = barber.services[id] as ServiceTiming;
    checkMinutes(t.durationMinutes, `Duration of service ${id}`);
    checkMinutes(t.bufferBeforeMinutes, `Buffer before of service ${id}`);
    checkMinutes(t.bufferAfterMinutes, `Buffer after of service ${id}`);
    durationMinutes += t.durationMinutes;
    first ??= t;
    last = t;
  }
  return {
    durationMinutes,
    bufferBeforeMinutes: (first as ServiceTiming).bufferBeforeMinutes,
    bufferAfterMinutes: (last as ServiceTiming).bufferAfterMinutes,
  };
}

/** Wall windows parsed to [startMinute, endMinute) pairs (0..1440), empty/inverted ones dropped. */
type MinuteWindows = readonly (readonly [number, number])[];

function parseWindows(windows: readonly WallWindow[] | undefined): MinuteWindows {
  const out: [number, number][] = [];
  for (const w of windows ?? []) {
    const start = parseWallTime(w[0]);
    const end = parseWallTime(w[1]);
    if (start < end) out.push([start, end]);
  }
  return out;
}

/** Weekly hours (indexed Monday = 0) plus date overrides (keyed by epoch day), pre-parsed. */
interface ParsedHours {
  weekly: MinuteWindows[];
  overrides: Map<number, MinuteWindows>;
}

function parseHours(weekly: WeeklyHours, overrides: readonly DateOverride[] | undefined): ParsedHours {
  const byDay = new Map<number, (readonly [number, number])[]>();
  for (const o of overrides ?? []) {
    const day = epochDayOf(o.date);
    const list = byDay.get(day) ?? [];
    // Several overrides for one date: their windows are united (order-independent).
    list.push(...parseWindows(o.windows));
    byDay.set(day, list);
  }
  return { weekly: WEEKDAYS.map((d) => parseWindows(weekly[d])), overrides: byDay };
}

/** Instants of the windows in force on `epochDay` (wall edges mapped with 'compatible'). */
function dayIntervals(hours: ParsedHours, epochDay: number, tl: ZoneTimeline): Interval[] {
  const windows = hours.overrides.get(epochDay) ?? hours.weekly[weekdayIndexOfEpochDay(epochDay)] ?? [];
  const base = epochDay * DAY_MS;
  const out: Interval[] = [];
  for (const [s, e] of windows) {
    out.push({ start: tl.instantAt(base + s * MINUTE_MS), end: tl.instantAt(base + e * MINUTE_MS) });
  }
  return normalize(out);
}

/** One eligible barber, prepared for the candidate sweep. */
interface Prepared {
  id: string;
  durationMs: number;
  bufferBeforeMs: number;
  bufferAfterMs: number;
  /** Normalized working time (barber hours ∩ location hours), epoch ms. */
  working: Interval[];
  /** Normalized time off ∪ busy, epoch ms. */
  blocked: Interval[];
  /** Sweep pointers into `working` and `blocked`. */
  wi: number;
  bi: number;
}

function validateQuery(q: AvailabilityQuery): { fromDay: number; toDay: number } {
  if (!isValidTimeZone(q.timeZone))
    throw new RangeError(`Unknown or non-IANA time zone: ${String(q.timeZone)}`);
  const { slotIntervalMinutes, leadTimeMinutes, horizonDays } = q.policy;
  if (!Number.isInteger(slotIntervalMinutes) || slotIntervalMinutes <= 0) {
    throw new RangeError(`slotIntervalMinutes must be a positive integer: ${slotIntervalMinutes}`);
  }
  if (!Number.isFinite(leadTimeMinutes))
    throw new RangeError(`leadTimeMinutes must be finite: ${leadTimeMinutes}`);
  if (!Number.isInteger(horizonDays) || horizonDays < 0) {
    throw new RangeError(`horizonDays must be an integer ≥ 0: ${horizonDays}`);
  }
  if (!Number.isFinite(q.now)) throw new RangeError(`now must be a finite epoch ms value: ${q.now}`);
  return { fromDay: epochDayOf(q.from), toDay: epochDayOf(q.to) };
}

/**
 * Compute the bookable slots for a query (DOMAIN.md, "Availability"), merged across barbers
 * ("any barber"; pass one barber to get that barber's slots).
 *
 * Rules, per local date D of the location's zone from `max(from, today)` to
 * `min(to, today + horizonDays)` (today = local date of `now`):
 * - A barber is eligible only if they offer every requested service ({@link bookingTiming}) and
 *   the total duration is positive; the booking takes the sum of that barber's durations, with the
 *   first service's buffer before and the last service's buffer after.
 * - Working time on D = (barber's date overrides for D, else weekly hours of D's weekday) ∩
 *   (location overrides for D, else opening hours). Wall edges map to instants with Temporal's
 *   'compatible' disambiguation (an edge inside a spring-forward gap moves forward by the gap, a
 *   repeated wall time takes its first occurrence); "24:00" is the next local midnight.
 *   Several overrides for one date are united; windows with start ≥ end are ignored. Working
 *   time of consecutive days is united, so a booking may run across midnight when both days'
 *   windows touch.
 * - Candidate starts S are the local wall times of D whose wall-clock minutes since midnight are a
 *   multiple of `slotIntervalMinutes`: a wall time skipped by DST gives no start, a repeated one
 *   gives both instants. E = S + duration in real elapsed time.
 * - A barber is free at S if [S, E) lies inside their working time and
 *   [S − bufferBefore, E + bufferAfter) overlaps none of their time off or busy ranges (buffers may
 *   lie outside working hours). S must also satisfy S ≥ now + leadTime and S > now.
 *
 * @returns one slot per distinct start, sorted by strictly increasing `start` (epoch ms), with
 *   `barberIds` = every free eligible barber sorted by id (code-unit order, duplicates listed once)
 *   and `end` = the latest of those barbers' service ends (buffers excluded). Empty when
 *   `serviceIds` is empty, no barber is eligible, or the date range is empty after clipping.
 * @throws RangeError for an unknown or fixed-offset zone, invalid `from`/`to` dates, a
 *   non-positive or fractional slot interval, a non-finite lead time or `now`, a negative or
 *   fractional horizon, a malformed "HH:MM" window edge or override date, or a negative/non-finite
 *   service duration or buffer of an offered service.
 */
export function computeSlots(q: AvailabilityQuery): Slot[] {
  const { fromDay, toDay } = validateQuery(q);
  if (q.serviceIds.length === 0) return [];

  const todayDay = epochDayOf(localDateOf(Math.floor(q.now), q.timeZone));
  const firstDay = Math.max(fromDay, todayDay);
  const lastDay = Math.min(toDay, todayDay + q.policy.horizonDays);
  if (firstDay > lastDay) return [];

  const candidates: { barber: BarberSchedule; timing: ServiceTiming }[] = [];
  for (const barber of q.barbers) {
    const timing = bookingTiming(barber, q.serviceIds);
    if (timing && timing.durationMinutes > 0) candidates.push({ barber, timing });
  }
  if (candidates.length === 0) return [];
  candidates.sort((a, b) => (a.barber.id < b.barber.id ? -1 : a.barber.id > b.barber.id ? 1 : 0));

  // Working time is needed from the day before the first date (a fall-back at midnight can
  // interleave days) through the days a booking started on the last date can reach.
  const maxDurationMs = Math.max(...candidates.map((c) => c.timing.durationMinutes * MINUTE_MS));
  const extraDays = Math.min(Math.ceil(maxDurationMs / DAY_MS) + 1, MAX_BOOKING_DAYS);
  const workFirstDay = firstDay - 1;
  const workLastDay = lastDay + extraDays;
  // Offsets are within ±26 h, so a two-day margin covers every instant whose wall time is in range.
  const tl = buildZoneTimeline(q.timeZone, (workFirstDay - 2) * DAY_MS, (workLastDay + 3) * DAY_MS);

  const location = parseHours(q.openingHours, q.locationOverrides);
  const locationByDay: Interval[][] = [];
  for (let d = workFirstDay; d <= workLastDay; d++) locationByDay.push(dayIntervals(location, d, tl));

  const prepared: Prepared[] = candidates.map(({ barber, timing }) => {
    const hours = parseHours(barber.weeklyHours, barber.dateOverrides);
    const working: Interval[] = [];
    for (let d = workFirstDay; d <= workLastDay; d++) {
      const loc = locationByDay[d - workFirstDay] as Interval[];
      if (loc.length > 0) working.push(...intersect(dayIntervals(hours, d, tl), loc));
    }
    return {
      id: barber.id,
      durationMs: timing.durationMinutes * MINUTE_MS,
      bufferBeforeMs: timing.bufferBeforeMinutes * MINUTE_MS,
      bufferAfterMs: timing.bufferAfterMinutes * MINUTE_MS,
      working: normalize(working),
      blocked: normalize([...barber.timeOff, ...barber.busy]),
      wi: 0,
      bi: 0,
    };
  });

  const minStart = q.now + q.policy.leadTimeMinutes * MINUTE_MS;
  const stepMs = q.policy.slotIntervalMinutes * MINUTE_MS;
  const wallLo = firstDay * DAY_MS;
  const wallHi = (lastDay + 1) * DAY_MS;
  const slots: Slot[] = [];

  const consider = (start: number): void => {
    if (start < minStart || start <= q.now) return;
    let barberIds: string[] | undefined;
    let end = -Infinity;
    for (const p of prepared) {
      const e = start + p.durationMs;
      // Working ranges ending at or before S can never hold this or any later start.
      while (p.wi < p.working.length && (p.working[p.wi] as Interval).end <= start) p.wi++;
      const w = p.working[p.wi];
      if (!w || w.start > start || e > w.end) continue;
      // Blocked ranges ending at or before S − bufferBefore can never touch this or a later booking.
      const from = start - p.bufferBeforeMs;
      while (p.bi < p.blocked.length && (p.blocked[p.bi] as Interval).end <= from) p.bi++;
      const b = p.blocked[p.bi];
      if (b && b.start < e + p.bufferAfterMs) continue;
      barberIds ??= [];
      if (barberIds[barberIds.length - 1] !== p.id) barberIds.push(p.id);
      if (e > end) end = e;
    }
    if (barberIds) slots.push({ start, end, barberIds });
  };

  // Sweep offset segments in time order; inside each, walk the local grid of its wall range.
  // Instants therefore come out strictly increasing, across DST gaps and repeated hours alike.
  const segs = tl.segments;
  segs.forEach((seg: OffsetSegment, i: number) => {
    const segWallLo = i === 0 ? -Infinity : seg.start + seg.offsetMs;
    const segWallHi = i === segs.length - 1 ? Infinity : seg.end + seg.offsetMs;
    const lo = Math.max(wallLo, segWallLo);
    const hi = Math.min(wallHi, segWallHi);
    if (!(lo < hi)) return;
    let dayStart = Math.floor(lo / DAY_MS) * DAY_MS;
    let g = dayStart + Math.ceil((lo - dayStart) / stepMs) * stepMs;
    for (;;) {
      if (g >= dayStart + DAY_MS) {
        dayStart += DAY_MS;
        g = dayStart;
      }
      if (g >= hi) break;
      consider(g - seg.offsetMs);
      g += stepMs;
    }
  });
  return slots;
}

/**
 * Re-check one start at booking time with the same rules as {@link computeSlots} (so the time
 * shown is the time validated): computes the slots of the local date of `start` only, ignoring
 * `q.from`/`q.to`.
 * @param start the requested start, epoch ms.
 * @returns the slot starting exactly at `start`, or null if none (then the booking must be refused).
 * @throws RangeError as {@link computeSlots}.
 */
export function findSlot(q: AvailabilityQuery, start: number): Slot | null {
  if (!Number.isInteger(start)) return null;
  if (!isValidTimeZone(q.timeZone))
    throw new RangeError(`Unknown or non-IANA time zone: ${String(q.timeZone)}`);
  const date = localDateOf(start, q.timeZone);
  return computeSlots({ ...q, from: date, to: date }).find((s) => s.start === start) ?? null;
}
