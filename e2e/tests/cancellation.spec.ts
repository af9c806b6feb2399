// Cancellation with a refund (issue 4): a client books a service with a 50% deposit, pays it
// through the test payment provider, then opens the manage link, sees the refund quote before
// confirming, cancels and sees the refund confirmation.
//
// Contract with the deposit flow (built in parallel): the public booking answer carries
// `payment: { paymentId, purpose, providerId, clientSecret, amountMinor, currency, holdExpiresAt,
// publishableKey, testMode } | null`; `POST /api/v1/test-payments/{providerId}/confirm` with
// { clientSecret, cardNumber } pays it (PAYMENTS=test); the demo shop has "Cut & hot towel shave"
// with a 50% deposit.
import { expect, test, type APIRequestContext } from '@playwright/test';

const BASE = '/api/v1/locations/fade-and-co';

interface BookingAnswer {
  id: string;
  status: string;
  manageUrl: string;
  totalMinor: number;
  payment: {
    paymentId: string;
    purpose: string;
    providerId: string;
    clientSecret: string;
    amountMinor: number;
    currency: string;
    holdExpiresAt: string | null;
    publishableKey: string | null;
    testMode: boolean;
  } | null;
}

/** The first open time of a service at least `daysAhead` days from now (the shop's 48 h tier is long past). */
async function openStart(request: APIRequestContext, serviceId: string, daysAhead: number): Promise<string> {
  const from = new Date(Date.now() + daysAhead * 86_400_000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + (daysAhead + 6) * 86_400_000).toISOString().slice(0, 10);
  const res = await request.get(`${BASE}/availability?services=${serviceId}&from=${from}&to=${to}`);
  expect(res.status(), await res.text()).toBe(200);
  const { slots } = (await res.json()) as { slots: Array<{ start: string }> };
  expect(slots.length).toBeGreaterThan(0);
  return slots[0]!.start;
}

test('a client who paid a deposit cancels early and sees the full refund', async ({ page, request }) => {
  const services = (await (await request.get(`${BASE}/services`)).json()) as Array<{
    id: string;
    name: string;
    priceMinor: number;
  }>;
  const service = services.find((s) => s.name === 'Cut & hot towel shave');
  expect(service, 'the demo shop offers "Cut & hot towel shave"').toBeTruthy();

  // Book through the API (what the booking page does) and pay the deposit with a test card.
  const start = await openStart(request, service!.id, 5);
  const email = `e2e-refund-${Date.now()}@example.com`;
  const booked = await request.post(`${BASE}/appointments`, {
    headers: { 'Idempotency-Key': `e2e-refund-${Date.now()}` },
    data: {
      services: [service!.id],
      barberId: 'any',
      start,
      client: { name: 'Refund Tester', email, phone: '+1 212 555 0142' },
    },
  });
  expect(booked.status(), await booked.text()).toBe(201);
  const appointment = (await booked.json()) as BookingAnswer;
  expect(appointment.payment).not.toBeNull();
  const payment = appointment.payment!;
  expect(payment).toMatchObject({ purpose: 'deposit', testMode: true });
  expect(payment.amountMinor).toBe(Math.floor((appointment.totalMinor * 50 + 50) / 100));

  const paid = await request.post(`/api/v1/test-payments/${payment.providerId}/confirm`, {
    data: { clientSecret: payment.clientSecret, cardNumber: '4242424242424242' },
  });
  expect(paid.status(), await paid.text()).toBeLessThan(300);

  // The quote the page will show: everything back, no fee (more than 48 hours ahead).
  const token = new URL(appointment.manageUrl).pathname.split('/').pop()!;
  const quote = await request.get(`/api/v1/manage/${token}/change-quote?action=cancel`);
  expect(quote.status(), await quote.text()).toBe(200);
  expect(await quote.json()).toMatchObject({ refundMinor: payment.amountMinor, feeMinor: 0 });

  // In the browser: open the manage link, see the quote, cancel, see the refund confirmation.
  const amount = new Intl.NumberFormat('en-US', { style: 'currency', currency: payment.currency }).format(
    payment.amountMinor / 100,
  );
  await page.goto(new URL(appointment.manageUrl).pathname);
  await expect(page.getByTestId('manage')).toHaveAttribute('data-status', 'confirmed');
  await page.getByRole('button', { name: 'Cancel appointment' }).click();
  const notice = page.getByTestId('change-quote');
  await expect(notice).toContainText(`You will get ${amount} back.`);
  await expect(notice).not.toContainText('fee');
  await page.getByRole('button', { name: 'Yes, cancel' }).click();
  await expect(page.getByTestId('manage-status')).toContainText(
    `Your appointment is cancelled. ${amount} is on its way back to your card.`,
  );
  await expect(page.getByTestId('manage')).toHaveAttribute('data-status', 'cancelled');

  // The refund happened once: a second cancel is refused and the quote now offers nothing more.
  const again = await request.post(`/api/v1/manage/${token}/cancel`, { data: {} });
  expect(again.status()).toBe(409);
});
