/**
 * Two-factor sign-in (src/services/mfa.service.ts): enrolment, the requirement for owners and
 * managers (an "enrolment required" session), codes made here with otpauth at the test clock's
 * time, replay refusal, single-use recovery codes, and the encrypted secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { ENROLMENT_SESSION_MAX_MS } from '@bookedbarber/core';
import { auditLog, users } from '../../../src/db/schema.ts';
import { expectProblem } from '../../support/api.ts';
import { createTestApp, type TestApp } from '../../support/harness.ts';
import {
  bearer,
  createStaff,
  locationId,
  loginRequest,
  signIn,
  totpCode,
  type TestStaff,
} from '../../support/staff.ts';

let t: TestApp;
let loc: string;

beforeAll(async () => {
  t = await createTestApp();
  loc = await locationId(t);
});
afterAll(async () => t?.close());

const me = (headers: Record<string, string>) => t.app.inject({ url: '/api/v1/me', headers });
const staffList = (headers: Record<string, string>) =>
  t.app.inject({ url: `/api/v1/locations/${loc}/staff`, headers });
const setup = (headers: Record<string, string>) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/totp/setup', headers });
const confirm = (headers: Record<string, string>, code: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/totp/confirm', headers, payload: { code } });

/** Enrols a signed-in account; returns the secret and the recovery codes. */
async function enrol(headers: Record<string, string>) {
  const s = await setup(headers);
  expect(s.statusCode, s.body).toBe(200);
  const { secret } = s.json() as { secret: string };
  const c = await confirm(headers, totpCode(t, secret));
  expect(c.statusCode, c.body).toBe(200);
  return { secret, recoveryCodes: (c.json() as { recoveryCodes: string[] }).recoveryCodes };
}

describe('owners and managers must enrol', () => {
  let owner: TestStaff;

  beforeAll(async () => {
    owner = await createStaff(t, { email: 'owner@mfa.example', role: 'owner', totp: false });
  });

  it('signs an owner without two-factor in with a limited "enrolment required" session', async () => {
    const s = await signIn(t, owner);
    expect(s.mfaEnrolmentRequired).toBe(true);
    const res = await me(bearer(s));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ mfaEnrolmentRequired: true, user: { totpEnabled: false } });
  });

  it('lets the limited session do nothing else (403 MFA_REQUIRED, mfa: enrolment)', async () => {
    const s = await signIn(t, owner);
    const body = expectProblem(await staffList(bearer(s)), 403, 'MFA_REQUIRED');
    expect(body.mfa).toBe('enrolment');
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: bearer(s),
        payload: { currentPassword: owner.password, newPassword: 'something else entirely' },
      }),
      403,
      'MFA_REQUIRED',
    );
    expectProblem(
      await t.app.inject({ url: '/api/v1/organizations/current/audit', headers: bearer(s) }),
      403,
      'MFA_REQUIRED',
    );
  });

  it('ends an enrolment session after an hour', async () => {
    const s = await signIn(t, owner);
    t.clock.advance(ENROLMENT_SESSION_MAX_MS / 60_000 + 1);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: s.refreshToken },
    });
    expectProblem(res, 401, 'UNAUTHENTICATED');
  });

  it('enrols: setup gives a secret and an otpauth URI; confirm gives 10 recovery codes and lifts the limit', async () => {
    const s = await signIn(t, owner);
    const res = await setup(bearer(s));
    expect(res.statusCode, res.body).toBe(200);
    const { secret, otpauthUri } = res.json() as { secret: string; otpauthUri: string };
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('BookedBarber');
    expect(decodeURIComponent(uri.pathname)).toContain(owner.email);

    // A wrong code names the field and changes nothing.
    const wrong = expectProblem(await confirm(bearer(s), '000000'), 422, 'VALIDATION_FAILED');
    expect(wrong.errors).toEqual([{ field: 'code', message: expect.any(String) }]);
    expect(expectProblem(await staffList(bearer(s)), 403, 'MFA_REQUIRED')).toBeDefined();

    const ok = await confirm(bearer(s), totpCode(t, secret));
    expect(ok.statusCode, ok.body).toBe(200);
    const { recoveryCodes } = ok.json() as { recoveryCodes: string[] };
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const c of recoveryCodes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);

    // The same session is now a full one.
    expect((await staffList(bearer(s))).statusCode).toBe(200);
    expect((await me(bearer(s))).json()).toMatchObject({
      mfaEnrolmentRequired: false,
      user: { totpEnabled: true },
    });

    // Stored: the secret encrypted (not the base32 text), recovery codes hashed.
    const [row] = await t.runtime.database.db.select().from(users).where(eq(users.id, owner.userId));
    expect(row!.totpSecret).toMatch(/^v1\./);
    expect(row!.totpSecret).not.toContain(secret);
    expect(t.runtime.ctx.secrets.keyring.decrypt(row!.totpSecret!, `users.totp_secret:${owner.userId}`)).toBe(
      secret,
    );
    expect(row!.totpPendingSecret).toBeNull();
    expect(row!.recoveryCodeHashes).toHaveLength(10);
    for (const c of recoveryCodes) expect(JSON.stringify(row)).not.toContain(c);

    const audit = await t.runtime.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'user.totp_enrolled'));
    expect(audit.map((a) => a.entityId)).toContain(owner.userId);

    owner.totpSecret = secret;
    (owner as TestStaff & { recoveryCodes?: string[] }).recoveryCodes = recoveryCodes;
  });

  it('then asks for the code at sign-in (403 MFA_REQUIRED, mfa: code) and refuses a wrong one (401)', async () => {
    const noCode = expectProblem(
      await loginRequest(t, { email: owner.email, password: owner.password }),
      403,
      'MFA_REQUIRED',
    );
    expect(noCode.mfa).toBe('code');
    expectProblem(
      await loginRequest(t, { email: owner.email, password: owner.password, totp: '123456' }),
      401,
      'INVALID_CREDENTIALS',
    );
  });

  it('refuses a wrong password before asking for the code', async () => {
    expectProblem(
      await loginRequest(t, { email: owner.email, password: 'not the password' }),
      401,
      'INVALID_CREDENTIALS',
    );
  });

  it('accepts the current code once: the same code again is refused (replay)', async () => {
    t.clock.advance(1);
    const code = totpCode(t, owner.totpSecret!);
    const first = await loginRequest(t, { email: owner.email, password: owner.password, totp: code });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().mfaEnrolmentRequired).toBe(false);
    expectProblem(
      await loginRequest(t, { email: owner.email, password: owner.password, totp: code }),
      401,
      'INVALID_CREDENTIALS',
    );
    t.clock.advance(0.5);
    const next = await loginRequest(t, {
      email: owner.email,
      password: owner.password,
      totp: totpCode(t, owner.totpSecret!),
    });
    expect(next.statusCode, next.body).toBe(200);
  });

  it('accepts the previous 30-second code (clock drift) but not one from two minutes ago', async () => {
    t.clock.advance(1);
    const old = new Date(t.clock.now().getTime() - 120_000);
    expectProblem(
      await loginRequest(t, {
        email: owner.email,
        password: owner.password,
        totp: totpCode(t, owner.totpSecret!, old),
      }),
      401,
      'INVALID_CREDENTIALS',
    );
    const previous = new Date(t.clock.now().getTime() - 30_000);
    const res = await loginRequest(t, {
      email: owner.email,
      password: owner.password,
      totp: totpCode(t, owner.totpSecret!, previous),
    });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('signs in with a recovery code once (any case, with or without the dash)', async () => {
    const codes = (owner as TestStaff & { recoveryCodes: string[] }).recoveryCodes;
    const typed = codes[0]!.toUpperCase().replace('-', ' ');
    const res = await loginRequest(t, { email: owner.email, password: owner.password, recoveryCode: typed });
    expect(res.statusCode, res.body).toBe(200);
    expectProblem(
      await loginRequest(t, { email: owner.email, password: owner.password, recoveryCode: codes[0] }),
      401,
      'INVALID_CREDENTIALS',
    );
    expect(
      (await loginRequest(t, { email: owner.email, password: owner.password, recoveryCode: codes[1] }))
        .statusCode,
    ).toBe(200);
    const [row] = await t.runtime.database.db.select().from(users).where(eq(users.id, owner.userId));
    expect(row!.recoveryCodeHashes).toHaveLength(8);
    const audit = await t.runtime.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'user.recovery_code_used'));
    expect(audit.at(-1)!.after).toEqual({ recoveryCodesLeft: 8 });
  });

  it('refuses a second setup once two-factor is on (409)', async () => {
    const s = await signIn(t, owner);
    expectProblem(await setup(bearer(s)), 409, 'INVALID_STATE');
  });

  it('refuses confirm without a setup first (409)', async () => {
    const manager = await createStaff(t, { email: 'manager@mfa.example', role: 'manager', totp: false });
    const s = await signIn(t, manager);
    expect(s.mfaEnrolmentRequired).toBe(true);
    expectProblem(await confirm(bearer(s), '123456'), 409, 'INVALID_STATE');
  });
});

describe('front desk and barbers may enrol', () => {
  it('signs them in without two-factor with a full session', async () => {
    const desk = await createStaff(t, { email: 'desk@mfa.example', role: 'front_desk' });
    const s = await signIn(t, desk);
    expect(s.mfaEnrolmentRequired).toBe(false);
  });

  it('asks for the code once they have enrolled', async () => {
    const barber = await createStaff(t, {
      email: 'ana@mfa.example',
      role: 'barber',
      barberId: t.ids.barbers.ana,
    });
    const s = await signIn(t, barber);
    const { secret } = await enrol(bearer(s));
    expectProblem(
      await loginRequest(t, { email: barber.email, password: barber.password }),
      403,
      'MFA_REQUIRED',
    );
    t.clock.advance(0.5);
    const res = await loginRequest(t, {
      email: barber.email,
      password: barber.password,
      totp: totpCode(t, secret),
    });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('a second setup before confirming replaces the pending secret', async () => {
    const desk = await createStaff(t, { email: 'desk2@mfa.example', role: 'front_desk' });
    const s = await signIn(t, desk);
    const first = (await setup(bearer(s))).json() as { secret: string };
    const second = (await setup(bearer(s))).json() as { secret: string };
    expect(second.secret).not.toBe(first.secret);
    expectProblem(await confirm(bearer(s), totpCode(t, first.secret)), 422, 'VALIDATION_FAILED');
    expect((await confirm(bearer(s), totpCode(t, second.secret))).statusCode).toBe(200);
  });
});
