/**
 * What follows applying a provider object, after its transaction committed (issue 4): one step that
 * every path goes through (the webhook, the browser's "I paid" refresh, the test-mode confirm, the
 * reconciliation job), so a late payment is refunded once whichever path saw it first.
 */
import type { ApplyResult } from './payment.service.ts';
import { recordRefund, requirePayments } from './payment.service.ts';
import type { AppContext } from './context.ts';

/** Idempotency key of the full refund of money that arrived after its appointment was released or cancelled. */
export function lateRefundKey(paymentId: string): string {
  return `payment:${paymentId}:late-refund`;
}

/**
 * Runs the after-commit effects of `applyPaymentIntent` / `applySetupIntent`:
 * - money that arrived for an appointment no longer held (`refundNeeded`) is refunded in full
 *   (key `payment:<id>:late-refund`, so two paths seeing it refund once) and the refund recorded
 *   in the ledger;
 * - the outbox job is woken, since applying may have queued a message (a confirmation).
 * @param result what applying returned (outcomes other than `applied` do nothing but wake the outbox).
 * @throws PaymentProviderError when the refund call fails. The next path that applies the same
 *   succeeded intent (a redelivered webhook, the client's refresh) does not see `refundNeeded` again,
 *   so a failed late refund is left for the shop: the reconciliation report shows the money held.
 */
export async function afterPaymentApplied(ctx: AppContext, result: ApplyResult): Promise<void> {
  ctx.outboxWritten();
  if (result.outcome !== 'applied' || !result.refundNeeded) return;
  const { payment } = result;
  if (!payment.providerId) return;
  const { provider } = requirePayments(ctx);
  const refund = await provider.createRefund(
    {
      paymentIntentId: payment.providerId,
      amountMinor: payment.amountMinor,
      metadata: { payment_id: payment.id, appointment_id: payment.appointmentId, reason: 'late_payment' },
    },
    lateRefundKey(payment.id),
  );
  await ctx.database.db.transaction((tx) => recordRefund(tx, payment, refund));
}
