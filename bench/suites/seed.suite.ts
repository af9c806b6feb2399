/**
 * 1. Seed: the 20-barber shop and 30 days of bookings at about 60% utilization.
 */
import type { SeedResult } from '../lib/seed.ts';
import { fmtMs, table } from '../lib/stats.ts';
import type { Engine } from '../lib/args.ts';
import type { SuiteResult } from '../lib/report.ts';

export function seedReport(engine: Engine, seed: SeedResult, historyDays = 0): SuiteResult {
  const { rows } = seed;
  const totalRows = rows.clients + rows.appointments + rows.lines + rows.history;
  return {
    suite: 'seed',
    engine,
    details: [
      table(
        ['step', 'ms', 'rows'],
        [
          ['shop import (importShop: 1 location, 9 services, 20 barbers)', fmtMs(seed.importMs), '–'],
          [
            `bookings bulk insert (clients ${rows.clients}, appointments ${rows.appointments}, lines ${rows.lines}, history ${rows.history})`,
            fmtMs(seed.bookingsMs),
            totalRows,
          ],
          ['seed total', fmtMs(seed.totalMs), `${Math.round(totalRows / (seed.bookingsMs / 1000))} rows/s`],
          ['ANALYZE afterwards (not in the total)', fmtMs(seed.analyzeMs), '–'],
        ],
      ),
      `Days booked: the next 30${historyDays ? ` and the past ${historyDays}` : ''}. Active utilization of working time: ${(seed.utilization * 100).toFixed(1)}% (target about 60%).`,
    ],
    checks: [
      {
        name: 'seed: 20 barbers, 30 days, ~60% booked',
        measured: `${fmtMs(seed.totalMs)} ms for ${rows.appointments} appointments (${(seed.utilization * 100).toFixed(0)}% booked)`,
        target: 'report only',
        met: null,
      },
    ],
    data: { ...seed, catalog: undefined, bookings: undefined },
  };
}
