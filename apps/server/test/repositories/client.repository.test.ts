/**
 * Client matching (src/repositories/client.repository.ts): by email, case-insensitive; by phone
 * only for a client who has no email yet; never merging two people who share a phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { clients, organizations } from '../../src/db/schema.ts';
import { normalizeEmail, normalizePhone, upsertClient } from '../../src/repositories/client.repository.ts';
import { createTestDatabase, ENGINE } from '../support/harness.ts';

let database: Database;
let drop: () => Promise<void>;
let org: string;
let otherOrg: string;

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

const byId = async (id: string) => (await database.db.select().from(clients).where(eq(clients.id, id)))[0]!;

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
    const id = await upsertClient(database.db, org, {
      name: 'Ana',
      email: 'ana@example.com',
      phone: '+1 212 555 0100',
    });
    const again = await upsertClient(database.db, org, {
      name: 'Ana Maria',
      email: ' ANA@example.com',
      phone: '+1 212 555 0199',
    });
    expect(again).toBe(id);
    expect(await byId(id)).toMatchObject({
      name: 'Ana Maria',
      emailNormalized: 'ana@example.com',
      phoneNormalized: '+12125550199',
    });
  });

  it('keeps clients of different organizations apart', async () => {
    const a = await upsertClient(database.db, org, { name: 'Bo', email: 'bo@example.com', phone: '5550101' });
    const b = await upsertClient(database.db, otherOrg, {
      name: 'Bo',
      email: 'bo@example.com',
      phone: '5550101',
    });
    expect(a).not.toBe(b);
  });

  it('never matches a client with another email by phone', async () => {
    const pat = await upsertClient(database.db, org, {
      name: 'Pat',
      email: 'pat@example.com',
      phone: '+1 212 555 0177',
    });
    const chris = await upsertClient(database.db, org, {
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
      .values({ organizationId: org, name: 'Walk In', phone: '212 555 0188', phoneNormalized: '2125550188' })
      .returning({ id: clients.id });
    const id = await upsertClient(database.db, org, {
      name: 'Walk In Online',
      email: 'Walk@Example.com',
      phone: '212-555-0188',
    });
    expect(id).toBe(walkIn!.id);
    expect(await byId(id)).toMatchObject({
      name: 'Walk In Online',
      email: 'Walk@Example.com',
      emailNormalized: 'walk@example.com',
    });
  });
});
