/**
 * Helpers for staff and sign-in tests: accounts made straight in the database (fast), sign-in
 * through the API, TOTP codes at the test clock's time, cookies and CSRF tokens.
 */
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { eq } from 'drizzle-orm';
import type { StaffRole } from '@bookedbarber/core';
import { locations, outbox } from '../../src/db/schema.ts';
import { upsertRole } from '../../src/repositories/staff.repository.ts';
import { insertUser, updateUser } from '../../src/repositories/user.repository.ts';
import { hashPassword } from '../../src/security/passwords.ts';
import type { TestApp } from './harness.ts';

/** An account made for a test. */
export interface TestStaff {
  userId: string;
  email: string;
  password: string;
  name: string;
  /** Base32 TOTP secret when two-factor is on. */
  totpSecret?: string;
}

/** The id of a location by slug. */
export async function locationId(t: TestApp, slug = 'test-cuts'): Promise<string> {
  const [row] = await t.runtime.database.db
    .select({ id: locations.id, org: locations.organizationId })
    .from(locations)
    .where(eq(locations.slug, slug));
  return row!.id;
}

/** The organization id of a location by slug. */
export async function organizationId(t: TestApp, slug = 'test-cuts'): Promise<string> {
  const [row] = await t.runtime.database.db
    .select({ org: locations.organizationId })
    .from(locations)
    .where(eq(locations.slug, slug));
  return row!.org;
}

/**
 * Creates an account with a role at a location, straight in the database.
 * @param opts.totp turn two-factor on (default: on for owners and managers, so they can act).
 * @param opts.barberId link to a barber profile.
 */
export async function createStaff(
  t: TestApp,
  opts: {
    email: string;
    role: StaffRole;
    name?: string;
    password?: string;
    slug?: string;
    barberId?: string | null;
    totp?: boolean;
  },
): Promise<TestStaff> {
  const db = t.runtime.database.db;
  const password = opts.password ?? 'correct horse battery';
  const name = opts.name ?? opts.email.split('@')[0]!;
  const now = t.clock.now();
  const [loc] = await db
    .select({ id: locations.id, org: locations.organizationId })
    .from(locations)
    .where(eq(locations.slug, opts.slug ?? 'test-cuts'));
  const userId = await insertUser(db, {
    email: opts.email,
    name,
    passwordHash: await hashPassword(password),
    now,
  });
  await upsertRole(db, {
    userId,
    organizationId: loc!.org,
    locationId: loc!.id,
    role: opts.role,
    barberId: opts.barberId ?? null,
    now,
  });
  const staff: TestStaff = { userId, email: opts.email, password, name };
  if (opts.totp ?? (opts.role === 'owner' || opts.role === 'manager')) {
    const secret = new Secret({ size: 20 }).base32;
    await updateUser(db, userId, {
      totpSecret: t.runtime.ctx.secrets.keyring.encrypt(secret, `users.totp_secret:${userId}`),
      totpEnabledAt: now,
    });
    staff.totpSecret = secret;
  }
  return staff;
}

/** The TOTP code of a secret at the test clock's time (or `at`). */
export function totpCode(t: TestApp, secret: string, at?: Date): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: (at ?? t.clock.now()).getTime(),
  });
}

/** POST /api/v1/auth/login. */
export function loginRequest(
  t: TestApp,
  body: Record<string, unknown>,
  opts: { remoteAddress?: string; headers?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: body,
    remoteAddress: opts.remoteAddress,
    headers: opts.headers,
  });
}

/** Tokens of a bearer-mode sign-in. */
export interface BearerSession {
  accessToken: string;
  refreshToken: string;
  mfaEnrolmentRequired: boolean;
  accessTokenExpiresAt: string;
  refreshTokenExpiresAt: string;
}

/**
 * Signs in through the API in bearer mode (with the current TOTP code when the account has one).
 * Moves the test clock 30 s forward after a TOTP sign-in, so the next one gets a fresh code.
 */
export async function signIn(t: TestApp, staff: TestStaff): Promise<BearerSession> {
  const body: Record<string, unknown> = { email: staff.email, password: staff.password };
  if (staff.totpSecret) body.totp = totpCode(t, staff.totpSecret);
  const res = await loginRequest(t, body);
  expect(res.statusCode, res.body).toBe(200);
  if (staff.totpSecret) t.clock.advance(0.5);
  return res.json() as BearerSession;
}

/** The Authorization header of a bearer session. */
export function bearer(s: { accessToken: string } | string): Record<string, string> {
  return { authorization: `Bearer ${typeof s === 'string' ? s : s.accessToken}` };
}

/** The cookies a response sets, by name (value and attributes). */
export function setCookies(res: LightMyRequestResponse): Record<string, { value: string; attrs: string }> {
  const raw = res.headers['set-cookie'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return Object.fromEntries(
    list.map((c) => {
      const [pair, ...attrs] = c.split(';');
      const i = pair!.indexOf('=');
      return [pair!.slice(0, i).trim(), { value: pair!.slice(i + 1), attrs: attrs.join(';').trim() }];
    }),
  );
}

/** A browser's cookie jar for one test: keeps what responses set, sends it back as a Cookie header. */
export class CookieJar {
  private readonly jar = new Map<string, string>();

  /** Stores the cookies a response sets (an empty value or Max-Age=0 removes one). */
  take(res: LightMyRequestResponse): void {
    for (const [name, { value, attrs }] of Object.entries(setCookies(res))) {
      if (value === '' || /max-age=0/i.test(attrs) || /expires=thu, 01 jan 1970/i.test(attrs))
        this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  /** The Cookie header (empty object when the jar is empty). */
  header(): Record<string, string> {
    if (this.jar.size === 0) return {};
    return { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  /** Whether the jar holds a cookie. */
  has(name: string): boolean {
    return this.jar.has(name);
  }
}

/** The emails in the outbox to an address, oldest first (payload as written). */
export async function emailsTo(
  t: TestApp,
  address: string,
): Promise<Array<{ subject: string; text: string }>> {
  const rows = await t.runtime.database.db.select().from(outbox).orderBy(outbox.createdAt);
  return rows
    .map((r) => r.payload as { to: string; subject: string; text: string })
    .filter((p) => p.to.toLowerCase() === address.toLowerCase());
}

/** The token in the newest link of this kind (`reset-password` or `invite`) mailed to an address. */
export async function mailedToken(
  t: TestApp,
  address: string,
  kind: 'reset-password' | 'invite',
): Promise<string> {
  const mails = await emailsTo(t, address);
  for (const m of mails.reverse()) {
    const match = new RegExp(`/app/${kind}#token=([A-Za-z0-9_-]+)`).exec(m.text);
    if (match) return match[1]!;
  }
  throw new Error(`No ${kind} link mailed to ${address}`);
}
