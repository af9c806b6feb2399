/**
 * Applying what the payment provider says to our records (issue 4, "Stripe, done right"): one
 * place that the webhook endpoint, the browser's "I paid" poll and the reconciliation job all go
 * through, so the same provider state always has the same effect and applying it twice changes
 * nothing. Each function runs inside the caller's transaction and reads the provider object's
 * current state (passed in, freshly retrieved by the caller) rather than trusting event order.
 */
import { and, eq } from 'drizzle-orm';
import type { LedgerKind } from '@bookedbarber/core';
import type { Tx } from '../db/client.ts';
import { appointments, clients } from '../db/schema.ts';
import { AppError } from '@bookedbarber/core';
import type { PaymentIntentInfo, RefundInfo, SetupIntentInfo } from '../payments/provider.ts';
import { addHistory } from '../repositories/appointment.repository.ts';
import {
  appendLedger,
  findPayment,
  findPaymentByProviderId,
  updatePayment,
  type PaymentRecord,
} from '../repositories/payment.repository.ts';
import { appointmentChanged } from './appointment-events.ts';
import { releaseHeldConfirmation } from './held-confirmation.ts';
import type { AppContext } from './context.ts';
import { settleCheckoutPayment } from './checkout.service.ts';

/** What applying a provider object did. */
export type ApplyResult =
  /** No payment of ours matches the object (a webhook for someone else's object): nothing done. */
  | { outcome: 'unknown' }
  /** The object does not match our record (amount or currency): recorded as failed, nothing else. */
  | { outcome: 'mismatch'; payment: PaymentRecord }
  | {
      outcome: 'applied';
      payment: PaymentRecord;
      /** The appointment went from pending to confirmed just now. */
      confirmed: boolean;
      /**
       * Money arrived for an appointment that is no longer held (its hold expired and it was
       * released, or it was cancelled): the caller must refund this payment in full.
       */
      refundNeeded: boolean;
    };

/**
 * The payments service is usable: a provider is configured.
 * @throws AppError PAYMENTS_UNAVAILABLE (503) when none is.
 */
export function requirePayments(ctx: AppContext) {
  if (!ctx.payments) throw new AppError('PAYMENTS_UNAVAILABLE', 'This shop does not take payments online.');
  return ctx.payments;
}

async function findOurs(tx: Tx, providerId: string, metadata: Record<string, string>) {
  return (
    (await findPaymentByProviderId(tx, providerId)) ??
    (metadata.payment_id ? await findPayment(tx, metadata.payment_id) : undefined)
  );
}

/**
 * Applies a payment intent's current state: stores its status; when it succeeded, appends the
 * charge (or fee) to the ledger once per charge, confirms a `pending` appointment paid in time and
 * keeps a card the client agreed to save as their card on file.
 * A succeeded intent whose amount or currency differs from our record is not applied.
 * @param info the intent as just retrieved from the provider.
 */
export async function applyPaymentIntent(
  ctx: AppContext,
  tx: Tx,
  info: PaymentIntentInfo,
): Promise<ApplyResult> {
  const payment = await findOurs(tx, info.id, info.metadata);
  if (!payment) return { outcome: 'unknown' };
  const now = ctx.now();
  if (
    info.amountMinor !== payment.amountMinor ||
    info.currency.toLowerCase() !== payment.currency.toLowerCase()
  ) {
    await updatePayment(tx, payment.id, { providerId: info.id, status: 'amount_mismatch' }, now);
    return { outcome: 'mismatch', payment };
  }
  await updatePayment(
    tx,
    payment.id,
    { providerId: info.id, status: info.status, failureCode: info.lastErrorCode },
    now,
  );
  const updated = { ...payment, providerId: info.id, status: info.status, failureCode: info.lastErrorCode };
  if (info.status !== 'succeeded')
    return { outcome: 'applied', payment: updated, confirmed: false, refundNeeded: false };
  // Checkout: the tip is split out for the barber and the checkout closed (checkout.service.ts).
  if (payment.purpose === 'checkout') return settleCheckoutPayment(ctx, tx, updated, info);

  const kind: LedgerKind = payment.purpose === 'fee' ? 'fee' : 'charge';
  // True only the first time this charge is seen: a redelivered or out-of-order event about money
  // already recorded must not look like money arriving late.
  const firstSeen = await appendLedger(tx, {
    organizationId: payment.organizationId,
    appointmentId: payment.appointmentId,
    paymentId: payment.id,
    kind,
    amountMinor: info.amountReceivedMinor,
    currency: payment.currency,
    providerRef: info.latestChargeId ?? info.id,
  });
  if (info.customerId && info.paymentMethodId && info.metadata.save_card === 'true')
    await saveCardOnFile(tx, payment.appointmentId, info.customerId, info.paymentMethodId);

  let confirmed = false;
  let refundNeeded = false;
  if (payment.purpose === 'deposit' || payment.purpose === 'prepayment') {
    const [appt] = await tx
      .select({ status: appointments.status, locationId: appointments.locationId })
      .from(appointments)
      .where(eq(appointments.id, payment.appointmentId))
      .for('update');
    if (appt?.status === 'pending') {
      await tx
        .update(appointments)
        .set({ status: 'confirmed', holdExpiresAt: null, updatedAt: now })
        .where(eq(appointments.id, payment.appointmentId));
      await addHistory(tx, {
        appointmentId: payment.appointmentId,
        actor: 'payment',
        action: 'status_changed',
        fromStatus: 'pending',
        toStatus: 'confirmed',
        details: { paymentId: payment.id, amountMinor: info.amountReceivedMinor },
      });
      await appointmentChanged(tx, ctx, {
        type: 'appointment.updated',
        locationId: appt.locationId,
        appointmentId: payment.appointmentId,
      });
      // The booking confirmation held at booking goes out now, with this commit.
      await releaseHeldConfirmation(tx, payment.appointmentId, ctx.now());
      confirmed = true;
    } else if (appt?.status === 'cancelled' && firstSeen) {
      // Money arrived after the appointment was released or cancelled while unpaid: no policy
      // plan covered it, so it goes back in full. Money recorded before a cancellation is the
      // policy's to settle (settlement.service.ts), never refunded here.
      refundNeeded = true;
    }
  }
  return { outcome: 'applied', payment: updated, confirmed, refundNeeded };
}

/**
 * Applies a setup intent's current state: on success the saved card becomes the client's card on file.
 */
export async function applySetupIntent(ctx: AppContext, tx: Tx, info: SetupIntentInfo): Promise<ApplyResult> {
  const payment = await findOurs(tx, info.id, info.metadata);
  if (!payment) return { outcome: 'unknown' };
  await updatePayment(tx, payment.id, { providerId: info.id, status: info.status }, ctx.now());
  const updated = { ...payment, providerId: info.id, status: info.status };
  let confirmed = false;
  if (info.status === 'succeeded' && info.customerId && info.paymentMethodId) {
    await saveCardOnFile(tx, payment.appointmentId, info.customerId, info.paymentMethodId);
    const [appt] = await tx
      .select({ status: appointments.status, locationId: appointments.locationId })
      .from(appointments)
      .where(eq(appointments.id, payment.appointmentId))
      .for('update');
    if (appt?.status === 'pending') {
      await tx
        .update(appointments)
        .set({ status: 'confirmed', holdExpiresAt: null, updatedAt: ctx.now() })
        .where(eq(appointments.id, payment.appointmentId));
      await addHistory(tx, {
        appointmentId: payment.appointmentId,
        actor: 'payment',
        action: 'status_changed',
        fromStatus: 'pending',
        toStatus: 'confirmed',
        details: { paymentId: payment.id, cardOnFile: true },
      });
      await appointmentChanged(tx, ctx, {
        type: 'appointment.updated',
        locationId: appt.locationId,
        appointmentId: payment.appointmentId,
      });
      // The booking confirmation held at booking goes out now, with this commit.
      await releaseHeldConfirmation(tx, payment.appointmentId, ctx.now());
      confirmed = true;
    }
  }
  return { outcome: 'applied', payment: updated, confirmed, refundNeeded: false };
}

/**
 * Records a refund in the ledger once (by its provider id), when the provider says it succeeded
 * (or is pending: money is on its way back and must not be refunded again).
 * @returns true when the entry was new.
 */
export async function recordRefund(tx: Tx, payment: PaymentRecord, refund: RefundInfo): Promise<boolean> {
  if (refund.status === 'failed' || refund.status === 'canceled') return false;
  return appendLedger(tx, {
    organizationId: payment.organizationId,
    appointmentId: payment.appointmentId,
    paymentId: payment.id,
    kind: 'refund',
    amountMinor: refund.amountMinor,
    currency: payment.currency,
    providerRef: refund.id,
    note: refund.metadata.reason ?? null,
  });
}

async function saveCardOnFile(tx: Tx, appointmentId: string, customerId: string, paymentMethodId: string) {
  const [appt] = await tx
    .select({ clientId: appointments.clientId })
    .from(appointments)
    .where(eq(appointments.id, appointmentId));
  if (!appt) return;
  await tx
    .update(clients)
    .set({ providerCustomerId: customerId, cardOnFileId: paymentMethodId })
    .where(and(eq(clients.id, appt.clientId)));
}
