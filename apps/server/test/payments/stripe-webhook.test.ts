/**
 * POST /webhooks/stripe (issue 4, "Stripe, done right"), end to end through the Stripe SDK and the
 * Stripe-compatible test server, with events signed by the real scheme: success, decline, 3-D
 * Secure, refunds, disputes, duplicate and out-of-order deliveries, bad and expired signatures,
 * objects that are not ours, and Stripe unreachable while handling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { appointmentHistory, appointments, payments, webhookEvents } from '../../src/db/schema.ts';
import {
  appointmentBalance,
  insertPayment,
  ledgerOfAppointment,
} from '../../src/repositories/payment.repository.ts';
import { createAtProvider, ensureCustomer } from '../../src/services/payment-requests.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { deliver, payAsClient, pendingDeposit, postWebhook, stripeOf } from './support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ payments: true });
});
afterAll(async () => t?.close());

const db = () => t.runtime.database.db;

async function statusOf(appointmentId: string) {
  const [row] = await db()
    .select({ status: appointments.status })
    .from(appointments)
    .where(eq(appointments.id, appointmentId));
  return row!.status;
}

async function paymentOf(paymentId: string) {
  const [row] = await db().select().from(payments).where(eq(payments.id, paymentId));
  return row!;
}

const ledger = async (appointmentId: string) =>
  (await ledgerOfAppointment(db(), appointmentId)).map((e) => [e.kind, e.amountMinor]);

async function eventsRecorded(id: string) {
  const [row] = await db().select({ n: count() }).from(webhookEvents).where(eq(webhookEvents.id, id));
  return row!.n;
}

/** A deposit paid and its success delivered. */
async function paidDeposit(amount = 1000) {
  const p = await pendingDeposit(t, amount);
  payAsClient(t, p.intentId);
  const res = await deliver(t, 'payment_intent.succeeded', p.intentId);
  expect(res.statusCode, res.body).toBe(200);
  return p;
}

describe('payment outcomes', () => {
  it('success: the pending appointment is confirmed and the charge is in the ledger once', async () => {
    const p = await pendingDeposit(t, 1000);
    expect(await statusOf(p.appointmentId)).toBe('pending');
    payAsClient(t, p.intentId);
    const res = await deliver(t, 'payment_intent.succeeded', p.intentId);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true, outcome: 'applied' });
    expect(await statusOf(p.appointmentId)).toBe('confirmed');
    expect((await paymentOf(p.paymentId)).status).toBe('succeeded');
    expect(await ledger(p.appointmentId)).toEqual([['charge', 1000]]);
    expect(await appointmentBalance(db(), p.appointmentId)).toBe(1000);
  });

  it('decline: the payment records the failure code and the appointment stays pending', async () => {
    const p = await pendingDeposit(t);
    payAsClient(t, p.intentId, 'pm_card_chargeDeclined');
    const res = await deliver(t, 'payment_intent.payment_failed', p.intentId);
    expect(res.statusCode).toBe(200);
    const pay = await paymentOf(p.paymentId);
    expect(pay.status).toBe('requires_payment_method');
    expect(pay.failureCode).toBe('generic_decline');
    expect(await statusOf(p.appointmentId)).toBe('pending');
    expect(await ledger(p.appointmentId)).toEqual([]);
  });

  it('3-D Secure: required (still pending, no money) then authenticated (confirmed)', async () => {
    const p = await pendingDeposit(t);
    payAsClient(t, p.intentId, 'pm_card_threeDSecure2Required');
    // No event for requires_action: the job's re-read sees it.
    t.clock.advance(5);
    await t.runtime.reconciler.runOnce();
    expect((await paymentOf(p.paymentId)).status).toBe('requires_action');
    expect(await statusOf(p.appointmentId)).toBe('pending');
    expect(await ledger(p.appointmentId)).toEqual([]);
    stripeOf(t).authenticate(p.intentId);
    const res = await deliver(t, 'payment_intent.succeeded', p.intentId);
    expect(res.statusCode).toBe(200);
    expect(await statusOf(p.appointmentId)).toBe('confirmed');
    expect(await ledger(p.appointmentId)).toEqual([['charge', 1000]]);
  });

  it('setup_intent.succeeded saves the card on file and confirms a pending card-on-file booking', async () => {
    const p = await pendingDeposit(t);
    const { clientId } = p;
    await ensureCustomer(t.runtime.ctx, clientId);
    const setupRow = await insertPayment(db(), {
      organizationId: p.organizationId,
      appointmentId: p.appointmentId,
      purpose: 'card_setup',
      provider: 'stripe',
      idempotencyKey: `appointment:${p.appointmentId}:card_setup`,
      amountMinor: 0,
      currency: 'USD',
    });
    const created = await createAtProvider(t.runtime.ctx, setupRow);
    if (created.kind !== 'setup_intent') throw new Error('expected a setup intent');
    const sdk = t.runtime.payments!;
    // The browser confirms the setup intent (Stripe.js); here through the API directly.
    await fetch(
      `http://${sdk.testServer!.host}:${sdk.testServer!.port}/v1/setup_intents/${created.setup.id}/confirm`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${sdk.testServer!.secretKey}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'payment_method=pm_card_visa',
      },
    );
    const res = await deliver(t, 'setup_intent.succeeded', created.setup.id);
    expect(res.statusCode, res.body).toBe(200);
    expect((await paymentOf(setupRow.id)).status).toBe('succeeded');
    expect(await statusOf(p.appointmentId)).toBe('confirmed');
    expect(await ledger(p.appointmentId)).toEqual([]);
  });
});

describe('refunds and disputes', () => {
  it('full refund made by our code: recorded once with its reason, balance 0', async () => {
    const p = await paidDeposit(1000);
    const refund = await t.runtime.payments!.provider.createRefund(
      {
        paymentIntentId: p.intentId,
        amountMinor: 1000,
        metadata: { payment_id: p.paymentId, reason: 'cancelled_in_time' },
      },
      `payment:${p.paymentId}:refund:test`,
    );
    const charge = stripeOf(t).intents.get(p.intentId)!.latest_charge!;
    expect((await deliver(t, 'charge.refunded', charge)).statusCode).toBe(200);
    const entries = await ledgerOfAppointment(db(), p.appointmentId);
    expect(entries.map((e) => [e.kind, e.amountMinor, e.providerRef, e.note])).toEqual([
      ['charge', 1000, charge, null],
      ['refund', 1000, refund.id, 'cancelled_in_time'],
    ]);
    expect(await appointmentBalance(db(), p.appointmentId)).toBe(0);
  });

  it('partial refunds: each recorded once, the balance is what is left', async () => {
    const p = await paidDeposit(1000);
    const stripe = stripeOf(t);
    const charge = stripe.intents.get(p.intentId)!.latest_charge!;
    stripe.refundFromDashboard(p.intentId, 400);
    expect((await deliver(t, 'charge.refunded', charge)).statusCode).toBe(200);
    expect(await appointmentBalance(db(), p.appointmentId)).toBe(600);
    stripe.refundFromDashboard(p.intentId, 100);
    expect((await deliver(t, 'charge.refunded', charge)).statusCode).toBe(200);
    expect(await ledger(p.appointmentId)).toEqual([
      ['charge', 1000],
      ['refund', 400],
      ['refund', 100],
    ]);
    expect(await appointmentBalance(db(), p.appointmentId)).toBe(500);
  });

  it('dispute: a ledger dispute and a history line; won: dispute_won restores the balance', async () => {
    const p = await paidDeposit(1000);
    const stripe = stripeOf(t);
    const dispute = stripe.dispute(p.intentId);
    const res = await deliver(t, 'charge.dispute.created', String(dispute.id));
    expect(res.statusCode, res.body).toBe(200);
    const entries = await ledgerOfAppointment(db(), p.appointmentId);
    expect(entries.map((e) => [e.kind, e.amountMinor, e.providerRef])).toEqual([
      ['charge', 1000, stripe.intents.get(p.intentId)!.latest_charge],
      ['dispute', 1000, dispute.id],
    ]);
    expect(await appointmentBalance(db(), p.appointmentId)).toBe(0);
    const history = await db()
      .select({ details: appointmentHistory.details })
      .from(appointmentHistory)
      .where(eq(appointmentHistory.appointmentId, p.appointmentId));
    expect(history.map((h) => (h.details as { event?: string }).event)).toContain('dispute_opened');

    stripe.closeDispute(String(dispute.id), 'won');
    expect((await deliver(t, 'charge.dispute.closed', String(dispute.id))).statusCode).toBe(200);
    expect(await ledger(p.appointmentId)).toEqual([
      ['charge', 1000],
      ['dispute', 1000],
      ['dispute_won', 1000],
    ]);
    expect(await appointmentBalance(db(), p.appointmentId)).toBe(1000);
  });
});

describe('delivery', () => {
  it('a duplicate delivery is answered 200 and applied once', async () => {
    const p = await pendingDeposit(t);
    payAsClient(t, p.intentId);
    const first = await deliver(t, 'payment_intent.succeeded', p.intentId);
    const again = await deliver(t, 'payment_intent.succeeded', p.intentId);
    expect(first.json().outcome).toBe('applied');
    expect(again.statusCode).toBe(200);
    expect(again.json().outcome).toBe('duplicate');
    expect(await ledger(p.appointmentId)).toEqual([['charge', 1000]]);
    const confirmations = await db()
      .select({ n: count() })
      .from(appointmentHistory)
      .where(eq(appointmentHistory.appointmentId, p.appointmentId));
    // created + pending→confirmed, not twice
    expect(confirmations[0]!.n).toBe(2);
  });

  it('out of order: payment_failed delivered after succeeded leaves it confirmed (the object is re-read)', async () => {
    const p = await pendingDeposit(t);
    payAsClient(t, p.intentId, 'pm_card_chargeDeclined');
    payAsClient(t, p.intentId, 'pm_card_visa');
    expect((await deliver(t, 'payment_intent.succeeded', p.intentId)).statusCode).toBe(200);
    const late = await deliver(t, 'payment_intent.payment_failed', p.intentId);
    expect(late.statusCode).toBe(200);
    expect(await statusOf(p.appointmentId)).toBe('confirmed');
    expect((await paymentOf(p.paymentId)).status).toBe('succeeded');
    expect(await ledger(p.appointmentId)).toEqual([['charge', 1000]]);
  });

  it('a bad signature is refused with 400 and nothing is recorded', async () => {
    const p = await pendingDeposit(t);
    payAsClient(t, p.intentId);
    const stripe = stripeOf(t);
    const event = stripe.lastEvent('payment_intent.succeeded', p.intentId)!;
    const wrong = stripe.signedWebhook(event, { secret: 'whsec_not_ours' });
    const res = await postWebhook(t, wrong.payload, wrong.signature);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('WEBHOOK_SIGNATURE_INVALID');
    // A body changed after signing does not verify either.
    const good = stripe.signedWebhook(event);
    const tampered = await postWebhook(
      t,
      good.payload.replace('"livemode":false', '"livemode":true'),
      good.signature,
    );
    expect(tampered.statusCode).toBe(400);
    expect((await postWebhook(t, good.payload)).statusCode).toBe(400);
    expect(await eventsRecorded(event.id)).toBe(0);
    expect(await statusOf(p.appointmentId)).toBe('pending');
  });

  it('an expired timestamp (over 5 minutes by our clock) is refused; within 5 minutes it is accepted', async () => {
    const p = await pendingDeposit(t);
    payAsClient(t, p.intentId);
    const stripe = stripeOf(t);
    const event = stripe.lastEvent('payment_intent.succeeded', p.intentId)!;
    const signed = stripe.signedWebhook(event);
    t.clock.advance(6);
    const res = await postWebhook(t, signed.payload, signed.signature);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(await eventsRecorded(event.id)).toBe(0);
    const fresh = stripe.signedWebhook(event);
    t.clock.advance(4);
    expect((await postWebhook(t, fresh.payload, fresh.signature)).statusCode).toBe(200);
    expect(await statusOf(p.appointmentId)).toBe('confirmed');
  });

  it('an event about an object that is not ours: 200, recorded, nothing else, Stripe not even read', async () => {
    const stripe = stripeOf(t);
    const foreign = await t.runtime.payments!.provider.createPaymentIntent(
      { amountMinor: 2500, currency: 'usd', metadata: { order: 'someone-else' } },
      'not-ours-1',
    );
    payAsClient(t, foreign.id);
    const ledgerBefore = await db().select({ n: count() }).from(payments);
    const requestsBefore = stripe.requests.length;
    const res = await deliver(t, 'payment_intent.succeeded', foreign.id);
    expect(res.statusCode).toBe(200);
    expect(res.json().outcome).toBe('ignored');
    expect(stripe.requests.length).toBe(requestsBefore);
    expect(await eventsRecorded(stripe.lastEvent('payment_intent.succeeded', foreign.id)!.id)).toBe(1);
    expect(await db().select({ n: count() }).from(payments)).toEqual(ledgerBefore);
  });

  it('Stripe unreachable while handling: 502, not recorded; the retry applies it', async () => {
    const p = await pendingDeposit(t);
    payAsClient(t, p.intentId);
    const stripe = stripeOf(t);
    // The SDK retries twice on a 5xx: three failures make the read fail.
    stripe.failWith(503);
    stripe.failWith(503);
    stripe.failWith(503);
    const event = stripe.lastEvent('payment_intent.succeeded', p.intentId)!;
    const res = await deliver(t, 'payment_intent.succeeded', p.intentId);
    expect(res.statusCode).toBe(502);
    expect(res.json().code).toBe('PAYMENT_PROVIDER_ERROR');
    expect(await eventsRecorded(event.id)).toBe(0);
    expect(await statusOf(p.appointmentId)).toBe('pending');
    const retry = await deliver(t, 'payment_intent.succeeded', p.intentId);
    expect(retry.statusCode).toBe(200);
    expect(await statusOf(p.appointmentId)).toBe('confirmed');
    expect(await ledger(p.appointmentId)).toEqual([['charge', 1000]]);
  });

  it('refuses a body over 1 MB', async () => {
    const res = await postWebhook(t, JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) }), 't=1,v1=00');
    expect(res.statusCode).toBe(413);
  });
});

describe('without a payment provider', () => {
  it('answers 404', async () => {
    const plain = await createTestApp();
    try {
      const res = await plain.app.inject({
        method: 'POST',
        url: '/webhooks/stripe',
        headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
        payload: '{}',
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
    } finally {
      await plain.close();
    }
  });
});
