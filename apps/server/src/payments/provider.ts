/**
 * The payment provider port: what the booking and checkout services need from a card processor,
 * in our terms (integer minor units, ISO 4217 currency in lower case as Stripe expects it, our
 * ids in metadata). Adapters: Stripe (stripe.provider.ts, the official SDK). Every call that
 * moves or may move money takes an idempotency key that the caller derives from our own record
 * (e.g. `appointment:<id>:deposit`), so a retry after a crash can never charge twice
 * (https://docs.stripe.com/api/idempotent_requests).
 */

/** States of a payment intent we act on (Stripe's PaymentIntent.status values). */
export type PaymentIntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'requires_capture'
  | 'canceled'
  | 'succeeded';

/** A payment intent as we read it. */
export interface PaymentIntentInfo {
  id: string;
  status: PaymentIntentStatus;
  amountMinor: number;
  /** Lower-case ISO 4217. */
  currency: string;
  /** Amount actually received, minor units (0 until it succeeds). */
  amountReceivedMinor: number;
  /** For the browser's Payment Element. */
  clientSecret: string | null;
  customerId: string | null;
  paymentMethodId: string | null;
  /** The charge behind a succeeded intent (refunds and disputes name it). */
  latestChargeId: string | null;
  metadata: Record<string, string>;
  /** Why the last attempt failed (a decline), if it did. */
  lastErrorCode: string | null;
}

/** A refund as we read it. */
export interface RefundInfo {
  id: string;
  status: 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';
  amountMinor: number;
  currency: string;
  paymentIntentId: string | null;
  chargeId: string | null;
  metadata: Record<string, string>;
}

/** A setup intent (saving a card for later off-session charges). */
export interface SetupIntentInfo {
  id: string;
  status:
    | 'requires_payment_method'
    | 'requires_confirmation'
    | 'requires_action'
    | 'processing'
    | 'canceled'
    | 'succeeded';
  clientSecret: string | null;
  customerId: string | null;
  paymentMethodId: string | null;
  metadata: Record<string, string>;
}

/** A dispute (a chargeback the card holder's bank opened) as we read it. */
export interface DisputeInfo {
  id: string;
  /** Stripe's Dispute.status: needs_response, under_review, won, lost, … */
  status: string;
  /** Amount held back, minor units. */
  amountMinor: number;
  currency: string;
  chargeId: string | null;
  paymentIntentId: string | null;
}

/** A verified webhook event: only its identity and the object it is about; handlers re-read the object. */
export interface WebhookEvent {
  id: string;
  type: string;
  /** The event's object id (pi_…, seti_…, ch_…, dp_…). */
  objectId: string;
  /** The event's object as sent (handlers should prefer re-reading the current state). */
  object: Record<string, unknown>;
  /** Seconds since the epoch, as Stripe stamps it. */
  created: number;
}

/** Raised for a webhook whose signature or timestamp does not verify. */
export class WebhookSignatureError extends Error {}

/**
 * Raised when the provider answers with a card decline or a request error; `code` is the
 * provider's (e.g. `card_declined`, `authentication_required`), `retryable` false for declines.
 */
export class PaymentProviderError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
    /** For an off-session charge that needs the client: the intent left behind. */
    readonly paymentIntentId?: string,
  ) {
    super(message);
  }
}

/** The operations the product uses. All amounts are positive integers of minor units. */
export interface PaymentProvider {
  /** Creates a customer to save cards on. */
  createCustomer(
    input: { email?: string; name?: string; metadata: Record<string, string> },
    idempotencyKey: string,
  ): Promise<{ id: string }>;
  /**
   * Creates a payment intent the browser confirms (deposit, prepayment, checkout by card).
   * `saveCard` asks the provider to keep the card for off-session use later.
   */
  createPaymentIntent(
    input: {
      amountMinor: number;
      currency: string;
      customerId?: string;
      saveCard?: boolean;
      description?: string;
      metadata: Record<string, string>;
    },
    idempotencyKey: string,
  ): Promise<PaymentIntentInfo>;
  retrievePaymentIntent(id: string): Promise<PaymentIntentInfo>;
  /** Cancels an intent that was never paid (a released hold). */
  cancelPaymentIntent(id: string, idempotencyKey: string): Promise<PaymentIntentInfo>;
  /** Creates a setup intent to save a card on a customer (card on file). */
  createSetupIntent(
    input: { customerId: string; metadata: Record<string, string> },
    idempotencyKey: string,
  ): Promise<SetupIntentInfo>;
  retrieveSetupIntent(id: string): Promise<SetupIntentInfo>;
  /**
   * Charges a saved card without the client present (late-cancellation or no-show fee, checkout by
   * card on file).
   * @throws PaymentProviderError on a decline or when the bank wants the client (authentication_required).
   */
  chargeOffSession(
    input: {
      amountMinor: number;
      currency: string;
      customerId: string;
      paymentMethodId: string;
      description?: string;
      metadata: Record<string, string>;
    },
    idempotencyKey: string,
  ): Promise<PaymentIntentInfo>;
  /** Refunds (part of) a payment intent. */
  createRefund(
    input: { paymentIntentId: string; amountMinor: number; metadata: Record<string, string> },
    idempotencyKey: string,
  ): Promise<RefundInfo>;
  /** Refunds of one payment intent, for reconciliation. */
  listRefunds(paymentIntentId: string): Promise<RefundInfo[]>;
  /**
   * Verifies a webhook's signature over the raw body and its timestamp (tolerance 300 s against
   * `nowMs`) and parses it.
   * @throws WebhookSignatureError when either does not verify.
   */
  verifyWebhook(rawBody: Buffer | string, signatureHeader: string | undefined, nowMs: number): WebhookEvent;
  /**
   * A dispute's current state (webhooks re-read it rather than trusting the event).
   * Optional so other adapters need not support disputes; the Stripe adapter does.
   */
  retrieveDispute?(id: string): Promise<DisputeInfo>;
  /** Disputes of one payment intent, for reconciliation (optional, like retrieveDispute). */
  listDisputes?(paymentIntentId: string): Promise<DisputeInfo[]>;
}
