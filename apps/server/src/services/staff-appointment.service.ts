/**
 * The staff calendar (issue 3): the calendar of a location, appointment actions (lifecycle
 * transitions, notes, reschedule), phone and walk-in bookings and client search.
 *
 * Rules: everything is scoped to the location the caller's access was granted for; a barber sees
 * every appointment's time and services but client contact details only on their own, and acts
 * only on their own appointments. Every write locks the appointment row, refuses a stale version
 * (`STALE_UPDATE`), writes a history entry with the actor `staff:<userId>`, bumps the version and
 * announces the change (services/appointment-events.ts). Each change is also in the audit log
 * (`appointment.<status>`, `appointment.notes_changed`, `appointment.rescheduled`, `appointment.created`).
 */
import {
  AppError,
  canReschedule,
  canTransition,
  daysBetween,
  startOfLocalDay,
  addDays,
  toOffsetIso,
  validationError,
  type AppointmentStatus,
} from '@bookedbarber/core';
import { sqlState, type Tx } from '../db/client.ts';
import {
  addHistory,
  appointmentTimes,
  findStaffAppointment,
  listHistory,
  listAppointmentsInRange,
  listTimeOffInRange,
  lockAppointment,
  setLines,
  setNotes,
  setStatus,
  setTimes,
  setVersion,
  type StaffAppointmentRecord,
} from '../repositories/appointment.repository.ts';
import {
  findClient,
  findOrCreateStaffClient,
  searchClients as searchClientRows,
  type ClientRecord,
} from '../repositories/client.repository.ts';
import { writeAudit } from '../repositories/audit.repository.ts';
import { findStoredResponse, storeResponse } from '../repositories/idempotency.repository.ts';
import { enqueueEmail } from '../repositories/outbox.repository.ts';
import { hasOverlap } from '../repositories/schedule.repository.ts';
import { isUuid, type StaffAccess } from './access.service.ts';
import { appointmentChanged } from './appointment-events.ts';
import { planFor, resolveBarbers, resolveServices, type LocationCatalog } from './availability.service.ts';
import {
  checkBookingWindow,
  hashToken,
  inTransaction,
  insertIntoFirstFree,
  newManageToken,
  parseStart,
  requestHash,
  requireSlot,
  SlotTaken,
  slotUnavailable,
  timesOf,
} from './booking.service.ts';
import { loadCatalogById } from './catalog.service.ts';
import { clientCipher } from '../security/client-fields.ts';
import type { AppContext } from './context.ts';
import { toView } from './appointment-view.ts';
import { renderEmail } from './messages.ts';
import { settleStaffTransition } from './settlement.service.ts';
import { dropHeldConfirmation } from './held-confirmation.ts';

/** Longest calendar range, in days (inclusive). */
export const MAX_CALENDAR_DAYS = 31;

/** An appointment as the staff calendar shows it. Times are ISO 8601 with the location's offset. */
export interface StaffAppointmentView {
  id: string;
  status: AppointmentStatus;
  source: StaffAppointmentRecord['source'];
  start: string;
  end: string;
  barber: { id: string; name: string };
  /** `email` and `phone` only for callers who may see them (not a barber on a colleague's appointment). */
  client: { id: string; name: string; email?: string | null; phone?: string | null };
  services: Array<{ id: string; name: string; durationMinutes: number; priceMinor: number }>;
  totalMinor: number;
  currency: string;
  notes: string | null;
  /** The appointment's version: send it back as `If-Match` (or `version`) with a change. */
  version: string;
  createdAt: string;
}

/** The staff calendar of a location for a date range. */
export interface CalendarView {
  timezone: string;
  from: string;
  to: string;
  appointments: StaffAppointmentView[];
  /** Time off and blocked time of the barbers (a barber sees a colleague's without the reason). */
  timeOff: Array<{
    id: string;
    barberId: string;
    start: string;
    end: string;
    reason: string | null;
    /** `time_off` (leave) or `blocked` (blocked time). */
    kind: 'time_off' | 'blocked';
    /** `approved` (the time is taken out of availability) or `requested` (pending). */
    status: 'requested' | 'approved' | 'declined';
  }>;
}

/** The barber profile the caller acts as when their role is `barber`, else null (sees everything). */
function ownBarberOnly(access: StaffAccess): string | null {
  return access.role.role === 'barber' ? (access.role.barberId ?? '') : null;
}

/** Whether the caller may see this appointment's client contact details. */
function seesContacts(access: StaffAccess, barberId: string): boolean {
  const own = ownBarberOnly(access);
  return own === null || own === barberId;
}

/** The staff view of an appointment for this caller. */
export function toStaffView(
  a: StaffAppointmentRecord,
  access: StaffAccess,
  tz: string,
): StaffAppointmentView {
  const contacts = seesContacts(access, a.barberId);
  return {
    id: a.id,
    status: a.status,
    source: a.source,
    start: toOffsetIso(a.startsAt.getTime(), tz),
    end: toOffsetIso(a.endsAt.getTime(), tz),
    barber: { id: a.barberId, name: a.barberName },
    client: contacts
      ? { id: a.clientId, name: a.clientName, email: a.clientEmail, phone: a.clientPhone }
      : { id: a.clientId, name: a.clientName },
    services: a.lines.map((l) => ({
      id: l.serviceId,
      name: l.name,
      durationMinutes: l.durationMinutes,
      priceMinor: l.priceMinor,
    })),
    totalMinor: a.totalMinor,
    currency: a.currency,
    notes: a.notes,
    version: a.updatedAt.toISOString(),
    createdAt: a.createdAt.toISOString(),
  };
}

/**
 * The calendar of the caller's location for local dates [from, to] (inclusive, at most 31 days).
 * @throws AppError VALIDATION_FAILED (bad range, unknown barber).
 */
export async function getCalendar(
  ctx: AppContext,
  access: StaffAccess,
  q: { from: string; to: string; barberId?: string | undefined },
): Promise<CalendarView> {
  const tz = access.location.timezone;
  let span: number;
  try {
    span = daysBetween(q.from, q.to);
  } catch {
    throw validationError([{ field: 'from', message: 'Not a calendar date' }]);
  }
  if (span < 0) throw validationError([{ field: 'to', message: 'Must not be before from' }]);
  if (span >= MAX_CALENDAR_DAYS)
    throw validationError([{ field: 'to', message: `At most ${MAX_CALENDAR_DAYS} days` }]);
  const db = ctx.database.db;
  if (q.barberId !== undefined) {
    const catalog = await loadCatalogById(db, access.location.id);
    resolveBarbers(catalog, q.barberId, 'barberId');
  }
  const from = new Date(startOfLocalDay(q.from, tz));
  const to = new Date(startOfLocalDay(addDays(q.to, 1), tz));
  const [rows, off] = await Promise.all([
    listAppointmentsInRange(db, clientCipher(ctx.secrets), access.location.id, from, to, q.barberId),
    listTimeOffInRange(db, access.location.id, from, to, q.barberId),
  ]);
  return {
    timezone: tz,
    from: q.from,
    to: q.to,
    appointments: rows.map((a) => toStaffView(a, access, tz)),
    timeOff: off.map((t) => ({
      id: t.id,
      barberId: t.barberId,
      start: toOffsetIso(t.startsAt.getTime(), tz),
      end: toOffsetIso(t.endsAt.getTime(), tz),
      reason: seesContacts(access, t.barberId) ? t.reason : null,
      kind: t.kind,
      status: t.status,
    })),
  };
}

/**
 * The appointment at the caller's location that the caller may act on.
 * @throws AppError NOT_FOUND (no such appointment here), FORBIDDEN (a barber, a colleague's).
 */
async function actionable(ctx: AppContext, access: StaffAccess, id: string): Promise<StaffAppointmentRecord> {
  const record = isUuid(id)
    ? await findStaffAppointment(ctx.database.db, clientCipher(ctx.secrets), access.location.id, id)
    : undefined;
  if (!record) throw new AppError('NOT_FOUND', 'No appointment with this id at this location.');
  const own = ownBarberOnly(access);
  if (own !== null && record.barberId !== own)
    throw new AppError('FORBIDDEN', 'Barbers can change only their own appointments.');
  return record;
}

/**
 * The version a change was based on: the `If-Match` header (quotes and `W/` allowed) or the body's
 * `version`; undefined when neither is sent.
 * @throws AppError VALIDATION_FAILED for a value that is not a version.
 */
export function expectedVersion(
  ifMatch: string | undefined,
  bodyVersion: string | undefined,
): number | undefined {
  const raw = (ifMatch ?? bodyVersion)?.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
  if (raw === undefined || raw === '' || raw === '*') return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms))
    throw validationError([
      { field: ifMatch !== undefined ? 'If-Match' : 'version', message: 'Not a version' },
    ]);
  return ms;
}

/**
 * Locks the row, checks the version and that the barber did not change under a barber caller.
 * @returns the locked status and version.
 */
async function lockFresh(tx: Tx, id: string, expected: number | undefined) {
  const locked = (await lockAppointment(tx, id))!;
  if (expected !== undefined && locked.updatedAt.getTime() !== expected)
    throw new AppError(
      'STALE_UPDATE',
      'Someone else changed this appointment meanwhile. Reload it and try again.',
      { version: locked.updatedAt.toISOString() },
    );
  return locked;
}

/** A new version strictly after the old one (two changes in one millisecond stay distinguishable). */
function nextVersion(old: Date): Date {
  return new Date(Math.max(Date.now(), old.getTime() + 1));
}

/** Writes the audit entry of a staff change to an appointment (in its transaction). */
async function audit(
  tx: Tx,
  ctx: AppContext,
  access: StaffAccess,
  action: string,
  appointmentId: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
): Promise<void> {
  await writeAudit(tx, [
    {
      organizationId: access.location.organizationId,
      actorUserId: access.principal.userId,
      action: `appointment.${action}`,
      entity: 'appointment',
      entityId: appointmentId,
      before,
      after,
      at: ctx.now(),
    },
  ]);
}

/** The staff transitions and the status each leads to. */
export const STAFF_TRANSITIONS = {
  confirm: 'confirmed',
  'check-in': 'checked_in',
  complete: 'completed',
  'no-show': 'no_show',
  cancel: 'cancelled',
} as const satisfies Record<string, AppointmentStatus>;

/** One of the staff transitions (`confirm`, `check-in`, `complete`, `no-show`, `cancel`). */
export type StaffTransition = keyof typeof STAFF_TRANSITIONS;

async function reload(ctx: AppContext, access: StaffAccess, id: string): Promise<StaffAppointmentView> {
  const record = (await findStaffAppointment(
    ctx.database.db,
    clientCipher(ctx.secrets),
    access.location.id,
    id,
  ))!;
  return toStaffView(record, access, access.location.timezone);
}

/**
 * Moves an appointment along its lifecycle (packages/core/src/booking/lifecycle.ts).
 * @param opts.reason required for `cancel`, recorded in the history. A cancellation is mailed to
 *   a client who has an email.
 * @throws AppError NOT_FOUND, FORBIDDEN, INVALID_STATE (not allowed from the current status),
 *   STALE_UPDATE.
 */
export async function transitionAppointment(
  ctx: AppContext,
  access: StaffAccess,
  id: string,
  action: StaffTransition,
  opts: { expected?: number | undefined; reason?: string | undefined } = {},
): Promise<StaffAppointmentView> {
  const record = await actionable(ctx, access, id);
  const to = STAFF_TRANSITIONS[action];
  let mailed = false;
  await inTransaction(ctx, async (tx) => {
    const locked = await lockFresh(tx, id, opts.expected);
    if (!canTransition(locked.status, to))
      throw new AppError(
        'INVALID_STATE',
        `An appointment that is ${locked.status.replace('_', ' ')} cannot become ${to.replace('_', ' ')}.`,
      );
    await setStatus(tx, id, to);
    // A booking cancelled while waiting for its payment never sends the confirmation it held.
    if (to === 'cancelled' && locked.status === 'pending') await dropHeldConfirmation(tx, id);
    await setVersion(tx, id, nextVersion(locked.updatedAt));
    await addHistory(tx, {
      appointmentId: id,
      actor: `staff:${access.principal.userId}`,
      action: to === 'cancelled' ? 'cancelled' : 'status_changed',
      fromStatus: locked.status,
      toStatus: to,
      details: opts.reason ? { reason: opts.reason } : {},
    });
    await audit(
      tx,
      ctx,
      access,
      to,
      id,
      { status: locked.status },
      {
        status: to,
        ...(opts.reason ? { reason: opts.reason } : {}),
      },
    );
    if (to === 'cancelled' && record.clientEmail) {
      // The client learns that the shop cancelled. The manage link is of no use any more (and its
      // token is not known here): the message and its calendar file point to "book again".
      const view = toView(
        { ...record, status: 'cancelled' },
        access.location,
        '',
        ctx.config.publicUrl,
        ctx.now(),
      );
      const changes = (await listHistory(tx, id)).length - 1;
      await enqueueEmail(
        tx,
        renderEmail('cancellation', { ...view, manageUrl: view.bookAgainUrl }, record.clientEmail, changes),
        ctx.now(),
      );
      mailed = true;
    }
    await appointmentChanged(tx, ctx, {
      type: to === 'cancelled' ? 'appointment.cancelled' : 'appointment.updated',
      locationId: access.location.id,
      appointmentId: id,
    });
  });
  if (mailed) ctx.outboxWritten();
  // Issue 4: a no-show is charged its fee, a cancellation by the shop refunds in full.
  await settleStaffTransition(ctx, id, to, `staff:${access.principal.userId}`);
  return reload(ctx, access, id);
}

/**
 * Replaces the notes. @throws AppError NOT_FOUND, FORBIDDEN, STALE_UPDATE.
 */
export async function updateNotes(
  ctx: AppContext,
  access: StaffAccess,
  id: string,
  notes: string | null,
  expected?: number,
): Promise<StaffAppointmentView> {
  const before = await actionable(ctx, access, id);
  await inTransaction(ctx, async (tx) => {
    const locked = await lockFresh(tx, id, expected);
    await setNotes(tx, id, notes);
    await setVersion(tx, id, nextVersion(locked.updatedAt));
    await addHistory(tx, {
      appointmentId: id,
      actor: `staff:${access.principal.userId}`,
      action: 'status_changed',
      fromStatus: locked.status,
      toStatus: locked.status,
      details: { notes: { before: before.notes, after: notes } },
    });
    await audit(tx, ctx, access, 'notes_changed', id, { notes: before.notes }, { notes });
    await appointmentChanged(tx, ctx, {
      type: 'appointment.updated',
      locationId: access.location.id,
      appointmentId: id,
    });
  });
  return reload(ctx, access, id);
}

/**
 * Moves an appointment (optionally to another barber; a barber caller only to themself). Without
 * `override` the new time must be a slot online booking would offer; with it, hours, lead time and
 * horizon are skipped but never the no-double-booking constraint. Recorded in the history.
 * @throws AppError NOT_FOUND, FORBIDDEN, VALIDATION_FAILED, INVALID_STATE, STALE_UPDATE,
 *   OUTSIDE_BOOKING_WINDOW, SLOT_UNAVAILABLE.
 */
export async function rescheduleAsStaff(
  ctx: AppContext,
  access: StaffAccess,
  id: string,
  input: { start: string; barberId?: string | undefined; override?: boolean | undefined },
  expected?: number,
): Promise<StaffAppointmentView> {
  const record = await actionable(ctx, access, id);
  if (!canReschedule(record.status))
    throw new AppError(
      'INVALID_STATE',
      `This appointment is ${record.status.replace('_', ' ')} and cannot be moved.`,
    );
  const own = ownBarberOnly(access);
  const barberId = input.barberId ?? record.barberId;
  if (own !== null && barberId !== own)
    throw new AppError('FORBIDDEN', 'Barbers can move appointments only within their own calendar.');
  const catalog = await loadCatalogById(ctx.database.db, access.location.id);
  const startMs = parseStart(input.start, 'start');
  const services = resolveServices(
    catalog,
    record.lines.map((l) => l.serviceId),
    'services',
    false,
  );
  const barbers = resolveBarbers(catalog, barberId, 'barberId');
  const plan = planFor(barbers[0]!, services);
  if (!plan)
    throw validationError([
      { field: 'barberId', message: `${barbers[0]!.name} does not offer every service of this appointment.` },
    ]);
  if (!input.override) {
    checkBookingWindow(catalog, startMs, ctx.now());
    await requireSlot(ctx, catalog, services, barbers, startMs, id);
  }
  const times = timesOf(startMs, plan);
  try {
    await inTransaction(ctx, async (tx) => {
      const locked = await lockFresh(tx, id, expected);
      if (!canReschedule(locked.status))
        throw new AppError(
          'INVALID_STATE',
          `This appointment is ${locked.status.replace('_', ' ')} and cannot be moved.`,
        );
      if (await hasOverlap(tx, barberId, times.occupiedFrom, times.occupiedUntil, id)) throw new SlotTaken();
      try {
        await tx.transaction(async (sp) => {
          await setTimes(sp, id, { barberId, ...times });
          if (barberId !== locked.barberId) await setLines(sp, id, plan.lines, plan.totalMinor);
        });
      } catch (err) {
        if (sqlState(err) === '23P01') throw new SlotTaken();
        throw err;
      }
      await setVersion(tx, id, nextVersion(locked.updatedAt));
      await addHistory(tx, {
        appointmentId: id,
        actor: `staff:${access.principal.userId}`,
        action: 'rescheduled',
        details: {
          fromStart: record.startsAt.toISOString(),
          toStart: new Date(startMs).toISOString(),
          fromBarberId: locked.barberId,
          toBarberId: barberId,
          override: input.override === true,
        },
      });
      await audit(
        tx,
        ctx,
        access,
        'rescheduled',
        id,
        { start: record.startsAt.toISOString(), barberId: locked.barberId },
        { start: new Date(startMs).toISOString(), barberId, override: input.override === true },
      );
      await appointmentChanged(tx, ctx, {
        type: 'appointment.updated',
        locationId: access.location.id,
        appointmentId: id,
      });
    });
  } catch (err) {
    // Alternatives are looked up after the transaction: PGlite runs one transaction at a time.
    if (err instanceof SlotTaken) throw await slotUnavailable(ctx, catalog, services, barbers, startMs, id);
    throw err;
  }
  return reload(ctx, access, id);
}

/** Shortest and longest appointment a resize may make, in minutes. */
export const RESIZE_LIMITS = { min: 5, max: 12 * 60 } as const;

/**
 * Changes when an appointment ends (the calendar's drag-to-resize): the start, barber, services
 * and price stay; the buffer after it moves with the end. Opening and barber hours are not
 * checked (a staff decision, like `override`), but the barber's other appointments are: an
 * overlap is refused (checked in the transaction; the exclusion constraint is the backstop).
 * Allowed while the appointment is pending, confirmed or checked in. Recorded in the history as
 * `rescheduled` (with `fromEnd`/`toEnd`) and in the audit log as `appointment.rescheduled`.
 * @param endIso ISO 8601 with an offset; after the start by {@link RESIZE_LIMITS}.
 * @throws AppError NOT_FOUND, FORBIDDEN (a barber, a colleague's), VALIDATION_FAILED (`end`),
 *   INVALID_STATE, STALE_UPDATE, SLOT_UNAVAILABLE.
 */
export async function resizeAsStaff(
  ctx: AppContext,
  access: StaffAccess,
  id: string,
  endIso: string,
  expected?: number,
): Promise<StaffAppointmentView> {
  await actionable(ctx, access, id);
  const endMs = parseStart(endIso, 'end');
  const resizable = (st: AppointmentStatus) => canReschedule(st) || st === 'checked_in';
  try {
    await inTransaction(ctx, async (tx) => {
      const locked = await lockFresh(tx, id, expected);
      if (!resizable(locked.status))
        throw new AppError(
          'INVALID_STATE',
          `This appointment is ${locked.status.replace('_', ' ')}; its length cannot change.`,
        );
      const t = (await appointmentTimes(tx, id))!;
      const minutes = (endMs - t.startsAt.getTime()) / 60_000;
      if (minutes < RESIZE_LIMITS.min || minutes > RESIZE_LIMITS.max)
        throw validationError([
          {
            field: 'end',
            message: `Must be ${RESIZE_LIMITS.min} minutes to ${RESIZE_LIMITS.max / 60} hours after the start`,
          },
        ]);
      const bufferAfter = t.occupiedUntil.getTime() - t.endsAt.getTime();
      const occupiedUntil = new Date(endMs + bufferAfter);
      if (await hasOverlap(tx, t.barberId, t.occupiedFrom, occupiedUntil, id)) throw new SlotTaken();
      try {
        await tx.transaction(async (sp) => {
          await setTimes(sp, id, { ...t, endsAt: new Date(endMs), occupiedUntil });
        });
      } catch (err) {
        if (sqlState(err) === '23P01') throw new SlotTaken();
        throw err;
      }
      await setVersion(tx, id, nextVersion(locked.updatedAt));
      await addHistory(tx, {
        appointmentId: id,
        actor: `staff:${access.principal.userId}`,
        action: 'rescheduled',
        details: { fromEnd: t.endsAt.toISOString(), toEnd: new Date(endMs).toISOString() },
      });
      await audit(
        tx,
        ctx,
        access,
        'rescheduled',
        id,
        { end: t.endsAt.toISOString() },
        { end: new Date(endMs).toISOString() },
      );
      await appointmentChanged(tx, ctx, {
        type: 'appointment.updated',
        locationId: access.location.id,
        appointmentId: id,
      });
    });
  } catch (err) {
    if (err instanceof SlotTaken)
      throw new AppError(
        'SLOT_UNAVAILABLE',
        'The barber has another appointment in that time. Choose an earlier end.',
      );
    throw err;
  }
  return reload(ctx, access, id);
}

/** The body of a staff booking (POST /locations/{locationId}/appointments). */
export interface StaffBookingInput {
  services: string[];
  barberId: string;
  start: string;
  source: 'phone' | 'walk_in' | 'staff';
  client:
    { id: string } | { name: string; email?: string | null | undefined; phone?: string | null | undefined };
  notes?: string | null | undefined;
  override?: boolean | undefined;
}

/**
 * Books a phone or walk-in client. Same availability rules as online unless `override` (skips
 * hours, lead time and horizon; never the no-double-booking constraint), which the history records.
 * A client with an email gets the confirmation with their manage link.
 * @param idempotencyKey optional (the `Idempotency-Key` header): a repeat of the same request by
 *   the same staff member at this location answers the appointment it made instead of booking again.
 * @throws AppError FORBIDDEN (a barber booking for a colleague), VALIDATION_FAILED,
 *   OUTSIDE_BOOKING_WINDOW, SLOT_UNAVAILABLE, IDEMPOTENCY_KEY_REUSED (same key, other request).
 */
export async function createAsStaff(
  ctx: AppContext,
  access: StaffAccess,
  input: StaffBookingInput,
  idempotencyKey?: string,
): Promise<StaffAppointmentView> {
  const scope = `staff-create-appointment:${access.location.id}:${access.principal.userId}`;
  const reqHash = requestHash(input);
  // The stored answer is the appointment's id: a replay shows it as it is now, to this caller.
  const replayed = async (): Promise<StaffAppointmentView | undefined> => {
    if (!idempotencyKey) return undefined;
    const stored = await findStoredResponse(ctx.database.db, scope, idempotencyKey);
    if (!stored) return undefined;
    if (stored.requestHash !== reqHash)
      throw new AppError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used for a different request; use a new key for a new booking.',
      );
    return reload(ctx, access, (stored.body as { id: string }).id);
  };
  const earlier = await replayed();
  if (earlier) return earlier;
  const own = ownBarberOnly(access);
  if (own !== null && input.barberId !== own)
    throw new AppError('FORBIDDEN', 'Barbers can book only for themselves.');
  const db = ctx.database.db;
  const catalog: LocationCatalog = await loadCatalogById(db, access.location.id);
  const services = resolveServices(catalog, input.services, 'services', false);
  const barbers = resolveBarbers(catalog, input.barberId, 'barberId');
  if (planFor(barbers[0]!, services) === null)
    throw validationError([
      { field: 'services', message: `${barbers[0]!.name} does not offer every chosen service.` },
    ]);
  const startMs = parseStart(input.start, 'start');
  let existing: Awaited<ReturnType<typeof findClient>>;
  if ('id' in input.client) {
    existing = await findClient(
      db,
      clientCipher(ctx.secrets),
      access.location.organizationId,
      input.client.id,
    );
    if (!existing) throw validationError([{ field: 'client.id', message: 'Unknown client' }]);
    // A merged duplicate books for the client it was merged into.
    if (existing.mergedIntoId)
      existing = await findClient(
        db,
        clientCipher(ctx.secrets),
        access.location.organizationId,
        existing.mergedIntoId,
      );
    if (!existing) throw validationError([{ field: 'client.id', message: 'Unknown client' }]);
  }
  if (!input.override) {
    checkBookingWindow(catalog, startMs, ctx.now());
    await requireSlot(ctx, catalog, services, barbers, startMs);
  }
  const token = newManageToken();
  let id: string;
  try {
    id = await inTransaction(ctx, async (tx) => {
      const clientId =
        existing?.id ??
        (await findOrCreateStaffClient(
          tx,
          clientCipher(ctx.secrets),
          access.location.organizationId,
          input.client as { name: string },
        ));
      const client =
        existing ??
        (await findClient(tx, clientCipher(ctx.secrets), access.location.organizationId, clientId))!;
      const record = await insertIntoFirstFree(tx, catalog, services, [barbers[0]!.id], startMs, {
        clientId,
        clientName: client.name,
        clientEmail: client.email,
        notes: input.notes ?? null,
        tokenHash: hashToken(token),
        source: input.source,
      });
      if (!record) throw new SlotTaken();
      await addHistory(tx, {
        appointmentId: record.id,
        actor: `staff:${access.principal.userId}`,
        action: 'created',
        toStatus: record.status,
        details: { source: input.source, override: input.override === true },
      });
      await audit(tx, ctx, access, 'created', record.id, null, {
        start: new Date(startMs).toISOString(),
        barberId: record.barberId,
        source: input.source,
        override: input.override === true,
      });
      if (client.email) {
        const view = toView(record, catalog.location, token, ctx.config.publicUrl, ctx.now());
        await enqueueEmail(tx, renderEmail('confirmation', view, client.email, 0), ctx.now());
      }
      await appointmentChanged(tx, ctx, {
        type: 'appointment.created',
        locationId: access.location.id,
        appointmentId: record.id,
      });
      if (idempotencyKey)
        await storeResponse(tx, scope, idempotencyKey, {
          requestHash: reqHash,
          status: 201,
          body: { id: record.id },
        });
      return record.id;
    });
  } catch (err) {
    // A double submit with the same key that committed first: answer as it did.
    if (err instanceof SlotTaken || sqlState(err) === '23505') {
      const again = await replayed();
      if (again) return again;
    }
    if (err instanceof SlotTaken) throw await slotUnavailable(ctx, catalog, services, barbers, startMs);
    throw err;
  }
  ctx.outboxWritten();
  return reload(ctx, access, id);
}

/** Clients of the caller's organization matching `q` (name, email or phone). */
export async function findClients(ctx: AppContext, access: StaffAccess, q: string): Promise<ClientRecord[]> {
  return searchClientRows(ctx.database.db, clientCipher(ctx.secrets), access.location.organizationId, q);
}
