/**
 * Booking use cases: create an appointment online, and the client's manage actions
 * (view, cancel, reschedule). Each write is one transaction: overlap check, insert/update
 * (the exclusion constraint is the backstop), history, outbox message, idempotency record.
 */
import crypto from 'node:crypto';
import {
  AppError,
  addDays,
  canClientChange,
  canReschedule,
  localDateOf,
  localMinutesOf,
  offsetIsoFormatter,
  parseInstant,
  validationError,
  type Slot,
} from '@bookedbarber/core';
import { sqlState, type Tx } from '../db/client.ts';
import {
  addHistory,
  findAppointmentById,
  findAppointmentByTokenHash,
  insertAppointment,
  listHistory,
  setLines,
  setStatus,
  setTimes,
  type AppointmentRecord,
} from '../repositories/appointment.repository.ts';
import { upsertClient } from '../repositories/client.repository.ts';
import { findStoredResponse, storeResponse } from '../repositories/idempotency.repository.ts';
import { findLocationById } from '../repositories/location.repository.ts';
import { enqueueEmail } from '../repositories/outbox.repository.ts';
import { hasOverlap } from '../repositories/schedule.repository.ts';
import {
  findSlots,
  planFor,
  resolveBarbers,
  resolveServices,
  type LocationCatalog,
} from './availability.service.ts';
import { loadCatalog, loadCatalogById } from './catalog.service.ts';
import { clientCipher } from '../security/client-fields.ts';
import type { AppContext } from './context.ts';
import { appointmentChanged } from './appointment-events.ts';
import { toView, type AppointmentView } from './appointment-view.ts';
import { appointmentIcs, renderEmail } from './messages.ts';
import { quoteAppointment, requireSameQuote, resumeSettlement, settle } from './settlement.service.ts';
import { dropHeldConfirmation } from './held-confirmation.ts';
import {
  currentPaymentView,
  holdBookingConfirmation,
  holdForPayment,
  loadPaymentRules,
  startBookingPayment,
  type BookingPaymentView,
} from './booking-payment.service.ts';
import type { PaymentRecord } from '../repositories/payment.repository.ts';

const MINUTE = 60_000;

/** Raised inside a transaction when every candidate barber was taken meanwhile; turned into SLOT_UNAVAILABLE outside it. */
export class SlotTaken extends Error {}

/** The body of POST /locations/{slug}/appointments, already shape-validated at the edge. */
export interface CreateAppointmentInput {
  services: string[];
  barberId: string;
  start: string;
  client: { name: string; email: string; phone: string };
  notes?: string | null | undefined;
}

/** A new manage token: 256 random bits, base64url. */
export function newManageToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** SHA-256 hex of a manage token: what the database stores. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** SHA-256 of a request body in a stable JSON form (keys sorted), for Idempotency-Key replays. */
export function requestHash(body: unknown): string {
  return crypto.createHash('sha256').update(stableJson(body)).digest('hex');
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/**
 * Runs `fn` in a transaction, retrying up to 3 more times on deadlock (40P01) or serialization
 * failure (40001) with a short random back-off (ARCHITECTURE.md, "Double booking").
 */
export async function inTransaction<T>(ctx: AppContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      let used: Tx | undefined;
      const result = await ctx.database.db.transaction((tx) => {
        used = tx;
        return fn(tx);
      });
      if (used) ctx.events?.committed(used);
      return result;
    } catch (err) {
      const state = sqlState(err);
      if (attempt < 3 && (state === '40P01' || state === '40001')) {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
        continue;
      }
      throw err;
    }
  }
}

/**
 * Checks that `startMs` can be offered at all, independent of who is busy.
 * @throws AppError OUTSIDE_BOOKING_WINDOW (past, inside the lead time, beyond the horizon, off the grid).
 */
export function checkBookingWindow(catalog: LocationCatalog, startMs: number, now: Date): void {
  const { timezone, policy, phone } = catalog.location;
  if (startMs <= now.getTime())
    throw new AppError('OUTSIDE_BOOKING_WINDOW', 'That time is in the past.', { reason: 'past' });
  if (startMs < now.getTime() + policy.leadTimeMinutes * MINUTE)
    throw new AppError(
      'OUTSIDE_BOOKING_WINDOW',
      `The shop needs at least ${policy.leadTimeMinutes} minutes' notice for online bookings; call ${phone} for anything sooner.`,
      { reason: 'lead_time' },
    );
  const lastDay = addDays(localDateOf(now.getTime(), timezone), policy.horizonDays);
  if (localDateOf(startMs, timezone) > lastDay)
    throw new AppError(
      'OUTSIDE_BOOKING_WINDOW',
      `Bookings open at most ${policy.horizonDays} days ahead (until ${lastDay}).`,
      { reason: 'horizon' },
    );
  if (startMs % MINUTE !== 0 || localMinutesOf(startMs, timezone) % policy.slotIntervalMinutes !== 0)
    throw new AppError(
      'OUTSIDE_BOOKING_WINDOW',
      `Appointments start every ${policy.slotIntervalMinutes} minutes; pick one of the offered times.`,
      { reason: 'off_grid' },
    );
}

const ALTERNATIVES_TTL_MS = 1_000;
const alternativesMemo = new WeakMap<
  object,
  Map<string, { at: number; value: Promise<ReturnType<typeof slotsToApi>> }>
>();

/**
 * Up to 6 free slots nearest to `startMs` within a week around it, as API slots. Looks at the
 * neighbouring days first and widens only when needed; identical lookups within a second share one
 * answer (a burst of clients losing the same slot asks the same question).
 */
function nearestAlternatives(
  ctx: AppContext,
  catalog: LocationCatalog,
  services: ReturnType<typeof resolveServices>,
  barbers: ReturnType<typeof resolveBarbers>,
  startMs: number,
  excludeAppointmentId?: string,
): Promise<ReturnType<typeof slotsToApi>> {
  const key = [
    catalog.location.id,
    services.map((s) => s.id).join(','),
    barbers.map((b) => b.id).join(','),
    startMs,
    excludeAppointmentId ?? '',
  ].join('|');
  let memo = alternativesMemo.get(ctx.database.db);
  if (!memo) alternativesMemo.set(ctx.database.db, (memo = new Map()));
  const now = Date.now();
  const hit = memo.get(key);
  if (hit && now - hit.at < ALTERNATIVES_TTL_MS) return hit.value;
  for (const [k, v] of memo) if (now - v.at >= ALTERNATIVES_TTL_MS) memo.delete(k);
  const value = computeAlternatives(ctx, catalog, services, barbers, startMs, excludeAppointmentId);
  memo.set(key, { at: now, value });
  value.catch(() => memo.delete(key));
  return value;
}

async function computeAlternatives(
  ctx: AppContext,
  catalog: LocationCatalog,
  services: ReturnType<typeof resolveServices>,
  barbers: ReturnType<typeof resolveBarbers>,
  startMs: number,
  excludeAppointmentId?: string,
) {
  const tz = catalog.location.timezone;
  const day = localDateOf(startMs, tz);
  const today = localDateOf(ctx.now().getTime(), tz);
  const nearest = async (back: number, ahead: number) => {
    const from = addDays(day, -back) < today ? today : addDays(day, -back);
    const slots = await findSlots(
      ctx.database.db,
      catalog,
      services,
      barbers,
      from,
      addDays(day, ahead),
      ctx.now(),
      {
        excludeAppointmentId,
      },
    );
    return slots
      .filter((s) => s.start !== startMs)
      .sort((a, b) => Math.abs(a.start - startMs) - Math.abs(b.start - startMs))
      .slice(0, 6);
  };
  // The day before to two days after covers at least 24 h on each side of the start: if the
  // sixth nearest is within 24 h, nothing outside can be nearer.
  let picked = await nearest(1, 2);
  const sixth = picked[5];
  if (!sixth || Math.abs(sixth.start - startMs) > 86_400_000) picked = await nearest(3, 7);
  return slotsToApi(
    picked.sort((a, b) => a.start - b.start),
    tz,
  );
}

/**
 * Core slots as the API speaks them: ISO 8601 with the location's offset. The zone's offsets are
 * looked up once for the whole list (formatting each slot through Temporal dominated the answer).
 */
export function slotsToApi(slots: readonly Slot[], tz: string) {
  if (slots.length === 0) return [];
  const format = offsetIsoFormatter(
    tz,
    slots[0]!.start,
    slots.reduce((m, s) => Math.max(m, s.end), 0),
  );
  return slots.map((s) => ({ start: format(s.start), end: format(s.end), barberIds: s.barberIds }));
}

/** Parses an ISO instant with offset. @throws AppError VALIDATION_FAILED naming `field`. */
export function parseStart(start: string, field: string): number {
  const ms = parseInstant(start);
  if (ms === null)
    throw validationError([
      { field, message: 'Must be an ISO 8601 date-time with an offset, e.g. 2026-12-01T09:30:00-05:00.' },
    ]);
  return ms;
}

/**
 * Finds the slot at `startMs` for these barbers, or throws SLOT_UNAVAILABLE with nearby alternatives.
 */
export async function requireSlot(
  ctx: AppContext,
  catalog: LocationCatalog,
  services: ReturnType<typeof resolveServices>,
  barbers: ReturnType<typeof resolveBarbers>,
  startMs: number,
  excludeAppointmentId?: string,
): Promise<Slot> {
  const day = localDateOf(startMs, catalog.location.timezone);
  const slots = await findSlots(ctx.database.db, catalog, services, barbers, day, day, ctx.now(), {
    excludeAppointmentId,
  });
  const slot = slots.find((s) => s.start === startMs);
  if (slot) return slot;
  throw await slotUnavailable(ctx, catalog, services, barbers, startMs, excludeAppointmentId);
}

/** SLOT_UNAVAILABLE with the nearest free times (call outside any transaction). */
export async function slotUnavailable(
  ctx: AppContext,
  catalog: LocationCatalog,
  services: ReturnType<typeof resolveServices>,
  barbers: ReturnType<typeof resolveBarbers>,
  startMs: number,
  excludeAppointmentId?: string,
): Promise<AppError> {
  const alternatives = await nearestAlternatives(
    ctx,
    catalog,
    services,
    barbers,
    startMs,
    excludeAppointmentId,
  );
  return new AppError(
    'SLOT_UNAVAILABLE',
    alternatives.length > 0
      ? 'That time is no longer free. Here are the nearest free times.'
      : 'That time is no longer free, and nothing is free in the week around it.',
    { alternatives },
  );
}

/** Barber ids to try for a slot, least-loaded first is not known here, so rotate to spread concurrent bookings. */
export function candidateOrder(ids: string[]): string[] {
  if (ids.length < 2) return ids;
  const k = crypto.randomInt(ids.length);
  return [...ids.slice(k), ...ids.slice(0, k)];
}

/**
 * Books an appointment online (docs/api.md, POST /locations/{slug}/appointments).
 * @param idempotencyKey optional; a replay answers the stored response.
 * @returns HTTP status and body (201 and the view with manageUrl).
 * @throws AppError NOT_FOUND, VALIDATION_FAILED, OUTSIDE_BOOKING_WINDOW, SLOT_UNAVAILABLE, IDEMPOTENCY_KEY_REUSED.
 */
export async function createAppointment(
  ctx: AppContext,
  slug: string,
  input: CreateAppointmentInput,
  idempotencyKey?: string,
): Promise<{ status: number; body: AppointmentView & { payment?: BookingPaymentView | null } }> {
  const db = ctx.database.db;
  const scope = `create-appointment:${slug}`;
  const reqHash = requestHash(input);
  // The payment part is read fresh on a replay (its client secret is never stored).
  // Without a payment provider the answer is exactly the appointment, as before payments existed.
  const withPayment = async (r: { status: number; body: AppointmentView }) =>
    ctx.payments
      ? {
          status: r.status,
          body: { ...r.body, payment: await currentPaymentView(ctx, r.body.id, r.body.timezone) },
        }
      : r;
  if (idempotencyKey) {
    const stored = await findStoredResponse(db, scope, idempotencyKey);
    if (stored) return withPayment(replay(stored, reqHash));
  }
  const catalog = await loadCatalog(db, slug);
  const services = resolveServices(catalog, input.services, 'services');
  const barbers = resolveBarbers(catalog, input.barberId, 'barberId');
  const startMs = parseStart(input.start, 'start');
  if (input.barberId !== 'any' && planFor(barbers[0]!, services) === null)
    throw validationError([
      { field: 'services', message: `${barbers[0]!.name} does not offer every chosen service.` },
    ]);
  checkBookingWindow(catalog, startMs, ctx.now());
  // A request with the same key that committed meanwhile (a double submit) took this very slot:
  // answer as it did rather than "taken".
  const concurrentReplay = async () => {
    const stored = idempotencyKey ? await findStoredResponse(db, scope, idempotencyKey) : undefined;
    return stored ? withPayment(replay(stored, reqHash)) : undefined;
  };
  let slot: Slot;
  try {
    slot = await requireSlot(ctx, catalog, services, barbers, startMs);
  } catch (err) {
    const replayed =
      err instanceof AppError && err.code === 'SLOT_UNAVAILABLE' ? await concurrentReplay() : undefined;
    if (replayed) return replayed;
    throw err;
  }

  const token = newManageToken();
  const { location } = catalog;
  const paymentRules = ctx.payments ? await loadPaymentRules(db, location.id) : null;
  let result: { status: number; body: AppointmentView } | undefined;
  let payment: PaymentRecord | null = null;
  let clientId = '';
  try {
    result = await inTransaction(ctx, async (tx) => {
      clientId = await upsertClient(tx, clientCipher(ctx.secrets), location.organizationId, input.client);
      const record = await insertIntoFirstFree(
        tx,
        catalog,
        services,
        candidateOrder(slot.barberIds),
        startMs,
        {
          clientId,
          clientName: input.client.name,
          clientEmail: input.client.email.trim(),
          notes: input.notes ?? null,
          tokenHash: hashToken(token),
        },
      );
      if (!record) throw new SlotTaken();
      const appointmentId = record.id;
      payment = paymentRules
        ? await holdForPayment(tx, ctx, {
            appointmentId,
            organizationId: location.organizationId,
            lines: record.lines,
            currency: record.currency,
            rules: paymentRules,
          })
        : null;
      if (payment) record.status = 'pending';
      await addHistory(tx, {
        appointmentId,
        actor: 'client',
        action: 'created',
        toStatus: record.status,
        details: payment
          ? { source: 'online', paymentMode: payment.purpose, amountDueOnlineMinor: payment.amountMinor }
          : { source: 'online' },
      });
      await appointmentChanged(tx, ctx, {
        type: 'appointment.created',
        locationId: location.id,
        appointmentId,
      });
      const view = toView(record, location, token, ctx.config.publicUrl, ctx.now());
      const confirmation = renderEmail('confirmation', view, input.client.email.trim(), 0);
      // Waiting for a payment: the confirmation goes out when the payment confirms the booking.
      if (payment) await holdBookingConfirmation(tx, appointmentId, confirmation, payment);
      else await enqueueEmail(tx, confirmation, ctx.now());
      const out = { status: 201, body: view };
      if (idempotencyKey)
        await storeResponse(tx, scope, idempotencyKey, { requestHash: reqHash, status: 201, body: view });
      return out;
    });
  } catch (err) {
    // Another request with the same key committed first: answer as it did.
    if (err instanceof SlotTaken || sqlState(err) === '23505') {
      const replayed = await concurrentReplay();
      if (replayed) return replayed;
    }
    if (err instanceof SlotTaken) throw await slotUnavailable(ctx, catalog, services, barbers, startMs);
    throw err;
  }
  ctx.outboxWritten();
  const held = payment as PaymentRecord | null;
  if (!held)
    return ctx.payments ? { status: result.status, body: { ...result.body, payment: null } } : result;
  const paymentView = await startBookingPayment(ctx, held, {
    clientId,
    locationId: location.id,
    timezone: location.timezone,
    ...(idempotencyKey ? { idempotency: { scope, key: idempotencyKey } } : {}),
  });
  if (paymentView) return { status: result.status, body: { ...result.body, payment: paymentView } };
  // The provider was unreachable for a card on file: booked as pay at the shop.
  return { status: result.status, body: { ...result.body, status: 'confirmed', payment: null } };
}

function replay(stored: { requestHash: string; status: number; body: unknown }, reqHash: string) {
  if (stored.requestHash !== reqHash)
    throw new AppError(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used for a different request; use a new key for a new booking.',
    );
  return { status: stored.status, body: stored.body as AppointmentView };
}

/**
 * Tries each barber in turn inside a savepoint: overlap check, then insert (the exclusion
 * constraint catches a concurrent winner as 23P01). Returns the new id, or null if all are taken.
 */
export async function insertIntoFirstFree(
  tx: Tx,
  catalog: LocationCatalog,
  services: ReturnType<typeof resolveServices>,
  barberIds: string[],
  startMs: number,
  a: {
    clientId: string;
    clientName: string;
    clientEmail: string | null;
    notes: string | null;
    tokenHash: string;
    source?: AppointmentRecord['source'];
  },
): Promise<AppointmentRecord | null> {
  for (const barberId of barberIds) {
    const barber = catalog.barbers.find((b) => b.id === barberId)!;
    const plan = planFor(barber, services)!;
    const times = timesOf(startMs, plan);
    if (await hasOverlap(tx, barberId, times.occupiedFrom, times.occupiedUntil)) continue;
    const row = {
      locationId: catalog.location.id,
      barberId,
      clientId: a.clientId,
      source: a.source ?? ('online' as const),
      status: 'confirmed' as const,
      ...times,
      totalMinor: plan.totalMinor,
      currency: catalog.location.currency,
      notes: a.notes,
      lines: plan.lines,
    };
    try {
      // With one candidate a conflict ends the booking anyway: no savepoint round trips.
      const id =
        barberIds.length === 1
          ? await insertAppointment(tx, { ...row, manageTokenHash: a.tokenHash })
          : await tx.transaction((sp) => insertAppointment(sp, { ...row, manageTokenHash: a.tokenHash }));
      // What was just written, without reading it back.
      return { ...row, id, barberName: barber.name, clientName: a.clientName, clientEmail: a.clientEmail };
    } catch (err) {
      if (barberIds.length === 1 && sqlState(err) === '23P01') throw new SlotTaken();
      if (sqlState(err) === '23P01') continue;
      throw err;
    }
  }
  return null;
}

/** Service time and occupied time (with buffers) of a plan starting at `startMs`. */
export function timesOf(startMs: number, plan: NonNullable<ReturnType<typeof planFor>>) {
  const endMs = startMs + plan.durationMinutes * MINUTE;
  return {
    startsAt: new Date(startMs),
    endsAt: new Date(endMs),
    occupiedFrom: new Date(startMs - plan.bufferBeforeMinutes * MINUTE),
    occupiedUntil: new Date(endMs + plan.bufferAfterMinutes * MINUTE),
  };
}

async function loadByToken(
  ctx: AppContext,
  token: string,
): Promise<{ record: AppointmentRecord; catalog: LocationCatalog }> {
  const record = await findAppointmentByTokenHash(
    ctx.database.db,
    clientCipher(ctx.secrets),
    hashToken(token),
  );
  if (!record)
    throw new AppError('NOT_FOUND', 'This link is not valid. Check the link in your confirmation email.');
  const catalog = await loadCatalogById(ctx.database.db, record.locationId);
  return { record, catalog };
}

/** The appointment behind a manage token. @throws AppError NOT_FOUND. */
export async function getByToken(ctx: AppContext, token: string): Promise<AppointmentView> {
  const record = await findAppointmentByTokenHash(
    ctx.database.db,
    clientCipher(ctx.secrets),
    hashToken(token),
  );
  if (!record)
    throw new AppError('NOT_FOUND', 'This link is not valid. Check the link in your confirmation email.');
  const location = (await findLocationById(ctx.database.db, record.locationId))!;
  return toView(record, location, token, ctx.config.publicUrl, ctx.now());
}

/** The iCalendar file for the appointment behind a manage token. */
export async function calendarByToken(ctx: AppContext, token: string): Promise<string> {
  const view = await getByToken(ctx, token);
  const history = await listHistory(ctx.database.db, view.id);
  return appointmentIcs(view, history.length - 1);
}

function requireChangeAllowed(record: AppointmentRecord, catalog: LocationCatalog, now: Date): void {
  const { policy, phone } = catalog.location;
  if (!canClientChange(record.startsAt.getTime(), policy.changeWindowHours, now.getTime()))
    throw new AppError(
      'CHANGE_WINDOW_PASSED',
      `Online changes close ${policy.changeWindowHours} hours before the appointment. Please call the shop at ${phone}.`,
      { phone },
    );
}

/**
 * The client cancels; the cancellation policy's refund and fee are applied after the change
 * (settlement.service.ts). A retry after the cancellation finishes any money step left undone.
 * @param opts.expectedQuote the refund and fee the client was shown (GET …/change-quote).
 * @throws AppError NOT_FOUND, INVALID_STATE (already cancelled or done), CHANGE_WINDOW_PASSED,
 *   QUOTE_CHANGED.
 */
export async function cancelByToken(
  ctx: AppContext,
  token: string,
  opts: { expectedQuote?: { refundMinor: number; feeMinor: number } | undefined } = {},
): Promise<AppointmentView> {
  const { record, catalog } = await loadByToken(ctx, token);
  if (record.status === 'cancelled') await resumeSettlement(ctx, record.id);
  if (record.status !== 'confirmed' && record.status !== 'pending')
    throw new AppError('INVALID_STATE', `This appointment is already ${record.status.replace('_', ' ')}.`);
  requireChangeAllowed(record, catalog, ctx.now());
  const quoted = await quoteAppointment(ctx, record.id, 'cancel');
  requireSameQuote(quoted, opts.expectedQuote);
  const view = await inTransaction(ctx, async (tx) => {
    await setStatus(tx, record.id, 'cancelled');
    // A booking cancelled while waiting for its payment never sends the confirmation it held.
    if (record.status === 'pending') await dropHeldConfirmation(tx, record.id);
    await addHistory(tx, {
      appointmentId: record.id,
      actor: 'client',
      action: 'cancelled',
      fromStatus: record.status,
      toStatus: 'cancelled',
    });
    await appointmentChanged(tx, ctx, {
      type: 'appointment.cancelled',
      locationId: record.locationId,
      appointmentId: record.id,
    });
    const updated = (await findAppointmentById(tx, clientCipher(ctx.secrets), record.id))!;
    const v = toView(updated, catalog.location, token, ctx.config.publicUrl, ctx.now());
    const changes = (await listHistory(tx, record.id)).length - 1;
    if (updated.clientEmail)
      await enqueueEmail(tx, renderEmail('cancellation', v, updated.clientEmail, changes), ctx.now());
    return v;
  });
  ctx.outboxWritten();
  await settle(ctx, quoted, 'client');
  return view;
}

/**
 * The client moves the appointment to `start` (optionally with another barber).
 * @throws AppError NOT_FOUND, VALIDATION_FAILED, INVALID_STATE, CHANGE_WINDOW_PASSED,
 *   OUTSIDE_BOOKING_WINDOW, SLOT_UNAVAILABLE.
 */
export async function rescheduleByToken(
  ctx: AppContext,
  token: string,
  input: {
    start: string;
    barberId?: string | undefined;
    /** The refund and fee the client was shown (GET …/change-quote); QUOTE_CHANGED when different. */
    expectedQuote?: { refundMinor: number; feeMinor: number } | undefined;
  },
): Promise<AppointmentView> {
  const { record, catalog } = await loadByToken(ctx, token);
  if (!canReschedule(record.status))
    throw new AppError(
      'INVALID_STATE',
      `This appointment is ${record.status.replace('_', ' ')} and cannot be moved.`,
    );
  requireChangeAllowed(record, catalog, ctx.now());
  const startMs = parseStart(input.start, 'start');
  const services = resolveServices(
    catalog,
    record.lines.map((l) => l.serviceId),
    'services',
    false,
  );
  const barbers = resolveBarbers(catalog, input.barberId ?? record.barberId, 'barberId');
  checkBookingWindow(catalog, startMs, ctx.now());
  const slot = await requireSlot(ctx, catalog, services, barbers, startMs, record.id);
  const quoted = await quoteAppointment(ctx, record.id, 'reschedule');
  requireSameQuote(quoted, input.expectedQuote);
  const barberIds = slot.barberIds.includes(record.barberId)
    ? [record.barberId]
    : candidateOrder(slot.barberIds);

  const view = await inTransaction(ctx, async (tx) => {
    let moved: string | null = null;
    for (const barberId of barberIds) {
      const barber = catalog.barbers.find((b) => b.id === barberId)!;
      const plan = planFor(barber, services)!;
      const times = timesOf(startMs, plan);
      if (await hasOverlap(tx, barberId, times.occupiedFrom, times.occupiedUntil, record.id)) continue;
      try {
        await tx.transaction(async (sp) => {
          await setTimes(sp, record.id, { barberId, ...times });
          // Another barber: their durations and prices (the lines must add up to the new times).
          if (barberId !== record.barberId) await setLines(sp, record.id, plan.lines, plan.totalMinor);
        });
        moved = barberId;
        break;
      } catch (err) {
        if (sqlState(err) === '23P01') continue;
        throw err;
      }
    }
    if (!moved) throw new SlotTaken();
    await addHistory(tx, {
      appointmentId: record.id,
      actor: 'client',
      action: 'rescheduled',
      details: {
        fromStart: record.startsAt.toISOString(),
        toStart: new Date(startMs).toISOString(),
        fromBarberId: record.barberId,
        toBarberId: moved,
      },
    });
    await appointmentChanged(tx, ctx, {
      type: 'appointment.updated',
      locationId: record.locationId,
      appointmentId: record.id,
    });
    const updated = (await findAppointmentById(tx, clientCipher(ctx.secrets), record.id))!;
    const v = toView(updated, catalog.location, token, ctx.config.publicUrl, ctx.now());
    const changes = (await listHistory(tx, record.id)).length - 1;
    if (updated.clientEmail)
      await enqueueEmail(tx, renderEmail('reschedule', v, updated.clientEmail, changes), ctx.now());
    return v;
  }).catch(async (err: unknown) => {
    // Alternatives are looked up after the transaction: PGlite runs one transaction at a time.
    if (err instanceof SlotTaken)
      throw await slotUnavailable(ctx, catalog, services, barbers, startMs, record.id);
    throw err;
  });
  ctx.outboxWritten();
  await settle(ctx, quoted, 'client');
  return view;
}

/** Availability for rescheduling the appointment behind a token (its own time counts as free). */
export async function availabilityByToken(
  ctx: AppContext,
  token: string,
  q: { from: string; to: string; barber?: string | undefined },
) {
  const { record, catalog } = await loadByToken(ctx, token);
  const services = resolveServices(
    catalog,
    record.lines.map((l) => l.serviceId),
    'services',
    false,
  );
  const barbers = resolveBarbers(catalog, q.barber ?? record.barberId, 'barber');
  const slots = await findSlots(ctx.database.db, catalog, services, barbers, q.from, q.to, ctx.now(), {
    excludeAppointmentId: record.id,
  });
  return {
    timezone: catalog.location.timezone,
    slots: slotsToApi(slots, catalog.location.timezone),
  };
}
