/**
 * Booking with payment (issue 4): which payment a booking asks for (core resolveBookingPayment
 * over the location's and services' rules), holding a `pending` appointment while the client pays,
 * creating the provider object after the booking commits, falling back when the provider is down,
 * and the client's payment view behind the manage link.
 *
 * Flow (docs/architecture.md, "Booking with payment"):
 * 1. in the booking transaction: the appointment goes `pending` with a hold, and the payments row
 *    (status `creating`, key `appointment:<id>:deposit|prepayment|card-setup`) is inserted;
 * 2. after commit: `createAtProvider` makes the PaymentIntent / SetupIntent and its id and status
 *    are stored; the browser confirms it with the client secret;
 * 3. the provider unreachable: a card-on-file booking becomes pay-at-shop (confirmed); a deposit or
 *    prepayment booking is undone (appointment and payment rows deleted, slot free) and refused
 *    with PAYMENTS_UNAVAILABLE.
 */
import { and, asc, eq, lte } from 'drizzle-orm';
import {
  AppError,
  DEFAULT_ONLINE_PAYMENT_LIMIT_MINOR,
  resolveBookingPayment,
  resolvePolicy,
  toOffsetIso,
  type BookingPayment,
  type BookingPaymentMode,
  type CancellationPolicy,
  type DepositRule,
  type PaymentRule,
} from '@bookedbarber/core';
import type { DbOrTx, Tx } from '../db/client.ts';
import {
  appointmentHistory,
  appointmentServices,
  appointments,
  idempotencyKeys,
  locations,
  payments,
  services,
  type PaymentMode,
} from '../db/schema.ts';
import { addHistory } from '../repositories/appointment.repository.ts';
import type { EmailMessage } from '../repositories/outbox.repository.ts';
import {
  insertPayment,
  paymentsOfAppointment,
  updatePayment,
  type PaymentRecord,
} from '../repositories/payment.repository.ts';
import { appointmentChanged } from './appointment-events.ts';
import type { AppContext } from './context.ts';
import { dropHeldConfirmation, holdConfirmation, releaseHeldConfirmation } from './held-confirmation.ts';
import { formatMoney } from './messages.ts';
import { createAtProvider, ensureCustomer } from './payment-requests.ts';

const MINUTE = 60_000;

/**
 * What the browser needs to pay for a booking (docs/api.md, "Booking with payment"); shared
 * contract with the web booking page: keep the names.
 */
export interface BookingPaymentView {
  paymentId: string;
  purpose: 'deposit' | 'prepayment' | 'card_setup';
  /** pi_… or seti_…; null if the provider never answered. */
  providerId: string | null;
  /** For Stripe's Payment Element (or the test-mode card form); null once paid. */
  clientSecret: string | null;
  /** Minor units (0 for a card setup). */
  amountMinor: number;
  currency: string;
  /** ISO 8601 with the location's offset; when an unpaid hold is released. */
  holdExpiresAt: string | null;
  /** Stripe publishable key; null in test mode. */
  publishableKey: string | null;
  /** True with the built-in test provider: pay through POST /test-payments/{providerId}/confirm. */
  testMode: boolean;
}

/** The payment rules of a location and its services, as stored (schema.ts, migration 0005). */
export interface PaymentRules {
  location: PaymentRule;
  limitMinor: number;
  holdMinutes: number;
  locationPolicy: CancellationPolicy | null;
  services: Map<string, { rule: PaymentRule | null; policy: CancellationPolicy | null }>;
}

function rule(mode: PaymentMode, deposit: DepositRule | null): PaymentRule {
  return { mode, deposit };
}

/** Loads a location's payment rules and its services' overrides. @throws AppError NOT_FOUND. */
export async function loadPaymentRules(db: DbOrTx, locationId: string): Promise<PaymentRules> {
  const [l] = await db
    .select({
      mode: locations.paymentMode,
      deposit: locations.depositRule,
      policy: locations.cancellationPolicy,
      limit: locations.onlinePaymentLimitMinor,
      hold: locations.paymentHoldMinutes,
    })
    .from(locations)
    .where(eq(locations.id, locationId));
  if (!l) throw new AppError('NOT_FOUND', 'No such location.');
  const rows = await db
    .select({
      id: services.id,
      mode: services.paymentMode,
      deposit: services.depositRule,
      policy: services.cancellationPolicy,
    })
    .from(services)
    .where(eq(services.locationId, locationId));
  return {
    location: rule(l.mode, l.deposit),
    limitMinor: l.limit ?? DEFAULT_ONLINE_PAYMENT_LIMIT_MINOR,
    holdMinutes: l.hold ?? 10,
    locationPolicy: l.policy,
    services: new Map(
      rows.map((r) => [r.id, { rule: r.mode ? rule(r.mode, r.deposit) : null, policy: r.policy }]),
    ),
  };
}

/**
 * What a booking of these lines pays online. Without a provider configured everything is paid at
 * the shop (mode `none`).
 * @param lines the booked services with the prices of the chosen barber, minor units.
 */
export function planOnlinePayment(
  ctx: AppContext,
  rules: PaymentRules,
  lines: ReadonlyArray<{ serviceId: string; priceMinor: number }>,
  currency: string,
): BookingPayment {
  if (!ctx.payments) return { mode: 'none', amountDueOnlineMinor: 0, currency };
  return resolveBookingPayment(
    rules.location,
    lines.map((l) => ({ priceMinor: l.priceMinor, rule: rules.services.get(l.serviceId)?.rule ?? null })),
    currency,
  );
}

/**
 * The "Deposit $X due now" of each service on the public list: null without a provider.
 * @returns serviceId → { mode, amountMinor } (amount 0 for none and card on file).
 */
export async function servicePaymentPreviews(
  ctx: AppContext,
  locationId: string,
  list: ReadonlyArray<{ id: string; priceMinor: number }>,
  currency: string,
): Promise<Map<string, { mode: BookingPaymentMode; amountMinor: number } | null>> {
  const out = new Map<string, { mode: BookingPaymentMode; amountMinor: number } | null>();
  if (!ctx.payments) {
    for (const s of list) out.set(s.id, null);
    return out;
  }
  const rules = await loadPaymentRules(ctx.database.db, locationId);
  for (const s of list) {
    const p = planOnlinePayment(ctx, rules, [{ serviceId: s.id, priceMinor: s.priceMinor }], currency);
    out.set(s.id, { mode: p.mode, amountMinor: p.amountDueOnlineMinor });
  }
  return out;
}

/** Idempotency key of the payment a booking asks for (derived from the appointment). */
export function bookingPaymentKey(appointmentId: string, purpose: BookingPaymentView['purpose']): string {
  return `appointment:${appointmentId}:${purpose === 'card_setup' ? 'card-setup' : purpose}`;
}

/**
 * Inside the booking transaction, right after the appointment was inserted (as `confirmed`):
 * when the booking asks for a payment, turns it `pending` with a hold and inserts the payments row;
 * the confirmation email is then held (written, not due) until the payment confirms it.
 * Always snapshots the cancellation policy (service, then location, then default).
 * @returns the payment row, or null for pay at the shop (the caller sends the confirmation).
 * @throws AppError PAYMENT_OVER_LIMIT (422) when the amount is over the location's online limit:
 *   the caller's transaction rolls back, nothing is written.
 */
export async function holdForPayment(
  tx: Tx,
  ctx: AppContext,
  a: {
    appointmentId: string;
    organizationId: string;
    lines: ReadonlyArray<{ serviceId: string; priceMinor: number }>;
    currency: string;
    rules: PaymentRules;
  },
): Promise<PaymentRecord | null> {
  const plan = planOnlinePayment(ctx, a.rules, a.lines, a.currency);
  const policy = resolvePolicy(
    a.lines.map((l) => a.rules.services.get(l.serviceId)?.policy).find((p) => p) ?? null,
    a.rules.locationPolicy,
  );
  if (plan.mode === 'none') {
    await tx
      .update(appointments)
      .set({ cancellationPolicy: policy })
      .where(eq(appointments.id, a.appointmentId));
    return null;
  }
  if (plan.amountDueOnlineMinor > a.rules.limitMinor)
    throw new AppError(
      'PAYMENT_OVER_LIMIT',
      `This booking would take ${formatMoney(plan.amountDueOnlineMinor, a.currency)} online, over the shop's limit of ${formatMoney(a.rules.limitMinor, a.currency)}. Please book fewer services online or call the shop.`,
      { amountMinor: plan.amountDueOnlineMinor, limitMinor: a.rules.limitMinor },
    );
  const holdExpiresAt = new Date(ctx.now().getTime() + a.rules.holdMinutes * MINUTE);
  await tx
    .update(appointments)
    .set({
      status: 'pending',
      paymentMode: plan.mode,
      amountDueOnlineMinor: plan.amountDueOnlineMinor,
      holdExpiresAt,
      cancellationPolicy: policy,
    })
    .where(eq(appointments.id, a.appointmentId));
  const purpose: BookingPaymentView['purpose'] =
    plan.mode === 'card_on_file' ? 'card_setup' : plan.mode === 'prepayment' ? 'prepayment' : 'deposit';
  return insertPayment(tx, {
    organizationId: a.organizationId,
    appointmentId: a.appointmentId,
    purpose,
    provider: ctx.payments!.providerName,
    idempotencyKey: bookingPaymentKey(a.appointmentId, purpose),
    amountMinor: plan.amountDueOnlineMinor,
    currency: a.currency,
  });
}

/**
 * Holds the booking confirmation until the payment confirms the appointment; the email says what
 * was paid online.
 */
export async function holdBookingConfirmation(
  tx: Tx,
  appointmentId: string,
  message: EmailMessage,
  payment: PaymentRecord,
): Promise<void> {
  const note =
    payment.purpose === 'card_setup'
      ? 'pay at the shop; card saved for the cancellation policy'
      : payment.purpose === 'prepayment'
        ? 'paid online'
        : `deposit of ${formatMoney(payment.amountMinor, payment.currency)} paid online, the rest at the shop`;
  const fix = (s: string) => s.replace('(pay at the shop)', `(${note})`);
  await holdConfirmation(tx, appointmentId, { ...message, text: fix(message.text), html: fix(message.html) });
}

async function inTx<T>(ctx: AppContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  let used: Tx | undefined;
  const r = await ctx.database.db.transaction((tx) => {
    used = tx;
    return fn(tx);
  });
  if (used) ctx.events?.committed(used);
  return r;
}

/**
 * After the booking committed: creates the provider object for its payment row and stores the
 * answer. When the provider cannot be reached (or refuses the request):
 * - card on file: the booking stays as pay at the shop (confirmed, mode none, history written,
 *   confirmation released) and null is returned;
 * - deposit or prepayment: the booking is undone and PAYMENTS_UNAVAILABLE thrown.
 * @param idempotency the booking request's stored-response scope and key, deleted when undone.
 * @throws AppError PAYMENTS_UNAVAILABLE (503).
 */
export async function startBookingPayment(
  ctx: AppContext,
  payment: PaymentRecord,
  a: { clientId: string; locationId: string; timezone: string; idempotency?: { scope: string; key: string } },
): Promise<BookingPaymentView | null> {
  try {
    if (payment.purpose === 'card_setup') await ensureCustomer(ctx, a.clientId);
    const created = await createAtProvider(ctx, payment);
    const obj = created.kind === 'setup_intent' ? created.setup : created.intent;
    await updatePayment(ctx.database.db, payment.id, { providerId: obj.id, status: obj.status }, ctx.now());
    const [appt] = await ctx.database.db
      .select({ holdExpiresAt: appointments.holdExpiresAt })
      .from(appointments)
      .where(eq(appointments.id, payment.appointmentId));
    return viewOf(ctx, payment, obj.id, obj.clientSecret, appt?.holdExpiresAt ?? null, a.timezone);
  } catch (err) {
    if (err instanceof AppError && err.code !== 'PAYMENTS_UNAVAILABLE') throw err;
    const reason = err instanceof Error ? err.message : String(err);
    if (payment.purpose === 'card_setup') {
      await inTx(ctx, async (tx) => {
        await tx.delete(payments).where(eq(payments.id, payment.id));
        await tx
          .update(appointments)
          .set({
            status: 'confirmed',
            paymentMode: 'none',
            amountDueOnlineMinor: 0,
            holdExpiresAt: null,
            updatedAt: ctx.now(),
          })
          .where(and(eq(appointments.id, payment.appointmentId), eq(appointments.status, 'pending')));
        await addHistory(tx, {
          appointmentId: payment.appointmentId,
          actor: 'system',
          action: 'status_changed',
          fromStatus: 'pending',
          toStatus: 'confirmed',
          details: { reason: 'payments_unavailable', paymentMode: 'none', error: reason.slice(0, 200) },
        });
        await releaseHeldConfirmation(tx, payment.appointmentId, ctx.now());
        await appointmentChanged(tx, ctx, {
          type: 'appointment.updated',
          locationId: a.locationId,
          appointmentId: payment.appointmentId,
        });
      });
      ctx.outboxWritten();
      return null;
    }
    await inTx(ctx, async (tx) => {
      await dropHeldConfirmation(tx, payment.appointmentId);
      await tx.delete(payments).where(eq(payments.appointmentId, payment.appointmentId));
      await tx.delete(appointmentHistory).where(eq(appointmentHistory.appointmentId, payment.appointmentId));
      await tx
        .delete(appointmentServices)
        .where(eq(appointmentServices.appointmentId, payment.appointmentId));
      if (a.idempotency)
        await tx
          .delete(idempotencyKeys)
          .where(
            and(eq(idempotencyKeys.scope, a.idempotency.scope), eq(idempotencyKeys.key, a.idempotency.key)),
          );
      await tx.delete(appointments).where(eq(appointments.id, payment.appointmentId));
      await appointmentChanged(tx, ctx, {
        type: 'appointment.cancelled',
        locationId: a.locationId,
        appointmentId: payment.appointmentId,
      });
    });
    throw new AppError(
      'PAYMENTS_UNAVAILABLE',
      'Online payment is unavailable right now, so this booking was not made. Please try again in a few minutes or call the shop.',
    );
  }
}

function viewOf(
  ctx: AppContext,
  payment: PaymentRecord,
  providerId: string | null,
  clientSecret: string | null,
  holdExpiresAt: Date | null,
  timezone: string,
): BookingPaymentView {
  return {
    paymentId: payment.id,
    purpose: payment.purpose as BookingPaymentView['purpose'],
    providerId,
    clientSecret,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    holdExpiresAt: holdExpiresAt ? toOffsetIso(holdExpiresAt.getTime(), timezone) : null,
    publishableKey: ctx.payments?.publishableKey ?? null,
    testMode: ctx.payments?.kind === 'test',
  };
}

/** The booking payment row of an appointment (deposit, prepayment or card setup), newest first. */
export async function bookingPaymentOf(
  db: DbOrTx,
  appointmentId: string,
): Promise<PaymentRecord | undefined> {
  const rows = await paymentsOfAppointment(db, appointmentId);
  return rows.filter((p) => ['deposit', 'prepayment', 'card_setup'].includes(p.purpose)).at(-1);
}

/**
 * The payment view of an appointment now: the client secret is read from the provider while the
 * payment is unpaid (null once it succeeded or was cancelled).
 * @returns null when the booking asked for no payment (or without a provider).
 */
export async function currentPaymentView(
  ctx: AppContext,
  appointmentId: string,
  timezone: string,
): Promise<(BookingPaymentView & { status: string; failureCode: string | null }) | null> {
  if (!ctx.payments) return null;
  const payment = await bookingPaymentOf(ctx.database.db, appointmentId);
  if (!payment) return null;
  const [appt] = await ctx.database.db
    .select({ holdExpiresAt: appointments.holdExpiresAt })
    .from(appointments)
    .where(eq(appointments.id, appointmentId));
  let clientSecret: string | null = null;
  const done = ['succeeded', 'canceled'].includes(payment.status);
  if (payment.providerId && !done) {
    const { provider } = ctx.payments;
    const obj =
      payment.purpose === 'card_setup'
        ? await provider.retrieveSetupIntent(payment.providerId)
        : await provider.retrievePaymentIntent(payment.providerId);
    clientSecret = obj.clientSecret;
  }
  return {
    ...viewOf(ctx, payment, payment.providerId, clientSecret, appt?.holdExpiresAt ?? null, timezone),
    status: payment.status,
    failureCode: payment.failureCode,
  };
}

/** Ids of pending appointments whose hold expired at `now` (oldest first, at most `limit`). */
export async function expiredHolds(db: DbOrTx, now: Date, limit = 100): Promise<string[]> {
  const rows = await db
    .select({ id: appointments.id })
    .from(appointments)
    .where(and(eq(appointments.status, 'pending'), lte(appointments.holdExpiresAt, now)))
    .orderBy(asc(appointments.holdExpiresAt))
    .limit(limit);
  return rows.map((r) => r.id);
}
