/**
 * Zod schemas of the client back office, the CSV export and the client account routes
 * (docs/api.md "Clients").
 */
import { z } from 'zod';
import { CLIENT_SEGMENTS } from '@bookedbarber/core';
import { clientInputSchema, emailField, nameField } from '../../schemas.ts';

const segmentEnum = z.enum(CLIENT_SEGMENTS as unknown as ['vip', 'at_risk', 'returning', 'new']);

/** Path of a client at a location (the location decides the caller's role; the client is the organization's). */
export const locationClientParams = z.object({
  locationId: z.string().min(1).max(100),
  clientId: z.string().min(1).max(100),
});

/** Query of the client list. */
export const clientListQuerySchema = z.object({
  q: z.string().trim().max(100).optional().meta({ description: 'Name contains, or exact email or phone' }),
  segment: segmentEnum.optional(),
  tag: z.string().trim().min(1).max(40).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

/** Visit stats. */
export const clientStatsSchema = z.object({
  visits: z.number().int().meta({ description: 'Completed appointments' }),
  spendMinor: z.number().int().meta({ description: 'Sum of completed totals, minor units' }),
  currency: z.string().nullable(),
  lastVisit: z
    .string()
    .nullable()
    .meta({ description: 'UTC instant (ISO 8601) of the last completed appointment' }),
  noShows: z.number().int(),
  cancellations: z.number().int(),
});

/** A client in the back office. */
export const clientRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  notes: z.string().nullable(),
  tags: z.array(z.string()),
  mergedIntoId: z.string().nullable(),
  version: z.string().meta({ description: 'Send back as `version` to detect a concurrent edit' }),
  segment: segmentEnum,
  stats: clientStatsSchema,
});

/** A page of the client list. */
export const clientPageSchema = z.object({
  clients: z.array(clientRecordSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

/** An appointment in a history. */
export const historyItemSchema = z.object({
  id: z.string(),
  locationId: z.string(),
  locationName: z.string(),
  timezone: z.string(),
  barberId: z.string(),
  barberName: z.string(),
  status: z.string(),
  source: z.string(),
  start: z.string().meta({ description: 'ISO 8601 with the location offset' }),
  end: z.string(),
  totalMinor: z.number().int(),
  currency: z.string(),
  services: z.array(z.object({ serviceId: z.string(), name: z.string() })),
  notes: z.string().nullable(),
});

/** A client's profile. */
export const clientProfileSchema = clientRecordSchema.extend({ history: z.array(historyItemSchema) });

const tagField = z
  .string()
  .trim()
  .min(1, 'A tag cannot be empty')
  .max(40, 'At most 40 characters')
  .refine((s) => !/[\p{Cc};,]/u.test(s), 'No commas, semicolons or control characters');

/** Body of PATCH …/clients/{clientId}. */
export const clientPatchSchema = z.object({
  name: nameField.optional(),
  email: z
    .union([z.literal(''), clientInputSchema.shape.email])
    .nullish()
    .transform((v) => (v === '' ? null : v)),
  phone: z
    .union([z.literal(''), clientInputSchema.shape.phone])
    .nullish()
    .transform((v) => (v === '' ? null : v)),
  notes: z.string().trim().max(2000, 'At most 2000 characters').nullish(),
  tags: z.array(tagField).max(20, 'At most 20 tags').optional(),
  version: z.string().max(60).optional(),
});

/** Body of …/clients/{clientId}/merge. */
export const mergeBodySchema = z.object({
  duplicateId: z.string().min(1).max(100).meta({ description: 'The client merged into this one' }),
});

/** Answer of a merge. */
export const mergeResultSchema = z.object({
  client: clientRecordSchema,
  movedAppointments: z.number().int(),
});

// ---- Client account ----------------------------------------------------------------------

/** Body of POST /client-auth/request. */
export const clientLinkRequestSchema = z.object({
  email: emailField,
  locationSlug: z.string().trim().min(1).max(100),
});

/** Body of POST /client-auth/verify. */
export const clientLinkVerifySchema = z.object({ token: z.string().trim().min(1).max(200) });

/** The signed-in client. */
export const clientMeSchema = z.object({
  client: z.object({
    id: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
  }),
});

/** Answer of verify. */
export const clientSessionSchema = clientMeSchema.extend({
  locationSlug: z.string(),
  expiresAt: z.string(),
  csrfToken: z.string().meta({ description: 'Send as X-CSRF-Token with POSTs of this session' }),
});

/** Body of book-again. */
export const bookAgainSchema = z.object({ appointmentId: z.string().min(1).max(100) });

/** A book-again proposal. */
export const bookAgainProposalSchema = z.object({
  appointmentId: z.string(),
  locationSlug: z.string(),
  timezone: z.string(),
  barberId: z.string(),
  barberName: z.string(),
  services: z.array(z.object({ id: z.string(), name: z.string() })),
  start: z.string(),
  end: z.string(),
  totalMinor: z.number().int(),
  currency: z.string(),
  match: z.enum(['similar', 'any']),
});

/** Body of book-again/confirm. */
export const bookAgainConfirmSchema = z.object({
  appointmentId: z.string().min(1).max(100),
  start: z.string().max(40).meta({ description: 'The proposed start (ISO 8601 with offset)' }),
});
