import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 3211);
/**
 * A fresh data folder per run (one per port, so runs on different E2E_PORTs do not share it): the
 * server seeds the demo shop into it; tests read its .eml files.
 */
export const DATA_DIR = path.join(os.tmpdir(), `bookedbarber-e2e-${PORT}`);
export const BASE_URL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: BASE_URL,
    ...devices['Pixel 7'],
    // The booker is in another zone than the shop (America/New_York): times must stay the shop's.
    timezoneId: 'Asia/Tokyo',
    // Debian's Chromium; Playwright's own browser download cannot run here (ARCHITECTURE.md).
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: `rm -rf "${DATA_DIR}" && npx tsx ../apps/server/src/server.ts`,
    url: `${BASE_URL}/ready`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATA_DIR,
      PUBLIC_URL: BASE_URL,
      RATE_LIMIT: 'off',
      SEED_DEMO: 'true',
      PAYMENTS: 'test',
      LOG_LEVEL: 'warn',
    },
  },
});
