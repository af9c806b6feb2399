/**
 * Blocked time: rows of `time_off` with `kind = 'blocked'` and `status = 'approved'` (staff block
 * a stretch of a barber's calendar; availability already leaves approved rows out).
 */
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { barbers, timeOff } from '../db/schema.ts';

/** A stored block. Instants are UTC. */
export interface BlockedTimeRecord {
  id: string;
  barberId: string;
  startsAt: Date;
  endsAt: Date;
  reason: string | null;
  kind: 'time_off' | 'blocked';
  status: 'requested' | 'approved' | 'declined';
  createdAt: Date;
}

const columns = {
  id: timeOff.id,
  barberId: timeOff.barberId,
  startsAt: timeOff.startsAt,
  endsAt: timeOff.endsAt,
  reason: timeOff.reason,
  kind: timeOff.kind,
  status: timeOff.status,
  createdAt: timeOff.createdAt,
};

/** Inserts an approved block for a barber; returns the stored row. */
export async function insertBlockedTime(
  db: DbOrTx,
  input: { barberId: string; startsAt: Date; endsAt: Date; reason: string | null; userId: string; now: Date },
): Promise<BlockedTimeRecord> {
  const [row] = await db
    .insert(timeOff)
    .values({
      barberId: input.barberId,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      reason: input.reason,
      kind: 'blocked',
      status: 'approved',
      requestedByUserId: input.userId,
      decidedByUserId: input.userId,
      decidedAt: input.now,
      createdAt: input.now,
    })
    .returning(columns);
  return row!;
}

/** A `time_off` row of any kind belonging to a barber of the location, or undefined. */
export async function findTimeOffAtLocation(
  db: DbOrTx,
  locationId: string,
  id: string,
): Promise<BlockedTimeRecord | undefined> {
  const [row] = await db
    .select(columns)
    .from(timeOff)
    .innerJoin(barbers, eq(barbers.id, timeOff.barberId))
    .where(and(eq(timeOff.id, id), eq(barbers.locationId, locationId)));
  return row;
}

/** Deletes one `time_off` row. */
export async function deleteTimeOff(db: DbOrTx, id: string): Promise<void> {
  await db.delete(timeOff).where(eq(timeOff.id, id));
}
