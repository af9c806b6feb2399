/**
 * Seeds the benchmark shop: the shop file through the real import (importShop), then clients,
 * appointments, their service lines and history rows as multi-row INSERTs through Drizzle, in
 * chunks, in one transaction.
 */
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { localDateOf } from '@bookedbarber/core';
import { getTableColumns, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../../apps/server/src/db/client.ts';
import {
  appointmentHistory,
  appointmentServices,
  appointments,
  clients,
} from '../../apps/server/src/db/schema.ts';
import { loadCatalog } from '../../apps/server/src/services/catalog.service.ts';
import { importShop } from '../../apps/server/src/services/shop-import.service.ts';
import { parseShopFile } from '../../apps/server/src/shops/shop-file.ts';
import type { LocationCatalog } from '../../apps/server/src/services/availability.service.ts';
import { BENCH_SLUG, BENCH_TZ, benchShopFile, generateBookings, type GeneratedBooking } from './shop.ts';

export const CLIENTS = 1500;

/** What the seed did and how long it took. */
export interface SeedResult {
  importMs: number;
  bookingsMs: number;
  totalMs: number;
  analyzeMs: number;
  rows: { clients: number; appointments: number; lines: number; history: number };
  utilization: number;
  catalog: LocationCatalog;
  bookings: GeneratedBooking[];
}

/**
 * Bulk insert through Drizzle: `INSERT INTO t (cols) SELECT cols FROM json_populate_recordset(null::t, $1)`,
 * one bind parameter per chunk of rows. (A multi-row `.values([...])` with thousands of rows spends
 * most of its time building the statement in Drizzle: ~150–350 ms per 10k parameters here.)
 * Keys of `rows` are the schema's TypeScript names; Dates go as ISO strings.
 */
async function bulkInsert(tx: Tx, table: PgTable, rows: Array<Record<string, unknown>>): Promise<void> {
  if (rows.length === 0) return;
  const columns = getTableColumns(table);
  const keys = Object.keys(rows[0]!);
  const names = keys.map((k) => columns[k]!.name);
  const list = sql.join(
    names.map((n) => sql.identifier(n)),
    sql`, `,
  );
  for (let i = 0; i < rows.length; i += 5000) {
    const json = JSON.stringify(
      rows.slice(i, i + 5000).map((r) => Object.fromEntries(keys.map((k, j) => [names[j]!, r[k]]))),
    );
    await tx.execute(
      sql`insert into ${table} (${list}) select ${list} from json_populate_recordset(null::${table}, ${json}::json)`,
    );
  }
}

/**
 * Seeds an empty, migrated database. `now` decides which bookings are past.
 * @param opts.historyDays also book this many days before today (default 0: the next 30 days only).
 */
export async function seedBenchShop(
  db: Db,
  now: Date,
  opts: { historyDays?: number } = {},
): Promise<SeedResult> {
  const t0 = performance.now();
  const today = localDateOf(now.getTime(), BENCH_TZ);
  await importShop(db, parseShopFile(benchShopFile(today)));
  const catalog = await loadCatalog(db, BENCH_SLUG);
  const t1 = performance.now();

  const { bookings, utilization } = generateBookings(catalog, today, now.getTime(), {
    clients: CLIENTS,
    historyDays: opts.historyDays ?? 0,
  });
  const orgId = catalog.location.organizationId;
  const clientRows = Array.from({ length: CLIENTS }, (_, i) => {
    const email = `client${i}@bench.example`;
    const phone = `+1212555${String(i).padStart(4, '0')}`;
    return {
      id: crypto.randomUUID(),
      organizationId: orgId,
      name: `Client ${i}`,
      // Plaintext (encrypted = false): the server seals these rows when it starts (runtime.ts).
      email,
      phone,
    };
  });
  const apptRows = bookings.map((b) => ({
    id: crypto.randomUUID(),
    locationId: catalog.location.id,
    barberId: b.barberId,
    clientId: clientRows[b.clientIndex]!.id,
    status: b.status,
    source: b.source,
    startsAt: new Date(b.start),
    endsAt: new Date(b.end),
    occupiedFrom: new Date(b.occupiedFrom),
    occupiedUntil: new Date(b.occupiedUntil),
    totalMinor: b.totalMinor,
    currency: catalog.location.currency,
    notes: null,
    manageTokenHash: crypto.randomBytes(32).toString('hex'),
  }));
  const lineRows = bookings.flatMap((b, i) =>
    b.lines.map((l, position) => ({ appointmentId: apptRows[i]!.id, position, ...l })),
  );
  const historyRows = bookings.flatMap((b, i) => {
    const created = {
      appointmentId: apptRows[i]!.id,
      actor: b.source === 'online' ? 'client' : 'staff:bench',
      action: 'created' as const,
      fromStatus: null as string | null,
      toStatus: 'confirmed' as string | null,
      details: { source: b.source },
    };
    return b.status === 'cancelled'
      ? [
          created,
          {
            ...created,
            actor: 'client',
            action: 'cancelled' as const,
            fromStatus: 'confirmed',
            toStatus: 'cancelled',
          },
        ]
      : [created];
  });
  await db.transaction(async (tx) => {
    await bulkInsert(tx, clients, clientRows);
    await bulkInsert(tx, appointments, apptRows);
    await bulkInsert(tx, appointmentServices, lineRows);
    await bulkInsert(tx, appointmentHistory, historyRows);
  });
  const t2 = performance.now();
  // Fresh planner statistics, as autovacuum would gather soon on PostgreSQL (PGlite has no autovacuum).
  await db.execute(sql`analyze`);
  const t3 = performance.now();
  return {
    importMs: t1 - t0,
    bookingsMs: t2 - t1,
    totalMs: t2 - t0,
    analyzeMs: t3 - t2,
    rows: {
      clients: clientRows.length,
      appointments: apptRows.length,
      lines: lineRows.length,
      history: historyRows.length,
    },
    utilization,
    catalog,
    bookings,
  };
}
