/**
 * Test-mode card endpoints (PAYMENTS=test only; 404 otherwise): what Stripe.js does in the browser,
 * for the built-in Stripe-compatible test provider (payments/payments.ts). Never real money.
 * Who may call: whoever holds the payment's client secret (given to the client who booked);
 * a wrong secret is refused with 403.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../../services/context.ts';
import { testAuthenticate, testConfirm } from '../../../services/manage-payment.service.ts';
import { problemSchema } from '../../schemas.ts';
import {
  providerIdParams,
  testAuthenticateBodySchema,
  testConfirmBodySchema,
  testPaymentResultSchema,
} from '../manage/manage-payment.schemas.ts';

export const testPaymentRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const access = 'Access: test mode only; the holder of the payment’s client secret.';
  const errors = { 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };

  app.post(
    '/test-payments/:providerId/confirm',
    {
      schema: {
        tags: ['payments'],
        summary: 'Test mode: pay (or save a card) with a Stripe test card number',
        description: `${access} Cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined, 4000 0027 6000 3184 asks for 3-D Secure.`,
        params: providerIdParams,
        body: testConfirmBodySchema,
        response: { 200: testPaymentResultSchema, ...errors },
      },
    },
    async (req) => testConfirm(ctx, req.params.providerId, req.body),
  );

  app.post(
    '/test-payments/:providerId/authenticate',
    {
      schema: {
        tags: ['payments'],
        summary: 'Test mode: complete 3-D Secure for a payment waiting for it',
        description: access,
        params: providerIdParams,
        body: testAuthenticateBodySchema,
        response: { 200: testPaymentResultSchema, ...errors },
      },
    },
    async (req) => testAuthenticate(ctx, req.params.providerId, req.body),
  );
};
