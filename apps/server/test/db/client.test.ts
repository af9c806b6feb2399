/**
 * The database factory (src/db/client.ts): engine, migrations, readiness, SQLSTATE unwrapping.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { pgliteDir, sqlState, type Database } from '../../src/db/client.ts';
import { createTestDatabase, ENGINE } from '../support/harness.ts';

let database: Database;
let drop: () => Promise<void>;
let closed = false;

beforeAll(async () => {
  ({ database, drop } = await createTestDatabase());
});
afterAll(async () => {
  if (!closed) await drop();
});

const rows = <T>(res: unknown) => (res as { rows: T[] }).rows;

describe(`openDatabase (${ENGINE})`, () => {
  it('opens the engine the suite runs on, with every migration applied', async () => {
    expect(database.engine).toBe(ENGINE);
    expect(await database.ready()).toBe(true);
    const tables = rows<{ t: string }>(
      await database.db.execute(
        sql`select table_name as t from information_schema.tables where table_schema = 'public' order by 1`,
      ),
    ).map((r) => r.t);
    for (const t of ['appointments', 'clients', 'locations', 'outbox', 'idempotency_keys'])
      expect(tables).toContain(t);
  });

  it('migrates idempotently', async () => {
    await database.migrate();
    await database.migrate();
    expect(await database.ready()).toBe(true);
  });

  it('is not ready while a migration is missing', async () => {
    const db = database.db;
    const [last] = rows<{ id: number; hash: string; created_at: string }>(
      await db.execute(
        sql`select id, hash, created_at from drizzle.__drizzle_migrations order by id desc limit 1`,
      ),
    );
    await db.execute(sql`delete from drizzle.__drizzle_migrations where id = ${last!.id}`);
    try {
      expect(await database.ready()).toBe(false);
    } finally {
      await db.execute(
        sql`insert into drizzle.__drizzle_migrations (id, hash, created_at) values (${last!.id}, ${last!.hash}, ${last!.created_at})`,
      );
    }
    expect(await database.ready()).toBe(true);
  });

  it('installs btree_gist (the no-overlap constraint needs it)', async () => {
    const ext = rows<{ extname: string }>(
      await database.db.execute(sql`select extname from pg_extension where extname = 'btree_gist'`),
    );
    expect(ext.length).toBe(1);
  });

  it('is not ready once closed', async () => {
    await drop();
    closed = true;
    expect(await database.ready()).toBe(false);
  });
});

describe('sqlState', () => {
  it('finds the SQLSTATE on the error or on its causes', () => {
    expect(sqlState({ code: '23P01' })).toBe('23P01');
    const wrapped = new Error('Failed query', { cause: new Error('driver', { cause: { code: '40P01' } }) });
    expect(sqlState(wrapped)).toBe('40P01');
    expect(
      sqlState(Object.assign(new Error('x'), { cause: Object.assign(new Error('y'), { code: '23505' }) })),
    ).toBe('23505');
  });

  it('ignores codes that are not SQLSTATEs, and non-errors', () => {
    expect(sqlState(Object.assign(new Error('net'), { code: 'ECONNREFUSED' }))).toBeUndefined();
    expect(sqlState(undefined)).toBeUndefined();
    expect(sqlState('23P01')).toBeUndefined();
    expect(sqlState(new Error('plain'))).toBeUndefined();
  });
});

describe('pgliteDir', () => {
  it('keeps the embedded database in DATA_DIR/pglite', () => {
    expect(pgliteDir('/srv/data')).toBe(path.join('/srv/data', 'pglite'));
  });
});
