/**
 * Wires the running product: database (migrated), mailer, outbox worker and the app context.
 * server.ts and the tests both start from here.
 */
import type { Config } from './config/config.ts';
import { resolveSecrets } from './config/secrets.ts';
import { openDatabase, type Database } from './db/client.ts';
import { createMailer, type Mailer } from './jobs/mailer.ts';
import { startOutboxWorker, type OutboxWorker } from './jobs/outbox.job.ts';
import { AppointmentEvents } from './services/appointment-events.ts';
import type { AppContext } from './services/context.ts';
import { prepareClientRecords } from './services/key-rotation.service.ts';
import { startPayments, type Payments } from './payments/payments.ts';
import { startReconcileJob, type ReconcileJob } from './jobs/reconcile.job.ts';
import { startHoldExpiryJob, type HoldExpiryJob } from './jobs/hold-expiry.job.ts';

/** A started runtime: close() stops the worker and the database. */
export interface Runtime {
  ctx: AppContext;
  database: Database;
  outbox: OutboxWorker;
  mailer: Mailer;
  /** The payment provider, or null for pay at the shop only. */
  payments: Payments | null;
  /** The payment reconciliation job (jobs/reconcile.job.ts); `runOnce()` runs a pass now. */
  reconciler: ReconcileJob;
  /** Releases unpaid booking holds (jobs/hold-expiry.job.ts); `holds.run()` makes one pass now. */
  holds: HoldExpiryJob;
  close(): Promise<void>;
}

/**
 * Resolves the secrets (config/secrets.ts), opens and migrates the database and starts the outbox worker.
 * @param opts.now injectable clock (tests); defaults to the real one.
 * @param opts.database an already-open database to use instead of opening one.
 * @param opts.outboxIntervalMs polling interval of the outbox worker (0 = only on commit / drain).
 */
export async function startRuntime(
  config: Readonly<Config>,
  opts: {
    now?: () => Date;
    database?: Database;
    outboxIntervalMs?: number;
    /** Wake the outbox worker after each commit that wrote a message (default true; tests drain by hand). */
    wakeOutboxOnCommit?: boolean;
    /** Use this payment set-up instead of the configured one (tests: a provider on a test server). */
    payments?: Payments | null;
    log?: { info: (obj: object, msg: string) => void; warn: (obj: object, msg: string) => void };
    /** Interval of the payment reconciliation job, ms (default 5 minutes; 0 = only runOnce). */
    reconcileIntervalMs?: number;
    /** Interval of the hold-expiry job, ms (default 15 s; 0 = only `holds.run()`). */
    holdIntervalMs?: number;
  } = {},
): Promise<Runtime> {
  const log = opts.log ?? { info: () => undefined, warn: () => undefined };
  const secrets = resolveSecrets(config);
  if (config.databaseUrl && secrets.file)
    log.warn(
      { file: secrets.file },
      'AUTH_SECRET or ENCRYPTION_KEY is not set: using the keys generated in this file. Servers sharing the database must share the keys: set both in the environment (docs/operations.md).',
    );
  const database =
    opts.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  await database.migrate();
  // Seal client rows still in plaintext (from before migration 0004) and remake the search hashes
  // after an AUTH_SECRET change; a no-op on most starts.
  const prepared = await prepareClientRecords(database.db, secrets);
  if (prepared.sealed > 0)
    log.info({ clients: prepared.sealed }, 'Encrypted the contact details of clients stored in plaintext.');
  if (prepared.rehashed !== null)
    log.warn({ clients: prepared.rehashed }, 'AUTH_SECRET changed: recomputed the client search hashes.');
  const now = opts.now ?? (() => new Date());
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    dataDir: config.dataDir,
    from: config.mailFrom,
    log: (msg, extra) => log.info(extra ?? {}, msg),
  });
  const outbox = startOutboxWorker({ db: database.db, mailer, now, intervalMs: opts.outboxIntervalMs, log });
  const events = new AppointmentEvents(database);
  await events.start();
  const payments =
    opts.payments !== undefined
      ? opts.payments
      : await startPayments(config, `${config.publicUrl}/webhooks/stripe`);
  const ctx: AppContext = {
    database,
    config,
    secrets,
    now,
    outboxWritten: () => {
      if (opts.wakeOutboxOnCommit !== false) outbox.wake();
    },
    events,
    payments,
  };
  const reconciler = startReconcileJob({ ctx, intervalMs: opts.reconcileIntervalMs, log });
  const holds = startHoldExpiryJob(ctx, { intervalMs: opts.holdIntervalMs, log });
  return {
    ctx,
    database,
    outbox,
    mailer,
    payments,
    reconciler,
    holds,
    async close() {
      await reconciler.stop();
      await holds.stop();
      if (opts.payments === undefined) await payments?.close();
      await outbox.stop();
      await events.stop();
      mailer.close();
      if (!opts.database) await database.close();
    },
  };
}
