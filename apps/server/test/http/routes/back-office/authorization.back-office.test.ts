/**
 * The authorization matrix of the back-office routes (location settings, services, barbers and
 * schedules, time off), in the pattern of ../authorization.test.ts: every route called as
 * anonymous, a client (a manage token as a bearer token), a barber (own data and a colleague's),
 * front desk, a manager, an owner, an owner without two-factor, and the owner of ANOTHER
 * organization. Refusals are 401/403/404 problems that leak nothing; another organization's
 * location answers exactly like a location that does not exist. The OpenAPI document says the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { STAFF_ROLES, type StaffRole } from '@bookedbarber/core';
import { barberServices, timeOff } from '../../../../src/db/schema.ts';
import { importShop } from '../../../../src/services/shop-import.service.ts';
import { parseShopFile } from '../../../../src/shops/shop-file.ts';
import { book, bookingBody, expectProblem, tokenOf } from '../../../support/api.ts';
import { createTestApp, fixtureShop, type TestApp } from '../../../support/harness.ts';
import {
  bearer,
  createStaff,
  locationId,
  signIn,
  type BearerSession,
  type TestStaff,
} from '../../../support/staff.ts';

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
const staff = {} as Record<Exclude<Caller, 'anonymous' | 'client'>, TestStaff>;
const sessions = {} as Record<Exclude<Caller, 'anonymous'>, BearerSession | string>;
let n = 0;

beforeAll(async () => {
  t = await createTestApp();
  await t.runtime.outbox.stop();
  const other = fixtureShop();
  other.organization = { key: 'rival-org', name: 'Rival Org' };
  other.locations[0]!.slug = 'rival-cuts';
  other.locations[0]!.name = 'Rival Cuts';
  await importShop(t.runtime.database.db, parseShopFile(other));
  loc = await locationId(t);
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

/** One staff route: how to call it, who may, and what "allowed" answers. */
interface RouteCase {
  name: string;
  /** Roles that may call it (as in its `x-roles`). */
  roles: readonly StaffRole[];
  /** Its `x-roles` when `roles` is narrower for this case (a barber on a colleague's appointment). */
  xRoles?: readonly StaffRole[];
  /** The path also exists for a slug (public): a non-UUID reaches that route instead. */
  slugTwin?: boolean;
  /** Whether the route is about a location of the path (another organization's → 404). */
  locationScoped: boolean;
  /** Status answered to an allowed caller (with the body given). */
  ok: number | ((caller: Caller) => number);
  /** OpenAPI path and method. */
  path: string;
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** Builds the request (fresh ids for routes that change things). */
  request: (target: string) => Promise<{ url: string; payload?: Record<string, unknown> }>;
}

const OM = ['owner', 'manager'] as const;
const OMD = ['owner', 'manager', 'front_desk'] as const;
const ALL_STAFF = STAFF_ROLES;
const SCHEDULERS = ['owner', 'manager', 'barber'] as const;
const L = '/api/v1/locations/{locationId}';

/** A requested time off of a barber straight in the database, for approve/decline. */
async function requestedTimeOff(barber: 'ben' | 'ana' = 'ben'): Promise<string> {
  const start = Date.parse('2027-01-04T15:00:00Z') + ++n * 3_600_000;
  const [row] = await t.runtime.database.db
    .insert(timeOff)
    .values({
      barberId: t.ids.barbers[barber]!,
      startsAt: new Date(start),
      endsAt: new Date(start + 1_800_000),
      kind: 'time_off',
      status: 'requested',
    })
    .returning({ id: timeOff.id });
  return row!.id;
}

const ROUTES: RouteCase[] = [
  {
    name: 'read settings',
    roles: OMD,
    locationScoped: true,
    ok: 200,
    path: `${L}/settings`,
    method: 'get',
    request: async (l) => ({ url: `/api/v1/locations/${l}/settings` }),
  },
  {
    name: 'change settings',
    roles: OM,
    locationScoped: true,
    ok: 200,
    path: `${L}/settings`,
    method: 'patch',
    request: async (l) => ({ url: `/api/v1/locations/${l}/settings`, payload: { phone: '+1 212 555 0199' } }),
  },
  {
    name: 'list services',
    roles: OMD,
    slugTwin: true,
    locationScoped: true,
    ok: 200,
    path: `${L}/services`,
    method: 'get',
    request: async (l) => ({ url: `/api/v1/locations/${l}/services` }),
  },
  {
    name: 'add a service',
    roles: OM,
    locationScoped: true,
    ok: 201,
    path: `${L}/services`,
    method: 'post',
    request: async (l) => ({
      url: `/api/v1/locations/${l}/services`,
      payload: {
        name: `Matrix ${++n}`,
        category: 'Matrix',
        durationMinutes: 30,
        priceMinor: 100,
        barberIds: [],
      },
    }),
  },
  {
    name: 'reorder services',
    roles: OM,
    locationScoped: true,
    ok: 200,
    path: `${L}/services/order`,
    method: 'put',
    request: async (l) => ({
      url: `/api/v1/locations/${l}/services/order`,
      payload: { ids: [t.ids.services.cut] },
    }),
  },
  {
    name: 'change a price',
    roles: OM,
    locationScoped: true,
    ok: 200,
    path: `${L}/services/{serviceId}`,
    method: 'patch',
    request: async (l) => ({
      url: `/api/v1/locations/${l}/services/${t.ids.services.cut}`,
      payload: { priceMinor: 3000 },
    }),
  },
  {
    name: 'archive a service',
    roles: OM,
    locationScoped: true,
    ok: 200,
    path: `${L}/services/{serviceId}/archive`,
    method: 'post',
    request: async (l) => ({
      url: `/api/v1/locations/${l}/services/${t.ids.services.color}/archive`,
      payload: {},
    }),
  },
  {
    name: 'rename a category',
    roles: OM,
    locationScoped: true,
    ok: 200,
    path: `${L}/service-categories/rename`,
    method: 'post',
    request: async (l) => ({
      url: `/api/v1/locations/${l}/service-categories/rename`,
      payload: { from: 'Hair', to: 'Hair' },
    }),
  },
  {
    name: 'set a barber override',
    roles: OM,
    locationScoped: true,
    ok: 200,
    path: `${L}/barbers/{barberId}/services/{serviceId}`,
    method: 'put',
    request: async (l) => ({
      url: `/api/v1/locations/${l}/barbers/${t.ids.barbers.ana}/services/${t.ids.services.beard}`,
      payload: { priceMinor: 1500, durationMinutes: null },
    }),
  },
  {
    name: 'remove a barber offer',
    roles: OM,
    locationScoped: true,
    ok: 204,
    path: `${L}/barbers/{barberId}/services/{serviceId}`,
    method: 'delete',
    request: async (l) => {
      await t.runtime.database.db
        .insert(barberServices)
        .values({ barberId: t.ids.barbers.ben!, serviceId: t.ids.services.beard! })
        .onConflictDoNothing();
      return { url: `/api/v1/locations/${l}/barbers/${t.ids.barbers.ben}/services/${t.ids.services.beard}` };
    },
  },
  {
    name: 'list barbers',
    roles: ALL_STAFF,
    slugTwin: true,
    locationScoped: true,
    ok: 200,
    path: `${L}/barbers`,
    method: 'get',
    request: async (l) => ({ url: `/api/v1/locations/${l}/barbers` }),
  },
  {
    name: 'create a barber',
    roles: OM,
    locationScoped: true,
    ok: 201,
    path: `${L}/barbers`,
    method: 'post',
    request: async (l) => ({
      url: `/api/v1/locations/${l}/barbers`,
      payload: { name: `Matrix Barber ${++n}` },
    }),
  },
  {
    name: 'rename a barber',
    roles: OM,
    locationScoped: true,
    ok: 200,
    path: `${L}/barbers/{barberId}`,
    method: 'patch',
    request: async (l) => ({
      url: `/api/v1/locations/${l}/barbers/${t.ids.barbers.ana}`,
      payload: { bio: 'Matrix' },
    }),
  },
  {
    name: "change hours (the barber's own)",
    roles: SCHEDULERS,
    locationScoped: true,
    ok: 200,
    path: `${L}/barbers/{barberId}/schedule`,
    method: 'put',
    request: async (l) => ({
      url: `/api/v1/locations/${l}/barbers/${t.ids.barbers.ben}/schedule`,
      payload: { dateOverrides: [] },
    }),
  },
  {
    name: "change hours (a colleague's)",
    roles: OM,
    xRoles: SCHEDULERS,
    locationScoped: true,
    ok: 200,
    path: `${L}/barbers/{barberId}/schedule`,
    method: 'put',
    request: async (l) => ({
      url: `/api/v1/locations/${l}/barbers/${t.ids.barbers.ana}/schedule`,
      payload: { dateOverrides: [] },
    }),
  },
  {
    name: 'list time off',
    roles: ALL_STAFF,
    locationScoped: true,
    ok: 200,
    path: `${L}/time-off`,
    method: 'get',
    request: async (l) => ({ url: `/api/v1/locations/${l}/time-off` }),
  },
  {
    name: "add time off (the barber's own)",
    roles: SCHEDULERS,
    locationScoped: true,
    ok: 201,
    path: `${L}/time-off`,
    method: 'post',
    request: async (l) => ({
      url: `/api/v1/locations/${l}/time-off`,
      payload: { barberId: t.ids.barbers.ben, start: '2027-03-01', end: '2027-03-01' },
    }),
  },
  {
    name: "add time off (a colleague's)",
    roles: OM,
    xRoles: SCHEDULERS,
    locationScoped: true,
    ok: 201,
    path: `${L}/time-off`,
    method: 'post',
    request: async (l) => ({
      url: `/api/v1/locations/${l}/time-off`,
      payload: { barberId: t.ids.barbers.ana, start: '2027-03-02', end: '2027-03-02' },
    }),
  },
  {
    name: 'approve time off',
    roles: OM,
    locationScoped: true,
    ok: 200,
    path: `${L}/time-off/{id}/approve`,
    method: 'post',
    request: async (l) => ({
      url: `/api/v1/locations/${l}/time-off/${await requestedTimeOff()}/approve`,
      payload: {},
    }),
  },
  {
    name: 'decline time off',
    roles: OM,
    locationScoped: true,
    ok: 200,
    path: `${L}/time-off/{id}/decline`,
    method: 'post',
    request: async (l) => ({
      url: `/api/v1/locations/${l}/time-off/${await requestedTimeOff()}/decline`,
      payload: {},
    }),
  },
  {
    name: "remove time off (the barber's own request)",
    roles: SCHEDULERS,
    locationScoped: true,
    ok: 204,
    path: `${L}/time-off/{id}`,
    method: 'delete',
    request: async (l) => ({ url: `/api/v1/locations/${l}/time-off/${await requestedTimeOff()}` }),
  },
  {
    name: "remove time off (a colleague's request)",
    roles: OM,
    xRoles: SCHEDULERS,
    locationScoped: true,
    ok: 204,
    path: `${L}/time-off/{id}`,
    method: 'delete',
    request: async (l) => ({ url: `/api/v1/locations/${l}/time-off/${await requestedTimeOff('ana')}` }),
  },
];
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

async function call(route: RouteCase, caller: Caller, target = loc): Promise<LightMyRequestResponse> {
  const { url, payload } = await route.request(target);
  const session = caller === 'anonymous' ? undefined : sessions[caller];
  return t.app.inject({
    method: route.method.toUpperCase() as 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
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
});
