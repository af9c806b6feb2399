/**
 * The command line: `npm run cli -- <command>`. Uses the same DATA_DIR / DATABASE_URL as the
 * server and applies migrations first, so it works on an empty database.
 *
 *   import FILE.json   create or update a shop from a shop file (docs/shop-file.md)
 *   export SLUG        print the organization that owns SLUG as a shop file
 *   seed [--force]     add the demo shop (fade-and-co)
 *   schema             print the shop file's JSON Schema
 *   rotate-keys        re-encrypt everything encrypted at rest with the current ENCRYPTION_KEY
 *   reconcile-payments FROM TO
 *                      compare the money ledger with the payment provider (exit 0: no
 *                      difference, 3: differences found, 1: error, 2: usage)
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from './config/config.ts';
import { openDatabase } from './db/client.ts';
import { seedDemo } from './db/seed/demo-shop.ts';
import { resolveSecrets } from './config/secrets.ts';
import { clientCipher } from './security/client-fields.ts';
import { rotateKeys } from './services/key-rotation.service.ts';
import { exportShop, importShop } from './services/shop-import.service.ts';
import { parseShopFile, ShopFileError, shopFileJsonSchema } from './shops/shop-file.ts';
import type { DbOrTx } from './db/client.ts';
import { startPayments } from './payments/payments.ts';
import { PaymentProviderError, type PaymentProvider } from './payments/provider.ts';
import { formatReconciliation, reconciliationReport } from './services/reconciliation.service.ts';

const USAGE = `Usage: npm run cli -- <command>
  import FILE.json   create or update a shop from a shop file
  export SLUG        print a shop as a shop file (JSON)
  seed [--force]     add the demo shop "fade-and-co"
  schema             print the shop file JSON Schema
  rotate-keys        re-encrypt client details and TOTP secrets with the first ENCRYPTION_KEY
  reconcile-payments FROM TO
                     compare the ledger with the payment provider for payments created from
                     FROM (inclusive) to TO (a date: through that day, UTC); exit 0 no
                     difference, 3 differences found, 1 error, 2 usage`;

/** Runs one CLI command; returns the exit code. Output goes to the given streams. */
export async function runCli(
  argv: string[],
  io: { out: (s: string) => void; err: (s: string) => void; env?: Record<string, string | undefined> } = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
  },
): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'schema') {
    io.out(`${JSON.stringify(shopFileJsonSchema(), null, 2)}\n`);
    return 0;
  }
  if (!command || !['import', 'export', 'seed', 'rotate-keys', 'reconcile-payments'].includes(command)) {
    io.err(`${USAGE}\n`);
    return command ? 2 : 0;
  }
  let config;
  try {
    config = loadConfig(io.env ?? process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  if (command === 'reconcile-payments') {
    const period = reconcilePeriod(args);
    if (!period) {
      io.err(`${USAGE}\n`);
      return 2;
    }
    if (!config.payments) {
      io.err('No payment provider is configured (PAYMENTS is off): nothing to reconcile.\n');
      return 1;
    }
    const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    const payments = await startPayments(config, `${config.publicUrl}/webhooks/stripe`);
    try {
      await db.migrate();
      return await reconcilePayments(db.db, payments!.provider, period, io);
    } finally {
      await payments?.close();
      await db.close();
    }
  }
  if ((command === 'import' || command === 'export') && !args[0]) {
    io.err(`${USAGE}\n`);
    return 2;
  }
  let json: unknown;
  if (command === 'import') {
    const file = path.resolve((io.env ?? process.env).INIT_CWD ?? process.cwd(), args[0]!);
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      io.err(`Cannot read ${file}: ${(err as Error).message}\n`);
      return 1;
    }
  }
  const secrets = resolveSecrets(config);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await database.migrate();
    if (command === 'rotate-keys') {
      const r = await rotateKeys(database.db, secrets);
      io.out(
        `Re-encrypted ${r.clients} clients and ${r.totpSecrets} two-factor secrets with key ${r.keyId}. ` +
          'Keys other than the first may now be removed from ENCRYPTION_KEY.\n',
      );
      return 0;
    }
    if (command === 'import') {
      const summary = await importShop(database.db, parseShopFile(json));
      io.out(
        `${summary.created ? 'Created' : 'Updated'} organization with ${summary.locations
          .map((l) => `${l.slug} (${l.services} services, ${l.barbers} barbers)`)
          .join(', ')}\n`,
      );
    } else if (command === 'export') {
      const file = await exportShop(database.db, args[0]!);
      if (!file) {
        io.err(`No shop is called "${args[0]}".\n`);
        return 1;
      }
      io.out(`${JSON.stringify(file, null, 2)}\n`);
    } else {
      const seeded = await seedDemo(database.db, clientCipher(secrets), new Date(), {
        force: args.includes('--force'),
      });
      io.out(
        seeded
          ? 'Seeded the demo shop "fade-and-co".\n'
          : 'The database already has a shop; use --force to add the demo anyway.\n',
      );
    }
    return 0;
  } catch (err) {
    if (err instanceof ShopFileError) {
      io.err(`${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await database.close();
  }
}

/**
 * The period of `reconcile-payments FROM TO`: ISO instants, or dates (UTC days; TO includes its
 * whole day). Null when the arguments are not two such values with FROM before TO.
 */
export function reconcilePeriod(args: string[]): { from: Date; to: Date } | null {
  if (args.length !== 2) return null;
  const parse = (s: string, end: boolean) => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
      const d = Date.parse(`${s}T00:00:00Z`);
      return Number.isNaN(d) ? null : new Date(end ? d + 86_400_000 : d);
    }
    const d = Date.parse(s);
    return /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(d) ? new Date(d) : null;
  };
  const from = parse(args[0]!, false);
  const to = parse(args[1]!, true);
  return from && to && from < to ? { from, to } : null;
}

/**
 * Runs the reconciliation report and prints it as a table.
 * @returns the exit code: 0 no difference, 3 differences found, 1 the provider could not be read.
 */
export async function reconcilePayments(
  db: DbOrTx,
  provider: PaymentProvider,
  period: { from: Date; to: Date },
  io: { out: (s: string) => void; err: (s: string) => void },
): Promise<number> {
  try {
    const report = await reconciliationReport(db, provider, period);
    io.out(formatReconciliation(report));
    return report.differences.length > 0 ? 3 : 0;
  } catch (err) {
    if (!(err instanceof PaymentProviderError)) throw err;
    io.err(`The payment provider could not be read: ${err.message}\n`);
    return 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
