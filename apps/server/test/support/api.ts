/**
 * Small helpers for route tests: booking through the API, reading problem details, counting rows.
 */
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { and, count, eq, gte, inArray, lt } from 'drizzle-orm';
import { ACTIVE_STATUSES, appointments, clients, idempotencyKeys, outbox } from '../../src/db/schema.ts';
import type { TestApp } from './harness.ts';

/** A client block for a booking; `n` keeps emails distinct. */
export function someClient(n: number | string = 1) {
  return { name: `Client ${n}`, email: `client${n}@example.com`, phone: '+1 212 555 0100' };
}

/** The body of a booking for the fixture shop ("cut" with Ana unless told otherwise). */
export function bookingBody(t: TestApp, start: string, overrides: Record<string, unknown> = {}) {
  return {
    services: [t.ids.services.cut],
    barberId: t.ids.barbers.ana,
    start,
    client: someClient(),
    ...overrides,
  };
}

/** POST /api/v1/locations/test-cuts/appointments. */
export function book(
  t: TestApp,
  payload: unknown,
  opts: { headers?: Record<string, string>; slug?: string; remoteAddress?: string } = {},
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/locations/${opts.slug ?? 'test-cuts'}/appointments`,
    payload: payload as Record<string, unknown>,
    headers: opts.headers,
    remoteAddress: opts.remoteAddress,
  });
}

/** The manage token of a manageUrl. */
export function tokenOf(manageUrl: string): string {
  const m = /\/manage\/([^/?#]+)$/.exec(manageUrl);
  if (!m) throw new Error(`Not a manage URL: ${manageUrl}`);
  return m[1]!;
}

/** A problem details body as the API sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance: string;
  errors?: Array<{ field: string; message: string }>;
  alternatives?: Array<{ start: string; end: string; barberIds: string[] }>;
  [k: string]: unknown;
}

/**
 * Asserts an RFC 9457 problem: status, content type, every member, the stable code, no stack trace.
 * @returns the body.
 */
export function expectProblem(res: LightMyRequestResponse, status: number, code: string): Problem {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json() as Problem;
  expect(body).toMatchObject({ status, code });
  expect(body.type).toBe(`https://bookedbarber.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`);
  expect(typeof body.title).toBe('string');
  expect(body.title.length).toBeGreaterThan(0);
  expect(typeof body.detail).toBe('string');
  expect(body.detail.length).toBeGreaterThan(0);
  expect(body.instance).toBe(new URL(res.raw.req.url ?? '/', 'http://x').pathname);
  expect(res.body).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules|"stack"/);
  return body;
}

/** The fields named by a VALIDATION_FAILED problem. */
export function fieldsOf(res: LightMyRequestResponse): string[] {
  const body = expectProblem(res, 422, 'VALIDATION_FAILED');
  expect(Array.isArray(body.errors)).toBe(true);
  for (const e of body.errors!) expect(typeof e.message).toBe('string');
  return body.errors!.map((e) => e.field);
}

/** Row counts of the tables a booking writes. */
export async function rowCounts(t: TestApp) {
  const db = t.runtime.database.db;
  const [a] = await db.select({ n: count() }).from(appointments);
  const [c] = await db.select({ n: count() }).from(clients);
  const [o] = await db.select({ n: count() }).from(outbox);
  const [k] = await db.select({ n: count() }).from(idempotencyKeys);
  return { appointments: a!.n, clients: c!.n, outbox: o!.n, idempotencyKeys: k!.n };
}

/** Active appointments of a barber starting in [from, to). */
export async function activeAppointments(t: TestApp, barberId: string, from: string, to: string) {
  return t.runtime.database.db
    .select()
    .from(appointments)
    .where(
      and(
        eq(appointments.barberId, barberId),
        inArray(appointments.status, [...ACTIVE_STATUSES]),
        gte(appointments.startsAt, new Date(from)),
        lt(appointments.startsAt, new Date(to)),
      ),
    );
}

/** GET availability of the fixture shop. */
export async function availability(
  t: TestApp,
  q: { services?: string[]; barber?: string; from: string; to: string },
) {
  const params = new URLSearchParams({
    services: (q.services ?? [t.ids.services.cut!]).join(','),
    barber: q.barber ?? 'any',
    from: q.from,
    to: q.to,
  });
  const res = await t.app.inject({ url: `/api/v1/locations/test-cuts/availability?${params}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    timezone: string;
    slots: Array<{ start: string; end: string; barberIds: string[] }>;
  };
}
