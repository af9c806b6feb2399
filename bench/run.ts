/**
 * BookedBarber benchmarks: `npm run bench -- --engine both` (see docs/benchmarks.md).
 * Prints comparable figures per engine and a summary against the targets; never fails on time
 * (the exit code is non-zero only when a benchmark could not run).
 */
import fs from 'node:fs';
import os from 'node:os';
import { localDateOf } from '@bookedbarber/core';
import { parseArgs, type BenchArgs, type Engine, type SuiteName } from './lib/args.ts';
import { setHttpClient } from './lib/load.ts';
import { verdict, type SuiteResult } from './lib/report.ts';
import { seedBenchShop } from './lib/seed.ts';
import { openBenchDatabase, startBenchServer } from './lib/server.ts';
import { BENCH_TZ } from './lib/shop.ts';
import { table } from './lib/stats.ts';
import { startCpuMeter } from './lib/cpu.ts';
import { profiled } from './lib/profiler.ts';
import { createTarget, postgresVersion } from './lib/targets.ts';
import { availabilitySuite } from './suites/availability.suite.ts';
import { coldStartSuite } from './suites/coldstart.suite.ts';
import { contentionSuite } from './suites/contention.suite.ts';
import type { BenchContext } from './suites/context.ts';
import { seedReport } from './suites/seed.suite.ts';
import { throughputSuite } from './suites/throughput.suite.ts';
import { liveSuite } from './suites/live.suite.ts';

function print(r: SuiteResult): void {
  console.log(`\n## ${r.suite} — ${r.engine}\n`);
  for (const d of r.details) console.log(`${d}\n`);
}

/** Seeds a fresh target, starts the server in-process and runs the chosen in-process benchmarks. */
async function runEngine(engine: Engine, args: BenchArgs): Promise<SuiteResult[]> {
  const results: SuiteResult[] = [];
  const want = (s: SuiteName) => args.only.includes(s);
  const inProcess: SuiteName[] = ['seed', 'availability', 'contention', 'throughput', 'live'];
  if (inProcess.some(want)) {
    const target = await createTarget(engine, args.pgUrl);
    try {
      const database = await openBenchDatabase(target);
      try {
        const seed = await seedBenchShop(database.db, new Date(), { historyDays: args.historyDays });
        const seedResult = seedReport(engine, seed, args.historyDays);
        print(seedResult);
        if (want('seed')) results.push(seedResult);
        const server = await startBenchServer(target, database);
        try {
          const ctx: BenchContext = {
            engine,
            args,
            target,
            database,
            seed,
            server,
            profile: (phase, fn) => profiled(args.cpuProf, `${engine}-${phase}`, fn),
          };
          const suites: Array<[SuiteName, (c: BenchContext) => Promise<SuiteResult>]> = [
            ['availability', availabilitySuite],
            ['contention', contentionSuite],
            ['throughput', throughputSuite],
            ['live', liveSuite],
          ];
          for (const [name, fn] of suites) {
            if (!want(name)) continue;
            const r = await fn(ctx);
            print(r);
            results.push(r);
          }
        } finally {
          await server.close();
        }
      } finally {
        await database.close();
      }
    } finally {
      await target.cleanup();
    }
  }
  if (want('coldstart')) {
    const r = await coldStartSuite(engine, args);
    print(r);
    results.push(r);
  }
  return results;
}

async function main(): Promise<void> {
  let args: BenchArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 2;
    return;
  }
  setHttpClient(args.client);
  const pg = args.engines.includes('postgres') ? await postgresVersion(args.pgUrl) : undefined;
  const cpus = os.cpus();
  console.log(
    [
      '# BookedBarber benchmarks',
      '',
      `Node ${process.version}, ${os.availableParallelism()} cores (${cpus[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GB,`,
      `engines: ${args.engines.join(', ')}${pg ? ` (PostgreSQL ${pg})` : ''}; load generator: ${args.client} in a worker thread;`,
      `local date in ${BENCH_TZ}: ${localDateOf(Date.now(), BENCH_TZ)}`,
    ].join('\n'),
  );
  const idle = startCpuMeter();
  await new Promise((r) => setTimeout(r, 1000));
  const bg = idle().machinePct;
  if (Number.isFinite(bg))
    console.log(
      `background CPU before the run: ${Math.round(bg)}% of one core${bg > 20 ? ' (the machine is busy: figures will be lower)' : ''}`,
    );
  const all: SuiteResult[] = [];
  for (const engine of args.engines) all.push(...(await runEngine(engine, args)));

  console.log('\n## Summary\n');
  console.log(
    table(
      ['engine', 'benchmark', 'measured', 'target', 'verdict'],
      all.flatMap((r) => r.checks.map((c) => [r.engine, c.name, c.measured, c.target, verdict(c.met)])),
    ),
  );
  if (args.json) {
    fs.writeFileSync(
      args.json,
      JSON.stringify(
        { node: process.version, cores: os.availableParallelism(), postgres: pg, results: all },
        null,
        2,
      ),
    );
    console.log(`\nFigures written to ${args.json}`);
  }
}

main().catch((err: unknown) => {
  console.error('Benchmark failed:', err);
  process.exitCode = 1;
});
