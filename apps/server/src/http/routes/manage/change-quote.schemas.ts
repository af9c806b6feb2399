/**
 * Schemas of the change quote (issue 4): what a cancel or reschedule costs, shown to the client
 * before they confirm, and the `expectedQuote` they send back with the change.
 */
import { z } from 'zod';
import { rescheduleSchema } from '../../schemas.ts';

const minor = z.number().int().min(0).max(100_000_000);

/** What the client was shown: the net refund and the fee, minor units. */
export const expectedQuoteSchema = z.object({ refundMinor: minor, feeMinor: minor }).meta({
  description: 'The refund and fee shown by GET …/change-quote; 409 QUOTE_CHANGED when different now',
});

/** POST /manage/{token}/cancel body (empty, {} or with expectedQuote). */
export const cancelBodySchema = z.object({ expectedQuote: expectedQuoteSchema.optional() }).loose().nullish();

/** POST /manage/{token}/reschedule body. */
export const rescheduleBodySchema = rescheduleSchema.extend({
  expectedQuote: expectedQuoteSchema.optional(),
});

/** GET /manage/{token}/change-quote query. */
export const changeQuoteQuerySchema = z.object({ action: z.enum(['cancel', 'reschedule']) });

/** GET /manage/{token}/change-quote response. */
export const changeQuoteSchema = z.object({
  action: z.enum(['cancel', 'reschedule']),
  refundMinor: z
    .number()
    .int()
    .meta({ description: 'What goes back to the client (after any fee), minor units' }),
  feeMinor: z.number().int().meta({ description: 'The fee the policy sets for this change, minor units' }),
  feeOwedMinor: z
    .number()
    .int()
    .meta({ description: 'Part of the fee recorded as owed (no card on file to charge), minor units' }),
  currency: z.string(),
  policy: z.object({ name: z.string() }),
  explanation: z.string(),
});
