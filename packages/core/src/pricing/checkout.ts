/**
 * Checkout totals (issue 4, "Checkout"): service lines, a discount, tax at the location's rate, a
 * tip, and the deposit already paid. All amounts are integer minor units of one currency; every
 * percentage is rounded half up to a whole minor unit once, at the step it applies to.
 *
 * Order of the steps (how peers — Square, Fresha, Booksy — present a ticket):
 * 1. subtotal = sum of the lines;
 * 2. discount (a percent of the subtotal or a fixed amount, never more than the subtotal);
 * 3. tax = rate × (subtotal − discount), the rate in parts per million so that real rates such
 *    as New York City's 8.875 % (88,750 ppm) are exact;
 * 4. tip on the discounted pre-tax amount when given as a percent (suggested 15/20/25 %), or a
 *    custom amount; tips go 100 % to the barber (DOMAIN.md, "Pay");
 * 5. total = subtotal − discount + tax + tip; due now = total − deposit paid (never below 0; a
 *    deposit larger than the total leaves `overpaidMinor` to refund).
 */

import { percentOf } from '../policies/cancellation.ts';

/** A discount: a whole percent of the subtotal, or a fixed amount in minor units. */
export type Discount = { kind: 'percent'; percent: number } | { kind: 'fixed'; amountMinor: number };

/** A tip: a whole percent of the discounted pre-tax amount, or a custom amount in minor units. */
export type Tip = { kind: 'percent'; percent: number } | { kind: 'amount'; amountMinor: number };

/** The tip percentages offered at checkout. */
export const SUGGESTED_TIP_PERCENTS = [15, 20, 25] as const;

/** Input of {@link checkoutTotals}. */
export interface CheckoutInput {
  /** Price of each line, minor units (after any staff adjustment). */
  linesMinor: readonly number[];
  discount?: Discount | null;
  /** Tax rate in parts per million (8.875 % = 88,750), 0–1,000,000. */
  taxRatePpm: number;
  tip?: Tip | null;
  /** What the client already paid online (deposit or prepayment), minor units. */
  depositPaidMinor: number;
}

/** The ticket. */
export interface CheckoutTotals {
  subtotalMinor: number;
  discountMinor: number;
  taxMinor: number;
  tipMinor: number;
  totalMinor: number;
  depositAppliedMinor: number;
  /** What the client pays now. */
  dueMinor: number;
  /** Deposit beyond the total, to give back. */
  overpaidMinor: number;
}

/** Raised for an amount or rate that is not allowed. */
export class CheckoutError extends RangeError {}

const nonNegInt = (v: number, what: string) => {
  if (!Number.isInteger(v) || v < 0)
    throw new CheckoutError(`${what} must be a non-negative integer of minor units`);
};
const wholePercent = (v: number, what: string, max = 100) => {
  if (!Number.isInteger(v) || v < 0 || v > max)
    throw new CheckoutError(`${what} must be a whole percent 0–${max}`);
};

/**
 * Computes the ticket.
 * @throws CheckoutError on a negative or fractional amount, a percent out of range, a tax rate
 *   outside 0–1,000,000 ppm, or no lines.
 */
export function checkoutTotals(input: CheckoutInput): CheckoutTotals {
  if (input.linesMinor.length === 0) throw new CheckoutError('A checkout needs at least one line');
  input.linesMinor.forEach((l, i) => nonNegInt(l, `Line ${i + 1}`));
  nonNegInt(input.depositPaidMinor, 'Deposit paid');
  if (!Number.isInteger(input.taxRatePpm) || input.taxRatePpm < 0 || input.taxRatePpm > 1_000_000)
    throw new CheckoutError('Tax rate must be whole parts per million 0–1,000,000');

  const subtotalMinor = input.linesMinor.reduce((s, l) => s + l, 0);
  let discountMinor = 0;
  const d = input.discount;
  if (d?.kind === 'percent') {
    wholePercent(d.percent, 'Discount');
    discountMinor = percentOf(subtotalMinor, d.percent);
  } else if (d?.kind === 'fixed') {
    nonNegInt(d.amountMinor, 'Discount');
    discountMinor = Math.min(subtotalMinor, d.amountMinor);
  }
  const taxable = subtotalMinor - discountMinor;
  const taxMinor = Math.floor((taxable * input.taxRatePpm + 500_000) / 1_000_000);
  let tipMinor = 0;
  const t = input.tip;
  if (t?.kind === 'percent') {
    wholePercent(t.percent, 'Tip', 1_000);
    tipMinor = Math.floor((taxable * t.percent + 50) / 100);
  } else if (t?.kind === 'amount') {
    nonNegInt(t.amountMinor, 'Tip');
    tipMinor = t.amountMinor;
  }
  const totalMinor = taxable + taxMinor + tipMinor;
  const depositAppliedMinor = Math.min(input.depositPaidMinor, totalMinor);
  return {
    subtotalMinor,
    discountMinor,
    taxMinor,
    tipMinor,
    totalMinor,
    depositAppliedMinor,
    dueMinor: totalMinor - depositAppliedMinor,
    overpaidMinor: input.depositPaidMinor - depositAppliedMinor,
  };
}

/** One suggested tip: the percent and what it comes to, minor units. */
export interface SuggestedTip {
  percent: number;
  amountMinor: number;
}

/**
 * The tips offered at checkout: each of `percents` (default {@link SUGGESTED_TIP_PERCENTS}) of the
 * discounted pre-tax amount, rounded half up to a whole minor unit — exactly what
 * {@link checkoutTotals} charges for a `{ kind: 'percent' }` tip of the same percent.
 * @param taxableMinor subtotal − discount, minor units.
 * @throws CheckoutError on a negative or fractional amount or a percent outside 0–1000.
 */
export function suggestedTips(
  taxableMinor: number,
  percents: readonly number[] = SUGGESTED_TIP_PERCENTS,
): SuggestedTip[] {
  nonNegInt(taxableMinor, 'Amount');
  return percents.map((percent) => {
    wholePercent(percent, 'Tip', 1_000);
    return { percent, amountMinor: Math.floor((taxableMinor * percent + 50) / 100) };
  });
}

/** A checkout payment split for the ledger: the service part (`charge`) and the barber's tip. */
export interface TipSplit {
  chargeMinor: number;
  tipMinor: number;
}

/**
 * Splits money received at checkout into the service charge and the tip, so the tip can be
 * recorded apart and attributed to the barber (DOMAIN.md, "Pay": tips go 100 % to the barber).
 * The tip comes out of the payment first, never more than was paid: when a deposit covered part
 * of the ticket, what is paid now holds the whole tip unless the deposit covered some of it too.
 * @param paidMinor what the client paid now (the checkout's due amount), minor units.
 * @param tipMinor the checkout's tip, minor units.
 * @throws CheckoutError on a negative or fractional amount.
 */
export function splitTip(paidMinor: number, tipMinor: number): TipSplit {
  nonNegInt(paidMinor, 'Paid amount');
  nonNegInt(tipMinor, 'Tip');
  const tip = Math.min(paidMinor, tipMinor);
  return { chargeMinor: paidMinor - tip, tipMinor: tip };
}
