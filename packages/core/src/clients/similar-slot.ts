/**
 * "Book again" (issue 3): the nearest free time at a similar weekday and hour.
 *
 * Rule: among the free slot starts (same services, same barber), the first local date, from the
 * earliest, that falls on the original appointment's weekday (in the location's zone) and has a
 * slot whose local wall time is within ±`windowMinutes` (default 60) of the original's local wall
 * time; on that date the slot closest to the original wall time wins (the earlier on a tie). The
 * search is week by week through whatever range the slots cover (the booking horizon). When no
 * such slot exists, the earliest free slot at any time is proposed (`match: "any"`). Wall times
 * are compared on the clock, so 10:00 in summer matches 10:00 in winter across a DST change.
 */
import { localDateOf, localMinutesOf, weekdayOf } from '../time/zoned.ts';

/** The proposal of {@link pickSimilarSlot}. */
export interface SimilarSlot {
  /** Start of the proposed slot, epoch ms. */
  startMs: number;
  /** `similar`: same weekday within the window; `any`: the earliest slot (fallback). */
  match: 'similar' | 'any';
}

/**
 * Picks the slot to propose for booking again.
 * @param originalStartMs start of the appointment to repeat, epoch ms.
 * @param slotStartsMs free slot starts, epoch ms (any order; duplicates allowed).
 * @param timeZone the location's IANA zone.
 * @param windowMinutes how far (wall-clock minutes) from the original time a "similar" slot may be.
 * @returns the proposal, or null when there is no free slot at all.
 */
export function pickSimilarSlot(
  originalStartMs: number,
  slotStartsMs: readonly number[],
  timeZone: string,
  windowMinutes = 60,
): SimilarSlot | null {
  if (slotStartsMs.length === 0) return null;
  const sorted = [...new Set(slotStartsMs)].sort((a, b) => a - b);
  const weekday = weekdayOf(localDateOf(originalStartMs, timeZone));
  const target = localMinutesOf(originalStartMs, timeZone);
  let bestDate: string | null = null;
  let best: { startMs: number; distance: number } | null = null;
  for (const s of sorted) {
    const date = localDateOf(s, timeZone);
    if (bestDate !== null && date !== bestDate) break;
    if (weekdayOf(date) !== weekday) continue;
    const distance = Math.abs(localMinutesOf(s, timeZone) - target);
    if (distance > windowMinutes) continue;
    bestDate = date;
    if (!best || distance < best.distance) best = { startMs: s, distance };
  }
  if (best) return { startMs: best.startMs, match: 'similar' };
  return { startMs: sorted[0]!, match: 'any' };
}
