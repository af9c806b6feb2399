/**
 * The key guarantee (ARCHITECTURE.md, "Double booking"): under simultaneous requests a barber is
 * never booked twice, every loser gets 409 SLOT_UNAVAILABLE (never a 5xx), and a loser writes
 * nothing. Runs on whichever engine the suite uses (PGlite, or PostgreSQL with TEST_DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import {
  activeAppointments,
  book,
  bookingBody,
  expectProblem,
  rowCounts,
  someClient,
  tokenOf,
} from '../support/api.ts';
import { createTestApp, ENGINE, type TestApp } from '../support/harness.ts';
import { createAppointment } from '../../src/services/booking.service.ts';

let t: TestApp;
let ana: string;
let ben: string;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-12-07T08:00:00-05:00' });
  ({ ana, ben } = t.ids.barbers as { ana: string; ben: string });
});
afterAll(async () => t?.close());

function tally(results: LightMyRequestResponse[]) {
  const by: Record<number, number> = {};
  for (const r of results) by[r.statusCode] = (by[r.statusCode] ?? 0) + 1;
  return by;
}

describe(`simultaneous bookings (${ENGINE})`, () => {
  it('N=20 requests for one barber at overlapping times: exactly one wins, the rest get 409', async () => {
    const before = await rowCounts(t);
    // Ben's cut takes 45 minutes: 10:00–10:45 and 10:30–11:15 overlap each other.
    const starts = ['2026-12-08T10:00:00-05:00', '2026-12-08T10:30:00-05:00'];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        book(t, bookingBody(t, starts[i % 2]!, { barberId: ben, client: someClient(`race-${i}`) })),
      ),
    );
    expect(tally(results)).toEqual({ 201: 1, 409: 19 });
    for (const r of results.filter((x) => x.statusCode !== 201)) {
      const body = expectProblem(r, 409, 'SLOT_UNAVAILABLE');
      expect(Array.isArray(body.alternatives)).toBe(true);
    }
    const active = await activeAppointments(t, ben, '2026-12-08T09:00:00-05:00', '2026-12-08T12:00:00-05:00');
    expect(active.length).toBe(1);
    expect(active[0]!.id).toBe(results.find((r) => r.statusCode === 201)!.json().id);
    // The losers wrote nothing: one appointment, one client, one email more.
    const after = await rowCounts(t);
    expect(after.appointments - before.appointments).toBe(1);
    expect(after.clients - before.clients).toBe(1);
    expect(after.outbox - before.outbox).toBe(1);
  });

  it('N=20 identical requests (same client, same time): one appointment', async () => {
    const body = bookingBody(t, '2026-12-09T10:00:00-05:00', { client: someClient('same') });
    const results = await Promise.all(Array.from({ length: 20 }, () => book(t, body)));
    expect(tally(results)).toEqual({ 201: 1, 409: 19 });
    const active = await activeAppointments(t, ana, '2026-12-09T00:00:00-05:00', '2026-12-10T00:00:00-05:00');
    expect(active.length).toBe(1);
  });

  it('barber "any" with two barbers free: 5 requests → 2 bookings on different barbers, 3 × 409', async () => {
    const start = '2026-12-10T14:00:00-05:00';
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        book(t, bookingBody(t, start, { barberId: 'any', client: someClient(`any-${i}`) })),
      ),
    );
    expect(tally(results)).toEqual({ 201: 2, 409: 3 });
    const winners = results.filter((r) => r.statusCode === 201).map((r) => r.json().barber.id);
    expect(winners.sort()).toEqual([ana, ben].sort());
    for (const r of results.filter((x) => x.statusCode === 409)) expectProblem(r, 409, 'SLOT_UNAVAILABLE');
    for (const barber of [ana, ben])
      expect(
        (await activeAppointments(t, barber, '2026-12-10T13:00:00-05:00', '2026-12-10T15:00:00-05:00'))
          .length,
      ).toBe(1);
  });

  it('a double submit with one Idempotency-Key answers the same appointment to both', async () => {
    const body = bookingBody(t, '2026-12-11T10:00:00-05:00', { client: someClient('double') });
    const headers = { 'idempotency-key': 'double-submit-1' };
    const results = await Promise.all(Array.from({ length: 5 }, () => book(t, body, { headers })));
    expect(tally(results)).toEqual({ 201: 5 });
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    expect(
      (await activeAppointments(t, ana, '2026-12-11T00:00:00-05:00', '2026-12-12T00:00:00-05:00')).length,
    ).toBe(1);
  });

  it('two appointments moved to the same time at once: one moves, the other gets 409', async () => {
    const a = await book(t, bookingBody(t, '2026-12-14T09:00:00-05:00', { client: someClient('ma') }));
    const b = await book(t, bookingBody(t, '2026-12-14T09:30:00-05:00', { client: someClient('mb') }));
    const target = '2026-12-14T15:00:00-05:00';
    const results = await Promise.all(
      [a, b].map((r) =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/manage/${tokenOf(r.json().manageUrl)}/reschedule`,
          payload: { start: target },
        }),
      ),
    );
    expect(tally(results)).toEqual({ 200: 1, 409: 1 });
    expectProblem(
      results.find((r) => r.statusCode === 409)!,
      409,
      'SLOT_UNAVAILABLE',
    );
    const at = await activeAppointments(t, ana, target, '2026-12-14T15:30:00-05:00');
    expect(at.length).toBe(1);
  });

  it('bookings and a cancel racing: the cancelled time is booked once at most', async () => {
    const first = await book(t, bookingBody(t, '2026-12-15T10:00:00-05:00', { client: someClient('c0') }));
    const token = tokenOf(first.json().manageUrl);
    const results = await Promise.all([
      t.app.inject({ method: 'POST', url: `/api/v1/manage/${token}/cancel`, payload: {} }),
      ...Array.from({ length: 6 }, (_, i) =>
        book(t, bookingBody(t, '2026-12-15T10:00:00-05:00', { client: someClient(`c${i + 1}`) })),
      ),
    ]);
    expect(results[0]!.statusCode).toBe(200);
    const bookings = results.slice(1);
    for (const r of bookings) expect([201, 409]).toContain(r.statusCode);
    expect(bookings.filter((r) => r.statusCode === 201).length).toBeLessThanOrEqual(1);
    const active = await activeAppointments(t, ana, '2026-12-15T10:00:00-05:00', '2026-12-15T10:30:00-05:00');
    expect(active.length).toBe(bookings.filter((r) => r.statusCode === 201).length);
  });
});

describe('createAppointment (the use case, without HTTP)', () => {
  it('answers 201 with the view and refuses a second booking of the same time', async () => {
    const input = {
      services: [t.ids.services.cut!],
      barberId: ben,
      start: '2026-12-16T12:00:00-05:00',
      client: { name: 'Direct', email: 'direct@example.com', phone: '+1 212 555 0101' },
    };
    const { status, body } = await createAppointment(t.runtime.ctx, 'test-cuts', input);
    expect(status).toBe(201);
    expect(body).toMatchObject({ start: input.start, barber: { id: ben }, totalMinor: 4000 });
    await expect(createAppointment(t.runtime.ctx, 'test-cuts', input)).rejects.toMatchObject({
      code: 'SLOT_UNAVAILABLE',
    });
    await expect(createAppointment(t.runtime.ctx, 'nope', input)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
