/**
 * Helpers for the payment tests: a `pending` appointment with a deposit due, made through the
 * booking API and then turned into what the deposit booking flow leaves behind (payment row first,
 * then the provider's intent, applied), and posting webhooks signed with the real scheme.
 */
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { eq } from 'drizzle-orm';
import { appointments, clients, locations, payments } from '../../src/db/schema.ts';
import { insertPayment, type PaymentRecord } from '../../src/repositories/payment.repository.ts';
import { hashToken } from '../../src/services/booking.service.ts';
import { createAtProvider } from '../../src/services/payment-requests.ts';
import { applyPaymentIntent } from '../../src/services/payment.service.ts';
import type { FakeStripe } from '../../src/payments/stripe-test-server.ts';
import { book, bookingBody, someClient, tokenOf } from '../support/api.ts';
import type { TestApp } from '../support/harness.ts';

let slot = 0;

/** The next free test slot (Ben works every day 09:00–18:00 in New York). */
function nextStart(): string {
  const n = slot++;
  const day = 8 + Math.floor(n / 8);
  const hour = 9 + (n % 8);
  return `2026-12-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00-05:00`;
}

/** The test server with its event clock on the harness clock (signatures are checked against it). */
export function stripeOf(t: TestApp): FakeStripe {
  const s = t.stripe!;
  s.now = () => Math.floor(t.clock.now().getTime() / 1000);
  return s;
}

/** A booked appointment (confirmed, pay at the shop) with Ben: its id, organization and client. */
export async function bookedAppointment(
  t: TestApp,
): Promise<{ appointmentId: string; organizationId: string; clientId: string }> {
  const res = await book(
    t,
    bookingBody(t, nextStart(), { barberId: t.ids.barbers.ben, client: someClient(`pay${slot}`) }),
  );
  expect(res.statusCode, res.body).toBe(201);
  const db = t.runtime.database.db;
  const [row] = await db
    .select({ id: appointments.id, clientId: appointments.clientId, org: locations.organizationId })
    .from(appointments)
    .innerJoin(locations, eq(locations.id, appointments.locationId))
    .where(eq(appointments.manageTokenHash, hashToken(tokenOf(res.json().manageUrl))));
  return { appointmentId: row!.id, organizationId: row!.org, clientId: row!.clientId };
}

/** The payment row of a purpose for an appointment (status `creating`), as every creator inserts it first. */
export async function paymentRow(
  t: TestApp,
  a: { appointmentId: string; organizationId: string },
  purpose: PaymentRecord['purpose'],
  amountMinor: number,
): Promise<PaymentRecord> {
  const row = await insertPayment(t.runtime.database.db, {
    organizationId: a.organizationId,
    appointmentId: a.appointmentId,
    purpose,
    provider: 'stripe',
    idempotencyKey: `appointment:${a.appointmentId}:${purpose}`,
    amountMinor,
    currency: 'USD',
  });
  // insertPayment stamps the database's clock; the grace period is measured on the test clock.
  const updatedAt = t.clock.now();
  await t.runtime.database.db.update(payments).set({ updatedAt }).where(eq(payments.id, row.id));
  return { ...row, updatedAt };
}

/**
 * A `pending` appointment holding its slot for a deposit, with the deposit's PaymentIntent made
 * at the provider and its id stored (what the deposit booking flow leaves behind).
 */
export async function pendingDeposit(
  t: TestApp,
  amountMinor = 1000,
): Promise<{
  appointmentId: string;
  organizationId: string;
  clientId: string;
  paymentId: string;
  intentId: string;
}> {
  const a = await bookedAppointment(t);
  const db = t.runtime.database.db;
  await db
    .update(appointments)
    .set({
      status: 'pending',
      paymentMode: 'deposit',
      amountDueOnlineMinor: amountMinor,
      holdExpiresAt: new Date(t.clock.now().getTime() + 10 * 60_000),
    })
    .where(eq(appointments.id, a.appointmentId));
  const payment = await paymentRow(t, a, 'deposit', amountMinor);
  const created = await createAtProvider(t.runtime.ctx, payment);
  if (created.kind === 'setup_intent') throw new Error('expected a payment intent');
  await db.transaction((tx) => applyPaymentIntent(t.runtime.ctx, tx, created.intent));
  return { ...a, paymentId: payment.id, intentId: created.intent.id };
}

/** Gives a client a saved card at the provider (as a finished card setup would). */
export async function giveCardOnFile(t: TestApp, clientId: string, card = 'pm_card_visa'): Promise<void> {
  await t.runtime.database.db
    .update(clients)
    .set({ providerCustomerId: `cus_test_${clientId.slice(0, 8)}`, cardOnFileId: card })
    .where(eq(clients.id, clientId));
}

/** The client pays an intent with a test card (a decline's card error is swallowed, as the browser shows it). */
export function payAsClient(t: TestApp, intentId: string, card = 'pm_card_visa'): void {
  try {
    stripeOf(t).confirmAsClient(intentId, card);
  } catch {
    // Stripe.js shows the decline to the client; the event is what we act on.
  }
}

/** Posts a raw body with a signature header to POST /webhooks/stripe. */
export function postWebhook(
  t: TestApp,
  payload: string,
  signature?: string,
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: '/webhooks/stripe',
    headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) },
    payload,
  });
}

/** Delivers the last event of a type (about an object) as Stripe would, signed now (or at `timestamp`). */
export async function deliver(
  t: TestApp,
  type: string,
  objectId?: string,
  opts: { timestamp?: number } = {},
): Promise<LightMyRequestResponse> {
  const stripe = stripeOf(t);
  const event = stripe.lastEvent(type, objectId);
  if (!event) throw new Error(`No ${type} event${objectId ? ` for ${objectId}` : ''}`);
  const { payload, signature } = stripe.signedWebhook(event, opts);
  return postWebhook(t, payload, signature);
}
