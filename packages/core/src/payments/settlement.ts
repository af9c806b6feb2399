/**
 * What money moves when an appointment is cancelled, rescheduled late or missed (issue 4): the
 * policy's outcome (policies/cancellation.ts) turned into refunds of the payments held and a fee
 * charged to the card on file. Pure: the caller records the plan in the ledger and carries it out
 * through the payment provider with one idempotency key per step, so doing it twice is impossible.
 *
 * Ledger balances are derived from append-only entries, never stored (issue 4, "A ledger").
 */

/** A payment the shop holds for the appointment: what was received and what is already refunded. */
export interface HeldPayment {
  /** Provider id of the payment (a PaymentIntent id). */
  paymentId: string;
  receivedMinor: number;
  refundedMinor: number;
}

/** One refund to make. */
export interface PlannedRefund {
  paymentId: string;
  amountMinor: number;
}

/** The plan for one change. */
export interface SettlementPlan {
  refunds: PlannedRefund[];
  /** Fee to charge off-session to the card on file (0 = none). */
  feeChargeMinor: number;
  /** Fee that could not be charged because there is no card on file: recorded as owed. */
  feeOwedMinor: number;
}

/** Raised for amounts that cannot be settled (negative, fractional, more than held). */
export class SettlementError extends RangeError {}

/**
 * Spreads a net refund over the payments held, latest first (the checkout payment before the
 * deposit), never refunding a payment beyond what is left of it; charges the fee still due to the
 * card on file when there is one.
 * @param netRefundMinor what the policy gives back (ChangeOutcome.netRefundMinor).
 * @param feeDueMinor the fee left after netting (ChangeOutcome.feeDueMinor).
 * @throws SettlementError when the refund exceeds what is refundable or an amount is invalid.
 */
export function planSettlement(input: {
  held: readonly HeldPayment[];
  netRefundMinor: number;
  feeDueMinor: number;
  hasCardOnFile: boolean;
}): SettlementPlan {
  const { held, netRefundMinor, feeDueMinor, hasCardOnFile } = input;
  for (const v of [netRefundMinor, feeDueMinor])
    if (!Number.isInteger(v) || v < 0) throw new SettlementError('Amounts must be non-negative integers');
  for (const p of held)
    if (
      !Number.isInteger(p.receivedMinor) ||
      !Number.isInteger(p.refundedMinor) ||
      p.refundedMinor < 0 ||
      p.refundedMinor > p.receivedMinor
    )
      throw new SettlementError(`Payment ${p.paymentId} has inconsistent amounts`);
  const refundable = held.reduce((s, p) => s + p.receivedMinor - p.refundedMinor, 0);
  if (netRefundMinor > refundable)
    throw new SettlementError(`Cannot refund ${netRefundMinor}: only ${refundable} is refundable`);
  const refunds: PlannedRefund[] = [];
  let left = netRefundMinor;
  for (const p of [...held].reverse()) {
    if (left === 0) break;
    const amount = Math.min(left, p.receivedMinor - p.refundedMinor);
    if (amount > 0) refunds.push({ paymentId: p.paymentId, amountMinor: amount });
    left -= amount;
  }
  return {
    refunds,
    feeChargeMinor: hasCardOnFile ? feeDueMinor : 0,
    feeOwedMinor: hasCardOnFile ? 0 : feeDueMinor,
  };
}

/** Kinds of ledger entries: money in is positive (charge, fee, tip), money out negative (refund, dispute). */
export type LedgerKind = 'charge' | 'fee' | 'tip' | 'refund' | 'dispute' | 'dispute_won';

/** A ledger entry as the balance needs it. */
export interface LedgerAmount {
  kind: LedgerKind;
  /** Always positive; the kind gives the direction. */
  amountMinor: number;
}

/** The sign each kind carries in the balance. */
export const LEDGER_SIGN: Readonly<Record<LedgerKind, 1 | -1>> = {
  charge: 1,
  fee: 1,
  tip: 1,
  refund: -1,
  dispute: -1,
  dispute_won: 1,
};

/** The balance of a set of entries: collected (charges, fees, tips, won disputes) minus refunds and disputes. */
export function ledgerBalance(entries: readonly LedgerAmount[]): number {
  return entries.reduce((s, e) => s + LEDGER_SIGN[e.kind] * e.amountMinor, 0);
}
