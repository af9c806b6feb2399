/**
 * Checkout (issue 4): totals with tax, discount, tip and deposit; cash; card on file (success and
 * decline); card at the desk through the test confirm; idempotent retries; a total that does not
 * match; an appointment not completed; the receipt; tips attributed to the barber.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import {
  appointmentHistory,
  auditLog,
  appointments,
  clients,
  ledgerEntries,
  locations,
} from '../../../../src/db/schema.ts';
import { appendLedger } from '../../../../src/repositories/payment.repository.ts';
import { ensureCustomer } from '../../../../src/services/payment-requests.ts';
import { book, bookingBody, expectProblem, someClient } from '../../../support/api.ts';
import { createTestApp, type TestApp } from '../../../support/harness.ts';
import {
  bearer,
  createStaff,
  emailsTo,
  locationId,
  signIn,
  type BearerSession,
} from '../../../support/staff.ts';

let t: TestApp;
let loc: string;
const s = {} as Record<'owner' | 'desk' | 'ana', BearerSession>;
let n = 0;

beforeAll(async () => {
  t = await createTestApp({ payments: true });
  await t.runtime.outbox.stop();
  loc = await locationId(t);
  // New York City sales tax, 8.875 %.
  await t.runtime.database.db.update(locations).set({ taxRatePpm: 88_750 }).where(eq(locations.id, loc));
  s.owner = await signIn(t, await createStaff(t, { email: 'owner@co.example', role: 'owner' }));
  s.desk = await signIn(t, await createStaff(t, { email: 'desk@co.example', role: 'front_desk' }));
  s.ana = await signIn(
    t,
    await createStaff(t, { email: 'ana@co.example', role: 'barber', barberId: t.ids.barbers.ana }),
  );
});
afterAll(async () => t?.close());

/** Books a cut + beard with Ana (3000 + 1500) and sets its status; returns its id and client. */
async function appointment(status: 'completed' | 'checked_in' | 'confirmed' = 'completed') {
  n += 1;
  const day = 8 + Math.floor(n / 6);
  const hour = 9 + (n % 6) * 1;
  const start = `2026-12-${String(day).padStart(2, '0')}T${String(hour >= 12 ? hour + 1 : hour).padStart(2, '0')}:00:00-05:00`;
  const client = someClient(`co${n}`);
  const res = await book(
    t,
    bookingBody(t, start, { services: [t.ids.services.cut, t.ids.services.beard], client }),
  );
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().id as string;
  await t.runtime.database.db.update(appointments).set({ status }).where(eq(appointments.id, id));
  const [row] = await t.runtime.database.db
    .select({ clientId: appointments.clientId })
    .from(appointments)
    .where(eq(appointments.id, id));
  return { id, clientId: row!.clientId, email: client.email };
}

function call(
  who: keyof typeof s,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  return t.app.inject({
    method,
    url: `/api/v1/locations/${loc}${url}`,
    headers: { ...bearer(s[who]), ...headers },
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });
}

const pay = (
  who: keyof typeof s,
  id: string,
  body: Record<string, unknown>,
  key = `k-${id}-${Math.random()}`,
) => call(who, 'POST', `/appointments/${id}/checkout`, body, { 'idempotency-key': key });

async function ledger(id: string) {
  return t.runtime.database.db
    .select()
    .from(ledgerEntries)
    .where(eq(ledgerEntries.appointmentId, id))
    .orderBy(ledgerEntries.id);
}

async function giveCard(clientId: string, paymentMethod: string) {
  const customer = await ensureCustomer(t.runtime.ctx, clientId);
  await t.runtime.database.db
    .update(clients)
    .set({ providerCustomerId: customer, cardOnFileId: paymentMethod })
    .where(eq(clients.id, clientId));
}

describe('the ticket', () => {
  it('opens as booked: lines, tax rate, deposit from the ledger, suggested tips, card options', async () => {
    const a = await appointment();
    await appendLedger(t.runtime.database.db, {
      organizationId: (await t.runtime.database.db.select().from(locations).where(eq(locations.id, loc)))[0]!
        .organizationId,
      appointmentId: a.id,
      paymentId: null,
      kind: 'charge',
      amountMinor: 1000,
      currency: 'USD',
      providerRef: `ch_deposit_${a.id}`,
    });
    const res = await call('desk', 'GET', `/appointments/${a.id}/checkout`);
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json();
    expect(c).toMatchObject({
      status: 'open',
      currency: 'USD',
      taxRatePpm: 88_750,
      depositPaidMinor: 1000,
      cardOnFile: false,
      cardPaymentsAvailable: true,
      canAdjustPrices: false,
      lines: [
        { name: 'Cut', priceMinor: 3000, originalPriceMinor: 3000 },
        { name: 'Beard', priceMinor: 1500, originalPriceMinor: 1500 },
      ],
      // 15/20/25 % of 4500
      suggestedTips: [
        { percent: 15, amountMinor: 675 },
        { percent: 20, amountMinor: 900 },
        { percent: 25, amountMinor: 1125 },
      ],
    });
    // 4500 + tax 399.375 → 399 = 4899, less the 1000 deposit
    expect(c.totals).toMatchObject({ subtotalMinor: 4500, taxMinor: 399, totalMinor: 4899, dueMinor: 3899 });

    // The preview with a price change, a discount and a 20 % tip (owner), nothing written.
    const p = await call('owner', 'POST', `/appointments/${a.id}/checkout/preview`, {
      lines: [
        { name: 'Cut', priceMinor: 3500 },
        { name: 'Beard', priceMinor: 1500 },
      ],
      discountMinor: 500,
      tip: { percent: 20 },
    });
    expect(p.statusCode, p.body).toBe(200);
    // 5000 − 500 = 4500; tax 399; tip 900; total 5799; due 4799
    expect(p.json()).toMatchObject({
      subtotalMinor: 5000,
      discountMinor: 500,
      taxMinor: 399,
      tipMinor: 900,
      totalMinor: 5799,
      depositAppliedMinor: 1000,
      dueMinor: 4799,
    });
    expect((await call('desk', 'GET', `/appointments/${a.id}/checkout`)).json().status).toBe('open');
  });

  it('refuses lines that are not the booked ones and a discount above the subtotal', async () => {
    const a = await appointment();
    const wrong = await call('owner', 'POST', `/appointments/${a.id}/checkout/preview`, {
      lines: [{ name: 'Cut', priceMinor: 3000 }],
      tip: { percent: 0 },
    });
    expectProblem(wrong, 422, 'VALIDATION_FAILED');
    const tooMuch = await call('owner', 'POST', `/appointments/${a.id}/checkout/preview`, {
      tip: { percent: 0 },
      discountMinor: 4501,
    });
    expectProblem(tooMuch, 422, 'VALIDATION_FAILED');
  });

  it('front desk and barbers may not change prices or give discounts', async () => {
    const a = await appointment();
    const price = await call('desk', 'POST', `/appointments/${a.id}/checkout/preview`, {
      lines: [
        { name: 'Cut', priceMinor: 1 },
        { name: 'Beard', priceMinor: 1500 },
      ],
      tip: { percent: 0 },
    });
    expect(expectProblem(price, 403, 'FORBIDDEN').errors).toEqual([
      { field: 'lines', message: 'You cannot change prices' },
    ]);
    const discount = await pay('ana', a.id, {
      tip: { percent: 0 },
      discountMinor: 100,
      method: 'cash',
      expectedTotalMinor: 4400,
    });
    expectProblem(discount, 403, 'FORBIDDEN');
    expect(await ledger(a.id)).toEqual([]);
  });
});

describe('cash', () => {
  it('pays at once: charge and tip in the ledger, tip to the barber, receipt mailed, adjustments recorded', async () => {
    const a = await appointment();
    const body = {
      lines: [
        { name: 'Cut', priceMinor: 3500 },
        { name: 'Beard', priceMinor: 1500 },
      ],
      discountMinor: 500,
      tip: { percent: 20 },
      method: 'cash',
      expectedTotalMinor: 5799,
    };
    const res = await pay('owner', a.id, body, 'cash-1');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'paid',
      method: 'cash',
      totals: { dueMinor: 5799, tipMinor: 900 },
    });
    const entries = await ledger(a.id);
    expect(entries.map((e) => [e.kind, e.amountMinor, e.providerRef, e.barberId])).toEqual([
      ['charge', 4899, `cash:${a.id}`, null],
      ['tip', 900, `cash-tip:${a.id}`, t.ids.barbers.ana],
    ]);
    // The same key again: the same answer, no second entry.
    const again = await pay('owner', a.id, body, 'cash-1');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(res.json());
    expect(await ledger(a.id)).toHaveLength(2);
    // Another key: it is already paid.
    expectProblem(await pay('owner', a.id, body, 'cash-2'), 409, 'INVALID_STATE');
    // The same key with another request.
    expectProblem(
      await pay('owner', a.id, { ...body, discountMinor: 0 }, 'cash-1'),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );

    const mails = await emailsTo(t, a.email);
    const receipt = mails.find((m) => m.subject.startsWith('Receipt:'))!;
    expect(receipt).toBeDefined();
    expect(receipt.text).toContain('Cut: $35.00');
    expect(receipt.text).toContain('Discount: −$5.00');
    expect(receipt.text).toContain('Tax: $3.99');
    expect(receipt.text).toContain('Tip for Ana: $9.00');
    expect(receipt.text).toContain('Paid now (cash): $57.99');
    expect(mails.filter((m) => m.subject.startsWith('Receipt:'))).toHaveLength(1);

    const history = await t.runtime.database.db
      .select()
      .from(appointmentHistory)
      .where(eq(appointmentHistory.appointmentId, a.id))
      .orderBy(appointmentHistory.id);
    const adjusted = history.find((h) => h.action === 'checkout' && h.details.event === 'adjusted')!;
    expect(adjusted.actor).toMatch(/^staff:/);
    expect(adjusted.details).toEqual({
      event: 'adjusted',
      lines: [{ name: 'Cut', fromMinor: 3000, toMinor: 3500 }],
      discountMinor: 500,
    });
    expect(history.some((h) => h.action === 'checkout' && h.details.event === 'paid')).toBe(true);
    const [audited] = await t.runtime.database.db.select().from(auditLog).where(eq(auditLog.entityId, a.id));
    expect(audited).toMatchObject({
      action: 'appointment.checkout_adjusted',
      before: { lines: [{ name: 'Cut', priceMinor: 3000 }] },
      after: { lines: [{ name: 'Cut', fromMinor: 3000, toMinor: 3500 }], discountMinor: 500 },
    });
  });

  it('requires the Idempotency-Key header', async () => {
    const a = await appointment();
    const res = await call('desk', 'POST', `/appointments/${a.id}/checkout`, {
      tip: { percent: 0 },
      method: 'cash',
      expectedTotalMinor: 4899,
    });
    expectProblem(res, 422, 'VALIDATION_FAILED');
  });

  it('refuses a total that does not match, naming the amount due', async () => {
    const a = await appointment();
    const res = await pay('desk', a.id, { tip: { percent: 20 }, method: 'cash', expectedTotalMinor: 4899 });
    const p = expectProblem(res, 422, 'PAYMENT_AMOUNT_MISMATCH');
    expect((p as unknown as { dueMinor: number }).dueMinor).toBe(5799);
    expect(await ledger(a.id)).toEqual([]);
    expect((await call('desk', 'GET', `/appointments/${a.id}/checkout`)).json().status).toBe('open');
  });

  it('only a completed appointment; a checked-in one is completed by its checkout', async () => {
    const confirmed = await appointment('confirmed');
    expectProblem(
      await pay('desk', confirmed.id, { tip: { percent: 0 }, method: 'cash', expectedTotalMinor: 4899 }),
      409,
      'INVALID_STATE',
    );
    const inChair = await appointment('checked_in');
    const res = await pay('desk', inChair.id, {
      tip: { amountMinor: 1000 },
      method: 'cash',
      expectedTotalMinor: 5899,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'paid', appointmentStatus: 'completed' });
  });

  it('nothing due when the deposit covers the ticket: method none, paid at once', async () => {
    const a = await appointment();
    const [org] = await t.runtime.database.db.select().from(locations).where(eq(locations.id, loc));
    await appendLedger(t.runtime.database.db, {
      organizationId: org!.organizationId,
      appointmentId: a.id,
      paymentId: null,
      kind: 'charge',
      amountMinor: 4899,
      currency: 'USD',
      providerRef: `ch_prepaid_${a.id}`,
    });
    const res = await pay('desk', a.id, { tip: { percent: 0 }, method: 'card', expectedTotalMinor: 0 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'paid', method: 'none', totals: { dueMinor: 0 } });
    expect(await ledger(a.id)).toHaveLength(1);
  });
});

describe('card on file', () => {
  it('charges off-session once; the tip is split out for the barber', async () => {
    const a = await appointment();
    await giveCard(a.clientId, 'pm_card_visa');
    const before = t.stripe!.chargeCount;
    const body = { tip: { percent: 15 }, method: 'card_on_file', expectedTotalMinor: 5574 };
    const res = await pay('desk', a.id, body, 'cof-1');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'paid', method: 'card_on_file', cardOnFile: true });
    const again = await pay('desk', a.id, body, 'cof-1');
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe('paid');
    expect(t.stripe!.chargeCount - before).toBe(1);
    const intents = [...t.stripe!.intents.values()].filter((i) => i.metadata.appointment_id === a.id);
    expect(intents).toHaveLength(1);
    expect(intents[0]!.amount).toBe(5574);
    const entries = await ledger(a.id);
    expect(entries.map((e) => [e.kind, e.amountMinor, e.barberId])).toEqual([
      ['charge', 4899, null],
      ['tip', 675, t.ids.barbers.ana],
    ]);
    expect(entries[1]!.providerRef).toBe(`tip:${entries[0]!.providerRef}`);
    expect((await emailsTo(t, a.email)).filter((m) => m.subject.startsWith('Receipt:'))).toHaveLength(1);
  });

  it('a decline is 402; the checkout waits and is paid in cash instead', async () => {
    const a = await appointment();
    await giveCard(a.clientId, 'pm_card_chargeDeclined');
    const declined = await pay('desk', a.id, {
      tip: { percent: 0 },
      method: 'card_on_file',
      expectedTotalMinor: 4899,
    });
    expectProblem(declined, 402, 'PAYMENT_DECLINED');
    expect((await call('desk', 'GET', `/appointments/${a.id}/checkout`)).json()).toMatchObject({
      status: 'awaiting_payment',
      method: 'card_on_file',
    });
    expect(await ledger(a.id)).toEqual([]);
    const cash = await pay('desk', a.id, { tip: { percent: 0 }, method: 'cash', expectedTotalMinor: 4899 });
    expect(cash.statusCode, cash.body).toBe(200);
    expect(cash.json()).toMatchObject({ status: 'paid', method: 'cash' });
  });

  it('no card on file: 409', async () => {
    const a = await appointment();
    expectProblem(
      await pay('desk', a.id, { tip: { percent: 0 }, method: 'card_on_file', expectedTotalMinor: 4899 }),
      409,
      'NO_CARD_ON_FILE',
    );
  });
});

describe('card at the desk', () => {
  it('a PaymentIntent for the card form; a declined test card, then a good one; paid once', async () => {
    const a = await appointment();
    const body = { tip: { amountMinor: 1101 }, method: 'card', expectedTotalMinor: 6000 };
    const res = await pay('desk', a.id, body, 'card-1');
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json();
    expect(c).toMatchObject({ status: 'awaiting_payment', method: 'card', card: { testMode: true } });
    expect(c.card.clientSecret).toMatch(/^pi_/);
    // Retrying the same request does not make another intent.
    const again = await pay('desk', a.id, body, 'card-1');
    expect(again.json().card.clientSecret).toBe(c.card.clientSecret);
    expect([...t.stripe!.intents.values()].filter((i) => i.metadata.appointment_id === a.id)).toHaveLength(1);

    const bad = await call('desk', 'POST', `/appointments/${a.id}/checkout/card/test-confirm`, {
      cardNumber: '4000 0000 0000 0002',
    });
    expectProblem(bad, 402, 'PAYMENT_DECLINED');
    const good = await call('desk', 'POST', `/appointments/${a.id}/checkout/card/test-confirm`, {
      cardNumber: '4242 4242 4242 4242',
    });
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json()).toMatchObject({ status: 'paid', method: 'card' });
    const refreshed = await call('desk', 'POST', `/appointments/${a.id}/checkout/card/refresh`, {});
    expect(refreshed.json().status).toBe('paid');
    const entries = await ledger(a.id);
    expect(entries.map((e) => [e.kind, e.amountMinor])).toEqual([
      ['charge', 4899],
      ['tip', 1101],
    ]);
  });

  it('test confirm is 404 without the test provider', async () => {
    const plain = await createTestApp();
    try {
      const l = await locationId(plain);
      const owner = await signIn(plain, await createStaff(plain, { email: 'o@x.example', role: 'owner' }));
      const res = await plain.app.inject({
        method: 'POST',
        url: `/api/v1/locations/${l}/appointments/00000000-0000-4000-8000-000000000000/checkout/card/test-confirm`,
        headers: bearer(owner),
        payload: { cardNumber: '4242424242424242' },
      });
      expectProblem(res, 404, 'NOT_FOUND');
    } finally {
      await plain.close();
    }
  });
});

describe('tips', () => {
  it("lists the barber's tips per day and in total; a barber reads only their own", async () => {
    const res = await call(
      'owner',
      'GET',
      `/barbers/${t.ids.barbers.ana}/tips?from=2026-12-08&to=2026-12-31`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const tips = res.json();
    const all = await t.runtime.database.db.select().from(ledgerEntries).where(eq(ledgerEntries.kind, 'tip'));
    expect(all.length).toBeGreaterThan(0);
    expect(tips.totalMinor).toBe(all.reduce((sum, e) => sum + e.amountMinor, 0));
    expect(tips.days.reduce((sum: number, d: { amountMinor: number }) => sum + d.amountMinor, 0)).toBe(
      tips.totalMinor,
    );
    expect(tips.currency).toBe('USD');
    const own = await call('ana', 'GET', `/barbers/${t.ids.barbers.ana}/tips?from=2026-12-08&to=2026-12-31`);
    expect(own.json()).toEqual(tips);
    expectProblem(
      await call('ana', 'GET', `/barbers/${t.ids.barbers.ben}/tips?from=2026-12-08&to=2026-12-31`),
      403,
      'FORBIDDEN',
    );
    expectProblem(
      await call('desk', 'GET', `/barbers/${t.ids.barbers.ana}/tips?from=2026-12-08&to=2026-12-31`),
      403,
      'FORBIDDEN',
    );
    const ben = await call(
      'owner',
      'GET',
      `/barbers/${t.ids.barbers.ben}/tips?from=2026-12-08&to=2026-12-31`,
    );
    expect(ben.json()).toMatchObject({ totalMinor: 0, days: [] });
  });
});
