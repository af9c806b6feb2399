/**
 * Client sign-in by an emailed one-time link, history and "book again" (docs/api.md "Clients"):
 * no enumeration, single-use expiring links, a separate httpOnly SameSite=Strict cookie with CSRF
 * on writes, history across the organization's locations, and a client never sees another's data.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { appointments, clientLoginTokens } from '../../../../src/db/schema.ts';
import { book, bookingBody, expectProblem, fieldsOf } from '../../../support/api.ts';
import { createTestApp, type TestApp } from '../../../support/harness.ts';
import { CookieJar, emailsTo, setCookies } from '../../../support/staff.ts';
import { makeAppointment, makeClient } from './support.ts';

let t: TestApp;
let sam: string;
let pastAppointment: string;
let otherAppointment: string;

beforeAll(async () => {
  t = await createTestApp();
  await t.runtime.outbox.stop();
  sam = await makeClient(t, { name: 'Sam Client', email: 'sam@example.com', phone: '+1 212 555 0111' });
  // Tuesday 2026-12-01 10:00 New York with Ben (a 45-minute cut for him).
  pastAppointment = await makeAppointment(t, sam, { startIso: '2026-12-01T15:00:00Z', barber: 'ben' });
  await makeAppointment(t, sam, { startIso: '2026-11-03T15:00:00Z', barber: 'ana', status: 'no_show' });
  const other = await makeClient(t, { name: 'Olive Other', email: 'olive@example.com' });
  otherAppointment = await makeAppointment(t, other, { startIso: '2026-11-24T15:00:00Z' });
});
afterAll(async () => t?.close());

/** A browser: cookie jar plus the CSRF token. */
class Browser {
  jar = new CookieJar();
  csrf = '';
  async init() {
    const res = await t.app.inject({ url: '/api/v1/auth/csrf' });
    this.jar.take(res);
    this.csrf = res.json().csrfToken;
  }
  async call(method: 'GET' | 'POST', url: string, payload?: object, opts: { csrf?: boolean } = {}) {
    const headers: Record<string, string> = { ...this.jar.header() };
    if (opts.csrf !== false && method === 'POST') headers['x-csrf-token'] = this.csrf;
    const res = await t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers,
      ...(payload ? { payload } : {}),
    });
    this.jar.take(res);
    return res;
  }
}

async function linkToken(address: string): Promise<string> {
  const mails = await emailsTo(t, address);
  const m = /\/test-cuts\/account#token=([A-Za-z0-9_-]+)/.exec(mails[mails.length - 1]!.text);
  return m![1]!;
}

async function signedIn(email = 'sam@example.com'): Promise<Browser> {
  // A quarter of an hour later each time: at most 3 links per address per 15 minutes are mailed.
  t.clock.advance(16);
  const b = new Browser();
  await b.init();
  expect(
    (await b.call('POST', '/client-auth/request', { email, locationSlug: 'test-cuts' })).statusCode,
  ).toBe(202);
  const res = await b.call('POST', '/client-auth/verify', { token: await linkToken(email) });
  expect(res.statusCode, res.body).toBe(200);
  b.csrf = res.json().csrfToken;
  return b;
}

describe('asking for a link', () => {
  it('answers 202 alike for a known and an unknown email, and mails only the known one', async () => {
    const b = new Browser();
    await b.init();
    const known = await b.call('POST', '/client-auth/request', {
      email: ' SAM@example.com ',
      locationSlug: 'test-cuts',
    });
    const unknown = await b.call('POST', '/client-auth/request', {
      email: 'nobody@example.com',
      locationSlug: 'test-cuts',
    });
    const noShop = await b.call('POST', '/client-auth/request', {
      email: 'sam@example.com',
      locationSlug: 'no-such-shop',
    });
    for (const r of [known, unknown, noShop]) {
      expect(r.statusCode).toBe(202);
      expect(r.json()).toEqual({ status: 'sent' });
    }
    expect(await emailsTo(t, 'nobody@example.com')).toEqual([]);
    const mails = await emailsTo(t, 'sam@example.com');
    expect(mails.at(-1)!.text).toMatch(
      /^Sign in: http:\/\/bookedbarber\.test\/test-cuts\/account#token=bbt_/m,
    );
    expect(mails.at(-1)!.text).toContain('15 minutes');
    // Stored hashed only.
    const token = await linkToken('sam@example.com');
    const rows = await t.runtime.database.db.select().from(clientLoginTokens);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('mails at most 3 links per address in 15 minutes, still answering 202', async () => {
    await makeClient(t, { name: 'Spammed', email: 'spammed@example.com' });
    const ask = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/client-auth/request',
        payload: { email: 'spammed@example.com', locationSlug: 'test-cuts' },
      });
    for (let i = 0; i < 5; i++) expect((await ask()).statusCode).toBe(202);
    expect(await emailsTo(t, 'spammed@example.com')).toHaveLength(3);
    t.clock.advance(16);
    try {
      expect((await ask()).statusCode).toBe(202);
      expect(await emailsTo(t, 'spammed@example.com')).toHaveLength(4);
    } finally {
      t.clock.advance(-16);
    }
  });

  it('names the field of a bad email', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/client-auth/request',
      payload: { email: 'nope', locationSlug: 'test-cuts' },
    });
    expectProblem(res, 422, 'VALIDATION_FAILED');
    expect(fieldsOf(res)).toEqual(['email']);
  });
});

describe('verifying a link', () => {
  it('sets an httpOnly SameSite=Strict client cookie, once; a second use is refused', async () => {
    const b = new Browser();
    await b.init();
    await b.call('POST', '/client-auth/request', { email: 'sam@example.com', locationSlug: 'test-cuts' });
    const token = await linkToken('sam@example.com');
    const res = await b.call('POST', '/client-auth/verify', { token });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ client: { id: sam, name: 'Sam Client' }, locationSlug: 'test-cuts' });
    const cookie = setCookies(res).bb_client!;
    expect(cookie.value).toMatch(/^bbs_/);
    expect(cookie.attrs).toMatch(/HttpOnly/i);
    expect(cookie.attrs).toMatch(/SameSite=Strict/i);
    expect(cookie.attrs).toMatch(/Path=\/api\/v1/);
    // The client cookie is not a staff session.
    expect(setCookies(res).bb_access).toBeUndefined();
    expectProblem(await b.call('POST', '/client-auth/verify', { token }), 401, 'UNAUTHENTICATED');
  });

  it('refuses an expired link and a verify without the CSRF token', async () => {
    const b = new Browser();
    await b.init();
    await b.call('POST', '/client-auth/request', { email: 'sam@example.com', locationSlug: 'test-cuts' });
    const token = await linkToken('sam@example.com');
    expectProblem(await b.call('POST', '/client-auth/verify', { token }, { csrf: false }), 403, 'FORBIDDEN');
    t.clock.advance(16);
    try {
      expectProblem(await b.call('POST', '/client-auth/verify', { token }), 401, 'UNAUTHENTICATED');
    } finally {
      t.clock.advance(-16);
    }
  });
});

describe('a signed-in client', () => {
  it('sees their own history, newest first, and nobody else’s', async () => {
    const b = await signedIn();
    expect((await b.call('GET', '/client/me')).json()).toMatchObject({
      client: { id: sam, email: 'sam@example.com' },
    });
    const res = await b.call('GET', '/client/me/appointments');
    expect(res.statusCode, res.body).toBe(200);
    const list = res.json().appointments as Array<{ id: string; start: string; status: string }>;
    expect(list.map((a) => a.start)).toEqual(['2026-12-01T10:00:00-05:00', '2026-11-03T10:00:00-05:00']);
    expect(list.map((a) => a.id)).not.toContain(otherAppointment);
    expect(res.body).not.toMatch(/olive/i);
    // Another client's appointment is not found, for proposing and for booking.
    expectProblem(
      await b.call('POST', '/client/me/book-again', { appointmentId: otherAppointment }),
      404,
      'NOT_FOUND',
    );
    expectProblem(
      await b.call('POST', '/client/me/book-again/confirm', {
        appointmentId: otherAppointment,
        start: '2026-12-08T10:00:00-05:00',
      }),
      404,
      'NOT_FOUND',
    );
  });

  it('is refused without a session, and with a session but without the CSRF token on a POST', async () => {
    expectProblem(await t.app.inject({ url: '/api/v1/client/me/appointments' }), 401, 'UNAUTHENTICATED');
    // A staff-looking bearer token is no client session.
    expectProblem(
      await t.app.inject({
        url: '/api/v1/client/me/appointments',
        headers: { authorization: 'Bearer bba_x' },
      }),
      401,
      'UNAUTHENTICATED',
    );
    const b = await signedIn();
    expectProblem(
      await b.call('POST', '/client/me/book-again', { appointmentId: pastAppointment }, { csrf: false }),
      403,
      'FORBIDDEN',
    );
  });

  it('books again in one tap: the same weekday and hour next week, same barber and services', async () => {
    const b = await signedIn();
    const proposal = await b.call('POST', '/client/me/book-again', { appointmentId: pastAppointment });
    expect(proposal.statusCode, proposal.body).toBe(200);
    expect(proposal.json()).toMatchObject({
      barberName: 'Ben',
      services: [{ name: 'Cut' }],
      start: '2026-12-08T10:00:00-05:00',
      end: '2026-12-08T10:45:00-05:00',
      totalMinor: 4000,
      currency: 'USD',
      timezone: 'America/New_York',
      match: 'similar',
    });
    const booked = await b.call('POST', '/client/me/book-again/confirm', {
      appointmentId: pastAppointment,
      start: proposal.json().start,
    });
    expect(booked.statusCode, booked.body).toBe(201);
    expect(booked.json()).toMatchObject({
      status: 'confirmed',
      start: '2026-12-08T10:00:00-05:00',
      barber: { name: 'Ben' },
    });
    const [row] = await t.runtime.database.db
      .select({ clientId: appointments.clientId })
      .from(appointments)
      .where(and(eq(appointments.id, booked.json().id)));
    expect(row!.clientId).toBe(sam);
    expect((await emailsTo(t, 'sam@example.com')).at(-1)!.subject).toMatch(
      /^Booked: Test Cuts, Tuesday, December 8, 2026 at 10:00 AM EST/,
    );
    // That time is taken now: the next proposal is the closest free start that Tuesday (09:00, the
    // earlier of two at 60 minutes: 09:30 and 10:30 would overlap the new booking).
    const next = await b.call('POST', '/client/me/book-again', { appointmentId: pastAppointment });
    expect(next.json()).toMatchObject({ start: '2026-12-08T09:00:00-05:00', match: 'similar' });
    // Repeating the new (future) appointment proposes a time after it, not beside it: Tuesday a week later.
    const repeat = await b.call('POST', '/client/me/book-again', { appointmentId: booked.json().id });
    expect(repeat.json()).toMatchObject({ start: '2026-12-15T10:00:00-05:00', match: 'similar' });
    // Booking a time that is no longer free is a 409 with alternatives.
    const again = await b.call('POST', '/client/me/book-again/confirm', {
      appointmentId: pastAppointment,
      start: '2026-12-08T10:00:00-05:00',
    });
    expectProblem(again, 409, 'SLOT_UNAVAILABLE');
  });

  it('signs out: the session ends server-side and the cookie is cleared', async () => {
    const b = await signedIn();
    const cookie = b.jar.header();
    const out = await b.call('POST', '/client-auth/logout');
    expect(out.statusCode).toBe(204);
    expect(b.jar.has('bb_client')).toBe(false);
    const replay: LightMyRequestResponse = await t.app.inject({ url: '/api/v1/client/me', headers: cookie });
    expectProblem(replay, 401, 'UNAUTHENTICATED');
  });
});

describe('an online booking then sign-in', () => {
  it('finds the client created by a booking through their email', async () => {
    const res = await book(
      t,
      bookingBody(t, '2026-12-09T11:00:00-05:00', {
        client: { name: 'Newbie', email: 'newbie@example.com', phone: '+1 212 555 0190' },
      }),
    );
    expect(res.statusCode, res.body).toBe(201);
    const b = await signedIn('newbie@example.com');
    const list = (await b.call('GET', '/client/me/appointments')).json().appointments;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ start: '2026-12-09T11:00:00-05:00', status: 'confirmed' });
  });
});
