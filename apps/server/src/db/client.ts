/**
 * Database factory: the embedded PGlite (files under DATA_DIR) or PostgreSQL (DATABASE_URL),
 * one Drizzle schema and one set of migrations for both (ARCHITECTURE.md, "database").
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import * as schema from './schema.ts';

/** A Drizzle database over either driver. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle; repositories accept either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

/** An open database with its engine name and a close function. */
export interface Database {
  db: Db;
  engine: 'pglite' | 'postgres';
  /** Applies pending migrations (idempotent; serialized across processes on PostgreSQL). */
  migrate(): Promise<void>;
  /** True when the database answers and every migration on disk is applied. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
  /**
   * PostgreSQL only: LISTENs on `channel` with a dedicated connection (reconnecting after a loss)
   * and calls `onMessage` with each payload. Resolves once listening; the result stops it.
   */
  listen?(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
}

export const MIGRATIONS_DIR = path.join(import.meta.dirname, 'migrations');

/** Where the embedded database lives inside DATA_DIR. */
export function pgliteDir(dataDir: string): string {
  return path.join(dataDir, 'pglite');
}

/**
 * Opens the database.
 * @param opts.databaseUrl postgres:// URL; when absent, PGlite in `opts.dataDir` (or in memory when dataDir is "memory://").
 * @param opts.poolSize PostgreSQL pool size (default 10).
 */
export async function openDatabase(opts: {
  databaseUrl?: string | undefined;
  dataDir: string;
  poolSize?: number;
}): Promise<Database> {
  const expected = countMigrations();
  if (opts.databaseUrl) {
    // Each engine's driver is loaded only when used: PGlite's WASM is not needed on PostgreSQL.
    const [{ default: pg }, { drizzle: drizzlePg }, { migrate: migratePg }] = await Promise.all([
      import('pg'),
      import('drizzle-orm/node-postgres'),
      import('drizzle-orm/node-postgres/migrator'),
    ]);
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // An idle connection that the server closes (restart, failover, a dropped database) is an
    // 'error' on the pool; without a listener Node would crash. The pool replaces the client.
    pool.on('error', (err) => {
      if (sqlState(err) !== '57P01') console.warn('PostgreSQL connection lost:', err.message);
    });
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    return {
      db,
      engine: 'postgres',
      async migrate() {
        // An advisory lock keeps several servers starting at once from racing the migrator.
        const client = await pool.connect();
        try {
          await client.query('select pg_advisory_lock(727274)');
          await migratePg(drizzlePg(client, { schema }), { migrationsFolder: MIGRATIONS_DIR });
        } finally {
          await client.query('select pg_advisory_unlock(727274)').catch(() => undefined);
          client.release();
        }
      },
      ready: () => isReady(db, expected),
      close: () => pool.end(),
      async listen(channel, onMessage) {
        if (!/^[a-z_]+$/.test(channel)) throw new Error(`Bad channel name: ${channel}`);
        let stopped = false;
        let client: InstanceType<typeof pg.Client> | undefined;
        // After a lost connection, try again every second until it works or listening stops.
        const retry = (): void => {
          if (!stopped) setTimeout(() => void connect().catch(retry), 1_000).unref();
        };
        const connect = async (): Promise<void> => {
          const c = new pg.Client({ connectionString: opts.databaseUrl });
          c.on('notification', (n) => {
            if (n.channel === channel && n.payload !== undefined) onMessage(n.payload);
          });
          c.on('error', () => undefined);
          let up = false;
          c.on('end', () => {
            if (up) retry();
          });
          try {
            await c.connect();
            await c.query(`listen ${channel}`);
          } catch (err) {
            await c.end().catch(() => undefined);
            throw err;
          }
          up = true;
          client = c;
          if (stopped) await c.end().catch(() => undefined);
        };
        await connect();
        return async () => {
          stopped = true;
          await client?.end().catch(() => undefined);
        };
      },
    };
  }
  let dir: string | undefined;
  if (opts.dataDir !== 'memory://') {
    dir = pgliteDir(opts.dataDir);
    fs.mkdirSync(dir, { recursive: true });
  }
  const [{ PGlite }, { btree_gist }, { drizzle: drizzlePglite }, { migrate: migratePglite }] =
    await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite/contrib/btree_gist'),
      import('drizzle-orm/pglite'),
      import('drizzle-orm/pglite/migrator'),
    ]);
  const client = await PGlite.create({ dataDir: dir, extensions: { btree_gist } });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    engine: 'pglite',
    async migrate() {
      await migratePglite(db as never, { migrationsFolder: MIGRATIONS_DIR });
    },
    ready: () => isReady(db, expected),
    close: () => client.close(),
  };
}

function countMigrations(): number {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

async function isReady(db: Db, expected: number): Promise<boolean> {
  try {
    const res = await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const rows = (res as unknown as { rows: Array<{ n: number }> }).rows;
    return (rows[0]?.n ?? 0) >= expected;
  } catch {
    return false;
  }
}

/** Postgres SQLSTATE of a (possibly Drizzle-wrapped) driver error, e.g. "23P01", "40P01". */
export function sqlState(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
