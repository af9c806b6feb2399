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
  /** Seed the demo shop when the database has no organization (default true). */
  seedDemo: boolean;
  /** pino level (default info; "silent" in tests). */
  logLevel: string;
  /** Folder of the built web app (apps/web/dist). */
  webDist: string;
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
  SEED_DEMO: bool.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEB_DIST: z.string().optional(),
});

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
    seedDemo: e.SEED_DEMO,
    logLevel: e.LOG_LEVEL,
    webDist: path.resolve(e.WEB_DIST ?? path.join(repoRoot, 'apps/web/dist')),
  });
}
