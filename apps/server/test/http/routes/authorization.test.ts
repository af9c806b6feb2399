/**
 * The authorization matrix (issue 3, "Who may do what"): every staff route called as anonymous,
 * a client (a manage token presented as a bearer token), a barber, front desk, a manager, an
 * owner, an owner who has not enrolled two-factor, and the owner of ANOTHER organization. Refused
 * answers are 401/403/404 problems that leak nothing; another organization's location answers
 * exactly like a location that does not exist. The OpenAPI document states the same roles.
 */
import { clientCipher } from '../../../src/security/client-fields.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { STAFF_ROLES, type StaffRole } from '@bookedbarber/core';
import { insertAppointment } from '../../../src/repositories/appointment.repository.ts';
import { upsertClient } from '../../../src/repositories/client.repository.ts';
import { organizationId } from '../../support/staff.ts';
import { timeOff } from '../../../src/db/schema.ts';
import { importShop } from '../../../src/services/shop-import.service.ts';
import { parseShopFile } from '../../../src/shops/shop-file.ts';
import { book, bookingBody, expectProblem, tokenOf } from '../../support/api.ts';
import { createTestApp, fixtureShop, type TestApp } from '../../support/harness.ts';
import {
  bearer,
  createStaff,
  locationId,
  signIn,
  type BearerSession,
  type TestStaff,
} from '../../support/staff.ts';

type Caller =
  'anonymous' | 'client' | 'barber' | 'front_desk' | 'manager' | 'owner' | 'owner_no_mfa' | 'other_owner';
const CALLERS: Caller[] = [
  'anonymous',
  'client',
  'barber',
  'front_desk',
  'manager',
  'owner',
  'owner_no_mfa',
  'other_owner',
];

let t: TestApp;
let loc: string;
let otherLoc: string;
const staff = {} as Record<Exclude<Caller, 'anonymous' | 'client'>, TestStaff>;
const sessions = {} as Record<Exclude<Caller, 'anonymous'>, BearerSession | string>;
let victims = 0;

beforeAll(async () => {
  t = await createTestApp();
  await t.runtime.outbox.stop();
  const other = fixtureShop();
  other.organization = { key: 'rival-org', name: 'Rival Org' };
  other.locations[0]!.slug = 'rival-cuts';
  other.locations[0]!.name = 'Rival Cuts';
  await importShop(t.runtime.database.db, parseShopFile(other));
  loc = await locationId(t);
  otherLoc = await locationId(t, 'rival-cuts');
  staff.owner = await createStaff(t, { email: 'owner@matrix.example', role: 'owner' });
  staff.manager = await createStaff(t, { email: 'manager@matrix.example', role: 'manager' });
  staff.front_desk = await createStaff(t, { email: 'desk@matrix.example', role: 'front_desk' });
  staff.barber = await createStaff(t, {
    email: 'ben@matrix.example',
    role: 'barber',
    barberId: t.ids.barbers.ben,
  });
  staff.owner_no_mfa = await createStaff(t, { email: 'owner2@matrix.example', role: 'owner', totp: false });
  staff.other_owner = await createStaff(t, {
    email: 'owner@rival.example',
    role: 'owner',
    slug: 'rival-cuts',
  });
  for (const [k, s] of Object.entries(staff)) sessions[k as keyof typeof staff] = await signIn(t, s);
  // A client holds only a manage link; it is not a staff credential.
  const booked = await book(t, bookingBody(t, '2026-12-08T10:00:00-05:00'));
  sessions.client = `bba_${tokenOf(booked.json().manageUrl)}`;
});
afterAll(async () => t?.close());

let hour = 0;
/**
 * A fresh appointment of the fixture location straight in the database (no availability rules),
 * each an hour after the last, for routes that change one.
 */
async function appointment(
  barber: 'ben' | 'ana',
  status: 'pending' | 'confirmed' | 'checked_in' = 'confirmed',
) {
  const db = t.runtime.database.db;
  const start = Date.parse('2026-12-20T00:00:00Z') + ++hour * 3_600_000;
  const clientId = await upsertClient(db, clientCipher(t.runtime.ctx.secrets), await organizationId(t), {
    name: 'Matrix Client',
    email: 'matrix.client@example.com',
    phone: '+1 212 555 0101',
  });
  return insertAppointment(db, {
    locationId: loc,
    barberId: t.ids.barbers[barber]!,
    clientId,
    source: 'online',
    status,
    startsAt: new Date(start),
    endsAt: new Date(start + 30 * 60_000),
    occupiedFrom: new Date(start),
    occupiedUntil: new Date(start + 30 * 60_000),
    totalMinor: 3000,
    currency: 'USD',
    notes: null,
    manageTokenHash: `matrix-${hour}`,
    lines: [{ serviceId: t.ids.services.cut!, name: 'Cut', durationMinutes: 30, priceMinor: 3000 }],
  });
}

/** A start far from the others, for reschedules and staff bookings (with override). */
function freeStart(): string {
  return new Date(Date.parse('2027-02-01T00:00:00Z') + ++hour * 3_600_000).toISOString();
}

/** One staff route: how to call it, who may, and what "allowed" answers. */
interface RouteCase {
  name: string;
  /** Roles that may call it (as in its `x-roles`). */
  roles: readonly StaffRole[];
  /** Its `x-roles` when `roles` is narrower for this case (a barber on a colleague's appointment). */
  xRoles?: readonly StaffRole[];
  /** The path also exists for a slug (public): a non-UUID reaches that route instead. */
  slugTwin?: boolean;
  /** A server-sent events stream: called over a real connection, closed after the headers. */
  stream?: boolean;
  /** Whether the route is about a location of the path (another organization's → 404). */
  locationScoped: boolean;
  /** Status answered to an allowed caller (with the body given). */
  ok: number | ((caller: Caller) => number);
  /** OpenAPI path and method. */
  path: string;
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Builds the request (fresh ids for routes that change things). */
  request: (target: string) => Promise<{ url: string; payload?: Record<string, unknown> }>;
}

/** A fresh front-desk member at the fixture location, for routes that change a member. */
async function victim(): Promise<string> {
  victims++;
  return (await createStaff(t, { email: `victim${victims}@matrix.example`, role: 'front_desk' })).userId;
}

const ROUTES: RouteCase[] = [
  {
    name: 'list staff',
    roles: ['owner', 'manager'],
    locationScoped: true,
    ok: 200,
    path: '/api/v1/locations/{locationId}/staff',
    method: 'get',
    request: async (l) => ({ url: `/api/v1/locations/${l}/staff` }),
  },
  {
    name: 'invite staff',
    roles: ['owner'],
    locationScoped: true,
    ok: 201,
    path: '/api/v1/locations/{locationId}/staff/invites',
    method: 'post',
    request: async (l) => ({
      url: `/api/v1/locations/${l}/staff/invites`,
      payload: { email: `invitee${++victims}@matrix.example`, name: 'Invitee', role: 'front_desk' },
    }),
  },
  {
    name: 'change a role',
    roles: ['owner'],
    locationScoped: true,
    ok: 200,
    path: '/api/v1/locations/{locationId}/staff/{userId}',
    method: 'patch',
    request: async (l) => ({
      url: `/api/v1/locations/${l}/staff/${await victim()}`,
      payload: { role: 'manager' },
    }),
  },
  {
    name: 'deactivate',
    roles: ['owner'],
    locationScoped: true,
    ok: 200,
    path: '/api/v1/locations/{locationId}/staff/{userId}/deactivate',
    method: 'post',
    request: async (l) => ({ url: `/api/v1/locations/${l}/staff/${await victim()}/deactivate` }),
  },
  {
    name: 'read the audit log',
    roles: ['owner'],
    locationScoped: false,
    ok: 200,
    path: '/api/v1/organizations/current/audit',
    method: 'get',
    request: async () => ({ url: '/api/v1/organizations/current/audit' }),
  },
  {
    name: 'me',
    roles: STAFF_ROLES,
    locationScoped: false,
    ok: 200,
    path: '/api/v1/me',
    method: 'get',
    request: async () => ({ url: '/api/v1/me' }),
  },
  {
    name: 'change password (wrong current password: allowed through to the 422)',
    roles: STAFF_ROLES,
    locationScoped: false,
    ok: 422,
    path: '/api/v1/auth/password',
    method: 'post',
    request: async () => ({
      url: '/api/v1/auth/password',
      payload: { currentPassword: 'definitely wrong', newPassword: 'irrelevant but long' },
    }),
  },
  {
    name: 'start two-factor setup',
    roles: STAFF_ROLES,
    locationScoped: false,
    // Owners and managers here have two-factor on already.
    ok: (c) => (c === 'owner' || c === 'manager' || c === 'other_owner' ? 409 : 200),
    path: '/api/v1/auth/totp/setup',
    method: 'post',
    request: async () => ({ url: '/api/v1/auth/totp/setup' }),
  },
];

const ALL_STAFF = ['owner', 'manager', 'front_desk', 'barber'] as const;
const ACTIONS: Array<{
  action: string;
  status?: 'pending' | 'checked_in';
  payload?: () => Record<string, unknown>;
}> = [
  { action: 'confirm', status: 'pending' },
  { action: 'check-in' },
  { action: 'complete', status: 'checked_in' },
  { action: 'no-show' },
  { action: 'cancel', payload: () => ({ reason: 'Matrix' }) },
  { action: 'reschedule', payload: () => ({ start: freeStart(), override: true }) },
];
for (const whose of ['ben', 'ana'] as const) {
  const roles = whose === 'ben' ? ALL_STAFF : (['owner', 'manager', 'front_desk'] as const);
  const label = whose === 'ben' ? "(the barber's own appointment)" : "(a colleague's appointment)";
  for (const { action, status, payload } of ACTIONS)
    ROUTES.push({
      name: `${action} ${label}`,
      roles,
      xRoles: ALL_STAFF,
      locationScoped: true,
      ok: 200,
      path: `/api/v1/locations/{locationId}/appointments/{id}/${action}`,
      method: 'post',
      request: async (l) => ({
        url: `/api/v1/locations/${l}/appointments/${await appointment(whose, status)}/${action}`,
        payload: payload?.() ?? {},
      }),
    });
  ROUTES.push(
    {
      name: `resize ${label}`,
      roles,
      xRoles: ALL_STAFF,
      locationScoped: true,
      ok: 200,
      path: '/api/v1/locations/{locationId}/appointments/{id}/resize',
      method: 'post',
      request: async (l) => {
        const id = await appointment(whose);
        // appointment() starts on the hour it just counted: end 45 minutes after that start.
        const end = new Date(Date.parse('2026-12-20T00:00:00Z') + hour * 3_600_000 + 45 * 60_000);
        return {
          url: `/api/v1/locations/${l}/appointments/${id}/resize`,
          payload: { end: end.toISOString() },
        };
      },
    },
    {
      name: `block time ${whose === 'ben' ? '(the barber themself)' : '(a colleague)'}`,
      roles,
      xRoles: ALL_STAFF,
      locationScoped: true,
      ok: 201,
      path: '/api/v1/locations/{locationId}/blocked-times',
      method: 'post',
      request: async (l) => {
        const start = freeStart();
        const end = new Date(Date.parse(start) + 30 * 60_000).toISOString();
        return {
          url: `/api/v1/locations/${l}/blocked-times`,
          payload: { barberId: t.ids.barbers[whose], start, end, reason: 'Matrix' },
        };
      },
    },
    {
      name: `remove blocked time ${whose === 'ben' ? '(the barber themself)' : '(a colleague)'}`,
      roles,
      xRoles: ALL_STAFF,
      locationScoped: true,
      ok: 204,
      path: '/api/v1/locations/{locationId}/blocked-times/{id}',
      method: 'delete',
      request: async (l) => {
        const start = new Date(freeStart());
        const [row] = await t.runtime.database.db
          .insert(timeOff)
          .values({
            barberId: t.ids.barbers[whose]!,
            startsAt: start,
            endsAt: new Date(start.getTime() + 30 * 60_000),
            kind: 'blocked',
            status: 'approved',
          })
          .returning({ id: timeOff.id });
        return { url: `/api/v1/locations/${l}/blocked-times/${row!.id}` };
      },
    },
    {
      name: `change notes ${label}`,
      roles,
      xRoles: ALL_STAFF,
      locationScoped: true,
      ok: 200,
      path: '/api/v1/locations/{locationId}/appointments/{id}',
      method: 'patch',
      request: async (l) => ({
        url: `/api/v1/locations/${l}/appointments/${await appointment(whose)}`,
        payload: { notes: 'Matrix notes' },
      }),
    },
    {
      name: `book a phone client ${whose === 'ben' ? '(for the barber themself)' : '(for a colleague)'}`,
      roles,
      xRoles: ALL_STAFF,
      locationScoped: true,
      slugTwin: true,
      ok: 201,
      path: '/api/v1/locations/{locationId}/appointments',
      method: 'post',
      request: async (l) => ({
        url: `/api/v1/locations/${l}/appointments`,
        payload: {
          services: [t.ids.services.cut],
          barberId: t.ids.barbers[whose],
          start: freeStart(),
          source: 'phone',
          override: true,
          client: { name: 'Phone Client', phone: '+1 212 555 0102' },
        },
      }),
    },
  );
}
ROUTES.push(
  {
    name: 'the calendar',
    roles: ALL_STAFF,
    locationScoped: true,
    ok: 200,
    path: '/api/v1/locations/{locationId}/calendar',
    method: 'get',
    request: async (l) => ({ url: `/api/v1/locations/${l}/calendar?from=2026-12-19&to=2026-12-21` }),
  },
  {
    name: 'search clients',
    roles: ['owner', 'manager', 'front_desk'],
    locationScoped: true,
    ok: 200,
    path: '/api/v1/locations/{locationId}/clients',
    method: 'get',
    request: async (l) => ({ url: `/api/v1/locations/${l}/clients?q=matrix` }),
  },
  {
    name: 'live events',
    roles: ALL_STAFF,
    locationScoped: true,
    stream: true,
    ok: 200,
    path: '/api/v1/locations/{locationId}/events',
    method: 'get',
    request: async (l) => ({ url: `/api/v1/locations/${l}/events` }),
  },
);

/** What a caller should get from a route: a status and, when refused, a code. */
function expected(route: RouteCase, caller: Caller): { status: number; code?: string } {
  if (caller === 'anonymous' || caller === 'client') return { status: 401, code: 'UNAUTHENTICATED' };
  const okStatus = typeof route.ok === 'function' ? route.ok(caller) : route.ok;
  const enrolmentRoute = route.path === '/api/v1/me' || route.path.startsWith('/api/v1/auth/totp');
  if (caller === 'owner_no_mfa')
    return enrolmentRoute ? { status: okStatus } : { status: 403, code: 'MFA_REQUIRED' };
  if (caller === 'other_owner') {
    if (route.locationScoped) return { status: 404, code: 'NOT_FOUND' };
    return { status: okStatus };
  }
  return route.roles.includes(caller) ? { status: okStatus } : { status: 403, code: 'FORBIDDEN' };
}

let baseUrl: string | undefined;

/** Calls a streaming route over a real connection: the status and headers, and the body of a refusal. */
async function callStream(url: string, headers: Record<string, string>): Promise<LightMyRequestResponse> {
  baseUrl ??= await t.app.listen({ host: '127.0.0.1', port: 0 });
  const abort = new AbortController();
  const res = await fetch(baseUrl + url, { headers, signal: abort.signal });
  const body = res.ok ? '' : await res.text();
  abort.abort();
  return {
    statusCode: res.status,
    headers: Object.fromEntries(res.headers),
    body,
    json: () => JSON.parse(body) as unknown,
    raw: { req: { url } },
  } as unknown as LightMyRequestResponse;
}

async function call(route: RouteCase, caller: Caller, target = loc): Promise<LightMyRequestResponse> {
  const { url, payload } = await route.request(target);
  const session = caller === 'anonymous' ? undefined : sessions[caller];
  if (route.stream) return callStream(url, session ? bearer(session) : {});
  return t.app.inject({
    method: route.method.toUpperCase() as 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url,
    headers: session ? bearer(session) : {},
    payload,
  });
}

/** Things of the fixture organization a refused caller must never see. */
function secretsOfOrgA(): string[] {
  return [
    'Test Cuts',
    'test-cuts',
    'Test Org',
    loc,
    ...Object.values(staff)
      .filter((s) => !s.email.endsWith('rival.example'))
      .flatMap((s) => [s.email, s.userId]),
    t.ids.barbers.ben!,
    t.ids.barbers.ana!,
  ];
}

describe('the authorization matrix', () => {
  for (const route of ROUTES)
    for (const caller of CALLERS) {
      const want = expected(route, caller);
      it(`${route.name} as ${caller} → ${want.status}${want.code ? ` ${want.code}` : ''}`, async () => {
        const res = await call(route, caller);
        if (want.code) {
          const body = expectProblem(res, want.status, want.code);
          expect(Object.keys(body).sort()).toEqual(
            [
              'code',
              'detail',
              'instance',
              'status',
              'title',
              'type',
              ...(want.code === 'MFA_REQUIRED' ? ['mfa'] : []),
            ].sort(),
          );
          const leak = secretsOfOrgA().filter((s) => res.body.replace(body.instance, '').includes(s));
          expect(leak).toEqual([]);
        } else {
          expect(res.statusCode, res.body).toBe(want.status);
        }
      });
    }
});

describe('organization scoping', () => {
  it.each(ROUTES.filter((r) => r.locationScoped).map((r) => [r.name, r] as const))(
    "%s: another organization's location answers exactly like one that does not exist",
    async (_name, route) => {
      const theirs = await call(route, 'other_owner', loc);
      const missing = await call(route, 'other_owner', '00000000-0000-4000-8000-000000000000');
      for (const res of [theirs, missing]) expectProblem(res, 404, 'NOT_FOUND');
      const strip = (r: LightMyRequestResponse) => ({ ...r.json(), instance: undefined });
      expect(strip(theirs)).toEqual(strip(missing));
      // A non-UUID is a slug there: the public route of the same shape answers (docs/api.md).
      if (route.slugTwin) return;
      const garbage = await call(route, 'other_owner', 'not-a-uuid');
      expectProblem(garbage, 404, 'NOT_FOUND');
      expect(strip(garbage)).toEqual(strip(missing));
    },
  );

  it('the owner of another organization is allowed on their own location', async () => {
    const res = await call(ROUTES[0]!, 'other_owner', otherLoc);
    expect(res.statusCode, res.body).toBe(200);
    expect(JSON.stringify(res.json())).not.toContain('matrix.example');
  });

  it('a member of the same organization without a role at this location is 403, not 404', async () => {
    const file = fixtureShop();
    file.locations.push({ ...file.locations[0]!, slug: 'test-cuts-uptown', name: 'Test Cuts Uptown' });
    await importShop(t.runtime.database.db, parseShopFile(file));
    const uptownDesk = await createStaff(t, {
      email: 'uptown@matrix.example',
      role: 'manager',
      slug: 'test-cuts-uptown',
    });
    const res = await t.app.inject({
      url: `/api/v1/locations/${loc}/staff`,
      headers: bearer(await signIn(t, uptownDesk)),
    });
    expectProblem(res, 403, 'FORBIDDEN');
  });

  it('a staff member cannot reach a member of another organization through their own location', async () => {
    const rivalMember = staff.other_owner.userId;
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/locations/${loc}/staff/${rivalMember}/deactivate`,
      headers: bearer(sessions.owner as BearerSession),
    });
    expectProblem(res, 404, 'NOT_FOUND');
  });
});

describe('the OpenAPI document', () => {
  it('states the roles of every staff route in x-roles, with a security requirement', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json() as {
      paths: Record<
        string,
        Record<string, { 'x-roles'?: string[]; security?: unknown[]; description?: string }>
      >;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearerAuth', 'cookieAuth']);
    for (const route of ROUTES) {
      const op = doc.paths[route.path]![route.method]!;
      expect(op['x-roles'], route.path).toEqual([...(route.xRoles ?? route.roles)]);
      expect(op.security, route.path).toEqual([{ bearerAuth: [] }, { cookieAuth: [] }]);
      expect(op.description, route.path).toMatch(/^Access: /);
    }
  });

  it('every /api/v1 route states its access in its description', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { description?: string }>>;
    };
    for (const [p, ops] of Object.entries(doc.paths))
      if (p.startsWith('/api/v1'))
        for (const [m, op] of Object.entries(ops)) expect(op.description, `${m} ${p}`).toMatch(/^Access: /);
  });
});
