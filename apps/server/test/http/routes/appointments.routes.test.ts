/**
 * POST /api/v1/locations/{slug}/appointments (docs/api.md, "Appointments"): the answer, idempotency,
 * validation, the booking window, taken times, and that a refused booking writes nothing.
 */
import { clientCipher } from '../../../src/security/client-fields.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { appointmentHistory, appointments, clients, outbox } from '../../../src/db/schema.ts';
import {
  availability,
  book,
  bookingBody,
  expectProblem,
  fieldsOf,
  rowCounts,
  someClient,
  tokenOf,
} from '../../support/api.ts';
import { createTestApp, type TestApp } from '../../support/harness.ts';

let t: TestApp;
let ana: string;
let ben: string;
let cut: string;
let beard: string;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-12-07T08:00:00-05:00' });
  ({ ana, ben } = t.ids.barbers as { ana: string; ben: string });
  ({ cut, beard } = t.ids.services as { cut: string; beard: string });
});
afterAll(async () => t?.close());

/** Runs `fn` and asserts that no table a booking writes gained a row. */
async function expectNothingWritten(fn: () => Promise<void>): Promise<void> {
  const before = await rowCounts(t);
  await fn();
  expect(await rowCounts(t)).toEqual(before);
}

/** The newest outbox message (as the booking transaction wrote it). */
async function lastOutboxMessage() {
  const [row] = await t.runtime.database.db.select().from(outbox).orderBy(desc(outbox.createdAt)).limit(1);
  return row!.payload as { to: string; subject: string; text: string; html: string };
}

describe('POST /api/v1/locations/{slug}/appointments', () => {
  it('books and answers 201 with the appointment, its total and a manage link', async () => {
    const res = await book(
      t,
      bookingBody(t, '2026-12-08T10:00:00-05:00', {
        services: [cut, beard],
        client: { name: 'Ana Client', email: 'Ana.Client@Example.com', phone: '+1 (212) 555-0100' },
        notes: 'Short on the sides',
      }),
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'confirmed',
      start: '2026-12-08T10:00:00-05:00',
      end: '2026-12-08T10:45:00-05:00',
      timezone: 'America/New_York',
      barber: { id: ana, name: 'Ana' },
      services: [
        { id: cut, name: 'Cut', durationMinutes: 30, priceMinor: 3000 },
        { id: beard, name: 'Beard', durationMinutes: 15, priceMinor: 1500 },
      ],
      totalMinor: 4500,
      currency: 'USD',
      location: {
        slug: 'test-cuts',
        name: 'Test Cuts',
        phone: '+1 212 555 0199',
        address: '1 Test St, New York, NY',
      },
      client: { name: 'Ana Client' },
      notes: 'Short on the sides',
      changeDeadline: '2026-12-07T10:00:00-05:00',
      canChange: true,
      manageUrl: expect.stringMatching(/^http:\/\/bookedbarber\.test\/manage\/[A-Za-z0-9_-]{43}$/),
      bookAgainUrl: 'http://bookedbarber.test/test-cuts',
    });
    // The client's contact details are not echoed.
    expect(res.body).not.toContain('Example.com');
    expect(res.body).not.toContain('555-0100');
    // The manage link works; the token itself is not stored, only its hash.
    const token = tokenOf(body.manageUrl);
    const got = await t.app.inject({ url: `/api/v1/manage/${token}` });
    expect(got.json()).toEqual(body);
    const [row] = await t.runtime.database.db.select().from(appointments).where(eq(appointments.id, body.id));
    expect(row!.manageTokenHash).not.toContain(token);
    expect(row!.source).toBe('online');
    // The beard's 5-minute buffer after is held on the barber's calendar.
    expect(row!.occupiedUntil.toISOString()).toBe('2026-12-08T15:50:00.000Z');
    const history = await t.runtime.database.db
      .select()
      .from(appointmentHistory)
      .where(eq(appointmentHistory.appointmentId, body.id));
    expect(history.map((h) => [h.action, h.toStatus, h.actor])).toEqual([['created', 'confirmed', 'client']]);
    // The confirmation email is in the outbox, addressed to the client.
    const mail = await lastOutboxMessage();
    expect(mail.to).toBe('Ana.Client@Example.com');
    expect(mail.text).toContain(body.manageUrl);
  });

  it('takes the booked time (and its buffer) out of the availability', async () => {
    const res = await availability(t, { barber: ana, from: '2026-12-08', to: '2026-12-08' });
    const starts = res.slots.map((s) => s.start.slice(11, 16));
    expect(starts).toContain('09:30');
    expect(starts).not.toContain('10:00');
    expect(starts).not.toContain('10:30');
    expect(starts).toContain('11:00');
  });

  it("prices and times with the barber's override (Ben: 45-minute cut at 4000)", async () => {
    const res = await book(t, bookingBody(t, '2026-12-08T10:00:00-05:00', { barberId: ben }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      end: '2026-12-08T10:45:00-05:00',
      barber: { id: ben, name: 'Ben' },
      services: [{ id: cut, name: 'Cut', durationMinutes: 45, priceMinor: 4000 }],
      totalMinor: 4000,
    });
  });

  it('books "any" barber who is free at that time', async () => {
    // At 10:00 on 8 December both Ana and Ben are booked: nobody is free.
    expectProblem(
      await book(t, bookingBody(t, '2026-12-08T10:00:00-05:00', { barberId: 'any' })),
      409,
      'SLOT_UNAVAILABLE',
    );
    const res = await book(t, bookingBody(t, '2026-12-08T12:00:00-05:00', { barberId: 'any' }));
    expect(res.statusCode, res.body).toBe(201);
    // Ana takes a lunch break at 12:00: only Ben is free.
    expect(res.json().barber).toEqual({ id: ben, name: 'Ben' });
  });

  it('accepts the start in any offset and answers it in the shop offset', async () => {
    const res = await book(t, bookingBody(t, '2026-12-08T19:00:00Z', { client: someClient('utc') }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      start: '2026-12-08T14:00:00-05:00',
      end: '2026-12-08T14:30:00-05:00',
    });
  });

  it('books one day before the horizon ends, and on its last day', async () => {
    for (const start of ['2027-01-05T10:00:00-05:00', '2027-01-06T16:30:00-05:00']) {
      const res = await book(t, bookingBody(t, start, { client: someClient('horizon') }));
      expect(res.statusCode, res.body).toBe(201);
    }
  });

  it('keeps one client per email (case-insensitive) and refreshes their name', async () => {
    const first = await book(
      t,
      bookingBody(t, '2026-12-09T09:00:00-05:00', {
        client: { name: 'Sam', email: 'sam@example.com', phone: '+1 212 555 0111' },
      }),
    );
    const second = await book(
      t,
      bookingBody(t, '2026-12-09T09:30:00-05:00', {
        client: { name: 'Samuel', email: ' SAM@example.com ', phone: '+1 212 555 0111' },
      }),
    );
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    const rows = await t.runtime.database.db
      .select()
      .from(clients)
      .where(eq(clients.emailHash, clientCipher(t.runtime.ctx.secrets).emailHash('sam@example.com')!));
    expect(rows.length).toBe(1);
    expect(rows[0]!.name).toBe('Samuel');
  });

  it('never merges two people who share a phone: later emails go to the right one', async () => {
    const phone = '+1 212 555 0177';
    const a = await book(
      t,
      bookingBody(t, '2026-12-09T10:00:00-05:00', {
        client: { name: 'Pat', email: 'pat@example.com', phone },
      }),
    );
    const b = await book(
      t,
      bookingBody(t, '2026-12-09T10:30:00-05:00', {
        client: { name: 'Chris', email: 'chris@example.com', phone },
      }),
    );
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    const db = t.runtime.database.db;
    const [pat] = await db
      .select()
      .from(clients)
      .where(eq(clients.emailHash, clientCipher(t.runtime.ctx.secrets).emailHash('pat@example.com')!));
    const [chris] = await db
      .select()
      .from(clients)
      .where(eq(clients.emailHash, clientCipher(t.runtime.ctx.secrets).emailHash('chris@example.com')!));
    expect(pat!.name).toBe('Pat');
    expect(chris!.name).toBe('Chris');
    expect(pat!.id).not.toBe(chris!.id);
    // Chris moves the booking: the message with the manage link goes to Chris, not Pat.
    const moved = await t.app.inject({
      method: 'POST',
      url: `/api/v1/manage/${tokenOf(b.json().manageUrl)}/reschedule`,
      payload: { start: '2026-12-09T15:00:00-05:00' },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const mail = await lastOutboxMessage();
    expect(mail.subject).toMatch(/^Moved:/);
    expect(mail.to).toBe('chris@example.com');
  });
});

describe('Idempotency-Key', () => {
  it('answers a replay with the same appointment, and books nothing more', async () => {
    const body = bookingBody(t, '2026-12-09T11:00:00-05:00', { client: someClient('idem') });
    const headers = { 'idempotency-key': 'key-1' };
    const first = await book(t, body, { headers });
    expect(first.statusCode, first.body).toBe(201);
    const before = await rowCounts(t);
    const again = await book(t, body, { headers });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    // The same body with its keys in another order is the same request.
    const reordered = await book(t, Object.fromEntries(Object.entries(body).reverse()), { headers });
    expect(reordered.json().id).toBe(first.json().id);
    expect(await rowCounts(t)).toEqual(before);
  });

  it('refuses the same key with another body (422 IDEMPOTENCY_KEY_REUSED)', async () => {
    const headers = { 'idempotency-key': 'key-2' };
    const first = await book(t, bookingBody(t, '2026-12-09T13:00:00-05:00', { client: someClient('k2') }), {
      headers,
    });
    expect(first.statusCode).toBe(201);
    await expectNothingWritten(async () => {
      const other = await book(t, bookingBody(t, '2026-12-09T13:30:00-05:00', { client: someClient('k2') }), {
        headers,
      });
      expectProblem(other, 422, 'IDEMPOTENCY_KEY_REUSED');
    });
  });

  it('refuses a key over 200 characters and accepts one of 200', async () => {
    expect(
      fieldsOf(
        await book(t, bookingBody(t, '2026-12-09T14:00:00-05:00'), {
          headers: { 'idempotency-key': 'x'.repeat(201) },
        }),
      ),
    ).toEqual(['idempotency-key']);
    const res = await book(t, bookingBody(t, '2026-12-09T14:00:00-05:00'), {
      headers: { 'idempotency-key': 'x'.repeat(200) },
    });
    expect(res.statusCode, res.body).toBe(201);
  });
});

describe('validation: 422 VALIDATION_FAILED with errors[].field, nothing written', () => {
  const start = '2026-12-10T10:00:00-05:00';

  it('malformed JSON', async () => {
    await expectNothingWritten(async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/locations/test-cuts/appointments',
        headers: { 'content-type': 'application/json' },
        payload: '{"services": ["',
      });
      expect(fieldsOf(res)).toEqual(['body']);
    });
  });

  it('an empty JSON body', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/locations/test-cuts/appointments',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(fieldsOf(res)).toEqual(['body']);
  });

  it.each([
    ['client.email', { email: 'not-an-email' }],
    ['client.email', { email: 'a@b' }],
    ['client.email', { email: `${'a'.repeat(250)}@example.com` }],
    ['client.phone', { phone: 'call me' }],
    ['client.phone', { phone: '123' }],
    ['client.phone', { phone: '+1 212 555 0100 0100 0100 0100' }],
    ['client.name', { name: '' }],
    ['client.name', { name: '   ' }],
    ['client.name', { name: 'N'.repeat(101) }],
    ['client.name', { name: 'Bell\u0007' }],
  ])('%s: %j', async (field, change) => {
    await expectNothingWritten(async () => {
      const res = await book(t, bookingBody(t, start, { client: { ...someClient('v'), ...change } }));
      // One field may carry several messages (e.g. a phone that is both too short and malformed).
      expect([...new Set(fieldsOf(res))]).toEqual([field]);
    });
  });

  it('over-long notes', async () => {
    await expectNothingWritten(async () => {
      expect(fieldsOf(await book(t, bookingBody(t, start, { notes: 'n'.repeat(501) })))).toEqual(['notes']);
    });
  });

  it('missing members, several at once', async () => {
    const res = await book(t, { services: [cut], start, client: { name: 'X' } });
    expect(fieldsOf(res).sort()).toEqual(['barberId', 'client.email', 'client.phone']);
  });

  it('services: none, unknown, not bookable online, twice, or not offered by the barber', async () => {
    await expectNothingWritten(async () => {
      expect(fieldsOf(await book(t, bookingBody(t, start, { services: [] })))).toEqual(['services']);
      expect(fieldsOf(await book(t, bookingBody(t, start, { services: ['nope'] })))).toEqual(['services']);
      expect(fieldsOf(await book(t, bookingBody(t, start, { services: [t.ids.services.color] })))).toEqual([
        'services',
      ]);
      expect(fieldsOf(await book(t, bookingBody(t, start, { services: [cut, cut] })))).toEqual(['services']);
      const notOffered = await book(t, bookingBody(t, start, { services: [cut, beard], barberId: ben }));
      expect(fieldsOf(notOffered)).toEqual(['services']);
      expect(notOffered.json().errors[0].message).toContain('Ben');
    });
  });

  it('an unknown barber', async () => {
    expect(fieldsOf(await book(t, bookingBody(t, start, { barberId: 'nobody' })))).toEqual(['barberId']);
  });

  it.each(['2026-12-10T10:00:00', '2026-12-10', 'tomorrow at ten', '2026-12-10T25:00:00-05:00'])(
    'a start that is not an instant with an offset: %s',
    async (bad) => {
      expect(fieldsOf(await book(t, bookingBody(t, bad)))).toEqual(['start']);
    },
  );

  it('an unknown shop is 404', async () => {
    expectProblem(await book(t, bookingBody(t, start), { slug: 'no-such-shop' }), 404, 'NOT_FOUND');
  });
});

describe('names and notes are data, not markup or SQL', () => {
  it('stores and returns unicode names exactly', async () => {
    const name = 'Zoë Ångström 李雷';
    const res = await book(
      t,
      bookingBody(t, '2026-12-10T13:00:00-05:00', {
        client: { name, email: 'zoe@example.com', phone: '+46 8 123 456 78' },
        notes: 'Çà et là — 💈',
      }),
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().client.name).toBe(name);
    expect(res.json().notes).toBe('Çà et là — 💈');
    const got = await t.app.inject({ url: `/api/v1/manage/${tokenOf(res.json().manageUrl)}` });
    expect(got.json().client.name).toBe(name);
    const [row] = await t.runtime.database.db
      .select()
      .from(clients)
      .where(eq(clients.emailHash, clientCipher(t.runtime.ctx.secrets).emailHash('zoe@example.com')!));
    expect(row!.name).toBe(name);
    expect((await lastOutboxMessage()).text).toContain(`Hi ${name},`);
  });

  it.each([
    ['<script>alert(1)</script>', 'script@example.com', '2026-12-10T13:30:00-05:00'],
    ["'); drop table clients;--", 'sql@example.com', '2026-12-10T14:00:00-05:00'],
    [
      'Robert"); DELETE FROM appointments; -- & <b>Bobby</b>',
      'bobby@example.com',
      '2026-12-10T14:30:00-05:00',
    ],
  ])('stores %s verbatim and escapes it in the email HTML', async (name, email, start) => {
    const res = await book(
      t,
      bookingBody(t, start, { client: { name, email, phone: '+1 212 555 0123' }, notes: name }),
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().client.name).toBe(name);
    expect(res.json().notes).toBe(name);
    const db = t.runtime.database.db;
    const [row] = await db
      .select()
      .from(clients)
      .where(eq(clients.emailHash, clientCipher(t.runtime.ctx.secrets).emailHash(email)!));
    expect(row!.name).toBe(name);
    // The tables are all still there and whole.
    const counts = await rowCounts(t);
    expect(counts.clients).toBeGreaterThan(1);
    expect(counts.appointments).toBeGreaterThan(1);
    const mail = await lastOutboxMessage();
    expect(mail.to).toBe(email);
    expect(mail.text).toContain(name);
    expect(mail.html).not.toContain(name);
    expect(mail.html).not.toMatch(/<script|<b>|'\);/);
    const escaped = name.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    expect(mail.html).toContain(`Hi ${escaped},`);
  });
});

describe('the booking window: 422 OUTSIDE_BOOKING_WINDOW, nothing written', () => {
  it.each([
    ['off the slot grid', '2026-12-10T10:15:00-05:00', /every 30 minutes/],
    ['off the grid by seconds', '2026-12-10T10:00:30-05:00', /every 30 minutes/],
    ['in the past', '2026-12-06T10:00:00-05:00', /past/],
    ['a minute ago', '2026-12-07T07:59:00-05:00', /past/],
    ['inside the lead time', '2026-12-07T08:30:00-05:00', /60 minutes' notice.*\+1 212 555 0199/],
    ['beyond the horizon', '2027-01-07T10:00:00-05:00', /30 days ahead/],
  ])('%s (%s)', async (_what, start, detail) => {
    await expectNothingWritten(async () => {
      const body = expectProblem(await book(t, bookingBody(t, start)), 422, 'OUTSIDE_BOOKING_WINDOW');
      expect(body.detail).toMatch(detail);
    });
  });
});

describe('a taken time: 409 SLOT_UNAVAILABLE with real alternatives', () => {
  it('refuses a time the barber already has, offering the nearest free times', async () => {
    const start = '2026-12-11T10:00:00-05:00';
    expect((await book(t, bookingBody(t, start, { client: someClient('first') }))).statusCode).toBe(201);
    await expectNothingWritten(async () => {
      const res = await book(t, bookingBody(t, start, { client: someClient('second') }));
      const body = expectProblem(res, 409, 'SLOT_UNAVAILABLE');
      const alternatives = body.alternatives!;
      expect(alternatives.length).toBeGreaterThan(0);
      expect(alternatives.length).toBeLessThanOrEqual(6);
      expect(alternatives.map((a) => a.start)).not.toContain(start);
      // Each alternative is a slot the availability endpoint offers, for the same barber.
      const free = await availability(t, { barber: ana, from: '2026-12-08', to: '2026-12-18' });
      for (const a of alternatives) expect(free.slots).toContainEqual(a);
      // The nearest ones: 9:30 and 10:30 the same morning.
      expect(alternatives.map((a) => a.start)).toEqual(
        expect.arrayContaining(['2026-12-11T09:30:00-05:00', '2026-12-11T10:30:00-05:00']),
      );
      const sorted = [...alternatives].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
      expect(alternatives).toEqual(sorted);
    });
  });

  it('refuses a time that overlaps a longer booking or its buffer', async () => {
    // Ana: cut + beard at 09:00 holds 09:00–09:50 (buffer included).
    const res = await book(
      t,
      bookingBody(t, '2026-12-14T09:00:00-05:00', { services: [cut, beard], client: someClient('cb') }),
    );
    expect(res.statusCode).toBe(201);
    await expectNothingWritten(async () => {
      expectProblem(
        await book(t, bookingBody(t, '2026-12-14T09:30:00-05:00', { client: someClient('x') })),
        409,
        'SLOT_UNAVAILABLE',
      );
    });
    expect(
      (await book(t, bookingBody(t, '2026-12-14T10:00:00-05:00', { client: someClient('y') }))).statusCode,
    ).toBe(201);
  });

  it('refuses a time outside the barber hours (on the grid) as unavailable', async () => {
    await expectNothingWritten(async () => {
      // 12:00 is Ana's lunch; 20:00 is after closing.
      for (const start of ['2026-12-14T12:00:00-05:00', '2026-12-14T20:00:00-05:00']) {
        expectProblem(await book(t, bookingBody(t, start)), 409, 'SLOT_UNAVAILABLE');
      }
    });
  });
});
