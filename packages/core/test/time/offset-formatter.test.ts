import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { offsetIsoFormatter, toOffsetIso } from '../../src/time/zoned.ts';

const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/London',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/St_Johns',
  'America/Sao_Paulo',
];
const FROM = Date.UTC(2026, 0, 1);
const TO = Date.UTC(2027, 11, 31);

describe('offsetIsoFormatter', () => {
  it('formats exactly like toOffsetIso for any instant and zone in its span', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: FROM, max: TO }), (zone, ms) => {
        expect(offsetIsoFormatter(zone, FROM, TO)(ms)).toBe(toOffsetIso(ms, zone));
      }),
      { numRuns: 2000 },
    );
  });

  it('is right on both sides of New York and Lord Howe DST changes', () => {
    const ny = offsetIsoFormatter('America/New_York', FROM, TO);
    expect(ny(Date.parse('2026-03-08T06:59:00Z'))).toBe('2026-03-08T01:59:00-05:00');
    expect(ny(Date.parse('2026-03-08T07:00:00Z'))).toBe('2026-03-08T03:00:00-04:00');
    expect(ny(Date.parse('2026-11-01T05:30:00Z'))).toBe('2026-11-01T01:30:00-04:00');
    expect(ny(Date.parse('2026-11-01T06:30:00Z'))).toBe('2026-11-01T01:30:00-05:00');
    const lh = offsetIsoFormatter('Australia/Lord_Howe', FROM, TO);
    expect(lh(Date.parse('2026-10-03T15:30:00Z'))).toBe('2026-10-04T02:30:00+11:00');
  });

  it('falls back to Temporal outside its span', () => {
    const f = offsetIsoFormatter('America/New_York', FROM, TO);
    const outside = Date.UTC(2030, 6, 1, 12);
    expect(f(outside)).toBe(toOffsetIso(outside, 'America/New_York'));
  });
});
