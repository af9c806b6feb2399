/**
 * Client segments, exactly as DOMAIN.md "Clients and analytics" defines them *(orig. V2)*:
 * VIP = spent > $500, ≥ 10 visits, (no-shows + cancellations) ÷ visits < 0.1;
 * at-risk = > 90 days since last visit or ≥ 3 no-shows + cancellations;
 * returning = ≥ 2 visits; else new. The first rule that holds wins, in that order.
 */

/** A client's segment. */
export type ClientSegment = 'vip' | 'at_risk' | 'returning' | 'new';

/** Every segment, from the most to the least valued. */
export const CLIENT_SEGMENTS: readonly ClientSegment[] = ['vip', 'at_risk', 'returning', 'new'];

/** A client's visit figures. */
export interface ClientVisitStats {
  /** Completed appointments. */
  visits: number;
  /** Sum of the completed appointments' totals, integer minor units. */
  spendMinor: number;
  /** Start of the last completed appointment, epoch ms (UTC), or null without visits. */
  lastVisitAt: number | null;
  /** Appointments marked no-show. */
  noShows: number;
  /** Cancelled appointments (by the client or the shop). */
  cancellations: number;
}

/** VIP spend threshold: more than $500, in minor units (applied as-is in any currency). */
export const VIP_MIN_SPEND_EXCLUSIVE_MINOR = 50_000;
/** VIP visit threshold (at least). */
export const VIP_MIN_VISITS = 10;
/** VIP: (no-shows + cancellations) ÷ visits must be below this. */
export const VIP_MAX_MISS_RATIO_EXCLUSIVE = 0.1;
/** At-risk: more than this many days (of 24 h) since the last visit. */
export const AT_RISK_DAYS_SINCE_VISIT = 90;
/** At-risk: at least this many no-shows + cancellations. */
export const AT_RISK_MIN_MISSES = 3;
/** Returning: at least this many visits. */
export const RETURNING_MIN_VISITS = 2;

const DAY_MS = 86_400_000;

/**
 * The client's segment at `nowMs`.
 * "Days since last visit" is elapsed time: more than 90 × 24 h between the last visit's start and now.
 * A client without a visit is never at-risk for lack of visits, only for misses.
 * @param stats the client's figures (see {@link ClientVisitStats}).
 * @param nowMs the current instant, epoch ms.
 */
export function clientSegment(stats: ClientVisitStats, nowMs: number): ClientSegment {
  const misses = stats.noShows + stats.cancellations;
  if (
    stats.spendMinor > VIP_MIN_SPEND_EXCLUSIVE_MINOR &&
    stats.visits >= VIP_MIN_VISITS &&
    misses < VIP_MAX_MISS_RATIO_EXCLUSIVE * stats.visits
  )
    return 'vip';
  if (stats.lastVisitAt !== null && nowMs - stats.lastVisitAt > AT_RISK_DAYS_SINCE_VISIT * DAY_MS)
    return 'at_risk';
  if (misses >= AT_RISK_MIN_MISSES) return 'at_risk';
  if (stats.visits >= RETURNING_MIN_VISITS) return 'returning';
  return 'new';
}
