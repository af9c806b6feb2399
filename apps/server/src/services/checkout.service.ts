/**
 * Checkout (issue 4, "Checkout"): completing an appointment opens a ticket — the booked service
 * lines (prices adjustable by owners and managers, every change recorded), a tip (suggested
 * 15/20/25 % of the discounted pre-tax amount, or custom), a fixed discount, tax at the location's
 * rate and the deposit already paid subtracted (packages/core pricing/checkout.ts). It is paid in
 * cash, by the client's card on file (off-session) or by card at the desk (a PaymentIntent the
 * desk's card form confirms). When the money is in the checkout is `paid`, the tip is a `tip`
 * ledger entry attributed to the barber and a receipt is queued for the client.
 *
 * Decisions (docs/api.md, "Checkout"):
 * - Only a `completed` appointment is checked out; closing the checkout of a `checked_in` one
 *   completes it in the same transaction (recorded in its history). Anything else: INVALID_STATE.
 * - Line prices and discounts may be changed by owners and managers only: front desk (issue 3,
 *   "front desk cannot change prices") and barbers are refused with FORBIDDEN. Tips and the
 *   payment method are anyone's who may check out.
 * - `expectedTotalMinor` is the amount due now that the desk showed (total − deposit applied).
 */
import {
  AppError,
  CheckoutError,
  checkoutTotals,
  localDateOf,
  splitTip,
  startOfLocalDay,
  addDays,
  daysBetween,
  suggestedTips,
  validationError,
  type CheckoutTotals,
  type SuggestedTip,
} from '@bookedbarber/core';
import { and, eq } from 'drizzle-orm';
import { sqlState, type Tx } from '../db/client.ts';
import { appointments, barbers } from '../db/schema.ts';
import type { PaymentIntentInfo } from '../payments/provider.ts';
import { PaymentProviderError } from '../payments/provider.ts';
import {
  addHistory,
  findStaffAppointment,
  lockAppointment,
  setStatus,
  setVersion,
  type StaffAppointmentRecord,
} from '../repositories/appointment.repository.ts';
import {
  checkoutPayments,
  clientHasCardOnFile,
  findCheckout,
  ledgerEntriesOfPayment,
  locationTaxRatePpm,
  markCheckoutPaid,
  saveCheckout,
  tipsOfBarber,
  type CheckoutRecord,
} from '../repositories/checkout.repository.ts';
import { writeAudit } from '../repositories/audit.repository.ts';
import { findStoredResponse, storeResponse } from '../repositories/idempotency.repository.ts';
import { findLocationById } from '../repositories/location.repository.ts';
import { enqueueEmail } from '../repositories/outbox.repository.ts';
import {
  appendLedger,
  appointmentBalance,
  insertPayment,
  updatePayment,
  type PaymentRecord,
} from '../repositories/payment.repository.ts';
import { clientCipher } from '../security/client-fields.ts';
import { isUuid, type StaffAccess } from './access.service.ts';
import { appointmentChanged } from './appointment-events.ts';
import { inTransaction, requestHash } from './booking.service.ts';
import type { AppContext } from './context.ts';
import { afterPaymentApplied } from './payment-effects.ts';
import { createAtProvider } from './payment-requests.ts';
import { applyPaymentIntent, requirePayments, type ApplyResult } from './payment.service.ts';
import { renderReceipt } from './receipt-message.ts';

/** How the client pays at checkout (`none` when nothing is due). */
export type CheckoutMethod = 'cash' | 'card' | 'card_on_file' | 'none';

/** A tip as the desk enters it: a whole percent of the discounted pre-tax amount, or an amount. */
export type TipInput = { percent: number } | { amountMinor: number };

/** What the desk sends to preview or close a checkout. */
export interface CheckoutInput {
  /** The booked lines in order with their (possibly adjusted) prices; omitted = as booked. */
  lines?: Array<{ name: string; priceMinor: number }> | undefined;
  tip: TipInput;
  /** A fixed discount, minor units (never more than the subtotal). */
  discountMinor: number;
}

/** The body of POST …/checkout. */
export interface CloseCheckoutInput extends CheckoutInput {
  method: 'cash' | 'card' | 'card_on_file';
  /** The amount due now that the desk showed, minor units: a different one is refused. */
  expectedTotalMinor: number;
}

/** A checkout as the desk sees it. */
export interface CheckoutView {
  appointmentId: string;
  appointmentStatus: string;
  barberId: string;
  /** `open`: nothing written yet; `awaiting_payment`: closed, waiting for the card; `paid`. */
  status: 'open' | 'awaiting_payment' | 'paid';
  currency: string;
  taxRatePpm: number;
  /** What the client already paid online for this appointment (ledger balance), minor units. */
  depositPaidMinor: number;
  lines: Array<{ name: string; priceMinor: number; originalPriceMinor: number }>;
  suggestedTips: SuggestedTip[];
  /** The ticket: as booked with no tip for an open checkout, as closed otherwise. */
  totals: CheckoutTotals;
  method: CheckoutMethod | null;
  cardOnFile: boolean;
  /** Whether card payments can be taken (a payment provider is configured). */
  cardPaymentsAvailable: boolean;
  /** Whether the caller may change line prices and give discounts. */
  canAdjustPrices: boolean;
  /** For a card checkout awaiting payment: what the desk's card form needs. */
  card: { clientSecret: string | null; publishableKey: string | null; testMode: boolean } | null;
  paidAt: string | null;
}

/** Roles that may change prices and give discounts at checkout. */
export const PRICE_ADJUSTING_ROLES = ['owner', 'manager'] as const;

const canAdjust = (access: StaffAccess) =>
  (PRICE_ADJUSTING_ROLES as readonly string[]).includes(access.role.role);

/** Payment statuses after which a checkout payment will not take money any more. */
const failed = (p: PaymentRecord) =>
  p.status === 'canceled' ||
  p.status === 'amount_mismatch' ||
  (p.status === 'requires_payment_method' && p.failureCode !== null);

/** Idempotency key of the n-th checkout payment of an appointment (the first has no suffix). */
export function checkoutPaymentKey(appointmentId: string, attempt: number): string {
  return attempt <= 1
    ? `appointment:${appointmentId}:checkout`
    : `appointment:${appointmentId}:checkout:${attempt}`;
}

/**
 * The appointment at this location the caller may check out.
 * @throws AppError NOT_FOUND (unknown here), FORBIDDEN (a barber on a colleague's appointment).
 */
async function checkoutable(
  ctx: AppContext,
  access: StaffAccess,
  id: string,
): Promise<StaffAppointmentRecord> {
  const record = isUuid(id)
    ? await findStaffAppointment(ctx.database.db, clientCipher(ctx.secrets), access.location.id, id)
    : undefined;
  if (!record) throw new AppError('NOT_FOUND', 'No appointment with this id at this location.');
  if (access.role.role === 'barber' && record.barberId !== access.role.barberId)
    throw new AppError('FORBIDDEN', 'Barbers can check out only their own appointments.');
  return record;
}

async function depositPaid(ctx: AppContext, appointmentId: string): Promise<number> {
  return Math.max(0, await appointmentBalance(ctx.database.db, appointmentId));
}

/**
 * The ticket for an input, checked: lines match the booking, price changes and discounts only by
 * those who may.
 * @throws AppError VALIDATION_FAILED (lines that are not the booked ones, bad amounts),
 *   FORBIDDEN (a price change or discount by a role that may not).
 */
function priceTicket(
  access: StaffAccess,
  record: StaffAppointmentRecord,
  taxRatePpm: number,
  depositPaidMinor: number,
  input: CheckoutInput,
) {
  const booked = record.lines;
  const given = input.lines ?? booked.map((l) => ({ name: l.name, priceMinor: l.priceMinor }));
  if (given.length !== booked.length)
    throw validationError([
      { field: 'lines', message: `Send the ${booked.length} booked line(s), in order` },
    ]);
  const lines = given.map((l, i) => {
    if (l.name !== booked[i]!.name)
      throw validationError([{ field: `lines.${i}.name`, message: `Expected "${booked[i]!.name}"` }]);
    return { name: l.name, priceMinor: l.priceMinor, originalPriceMinor: booked[i]!.priceMinor };
  });
  const changed = lines.filter((l) => l.priceMinor !== l.originalPriceMinor);
  if ((changed.length > 0 || input.discountMinor > 0) && !canAdjust(access))
    throw new AppError('FORBIDDEN', 'Only owners and managers can change prices or give discounts.', {
      errors: [
        changed.length > 0
          ? { field: 'lines', message: 'You cannot change prices' }
          : { field: 'discountMinor', message: 'You cannot give discounts' },
      ],
    });
  const subtotal = lines.reduce((s, l) => s + l.priceMinor, 0);
  if (input.discountMinor > subtotal)
    throw validationError([{ field: 'discountMinor', message: 'More than the subtotal' }]);
  let totals: CheckoutTotals;
  try {
    totals = checkoutTotals({
      linesMinor: lines.map((l) => l.priceMinor),
      discount: { kind: 'fixed', amountMinor: input.discountMinor },
      taxRatePpm,
      tip:
        'percent' in input.tip
          ? { kind: 'percent', percent: input.tip.percent }
          : { kind: 'amount', amountMinor: input.tip.amountMinor },
      depositPaidMinor,
    });
  } catch (e) {
    if (e instanceof CheckoutError) throw validationError([{ field: 'tip', message: e.message }]);
    throw e;
  }
  return { lines, changed, totals };
}

async function cardInfo(ctx: AppContext, checkout: CheckoutRecord | undefined, appointmentId: string) {
  if (!ctx.payments || checkout?.status !== 'awaiting_payment' || checkout.method !== 'card') return null;
  const latest = (await checkoutPayments(ctx.database.db, appointmentId)).at(-1);
  let clientSecret: string | null = null;
  if (latest?.providerId && !failed(latest))
    clientSecret = (await ctx.payments.provider.retrievePaymentIntent(latest.providerId)).clientSecret;
  return {
    clientSecret,
    publishableKey: ctx.payments.publishableKey,
    testMode: ctx.payments.kind === 'test',
  };
}

/**
 * The checkout of an appointment: the closed one when it exists, otherwise the open ticket as
 * booked (no tip, no discount).
 * @throws AppError NOT_FOUND, FORBIDDEN (see checkoutable).
 */
export async function getCheckout(ctx: AppContext, access: StaffAccess, id: string): Promise<CheckoutView> {
  const record = await checkoutable(ctx, access, id);
  return viewOf(ctx, access, record);
}

async function viewOf(
  ctx: AppContext,
  access: StaffAccess,
  record: StaffAppointmentRecord,
  card?: CheckoutView['card'],
): Promise<CheckoutView> {
  const db = ctx.database.db;
  const [checkout, taxRatePpm, cardOnFile] = await Promise.all([
    findCheckout(db, record.id),
    locationTaxRatePpm(db, record.locationId),
    clientHasCardOnFile(db, record.clientId),
  ]);
  const base = {
    appointmentId: record.id,
    appointmentStatus: record.status,
    barberId: record.barberId,
    currency: record.currency,
    taxRatePpm,
    cardOnFile,
    cardPaymentsAvailable: ctx.payments !== null && ctx.payments !== undefined,
    canAdjustPrices: canAdjust(access),
  };
  if (checkout) {
    const taxable = checkout.subtotalMinor - checkout.discountMinor;
    return {
      ...base,
      status: checkout.status,
      depositPaidMinor: checkout.depositAppliedMinor,
      lines: checkout.lines,
      suggestedTips: suggestedTips(taxable),
      totals: {
        subtotalMinor: checkout.subtotalMinor,
        discountMinor: checkout.discountMinor,
        taxMinor: checkout.taxMinor,
        tipMinor: checkout.tipMinor,
        totalMinor: checkout.totalMinor,
        depositAppliedMinor: checkout.depositAppliedMinor,
        dueMinor: checkout.dueMinor,
        overpaidMinor: 0,
      },
      method: checkout.method,
      card: card ?? (await cardInfo(ctx, checkout, record.id)),
      paidAt: checkout.paidAt?.toISOString() ?? null,
    };
  }
  const deposit = await depositPaid(ctx, record.id);
  const { lines, totals } = priceTicket(access, record, taxRatePpm, deposit, {
    tip: { amountMinor: 0 },
    discountMinor: 0,
  });
  return {
    ...base,
    status: 'open',
    depositPaidMinor: deposit,
    lines,
    suggestedTips: suggestedTips(totals.subtotalMinor - totals.discountMinor),
    totals,
    method: null,
    card: null,
    paidAt: null,
  };
}

/**
 * The totals an input would give; nothing is written.
 * @throws AppError NOT_FOUND, FORBIDDEN, VALIDATION_FAILED.
 */
export async function previewCheckout(
  ctx: AppContext,
  access: StaffAccess,
  id: string,
  input: CheckoutInput,
): Promise<CheckoutTotals & { suggestedTips: SuggestedTip[] }> {
  const record = await checkoutable(ctx, access, id);
  const taxRatePpm = await locationTaxRatePpm(ctx.database.db, record.locationId);
  const { totals } = priceTicket(access, record, taxRatePpm, await depositPaid(ctx, record.id), input);
  return { ...totals, suggestedTips: suggestedTips(totals.subtotalMinor - totals.discountMinor) };
}

/** The receipt of a paid checkout, queued in the outbox (when the client has an email). */
async function queueReceipt(ctx: AppContext, tx: Tx, appointmentId: string, checkout: CheckoutRecord) {
  const [appt] = await tx
    .select({ locationId: appointments.locationId })
    .from(appointments)
    .where(eq(appointments.id, appointmentId));
  if (!appt) return;
  const [record, location] = await Promise.all([
    findStaffAppointment(tx, clientCipher(ctx.secrets), appt.locationId, appointmentId),
    findLocationById(tx, appt.locationId),
  ]);
  if (!record?.clientEmail || !location) return;
  await enqueueEmail(
    tx,
    renderReceipt({
      to: record.clientEmail,
      clientName: record.clientName,
      locationName: location.name,
      locationAddress: location.address,
      locationPhone: location.phone,
      start: record.startsAt.toISOString(),
      timezone: location.timezone,
      barberName: record.barberName,
      currency: checkout.currency,
      lines: checkout.lines,
      subtotalMinor: checkout.subtotalMinor,
      discountMinor: checkout.discountMinor,
      taxMinor: checkout.taxMinor,
      tipMinor: checkout.tipMinor,
      totalMinor: checkout.totalMinor,
      depositAppliedMinor: checkout.depositAppliedMinor,
      dueMinor: checkout.dueMinor,
      method: checkout.method,
    }),
    ctx.now(),
  );
}

/** Marks the checkout paid, records it in the history and queues the receipt (in the caller's transaction). */
async function closePaid(ctx: AppContext, tx: Tx, checkout: CheckoutRecord, actor: string) {
  const now = ctx.now();
  await markCheckoutPaid(tx, checkout.appointmentId, now);
  await addHistory(tx, {
    appointmentId: checkout.appointmentId,
    actor,
    action: 'checkout',
    details: {
      event: 'paid',
      method: checkout.method,
      dueMinor: checkout.dueMinor,
      tipMinor: checkout.tipMinor,
      totalMinor: checkout.totalMinor,
    },
  });
  await queueReceipt(ctx, tx, checkout.appointmentId, checkout);
}

/**
 * Closes the checkout and takes the money:
 * - nothing due (the deposit covers it): method `none`, paid at once;
 * - cash: paid at once; the ledger gets the charge (`cash:<appointment id>`) and the tip
 *   (`cash-tip:<appointment id>`, attributed to the barber);
 * - card on file: a payment row (key `appointment:<id>:checkout`, `…:checkout:<n>` for a later
 *   attempt), charged off-session; on success the checkout is paid (see settleCheckoutPayment);
 * - card: a PaymentIntent the desk's card form confirms; the view carries its client secret.
 * A repeat with the same `Idempotency-Key` answers the checkout as it is now and never charges twice.
 * @throws AppError NOT_FOUND, FORBIDDEN, VALIDATION_FAILED, INVALID_STATE (not completed or
 *   checked in; already paid), PAYMENT_AMOUNT_MISMATCH (expectedTotalMinor ≠ due, with `dueMinor`),
 *   PAYMENTS_UNAVAILABLE, NO_CARD_ON_FILE, PAYMENT_DECLINED (the checkout stays
 *   `awaiting_payment`, retry with another method), PAYMENT_PROVIDER_ERROR, IDEMPOTENCY_KEY_REUSED.
 */
export async function closeCheckout(
  ctx: AppContext,
  access: StaffAccess,
  id: string,
  input: CloseCheckoutInput,
  idempotencyKey: string,
): Promise<CheckoutView> {
  const record = await checkoutable(ctx, access, id);
  const db = ctx.database.db;
  const scope = `checkout:${record.id}`;
  const reqHash = requestHash(input);
  const replayed = async () => {
    const stored = await findStoredResponse(db, scope, idempotencyKey);
    if (!stored) return undefined;
    if (stored.requestHash !== reqHash)
      throw new AppError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used for a different checkout request; use a new key.',
      );
    return viewOf(ctx, access, await checkoutable(ctx, access, id));
  };
  const earlier = await replayed();
  if (earlier) return earlier;

  // Once paid, the ledger holds the checkout's own money: refuse before pricing against it.
  if ((await findCheckout(db, record.id))?.status === 'paid')
    throw new AppError('INVALID_STATE', 'This checkout is already paid.');
  const taxRatePpm = await locationTaxRatePpm(db, record.locationId);
  const deposit = await depositPaid(ctx, record.id);
  const { lines, changed, totals } = priceTicket(access, record, taxRatePpm, deposit, input);
  if (totals.dueMinor !== input.expectedTotalMinor)
    throw new AppError(
      'PAYMENT_AMOUNT_MISMATCH',
      `The amount due is ${totals.dueMinor}, not ${input.expectedTotalMinor}: show the client the new total.`,
      { dueMinor: totals.dueMinor },
    );
  const method: CheckoutMethod = totals.dueMinor === 0 ? 'none' : input.method;
  if (method === 'card' || method === 'card_on_file') {
    requirePayments(ctx);
    if (method === 'card_on_file' && !(await clientHasCardOnFile(db, record.clientId)))
      throw new AppError('NO_CARD_ON_FILE', 'The client has no card on file: take cash or a card.');
  }
  const actor = `staff:${access.principal.userId}`;
  let payment: PaymentRecord | undefined;
  try {
    payment = await inTransaction(ctx, async (tx) => {
      const locked = await lockAppointment(tx, record.id);
      if (!locked) throw new AppError('NOT_FOUND', 'No appointment with this id at this location.');
      if (locked.status === 'checked_in') {
        await setStatus(tx, record.id, 'completed');
        await setVersion(tx, record.id, new Date(Math.max(Date.now(), locked.updatedAt.getTime() + 1)));
        await addHistory(tx, {
          appointmentId: record.id,
          actor,
          action: 'status_changed',
          fromStatus: 'checked_in',
          toStatus: 'completed',
          details: { by: 'checkout' },
        });
        await appointmentChanged(tx, ctx, {
          type: 'appointment.updated',
          locationId: record.locationId,
          appointmentId: record.id,
        });
      } else if (locked.status !== 'completed')
        throw new AppError(
          'INVALID_STATE',
          `An appointment that is ${locked.status.replace('_', ' ')} cannot be checked out: complete it first.`,
        );
      const existing = await findCheckout(tx, record.id, true);
      if (existing?.status === 'paid') throw new AppError('INVALID_STATE', 'This checkout is already paid.');
      const values = {
        appointmentId: record.id,
        organizationId: access.location.organizationId,
        lines,
        subtotalMinor: totals.subtotalMinor,
        discountMinor: totals.discountMinor,
        taxMinor: totals.taxMinor,
        tipMinor: totals.tipMinor,
        totalMinor: totals.totalMinor,
        depositAppliedMinor: totals.depositAppliedMinor,
        dueMinor: totals.dueMinor,
        currency: record.currency,
        method,
        status: 'awaiting_payment' as const,
        closedBy: access.principal.userId,
        paidAt: null,
      };
      await saveCheckout(tx, values);
      if (changed.length > 0 || totals.discountMinor > 0) {
        const adjusted = {
          lines: changed.map((l) => ({
            name: l.name,
            fromMinor: l.originalPriceMinor,
            toMinor: l.priceMinor,
          })),
          discountMinor: totals.discountMinor,
        };
        await addHistory(tx, {
          appointmentId: record.id,
          actor,
          action: 'checkout',
          details: { event: 'adjusted', ...adjusted },
        });
        // The owners' activity log too (who changed which price, from and to).
        await writeAudit(tx, [
          {
            organizationId: access.location.organizationId,
            actorUserId: access.principal.userId,
            action: 'appointment.checkout_adjusted',
            entity: 'appointment',
            entityId: record.id,
            before: { lines: changed.map((l) => ({ name: l.name, priceMinor: l.originalPriceMinor })) },
            after: adjusted,
            at: ctx.now(),
          },
        ]);
      }
      if (method === 'cash' || method === 'none') {
        const split = splitTip(totals.dueMinor, totals.tipMinor);
        const entry = {
          organizationId: access.location.organizationId,
          appointmentId: record.id,
          paymentId: null,
          currency: record.currency,
        };
        if (split.chargeMinor > 0)
          await appendLedger(tx, {
            ...entry,
            kind: 'charge',
            amountMinor: split.chargeMinor,
            providerRef: `cash:${record.id}`,
          });
        if (split.tipMinor > 0)
          await appendLedger(tx, {
            ...entry,
            kind: 'tip',
            amountMinor: split.tipMinor,
            providerRef: `cash-tip:${record.id}`,
            barberId: record.barberId,
          });
        await closePaid(ctx, tx, { ...values, createdAt: ctx.now() }, actor);
        await storeResponse(tx, scope, idempotencyKey, {
          requestHash: reqHash,
          status: 200,
          body: { appointmentId: record.id },
        });
        return undefined;
      }
      const previous = await checkoutPayments(tx, record.id);
      const latest = previous.at(-1);
      if (latest && existing?.method === method && latest.amountMinor === totals.dueMinor && !failed(latest))
        return latest;
      return insertPayment(tx, {
        organizationId: access.location.organizationId,
        appointmentId: record.id,
        purpose: 'checkout',
        provider: ctx.payments!.providerName,
        idempotencyKey: checkoutPaymentKey(record.id, previous.length + 1),
        amountMinor: totals.dueMinor,
        currency: record.currency,
      });
    });
  } catch (err) {
    if (sqlState(err) === '23505') {
      const again = await replayed();
      if (again) return again;
    }
    throw err;
  }
  const fresh = () => checkoutable(ctx, access, record.id);
  if (!payment) {
    ctx.outboxWritten();
    return viewOf(ctx, access, await fresh());
  }
  const intent = await chargeAtProvider(ctx, payment);
  if (method === 'card_on_file' && intent.status !== 'succeeded')
    throw new AppError('PAYMENT_DECLINED', 'The card on file needs the client: take another card or cash.', {
      declineCode: intent.lastErrorCode ?? intent.status,
    });
  await remember(ctx, scope, idempotencyKey, reqHash, record.id);
  const card =
    method === 'card'
      ? {
          clientSecret: intent.clientSecret,
          publishableKey: ctx.payments!.publishableKey,
          testMode: ctx.payments!.kind === 'test',
        }
      : undefined;
  return viewOf(ctx, access, await fresh(), card);
}

async function remember(ctx: AppContext, scope: string, key: string, reqHash: string, id: string) {
  try {
    await storeResponse(ctx.database.db, scope, key, {
      requestHash: reqHash,
      status: 200,
      body: { appointmentId: id },
    });
  } catch (err) {
    if (sqlState(err) !== '23505') throw err;
  }
}

/**
 * Creates the provider object of a checkout payment and applies its state.
 * @throws AppError PAYMENT_DECLINED (the decline recorded on the payment), PAYMENT_PROVIDER_ERROR.
 */
async function chargeAtProvider(ctx: AppContext, payment: PaymentRecord): Promise<PaymentIntentInfo> {
  let created;
  try {
    created = await createAtProvider(ctx, payment);
  } catch (e) {
    if (e instanceof PaymentProviderError) {
      if (e.retryable)
        throw new AppError('PAYMENT_PROVIDER_ERROR', 'The payment provider did not answer; try again.');
      await updatePayment(
        ctx.database.db,
        payment.id,
        {
          ...(e.paymentIntentId ? { providerId: e.paymentIntentId } : {}),
          status: 'requires_payment_method',
          failureCode: e.code,
        },
        ctx.now(),
      );
      throw new AppError(
        'PAYMENT_DECLINED',
        `The card was declined (${e.code}): take another card or cash.`,
        {
          declineCode: e.code,
        },
      );
    }
    throw e;
  }
  if (created.kind === 'setup_intent') throw new Error('A checkout payment made a setup intent');
  await applyAndFollow(ctx, created.intent);
  return created.intent;
}

async function applyAndFollow(ctx: AppContext, info: PaymentIntentInfo): Promise<ApplyResult> {
  const result = await inTransaction(ctx, (tx) => applyPaymentIntent(ctx, tx, info));
  await afterPaymentApplied(ctx, result);
  return result;
}

/**
 * Applies a succeeded checkout payment (called by payment.service.ts applyPaymentIntent for purpose
 * `checkout`, in its transaction): the money received is split into the service charge (ledger
 * `charge`, the provider's charge id) and the tip (ledger `tip`, `tip:<charge id>`, attributed to
 * the appointment's barber); the checkout becomes `paid` and the receipt is queued. Applying the
 * same intent again changes nothing. Money that does not belong to the open checkout (it is
 * already paid by another payment, or its amount changed since) is recorded as a charge and
 * reported `refundNeeded`, so afterPaymentApplied gives it back once.
 */
export async function settleCheckoutPayment(
  ctx: AppContext,
  tx: Tx,
  payment: PaymentRecord,
  info: PaymentIntentInfo,
): Promise<ApplyResult> {
  const checkout = await findCheckout(tx, payment.appointmentId, true);
  const recorded = (await ledgerEntriesOfPayment(tx, payment.id)) > 0;
  const chargeRef = info.latestChargeId ?? info.id;
  const entry = {
    organizationId: payment.organizationId,
    appointmentId: payment.appointmentId,
    paymentId: payment.id,
    currency: payment.currency,
  };
  const stray =
    !checkout ||
    payment.amountMinor !== checkout.dueMinor ||
    (checkout.status === 'paid' && !recorded) ||
    (checkout.status !== 'paid' && (checkout.method === 'cash' || checkout.method === 'none'));
  if (stray) {
    await appendLedger(tx, {
      ...entry,
      kind: 'charge',
      amountMinor: info.amountReceivedMinor,
      providerRef: chargeRef,
    });
    return { outcome: 'applied', payment, confirmed: false, refundNeeded: true };
  }
  const [appt] = await tx
    .select({ barberId: appointments.barberId })
    .from(appointments)
    .where(eq(appointments.id, payment.appointmentId));
  const split = splitTip(info.amountReceivedMinor, checkout.tipMinor);
  if (split.chargeMinor > 0)
    await appendLedger(tx, {
      ...entry,
      kind: 'charge',
      amountMinor: split.chargeMinor,
      providerRef: chargeRef,
    });
  if (split.tipMinor > 0)
    await appendLedger(tx, {
      ...entry,
      kind: 'tip',
      amountMinor: split.tipMinor,
      providerRef: `tip:${chargeRef}`,
      barberId: appt?.barberId ?? null,
    });
  if (checkout.status !== 'paid') await closePaid(ctx, tx, checkout, 'payment');
  return { outcome: 'applied', payment, confirmed: false, refundNeeded: false };
}

async function latestCardPayment(ctx: AppContext, appointmentId: string): Promise<PaymentRecord> {
  const checkout = await findCheckout(ctx.database.db, appointmentId);
  if (!checkout || checkout.method !== 'card')
    throw new AppError('INVALID_STATE', 'This checkout is not waiting for a card payment.');
  const latest = (await checkoutPayments(ctx.database.db, appointmentId)).at(-1);
  if (!latest?.providerId) throw new AppError('INVALID_STATE', 'This checkout has no card payment yet.');
  return latest;
}

/**
 * Reads the desk's card payment from the provider and applies it (the card form's "done" poll).
 * @throws AppError NOT_FOUND, FORBIDDEN, INVALID_STATE (not waiting for a card), PAYMENTS_UNAVAILABLE.
 */
export async function refreshCardPayment(
  ctx: AppContext,
  access: StaffAccess,
  id: string,
): Promise<CheckoutView> {
  const record = await checkoutable(ctx, access, id);
  const { provider } = requirePayments(ctx);
  const checkout = await findCheckout(ctx.database.db, record.id);
  if (checkout?.status === 'paid') return viewOf(ctx, access, record);
  const payment = await latestCardPayment(ctx, record.id);
  await applyAndFollow(ctx, await provider.retrievePaymentIntent(payment.providerId!));
  return viewOf(ctx, access, record);
}

/** Stripe's test card numbers and the test payment methods they stand for. */
export const TEST_CARDS: Readonly<Record<string, string>> = {
  '4242424242424242': 'pm_card_visa',
  '4000000000000002': 'pm_card_chargeDeclined',
  '4000002500003155': 'pm_card_threeDSecure2Required',
};

/**
 * Test mode only: pays the desk's card payment with a Stripe test card number, as the Payment
 * Element would, then applies it.
 * @throws AppError NOT_FOUND (not in test mode, or no such appointment), VALIDATION_FAILED (not a
 *   test card), INVALID_STATE, PAYMENT_DECLINED (the checkout stays awaiting payment).
 */
export async function testConfirmCard(
  ctx: AppContext,
  access: StaffAccess,
  id: string,
  cardNumber: string,
): Promise<CheckoutView> {
  const server = ctx.payments?.kind === 'test' ? ctx.payments.testServer : undefined;
  if (!server) throw new AppError('NOT_FOUND', 'Not found.');
  const record = await checkoutable(ctx, access, id);
  const pm = TEST_CARDS[cardNumber.replace(/[\s-]/g, '')];
  if (!pm) throw validationError([{ field: 'cardNumber', message: 'Use a test card: 4242 4242 4242 4242' }]);
  const payment = await latestCardPayment(ctx, record.id);
  try {
    server.confirmAsClient(payment.providerId!, pm);
  } catch {
    // A decline: the intent now says so; it is applied below.
  }
  const info = await ctx.payments!.provider.retrievePaymentIntent(payment.providerId!);
  await applyAndFollow(ctx, info);
  if (info.status === 'requires_payment_method' && info.lastErrorCode)
    throw new AppError('PAYMENT_DECLINED', 'The card was declined: try another card or take cash.', {
      declineCode: info.lastErrorCode,
    });
  return viewOf(ctx, access, record);
}

/** A barber's tips over local dates. */
export interface TipsView {
  barberId: string;
  from: string;
  to: string;
  currency: string;
  totalMinor: number;
  /** Days with tips, by the appointment's local date. */
  days: Array<{ date: string; amountMinor: number; count: number }>;
}

/** Most days one tips report covers. */
export const MAX_TIP_DAYS = 92;

/**
 * The tips attributed to a barber for appointments at this location on local dates from–to
 * (inclusive), per day and in total. A barber may read only their own.
 * @throws AppError NOT_FOUND (no such barber here), FORBIDDEN (another barber's),
 *   VALIDATION_FAILED (dates).
 */
export async function barberTips(
  ctx: AppContext,
  access: StaffAccess,
  barberId: string,
  from: string,
  to: string,
): Promise<TipsView> {
  if (access.role.role === 'barber' && access.role.barberId !== barberId)
    throw new AppError('FORBIDDEN', 'Barbers can see only their own tips.');
  const [barber] = isUuid(barberId)
    ? await ctx.database.db
        .select({ id: barbers.id })
        .from(barbers)
        .where(and(eq(barbers.id, barberId), eq(barbers.locationId, access.location.id)))
    : [];
  if (!barber) throw new AppError('NOT_FOUND', 'No barber with this id at this location.');
  let span: number;
  try {
    span = daysBetween(from, to);
  } catch {
    throw validationError([{ field: 'from', message: 'Not a calendar date' }]);
  }
  if (span < 0) throw validationError([{ field: 'to', message: 'Must not be before from' }]);
  if (span >= MAX_TIP_DAYS) throw validationError([{ field: 'to', message: `At most ${MAX_TIP_DAYS} days` }]);
  const tz = access.location.timezone;
  const rows = await tipsOfBarber(
    ctx.database.db,
    access.location.id,
    barberId,
    new Date(startOfLocalDay(from, tz)),
    new Date(startOfLocalDay(addDays(to, 1), tz)),
  );
  const days = new Map<string, { date: string; amountMinor: number; count: number }>();
  for (const r of rows) {
    const date = localDateOf(r.startsAt.getTime(), tz);
    const d = days.get(date) ?? { date, amountMinor: 0, count: 0 };
    d.amountMinor += r.amountMinor;
    d.count += 1;
    days.set(date, d);
  }
  return {
    barberId,
    from,
    to,
    currency: access.location.currency,
    totalMinor: rows.reduce((s, r) => s + r.amountMinor, 0),
    days: [...days.values()],
  };
}
