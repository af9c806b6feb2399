/**
 * `POST /webhooks/stripe` (issue 4, "Stripe, done right"): Stripe's event deliveries. Not under
 * /api/v1 and not a staff route: the caller is authenticated by the `Stripe-Signature` header,
 * verified on the raw body (https://docs.stripe.com/webhooks/signature) with a 5-minute tolerance
 * against our clock. The body parser here is scoped to this plugin: it keeps the body as bytes
 * (up to 1 MB), since re-serialized JSON would not verify.
 *
 * Answers: 200 `{ received: true, outcome }` (applied, duplicate or ignored), 400
 * WEBHOOK_SIGNATURE_INVALID, 404 when no provider is configured, 502 PAYMENT_PROVIDER_ERROR when
 * the provider cannot be read (nothing recorded: Stripe retries and the retry applies it).
 */
import type { FastifyPluginAsync } from 'fastify';
import { PaymentProviderError, WebhookSignatureError } from '../../../payments/provider.ts';
import type { AppContext } from '../../../services/context.ts';
import { handleStripeEvent } from '../../../services/stripe-webhook.service.ts';
import { sendProblem } from '../../problem.ts';

/** Largest webhook body accepted, bytes (Stripe's events are a few KB). */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/** The Stripe webhook endpoint (registered at the root, outside /api/v1). */
export const stripeWebhookRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  // Scoped to this plugin (encapsulation): every other route keeps the JSON parser.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) =>
    done(null, body),
  );
  app.post(
    '/webhooks/stripe',
    {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      schema: {
        tags: ['ops'],
        summary: 'Stripe event deliveries (signed with the webhook secret)',
        description:
          'Access: Stripe, authenticated by the `Stripe-Signature` header over the raw body (5-minute tolerance). ' +
          'Each event id is applied once; the object it names is read again from Stripe. ' +
          '200 applied / duplicate / ignored; 400 WEBHOOK_SIGNATURE_INVALID; 404 without a payment provider; ' +
          '502 when Stripe cannot be read (retry later).',
      },
    },
    async (req, reply) => {
      const payments = ctx.payments;
      if (!payments) return sendProblem(reply, req, 'NOT_FOUND', 'This server takes no online payments.');
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.from(String(req.body ?? ''), 'utf8');
      const header = req.headers['stripe-signature'];
      let event;
      try {
        event = payments.provider.verifyWebhook(
          raw,
          Array.isArray(header) ? header[0] : header,
          ctx.now().getTime(),
        );
      } catch (e) {
        if (e instanceof WebhookSignatureError)
          return sendProblem(reply, req, 'WEBHOOK_SIGNATURE_INVALID', e.message);
        throw e;
      }
      try {
        const outcome = await handleStripeEvent(ctx, event);
        return reply.status(200).send({ received: true, outcome });
      } catch (e) {
        if (e instanceof PaymentProviderError) {
          req.log.warn(
            { event: event.id, code: e.code },
            'Stripe could not be read; the event will be retried',
          );
          return sendProblem(reply, req, 'PAYMENT_PROVIDER_ERROR', 'Stripe could not be read; retry later.');
        }
        throw e;
      }
    },
  );
};
