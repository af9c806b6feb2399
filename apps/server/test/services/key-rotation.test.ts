/**
 * `npm run cli -- rotate-keys` (docs/operations.md "Encryption keys"): values written under key A
 * stay readable with ENCRYPTION_KEY=B,A; after rotate-keys they are readable with B alone.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli.ts';
import { loadConfig } from '../../src/config/config.ts';
import { resolveSecrets } from '../../src/config/secrets.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { organizations } from '../../src/db/schema.ts';
import { findClient, findClientByEmail, upsertClient } from '../../src/repositories/client.repository.ts';
import { prepareClientRecords } from '../../src/services/key-rotation.service.ts';
import { clientCipher } from '../../src/security/client-fields.ts';
import { DecryptionError } from '../../src/security/encryption.ts';
import { createTestDatabase, ENGINE } from '../support/harness.ts';

// Each test starts the CLI in a child process that opens its own PGlite (WASM boot and migrations):
// tens of seconds on a loaded 2-core machine, so this file gets more than the default 30 s.
vi.setConfig({ testTimeout: 120_000 });

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-rotate-'));
const A = crypto.randomBytes(32).toString('base64');
const B = crypto.randomBytes(32).toString('base64');
let base: Record<string, string>;
let pg: { database: Database; drop: () => Promise<void> } | undefined;

beforeAll(async () => {
  base = {
    DATA_DIR: path.join(tmp, 'data'),
    LOG_LEVEL: 'silent',
    AUTH_SECRET: 'rotation test secret, at least 32 characters long',
  };
  if (ENGINE === 'postgres') {
    pg = await createTestDatabase();
    base.DATABASE_URL = (pg as { url?: string }).url!;
  }
});
afterAll(async () => {
  await pg?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function withDb<T>(fn: (db: Database['db']) => Promise<T>): Promise<T> {
  if (pg) return fn(pg.database.db);
  const database = await openDatabase({ dataDir: base.DATA_DIR! });
  await database.migrate();
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

const secretsFor = (keys: string, auth?: string) =>
  resolveSecrets(loadConfig({ ...base, ENCRYPTION_KEY: keys, ...(auth ? { AUTH_SECRET: auth } : {}) }));
const cipherFor = (keys: string, auth?: string) => clientCipher(secretsFor(keys, auth));

describe(`rotate-keys (${ENGINE})`, () => {
  it('re-encrypts every client with the first key so the old one can go', async () => {
    const { org, id } = await withDb(async (db) => {
      const [o] = await db.insert(organizations).values({ key: 'rot', name: 'Rot' }).returning();
      const clientId = await upsertClient(db, cipherFor(A), o!.id, {
        name: 'Rotated Rosa',
        email: 'rosa@example.com',
        phone: '+1 212 555 0133',
      });
      return { org: o!.id, id: clientId };
    });
    await withDb(async (db) => {
      expect((await findClient(db, cipherFor(`${B},${A}`), org, id))?.email).toBe('rosa@example.com');
      await expect(findClient(db, cipherFor(B), org, id)).rejects.toThrow(DecryptionError);
    });
    let out = '';
    const code = await runCli(['rotate-keys'], {
      out: (s) => (out += s),
      err: (s) => (out += s),
      env: { ...base, ENCRYPTION_KEY: `${B},${A}` },
    });
    expect(code, out).toBe(0);
    expect(out).toMatch(/Re-encrypted 1 clients and 0 two-factor secrets/);
    await withDb(async (db) => {
      expect(await findClient(db, cipherFor(B), org, id)).toMatchObject({
        email: 'rosa@example.com',
        phone: '+1 212 555 0133',
      });
    });
  });

  it('remakes the search hashes at start after AUTH_SECRET changes, so existing clients are still found', async () => {
    const newAuth = 'a brand new auth secret of more than 32 characters';
    await withDb(async (db) => {
      expect((await prepareClientRecords(db, secretsFor(B))).rehashed).toBeNull();
      const [o] = await db.insert(organizations).values({ key: 'rot2', name: 'Rot2' }).returning();
      await upsertClient(db, cipherFor(B), o!.id, {
        name: 'Hashed Hana',
        email: 'hana@example.com',
        phone: '1234567',
      });
      expect(await findClientByEmail(db, cipherFor(B, newAuth), o!.id, 'hana@example.com')).toBeUndefined();
      const prepared = await prepareClientRecords(db, secretsFor(B, newAuth));
      expect(prepared.rehashed).toBeGreaterThanOrEqual(2);
      expect((await findClientByEmail(db, cipherFor(B, newAuth), o!.id, 'HANA@example.com'))?.name).toBe(
        'Hashed Hana',
      );
      expect((await prepareClientRecords(db, secretsFor(B, newAuth))).rehashed).toBeNull();
    });
  });
});
