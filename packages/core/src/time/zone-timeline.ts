/**
 * A precomputed map between instants and local wall time for one IANA zone over a bounded span,
 * so hot loops (the availability engine, DOMAIN.md "Availability") do plain number arithmetic
 * instead of allocating Temporal objects per candidate. Built with a handful of Temporal calls:
 * the offset at the start of the span and every UTC-offset transition inside it.
 *
 * Wall times are "wall epochs" (see `civil.ts`): local date-time encoded as milliseconds since
 * 1970-01-01T00:00 wall time. Instants are epoch milliseconds.
 */
import { Temporal } from 'temporal-polyfill';

/** A stretch of real time [start, end) (epoch ms) during which the zone's UTC offset is constant. */
export interface OffsetSegment {
  start: number;
  end: number;
  /** UTC offset in milliseconds (local wall = instant + offsetMs), e.g. −14 400 000 for −04:00. */
  offsetMs: number;
}

/** Offset segments of one zone covering a span of instants; see {@link buildZoneTimeline}. */
export class ZoneTimeline {
  /**
   * @param timeZone the IANA zone id the segments describe.
   * @param segments contiguous, sorted offset segments. The first is treated as extending to −∞ and
   *   the last to +∞ when looking up instants outside the span (callers build a generous span).
   */
  constructor(
    readonly timeZone: string,
    readonly segments: readonly OffsetSegment[],
  ) {
    if (segments.length === 0) throw new RangeError('A zone timeline needs at least one segment');
  }

  /** UTC offset in ms at an instant (epoch ms). */
  offsetAt(instant: number): number {
    const segs = this.segments;
    for (let i = segs.length - 1; i > 0; i--) {
      const s = segs[i] as OffsetSegment;
      if (instant >= s.start) return s.offsetMs;
    }
    return (segs[0] as OffsetSegment).offsetMs;
  }

  /** Local wall epoch (ms) of an instant (epoch ms). */
  wallOf(instant: number): number {
    return instant + this.offsetAt(instant);
  }

  /**
   * Every instant at which the local clock reads `wall` (a wall epoch, ms), increasing.
   * Usually one; none inside a spring-forward gap; two inside a fall-back repeated hour.
   */
  instantsAt(wall: number): number[] {
    const out: number[] = [];
    const segs = this.segments;
    const last = segs.length - 1;
    for (let i = 0; i <= last; i++) {
      const s = segs[i] as OffsetSegment;
      const t = wall - s.offsetMs;
      if ((i === 0 || t >= s.start) && (i === last || t < s.end)) out.push(t);
    }
    return out;
  }

  /**
   * The instant for a wall epoch with Temporal's `'compatible'` disambiguation: the earlier instant
   * of a repeated wall time; for a wall time inside a gap, the instant that reading the clock with
   * the offset *before* the gap gives (i.e. pushed forward by the gap's length: 02:30 on a New York
   * spring-forward day → 03:30 −04:00).
   */
  instantAt(wall: number): number {
    const segs = this.segments;
    const last = segs.length - 1;
    for (let i = 0; i <= last; i++) {
      const s = segs[i] as OffsetSegment;
      const t = wall - s.offsetMs;
      if ((i === 0 || t >= s.start) && (i === last || t < s.end)) return t;
    }
    // In a gap: find the transition whose skipped wall range contains `wall`.
    for (let i = 0; i < last; i++) {
      const before = segs[i] as OffsetSegment;
      const after = segs[i + 1] as OffsetSegment;
      if (wall >= before.end + before.offsetMs && wall < after.start + after.offsetMs)
        return wall - before.offsetMs;
    }
    throw new Error(`Unreachable: wall time ${wall} maps to no instant in ${this.timeZone}`);
  }
}

/**
 * Build the offset segments of `timeZone` covering the instants [fromMs, toMs) (epoch ms).
 * Cost: one Temporal conversion plus one `getTimeZoneTransition` call per transition in the span.
 * @throws RangeError if the zone is unknown or the bounds are not integers with fromMs < toMs.
 */
export function buildZoneTimeline(timeZone: string, fromMs: number, toMs: number): ZoneTimeline {
  if (!Number.isInteger(fromMs) || !Number.isInteger(toMs) || !(fromMs < toMs)) {
    throw new RangeError(`Invalid timeline span [${fromMs}, ${toMs})`);
  }
  let zdt = Temporal.Instant.fromEpochMilliseconds(fromMs).toZonedDateTimeISO(timeZone);
  let offsetMs = zdt.offsetNanoseconds / 1e6;
  let start = fromMs;
  const segments: OffsetSegment[] = [];
  for (;;) {
    const next = zdt.getTimeZoneTransition('next');
    const at = next ? next.epochMilliseconds : Infinity;
    if (next === null || at >= toMs) {
      segments.push({ start, end: toMs, offsetMs });
      break;
    }
    segments.push({ start, end: at, offsetMs });
    start = at;
    offsetMs = next.offsetNanoseconds / 1e6;
    zdt = next;
  }
  return new ZoneTimeline(timeZone, segments);
}
