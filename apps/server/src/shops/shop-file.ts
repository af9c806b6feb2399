/**
 * The shop file: an organization with its locations, services, barbers and hours, as imported by
 * `npm run cli -- import FILE.json` and printed by `export SLUG`. docs/shop-file.schema.json is
 * generated from this schema (`npm run cli -- schema`) and a test keeps the two equal.
 */
import { z } from 'zod';
import { locationPaymentsFileSchema, servicePaymentsFileSchema } from './shop-payments.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'Use HH:MM (00:00–24:00)');
const window = z.tuple([hhmm, hhmm]).refine(([a, b]) => a < b, 'A window must start before it ends');
const day = z.array(window);
export const weeklyHoursFileSchema = z
  .object({ mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day })
  .partial()
  .strict();
const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD')
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    'Not a real date',
  );
const localDateOrTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T([01]\d|2[0-3]):[0-5]\d)?$/, 'Use YYYY-MM-DD or YYYY-MM-DDTHH:MM (local time)');
const key = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'Use lower-case letters, digits, "-" or "_" (at most 63)');
const money = z.number().int('Use whole minor units (cents)').min(0).max(10_000_000);
const minutes = z
  .number()
  .int()
  .min(0)
  .max(24 * 60);

export const shopFileSchema = z
  .object({
    organization: z
      .object({
        key: key.optional().meta({ description: 'Stable key; defaults to the first location slug' }),
        name: z.string().trim().min(1).max(200),
      })
      .strict(),
    locations: z
      .array(
        z
          .object({
            slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'Use lower-case letters, digits and "-"'),
            name: z.string().trim().min(1).max(200),
            timezone: z.string().refine((tz) => {
              try {
                new Intl.DateTimeFormat('en-US', { timeZone: tz });
                return tz.includes('/') || tz === 'UTC';
              } catch {
                return false;
              }
            }, 'Unknown IANA time zone'),
            currency: z.string().regex(/^[A-Z]{3}$/, 'Use an ISO 4217 code such as USD'),
            phone: z.string().trim().min(3).max(40),
            address: z.string().trim().min(1).max(300),
            openingHours: weeklyHoursFileSchema,
            closures: z
              .array(z.object({ date: localDate, hours: day.default([]) }).strict())
              .default([])
              .meta({ description: 'Holidays (hours: []) or special hours for one local date' }),
            policy: z
              .object({
                slotIntervalMinutes: z.number().int().min(5).max(240).default(15),
                leadTimeMinutes: z
                  .number()
                  .int()
                  .min(0)
                  .max(60 * 24 * 14)
                  .default(120),
                horizonDays: z.number().int().min(1).max(365).default(90),
                changeWindowHours: z
                  .number()
                  .int()
                  .min(0)
                  .max(24 * 14)
                  .default(24),
              })
              .strict(),
            services: z.array(
              z
                .object({
                  key,
                  name: z.string().trim().min(1).max(120),
                  category: z.string().trim().min(1).max(80),
                  description: z.string().max(500).optional(),
                  durationMinutes: minutes.min(5),
                  priceMinor: money,
                  bufferBeforeMinutes: minutes.default(0),
                  bufferAfterMinutes: minutes.default(0),
                  bookableOnline: z.boolean().default(true),
                  payments: servicePaymentsFileSchema
                    .optional()
                    .meta({ description: "Overrides of the location's payment rule (absent = inherit)" }),
                })
                .strict(),
            ),
            barbers: z.array(
              z
                .object({
                  key,
                  name: z.string().trim().min(1).max(120),
                  bio: z.string().max(500).optional(),
                  services: z.array(
                    z.union([
                      key,
                      z
                        .object({
                          service: key,
                          priceMinor: money.optional(),
                          durationMinutes: minutes.min(5).optional(),
                        })
                        .strict(),
                    ]),
                  ),
                  weeklyHours: weeklyHoursFileSchema,
                  dateOverrides: z.array(z.object({ date: localDate, hours: day }).strict()).default([]),
                  timeOff: z
                    .array(
                      z
                        .object({
                          from: localDateOrTime,
                          to: localDateOrTime,
                          reason: z.string().max(200).optional(),
                        })
                        .strict(),
                    )
                    .default([])
                    .meta({
                      description:
                        'Local dates (whole days, inclusive) or local date-times (to is exclusive) in the location zone',
                    }),
                })
                .strict(),
            ),
            payments: locationPaymentsFileSchema
              .optional()
              .meta({ description: 'Online payment rule (absent = pay at the shop)' }),
          })
          .strict()
          .superRefine((loc, ctx) => {
            const serviceKeys = new Set<string>();
            loc.services.forEach((s, i) => {
              if (serviceKeys.has(s.key))
                ctx.addIssue({
                  code: 'custom',
                  path: ['services', i, 'key'],
                  message: `Duplicate service key "${s.key}"`,
                });
              serviceKeys.add(s.key);
            });
            const barberKeys = new Set<string>();
            loc.barbers.forEach((b, i) => {
              if (barberKeys.has(b.key))
                ctx.addIssue({
                  code: 'custom',
                  path: ['barbers', i, 'key'],
                  message: `Duplicate barber key "${b.key}"`,
                });
              barberKeys.add(b.key);
              b.services.forEach((ref, j) => {
                const k = typeof ref === 'string' ? ref : ref.service;
                if (!serviceKeys.has(k))
                  ctx.addIssue({
                    code: 'custom',
                    path: ['barbers', i, 'services', j],
                    message: `Unknown service key "${k}"`,
                  });
              });
              b.timeOff.forEach((t, j) => {
                if (t.to < t.from)
                  ctx.addIssue({
                    code: 'custom',
                    path: ['barbers', i, 'timeOff', j, 'to'],
                    message: 'Ends before it starts',
                  });
              });
            });
          }),
      )
      .min(1),
  })
  .strict();

/** A validated shop file (defaults applied). */
export type ShopFile = z.output<typeof shopFileSchema>;
/** A shop file as written by hand (defaults optional). */
export type ShopFileInput = z.input<typeof shopFileSchema>;

/** Thrown by {@link parseShopFile} with one line per bad field ("locations.0.services.2.priceMinor: …"). */
export class ShopFileError extends Error {
  constructor(readonly issues: Array<{ field: string; message: string }>) {
    super(`Invalid shop file:\n${issues.map((i) => `  ${i.field}: ${i.message}`).join('\n')}`);
  }
}

/** Validates a parsed JSON value as a shop file. @throws ShopFileError naming each bad field. */
export function parseShopFile(json: unknown): ShopFile {
  const r = shopFileSchema.safeParse(json);
  if (!r.success)
    throw new ShopFileError(
      r.error.issues.map((i) => ({ field: i.path.join('.') || '(root)', message: i.message })),
    );
  return r.data;
}

/** The JSON Schema (draft 2020-12) of the shop file, as published in docs/shop-file.schema.json. */
export function shopFileJsonSchema(): unknown {
  return {
    $id: 'https://bookedbarber.dev/schemas/shop-file.json',
    title: 'BookedBarber shop file',
    ...z.toJSONSchema(shopFileSchema, { io: 'input' }),
  };
}
