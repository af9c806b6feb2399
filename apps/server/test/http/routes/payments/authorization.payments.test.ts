/**
 * The authorization matrix of the payment routes (payments.routes.ts), in the pattern of
 * ../back-office/authorization.back-office.test.ts: an appointment's payments (owner, manager,
 * front desk, and a barber for their own appointments only) and the reconciliation report
 * (owners, of their own organization only). Anonymous callers and clients are refused with 401;
 * another organization's staff get 404 for our location and never see our payments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importShop } from '../../../../src/services/shop-import.service.ts';
import { parseShopFile } from '../../../../src/shops/shop-file.ts';
import { book, bookingBody, tokenOf } from '../../../support/api.ts';
import { createTestApp, fixtureShop, type TestApp } from '../../../support/harness.ts';
import { bearer, createStaff, locationId, signIn, type BearerSession } from '../../../support/staff.ts';
import { deliver, payAsClient, pendingDeposit } from '../../../payments/support.ts';

let t: TestApp;
let loc: string;
let rivalLoc: string;
let benAppointment: string;
let benPayment: string;
const s = {} as Record<
  | 'owner'
  | 'manager'
  | 'front_desk'
  | 'barber_ben'
  | 'barber_ana'
  | 'owner_no_mfa'
  | 'other_owner'
  | 'other_desk',
  BearerSession
>;
let clientToken: string;

beforeAll(async () => {
  t = await createTestApp({ payments: true });
  const other = fixtureShop();
  other.organization = { key: 'rival-org', name: 'Rival Org' };
  other.locations[0]!.slug = 'rival-cuts';
  other.locations[0]!.name = 'Rival Cuts';
  await importShop(t.runtime.database.db, parseShopFile(other));
  loc = await locationId(t);
  rivalLoc = await locationId(t, 'rival-cuts');
  const make = async (k: keyof typeof s, o: Parameters<typeof createStaff>[1]) =>
    (s[k] = await signIn(t, await createStaff(t, o)));
  await make('owner', { email: 'owner@pay.example', role: 'owner' });
  await make('manager', { email: 'manager@pay.example', role: 'manager' });
  await make('front_desk', { email: 'desk@pay.example', role: 'front_desk' });
  await make('barber_ben', { email: 'ben@pay.example', role: 'barber', barberId: t.ids.barbers.ben });
  await make('barber_ana', { email: 'ana@pay.example', role: 'barber', barberId: t.ids.barbers.ana });
  await make('other_owner', { email: 'owner@rival.example', role: 'owner', slug: 'rival-cuts' });
  await make('other_desk', { email: 'desk@rival.example', role: 'front_desk', slug: 'rival-cuts' });
  // An owner without two-factor gets an "enrolment required" session only.
  const noMfa = await createStaff(t, { email: 'owner2@pay.example', role: 'owner', totp: false });
  s.owner_no_mfa = await signIn(t, noMfa);
  // A paid deposit on one of Ben's appointments.
  const p = await pendingDeposit(t, 1000);
  payAsClient(t, p.intentId);
  expect((await deliver(t, 'payment_intent.succeeded', p.intentId)).statusCode).toBe(200);
  benAppointment = p.appointmentId;
  benPayment = p.paymentId;
  const booked = await book(t, bookingBody(t, '2026-12-09T10:00:00-05:00'));
  clientToken = `bba_${tokenOf(booked.json().manageUrl)}`;
});
afterAll(async () => t?.close());

const paymentsUrl = (l = loc, id = benAppointment) => `/api/v1/locations/${l}/appointments/${id}/payments`;
const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers });
const reconUrl = () => {
  const from = new Date(Date.now() - 86_400_000).toISOString();
  const to = new Date(Date.now() + 86_400_000).toISOString();
  return `/api/v1/organizations/current/payments/reconciliation?from=${from}&to=${to}`;
};

describe('GET /locations/{locationId}/appointments/{id}/payments', () => {
  it.each(['owner', 'manager', 'front_desk', 'barber_ben'] as const)(
    '%s sees the payments, the ledger and the balance',
    async (who) => {
      const res = await get(paymentsUrl(), bearer(s[who]));
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.appointmentId).toBe(benAppointment);
      expect(body.balanceMinor).toBe(1000);
      expect(body.payments.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([
        [benPayment, 'succeeded'],
      ]);
      expect(body.ledger.map((e: { kind: string; amountMinor: number }) => [e.kind, e.amountMinor])).toEqual([
        ['charge', 1000],
      ]);
    },
  );

  it("a barber is refused a colleague's appointment (403, nothing leaked)", async () => {
    const res = await get(paymentsUrl(), bearer(s.barber_ana));
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
    expect(res.body).not.toContain(benPayment);
  });

  it.each(['other_owner', 'other_desk'] as const)(
    "another organization's %s gets 404, as for a location that does not exist",
    async (who) => {
      const res = await get(paymentsUrl(), bearer(s[who]));
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain(benPayment);
      // Their own location does not hold our appointment either.
      const theirs = await get(paymentsUrl(rivalLoc), bearer(s[who]));
      expect(theirs.statusCode).toBe(404);
      expect(theirs.body).not.toContain(benPayment);
    },
  );

  it('anonymous and a client (manage token) get 401; an owner without two-factor 403', async () => {
    expect((await get(paymentsUrl())).statusCode).toBe(401);
    expect((await get(paymentsUrl(), bearer(clientToken))).statusCode).toBe(401);
    const res = await get(paymentsUrl(), bearer(s.owner_no_mfa));
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('MFA_REQUIRED');
  });

  it('an unknown or malformed appointment id is 404', async () => {
    expect((await get(paymentsUrl(loc, crypto.randomUUID()), bearer(s.owner))).statusCode).toBe(404);
    expect((await get(paymentsUrl(loc, 'nope'), bearer(s.owner))).statusCode).toBe(404);
  });
});

describe('GET /organizations/current/payments/reconciliation', () => {
  it('an owner gets the report of their organization', async () => {
    const res = await get(reconUrl(), bearer(s.owner));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().paymentsChecked).toBe(1);
    expect(res.json().differences).toEqual([]);
  });

  it("another organization's owner gets their own (empty) report, never ours", async () => {
    const res = await get(reconUrl(), bearer(s.other_owner));
    expect(res.statusCode).toBe(200);
    expect(res.json().paymentsChecked).toBe(0);
    expect(res.body).not.toContain(benPayment);
  });

  it.each(['manager', 'front_desk', 'barber_ben', 'other_desk'] as const)(
    '%s is refused (403)',
    async (who) => {
      const res = await get(reconUrl(), bearer(s[who]));
      expect(res.statusCode).toBe(403);
      expect(res.body).not.toContain(benPayment);
    },
  );

  it('anonymous and a client get 401', async () => {
    expect((await get(reconUrl())).statusCode).toBe(401);
    expect((await get(reconUrl(), bearer(clientToken))).statusCode).toBe(401);
  });

  it('validates the period', async () => {
    const bad = await get(
      '/api/v1/organizations/current/payments/reconciliation?from=2026-12-10T00:00:00Z&to=2026-12-01T00:00:00Z',
      bearer(s.owner),
    );
    expect(bad.statusCode).toBe(422);
    const missing = await get('/api/v1/organizations/current/payments/reconciliation', bearer(s.owner));
    expect(missing.statusCode).toBe(422);
  });

  it('the OpenAPI document states the roles', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json();
    expect(doc.paths['/api/v1/locations/{locationId}/appointments/{id}/payments'].get['x-roles']).toEqual([
      'owner',
      'manager',
      'front_desk',
      'barber',
    ]);
    expect(doc.paths['/api/v1/organizations/current/payments/reconciliation'].get['x-roles']).toEqual([
      'owner',
    ]);
  });
});
