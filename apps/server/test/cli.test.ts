/**
 * The command line (src/cli.ts): import, export, seed and schema against a real database
 * (PGlite on disk in a temp DATA_DIR, or a fresh PostgreSQL database with TEST_DATABASE_URL).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { count, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { runCli } from '../src/cli.ts';
import { openDatabase, type Database } from '../src/db/client.ts';
import { barberServices, barbers, locations, organizations, services, timeOff } from '../src/db/schema.ts';
import { parseShopFile, shopFileJsonSchema, type ShopFileInput } from '../src/shops/shop-file.ts';
import { createTestDatabase, ENGINE, fixtureShop } from './support/harness.ts';

// Each test starts the CLI in a child process that opens its own PGlite (WASM boot and migrations):
// tens of seconds on a loaded 2-core machine, so this file gets more than the default 30 s.
vi.setConfig({ testTimeout: 120_000 });

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-cli-'));
const dataDir = path.join(tmp, 'data');
let env: Record<string, string>;
let pg: { database: Database; drop: () => Promise<void> } | undefined;

beforeAll(async () => {
  env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  if (ENGINE === 'postgres') {
    const created = await createTestDatabase();
    pg = created;
    env.DATABASE_URL = created.url!;
  }
});
afterAll(async () => {
  await pg?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Runs the CLI and captures its output. */
async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (s) => (out += s), err: (s) => (err += s), env });
  return { code, out, err };
}

/** Writes `json` (or raw text) to a temp file and returns its path. */
function file(json: unknown, raw = false): string {
  const p = path.join(tmp, `${crypto.randomBytes(4).toString('hex')}.json`);
  fs.writeFileSync(p, raw ? String(json) : JSON.stringify(json, null, 2));
  return p;
}

/** Runs `fn` on the CLI's database (opened after the CLI closed it: PGlite allows one process). */
async function withDb<T>(fn: (db: Database['db']) => Promise<T>): Promise<T> {
  if (pg) return fn(pg.database.db);
  const database = await openDatabase({ dataDir });
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

async function counts() {
  return withDb(async (db) => {
    const n = async (t: PgTable) => (await db.select({ n: count() }).from(t))[0]!.n;
    return {
      organizations: await n(organizations),
      locations: await n(locations),
      services: await n(services),
      barbers: await n(barbers),
      barberServices: await n(barberServices),
      timeOff: await n(timeOff),
    };
  });
}

/** The fixture shop with descriptions, closures, date overrides and time off. */
function richShop(): ShopFileInput {
  const shop = fixtureShop();
  const loc = shop.locations[0]!;
  loc.closures = [
    { date: '2026-12-25', hours: [] },
    { date: '2026-12-31', hours: [['09:00', '14:00']] },
  ];
  loc.services[0]!.description = 'Scissors & clippers, "styled".';
  loc.barbers[0]!.bio = 'Zoë Ångström 李雷';
  loc.barbers[0]!.dateOverrides = [{ date: '2026-12-24', hours: [['10:00', '12:00']] }];
  // In start order: the export lists time off chronologically.
  loc.barbers[1]!.timeOff = [
    { from: '2026-12-15T13:00', to: '2026-12-15T15:30' },
    { from: '2026-12-28', to: '2026-12-30', reason: 'Holiday' },
  ];
  return shop;
}

describe('cli import / export', () => {
  it('imports a shop file into an empty DATA_DIR: Created', async () => {
    const res = await cli('import', file(richShop()));
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    expect(res.out).toBe('Created organization with test-cuts (3 services, 2 barbers)\n');
    if (ENGINE === 'pglite') expect(fs.existsSync(path.join(dataDir, 'pglite'))).toBe(true);
    expect(await counts()).toEqual({
      organizations: 1,
      locations: 1,
      services: 3,
      barbers: 2,
      barberServices: 4,
      timeOff: 2,
    });
  });

  it('imports the same file again: Updated, nothing duplicated', async () => {
    const before = await counts();
    const res = await cli('import', file(richShop()));
    expect(res.code).toBe(0);
    expect(res.out).toBe('Updated organization with test-cuts (3 services, 2 barbers)\n');
    expect(await counts()).toEqual(before);
  });

  it('exports a shop file that parses and round-trips', async () => {
    const first = await cli('export', 'test-cuts');
    expect(first.code).toBe(0);
    const exported = JSON.parse(first.out) as unknown;
    const parsed = parseShopFile(exported);
    // What was imported comes back (defaults applied), time off in the shop's local time.
    expect(parsed).toEqual(parseShopFile(richShop()));
    const again = await cli('import', file(exported));
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^Updated/);
    const second = await cli('export', 'test-cuts');
    expect(JSON.parse(second.out)).toEqual(exported);
  });

  it('updates in place and deactivates what the file no longer lists', async () => {
    const shop = richShop();
    const loc = shop.locations[0]!;
    loc.services[0]!.priceMinor = 3500;
    loc.services = loc.services.filter((s) => s.key !== 'color');
    loc.barbers[0]!.services = ['cut', 'beard'];
    const res = await cli('import', file(shop));
    expect(res.code).toBe(0);
    const exported = parseShopFile(JSON.parse((await cli('export', 'test-cuts')).out));
    expect(exported.locations[0]!.services.map((s) => [s.key, s.priceMinor])).toEqual([
      ['cut', 3500],
      ['beard', 1500],
    ]);
    expect((await counts()).services).toBe(3);
    // Back to the full file for the tests that follow.
    expect((await cli('import', file(richShop()))).code).toBe(0);
  });

  it('refuses an invalid file naming the field path, with exit code 1, writing nothing', async () => {
    const before = await cli('export', 'test-cuts');
    const shop = richShop();
    (shop.locations[0]!.services[0] as { priceMinor: unknown }).priceMinor = 30.5;
    shop.locations[0]!.timezone = 'Mars/Olympus';
    shop.organization.name = 'Renamed';
    const res = await cli('import', file(shop));
    expect(res.code).toBe(1);
    expect(res.out).toBe('');
    expect(res.err).toContain('Invalid shop file:');
    expect(res.err).toContain('locations.0.services.0.priceMinor: Use whole minor units (cents)');
    expect(res.err).toContain('locations.0.timezone: Unknown IANA time zone');
    const unknownService = richShop();
    unknownService.locations[0]!.barbers[1]!.services = ['cut', 'perm'];
    const res2 = await cli('import', file(unknownService));
    expect(res2.code).toBe(1);
    expect(res2.err).toContain('locations.0.barbers.1.services.1: Unknown service key "perm"');
    expect((await cli('export', 'test-cuts')).out).toBe(before.out);
  });

  it('refuses a slug that belongs to another organization, rolling everything back', async () => {
    const before = await counts();
    const shop = richShop();
    shop.organization = { key: 'someone-else', name: 'Someone Else' };
    const res = await cli('import', file(shop));
    expect(res.code).toBe(1);
    expect(res.err).toContain('locations.0.slug: "test-cuts" belongs to another organization');
    expect(await counts()).toEqual(before);
  });

  it('refuses a file that is missing or not JSON', async () => {
    const missing = await cli('import', path.join(tmp, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^Cannot read .*nope\.json/);
    const notJson = await cli('import', file('{ "organization": ', true));
    expect(notJson.code).toBe(1);
    expect(notJson.err).toMatch(/^Cannot read /);
  });

  it('answers exit code 1 for an unknown slug on export', async () => {
    const res = await cli('export', 'no-such-shop');
    expect(res.code).toBe(1);
    expect(res.out).toBe('');
    expect(res.err).toBe('No shop is called "no-such-shop".\n');
  });
});

describe('cli seed', () => {
  it('does not add the demo to a database that has a shop, unless forced', async () => {
    const res = await cli('seed');
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/already has a shop; use --force/);
    const forced = await cli('seed', '--force');
    expect(forced.code).toBe(0);
    expect(forced.out).toBe('Seeded the demo shop "fade-and-co".\n');
    const demo = parseShopFile(JSON.parse((await cli('export', 'fade-and-co')).out));
    expect(demo.locations[0]!.name).toBe('Fade & Co');
    const appointments = await withDb(async (db) => {
      const r = await db.execute(sql`select count(*)::int as n from appointments`);
      return (r as unknown as { rows: Array<{ n: number }> }).rows[0]!.n;
    });
    expect(appointments).toBeGreaterThan(0);
  });
});

describe('cli usage, schema, configuration', () => {
  it('prints usage without a command (0) and for an unknown one (2)', async () => {
    const none = await cli();
    expect(none.code).toBe(0);
    expect(none.err).toMatch(/^Usage: npm run cli -- <command>/);
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('import')).code).toBe(2);
    expect((await cli('export')).code).toBe(2);
  });

  it('prints the shop file JSON Schema, equal to docs/shop-file.schema.json', async () => {
    const res = await cli('schema');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out)).toEqual(shopFileJsonSchema());
    const published = fs.readFileSync(
      path.resolve(import.meta.dirname, '../../../docs/shop-file.schema.json'),
      'utf8',
    );
    expect(res.out.trim()).toBe(published.trim());
  });

  it('stops with exit code 1 on an invalid configuration, naming the variable', async () => {
    let err = '';
    const code = await runCli(['export', 'test-cuts'], {
      out: () => undefined,
      err: (s) => (err += s),
      env: { DATABASE_URL: 'mysql://nope' },
    });
    expect(code).toBe(1);
    expect(err).toContain('DATABASE_URL:');
  });
});
