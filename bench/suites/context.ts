/**
 * What every in-process benchmark gets for one engine.
 */
import type { Database } from '../../apps/server/src/db/client.ts';
import type { BenchArgs, Engine } from '../lib/args.ts';
import type { SeedResult } from '../lib/seed.ts';
import type { BenchServer } from '../lib/server.ts';
import type { BenchTarget } from '../lib/targets.ts';

export interface BenchContext {
  engine: Engine;
  args: BenchArgs;
  target: BenchTarget;
  database: Database;
  seed: SeedResult;
  server: BenchServer;
  /** Runs a measured phase, CPU-profiled when --cpu-prof is given. */
  profile<T>(phase: string, fn: () => Promise<T>): Promise<T>;
}
