/**
 * 2. Availability for "any barber" over 30 days through the real HTTP app: 200 sequential
 *    requests after 20 warm-up requests (plus, for context, one barber over 30 days).
 */
import { addDays, localDateOf } from '@bookedbarber/core';
import type { BenchContext } from './context.ts';
import { runLoad, type LoadRequest } from '../lib/load.ts';
import { countBy, fmtCounts, fmtMs, summarize, table } from '../lib/stats.ts';
import type { SuiteResult } from '../lib/report.ts';
import { BENCH_SLUG } from '../lib/shop.ts';
import { startCpuMeter, fmtCpu } from '../lib/cpu.ts';

export const AVAILABILITY_REQUESTS = 200;
export const AVAILABILITY_TARGET_P95_MS = 50;

export async function availabilitySuite(b: BenchContext): Promise<SuiteResult> {
  const { catalog } = b.seed;
  const tz = catalog.location.timezone;
  const cut = catalog.services.find((s) => s.key === 'classic-cut')!;
  const today = localDateOf(Date.now(), tz);
  const q = (barber: string) =>
    `/api/v1/locations/${BENCH_SLUG}/availability?services=${cut.id}&barber=${barber}&from=${today}&to=${addDays(today, 29)}`;
  const anyReq: LoadRequest = { method: 'GET', path: q('any') };
  const oneReq: LoadRequest = { method: 'GET', path: q(catalog.barbers[0]!.id) };

  const probe = await fetch(b.server.baseUrl + anyReq.path);
  const body = (await probe.json()) as { slots: Array<{ barberIds: string[] }> };
  const slots = body.slots.length;
  const avgBarbers = body.slots.reduce((a, s) => a + s.barberIds.length, 0) / Math.max(1, slots);

  const cpu = startCpuMeter();
  const any = await b.profile('availability', () =>
    runLoad(b.server.baseUrl, {
      kind: 'sequential',
      warmup: Array(20).fill(anyReq),
      requests: Array(AVAILABILITY_REQUESTS).fill(anyReq),
    }),
  );
  const cpuAny = cpu();
  const one = await runLoad(b.server.baseUrl, {
    kind: 'sequential',
    warmup: Array(10).fill(oneReq),
    requests: Array(100).fill(oneReq),
  });
  const sAny = summarize(any.results.map((r) => r.ms));
  const sOne = summarize(one.results.map((r) => r.ms));
  const okAny = any.results.every((r) => r.status === 200);
  const bytes = any.results[0]?.bytes ?? 0;
  const met = okAny && sAny.p95 < AVAILABILITY_TARGET_P95_MS;
  return {
    suite: 'availability',
    engine: b.engine,
    details: [
      table(
        [
          'query (classic cut, 30 days)',
          'requests',
          'statuses',
          'p50 ms',
          'p95 ms',
          'p99 ms',
          'max ms',
          'req/s',
        ],
        [
          [
            'barber=any (20 barbers)',
            sAny.n,
            fmtCounts(countBy(any.results.map((r) => r.status))),
            fmtMs(sAny.p50),
            fmtMs(sAny.p95),
            fmtMs(sAny.p99),
            fmtMs(sAny.max),
            Math.round(sAny.n / (any.wallMs / 1000)),
          ],
          [
            'one barber',
            sOne.n,
            fmtCounts(countBy(one.results.map((r) => r.status))),
            fmtMs(sOne.p50),
            fmtMs(sOne.p95),
            fmtMs(sOne.p99),
            fmtMs(sOne.max),
            Math.round(sOne.n / (one.wallMs / 1000)),
          ],
        ],
      ),
      `barber=any answer: ${slots} slots, ${avgBarbers.toFixed(1)} barber ids per slot on average, ${(bytes / 1024).toFixed(0)} KiB of JSON.`,
      `CPU during barber=any: ${fmtCpu(cpuAny)}.`,
    ],
    checks: [
      {
        name: 'availability, any barber, 30 days: p95',
        measured: `p50 ${fmtMs(sAny.p50)} / p95 ${fmtMs(sAny.p95)} / p99 ${fmtMs(sAny.p99)} ms`,
        target: `p95 < ${AVAILABILITY_TARGET_P95_MS} ms`,
        met,
      },
    ],
    data: { any: sAny, one: sOne, slots, bytes, avgBarbers, cpu: cpuAny },
  };
}
