/**
 * Named regression cases for the availability engine (DOMAIN.md, "Availability", including the
 * time-zone traps listed there). Expected instants are built with Temporal directly.
 */
import { describe, expect, it } from 'vitest';
import { bookingTiming, computeSlots, findSlot } from '../../src/availability/slots.ts';
import type {
  AvailabilityQuery,
  BarberSchedule,
  Interval,
  ServiceTiming,
  WeeklyHours,
} from '../../src/availability/types.ts';
import { toOffsetIso } from '../../src/time/zoned.ts';
import { at, atWith, hm, iso, min } from './wall-time.helpers.ts';

const ALL_WEEK = (windows: readonly (readonly [string, string])[]): WeeklyHours => ({
  mon: windows,
  tue: windows,
  wed: windows,
  thu: windows,
  fri: windows,
  sat: windows,
  sun: windows,
});
const FULL_DAY = ALL_WEEK([['00:00', '24:00']]);

const timing = (durationMinutes: number, bufferBeforeMinutes = 0, bufferAfterMinutes = 0): ServiceTiming => ({
  durationMinutes,
  bufferBeforeMinutes,
  bufferAfterMinutes,
});

function barber(id: string, over: Partial<BarberSchedule> = {}): BarberSchedule {
  return {
    id,
    weeklyHours: FULL_DAY,
    dateOverrides: [],
    timeOff: [],
    busy: [],
    services: { cut: timing(30) },
    ...over,
  };
}

function query(tz: string, date: string, over: Partial<AvailabilityQuery> = {}): AvailabilityQuery {
  return {
    timeZone: tz,
    policy: { slotIntervalMinutes: 30, leadTimeMinutes: 0, horizonDays: 365, changeWindowHours: 24 },
    openingHours: FULL_DAY,
    barbers: [barber('a')],
    serviceIds: ['cut'],
    from: date,
    to: date,
    now: Date.UTC(2025, 11, 1),
    ...over,
  };
}

const policy = (over: Partial<AvailabilityQuery['policy']>): AvailabilityQuery['policy'] => ({
  slotIntervalMinutes: 30,
  leadTimeMinutes: 0,
  horizonDays: 365,
  changeWindowHours: 24,
  ...over,
});

/** Local "HH:MM" of every slot start. */
const starts = (tz: string, q: AvailabilityQuery): string[] => computeSlots(q).map((s) => hm(tz, s.start));

describe('DST: America/New_York spring forward (2026-03-08, 02:00 → 03:00)', () => {
  const tz = 'America/New_York';
  const date = '2026-03-08';

  it('offers no 02:xx slot, keeps every other half hour, and uses −04:00 after the change', () => {
    const slots = computeSlots(query(tz, date));
    const labels = slots.map((s) => hm(tz, s.start));
    expect(labels.filter((l) => l.startsWith('02:'))).toEqual([]);
    expect(labels.slice(0, 6)).toEqual(['00:00', '00:30', '01:00', '01:30', '03:00', '03:30']);
    expect(slots).toHaveLength(46); // 48 half hours minus the two that do not exist
    const nine = slots.find((s) => hm(tz, s.start) === '09:00');
    expect(nine && toOffsetIso(nine.start, tz)).toBe('2026-03-08T09:00:00-04:00');
    expect(toOffsetIso((slots[0] as { start: number }).start, tz)).toBe('2026-03-08T00:00:00-05:00');
  });

  it('measures durations in real minutes across the gap', () => {
    const q = query(tz, date, {
      barbers: [barber('a', { weeklyHours: { sun: [['01:00', '04:00']] }, services: { cut: timing(120) } })],
    });
    // 01:00 EST → 04:00 EDT is only two real hours: exactly one 120-minute booking fits.
    const slots = computeSlots(q);
    expect(slots.map((s) => [toOffsetIso(s.start, tz), toOffsetIso(s.end, tz)])).toEqual([
      ['2026-03-08T01:00:00-05:00', '2026-03-08T04:00:00-04:00'],
    ]);
    // A 60-minute booking at 01:30 ends at 03:30 on the wall clock.
    const hour = computeSlots({ ...q, barbers: [barber('a', { services: { cut: timing(60) } })] });
    const s0130 = hour.find((s) => hm(tz, s.start) === '01:30');
    expect(s0130 && toOffsetIso(s0130.end, tz)).toBe('2026-03-08T03:30:00-04:00');
  });

  it("maps a window edge inside the gap forward ('compatible'): 02:30 opens at 03:30 EDT", () => {
    const q = query(tz, date, { barbers: [barber('a', { weeklyHours: { sun: [['02:30', '05:00']] } })] });
    expect(starts(tz, q)).toEqual(['03:30', '04:00', '04:30']);
  });
});

describe('DST: America/New_York fall back (2026-11-01, 02:00 → 01:00)', () => {
  const tz = 'America/New_York';
  it('offers 01:00 and 01:30 twice, first at −04:00 then at −05:00, in time order', () => {
    const q = query(tz, '2026-11-01', {
      barbers: [barber('a', { weeklyHours: { sun: [['00:00', '03:00']] } })],
    });
    const slots = computeSlots(q);
    expect(slots.map((s) => toOffsetIso(s.start, tz))).toEqual([
      '2026-11-01T00:00:00-04:00',
      '2026-11-01T00:30:00-04:00',
      '2026-11-01T01:00:00-04:00',
      '2026-11-01T01:30:00-04:00',
      '2026-11-01T01:00:00-05:00',
      '2026-11-01T01:30:00-05:00',
      '2026-11-01T02:00:00-05:00',
      '2026-11-01T02:30:00-05:00',
    ]);
    expect(slots[3]?.end).toBe(atWith(tz, '2026-11-01', '01:00', 'later'));
    for (let i = 1; i < slots.length; i++) expect(slots[i]!.start - slots[i - 1]!.start).toBe(min(30));
  });
});

describe('odd offsets: grid aligned to local wall time', () => {
  it('Asia/Kolkata (+05:30) with a 45-minute interval', () => {
    const tz = 'Asia/Kolkata';
    const q = query(tz, '2026-01-15', {
      policy: policy({ slotIntervalMinutes: 45 }),
      barbers: [barber('a', { weeklyHours: ALL_WEEK([['09:00', '12:00']]) })],
    });
    expect(computeSlots(q).map((s) => toOffsetIso(s.start, tz))).toEqual([
      '2026-01-15T09:00:00+05:30',
      '2026-01-15T09:45:00+05:30',
      '2026-01-15T10:30:00+05:30',
      '2026-01-15T11:15:00+05:30',
    ]);
    expect(computeSlots(q)[0]?.start).toBe(Date.UTC(2026, 0, 15, 3, 30));
  });

  it('Asia/Kathmandu (+05:45) with an hourly interval', () => {
    const tz = 'Asia/Kathmandu';
    const q = query(tz, '2026-01-15', {
      policy: policy({ slotIntervalMinutes: 60 }),
      barbers: [barber('a', { weeklyHours: ALL_WEEK([['10:00', '13:00']]) })],
    });
    const slots = computeSlots(q);
    expect(slots.map((s) => toOffsetIso(s.start, tz))).toEqual([
      '2026-01-15T10:00:00+05:45',
      '2026-01-15T11:00:00+05:45',
      '2026-01-15T12:00:00+05:45',
    ]);
    expect(slots.map((s) => new Date(s.start).toISOString())).toEqual([
      '2026-01-15T04:15:00.000Z',
      '2026-01-15T05:15:00.000Z',
      '2026-01-15T06:15:00.000Z',
    ]);
  });
});

describe('DST: Australia/Lord_Howe half-hour shifts', () => {
  const tz = 'Australia/Lord_Howe';
  it('spring forward 2026-10-04 02:00 → 02:30: 02:00 and 02:15 do not exist', () => {
    const q = query(tz, '2026-10-04', {
      policy: policy({ slotIntervalMinutes: 15 }),
      barbers: [barber('a', { weeklyHours: { sun: [['01:00', '03:00']] }, services: { cut: timing(15) } })],
    });
    const slots = computeSlots(q);
    expect(slots.map((s) => toOffsetIso(s.start, tz))).toEqual([
      '2026-10-04T01:00:00+10:30',
      '2026-10-04T01:15:00+10:30',
      '2026-10-04T01:30:00+10:30',
      '2026-10-04T01:45:00+10:30',
      '2026-10-04T02:30:00+11:00',
      '2026-10-04T02:45:00+11:00',
    ]);
    // 15 real minutes after 01:45 (+10:30) the clock reads 02:30 (+11:00).
    expect(toOffsetIso(slots[3]!.end, tz)).toBe('2026-10-04T02:30:00+11:00');
  });

  it('fall back 2026-04-05 02:00 → 01:30: 01:30 and 01:45 happen twice', () => {
    const q = query(tz, '2026-04-05', {
      policy: policy({ slotIntervalMinutes: 15 }),
      barbers: [barber('a', { weeklyHours: { sun: [['01:00', '02:30']] }, services: { cut: timing(15) } })],
    });
    expect(computeSlots(q).map((s) => toOffsetIso(s.start, tz))).toEqual([
      '2026-04-05T01:00:00+11:00',
      '2026-04-05T01:15:00+11:00',
      '2026-04-05T01:30:00+11:00',
      '2026-04-05T01:45:00+11:00',
      '2026-04-05T01:30:00+10:30',
      '2026-04-05T01:45:00+10:30',
      '2026-04-05T02:00:00+10:30',
      '2026-04-05T02:15:00+10:30',
    ]);
  });
});

describe('hours that cross UTC midnight', () => {
  it('America/Los_Angeles 14:00–22:00 stays on the local date', () => {
    const tz = 'America/Los_Angeles';
    const hours: WeeklyHours = { wed: [['14:00', '22:00']] };
    const q = query(tz, '2026-06-10', {
      policy: policy({ slotIntervalMinutes: 60 }),
      openingHours: hours,
      barbers: [barber('a', { weeklyHours: hours, services: { cut: timing(60) } })],
    });
    const slots = computeSlots(q);
    expect(slots.map((s) => hm(tz, s.start))).toEqual([
      '14:00',
      '15:00',
      '16:00',
      '17:00',
      '18:00',
      '19:00',
      '20:00',
      '21:00',
    ]);
    expect(toOffsetIso(slots[7]!.start, tz)).toBe('2026-06-10T21:00:00-07:00');
    expect(new Date(slots[7]!.end).toISOString()).toBe('2026-06-11T05:00:00.000Z');
    // Thursday 2026-06-11 (UTC date of the evening slots) has no hours of its own.
    expect(computeSlots({ ...q, from: '2026-06-11', to: '2026-06-11' })).toEqual([]);
  });

  it('Pacific/Auckland morning hours fall on the previous UTC date', () => {
    const tz = 'Pacific/Auckland';
    const q = query(tz, '2026-06-10', {
      policy: policy({ slotIntervalMinutes: 60 }),
      openingHours: { wed: [['07:00', '11:00']] },
      barbers: [barber('a', { services: { cut: timing(60) } })],
    });
    const slots = computeSlots(q);
    expect(slots.map((s) => toOffsetIso(s.start, tz))).toEqual([
      '2026-06-10T07:00:00+12:00',
      '2026-06-10T08:00:00+12:00',
      '2026-06-10T09:00:00+12:00',
      '2026-06-10T10:00:00+12:00',
    ]);
    expect(new Date(slots[0]!.start).toISOString()).toBe('2026-06-09T19:00:00.000Z');
    expect(computeSlots({ ...q, from: '2026-06-09', to: '2026-06-09' })).toEqual([]);
  });
});

describe('working time', () => {
  const tz = 'Europe/London';
  const date = '2026-06-10'; // a Wednesday

  it('several windows a day with a break', () => {
    const q = query(tz, date, {
      barbers: [
        barber('a', {
          weeklyHours: {
            wed: [
              ['09:00', '12:00'],
              ['13:00', '17:00'],
            ],
          },
          services: { cut: timing(60) },
        }),
      ],
    });
    expect(starts(tz, q)).toEqual([
      '09:00',
      '09:30',
      '10:00',
      '10:30',
      '11:00',
      '13:00',
      '13:30',
      '14:00',
      '14:30',
      '15:00',
      '15:30',
      '16:00',
    ]);
  });

  it('time off removes the slots it overlaps', () => {
    const q = query(tz, date, {
      barbers: [
        barber('a', {
          weeklyHours: { wed: [['09:00', '12:00']] },
          timeOff: [{ start: at(tz, date, '10:00'), end: at(tz, date, '11:00') }],
        }),
      ],
    });
    expect(starts(tz, q)).toEqual(['09:00', '09:30', '11:00', '11:30']);
  });

  it('a barber date override replaces weekly hours: day off, and special hours', () => {
    const weekly = ALL_WEEK([['09:00', '17:00']]);
    const q = query(tz, '2026-06-10', {
      to: '2026-06-11',
      barbers: [
        barber('a', {
          weeklyHours: weekly,
          dateOverrides: [
            { date: '2026-06-10', windows: [] },
            { date: '2026-06-11', windows: [['12:00', '14:00']] },
          ],
        }),
      ],
    });
    const slots = computeSlots(q);
    expect(slots.map((s) => iso(tz, s.start).slice(0, 16))).toEqual([
      '2026-06-11T12:00',
      '2026-06-11T12:30',
      '2026-06-11T13:00',
      '2026-06-11T13:30',
    ]);
    // Without the overrides both days have 16 slots.
    expect(computeSlots({ ...q, barbers: [barber('a', { weeklyHours: weekly })] })).toHaveLength(32);
  });

  it('location opening hours narrow barber hours; a location override closes the shop', () => {
    const q = query(tz, date, {
      openingHours: { wed: [['10:00', '12:00']] },
      barbers: [barber('a', { weeklyHours: { wed: [['08:00', '20:00']] } })],
    });
    expect(starts(tz, q)).toEqual(['10:00', '10:30', '11:00', '11:30']);
    expect(computeSlots({ ...q, locationOverrides: [{ date, windows: [] }] })).toEqual([]);
    // A location override can also open on a day the weekly opening hours are closed.
    const thu = { ...q, from: '2026-06-11', to: '2026-06-11' };
    const thuBarber = [barber('a', { weeklyHours: { thu: [['08:00', '20:00']] } })];
    expect(computeSlots({ ...thu, barbers: thuBarber })).toEqual([]);
    expect(
      starts(tz, {
        ...thu,
        barbers: thuBarber,
        locationOverrides: [{ date: '2026-06-11', windows: [['18:00', '19:00']] }],
      }),
    ).toEqual(['18:00', '18:30']);
  });

  it('ignores windows whose start is not before their end', () => {
    const q = query(tz, date, {
      barbers: [
        barber('a', {
          weeklyHours: {
            wed: [
              ['22:00', '02:00'],
              ['10:00', '10:00'],
              ['09:00', '10:00'],
            ],
          },
        }),
      ],
    });
    expect(starts(tz, q)).toEqual(['09:00', '09:30']);
  });

  it('"24:00" ends at the next local midnight, and touching windows of two days join', () => {
    const q = query(tz, date, {
      to: '2026-06-11',
      barbers: [
        barber('a', {
          weeklyHours: { wed: [['22:00', '24:00']], thu: [['00:00', '01:00']] },
          services: { cut: timing(150) },
        }),
      ],
    });
    // 150 minutes fit from 22:00 and 22:30 (ending 01:00 Thursday), not later.
    expect(computeSlots(q).map((s) => iso(tz, s.start).slice(0, 16))).toEqual([
      '2026-06-10T22:00',
      '2026-06-10T22:30',
    ]);
  });
});

describe('buffers', () => {
  const tz = 'Europe/London';
  const date = '2026-06-10';
  const busy: Interval[] = [{ start: at(tz, date, '10:00'), end: at(tz, date, '11:00') }];

  it('block slots whose buffered range touches a busy range', () => {
    const withBuffers = query(tz, date, {
      barbers: [
        barber('a', {
          weeklyHours: { wed: [['09:00', '12:30']] },
          busy,
          services: { cut: timing(30, 15, 15) },
        }),
      ],
    });
    expect(starts(tz, withBuffers)).toEqual(['09:00', '11:30', '12:00']);
    const without = query(tz, date, {
      barbers: [
        barber('a', { weeklyHours: { wed: [['09:00', '12:30']] }, busy, services: { cut: timing(30) } }),
      ],
    });
    expect(starts(tz, without)).toEqual(['09:00', '09:30', '11:00', '11:30', '12:00']);
  });

  it('may fall outside working hours (only service time must be inside)', () => {
    const q = query(tz, date, {
      barbers: [
        barber('a', { weeklyHours: { wed: [['09:00', '10:00']] }, services: { cut: timing(60, 30, 30) } }),
      ],
    });
    expect(starts(tz, q)).toEqual(['09:00']);
    // …but still may not overlap time off outside working hours.
    const off = [{ start: at(tz, date, '08:40'), end: at(tz, date, '08:45') }];
    expect(computeSlots({ ...q, barbers: [barber('a', { ...q.barbers[0], timeOff: off })] })).toEqual([]);
  });
});

describe('services and barbers', () => {
  const tz = 'Europe/London';
  const date = '2026-06-10';
  const services = { cut: timing(30, 5, 10), beard: timing(15, 20, 0) };

  it('bookingTiming sums durations, takes the first buffer before and the last buffer after', () => {
    expect(bookingTiming({ services }, ['cut', 'beard'])).toEqual(timing(45, 5, 0));
    expect(bookingTiming({ services }, ['beard', 'cut'])).toEqual(timing(45, 20, 10));
    expect(bookingTiming({ services }, ['cut', 'cut'])).toEqual(timing(60, 5, 10));
    expect(bookingTiming({ services }, ['cut', 'shave'])).toBeNull();
    expect(bookingTiming({ services }, [])).toBeNull();
    expect(bookingTiming({ services }, ['toString'])).toBeNull();
    expect(() => bookingTiming({ services: { x: timing(-5) } }, ['x'])).toThrow(RangeError);
  });

  it('merges barbers ("any barber"): sorted ids, latest end, per-barber duration override', () => {
    const hours: WeeklyHours = { wed: [['09:00', '10:00']] };
    const q = query(tz, date, {
      policy: policy({ slotIntervalMinutes: 15 }),
      serviceIds: ['cut', 'beard'],
      barbers: [
        barber('zed', { weeklyHours: hours, services: { ...services, cut: timing(45, 5, 10) } }), // 60 min
        barber('amy', { weeklyHours: hours, services }), // 45 min
        barber('cut-only', { weeklyHours: hours, services: { cut: timing(30) } }), // ineligible
      ],
    });
    expect(computeSlots(q)).toEqual([
      { start: at(tz, date, '09:00'), end: at(tz, date, '10:00'), barberIds: ['amy', 'zed'] },
      { start: at(tz, date, '09:15'), end: at(tz, date, '10:00'), barberIds: ['amy'] },
    ]);
    expect(computeSlots({ ...q, barbers: [q.barbers[2]!] })).toEqual([]);
    // A zero-length booking is not offered.
    const zero = barber('zero', { weeklyHours: hours, services: { cut: timing(0), beard: timing(0) } });
    expect(computeSlots({ ...q, barbers: [zero] })).toEqual([]);
    expect(computeSlots({ ...q, serviceIds: [] })).toEqual([]);
  });

  it('lists a barber only where that barber is free', () => {
    const q = query(tz, date, {
      barbers: [
        barber('b', {
          weeklyHours: { wed: [['09:00', '10:00']] },
          busy: [{ start: at(tz, date, '09:00'), end: at(tz, date, '09:30') }],
        }),
        barber('a', { weeklyHours: { wed: [['09:00', '10:00']] } }),
      ],
    });
    expect(computeSlots(q).map((s) => [hm(tz, s.start), s.barberIds])).toEqual([
      ['09:00', ['a']],
      ['09:30', ['a', 'b']],
    ]);
  });
});

describe('lead time and horizon', () => {
  const tz = 'Pacific/Auckland';
  const date = '2026-06-10';
  const hours = ALL_WEEK([['09:00', '12:00']]);

  it('slots start at or after now + lead time, and strictly after now', () => {
    const base = query(tz, date, { barbers: [barber('a', { weeklyHours: hours })] });
    expect(
      starts(tz, { ...base, now: at(tz, date, '09:10'), policy: policy({ leadTimeMinutes: 60 }) }),
    ).toEqual(['10:30', '11:00', '11:30']);
    expect(
      starts(tz, { ...base, now: at(tz, date, '09:00'), policy: policy({ leadTimeMinutes: 60 }) }),
    ).toEqual(['10:00', '10:30', '11:00', '11:30']);
    expect(
      starts(tz, { ...base, now: at(tz, date, '09:00'), policy: policy({ leadTimeMinutes: 0 }) }),
    ).toEqual(['09:30', '10:00', '10:30', '11:00', '11:30']);
  });

  it('the horizon counts local dates from the local today; earlier dates yield nothing', () => {
    // 01:00 on 2026-06-10 in Auckland is still 2026-06-09 in UTC.
    const now = at(tz, date, '01:00');
    const q = query(tz, '2026-06-01', {
      to: '2026-06-30',
      now,
      barbers: [barber('a', { weeklyHours: hours })],
    });
    const dates = (p: AvailabilityQuery['policy']) => [
      ...new Set(computeSlots({ ...q, policy: p }).map((s) => iso(tz, s.start).slice(0, 10))),
    ];
    expect(dates(policy({ horizonDays: 0 }))).toEqual(['2026-06-10']);
    expect(dates(policy({ horizonDays: 2 }))).toEqual(['2026-06-10', '2026-06-11', '2026-06-12']);
  });
});

describe('findSlot and input errors', () => {
  const tz = 'Europe/London';
  const date = '2026-06-10';
  const q = query(tz, '2020-01-01', {
    barbers: [
      barber('a', {
        weeklyHours: { wed: [['09:00', '10:00']] },
        busy: [{ start: at(tz, date, '09:30'), end: at(tz, date, '10:00') }],
      }),
    ],
  });

  it('findSlot re-validates one start on its own local date, ignoring from/to', () => {
    expect(findSlot(q, at(tz, date, '09:00'))).toEqual({
      start: at(tz, date, '09:00'),
      end: at(tz, date, '09:30'),
      barberIds: ['a'],
    });
    expect(findSlot(q, at(tz, date, '09:30'))).toBeNull(); // busy
    expect(findSlot(q, at(tz, date, '09:10'))).toBeNull(); // off the grid
  });

  it('throws RangeError on invalid input', () => {
    expect(() => computeSlots({ ...q, timeZone: 'Mars/Olympus' })).toThrow(RangeError);
    expect(() => computeSlots({ ...q, timeZone: '+05:30' })).toThrow(RangeError);
    expect(() => computeSlots({ ...q, from: '2026-02-30' })).toThrow(RangeError);
    expect(() => computeSlots({ ...q, policy: policy({ slotIntervalMinutes: 0 }) })).toThrow(RangeError);
    expect(() => computeSlots({ ...q, policy: policy({ slotIntervalMinutes: 7.5 }) })).toThrow(RangeError);
    expect(() => computeSlots({ ...q, policy: policy({ horizonDays: -1 }) })).toThrow(RangeError);
    expect(() => computeSlots({ ...q, now: Number.NaN })).toThrow(RangeError);
    expect(() =>
      computeSlots({ ...q, to: date, barbers: [barber('a', { weeklyHours: { wed: [['9:00', '10:00']] } })] }),
    ).toThrow(RangeError);
  });

  it('returns nothing when from is after to', () => {
    expect(computeSlots({ ...q, from: '2026-06-11', to: '2026-06-10' })).toEqual([]);
  });
});
