/** The engine's wall ↔ instant arithmetic must agree with Temporal in every zone, on every day. */
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { DAY_MS, MINUTE_MS } from '../../src/time/civil.ts';
import { buildZoneTimeline } from '../../src/time/zone-timeline.ts';

const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/London',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/St_Johns',
  'America/Santiago', // DST changes at midnight
  'Pacific/Apia', // skipped a whole day in 2011
] as const;

const FROM = Date.UTC(2010, 0, 1);
const TO = Date.UTC(2031, 0, 1);
const timelines = new Map(ZONES.map((tz) => [tz, buildZoneTimeline(tz, FROM, TO)]));

/** Wall epoch of a Temporal PlainDateTime. */
const wallOf = (p: Temporal.PlainDateTime): number => p.toZonedDateTime('UTC').epochMilliseconds;

describe('ZoneTimeline', () => {
  it('finds the New York transitions of 2026', () => {
    const tl = buildZoneTimeline('America/New_York', Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1));
    expect(tl.segments.map((s) => [new Date(s.start).toISOString(), s.offsetMs / 3_600_000])).toEqual([
      ['2026-01-01T00:00:00.000Z', -5],
      ['2026-03-08T07:00:00.000Z', -4],
      ['2026-11-01T06:00:00.000Z', -5],
    ]);
  });

  it('UTC has one segment', () => {
    expect(buildZoneTimeline('UTC', 0, DAY_MS).segments).toEqual([{ start: 0, end: DAY_MS, offsetMs: 0 }]);
  });

  it('rejects an empty span and unknown zones', () => {
    expect(() => buildZoneTimeline('UTC', 5, 5)).toThrow(RangeError);
    expect(() => buildZoneTimeline('Nowhere/Land', 0, DAY_MS)).toThrow(RangeError);
  });

  it('instantsAt and instantAt agree with Temporal (earlier/later/compatible), wallOf inverts them', () => {
    // Minutes near transitions are the interesting ones: bias towards them.
    const nearTransition = fc
      .tuple(fc.constantFrom(...ZONES), fc.integer({ min: 0, max: 40 }), fc.integer({ min: -180, max: 180 }))
      .map(([tz, k, delta]) => {
        const tl = timelines.get(tz)!;
        const seg = tl.segments[k % tl.segments.length]!;
        return { tz, wall: seg.start + seg.offsetMs + delta * MINUTE_MS };
      });
    const anywhere = fc
      .tuple(
        fc.constantFrom(...ZONES),
        fc.integer({ min: FROM / MINUTE_MS + 2880, max: TO / MINUTE_MS - 2880 }),
      )
      .map(([tz, m]) => ({ tz, wall: m * MINUTE_MS }));
    fc.assert(
      fc.property(fc.oneof(nearTransition, anywhere), ({ tz, wall }) => {
        const tl = timelines.get(tz)!;
        const pdt = Temporal.Instant.fromEpochMilliseconds(wall).toZonedDateTimeISO('UTC').toPlainDateTime();
        const earlier = pdt.toZonedDateTime(tz, { disambiguation: 'earlier' });
        const later = pdt.toZonedDateTime(tz, { disambiguation: 'later' });
        const exact = [earlier, later]
          .filter((z) => z.toPlainDateTime().equals(pdt))
          .map((z) => z.epochMilliseconds);
        expect(tl.instantsAt(wall)).toEqual([...new Set(exact)]);
        expect(tl.instantAt(wall)).toBe(
          pdt.toZonedDateTime(tz, { disambiguation: 'compatible' }).epochMilliseconds,
        );
        for (const t of tl.instantsAt(wall)) expect(tl.wallOf(t)).toBe(wallOf(pdt));
      }),
      { numRuns: 2000 },
    );
  });
});
