/**
 * Property tests for the availability engine (DOMAIN.md, "Availability"): random zones (odd
 * offsets, 30-minute DST, DST days), random hours, overrides, busy ranges, services and policies.
 *
 * The main property compares `computeSlots` with a naive oracle that applies the rules literally,
 * one candidate at a time, with Temporal for every wall ↔ instant conversion.
 */
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { computeSlots } from '../../src/availability/slots.ts';
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
} from '../../src/availability/types.ts';

const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/London',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/St_Johns',
] as const;

/** Per zone: its DST change days in 2026 (the interesting ones) and one ordinary day. */
const ZONE_DATES: Record<(typeof ZONES)[number], readonly string[]> = {
  UTC: ['2026-03-08', '2026-06-10'],
  'America/New_York': ['2026-03-08', '2026-11-01', '2026-06-10'],
  'Europe/London': ['2026-03-29', '2026-10-25', '2026-06-10'],
  'Asia/Kolkata': ['2026-01-15'],
  'Asia/Kathmandu': ['2026-01-15'],
  'Australia/Lord_Howe': ['2026-04-05', '2026-10-04', '2026-06-10'],
  'Pacific/Chatham': ['2026-04-05', '2026-09-27', '2026-06-10'],
  'America/St_Johns': ['2026-03-08', '2026-11-01', '2026-06-10'],
};

const MIN = 60_000;

// ---------------------------------------------------------------------------------------------
// Generators

const wallTime = (m: number): string =>
  m === 1440 ? '24:00' : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** A window with start < end, on a 5-minute grid, biased towards the small hours where DST happens. */
const arbWindow: fc.Arbitrary<WallWindow> = fc
  .tuple(
    fc.oneof(fc.integer({ min: 0, max: 288 }), fc.integer({ min: 0, max: 48 })),
    fc.integer({ min: 1, max: 160 }),
  )
  .map(([s, len]) => [wallTime(s * 5), wallTime(Math.min(288, s + len) * 5)] as const)
  .filter(([s, e]) => s < e || e === '24:00');

const arbWindows = fc.array(arbWindow, { maxLength: 3 });
/** Weekly windows: usually one to three, sometimes none (closed that weekday). */
const arbSomeWindows = fc.oneof(
  { arbitrary: fc.array(arbWindow, { minLength: 1, maxLength: 3 }), weight: 4 },
  { arbitrary: fc.constant([]), weight: 1 },
);
const FULL_DAY: readonly WallWindow[] = [['00:00', '24:00']];

const arbWeekly = (openWeight: number): fc.Arbitrary<WeeklyHours> =>
  fc.oneof(
    {
      arbitrary: fc.constant(Object.fromEntries(WEEKDAYS.map((d) => [d, FULL_DAY])) as WeeklyHours),
      weight: openWeight,
    },
    {
      arbitrary: fc.record(
        Object.fromEntries(WEEKDAYS.map((d) => [d, arbSomeWindows])) as Record<
          (typeof WEEKDAYS)[number],
          typeof arbSomeWindows
        >,
        { requiredKeys: [...WEEKDAYS] },
      ),
      weight: 3,
    },
  );

const arbTiming: fc.Arbitrary<ServiceTiming> = fc.record({
  durationMinutes: fc.integer({ min: 1, max: 36 }).map((n) => n * 5),
  bufferBeforeMinutes: fc.constantFrom(0, 0, 5, 10, 15, 30),
  bufferAfterMinutes: fc.constantFrom(0, 0, 5, 10, 15, 30),
});

interface Scenario {
  q: AvailabilityQuery;
  seed: number;
}

/** Every (zone, date) pair of ZONE_DATES; and only those on a DST change day. */
const ALL_PAIRS = ZONES.flatMap((tz) => ZONE_DATES[tz].map((d) => [tz, d] as const));
const DST_PAIRS = ALL_PAIRS.filter(([tz, d]) => {
  const day = Temporal.PlainDate.from(d);
  return day.toZonedDateTime(tz).hoursInDay !== 24;
});

const scenario = (pairs: readonly (readonly [string, string])[]): fc.Arbitrary<Scenario> =>
  fc
    .record({
      zoneDate: fc.constantFrom(...pairs),
      shift: fc.integer({ min: -1, max: 0 }),
      days: fc.integer({ min: 1, max: 3 }),
      seed: fc.integer(),
    })
    .chain(({ zoneDate: [tz, base], shift, days, seed }) => {
      const from = Temporal.PlainDate.from(base).add({ days: shift });
      const to = from.add({ days: days - 1 });
      const anchor = from.toZonedDateTime(tz).epochMilliseconds;
      const spanMin = days * 1440;
      const arbRange = fc
        .tuple(fc.integer({ min: -240, max: spanMin + 240 }), fc.integer({ min: 1, max: 300 }))
        .map(([s, len]): Interval => ({ start: anchor + s * MIN, end: anchor + (s + len) * MIN }));
      const arbDate = fc.integer({ min: -1, max: days }).map((n) => from.add({ days: n }).toString());
      const arbOverride: fc.Arbitrary<DateOverride> = fc.record({ date: arbDate, windows: arbWindows });
      const arbBarber = (id: string): fc.Arbitrary<BarberSchedule> =>
        fc.record({
          id: fc.constant(id),
          weeklyHours: arbWeekly(2),
          dateOverrides: fc.array(arbOverride, { maxLength: 2 }),
          timeOff: fc.array(arbRange, { maxLength: 2 }),
          busy: fc.array(arbRange, { maxLength: 8 }),
          services: fc
            .record({ s1: arbTiming, s2: arbTiming }, { requiredKeys: ['s1'] })
            .map((s) => s as Record<string, ServiceTiming>),
        });
      return fc.record({
        q: fc.record({
          timeZone: fc.constant(tz),
          policy: fc.record({
            slotIntervalMinutes: fc.constantFrom(10, 15, 20, 25, 30, 45, 60),
            leadTimeMinutes: fc.constantFrom(0, 15, 60, 120, 240),
            horizonDays: fc.constantFrom(0, 1, 2, 3, 7, 7, 30),
            changeWindowHours: fc.constant(24),
          }),
          openingHours: arbWeekly(4),
          locationOverrides: fc.array(arbOverride, { maxLength: 2 }),
          barbers: fc
            .uniqueArray(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 3 })
            .chain((ids) => fc.tuple(...ids.map(arbBarber))),
          serviceIds: fc.constantFrom(['s1'], ['s1'], ['s2'], ['s1', 's2'], ['s2', 's1']),
          from: fc.constant(from.toString()),
          to: fc.constant(to.toString()),
          now: fc
            .oneof(
              { arbitrary: fc.integer({ min: -1440, max: 0 }), weight: 4 },
              { arbitrary: fc.integer({ min: -3 * 1440, max: 0 }), weight: 1 },
              { arbitrary: fc.integer({ min: 0, max: days * 1440 }), weight: 1 },
            )
            .map((m) => anchor + m * MIN),
        }),
        seed: fc.constant(seed),
      });
    });
const arbScenario = scenario(ALL_PAIRS);
const arbDstScenario = scenario(DST_PAIRS);

// ---------------------------------------------------------------------------------------------
// The oracle: the rules applied literally, with Temporal at every step.

function timingOf(b: BarberSchedule, ids: readonly string[]): ServiceTiming | null {
  if (ids.length === 0 || !ids.every((id) => Object.hasOwn(b.services, id))) return null;
  const ts = ids.map((id) => b.services[id]!);
  return {
    durationMinutes: ts.reduce((s, t) => s + t.durationMinutes, 0),
    bufferBeforeMinutes: ts[0]!.bufferBeforeMinutes,
    bufferAfterMinutes: ts[ts.length - 1]!.bufferAfterMinutes,
  };
}

const weekdayKey = (d: Temporal.PlainDate) => WEEKDAYS[d.dayOfWeek - 1]!;

function windowsOn(
  weekly: WeeklyHours,
  overrides: readonly DateOverride[],
  d: Temporal.PlainDate,
): WallWindow[] {
  const own = overrides.filter((o) => o.date === d.toString());
  if (own.length > 0) return own.flatMap((o) => o.windows);
  return [...(weekly[weekdayKey(d)] ?? [])];
}

function edge(tz: string, d: Temporal.PlainDate, hhmm: string): number {
  const pdt =
    hhmm === '24:00'
      ? d.add({ days: 1 }).toPlainDateTime()
      : d.toPlainDateTime(Temporal.PlainTime.from(hhmm));
  return pdt.toZonedDateTime(tz, { disambiguation: 'compatible' }).epochMilliseconds;
}

/** Working pieces of a barber on one date: pairwise intersections of barber and location windows. */
function workingOn(q: AvailabilityQuery, b: BarberSchedule, d: Temporal.PlainDate): Interval[] {
  const out: Interval[] = [];
  for (const [bs, be] of windowsOn(b.weeklyHours, b.dateOverrides, d)) {
    if (!(bs < be || be === '24:00') || bs === be) continue;
    for (const [ls, le] of windowsOn(q.openingHours, q.locationOverrides ?? [], d)) {
      if (!(ls < le || le === '24:00') || ls === le) continue;
      const start = Math.max(edge(q.timeZone, d, bs), edge(q.timeZone, d, ls));
      const end = Math.min(edge(q.timeZone, d, be), edge(q.timeZone, d, le));
      if (start < end) out.push({ start, end });
    }
  }
  return out;
}

/** Whether the pieces (in any order, possibly overlapping or touching) cover [s, e). */
function covered(pieces: readonly Interval[], s: number, e: number): boolean {
  let cur = s;
  for (;;) {
    if (cur >= e) return true;
    let next = cur;
    for (const p of pieces) if (p.start <= cur && cur < p.end && p.end > next) next = p.end;
    if (next === cur) return false;
    cur = next;
  }
}

const overlaps = (xs: readonly Interval[], s: number, e: number) => xs.some((x) => x.start < e && s < x.end);

function oracle(q: AvailabilityQuery): Slot[] {
  const tz = q.timeZone;
  const today = Temporal.Instant.fromEpochMilliseconds(q.now).toZonedDateTimeISO(tz).toPlainDate();
  const from = Temporal.PlainDate.from(q.from);
  const to = Temporal.PlainDate.from(q.to);
  const first = Temporal.PlainDate.compare(from, today) < 0 ? today : from;
  const lastByHorizon = today.add({ days: q.policy.horizonDays });
  const last = Temporal.PlainDate.compare(to, lastByHorizon) > 0 ? lastByHorizon : to;
  const eligible = q.barbers.flatMap((b) => {
    const t = timingOf(b, q.serviceIds);
    return t ? [{ b, t }] : [];
  });
  const byStart = new Map<number, { ids: Set<string>; end: number }>();
  for (let d = first; Temporal.PlainDate.compare(d, last) <= 0; d = d.add({ days: 1 })) {
    const working = new Map(
      eligible.map(
        ({ b }) => [b, [-1, 0, 1, 2].flatMap((n) => workingOn(q, b, d.add({ days: n })))] as const,
      ),
    );
    for (let m = 0; m < 1440; m += q.policy.slotIntervalMinutes) {
      const pdt = d.toPlainDateTime({ hour: Math.floor(m / 60), minute: m % 60 });
      const instants = new Set(
        (['earlier', 'later'] as const)
          .map((disambiguation) => pdt.toZonedDateTime(tz, { disambiguation }))
          .filter((z) => z.toPlainDateTime().equals(pdt))
          .map((z) => z.epochMilliseconds),
      );
      for (const s of instants) {
        if (s < q.now + q.policy.leadTimeMinutes * MIN || s <= q.now) continue;
        for (const { b, t } of eligible) {
          const e = s + t.durationMinutes * MIN;
          if (!covered(working.get(b)!, s, e)) continue;
          const blocked = [...b.timeOff, ...b.busy];
          if (overlaps(blocked, s - t.bufferBeforeMinutes * MIN, e + t.bufferAfterMinutes * MIN)) continue;
          const slot = byStart.get(s) ?? { ids: new Set<string>(), end: -Infinity };
          slot.ids.add(b.id);
          slot.end = Math.max(slot.end, e);
          byStart.set(s, slot);
        }
      }
    }
  }
  return [...byStart.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, { ids, end }]) => ({ start, end, barberIds: [...ids].sort() }));
}

// ---------------------------------------------------------------------------------------------
// Helpers for the invariants

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function shuffleQuery(q: AvailabilityQuery, seed: number): AvailabilityQuery {
  const weekly = (w: WeeklyHours, k: number): WeeklyHours =>
    Object.fromEntries(
      shuffled(Object.entries(w), seed + k).map(([day, windows]) => [
        day,
        shuffled(windows ?? [], seed + k + 1),
      ]),
    );
  return {
    ...q,
    openingHours: weekly(q.openingHours, 1),
    locationOverrides: shuffled(q.locationOverrides ?? [], seed + 2).map((o) => ({
      ...o,
      windows: shuffled(o.windows, seed + 3),
    })),
    barbers: shuffled(q.barbers, seed + 4).map((b, i) => ({
      ...b,
      weeklyHours: weekly(b.weeklyHours, 10 + i),
      dateOverrides: shuffled(b.dateOverrides, seed + 20 + i),
      timeOff: shuffled(b.timeOff, seed + 30 + i),
      busy: shuffled(b.busy, seed + 40 + i),
      services: Object.fromEntries(shuffled(Object.entries(b.services), seed + 50 + i)),
    })),
  };
}

// ---------------------------------------------------------------------------------------------

// Property runs use Temporal at every step in the oracle: allow time on a slow or loaded machine.
describe('computeSlots properties', { timeout: 60_000 }, () => {
  it('equals the naive oracle', () => {
    fc.assert(
      fc.property(arbScenario, ({ q }) => {
        expect(computeSlots(q)).toEqual(oracle(q));
      }),
      { numRuns: 150 },
    );
  });

  it('equals the naive oracle on DST change days', () => {
    expect(DST_PAIRS).toHaveLength(10);
    fc.assert(
      fc.property(arbDstScenario, ({ q }) => {
        expect(computeSlots(q)).toEqual(oracle(q));
      }),
      { numRuns: 100 },
    );
  });

  it('respects every rule for every listed barber', () => {
    fc.assert(
      fc.property(arbScenario, ({ q }) => {
        const tz = q.timeZone;
        const slots = computeSlots(q);
        const workingCache = new Map<string, Interval[]>();
        const today = Temporal.Instant.fromEpochMilliseconds(q.now).toZonedDateTimeISO(tz).toPlainDate();
        const first = [q.from, today.toString()].sort()[1]!;
        const last = [q.to, today.add({ days: q.policy.horizonDays }).toString()].sort()[0]!;
        slots.forEach((slot, i) => {
          if (i > 0) expect(slot.start).toBeGreaterThan(slots[i - 1]!.start);
          // On the local grid, inside the date range, after now + lead time.
          const z = Temporal.Instant.fromEpochMilliseconds(slot.start).toZonedDateTimeISO(tz);
          expect((z.hour * 60 + z.minute) % q.policy.slotIntervalMinutes).toBe(0);
          expect(z.second * 1000 + z.millisecond).toBe(0);
          const date = z.toPlainDate().toString();
          expect(date >= first && date <= last).toBe(true);
          expect(slot.start).toBeGreaterThanOrEqual(q.now + q.policy.leadTimeMinutes * MIN);
          expect(slot.start).toBeGreaterThan(q.now);
          expect(slot.barberIds.length).toBeGreaterThan(0);
          expect([...slot.barberIds].sort()).toEqual(slot.barberIds);
          let latest = -Infinity;
          for (const id of slot.barberIds) {
            const b = q.barbers.find((x) => x.id === id)!;
            const t = timingOf(b, q.serviceIds);
            expect(t).not.toBeNull();
            const end = slot.start + t!.durationMinutes * MIN;
            latest = Math.max(latest, end);
            const before = slot.start - t!.bufferBeforeMinutes * MIN;
            const after = end + t!.bufferAfterMinutes * MIN;
            expect(overlaps(b.busy, before, after)).toBe(false);
            expect(overlaps(b.timeOff, before, after)).toBe(false);
            const key = `${id}|${date}`;
            let working = workingCache.get(key);
            if (!working) {
              const d = z.toPlainDate();
              working = [-1, 0, 1, 2].flatMap((n) => workingOn(q, b, d.add({ days: n })));
              workingCache.set(key, working);
            }
            expect(covered(working, slot.start, end)).toBe(true);
          }
          expect(slot.end).toBe(latest);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('does not depend on the order of input arrays', () => {
    fc.assert(
      fc.property(arbScenario, ({ q, seed }) => {
        expect(computeSlots(shuffleQuery(q, seed))).toEqual(computeSlots(q));
      }),
      { numRuns: 200 },
    );
  });

  it('gives each date the same slots whatever the requested date range', () => {
    fc.assert(
      fc.property(arbScenario, ({ q }) => {
        const all = computeSlots(q);
        const tz = q.timeZone;
        for (
          let d = Temporal.PlainDate.from(q.from);
          Temporal.PlainDate.compare(d, Temporal.PlainDate.from(q.to)) <= 0;
          d = d.add({ days: 1 })
        ) {
          const date = d.toString();
          const single = computeSlots({ ...q, from: date, to: date });
          const localDate = (s: Slot) =>
            Temporal.Instant.fromEpochMilliseconds(s.start).toZonedDateTimeISO(tz).toPlainDate().toString();
          expect(single).toEqual(all.filter((s) => localDate(s) === date));
        }
      }),
      { numRuns: 100 },
    );
  });
});
