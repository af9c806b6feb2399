/**
 * Zod schemas of the payment settings (issue 4, "Payment rules per location and service"): the
 * `payments` block of a location's settings and the optional overrides of a service.
 * Money is integer minor units; the tax rate is parts per million (75 000 = 7.5 %).
 */
import { z } from 'zod';

/** Highest online payment limit an owner may set, minor units (10,000.00 in a two-decimal currency). */
export const MAX_ONLINE_LIMIT_MINOR = 1_000_000;

/** none (pay at the shop) | deposit | prepayment (pay in full) | card_on_file. */
export const paymentModeSchema = z.enum(['none', 'deposit', 'prepayment', 'card_on_file']);

/** A deposit: a whole percent of the price or a fixed amount in minor units. */
export const depositRuleSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('percent'),
      percent: z.number().int().min(1, 'At least 1').max(100, 'At most 100'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('fixed'),
      amountMinor: z
        .number()
        .int('Whole minor units')
        .min(1, 'At least 1')
        .max(MAX_ONLINE_LIMIT_MINOR, 'Too large'),
    })
    .strict(),
]);

const tierSchema = z
  .object({
    minHoursBefore: z
      .number()
      .int('Whole hours')
      .min(0, 'At least 0')
      .max(24 * 60, 'At most 60 days'),
    refundPercent: z.number().int('Whole percent').min(0, 'At least 0').max(100, 'At most 100'),
    feeMinor: z
      .number()
      .int('Whole minor units')
      .min(0, 'At least 0')
      .max(MAX_ONLINE_LIMIT_MINOR, 'Too large'),
  })
  .strict();

/** A cancellation policy choice: a seeded one by name, or custom tiers (earliest first, the last at 0 h). */
export const policyChoiceSchema = z.discriminatedUnion('key', [
  z
    .object({ key: z.enum(['standard', 'lenient', 'strict']), firstTimeGrace: z.boolean().optional() })
    .strict(),
  z
    .object({
      key: z.literal('custom'),
      name: z.string().trim().max(80).optional(),
      tiers: z.array(tierSchema).min(1, 'At least one tier').max(6, 'At most 6 tiers'),
      noShowFeeMinor: z.number().int().min(0, 'At least 0').max(MAX_ONLINE_LIMIT_MINOR, 'Too large'),
      firstTimeGraceHours: z
        .number()
        .int()
        .min(0)
        .max(24 * 60)
        .nullable(),
    })
    .strict(),
]);

/** A stored policy as answered. */
export const policySchema = z.object({
  key: z.string(),
  name: z.string(),
  tiers: z
    .array(z.object({ minHoursBefore: z.number(), refundPercent: z.number(), feeMinor: z.number() }))
    .readonly(),
  noShowFeeMinor: z.number(),
  firstTimeGraceHours: z.number().nullable(),
});

/** The `payments` block of a location's settings as answered. */
export const paymentSettingsSchema = z.object({
  mode: paymentModeSchema,
  deposit: depositRuleSchema.nullable().meta({ description: 'null = the default, 50 % of the price' }),
  cancellationPolicy: policySchema,
  holdMinutes: z.number().int(),
  onlinePaymentLimitMinor: z.number().int(),
  taxRatePpm: z.number().int().meta({ description: 'Parts per million: 75000 = 7.5 %' }),
});

/** What the settings answer says about online payments. */
export const paymentOptionsSchema = z.object({
  onlinePaymentsAvailable: z.boolean().meta({ description: 'A payment provider is configured' }),
});

/** PATCH …/settings `payments` member: any subset. */
export const paymentSettingsPatchSchema = z
  .object({
    mode: paymentModeSchema.optional(),
    deposit: depositRuleSchema.nullable().optional(),
    cancellationPolicy: policyChoiceSchema.optional(),
    holdMinutes: z.number().int().min(5, 'At least 5').max(60, 'At most 60').optional(),
    onlinePaymentLimitMinor: z
      .number()
      .int('Whole minor units')
      .min(1, 'At least 1')
      .max(MAX_ONLINE_LIMIT_MINOR, `At most ${MAX_ONLINE_LIMIT_MINOR}`)
      .optional(),
    taxRatePpm: z.number().int().min(0, 'At least 0').max(500_000, 'At most 50 %').optional(),
  })
  .strict();

/** A service's payment overrides (null = inherit the location's). */
export const servicePaymentOverridesSchema = {
  paymentMode: paymentModeSchema.nullable().optional(),
  depositRule: depositRuleSchema.nullable().optional(),
  cancellationPolicy: policyChoiceSchema.nullable().optional(),
};
