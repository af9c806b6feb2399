/**
 * The client's side of a booking payment after booking (docs/api.md, "Booking with payment"):
 * the payment view and refresh behind the manage link, and the test-mode card endpoints that
 * stand in for Stripe.js when the built-in test provider runs (payments/payments.ts).
 */
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { AppError, validationError, type AppointmentStatus } from '@bookedbarber/core';
import { appointments, locations } from '../db/schema.ts';
import type { PaymentIntentInfo, SetupIntentInfo } from '../payments/provider.ts';
import { findAppointmentByTokenHash } from '../repositories/appointment.repository.ts';
import { findPaymentByProviderId, type PaymentRecord } from '../repositories/payment.repository.ts';
import { clientCipher } from '../security/client-fields.ts';
import { bookingPaymentOf, currentPaymentView } from './booking-payment.service.ts';
import { hashToken, inTransaction } from './booking.service.ts';
import type { AppContext } from './context.ts';
import { afterPaymentApplied } from './payment-effects.ts';
import { applyPaymentIntent, applySetupIntent } from './payment.service.ts';

/**
 * Stripe's test card numbers the test provider understands (https://docs.stripe.com/testing),
 * mapped to the payment methods stripe-test-server.ts acts on.
 */
export const TEST_CARDS: Readonly<Record<string, string>> = {
  '4242424242424242': 'pm_card_visa',
  '4000000000000002': 'pm_card_chargeDeclined',
  '4000002760003184': 'pm_card_threeDSecure2Required',
};

async function appointmentOfToken(ctx: AppContext, token: string) {
  const record = await findAppointmentByTokenHash(
    ctx.database.db,
    clientCipher(ctx.secrets),
    hashToken(token),
  );
  if (!record)
    throw new AppError('NOT_FOUND', 'This link is not valid. Check the link in your confirmation email.');
  const [loc] = await ctx.database.db
    .select({ timezone: locations.timezone })
    .from(locations)
    .where(eq(locations.id, record.locationId));
  return { id: record.id, timezone: loc!.timezone };
}

async function statusOf(ctx: AppContext, appointmentId: string): Promise<AppointmentStatus> {
  const [row] = await ctx.database.db
    .select({ status: appointments.status })
    .from(appointments)
    .where(eq(appointments.id, appointmentId));
  return row!.status;
}

/**
 * The payment of the appointment behind a manage token: its status, amount, hold and, while
 * unpaid, the client secret. `payment` is null when nothing was due online.
 * @throws AppError NOT_FOUND for an unknown token.
 */
export async function paymentByToken(ctx: AppContext, token: string) {
  const a = await appointmentOfToken(ctx, token);
  const payment = await currentPaymentView(ctx, a.id, a.timezone);
  return { appointmentStatus: await statusOf(ctx, a.id), payment };
}

/** Retrieves the payment's provider object and applies it (one transaction), then the after-commit effects. */
async function refreshPayment(
  ctx: AppContext,
  payment: PaymentRecord,
): Promise<PaymentIntentInfo | SetupIntentInfo | null> {
  if (!ctx.payments || !payment.providerId) return null;
  const { provider } = ctx.payments;
  if (payment.purpose === 'card_setup') {
    const info = await provider.retrieveSetupIntent(payment.providerId);
    const result = await inTransaction(ctx, (tx) => applySetupIntent(ctx, tx, info));
    await afterPaymentApplied(ctx, result);
    return info;
  }
  const info = await provider.retrievePaymentIntent(payment.providerId);
  const result = await inTransaction(ctx, (tx) => applyPaymentIntent(ctx, tx, info));
  await afterPaymentApplied(ctx, result);
  return info;
}

/**
 * "I paid": reads the booking payment from the provider and applies it (the webhook may be late).
 * @throws AppError NOT_FOUND for an unknown token.
 */
export async function refreshByToken(ctx: AppContext, token: string) {
  const a = await appointmentOfToken(ctx, token);
  const payment = await bookingPaymentOf(ctx.database.db, a.id);
  if (payment) await refreshPayment(ctx, payment);
  return paymentByToken(ctx, token);
}

/** The outcome of a test-mode card action. */
export interface TestPaymentResult {
  status: 'succeeded' | 'requires_action' | 'failed';
  failureCode: string | null;
  appointmentStatus: AppointmentStatus;
}

/**
 * Finds the payment of a provider object in test mode and checks the caller holds its client secret.
 * @throws AppError NOT_FOUND when not in test mode or for an unknown object; FORBIDDEN when the
 *   client secret does not match.
 */
async function testPayment(ctx: AppContext, providerId: string, clientSecret: string) {
  const payments = ctx.payments;
  if (payments?.kind !== 'test' || !payments.testServer) throw new AppError('NOT_FOUND', 'Not found.');
  const payment = await findPaymentByProviderId(ctx.database.db, providerId);
  if (!payment) throw new AppError('NOT_FOUND', 'No such payment.');
  const obj =
    payment.purpose === 'card_setup'
      ? await payments.provider.retrieveSetupIntent(providerId)
      : await payments.provider.retrievePaymentIntent(providerId);
  const a = Buffer.from(obj.clientSecret ?? '');
  const b = Buffer.from(clientSecret);
  if (a.length !== b.length || !crypto.timingSafeEqual(a, b))
    throw new AppError('FORBIDDEN', 'This client secret does not belong to this payment.');
  return { payment, fake: payments.testServer };
}

async function outcome(ctx: AppContext, payment: PaymentRecord): Promise<TestPaymentResult> {
  const info = await refreshPayment(ctx, payment);
  const status =
    info?.status === 'succeeded'
      ? 'succeeded'
      : info?.status === 'requires_action'
        ? 'requires_action'
        : 'failed';
  const failureCode = info && 'lastErrorCode' in info ? info.lastErrorCode : null;
  return {
    status,
    failureCode: status === 'failed' ? (failureCode ?? info?.status ?? null) : null,
    appointmentStatus: await statusOf(ctx, payment.appointmentId),
  };
}

/**
 * Test mode: pays (or saves) with one of Stripe's test card numbers, as Stripe.js would, then
 * applies the result like a refresh.
 * @throws AppError NOT_FOUND (not test mode, unknown object), FORBIDDEN (wrong client secret),
 *   VALIDATION_FAILED (not a supported test card), INVALID_STATE (already paid or cancelled).
 */
export async function testConfirm(
  ctx: AppContext,
  providerId: string,
  body: { clientSecret: string; cardNumber: string },
): Promise<TestPaymentResult> {
  const { payment, fake } = await testPayment(ctx, providerId, body.clientSecret);
  const method = TEST_CARDS[body.cardNumber];
  if (!method)
    throw validationError([
      {
        field: 'cardNumber',
        message:
          'Use a test card: 4242 4242 4242 4242 (succeeds), 4000 0000 0000 0002 (declined), 4000 0027 6000 3184 (3-D Secure).',
      },
    ]);
  if (payment.purpose === 'card_setup') {
    const res = await fetch(
      `http://${fake.host}:${fake.port}/v1/setup_intents/${encodeURIComponent(providerId)}/confirm`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${fake.secretKey}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ payment_method: method }).toString(),
      },
    );
    if (!res.ok) throw new AppError('INVALID_STATE', 'This card setup cannot be confirmed any more.');
  } else {
    const intent = fake.intents.get(providerId);
    if (!intent || intent.status === 'succeeded' || intent.status === 'canceled')
      throw new AppError('INVALID_STATE', `This payment is already ${intent?.status ?? 'gone'}.`);
    try {
      fake.confirmAsClient(providerId, method);
    } catch {
      // a decline: the intent records it (last_payment_error), read back below
    }
  }
  return outcome(ctx, payment);
}

/**
 * Test mode: the client completes 3-D Secure for a payment waiting for it.
 * @throws AppError NOT_FOUND, FORBIDDEN, INVALID_STATE (nothing to authenticate).
 */
export async function testAuthenticate(
  ctx: AppContext,
  providerId: string,
  body: { clientSecret: string },
): Promise<TestPaymentResult> {
  const { payment, fake } = await testPayment(ctx, providerId, body.clientSecret);
  const intent = fake.intents.get(providerId);
  if (!intent || intent.status !== 'requires_action')
    throw new AppError('INVALID_STATE', 'This payment is not waiting for authentication.');
  fake.authenticate(providerId);
  return outcome(ctx, payment);
}
