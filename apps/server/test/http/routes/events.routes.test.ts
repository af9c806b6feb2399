/**
 * Live updates (issue 3): GET /locations/{locationId}/events is a server-sent events stream that
 * announces every appointment change at the location within 2 s, made by any route of this
 * process, and on PostgreSQL also by another app instance on the same database (LISTEN/NOTIFY).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../../src/db/client.ts';
import { buildApp } from '../../../src/http/app.ts';
import { startRuntime, type Runtime } from '../../../src/runtime.ts';
import { book, bookingBody, someClient, tokenOf } from '../../support/api.ts';
import { createTestApp, ENGINE, testConfig, type TestApp } from '../../support/harness.ts';
import {
  bearer,
  CookieJar,
  createStaff,
  locationId,
  loginRequest,
  signIn,
  type BearerSession,
} from '../../support/staff.ts';

let t: TestApp;
let loc: string;
let session: BearerSession;
let baseUrl: string;

beforeAll(async () => {
  t = await createTestApp();
  await t.runtime.outbox.stop();
  loc = await locationId(t);
  session = await signIn(t, await createStaff(t, { email: 'desk@events.example', role: 'front_desk' }));
  await createStaff(t, { email: 'barber@events.example', role: 'barber', barberId: t.ids.barbers.ben });
  baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => t?.close());

/** An open events stream: `next(type)` waits (at most 2 s) for the next event of that type. */
async function openStream(headers: Record<string, string>) {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}/api/v1/locations/${loc}/events`, { headers, signal: abort.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: Array<{ event: string; data: { type: string; appointmentId: string } }> = [];
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let i;
      while ((i = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
  })();
  return {
    async next(type: string, appointmentId?: string) {
      const deadline = Date.now() + 2_000;
      while (Date.now() < deadline) {
        const i = events.findIndex(
          (e) => e.event === type && (!appointmentId || e.data.appointmentId === appointmentId),
        );
        if (i >= 0) return events.splice(i, 1)[0]!;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`No ${type} event within 2 s (got ${JSON.stringify(events)})`);
    },
    async close() {
      abort.abort();
      await pump;
    },
  };
}

describe('GET /locations/{locationId}/events', () => {
  it('announces online bookings, staff actions and client changes within 2 s', async () => {
    const stream = await openStream(bearer(session));
    try {
      const booked = await book(t, bookingBody(t, '2026-12-08T10:00:00-05:00', { client: someClient('ev') }));
      expect(booked.statusCode, booked.body).toBe(201);
      const id = booked.json().id as string;
      expect((await stream.next('appointment.created', id)).data).toEqual({
        type: 'appointment.created',
        appointmentId: id,
      });
      const token = tokenOf(booked.json().manageUrl);
      const moved = await t.app.inject({
        method: 'POST',
        url: `/api/v1/manage/${token}/reschedule`,
        payload: { start: '2026-12-09T10:00:00-05:00' },
      });
      expect(moved.statusCode, moved.body).toBe(200);
      await stream.next('appointment.updated', id);
      const notes = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/locations/${loc}/appointments/${id}`,
        headers: bearer(session),
        payload: { notes: 'Window seat' },
      });
      expect(notes.statusCode, notes.body).toBe(200);
      await stream.next('appointment.updated', id);
      const cancelled = await t.app.inject({ method: 'POST', url: `/api/v1/manage/${token}/cancel` });
      expect(cancelled.statusCode, cancelled.body).toBe(200);
      await stream.next('appointment.cancelled', id);
    } finally {
      await stream.close();
    }
  });

  it('authenticates by the session cookie too (what EventSource sends)', async () => {
    const jar = new CookieJar();
    const csrf = await t.app.inject({ url: '/api/v1/auth/csrf' });
    jar.take(csrf);
    const login = await loginRequest(
      t,
      { email: 'barber@events.example', password: 'correct horse battery', session: 'cookie' },
      { headers: { ...jar.header(), 'x-csrf-token': csrf.json().csrfToken } },
    );
    expect(login.statusCode, login.body).toBe(200);
    jar.take(login);
    const stream = await openStream(jar.header());
    try {
      const booked = await book(
        t,
        bookingBody(t, '2026-12-08T11:00:00-05:00', {
          barberId: t.ids.barbers.ben,
          client: someClient('ck'),
        }),
      );
      expect(booked.statusCode, booked.body).toBe(201);
      await stream.next('appointment.created', booked.json().id);
    } finally {
      await stream.close();
    }
  });

  it('needs a staff session: anonymous is 401 before any stream starts', async () => {
    const res = await fetch(`${baseUrl}/api/v1/locations/${loc}/events`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it.runIf(ENGINE === 'postgres')(
    'announces a booking made by another app instance on the same database (LISTEN/NOTIFY)',
    async () => {
      const database = await openDatabase({ databaseUrl: t.databaseUrl!, dataDir: '' });
      let other: { app: FastifyInstance; runtime: Runtime } | undefined;
      const stream = await openStream(bearer(session));
      try {
        // Servers sharing a database share their keys (docs/operations.md): the same DATA_DIR's secrets here.
        const runtime = await startRuntime(testConfig({ DATA_DIR: t.runtime.ctx.config.dataDir }), {
          now: t.clock.now,
          database,
          outboxIntervalMs: 0,
        });
        await runtime.outbox.stop();
        other = { runtime, app: await buildApp({ ctx: runtime.ctx }) };
        const booked = await other.app.inject({
          method: 'POST',
          url: '/api/v1/locations/test-cuts/appointments',
          payload: bookingBody(t, '2026-12-10T10:00:00-05:00', { client: someClient('other') }),
        });
        expect(booked.statusCode, booked.body).toBe(201);
        await stream.next('appointment.created', booked.json().id);
      } finally {
        await stream.close();
        await other?.app.close();
        await other?.runtime.close();
        await database.close();
      }
    },
  );

  it.runIf(ENGINE === 'postgres')(
    'keeps announcing after the LISTEN connection was lost (it reconnects)',
    async () => {
      const db = t.runtime.database.db;
      const listeners = async () =>
        (
          (await db.execute(sql`
            select pid from pg_stat_activity
            where datname = current_database() and query = 'listen appointment_events'`)) as unknown as {
            rows: Array<{ pid: number }>;
          }
        ).rows.map((r) => r.pid);
      const [old] = await listeners();
      expect(old).toBeDefined();
      await db.execute(sql`select pg_terminate_backend(${old})`);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const now = await listeners();
        if (now.length > 0 && !now.includes(old!)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const stream = await openStream(bearer(session));
      try {
        const booked = await book(
          t,
          bookingBody(t, '2026-12-11T10:00:00-05:00', { client: someClient('re') }),
        );
        expect(booked.statusCode, booked.body).toBe(201);
        await stream.next('appointment.created', booked.json().id);
      } finally {
        await stream.close();
      }
    },
  );
});
