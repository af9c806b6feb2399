/**
 * What makes a barber busy: time off and active appointments, as UTC ranges.
 */
import { and, gt, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Interval } from '@bookedbarber/core';
import type { DbOrTx } from '../db/client.ts';
import { ACTIVE_STATUSES, appointments, timeOff } from '../db/schema.ts';

/** Busy ranges keyed by barber id. */
export type BusyByBarber = Map<string, { timeOff: Interval[]; busy: Interval[] }>;

/**
 * Time off and occupied appointment ranges (buffers included) of these barbers overlapping [from, to).
 * @param excludeAppointmentId an appointment to leave out (a reschedule ignores its own time).
 */
export async function loadBusy(
  db: DbOrTx,
  barberIds: string[],
  from: Date,
  to: Date,
  excludeAppointmentId?: string,
): Promise<BusyByBarber> {
  const out: BusyByBarber = new Map(barberIds.map((id) => [id, { timeOff: [], busy: [] }]));
  if (barberIds.length === 0) return out;
  const [offRows, apptRows] = await Promise.all([
    db
      .select({ barberId: timeOff.barberId, start: timeOff.startsAt, end: timeOff.endsAt })
      .from(timeOff)
      .where(and(inArray(timeOff.barberId, barberIds), lt(timeOff.startsAt, to), gt(timeOff.endsAt, from))),
    db
      .select({
        barberId: appointments.barberId,
        start: appointments.occupiedFrom,
        end: appointments.occupiedUntil,
      })
      .from(appointments)
      .where(
        and(
          inArray(appointments.barberId, barberIds),
          inArray(appointments.status, [...ACTIVE_STATUSES]),
          lt(appointments.occupiedFrom, to),
          gt(appointments.occupiedUntil, from),
          excludeAppointmentId ? ne(appointments.id, excludeAppointmentId) : sql`true`,
        ),
      ),
  ]);
  for (const r of offRows)
    out.get(r.barberId)?.timeOff.push({ start: r.start.getTime(), end: r.end.getTime() });
  for (const r of apptRows)
    out.get(r.barberId)?.busy.push({ start: r.start.getTime(), end: r.end.getTime() });
  return out;
}

/**
 * Whether the barber has an active appointment overlapping [from, until), other than `excludeId`.
 * Used inside the booking transaction before the insert; the exclusion constraint is the backstop.
 */
export async function hasOverlap(
  db: DbOrTx,
  barberId: string,
  from: Date,
  until: Date,
  excludeId?: string,
): Promise<boolean> {
  const rows = await db
    .select({ id: appointments.id })
    .from(appointments)
    .where(
      and(
        inArray(appointments.barberId, [barberId]),
        inArray(appointments.status, [...ACTIVE_STATUSES]),
        lt(appointments.occupiedFrom, until),
        gt(appointments.occupiedUntil, from),
        excludeId ? ne(appointments.id, excludeId) : sql`true`,
      ),
    )
    .limit(1);
  return rows.length > 0;
}
