import path from 'node:path';
import { z } from 'zod';

/**
 * Typed, frozen configuration read once from the environment at boot.
 * Invalid values stop the process with a message naming the variable (see docs/operations.md).
 */
export interface Config {
  /** HTTP port (default 3000). */
  port: number;
  /** Interface to bind (default 0.0.0.0). */
  host: string;
  /** Absolute URL the public links (manage links, emails) point to, without a trailing slash. */
  publicUrl: string;
  /** Folder for PGlite files and, without SMTP, outgoing .eml files (default ./data). */
  dataDir: string;
  /** postgres:// URL; when set, PostgreSQL is used instead of the embedded PGlite. */
  databaseUrl: string | undefined;
  /** smtp:// or smtps:// URL; when unset, messages are written as .eml files under dataDir/outbox. */
  smtpUrl: string | undefined;
  /** Sender address for client emails. */
  mailFrom: string;
  /** Booking creation limit per client IP: max requests per window; `false` when RATE_LIMIT=off. */
  rateLimit: false | { max: number; windowMs: number };
  /** Sign-in, password reset and invite acceptance limit per client IP and route; `false` when RATE_LIMIT=off. */
  authRateLimit: false | { max: number; windowMs: number };
  /**
   * AUTH_SECRET: the key that signs cookies (the CSRF secret cookie); at least 32 characters.
   * Unset: generated once and kept in DATA_DIR/secrets.json (see config/secrets.ts).
   */
  authSecret: string | undefined;
  /**
   * ENCRYPTION_KEY: AES-256 keys (32 bytes each, base64 or hex), comma-separated, the first
   * encrypting and all of them decrypting (rotation). Unset: generated once and kept in
   * DATA_DIR/secrets.json.
   */
  encryptionKeys: string[] | undefined;
  /** Seed the demo shop when the database has no organization (default true). */
  seedDemo: boolean;
  /** pino level (default info; "silent" in tests). */
  logLevel: string;
  /** Folder of the built web app (apps/web/dist). */
  webDist: string;
  /**
   * Online payments (issue 4). `null` = none configured: online payment options are hidden and
   * every booking is "pay at the shop". `stripe`: STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and
   * STRIPE_WEBHOOK_SECRET, optionally STRIPE_API_URL to point the SDK at another host (a
   * Stripe-compatible test server). `test`: PAYMENTS=test starts the local Stripe-compatible
   * server in-process and pays through it with test cards (browser tests, demos; never production).
   */
  payments:
    | null
    | {
        kind: 'stripe';
        secretKey: string;
        publishableKey: string;
        webhookSecret: string;
        apiUrl: URL | undefined;
      }
    | { kind: 'test' };
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('BookedBarber <bookings@bookedbarber.local>'),
  RATE_LIMIT: z.string().default('on'),
  RATE_LIMIT_MAX: z.coerce.number().int().positive().default(10),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  AUTH_RATE_LIMIT_MAX: z.coerce.number().int().positive().default(10),
  AUTH_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ENCRYPTION_KEY: z
    .string()
    .transform((s) => s.split(',').map((k) => k.trim()))
    .refine(
      (keys) => keys.every((k) => decodeKey(k) !== undefined),
      'must be comma-separated 32-byte keys, each base64 (44 characters) or hex (64 characters)',
    )
    .optional(),
  SEED_DEMO: bool.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEB_DIST: z.string().optional(),
  PAYMENTS: z.enum(['stripe', 'test', 'off']).optional(),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_/, 'must start with sk_test_, sk_live_, rk_test_ or rk_live_')
    .optional(),
  STRIPE_PUBLISHABLE_KEY: z
    .string()
    .regex(/^pk_(test|live)_/, 'must start with pk_test_ or pk_live_')
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_/, 'must start with whsec_')
    .optional(),
  STRIPE_API_URL: z.url().optional(),
});

/**
 * Decodes one ENCRYPTION_KEY entry: 64 hex characters or base64/base64url of 32 bytes.
 * @returns the 32 key bytes, or undefined when the text is neither.
 */
export function decodeKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return undefined;
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === 32 ? bytes : undefined;
}

/** Error thrown when the environment is invalid; `message` lists every bad variable. */
export class ConfigError extends Error {}

const repoRoot = path.resolve(import.meta.dirname, '../../../..');

/**
 * Reads and validates configuration.
 * @param env the environment (defaults to process.env); empty strings count as unset.
 * @throws ConfigError naming each invalid variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const rl = e.RATE_LIMIT.toLowerCase();
  if (!['on', 'off'].includes(rl))
    throw new ConfigError(`Invalid configuration:\n  RATE_LIMIT: must be "on" or "off"`);
  const stripeVars = [e.STRIPE_SECRET_KEY, e.STRIPE_PUBLISHABLE_KEY, e.STRIPE_WEBHOOK_SECRET];
  const mode = e.PAYMENTS ?? (stripeVars.some(Boolean) ? 'stripe' : 'off');
  let payments: Config['payments'] = null;
  if (mode === 'test') payments = { kind: 'test' };
  else if (mode === 'stripe') {
    const missing = (
      [
        ['STRIPE_SECRET_KEY', e.STRIPE_SECRET_KEY],
        ['STRIPE_PUBLISHABLE_KEY', e.STRIPE_PUBLISHABLE_KEY],
        ['STRIPE_WEBHOOK_SECRET', e.STRIPE_WEBHOOK_SECRET],
      ] as const
    ).filter(([, v]) => !v);
    if (missing.length > 0)
      throw new ConfigError(
        `Invalid configuration:\n${missing.map(([k]) => `  ${k}: required for Stripe payments (set all three, or none for pay at the shop)`).join('\n')}`,
      );
    payments = {
      kind: 'stripe',
      secretKey: e.STRIPE_SECRET_KEY!,
      publishableKey: e.STRIPE_PUBLISHABLE_KEY!,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET!,
      apiUrl: e.STRIPE_API_URL ? new URL(e.STRIPE_API_URL) : undefined,
    };
  }
  const displayHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? 'localhost' : e.HOST;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://${displayHost}:${e.PORT}`).replace(/\/+$/, ''),
    // npm runs workspace scripts inside the workspace; INIT_CWD is where the user ran the command.
    dataDir: path.resolve(env.INIT_CWD ?? process.cwd(), e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    rateLimit: rl === 'off' ? false : { max: e.RATE_LIMIT_MAX, windowMs: e.RATE_LIMIT_WINDOW_SECONDS * 1000 },
    authRateLimit:
      rl === 'off'
        ? false
        : { max: e.AUTH_RATE_LIMIT_MAX, windowMs: e.AUTH_RATE_LIMIT_WINDOW_SECONDS * 1000 },
    authSecret: e.AUTH_SECRET,
    encryptionKeys: e.ENCRYPTION_KEY,
    seedDemo: e.SEED_DEMO,
    logLevel: e.LOG_LEVEL,
    webDist: path.resolve(e.WEB_DIST ?? path.join(repoRoot, 'apps/web/dist')),
    payments,
  });
}
