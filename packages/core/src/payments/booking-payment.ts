/**
 * What a client pays online when booking (DOMAIN.md, "Cancellations, deposits, no-shows": none
 * = pay at the shop, a deposit that is a percent or a fixed amount per service, full prepayment,
 * or a card on file). Pure: rules and prices in, the mode and amount out.
 */
import { depositFor, type DepositRule } from '../policies/cancellation.ts';

/** How a booking is paid online; `prepayment` = the whole price now. */
export type BookingPaymentMode = 'none' | 'deposit' | 'prepayment' | 'card_on_file';

/** A payment rule as set on a location or a service. */
export interface PaymentRule {
  mode: BookingPaymentMode;
  /** With mode `deposit`; null/absent = core's default (DEFAULT_DEPOSIT, 50 %). */
  deposit?: DepositRule | null;
}

/** One booked service: its price (minor units) and its own rule, or null to inherit the location's. */
export interface BookedServicePayment {
  priceMinor: number;
  rule: PaymentRule | null;
}

/** What is due online for a booking. */
export interface BookingPayment {
  mode: BookingPaymentMode;
  /** Minor units to take now (0 for `none` and `card_on_file`). */
  amountDueOnlineMinor: number;
  /** ISO 4217 code of the amount. */
  currency: string;
}

/** Strictness order: the strictest mode among the booked services wins. */
const STRICTNESS: Record<BookingPaymentMode, number> = {
  none: 0,
  card_on_file: 1,
  deposit: 2,
  prepayment: 3,
};

/**
 * Resolves what a booking of several services pays online.
 * - Each service's rule is its override, else the location's (DOMAIN.md lookup: service, then location).
 * - The booking's mode is the strictest among the services: prepayment > deposit > card_on_file > none.
 * - The amount sums, per service, what its own rule asks: the full price for prepayment, the
 *   deposit (percent rounded half up to a whole minor unit, or fixed capped at the price; core
 *   `depositFor`) for deposit, nothing otherwise.
 * An amount of 0 (e.g. a free service with a deposit rule) means nothing is taken online: the mode
 * falls back to `none` unless some service asks for a card on file.
 * @throws PolicyError on a negative or non-integer price, or an invalid deposit rule.
 */
export function resolveBookingPayment(
  locationRule: PaymentRule,
  services: readonly BookedServicePayment[],
  currency: string,
): BookingPayment {
  let mode: BookingPaymentMode = 'none';
  let amount = 0;
  let wantsCard = false;
  for (const s of services) {
    const rule = s.rule ?? locationRule;
    if (STRICTNESS[rule.mode] > STRICTNESS[mode]) mode = rule.mode;
    if (rule.mode === 'card_on_file') wantsCard = true;
    if (rule.mode === 'prepayment') amount += depositFor(s.priceMinor, { kind: 'percent', percent: 100 });
    else if (rule.mode === 'deposit') amount += depositFor(s.priceMinor, rule.deposit ?? undefined);
    else depositFor(s.priceMinor, { kind: 'fixed', amountMinor: 0 }); // validates the price
  }
  if ((mode === 'deposit' || mode === 'prepayment') && amount === 0)
    mode = wantsCard ? 'card_on_file' : 'none';
  return { mode, amountDueOnlineMinor: amount, currency };
}
