/**
 * Zod schemas shared by the routes: one source for validation, types and the OpenAPI document.
 */
import { z } from 'zod';
import { STAFF_ROLES } from '@bookedbarber/core';

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
export const nameField = z
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

// ---- Staff and sign-in -------------------------------------------------------------------

/** An email address (trimmed, at most 254 characters). */
export const emailField = z
  .string()
  .trim()
  .max(254, 'At most 254 characters')
  .pipe(z.email('Enter a valid email address'));

/**
 * A password as typed. Only bounded here (argon2 work); the rules (8–128 characters, not
 * common) are checked by the service so their message names the field.
 */
const passwordInput = z.string().min(1, 'Enter a password').max(1024, 'At most 1024 characters');

/** How the client holds its session: `bearer` tokens in the body, or `cookie` (the web app). */
const sessionMode = z.enum(['bearer', 'cookie']).default('bearer').meta({
  description:
    '`bearer` (default): tokens in the answer, for API clients. `cookie`: httpOnly cookies plus a CSRF token, for the web app.',
});

/** POST /auth/login body. */
export const loginSchema = z.object({
  email: emailField,
  password: passwordInput,
  totp: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'Enter the 6 digits from your authenticator app')
    .optional()
    .meta({ description: 'The current TOTP code, when two-factor is on' }),
  recoveryCode: z
    .string()
    .trim()
    .min(1)
    .max(40, 'At most 40 characters')
    .optional()
    .meta({ description: 'A recovery code instead of the TOTP code; each works once' }),
  session: sessionMode,
});

/** POST /auth/refresh and /auth/logout body (may be empty). */
export const refreshSchema = z
  .object({
    refreshToken: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: 'Bearer clients send the refresh token here; the web app sends its cookie' }),
  })
  .nullish();

/** A staff account as the API shows it. */
export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  totpEnabled: z.boolean(),
});

/** Answer of sign-in and refresh: tokens (bearer mode) or a CSRF token (cookie mode). */
export const sessionSchema = z.object({
  user: userSchema,
  mfaEnrolmentRequired: z.boolean().meta({
    description:
      'True for an owner or manager without two-factor: the session may only enrol (auth/totp/*), read /me and sign out',
  }),
  tokenType: z.literal('Bearer').optional(),
  accessToken: z
    .string()
    .optional()
    .meta({ description: 'Bearer mode only; send as `Authorization: Bearer …`' }),
  refreshToken: z
    .string()
    .optional()
    .meta({ description: 'Bearer mode only; single use (POST /auth/refresh)' }),
  accessTokenExpiresAt: z.string(),
  refreshTokenExpiresAt: z.string(),
  csrfToken: z
    .string()
    .optional()
    .meta({ description: 'Cookie mode only; send as `X-CSRF-Token` on POST/PATCH/PUT/DELETE' }),
});

/** GET /auth/csrf answer. */
export const csrfSchema = z.object({ csrfToken: z.string() });

/** One role of the caller, with its location and organization. */
export const roleAtLocationSchema = z.object({
  organizationId: z.string(),
  organizationName: z.string(),
  locationId: z.string(),
  locationSlug: z.string(),
  locationName: z.string(),
  role: z.enum(STAFF_ROLES),
  barberId: z.string().nullable(),
});

/** GET /me answer. */
export const meSchema = z.object({
  user: userSchema,
  mfaEnrolmentRequired: z.boolean(),
  roles: z.array(roleAtLocationSchema),
});

/** POST /auth/password body. */
export const changePasswordSchema = z.object({
  currentPassword: passwordInput,
  newPassword: passwordInput,
});

/** POST /auth/password-reset/request body. */
export const resetRequestSchema = z.object({ email: emailField });
/** POST /auth/password-reset/confirm body. */
export const resetConfirmSchema = z.object({
  token: z.string().min(1).max(200),
  password: passwordInput,
});

/** POST /auth/totp/setup answer. */
export const totpSetupSchema = z.object({
  secret: z.string().meta({ description: 'Base32 secret, for typing into an authenticator app' }),
  otpauthUri: z.string().meta({ description: 'otpauth:// URI, for a QR code' }),
});
/** POST /auth/totp/confirm body. */
export const totpConfirmBodySchema = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'Enter the 6 digits from your authenticator app'),
});
/** POST /auth/totp/confirm answer: the recovery codes, shown once. */
export const recoveryCodesSchema = z.object({
  recoveryCodes: z
    .array(z.string())
    .meta({ description: 'Shown once; each signs in once instead of a code' }),
});

/** POST /auth/invite/accept body. */
export const acceptInviteSchema = z.object({
  token: z.string().min(1).max(200),
  password: passwordInput,
  name: nameField,
});
/** POST /auth/invite/accept answer. */
export const acceptedInviteSchema = z.object({
  user: userSchema.omit({ totpEnabled: true }),
  created: z.boolean(),
});

/** Path of location staff routes: the location id (a non-UUID is simply not found). */
export const locationIdParams = z.object({ locationId: z.string().min(1).max(100) });
/** Path of one staff member's routes. */
export const staffMemberParams = z.object({
  locationId: z.string().min(1).max(100),
  userId: z.string().min(1).max(100),
});

/** A staff member of a location (instants ISO 8601 UTC). */
export const staffMemberSchema = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.enum(STAFF_ROLES),
  barberId: z.string().nullable(),
  active: z.boolean(),
  totpEnabled: z.boolean(),
  lastSignInAt: z.string().nullable(),
  since: z.string(),
  deactivatedAt: z.string().nullable(),
});

/** POST /locations/{locationId}/staff/invites body. */
export const inviteBodySchema = z.object({
  email: emailField,
  name: nameField,
  role: z.enum(STAFF_ROLES),
  barberId: z
    .string()
    .max(100)
    .nullish()
    .meta({ description: 'The barber profile this account books for (required for the barber role)' }),
});

/** An invite as answered (never its token). */
export const inviteSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(STAFF_ROLES),
  barberId: z.string().nullable(),
  expiresAt: z.string(),
});

/** PATCH /locations/{locationId}/staff/{userId} body: at least one member. */
export const rolePatchSchema = z
  .object({
    role: z.enum(STAFF_ROLES).optional(),
    barberId: z.string().max(100).nullable().optional(),
  })
  .refine((b) => b.role !== undefined || b.barberId !== undefined, {
    message: 'Send role, barberId or both',
    path: ['role'],
  });

const instant = z.iso.datetime({
  offset: true,
  message: 'Use an ISO 8601 instant, e.g. 2026-12-01T00:00:00Z',
});

/** GET /organizations/current/audit query. */
export const auditQuerySchema = z.object({
  action: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: 'An action ("staff.invited") or a prefix ending with "." ("staff.")' }),
  from: instant.optional(),
  to: instant.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(30).optional().meta({ description: 'nextCursor of the previous page' }),
  organizationId: z
    .uuid()
    .optional()
    .meta({ description: 'Only for an owner of several organizations: which one' }),
});

/** One audit log entry (`at` ISO 8601 UTC). */
export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  actor: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
});

/** A page of the audit log and the cursor of the next one (null at the end). */
export const auditPageSchema = z.object({
  entries: z.array(auditEntrySchema),
  nextCursor: z.string().nullable(),
});

// --- Staff calendar (issue 3) ---

/** Query of GET /locations/{locationId}/calendar. */
export const calendarQuerySchema = z.object({
  from: localDate,
  to: localDate,
  barberId: z.string().min(1).max(100).optional(),
});

/** An appointment as the staff calendar shows it (contacts only for those who may see them). */
export const staffAppointmentSchema = z.object({
  id: z.string(),
  status: z.enum(['pending', 'confirmed', 'checked_in', 'completed', 'cancelled', 'no_show']),
  source: z.enum(['online', 'phone', 'walk_in', 'staff']),
  start: z.string(),
  end: z.string(),
  barber: z.object({ id: z.string(), name: z.string() }),
  client: z.object({
    id: z.string(),
    name: z.string(),
    email: z.string().nullable().optional(),
    phone: z.string().nullable().optional(),
  }),
  services: z.array(
    z.object({ id: z.string(), name: z.string(), durationMinutes: z.number(), priceMinor: z.number() }),
  ),
  totalMinor: z.number().int(),
  currency: z.string(),
  notes: z.string().nullable(),
  version: z.string().meta({ description: 'Send back as If-Match (or `version`) with a change' }),
  createdAt: z.string(),
});

/** The answer of GET /locations/{locationId}/calendar. */
export const calendarSchema = z.object({
  timezone: z.string(),
  from: z.string(),
  to: z.string(),
  appointments: z.array(staffAppointmentSchema),
  timeOff: z.array(
    z.object({
      id: z.string(),
      barberId: z.string(),
      start: z.string(),
      end: z.string(),
      reason: z.string().nullable(),
      kind: z
        .enum(['time_off', 'blocked'])
        .meta({ description: '`time_off` (leave) or `blocked` (blocked time)' }),
      status: z
        .enum(['requested', 'approved', 'declined'])
        .meta({ description: '`requested` is pending and does not block bookings yet' }),
    }),
  ),
});

/** Path of an appointment at a location. */
export const locationAppointmentParams = z.object({
  locationId: z.string().min(1).max(100),
  id: z.string().min(1).max(100),
});

const versionField = z.string().max(60).optional().meta({ description: 'The version you saw (or If-Match)' });

/** Body of confirm, check-in, complete, no-show. */
export const transitionBodySchema = z.object({ version: versionField }).loose().nullish();

/** Body of cancel. */
export const cancelBodySchema = z.object({
  reason: z.string().trim().min(1, 'Give a reason').max(500, 'At most 500 characters'),
  version: versionField,
});

/** Body of PATCH …/appointments/{id}. */
export const notesBodySchema = z.object({
  notes: z.string().trim().max(1000, 'At most 1000 characters').nullable(),
  version: versionField,
});

/** Body of a staff reschedule. */
export const staffRescheduleSchema = z.object({
  start: z.string().max(40),
  barberId: z.string().min(1).max(100).optional(),
  override: z.boolean().optional(),
  version: versionField,
});

/** Body of a staff booking (phone, walk-in). */
export const staffBookingSchema = z.object({
  services: z.array(z.string().min(1).max(100)).min(1, 'Choose at least one service').max(10),
  barberId: z.string().min(1).max(100),
  start: z.string().max(40).meta({ description: 'ISO 8601 with offset' }),
  source: z.enum(['phone', 'walk_in', 'staff']),
  client: z.union([
    z.object({ id: z.string().min(1).max(100) }).strict(),
    z.object({
      name: nameField,
      email: clientInputSchema.shape.email.nullish(),
      phone: clientInputSchema.shape.phone.nullish(),
    }),
  ]),
  notes: z.string().trim().max(500, 'At most 500 characters').nullish(),
  override: z.boolean().optional().meta({ description: 'Skip hours, lead time and horizon (recorded)' }),
});

/** Query of GET /locations/{locationId}/clients. */
export const clientSearchQuerySchema = z.object({
  q: z.string().trim().min(2, 'At least 2 characters').max(100),
});

/** A client in search results. */
export const clientSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
});
