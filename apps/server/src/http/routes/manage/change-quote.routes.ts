/**
 * The quote for a change behind a manage link (issue 4: "The refund and fee for any change at any
 * moment are computed in core, shown to the client before they confirm").
 * Who may call: whoever holds the manage token; nobody else (another token is 404).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getByToken } from '../../../services/booking.service.ts';
import type { AppContext } from '../../../services/context.ts';
import { quoteAppointment, quoteToApi } from '../../../services/settlement.service.ts';
import { problemSchema, tokenParams } from '../../schemas.ts';
import { changeQuoteQuerySchema, changeQuoteSchema } from './change-quote.schemas.ts';

export const changeQuoteRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/manage/:token/change-quote',
    {
      schema: {
        tags: ['manage'],
        summary: 'What cancelling or rescheduling now would refund and cost (before the client confirms)',
        description:
          'Access: the holder of the manage token from the confirmation email. Send the returned ' +
          '`refundMinor` and `feeMinor` back as `expectedQuote` with the cancel or reschedule.',
        params: tokenParams,
        querystring: changeQuoteQuerySchema,
        response: { 200: changeQuoteSchema, 404: problemSchema, 422: problemSchema },
      },
    },
    async (req) => {
      const view = await getByToken(ctx, req.params.token);
      return quoteToApi(await quoteAppointment(ctx, view.id, req.query.action));
    },
  );
};
