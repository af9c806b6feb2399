/**
 * Where a benchmark's data lives: a fresh temporary DATA_DIR (PGlite files, outgoing .eml files)
 * and, for PostgreSQL, a fresh `bench_*` database on the server given by --pg-url, dropped after.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Engine } from './args.ts';

/** A fresh place for one server's data. */
export interface BenchTarget {
  engine: Engine;
  dataDir: string;
  /** Set on PostgreSQL. */
  databaseUrl: string | undefined;
  /** Drops the database and deletes the data dir. */
  cleanup(): Promise<void>;
}

async function admin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Creates an empty target (nothing migrated yet). */
export async function createTarget(engine: Engine, adminUrl: string): Promise<BenchTarget> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bb-bench-${engine}-`));
  let databaseUrl: string | undefined;
  let dbName: string | undefined;
  if (engine === 'postgres') {
    dbName = `bench_${crypto.randomBytes(5).toString('hex')}`;
    await admin(adminUrl, (c) => c.query(`create database ${dbName}`));
    const u = new URL(adminUrl);
    u.pathname = `/${dbName}`;
    databaseUrl = u.toString();
  }
  return {
    engine,
    dataDir,
    databaseUrl,
    async cleanup() {
      if (dbName) {
        // Closed pools may still be saying goodbye: wait for them before forcing.
        for (let i = 0; i < 20; i++) {
          const ok = await admin(adminUrl, (c) => c.query(`drop database if exists ${dbName}`)).then(
            () => true,
            () => false,
          );
          if (ok) break;
          if (i === 19)
            await admin(adminUrl, (c) => c.query(`drop database if exists ${dbName} with (force)`));
          else await new Promise((r) => setTimeout(r, 100));
        }
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Checks that the PostgreSQL server answers; returns its version line or throws. */
export async function postgresVersion(adminUrl: string): Promise<string> {
  return admin(adminUrl, async (c) => {
    const r = await c.query<{ v: string }>(`select current_setting('server_version') as v`);
    return r.rows[0]!.v;
  });
}
