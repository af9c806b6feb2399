/**
 * Where a request's time goes, step by step, in this process without HTTP: the steps of
 * createAppointment (booking.service.ts) and of the availability route, replayed with the same
 * repository and service functions on the seeded benchmark shop, each timed on its own.
 *
 *   npx tsx bench/breakdown.ts [--engine pglite|postgres] [--pg-url URL]
 *
 * It mirrors the server's code as it is; after changing a step there, change it here too.
 */
import { performance } from 'node:perf_hooks';
import { addDays, localDateOf } from '@bookedbarber/core';
import {
  findAppointmentById,
  addHistory,
  insertAppointment,
} from '../apps/server/src/repositories/appointment.repository.ts';
import { upsertClient } from '../apps/server/src/repositories/client.repository.ts';
import { clientCipher } from '../apps/server/src/security/client-fields.ts';
import { enqueueEmail } from '../apps/server/src/repositories/outbox.repository.ts';
import { hasOverlap, loadBusy } from '../apps/server/src/repositories/schedule.repository.ts';
import { findSlots, planFor } from '../apps/server/src/services/availability.service.ts';
import { hashToken, newManageToken, slotsToApi } from '../apps/server/src/services/booking.service.ts';
import { loadCatalog } from '../apps/server/src/services/catalog.service.ts';
import { toView } from '../apps/server/src/services/appointment-view.ts';
import { renderEmail } from '../apps/server/src/services/messages.ts';
import { availabilitySchema } from '../apps/server/src/http/schemas.ts';
import { computeSlots, type Slot } from '@bookedbarber/core';
import { sql } from 'drizzle-orm';
import { Temporal } from 'temporal-polyfill';
import type { Db } from '../apps/server/src/db/client.ts';
import { parseArgs } from './lib/args.ts';
import { seedBenchShop } from './lib/seed.ts';
import { openBenchDatabase, startBenchServer } from './lib/server.ts';
import { BENCH_SLUG } from './lib/shop.ts';
import { table } from './lib/stats.ts';
import { createTarget } from './lib/targets.ts';

/** Prototype: busy ranges of many barbers as one row per barber (epoch ms pairs in JSON). */
async function busyAsJson(db: Db, barberIds: string[], from: Date, to: Date) {
  const ids = sql.join(
    barberIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const res = await db.execute(sql`select barber_id, json_agg(json_build_array(
      (extract(epoch from occupied_from) * 1000)::bigint, (extract(epoch from occupied_until) * 1000)::bigint)) as busy
    from appointments where barber_id in (${ids}) and status in ('pending', 'confirmed', 'checked_in', 'completed')
      and tstzrange(occupied_from, occupied_until, '[)') && tstzrange(${from.toISOString()}::timestamptz, ${to.toISOString()}::timestamptz, '[)')
    group by barber_id`);
  return (res as unknown as { rows: Array<{ barber_id: string; busy: unknown }> }).rows;
}

/**
 * Prototype: "2026-12-01T09:30:00-05:00" for instants in [fromMs, toMs) from the zone's offset
 * transitions (a few Temporal calls per span) and plain arithmetic per instant.
 */
function offsetFormatter(tz: string, fromMs: number, toMs: number): (ms: number) => string {
  const segments: Array<{ start: number; offsetMs: number; suffix: string }> = [];
  let zdt = Temporal.Instant.fromEpochMilliseconds(fromMs).toZonedDateTimeISO(tz);
  for (;;) {
    const offsetMs = zdt.offsetNanoseconds / 1e6;
    segments.push({
      start: segments.length ? zdt.epochMilliseconds : -Infinity,
      offsetMs,
      suffix: zdt.offset,
    });
    const next = zdt.getTimeZoneTransition('next');
    if (!next || next.epochMilliseconds >= toMs) break;
    zdt = next;
  }
  return (ms) => {
    let seg = segments[0]!;
    for (const x of segments) if (ms >= x.start) seg = x;
    return new Date(ms + seg.offsetMs).toISOString().slice(0, 19) + seg.suffix;
  };
}

const timings = new Map<string, number[]>();
async function step<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  const list = timings.get(name) ?? [];
  list.push(performance.now() - t0);
  timings.set(name, list);
  return out;
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const engine = args.engines[0]!;
  const target = await createTarget(engine, args.pgUrl);
  const database = await openBenchDatabase(target);
  try {
    const seed = await seedBenchShop(database.db, new Date(), { historyDays: args.historyDays });
    const server = await startBenchServer(target, database);
    const db = database.db;
    const cipher = clientCipher(server.runtime.ctx.secrets);
    const { catalog } = seed;
    const tz = catalog.location.timezone;
    const cut = catalog.services.find((s) => s.key === 'classic-cut')!;
    const today = localDateOf(Date.now(), tz);

    // --- availability, any barber, 30 days ---
    const anyUrl = `/api/v1/locations/${BENCH_SLUG}/availability?services=${cut.id}&barber=any&from=${today}&to=${addDays(today, 29)}`;
    let busyRows = 0;
    let slotCount = 0;
    for (let i = 0; i < 60; i++) {
      const warm = i < 10;
      const s = async <T>(n: string, fn: () => Promise<T> | T) =>
        warm ? fn() : step(`availability: ${n}`, fn);
      const c = await s('loadCatalog (4 queries)', () => loadCatalog(db, BENCH_SLUG));
      const from = new Date(Date.parse(`${today}T00:00:00Z`) - 2 * 86_400_000);
      const to = new Date(Date.parse(`${addDays(today, 29)}T00:00:00Z`) + 3 * 86_400_000);
      const busy = await s('loadBusy (2 queries, 20 barbers, 35 days)', () =>
        loadBusy(
          db,
          c.barbers.map((b) => b.id),
          from,
          to,
        ),
      );
      busyRows = [...busy.values()].reduce((a, v) => a + v.busy.length + v.timeOff.length, 0);
      const slots: Slot[] = await s('computeSlots (core)', () =>
        computeSlots({
          timeZone: tz,
          policy: c.location.policy,
          openingHours: c.location.openingHours,
          locationOverrides: c.location.dateOverrides,
          barbers: c.barbers.map((b) => ({
            id: b.id,
            weeklyHours: b.weeklyHours,
            dateOverrides: b.dateOverrides,
            timeOff: busy.get(b.id)?.timeOff ?? [],
            busy: busy.get(b.id)?.busy ?? [],
            services: {
              [cut.id]: {
                durationMinutes: cut.durationMinutes,
                bufferBeforeMinutes: 0,
                bufferAfterMinutes: 0,
              },
            },
          })),
          serviceIds: [cut.id],
          from: today,
          to: addDays(today, 29),
          now: Date.now(),
        }),
      );
      slotCount = slots.length;
      const api = await s('slotsToApi for every slot (offsets from zone transitions)', () =>
        slotsToApi(slots, tz),
      );
      const json = await s('response: zod encode + JSON.stringify', () =>
        JSON.stringify(availabilitySchema.encode({ timezone: tz, slots: api })),
      );
      if (i === 10) {
        const fmt = offsetFormatter(tz, slots[0]!.start, slots[slots.length - 1]!.end + 1);
        const same = slots.every((x, j) => fmt(x.start) === api[j]!.start && fmt(x.end) === api[j]!.end);
        if (!same) throw new Error('prototype offset formatter disagrees with toOffsetIso');
        void json;
      }
      await s('whole request through app.inject', () => server.app.inject({ url: anyUrl }));
      // Prototypes of the suggested changes (docs/benchmarks.md), measured the same way:
      await s('prototype: busy as one json_agg row per barber (1 query)', () =>
        busyAsJson(
          db,
          c.barbers.map((b) => b.id),
          from,
          to,
        ),
      );
      await s('prototype: slotToApi with offsets from zone transitions', () => {
        const fmt = offsetFormatter(tz, slots[0]?.start ?? 0, (slots[slots.length - 1]?.end ?? 0) + 1);
        return slots.map((x) => ({ start: fmt(x.start), end: fmt(x.end), barberIds: x.barberIds }));
      });
    }

    // --- booking: createAppointment's steps on free slots of every barber ---
    const frees: Array<{ barberId: string; start: number }> = [];
    for (const b of catalog.barbers) {
      const slots = await findSlots(
        db,
        catalog,
        [cut],
        [b],
        addDays(today, 2),
        addDays(today, 29),
        new Date(),
      );
      let until = 0;
      for (const x of slots) {
        if (x.start < until) continue;
        frees.push({ barberId: b.id, start: x.start });
        until = x.start + 30 * 60_000;
      }
    }
    const N = 200;
    for (let i = 0; i < N + 30; i++) {
      const warm = i < 30;
      const s = async <T>(n: string, fn: () => Promise<T> | T) => (warm ? fn() : step(`booking: ${n}`, fn));
      const f = frees[(i * 7919) % frees.length]!;
      frees.splice((i * 7919) % frees.length, 1);
      const c = await s('loadCatalog (4 queries)', () => loadCatalog(db, BENCH_SLUG));
      const barber = c.barbers.find((b) => b.id === f.barberId)!;
      const day = localDateOf(f.start, tz);
      await s('requireSlot: findSlots 1 barber, 1 day (2 queries)', () =>
        findSlots(db, c, [cut], [barber], day, day, new Date()),
      );
      const plan = planFor(barber, [cut])!;
      const token = newManageToken();
      const client = {
        name: `Breakdown ${i}`,
        email: `breakdown-${i}@bench.example`,
        phone: `+1 332 555 ${String(i).padStart(4, '0')}`,
      };
      await s('transaction (everything below, + BEGIN/COMMIT)', () =>
        db.transaction(async (tx) => {
          const clientId = await s('  upsertClient (3 queries)', () =>
            upsertClient(tx, cipher, c.location.organizationId, client),
          );
          await s('  hasOverlap (1 query)', () =>
            hasOverlap(tx, f.barberId, new Date(f.start), new Date(f.start + 30 * 60_000)),
          );
          const id = await s('  savepoint + insertAppointment (2 queries) + release', () =>
            tx.transaction((sp) =>
              insertAppointment(sp, {
                locationId: c.location.id,
                barberId: f.barberId,
                clientId,
                source: 'online',
                status: 'confirmed',
                startsAt: new Date(f.start),
                endsAt: new Date(f.start + plan.durationMinutes * 60_000),
                occupiedFrom: new Date(f.start),
                occupiedUntil: new Date(f.start + plan.durationMinutes * 60_000),
                totalMinor: plan.totalMinor,
                currency: c.location.currency,
                notes: null,
                manageTokenHash: hashToken(token),
                lines: plan.lines,
              }),
            ),
          );
          await s('  addHistory (1 query)', () =>
            addHistory(tx, {
              appointmentId: id,
              actor: 'client',
              action: 'created',
              toStatus: 'confirmed',
              details: { source: 'online' },
            }),
          );
          const rec = (await s('  findAppointmentById (2 queries)', () =>
            findAppointmentById(tx, cipher, id),
          ))!;
          const view = toView(rec, c.location, token, 'http://127.0.0.1:3000', new Date());
          const mail = await s('  renderEmail (text, HTML, .ics)', () =>
            renderEmail('confirmation', view, client.email, 0),
          );
          await s('  enqueueEmail (1 query)', () => enqueueEmail(tx, mail));
        }),
      );
    }
    const t0 = performance.now();
    const sent = await server.runtime.outbox.drain();
    const perMessage = (performance.now() - t0) / Math.max(1, sent);

    const rows = [...timings.entries()].map(([k, v]) => [k, mean(v).toFixed(2), v.length]);
    rows.push([
      `outbox: deliver one message (drain of ${sent}: select, claim, nodemailer + .eml file, mark sent)`,
      perMessage.toFixed(2),
      sent,
    ]);
    console.log(
      `\n# Breakdown on ${engine}: mean ms per step (availability answer: ${slotCount} slots from ${busyRows} busy rows)\n`,
    );
    console.log(table(['step', 'mean ms', 'n'], rows));
    await server.close();
  } finally {
    await database.close();
    await target.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
