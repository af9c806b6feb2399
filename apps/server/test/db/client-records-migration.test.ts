/**
 * Upgrading a database from before migration 0004 (plaintext client email and phone, normalized
 * columns): the migration keeps the rows, and the first start seals them (encrypts, fills the
 * hashes) so they are found by exact email and phone and the table holds no plaintext.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { MIGRATIONS_DIR, openDatabase } from '../../src/db/client.ts';
import { findClientByEmail, searchClients } from '../../src/repositories/client.repository.ts';
import { clientCipher } from '../../src/security/client-fields.ts';
import { Keyring } from '../../src/security/encryption.ts';
import { prepareClientRecords } from '../../src/services/key-rotation.service.ts';
import { ENGINE } from '../support/harness.ts';

// Each test migrates a fresh PGlite database step by step (WASM boot and every migration): tens of
// seconds on a loaded 2-core machine, so this file gets more than the default 30 s.
vi.setConfig({ testTimeout: 120_000 });

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-upgrade-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The migrations folder as it was before 0004. */
function migrationsBefore0004(): string {
  const dir = path.join(tmp, 'migrations');
  fs.mkdirSync(path.join(dir, 'meta'), { recursive: true });
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as {
    entries: Array<{ idx: number; tag: string }>;
  };
  journal.entries = journal.entries.filter((e) => e.idx < 4);
  fs.writeFileSync(path.join(dir, 'meta/_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries)
    fs.copyFileSync(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return dir;
}

describe.skipIf(ENGINE === 'postgres')('upgrading plaintext clients (PGlite)', () => {
  it('keeps the rows through 0004 and seals them at the first start', async () => {
    const database = await openDatabase({ dataDir: path.join(tmp, 'data') });
    try {
      await migrate(database.db as never, { migrationsFolder: migrationsBefore0004() });
      await database.db.execute(sql`insert into organizations (id, key, name)
        values ('11111111-1111-4111-8111-111111111111', 'old', 'Old Org')`);
      await database.db.execute(sql`insert into clients
          (organization_id, name, email, email_normalized, phone, phone_normalized)
        values ('11111111-1111-4111-8111-111111111111', 'Olga Old', 'Olga@Example.com', 'olga@example.com',
                '+1 212 555 0100', '+12125550100')`);
      await database.migrate();
      const secrets = {
        authSecret: Buffer.from('upgrade test secret'),
        keyring: new Keyring([crypto.randomBytes(32)]),
      };
      expect((await prepareClientRecords(database.db, secrets)).sealed).toBe(1);
      const cipher = clientCipher(secrets);
      const org = '11111111-1111-4111-8111-111111111111';
      expect(await findClientByEmail(database.db, cipher, org, 'olga@example.com')).toMatchObject({
        name: 'Olga Old',
        email: 'Olga@Example.com',
        phone: '+1 212 555 0100',
      });
      expect((await searchClients(database.db, cipher, org, '+1 (212) 555-0100')).map((c) => c.name)).toEqual(
        ['Olga Old'],
      );
      const raw = JSON.stringify(await database.db.execute(sql`select * from clients`));
      expect(raw).not.toMatch(/olga@|555/i);
      expect((await prepareClientRecords(database.db, secrets)).sealed).toBe(0);
    } finally {
      await database.close();
    }
  });
});
