/**
 * Carrying out a cancellation policy (issue 4: "Cancellation, reschedule and no-show apply the
 * policy: refunds through Stripe, fees charged to the card on file, every step recorded").
 *
 * `quoteAppointment` prices a change from our records (core quoteChange over the ledger);
 * `settle` records the plan in the appointment history and carries it out with one idempotency key
 * per step (docs/api.md, "Cancellation policies"):
 * - refunds: `appointment:<id>:cancel-refund:<paymentId>` (reschedule:
 *   `appointment:<id>:reschedule-refund:<n>:<paymentId>`), each recorded with recordRefund;
 * - a fee: a `fee` payments row (`appointment:<id>:late-fee`, `…:reschedule-fee:<n>`,
 *   `…:no-show-fee`) charged off-session to the card on file through createAtProvider and applied
 *   with applyPaymentIntent; no card or a decline → the fee is recorded as owed, the change stands.
 * A step already done (its key is in the history) is never repeated, so a retry or a resumed plan
 * moves no money twice.
 */
import { and, asc, count, eq, lt, sql } from 'drizzle-orm';
import {
  AppError,
  PolicyError,
  lookupPolicy,
  quoteChange,
  type CancellationPolicy,
  type ChangeAction,
  type ChangeQuote,
  type HeldPayment,
} from '@bookedbarber/core';
import {
  appointmentHistory,
  appointmentServices,
  appointments,
  clients,
  locations,
  services,
} from '../db/schema.ts';
import { PaymentProviderError } from '../payments/provider.ts';
import { addHistory } from '../repositories/appointment.repository.ts';
import {
  findPayment,
  insertPayment,
  ledgerOfAppointment,
  paymentsOfAppointment,
  updatePayment,
  type PaymentRecord,
} from '../repositories/payment.repository.ts';
import type { AppContext } from './context.ts';
import { afterPaymentApplied } from './payment-effects.ts';
import { createAtProvider } from './payment-requests.ts';
import { applyPaymentIntent, recordRefund } from './payment.service.ts';

/** Who makes the change: the client (policy applies) or the shop (a cancellation refunds in full). */
export type ChangeBy = 'client' | 'shop';

/** A priced change with what is needed to carry it out. */
export interface AppointmentQuote {
  appointmentId: string;
  organizationId: string;
  currency: string;
  policy: CancellationPolicy;
  quote: ChangeQuote;
  /** The reschedule number this change would be (1 for the first); 0 for other actions. */
  rescheduleNumber: number;
}

/** A step of a settlement as recorded in the history (`action: 'payment'`, `details.step`). */
export type SettlementStep =
  'planned' | 'refunded' | 'refund_failed' | 'fee_charged' | 'fee_owed' | 'fee_pending';

/** Idempotency key of a policy refund of one payment (ours, not the provider's id). */
export function refundKey(appointmentId: string, paymentId: string, rescheduleNumber = 0): string {
  return rescheduleNumber > 0
    ? `appointment:${appointmentId}:reschedule-refund:${rescheduleNumber}:${paymentId}`
    : `appointment:${appointmentId}:cancel-refund:${paymentId}`;
}

/** Idempotency key (and payments-row key) of the fee of a change. */
export function feeKey(appointmentId: string, action: ChangeAction, rescheduleNumber = 0): string {
  if (action === 'no_show') return `appointment:${appointmentId}:no-show-fee`;
  if (action === 'reschedule') return `appointment:${appointmentId}:reschedule-fee:${rescheduleNumber}`;
  return `appointment:${appointmentId}:late-fee`;
}

/** Payments held for an appointment from its ledger: charges minus refunds per payment, oldest first. */
async function heldPayments(ctx: AppContext, appointmentId: string): Promise<HeldPayment[]> {
  const ledger = await ledgerOfAppointment(ctx.database.db, appointmentId);
  const rows = await paymentsOfAppointment(ctx.database.db, appointmentId);
  const held: HeldPayment[] = [];
  for (const p of rows) {
    if (p.purpose === 'fee' || p.purpose === 'card_setup') continue;
    const mine = ledger.filter((e) => e.paymentId === p.id);
    const received = mine.filter((e) => e.kind === 'charge').reduce((s, e) => s + e.amountMinor, 0);
    const refunded = mine
      .filter((e) => e.kind === 'refund' || e.kind === 'dispute')
      .reduce((s, e) => s + e.amountMinor, 0);
    if (received > 0 && p.providerId)
      held.push({ paymentId: p.id, receivedMinor: received, refundedMinor: Math.min(refunded, received) });
  }
  return held;
}

/**
 * Prices a change of an appointment now (or at `nowMs`). The policy is the appointment's snapshot,
 * else the lookup (service, location, `standard`). Nothing is due when no provider is configured,
 * or when nothing was paid and the booking did not ask for a card: the quote is then all zero
 * ("pay at the shop" behaves as before issue 4).
 * @param by `shop`: a cancellation by the shop refunds everything held, with no fee.
 * @throws AppError NOT_FOUND for an unknown appointment.
 */
export async function quoteAppointment(
  ctx: AppContext,
  appointmentId: string,
  action: ChangeAction,
  opts: { by?: ChangeBy; nowMs?: number } = {},
): Promise<AppointmentQuote> {
  const db = ctx.database.db;
  const [appt] = await db
    .select({
      id: appointments.id,
      clientId: appointments.clientId,
      startsAt: appointments.startsAt,
      currency: appointments.currency,
      paymentMode: appointments.paymentMode,
      snapshot: appointments.cancellationPolicy,
      locationPolicy: locations.cancellationPolicy,
      organizationId: locations.organizationId,
      timezone: locations.timezone,
      cardOnFileId: clients.cardOnFileId,
      customerId: clients.providerCustomerId,
    })
    .from(appointments)
    .innerJoin(locations, eq(locations.id, appointments.locationId))
    .innerJoin(clients, eq(clients.id, appointments.clientId))
    .where(eq(appointments.id, appointmentId));
  if (!appt) throw new AppError('NOT_FOUND', 'No such appointment.');
  const [servicePolicy] = await db
    .select({ policy: services.cancellationPolicy })
    .from(appointmentServices)
    .innerJoin(services, eq(services.id, appointmentServices.serviceId))
    .where(eq(appointmentServices.appointmentId, appointmentId))
    .orderBy(asc(appointmentServices.position));
  const sources = {
    snapshot: appt.snapshot,
    service: servicePolicy?.policy ?? null,
    location: appt.locationPolicy,
  };
  let policy: CancellationPolicy;
  try {
    policy = lookupPolicy(sources);
  } catch (err) {
    // Without a provider no money moves: a malformed stored policy must not block a cancellation.
    if (!(err instanceof PolicyError) || ctx.payments) throw err;
    policy = lookupPolicy({});
  }
  const [earlier] = await db
    .select({ n: count() })
    .from(appointments)
    .where(
      and(
        eq(appointments.clientId, appt.clientId),
        eq(appointments.status, 'completed'),
        lt(appointments.startsAt, appt.startsAt),
      ),
    );
  const held = ctx.payments ? await heldPayments(ctx, appointmentId) : [];
  const hasCardOnFile = Boolean(ctx.payments && appt.cardOnFileId && appt.customerId);
  const secured = held.length > 0 || (hasCardOnFile && appt.paymentMode !== 'none');
  const [reschedules] =
    action === 'reschedule'
      ? await db
          .select({ n: count() })
          .from(appointmentHistory)
          .where(
            and(
              eq(appointmentHistory.appointmentId, appointmentId),
              eq(appointmentHistory.action, 'rescheduled'),
            ),
          )
      : [{ n: -1 }];
  const noCharge = !secured || !ctx.payments;
  const quote = quoteChange({
    // The shop cancelling refunds everything: a policy of one free tier.
    policy:
      opts.by === 'shop' || noCharge
        ? {
            key: policy.key,
            name: policy.name,
            tiers: [
              { minHoursBefore: 0, refundPercent: noCharge && opts.by !== 'shop' ? 0 : 100, feeMinor: 0 },
            ],
            noShowFeeMinor: 0,
            firstTimeGraceHours: null,
          }
        : policy,
    startMs: appt.startsAt.getTime(),
    timeZone: appt.timezone,
    nowMs: opts.nowMs ?? ctx.now().getTime(),
    firstTimeClient: Number(earlier?.n ?? 0) === 0,
    action,
    held: noCharge && opts.by !== 'shop' ? [] : held,
    hasCardOnFile,
  });
  if (noCharge && opts.by !== 'shop')
    quote.explanation.text = 'No charge: nothing was paid online for this appointment.';
  if (opts.by === 'shop') quote.explanation.text = 'Cancelled by the shop: everything paid is refunded.';
  return {
    appointmentId,
    organizationId: appt.organizationId,
    currency: appt.currency,
    policy,
    quote,
    rescheduleNumber: Number(reschedules!.n) + 1,
  };
}

/**
 * Refuses a change whose price moved since the client saw it.
 * @param expected what the page showed: net refund and fee, minor units.
 * @throws AppError QUOTE_CHANGED (409) with the new quote in `details.quote`.
 */
export function requireSameQuote(
  q: AppointmentQuote,
  expected: { refundMinor: number; feeMinor: number } | undefined,
): void {
  if (!expected) return;
  if (expected.refundMinor === q.quote.netRefundMinor && expected.feeMinor === q.quote.feeMinor) return;
  throw new AppError(
    'QUOTE_CHANGED',
    'The refund or fee for this change is different now. Please check it again.',
    {
      quote: quoteToApi(q),
    },
  );
}

/** The quote as the manage page shows it (GET /manage/{token}/change-quote). */
export function quoteToApi(q: AppointmentQuote) {
  return {
    action: q.quote.action === 'no_show' ? ('cancel' as const) : q.quote.action,
    refundMinor: q.quote.netRefundMinor,
    feeMinor: q.quote.feeMinor,
    feeOwedMinor: q.quote.feeOwedMinor,
    currency: q.currency,
    policy: { name: q.policy.name },
    explanation: q.quote.explanation.text,
  };
}

async function history(
  ctx: AppContext,
  appointmentId: string,
  actor: string,
  details: Record<string, unknown>,
) {
  await addHistory(ctx.database.db, { appointmentId, actor, action: 'payment', details });
}

async function doneKeys(ctx: AppContext, appointmentId: string): Promise<Set<string>> {
  const rows = await ctx.database.db
    .select({ details: appointmentHistory.details })
    .from(appointmentHistory)
    .where(
      and(eq(appointmentHistory.appointmentId, appointmentId), eq(appointmentHistory.action, 'payment')),
    );
  const done = new Set<string>();
  for (const r of rows) {
    const step = r.details.step as SettlementStep | undefined;
    if (
      (step === 'refunded' || step === 'fee_charged' || step === 'fee_owed') &&
      typeof r.details.key === 'string'
    )
      done.add(r.details.key);
  }
  return done;
}

/** What carrying out a plan did, minor units. */
export interface SettlementResult {
  refundedMinor: number;
  feeChargedMinor: number;
  feeOwedMinor: number;
  failures: string[];
}

async function chargeFee(
  ctx: AppContext,
  q: { appointmentId: string; organizationId: string; currency: string },
  key: string,
  amountMinor: number,
  actor: string,
): Promise<'charged' | 'owed' | 'pending'> {
  const payments = ctx.payments!;
  const payment: PaymentRecord = await insertPayment(ctx.database.db, {
    organizationId: q.organizationId,
    appointmentId: q.appointmentId,
    purpose: 'fee',
    provider: payments.providerName,
    idempotencyKey: key,
    amountMinor,
    currency: q.currency,
  });
  try {
    const created = await createAtProvider(ctx, payment);
    if (created.kind === 'setup_intent') throw new Error('A fee cannot be a setup intent');
    const result = await ctx.database.db.transaction((tx) => applyPaymentIntent(ctx, tx, created.intent));
    await afterPaymentApplied(ctx, result);
    if (created.intent.status === 'succeeded') {
      await history(ctx, q.appointmentId, actor, {
        step: 'fee_charged',
        key,
        paymentId: payment.id,
        amountMinor,
      });
      return 'charged';
    }
    await history(ctx, q.appointmentId, actor, {
      step: 'fee_owed',
      key,
      paymentId: payment.id,
      amountMinor,
      reason: created.intent.status,
    });
    return 'owed';
  } catch (err) {
    const reason =
      err instanceof PaymentProviderError ? err.code : err instanceof AppError ? err.code : 'error';
    if (err instanceof PaymentProviderError && err.retryable) {
      // The provider did not answer: the row stays `creating` and the recovery job replays it.
      await history(ctx, q.appointmentId, actor, {
        step: 'fee_pending',
        key,
        paymentId: payment.id,
        amountMinor,
      });
      return 'pending';
    }
    await updatePayment(ctx.database.db, payment.id, { status: 'failed', failureCode: reason }, ctx.now());
    await history(ctx, q.appointmentId, actor, {
      step: 'fee_owed',
      key,
      paymentId: payment.id,
      amountMinor,
      reason,
    });
    return 'owed';
  }
}

/** A plan as recorded in the history (`step: 'planned'`): everything needed to carry it out again. */
export interface RecordedPlan {
  action: ChangeAction;
  policy: string;
  refunds: Array<{ paymentId: string; amountMinor: number; key: string }>;
  feeMinor: number;
  feeChargeMinor: number;
  feeOwedMinor: number;
  feeKey: string | null;
  explanation: string;
}

/**
 * Records the plan and carries it out (after the change itself committed).
 * @param actor who made the change (`client`, `staff:<userId>`).
 */
export async function settle(ctx: AppContext, q: AppointmentQuote, actor: string): Promise<SettlementResult> {
  const { quote } = q;
  if (!ctx.payments || (quote.refunds.length === 0 && quote.feeMinor === 0))
    return { refundedMinor: 0, feeChargedMinor: 0, feeOwedMinor: 0, failures: [] };
  const n = quote.action === 'reschedule' ? q.rescheduleNumber : 0;
  const fee = quote.feeChargeMinor + quote.feeOwedMinor;
  const plan: RecordedPlan = {
    action: quote.action,
    policy: q.policy.key,
    refunds: quote.refunds.map((r) => ({ ...r, key: refundKey(q.appointmentId, r.paymentId, n) })),
    feeMinor: quote.feeMinor,
    feeChargeMinor: quote.feeChargeMinor,
    feeOwedMinor: quote.feeOwedMinor,
    feeKey: fee > 0 ? feeKey(q.appointmentId, quote.action, n) : null,
    explanation: quote.explanation.text,
  };
  await history(ctx, q.appointmentId, actor, { step: 'planned', ...plan });
  return carryOut(ctx, q, plan, actor);
}

/**
 * Finishes the last recorded plan of an appointment: steps whose key is already in the history are
 * skipped; the others are sent again with the same key and amount (the provider answers a replay
 * with the object it made). Does nothing without a provider or a plan.
 */
export async function resumeSettlement(
  ctx: AppContext,
  appointmentId: string,
): Promise<SettlementResult | null> {
  if (!ctx.payments) return null;
  const last = await lastPlan(ctx, appointmentId);
  if (!last) return null;
  const [appt] = await ctx.database.db
    .select({ currency: appointments.currency, organizationId: locations.organizationId })
    .from(appointments)
    .innerJoin(locations, eq(locations.id, appointments.locationId))
    .where(eq(appointments.id, appointmentId));
  return carryOut(
    ctx,
    { appointmentId, organizationId: appt!.organizationId, currency: appt!.currency },
    last.plan,
    last.actor,
  );
}

/** How far back the recovery job looks for unfinished settlement plans, seconds (7 days). */
export const SETTLEMENT_RESUME_LOOKBACK_S = 7 * 24 * 3600;
/** How old a plan must be before the job resumes it, seconds (the request that made it may still be running). */
export const SETTLEMENT_RESUME_GRACE_S = 120;

/**
 * Resumes the settlement plans of the last 7 days that still have a step not done (a refund or fee
 * whose key is not in the history as refunded / charged / owed): the server stopped between the
 * change and its money, or the provider failed. Part of the recovery job (jobs/reconcile.job.ts);
 * keys make each step happen once however often it runs. Plans younger than 2 minutes are left to
 * the request carrying them out. Ages are measured on the database's clock, like the history's `at`.
 * @returns how many plans were resumed and how many steps still failed.
 */
export async function resumeUnfinishedSettlements(
  ctx: AppContext,
  opts: { limit?: number } = {},
): Promise<{ resumed: number; failed: number }> {
  if (!ctx.payments) return { resumed: 0, failed: 0 };
  const rows = await ctx.database.db
    .selectDistinct({ appointmentId: appointmentHistory.appointmentId })
    .from(appointmentHistory)
    .where(
      and(
        eq(appointmentHistory.action, 'payment'),
        sql`${appointmentHistory.details}->>'step' = 'planned'`,
        sql`${appointmentHistory.at} < now() - make_interval(secs => ${SETTLEMENT_RESUME_GRACE_S})`,
        sql`${appointmentHistory.at} > now() - make_interval(secs => ${SETTLEMENT_RESUME_LOOKBACK_S})`,
      ),
    )
    .limit(opts.limit ?? 200);
  let resumed = 0;
  let failed = 0;
  for (const { appointmentId } of rows) {
    const plan = (await lastPlan(ctx, appointmentId))?.plan;
    if (!plan) continue;
    const done = await doneKeys(ctx, appointmentId);
    const open = [...plan.refunds.map((r) => r.key), ...(plan.feeKey ? [plan.feeKey] : [])].filter(
      (k) => !done.has(k),
    );
    if (open.length === 0) continue;
    const result = await resumeSettlement(ctx, appointmentId);
    resumed += 1;
    failed += result?.failures.length ?? 0;
  }
  return { resumed, failed };
}

async function lastPlan(
  ctx: AppContext,
  appointmentId: string,
): Promise<{ plan: RecordedPlan; actor: string } | undefined> {
  const rows = await ctx.database.db
    .select({ actor: appointmentHistory.actor, details: appointmentHistory.details })
    .from(appointmentHistory)
    .where(and(eq(appointmentHistory.appointmentId, appointmentId), eq(appointmentHistory.action, 'payment')))
    .orderBy(asc(appointmentHistory.id));
  const last = rows.filter((r) => r.details.step === 'planned').at(-1);
  return last ? { plan: last.details as unknown as RecordedPlan, actor: last.actor } : undefined;
}

async function carryOut(
  ctx: AppContext,
  q: { appointmentId: string; organizationId: string; currency: string },
  plan: RecordedPlan,
  actor: string,
): Promise<SettlementResult> {
  const result: SettlementResult = { refundedMinor: 0, feeChargedMinor: 0, feeOwedMinor: 0, failures: [] };
  const done = await doneKeys(ctx, q.appointmentId);
  const { provider } = ctx.payments!;
  for (const r of plan.refunds) {
    if (done.has(r.key)) continue;
    const payment = (await findPayment(ctx.database.db, r.paymentId))!;
    try {
      const refund = await provider.createRefund(
        {
          paymentIntentId: payment.providerId!,
          amountMinor: r.amountMinor,
          metadata: {
            payment_id: payment.id,
            appointment_id: q.appointmentId,
            reason: `${plan.action}_policy`,
          },
        },
        r.key,
      );
      await ctx.database.db.transaction((tx) => recordRefund(tx, payment, refund));
      await history(ctx, q.appointmentId, actor, {
        step: 'refunded',
        key: r.key,
        paymentId: payment.id,
        refundId: refund.id,
        amountMinor: r.amountMinor,
      });
      result.refundedMinor += r.amountMinor;
    } catch (err) {
      if (!(err instanceof PaymentProviderError)) throw err;
      await history(ctx, q.appointmentId, actor, {
        step: 'refund_failed',
        key: r.key,
        paymentId: payment.id,
        amountMinor: r.amountMinor,
        reason: err.code,
      });
      result.failures.push(r.key);
    }
  }
  if (plan.feeKey && !done.has(plan.feeKey)) {
    if (plan.feeChargeMinor > 0) {
      const outcome = await chargeFee(ctx, q, plan.feeKey, plan.feeChargeMinor, actor);
      if (outcome === 'charged') result.feeChargedMinor += plan.feeChargeMinor;
      else if (outcome === 'owed') result.feeOwedMinor += plan.feeChargeMinor;
      else result.failures.push(plan.feeKey);
    } else {
      await history(ctx, q.appointmentId, actor, {
        step: 'fee_owed',
        key: plan.feeKey,
        amountMinor: plan.feeOwedMinor,
        reason: 'no_card_on_file',
      });
      result.feeOwedMinor += plan.feeOwedMinor;
    }
  }
  return result;
}

/**
 * Applies the money side of a staff transition after it committed: a no-show charges the policy's
 * no-show fee; a cancellation by the shop refunds everything held. Other transitions do nothing.
 */
export async function settleStaffTransition(
  ctx: AppContext,
  appointmentId: string,
  to: string,
  actor: string,
): Promise<void> {
  if (!ctx.payments) return;
  if (to === 'no_show') await settle(ctx, await quoteAppointment(ctx, appointmentId, 'no_show'), actor);
  else if (to === 'cancelled')
    await settle(ctx, await quoteAppointment(ctx, appointmentId, 'cancel', { by: 'shop' }), actor);
}
