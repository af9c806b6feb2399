/**
 * The server under test, in this process: the real runtime (migrations, outbox worker writing
 * .eml files into DATA_DIR, real clock) and the real app from buildApp, listening on 127.0.0.1 on
 * an ephemeral port. Request logging is off (LOG_LEVEL=silent) and RATE_LIMIT=off.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../apps/server/src/config/config.ts';
import { openDatabase, type Database } from '../../apps/server/src/db/client.ts';
import { buildApp } from '../../apps/server/src/http/app.ts';
import { startRuntime, type Runtime } from '../../apps/server/src/runtime.ts';
import type { BenchTarget } from './targets.ts';

/** The environment the in-process server is configured from (as server.ts would read it). */
export function benchEnv(target: BenchTarget): Record<string, string> {
  return {
    DATA_DIR: target.dataDir,
    ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_URL: 'http://127.0.0.1:3000',
    RATE_LIMIT: 'off',
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    WEB_DIST: '/nonexistent',
  };
}

/** Opens and migrates the target's database the way the runtime does. */
export async function openBenchDatabase(target: BenchTarget): Promise<Database> {
  const config = loadConfig(benchEnv(target));
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  // An idle pooled connection closed by the server (e.g. when the database is dropped) must not crash the run.
  const pool = (database.db as unknown as { $client?: { on?: (e: string, f: () => void) => void } }).$client;
  if (database.engine === 'postgres' && typeof pool?.on === 'function') pool.on('error', () => undefined);
  await database.migrate();
  return database;
}

/** A listening in-process server. */
export interface BenchServer {
  baseUrl: string;
  app: FastifyInstance;
  runtime: Runtime;
  close(): Promise<void>;
}

/** Starts the runtime and app on an already-open database (closed by the caller). */
export async function startBenchServer(target: BenchTarget, database: Database): Promise<BenchServer> {
  const config = loadConfig(benchEnv(target));
  const runtime = await startRuntime(config, { database });
  const app = await buildApp({ ctx: runtime.ctx, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    app,
    runtime,
    async close() {
      await app.close();
      await runtime.close();
    },
  };
}
