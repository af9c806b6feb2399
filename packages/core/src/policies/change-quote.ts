/**
 * The quote for a change to a paid appointment (issue 4: "The refund and fee for any change at any
 * moment are computed in `core`, shown to the client before they confirm, and applied exactly").
 *
 * `lookupPolicy` picks the policy (DOMAIN.md: service, then location, then default `standard`) and
 * validates it; `quoteChange` applies it to a cancel, reschedule or no-show at a given instant and
 * spreads the money over the payments held (payments/settlement.ts). Everything is integer minor
 * units and UTC instants; the IANA zone is only used to say the tier boundaries in local time.
 */
import { Temporal } from 'temporal-polyfill';
import { planSettlement, type HeldPayment, type PlannedRefund } from '../payments/settlement.ts';
import {
  PolicyError,
  SEEDED_POLICIES,
  changeOutcome,
  validatePolicy,
  type CancellationPolicy,
  type PolicyTier,
} from './cancellation.ts';

const HOUR_MS = 3_600_000;

/** Names of the seeded policies. */
export type SeededPolicyKey = keyof typeof SEEDED_POLICIES;

/** Whether a key names a seeded policy. */
export function isSeededPolicyKey(key: string): key is SeededPolicyKey {
  return Object.prototype.hasOwnProperty.call(SEEDED_POLICIES, key);
}

/**
 * What an owner chooses in the settings: a seeded policy by name, or custom tiers.
 * Stored as the full CancellationPolicy (so an appointment's snapshot is self-contained).
 */
export type PolicyChoice =
  | { key: SeededPolicyKey }
  | {
      key: 'custom';
      name?: string | undefined;
      tiers: PolicyTier[];
      noShowFeeMinor: number;
      firstTimeGraceHours: number | null;
    };

/**
 * Turns a settings choice into the policy to store.
 * @throws PolicyError when custom tiers are malformed (validatePolicy's rules).
 */
export function policyFromChoice(choice: PolicyChoice): CancellationPolicy {
  if (choice.key !== 'custom') return SEEDED_POLICIES[choice.key];
  const policy: CancellationPolicy = {
    key: 'custom',
    name: choice.name?.trim() || 'Custom',
    tiers: choice.tiers.map((t) => ({ ...t })),
    noShowFeeMinor: choice.noShowFeeMinor,
    firstTimeGraceHours: choice.firstTimeGraceHours,
  };
  validatePolicy(policy);
  return policy;
}

/**
 * The policy that applies to an appointment (DOMAIN.md, "Policy lookup order: service, then
 * location, then default"), validated. A stored policy that no longer validates (hand-edited data)
 * is refused rather than applied.
 * @param snapshot the appointment's policy snapshot taken at booking; wins when present.
 * @throws PolicyError when the chosen policy is malformed.
 */
export function lookupPolicy(sources: {
  snapshot?: CancellationPolicy | null | undefined;
  service?: CancellationPolicy | null | undefined;
  location?: CancellationPolicy | null | undefined;
}): CancellationPolicy {
  const policy = sources.snapshot ?? sources.service ?? sources.location ?? SEEDED_POLICIES.standard;
  validatePolicy(policy);
  return policy;
}

/** A change a policy prices. */
export type ChangeAction = 'cancel' | 'reschedule' | 'no_show';

/** Why the quote is what it is, for the client and the appointment history. */
export interface QuoteExplanation {
  policyKey: string;
  policyName: string;
  /** Elapsed hours from the change to the start (fractional; negative after the start). */
  hoursBefore: number;
  /** Index of the tier that applied; null for the first-time grace and for a no-show. */
  tierIndex: number | null;
  tier: PolicyTier | null;
  firstTimeGrace: boolean;
  /**
   * The instant (ISO, UTC) from which the next, costlier tier applies, and the same instant on the
   * shop's wall clock (ISO local date-time); null when no costlier tier follows.
   */
  nextTierAt: string | null;
  nextTierLocal: string | null;
  /** One sentence in English. */
  text: string;
}

/** The money that moves for one change, all in minor units of the appointment's currency. */
export interface ChangeQuote {
  action: ChangeAction;
  /** Refunds to make, latest payment first. Their sum is `netRefundMinor`. */
  refunds: PlannedRefund[];
  /** Gross refund by the policy before the fee is netted. */
  grossRefundMinor: number;
  /** The fee the policy sets for this change. */
  feeMinor: number;
  /** Part of the fee to charge to the card on file (after netting against the refund). */
  feeChargeMinor: number;
  /** Part of the fee recorded as owed (no card on file). */
  feeOwedMinor: number;
  /** What goes back to the client: max(0, refund − fee). */
  netRefundMinor: number;
  explanation: QuoteExplanation;
}

function localIso(ms: number, timeZone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(ms)
    .toZonedDateTimeISO(timeZone)
    .toPlainDateTime()
    .toString({ smallestUnit: 'minute' });
}

function fmtHours(h: number): string {
  return Number.isInteger(h) ? `${h} h` : `${h.toFixed(1)} h`;
}

/**
 * Prices a change under a policy and plans the money:
 * - `cancel` uses the tiers, with the first-time grace (100 % back, no fee) when the client has no
 *   earlier visit and changes at or beyond `firstTimeGraceHours` before the start;
 * - `reschedule` uses the same window (DOMAIN.md: "The same window governs reschedules") but the
 *   money held stays with the moved appointment: nothing is refunded and the tier's fee (none under
 *   the grace) is charged in full, since there is no refund to net it against;
 * - `no_show` refunds nothing and sets the policy's no-show fee (no grace).
 * The fee is netted against the refund; what is left of it goes to the card on file, or is owed.
 * @param input.startMs the start, a UTC instant (epoch ms); `timeZone` the shop's IANA zone.
 * @param input.nowMs when the change happens (epoch ms).
 * @param input.held payments held for the appointment, from the ledger (oldest first).
 * @throws PolicyError on a malformed policy or an unknown zone; SettlementError on inconsistent amounts.
 */
export function quoteChange(input: {
  policy: CancellationPolicy;
  startMs: number;
  timeZone: string;
  nowMs: number;
  firstTimeClient: boolean;
  action: ChangeAction;
  held: readonly HeldPayment[];
  hasCardOnFile: boolean;
}): ChangeQuote {
  const { policy, startMs, timeZone, nowMs, action, held } = input;
  validatePolicy(policy);
  try {
    Temporal.Instant.fromEpochMilliseconds(startMs).toZonedDateTimeISO(timeZone);
  } catch {
    throw new PolicyError(`Unknown time zone ${timeZone}`);
  }
  const paidMinor = held.reduce((s, p) => s + p.receivedMinor - p.refundedMinor, 0);
  const hoursBefore = (startMs - nowMs) / HOUR_MS;
  const base = { policyKey: policy.key, policyName: policy.name, hoursBefore };

  if (action === 'no_show') {
    const plan = planSettlement({
      held,
      netRefundMinor: 0,
      feeDueMinor: policy.noShowFeeMinor,
      hasCardOnFile: input.hasCardOnFile,
    });
    return {
      action,
      ...plan,
      grossRefundMinor: 0,
      feeMinor: policy.noShowFeeMinor,
      netRefundMinor: 0,
      explanation: {
        ...base,
        tierIndex: null,
        tier: null,
        firstTimeGrace: false,
        nextTierAt: null,
        nextTierLocal: null,
        text: `${policy.name} policy: a missed appointment costs the no-show fee of ${policy.noShowFeeMinor} minor units; nothing is refunded.`,
      },
    };
  }

  const changed = changeOutcome({
    policy,
    startMs,
    nowMs,
    paidMinor,
    firstTimeClient: input.firstTimeClient,
  });
  const outcome =
    action === 'reschedule'
      ? { ...changed, refundMinor: 0, netRefundMinor: 0, feeDueMinor: changed.feeMinor }
      : changed;
  const plan = planSettlement({
    held,
    netRefundMinor: outcome.netRefundMinor,
    feeDueMinor: outcome.feeDueMinor,
    hasCardOnFile: input.hasCardOnFile,
  });
  const tier = outcome.tierIndex === null ? null : policy.tiers[outcome.tierIndex]!;
  // The next costlier step: after the grace, the tier that applies now; after a tier, the next one.
  let nextBoundaryHours: number | null = null;
  if (outcome.firstTimeGrace) nextBoundaryHours = policy.firstTimeGraceHours;
  else if (tier && tier.minHoursBefore > 0) nextBoundaryHours = tier.minHoursBefore;
  const nextTierMs = nextBoundaryHours === null ? null : startMs - nextBoundaryHours * HOUR_MS;
  const verb = action === 'cancel' ? 'Cancelling' : 'Rescheduling';
  const when =
    hoursBefore >= 0 ? `${fmtHours(Math.floor(hoursBefore * 10) / 10)} before the start` : 'after the start';
  const terms = outcome.firstTimeGrace
    ? 'first-time client grace: everything back, no fee'
    : action === 'reschedule'
      ? `what was paid stays with the appointment${tier!.feeMinor > 0 ? `, fee ${tier!.feeMinor} minor units` : ', no fee'}`
      : `${tier!.refundPercent}% back${tier!.feeMinor > 0 ? `, fee ${tier!.feeMinor} minor units` : ', no fee'}`;
  return {
    action,
    ...plan,
    grossRefundMinor: outcome.refundMinor,
    feeMinor: outcome.feeMinor,
    netRefundMinor: outcome.netRefundMinor,
    explanation: {
      ...base,
      tierIndex: outcome.tierIndex,
      tier,
      firstTimeGrace: outcome.firstTimeGrace,
      nextTierAt: nextTierMs === null ? null : new Date(nextTierMs).toISOString(),
      nextTierLocal: nextTierMs === null ? null : localIso(nextTierMs, timeZone),
      text: `${policy.name} policy: ${verb} ${when}: ${terms}.${
        nextTierMs === null ? '' : ` The terms change at ${localIso(nextTierMs, timeZone)} (${timeZone}).`
      }`,
    },
  };
}
