/**
 * Crash recovery and reconciliation (issue 4: "a crash between our write and Stripe's answer is
 * recovered by a job that reconciles, never by charging again"; "a reconciliation job compares
 * [the ledger] with Stripe's records and reports any difference"): the job replays a payment
 * still `creating` with the same idempotency key, re-reads unsettled ones, records refunds our
 * ledger lacks; late money for a released appointment is refunded once whichever path sees it;
 * the report and the reconcile-payments CLI list every difference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { appointments, payments } from '../../src/db/schema.ts';
import { runCli, reconcilePayments } from '../../src/cli.ts';
import { PaymentProviderError } from '../../src/payments/provider.ts';
import {
  appendLedger,
  appointmentBalance,
  ledgerOfAppointment,
} from '../../src/repositories/payment.repository.ts';
import { afterPaymentApplied } from '../../src/services/payment-effects.ts';
import { createAtProvider } from '../../src/services/payment-requests.ts';
import { applyPaymentIntent } from '../../src/services/payment.service.ts';
import { reconciliationReport } from '../../src/services/reconciliation.service.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import {
  bookedAppointment,
  deliver,
  giveCardOnFile,
  payAsClient,
  paymentRow,
  pendingDeposit,
  stripeOf,
} from './support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ payments: true });
});
afterAll(async () => t?.close());

const db = () => t.runtime.database.db;
const ledger = async (appointmentId: string) =>
  (await ledgerOfAppointment(db(), appointmentId)).map((e) => [e.kind, e.amountMinor]);

async function paymentOf(paymentId: string) {
  const [row] = await db().select().from(payments).where(eq(payments.id, paymentId));
  return row!;
}

/**
 * Creates a payment's provider object while every answer is lost (the first call and the SDK's
 * two retries with the same key): Stripe did it, our process never heard.
 */
async function createButNeverHear(payment: Parameters<typeof createAtProvider>[1]) {
  const stripe = stripeOf(t);
  stripe.dropResponses(3);
  await expect(createAtProvider(t.runtime.ctx, payment)).rejects.toBeInstanceOf(PaymentProviderError);
  expect(stripe.requests.filter((r) => r.idempotencyKey === payment.idempotencyKey)).toHaveLength(3);
}

const intentsOf = (paymentId: string) =>
  [...stripeOf(t).intents.values()].filter((pi) => pi.metadata.payment_id === paymentId);

describe('crash recovery', () => {
  it('a fee charged at Stripe whose answer we never saw settles after the job, with no second charge', async () => {
    const a = await bookedAppointment(t);
    await giveCardOnFile(t, a.clientId);
    const fee = await paymentRow(t, a, 'fee', 1500);
    const stripe = stripeOf(t);
    const chargesBefore = stripe.chargeCount;
    await createButNeverHear(fee);
    // Stripe charged the card; we still think the payment is being created.
    expect(stripe.chargeCount).toBe(chargesBefore + 1);
    expect((await paymentOf(fee.id)).status).toBe('creating');

    // Within the grace period the job leaves it alone (the request could still be in flight).
    expect((await t.runtime.reconciler.runOnce()).checked).toBe(0);
    t.clock.advance(3);
    const pass = await t.runtime.reconciler.runOnce();
    expect(pass.checked).toBeGreaterThanOrEqual(1);
    const settled = await paymentOf(fee.id);
    expect(settled.status).toBe('succeeded');
    expect(settled.providerId).toBe(intentsOf(fee.id)[0]!.id);
    expect(intentsOf(fee.id)).toHaveLength(1);
    expect(stripe.chargeCount).toBe(chargesBefore + 1);
    const calls = stripe.requests.filter((r) => r.idempotencyKey === fee.idempotencyKey);
    // The three lost attempts and the job's replay, all with the row's key.
    expect(calls.length).toBe(4);
    expect(await ledger(a.appointmentId)).toEqual([['fee', 1500]]);

    // Another pass changes nothing.
    t.clock.advance(10);
    await t.runtime.reconciler.runOnce();
    expect(stripe.chargeCount).toBe(chargesBefore + 1);
    expect(await ledger(a.appointmentId)).toEqual([['fee', 1500]]);
  });

  it('a deposit intent made but never stored is found again by its key, not made twice', async () => {
    const a = await bookedAppointment(t);
    const deposit = await paymentRow(t, a, 'deposit', 1000);
    await createButNeverHear(deposit);
    t.clock.advance(3);
    await t.runtime.reconciler.runOnce();
    const row = await paymentOf(deposit.id);
    expect(row.status).toBe('requires_payment_method');
    expect(intentsOf(deposit.id)).toHaveLength(1);
    expect(row.providerId).toBe(intentsOf(deposit.id)[0]!.id);
  });

  it('a payment whose webhook never came is settled by the re-read', async () => {
    const p = await pendingDeposit(t);
    payAsClient(t, p.intentId);
    t.clock.advance(3);
    await t.runtime.reconciler.runOnce();
    const [appt] = await db()
      .select({ status: appointments.status })
      .from(appointments)
      .where(eq(appointments.id, p.appointmentId));
    expect(appt!.status).toBe('confirmed');
    expect(await ledger(p.appointmentId)).toEqual([['charge', 1000]]);
    // The webhook arriving afterwards adds nothing.
    expect((await deliver(t, 'payment_intent.succeeded', p.intentId)).statusCode).toBe(200);
    expect(await ledger(p.appointmentId)).toEqual([['charge', 1000]]);
  });

  it('a refund Stripe made that our ledger lacks is recorded by the job, once', async () => {
    const p = await pendingDeposit(t);
    payAsClient(t, p.intentId);
    await deliver(t, 'payment_intent.succeeded', p.intentId);
    stripeOf(t).refundFromDashboard(p.intentId, 300);
    await t.runtime.reconciler.runOnce();
    await t.runtime.reconciler.runOnce();
    expect(await ledger(p.appointmentId)).toEqual([
      ['charge', 1000],
      ['refund', 300],
    ]);
    expect(await appointmentBalance(db(), p.appointmentId)).toBe(700);
  });

  it('late money for a released appointment is refunded once when the webhook and the refresh both see it', async () => {
    const p = await pendingDeposit(t);
    // The hold expired and the slot was released before the client's payment went through.
    await db().update(appointments).set({ status: 'cancelled' }).where(eq(appointments.id, p.appointmentId));
    payAsClient(t, p.intentId);
    const stripe = stripeOf(t);
    const ctx = t.runtime.ctx;
    const refresh = async () => {
      const intent = await ctx.payments!.provider.retrievePaymentIntent(p.intentId);
      const result = await db().transaction((tx) => applyPaymentIntent(ctx, tx, intent));
      await afterPaymentApplied(ctx, result);
    };
    const [webhook] = await Promise.all([deliver(t, 'payment_intent.succeeded', p.intentId), refresh()]);
    expect(webhook.statusCode).toBe(200);
    await refresh();
    const refunds = [...stripe.refunds.values()].filter((r) => r.payment_intent === p.intentId);
    expect(refunds).toHaveLength(1);
    const charge = stripe.intents.get(p.intentId)!.latest_charge!;
    expect((await deliver(t, 'charge.refunded', charge)).statusCode).toBe(200);
    await t.runtime.reconciler.runOnce();
    const entries = await ledgerOfAppointment(db(), p.appointmentId);
    expect(entries.map((e) => [e.kind, e.amountMinor, e.note])).toEqual([
      ['charge', 1000, null],
      ['refund', 1000, 'late_payment'],
    ]);
    expect(await appointmentBalance(db(), p.appointmentId)).toBe(0);
  });
});

describe('the reconciliation report', () => {
  const period = () => ({
    from: new Date(Date.now() - 86_400_000),
    to: new Date(Date.now() + 86_400_000),
  });

  it('lists every difference: missing in the ledger, missing at the provider, amounts that differ', async () => {
    const provider = t.runtime.payments!.provider;
    const stripe = stripeOf(t);
    const clean = await pendingDeposit(t);
    payAsClient(t, clean.intentId);
    await deliver(t, 'payment_intent.succeeded', clean.intentId);

    const p = await pendingDeposit(t, 2000);
    payAsClient(t, p.intentId);
    await deliver(t, 'payment_intent.succeeded', p.intentId);
    const refund = stripe.refundFromDashboard(p.intentId, 500); // never delivered
    const dispute = stripe.dispute(p.intentId, 1500); // never delivered
    await appendLedger(db(), {
      organizationId: p.organizationId,
      appointmentId: p.appointmentId,
      paymentId: p.paymentId,
      kind: 'refund',
      amountMinor: 100,
      currency: 'USD',
      providerRef: 're_ghost',
    });

    const report = await reconciliationReport(db(), provider, period());
    expect(report.paymentsChecked).toBeGreaterThanOrEqual(2);
    expect(report.differences.filter((d) => d.paymentId === clean.paymentId)).toEqual([]);
    const mine = report.differences
      .filter((d) => d.paymentId === p.paymentId)
      .map((d) => [d.kind, d.ref, d.issue, d.ledgerMinor, d.providerMinor]);
    expect(mine).toEqual(
      expect.arrayContaining([
        ['refund', refund.id, 'missing_in_ledger', 0, 500],
        ['refund', 're_ghost', 'missing_at_provider', 100, 0],
        ['dispute', dispute.id, 'missing_in_ledger', 0, 1500],
      ]),
    );
    expect(mine).toHaveLength(3);

    let out = '';
    const code = await reconcilePayments(db(), provider, period(), {
      out: (s) => (out += s),
      err: () => undefined,
    });
    expect(code).toBe(3);
    expect(out).toContain('missing_at_provider');
    expect(out).toContain('re_ghost');
    expect(out).toMatch(/payment\s+provider id\s+kind/);
  });

  it('an amount that differs is reported as such', async () => {
    const p = await pendingDeposit(t, 1200);
    payAsClient(t, p.intentId);
    // Our ledger says a different amount for this charge than Stripe received.
    await appendLedger(db(), {
      organizationId: p.organizationId,
      appointmentId: p.appointmentId,
      paymentId: p.paymentId,
      kind: 'charge',
      amountMinor: 1100,
      currency: 'USD',
      providerRef: stripeOf(t).intents.get(p.intentId)!.latest_charge!,
    });
    const report = await reconciliationReport(db(), t.runtime.payments!.provider, period());
    expect(report.differences.filter((d) => d.paymentId === p.paymentId)).toEqual([
      expect.objectContaining({
        kind: 'charge',
        issue: 'amount_differs',
        ledgerMinor: 1100,
        providerMinor: 1200,
      }),
    ]);
  });

  it('exit 0 for a period without differences, 1 when the provider cannot be read', async () => {
    const provider = t.runtime.payments!.provider;
    let out = '';
    const quiet = { out: (s: string) => (out += s), err: () => undefined };
    const empty = { from: new Date('2020-01-01T00:00:00Z'), to: new Date('2020-02-01T00:00:00Z') };
    expect(await reconcilePayments(db(), provider, empty, quiet)).toBe(0);
    expect(out).toContain('0 checked, 0 difference(s)');
    const stripe = stripeOf(t);
    for (let i = 0; i < 3; i += 1) stripe.failWith(503);
    let err = '';
    expect(
      await reconcilePayments(db(), provider, period(), { out: () => undefined, err: (s) => (err += s) }),
    ).toBe(1);
    expect(err).toContain('could not be read');
  });

  it('the CLI: usage errors exit 2, no payment provider exits 1', async () => {
    let err = '';
    const io = { out: () => undefined, err: (s: string) => (err += s), env: { LOG_LEVEL: 'silent' } };
    expect(await runCli(['reconcile-payments'], io)).toBe(2);
    expect(await runCli(['reconcile-payments', '2026-12-31', '2026-12-01'], io)).toBe(2);
    expect(await runCli(['reconcile-payments', 'yesterday', 'today'], io)).toBe(2);
    expect(err).toContain('reconcile-payments FROM TO');
    err = '';
    expect(await runCli(['reconcile-payments', '2026-12-01', '2026-12-31'], io)).toBe(1);
    expect(err).toContain('No payment provider');
  });
});
