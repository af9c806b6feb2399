/**
 * Request and response schemas of the checkout routes (docs/api.md, "Checkout"). Amounts are
 * integer minor units of the location's currency.
 */
import { z } from 'zod';

const minor = z.number().int().min(0).max(100_000_000);

/** A service line at checkout: the booked name and its (possibly adjusted) price. */
export const checkoutLineInputSchema = z.object({
  name: z.string().min(1).max(200),
  priceMinor: minor,
});

/** A tip: a whole percent of the discounted pre-tax amount, or an amount. */
export const tipInputSchema = z.union([
  z.object({ percent: z.number().int().min(0).max(1000) }).strict(),
  z.object({ amountMinor: minor }).strict(),
]);

/** Body of POST …/checkout/preview. */
export const checkoutPreviewBodySchema = z.object({
  lines: z.array(checkoutLineInputSchema).min(1).max(50).optional(),
  tip: tipInputSchema,
  discountMinor: minor.default(0),
});

/** Body of POST …/checkout. */
export const checkoutCloseBodySchema = checkoutPreviewBodySchema.extend({
  method: z.enum(['cash', 'card', 'card_on_file']),
  expectedTotalMinor: minor.meta({ description: 'The amount due now that the desk showed' }),
});

/** Body of POST …/checkout/card/test-confirm. */
export const testConfirmBodySchema = z.object({
  cardNumber: z.string().min(12).max(30).meta({ description: 'A Stripe test card number' }),
});

const suggestedTipSchema = z.object({ percent: z.number(), amountMinor: z.number() });

/** The ticket. */
export const checkoutTotalsSchema = z.object({
  subtotalMinor: z.number(),
  discountMinor: z.number(),
  taxMinor: z.number(),
  tipMinor: z.number(),
  totalMinor: z.number(),
  depositAppliedMinor: z.number(),
  dueMinor: z.number(),
  overpaidMinor: z.number(),
});

/** The answer of POST …/checkout/preview. */
export const checkoutPreviewSchema = checkoutTotalsSchema.extend({
  suggestedTips: z.array(suggestedTipSchema),
});

/** A checkout as the desk sees it. */
export const checkoutSchema = z.object({
  appointmentId: z.string(),
  appointmentStatus: z.string(),
  barberId: z.string(),
  status: z.enum(['open', 'awaiting_payment', 'paid']),
  currency: z.string(),
  taxRatePpm: z.number(),
  depositPaidMinor: z.number(),
  lines: z.array(z.object({ name: z.string(), priceMinor: z.number(), originalPriceMinor: z.number() })),
  suggestedTips: z.array(suggestedTipSchema),
  totals: checkoutTotalsSchema,
  method: z.enum(['cash', 'card', 'card_on_file', 'none']).nullable(),
  cardOnFile: z.boolean(),
  cardPaymentsAvailable: z.boolean(),
  canAdjustPrices: z.boolean(),
  card: z
    .object({
      clientSecret: z.string().nullable(),
      publishableKey: z.string().nullable(),
      testMode: z.boolean(),
    })
    .nullable(),
  paidAt: z.string().nullable(),
});

/** Path of a barber's tips. */
export const barberTipsParams = z.object({
  locationId: z.string().min(1).max(100),
  barberId: z.string().min(1).max(100),
});

/** Query of a barber's tips: local dates, inclusive. */
export const barberTipsQuerySchema = z.object({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD'),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD'),
});

/** A barber's tips per day. */
export const barberTipsSchema = z.object({
  barberId: z.string(),
  from: z.string(),
  to: z.string(),
  currency: z.string(),
  totalMinor: z.number(),
  days: z.array(z.object({ date: z.string(), amountMinor: z.number(), count: z.number() })),
});
