// Staff sign-in for the browser tests, shared by every spec: the demo owner and manager must turn
// on two-factor at their first sign-in of a run, and whichever spec signs them in first does it.
// The secret is kept under DATA_DIR (fresh each run) so later sign-ins send a code; a code is good
// once (the server refuses a 30-second step it has already accepted), so the last step used per
// account is kept too and the next step is awaited when needed.

import fs from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { DATA_DIR } from '../../playwright.config.ts';

/** A demo account (their passwords are public: printed at start, README). */
export interface Account {
  email: string;
  password: string;
}

export const DEMO = {
  owner: { email: 'owner@fadeandco.example', password: 'fade-owner-demo' },
  manager: { email: 'manager@fadeandco.example', password: 'fade-manager-demo' },
  desk: { email: 'desk@fadeandco.example', password: 'fade-desk-demo' },
  sofia: { email: 'sofia@fadeandco.example', password: 'fade-sofia-demo' },
  jamal: { email: 'jamal@fadeandco.example', password: 'fade-jamal-demo' },
} satisfies Record<string, Account>;

const PERIOD_MS = 30_000;
const secretFile = (email: string) => path.join(DATA_DIR, `e2e-totp-${email}.txt`);
const stepFile = (email: string) => path.join(DATA_DIR, `e2e-totp-step-${email}.txt`);

/** The TOTP secret enrolled for an account during this run, if any. */
export function knownSecret(email: string): string | undefined {
  return fs.existsSync(secretFile(email)) ? fs.readFileSync(secretFile(email), 'utf8').trim() : undefined;
}

function remember(email: string, secret: string, step: number): void {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  fs.writeFileSync(secretFile(email), secret);
  fs.writeFileSync(stepFile(email), String(step));
}

/** A code for a 30-second step this account has not used yet (waits for the next step if needed). */
export async function freshCode(email: string, secret: string): Promise<string> {
  const last = fs.existsSync(stepFile(email)) ? Number(fs.readFileSync(stepFile(email), 'utf8')) : -1;
  let step = Math.floor(Date.now() / PERIOD_MS);
  if (step <= last) {
    await new Promise((r) => setTimeout(r, (last + 1) * PERIOD_MS - Date.now() + 200));
    step = last + 1;
  }
  remember(email, secret, step);
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: step * PERIOD_MS + 1_000,
  });
}

/**
 * Signs in through the sign-in page as a user would. An owner or manager without two-factor is
 * taken through enrolment (QR code, code, the 10 recovery codes saved); one with it is asked for a
 * code. Ends on the calendar. Returns whether this sign-in enrolled or was asked for a code.
 */
export async function signInUi(
  page: Page,
  who: Account,
): Promise<{ enrolled: boolean; askedForCode: boolean }> {
  await page.goto('/app/sign-in');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const enrol = page.getByRole('heading', { name: 'Turn on two-factor sign-in' });
  const code = page.getByRole('heading', { name: 'Two-factor sign-in' });
  const calendar = page.getByRole('button', { name: 'New appointment' });
  await expect(enrol.or(code).or(calendar).first()).toBeVisible();
  let enrolled = false;
  let askedForCode = false;
  if (await enrol.isVisible()) {
    await expect(page).toHaveURL(/\/app\/two-factor/);
    await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
    const secret = (await page.getByTestId('totp-secret').getAttribute('data-secret'))!;
    expect(secret).toMatch(/^[A-Z2-7]+$/);
    await page.getByLabel('6-digit code').fill(await freshCode(who.email, secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await expect(page.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible();
    await expect(page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
    const continueButton = page.getByRole('button', { name: 'Continue' });
    await expect(continueButton).toBeDisabled();
    await page.getByLabel('I have saved them').check();
    await continueButton.click();
    enrolled = true;
  } else if (await code.isVisible()) {
    const secret = knownSecret(who.email);
    if (!secret) throw new Error(`${who.email} has two-factor on but this run did not enrol it`);
    await page.getByLabel('6-digit code').fill(await freshCode(who.email, secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    askedForCode = true;
  }
  await expect(page).toHaveURL(/\/app$/);
  await expect(calendar).toBeVisible();
  return { enrolled, askedForCode };
}

/**
 * Signs in through the API in the page's browser context (cookie session), for tests whose subject
 * is not the sign-in: enrols two-factor by the API when the account must and has not yet.
 */
export async function signInApi(page: Page, account: Account): Promise<void> {
  const csrf = ((await (await page.request.get('/api/v1/auth/csrf')).json()) as { csrfToken: string })
    .csrfToken;
  const secret = knownSecret(account.email);
  const login = await page.request.post('/api/v1/auth/login', {
    headers: { 'X-CSRF-Token': csrf },
    data: {
      ...account,
      session: 'cookie',
      ...(secret ? { totp: await freshCode(account.email, secret) } : {}),
    },
  });
  expect(login.status(), await login.text()).toBe(200);
  const body = (await login.json()) as { csrfToken?: string; mfaEnrolmentRequired?: boolean };
  if (!body.mfaEnrolmentRequired) return;
  const token = body.csrfToken ?? csrf;
  const setup = await page.request.post('/api/v1/auth/totp/setup', { headers: { 'X-CSRF-Token': token } });
  expect(setup.status(), await setup.text()).toBe(200);
  const { secret: fresh } = (await setup.json()) as { secret: string };
  const confirm = await page.request.post('/api/v1/auth/totp/confirm', {
    headers: { 'X-CSRF-Token': token },
    data: { code: await freshCode(account.email, fresh) },
  });
  expect(confirm.status(), await confirm.text()).toBe(200);
}
