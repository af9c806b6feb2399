/**
 * A tiny algebra over sets of half-open ranges [start, end) of epoch milliseconds (`Interval`),
 * the building block of availability (DOMAIN.md, "Availability": free time = working time − time
 * off − busy). Modelled on Cal.com's date-ranges, without any clock or env access.
 *
 * A *normalized* set is sorted by start, has no empty ranges (start < end), and no two ranges that
 * overlap or touch (touching ranges [a, b) and [b, c) are merged into [a, c)). Every function
 * accepts any array of intervals (unsorted, overlapping, empty or NaN ranges allowed: empty and
 * NaN ranges are dropped) and returns a new normalized array; inputs are never mutated.
 */
import type { Interval } from './types.ts';

function isNormalized(xs: readonly Interval[]): boolean {
  let prevEnd = -Infinity;
  for (const x of xs) {
    if (!(x.start < x.end) || !(x.start > prevEnd)) return false;
    prevEnd = x.end;
  }
  return true;
}

/**
 * Sort, drop empty ranges, and merge overlapping or touching ranges.
 * @returns a new normalized array (fresh objects; O(n log n), O(n) if already normalized).
 */
export function normalize(intervals: readonly Interval[]): Interval[] {
  if (isNormalized(intervals)) return intervals.map((x) => ({ start: x.start, end: x.end }));
  const xs = intervals.filter((x) => x.start < x.end).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Interval[] = [];
  for (const x of xs) {
    const last = out[out.length - 1];
    if (last && x.start <= last.end) {
      if (x.end > last.end) last.end = x.end;
    } else {
      out.push({ start: x.start, end: x.end });
    }
  }
  return out;
}

/** Set union of two sets of ranges. @returns normalized. */
export function union(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  return normalize([...a, ...b]);
}

/** Set intersection: the instants in both `a` and `b`. @returns normalized. O(n log n + m log m). */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const xs = normalize(a);
  const ys = normalize(b);
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < xs.length && j < ys.length) {
    const x = xs[i] as Interval;
    const y = ys[j] as Interval;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (start < end) out.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return out;
}

/** Set difference: the instants of `a` not in `b` (e.g. working time − busy). @returns normalized. */
export function subtract(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const xs = normalize(a);
  const ys = normalize(b);
  const out: Interval[] = [];
  let j = 0;
  for (const x of xs) {
    let cur = x.start;
    while (j < ys.length && (ys[j] as Interval).end <= cur) j++;
    let k = j;
    while (k < ys.length && (ys[k] as Interval).start < x.end) {
      const y = ys[k] as Interval;
      if (y.start > cur) out.push({ start: cur, end: y.start });
      cur = Math.max(cur, y.end);
      k++;
    }
    if (cur < x.end) out.push({ start: cur, end: x.end });
  }
  return out;
}

/**
 * Whether the range [start, end) overlaps any range of `set` (shares at least one instant).
 * An empty range overlaps nothing. `set` need not be normalized. O(n).
 */
export function overlapsAny(set: readonly Interval[], range: Interval): boolean {
  if (!(range.start < range.end)) return false;
  return set.some((x) => x.start < x.end && x.start < range.end && range.start < x.end);
}

/**
 * Whether every instant of [start, end) belongs to `set` (an empty range is always covered).
 * Touching ranges in `set` count as one, so [9:00, 11:00) is covered by [9, 10) ∪ [10, 12). O(n log n).
 */
export function covers(set: readonly Interval[], range: Interval): boolean {
  if (!(range.start < range.end)) return true;
  return normalize(set).some((x) => x.start <= range.start && range.end <= x.end);
}

/** Total length in ms of the instants in the set (overlaps counted once). */
export function totalLength(set: readonly Interval[]): number {
  return normalize(set).reduce((sum, x) => sum + (x.end - x.start), 0);
}
