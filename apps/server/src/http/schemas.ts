/**
 * Zod schemas shared by the routes: one source for validation, types and the OpenAPI document.
 */
import { z } from 'zod';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/);
export const weeklyHoursSchema = z
  .record(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']), z.array(z.tuple([hhmm, hhmm])))
  .meta({
    description: 'Wall-clock windows per weekday in the location zone, e.g. {"mon": [["09:00","19:00"]]}',
  });

export const policySchema = z.object({
  slotIntervalMinutes: z.number().int(),
  leadTimeMinutes: z.number().int(),
  horizonDays: z.number().int(),
  changeWindowHours: z.number().int(),
});

export const locationSchema = z.object({
  slug: z.string(),
  name: z.string(),
  timezone: z.string().meta({ description: 'IANA time zone' }),
  currency: z.string().meta({ description: 'ISO 4217' }),
  phone: z.string(),
  address: z.string(),
  openingHours: weeklyHoursSchema,
  policy: policySchema,
});

export const serviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  category: z.string(),
  description: z.string().nullable(),
  durationMinutes: z.number().int(),
  priceMinor: z.number().int().meta({ description: 'Price in minor units of `currency`' }),
  currency: z.string(),
  bufferBeforeMinutes: z.number().int(),
  bufferAfterMinutes: z.number().int(),
});

export const barberSchema = z.object({
  id: z.string(),
  name: z.string(),
  bio: z.string().nullable(),
  serviceIds: z.array(z.string()),
});

export const slotSchema = z.object({
  start: z.string().meta({ description: 'ISO 8601 with the location offset' }),
  end: z.string(),
  barberIds: z.array(z.string()),
});

export const availabilitySchema = z.object({ timezone: z.string(), slots: z.array(slotSchema) });

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD');

export const availabilityQuerySchema = z.object({
  services: z
    .string()
    .min(1)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .meta({ description: 'Comma-separated service ids' }),
  barber: z.string().min(1).default('any').meta({ description: 'A barber id or "any"' }),
  from: localDate,
  to: localDate,
});

export const manageAvailabilityQuerySchema = z.object({
  barber: z.string().min(1).optional(),
  from: localDate,
  to: localDate,
});

/** Names: letters of any script, up to 100 chars, no control characters. */
const nameField = z
  .string()
  .trim()
  .min(1, 'Enter your name')
  .max(100, 'At most 100 characters')
  .refine((s) => !/[\p{Cc}]/u.test(s), 'Contains control characters');

export const clientInputSchema = z.object({
  name: nameField,
  email: z.string().trim().max(254, 'At most 254 characters').pipe(z.email('Enter a valid email address')),
  phone: z
    .string()
    .trim()
    .max(30, 'At most 30 characters')
    .regex(/^\+?[\d\s().-]{7,}$/, 'Enter a valid phone number')
    .refine((s) => {
      const digits = s.replace(/\D/g, '').length;
      return digits >= 7 && digits <= 15;
    }, 'Enter a valid phone number (7 to 15 digits)'),
});

export const createAppointmentSchema = z.object({
  services: z.array(z.string().min(1).max(100)).min(1, 'Choose at least one service').max(10),
  barberId: z.string().min(1).max(100).meta({ description: 'A barber id or "any"' }),
  start: z.string().max(40).meta({ description: 'ISO 8601 with offset, one of the offered slot starts' }),
  client: clientInputSchema,
  notes: z.string().trim().max(500, 'At most 500 characters').nullish(),
});

export const rescheduleSchema = z.object({
  start: z.string().max(40),
  barberId: z.string().min(1).max(100).optional(),
});

export const appointmentSchema = z.object({
  id: z.string(),
  status: z.enum(['pending', 'confirmed', 'checked_in', 'completed', 'cancelled', 'no_show']),
  start: z.string(),
  end: z.string(),
  timezone: z.string(),
  barber: z.object({ id: z.string(), name: z.string() }),
  services: z.array(
    z.object({ id: z.string(), name: z.string(), durationMinutes: z.number(), priceMinor: z.number() }),
  ),
  totalMinor: z.number().int(),
  currency: z.string(),
  location: z.object({ slug: z.string(), name: z.string(), phone: z.string(), address: z.string() }),
  client: z.object({ name: z.string() }),
  notes: z.string().nullable(),
  changeDeadline: z.string(),
  canChange: z.boolean(),
  manageUrl: z.string(),
  bookAgainUrl: z.string(),
});

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    code: z.string(),
    detail: z.string(),
    instance: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    alternatives: z.array(slotSchema).optional(),
  })
  .loose()
  .meta({ description: 'RFC 9457 problem details' });

export const slugParams = z.object({ slug: z.string().min(1).max(100) });
export const tokenParams = z.object({ token: z.string().min(1).max(200) });
