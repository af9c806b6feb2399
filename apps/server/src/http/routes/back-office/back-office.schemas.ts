/**
 * Zod schemas of the back-office routes (location settings, services, barbers and schedules,
 * time off): one source for validation, types and the OpenAPI document.
 *
 * Hours are wall-clock "HH:MM" windows in the location's IANA zone ("24:00" allowed as an end);
 * within a day they must start before they end and must not overlap (touching is fine).
 * Money is integer minor units of the location currency; durations are whole minutes.
 */
import { z } from 'zod';
import {
  depositRuleSchema,
  paymentModeSchema,
  policySchema,
  servicePaymentOverridesSchema,
  paymentOptionsSchema,
  paymentSettingsPatchSchema,
  paymentSettingsSchema,
} from './payment-settings.schemas.ts';
import { isValidDate, isValidTimeZone, WEEKDAYS } from '@bookedbarber/core';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'Use HH:MM (00:00–24:00)');

/** One wall-clock window ["HH:MM", "HH:MM"], start before end. */
export const windowSchema = z
  .tuple([hhmm, hhmm])
  .refine(([a, b]) => a < b, 'A window must start before it ends')
  .meta({ description: 'A wall-clock window ["HH:MM","HH:MM"] in the location zone, start before end' });

/** The windows of one day: each valid, none overlapping another (ranges may touch). */
export const dayWindowsSchema = z
  .array(windowSchema)
  .max(12, 'At most 12 windows a day')
  .superRefine((windows, ctx) => {
    // By start: each window must begin at or after the latest end so far (touching is fine).
    const order = windows
      .map((w, i) => ({ w, i }))
      .filter(({ w }) => w[0] < w[1])
      .sort((x, y) => (x.w[0] < y.w[0] ? -1 : 1));
    let latest: { w: readonly [string, string] } | undefined;
    for (const cur of order) {
      if (latest && cur.w[0] < latest.w[1])
        ctx.addIssue({ code: 'custom', message: `Overlaps ${latest.w[0]}–${latest.w[1]}`, path: [cur.i] });
      if (!latest || cur.w[1] > latest.w[1]) latest = cur;
    }
  });

/** Weekly hours: windows per weekday (missing day or [] = closed / not working). */
export const weeklyHoursInputSchema = z
  .object(
    Object.fromEntries(WEEKDAYS.map((d) => [d, dayWindowsSchema.optional()])) as Record<
      (typeof WEEKDAYS)[number],
      z.ZodOptional<typeof dayWindowsSchema>
    >,
  )
  .strict()
  .meta({ description: 'Windows per weekday (mon…sun) in the location zone; a missing day or [] is closed' });

/** A local calendar date "YYYY-MM-DD". */
export const localDateSchema = z.string().refine((d) => isValidDate(d), 'Use a real date as YYYY-MM-DD');

/** Date overrides: a date with no windows is closed (holiday), with windows special hours. Dates unique. */
export const dateOverridesSchema = z
  .array(z.object({ date: localDateSchema, windows: dayWindowsSchema }).strict())
  .max(400, 'At most 400 dates')
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((o, i) => {
      if (seen.has(o.date))
        ctx.addIssue({ code: 'custom', message: `${o.date} is listed twice`, path: [i, 'date'] });
      seen.add(o.date);
    });
  })
  .meta({
    description:
      'Per-date hours: windows [] = closed that day, otherwise these hours instead of the weekly ones',
  });

const text = (max: number) => z.string().trim().min(1, 'Required').max(max, `At most ${max} characters`);

/** Booking policy as read and written (DOMAIN.md, "Booking policy"). */
export const policyInputSchema = z
  .object({
    slotIntervalMinutes: z.number().int().min(5, 'At least 5').max(240, 'At most 240'),
    leadTimeMinutes: z
      .number()
      .int()
      .min(0, 'At least 0')
      .max(60 * 24 * 14, 'At most 14 days'),
    horizonDays: z.number().int().min(1, 'At least 1').max(365, 'At most 365'),
    changeWindowHours: z
      .number()
      .int()
      .min(0, 'At least 0')
      .max(24 * 14, 'At most 14 days'),
  })
  .strict();

/** A location's settings as answered. */
export const locationSettingsSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  phone: z.string(),
  address: z.string(),
  timezone: z.string().meta({ description: 'IANA time zone' }),
  currency: z.string().meta({ description: 'ISO 4217' }),
  openingHours: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))),
  closures: z.array(z.object({ date: z.string(), windows: z.array(z.tuple([z.string(), z.string()])) })),
  policy: policyInputSchema,
  payments: paymentSettingsSchema.optional(),
  paymentOptions: paymentOptionsSchema.optional(),
});

/** PATCH …/settings body: any subset of the settings (at least one member). */
export const settingsPatchSchema = z
  .object({
    name: text(200).optional(),
    phone: text(40).optional(),
    address: text(300).optional(),
    timezone: z
      .string()
      .refine((tz) => isValidTimeZone(tz) && (tz.includes('/') || tz === 'UTC'), 'Unknown IANA time zone')
      .optional()
      .meta({ description: 'IANA time zone (owners only)' }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'Use an ISO 4217 code such as USD')
      .refine((c) => {
        try {
          new Intl.NumberFormat('en-US', { style: 'currency', currency: c });
          return true;
        } catch {
          return false;
        }
      }, 'Unknown currency')
      .optional()
      .meta({ description: 'ISO 4217 (owners only)' }),
    openingHours: weeklyHoursInputSchema.optional(),
    closures: dateOverridesSchema.optional(),
    policy: policyInputSchema.partial().optional(),
    payments: paymentSettingsPatchSchema.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'Send at least one setting', path: ['body'] });

/** A service as the back office sees it (including archived and not-bookable-online ones). */
export const adminServiceSchema = z.object({
  id: z.string(),
  key: z.string(),
  category: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  durationMinutes: z.number().int(),
  priceMinor: z.number().int().meta({ description: 'Minor units of the location currency' }),
  currency: z.string(),
  bufferBeforeMinutes: z.number().int(),
  bufferAfterMinutes: z.number().int(),
  bookableOnline: z.boolean(),
  sortOrder: z.number().int(),
  active: z.boolean(),
  barbers: z.array(
    z.object({
      barberId: z.string(),
      priceMinor: z.number().int().nullable(),
      durationMinutes: z.number().int().nullable(),
    }),
  ),
  payments: z
    .object({
      mode: paymentModeSchema.nullable(),
      deposit: depositRuleSchema.nullable(),
      cancellationPolicy: policySchema.nullable(),
    })
    .optional()
    .meta({ description: 'Payment overrides (issue 4); null = the location’s' }),
});

/** GET …/services answer. */
export const adminServiceListSchema = z.object({
  currency: z.string(),
  categories: z.array(z.string()).meta({ description: 'In display order (order of their first service)' }),
  services: z.array(adminServiceSchema),
});

const money = z
  .number()
  .int('Use whole minor units (cents)')
  .min(0, 'Cannot be negative')
  .max(10_000_000, 'Too large');
const minutes = (min: number) =>
  z
    .number()
    .int('Use whole minutes')
    .min(min, `At least ${min}`)
    .max(24 * 60, 'At most 1440');

/** POST …/services body. */
export const serviceCreateSchema = z
  .object({
    name: text(120),
    category: text(80),
    description: z.string().trim().max(500, 'At most 500 characters').nullish(),
    durationMinutes: minutes(5),
    priceMinor: money,
    bufferBeforeMinutes: minutes(0).default(0),
    bufferAfterMinutes: minutes(0).default(0),
    bookableOnline: z.boolean().default(true),
    barberIds: z
      .array(z.string().max(100))
      .max(200)
      .optional()
      .meta({ description: 'Barbers who offer it (default: every active barber)' }),
  })
  .strict();

/** PATCH …/services/{serviceId} body. */
export const servicePatchSchema = z
  .object({
    name: text(120).optional(),
    category: text(80).optional(),
    description: z.string().trim().max(500, 'At most 500 characters').nullable().optional(),
    durationMinutes: minutes(5).optional(),
    priceMinor: money.optional(),
    bufferBeforeMinutes: minutes(0).optional(),
    bufferAfterMinutes: minutes(0).optional(),
    bookableOnline: z.boolean().optional(),
    sortOrder: z.number().int().min(0).max(100_000).optional(),
    active: z.boolean().optional().meta({ description: 'false archives, true restores' }),
    ...servicePaymentOverridesSchema,
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'Send at least one field', path: ['body'] });

/** PUT …/services/order body. */
export const serviceOrderSchema = z
  .object({
    ids: z
      .array(z.string().max(100))
      .min(1, 'List at least one service')
      .max(500)
      .meta({ description: 'Service ids in the new order; services not listed keep their order after them' }),
  })
  .strict();

/** POST …/service-categories/rename body. */
export const categoryRenameSchema = z.object({ from: text(80), to: text(80) }).strict();

/** PUT …/barbers/{barberId}/services/{serviceId} body: null = use the service's own value. */
export const barberServiceSchema = z
  .object({
    priceMinor: money.nullable().default(null),
    durationMinutes: minutes(5).nullable().default(null),
  })
  .strict();

/** A barber as the back office sees it. */
export const adminBarberSchema = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  bio: z.string().nullable(),
  active: z.boolean(),
  weeklyHours: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))),
  dateOverrides: z.array(z.object({ date: z.string(), windows: z.array(z.tuple([z.string(), z.string()])) })),
  services: z.array(
    z.object({
      serviceId: z.string(),
      priceMinor: z.number().int().nullable(),
      durationMinutes: z.number().int().nullable(),
    }),
  ),
  account: z
    .object({ userId: z.string(), name: z.string(), email: z.string().optional() })
    .nullable()
    .meta({ description: 'The staff account linked to this barber (email for owners and managers only)' }),
});

/** POST …/barbers body. */
export const barberCreateSchema = z
  .object({
    name: text(120),
    bio: z.string().trim().max(1000, 'At most 1000 characters').nullish(),
    serviceIds: z
      .array(z.string().max(100))
      .max(500)
      .optional()
      .meta({ description: 'Services they offer (default: every active service)' }),
  })
  .strict();

/** PATCH …/barbers/{barberId} body. */
export const barberPatchSchema = z
  .object({
    name: text(120).optional(),
    bio: z.string().trim().max(1000, 'At most 1000 characters').nullable().optional(),
    active: z.boolean().optional().meta({
      description:
        'false takes the barber off the booking page (their appointments stay); true puts them back',
    }),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'Send at least one field', path: ['body'] });

/** PUT …/barbers/{barberId}/schedule body. */
export const scheduleSchema = z
  .object({
    weeklyHours: weeklyHoursInputSchema.optional(),
    breaks: weeklyHoursInputSchema
      .optional()
      .meta({ description: 'Breaks per weekday, cut out of weeklyHours before saving (stored as gaps)' }),
    dateOverrides: dateOverridesSchema.optional(),
  })
  .strict()
  .refine((b) => b.weeklyHours !== undefined || b.dateOverrides !== undefined, {
    message: 'Send weeklyHours, dateOverrides or both',
    path: ['weeklyHours'],
  })
  .refine((b) => b.breaks === undefined || b.weeklyHours !== undefined, {
    message: 'Breaks are cut out of weeklyHours: send them together',
    path: ['breaks'],
  });

/** A time-off entry as answered (instants ISO 8601 with the location offset). */
export const timeOffSchema = z.object({
  id: z.string(),
  barberId: z.string(),
  barberName: z.string(),
  start: z.string(),
  end: z.string(),
  reason: z.string().nullable(),
  status: z.enum(['requested', 'approved', 'declined']),
  requestedBy: z.object({ userId: z.string(), name: z.string() }).nullable(),
  decidedBy: z.object({ userId: z.string(), name: z.string() }).nullable(),
  decidedAt: z.string().nullable(),
  createdAt: z.string(),
});

/** An active appointment overlapping a time off (the manager must sort it out). */
export const conflictSchema = z.object({
  id: z.string(),
  start: z.string(),
  end: z.string(),
  status: z.string(),
});

/** Answer of creating or approving time off. */
export const timeOffResultSchema = z.object({
  timeOff: timeOffSchema,
  conflicts: z.array(conflictSchema).meta({
    description: 'Active appointments of the barber inside the approved time off (kept, not cancelled)',
  }),
});

const when = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/,
    'Use YYYY-MM-DD, YYYY-MM-DDTHH:MM (shop time) or an ISO 8601 instant',
  );

/** POST …/time-off body. */
export const timeOffCreateSchema = z
  .object({
    barberId: z
      .string()
      .max(100)
      .optional()
      .meta({ description: 'Whose time off (a barber may only name themself; default: the caller)' }),
    start: when.meta({
      description: 'YYYY-MM-DD (from local midnight), YYYY-MM-DDTHH:MM (shop time) or an instant with offset',
    }),
    end: when.meta({
      description: 'YYYY-MM-DD (inclusive: until the next local midnight), YYYY-MM-DDTHH:MM or an instant',
    }),
    reason: z.string().trim().max(300, 'At most 300 characters').nullish(),
  })
  .strict();

/** GET …/time-off query. */
export const timeOffQuerySchema = z.object({
  status: z.enum(['requested', 'approved', 'declined']).optional(),
  barberId: z.string().max(100).optional(),
  from: localDateSchema.optional().meta({ description: 'Local date: entries ending after its start' }),
  to: localDateSchema
    .optional()
    .meta({ description: 'Local date (inclusive): entries starting before its end' }),
});

/** POST …/time-off/{id}/decline body. */
export const declineSchema = z
  .object({ reason: z.string().trim().max(300, 'At most 300 characters').nullish() })
  .strict()
  .nullish();

/** Path with a location and a service. */
export const serviceParams = z.object({
  locationId: z.string().min(1).max(100),
  serviceId: z.string().min(1).max(100),
});
/** Path with a location and a barber. */
export const barberParams = z.object({
  locationId: z.string().min(1).max(100),
  barberId: z.string().min(1).max(100),
});
/** Path with a location, a barber and a service. */
export const barberServiceParams = z.object({
  locationId: z.string().min(1).max(100),
  barberId: z.string().min(1).max(100),
  serviceId: z.string().min(1).max(100),
});
/** Path with a location and a time-off id. */
export const timeOffParams = z.object({
  locationId: z.string().min(1).max(100),
  id: z.string().min(1).max(100),
});
