/**
 * Blocked time (issue 3, "Block time"): staff block a stretch of a barber's calendar (lunch, a
 * training, a private errand). Stored as a `time_off` row with `kind = 'blocked'` and
 * `status = 'approved'`, so online availability leaves it out at once (availability.service.ts).
 *
 * Rules: owners, managers and front desk block anyone's time at their location; a barber only
 * their own. A block may not overlap an active appointment of that barber (including its
 * buffers): 409 SLOT_UNAVAILABLE — move or cancel the appointment first. Deleting works on blocked
 * time only (barbers' leave is managed as time off, not here). Every change is written to the
 * audit log (`blocked_time.created`, `blocked_time.deleted`) and announced on the live stream
 * (`time_off.created`, `time_off.deleted`).
 */
import { AppError, toOffsetIso, validationError } from '@bookedbarber/core';
import {
  deleteTimeOff,
  findTimeOffAtLocation,
  insertBlockedTime,
  type BlockedTimeRecord,
} from '../repositories/blocked-time.repository.ts';
import { writeAudit } from '../repositories/audit.repository.ts';
import { hasOverlap } from '../repositories/schedule.repository.ts';
import { isUuid, type StaffAccess } from './access.service.ts';
import { appointmentChanged } from './appointment-events.ts';
import { resolveBarbers } from './availability.service.ts';
import { inTransaction, parseStart } from './booking.service.ts';
import { loadCatalogById } from './catalog.service.ts';
import type { AppContext } from './context.ts';

/** Longest block, in minutes (a longer absence is time off, requested and approved). */
export const MAX_BLOCK_MINUTES = 24 * 60;

/** A block as the API answers it: instants ISO 8601 with the location's offset. */
export interface BlockedTimeView {
  id: string;
  barberId: string;
  start: string;
  end: string;
  reason: string | null;
  kind: 'blocked';
  status: 'approved';
}

function toBlockedView(r: BlockedTimeRecord, tz: string): BlockedTimeView {
  return {
    id: r.id,
    barberId: r.barberId,
    start: toOffsetIso(r.startsAt.getTime(), tz),
    end: toOffsetIso(r.endsAt.getTime(), tz),
    reason: r.reason,
    kind: 'blocked',
    status: 'approved',
  };
}

/** The barber a barber caller acts as (null for the other roles, who act for anyone). */
function ownBarber(access: StaffAccess): string | null {
  return access.role.role === 'barber' ? (access.role.barberId ?? '') : null;
}

/**
 * Blocks [start, end) of a barber's calendar.
 * @param input.start, input.end ISO 8601 instants with an offset; end after start, at most
 *   {@link MAX_BLOCK_MINUTES} apart.
 * @throws AppError VALIDATION_FAILED (times, unknown barber), FORBIDDEN (a barber for a colleague),
 *   SLOT_UNAVAILABLE (an active appointment of the barber overlaps).
 */
export async function createBlockedTime(
  ctx: AppContext,
  access: StaffAccess,
  input: { barberId: string; start: string; end: string; reason?: string | null | undefined },
): Promise<BlockedTimeView> {
  const own = ownBarber(access);
  if (own !== null && input.barberId !== own)
    throw new AppError('FORBIDDEN', 'Barbers can block only their own time.');
  const catalog = await loadCatalogById(ctx.database.db, access.location.id);
  const [barber] = resolveBarbers(catalog, input.barberId, 'barberId');
  const startMs = parseStart(input.start, 'start');
  const endMs = parseStart(input.end, 'end');
  if (endMs <= startMs) throw validationError([{ field: 'end', message: 'Must be after the start' }]);
  if (endMs - startMs > MAX_BLOCK_MINUTES * 60_000)
    throw validationError([
      { field: 'end', message: 'A block lasts at most 24 hours; request time off instead' },
    ]);
  const reason = input.reason?.trim() || null;
  const record = await inTransaction(ctx, async (tx) => {
    if (await hasOverlap(tx, barber!.id, new Date(startMs), new Date(endMs)))
      throw new AppError(
        'SLOT_UNAVAILABLE',
        `${barber!.name} has an appointment in this time. Move or cancel it first.`,
      );
    const row = await insertBlockedTime(tx, {
      barberId: barber!.id,
      startsAt: new Date(startMs),
      endsAt: new Date(endMs),
      reason,
      userId: access.principal.userId,
      now: ctx.now(),
    });
    await writeAudit(tx, [
      {
        organizationId: access.location.organizationId,
        actorUserId: access.principal.userId,
        action: 'blocked_time.created',
        entity: 'time_off',
        entityId: row.id,
        before: null,
        after: {
          barberId: row.barberId,
          start: row.startsAt.toISOString(),
          end: row.endsAt.toISOString(),
          reason,
        },
        at: ctx.now(),
      },
    ]);
    await appointmentChanged(tx, ctx, {
      type: 'time_off.created',
      locationId: access.location.id,
      timeOffId: row.id,
    });
    return row;
  });
  return toBlockedView(record, access.location.timezone);
}

/**
 * Removes a block.
 * @throws AppError NOT_FOUND (no blocked time with this id at this location — time off of kind
 *   `time_off` is not deleted here), FORBIDDEN (a barber, a colleague's block).
 */
export async function deleteBlockedTime(ctx: AppContext, access: StaffAccess, id: string): Promise<void> {
  const row = isUuid(id) ? await findTimeOffAtLocation(ctx.database.db, access.location.id, id) : undefined;
  if (!row || row.kind !== 'blocked') throw new AppError('NOT_FOUND', 'No blocked time with this id here.');
  const own = ownBarber(access);
  if (own !== null && row.barberId !== own)
    throw new AppError('FORBIDDEN', 'Barbers can remove only their own blocked time.');
  await inTransaction(ctx, async (tx) => {
    await deleteTimeOff(tx, id);
    await writeAudit(tx, [
      {
        organizationId: access.location.organizationId,
        actorUserId: access.principal.userId,
        action: 'blocked_time.deleted',
        entity: 'time_off',
        entityId: id,
        before: {
          barberId: row.barberId,
          start: row.startsAt.toISOString(),
          end: row.endsAt.toISOString(),
          reason: row.reason,
        },
        after: null,
        at: ctx.now(),
      },
    ]);
    await appointmentChanged(tx, ctx, {
      type: 'time_off.deleted',
      locationId: access.location.id,
      timeOffId: id,
    });
  });
}
