/**
 * Cancellation policies tied to money (issue 4; docs/api.md, "Cancellation policies"): the quote
 * behind a manage link, the client's cancel and reschedule applying it exactly, fees to the card
 * on file or owed, the staff no-show fee and the shop's full refund. Paid deposits are made
 * directly: a payments row, a FakeStripe intent confirmed with a test card, applyPaymentIntent.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, sql } from 'drizzle-orm';
import {
  appointmentHistory,
  appointments,
  clients,
  ledgerEntries,
  payments,
} from '../../../src/db/schema.ts';
import { insertPayment } from '../../../src/repositories/payment.repository.ts';
import { createAtProvider, ensureCustomer } from '../../../src/services/payment-requests.ts';
import { applyPaymentIntent } from '../../../src/services/payment.service.ts';
import { book, bookingBody, expectProblem, someClient, tokenOf } from '../../support/api.ts';
import { createTestApp, fixtureShop, type TestApp } from '../../support/harness.ts';
import { bearer, createStaff, locationId, organizationId, signIn } from '../../support/staff.ts';

const NOW = '2026-12-07T08:00:00-05:00';
const H = 3_600_000;
const M = 60_000;
let t: TestApp;
let n = 0;

// Online changes allowed until the start, so every tier of the standard policy is reachable.
const shop = fixtureShop({
  policy: { slotIntervalMinutes: 30, leadTimeMinutes: 60, horizonDays: 30, changeWindowHours: 0 },
});

beforeAll(async () => {
  t = await createTestApp({ now: NOW, payments: true, shop });
});
afterAll(async () => t?.close());
afterEach(() => t.clock.set(NOW));

const db = () => t.runtime.database.db;
const ctx = () => t.runtime.ctx;

/** A fresh start (Ben, every day 09:00–18:00): day `d` after Dec 10 at 10:00 New York. */
function nextStart(): string {
  const day = 10 + Math.floor(n / 8);
  const hour = 9 + (n % 8);
  n += 1;
  return `2026-12-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00-05:00`;
}

/**
 * Books Ben's 45-minute cut (4000) and returns the appointment, token and start. The client is a
 * returning one (an earlier completed visit) unless `firstTime`, so the first-time grace is off.
 */
async function booked(opts: { firstTime?: boolean } = {}) {
  const client = someClient(`p${n}`);
  const once = async () => {
    const start = nextStart();
    const res = await book(t, bookingBody(t, start, { barberId: t.ids.barbers.ben, client }));
    expect(res.statusCode, res.body).toBe(201);
    const appointment = res.json() as { id: string; manageUrl: string };
    return { id: appointment.id, token: tokenOf(appointment.manageUrl), startMs: Date.parse(start) };
  };
  if (!opts.firstTime) {
    const earlier = await once();
    await db().update(appointments).set({ status: 'completed' }).where(eq(appointments.id, earlier.id));
  }
  return once();
}

/** A deposit paid online for the appointment, as the booking flow leaves it. */
async function paidDeposit(appointmentId: string, amountMinor: number) {
  const payment = await insertPayment(db(), {
    organizationId: await organizationId(t),
    appointmentId,
    purpose: 'deposit',
    provider: 'stripe',
    idempotencyKey: `appointment:${appointmentId}:deposit`,
    amountMinor,
    currency: 'USD',
  });
  const created = await createAtProvider(ctx(), payment);
  if (created.kind === 'setup_intent') throw new Error('unexpected');
  t.stripe!.confirmAsClient(created.intent.id, 'pm_card_visa');
  const info = await ctx().payments!.provider.retrievePaymentIntent(created.intent.id);
  const result = await db().transaction((tx) => applyPaymentIntent(ctx(), tx, info));
  expect(result.outcome).toBe('applied');
  await db().update(appointments).set({ paymentMode: 'deposit' }).where(eq(appointments.id, appointmentId));
  return { paymentId: payment.id, intentId: created.intent.id };
}

/** Gives the appointment's client a saved card (a test card id) and marks the booking card-on-file. */
async function cardOnFile(appointmentId: string, card = 'pm_card_visa') {
  const [appt] = await db()
    .select({ clientId: appointments.clientId })
    .from(appointments)
    .where(eq(appointments.id, appointmentId));
  await ensureCustomer(ctx(), appt!.clientId);
  await db().update(clients).set({ cardOnFileId: card }).where(eq(clients.id, appt!.clientId));
  await db()
    .update(appointments)
    .set({ paymentMode: 'card_on_file' })
    .where(eq(appointments.id, appointmentId));
}

const quote = (token: string, action = 'cancel') =>
  t.app.inject({ url: `/api/v1/manage/${token}/change-quote?action=${action}` });
const cancel = (token: string, payload?: object) =>
  t.app.inject({ method: 'POST', url: `/api/v1/manage/${token}/cancel`, ...(payload ? { payload } : {}) });

const refundsOf = (intentId: string) =>
  [...t.stripe!.refunds.values()].filter((r) => r.payment_intent === intentId);

async function ledger(appointmentId: string) {
  return db()
    .select({ kind: ledgerEntries.kind, amountMinor: ledgerEntries.amountMinor })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.appointmentId, appointmentId))
    .orderBy(asc(ledgerEntries.id));
}

async function steps(appointmentId: string) {
  const rows = await db()
    .select({ details: appointmentHistory.details })
    .from(appointmentHistory)
    .where(and(eq(appointmentHistory.appointmentId, appointmentId), eq(appointmentHistory.action, 'payment')))
    .orderBy(asc(appointmentHistory.id));
  return rows.map((r) => r.details);
}

async function statusOf(id: string) {
  const [row] = await db()
    .select({ status: appointments.status })
    .from(appointments)
    .where(eq(appointments.id, id));
  return row!.status;
}

describe('GET /api/v1/manage/{token}/change-quote', () => {
  it('quotes each window of the standard policy for a $40 prepayment', async () => {
    const a = await booked();
    await paidDeposit(a.id, 4000);
    const at = async (msBefore: number, action = 'cancel') => {
      t.clock.set(a.startMs - msBefore);
      const res = await quote(a.token, action);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    expect(await at(72 * H)).toEqual({
      action: 'cancel',
      refundMinor: 4000,
      feeMinor: 0,
      feeOwedMinor: 0,
      currency: 'USD',
      policy: { name: 'Standard' },
      explanation: expect.stringContaining('100% back'),
    });
    expect(await at(48 * H)).toMatchObject({ refundMinor: 4000, feeMinor: 0 });
    expect(await at(48 * H - M)).toMatchObject({ refundMinor: 1000, feeMinor: 1000, feeOwedMinor: 0 });
    expect(await at(24 * H)).toMatchObject({ refundMinor: 1000, feeMinor: 1000 });
    // Late: nothing back, $25 fee; $0 refund to net against and no card → owed.
    expect(await at(24 * H - M)).toMatchObject({ refundMinor: 0, feeMinor: 2500, feeOwedMinor: 2500 });
    expect(await at(30 * H, 'reschedule')).toMatchObject({
      action: 'reschedule',
      refundMinor: 0,
      feeMinor: 1000,
      feeOwedMinor: 1000,
    });
  });

  it('quotes no charge when nothing was paid (pay at the shop)', async () => {
    const a = await booked();
    t.clock.set(a.startMs - 2 * H);
    const res = await quote(a.token);
    expect(res.json()).toMatchObject({ refundMinor: 0, feeMinor: 0, feeOwedMinor: 0 });
    expect(res.json().explanation).toMatch(/No charge/);
  });

  it("answers 404 for a token that is not this client's, leaking nothing", async () => {
    const a = await booked();
    await paidDeposit(a.id, 4000);
    const other = 'x'.repeat(43);
    const body = expectProblem(await quote(other), 404, 'NOT_FOUND');
    expect(JSON.stringify(body)).not.toContain(a.id);
    expectProblem(
      await cancel(other, { expectedQuote: { refundMinor: 4000, feeMinor: 0 } }),
      404,
      'NOT_FOUND',
    );
    expect(await statusOf(a.id)).toBe('confirmed');
    expect(refundsOf((await paymentsOf(a.id))[0]!.providerId!)).toHaveLength(0);
  });

  it('refuses a bad action', async () => {
    const a = await booked();
    expect((await quote(a.token, 'explode')).statusCode).toBe(422);
  });
});

async function paymentsOf(id: string) {
  return db().select().from(payments).where(eq(payments.appointmentId, id)).orderBy(asc(payments.createdAt));
}

describe('POST /api/v1/manage/{token}/cancel with a policy', () => {
  it('refunds everything outside the window, exactly once (a retry refunds nothing more)', async () => {
    const a = await booked();
    const { intentId } = await paidDeposit(a.id, 4000);
    t.clock.set(a.startMs - 72 * H);
    const res = await cancel(a.token, { expectedQuote: { refundMinor: 4000, feeMinor: 0 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('cancelled');
    expect(refundsOf(intentId).map((r) => r.amount)).toEqual([4000]);
    expect(await ledger(a.id)).toEqual([
      { kind: 'charge', amountMinor: 4000 },
      { kind: 'refund', amountMinor: 4000 },
    ]);
    const again = await cancel(a.token, { expectedQuote: { refundMinor: 4000, feeMinor: 0 } });
    expectProblem(again, 409, 'INVALID_STATE');
    expect(refundsOf(intentId)).toHaveLength(1);
    expect((await ledger(a.id)).filter((e) => e.kind === 'refund')).toHaveLength(1);
    const s = await steps(a.id);
    expect(s.map((d) => d.step)).toEqual(['planned', 'refunded']);
    expect(s[1]).toMatchObject({
      key: `appointment:${a.id}:cancel-refund:${(await paymentsOf(a.id))[0]!.id}`,
    });
  });

  it('a refund the provider failed at cancel time is made later by the recovery job, once', async () => {
    const a = await booked();
    const { intentId } = await paidDeposit(a.id, 4000);
    t.clock.set(a.startMs - 72 * H);
    // The first call and the SDK's two retries all fail: Stripe is down when the client cancels.
    for (let i = 0; i < 3; i++) t.stripe!.failWith(500);
    const res = await cancel(a.token, { expectedQuote: { refundMinor: 4000, feeMinor: 0 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('cancelled');
    expect(refundsOf(intentId)).toHaveLength(0);
    expect((await steps(a.id)).map((d) => d.step)).toEqual(['planned', 'refund_failed']);

    // A plan younger than the grace period is left to the request carrying it out.
    await t.runtime.reconciler.runOnce();
    expect(refundsOf(intentId)).toHaveLength(0);

    await db()
      .update(appointmentHistory)
      .set({ at: sql`${appointmentHistory.at} - interval '10 minutes'` })
      .where(eq(appointmentHistory.appointmentId, a.id));
    const pass = await t.runtime.reconciler.runOnce();
    expect(pass.settlementsResumed).toBe(1);
    expect(refundsOf(intentId).map((r) => r.amount)).toEqual([4000]);
    expect((await ledger(a.id)).filter((e) => e.kind === 'refund')).toEqual([
      { kind: 'refund', amountMinor: 4000 },
    ]);
    const again = await t.runtime.reconciler.runOnce();
    expect(again.settlementsResumed).toBe(0);
    expect(refundsOf(intentId)).toHaveLength(1);
    expect((await steps(a.id)).map((d) => d.step)).toEqual(['planned', 'refund_failed', 'refunded']);
  });

  it('a payment event delivered after a late cancellation refunds nothing the policy kept', async () => {
    const a = await booked();
    const { intentId } = await paidDeposit(a.id, 4000);
    t.clock.set(a.startMs - 2 * H);
    const res = await cancel(a.token);
    expect(res.statusCode, res.body).toBe(200);
    expect(refundsOf(intentId)).toHaveLength(0);
    // Stripe delivers (or redelivers) payment_intent.succeeded after the cancellation.
    const event = t.stripe!.lastEvent('payment_intent.succeeded', intentId)!;
    const { payload, signature } = t.stripe!.signedWebhook(event, {
      timestamp: Math.floor(t.clock.now().getTime() / 1000),
    });
    const hook = await t.app.inject({
      method: 'POST',
      url: '/webhooks/stripe',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      payload,
    });
    expect(hook.statusCode, hook.body).toBe(200);
    expect(refundsOf(intentId)).toHaveLength(0);
    expect((await ledger(a.id)).filter((e) => e.kind === 'refund')).toEqual([]);
  });

  it('refunds part inside the 24–48 h tier, netting the fee', async () => {
    const a = await booked();
    const { intentId } = await paidDeposit(a.id, 4000);
    t.clock.set(a.startMs - 30 * H);
    const res = await cancel(a.token, { expectedQuote: { refundMinor: 1000, feeMinor: 1000 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(refundsOf(intentId).map((r) => r.amount)).toEqual([1000]);
    expect(await ledger(a.id)).toEqual([
      { kind: 'charge', amountMinor: 4000 },
      { kind: 'refund', amountMinor: 1000 },
    ]);
    // No fee row: the fee was taken out of the refund.
    expect((await paymentsOf(a.id)).filter((p) => p.purpose === 'fee')).toHaveLength(0);
  });

  it('charges a late fee to the card on file', async () => {
    const a = await booked();
    await cardOnFile(a.id);
    t.clock.set(a.startMs - 12 * H);
    expect((await quote(a.token)).json()).toMatchObject({ refundMinor: 0, feeMinor: 2500, feeOwedMinor: 0 });
    const res = await cancel(a.token, { expectedQuote: { refundMinor: 0, feeMinor: 2500 } });
    expect(res.statusCode, res.body).toBe(200);
    const fee = (await paymentsOf(a.id)).find((p) => p.purpose === 'fee')!;
    expect(fee).toMatchObject({
      idempotencyKey: `appointment:${a.id}:late-fee`,
      amountMinor: 2500,
      status: 'succeeded',
    });
    expect(t.stripe!.intents.get(fee.providerId!)).toMatchObject({ amount: 2500, status: 'succeeded' });
    expect(await ledger(a.id)).toEqual([{ kind: 'fee', amountMinor: 2500 }]);
    expect((await steps(a.id)).map((d) => d.step)).toEqual(['planned', 'fee_charged']);
  });

  it('records the fee as owed when there is no card, and still cancels', async () => {
    const a = await booked();
    await paidDeposit(a.id, 1000);
    t.clock.set(a.startMs - 12 * H);
    const res = await cancel(a.token, { expectedQuote: { refundMinor: 0, feeMinor: 2500 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(await statusOf(a.id)).toBe('cancelled');
    expect((await steps(a.id)).at(-1)).toMatchObject({
      step: 'fee_owed',
      amountMinor: 2500,
      reason: 'no_card_on_file',
      key: `appointment:${a.id}:late-fee`,
    });
    expect(await ledger(a.id)).toEqual([{ kind: 'charge', amountMinor: 1000 }]);
  });

  it('records the fee as owed when the card is declined, and still cancels', async () => {
    const a = await booked();
    await cardOnFile(a.id, 'pm_card_chargeDeclined');
    t.clock.set(a.startMs - 12 * H);
    const res = await cancel(a.token, { expectedQuote: { refundMinor: 0, feeMinor: 2500 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(await statusOf(a.id)).toBe('cancelled');
    const fee = (await paymentsOf(a.id)).find((p) => p.purpose === 'fee')!;
    expect(fee).toMatchObject({ status: 'failed', failureCode: 'generic_decline' });
    expect((await steps(a.id)).at(-1)).toMatchObject({
      step: 'fee_owed',
      reason: 'generic_decline',
      amountMinor: 2500,
    });
    expect(await ledger(a.id)).toEqual([]);
  });

  it('refuses with QUOTE_CHANGED when the tier moved since the quote, and applies the new one', async () => {
    const a = await booked();
    const { intentId } = await paidDeposit(a.id, 4000);
    t.clock.set(a.startMs - 48 * H - M);
    const shown = (await quote(a.token)).json();
    expect(shown).toMatchObject({ refundMinor: 4000, feeMinor: 0 });
    t.clock.advance(2); // now 47 h 59 min before
    const res = await cancel(a.token, {
      expectedQuote: { refundMinor: shown.refundMinor, feeMinor: shown.feeMinor },
    });
    const body = expectProblem(res, 409, 'QUOTE_CHANGED');
    expect(body.quote).toMatchObject({ refundMinor: 1000, feeMinor: 1000 });
    expect(await statusOf(a.id)).toBe('confirmed');
    expect(refundsOf(intentId)).toHaveLength(0);
    const ok = await cancel(a.token, { expectedQuote: { refundMinor: 1000, feeMinor: 1000 } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(refundsOf(intentId).map((r) => r.amount)).toEqual([1000]);
  });

  it('without expectedQuote still applies the policy (older clients)', async () => {
    const a = await booked();
    const { intentId } = await paidDeposit(a.id, 4000);
    t.clock.set(a.startMs - 100 * H);
    expect((await cancel(a.token)).statusCode).toBe(200);
    expect(refundsOf(intentId).map((r) => r.amount)).toEqual([4000]);
  });
});

describe('first-time client grace', () => {
  it('gives a first-time client everything back at 24 h or more, and applies the tiers inside', async () => {
    const a = await booked({ firstTime: true });
    const { intentId } = await paidDeposit(a.id, 4000);
    t.clock.set(a.startMs - 24 * H - M);
    expect((await quote(a.token)).json()).toMatchObject({ refundMinor: 4000, feeMinor: 0 });
    t.clock.set(a.startMs - 24 * H + M);
    expect((await quote(a.token)).json()).toMatchObject({ refundMinor: 0, feeMinor: 2500 });
    t.clock.set(a.startMs - 25 * H);
    expect((await cancel(a.token, { expectedQuote: { refundMinor: 4000, feeMinor: 0 } })).statusCode).toBe(
      200,
    );
    expect(refundsOf(intentId).map((r) => r.amount)).toEqual([4000]);
  });
});

describe('POST /api/v1/manage/{token}/reschedule with a policy', () => {
  it('charges the reschedule fee to the card on file and keeps the money held', async () => {
    const a = await booked();
    await cardOnFile(a.id);
    t.clock.set(a.startMs - 30 * H);
    expect((await quote(a.token, 'reschedule')).json()).toMatchObject({ refundMinor: 0, feeMinor: 1000 });
    const to = '2026-12-30T17:00:00-05:00'; // free: the test starts end at 16:45
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/manage/${a.token}/reschedule`,
      payload: { start: to, expectedQuote: { refundMinor: 0, feeMinor: 1000 } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const fee = (await paymentsOf(a.id)).find((p) => p.purpose === 'fee')!;
    expect(fee).toMatchObject({
      idempotencyKey: `appointment:${a.id}:reschedule-fee:1`,
      amountMinor: 1000,
      status: 'succeeded',
    });
    expect(await ledger(a.id)).toEqual([{ kind: 'fee', amountMinor: 1000 }]);
  });

  it('refuses with QUOTE_CHANGED and does not move the appointment', async () => {
    const a = await booked();
    await cardOnFile(a.id);
    t.clock.set(a.startMs - 30 * H);
    const to = '2026-12-29T17:00:00-05:00';
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/manage/${a.token}/reschedule`,
      payload: { start: to, expectedQuote: { refundMinor: 0, feeMinor: 0 } },
    });
    expect(expectProblem(res, 409, 'QUOTE_CHANGED').quote).toMatchObject({ feeMinor: 1000 });
    const [row] = await db().select().from(appointments).where(eq(appointments.id, a.id));
    expect(row!.startsAt.getTime()).toBe(a.startMs);
    expect(await paymentsOf(a.id)).toHaveLength(0);
  });
});

describe('staff no-show and shop cancellation', () => {
  let auth: Record<string, string>;
  let loc: string;
  beforeAll(async () => {
    const desk = await createStaff(t, { email: 'desk@test-cuts.example', role: 'front_desk' });
    auth = bearer(await signIn(t, desk));
    loc = await locationId(t);
  });

  it('charges the no-show fee to the card on file', async () => {
    const a = await booked();
    await cardOnFile(a.id);
    t.clock.set(a.startMs + 30 * M);
    auth = bearer(await signIn(t, { ...(await deskAgain()) }));
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/locations/${loc}/appointments/${a.id}/no-show`,
      headers: auth,
      payload: {},
    });
    expect(res.statusCode, res.body).toBe(200);
    const fee = (await paymentsOf(a.id)).find((p) => p.purpose === 'fee')!;
    expect(fee).toMatchObject({ idempotencyKey: `appointment:${a.id}:no-show-fee`, amountMinor: 5000 });
    expect(await ledger(a.id)).toEqual([{ kind: 'fee', amountMinor: 5000 }]);
  });

  it('refunds in full when the shop cancels, even inside the late tier', async () => {
    const a = await booked();
    const { intentId } = await paidDeposit(a.id, 4000);
    t.clock.set(a.startMs - 2 * H);
    auth = bearer(await signIn(t, await deskAgain()));
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/locations/${loc}/appointments/${a.id}/cancel`,
      headers: auth,
      payload: { reason: 'Barber is ill' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(refundsOf(intentId).map((r) => r.amount)).toEqual([4000]);
    expect((await ledger(a.id)).map((e) => e.kind)).toEqual(['charge', 'refund']);
    expect((await paymentsOf(a.id)).filter((p) => p.purpose === 'fee')).toHaveLength(0);
  });
});

let desk: Awaited<ReturnType<typeof createStaff>> | undefined;
/** One front-desk account for the staff tests (sessions are per clock, so sign in again after moving it). */
async function deskAgain() {
  desk ??= await createStaff(t, { email: 'desk2@test-cuts.example', role: 'front_desk' });
  return desk;
}

describe('without a payment provider', () => {
  it('quotes no charge and cancels as before', async () => {
    const plain = await createTestApp({ now: NOW, shop });
    try {
      const res = await book(
        plain,
        bookingBody(plain, '2026-12-10T10:00:00-05:00', { client: someClient('np') }),
      );
      const token = tokenOf(res.json().manageUrl);
      plain.clock.set('2026-12-10T09:00:00-05:00');
      const q = await plain.app.inject({ url: `/api/v1/manage/${token}/change-quote?action=cancel` });
      expect(q.json()).toMatchObject({ refundMinor: 0, feeMinor: 0, feeOwedMinor: 0 });
      const c = await plain.app.inject({
        method: 'POST',
        url: `/api/v1/manage/${token}/cancel`,
        payload: {},
      });
      expect(c.statusCode).toBe(200);
    } finally {
      await plain.close();
    }
  });
});
