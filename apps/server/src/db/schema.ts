/**
 * The database schema (Drizzle, PostgreSQL dialect), shared by PGlite and PostgreSQL.
 * Instants are `timestamptz`; money is integer minor units with an ISO 4217 currency;
 * wall-clock hours are JSON `{"mon": [["09:00","13:00"], …]}` in the location's IANA zone.
 * The no-double-booking exclusion constraint lives in a custom migration (see migrations/).
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { DateOverride, WeeklyHours } from '@bookedbarber/core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();

export const organizations = pgTable('organizations', {
  id: uuid('id').primaryKey().defaultRandom(),
  key: text('key').notNull().unique(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const locations = pgTable('locations', {
  id: uuid('id').primaryKey().defaultRandom(),
  organizationId: uuid('organization_id')
    .notNull()
    .references(() => organizations.id),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull(),
  currency: text('currency').notNull(),
  phone: text('phone').notNull(),
  address: text('address').notNull(),
  openingHours: jsonb('opening_hours').$type<WeeklyHours>().notNull(),
  dateOverrides: jsonb('date_overrides').$type<DateOverride[]>().notNull().default([]),
  slotIntervalMinutes: integer('slot_interval_minutes').notNull(),
  leadTimeMinutes: integer('lead_time_minutes').notNull(),
  horizonDays: integer('horizon_days').notNull(),
  changeWindowHours: integer('change_window_hours').notNull(),
  createdAt: createdAt(),
});

export const services = pgTable(
  'services',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    locationId: uuid('location_id')
      .notNull()
      .references(() => locations.id),
    key: text('key').notNull(),
    category: text('category').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    durationMinutes: integer('duration_minutes').notNull(),
    priceMinor: integer('price_minor').notNull(),
    bufferBeforeMinutes: integer('buffer_before_minutes').notNull().default(0),
    bufferAfterMinutes: integer('buffer_after_minutes').notNull().default(0),
    bookableOnline: boolean('bookable_online').notNull().default(true),
    sortOrder: integer('sort_order').notNull().default(0),
    active: boolean('active').notNull().default(true),
  },
  (t) => [uniqueIndex('services_location_key').on(t.locationId, t.key)],
);

export const barbers = pgTable(
  'barbers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    locationId: uuid('location_id')
      .notNull()
      .references(() => locations.id),
    key: text('key').notNull(),
    name: text('name').notNull(),
    bio: text('bio'),
    weeklyHours: jsonb('weekly_hours').$type<WeeklyHours>().notNull(),
    dateOverrides: jsonb('date_overrides').$type<DateOverride[]>().notNull().default([]),
    sortOrder: integer('sort_order').notNull().default(0),
    active: boolean('active').notNull().default(true),
  },
  (t) => [uniqueIndex('barbers_location_key').on(t.locationId, t.key)],
);

export const barberServices = pgTable(
  'barber_services',
  {
    barberId: uuid('barber_id')
      .notNull()
      .references(() => barbers.id),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id),
    priceMinor: integer('price_minor'),
    durationMinutes: integer('duration_minutes'),
  },
  (t) => [primaryKey({ columns: [t.barberId, t.serviceId] })],
);

export const timeOff = pgTable(
  'time_off',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    barberId: uuid('barber_id')
      .notNull()
      .references(() => barbers.id),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    reason: text('reason'),
  },
  (t) => [index('time_off_barber').on(t.barberId, t.startsAt)],
);

export const clients = pgTable(
  'clients',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    email: text('email'),
    /** lower(trim(email)); unique per organization. */
    emailNormalized: text('email_normalized'),
    phone: text('phone'),
    /** digits only, with a leading + when given in international form. */
    phoneNormalized: text('phone_normalized'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('clients_org_email').on(t.organizationId, t.emailNormalized),
    index('clients_org_phone').on(t.organizationId, t.phoneNormalized),
  ],
);

/** Statuses that hold the barber's time (the exclusion constraint's WHERE clause uses the same list). */
export const ACTIVE_STATUSES = ['pending', 'confirmed', 'checked_in', 'completed'] as const;

export const appointments = pgTable(
  'appointments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    locationId: uuid('location_id')
      .notNull()
      .references(() => locations.id),
    barberId: uuid('barber_id')
      .notNull()
      .references(() => barbers.id),
    clientId: uuid('client_id')
      .notNull()
      .references(() => clients.id),
    status: text('status', {
      enum: ['pending', 'confirmed', 'checked_in', 'completed', 'cancelled', 'no_show'],
    }).notNull(),
    source: text('source', { enum: ['online', 'phone', 'walk_in', 'staff'] }).notNull(),
    /** Service time, UTC. */
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    /** Service time widened by the buffers before and after: what the barber's calendar loses. */
    occupiedFrom: ts('occupied_from').notNull(),
    occupiedUntil: ts('occupied_until').notNull(),
    totalMinor: integer('total_minor').notNull(),
    currency: text('currency').notNull(),
    notes: text('notes'),
    /** SHA-256 (hex) of the client's manage token; the token itself is never stored. */
    manageTokenHash: text('manage_token_hash').notNull().unique(),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('appointments_barber_time').on(t.barberId, t.occupiedFrom),
    index('appointments_location_time').on(t.locationId, t.startsAt),
  ],
);

export const appointmentServices = pgTable(
  'appointment_services',
  {
    appointmentId: uuid('appointment_id')
      .notNull()
      .references(() => appointments.id),
    position: integer('position').notNull(),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id),
    name: text('name').notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    priceMinor: integer('price_minor').notNull(),
  },
  (t) => [primaryKey({ columns: [t.appointmentId, t.position] })],
);

export const appointmentHistory = pgTable(
  'appointment_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    appointmentId: uuid('appointment_id')
      .notNull()
      .references(() => appointments.id),
    at: createdAt(),
    /** Who did it: "client", "staff:<id>", "system". */
    actor: text('actor').notNull(),
    action: text('action', { enum: ['created', 'rescheduled', 'cancelled', 'status_changed'] }).notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('appointment_history_appointment').on(t.appointmentId, t.id)],
);

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status').notNull(),
    responseBody: jsonb('response_body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

/** Messages leaving the process; written in the transaction that caused them, sent by the outbox job. */
export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    availableAt: ts('available_at').notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    sentAt: ts('sent_at'),
    lastError: text('last_error'),
  },
  (t) => [
    index('outbox_pending')
      .on(t.availableAt)
      .where(sql`${t.sentAt} is null`),
  ],
);
