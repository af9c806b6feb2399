/**
 * The payment of a booking behind the client's manage link (docs/api.md, "Booking with payment").
 * Who may call: whoever holds the manage token (256 random bits, stored hashed); nobody else.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../../services/context.ts';
import { paymentByToken, refreshByToken } from '../../../services/manage-payment.service.ts';
import { problemSchema, tokenParams } from '../../schemas.ts';
import { managePaymentSchema } from './manage-payment.schemas.ts';

export const managePaymentRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const access = 'Access: the holder of the manage token from the booking answer or confirmation email.';
  const errors = { 404: problemSchema, 502: problemSchema, 503: problemSchema };

  app.get(
    '/manage/:token/payment',
    {
      schema: {
        tags: ['manage'],
        summary: 'The payment of a booking: status, amount, hold, client secret while unpaid',
        description: access,
        params: tokenParams,
        response: { 200: managePaymentSchema, ...errors },
      },
    },
    async (req) => paymentByToken(ctx, req.params.token),
  );

  app.post(
    '/manage/:token/payment/refresh',
    {
      schema: {
        tags: ['manage'],
        summary: 'Reads the payment from the provider and applies it ("I paid"; the webhook may be late)',
        description: `${access} Safe to repeat: applying the same provider state twice changes nothing.`,
        params: tokenParams,
        response: { 200: managePaymentSchema, ...errors },
      },
    },
    async (req) => refreshByToken(ctx, req.params.token),
  );
};
