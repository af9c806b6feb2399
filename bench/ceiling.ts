/**
 * The database's ceiling for booking writes on this machine: a booking reduced to ONE SQL
 * statement (client upsert, overlap guard, appointment, service line, history row, outbox row)
 * sent straight through Drizzle, no HTTP, no availability check, no email rendering. Whatever the
 * server does on top can only be slower; docs/benchmarks.md compares it with the targets.
 *
 *   npx tsx bench/ceiling.ts [--engine pglite|postgres|both] [--pg-url URL]
 */
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { addDays, localDateOf } from '@bookedbarber/core';
import { sql } from 'drizzle-orm';
import type { Db } from '../apps/server/src/db/client.ts';
import { findSlots } from '../apps/server/src/services/availability.service.ts';
import { parseArgs } from './lib/args.ts';
import { seedBenchShop } from './lib/seed.ts';
import { openBenchDatabase } from './lib/server.ts';
import { table } from './lib/stats.ts';
import { createTarget } from './lib/targets.ts';

const MIN = 60_000;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const rows: Array<Array<string | number>> = [];
  for (const engine of args.engines) {
    const target = await createTarget(engine, args.pgUrl);
    const database = await openBenchDatabase(target);
    try {
      const db: Db = database.db;
      const { catalog } = await seedBenchShop(db, new Date());
      const trim = catalog.services.find((s) => s.key === 'beard-trim')!;
      const today = localDateOf(Date.now(), catalog.location.timezone);
      // Every free 15-minute start of every barber: non-overlapping 15-minute bookings.
      const free: Array<{ barberId: string; start: number }> = [];
      for (const b of catalog.barbers) {
        const slots = await findSlots(
          db,
          catalog,
          [trim],
          [b],
          addDays(today, 1),
          addDays(today, 29),
          new Date(),
        );
        let until = 0;
        for (const s of slots) {
          if (s.start < until) continue;
          free.push({ barberId: b.id, start: s.start });
          until = s.start + 15 * MIN;
        }
      }
      let next = 0;
      const book = async (): Promise<boolean> => {
        const f = free[next++];
        if (!f) return false;
        const s = new Date(f.start).toISOString();
        const e = new Date(f.start + 15 * MIN).toISOString();
        const email = `ceiling-${next}@bench.example`;
        await db.execute(sql`with c as (
            insert into clients (organization_id, name, email, email_hash, phone, phone_hash, encrypted)
            values (${catalog.location.organizationId}, 'Ceiling', ${email}, ${crypto.createHash('sha256').update(email).digest('hex')},
                    '+1 555 0100', '+15550100', false)
            on conflict (organization_id, email_hash) where merged_into_id is null
            do update set name = excluded.name returning id),
          a as (insert into appointments (location_id, barber_id, client_id, status, source, starts_at, ends_at,
                  occupied_from, occupied_until, total_minor, currency, manage_token_hash)
            select ${catalog.location.id}, ${f.barberId}, c.id, 'confirmed', 'online', ${s}, ${e}, ${s}, ${e}, 2000, 'USD',
                   ${crypto.randomBytes(32).toString('hex')} from c
            where not exists (select 1 from appointments x where x.barber_id = ${f.barberId}
                   and x.status in ('pending', 'confirmed', 'checked_in', 'completed')
                   and tstzrange(x.occupied_from, x.occupied_until, '[)') && tstzrange(${s}::timestamptz, ${e}::timestamptz, '[)'))
            returning id),
          l as (insert into appointment_services (appointment_id, position, service_id, name, duration_minutes, price_minor)
            select a.id, 0, ${trim.id}, 'Beard trim', 15, 2000 from a),
          h as (insert into appointment_history (appointment_id, actor, action, to_status)
            select a.id, 'client', 'created', 'confirmed' from a),
          o as (insert into outbox (kind, payload) select 'email', json_build_object('appointmentId', a.id) from a)
          select id from a`);
        return true;
      };
      for (let i = 0; i < 100; i++) await book();
      for (const concurrency of [1, 8, 24]) {
        const n = Math.min(1000, Math.floor((free.length - next) / 1));
        let sent = 0;
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (sent < n && performance.now() - t0 < 10_000) {
              sent++;
              if (!(await book())) break;
            }
          }),
        );
        const ms = performance.now() - t0;
        rows.push([
          engine,
          concurrency,
          sent,
          Math.round(sent / (ms / 1000)),
          ((ms / sent) * concurrency).toFixed(2),
        ]);
      }
    } finally {
      await database.close();
      await target.cleanup();
    }
  }
  console.log('\n# Ceiling: one-statement bookings straight to the database (no HTTP, no app logic)\n');
  console.log(table(['engine', 'concurrency', 'bookings', 'bookings/s', 'ms per booking (latency)'], rows));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
