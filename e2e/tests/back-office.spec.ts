import { expect, test, type Page } from '@playwright/test';
import { DEMO, signInApi, signInUi } from './support/staff-auth.ts';

/** The open start times of a barber (by name) on a local date, from the public API. */
async function openTimes(
  page: Page,
  barberName: string,
  serviceName: string,
  date: string,
): Promise<string[]> {
  const base = '/api/v1/locations/fade-and-co';
  const barbers = (await (await page.request.get(`${base}/barbers`)).json()) as Array<{
    id: string;
    name: string;
  }>;
  const services = (await (await page.request.get(`${base}/services`)).json()) as Array<{
    id: string;
    name: string;
  }>;
  const serviceId = services.find((s) => s.name === serviceName)!.id;
  const barberId = barbers.find((b) => b.name === barberName)!.id;
  const res = await page.request.get(
    `${base}/availability?services=${serviceId}&barber=${barberId}&from=${date}&to=${date}`,
  );
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { slots: Array<{ start: string }> }).slots.map((s) => s.start);
}

/** A Monday at least three weeks ahead (Sofia works Mondays), as YYYY-MM-DD. */
function mondayAhead(): string {
  const d = new Date(Date.now() + 21 * 86_400_000);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

test('the owner adds a service and a barber with hours on one day; the booking page offers them', async ({
  page,
}) => {
  // The owner signs in through the sign-in page with two-factor (enrolling it if this run has not).
  await signInUi(page, DEMO.owner);
  const service = `E2E Razor Fade ${Date.now() % 10_000}`;

  // Add a service: price in dollars, stored as cents.
  await page.goto('/app/services');
  await expect(page.getByRole('heading', { name: 'Services', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Add a service' }).click();
  const form = page.getByRole('form', { name: 'New service' });
  // A server field error shows next to its field (the server allows 120 characters).
  await form.getByLabel('Name').fill('x'.repeat(130));
  await form.getByLabel('Category').fill('Haircuts');
  await form.getByLabel('Price (USD)').fill('42.50');
  await form.getByLabel('Duration (minutes)').fill('30');
  await form.getByRole('button', { name: 'Add service' }).click();
  await expect(form.locator('.field-error')).toContainText('At most 120 characters');
  await expect(form.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await form.getByLabel('Name').fill(service);
  await form.getByRole('button', { name: 'Add service' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${service} added` })).toBeVisible();
  // The new service is listed under its category, by its name.
  await expect(page.locator('.bo-item strong').filter({ hasText: service })).toHaveText(service);

  // Create a barber and give her hours on Wednesdays only.
  await page.goto('/app/team');
  await page.getByRole('button', { name: 'Add a barber' }).click();
  await page.getByRole('form', { name: 'New barber' }).getByLabel('Name').fill('Eve Example');
  await page.getByRole('button', { name: 'Create barber' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Eve Example created' })).toBeVisible();
  await page.getByRole('button', { name: 'Edit hours of Eve Example' }).click();
  const hours = page.getByRole('form', { name: 'Hours of Eve Example' });
  const wednesday = hours.getByRole('group', { name: 'Wednesday' });
  await wednesday.getByRole('button', { name: 'Add hours on Wednesday' }).click();
  await wednesday.getByLabel('Wednesday window 1 from').fill('10:00');
  await wednesday.getByLabel('Wednesday window 1 until').fill('14:00');
  await hours.getByRole('button', { name: 'Save hours' }).click();
  await expect(page.getByRole('status').filter({ hasText: "Eve Example's hours saved" })).toBeVisible();

  // The public booking page offers the service with her, on Wednesdays.
  await page.goto('/fade-and-co');
  await page.getByRole('button', { name: service, exact: true }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Choose a barber' })).toBeVisible();
  await page.getByRole('button', { name: 'Eve Example' }).click();
  await expect(page.getByRole('heading', { name: 'Pick a day and time' })).toBeVisible();
  await expect(page.getByText('Finding open times')).toHaveCount(0);
  const open = page.getByRole('group', { name: 'Days' }).locator('button[data-open="true"]');
  await expect(open.first()).toBeVisible();
  const labels = await open.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  expect(labels.length).toBeGreaterThan(0);
  for (const l of labels) expect(l).toMatch(/^Wed/);
  await open.first().click();
  const chips = page.getByRole('region', { name: /^Times on Wed/ }).getByRole('button');
  await expect(chips.first()).toBeVisible();
  await expect(chips.first()).toHaveText(/10:00/);

  // The owner finds both changes in the activity log, filtered to services.
  await page.goto('/app/activity');
  await expect(page.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
  await page.getByLabel('Kind of change').selectOption({ label: 'Services' });
  await page.getByRole('button', { name: 'Show' }).click();
  const changes = page.getByRole('list', { name: 'Changes, newest first' }).getByRole('listitem');
  const created = changes.filter({ hasText: 'Service created' }).filter({ hasText: service });
  await expect(created).toHaveCount(1);
  await expect(changes.filter({ hasText: 'Barber created' })).toHaveCount(0);
});

test('a barber requests time off; the manager approves it and her slots that day are gone', async ({
  browser,
}) => {
  const day = mondayAhead();
  const sofiaContext = await browser.newContext();
  const sofia = await sofiaContext.newPage();
  await signInApi(sofia, DEMO.sofia);
  expect((await openTimes(sofia, 'Sofia Alvarez', 'Classic cut', day)).length).toBeGreaterThan(0);

  await sofia.goto('/app/time-off');
  const request = sofia.getByRole('region', { name: 'Request time off' });
  await request.getByLabel('First day').fill(day);
  await request.getByLabel('Last day').fill(day);
  await request.getByLabel('Reason (optional)').fill('Moving house');
  await request.getByRole('button', { name: 'Send request' }).click();
  await expect(sofia.getByRole('status').filter({ hasText: 'Request sent' })).toBeVisible();
  await expect(sofia.getByText('Waiting for approval · Moving house')).toBeVisible();
  // A request alone changes nothing for clients.
  expect((await openTimes(sofia, 'Sofia Alvarez', 'Classic cut', day)).length).toBeGreaterThan(0);

  const managerContext = await browser.newContext();
  const manager = await managerContext.newPage();
  await signInApi(manager, DEMO.manager);
  await manager.goto('/app/time-off');
  await manager.getByRole('button', { name: /^Approve Sofia Alvarez from / }).click();
  await expect(
    manager.getByRole('status').filter({ hasText: "Sofia Alvarez's time off approved" }),
  ).toBeVisible();

  expect(await openTimes(manager, 'Sofia Alvarez', 'Classic cut', day)).toEqual([]);
  await sofia.reload();
  await expect(sofia.getByText('Approved by Dana Whitfield · Moving house')).toBeVisible();
  await sofiaContext.close();
  await managerContext.close();
});
