/**
 * Which payment provider the product runs with (config `payments`, docs/operations.md):
 * - none: every booking is "pay at the shop"; online payment options are hidden;
 * - Stripe: the official SDK with the configured keys (STRIPE_API_URL may point it elsewhere);
 * - test: a Stripe-compatible server started in-process (stripe-test-server.ts) with the Stripe
 *   adapter pointed at it and its events delivered, signed, to our own webhook endpoint. The
 *   browser pays with Stripe's test cards through `POST /api/v1/test-payments/{id}/confirm`
 *   instead of Stripe.js, which cannot load without the internet. Never for real money.
 */
import type { Config } from '../config/config.ts';
import type { PaymentProvider } from './provider.ts';
import { StripeProvider } from './stripe.provider.ts';
import { FakeStripe } from './stripe-test-server.ts';

/** The payment set-up of a running server. */
export interface Payments {
  kind: 'stripe' | 'test';
  /** Recorded on each payment row (`payments.provider`). */
  providerName: 'stripe';
  provider: PaymentProvider;
  /** What the browser needs to load Stripe's Payment Element (null in test mode). */
  publishableKey: string | null;
  /** The in-process Stripe-compatible server in test mode. */
  testServer?: FakeStripe;
  close(): Promise<void>;
}

/**
 * Starts the configured provider.
 * @param webhookUrl where the test server delivers events (this server's POST /webhooks/stripe).
 * @returns null when payments are not configured.
 */
export async function startPayments(config: Readonly<Config>, webhookUrl: string): Promise<Payments | null> {
  const p = config.payments;
  if (!p) return null;
  if (p.kind === 'stripe') {
    const url = p.apiUrl;
    return {
      kind: 'stripe',
      providerName: 'stripe',
      provider: new StripeProvider({
        secretKey: p.secretKey,
        webhookSecret: p.webhookSecret,
        ...(url
          ? {
              host: url.hostname,
              port: Number(url.port || (url.protocol === 'http:' ? 80 : 443)),
              protocol: url.protocol === 'http:' ? 'http' : 'https',
            }
          : {}),
      }),
      publishableKey: p.publishableKey,
      close: async () => undefined,
    };
  }
  return startTestPayments(webhookUrl);
}

/**
 * The test provider: a Stripe-compatible server in-process and the Stripe adapter pointed at it.
 * @param webhookUrl where it delivers signed events; undefined = nowhere (tests post them with
 *   `testServer.signedWebhook`).
 */
export async function startTestPayments(webhookUrl: string | undefined): Promise<Payments> {
  const fake = await new FakeStripe(webhookUrl ? { webhookUrl } : {}).start();
  return {
    kind: 'test',
    providerName: 'stripe',
    provider: new StripeProvider({
      secretKey: fake.secretKey,
      webhookSecret: fake.webhookSecret,
      host: fake.host,
      port: fake.port,
      protocol: 'http',
    }),
    publishableKey: null,
    testServer: fake,
    async close() {
      await fake.settled();
      await fake.stop();
    },
  };
}
