/**
 * Booking with payment (issue 4; docs/api.md, "Booking with payment"): deposits and card on file
 * held pending, paid through the test-mode card endpoints, holds released, late money refunded,
 * the online limit, the provider down, and who may see or pay what.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asc, count, eq } from 'drizzle-orm';
import {
  appointmentHistory,
  appointments,
  clients,
  ledgerEntries,
  outbox,
  payments,
} from '../../../../src/db/schema.ts';
import { HELD_UNTIL } from '../../../../src/services/held-confirmation.ts';
import {
  book,
  bookingBody,
  expectProblem,
  fieldsOf,
  rowCounts,
  someClient,
  tokenOf,
} from '../../../support/api.ts';
import { createTestApp, fixtureShop, type TestApp } from '../../../support/harness.ts';

const NOW = '2026-12-07T08:00:00-05:00';
let t: TestApp;
let plain: TestApp;

/** The fixture shop with payment rules: cut takes a 50 % deposit, beard a card on file, vip is prepaid and over the limit. */
function paidShop() {
  const shop = fixtureShop();
  const loc = shop.locations[0]!;
  loc.services = loc.services.map((s) =>
    s.key === 'cut'
      ? { ...s, payments: { mode: 'deposit' as const, deposit: { percent: 50 } } }
      : s.key === 'beard'
        ? { ...s, payments: { mode: 'card_on_file' as const } }
        : s,
  );
  loc.services.push({
    key: 'vip',
    name: 'VIP',
    category: 'Hair',
    durationMinutes: 30,
    priceMinor: 150_000,
    payments: { mode: 'prepayment' },
  });
  loc.barbers[0]!.services.push('vip');
  loc.payments = { mode: 'none', cancellationPolicy: 'standard' };
  return shop;
}

beforeAll(async () => {
  [t, plain] = await Promise.all([
    createTestApp({ now: NOW, payments: true, shop: paidShop() }),
    createTestApp({ now: NOW }),
  ]);
});
afterAll(async () => {
  await t?.close();
  await plain?.close();
});
afterEach(() => t.clock.set(NOW));

let n = 0;
/** Books `services` with Ana at `start` and returns the answer and token. */
async function booked(start: string, services = [t.ids.services.cut!], headers?: Record<string, string>) {
  n += 1;
  const res = await book(t, bookingBody(t, start, { services, client: someClient(`pay${n}`) }), {
    ...(headers ? { headers } : {}),
  });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json();
  return { body, token: tokenOf(body.manageUrl), id: body.id as string };
}

const confirm = (providerId: string, clientSecret: string, cardNumber: string) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/test-payments/${providerId}/confirm`,
    payload: { clientSecret, cardNumber },
  });
const authenticate = (providerId: string, clientSecret: string) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/test-payments/${providerId}/authenticate`,
    payload: { clientSecret },
  });

const db = () => t.runtime.database.db;
const paymentRows = (appointmentId: string) =>
  db().select().from(payments).where(eq(payments.appointmentId, appointmentId));
const ledgerOf = (appointmentId: string) =>
  db().select().from(ledgerEntries).where(eq(ledgerEntries.appointmentId, appointmentId));
const statusOf = async (id: string) =>
  (await db().select({ s: appointments.status }).from(appointments).where(eq(appointments.id, id)))[0]?.s;
const mailsTo = async (email: string) =>
  (await db().select().from(outbox).orderBy(asc(outbox.createdAt))).filter(
    (r) => (r.payload as { to: string }).to === email,
  );

describe('GET /api/v1/locations/{slug}/services', () => {
  it('says what each service takes online', async () => {
    const list = (await t.app.inject({ url: '/api/v1/locations/test-cuts/services' })).json();
    const by = Object.fromEntries(list.map((s: { name: string; payment: unknown }) => [s.name, s.payment]));
    expect(by).toEqual({
      Cut: { mode: 'deposit', amountMinor: 1500 },
      Beard: { mode: 'card_on_file', amountMinor: 0 },
      VIP: { mode: 'prepayment', amountMinor: 150_000 },
    });
  });

  it('without a provider there is no payment part', async () => {
    const list = (await plain.app.inject({ url: '/api/v1/locations/test-cuts/services' })).json();
    expect(list.every((s: object) => !('payment' in s))).toBe(true);
  });
});

describe('a deposit booking', () => {
  it('is pending with a hold, a payments row keyed by the appointment and an intent at the provider', async () => {
    const { body, id } = await booked('2026-12-08T09:00:00-05:00');
    expect(body.status).toBe('pending');
    expect(body.payment).toMatchObject({
      purpose: 'deposit',
      amountMinor: 1500,
      currency: 'USD',
      holdExpiresAt: '2026-12-07T08:10:00-05:00',
      publishableKey: null,
      testMode: true,
    });
    expect(body.payment.clientSecret).toMatch(/_secret_/);
    const [row] = await paymentRows(id);
    expect(row).toMatchObject({
      idempotencyKey: `appointment:${id}:deposit`,
      providerId: body.payment.providerId,
      purpose: 'deposit',
      status: 'requires_payment_method',
      amountMinor: 1500,
    });
    expect(t.stripe!.requests).toContainEqual({
      method: 'POST',
      path: '/v1/payment_intents',
      idempotencyKey: `appointment:${id}:deposit`,
    });
    const [appt] = await db().select().from(appointments).where(eq(appointments.id, id));
    expect(appt).toMatchObject({ paymentMode: 'deposit', amountDueOnlineMinor: 1500 });
    expect(appt!.holdExpiresAt!.toISOString()).toBe('2026-12-07T13:10:00.000Z');
    expect(appt!.cancellationPolicy?.key).toBe('standard');
    // The confirmation is written but held until paid.
    const mails = await mailsTo(`clientpay${n}@example.com`);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.availableAt.getTime()).toBe(HELD_UNTIL.getTime());
  });

  it('paid with 4242: confirmed, charge in the ledger, confirmation released', async () => {
    const { body, id, token } = await booked('2026-12-08T09:30:00-05:00');
    const res = await confirm(body.payment.providerId, body.payment.clientSecret, '4242 4242 4242 4242');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ status: 'succeeded', failureCode: null, appointmentStatus: 'confirmed' });
    expect(await statusOf(id)).toBe('confirmed');
    const ledger = await ledgerOf(id);
    expect(ledger.map((l) => [l.kind, l.amountMinor])).toEqual([['charge', 1500]]);
    const mails = await mailsTo(`client${'pay' + n}@example.com`);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.availableAt.getTime()).toBeLessThanOrEqual(t.clock.now().getTime());
    expect((mails[0]!.payload as { text: string }).text).toContain('deposit of $15.00 paid online');
    const view = (await t.app.inject({ url: `/api/v1/manage/${token}/payment` })).json();
    expect(view).toMatchObject({
      appointmentStatus: 'confirmed',
      payment: { status: 'succeeded', clientSecret: null },
    });
    // Paying again is refused; refreshing changes nothing.
    expectProblem(
      await confirm(body.payment.providerId, body.payment.clientSecret, '4242424242424242'),
      409,
      'INVALID_STATE',
    );
    await t.app.inject({ method: 'POST', url: `/api/v1/manage/${token}/payment/refresh` });
    expect(await ledgerOf(id)).toHaveLength(1);
    expect(await mailsTo(`client${'pay' + n}@example.com`)).toHaveLength(1);
  });

  it('declined: still pending with the failure code; another card then pays', async () => {
    const { body, id } = await booked('2026-12-08T10:00:00-05:00');
    const res = await confirm(body.payment.providerId, body.payment.clientSecret, '4000000000000002');
    expect(res.json()).toEqual({
      status: 'failed',
      failureCode: 'generic_decline',
      appointmentStatus: 'pending',
    });
    expect((await paymentRows(id))[0]).toMatchObject({ failureCode: 'generic_decline' });
    expect(await ledgerOf(id)).toHaveLength(0);
    const ok = await confirm(body.payment.providerId, body.payment.clientSecret, '4242424242424242');
    expect(ok.json()).toMatchObject({ status: 'succeeded', appointmentStatus: 'confirmed' });
  });

  it('3-D Secure: requires_action, then authenticate confirms it', async () => {
    const { body, id } = await booked('2026-12-08T10:30:00-05:00');
    expectProblem(
      await authenticate(body.payment.providerId, body.payment.clientSecret),
      409,
      'INVALID_STATE',
    );
    const res = await confirm(body.payment.providerId, body.payment.clientSecret, '4000 0027 6000 3184');
    expect(res.json()).toEqual({
      status: 'requires_action',
      failureCode: null,
      appointmentStatus: 'pending',
    });
    const done = await authenticate(body.payment.providerId, body.payment.clientSecret);
    expect(done.json()).toEqual({ status: 'succeeded', failureCode: null, appointmentStatus: 'confirmed' });
    expect((await ledgerOf(id)).map((l) => l.kind)).toEqual(['charge']);
  });

  it('a replay with the same Idempotency-Key answers the same booking and intent', async () => {
    const headers = { 'idempotency-key': 'pay-replay-1' };
    const payload = bookingBody(t, '2026-12-08T11:00:00-05:00', { client: someClient('replay') });
    const first = await book(t, payload, { headers });
    const again = await book(t, payload, { headers });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(await paymentRows(first.json().id)).toHaveLength(1);
  });
});

describe('hold expiry', () => {
  it('releases an unpaid hold: cancelled (payment_timeout), client told, intent cancelled, slot free', async () => {
    const start = '2026-12-09T09:00:00-05:00';
    const { body, id, token } = await booked(start);
    const email = `clientpay${n}@example.com`;
    t.clock.advance(9);
    expect(await t.runtime.holds.run()).not.toContain(id);
    expect(await statusOf(id)).toBe('pending');
    t.clock.advance(2);
    expect(await t.runtime.holds.run()).toContain(id);
    expect(await statusOf(id)).toBe('cancelled');
    const history = await db()
      .select()
      .from(appointmentHistory)
      .where(eq(appointmentHistory.appointmentId, id));
    expect(history.at(-1)).toMatchObject({
      action: 'cancelled',
      fromStatus: 'pending',
      toStatus: 'cancelled',
      details: expect.objectContaining({ reason: 'payment_timeout' }),
    });
    const mails = await mailsTo(email);
    expect(mails).toHaveLength(1); // the held confirmation is gone, the release notice is due
    expect(mails[0]!.payload).toMatchObject({ subject: expect.stringMatching(/^Not booked/) });
    expect((mails[0]!.payload as { text: string }).text).toContain('Nothing was charged');
    expect(t.stripe!.intents.get(body.payment.providerId)!.status).toBe('canceled');
    expect(t.stripe!.requests.map((r) => r.idempotencyKey)).toContain(
      `payment:${body.payment.paymentId}:cancel`,
    );
    // Paying now is refused; the slot is bookable again.
    expectProblem(
      await confirm(body.payment.providerId, body.payment.clientSecret, '4242424242424242'),
      409,
      'INVALID_STATE',
    );
    expect((await t.app.inject({ url: `/api/v1/manage/${token}/payment` })).json().appointmentStatus).toBe(
      'cancelled',
    );
    expect(await t.runtime.holds.run()).toEqual([]);
    t.clock.set(NOW);
    await booked(start);
  });

  it('cancelled by the client before paying: the held confirmation is never sent', async () => {
    const { id, token } = await booked('2026-12-09T11:00:00-05:00');
    const email = `clientpay${n}@example.com`;
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/manage/${token}/cancel` });
    expect(res.statusCode, res.body).toBe(200);
    expect(await statusOf(id)).toBe('cancelled');
    const mails = await mailsTo(email);
    expect(mails.some((m) => m.availableAt.getTime() === HELD_UNTIL.getTime())).toBe(false);
    expect(mails.map((m) => (m.payload as { subject: string }).subject)).toEqual([
      expect.stringMatching(/cancel/i),
    ]);
  });

  it('money that arrives after the release is refunded once', async () => {
    const { body, id, token } = await booked('2026-12-09T09:30:00-05:00');
    // The client pays at the provider, but we do not hear about it before the hold runs out.
    t.stripe!.confirmAsClient(body.payment.providerId, 'pm_card_visa');
    t.clock.advance(11);
    expect(await t.runtime.holds.run()).toContain(id);
    expect(await statusOf(id)).toBe('cancelled');
    await t.app.inject({ method: 'POST', url: `/api/v1/manage/${token}/payment/refresh` });
    await t.app.inject({ method: 'POST', url: `/api/v1/manage/${token}/payment/refresh` });
    const ledger = await ledgerOf(id);
    expect(ledger.map((l) => [l.kind, l.amountMinor]).sort()).toEqual([
      ['charge', 1500],
      ['refund', 1500],
    ]);
    const refunds = [...t.stripe!.refunds.values()].filter(
      (r) => r.payment_intent === body.payment.providerId,
    );
    expect(refunds).toHaveLength(1);
  });
});

describe('card on file', () => {
  it('is pending with a SetupIntent; the saved card confirms it', async () => {
    const { body, id } = await booked('2026-12-10T09:00:00-05:00', [t.ids.services.beard!]);
    expect(body.status).toBe('pending');
    expect(body.payment).toMatchObject({ purpose: 'card_setup', amountMinor: 0 });
    expect(body.payment.providerId).toMatch(/^seti_/);
    expect((await paymentRows(id))[0]!.idempotencyKey).toBe(`appointment:${id}:card-setup`);
    const res = await confirm(body.payment.providerId, body.payment.clientSecret, '4242424242424242');
    expect(res.json()).toEqual({ status: 'succeeded', failureCode: null, appointmentStatus: 'confirmed' });
    const [appt] = await db().select().from(appointments).where(eq(appointments.id, id));
    const [client] = await db().select().from(clients).where(eq(clients.id, appt!.clientId));
    expect(client!.cardOnFileId).toBe('pm_card_visa');
    expect(client!.providerCustomerId).toMatch(/^cus_/);
  });
});

describe('refusals and failures', () => {
  it('over the online limit: 422 PAYMENT_OVER_LIMIT and nothing written', async () => {
    const before = await rowCounts(t);
    const [p] = await db().select({ n: count() }).from(payments);
    const res = await book(
      t,
      bookingBody(t, '2026-12-10T10:00:00-05:00', {
        services: [t.ids.services.vip],
        client: someClient('vip'),
      }),
    );
    expect(expectProblem(res, 422, 'PAYMENT_OVER_LIMIT').detail).toContain('$1,000.00');
    expect(await rowCounts(t)).toEqual(before);
    expect((await db().select({ n: count() }).from(payments))[0]!.n).toBe(p!.n);
  });

  it('provider down, card on file: booked as pay at the shop, recorded in history', async () => {
    for (let i = 0; i < 3; i += 1) t.stripe!.failWith(503);
    const { body, id } = await booked('2026-12-10T11:00:00-05:00', [t.ids.services.beard!]);
    expect(body.status).toBe('confirmed');
    expect(body.payment).toBeNull();
    expect(await paymentRows(id)).toHaveLength(0);
    const [appt] = await db().select().from(appointments).where(eq(appointments.id, id));
    expect(appt).toMatchObject({ status: 'confirmed', paymentMode: 'none', holdExpiresAt: null });
    const history = await db()
      .select()
      .from(appointmentHistory)
      .where(eq(appointmentHistory.appointmentId, id));
    expect(history.at(-1)!.details).toMatchObject({ reason: 'payments_unavailable', paymentMode: 'none' });
    const mails = await mailsTo(`clientpay${n}@example.com`);
    expect(mails[0]!.availableAt.getTime()).toBeLessThanOrEqual(t.clock.now().getTime());
  });

  it('provider down, deposit: 503 PAYMENTS_UNAVAILABLE, nothing left, slot free', async () => {
    const before = await rowCounts(t);
    const [p] = await db().select({ n: count() }).from(payments);
    for (let i = 0; i < 3; i += 1) t.stripe!.failWith(503);
    const start = '2026-12-10T13:00:00-05:00';
    const res = await book(t, bookingBody(t, start, { client: someClient('down') }), {
      headers: { 'idempotency-key': 'down-1' },
    });
    expectProblem(res, 503, 'PAYMENTS_UNAVAILABLE');
    // The client row may stay (it is the client's record, not the booking).
    const after = await rowCounts(t);
    expect({ ...after, clients: 0 }).toEqual({ ...before, clients: 0 });
    expect((await db().select({ n: count() }).from(payments))[0]!.n).toBe(p!.n);
    // The same key books now that the provider is back.
    const again = await book(t, bookingBody(t, start, { client: someClient('down') }), {
      headers: { 'idempotency-key': 'down-1' },
    });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().status).toBe('pending');
  });
});

describe('who may see and pay', () => {
  it('a manage token shows its own payment only; an unknown token is 404', async () => {
    const a = await booked('2026-12-11T09:00:00-05:00');
    const b = await booked('2026-12-11T09:30:00-05:00');
    const va = (await t.app.inject({ url: `/api/v1/manage/${a.token}/payment` })).json();
    expect(va.payment.paymentId).toBe(a.body.payment.paymentId);
    expect(va.payment.paymentId).not.toBe(b.body.payment.paymentId);
    expect(va.payment.clientSecret).toBe(a.body.payment.clientSecret);
    expectProblem(await t.app.inject({ url: `/api/v1/manage/${'x'.repeat(43)}/payment` }), 404, 'NOT_FOUND');
    expectProblem(
      await t.app.inject({ method: 'POST', url: `/api/v1/manage/${'x'.repeat(43)}/payment/refresh` }),
      404,
      'NOT_FOUND',
    );
  });

  it("test-mode confirm: another payment's client secret is 403, an unknown object 404, a non-test card 422", async () => {
    const a = await booked('2026-12-11T10:00:00-05:00');
    const b = await booked('2026-12-11T10:30:00-05:00');
    expectProblem(
      await confirm(a.body.payment.providerId, b.body.payment.clientSecret, '4242424242424242'),
      403,
      'FORBIDDEN',
    );
    expectProblem(await authenticate(a.body.payment.providerId, 'nope'), 403, 'FORBIDDEN');
    expectProblem(
      await confirm('pi_unknown', a.body.payment.clientSecret, '4242424242424242'),
      404,
      'NOT_FOUND',
    );
    expect(
      fieldsOf(await confirm(a.body.payment.providerId, a.body.payment.clientSecret, '5555555555554444')),
    ).toEqual(['cardNumber']);
    expect(fieldsOf(await confirm(a.body.payment.providerId, a.body.payment.clientSecret, 'abc'))).toEqual([
      'cardNumber',
    ]);
    expect(await statusOf(a.id)).toBe('pending');
  });

  it('without the test provider the test-payment endpoints are 404 and bookings are as before', async () => {
    const res = await plain.app.inject({
      method: 'POST',
      url: '/api/v1/test-payments/pi_x/confirm',
      payload: { clientSecret: 's', cardNumber: '4242424242424242' },
    });
    expectProblem(res, 404, 'NOT_FOUND');
    const booking = await book(plain, bookingBody(plain, '2026-12-08T09:00:00-05:00'));
    expect(booking.statusCode).toBe(201);
    expect(booking.json().status).toBe('confirmed');
    expect('payment' in booking.json()).toBe(false);
    const view = await plain.app.inject({
      url: `/api/v1/manage/${tokenOf(booking.json().manageUrl)}/payment`,
    });
    expect(view.json()).toEqual({ appointmentStatus: 'confirmed', payment: null });
  });
});
