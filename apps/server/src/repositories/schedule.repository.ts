/**
 * What makes a barber busy: time off and active appointments, as UTC ranges.
 */
import { sql } from 'drizzle-orm';
import type { Interval } from '@bookedbarber/core';
import type { DbOrTx } from '../db/client.ts';
import { ACTIVE_STATUSES } from '../db/schema.ts';

/** Busy ranges keyed by barber id. */
export type BusyByBarber = Map<string, { timeOff: Interval[]; busy: Interval[] }>;

/** The active statuses as SQL literals, so the planner can use the exclusion constraint's partial GiST index. */
const ACTIVE_SQL = sql.raw(`(${ACTIVE_STATUSES.map((st) => `'${st}'`).join(', ')})`);

const idList = (ids: string[]) =>
  sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );

/**
 * Time off and occupied appointment ranges (buffers included) of these barbers overlapping [from, to).
 * One row per barber and kind with the ranges aggregated as JSON; the appointment range test uses
 * `tstzrange && tstzrange`, which the exclusion constraint's GiST index answers.
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
  const fromIso = from.toISOString();
  const toIso = to.toISOString();
  const exclude = excludeAppointmentId ? sql`and id <> ${excludeAppointmentId}` : sql``;
  const res = await db.execute(sql`
    select barber_id as "barberId", 'busy' as kind,
      json_agg(json_build_array(extract(epoch from occupied_from) * 1000, extract(epoch from occupied_until) * 1000)) as ranges
    from appointments
    where barber_id in (${idList(barberIds)}) and status in ${ACTIVE_SQL}
      and tstzrange(occupied_from, occupied_until, '[)') && tstzrange(${fromIso}::timestamptz, ${toIso}::timestamptz, '[)')
      ${exclude}
    group by barber_id
    union all
    select barber_id, 'timeOff',
      json_agg(json_build_array(extract(epoch from starts_at) * 1000, extract(epoch from ends_at) * 1000))
    from time_off
    where barber_id in (${idList(barberIds)}) and status = 'approved'
      and starts_at < ${toIso}::timestamptz and ends_at > ${fromIso}::timestamptz
    group by barber_id`);
  const rows = (
    res as unknown as { rows: Array<{ barberId: string; kind: 'busy' | 'timeOff'; ranges: unknown }> }
  ).rows;
  for (const r of rows) {
    const target = out.get(r.barberId);
    if (!target) continue;
    const ranges = (typeof r.ranges === 'string' ? JSON.parse(r.ranges) : r.ranges) as Array<
      [number, number]
    >;
    for (const [start, end] of ranges)
      target[r.kind].push({ start: Math.round(Number(start)), end: Math.round(Number(end)) });
  }
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
  const exclude = excludeId ? sql`and id <> ${excludeId}` : sql``;
  const res = await db.execute(sql`
    select 1 from appointments
    where barber_id = ${barberId} and status in ${ACTIVE_SQL}
      and tstzrange(occupied_from, occupied_until, '[)') && tstzrange(${from.toISOString()}::timestamptz, ${until.toISOString()}::timestamptz, '[)')
      ${exclude}
    limit 1`);
  return (res as unknown as { rows: unknown[] }).rows.length > 0;
}
