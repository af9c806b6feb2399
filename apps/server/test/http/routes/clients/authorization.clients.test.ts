/**
 * The authorization matrix of the client routes (docs/api.md "Clients"), after
 * test/http/routes/authorization.test.ts: every client back-office and export route called as
 * anonymous, a signed-in client (their `bb_client` cookie), a barber, front desk, a manager, an
 * owner, an owner without two-factor and the owner of another organization. Refusals are problems
 * that leak nothing of the organization or the client; another organization's location answers
 * like a missing one. And the reverse: staff credentials open no client-account route.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffRole } from '@bookedbarber/core';
import { CLIENT_ROUTE_ROLES } from '../../../../src/http/routes/clients/clients.routes.ts';
import { importShop } from '../../../../src/services/shop-import.service.ts';
import { parseShopFile } from '../../../../src/shops/shop-file.ts';
import { expectProblem } from '../../../support/api.ts';
import { createTestApp, fixtureShop, type TestApp } from '../../../support/harness.ts';
import {
  bearer,
  createStaff,
  emailsTo,
  locationId,
  setCookies,
  signIn,
  type BearerSession,
  type TestStaff,
} from '../../../support/staff.ts';
import { makeAppointment, makeClient } from './support.ts';

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
const sessions = {} as Record<Exclude<Caller, 'anonymous' | 'client'>, BearerSession>;
let clientCookie = '';
let clientCsrf: { cookie: string; token: string };
let subject: string;
let subjectAppointment: string;

beforeAll(async () => {
  t = await createTestApp();
  await t.runtime.outbox.stop();
  const other = fixtureShop();
  other.organization = { key: 'rival-org', name: 'Rival Org' };
  other.locations[0]!.slug = 'rival-cuts';
  other.locations[0]!.name = 'Rival Cuts';
  await importShop(t.runtime.database.db, parseShopFile(other));
  loc = await locationId(t);
  staff.owner = await createStaff(t, { email: 'owner@cm.example', role: 'owner' });
  staff.manager = await createStaff(t, { email: 'manager@cm.example', role: 'manager' });
  staff.front_desk = await createStaff(t, { email: 'desk@cm.example', role: 'front_desk' });
  staff.barber = await createStaff(t, {
    email: 'ben@cm.example',
    role: 'barber',
    barberId: t.ids.barbers.ben,
  });
  staff.owner_no_mfa = await createStaff(t, { email: 'owner2@cm.example', role: 'owner', totp: false });
  staff.other_owner = await createStaff(t, {
    email: 'owner@rival.example',
    role: 'owner',
    slug: 'rival-cuts',
  });
  for (const [k, s] of Object.entries(staff)) sessions[k as keyof typeof staff] = await signIn(t, s);
  subject = await makeClient(t, {
    name: 'Secret Subject',
    email: 'subject@client.example',
    phone: '+1 917 555 0199',
  });
  subjectAppointment = await makeAppointment(t, subject, { barber: 'ben' });
  // A signed-in client (their own cookie session).
  const csrf = await t.app.inject({ url: '/api/v1/auth/csrf' });
  clientCsrf = { cookie: `bb_csrf=${setCookies(csrf).bb_csrf!.value}`, token: csrf.json().csrfToken };
  const headers = { cookie: clientCsrf.cookie, 'x-csrf-token': clientCsrf.token };
  await t.app.inject({
    method: 'POST',
    url: '/api/v1/client-auth/request',
    payload: { email: 'subject@client.example', locationSlug: 'test-cuts' },
  });
  const mail = (await emailsTo(t, 'subject@client.example')).at(-1)!;
  const token = /#token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
  const verified = await t.app.inject({
    method: 'POST',
    url: '/api/v1/client-auth/verify',
    headers,
    payload: { token },
  });
  clientCookie = `bb_client=${setCookies(verified).bb_client!.value}`;
});
afterAll(async () => t?.close());

interface RouteCase {
  name: string;
  roles: readonly StaffRole[];
  locationScoped: boolean;
  ok: number;
  path: string;
  method: 'get' | 'post' | 'patch';
  request: (target: string) => Promise<{ url: string; payload?: Record<string, unknown> }>;
}

let n = 0;
const ROUTES: RouteCase[] = [
  {
    name: 'list clients',
    roles: CLIENT_ROUTE_ROLES.list,
    locationScoped: true,
    ok: 200,
    path: '/api/v1/locations/{locationId}/clients/list',
    method: 'get',
    request: async (l) => ({ url: `/api/v1/locations/${l}/clients/list` }),
  },
  {
    name: 'client profile',
    roles: CLIENT_ROUTE_ROLES.profile,
    locationScoped: true,
    ok: 200,
    path: '/api/v1/locations/{locationId}/clients/{clientId}',
    method: 'get',
    request: async (l) => ({ url: `/api/v1/locations/${l}/clients/${subject}` }),
  },
  {
    name: 'edit a client',
    roles: CLIENT_ROUTE_ROLES.edit,
    locationScoped: true,
    ok: 200,
    path: '/api/v1/locations/{locationId}/clients/{clientId}',
    method: 'patch',
    request: async (l) => ({
      url: `/api/v1/locations/${l}/clients/${subject}`,
      payload: { tags: [`t${++n}`] },
    }),
  },
  {
    name: 'merge clients',
    roles: CLIENT_ROUTE_ROLES.merge,
    locationScoped: true,
    ok: 200,
    path: '/api/v1/locations/{locationId}/clients/{clientId}/merge',
    method: 'post',
    request: async (l) => {
      const keep = await makeClient(t, { name: `Keep ${++n}`, email: `keep${n}@cm.example` });
      const dup = await makeClient(t, { name: `Dup ${n}`, email: `dup${n}@cm.example` });
      return { url: `/api/v1/locations/${l}/clients/${keep}/merge`, payload: { duplicateId: dup } };
    },
  },
  {
    name: 'export clients',
    roles: CLIENT_ROUTE_ROLES.export,
    locationScoped: false,
    ok: 200,
    path: '/api/v1/organizations/current/export/clients.csv',
    method: 'get',
    request: async () => ({ url: '/api/v1/organizations/current/export/clients.csv' }),
  },
  {
    name: 'export appointments',
    roles: CLIENT_ROUTE_ROLES.export,
    locationScoped: false,
    ok: 200,
    path: '/api/v1/organizations/current/export/appointments.csv',
    method: 'get',
    request: async () => ({ url: '/api/v1/organizations/current/export/appointments.csv' }),
  },
];

function expected(route: RouteCase, caller: Caller): { status: number; code?: string } {
  if (caller === 'anonymous' || caller === 'client') return { status: 401, code: 'UNAUTHENTICATED' };
  if (caller === 'owner_no_mfa') return { status: 403, code: 'MFA_REQUIRED' };
  if (caller === 'other_owner')
    return route.locationScoped ? { status: 404, code: 'NOT_FOUND' } : { status: route.ok };
  return (route.roles as readonly string[]).includes(caller)
    ? { status: route.ok }
    : { status: 403, code: 'FORBIDDEN' };
}

async function call(route: RouteCase, caller: Caller, target = loc): Promise<LightMyRequestResponse> {
  const { url, payload } = await route.request(target);
  const headers: Record<string, string> =
    caller === 'anonymous'
      ? {}
      : caller === 'client'
        ? { cookie: `${clientCookie}; ${clientCsrf.cookie}`, 'x-csrf-token': clientCsrf.token }
        : bearer(sessions[caller]);
  return t.app.inject({
    method: route.method.toUpperCase() as 'GET',
    url,
    headers,
    ...(payload ? { payload } : {}),
  });
}

/** What a refused caller must never see. */
const secrets = () => [
  'Secret Subject',
  'subject@client.example',
  '917 555 0199',
  subject,
  'Test Cuts',
  'cm.example',
];

describe('the client routes authorization matrix', () => {
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
          const leak = secrets().filter((s) => res.body.replace(body.instance, '').includes(s));
          expect(leak).toEqual([]);
        } else {
          expect(res.statusCode, res.body).toBe(want.status);
          if (caller === 'other_owner') expect(res.body).not.toContain('subject@client.example');
        }
      });
    }

  it.each(ROUTES.filter((r) => r.locationScoped).map((r) => [r.name, r] as const))(
    "%s: another organization's location answers exactly like one that does not exist",
    async (_name, route) => {
      const theirs = await call(route, 'other_owner', loc);
      const missing = await call(route, 'other_owner', '00000000-0000-4000-8000-000000000000');
      const strip = (r: LightMyRequestResponse) => ({
        ...expectProblem(r, 404, 'NOT_FOUND'),
        instance: undefined,
      });
      expect(strip(theirs)).toEqual(strip(missing));
    },
  );

  it('states the roles of every client route in x-roles', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { 'x-roles'?: string[]; description?: string }>>;
    };
    for (const route of ROUTES) {
      const op = doc.paths[route.path]![route.method]!;
      expect(op['x-roles'], route.path).toEqual([...route.roles]);
      expect(op.description, route.path).toMatch(/^Access: /);
    }
  });
});

describe('client-account routes refuse staff credentials', () => {
  const clientRoutes: Array<{ method: 'GET' | 'POST'; url: string; payload?: object }> = [
    { method: 'GET', url: '/api/v1/client/me' },
    { method: 'GET', url: '/api/v1/client/me/appointments' },
    {
      method: 'POST',
      url: '/api/v1/client/me/book-again',
      payload: { appointmentId: '00000000-0000-4000-8000-000000000000' },
    },
    {
      method: 'POST',
      url: '/api/v1/client/me/book-again/confirm',
      payload: { appointmentId: '00000000-0000-4000-8000-000000000000', start: '2026-12-08T10:00:00-05:00' },
    },
    { method: 'POST', url: '/api/v1/client-auth/logout' },
  ];
  for (const caller of ['anonymous', 'owner', 'barber'] as const)
    it.each(clientRoutes.map((r) => [`${r.method} ${r.url}`, r] as const))(
      `%s as ${caller} → 401`,
      async (_n, r) => {
        const headers = caller === 'anonymous' ? {} : bearer(sessions[caller]);
        const res = await t.app.inject({
          method: r.method,
          url: r.url,
          headers,
          ...(r.payload ? { payload: r.payload } : {}),
        });
        expectProblem(res, 401, 'UNAUTHENTICATED');
        expect(res.body).not.toContain('Secret Subject');
      },
    );

  it("the client's own session reads only their own appointments", async () => {
    const res = await t.app.inject({
      url: '/api/v1/client/me/appointments',
      headers: { cookie: clientCookie },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().appointments.map((a: { id: string }) => a.id)).toEqual([subjectAppointment]);
  });
});
