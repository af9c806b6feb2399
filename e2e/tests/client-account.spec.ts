import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { DATA_DIR } from '../playwright.config.ts';

/** The newest .eml for `to` whose subject starts with `subjectStart` (mail is written under DATA_DIR/outbox). */
async function waitForEmail(to: string, subjectStart: string): Promise<string> {
  const dir = path.join(DATA_DIR, 'outbox');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const files = fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((f) => f.includes(to))
          .sort()
      : [];
    for (const f of files.reverse()) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      if (new RegExp(`^Subject: ${subjectStart}`, 'm').test(text)) return text;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`No "${subjectStart}" email for ${to} in ${dir}`);
}

test('a client signs in by the emailed link, sees their booking and books again in one tap', async ({
  page,
  request,
}) => {
  const email = `again-${Date.now()}@example.com`;

  // A booking made online (through the API, as the booking page does): a classic cut with one barber.
  const services = (await (await request.get('/api/v1/locations/fade-and-co/services')).json()) as Array<{
    id: string;
    name: string;
  }>;
  const cut = services.find((s) => s.name === 'Classic cut')!;
  const barbers = (await (await request.get('/api/v1/locations/fade-and-co/barbers')).json()) as Array<{
    id: string;
    name: string;
    serviceIds: string[];
  }>;
  const barber = barbers.find((b) => b.serviceIds.includes(cut.id))!;
  const today = new Date().toISOString().slice(0, 10);
  const to = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const avail = (await (
    await request.get(
      `/api/v1/locations/fade-and-co/availability?services=${cut.id}&barber=${barber.id}&from=${today}&to=${to}`,
    )
  ).json()) as { slots: Array<{ start: string }> };
  const slot = avail.slots.find((s) => Date.parse(s.start) > Date.now() + 2 * 86_400_000)!;
  const booked = await request.post('/api/v1/locations/fade-and-co/appointments', {
    data: {
      services: [cut.id],
      barberId: barber.id,
      start: slot.start,
      client: { name: 'Again Client', email, phone: '+1 212 555 0177' },
    },
  });
  expect(booked.status()).toBe(201);

  // Ask for the sign-in link on the account page.
  await page.goto('/fade-and-co/account');
  await expect(page.getByRole('heading', { name: 'Your bookings' })).toBeVisible();
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await expect(page.getByTestId('link-sent')).toContainText('Check your email');

  // The link from the .eml (quoted-printable soft breaks undone).
  const eml = (await waitForEmail(email, 'Your sign-in link')).replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const link = /Sign in: (http\S+\/fade-and-co\/account#token=[A-Za-z0-9_-]+)/.exec(eml)![1]!;
  await page.goto(link);

  // Signed in: the history shows the booking in the shop's zone (the browser is in Tokyo).
  await expect(page.getByText('Signed in as')).toBeVisible();
  await expect(page).not.toHaveURL(/token=/);
  const item = page.getByTestId('client-history-item').first();
  await expect(item).toContainText(`Classic cut with ${barber.name}`);
  await expect(item).toContainText(/AM E[SD]T|PM E[SD]T/);

  // Book again: a proposal, then one more tap.
  await item.getByRole('button', { name: 'Book again' }).click();
  const proposal = item.getByRole('group', { name: 'Proposed time' });
  await expect(proposal).toContainText(barber.name);
  await proposal.getByRole('button', { name: 'Book this time' }).click();
  await expect(page.getByTestId('book-again-confirmation')).toContainText(`with ${barber.name}`);
  await expect(page.getByTestId('client-history-item')).toHaveCount(2);
  await waitForEmail(email, 'Booked');

  // Signing out shows the email form again.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Email me a sign-in link' })).toBeVisible();
});

test('the front desk finds a client, opens the profile with stats and history, and saves a note', async ({
  page,
}) => {
  // Sign in as the demo front desk through the API in this browser (cookie session + CSRF).
  const csrf = (await (await page.request.get('/api/v1/auth/csrf')).json()) as { csrfToken: string };
  const login = await page.request.post('/api/v1/auth/login', {
    headers: { 'X-CSRF-Token': csrf.csrfToken },
    data: { email: 'desk@fadeandco.example', password: 'fade-desk-demo', session: 'cookie' },
  });
  expect(login.status()).toBe(200);

  await page.goto('/app/clients');
  await expect(page.getByRole('heading', { name: 'Clients' })).toBeVisible();
  await page.getByLabel('Search').fill('Again Client');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: /Again Client/ }).click();

  await expect(page.getByRole('heading', { name: /Again Client/ })).toBeVisible();
  await expect(page.getByText('Visits')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'History' })).toBeVisible();
  await page.getByLabel('Notes').fill('Likes a short fade, "no clippers" on top');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('client-status')).toHaveText('Saved.');
  await page.reload();
  await expect(page.getByLabel('Notes')).toHaveValue('Likes a short fade, "no clippers" on top');
  // The front desk may not merge; the section is not offered.
  await expect(page.getByRole('heading', { name: 'Merge a duplicate' })).toHaveCount(0);
});
