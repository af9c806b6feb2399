/**
 * Sessions (src/services/auth.service.ts, src/http/routes/auth/auth.routes.ts): sign-in in bearer
 * and cookie mode, refresh rotation, reuse detection, logout, expiry by the clock, CSRF for
 * cookie-authenticated writes, password change ending the other sessions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { ACCESS_TOKEN_TTL_MS, REFRESH_TOKEN_TTL_MS, SESSION_FAMILY_MAX_MS } from '@bookedbarber/core';
import { sessions } from '../../../src/db/schema.ts';
import { hashToken } from '../../../src/security/tokens.ts';
import { expectProblem } from '../../support/api.ts';
import { createTestApp, type TestApp } from '../../support/harness.ts';
import {
  bearer,
  CookieJar,
  createStaff,
  loginRequest,
  setCookies,
  signIn,
  type TestStaff,
} from '../../support/staff.ts';

let t: TestApp;
let desk: TestStaff;
let barber: TestStaff;

beforeAll(async () => {
  t = await createTestApp();
  desk = await createStaff(t, { email: 'desk@test.example', role: 'front_desk' });
  barber = await createStaff(t, { email: 'ben@test.example', role: 'barber', barberId: t.ids.barbers.ben });
});
afterAll(async () => t?.close());

const me = (headers: Record<string, string>) => t.app.inject({ url: '/api/v1/me', headers });
const refresh = (payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: payload as object, headers });

describe('sign-in (bearer mode)', () => {
  it('answers an access token (15 minutes), a refresh token and the user, and no cookies', async () => {
    const res = await loginRequest(t, { email: desk.email, password: desk.password });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      user: { email: desk.email, name: desk.name, totpEnabled: false },
      mfaEnrolmentRequired: false,
      tokenType: 'Bearer',
    });
    expect(body.accessToken).toMatch(/^bba_[A-Za-z0-9_-]{43}$/);
    expect(body.refreshToken).toMatch(/^bbr_[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(body.accessTokenExpiresAt)).toBe(t.clock.now().getTime() + ACCESS_TOKEN_TTL_MS);
    expect(Date.parse(body.refreshTokenExpiresAt)).toBe(t.clock.now().getTime() + REFRESH_TOKEN_TTL_MS);
    expect(body.csrfToken).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('stores only hashes of the tokens', async () => {
    const s = await signIn(t, desk);
    const [row] = await t.runtime.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.accessTokenHash, hashToken(s.accessToken)));
    expect(row).toBeDefined();
    expect(row!.refreshTokenHash).toBe(hashToken(s.refreshToken));
    expect(JSON.stringify(row)).not.toContain(s.accessToken.slice(4));
    expect(JSON.stringify(row)).not.toContain(s.refreshToken.slice(4));
  });

  it('matches the email whatever its case and spaces', async () => {
    const res = await loginRequest(t, { email: '  DESK@Test.Example ', password: desk.password });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('GET /me answers the user and their role per location', async () => {
    const s = await signIn(t, barber);
    const res = await me(bearer(s));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      user: { id: barber.userId, email: barber.email, name: barber.name, totpEnabled: false },
      mfaEnrolmentRequired: false,
      roles: [
        {
          organizationId: expect.any(String),
          organizationName: 'Test Org',
          locationId: expect.any(String),
          locationSlug: 'test-cuts',
          locationName: 'Test Cuts',
          role: 'barber',
          barberId: t.ids.barbers.ben,
        },
      ],
    });
  });

  it('refuses /me without a token, with a malformed header, or with an unknown token (401, WWW-Authenticate)', async () => {
    for (const headers of [{}, { authorization: 'Basic abc' }, bearer('bba_nope')]) {
      const res = await me(headers);
      expectProblem(res, 401, 'UNAUTHENTICATED');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('names the bad fields of a sign-in form', async () => {
    const res = await loginRequest(t, { email: 'not an email', password: '', totp: '12' });
    const body = expectProblem(res, 422, 'VALIDATION_FAILED');
    expect(body.errors!.map((e) => e.field).sort()).toEqual(['email', 'password', 'totp']);
  });
});

describe('refresh', () => {
  it('rotates: a new pair, the old refresh token spent and the old access token ended', async () => {
    const s1 = await signIn(t, desk);
    t.clock.advance(1);
    const res = await refresh({ refreshToken: s1.refreshToken });
    expect(res.statusCode, res.body).toBe(200);
    const s2 = res.json();
    expect(s2.accessToken).not.toBe(s1.accessToken);
    expect(s2.refreshToken).not.toBe(s1.refreshToken);
    expect((await me(bearer(s2))).statusCode).toBe(200);
    expectProblem(await me(bearer(s1)), 401, 'UNAUTHENTICATED');
  });

  it('reuse of a spent refresh token ends the whole family, including the newest tokens', async () => {
    const s1 = await signIn(t, desk);
    const s2 = (await refresh({ refreshToken: s1.refreshToken })).json();
    const s3 = (await refresh({ refreshToken: s2.refreshToken })).json();
    expect((await me(bearer(s3))).statusCode).toBe(200);
    // An attacker (or a stale client) presents s1's refresh token again.
    expectProblem(await refresh({ refreshToken: s1.refreshToken }), 401, 'UNAUTHENTICATED');
    expectProblem(await me(bearer(s3)), 401, 'UNAUTHENTICATED');
    expectProblem(await refresh({ refreshToken: s3.refreshToken }), 401, 'UNAUTHENTICATED');
    const rows = await t.runtime.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.refreshTokenHash, hashToken(s3.refreshToken)));
    expect(rows[0]!.revokedReason).toBe('refresh_reuse');
  });

  it('leaves other sign-ins of the same user alone when one family is revoked', async () => {
    const a = await signIn(t, desk);
    const b = await signIn(t, desk);
    await refresh({ refreshToken: a.refreshToken });
    await refresh({ refreshToken: a.refreshToken });
    expect((await me(bearer(b))).statusCode).toBe(200);
  });

  it('refuses an unknown refresh token and a missing one', async () => {
    expectProblem(await refresh({ refreshToken: 'bbr_unknown' }), 401, 'UNAUTHENTICATED');
    expectProblem(await refresh({}), 401, 'UNAUTHENTICATED');
  });
});

describe('expiry by the clock', () => {
  it('ends the access token after 15 minutes; refresh still works', async () => {
    const s = await signIn(t, desk);
    t.clock.advance(14);
    expect((await me(bearer(s))).statusCode).toBe(200);
    t.clock.advance(1);
    expectProblem(await me(bearer(s)), 401, 'UNAUTHENTICATED');
    const res = await refresh({ refreshToken: s.refreshToken });
    expect(res.statusCode, res.body).toBe(200);
    expect((await me(bearer(res.json()))).statusCode).toBe(200);
  });

  it('ends an unused refresh token after 14 days', async () => {
    const s = await signIn(t, desk);
    t.clock.advance(REFRESH_TOKEN_TTL_MS / 60_000 + 1);
    expectProblem(await refresh({ refreshToken: s.refreshToken }), 401, 'UNAUTHENTICATED');
  });

  it('ends the family after 30 days even when refreshed every day', async () => {
    let s = await signIn(t, desk);
    const started = t.clock.now().getTime();
    while (t.clock.now().getTime() + 86_400_000 < started + SESSION_FAMILY_MAX_MS) {
      t.clock.advance(24 * 60);
      const res = await refresh({ refreshToken: s.refreshToken });
      expect(res.statusCode, res.body).toBe(200);
      s = res.json();
      expect(Date.parse(s.refreshTokenExpiresAt)).toBeLessThanOrEqual(started + SESSION_FAMILY_MAX_MS);
    }
    t.clock.set(started + SESSION_FAMILY_MAX_MS);
    expectProblem(await refresh({ refreshToken: s.refreshToken }), 401, 'UNAUTHENTICATED');
  });
});

describe('logout', () => {
  it('ends the session server-side (access and refresh tokens) and answers 204', async () => {
    const s = await signIn(t, desk);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(s) });
    expect(res.statusCode, res.body).toBe(204);
    expect(res.body).toBe('');
    expectProblem(await me(bearer(s)), 401, 'UNAUTHENTICATED');
    expectProblem(await refresh({ refreshToken: s.refreshToken }), 401, 'UNAUTHENTICATED');
  });

  it('works with the refresh token alone (the access token has expired)', async () => {
    const s = await signIn(t, desk);
    t.clock.advance(20);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      payload: { refreshToken: s.refreshToken },
    });
    expect(res.statusCode, res.body).toBe(204);
    expectProblem(await refresh({ refreshToken: s.refreshToken }), 401, 'UNAUTHENTICATED');
  });

  it('is 401 with nothing to end', async () => {
    expectProblem(await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout' }), 401, 'UNAUTHENTICATED');
  });
});

describe('cookie mode (the web app)', () => {
  /** What the web app does: GET /auth/csrf (sets the secret cookie), then sign in with the token. */
  async function cookieSignIn(jar: CookieJar, staff: TestStaff, app = t) {
    const csrf = await app.app.inject({ url: '/api/v1/auth/csrf', headers: jar.header() });
    jar.take(csrf);
    const res = await loginRequest(
      app,
      { email: staff.email, password: staff.password, session: 'cookie' },
      { headers: { ...jar.header(), 'x-csrf-token': csrf.json().csrfToken } },
    );
    expect(res.statusCode, res.body).toBe(200);
    jar.take(res);
    return res;
  }

  it('refuses a cookie-mode sign-in without the CSRF token of GET /auth/csrf (login CSRF)', async () => {
    expectProblem(
      await loginRequest(t, { email: desk.email, password: desk.password, session: 'cookie' }),
      403,
      'FORBIDDEN',
    );
  });

  it('sets httpOnly SameSite=Strict cookies, no tokens in the body, and a CSRF token', async () => {
    const csrf = setCookies(await t.app.inject({ url: '/api/v1/auth/csrf' })).bb_csrf!;
    expect(csrf.attrs).toMatch(/HttpOnly/);
    expect(csrf.attrs).toMatch(/SameSite=Strict/);
    // Signed with AUTH_SECRET: "<secret>.<signature>".
    expect(decodeURIComponent(csrf.value)).toMatch(/^[^.]+\.[^.]+$/);
    const res = await cookieSignIn(new CookieJar(), desk);
    const body = res.json();
    expect(body.accessToken).toBeUndefined();
    expect(body.refreshToken).toBeUndefined();
    expect(body.csrfToken).toEqual(expect.any(String));
    const cookies = setCookies(res);
    expect(Object.keys(cookies).sort()).toEqual(['bb_access', 'bb_refresh']);
    for (const c of Object.values(cookies)) {
      expect(c.attrs).toMatch(/HttpOnly/);
      expect(c.attrs).toMatch(/SameSite=Strict/);
      // PUBLIC_URL is http in the test config.
      expect(c.attrs).not.toMatch(/Secure/);
    }
    expect(cookies.bb_access!.attrs).toMatch(/Path=\/(;|$)/);
    expect(cookies.bb_access!.attrs).toMatch(/Max-Age=900/);
    expect(cookies.bb_refresh!.attrs).toMatch(/Path=\/api\/v1\/auth/);
  });

  it('authenticates GET requests by cookie', async () => {
    const jar = new CookieJar();
    await cookieSignIn(jar, desk);
    const res = await me(jar.header());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user.email).toBe(desk.email);
  });

  it('refuses a cookie-authenticated POST without the CSRF token or with a wrong one (403), accepts it with', async () => {
    const jar = new CookieJar();
    const { csrfToken } = (await cookieSignIn(jar, desk)).json();
    const change = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: { ...jar.header(), ...headers },
        payload: { currentPassword: 'wrong password', newPassword: 'another good one' },
      });
    expectProblem(await change({}), 403, 'FORBIDDEN');
    expectProblem(await change({ 'x-csrf-token': 'forged' }), 403, 'FORBIDDEN');
    // With the token the request goes through to the service (which refuses the wrong password).
    const ok = await change({ 'x-csrf-token': csrfToken });
    expect(ok.json().errors).toEqual([{ field: 'currentPassword', message: expect.any(String) }]);
  });

  it('refuses a CSRF token issued for another browser (another secret cookie)', async () => {
    const jar = new CookieJar();
    await cookieSignIn(jar, desk);
    const other = (await cookieSignIn(new CookieJar(), desk)).json();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { ...jar.header(), 'x-csrf-token': other.csrfToken },
    });
    expectProblem(res, 403, 'FORBIDDEN');
  });

  it('refreshes from the cookie with the CSRF token, rotating the cookies', async () => {
    const jar = new CookieJar();
    const { csrfToken } = (await cookieSignIn(jar, desk)).json();
    expectProblem(
      await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', headers: jar.header() }),
      403,
      'FORBIDDEN',
    );
    t.clock.advance(16);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      headers: { ...jar.header(), 'x-csrf-token': csrfToken },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().csrfToken).toEqual(expect.any(String));
    jar.take(res);
    expect((await me(jar.header())).statusCode).toBe(200);
  });

  it("GET /auth/csrf gives a token for the browser's CSRF cookie (after a reload)", async () => {
    const jar = new CookieJar();
    await cookieSignIn(jar, desk);
    const res = await t.app.inject({ url: '/api/v1/auth/csrf', headers: jar.header() });
    expect(res.statusCode).toBe(200);
    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { ...jar.header(), 'x-csrf-token': res.json().csrfToken },
    });
    expect(logout.statusCode, logout.body).toBe(204);
    jar.take(logout);
    expect(jar.has('bb_access')).toBe(false);
    expect(jar.has('bb_refresh')).toBe(false);
  });

  it('marks cookies Secure when PUBLIC_URL is https', async () => {
    const secure = await createTestApp({ env: { PUBLIC_URL: 'https://book.example.com' } });
    try {
      const staff = await createStaff(secure, { email: 'desk@secure.example', role: 'front_desk' });
      const jar = new CookieJar();
      const csrf = await secure.app.inject({ url: '/api/v1/auth/csrf' });
      jar.take(csrf);
      for (const c of Object.values(setCookies(csrf))) expect(c.attrs).toMatch(/Secure/);
      const res = await cookieSignIn(jar, staff, secure);
      expect(Object.keys(setCookies(res)).sort()).toEqual(['bb_access', 'bb_refresh']);
      for (const c of Object.values(setCookies(res))) expect(c.attrs).toMatch(/Secure/);
    } finally {
      await secure.close();
    }
  });
});

describe('password change', () => {
  it('ends the other sessions, keeps this one, and the new password signs in', async () => {
    const staff = await createStaff(t, { email: 'changer@test.example', role: 'front_desk' });
    const current = await signIn(t, staff);
    const other = await signIn(t, staff);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: bearer(current),
      payload: { currentPassword: staff.password, newPassword: 'a brand new passphrase' },
    });
    expect(res.statusCode, res.body).toBe(204);
    expect((await me(bearer(current))).statusCode).toBe(200);
    expectProblem(await me(bearer(other)), 401, 'UNAUTHENTICATED');
    expectProblem(await refresh({ refreshToken: other.refreshToken }), 401, 'UNAUTHENTICATED');
    expectProblem(
      await loginRequest(t, { email: staff.email, password: staff.password }),
      401,
      'INVALID_CREDENTIALS',
    );
    expect(
      (await loginRequest(t, { email: staff.email, password: 'a brand new passphrase' })).statusCode,
    ).toBe(200);
  });

  it('applies the password rules to the new password, naming the field', async () => {
    const s = await signIn(t, desk);
    for (const newPassword of ['short', 'password123', 'x'.repeat(129), desk.email]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: bearer(s),
        payload: { currentPassword: desk.password, newPassword },
      });
      expect(expectProblem(res, 422, 'VALIDATION_FAILED').errors).toEqual([
        { field: 'newPassword', message: expect.any(String) },
      ]);
    }
  });
});
