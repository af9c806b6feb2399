/**
 * 4. Sustained booking creation: distinct, non-overlapping bookings spread over the 20 barbers and
 *    the next 29 days (free slots taken from each barber's availability first), sent by
 *    `--concurrency` loops until `--bookings` requests or `--seconds` have passed.
 */
import { addDays, localDateOf } from '@bookedbarber/core';
import { outboxCounts } from '../../apps/server/src/repositories/outbox.repository.ts';
import type { BenchContext } from './context.ts';
import { runLoad, type LoadRequest } from '../lib/load.ts';
import { countBy, fmtCounts, fmtMs, summarize, table } from '../lib/stats.ts';
import type { SuiteResult } from '../lib/report.ts';
import { BENCH_SLUG, prng } from '../lib/shop.ts';
import { fmtCpu, startCpuMeter } from '../lib/cpu.ts';

export const WARMUP_BOOKINGS = 100;
export const THROUGHPUT_TARGET: Record<string, number> = { pglite: 1000, postgres: 2000 };

interface FreeBooking {
  barberId: string;
  serviceId: string;
  start: string;
}

/** Non-overlapping free bookings: per barber, a 30-minute cut where it fits, else a 15-minute trim. */
async function freeBookings(b: BenchContext): Promise<FreeBooking[]> {
  const { catalog } = b.seed;
  const tz = catalog.location.timezone;
  const cut = catalog.services.find((s) => s.key === 'classic-cut')!;
  const trim = catalog.services.find((s) => s.key === 'beard-trim')!;
  const today = localDateOf(Date.now(), tz);
  const from = addDays(today, 1);
  const to = addDays(today, 29);
  const get = async (serviceId: string, barberId: string) => {
    const res = await fetch(
      `${b.server.baseUrl}/api/v1/locations/${BENCH_SLUG}/availability?services=${serviceId}&barber=${barberId}&from=${from}&to=${to}`,
    );
    return ((await res.json()) as { slots: Array<{ start: string; end: string }> }).slots;
  };
  const perBarber: FreeBooking[][] = [];
  for (const barber of catalog.barbers) {
    const cuts = new Set((await get(cut.id, barber.id)).map((s) => Date.parse(s.start)));
    const trims = await get(trim.id, barber.id);
    const list: FreeBooking[] = [];
    let busyUntil = 0;
    for (const s of trims) {
      const start = Date.parse(s.start);
      if (start < busyUntil) continue;
      const isCut = cuts.has(start);
      list.push({ barberId: barber.id, serviceId: isCut ? cut.id : trim.id, start: s.start });
      busyUntil = start + (isCut ? 30 : 15) * 60_000;
    }
    perBarber.push(list);
  }
  // Shuffle (deterministically) so concurrent requests hit different barbers and days.
  const all = perBarber.flat();
  const rand = prng(7);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all;
}

const toRequest = (f: FreeBooking, i: number): LoadRequest => ({
  method: 'POST',
  path: `/api/v1/locations/${BENCH_SLUG}/appointments`,
  body: {
    services: [f.serviceId],
    barberId: f.barberId,
    start: f.start,
    client: {
      name: `Load ${i}`,
      email: `load-${i}@bench.example`,
      phone: `+1 917 555 ${String(i % 10000).padStart(4, '0')}`,
    },
  },
});

export async function throughputSuite(b: BenchContext): Promise<SuiteResult> {
  const { concurrency, bookings: cap, seconds } = b.args;
  const free = await freeBookings(b);
  const warm = free.slice(0, WARMUP_BOOKINGS).map(toRequest);
  const measured = free
    .slice(WARMUP_BOOKINGS, WARMUP_BOOKINGS + cap)
    .map((f, i) => toRequest(f, i + WARMUP_BOOKINGS));
  await runLoad(b.server.baseUrl, {
    kind: 'pool',
    requests: warm,
    concurrency: Math.min(8, concurrency),
    maxMs: 30_000,
  });
  await b.server.runtime.outbox.drain();

  const cpu = startCpuMeter();
  const run = await b.profile('throughput', () =>
    runLoad(b.server.baseUrl, { kind: 'pool', requests: measured, concurrency, maxMs: seconds * 1000 }),
  );
  const use = cpu();
  const backlog = await outboxCounts(b.database.db);
  const created = run.results.filter((r) => r.status === 201);
  const s = summarize(run.results.map((r) => r.ms));
  const rate = created.length / (run.wallMs / 1000);
  const target = THROUGHPUT_TARGET[b.engine]!;
  const statuses = countBy(run.results.map((r) => (r.code ? `${r.status} ${r.code}` : String(r.status))));
  return {
    suite: 'throughput',
    engine: b.engine,
    details: [
      table(
        ['concurrency', 'sent', 'answers', 'wall s', 'bookings/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
        [
          [
            concurrency,
            run.results.length,
            fmtCounts(statuses),
            (run.wallMs / 1000).toFixed(2),
            Math.round(rate),
            fmtMs(s.p50),
            fmtMs(s.p95),
            fmtMs(s.p99),
            fmtMs(s.max),
          ],
        ],
      ),
      `Free non-overlapping slots prepared: ${free.length} (first ${WARMUP_BOOKINGS} used as warm-up at concurrency ${Math.min(8, concurrency)}).`,
      `Outbox right after the run: ${backlog.pending} confirmation emails not yet written, ${backlog.sent} written.`,
      `CPU: ${fmtCpu(use)}.`,
    ],
    checks: [
      {
        name: `sustained bookings (concurrency ${concurrency})`,
        measured: `${Math.round(rate)}/s, p50 ${fmtMs(s.p50)} / p99 ${fmtMs(s.p99)} ms`,
        target: `≥ ${target.toLocaleString('en-US')}/s`,
        met: rate >= target,
      },
    ],
    data: {
      concurrency,
      sent: run.results.length,
      created: created.length,
      wallMs: run.wallMs,
      rate,
      summary: s,
      statuses: Object.fromEntries(statuses),
      outbox: backlog,
      freeSlots: free.length,
      cpu: use,
    },
  };
}
