/**
 * Configuration from the environment (src/config/config.ts): defaults, and a ConfigError naming
 * each invalid variable.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

/** The ConfigError loadConfig throws for `env`. */
function errorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig defaults', () => {
  it('runs with an empty environment', () => {
    const c = loadConfig({});
    expect(c).toEqual({
      port: 3000,
      host: '0.0.0.0',
      publicUrl: 'http://localhost:3000',
      dataDir: path.resolve(process.cwd(), 'data'),
      databaseUrl: undefined,
      smtpUrl: undefined,
      mailFrom: 'BookedBarber <bookings@bookedbarber.local>',
      rateLimit: { max: 10, windowMs: 60_000 },
      authRateLimit: { max: 10, windowMs: 60_000 },
      authSecret: undefined,
      encryptionKeys: undefined,
      seedDemo: true,
      logLevel: 'info',
      webDist: expect.stringMatching(/apps[\\/]web[\\/]dist$/),
      payments: null,
    });
    expect(path.isAbsolute(c.webDist)).toBe(true);
  });

  it('is frozen', () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(() => {
      (c as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '', SMTP_URL: '' })).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      smtpUrl: undefined,
    });
  });
});

describe('loadConfig values', () => {
  it('reads every variable', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      DATA_DIR: '/var/lib/bookedbarber',
      DATABASE_URL: 'postgresql://u:p@db:5432/bb',
      SMTP_URL: 'smtps://u:p@mail.example.com:465',
      MAIL_FROM: 'Shop <shop@example.com>',
      RATE_LIMIT: 'ON',
      RATE_LIMIT_MAX: '5',
      RATE_LIMIT_WINDOW_SECONDS: '30',
      AUTH_RATE_LIMIT_MAX: '3',
      AUTH_RATE_LIMIT_WINDOW_SECONDS: '600',
      AUTH_SECRET: 's'.repeat(32),
      ENCRYPTION_KEY: `${'ab'.repeat(32)}, ${Buffer.alloc(32, 7).toString('base64')}`,
      SEED_DEMO: 'no',
      LOG_LEVEL: 'warn',
      WEB_DIST: '/srv/web',
    });
    expect(c).toEqual({
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'http://127.0.0.1:8080',
      dataDir: '/var/lib/bookedbarber',
      databaseUrl: 'postgresql://u:p@db:5432/bb',
      smtpUrl: 'smtps://u:p@mail.example.com:465',
      mailFrom: 'Shop <shop@example.com>',
      rateLimit: { max: 5, windowMs: 30_000 },
      authRateLimit: { max: 3, windowMs: 600_000 },
      authSecret: 's'.repeat(32),
      encryptionKeys: ['ab'.repeat(32), Buffer.alloc(32, 7).toString('base64')],
      seedDemo: false,
      logLevel: 'warn',
      webDist: '/srv/web',
      payments: null,
    });
  });

  it('drops trailing slashes from PUBLIC_URL', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://book.example.com/' }).publicUrl).toBe(
      'https://book.example.com',
    );
  });

  it('turns the rate limits off with RATE_LIMIT=off', () => {
    expect(loadConfig({ RATE_LIMIT: 'off' }).rateLimit).toBe(false);
    expect(loadConfig({ RATE_LIMIT: 'off' }).authRateLimit).toBe(false);
  });

  it('resolves DATA_DIR against INIT_CWD (where npm was run)', () => {
    expect(loadConfig({ DATA_DIR: 'mydata', INIT_CWD: '/home/me/shop' }).dataDir).toBe(
      '/home/me/shop/mydata',
    );
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
  ])('SEED_DEMO=%s is %s', (v, expected) => {
    expect(loadConfig({ SEED_DEMO: v }).seedDemo).toBe(expected);
  });
});

describe('loadConfig errors name the variable', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'mysql://u@db/bb'],
    ['DATABASE_URL', 'db.example.com:5432'],
    ['SMTP_URL', 'http://mail.example.com'],
    ['PUBLIC_URL', 'not a url'],
    ['RATE_LIMIT', 'sometimes'],
    ['RATE_LIMIT_MAX', '0'],
    ['RATE_LIMIT_WINDOW_SECONDS', 'soon'],
    ['SEED_DEMO', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['MAIL_FROM', 'x'],
    ['AUTH_RATE_LIMIT_MAX', '0'],
    ['AUTH_SECRET', 'too short'],
    ['ENCRYPTION_KEY', 'abc'],
    ['ENCRYPTION_KEY', `${'ab'.repeat(32)},${'ab'.repeat(31)}`],
    ['ENCRYPTION_KEY', Buffer.alloc(16).toString('base64')],
    ['STRIPE_SECRET_KEY', 'pk_test_wrongkind'],
    ['STRIPE_PUBLISHABLE_KEY', 'sk_test_wrongkind'],
    ['STRIPE_WEBHOOK_SECRET', 'secret'],
    ['STRIPE_API_URL', 'not a url'],
    ['PAYMENTS', 'paypal'],
  ])('%s=%s', (name, value) => {
    const err = errorOf({ [name]: value });
    expect(err.message).toMatch(/^Invalid configuration:/);
    expect(err.message).toContain(`${name}:`);
  });

  it('lists every bad variable at once', () => {
    const err = errorOf({ PORT: 'x', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL']) expect(err.message).toContain(`${name}:`);
    expect(err.message).toContain('must start with postgres:// or postgresql://');
  });

  it('needs all three Stripe variables once one is set, and says which is missing', () => {
    const err = errorOf({ STRIPE_SECRET_KEY: 'sk_test_abc' });
    expect(err.message).toContain('STRIPE_PUBLISHABLE_KEY: required for Stripe payments');
    expect(err.message).toContain('STRIPE_WEBHOOK_SECRET: required for Stripe payments');
    expect(err.message).not.toContain('STRIPE_SECRET_KEY:');
  });
});

describe('loadConfig payments', () => {
  it('is pay at the shop without Stripe keys', () => {
    expect(loadConfig({}).payments).toBeNull();
    expect(loadConfig({ PAYMENTS: 'off', STRIPE_SECRET_KEY: 'sk_test_x' }).payments).toBeNull();
  });

  it('reads the Stripe keys and an API URL for a test server', () => {
    const c = loadConfig({
      STRIPE_SECRET_KEY: 'sk_test_abc',
      STRIPE_PUBLISHABLE_KEY: 'pk_test_abc',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc',
      STRIPE_API_URL: 'http://127.0.0.1:12111',
    });
    expect(c.payments).toMatchObject({
      kind: 'stripe',
      secretKey: 'sk_test_abc',
      publishableKey: 'pk_test_abc',
      webhookSecret: 'whsec_abc',
    });
    expect(c.payments?.kind === 'stripe' && c.payments.apiUrl?.port).toBe('12111');
  });

  it('runs the in-process test provider with PAYMENTS=test', () => {
    expect(loadConfig({ PAYMENTS: 'test' }).payments).toEqual({ kind: 'test' });
  });
});
