/**
 * The Stripe adapter of {@link PaymentProvider}, on the official SDK (`stripe`). Every mutating
 * call passes our idempotency key (https://docs.stripe.com/api/idempotent_requests); webhooks are
 * verified with the SDK's `constructEvent` on the raw body (https://docs.stripe.com/webhooks/signature,
 * tolerance 300 s). `host`/`port`/`protocol` point the SDK at a Stripe-compatible test server in tests.
 */
import Stripe from 'stripe';
import {
  PaymentProviderError,
  WebhookSignatureError,
  type DisputeInfo,
  type PaymentIntentInfo,
  type PaymentIntentStatus,
  type PaymentProvider,
  type RefundInfo,
  type SetupIntentInfo,
  type WebhookEvent,
} from './provider.ts';

/** Options for {@link StripeProvider}. */
export interface StripeProviderOptions {
  /** STRIPE_SECRET_KEY (sk_test_… or sk_live_…). */
  secretKey: string;
  /** STRIPE_WEBHOOK_SECRET (whsec_…). */
  webhookSecret: string;
  /** Where the API is (tests: a local server); default Stripe's. */
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** Request timeout, ms (default 20 s: a booking must not hang on Stripe). */
  timeoutMs?: number;
  /** SDK retries on network errors and 409/5xx, with the same idempotency key (default 2). */
  maxNetworkRetries?: number;
}

/** Webhook timestamp tolerance, seconds (issue 4: 5 minutes). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const idOf = (v: string | { id: string } | null | undefined): string | null =>
  v == null ? null : typeof v === 'string' ? v : v.id;

function intentInfo(pi: Stripe.PaymentIntent): PaymentIntentInfo {
  return {
    id: pi.id,
    status: pi.status as PaymentIntentStatus,
    amountMinor: pi.amount,
    currency: pi.currency,
    amountReceivedMinor: pi.amount_received ?? 0,
    clientSecret: pi.client_secret ?? null,
    customerId: idOf(pi.customer),
    paymentMethodId: idOf(pi.payment_method),
    latestChargeId: idOf(pi.latest_charge),
    metadata: { ...pi.metadata },
    lastErrorCode: pi.last_payment_error?.decline_code ?? pi.last_payment_error?.code ?? null,
  };
}

function refundInfo(r: Stripe.Refund): RefundInfo {
  return {
    id: r.id,
    status: (r.status ?? 'pending') as RefundInfo['status'],
    amountMinor: r.amount,
    currency: r.currency,
    paymentIntentId: idOf(r.payment_intent),
    chargeId: idOf(r.charge),
    metadata: { ...r.metadata },
  };
}

function setupInfo(s: Stripe.SetupIntent): SetupIntentInfo {
  return {
    id: s.id,
    status: s.status as SetupIntentInfo['status'],
    clientSecret: s.client_secret ?? null,
    customerId: idOf(s.customer),
    paymentMethodId: idOf(s.payment_method),
    metadata: { ...s.metadata },
  };
}

function disputeInfo(d: Stripe.Dispute): DisputeInfo {
  return {
    id: d.id,
    status: d.status,
    amountMinor: d.amount,
    currency: d.currency,
    chargeId: idOf(d.charge),
    paymentIntentId: idOf(d.payment_intent),
  };
}

/** Maps SDK errors to {@link PaymentProviderError}; declines are not retryable, outages are. */
function translate(e: unknown): never {
  if (e instanceof Stripe.errors.StripeError) {
    const code = e.decline_code || e.code || e.rawType || e.type;
    const retryable =
      e instanceof Stripe.errors.StripeConnectionError ||
      e instanceof Stripe.errors.StripeAPIError ||
      e instanceof Stripe.errors.StripeRateLimitError;
    throw new PaymentProviderError(e.message, code, retryable, e.payment_intent?.id);
  }
  throw e;
}

/** {@link PaymentProvider} on Stripe. */
export class StripeProvider implements PaymentProvider {
  private readonly stripe: Stripe;
  private readonly webhookSecret: string;

  constructor(o: StripeProviderOptions) {
    this.stripe = new Stripe(o.secretKey, {
      host: o.host,
      port: o.port,
      protocol: o.protocol,
      timeout: o.timeoutMs ?? 20_000,
      maxNetworkRetries: o.maxNetworkRetries ?? 2,
      telemetry: false,
      appInfo: { name: 'BookedBarber' },
    });
    this.webhookSecret = o.webhookSecret;
  }

  async createCustomer(
    input: { email?: string; name?: string; metadata: Record<string, string> },
    idempotencyKey: string,
  ): Promise<{ id: string }> {
    try {
      const c = await this.stripe.customers.create(input, { idempotencyKey });
      return { id: c.id };
    } catch (e) {
      return translate(e);
    }
  }

  async createPaymentIntent(
    input: {
      amountMinor: number;
      currency: string;
      customerId?: string;
      saveCard?: boolean;
      description?: string;
      metadata: Record<string, string>;
    },
    idempotencyKey: string,
  ): Promise<PaymentIntentInfo> {
    try {
      const pi = await this.stripe.paymentIntents.create(
        {
          amount: input.amountMinor,
          currency: input.currency.toLowerCase(),
          customer: input.customerId,
          setup_future_usage: input.saveCard ? 'off_session' : undefined,
          description: input.description,
          metadata: input.metadata,
          automatic_payment_methods: { enabled: true },
        },
        { idempotencyKey },
      );
      return intentInfo(pi);
    } catch (e) {
      return translate(e);
    }
  }

  async retrievePaymentIntent(id: string): Promise<PaymentIntentInfo> {
    try {
      return intentInfo(await this.stripe.paymentIntents.retrieve(id));
    } catch (e) {
      return translate(e);
    }
  }

  async cancelPaymentIntent(id: string, idempotencyKey: string): Promise<PaymentIntentInfo> {
    try {
      return intentInfo(await this.stripe.paymentIntents.cancel(id, {}, { idempotencyKey }));
    } catch (e) {
      return translate(e);
    }
  }

  async createSetupIntent(
    input: { customerId: string; metadata: Record<string, string> },
    idempotencyKey: string,
  ): Promise<SetupIntentInfo> {
    try {
      const s = await this.stripe.setupIntents.create(
        {
          customer: input.customerId,
          usage: 'off_session',
          metadata: input.metadata,
          automatic_payment_methods: { enabled: true },
        },
        { idempotencyKey },
      );
      return setupInfo(s);
    } catch (e) {
      return translate(e);
    }
  }

  async retrieveSetupIntent(id: string): Promise<SetupIntentInfo> {
    try {
      return setupInfo(await this.stripe.setupIntents.retrieve(id));
    } catch (e) {
      return translate(e);
    }
  }

  async chargeOffSession(
    input: {
      amountMinor: number;
      currency: string;
      customerId: string;
      paymentMethodId: string;
      description?: string;
      metadata: Record<string, string>;
    },
    idempotencyKey: string,
  ): Promise<PaymentIntentInfo> {
    try {
      const pi = await this.stripe.paymentIntents.create(
        {
          amount: input.amountMinor,
          currency: input.currency.toLowerCase(),
          customer: input.customerId,
          payment_method: input.paymentMethodId,
          off_session: true,
          confirm: true,
          description: input.description,
          metadata: input.metadata,
        },
        { idempotencyKey },
      );
      return intentInfo(pi);
    } catch (e) {
      return translate(e);
    }
  }

  async createRefund(
    input: { paymentIntentId: string; amountMinor: number; metadata: Record<string, string> },
    idempotencyKey: string,
  ): Promise<RefundInfo> {
    try {
      const r = await this.stripe.refunds.create(
        { payment_intent: input.paymentIntentId, amount: input.amountMinor, metadata: input.metadata },
        { idempotencyKey },
      );
      return refundInfo(r);
    } catch (e) {
      return translate(e);
    }
  }

  async listRefunds(paymentIntentId: string): Promise<RefundInfo[]> {
    try {
      const out: RefundInfo[] = [];
      for await (const r of this.stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 }))
        out.push(refundInfo(r));
      return out;
    } catch (e) {
      return translate(e);
    }
  }

  async retrieveDispute(id: string): Promise<DisputeInfo> {
    try {
      return disputeInfo(await this.stripe.disputes.retrieve(id));
    } catch (e) {
      return translate(e);
    }
  }

  async listDisputes(paymentIntentId: string): Promise<DisputeInfo[]> {
    try {
      const out: DisputeInfo[] = [];
      for await (const d of this.stripe.disputes.list({ payment_intent: paymentIntentId, limit: 100 }))
        out.push(disputeInfo(d));
      return out;
    } catch (e) {
      return translate(e);
    }
  }

  verifyWebhook(rawBody: Buffer | string, signatureHeader: string | undefined, nowMs: number): WebhookEvent {
    if (!signatureHeader) throw new WebhookSignatureError('Missing Stripe-Signature header');
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(
        rawBody,
        signatureHeader,
        this.webhookSecret,
        WEBHOOK_TOLERANCE_SECONDS,
        undefined,
        nowMs,
      );
    } catch (e) {
      throw new WebhookSignatureError(
        e instanceof Error ? e.message.split('\n')[0]! : 'Signature does not verify',
      );
    }
    const object = event.data.object as unknown as Record<string, unknown>;
    return {
      id: event.id,
      type: event.type,
      objectId: String(object.id ?? ''),
      object,
      created: event.created,
    };
  }
}
