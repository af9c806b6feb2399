/** Tests for the time-zone helpers (time/zoned.ts) and pure calendar math (time/civil.ts). */
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { dateOfEpochDay, epochDayOf, parseWallTime, tryEpochDayOf } from '../../src/time/civil.ts';
import {
  addDays,
  daysBetween,
  isValidDate,
  isValidTimeZone,
  localDateOf,
  localMinutesOf,
  parseInstant,
  toOffsetIso,
  weekdayOf,
} from '../../src/time/zoned.ts';

describe('toOffsetIso', () => {
  it('writes the zone offset at that instant, seconds precision, no zone name', () => {
    expect(toOffsetIso(Date.UTC(2026, 2, 8, 7, 0), 'America/New_York')).toBe('2026-03-08T03:00:00-04:00');
    expect(toOffsetIso(Date.UTC(2026, 2, 8, 6, 59, 59, 999), 'America/New_York')).toBe(
      '2026-03-08T01:59:59-05:00',
    );
    expect(toOffsetIso(Date.UTC(2026, 0, 15, 4, 15), 'Asia/Kathmandu')).toBe('2026-01-15T10:00:00+05:45');
    expect(toOffsetIso(Date.UTC(2026, 0, 15, 3, 30), 'Asia/Kolkata')).toBe('2026-01-15T09:00:00+05:30');
    expect(toOffsetIso(Date.UTC(2026, 0, 15, 12, 0, 0, 500), 'UTC')).toBe('2026-01-15T12:00:00+00:00');
    expect(toOffsetIso(Date.UTC(2026, 0, 15, 12), 'America/St_Johns')).toBe('2026-01-15T08:30:00-03:30');
    expect(toOffsetIso(Date.UTC(2026, 0, 15, 12), 'Pacific/Chatham')).toBe('2026-01-16T01:45:00+13:45');
  });

  it('round-trips through parseInstant (to the second)', () => {
    const zones = ['UTC', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.constantFrom(...zones),
        (ms, tz) => {
          expect(parseInstant(toOffsetIso(ms, tz))).toBe(Math.floor(ms / 1000) * 1000);
        },
      ),
    );
  });

  it('throws RangeError for an unknown zone', () => {
    expect(() => toOffsetIso(0, 'Nowhere/Land')).toThrow(RangeError);
  });
});

describe('localDateOf and localMinutesOf', () => {
  it('read the local calendar date and wall minutes', () => {
    // 2026-06-11T05:00Z is 22:00 on 06-10 in Los Angeles and 17:00 on 06-11 in Auckland.
    const t = Date.UTC(2026, 5, 11, 5, 0);
    expect(localDateOf(t, 'America/Los_Angeles')).toBe('2026-06-10');
    expect(localMinutesOf(t, 'America/Los_Angeles')).toBe(22 * 60);
    expect(localDateOf(t, 'Pacific/Auckland')).toBe('2026-06-11');
    expect(localMinutesOf(t, 'Pacific/Auckland')).toBe(17 * 60);
    expect(localMinutesOf(Date.UTC(2026, 0, 1, 0, 0), 'Asia/Kathmandu')).toBe(5 * 60 + 45);
  });

  it('localMinutesOf is the wall reading, not elapsed time, on a DST day', () => {
    // 03:00 EDT on 2026-03-08: only 120 real minutes after midnight, but the wall says 180.
    expect(localMinutesOf(Date.UTC(2026, 2, 8, 7, 0), 'America/New_York')).toBe(180);
  });
});

describe('parseInstant', () => {
  it('accepts ISO 8601 with an offset or Z', () => {
    expect(parseInstant('2026-03-08T03:00:00-04:00')).toBe(Date.UTC(2026, 2, 8, 7));
    expect(parseInstant('2026-03-08T07:00Z')).toBe(Date.UTC(2026, 2, 8, 7));
    expect(parseInstant('2026-03-08t07:00:00z')).toBe(Date.UTC(2026, 2, 8, 7));
    expect(parseInstant('2026-01-15T10:00:00.250+05:45')).toBe(Date.UTC(2026, 0, 15, 4, 15, 0, 250));
    expect(parseInstant('2026-01-15T10:00:00+0545')).toBe(Date.UTC(2026, 0, 15, 4, 15));
  });

  it('returns null for anything else', () => {
    for (const bad of [
      '2026-03-08T03:00:00',
      '2026-03-08',
      '2026-03-08T03:00:00+05:45[Asia/Kathmandu]',
      '2026-02-30T10:00:00Z',
      '2026-03-08T25:00:00Z',
      'tomorrow',
      '',
      ' 2026-03-08T03:00:00Z',
    ]) {
      expect(parseInstant(bad), bad).toBeNull();
    }
    expect(parseInstant(12 as unknown as string)).toBeNull();
  });
});

describe('isValidTimeZone and isValidDate', () => {
  it('accepts IANA zones only', () => {
    for (const tz of [
      'UTC',
      'America/New_York',
      'Asia/Kathmandu',
      'Australia/Lord_Howe',
      'Pacific/Chatham',
    ]) {
      expect(isValidTimeZone(tz), tz).toBe(true);
    }
    for (const tz of ['', 'Mars/Olympus', '+05:30', '-03:00', 'EST5EDTX'])
      expect(isValidTimeZone(tz), tz).toBe(false);
  });

  it('accepts exactly YYYY-MM-DD naming a real day', () => {
    expect(isValidDate('2026-03-08')).toBe(true);
    expect(isValidDate('2028-02-29')).toBe(true);
    expect(isValidDate('2000-02-29')).toBe(true);
    for (const d of [
      '2026-02-29',
      '1900-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-04-31',
      '2026-1-05',
      '2026-03-08T00:00',
      '',
    ]) {
      expect(isValidDate(d), d).toBe(false);
    }
  });
});

describe('weekdayOf, addDays, daysBetween', () => {
  it('weekdayOf names the ISO weekday', () => {
    expect(weekdayOf('2026-03-08')).toBe('sun');
    expect(weekdayOf('2026-06-10')).toBe('wed');
    expect(weekdayOf('1970-01-01')).toBe('thu');
    expect(weekdayOf('1969-12-29')).toBe('mon');
    expect(() => weekdayOf('2026-02-30')).toThrow(RangeError);
  });

  it('addDays crosses months, years and leap days', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(() => addDays('2026-03-01', 0.5)).toThrow(RangeError);
    expect(() => addDays('nope', 1)).toThrow(RangeError);
  });

  it('daysBetween is the signed difference to − from', () => {
    expect(daysBetween('2026-03-08', '2026-03-08')).toBe(0);
    expect(daysBetween('2026-03-08', '2026-03-09')).toBe(1);
    expect(daysBetween('2026-03-09', '2026-03-08')).toBe(-1);
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
  });

  it('agree with Temporal.PlainDate for any date', () => {
    const plainDate = fc
      .integer({ min: -200_000, max: 2_900_000 })
      .map((n) => Temporal.PlainDate.from('1970-01-01').add({ days: n }));
    fc.assert(
      fc.property(plainDate, fc.integer({ min: -1000, max: 1000 }), (d, n) => {
        const s = d.toString();
        const t = d.add({ days: n });
        expect(addDays(s, n)).toBe(t.toString());
        expect(daysBetween(s, t.toString())).toBe(n);
        expect(weekdayOf(s)).toBe(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'][d.dayOfWeek - 1]);
        expect(dateOfEpochDay(epochDayOf(s))).toBe(s);
        expect(isValidDate(s)).toBe(true);
      }),
    );
  });
});

describe('civil helpers', () => {
  it('parseWallTime reads HH:MM and 24:00 only', () => {
    expect(parseWallTime('00:00')).toBe(0);
    expect(parseWallTime('09:05')).toBe(545);
    expect(parseWallTime('23:59')).toBe(1439);
    expect(parseWallTime('24:00')).toBe(1440);
    for (const bad of ['9:00', '24:30', '12:60', '25:00', '12:00:00', ''])
      expect(() => parseWallTime(bad), bad).toThrow(RangeError);
  });

  it('tryEpochDayOf counts days from 1970-01-01', () => {
    expect(tryEpochDayOf('1970-01-01')).toBe(0);
    expect(tryEpochDayOf('2026-03-08')).toBe(Date.UTC(2026, 2, 8) / 86_400_000);
    expect(tryEpochDayOf('1969-12-31')).toBe(-1);
    expect(tryEpochDayOf('2026-02-29')).toBeNull();
  });
});
