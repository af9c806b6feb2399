// The staff journeys of issue 3 in the demo shop (fade-and-co, America/New_York): the owner signs in
// and enrols two-factor; the front desk books a phone client from the calendar; a barber on a phone
// checks in and completes an appointment from today's list; a second browser's calendar shows a
// booking made elsewhere without reloading.

import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { DATA_DIR } from '../playwright.config.ts';
import { DEMO, signInUi } from './support/staff-auth.ts';

const TZ = 'America/New_York';
const DESKTOP = { viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false };

const ACCOUNTS = {
  owner: { email: 'owner@fadeandco.example', password: 'fade-owner-demo' },
  desk: { email: 'desk@fadeandco.example', password: 'fade-desk-demo' },
  sofia: { email: 'sofia@fadeandco.example', password: 'fade-sofia-demo' },
  jamal: { email: 'jamal@fadeandco.example', password: 'fade-jamal-demo' },
};

/** The text of the newest .eml to `to` whose subject starts with `subject` (mail is written to DATA_DIR/outbox). */
async function waitForEmail(to: string, subject: string): Promise<string> {
  const dir = path.join(DATA_DIR, 'outbox');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const files = fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((f) => f.includes(to))
          .sort()
          .reverse()
      : [];
    for (const f of files) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      if (new RegExp(`^Subject: ${subject}`, 'm').test(text))
        return text.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`No "${subject}" email for ${to}`);
}

/** Today's date in the shop's zone (the browser is elsewhere: Asia/Tokyo). */
function shopToday(offsetDays = 0): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: TZ,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);
}

/** Fills and sends the sign-in form (whatever the answer). */
async function submitSignIn(page: Page, who: { email: string; password: string }) {
  await page.goto('/app/sign-in');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A bearer session through the API (for setting up data), with the location id from /me. */
async function apiSession(request: APIRequestContext, who: { email: string; password: string }) {
  const login = await request.post('/api/v1/auth/login', { data: who });
  expect(login.status(), await login.text()).toBe(200);
  const headers = { Authorization: `Bearer ${(await login.json()).accessToken}` };
  const me = await (await request.get('/api/v1/me', { headers })).json();
  const role = me.roles[0];
  return { headers, locationId: role.locationId as string, barberId: role.barberId as string | null };
}

async function barberIdByName(request: APIRequestContext, name: string): Promise<string> {
  const barbers = (await (await request.get('/api/v1/locations/fade-and-co/barbers')).json()) as Array<{
    id: string;
    name: string;
    serviceIds: string[];
  }>;
  return barbers.find((b) => b.name.startsWith(name))!.id;
}

test.describe('staff', () => {
  test('the owner signs in with two-factor (enrolling it at the first sign-in of the run), and again with a code', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    // The first owner sign-in of a run enrols (QR code, code, recovery codes: asserted in the
    // helper); whichever spec gets there first does it through this same page.
    const first = await signInUi(page, DEMO.owner);
    expect(first.enrolled || first.askedForCode).toBe(true);
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/app\/sign-in/);
    const again = await signInUi(page, DEMO.owner);
    expect(again).toEqual({ enrolled: false, askedForCode: true });
  });

  test('a wrong password says so, without saying whether the email exists', async ({ page }) => {
    await submitSignIn(page, { email: ACCOUNTS.desk.email, password: 'not-the-password' });
    await expect(page.getByRole('alert')).toContainText('email or password is not right');
    await expect(page).toHaveURL(/\/app\/sign-in/);
  });

  test('repeated wrong passwords lock the account and say when to try again', async ({ page }) => {
    await page.goto('/app/sign-in');
    // An address with no account locks exactly like one with (nothing tells them apart).
    await page.getByLabel('Email').fill('someone@fadeandco.example');
    const alert = page.getByRole('alert');
    for (let i = 0; i < 6; i++) {
      await page.getByLabel('Password').fill(`wrong-guess-${i}`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(alert).toContainText(/not right|locked/);
      if (/locked/.test((await alert.textContent()) ?? '')) break;
    }
    await expect(alert).toContainText(/locked; try again in (\d+ seconds|1 minute)/);
  });

  test('a barber who forgot the password resets it from the emailed link', async ({ page }) => {
    await page.goto('/app/sign-in');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByLabel('Email').fill(ACCOUNTS.jamal.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await expect(page.getByRole('status')).toContainText('we have sent it a link');
    const mail = await waitForEmail(ACCOUNTS.jamal.email, 'Reset your BookedBarber password');
    const link = /(http\S+\/app\/reset-password#token=[A-Za-z0-9_-]+)/.exec(mail)![1]!;
    await page.goto(new URL(link).pathname + new URL(link).hash);
    await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
    // The server's rule shows next to the field.
    await page.getByLabel('New password').fill('password123');
    await page.getByRole('button', { name: 'Set password' }).click();
    const field = page.getByLabel('New password');
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('.field-error')).toContainText(/common/i);
    await field.fill('jamal-new-secret-42');
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect(page.getByRole('status')).toContainText('Your new password is set');
    await page.getByRole('link', { name: 'Sign in' }).click();
    await submitSignIn(page, { email: ACCOUNTS.jamal.email, password: 'jamal-new-secret-42' });
    await expect(page).toHaveURL(/\/app$/);
    await expect(page.getByTestId('today-list').or(page.getByTestId('live-indicator')).first()).toBeVisible();
  });

  test.describe('on a desktop', () => {
    test.use(DESKTOP);

    test('the front desk books a new phone client from the calendar and sees it there', async ({ page }) => {
      await submitSignIn(page, ACCOUNTS.desk);
      await expect(page).toHaveURL(/\/app$/);
      const date = shopToday(3);
      await page.getByLabel('Go to date').fill(date);
      await expect(page.getByTestId('column-Sofia Alvarez')).toBeVisible();

      await page.getByRole('button', { name: 'New appointment' }).click();
      const dialog = page.getByTestId('new-appointment');
      await expect(dialog.getByLabel('Phone', { exact: true }).first()).toBeChecked();
      await dialog.getByLabel('Barber').selectOption({ label: 'Sofia Alvarez' });
      await dialog.getByLabel(/Classic cut/).check();
      await dialog.getByLabel('Date', { exact: true }).fill(date);
      await dialog.getByLabel('Time', { exact: true }).fill('11:00');
      await dialog.getByRole('button', { name: 'New client' }).click();
      await dialog.getByLabel('Name').fill('Pat Phoneman');
      await dialog.getByRole('textbox', { name: 'Phone' }).fill('+1 212 555 0199');
      await dialog.getByRole('button', { name: 'Book' }).click();
      // The time may be taken by a demo booking: take the nearest free time the server offers.
      const booked = page.getByTestId('calendar-message');
      const alternatives = dialog.getByRole('group', { name: 'Nearest free times' });
      await expect(
        booked.getByText(/Booked Pat Phoneman/).or(alternatives.getByRole('button').first()),
      ).toBeVisible();
      if (!(await booked.getByText(/Booked Pat Phoneman/).isVisible())) {
        await alternatives.getByRole('button').first().click();
        await dialog.getByRole('button', { name: 'Book' }).click();
      }
      await expect(booked).toContainText('Booked Pat Phoneman with Sofia Alvarez');
      // The calendar shows the day of the booking (the nearest free time may be another day).
      const appt = page.getByTestId('column-Sofia Alvarez').getByRole('button', { name: /Pat Phoneman/ });
      await expect(appt).toBeVisible();
      await appt.press('Enter');
      const panel = page.getByTestId('appointment-panel');
      await expect(panel.getByTestId('panel-status')).toHaveText('Confirmed');
      await expect(panel.getByText('+1 212 555 0199')).toBeVisible();

      // The next call from Pat finds them by their phone number (written another way) instead of
      // creating a duplicate: contact details are encrypted, so a number is matched whole.
      await panel.getByRole('button', { name: 'Close' }).click();
      await page.getByRole('button', { name: 'New appointment' }).click();
      await dialog.getByLabel('Name, phone or email').fill('+1 (212) 555-0199');
      await expect(dialog.getByRole('list', { name: 'Matching clients' })).toContainText('Pat Phoneman');
      await dialog.getByRole('radio', { name: /Pat Phoneman/ }).check();
    });

    test('drag to move shows a conflict before saving; a move outside hours needs the override; drag the edge to resize', async ({
      page,
      request,
    }) => {
      const desk = await apiSession(request, ACCOUNTS.desk);
      const marcus = await barberIdByName(request, 'Marcus');
      const services = await (await request.get('/api/v1/locations/fade-and-co/services')).json();
      const cut = services.find((s: { name: string }) => s.name === 'Classic cut').id as string;
      const date = shopToday(6);
      for (const [time, name] of [
        ['06:00', 'Early Ed'],
        ['07:00', 'Seven Sam'],
      ] as const) {
        const made = await request.post(`/api/v1/locations/${desk.locationId}/appointments`, {
          headers: desk.headers,
          data: {
            services: [cut],
            barberId: marcus,
            start: `${date}T${time}:00${offsetOf(date)}`,
            source: 'phone',
            client: { name },
            override: true,
          },
        });
        expect(made.status(), await made.text()).toBe(201);
      }
      await submitSignIn(page, ACCOUNTS.desk);
      await expect(page).toHaveURL(/\/app$/);
      await page.goto(`/app?date=${date}&barber=${marcus}`);
      const ed = page.getByRole('button', { name: /Early Ed/ });
      const sam = page.getByRole('button', { name: /Seven Sam/ });
      await expect(ed).toBeVisible();

      // Drag Ed onto Sam (one hour down = 96 px): the target says it overlaps before anything is saved.
      const box = (await ed.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + 10);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2, box.y + 10 + 96, { steps: 8 });
      await expect(page.getByTestId('drag-target')).toContainText('Overlaps Seven Sam');
      await page.mouse.up();
      const confirm = page.getByTestId('move-confirm');
      await expect(confirm.getByRole('alert')).toContainText('Overlaps Seven Sam');
      await confirm.getByRole('button', { name: 'Keep it where it was' }).click();

      // Half an hour down is free, but before opening: the server refuses until the override is ticked.
      const box2 = (await ed.boundingBox())!;
      await page.mouse.move(box2.x + box2.width / 2, box2.y + 10);
      await page.mouse.down();
      await page.mouse.move(box2.x + box2.width / 2, box2.y + 10 + 48, { steps: 8 });
      await expect(page.getByTestId('drag-target')).toContainText('6:30 AM – 7:00 AM · Free');
      await page.mouse.up();
      await confirm.getByRole('button', { name: 'Move' }).click();
      await expect(confirm.getByRole('alert')).toBeVisible();
      await confirm.getByLabel(/Move anyway/).check();
      await confirm.getByRole('button', { name: 'Move' }).click();
      await expect(page.getByTestId('calendar-message')).toContainText('Moved Early Ed to');
      await expect(ed).toContainText('6:30 AM');

      // Drag Sam's lower edge half an hour down: it now ends at 8:00.
      const samBox = (await sam.boundingBox())!;
      await page.mouse.move(samBox.x + samBox.width / 2, samBox.y + samBox.height - 3);
      await page.mouse.down();
      await page.mouse.move(samBox.x + samBox.width / 2, samBox.y + samBox.height - 3 + 48, { steps: 8 });
      await expect(page.getByTestId('drag-target')).toContainText('7:00 AM – 8:00 AM · Free');
      await page.mouse.up();
      await page.getByTestId('resize-confirm').getByRole('button', { name: 'Change the end' }).click();
      await expect(page.getByTestId('calendar-message')).toContainText(
        "Seven Sam's appointment now ends at 8:00 AM",
      );
      await expect.poll(async () => (await sam.boundingBox())!.height).toBeGreaterThan(samBox.height + 40);
    });

    test('a change based on an old version is refused and the panel shows the reloaded appointment', async ({
      page,
      request,
    }) => {
      const desk = await apiSession(request, ACCOUNTS.desk);
      const jamal = await barberIdByName(request, 'Jamal');
      const services = await (await request.get('/api/v1/locations/fade-and-co/services')).json();
      const cut = services.find((s: { name: string }) => s.name === 'Classic cut').id as string;
      const date = shopToday(7);
      const made = await request.post(`/api/v1/locations/${desk.locationId}/appointments`, {
        headers: desk.headers,
        data: {
          services: [cut],
          barberId: jamal,
          start: `${date}T06:00:00${offsetOf(date)}`,
          source: 'phone',
          client: { name: 'Stella Stale' },
          override: true,
        },
      });
      expect(made.status(), await made.text()).toBe(201);
      const id = (await made.json()).id as string;
      // No live stream in this browser, so it cannot learn of the change before acting.
      await page.route('**/events', (route) => route.abort());
      await submitSignIn(page, ACCOUNTS.desk);
      await expect(page).toHaveURL(/\/app$/);
      await page.goto(`/app?date=${date}&barber=${jamal}`);
      await page.getByRole('button', { name: /Stella Stale/ }).click();
      const panel = page.getByTestId('appointment-panel');
      await expect(panel.getByTestId('panel-status')).toHaveText('Confirmed');

      const other = await request.patch(`/api/v1/locations/${desk.locationId}/appointments/${id}`, {
        headers: desk.headers,
        data: { notes: 'Prefers scissors only' },
      });
      expect(other.status()).toBe(200);
      await panel.getByRole('button', { name: 'Check in' }).click();
      await expect(panel.getByRole('alert')).toContainText('Someone else changed this appointment');
      await expect(panel.getByLabel('Notes')).toHaveValue('Prefers scissors only');
      await expect(panel.getByTestId('panel-status')).toHaveText('Confirmed');
      // Deciding again on the reloaded version works.
      await panel.getByRole('button', { name: 'Check in' }).click();
      await expect(page.getByTestId('calendar-message')).toContainText('Checked in Stella Stale');
    });

    test('the front desk blocks time for a barber; it shows shaded and can be removed', async ({ page }) => {
      await submitSignIn(page, ACCOUNTS.desk);
      await expect(page).toHaveURL(/\/app$/);
      const date = shopToday(8);
      await page.goto(`/app?date=${date}`);
      await page.getByRole('button', { name: 'Block time' }).click();
      const dialog = page.getByTestId('block-time');
      await dialog.getByLabel('Barber').selectOption({ label: 'Lena Kowalski' });
      await dialog.getByLabel('From').fill('06:00');
      await dialog.getByLabel('Until').fill('05:00');
      await dialog.getByRole('button', { name: 'Block time' }).click();
      await expect(dialog.locator('.field-error')).toContainText('after the start');
      await dialog.getByLabel('Until').fill('07:30');
      await dialog.getByLabel('Reason (optional)').fill('Supplier visit');
      await dialog.getByRole('button', { name: 'Block time' }).click();
      await expect(page.getByTestId('calendar-message')).toContainText('Blocked 6:00 AM – 7:30 AM');
      const block = page.getByTestId('column-Lena Kowalski').getByRole('button', { name: /Blocked/ });
      await expect(block).toContainText('Supplier visit');
      await block.click();
      await page.getByTestId('time-off-panel').getByRole('button', { name: 'Remove block' }).click();
      await expect(page.getByTestId('calendar-message')).toContainText('The blocked time was removed');
      await expect(block).toHaveCount(0);
    });

    test("a booking made elsewhere appears in a second browser's calendar without reloading", async ({
      browser,
      request,
    }) => {
      const date = shopToday(5);
      const second = await openCalendar(browser, date);
      const first = await openCalendar(browser, date);
      try {
        // Online, through the public API (as a client would).
        const services = await (await request.get('/api/v1/locations/fade-and-co/services')).json();
        const cut = services.find((s: { name: string }) => s.name === 'Classic cut').id as string;
        const avail = await (
          await request.get(
            `/api/v1/locations/fade-and-co/availability?services=${cut}&barber=any&from=${date}&to=${date}`,
          )
        ).json();
        const slot = avail.slots[0];
        expect(slot, 'a free time that day').toBeTruthy();
        const res = await request.post('/api/v1/locations/fade-and-co/appointments', {
          data: {
            services: [cut],
            barberId: slot.barberIds[0],
            start: slot.start,
            client: { name: 'Olive Online', email: 'olive@example.com', phone: '+1 212 555 0142' },
          },
        });
        expect(res.status(), await res.text()).toBe(201);
        // The issue asks for 2 s; the test allows one more for a machine busy with other runs.
        await expect(second.getByRole('button', { name: /Olive Online/ })).toBeVisible({ timeout: 3_000 });

        // And a change made in the first browser (cancel) shows in the second.
        await first.getByRole('button', { name: /Olive Online/ }).click();
        const panel = first.getByTestId('appointment-panel');
        await panel.getByRole('button', { name: 'Cancel appointment' }).click();
        await panel.getByLabel('Reason for cancelling').fill('Client called to cancel');
        await panel.getByRole('button', { name: 'Cancel appointment' }).click();
        await expect(first.getByTestId('calendar-message')).toContainText('Cancelled Olive Online');
        await expect(second.getByRole('button', { name: /Olive Online/ })).toHaveCount(0, { timeout: 3_000 });
      } finally {
        await first.context().close();
        await second.context().close();
      }
    });
  });

  test('the barber on a phone sees today, checks the client in and completes the appointment', async ({
    page,
    request,
  }) => {
    // Front desk books a walk-in for Sofia today, early, with the override (hours and lead time
    // would refuse a time that may already have passed).
    const desk = await apiSession(request, ACCOUNTS.desk);
    const sofia = await barberIdByName(request, 'Sofia');
    const services = await (await request.get('/api/v1/locations/fade-and-co/services')).json();
    const cut = services.find((s: { name: string }) => s.name === 'Classic cut').id as string;
    const today = shopToday();
    const made = await request.post(`/api/v1/locations/${desk.locationId}/appointments`, {
      headers: desk.headers,
      data: {
        services: [cut],
        barberId: sofia,
        start: `${today}T06:00:00${offsetOf(today)}`,
        source: 'walk_in',
        client: { name: 'Walter Walkin', phone: '+1 212 555 0177' },
        override: true,
      },
    });
    expect(made.status(), await made.text()).toBe(201);

    await submitSignIn(page, ACCOUNTS.sofia);
    await expect(page).toHaveURL(/\/app$/);
    const list = page.getByTestId('today-list');
    const item = list.getByTestId('list-appointment').filter({ hasText: 'Walter Walkin' });
    await expect(item).toBeVisible();
    await expect(item).toContainText('Confirmed');
    await item.getByRole('button', { name: 'Check in', exact: true }).click();
    await expect(page.getByTestId('calendar-message')).toContainText('Checked in Walter Walkin');
    await expect(item).toContainText('Checked in');
    await item.getByRole('button', { name: 'Complete', exact: true }).click();
    await expect(page.getByTestId('calendar-message')).toContainText('Completed Walter Walkin');
    await expect(item).toContainText('Completed');
    await expect(item.getByRole('button', { name: 'Complete', exact: true })).toHaveCount(0);
  });
});

/** The UTC offset of the shop's zone on a date ("-05:00"). */
function offsetOf(date: string): string {
  const noon = new Date(`${date}T12:00:00Z`);
  const name = new Intl.DateTimeFormat('en-US', { timeZone: TZ, timeZoneName: 'longOffset' })
    .formatToParts(noon)
    .find((p) => p.type === 'timeZoneName')!.value;
  return name.replace('GMT', '') || '+00:00';
}

/** A front-desk browser (desktop) on the day view of `date`, with the live stream connected. */
async function openCalendar(browser: Browser, date: string): Promise<Page> {
  const context = await browser.newContext({
    ...DESKTOP,
    timezoneId: 'Asia/Tokyo',
    baseURL: test.info().project.use.baseURL,
  });
  const page = await context.newPage();
  await submitSignIn(page, ACCOUNTS.desk);
  await expect(page).toHaveURL(/\/app$/);
  await page.goto(`/app?date=${date}`);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
  return page;
}
