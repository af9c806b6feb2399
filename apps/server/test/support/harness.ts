/**
 * Test harness: a fresh database per test file (PGlite in memory, or a new PostgreSQL database
 * when TEST_DATABASE_URL is set), a controllable clock, a small fixture shop and the app.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { MIGRATIONS_DIR, openDatabase, type Database } from '../../src/db/client.ts';
import { buildApp } from '../../src/http/app.ts';
import { startTestPayments } from '../../src/payments/payments.ts';
import type { FakeStripe } from '../../src/payments/stripe-test-server.ts';
import { startRuntime, type Runtime } from '../../src/runtime.ts';
import { importShop } from '../../src/services/shop-import.service.ts';
import { parseShopFile, type ShopFileInput } from '../../src/shops/shop-file.ts';
import { loadCatalog } from '../../src/services/catalog.service.ts';

/** Which engine this run uses. */
export const ENGINE: 'pglite' | 'postgres' = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

/**
 * A PGlite data directory with every migration applied, made once per machine and set of
 * migrations (keyed by their content) under the OS temp folder. Creating a PGlite runs initdb
 * (3–5 s); copying this folder and opening the copy takes under a second
 * (ARCHITECTURE.md, "Tests, in tiers": clone a migrated template).
 * @returns a DATA_DIR whose `pglite/` folder holds the migrated database.
 */
export async function pgliteTemplateDir(): Promise<string> {
  const hash = crypto.createHash('sha256');
  for (const f of fs.readdirSync(MIGRATIONS_DIR, { recursive: true, encoding: 'utf8' }).sort()) {
    const full = path.join(MIGRATIONS_DIR, f);
    if (fs.statSync(full).isFile()) hash.update(f).update(fs.readFileSync(full));
  }
  const dir = path.join(os.tmpdir(), `bb-pglite-template-${hash.digest('hex').slice(0, 16)}`);
  if (fs.existsSync(path.join(dir, 'ready'))) return dir;
  // Several test workers may race to build it: each builds its own copy, the first rename wins.
  const tmp = `${dir}.${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const database = await openDatabase({ dataDir: tmp });
  await database.migrate();
  await database.close();
  fs.writeFileSync(path.join(tmp, 'ready'), new Date().toISOString());
  try {
    fs.renameSync(tmp, dir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** A fresh, migrated data directory for the CLI or a test database (a copy of the template). */
export async function freshPgliteDataDir(): Promise<string> {
  const template = await pgliteTemplateDir();
  const dir = path.join(os.tmpdir(), `bb-test-db-${crypto.randomBytes(6).toString('hex')}`);
  fs.cpSync(template, dir, { recursive: true });
  return dir;
}

/**
 * Opens an empty, migrated database. On PGlite a copy of the migrated template (on disk, removed
 * by `drop()`); on PostgreSQL a new database is created from TEST_DATABASE_URL's server and
 * dropped by `drop()`. `url` is that database's URL (PostgreSQL only).
 */
export async function createTestDatabase(): Promise<{
  database: Database;
  drop: () => Promise<void>;
  url?: string;
}> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const dataDir = await freshPgliteDataDir();
    const database = await openDatabase({ dataDir });
    await database.migrate();
    return {
      database,
      async drop() {
        await database.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const name = `bb_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: u.toString(), dataDir: '', poolSize: 20 });
  await database.migrate();
  return {
    database,
    url: u.toString(),
    async drop() {
      await database.close();
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** A clock the test moves by hand. */
export class TestClock {
  constructor(private ms: number) {}
  now = (): Date => new Date(this.ms);
  set(iso: string | number): void {
    this.ms = typeof iso === 'number' ? iso : Date.parse(iso);
  }
  advance(minutes: number): void {
    this.ms += minutes * 60_000;
  }
}

/**
 * A small shop for tests, "test-cuts" in America/New_York: open 09:00–18:00 every day,
 * 30-minute slots, 60-minute lead time, 30-day horizon, 24-hour change window.
 * Barbers: "ana" (cut, beard; Mon–Sat 09:00–12:00 and 13:00–17:00), "ben" (cut only, with a
 * 45-minute cut at 4000; every day 09:00–18:00). Services: cut 30 min 3000, beard 15 min 1500
 * with 5 min buffer after, color 60 min (not bookable online).
 */
export function fixtureShop(overrides: Partial<ShopFileInput['locations'][number]> = {}): ShopFileInput {
  const all = [['09:00', '18:00']] as Array<[string, string]>;
  const ana = [
    ['09:00', '12:00'],
    ['13:00', '17:00'],
  ] as Array<[string, string]>;
  return {
    organization: { key: 'test-org', name: 'Test Org' },
    locations: [
      {
        slug: 'test-cuts',
        name: 'Test Cuts',
        timezone: 'America/New_York',
        currency: 'USD',
        phone: '+1 212 555 0199',
        address: '1 Test St, New York, NY',
        openingHours: { mon: all, tue: all, wed: all, thu: all, fri: all, sat: all, sun: all },
        policy: { slotIntervalMinutes: 30, leadTimeMinutes: 60, horizonDays: 30, changeWindowHours: 24 },
        services: [
          { key: 'cut', name: 'Cut', category: 'Hair', durationMinutes: 30, priceMinor: 3000 },
          {
            key: 'beard',
            name: 'Beard',
            category: 'Beard',
            durationMinutes: 15,
            priceMinor: 1500,
            bufferAfterMinutes: 5,
          },
          {
            key: 'color',
            name: 'Color',
            category: 'Hair',
            durationMinutes: 60,
            priceMinor: 8000,
            bookableOnline: false,
          },
        ],
        barbers: [
          {
            key: 'ana',
            name: 'Ana',
            services: ['cut', 'beard', 'color'],
            weeklyHours: { mon: ana, tue: ana, wed: ana, thu: ana, fri: ana, sat: ana },
          },
          {
            key: 'ben',
            name: 'Ben',
            services: [{ service: 'cut', durationMinutes: 45, priceMinor: 4000 }],
            weeklyHours: { mon: all, tue: all, wed: all, thu: all, fri: all, sat: all, sun: all },
          },
        ],
        ...overrides,
      },
    ],
  };
}

/** A configuration for tests: no rate limit unless asked, quiet logs, a temp data dir. */
export function testConfig(env: Record<string, string> = {}): Readonly<Config> {
  return loadConfig({
    DATA_DIR: path.join(os.tmpdir(), `bb-test-${crypto.randomBytes(4).toString('hex')}`),
    PUBLIC_URL: 'http://bookedbarber.test',
    RATE_LIMIT: 'off',
    LOG_LEVEL: 'silent',
    WEB_DIST: '/nonexistent',
    ...env,
  });
}

/** Everything a route test needs. */
export interface TestApp {
  app: FastifyInstance;
  runtime: Runtime;
  clock: TestClock;
  ids: { services: Record<string, string>; barbers: Record<string, string> };
  /** The test database's URL (PostgreSQL only), for a second app instance on the same database. */
  databaseUrl?: string;
  /** With `payments: true`: the Stripe-compatible test server the app pays through. */
  stripe?: FakeStripe;
  close(): Promise<void>;
}

/**
 * Builds the app on a fresh database with the fixture shop imported.
 * @param opts.now the starting instant (default Monday 2026-12-07 08:00 New York).
 */
export async function createTestApp(
  opts: {
    now?: string;
    env?: Record<string, string>;
    shop?: ShopFileInput;
    /** Pay through a Stripe-compatible test server (no webhook delivery: tests post them). */
    payments?: boolean;
  } = {},
): Promise<TestApp> {
  const { database, drop, url } = await createTestDatabase();
  const clock = new TestClock(Date.parse(opts.now ?? '2026-12-07T08:00:00-05:00'));
  const config = testConfig(opts.env);
  // Messages stay in the outbox until a test drains it, so tests can read what a transaction wrote
  // without racing the worker (which strips a message's body once it is sent).
  const runtime = await startRuntime(config, {
    now: clock.now,
    database,
    outboxIntervalMs: 0,
    wakeOutboxOnCommit: false,
    holdIntervalMs: 0,
    payments: opts.payments ? await startTestPayments(undefined) : null,
    reconcileIntervalMs: 0,
  });
  await importShop(database.db, parseShopFile(opts.shop ?? fixtureShop()));
  const catalog = await loadCatalog(database.db, (opts.shop ?? fixtureShop()).locations[0]!.slug);
  const app = await buildApp({ ctx: runtime.ctx });
  await app.ready();
  return {
    app,
    runtime,
    clock,
    ...(url ? { databaseUrl: url } : {}),
    ...(runtime.payments?.testServer ? { stripe: runtime.payments.testServer } : {}),
    ids: {
      services: Object.fromEntries(catalog.services.map((s) => [s.key, s.id])),
      barbers: Object.fromEntries(catalog.barbers.map((b) => [b.key, b.id])),
    },
    async close() {
      await app.close();
      await runtime.close();
      await runtime.payments?.close();
      await drop();
      if (!opts.env?.DATA_DIR) fs.rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}
