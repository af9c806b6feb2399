// The checkout of an appointment at the desk (docs/api.md, "Checkout").

import { staffFetch } from '../../lib/staff-api.ts';

/** A checkout line: the booked service with its (possibly adjusted) price. */
export interface CheckoutLine {
  name: string;
  priceMinor: number;
  originalPriceMinor: number;
}

/** The ticket's figures, minor units. */
export interface CheckoutTotalsView {
  subtotalMinor: number;
  discountMinor: number;
  taxMinor: number;
  tipMinor: number;
  totalMinor: number;
  depositAppliedMinor: number;
  dueMinor: number;
  overpaidMinor: number;
}

/** GET …/appointments/{id}/checkout. */
export interface Checkout {
  appointmentId: string;
  appointmentStatus: string;
  barberId: string;
  status: 'open' | 'awaiting_payment' | 'paid';
  currency: string;
  taxRatePpm: number;
  depositPaidMinor: number;
  lines: CheckoutLine[];
  suggestedTips: Array<{ percent: number; amountMinor: number }>;
  totals: CheckoutTotalsView;
  method: 'cash' | 'card' | 'card_on_file' | 'none' | null;
  cardOnFile: boolean;
  cardPaymentsAvailable: boolean;
  canAdjustPrices: boolean;
  card: { clientSecret: string | null; publishableKey: string | null; testMode: boolean } | null;
  paidAt: string | null;
}

/** What the desk sends to close a checkout. */
export interface CloseCheckoutBody {
  lines?: Array<{ name: string; priceMinor: number }>;
  tip: { percent: number } | { amountMinor: number };
  discountMinor: number;
  method: 'cash' | 'card' | 'card_on_file';
  expectedTotalMinor: number;
}

const base = (locationId: string, id: string) => `/locations/${locationId}/appointments/${id}/checkout`;

/** The checkout (open as booked, or closed). */
export function getCheckout(locationId: string, id: string, signal?: AbortSignal): Promise<Checkout> {
  return staffFetch<Checkout>(base(locationId, id), { signal });
}

/** Closes the checkout; `key` is the Idempotency-Key of this attempt (the same on a retry). */
export function closeCheckout(locationId: string, id: string, body: CloseCheckoutBody, key: string) {
  return staffFetch<Checkout>(base(locationId, id), { method: 'POST', body, idempotencyKey: key });
}

/** Test mode: pays the desk's card payment with a Stripe test card number. */
export function testConfirmCard(locationId: string, id: string, cardNumber: string) {
  return staffFetch<Checkout>(`${base(locationId, id)}/card/test-confirm`, {
    method: 'POST',
    body: { cardNumber },
  });
}

/** Reads the card payment's outcome again. */
export function refreshCard(locationId: string, id: string) {
  return staffFetch<Checkout>(`${base(locationId, id)}/card/refresh`, { method: 'POST', body: {} });
}

/** A barber's tips per day. */
export interface BarberTips {
  barberId: string;
  from: string;
  to: string;
  currency: string;
  totalMinor: number;
  days: Array<{ date: string; amountMinor: number; count: number }>;
}

/** GET …/barbers/{barberId}/tips?from&to. */
export function getBarberTips(locationId: string, barberId: string, from: string, to: string) {
  return staffFetch<BarberTips>(
    `/locations/${locationId}/barbers/${barberId}/tips?${new URLSearchParams({ from, to })}`,
  );
}
