/**
 * The authorization matrix of the checkout routes (in the pattern of
 * ../back-office/authorization.back-office.test.ts): every route called as anonymous, a client (a
 * manage token as a bearer token), a barber (Ben: his own appointment and a colleague's), front
 * desk, a manager, an owner, an owner without two-factor, and the owner of ANOTHER organization.
 * Price changes and discounts: owners and managers only. Refusals leak nothing; another
 * organization's location answers like one that does not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { eq } from 'drizzle-orm';
import { STAFF_ROLES, type StaffRole } from '@bookedbarber/core';
import { appointments } from '../../../../src/db/schema.ts';
import { importShop } from '../../../../src/services/shop-import.service.ts';
import { parseShopFile } from '../../../../src/shops/shop-file.ts';
import { book, bookingBody, expectProblem, someClient, tokenOf } from '../../../support/api.ts';
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
  t = await createTestApp({ payments: true });
  await t.runtime.outbox.stop();
  const other = fixtureShop();
  other.organization = { key: 'rival-org', name: 'Rival Org' };
  other.locations[0]!.slug = 'rival-cuts';
  other.locations[0]!.name = 'Rival Cuts';
  await importShop(t.runtime.database.db, parseShopFile(other));
  loc = await locationId(t);
  staff.owner = await createStaff(t, { email: 'owner@checkout.example', role: 'owner' });
  staff.manager = await createStaff(t, { email: 'manager@checkout.example', role: 'manager' });
  staff.front_desk = await createStaff(t, { email: 'desk@checkout.example', role: 'front_desk' });
  staff.barber = await createStaff(t, {
    email: 'ben@checkout.example',
    role: 'barber',
    barberId: t.ids.barbers.ben,
  });
  staff.owner_no_mfa = await createStaff(t, { email: 'owner2@checkout.example', role: 'owner', totp: false });
  staff.other_owner = await createStaff(t, {
    email: 'owner@rival.example',
    role: 'owner',
    slug: 'rival-cuts',
  });
  for (const [k, s] of Object.entries(staff)) sessions[k as keyof typeof staff] = await signIn(t, s);
  const booked = await book(t, bookingBody(t, '2026-12-08T10:00:00-05:00', { client: someClient('auth') }));
  sessions.client = `bba_${tokenOf(booked.json().manageUrl)}`;
});
afterAll(async () => t?.close());

/** Free times used so far per barber (Ben works every day 09–18, Ana Mon–Sat 09–12 and 13–17). */
const used = { ben: 0, ana: 0 };
const HOURS = { ben: [9, 10, 11, 12, 13, 14, 15, 16, 17], ana: [9, 10, 11, 13, 14, 15] };

/** A completed cut: Ben's (4000) or Ana's (3000), at a fresh time. */
async function completed(barber: 'ben' | 'ana' = 'ben'): Promise<string> {
  const next = (): string | null => {
    const i = used[barber]++;
    const hours = HOURS[barber];
    const date = new Date(Date.UTC(2026, 11, 9 + Math.floor(i / hours.length)));
    if (barber === 'ana' && date.getUTCDay() === 0) return null;
    const hour = hours[i % hours.length]!;
    return `${date.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00:00-05:00`;
  };
  let start = next();
  while (start === null) start = next();
  n += 1;
  const res = await book(
    t,
    bookingBody(t, start, { barberId: t.ids.barbers[barber], client: someClient(`auth${n}`) }),
  );
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().id as string;
  await t.runtime.database.db
    .update(appointments)
    .set({ status: 'completed' })
    .where(eq(appointments.id, id));
  return id;
}

/** A completed appointment of Ben's whose checkout waits for the desk's card. */
async function awaitingCard(): Promise<string> {
  const id = await completed();
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/locations/${loc}/appointments/${id}/checkout`,
    headers: { ...bearer(sessions.owner as BearerSession), 'idempotency-key': `setup-${id}` },
    payload: { tip: { percent: 0 }, method: 'card', expectedTotalMinor: 4000 },
  });
  expect(res.statusCode, res.body).toBe(200);
  return id;
}

interface RouteCase {
  name: string;
  roles: readonly StaffRole[];
  /** Its `x-roles` when `roles` is narrower for this case. */
  xRoles?: readonly StaffRole[];
  ok: number;
  path: string;
  method: 'get' | 'post';
  request: (
    target: string,
  ) => Promise<{ url: string; payload?: Record<string, unknown>; headers?: Record<string, string> }>;
}

const ALL = STAFF_ROLES;
const OM = ['owner', 'manager'] as const;
const OMD = ['owner', 'manager', 'front_desk'] as const;
const TIPS = ['owner', 'manager', 'barber'] as const;
const L = '/api/v1/locations/{locationId}';
const A = `${L}/appointments/{id}/checkout`;
const url = (l: string, id: string, rest = '') => `/api/v1/locations/${l}/appointments/${id}/checkout${rest}`;
const key = () => ({ 'idempotency-key': `auth-${++n}` });

const ROUTES: RouteCase[] = [
  {
    name: 'read the checkout (own)',
    roles: ALL,
    ok: 200,
    path: A,
    method: 'get',
    request: async (l) => ({ url: url(l, await completed()) }),
  },
  {
    name: "read the checkout (a colleague's)",
    roles: OMD,
    xRoles: ALL,
    ok: 200,
    path: A,
    method: 'get',
    request: async (l) => ({ url: url(l, await completed('ana')) }),
  },
  {
    name: 'preview with a tip (own)',
    roles: ALL,
    ok: 200,
    path: `${A}/preview`,
    method: 'post',
    request: async (l) => ({ url: url(l, await completed(), '/preview'), payload: { tip: { percent: 20 } } }),
  },
  {
    name: 'preview with a price change',
    roles: OM,
    xRoles: ALL,
    ok: 200,
    path: `${A}/preview`,
    method: 'post',
    request: async (l) => ({
      url: url(l, await completed(), '/preview'),
      payload: { lines: [{ name: 'Cut', priceMinor: 3500 }], tip: { percent: 0 } },
    }),
  },
  {
    name: 'check out in cash (own)',
    roles: ALL,
    ok: 200,
    path: A,
    method: 'post',
    request: async (l) => ({
      url: url(l, await completed()),
      headers: key(),
      payload: { tip: { percent: 20 }, method: 'cash', expectedTotalMinor: 4800 },
    }),
  },
  {
    name: "check out in cash (a colleague's)",
    roles: OMD,
    xRoles: ALL,
    ok: 200,
    path: A,
    method: 'post',
    request: async (l) => ({
      url: url(l, await completed('ana')),
      headers: key(),
      payload: { tip: { percent: 0 }, method: 'cash', expectedTotalMinor: 3000 },
    }),
  },
  {
    name: 'check out with a discount',
    roles: OM,
    xRoles: ALL,
    ok: 200,
    path: A,
    method: 'post',
    request: async (l) => ({
      url: url(l, await completed()),
      headers: key(),
      payload: { tip: { percent: 0 }, discountMinor: 1000, method: 'cash', expectedTotalMinor: 3000 },
    }),
  },
  {
    name: 'refresh the card payment (own)',
    roles: ALL,
    ok: 200,
    path: `${A}/card/refresh`,
    method: 'post',
    request: async (l) => ({ url: url(l, await awaitingCard(), '/card/refresh'), payload: {} }),
  },
  {
    name: 'pay with a test card (own)',
    roles: ALL,
    ok: 200,
    path: `${A}/card/test-confirm`,
    method: 'post',
    request: async (l) => ({
      url: url(l, await awaitingCard(), '/card/test-confirm'),
      payload: { cardNumber: '4242424242424242' },
    }),
  },
  {
    name: 'tips (own)',
    roles: TIPS,
    ok: 200,
    path: `${L}/barbers/{barberId}/tips`,
    method: 'get',
    request: async (l) => ({
      url: `/api/v1/locations/${l}/barbers/${t.ids.barbers.ben}/tips?from=2026-12-01&to=2026-12-31`,
    }),
  },
  {
    name: "tips (a colleague's)",
    roles: OM,
    xRoles: TIPS,
    ok: 200,
    path: `${L}/barbers/{barberId}/tips`,
    method: 'get',
    request: async (l) => ({
      url: `/api/v1/locations/${l}/barbers/${t.ids.barbers.ana}/tips?from=2026-12-01&to=2026-12-31`,
    }),
  },
];

function expected(route: RouteCase, caller: Caller): { status: number; code?: string } {
  if (caller === 'anonymous' || caller === 'client') return { status: 401, code: 'UNAUTHENTICATED' };
  if (caller === 'owner_no_mfa') return { status: 403, code: 'MFA_REQUIRED' };
  if (caller === 'other_owner') return { status: 404, code: 'NOT_FOUND' };
  return route.roles.includes(caller) ? { status: route.ok } : { status: 403, code: 'FORBIDDEN' };
}

async function call(route: RouteCase, caller: Caller, target = loc): Promise<LightMyRequestResponse> {
  const { url: u, payload, headers } = await route.request(target);
  const session = caller === 'anonymous' ? undefined : sessions[caller];
  return t.app.inject({
    method: route.method.toUpperCase() as 'GET' | 'POST',
    url: u,
    headers: { ...(session ? bearer(session) : {}), ...headers },
    ...(payload ? { payload } : {}),
  });
}

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

describe('the checkout authorization matrix', () => {
  for (const route of ROUTES)
    for (const caller of CALLERS) {
      const want = expected(route, caller);
      it(`${route.name} as ${caller} → ${want.status}${want.code ? ` ${want.code}` : ''}`, async () => {
        const res = await call(route, caller);
        if (want.code) {
          const body = expectProblem(res, want.status, want.code);
          const allowed = ['code', 'detail', 'instance', 'status', 'title', 'type', 'mfa', 'errors'];
          expect(Object.keys(body).filter((k) => !allowed.includes(k))).toEqual([]);
          const leak = secretsOfOrgA().filter((s) => res.body.replace(body.instance, '').includes(s));
          expect(leak).toEqual([]);
        } else {
          expect(res.statusCode, res.body).toBe(want.status);
        }
      });
    }
});

describe('organization scoping', () => {
  it.each(ROUTES.map((r) => [r.name, r] as const))(
    "%s: another organization's location answers exactly like one that does not exist",
    async (_name, route) => {
      const theirs = await call(route, 'other_owner', loc);
      const missing = await call(route, 'other_owner', '00000000-0000-4000-8000-000000000000');
      for (const res of [theirs, missing]) expectProblem(res, 404, 'NOT_FOUND');
      const strip = (r: LightMyRequestResponse) => ({ ...r.json(), instance: undefined });
      expect(strip(theirs)).toEqual(strip(missing));
    },
  );

  it("an appointment of another organization's location is not found through ours", async () => {
    const rival = await locationId(t, 'rival-cuts');
    const id = await completed();
    const res = await t.app.inject({
      method: 'GET',
      url: url(rival, id),
      headers: bearer(sessions.other_owner as BearerSession),
    });
    expectProblem(res, 404, 'NOT_FOUND');
  });
});

describe('the OpenAPI document', () => {
  it('states the roles of every checkout route in x-roles, with a security requirement', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json() as {
      paths: Record<
        string,
        Record<string, { 'x-roles'?: string[]; security?: unknown[]; description?: string }>
      >;
    };
    for (const route of ROUTES) {
      const op = doc.paths[route.path]![route.method]!;
      expect(op['x-roles'], route.path).toEqual([...(route.xRoles ?? route.roles)]);
      expect(op.security, route.path).toEqual([{ bearerAuth: [] }, { cookieAuth: [] }]);
      expect(op.description, route.path).toMatch(/^Access: /);
    }
  });
});
