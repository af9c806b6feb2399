/**
 * Time off (issue 3: "time off (barbers request, managers approve)"). Only rows of kind
 * `time_off` are made and listed here; blocked time (kind `blocked`) belongs to the calendar.
 *
 * - A barber requests time off for themself: status `requested` (availability ignores it).
 * - Owners and managers add time off for any barber of the location: status `approved` at once.
 * - Owners and managers approve or decline a request; only a `requested` entry can be decided.
 * - Approving (or adding) time off over active appointments is allowed: the appointments are kept
 *   and returned as `conflicts`, so the manager can move or cancel them (the client is not
 *   told automatically).
 * - Each change is audited (`time_off.requested`, `time_off.created`, `time_off.approved`,
 *   `time_off.declined`); a decision is mailed to the barber when they have an account.
 *
 * Times: entries are UTC instants; input may be a local date (whole days, end inclusive), a local
 * date-time "YYYY-MM-DDTHH:MM" in the location zone, or an instant with an offset.
 */
import { and, asc, eq, gt, inArray, lt, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { Temporal } from 'temporal-polyfill';
import {
  AppError,
  parseInstant,
  startOfLocalDay,
  addDays,
  toOffsetIso,
  validationError,
} from '@bookedbarber/core';
import type { DbOrTx } from '../db/client.ts';
import { ACTIVE_STATUSES, appointments, barbers, staffRoles, timeOff, users } from '../db/schema.ts';
import { writeAudit } from '../repositories/audit.repository.ts';
import { enqueueEmail } from '../repositories/outbox.repository.ts';
import { isUuid, type StaffAccess } from './access.service.ts';
import { escapeHtml, formatWhen } from './messages.ts';
import type { AppContext } from './context.ts';
import { barberHere } from './service-admin.service.ts';

/** Longest time off accepted in one entry, days. */
export const MAX_TIME_OFF_DAYS = 366;

/** A time-off entry as the API shows it (instants with the location offset). */
export interface TimeOffView {
  id: string;
  barberId: string;
  barberName: string;
  start: string;
  end: string;
  reason: string | null;
  status: 'requested' | 'approved' | 'declined';
  requestedBy: { userId: string; name: string } | null;
  decidedBy: { userId: string; name: string } | null;
  decidedAt: string | null;
  createdAt: string;
}

/** An active appointment inside a time off. */
export interface Conflict {
  id: string;
  start: string;
  end: string;
  status: string;
}

/**
 * Turns a start or end as given into an instant (epoch ms).
 * @param edge "end": a bare date means the end of that local day (the next local midnight).
 * @returns null when it names no real time.
 */
export function timeOffInstant(value: string, timeZone: string, edge: 'start' | 'end'): number | null {
  try {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value))
      return startOfLocalDay(edge === 'end' ? addDays(value, 1) : value, timeZone);
    if (/(Z|[+-]\d{2}:\d{2})$/.test(value)) return parseInstant(value);
    const pdt = Temporal.PlainDateTime.from(value);
    return pdt.toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
  } catch {
    return null;
  }
}

const requester = alias(users, 'requester');
const decider = alias(users, 'decider');

async function loadTimeOff(db: DbOrTx, timeZone: string, where: SQL): Promise<TimeOffView[]> {
  const rows = await db
    .select({
      t: timeOff,
      barberName: barbers.name,
      requesterName: requester.name,
      deciderName: decider.name,
    })
    .from(timeOff)
    .innerJoin(barbers, eq(barbers.id, timeOff.barberId))
    .leftJoin(requester, eq(requester.id, timeOff.requestedByUserId))
    .leftJoin(decider, eq(decider.id, timeOff.decidedByUserId))
    .where(and(eq(timeOff.kind, 'time_off'), where))
    .orderBy(asc(timeOff.startsAt));
  return rows.map(({ t, barberName, requesterName, deciderName }) => ({
    id: t.id,
    barberId: t.barberId,
    barberName,
    start: toOffsetIso(t.startsAt.getTime(), timeZone),
    end: toOffsetIso(t.endsAt.getTime(), timeZone),
    reason: t.reason,
    status: t.status,
    requestedBy: t.requestedByUserId ? { userId: t.requestedByUserId, name: requesterName ?? '' } : null,
    decidedBy: t.decidedByUserId ? { userId: t.decidedByUserId, name: deciderName ?? '' } : null,
    decidedAt: t.decidedAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
  }));
}

/** Filters of GET …/time-off. */
export interface TimeOffQuery {
  status?: 'requested' | 'approved' | 'declined' | undefined;
  barberId?: string | undefined;
  /** Local dates, inclusive. */
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * Time off of the location's barbers, by start. A barber sees only their own.
 * @throws AppError VALIDATION_FAILED naming `to` (before `from`).
 */
export async function listTimeOff(
  ctx: AppContext,
  access: StaffAccess,
  q: TimeOffQuery,
): Promise<TimeOffView[]> {
  const tz = access.location.timezone;
  if (q.from && q.to && q.to < q.from)
    throw validationError([{ field: 'to', message: 'Must be on or after from' }]);
  const ids = (
    await ctx.database.db
      .select({ id: barbers.id })
      .from(barbers)
      .where(eq(barbers.locationId, access.location.id))
  ).map((b) => b.id);
  let barberIds = ids;
  if (access.role.role === 'barber') barberIds = ids.filter((id) => id === access.role.barberId);
  if (q.barberId !== undefined) barberIds = barberIds.filter((id) => id === q.barberId);
  if (barberIds.length === 0) return [];
  const conds: SQL[] = [inArray(timeOff.barberId, barberIds)];
  if (q.status) conds.push(eq(timeOff.status, q.status));
  if (q.from) conds.push(gt(timeOff.endsAt, new Date(startOfLocalDay(q.from, tz))));
  if (q.to) conds.push(lt(timeOff.startsAt, new Date(startOfLocalDay(addDays(q.to, 1), tz))));
  return loadTimeOff(ctx.database.db, tz, and(...conds)!);
}

/** Active appointments of the barber overlapping [from, to). */
async function conflictsOf(
  db: DbOrTx,
  timeZone: string,
  barberId: string,
  from: Date,
  to: Date,
): Promise<Conflict[]> {
  const rows = await db
    .select({
      id: appointments.id,
      s: appointments.startsAt,
      e: appointments.endsAt,
      status: appointments.status,
    })
    .from(appointments)
    .where(
      and(
        eq(appointments.barberId, barberId),
        inArray(appointments.status, [...ACTIVE_STATUSES]),
        lt(appointments.occupiedFrom, to),
        gt(appointments.occupiedUntil, from),
      ),
    )
    .orderBy(asc(appointments.startsAt));
  return rows.map((r) => ({
    id: r.id,
    start: toOffsetIso(r.s.getTime(), timeZone),
    end: toOffsetIso(r.e.getTime(), timeZone),
    status: r.status,
  }));
}

/** The creation form. */
export interface TimeOffInput {
  barberId?: string | undefined;
  start: string;
  end: string;
  reason?: string | null | undefined;
}

/**
 * A barber requests time off for themself (status `requested`); an owner or manager adds
 * approved time off for any barber here.
 * @returns the entry and, when approved, the active appointments inside it.
 * @throws AppError FORBIDDEN (a barber for a colleague, front desk), NOT_FOUND (barber not here),
 *   VALIDATION_FAILED naming `barberId`, `start` or `end`.
 */
export async function createTimeOff(
  ctx: AppContext,
  access: StaffAccess,
  input: TimeOffInput,
): Promise<{ timeOff: TimeOffView; conflicts: Conflict[] }> {
  const db = ctx.database.db;
  const loc = access.location;
  const tz = loc.timezone;
  const { role, barberId: own } = access.role;
  const manages = role === 'owner' || role === 'manager';
  const barberId = input.barberId ?? (role === 'barber' ? own : null);
  if (!barberId) throw validationError([{ field: 'barberId', message: 'Choose the barber' }]);
  if (!manages && barberId !== own)
    throw new AppError('FORBIDDEN', 'Barbers request time off for themselves only.');
  const start = timeOffInstant(input.start, tz, 'start');
  const end = timeOffInstant(input.end, tz, 'end');
  const errors = [];
  if (start === null) errors.push({ field: 'start', message: 'Not a real date or time' });
  if (end === null) errors.push({ field: 'end', message: 'Not a real date or time' });
  else if (start !== null && end <= start) errors.push({ field: 'end', message: 'Must be after the start' });
  else if (start !== null && end - start > MAX_TIME_OFF_DAYS * 86_400_000)
    errors.push({ field: 'end', message: `At most ${MAX_TIME_OFF_DAYS} days at once` });
  if (errors.length > 0) throw validationError(errors);
  const now = ctx.now();
  const status = manages ? 'approved' : 'requested';
  const result = await db.transaction(async (tx) => {
    if (!isUuid(barberId)) throw new AppError('NOT_FOUND', 'No barber with this id at this location.');
    const barber = await barberHere(tx, loc.id, barberId);
    const [row] = await tx
      .insert(timeOff)
      .values({
        barberId: barber.id,
        startsAt: new Date(start!),
        endsAt: new Date(end!),
        reason: input.reason ?? null,
        kind: 'time_off',
        status,
        requestedByUserId: access.principal.userId,
        decidedByUserId: manages ? access.principal.userId : null,
        decidedAt: manages ? now : null,
        createdAt: now,
      })
      .returning();
    const view = (await loadTimeOff(tx, tz, eq(timeOff.id, row!.id)))[0]!;
    await writeAudit(tx, [
      {
        organizationId: loc.organizationId,
        actorUserId: access.principal.userId,
        action: manages ? 'time_off.created' : 'time_off.requested',
        entity: 'time_off',
        entityId: row!.id,
        after: { barberId: barber.id, start: view.start, end: view.end, reason: view.reason, status },
        at: now,
      },
    ]);
    const conflicts = manages ? await conflictsOf(tx, tz, barber.id, row!.startsAt, row!.endsAt) : [];
    return { timeOff: view, conflicts };
  });
  return result;
}

/** The email telling a barber about a decision on their request. */
function decisionEmail(
  to: string,
  name: string,
  place: string,
  view: TimeOffView,
  timeZone: string,
  reason: string | null,
) {
  const approved = view.status === 'approved';
  const lines = [
    `Hi ${name},`,
    `Your time off at ${place} from ${formatWhen(view.start, timeZone)} to ${formatWhen(view.end, timeZone)} was ${approved ? 'approved' : 'declined'}.`,
    ...(reason ? [`Note: ${reason}`] : []),
  ];
  return {
    to,
    subject: `Time off ${approved ? 'approved' : 'declined'} at ${place}`,
    text: lines.join('\n'),
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5">${lines
      .map((l) => `<p>${escapeHtml(l)}</p>`)
      .join('')}</body></html>`,
  };
}

/**
 * Approves or declines a requested time off.
 * @returns the entry and, when approved, the active appointments inside it (kept, not cancelled).
 * @throws AppError NOT_FOUND (no such time off here), INVALID_STATE (already decided).
 */
export async function decideTimeOff(
  ctx: AppContext,
  access: StaffAccess,
  id: string,
  decision: 'approved' | 'declined',
  note?: string | null,
): Promise<{ timeOff: TimeOffView; conflicts: Conflict[] }> {
  const db = ctx.database.db;
  const loc = access.location;
  const tz = loc.timezone;
  const now = ctx.now();
  let mailed = false;
  const result = await db.transaction(async (tx) => {
    const [row] = isUuid(id)
      ? await tx
          .select({ t: timeOff })
          .from(timeOff)
          .innerJoin(barbers, eq(barbers.id, timeOff.barberId))
          .where(and(eq(timeOff.id, id), eq(barbers.locationId, loc.id), eq(timeOff.kind, 'time_off')))
          .for('update', { of: timeOff })
      : [];
    if (!row) throw new AppError('NOT_FOUND', 'No time off with this id at this location.');
    if (row.t.status !== 'requested')
      throw new AppError('INVALID_STATE', `This time off is already ${row.t.status}.`);
    await tx
      .update(timeOff)
      .set({ status: decision, decidedByUserId: access.principal.userId, decidedAt: now })
      .where(eq(timeOff.id, id));
    const view = (await loadTimeOff(tx, tz, eq(timeOff.id, id)))[0]!;
    await writeAudit(tx, [
      {
        organizationId: loc.organizationId,
        actorUserId: access.principal.userId,
        action: decision === 'approved' ? 'time_off.approved' : 'time_off.declined',
        entity: 'time_off',
        entityId: id,
        before: { status: 'requested' },
        after: { status: decision, ...(note ? { note } : {}) },
        at: now,
      },
    ]);
    const [account] = await tx
      .select({ email: users.email, name: users.name })
      .from(staffRoles)
      .innerJoin(users, eq(users.id, staffRoles.userId))
      .where(and(eq(staffRoles.barberId, row.t.barberId), eq(staffRoles.active, true)))
      .limit(1);
    if (account) {
      await enqueueEmail(
        tx,
        decisionEmail(account.email, account.name, loc.name, view, tz, note ?? null),
        now,
      );
      mailed = true;
    }
    const conflicts =
      decision === 'approved' ? await conflictsOf(tx, tz, row.t.barberId, row.t.startsAt, row.t.endsAt) : [];
    return { timeOff: view, conflicts };
  });
  if (mailed) ctx.outboxWritten();
  return result;
}

/**
 * Removes a time off: a barber withdraws their own request while it is still `requested`; an
 * owner or manager removes any time off of the location (e.g. added by mistake, or plans changed),
 * which gives the time back to availability. Audited as `time_off.removed` with the entry before.
 * @throws AppError NOT_FOUND (no such time off here), FORBIDDEN (a barber on a colleague's entry,
 *   or on their own entry once decided).
 */
export async function removeTimeOff(ctx: AppContext, access: StaffAccess, id: string): Promise<void> {
  const db = ctx.database.db;
  const loc = access.location;
  const { role, barberId: own } = access.role;
  const manages = role === 'owner' || role === 'manager';
  await db.transaction(async (tx) => {
    const [row] = isUuid(id)
      ? await tx
          .select({ t: timeOff })
          .from(timeOff)
          .innerJoin(barbers, eq(barbers.id, timeOff.barberId))
          .where(and(eq(timeOff.id, id), eq(barbers.locationId, loc.id), eq(timeOff.kind, 'time_off')))
          .for('update', { of: timeOff })
      : [];
    if (!row) throw new AppError('NOT_FOUND', 'No time off with this id at this location.');
    if (!manages) {
      if (row.t.barberId !== own)
        throw new AppError('FORBIDDEN', "Barbers cannot remove a colleague's time off.");
      if (row.t.status !== 'requested')
        throw new AppError('FORBIDDEN', 'This time off is already decided: ask a manager to change it.');
    }
    const before = (await loadTimeOff(tx, loc.timezone, eq(timeOff.id, id)))[0]!;
    await tx.delete(timeOff).where(eq(timeOff.id, id));
    await writeAudit(tx, [
      {
        organizationId: loc.organizationId,
        actorUserId: access.principal.userId,
        action: 'time_off.removed',
        entity: 'time_off',
        entityId: id,
        before: {
          barberId: before.barberId,
          start: before.start,
          end: before.end,
          reason: before.reason,
          status: before.status,
        },
        after: null,
        at: ctx.now(),
      },
    ]);
  });
}
