/**
 * Failed sign-ins (the per-account lock and the per-IP limit), no email enumeration, the password
 * rules, and password reset by an emailed single-use token (read from the outbox row).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { outbox, signInAttempts } from '../../../src/db/schema.ts';
import { expectProblem } from '../../support/api.ts';
import { createTestApp, type TestApp } from '../../support/harness.ts';
import {
  bearer,
  createStaff,
  emailsTo,
  loginRequest,
  mailedToken,
  signIn,
  type TestStaff,
} from '../../support/staff.ts';

let t: TestApp;
let desk: TestStaff;

beforeAll(async () => {
  t = await createTestApp();
  // Keep messages in the outbox with their bodies (delivery strips them) so tests read the links.
  await t.runtime.outbox.stop();
  desk = await createStaff(t, { email: 'desk@throttle.example', role: 'front_desk' });
});
afterAll(async () => t?.close());

/** The body of a problem without `instance` (the same for every sign-in). */
const bodyOf = (res: { json: () => unknown }) => res.json();

describe('the per-account lock', () => {
  it('locks after the fifth failure for a minute, refusing even the right password; then lets it in', async () => {
    const victim = await createStaff(t, { email: 'victim@throttle.example', role: 'front_desk' });
    for (let i = 0; i < 5; i++)
      expectProblem(
        await loginRequest(t, { email: victim.email, password: `wrong ${i}` }),
        401,
        'INVALID_CREDENTIALS',
      );
    const locked = await loginRequest(t, { email: victim.email, password: victim.password });
    const body = expectProblem(locked, 429, 'ACCOUNT_LOCKED');
    expect(locked.headers['retry-after']).toBe('60');
    expect(body.retryAfterSeconds).toBe(60);
    t.clock.advance(0.5);
    expect(
      (await loginRequest(t, { email: victim.email, password: victim.password })).headers['retry-after'],
    ).toBe('30');
    t.clock.advance(0.5);
    expect((await loginRequest(t, { email: victim.email, password: victim.password })).statusCode).toBe(200);
    // The success cleared the count: four more failures do not lock.
    for (let i = 0; i < 4; i++) await loginRequest(t, { email: victim.email, password: 'wrong' });
    expect((await loginRequest(t, { email: victim.email, password: victim.password })).statusCode).toBe(200);
  });

  it('doubles the lock with each further failure', async () => {
    const victim = await createStaff(t, { email: 'victim2@throttle.example', role: 'front_desk' });
    for (let i = 0; i < 5; i++) await loginRequest(t, { email: victim.email, password: 'wrong' });
    t.clock.advance(1);
    await loginRequest(t, { email: victim.email, password: 'wrong' });
    const res = await loginRequest(t, { email: victim.email, password: victim.password });
    expectProblem(res, 429, 'ACCOUNT_LOCKED');
    expect(res.headers['retry-after']).toBe('120');
  });

  it('counts wrong current passwords in a password change too', async () => {
    const victim = await createStaff(t, { email: 'victim3@throttle.example', role: 'front_desk' });
    const s = await signIn(t, victim);
    for (let i = 0; i < 5; i++)
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: bearer(s),
        payload: { currentPassword: 'guess', newPassword: 'whatever long enough' },
      });
    expectProblem(
      await loginRequest(t, { email: victim.email, password: victim.password }),
      429,
      'ACCOUNT_LOCKED',
    );
  });
});

describe('no email enumeration', () => {
  it('answers an unknown email exactly like a wrong password', async () => {
    const unknown = await loginRequest(t, { email: 'nobody@throttle.example', password: 'some password' });
    const wrong = await loginRequest(t, { email: desk.email, password: 'some password' });
    expectProblem(unknown, 401, 'INVALID_CREDENTIALS');
    expect(unknown.statusCode).toBe(wrong.statusCode);
    expect(bodyOf(unknown)).toEqual(bodyOf(wrong));
    expect(unknown.headers['content-type']).toBe(wrong.headers['content-type']);
    expect(unknown.body).not.toMatch(/nobody|exist|unknown|registered/i);
  });

  it('locks an unknown email exactly like a known one', async () => {
    const answers = async (email: string) => {
      const out = [];
      for (let i = 0; i < 6; i++) {
        const res = await loginRequest(t, { email, password: 'wrong password' });
        out.push({ status: res.statusCode, body: res.json(), retry: res.headers['retry-after'] });
      }
      return out;
    };
    const known = await createStaff(t, { email: 'known@throttle.example', role: 'front_desk' });
    expect(await answers('ghost@throttle.example')).toEqual(await answers(known.email));
  });

  it('stores failed attempts under a hash of the email, not the email', async () => {
    await loginRequest(t, { email: 'stored@throttle.example', password: 'wrong password' });
    const rows = await t.runtime.database.db.select().from(signInAttempts);
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain('@');
  });

  it('answers a deactivated account like a wrong password', async () => {
    const gone = await createStaff(t, { email: 'gone@throttle.example', role: 'front_desk' });
    const { users } = await import('../../../src/db/schema.ts');
    await t.runtime.database.db.update(users).set({ active: false }).where(eq(users.id, gone.userId));
    const res = await loginRequest(t, { email: gone.email, password: gone.password });
    const wrong = await loginRequest(t, { email: desk.email, password: 'nope nope' });
    expect(bodyOf(res)).toEqual(bodyOf(wrong));
  });
});

describe('the per-IP limit', () => {
  it('refuses the next sign-in from an IP over AUTH_RATE_LIMIT_MAX with 429 RATE_LIMITED; other IPs go on', async () => {
    const limited = await createTestApp({ env: { RATE_LIMIT: 'on', AUTH_RATE_LIMIT_MAX: '3' } });
    try {
      const s = await createStaff(limited, { email: 'desk@ip.example', role: 'front_desk' });
      for (let i = 0; i < 3; i++)
        expect(
          (
            await loginRequest(
              limited,
              { email: s.email, password: s.password },
              { remoteAddress: '203.0.113.9' },
            )
          ).statusCode,
        ).toBe(200);
      const over = await loginRequest(
        limited,
        { email: s.email, password: s.password },
        { remoteAddress: '203.0.113.9' },
      );
      expect(expectProblem(over, 429, 'RATE_LIMITED').detail).toMatch(/Too many attempts/);
      expect(over.headers['retry-after']).toBeDefined();
      const other = await loginRequest(
        limited,
        { email: s.email, password: s.password },
        { remoteAddress: '198.51.100.7' },
      );
      expect(other.statusCode).toBe(200);
      // The reset request has its own counter, per IP.
      const reset = await limited.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset/request',
        payload: { email: s.email },
        remoteAddress: '203.0.113.9',
      });
      expect(reset.statusCode).toBe(202);
    } finally {
      await limited.close();
    }
  });
});

describe('password reset', () => {
  const request = (email: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/request', payload: { email } });
  const confirm = (token: string, password: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password },
    });

  it('always answers 202, and mails only an existing account', async () => {
    const [before] = await t.runtime.database.db.select({ n: count() }).from(outbox);
    const unknown = await request('nobody-here@throttle.example');
    expect(unknown.statusCode).toBe(202);
    expect(unknown.json()).toEqual({ status: 'accepted' });
    const [after] = await t.runtime.database.db.select({ n: count() }).from(outbox);
    expect(after!.n).toBe(before!.n);

    const known = await request(desk.email.toUpperCase());
    expect(known.statusCode).toBe(202);
    expect(known.body).toBe(unknown.body);
    const mails = await emailsTo(t, desk.email);
    expect(mails.at(-1)!.subject).toMatch(/Reset your BookedBarber password/);
    expect(mails.at(-1)!.text).toContain('http://bookedbarber.test/app/reset-password#token=bbt_');
  });

  it('sets a new password once with the token, ends every session and lifts a lock', async () => {
    const staff = await createStaff(t, { email: 'forgetful@throttle.example', role: 'front_desk' });
    const s = await signIn(t, staff);
    for (let i = 0; i < 5; i++) await loginRequest(t, { email: staff.email, password: 'wrong' });
    expectProblem(
      await loginRequest(t, { email: staff.email, password: staff.password }),
      429,
      'ACCOUNT_LOCKED',
    );

    expect((await request(staff.email)).statusCode).toBe(202);
    const token = await mailedToken(t, staff.email, 'reset-password');

    // A password that breaks the rules names the field and leaves the token usable.
    const weak = expectProblem(await confirm(token, 'password1'), 422, 'VALIDATION_FAILED');
    expect(weak.errors).toEqual([{ field: 'password', message: expect.stringMatching(/common/) }]);

    const ok = await confirm(token, 'my new long password');
    expect(ok.statusCode, ok.body).toBe(204);
    expectProblem(await t.app.inject({ url: '/api/v1/me', headers: bearer(s) }), 401, 'UNAUTHENTICATED');
    expect((await loginRequest(t, { email: staff.email, password: 'my new long password' })).statusCode).toBe(
      200,
    );
    expectProblem(
      await loginRequest(t, { email: staff.email, password: staff.password }),
      401,
      'INVALID_CREDENTIALS',
    );

    // Single use.
    const again = expectProblem(await confirm(token, 'yet another password'), 422, 'VALIDATION_FAILED');
    expect(again.errors).toEqual([{ field: 'token', message: expect.any(String) }]);
  });

  it('expires after an hour', async () => {
    const staff = await createStaff(t, { email: 'slow@throttle.example', role: 'front_desk' });
    await request(staff.email);
    const token = await mailedToken(t, staff.email, 'reset-password');
    t.clock.advance(61);
    expectProblem(await confirm(token, 'my new long password'), 422, 'VALIDATION_FAILED');
  });

  it('a newer request replaces the older link; a second request within a minute mails nothing more', async () => {
    const staff = await createStaff(t, { email: 'twice@throttle.example', role: 'front_desk' });
    await request(staff.email);
    const first = await mailedToken(t, staff.email, 'reset-password');
    await request(staff.email);
    expect(await emailsTo(t, staff.email)).toHaveLength(1);
    t.clock.advance(2);
    await request(staff.email);
    const second = await mailedToken(t, staff.email, 'reset-password');
    expect(second).not.toBe(first);
    expectProblem(await confirm(first, 'my new long password'), 422, 'VALIDATION_FAILED');
    expect((await confirm(second, 'my new long password')).statusCode).toBe(204);
  });

  it('refuses an unknown token and names bad fields', async () => {
    expectProblem(await confirm('bbt_unknown', 'my new long password'), 422, 'VALIDATION_FAILED');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/request',
      payload: { email: 'not-an-email' },
    });
    expect(expectProblem(res, 422, 'VALIDATION_FAILED').errors!.map((e) => e.field)).toEqual(['email']);
  });
});

describe('password rules', () => {
  it.each([
    ['seven characters', 'abcdefg', /at least 8/],
    ['129 characters', 'x'.repeat(129), /at most 128/],
    ['a common password', 'iloveyou', /common/],
    ['a common password in capitals', 'QWERTY123', /common/],
    ['the product name', 'BookedBarber', /common/],
  ])('refuses %s', async (_name, password, message) => {
    const staff = await createStaff(t, {
      email: `rules-${Math.random()}@throttle.example`,
      role: 'front_desk',
    });
    const s = await signIn(t, staff);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: bearer(s),
      payload: { currentPassword: staff.password, newPassword: password },
    });
    expect(expectProblem(res, 422, 'VALIDATION_FAILED').errors).toEqual([
      { field: 'newPassword', message: expect.stringMatching(message) },
    ]);
  });

  it.each([
    ['8 characters', 'k9#mQ2!z'],
    ['128 characters', 'long '.repeat(25) + 'end'],
    ['a passphrase with spaces and accents', 'crème brûlée au café'],
  ])('accepts %s', async (_name, password) => {
    const staff = await createStaff(t, { email: `ok-${Math.random()}@throttle.example`, role: 'front_desk' });
    const s = await signIn(t, staff);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: bearer(s),
      payload: { currentPassword: staff.password, newPassword: password },
    });
    expect(res.statusCode, res.body).toBe(204);
  });
});
