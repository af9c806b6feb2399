/**
 * Client matching (src/repositories/client.repository.ts): by email, case-insensitive; by phone
 * only for a client who has no email yet; never merging two people who share a phone. And the
 * encryption at rest of email, phone and notes (security/client-fields.ts): no plaintext in the
 * table, tamper detection, rows bound to their id, key rotation, search by exact email/phone.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { clients, organizations } from '../../src/db/schema.ts';
import {
  findClient,
  findClientByEmail,
  normalizeEmail,
  normalizePhone,
  reencryptClients,
  sealPlaintextClients,
  searchClients,
  upsertClient,
} from '../../src/repositories/client.repository.ts';
import { ClientFieldCipher } from '../../src/security/client-fields.ts';
import { DecryptionError, Keyring } from '../../src/security/encryption.ts';
import { createTestDatabase, ENGINE } from '../support/harness.ts';

let database: Database;
let drop: () => Promise<void>;
let org: string;
let otherOrg: string;

const KEY_A = crypto.randomBytes(32);
const KEY_B = crypto.randomBytes(32);
const AUTH = Buffer.from('test auth secret');
const cipherOf = (...keys: Buffer[]) =>
  ClientFieldCipher.fromSecrets({ authSecret: AUTH, keyring: new Keyring(keys) });
const cipher = cipherOf(KEY_A);

beforeAll(async () => {
  ({ database, drop } = await createTestDatabase());
  const rows = await database.db
    .insert(organizations)
    .values([
      { key: 'org-a', name: 'A' },
      { key: 'org-b', name: 'B' },
    ])
    .returning({ id: organizations.id });
  org = rows[0]!.id;
  otherOrg = rows[1]!.id;
});
afterAll(async () => drop?.());

const rawById = async (id: string) =>
  (await database.db.select().from(clients).where(eq(clients.id, id)))[0]!;
const byId = async (id: string, c = cipher) => (await findClient(database.db, c, org, id))!;

describe('normalizeEmail / normalizePhone', () => {
  it('lower-cases and trims emails', () => {
    expect(normalizeEmail('  Ana.Client@Example.COM ')).toBe('ana.client@example.com');
  });

  it('keeps digits and a leading +', () => {
    expect(normalizePhone('+1 (212) 555-0100')).toBe('+12125550100');
    expect(normalizePhone(' 212.555.0100 ')).toBe('2125550100');
  });
});

describe(`upsertClient (${ENGINE})`, () => {
  it('creates a client, then finds it by email whatever the case, refreshing name and phone', async () => {
    const id = await upsertClient(database.db, cipher, org, {
      name: 'Ana',
      email: 'ana@example.com',
      phone: '+1 212 555 0100',
    });
    const again = await upsertClient(database.db, cipher, org, {
      name: 'Ana Maria',
      email: ' ANA@example.com',
      phone: '+1 212 555 0199',
    });
    expect(again).toBe(id);
    expect(await byId(id)).toMatchObject({
      name: 'Ana Maria',
      email: 'ANA@example.com',
      phone: '+1 212 555 0199',
    });
  });

  it('keeps clients of different organizations apart', async () => {
    const a = await upsertClient(database.db, cipher, org, {
      name: 'Bo',
      email: 'bo@example.com',
      phone: '5550101',
    });
    const b = await upsertClient(database.db, cipher, otherOrg, {
      name: 'Bo',
      email: 'bo@example.com',
      phone: '5550101',
    });
    expect(a).not.toBe(b);
  });

  it('never matches a client with another email by phone', async () => {
    const pat = await upsertClient(database.db, cipher, org, {
      name: 'Pat',
      email: 'pat@example.com',
      phone: '+1 212 555 0177',
    });
    const chris = await upsertClient(database.db, cipher, org, {
      name: 'Chris',
      email: 'chris@example.com',
      phone: '+1 (212) 555-0177',
    });
    expect(chris).not.toBe(pat);
    expect((await byId(pat)).name).toBe('Pat');
    expect((await byId(pat)).email).toBe('pat@example.com');
  });

  it('matches a phone-only client (no email yet) by phone and stores the email', async () => {
    const [walkIn] = await database.db
      .insert(clients)
      .values({ organizationId: org, name: 'Walk In', phone: '212 555 0188' })
      .returning({ id: clients.id });
    await sealPlaintextClients(database.db, cipher);
    const id = await upsertClient(database.db, cipher, org, {
      name: 'Walk In Online',
      email: 'Walk@Example.com',
      phone: '212-555-0188',
    });
    expect(id).toBe(walkIn!.id);
    expect(await byId(id)).toMatchObject({ name: 'Walk In Online', email: 'Walk@Example.com' });
  });
});

describe(`encryption at rest (${ENGINE})`, () => {
  it('stores no plaintext email, phone or notes, and reads them back', async () => {
    const id = await upsertClient(database.db, cipher, org, {
      name: 'Secret Sam',
      email: 'secret.sam@example.com',
      phone: '+1 646 555 0142',
    });
    await database.db
      .update(clients)
      .set({ notes: cipher.seal('notes', id, 'Allergic to lavender') })
      .where(eq(clients.id, id));
    const raw = (await database.db.execute(sql`select * from clients where id = ${id}`)) as unknown as {
      rows: Record<string, unknown>[];
    };
    const text = JSON.stringify(raw.rows);
    expect(text).not.toMatch(/secret\.sam|example\.com|646|0142|lavender/i);
    expect(raw.rows[0]).toMatchObject({ encrypted: true });
    expect(await byId(id)).toMatchObject({
      email: 'secret.sam@example.com',
      phone: '+1 646 555 0142',
      notes: 'Allergic to lavender',
    });
  });

  it('finds a client by exact email (any case) or exact phone (any formatting) through the hash', async () => {
    const id = await upsertClient(database.db, cipher, org, {
      name: 'Hash Hal',
      email: 'hal@example.com',
      phone: '+1 646 555 0150',
    });
    expect((await findClientByEmail(database.db, cipher, org, ' HAL@Example.com '))?.id).toBe(id);
    expect((await searchClients(database.db, cipher, org, 'hal@example.com')).map((c) => c.id)).toEqual([id]);
    expect((await searchClients(database.db, cipher, org, '+1 (646) 555-0150')).map((c) => c.id)).toEqual([
      id,
    ]);
    expect(await searchClients(database.db, cipher, org, 'hal@exam')).toEqual([]);
    expect(await findClientByEmail(database.db, cipher, otherOrg, 'hal@example.com')).toBeUndefined();
  });

  it('detects a tampered value and refuses a value copied to another client', async () => {
    const a = await upsertClient(database.db, cipher, org, {
      name: 'T1',
      email: 't1@example.com',
      phone: '1',
    });
    const b = await upsertClient(database.db, cipher, org, {
      name: 'T2',
      email: 't2@example.com',
      phone: '2',
    });
    const rawA = await rawById(a);
    const [v, k, iv, body] = rawA.email!.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    await database.db
      .update(clients)
      .set({ email: [v, k, iv, flipped.toString('base64url')].join('.') })
      .where(eq(clients.id, a));
    await expect(byId(a)).rejects.toThrow(DecryptionError);
    await database.db.update(clients).set({ email: rawA.email }).where(eq(clients.id, b));
    await expect(byId(b)).rejects.toThrow(DecryptionError);
    await database.db
      .update(clients)
      .set({ email: cipher.seal('email', a, 't1@example.com') })
      .where(eq(clients.id, a));
    await database.db
      .update(clients)
      .set({ email: cipher.seal('email', b, 't2@example.com') })
      .where(eq(clients.id, b));
  });

  it('seals rows stored in plaintext before migration 0004, once', async () => {
    const [old] = await database.db
      .insert(clients)
      .values({ organizationId: org, name: 'Old Olga', email: 'Olga@Example.com', phone: '+44 20 7946 0000' })
      .returning({ id: clients.id });
    expect(await sealPlaintextClients(database.db, cipher)).toBe(1);
    expect(await sealPlaintextClients(database.db, cipher)).toBe(0);
    expect(JSON.stringify(await rawById(old!.id))).not.toMatch(/olga@|7946/i);
    expect((await findClientByEmail(database.db, cipher, org, 'olga@example.com'))?.name).toBe('Old Olga');
  });

  it('rotates: written under A, readable with [B, A]; after re-encryption readable with B alone', async () => {
    const id = await upsertClient(database.db, cipher, org, {
      name: 'Rota',
      email: 'rota@example.com',
      phone: '+1 646 555 0199',
    });
    const withBoth = cipherOf(KEY_B, KEY_A);
    expect((await byId(id, withBoth)).email).toBe('rota@example.com');
    await expect(byId(id, cipherOf(KEY_B))).rejects.toThrow(DecryptionError);
    const n = await database.db.transaction((tx) => reencryptClients(tx, withBoth));
    expect(n).toBeGreaterThan(1);
    const onlyB = cipherOf(KEY_B);
    expect(await byId(id, onlyB)).toMatchObject({ email: 'rota@example.com', phone: '+1 646 555 0199' });
    expect((await rawById(id)).email!.split('.')[1]).toBe(Keyring.keyId(KEY_B));
    // The search hash does not depend on the encryption key.
    expect((await findClientByEmail(database.db, onlyB, org, 'rota@example.com'))?.id).toBe(id);
    await expect(byId(id, cipherOf(KEY_A))).rejects.toThrow(DecryptionError);
  });
});
