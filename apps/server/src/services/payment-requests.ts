/**
 * The one place that turns a payment row into the provider call that creates its object (issue 4,
 * "Every outbound Stripe call carries an idempotency key; a crash between our write and Stripe's
 * answer is recovered by a job that reconciles, never by charging again").
 *
 * Every creator (booking deposits and card setups, fees, checkout by card) inserts the payment row
 * first (status `creating`, with its idempotency key), then calls `createAtProvider`. The request is
 * rebuilt from rows only, so the recovery job can replay it after a crash with the same key and the
 * same parameters, and Stripe answers with the object it already made instead of a second charge
 * (https://docs.stripe.com/api/idempotent_requests: a key reused with other parameters is refused).
 */
import { eq } from 'drizzle-orm';
import { AppError } from '@bookedbarber/core';
import type { DbOrTx } from '../db/client.ts';
import { appointments, checkouts, clients } from '../db/schema.ts';
import type { PaymentIntentInfo, PaymentProvider, SetupIntentInfo } from '../payments/provider.ts';
import type { PaymentRecord } from '../repositories/payment.repository.ts';
import type { AppContext } from './context.ts';
import { requirePayments } from './payment.service.ts';

/** The provider call behind a payment row. */
export type ProviderRequest =
  | { kind: 'payment_intent'; input: Parameters<PaymentProvider['createPaymentIntent']>[0] }
  | { kind: 'setup_intent'; input: Parameters<PaymentProvider['createSetupIntent']>[0] }
  | { kind: 'off_session'; input: Parameters<PaymentProvider['chargeOffSession']>[0] };

/** What the provider answered for a created object. */
export type CreatedObject =
  | { kind: 'payment_intent' | 'off_session'; intent: PaymentIntentInfo }
  | { kind: 'setup_intent'; setup: SetupIntentInfo };

/** Metadata every object of ours carries, so a webhook finds its row even before we stored its id. */
export function paymentMetadata(payment: PaymentRecord): Record<string, string> {
  return { payment_id: payment.id, appointment_id: payment.appointmentId, purpose: payment.purpose };
}

/** Idempotency key of the provider customer made for a client (one per client, ever). */
export function customerKey(clientId: string): string {
  return `client:${clientId}:customer`;
}

/**
 * Builds the provider call for a payment row from the rows alone:
 * - `deposit`, `prepayment`: a PaymentIntent the browser confirms (no customer attached);
 * - `card_setup`: a SetupIntent on the client's provider customer;
 * - `fee`: an off-session charge to the client's card on file;
 * - `checkout`: off-session to the card on file when the checkout's method is `card_on_file`,
 *   otherwise a PaymentIntent the desk's card form confirms.
 * @throws AppError NO_CARD_ON_FILE (409) when a card-on-file charge finds no saved card, and
 *   NOT_FOUND when the appointment is gone.
 */
export async function providerRequestFor(db: DbOrTx, payment: PaymentRecord): Promise<ProviderRequest> {
  const metadata = paymentMetadata(payment);
  const description = `BookedBarber ${payment.purpose} for appointment ${payment.appointmentId}`;
  const [row] = await db
    .select({ customerId: clients.providerCustomerId, cardId: clients.cardOnFileId })
    .from(appointments)
    .innerJoin(clients, eq(clients.id, appointments.clientId))
    .where(eq(appointments.id, payment.appointmentId));
  if (!row) throw new AppError('NOT_FOUND', 'The appointment for this payment no longer exists.');
  const offSession = (): ProviderRequest => {
    if (!row.customerId || !row.cardId)
      throw new AppError('NO_CARD_ON_FILE', 'The client has no card on file to charge.');
    return {
      kind: 'off_session',
      input: {
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        customerId: row.customerId,
        paymentMethodId: row.cardId,
        description,
        metadata,
      },
    };
  };
  const onSession = (): ProviderRequest => ({
    kind: 'payment_intent',
    input: { amountMinor: payment.amountMinor, currency: payment.currency, description, metadata },
  });
  switch (payment.purpose) {
    case 'deposit':
    case 'prepayment':
      return onSession();
    case 'card_setup':
      if (!row.customerId) throw new AppError('NO_CARD_ON_FILE', 'The client has no payment customer yet.');
      return { kind: 'setup_intent', input: { customerId: row.customerId, metadata } };
    case 'fee':
      return offSession();
    case 'checkout': {
      const [checkout] = await db
        .select({ method: checkouts.method })
        .from(checkouts)
        .where(eq(checkouts.appointmentId, payment.appointmentId));
      return checkout?.method === 'card_on_file' ? offSession() : onSession();
    }
  }
}

/**
 * Makes (or, on a replay, finds again) the provider object behind a payment row, sending the row's
 * idempotency key. The caller applies the answer in a transaction (payment.service.ts
 * applyPaymentIntent / applySetupIntent).
 * @throws AppError PAYMENTS_UNAVAILABLE without a provider; PaymentProviderError from the provider
 *   (a decline, authentication_required, an unreachable provider).
 */
export async function createAtProvider(ctx: AppContext, payment: PaymentRecord): Promise<CreatedObject> {
  const { provider } = requirePayments(ctx);
  const request = await providerRequestFor(ctx.database.db, payment);
  switch (request.kind) {
    case 'payment_intent':
      return {
        kind: request.kind,
        intent: await provider.createPaymentIntent(request.input, payment.idempotencyKey),
      };
    case 'off_session':
      return {
        kind: request.kind,
        intent: await provider.chargeOffSession(request.input, payment.idempotencyKey),
      };
    case 'setup_intent':
      return {
        kind: request.kind,
        setup: await provider.createSetupIntent(request.input, payment.idempotencyKey),
      };
  }
}

/**
 * The client's provider customer id, made once (key `client:<id>:customer`) and stored on the
 * client. No contact details are sent: the provider needs none to save a card.
 * @throws AppError PAYMENTS_UNAVAILABLE without a provider, NOT_FOUND for an unknown client.
 */
export async function ensureCustomer(ctx: AppContext, clientId: string): Promise<string> {
  const { provider } = requirePayments(ctx);
  const [client] = await ctx.database.db
    .select({ customerId: clients.providerCustomerId })
    .from(clients)
    .where(eq(clients.id, clientId));
  if (!client) throw new AppError('NOT_FOUND', 'No such client.');
  if (client.customerId) return client.customerId;
  const customer = await provider.createCustomer(
    { metadata: { client_id: clientId } },
    customerKey(clientId),
  );
  await ctx.database.db
    .update(clients)
    .set({ providerCustomerId: customer.id })
    .where(eq(clients.id, clientId));
  return customer.id;
}
