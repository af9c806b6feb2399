import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { DATA_DIR } from '../playwright.config.ts';

/** The newest .eml written for `to` (no SMTP_URL: the server writes mail under DATA_DIR/outbox). */
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

/** The manage link from an email's plain-text part (quoted-printable soft breaks undone). */
function manageLinkOf(eml: string): string {
  const unfolded = eml.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const m = /Change or cancel: (http\S+\/manage\/[A-Za-z0-9_-]+)/.exec(unfolded);
  if (!m) throw new Error('No manage link in the email');
  return m[1]!;
}

/** Picks the first open day at least `minDaysAhead` days after today in the strip, then its first time. */
async function pickDayAndTime(page: Page, minDaysAhead: number): Promise<string> {
  const days = page.getByRole('group', { name: 'Days' }).getByRole('button');
  await expect(days.first()).toBeVisible();
  await expect(page.getByText('Finding open times')).toHaveCount(0);
  const count = await days.count();
  for (let i = minDaysAhead; i < count; i++) {
    const day = days.nth(i);
    if (await day.isEnabled()) {
      await day.click();
      const chip = page
        .getByRole('region', { name: /^Times on / })
        .getByRole('button')
        .first();
      await expect(chip).toBeVisible();
      const label = (await chip.textContent())!.trim();
      await chip.click();
      return label;
    }
  }
  throw new Error('No open day in the strip');
}

test('a new client books on a phone, gets the email, reschedules and cancels from the link', async ({
  page,
}) => {
  const email = `e2e-${Date.now()}@example.com`;
  await page.goto('/fade-and-co');
  await expect(page.getByRole('heading', { name: 'Fade & Co' }).first()).toBeVisible();

  // Services: two at once (cut + beard), total shown in the summary bar.
  await expect(page.getByRole('heading', { name: 'Choose services' })).toBeVisible();
  await page.getByRole('button', { name: 'Classic cut', exact: true }).click();
  await page.getByRole('button', { name: 'Beard trim', exact: true }).click();
  await expect(page.getByText('$55.00').first()).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();

  // Barber: any.
  await expect(page.getByRole('heading', { name: 'Choose a barber' })).toBeVisible();
  await page.getByRole('button', { name: 'Any barber' }).click();

  // Day and time in the shop's zone, at least three days ahead (outside the 24 h change window).
  await expect(page.getByRole('heading', { name: 'Pick a day and time' })).toBeVisible();
  await expect(page.getByText("Times are shown in the shop's time zone (America/New_York)")).toBeVisible();
  const time = await pickDayAndTime(page, 3);
  await page.getByRole('button', { name: 'Continue' }).click();

  // Details: name (with HTML in it, shown as text), email, phone.
  await expect(page.getByRole('heading', { name: 'Your details' })).toBeVisible();
  await page.getByLabel('Name').fill('Zoë <b>Test</b>');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Phone').fill('+1 212 555 0142');
  await page.getByRole('button', { name: 'Book appointment' }).click();

  await expect(page.getByRole('heading', { name: "You're booked" })).toBeVisible();
  // The chosen wall time in New York, labelled with New York's zone, though the browser is in Tokyo.
  await expect(page.getByText(time).first()).toBeVisible();
  await expect(page.getByText(/\bE[SD]T\b/).first()).toBeVisible();
  const ics = page.getByRole('link', { name: 'Add to calendar' });
  await expect(ics).toHaveAttribute('href', /\/api\/v1\/manage\/[A-Za-z0-9_-]+\/calendar\.ics$/);
  const icsRes = await page.request.get((await ics.getAttribute('href'))!);
  expect(icsRes.headers()['content-type']).toContain('text/calendar');
  expect(await icsRes.text()).toContain('BEGIN:VEVENT');

  // The confirmation email, with its manage link.
  const eml = await waitForEmail(email, 'Booked');
  expect(eml).toContain('Content-Type: text/calendar');
  expect(eml).toContain('Zo');
  const link = manageLinkOf(eml);

  // Manage: reschedule to another time.
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Your appointment' })).toBeVisible();
  await expect(page.getByText('Zoë <b>Test</b>').first()).toBeVisible();
  await page.getByRole('button', { name: 'Reschedule' }).click();
  await expect(page.getByRole('heading', { name: 'Choose a new time' })).toBeVisible();
  const days = page.getByRole('group', { name: 'Days' }).getByRole('button');
  await expect(days.first()).toBeVisible();
  await expect(page.getByText('Finding open times')).toHaveCount(0);
  // A different day from the booked one: the last open day in the strip.
  const count = await days.count();
  for (let i = count - 1; i >= 0; i--) {
    if (await days.nth(i).isEnabled()) {
      await days.nth(i).click();
      break;
    }
  }
  const chips = page.getByRole('region', { name: /^Times on / }).getByRole('button');
  await expect(chips.first()).toBeVisible();
  const newTime = (await chips.last().textContent())!.trim();
  await chips.last().click();
  await page.getByRole('button', { name: 'Confirm new time' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Rescheduled to' })).toBeVisible();
  await expect(page.getByText(newTime).first()).toBeVisible();
  await waitForEmail(email, 'Moved');

  // Cancel, with a confirmation step.
  await page.getByRole('button', { name: 'Cancel appointment' }).click();
  await page.getByRole('button', { name: 'Yes, cancel' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your appointment is cancelled.' })).toBeVisible();
  await waitForEmail(email, 'Cancelled');

  // The link still works and shows the cancelled state with "Book again".
  await page.reload();
  await expect(page.getByText('This appointment is cancelled.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Book again' })).toHaveAttribute('href', '/fade-and-co');
});

test('a taken time is refused with the nearest free times offered', async ({ page, request }) => {
  await page.goto('/fade-and-co');
  await page.getByRole('button', { name: 'Buzz cut', exact: true }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Lena Kowalski' }).click();
  await pickDayAndTime(page, 2);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Name').fill('Late Comer');
  await page.getByLabel('Email').fill(`late-${Date.now()}@example.com`);
  await page.getByLabel('Phone').fill('+1 212 555 0177');

  // Someone else books the same chair a moment before this client submits: the route handler
  // sends the page's own request with another client first, then lets the page's request through.
  let taken = false;
  await page.route('**/api/v1/locations/fade-and-co/appointments', async (route) => {
    if (!taken) {
      taken = true;
      const body = route.request().postDataJSON() as Record<string, unknown>;
      const other = await request.post('/api/v1/locations/fade-and-co/appointments', {
        data: {
          ...body,
          client: { name: 'Quick Rival', email: `rival-${Date.now()}@example.com`, phone: '+1 212 555 0188' },
        },
      });
      expect(other.status()).toBe(201);
    }
    await route.continue();
  });
  await page.getByRole('button', { name: 'Book appointment' }).click();

  await expect(page.getByText('Sorry, that time was just taken.')).toBeVisible();
  const nearest = page.getByRole('group', { name: 'Nearest free times' }).getByRole('button');
  await expect(nearest.first()).toBeVisible();
  await nearest.first().click();
  await expect(page.getByRole('heading', { name: "You're booked" })).toBeVisible();
});

test('the services step works with the keyboard alone, with a visible focus ring', async ({ page }) => {
  await page.goto('/fade-and-co');
  const cut = page.getByRole('button', { name: 'Classic cut', exact: true });
  await expect(cut).toBeVisible();
  for (let i = 0; i < 30 && !(await cut.evaluate((el) => el === document.activeElement)); i++)
    await page.keyboard.press('Tab');
  await expect(cut).toBeFocused();
  const outline = await cut.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.press('Space');
  await expect(cut).toHaveAttribute('aria-pressed', 'true');
  const cont = page.getByRole('button', { name: 'Continue' });
  for (let i = 0; i < 40 && !(await cont.evaluate((el) => el === document.activeElement)); i++)
    await page.keyboard.press('Tab');
  await expect(cont).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Choose a barber' })).toBeFocused();
});
