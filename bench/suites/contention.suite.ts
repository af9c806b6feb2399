/**
 * 3. A burst of 200 simultaneous bookings of one already-taken slot (same barber, same start) on a
 *    listening server; expected: every answer 409 SLOT_UNAVAILABLE. For context, the same burst on
 *    a free slot (expected: one 201, 199 × 409, and exactly one appointment in the database).
 */
import { addDays, localDateOf, toOffsetIso } from '@bookedbarber/core';
import { and, eq, gt, inArray, lt } from 'drizzle-orm';
import { ACTIVE_STATUSES, appointments } from '../../apps/server/src/db/schema.ts';
import type { BenchContext } from './context.ts';
import { httpClient, runLoad, type LoadReport, type LoadRequest } from '../lib/load.ts';
import { countBy, fmtCounts, fmtMs, summarize, table } from '../lib/stats.ts';
import type { SuiteResult } from '../lib/report.ts';
import { BENCH_SLUG } from '../lib/shop.ts';
import { fmtCpu, startCpuMeter, type CpuUse } from '../lib/cpu.ts';

export const BURST = 200;
export const CONTENTION_TARGET_P99_MS = 100;
const DAY_MS = 86_400_000;

function burstRequests(serviceId: string, barberId: string, start: string, tag: string): LoadRequest[] {
  return Array.from({ length: BURST }, (_, i) => ({
    method: 'POST' as const,
    path: `/api/v1/locations/${BENCH_SLUG}/appointments`,
    body: {
      services: [serviceId],
      barberId,
      start,
      client: {
        name: `Burst ${tag} ${i}`,
        email: `burst-${tag}-${i}@bench.example`,
        phone: `+1 646 555 ${String(i).padStart(4, '0')}`,
      },
    },
  }));
}

function row(label: string, r: LoadReport) {
  const s = summarize(r.results.map((x) => x.ms));
  const statuses = countBy(r.results.map((x) => (x.code ? `${x.status} ${x.code}` : String(x.status))));
  return {
    s,
    statuses,
    cells: [label, fmtCounts(statuses), fmtMs(s.p50), fmtMs(s.p99), fmtMs(s.max), fmtMs(r.wallMs)],
  };
}

export async function contentionSuite(b: BenchContext): Promise<SuiteResult> {
  const { catalog, bookings } = b.seed;
  const tz = catalog.location.timezone;
  const cut = catalog.services.find((s) => s.key === 'classic-cut')!;
  const now = Date.now();

  // An already-taken slot: a confirmed appointment three or more days ahead.
  const taken = bookings.find((x) => x.status === 'confirmed' && x.start > now + 3 * DAY_MS)!;
  const takenReqs = burstRequests(cut.id, taken.barberId, toOffsetIso(taken.start, tz), 'taken');
  const cpu = startCpuMeter();
  const takenRun = await b.profile('contention', () =>
    runLoad(b.server.baseUrl, { kind: 'burst', requests: takenReqs, prewarm: BURST }),
  );
  const cpuTaken = cpu();

  // A free slot of another barber, four days ahead.
  const other = catalog.barbers.find((x) => x.id !== taken.barberId)!;
  const day = addDays(localDateOf(now, tz), 4);
  const avail = (await (
    await fetch(
      `${b.server.baseUrl}/api/v1/locations/${BENCH_SLUG}/availability?services=${cut.id}&barber=${other.id}&from=${day}&to=${day}`,
    )
  ).json()) as { slots: Array<{ start: string }> };
  const free = avail.slots[0];
  let freeRun: LoadReport | undefined;
  let cpuFree: CpuUse | undefined;
  let holders = -1;
  if (free) {
    const c2 = startCpuMeter();
    freeRun = await runLoad(b.server.baseUrl, {
      kind: 'burst',
      requests: burstRequests(cut.id, other.id, free.start, 'free'),
      prewarm: BURST,
    });
    cpuFree = c2();
    const startMs = Date.parse(free.start);
    const rows = await b.database.db
      .select({ id: appointments.id })
      .from(appointments)
      .where(
        and(
          eq(appointments.barberId, other.id),
          inArray(appointments.status, [...ACTIVE_STATUSES]),
          lt(appointments.occupiedFrom, new Date(startMs + 30 * 60_000)),
          gt(appointments.occupiedUntil, new Date(startMs)),
        ),
      );
    holders = rows.length;
  }

  // The HTTP floor: the same burst shape on GET /health (no database, no booking logic), with
  // each load-generator client (fetch costs the client noticeably more CPU than node:http).
  const floorJob = {
    kind: 'burst' as const,
    requests: Array.from({ length: BURST }, () => ({ method: 'GET' as const, path: '/health' })),
    prewarm: BURST,
  };
  const floorRun = await runLoad(b.server.baseUrl, floorJob, undefined, 'fetch');
  const floorHttpRun = await runLoad(b.server.baseUrl, floorJob, undefined, 'http');

  const t = row('taken slot (seeded appointment)', takenRun);
  const h = row('context: GET /health, fetch client (HTTP floor)', floorRun);
  const h2 = row('context: GET /health, node:http client', floorHttpRun);
  const f = freeRun ? row('free slot (context)', freeRun) : undefined;
  const all409 = takenRun.results.every((r) => r.status === 409 && r.code === 'SLOT_UNAVAILABLE');
  return {
    suite: 'contention',
    engine: b.engine,
    details: [
      table(
        [
          'burst of 200 at once, same barber and start',
          'answers',
          'p50 ms',
          'p99 ms',
          'max ms',
          'burst wall ms',
        ],
        [t.cells, ...(f ? [f.cells] : []), h.cells, h2.cells],
      ),
      `Load generator client for the booking bursts: ${httpClient()}.`,
      `CPU during the taken-slot burst: ${fmtCpu(cpuTaken)}.`,
      ...(f && cpuFree
        ? [
            `Free-slot burst: ${holders} active appointment(s) hold that time afterwards (must be 1); CPU ${fmtCpu(cpuFree)}.`,
          ]
        : ['Free-slot burst skipped: no free slot found.']),
    ],
    checks: [
      {
        name: 'burst of 200 on a taken slot: all 409',
        measured: fmtCounts(t.statuses),
        target: '200 × 409',
        met: all409,
      },
      {
        name: 'burst of 200 on a taken slot: p99',
        measured: `p50 ${fmtMs(t.s.p50)} / p99 ${fmtMs(t.s.p99)} ms`,
        target: `p99 < ${CONTENTION_TARGET_P99_MS} ms`,
        met: t.s.p99 < CONTENTION_TARGET_P99_MS,
      },
      ...(f
        ? [
            {
              name: 'burst of 200 on a free slot: one winner',
              measured: `${fmtCounts(f.statuses)}; ${holders} in the database`,
              target: '1 × 201, 199 × 409, 1 row',
              met:
                holders === 1 &&
                f.statuses.get('201') === 1 &&
                f.statuses.get('409 SLOT_UNAVAILABLE') === BURST - 1,
            },
          ]
        : []),
    ],
    data: {
      taken: {
        summary: t.s,
        statuses: Object.fromEntries(t.statuses),
        wallMs: takenRun.wallMs,
        cpu: cpuTaken,
      },
      healthFloor: { fetch: h.s, http: h2.s },
      free: f
        ? {
            summary: f.s,
            statuses: Object.fromEntries(f.statuses),
            wallMs: freeRun!.wallMs,
            holders,
            cpu: cpuFree,
          }
        : null,
    },
  };
}
