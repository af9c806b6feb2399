import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { DATA_DIR } from '../playwright.config.ts';

/** Whether an email with this subject start was written for `to` (the server writes .eml under DATA_DIR/outbox). */
async function waitForEmail(to: string, subjectStart: string): Promise<void> {
  const dir = path.join(DATA_DIR, 'outbox');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.includes(to)) : [];
    for (const f of files)
      if (new RegExp(`^Subject: ${subjectStart}`, 'm').test(fs.readFileSync(path.join(dir, f), 'utf8')))
        return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`No "${subjectStart}" email for ${to} in ${dir}`);
}

/** Picks the first open day at least `minDaysAhead` days after today, then its first time. */
async function pickDayAndTime(page: Page, minDaysAhead: number): Promise<void> {
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
      await chip.click();
      return;
    }
  }
  throw new Error('No open day in the strip');
}

test('a client pays the deposit for a cut & hot towel shave: a declined card, then 4242 confirms it', async ({
  page,
}) => {
  const email = `deposit-${Date.now()}@example.com`;
  await page.goto('/fade-and-co');
  await expect(page.getByRole('heading', { name: 'Choose services' })).toBeVisible();
  const service = page.getByRole('button', { name: 'Cut & hot towel shave', exact: true });
  await expect(service).toContainText('Deposit $35.00 due now');
  await service.click();
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page.getByRole('heading', { name: 'Choose a barber' })).toBeVisible();
  await page.getByRole('button', { name: 'Any barber' }).click();
  await expect(page.getByRole('heading', { name: 'Pick a day and time' })).toBeVisible();
  await pickDayAndTime(page, 4);
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page.getByRole('heading', { name: 'Your details' })).toBeVisible();
  await page.getByLabel('Name').fill('Dee Posit');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Phone').fill('+1 212 555 0177');
  await page.getByRole('button', { name: 'Book appointment' }).click();

  // The payment step: the amount, the hold, the test card form.
  await expect(page.getByRole('heading', { name: 'Pay to confirm' })).toBeVisible();
  await expect(page.getByTestId('amount-due')).toHaveText('Deposit $35.00 due now to confirm your booking.');
  await expect(page.getByText(/We hold this time for you for \d+:\d\d\./)).toBeVisible();
  const card = page.getByLabel('Card number');

  await card.fill('4000 0000 0000 0002');
  await page.getByRole('button', { name: 'Pay' }).click();
  await expect(page.getByRole('alert')).toHaveText('Your card was declined. Try another card.');
  await expect(card).toHaveAttribute('aria-invalid', 'true');

  await card.fill('4242 4242 4242 4242');
  await page.getByRole('button', { name: 'Pay' }).click();
  await expect(page.getByRole('heading', { name: "You're booked" })).toBeVisible();
  await expect(page.getByText(/^See you /)).toBeVisible();
  await waitForEmail(email, 'Booked:');
});
