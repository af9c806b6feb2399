/**
 * The Stripe adapter on the official SDK, pointed at the local Stripe-compatible server: payments,
 * declines, 3-D Secure, refunds, off-session charges, idempotent retries after a lost answer, and
 * webhook signatures (valid, forged, expired).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentProviderError, WebhookSignatureError } from '../../src/payments/provider.ts';
import { StripeProvider } from '../../src/payments/stripe.provider.ts';
import { FakeStripe } from '../../src/payments/stripe-test-server.ts';

let fake: FakeStripe;
let stripe: StripeProvider;

beforeAll(async () => {
  fake = await new FakeStripe().start();
  stripe = new StripeProvider({
    secretKey: fake.secretKey,
    webhookSecret: fake.webhookSecret,
    host: fake.host,
    port: fake.port,
    protocol: 'http',
    timeoutMs: 2_000,
    maxNetworkRetries: 2,
  });
});
afterAll(() => fake.stop());

const meta = { appointmentId: 'a1' };

describe('payment intents', () => {
  it('a deposit paid with a good card succeeds and is read back as such', async () => {
    const pi = await stripe.createPaymentIntent(
      { amountMinor: 1750, currency: 'USD', metadata: meta },
      'k-ok',
    );
    expect(pi).toMatchObject({
      status: 'requires_payment_method',
      amountMinor: 1750,
      currency: 'usd',
      metadata: meta,
    });
    expect(pi.clientSecret).toMatch(/^pi_.+_secret_/);
    fake.confirmAsClient(pi.id, 'pm_card_visa');
    const read = await stripe.retrievePaymentIntent(pi.id);
    expect(read).toMatchObject({ status: 'succeeded', amountReceivedMinor: 1750 });
    expect(read.latestChargeId).toMatch(/^ch_/);
  });

  it('a declined card leaves the intent waiting for another card, with the decline code', async () => {
    const pi = await stripe.createPaymentIntent(
      { amountMinor: 1000, currency: 'usd', metadata: meta },
      'k-decline',
    );
    expect(() => fake.confirmAsClient(pi.id, 'pm_card_chargeDeclined')).toThrow();
    const read = await stripe.retrievePaymentIntent(pi.id);
    expect(read.status).toBe('requires_payment_method');
    expect(read.lastErrorCode).toBe('generic_decline');
    expect(fake.lastEvent('payment_intent.payment_failed', pi.id)).toBeDefined();
  });

  it('3-D Secure: requires_action until the client authenticates', async () => {
    const pi = await stripe.createPaymentIntent(
      { amountMinor: 2000, currency: 'usd', metadata: meta },
      'k-3ds',
    );
    fake.confirmAsClient(pi.id, 'pm_card_threeDSecure2Required');
    expect((await stripe.retrievePaymentIntent(pi.id)).status).toBe('requires_action');
    fake.authenticate(pi.id);
    expect((await stripe.retrievePaymentIntent(pi.id)).status).toBe('succeeded');
  });

  it('an unpaid intent can be cancelled (a released hold)', async () => {
    const pi = await stripe.createPaymentIntent(
      { amountMinor: 500, currency: 'usd', metadata: meta },
      'k-cancel',
    );
    expect((await stripe.cancelPaymentIntent(pi.id, 'k-cancel-1')).status).toBe('canceled');
  });

  it('the same idempotency key answers with the same intent; other parameters are refused', async () => {
    const a = await stripe.createPaymentIntent(
      { amountMinor: 3000, currency: 'usd', metadata: meta },
      'k-same',
    );
    const b = await stripe.createPaymentIntent(
      { amountMinor: 3000, currency: 'usd', metadata: meta },
      'k-same',
    );
    expect(b.id).toBe(a.id);
    const err = await stripe
      .createPaymentIntent({ amountMinor: 3100, currency: 'usd', metadata: meta }, 'k-same')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaymentProviderError);
    expect((err as PaymentProviderError).code).toBe('idempotency_error');
  });
});

describe('a crash between Stripe doing it and us hearing back', () => {
  let customerId = '';
  it('the SDK retries with the same key: one charge, the original answer', async () => {
    const customer = await stripe.createCustomer({ email: 'a@example.com', metadata: {} }, 'cus-1');
    customerId = customer.id;
    const before = fake.chargeCount;
    fake.dropResponses(1);
    const pi = await stripe.chargeOffSession(
      {
        amountMinor: 2500,
        currency: 'usd',
        customerId: customer.id,
        paymentMethodId: 'pm_card_visa',
        metadata: meta,
      },
      'fee:a1:late-cancel',
    );
    expect(pi.status).toBe('succeeded');
    expect(fake.chargeCount).toBe(before + 1);
    const tries = fake.requests.filter((r) => r.idempotencyKey === 'fee:a1:late-cancel');
    expect(tries.length).toBe(2);
  });

  it('a later retry with the same key (e.g. the reconciliation job) does not charge again', async () => {
    const before = fake.chargeCount;
    const again = await stripe.chargeOffSession(
      {
        amountMinor: 2500,
        currency: 'usd',
        customerId,
        paymentMethodId: 'pm_card_visa',
        metadata: meta,
      },
      'fee:a1:late-cancel',
    );
    expect(again.status).toBe('succeeded');
    expect(fake.chargeCount).toBe(before);
  });

  it('Stripe down: a retryable error, nothing charged', async () => {
    const before = fake.chargeCount;
    for (let i = 0; i < 3; i += 1) fake.failWith(503);
    const err = await stripe
      .chargeOffSession(
        {
          amountMinor: 100,
          currency: 'usd',
          customerId: 'cus_x',
          paymentMethodId: 'pm_card_visa',
          metadata: meta,
        },
        'k-down',
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaymentProviderError);
    expect((err as PaymentProviderError).retryable).toBe(true);
    expect(fake.chargeCount).toBe(before);
  });
});

describe('off-session charges (card on file)', () => {
  it('a decline is a non-retryable error naming the decline', async () => {
    const err = await stripe
      .chargeOffSession(
        {
          amountMinor: 5000,
          currency: 'usd',
          customerId: 'cus_x',
          paymentMethodId: 'pm_card_chargeDeclined',
          metadata: meta,
        },
        'k-off-decline',
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaymentProviderError);
    expect(err).toMatchObject({ code: 'generic_decline', retryable: false });
    expect((err as PaymentProviderError).paymentIntentId).toMatch(/^pi_/);
  });

  it('a card that wants 3-D Secure cannot be charged without the client', async () => {
    const err = await stripe
      .chargeOffSession(
        {
          amountMinor: 5000,
          currency: 'usd',
          customerId: 'cus_x',
          paymentMethodId: 'pm_card_threeDSecure2Required',
          metadata: meta,
        },
        'k-off-3ds',
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'authentication_required', retryable: false });
  });

  it('a setup intent saves a card on a customer', async () => {
    const c = await stripe.createCustomer({ name: 'Ana', metadata: {} }, 'cus-2');
    const s = await stripe.createSetupIntent({ customerId: c.id, metadata: meta }, 'seti-1');
    expect(s).toMatchObject({ status: 'requires_payment_method', customerId: c.id });
    expect(s.clientSecret).toMatch(/^seti_/);
  });
});

describe('refunds', () => {
  it('full and partial refunds, listed back; never more than was paid', async () => {
    const pi = await stripe.createPaymentIntent(
      { amountMinor: 4000, currency: 'usd', metadata: meta },
      'k-refund',
    );
    fake.confirmAsClient(pi.id, 'pm_card_visa');
    const r1 = await stripe.createRefund(
      { paymentIntentId: pi.id, amountMinor: 1500, metadata: meta },
      'refund:1',
    );
    expect(r1).toMatchObject({ status: 'succeeded', amountMinor: 1500, paymentIntentId: pi.id });
    const r2 = await stripe.createRefund(
      { paymentIntentId: pi.id, amountMinor: 2500, metadata: meta },
      'refund:2',
    );
    expect(r2.amountMinor).toBe(2500);
    const over = await stripe
      .createRefund({ paymentIntentId: pi.id, amountMinor: 1, metadata: meta }, 'refund:3')
      .catch((e: unknown) => e);
    expect(over).toMatchObject({ code: 'charge_already_refunded' });
    const list = await stripe.listRefunds(pi.id);
    expect(list.map((r) => r.amountMinor).sort()).toEqual([1500, 2500]);
    expect(fake.lastEvent('charge.refunded')?.data.object).toMatchObject({
      amount_refunded: 4000,
      refunded: true,
    });
  });
});

describe('webhook signatures', () => {
  const event = () => fake.lastEvent('payment_intent.succeeded')!;

  it('a correctly signed event verifies and names its object', () => {
    const e = event();
    const { payload, signature } = fake.signedWebhook(e);
    const got = stripe.verifyWebhook(Buffer.from(payload), signature, Date.now());
    expect(got).toMatchObject({ id: e.id, type: 'payment_intent.succeeded', objectId: e.data.object.id });
  });

  it('a body changed after signing, a wrong secret or no header is refused', () => {
    const { payload, signature } = fake.signedWebhook(event());
    expect(() =>
      stripe.verifyWebhook(payload.replace('succeeded', 'succeeded '), signature, Date.now()),
    ).toThrow(WebhookSignatureError);
    const forged = fake.signedWebhook(event(), { secret: 'whsec_someone_else' });
    expect(() => stripe.verifyWebhook(forged.payload, forged.signature, Date.now())).toThrow(
      WebhookSignatureError,
    );
    expect(() => stripe.verifyWebhook(payload, undefined, Date.now())).toThrow(WebhookSignatureError);
  });

  it('the timestamp may be at most 5 minutes old', () => {
    const now = Date.now();
    const ts = Math.floor(now / 1000) - 300;
    const ok = fake.signedWebhook(event(), { timestamp: ts });
    expect(() => stripe.verifyWebhook(ok.payload, ok.signature, now)).not.toThrow();
    const old = fake.signedWebhook(event(), { timestamp: ts - 1 });
    expect(() => stripe.verifyWebhook(old.payload, old.signature, now)).toThrow(/tolerance/);
  });
});

describe('event delivery (the test server as Stripe)', () => {
  it('delivers each event to the webhook URL, signed with the real scheme', async () => {
    const http = await import('node:http');
    const received: Array<{ body: string; signature: string | undefined }> = [];
    const sink = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ body, signature: req.headers['stripe-signature'] as string | undefined });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    const { port } = sink.address() as { port: number };
    const live = await new FakeStripe({ webhookUrl: `http://127.0.0.1:${port}/hook` }).start();
    try {
      const p = new StripeProvider({
        secretKey: live.secretKey,
        webhookSecret: live.webhookSecret,
        host: live.host,
        port: live.port,
        protocol: 'http',
      });
      const pi = await p.createPaymentIntent({ amountMinor: 900, currency: 'usd', metadata: meta }, 'k-live');
      live.confirmAsClient(pi.id, 'pm_card_visa');
      await live.settled();
      expect(received).toHaveLength(1);
      const got = p.verifyWebhook(received[0]!.body, received[0]!.signature, Date.now());
      expect(got).toMatchObject({ type: 'payment_intent.succeeded', objectId: pi.id });
    } finally {
      await live.stop();
      await new Promise<void>((r) => sink.close(() => r()));
    }
  });
});
