// Checkout at the desk (issue 4): the front desk completes an appointment from the calendar, the
// checkout opens, a 20 % tip is chosen, the client pays in cash, the desk sees the receipt
// confirmation and the client gets the receipt email. The tip is the barber's (the tips route).

import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { DATA_DIR } from '../playwright.config.ts';

const TZ = 'America/New_York';
const DESK = { email: 'desk@fadeandco.example', password: 'fade-desk-demo' };
const JAMAL = { email: 'jamal@fadeandco.example', password: 'fade-jamal-demo' };

function shopDate(offsetDays: number): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: TZ,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(Date.now() + offsetDays * 86_400_000));
}

function offsetOf(date: string): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: TZ, timeZoneName: 'longOffset' })
    .formatToParts(new Date(`${date}T12:00:00Z`))
    .find((p) => p.type === 'timeZoneName')!.value;
  return name.replace('GMT', '') || '+00:00';
}

async function apiSession(request: APIRequestContext, who: { email: string; password: string }) {
  const login = await request.post('/api/v1/auth/login', { data: who });
  expect(login.status(), await login.text()).toBe(200);
  const headers = { Authorization: `Bearer ${(await login.json()).accessToken}` };
  const me = await (await request.get('/api/v1/me', { headers })).json();
  return { headers, locationId: me.roles[0].locationId as string };
}

/** The text of the newest .eml to `to` whose subject starts with `subject`. */
async function waitForEmail(to: string, subject: string): Promise<string> {
  const dir = path.join(DATA_DIR, 'outbox');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.includes(to)) : [];
    for (const f of files) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      if (new RegExp(`^Subject: ${subject}`, 'm').test(text))
        return text.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`No "${subject}" email for ${to}`);
}

const usd = (minor: number) => `$${(minor / 100).toFixed(2)}`;

test('the front desk completes an appointment and checks out with a 20 % tip in cash', async ({
  page,
  request,
}) => {
  const desk = await apiSession(request, DESK);
  const barbers = (await (await request.get('/api/v1/locations/fade-and-co/barbers')).json()) as Array<{
    id: string;
    name: string;
  }>;
  const jamal = barbers.find((b) => b.name.startsWith('Jamal'))!;
  const services = (await (await request.get('/api/v1/locations/fade-and-co/services')).json()) as Array<{
    id: string;
    name: string;
    priceMinor: number;
  }>;
  const cut = services.find((s) => s.name === 'Classic cut')!;
  const date = shopDate(9);
  const email = `tess.tipper.${Date.now()}@example.com`;
  const made = await request.post(`/api/v1/locations/${desk.locationId}/appointments`, {
    headers: desk.headers,
    data: {
      services: [cut.id],
      barberId: jamal.id,
      start: `${date}T06:00:00${offsetOf(date)}`,
      source: 'phone',
      client: { name: 'Tess Tipper', email },
      override: true,
    },
  });
  expect(made.status(), await made.text()).toBe(201);
  const id = (await made.json()).id as string;
  const checkedIn = await request.post(`/api/v1/locations/${desk.locationId}/appointments/${id}/check-in`, {
    headers: desk.headers,
    data: {},
  });
  expect(checkedIn.status(), await checkedIn.text()).toBe(200);

  await page.goto('/app/sign-in');
  await page.getByLabel('Email').fill(DESK.email);
  await page.getByLabel('Password').fill(DESK.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/app$/);
  await page.goto(`/app?date=${date}&barber=${jamal.id}`);
  await page.getByRole('button', { name: /Tess Tipper/ }).click();
  const panel = page.getByTestId('appointment-panel');
  await panel.getByRole('button', { name: 'Complete' }).click();

  const form = panel.getByRole('form', { name: 'Checkout' });
  await expect(form).toBeVisible();
  // Front desk cannot change prices: the line is shown, not editable; no discount field.
  await expect(form.getByLabel('Discount')).toHaveCount(0);
  const tip = Math.floor((cut.priceMinor * 20 + 50) / 100);
  await form.getByRole('button', { name: new RegExp(`^20% · \\${usd(tip)}`) }).click();
  await expect(form.getByTestId('checkout-tip')).toHaveText(usd(tip));
  await expect(form.getByRole('radio', { name: 'Cash' })).toBeChecked();
  const due = (await form.getByTestId('checkout-due').innerText()).trim();
  await form.getByRole('button', { name: `Pay ${due}` }).click();

  const receipt = panel.getByTestId('checkout-receipt');
  await expect(receipt).toContainText('Paid in cash');
  await expect(receipt).toContainText(`Tip for ${jamal.name}`);
  await expect(receipt).toContainText(usd(tip));
  await expect(receipt).toContainText('Receipt sent to Tess Tipper');

  const mail = await waitForEmail(email, 'Receipt:');
  expect(mail).toContain(`Paid now (cash): ${due}`);

  // The tip is Jamal's: his tips for the appointment's day list it.
  const barber = await apiSession(request, JAMAL);
  const tips = await request.get(
    `/api/v1/locations/${desk.locationId}/barbers/${jamal.id}/tips?from=${date}&to=${date}`,
    { headers: barber.headers },
  );
  expect(tips.status(), await tips.text()).toBe(200);
  expect(await tips.json()).toMatchObject({ totalMinor: tip, days: [{ date, amountMinor: tip, count: 1 }] });
});
