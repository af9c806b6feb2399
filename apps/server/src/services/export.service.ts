/**
 * CSV export (issue 3, "Export: an owner downloads all their clients and appointments as CSV").
 * Rows are read in batches (keyset pages of {@link BATCH}) and streamed through csv-stringify
 * (RFC 4180 quoting: commas, quotes and newlines inside a cell are quoted). Text cells that a
 * spreadsheet would run as a formula (starting with = + - @, tab or carriage return) get a
 * leading apostrophe (OWASP "CSV injection"). Times are ISO 8601 with the location's offset, next
 * to a `timezone` column (IANA); money is integer minor units next to a `currency` column.
 */
import { Readable } from 'node:stream';
import { toOffsetIso } from '@bookedbarber/core';
import { stringify } from 'csv-stringify';
import { and, asc, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { appointmentServices, appointments, barbers, clients, locations } from '../db/schema.ts';
import { writeAudit } from '../repositories/audit.repository.ts';
import { openClientEmail, openClientPhone, openClientRow } from '../repositories/client.repository.ts';
import { clientCipher } from '../security/client-fields.ts';
import { clientSegment } from '@bookedbarber/core';
import type { AppContext } from './context.ts';

const BATCH = 500;

/** Which export. */
export type ExportKind = 'clients' | 'appointments';

/** The columns of each export, in order. */
export const EXPORT_COLUMNS: Record<ExportKind, readonly string[]> = {
  clients: [
    'id',
    'name',
    'email',
    'phone',
    'notes',
    'tags',
    'segment',
    'visits',
    'spend_minor',
    'currency',
    'last_visit',
    'last_visit_timezone',
    'no_shows',
    'cancellations',
    'created_at',
    'merged_into_id',
  ],
  appointments: [
    'id',
    'location_slug',
    'location_name',
    'timezone',
    'start',
    'end',
    'status',
    'source',
    'barber',
    'client_id',
    'client_name',
    'client_email',
    'client_phone',
    'services',
    'total_minor',
    'currency',
    'notes',
    'created_at',
  ],
};

/**
 * Defuses spreadsheet formulas: a text cell starting with = + - @, a tab or a carriage return
 * gets a leading apostrophe. Other values are unchanged.
 */
export function defuseCell(value: unknown): unknown {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Writes the `export.downloaded` audit entry (its own transaction, before streaming). */
export async function auditExport(
  ctx: AppContext,
  orgId: string,
  userId: string,
  kind: ExportKind,
): Promise<void> {
  await ctx.database.db.transaction((tx) =>
    writeAudit(tx, [
      {
        organizationId: orgId,
        actorUserId: userId,
        action: 'export.downloaded',
        entity: 'export',
        entityId: kind,
        after: { kind, format: 'csv' },
        at: ctx.now(),
      },
    ]),
  );
}

async function* clientRows(ctx: AppContext, orgId: string): AsyncGenerator<unknown[]> {
  const db = ctx.database.db;
  const cipher = clientCipher(ctx.secrets);
  const zones = new Map(
    (
      await db
        .select({ id: locations.id, tz: locations.timezone })
        .from(locations)
        .where(eq(locations.organizationId, orgId))
    ).map((l) => [l.id, l.tz]),
  );
  const firstZone = [...zones.values()][0] ?? 'UTC';
  const now = ctx.now().getTime();
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await db
      .select()
      .from(clients)
      .where(and(eq(clients.organizationId, orgId), gt(clients.id, after)))
      .orderBy(asc(clients.id))
      .limit(BATCH);
    if (rows.length === 0) return;
    const stats = await statsWithPlace(
      db,
      rows.map((r) => r.id),
    );
    for (const r of rows) {
      const c = openClientRow(cipher, r);
      const s = stats.get(r.id) ?? {
        visits: 0,
        spendMinor: 0,
        lastVisitAt: null,
        noShows: 0,
        cancellations: 0,
        currency: null,
        lastLocationId: null,
      };
      const zone = (s.lastLocationId && zones.get(s.lastLocationId)) || firstZone;
      yield [
        c.id,
        c.name,
        c.email,
        c.phone,
        c.notes,
        c.tags.join(';'),
        clientSegment(s, now),
        s.visits,
        s.spendMinor,
        s.currency,
        s.lastVisitAt === null ? null : toOffsetIso(s.lastVisitAt, zone),
        s.lastVisitAt === null ? null : zone,
        s.noShows,
        s.cancellations,
        toOffsetIso(c.createdAt.getTime(), firstZone),
        c.mergedIntoId,
      ];
    }
    after = rows[rows.length - 1]!.id;
  }
}

/** Stats per client plus the location of the last visit (for its zone). */
async function statsWithPlace(db: DbOrTx, ids: string[]) {
  const completed = sql`${appointments.status} = 'completed'`;
  const rows = await db
    .select({
      clientId: appointments.clientId,
      visits: sql<number>`(count(*) filter (where ${completed}))::int`,
      spend: sql<string>`coalesce(sum(${appointments.totalMinor}) filter (where ${completed}), 0)::text`,
      lastVisitMs: sql<
        number | null
      >`(extract(epoch from max(${appointments.startsAt}) filter (where ${completed})) * 1000)::float8`,
      lastLocationId: sql<
        string | null
      >`((array_agg(${appointments.locationId}::text order by ${appointments.startsAt} desc) filter (where ${completed}))[1])`,
      noShows: sql<number>`(count(*) filter (where ${appointments.status} = 'no_show'))::int`,
      cancellations: sql<number>`(count(*) filter (where ${appointments.status} = 'cancelled'))::int`,
      currency: sql<string | null>`max(${appointments.currency})`,
    })
    .from(appointments)
    .where(inArray(appointments.clientId, ids))
    .groupBy(appointments.clientId);
  return new Map(
    rows.map((r) => [
      r.clientId,
      {
        visits: r.visits,
        spendMinor: Number(r.spend),
        lastVisitAt: r.lastVisitMs === null ? null : Math.round(Number(r.lastVisitMs)),
        lastLocationId: r.lastLocationId,
        noShows: r.noShows,
        cancellations: r.cancellations,
        currency: r.currency,
      },
    ]),
  );
}

async function* appointmentRows(ctx: AppContext, orgId: string): AsyncGenerator<unknown[]> {
  const db = ctx.database.db;
  const cipher = clientCipher(ctx.secrets);
  let cursor: { at: Date; id: string } | null = null;
  for (;;) {
    const after: SQL | undefined = cursor
      ? or(
          gt(appointments.startsAt, cursor.at),
          and(eq(appointments.startsAt, cursor.at), gt(appointments.id, cursor.id)),
        )
      : undefined;
    const rows = await db
      .select({
        a: appointments,
        slug: locations.slug,
        locationName: locations.name,
        tz: locations.timezone,
        barberName: barbers.name,
        clientName: clients.name,
        clientEmail: clients.email,
        clientPhone: clients.phone,
        clientEncrypted: clients.encrypted,
      })
      .from(appointments)
      .innerJoin(locations, eq(locations.id, appointments.locationId))
      .innerJoin(barbers, eq(barbers.id, appointments.barberId))
      .innerJoin(clients, eq(clients.id, appointments.clientId))
      .where(and(eq(locations.organizationId, orgId), after))
      .orderBy(asc(appointments.startsAt), asc(appointments.id))
      .limit(BATCH);
    if (rows.length === 0) return;
    const lines = await db
      .select({ appointmentId: appointmentServices.appointmentId, name: appointmentServices.name })
      .from(appointmentServices)
      .where(
        inArray(
          appointmentServices.appointmentId,
          rows.map((r) => r.a.id),
        ),
      )
      .orderBy(asc(appointmentServices.position));
    for (const r of rows) {
      const a = r.a;
      const joined = { clientId: a.clientId, encrypted: r.clientEncrypted };
      yield [
        a.id,
        r.slug,
        r.locationName,
        r.tz,
        toOffsetIso(a.startsAt.getTime(), r.tz),
        toOffsetIso(a.endsAt.getTime(), r.tz),
        a.status,
        a.source,
        r.barberName,
        a.clientId,
        r.clientName,
        openClientEmail(cipher, { ...joined, email: r.clientEmail }),
        openClientPhone(cipher, { ...joined, phone: r.clientPhone }),
        lines
          .filter((l) => l.appointmentId === a.id)
          .map((l) => l.name)
          .join(' + '),
        a.totalMinor,
        a.currency,
        a.notes,
        toOffsetIso(a.createdAt.getTime(), r.tz),
      ];
    }
    const last: { startsAt: Date; id: string } = rows[rows.length - 1]!.a;
    cursor = { at: last.startsAt, id: last.id };
  }
}

/**
 * The CSV stream of an export (UTF-8, header row, CRLF line ends, every text cell defused).
 * @param orgId the owner's organization (checked by the route).
 */
export function exportCsv(ctx: AppContext, orgId: string, kind: ExportKind): Readable {
  const source = Readable.from(kind === 'clients' ? clientRows(ctx, orgId) : appointmentRows(ctx, orgId));
  const csv = stringify({
    header: true,
    columns: [...EXPORT_COLUMNS[kind]],
    record_delimiter: 'windows',
    cast: { string: (v) => String(defuseCell(v)) },
  });
  source.on('error', (err) => csv.destroy(err));
  return source.pipe(csv);
}
