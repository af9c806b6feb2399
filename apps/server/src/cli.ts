/**
 * The command line: `npm run cli -- <command>`. Uses the same DATA_DIR / DATABASE_URL as the
 * server and applies migrations first, so it works on an empty database.
 *
 *   import FILE.json   create or update a shop from a shop file (docs/shop-file.md)
 *   export SLUG        print the organization that owns SLUG as a shop file
 *   seed [--force]     add the demo shop (fade-and-co)
 *   schema             print the shop file's JSON Schema
 *   rotate-keys        re-encrypt everything encrypted at rest with the current ENCRYPTION_KEY
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

const USAGE = `Usage: npm run cli -- <command>
  import FILE.json   create or update a shop from a shop file
  export SLUG        print a shop as a shop file (JSON)
  seed [--force]     add the demo shop "fade-and-co"
  schema             print the shop file JSON Schema
  rotate-keys        re-encrypt client details and TOTP secrets with the first ENCRYPTION_KEY`;

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
  if (!command || !['import', 'export', 'seed', 'rotate-keys'].includes(command)) {
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

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
