/**
 * Schemas of the booking-payment contract (docs/api.md, "Booking with payment"): the `payment`
 * part of the booking response, the manage link's payment view and the test-mode card endpoints.
 * Shared with the web booking page: keep the names.
 */
import { z } from 'zod';
import { appointmentSchema, serviceSchema } from '../../schemas.ts';

/** What the browser needs to pay for a booking, or null when nothing is due online. */
export const bookingPaymentSchema = z.object({
  paymentId: z.string(),
  purpose: z.enum(['deposit', 'prepayment', 'card_setup']),
  providerId: z.string().nullable(),
  clientSecret: z.string().nullable(),
  amountMinor: z.number().int(),
  currency: z.string(),
  holdExpiresAt: z.string().nullable(),
  publishableKey: z.string().nullable(),
  testMode: z.boolean(),
});

/** The booking response: the appointment plus its payment step. */
export const bookedAppointmentSchema = appointmentSchema.extend({
  payment: bookingPaymentSchema.nullable().optional().meta({
    description:
      'With a payment provider: what is due online now (null = pay at the shop). Absent without one.',
  }),
});

/** A public service with what it takes online (null without a payment provider). */
export const servicePaymentSchema = z
  .object({
    mode: z.enum(['none', 'deposit', 'prepayment', 'card_on_file']),
    amountMinor: z.number().int(),
  })
  .nullable();
export const serviceWithPaymentSchema = serviceSchema.extend({
  payment: servicePaymentSchema.optional().meta({
    description: 'With a payment provider: what booking it alone takes online. Absent without one.',
  }),
});

/** GET /manage/{token}/payment. */
export const managePaymentSchema = z.object({
  appointmentStatus: z.enum(['pending', 'confirmed', 'checked_in', 'completed', 'cancelled', 'no_show']),
  payment: bookingPaymentSchema
    .extend({
      status: z.string().meta({ description: "The provider's status as last read, or `creating`" }),
      failureCode: z.string().nullable(),
    })
    .nullable(),
});

/** Path of the test-mode endpoints. */
export const providerIdParams = z.object({ providerId: z.string().min(3).max(255) });

/** POST /test-payments/{providerId}/confirm. */
export const testConfirmBodySchema = z.object({
  clientSecret: z.string().min(1).max(500),
  cardNumber: z
    .string()
    .max(40)
    .transform((s) => s.replace(/[\s-]/g, ''))
    .pipe(z.string().regex(/^\d{12,19}$/, 'Enter the card number: 12 to 19 digits')),
});

/** POST /test-payments/{providerId}/authenticate. */
export const testAuthenticateBodySchema = z.object({ clientSecret: z.string().min(1).max(500) });

/** What a test-mode confirm or authenticate answers. */
export const testPaymentResultSchema = z.object({
  status: z.enum(['succeeded', 'requires_action', 'failed']),
  failureCode: z.string().nullable(),
  appointmentStatus: z.enum(['pending', 'confirmed', 'checked_in', 'completed', 'cancelled', 'no_show']),
});
