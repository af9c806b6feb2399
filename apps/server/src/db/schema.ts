/**
 * The database schema (Drizzle, PostgreSQL dialect), shared by PGlite and PostgreSQL.
 * Instants are `timestamptz`; money is integer minor units with an ISO 4217 currency;
 * wall-clock hours are JSON `{"mon": [["09:00","13:00"], …]}` in the location's IANA zone.
 * The no-double-booking exclusion constraint lives in a custom migration (see migrations/).
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
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
import {
  STAFF_ROLES,
  type CancellationPolicy,
  type DateOverride,
  type DepositRule,
  type WeeklyHours,
} from '@bookedbarber/core';

/**
 * How a booking is paid (issue 4): `none` = pay at the shop; `deposit` = part now (the deposit
 * rule); `prepayment` = everything now; `card_on_file` = a card saved now (SetupIntent), fees charged
 * off-session later.
 */
export const PAYMENT_MODES = ['none', 'deposit', 'prepayment', 'card_on_file'] as const;
export type PaymentMode = (typeof PAYMENT_MODES)[number];

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
  /** Payment rule for online bookings (a service may override it). */
  paymentMode: text('payment_mode', { enum: PAYMENT_MODES }).notNull().default('none'),
  /** Deposit rule when paymentMode is deposit; null = core's default (50 %). */
  depositRule: jsonb('deposit_rule').$type<DepositRule>(),
  /** Cancellation policy; null = the seeded standard policy. */
  cancellationPolicy: jsonb('cancellation_policy').$type<CancellationPolicy>(),
  /** Largest amount taken online in one payment, minor units (DOMAIN.md limit: 100,000). */
  onlinePaymentLimitMinor: integer('online_payment_limit_minor').notNull().default(100_000),
  /** How long a slot waiting for its deposit is held, minutes. */
  paymentHoldMinutes: integer('payment_hold_minutes').notNull().default(10),
  /** Sales tax in parts per million of the discounted subtotal (8.875 % = 88,750). */
  taxRatePpm: integer('tax_rate_ppm').notNull().default(0),
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
    /** Overrides of the location's payment rule and policy (DOMAIN.md lookup: service, location, default). */
    paymentMode: text('payment_mode', { enum: PAYMENT_MODES }),
    depositRule: jsonb('deposit_rule').$type<DepositRule>(),
    cancellationPolicy: jsonb('cancellation_policy').$type<CancellationPolicy>(),
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
    /** `time_off` (a barber's leave, requested and approved) or `blocked` (staff block a stretch of the calendar). */
    kind: text('kind', { enum: ['time_off', 'blocked'] })
      .notNull()
      .default('time_off'),
    /** Only `approved` rows remove time from availability; a barber's request starts as `requested`. */
    status: text('status', { enum: ['requested', 'approved', 'declined'] })
      .notNull()
      .default('approved'),
    requestedByUserId: uuid('requested_by_user_id').references(() => users.id),
    decidedByUserId: uuid('decided_by_user_id').references(() => users.id),
    decidedAt: ts('decided_at'),
    createdAt: createdAt(),
  },
  (t) => [index('time_off_barber').on(t.barberId, t.startsAt)],
);

/**
 * Clients of an organization. `email`, `phone` and `notes` are AES-256-GCM ciphertext
 * (security/client-fields.ts; the client id and column bound as additional data) once `encrypted`
 * is true; rows written before migration 0004 hold plaintext until the start-up pass seals them.
 * `email_hash`/`phone_hash` are HMAC-SHA256 of the normalized value under the lookup key, so an
 * exact email or phone can be found without decrypting. A merged duplicate keeps its row with
 * `merged_into_id` set (history) and leaves the unique email index.
 */
export const clients = pgTable(
  'clients',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    /** Ciphertext (plaintext only while `encrypted` is false). */
    email: text('email'),
    /** HMAC-SHA256 (hex) of lower(trim(email)); unique per organization among unmerged clients. */
    emailHash: text('email_hash'),
    /** Ciphertext (plaintext only while `encrypted` is false). */
    phone: text('phone'),
    /** HMAC-SHA256 (hex) of the phone's digits (with a leading + in international form). */
    phoneHash: text('phone_hash'),
    /** Staff notes, ciphertext. */
    notes: text('notes'),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Whether email/phone/notes are ciphertext (false only for rows from before 0004). */
    encrypted: boolean('encrypted').notNull().default(false),
    /** The client this duplicate was merged into (kept for history), or null. */
    mergedIntoId: uuid('merged_into_id'),
    /** The payment provider's customer (cus_…) that holds the card on file, or null. */
    providerCustomerId: text('provider_customer_id'),
    /** The saved card (pm_…) charged off-session for fees, or null. */
    cardOnFileId: text('card_on_file_id'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('clients_org_email_hash')
      .on(t.organizationId, t.emailHash)
      .where(sql`${t.mergedIntoId} is null`),
    index('clients_org_phone_hash').on(t.organizationId, t.phoneHash),
    index('clients_org_name').on(t.organizationId, t.name),
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
    /** The payment rule the booking was made under (resolved service → location). */
    paymentMode: text('payment_mode', { enum: PAYMENT_MODES }).notNull().default('none'),
    /** What had to be paid online to confirm (deposit or prepayment), minor units; 0 = none. */
    amountDueOnlineMinor: integer('amount_due_online_minor').notNull().default(0),
    /** A `pending` appointment's slot is released at this instant if still unpaid. */
    holdExpiresAt: ts('hold_expires_at'),
    /** The policy in force when booked (a later change of the shop's policy does not apply). */
    cancellationPolicy: jsonb('cancellation_policy').$type<CancellationPolicy>(),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('appointments_barber_time').on(t.barberId, t.occupiedFrom),
    index('appointments_location_time').on(t.locationId, t.startsAt),
    // The hold-expiry job's scan every 15 s (jobs/hold-expiry.job.ts): only pending rows.
    index('appointments_pending_hold')
      .on(t.holdExpiresAt)
      .where(sql`${t.status} = 'pending'`),
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
    action: text('action', {
      enum: ['created', 'rescheduled', 'cancelled', 'status_changed', 'checkout', 'payment'],
    }).notNull(),
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

/**
 * Staff accounts. The email is unique whatever its case (a unique index on lower(email)).
 * `active` is false once the user has no active role left anywhere (deactivated everywhere);
 * an accepted invite makes it true again. Secrets: the argon2id password hash (PHC string), the
 * TOTP secret encrypted with AES-256-GCM (security/encryption.ts), recovery codes as SHA-256.
 * Failed sign-ins are counted per email in sign_in_attempts, not here, so that unknown emails
 * are throttled exactly like known ones.
 */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    active: boolean('active').notNull().default(true),
    /** Encrypted TOTP secret once two-factor is confirmed; null when not enrolled. */
    totpSecret: text('totp_secret'),
    /** Encrypted TOTP secret handed out by setup and waiting for confirmation. */
    totpPendingSecret: text('totp_pending_secret'),
    totpEnabledAt: ts('totp_enabled_at'),
    /** The last 30-second TOTP step accepted, so one code cannot be used twice. */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    /** SHA-256 (hex) of each unused recovery code. */
    recoveryCodeHashes: text('recovery_code_hashes')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    passwordChangedAt: ts('password_changed_at').notNull(),
    lastSignInAt: ts('last_sign_in_at'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [uniqueIndex('users_email_lower').on(sql`lower(${t.email})`)],
);

/**
 * A user's role at one location (one row per user and location). `barber_id` links the account to
 * its bookable barber (required for the barber role, allowed for others, e.g. an owner who cuts).
 * Deactivation keeps the row (history) with active = false.
 */
export const staffRoles = pgTable(
  'staff_roles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    locationId: uuid('location_id')
      .notNull()
      .references(() => locations.id),
    role: text('role', { enum: STAFF_ROLES }).notNull(),
    barberId: uuid('barber_id').references(() => barbers.id),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull(),
    deactivatedAt: ts('deactivated_at'),
  },
  (t) => [
    uniqueIndex('staff_roles_user_location').on(t.userId, t.locationId),
    index('staff_roles_location').on(t.locationId),
    uniqueIndex('staff_roles_barber_active')
      .on(t.barberId)
      .where(sql`${t.active} and ${t.barberId} is not null`),
  ],
);

/**
 * Sign-in sessions. A family starts at sign-in; every refresh marks its row rotated and inserts
 * the next row of the family. Tokens are stored as SHA-256 (hex) only. Presenting a rotated
 * refresh token again revokes the whole family. `mfa_pending` marks an "enrolment required"
 * family (an owner or manager without two-factor): it may only enrol, read /me and sign out.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    familyId: uuid('family_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    accessTokenHash: text('access_token_hash').notNull().unique(),
    refreshTokenHash: text('refresh_token_hash').notNull().unique(),
    accessExpiresAt: ts('access_expires_at').notNull(),
    /** When this row's refresh token stops being accepted. */
    expiresAt: ts('expires_at').notNull(),
    /** When the whole family ends (sign in again). */
    familyExpiresAt: ts('family_expires_at').notNull(),
    mfaPending: boolean('mfa_pending').notNull().default(false),
    createdAt: ts('created_at').notNull(),
    rotatedAt: ts('rotated_at'),
    revokedAt: ts('revoked_at'),
    /** logout, password_changed, password_reset, refresh_reuse, deactivated. */
    revokedReason: text('revoked_reason'),
    userAgent: text('user_agent'),
    ip: text('ip'),
  },
  (t) => [index('sessions_user').on(t.userId), index('sessions_family').on(t.familyId)],
);

/** Single-use emailed tokens (password reset, staff invite), stored as SHA-256 (hex) only. */
export const authTokens = pgTable(
  'auth_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['password_reset', 'invite'] }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    /** The account it acts on (password reset), or null (invite of a new person). */
    userId: uuid('user_id').references(() => users.id),
    /** Lower-cased address the token was sent to. */
    email: text('email').notNull(),
    /** Invite: { organizationId, locationId, role, barberId, name, invitedBy }. */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [index('auth_tokens_email').on(t.email, t.kind)],
);

/**
 * Failed sign-ins per key (SHA-256 of the lower-cased email, known to us or not), for the lock
 * policy in core (auth/lockout.ts). A success deletes the row.
 */
export const signInAttempts = pgTable(
  'sign_in_attempts',
  {
    key: text('key').primaryKey(),
    failures: integer('failures').notNull(),
    lockedUntil: ts('locked_until'),
    lastFailureAt: ts('last_failure_at').notNull(),
  },
  (t) => [index('sign_in_attempts_last_failure').on(t.lastFailureAt)],
);

/** Who changed what among staff and accounts, when, with the values before and after (no secrets). */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    organizationId: uuid('organization_id').references(() => organizations.id),
    actorUserId: uuid('actor_user_id').references(() => users.id),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    before: jsonb('before').$type<Record<string, unknown>>(),
    after: jsonb('after').$type<Record<string, unknown>>(),
    at: ts('at').notNull(),
  },
  (t) => [index('audit_log_org_at').on(t.organizationId, t.at)],
);

/** A client's sign-in (one-time link → session cookie), stored as SHA-256 (hex) of the token. */
export const clientSessions = pgTable(
  'client_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: uuid('client_id')
      .notNull()
      .references(() => clients.id),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('client_sessions_client').on(t.clientId)],
);

/** Single-use emailed sign-in links for clients (15 minutes), stored as SHA-256 (hex) only. */
export const clientLoginTokens = pgTable(
  'client_login_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: uuid('client_id')
      .notNull()
      .references(() => clients.id),
    /** The location whose page the link opens. */
    locationId: uuid('location_id')
      .notNull()
      .references(() => locations.id),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [index('client_login_tokens_client').on(t.clientId)],
);

/**
 * Small server-wide facts kept with the data. `client_lookup_key_id`: the id of the key that made
 * `clients.email_hash`/`phone_hash` (security/client-fields.ts); when AUTH_SECRET changes, the
 * start recomputes every hash before serving (runtime.ts).
 */
export const serverSettings = pgTable('server_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * One attempt to take or save money through the payment provider (issue 4): a deposit or
 * prepayment intent, a card-on-file setup, an off-session fee, a checkout payment. Created before
 * the provider is called, with the idempotency key the call uses, so a crash in between is
 * recovered by asking the provider with the same key (jobs/reconcile.job.ts), never by paying twice.
 */
export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    appointmentId: uuid('appointment_id')
      .notNull()
      .references(() => appointments.id),
    purpose: text('purpose', { enum: ['deposit', 'prepayment', 'card_setup', 'fee', 'checkout'] }).notNull(),
    provider: text('provider').notNull(),
    /** The provider's object (pi_…, seti_…); null until the provider answered. */
    providerId: text('provider_id').unique(),
    /** Sent with every call that creates the object; unique so one purpose is paid once. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    /** Minor units (0 for a card setup). */
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    /** The provider's status as last read (PaymentIntent/SetupIntent status), or `creating`. */
    status: text('status').notNull(),
    /** The provider's reason for the last failure (card_declined, authentication_required…). */
    failureCode: text('failure_code'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('payments_appointment').on(t.appointmentId)],
);

/**
 * The money ledger (issue 4, "A ledger"): append-only; one row per movement, positive amounts,
 * the kind giving the direction (core payments/settlement.ts LEDGER_SIGN). `providerRef` names the
 * provider's object (charge, refund, dispute) and is unique per kind, so recording the same
 * movement twice — a duplicate webhook, a retry — is a no-op.
 */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    appointmentId: uuid('appointment_id')
      .notNull()
      .references(() => appointments.id),
    paymentId: uuid('payment_id').references(() => payments.id),
    kind: text('kind', { enum: ['charge', 'fee', 'tip', 'refund', 'dispute', 'dispute_won'] }).notNull(),
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    /** ch_…, re_…, dp_…, or `cash:<checkout id>` for money taken at the desk. */
    providerRef: text('provider_ref').notNull(),
    /** The barber a tip belongs to. */
    barberId: uuid('barber_id').references(() => barbers.id),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('ledger_kind_ref').on(t.kind, t.providerRef),
    index('ledger_appointment').on(t.appointmentId),
    index('ledger_org_time').on(t.organizationId, t.createdAt),
  ],
);

/** Webhook events processed, by the provider's event id: written in the same transaction as the effect. */
export const webhookEvents = pgTable('webhook_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  objectId: text('object_id').notNull(),
  receivedAt: ts('received_at').notNull().defaultNow(),
});

/**
 * The ticket of a completed appointment (issue 4, "Checkout"): the lines as charged (staff may
 * adjust them), discount, tax, tip, the deposit applied and how it was paid.
 */
export const checkouts = pgTable('checkouts', {
  appointmentId: uuid('appointment_id')
    .primaryKey()
    .references(() => appointments.id),
  organizationId: uuid('organization_id')
    .notNull()
    .references(() => organizations.id),
  /** [{ name, priceMinor, originalPriceMinor }] */
  lines: jsonb('lines')
    .$type<Array<{ name: string; priceMinor: number; originalPriceMinor: number }>>()
    .notNull(),
  subtotalMinor: integer('subtotal_minor').notNull(),
  discountMinor: integer('discount_minor').notNull(),
  taxMinor: integer('tax_minor').notNull(),
  tipMinor: integer('tip_minor').notNull(),
  totalMinor: integer('total_minor').notNull(),
  depositAppliedMinor: integer('deposit_applied_minor').notNull(),
  dueMinor: integer('due_minor').notNull(),
  currency: text('currency').notNull(),
  method: text('method', { enum: ['cash', 'card', 'card_on_file', 'none'] }).notNull(),
  status: text('status', { enum: ['awaiting_payment', 'paid'] }).notNull(),
  closedBy: uuid('closed_by').references(() => users.id),
  paidAt: ts('paid_at'),
  createdAt: createdAt(),
});
