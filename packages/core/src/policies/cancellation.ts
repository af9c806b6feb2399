/**
 * Cancellation policies, deposits and no-show fees (DOMAIN.md, "Cancellations, deposits,
 * no-shows"). Everything is integer minor units of the appointment's currency and exact UTC
 * instants: "hours before" is start − now in elapsed time (DOMAIN.md: "Hours before = start −
 * now"), so a DST change in between does not move a tier boundary: 48 h before a 10:00 start on
 * the Monday after New York springs forward is Saturday 09:00 on the wall clock, not 10:00.
 */

const HOUR_MS = 3_600_000;

/** One tier of a policy: applies when the change happens at least `minHoursBefore` hours before the start. */
export interface PolicyTier {
  /** Lower bound in hours before the start, inclusive (0 for the last tier). */
  minHoursBefore: number;
  /** Share of what was paid that is refunded, 0–100 (percent). */
  refundPercent: number;
  /** Fee charged for changing in this tier, minor units (0 = none). */
  feeMinor: number;
}

/**
 * A cancellation policy: tiers from the earliest to the latest, a no-show fee and the first-time
 * client grace. `key` is the stable name (`standard`, `lenient`, `strict` or a custom one).
 */
export interface CancellationPolicy {
  key: string;
  name: string;
  /** Ordered by `minHoursBefore` descending; the last has `minHoursBefore` 0. */
  tiers: readonly PolicyTier[];
  /** Charged when the client does not come, minor units. */
  noShowFeeMinor: number;
  /**
   * A first-time client who changes at least this many hours before the start gets everything
   * back with no fee (DOMAIN.md: "A first-time client who cancels at or beyond the grace window
   * gets 100% back"); null = no grace.
   */
  firstTimeGraceHours: number | null;
}

/** Errors for a policy that cannot be applied. */
export class PolicyError extends RangeError {}

/**
 * The three seeded policies (DOMAIN.md table). Fees there are in dollars; here in minor units of a
 * two-decimal currency ($10 → 1000). The grace window is the boundary of each policy's late tier.
 */
export const SEEDED_POLICIES: Readonly<Record<'standard' | 'lenient' | 'strict', CancellationPolicy>> = {
  standard: {
    key: 'standard',
    name: 'Standard',
    tiers: [
      { minHoursBefore: 48, refundPercent: 100, feeMinor: 0 },
      { minHoursBefore: 24, refundPercent: 50, feeMinor: 1000 },
      { minHoursBefore: 0, refundPercent: 0, feeMinor: 2500 },
    ],
    noShowFeeMinor: 5000,
    firstTimeGraceHours: 24,
  },
  lenient: {
    key: 'lenient',
    name: 'Lenient',
    tiers: [
      { minHoursBefore: 24, refundPercent: 100, feeMinor: 0 },
      { minHoursBefore: 12, refundPercent: 75, feeMinor: 0 },
      { minHoursBefore: 0, refundPercent: 50, feeMinor: 0 },
    ],
    noShowFeeMinor: 2500,
    firstTimeGraceHours: 12,
  },
  strict: {
    key: 'strict',
    name: 'Strict',
    tiers: [
      { minHoursBefore: 72, refundPercent: 75, feeMinor: 1000 },
      { minHoursBefore: 48, refundPercent: 25, feeMinor: 2500 },
      { minHoursBefore: 0, refundPercent: 0, feeMinor: 5000 },
    ],
    noShowFeeMinor: 10000,
    firstTimeGraceHours: 48,
  },
};

/**
 * Checks a policy's shape: at least one tier, bounds strictly decreasing and ending at 0,
 * percents 0–100, fees non-negative integers.
 * @throws PolicyError naming the first problem.
 */
export function validatePolicy(p: CancellationPolicy): void {
  if (p.tiers.length === 0) throw new PolicyError(`Policy ${p.key} has no tiers`);
  let previous = Infinity;
  p.tiers.forEach((t, i) => {
    if (!(t.minHoursBefore >= 0) || t.minHoursBefore >= previous)
      throw new PolicyError(`Policy ${p.key}: tier ${i + 1} must start fewer hours before than tier ${i}`);
    if (!Number.isInteger(t.refundPercent) || t.refundPercent < 0 || t.refundPercent > 100)
      throw new PolicyError(`Policy ${p.key}: tier ${i + 1} refund must be a whole percent 0–100`);
    if (!Number.isInteger(t.feeMinor) || t.feeMinor < 0)
      throw new PolicyError(`Policy ${p.key}: tier ${i + 1} fee must be a non-negative integer`);
    previous = t.minHoursBefore;
  });
  if (p.tiers[p.tiers.length - 1]!.minHoursBefore !== 0)
    throw new PolicyError(`Policy ${p.key}: the last tier must start at 0 hours before`);
  if (!Number.isInteger(p.noShowFeeMinor) || p.noShowFeeMinor < 0)
    throw new PolicyError(`Policy ${p.key}: no-show fee must be a non-negative integer`);
  if (p.firstTimeGraceHours !== null && !(p.firstTimeGraceHours >= 0))
    throw new PolicyError(`Policy ${p.key}: grace hours must be ≥ 0`);
}

/**
 * The policy that applies (DOMAIN.md: "Policy lookup order: service, then location, then
 * default"): the first one given.
 */
export function resolvePolicy(
  servicePolicy: CancellationPolicy | null | undefined,
  locationPolicy: CancellationPolicy | null | undefined,
  defaultPolicy: CancellationPolicy = SEEDED_POLICIES.standard,
): CancellationPolicy {
  return servicePolicy ?? locationPolicy ?? defaultPolicy;
}

/** What a cancellation or reschedule at a given moment costs the client. */
export interface ChangeOutcome {
  /** Elapsed hours from the change to the start (may be fractional; negative after the start). */
  hoursBefore: number;
  /** Index of the tier that applied, or null when the first-time grace applied. */
  tierIndex: number | null;
  firstTimeGrace: boolean;
  /** Gross refund of what was paid, minor units. */
  refundMinor: number;
  /** Fee for changing late, minor units. */
  feeMinor: number;
  /**
   * What goes back to the client: max(0, refund − fee) (DOMAIN.md). A fee larger than the refund
   * is the rest to charge: `feeDueMinor`.
   */
  netRefundMinor: number;
  /** Fee left after netting it against the refund; charged to the card on file if any. */
  feeDueMinor: number;
}

/**
 * A percent of an amount in minor units, rounded half up to a whole minor unit and never more
 * than the amount.
 */
export function percentOf(amountMinor: number, percent: number): number {
  return Math.min(amountMinor, Math.floor((amountMinor * percent + 50) / 100));
}

/**
 * Applies a policy to a change (cancel or reschedule: DOMAIN.md, "the same window governs
 * reschedules") made at `nowMs` for an appointment starting at `startMs` of which `paidMinor`
 * was paid online. The first-time grace wins over the tiers when it applies.
 * @param input.paidMinor what the client has paid (deposit or prepayment), minor units, ≥ 0.
 * @param input.firstTimeClient true when the client has no earlier completed visit.
 * @throws PolicyError on a malformed policy or a negative/non-integer amount.
 */
export function changeOutcome(input: {
  policy: CancellationPolicy;
  startMs: number;
  nowMs: number;
  paidMinor: number;
  firstTimeClient: boolean;
}): ChangeOutcome {
  const { policy, startMs, nowMs, paidMinor, firstTimeClient } = input;
  validatePolicy(policy);
  if (!Number.isInteger(paidMinor) || paidMinor < 0)
    throw new PolicyError('Paid amount must be a non-negative integer');
  const hoursBefore = (startMs - nowMs) / HOUR_MS;
  if (firstTimeClient && policy.firstTimeGraceHours !== null && hoursBefore >= policy.firstTimeGraceHours)
    return {
      hoursBefore,
      tierIndex: null,
      firstTimeGrace: true,
      refundMinor: paidMinor,
      feeMinor: 0,
      netRefundMinor: paidMinor,
      feeDueMinor: 0,
    };
  // Past the start the last tier applies (a change after the start is as late as it gets).
  let tierIndex = policy.tiers.findIndex((t) => hoursBefore >= t.minHoursBefore);
  if (tierIndex === -1) tierIndex = policy.tiers.length - 1;
  const tier = policy.tiers[tierIndex]!;
  const refundMinor = percentOf(paidMinor, tier.refundPercent);
  const netRefundMinor = Math.max(0, refundMinor - tier.feeMinor);
  return {
    hoursBefore,
    tierIndex,
    firstTimeGrace: false,
    refundMinor,
    feeMinor: tier.feeMinor,
    netRefundMinor,
    feeDueMinor: Math.max(0, tier.feeMinor - refundMinor),
  };
}

/** How much is due online for a service when booking (DOMAIN.md: deposits are a percent or a fixed amount per service). */
export type DepositRule = { kind: 'percent'; percent: number } | { kind: 'fixed'; amountMinor: number };

/** DOMAIN.md: "with none set, 50% of the price". */
export const DEFAULT_DEPOSIT: DepositRule = { kind: 'percent', percent: 50 };

/**
 * The deposit for a price: a percent (rounded half up) or a fixed amount, never more than the price.
 * @throws PolicyError on a negative or non-integer price, a percent outside 0–100, a negative fixed amount.
 */
export function depositFor(priceMinor: number, rule: DepositRule = DEFAULT_DEPOSIT): number {
  if (!Number.isInteger(priceMinor) || priceMinor < 0)
    throw new PolicyError('Price must be a non-negative integer');
  if (rule.kind === 'percent') {
    if (!Number.isInteger(rule.percent) || rule.percent < 0 || rule.percent > 100)
      throw new PolicyError('Deposit percent must be a whole number 0–100');
    return percentOf(priceMinor, rule.percent);
  }
  if (!Number.isInteger(rule.amountMinor) || rule.amountMinor < 0)
    throw new PolicyError('Fixed deposit must be a non-negative integer');
  return Math.min(priceMinor, rule.amountMinor);
}

/** DOMAIN.md limits: an online payment over 100,000 minor units is refused. */
export const DEFAULT_ONLINE_PAYMENT_LIMIT_MINOR = 100_000;

/**
 * Whether an amount may be taken online: a positive integer of minor units at most `limitMinor`.
 * Returns the reason when not, else null.
 */
export function onlinePaymentProblem(
  amountMinor: number,
  limitMinor: number = DEFAULT_ONLINE_PAYMENT_LIMIT_MINOR,
): 'not_positive_integer' | 'over_limit' | null {
  if (!Number.isInteger(amountMinor) || amountMinor <= 0) return 'not_positive_integer';
  if (amountMinor > limitMinor) return 'over_limit';
  return null;
}
