/**
 * Handling a verified Stripe webhook event (issue 4, "Stripe, done right"). The event only tells
 * us WHICH object changed: its current state is read again from the provider (so duplicates and
 * any delivery order have the same effect), then the event id is recorded and the effect applied
 * in ONE transaction (a duplicate delivery finds the id and does nothing). After the commit,
 * `afterPaymentApplied` runs (late money refunded once, the outbox woken). No email is sent here.
 *
 * Handled: payment_intent.succeeded / payment_intent.payment_failed (and any other
 * payment_intent.*), setup_intent.succeeded (and setup_intent.*), charge.refunded,
 * charge.dispute.created, charge.dispute.closed (won → `dispute_won`). Other types, and events
 * about objects that are not ours, are recorded and otherwise ignored.
 */
import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { appointments, webhookEvents } from '../db/schema.ts';
import {
  PaymentProviderError,
  type DisputeInfo,
  type PaymentIntentInfo,
  type PaymentProvider,
  type RefundInfo,
  type SetupIntentInfo,
  type WebhookEvent,
} from '../payments/provider.ts';
import { addHistory } from '../repositories/appointment.repository.ts';
import {
  appendLedger,
  findPayment,
  findPaymentByProviderId,
  recordWebhookEvent,
  type PaymentRecord,
} from '../repositories/payment.repository.ts';
import { isUuid } from './access.service.ts';
import type { AppContext } from './context.ts';
import { afterPaymentApplied } from './payment-effects.ts';
import {
  applyPaymentIntent,
  applySetupIntent,
  recordRefund,
  requirePayments,
  type ApplyResult,
} from './payment.service.ts';

/** What handling an event did. */
export type WebhookOutcome =
  /** The event id was seen before: nothing done. */
  | 'duplicate'
  /** Recorded and applied. */
  | 'applied'
  /** Recorded; not about an object of ours, or a type we do not act on. */
  | 'ignored';

/** The provider state an event's effect is computed from (read before the transaction). */
type Fetched =
  | { kind: 'payment_intent'; intent: PaymentIntentInfo }
  | { kind: 'setup_intent'; setup: SetupIntentInfo }
  | { kind: 'refunds'; payment: PaymentRecord; refunds: RefundInfo[] }
  | { kind: 'dispute'; payment: PaymentRecord; dispute: DisputeInfo }
  | { kind: 'none' };

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/**
 * Our payment an object belongs to, from identity only (ids never change, so trusting the payload
 * for them is safe): its provider id, or the `payment_id` we put in its metadata before we knew
 * the id (a crash between creating it and storing the answer).
 */
async function paymentFor(
  ctx: AppContext,
  providerId: string | null,
  metadata: unknown,
): Promise<PaymentRecord | undefined> {
  const db = ctx.database.db;
  const byId = providerId ? await findPaymentByProviderId(db, providerId) : undefined;
  if (byId) return byId;
  const meta = metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>) : {};
  const paymentId = str(meta.payment_id);
  return paymentId && isUuid(paymentId) ? findPayment(db, paymentId) : undefined;
}

/**
 * Reads the current state an event is about from the provider, or `none` when it is not about an
 * object of ours (no provider call then).
 * @throws PaymentProviderError when the provider cannot be read (the caller answers 502).
 */
async function fetchState(ctx: AppContext, provider: PaymentProvider, event: WebhookEvent): Promise<Fetched> {
  const o = event.object;
  if (event.type.startsWith('payment_intent.')) {
    if (!(await paymentFor(ctx, event.objectId, o.metadata))) return { kind: 'none' };
    return { kind: 'payment_intent', intent: await provider.retrievePaymentIntent(event.objectId) };
  }
  if (event.type.startsWith('setup_intent.')) {
    if (!(await paymentFor(ctx, event.objectId, o.metadata))) return { kind: 'none' };
    return { kind: 'setup_intent', setup: await provider.retrieveSetupIntent(event.objectId) };
  }
  if (event.type === 'charge.refunded') {
    const pi = str(o.payment_intent);
    const payment = pi ? await paymentFor(ctx, pi, o.metadata) : undefined;
    if (!payment?.providerId) return { kind: 'none' };
    return { kind: 'refunds', payment, refunds: await provider.listRefunds(payment.providerId) };
  }
  if (event.type === 'charge.dispute.created' || event.type === 'charge.dispute.closed') {
    const pi = str(o.payment_intent);
    const payment = pi ? await paymentFor(ctx, pi, undefined) : undefined;
    if (!payment || !provider.retrieveDispute) return { kind: 'none' };
    const dispute = await provider.retrieveDispute(event.objectId);
    return { kind: 'dispute', payment, dispute };
  }
  return { kind: 'none' };
}

/**
 * Records a dispute in the ledger once (`dispute`, by the dispute id) with a history line on the
 * appointment, and `dispute_won` once when the bank decided for the shop.
 * @returns whether anything new was written.
 */
export async function recordDispute(tx: Tx, payment: PaymentRecord, dispute: DisputeInfo): Promise<boolean> {
  const base = {
    organizationId: payment.organizationId,
    appointmentId: payment.appointmentId,
    paymentId: payment.id,
    amountMinor: dispute.amountMinor,
    currency: payment.currency,
    providerRef: dispute.id,
  };
  const opened = await appendLedger(tx, { ...base, kind: 'dispute', note: 'dispute opened' });
  const won = dispute.status === 'won' && (await appendLedger(tx, { ...base, kind: 'dispute_won' }));
  if (opened || won) {
    const [appt] = await tx
      .select({ status: appointments.status })
      .from(appointments)
      .where(eq(appointments.id, payment.appointmentId));
    await addHistory(tx, {
      appointmentId: payment.appointmentId,
      actor: 'payment',
      action: 'status_changed',
      fromStatus: appt?.status ?? null,
      toStatus: appt?.status ?? null,
      details: {
        event: won ? 'dispute_won' : 'dispute_opened',
        disputeId: dispute.id,
        paymentId: payment.id,
        amountMinor: dispute.amountMinor,
      },
    });
  }
  return opened || won;
}

/**
 * Handles one verified event: duplicate check, provider re-read, then record + effect in one
 * transaction, then the after-commit step.
 * @throws PaymentProviderError when the provider cannot be read: nothing is recorded, so the
 *   provider's retry of the same event applies it later.
 * @throws AppError PAYMENTS_UNAVAILABLE when no provider is configured.
 */
export async function handleStripeEvent(ctx: AppContext, event: WebhookEvent): Promise<WebhookOutcome> {
  const { provider } = requirePayments(ctx);
  const db = ctx.database.db;
  // A cheap early answer for a redelivery (the transaction below is what guarantees "once").
  const [seen] = await db
    .select({ id: webhookEvents.id })
    .from(webhookEvents)
    .where(eq(webhookEvents.id, event.id));
  if (seen) return 'duplicate';

  const fetched = await fetchState(ctx, provider, event);
  const done = await db.transaction(async (tx) => {
    const fresh = await recordWebhookEvent(tx, { id: event.id, type: event.type, objectId: event.objectId });
    if (!fresh) return { outcome: 'duplicate' as const, result: null };
    let result: ApplyResult | null = null;
    switch (fetched.kind) {
      case 'payment_intent':
        result = await applyPaymentIntent(ctx, tx, fetched.intent);
        break;
      case 'setup_intent':
        result = await applySetupIntent(ctx, tx, fetched.setup);
        break;
      case 'refunds':
        for (const r of fetched.refunds) await recordRefund(tx, fetched.payment, r);
        break;
      case 'dispute':
        await recordDispute(tx, fetched.payment, fetched.dispute);
        break;
      case 'none':
        return { outcome: 'ignored' as const, result: null };
    }
    if (result?.outcome === 'unknown') return { outcome: 'ignored' as const, result };
    return { outcome: 'applied' as const, result };
  });
  if (done.result) {
    try {
      await afterPaymentApplied(ctx, done.result);
    } catch (e) {
      // The event is recorded and its effect committed; a failed late refund is not a reason for
      // Stripe to redeliver (the redelivery would be a duplicate). The reconciliation job retries it.
      if (!(e instanceof PaymentProviderError)) throw e;
    }
  } else if (done.outcome === 'applied') ctx.outboxWritten();
  return done.outcome;
}
