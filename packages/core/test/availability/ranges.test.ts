/** The range algebra, checked by hand and against a brute-force model over small integers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  covers,
  intersect,
  normalize,
  overlapsAny,
  subtract,
  totalLength,
  union,
} from '../../src/availability/ranges.ts';
import type { Interval } from '../../src/availability/types.ts';

const iv = (start: number, end: number): Interval => ({ start, end });

describe('ranges by example', () => {
  it('normalize sorts, drops empty ranges and merges overlapping or touching ones', () => {
    expect(
      normalize([iv(5, 7), iv(1, 3), iv(3, 4), iv(6, 9), iv(10, 10), iv(12, 11), iv(Number.NaN, 3)]),
    ).toEqual([iv(1, 4), iv(5, 9)]);
    const input = [iv(1, 2)];
    const out = normalize(input);
    out[0]!.end = 99;
    expect(input[0]!.end).toBe(2); // never aliases the input
  });

  it('intersect, subtract, union', () => {
    const work = [iv(9, 12), iv(13, 17)];
    expect(intersect(work, [iv(10, 14)])).toEqual([iv(10, 12), iv(13, 14)]);
    expect(subtract(work, [iv(10, 11), iv(11, 13.5), iv(16, 20)])).toEqual([iv(9, 10), iv(13.5, 16)]);
    expect(subtract(work, [])).toEqual(work);
    expect(subtract([], work)).toEqual([]);
    expect(union(work, [iv(12, 13)])).toEqual([iv(9, 17)]);
  });

  it('overlapsAny and covers treat ranges as half-open', () => {
    expect(overlapsAny([iv(10, 11)], iv(11, 12))).toBe(false);
    expect(overlapsAny([iv(10, 11)], iv(9, 10))).toBe(false);
    expect(overlapsAny([iv(10, 11)], iv(10.5, 10.6))).toBe(true);
    expect(overlapsAny([iv(10, 11)], iv(10.5, 10.5))).toBe(false);
    expect(covers([iv(9, 10), iv(10, 12)], iv(9, 11))).toBe(true);
    expect(covers([iv(9, 10), iv(10.5, 12)], iv(9, 11))).toBe(false);
    expect(covers([iv(9, 12)], iv(11, 12))).toBe(true);
    expect(covers([iv(9, 12)], iv(11, 12.5))).toBe(false);
    expect(totalLength([iv(0, 5), iv(3, 8), iv(10, 11)])).toBe(9);
  });
});

describe('ranges against a brute-force model', () => {
  const N = 40;
  const arbSet = fc.array(
    fc.tuple(fc.integer({ min: 0, max: N }), fc.integer({ min: 0, max: N })).map(([a, b]) => iv(a, b)),
    { maxLength: 6 },
  );
  /** The set of unit cells [k, k+1) covered. */
  const cells = (xs: readonly Interval[]): boolean[] =>
    Array.from({ length: N }, (_, k) => xs.some((x) => x.start <= k && k + 1 <= x.end));
  const isNormalized = (xs: readonly Interval[]) =>
    xs.every((x, i) => x.start < x.end && (i === 0 || xs[i - 1]!.end < x.start));

  it('every operation returns a normalized set with the right members', () => {
    fc.assert(
      fc.property(arbSet, arbSet, (a, b) => {
        const ca = cells(a);
        const cb = cells(b);
        const checks: [Interval[], (k: number) => boolean][] = [
          [normalize(a), (k) => ca[k]!],
          [union(a, b), (k) => ca[k]! || cb[k]!],
          [intersect(a, b), (k) => ca[k]! && cb[k]!],
          [subtract(a, b), (k) => ca[k]! && !cb[k]!],
        ];
        for (const [result, member] of checks) {
          expect(isNormalized(result)).toBe(true);
          expect(cells(result)).toEqual(Array.from({ length: N }, (_, k) => member(k)));
        }
        expect(totalLength(a)).toBe(ca.filter(Boolean).length);
      }),
      { numRuns: 500 },
    );
  });

  it('overlapsAny and covers agree with the model', () => {
    fc.assert(
      fc.property(arbSet, fc.integer({ min: 0, max: N }), fc.integer({ min: 0, max: N }), (a, s, e) => {
        const ca = cells(a);
        const range = iv(s, e);
        const inRange = Array.from({ length: N }, (_, k) => k >= s && k < e);
        expect(overlapsAny(a, range)).toBe(inRange.some((r, k) => r && ca[k]));
        expect(covers(a, range)).toBe(inRange.every((r, k) => !r || ca[k]));
      }),
      { numRuns: 500 },
    );
  });
});
