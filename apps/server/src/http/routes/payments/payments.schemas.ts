/**
 * Request and response schemas of the payment routes (payments.routes.ts): an appointment's
 * payments and ledger (staff) and the reconciliation report (owners). Money in integer minor units
 * with an ISO 4217 currency; instants in ISO 8601 UTC.
 */
import { z } from 'zod';

const instant = z.iso.datetime({
  offset: true,
  message: 'Use an ISO 8601 instant, e.g. 2026-12-01T00:00:00Z',
});

/** GET /locations/{locationId}/appointments/{id}/payments answer. */
export const appointmentPaymentsSchema = z.object({
  appointmentId: z.uuid(),
  currency: z.string().meta({ description: 'ISO 4217 currency of the appointment' }),
  balanceMinor: z.number().int().meta({
    description:
      'What the shop holds for this appointment (charges + fees + tips − refunds − disputes + disputes won), minor units',
  }),
  payments: z.array(
    z.object({
      id: z.uuid(),
      purpose: z.enum(['deposit', 'prepayment', 'card_setup', 'fee', 'checkout']),
      status: z.string().meta({
        description: "The provider's status as last read (e.g. succeeded, requires_action), or `creating`",
      }),
      failureCode: z.string().nullable(),
      amountMinor: z.number().int(),
      currency: z.string(),
      providerId: z.string().nullable(),
      createdAt: z.string(),
      updatedAt: z.string(),
    }),
  ),
  ledger: z.array(
    z.object({
      id: z.number().int(),
      kind: z.enum(['charge', 'fee', 'tip', 'refund', 'dispute', 'dispute_won']),
      amountMinor: z.number().int().positive(),
      currency: z.string(),
      providerRef: z.string(),
      paymentId: z.uuid().nullable(),
      note: z.string().nullable(),
      at: z.string(),
    }),
  ),
});

/** GET /organizations/current/payments/reconciliation query. */
export const reconciliationQuerySchema = z
  .object({
    from: instant.meta({ description: 'Start of the period (inclusive): payments created from then' }),
    to: instant.meta({ description: 'End of the period (exclusive); at most 93 days after `from`' }),
    organizationId: z.uuid().optional().meta({ description: 'Which organization, for an owner of several' }),
  })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), {
    message: '`to` must be after `from`',
    path: ['to'],
  })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 93 * 86_400_000, {
    message: 'At most 93 days at a time',
    path: ['to'],
  });

/** The reconciliation report. */
export const reconciliationReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  paymentsChecked: z.number().int(),
  differences: z.array(
    z.object({
      paymentId: z.uuid(),
      appointmentId: z.uuid(),
      providerId: z.string(),
      kind: z.enum(['charge', 'refund', 'dispute', 'dispute_won']),
      ref: z.string().nullable(),
      issue: z.enum(['missing_in_ledger', 'missing_at_provider', 'amount_differs']),
      ledgerMinor: z.number().int(),
      providerMinor: z.number().int(),
      currency: z.string(),
    }),
  ),
});
