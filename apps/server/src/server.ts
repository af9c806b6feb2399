/**
 * Starts BookedBarber: reads config, migrates, seeds the demo shop on an empty database, listens,
 * prints where to open it, and shuts down gracefully on SIGINT/SIGTERM.
 */
import { clientCipher } from './security/client-fields.ts';
import { sql } from 'drizzle-orm';
import { ConfigError, loadConfig } from './config/config.ts';
import { openDatabase } from './db/client.ts';

async function main(): Promise<void> {
  const started = performance.now();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const pretty = process.stdout.isTTY && config.logLevel !== 'silent';
  // Open the database (PGlite compiles its WASM) while the HTTP stack's modules load.
  const opening = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const [{ DEMO_SLUG, demoSignInLines, seedDemo }, { buildApp }, { startRuntime }] = await Promise.all([
    import('./db/seed/demo-shop.ts'),
    import('./http/app.ts'),
    import('./runtime.ts'),
  ]);
  const database = await opening;
  const app = await (async () => {
    const runtime = await startRuntime(config, {
      database,
      log: {
        info: (obj, msg) =>
          config.logLevel !== 'silent' && console.log(msg, Object.keys(obj).length ? obj : ''),
        warn: (obj, msg) => console.warn(msg, obj),
      },
    });
    if (
      config.seedDemo &&
      (await seedDemo(runtime.database.db, clientCipher(runtime.ctx.secrets), new Date()))
    )
      console.log(`Seeded the demo shop "${DEMO_SLUG}".`);
    const app = await buildApp({ ctx: runtime.ctx, logger: { level: config.logLevel } });
    app.addHook('onClose', async () => {
      await runtime.close();
      await database.close();
    });
    return app;
  })();
  await app.listen({ port: config.port, host: config.host });
  // PGlite has no autovacuum: give the planner statistics once per start, after listening.
  if (database.engine === 'pglite')
    database.db.execute(sql`analyze`).catch((err) => console.warn('ANALYZE failed', err));
  const engine = config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`;
  const lines = [
    '',
    `BookedBarber is running (${engine}), ready in ${Math.round(performance.now() - started)} ms.`,
    `  Booking page:  ${config.publicUrl}/${DEMO_SLUG}`,
    `  API docs:      ${config.publicUrl}/docs`,
    `  Health:        ${config.publicUrl}/ready`,
    config.smtpUrl
      ? '  Email:         via SMTP'
      : `  Email:         written to ${config.dataDir}/outbox/*.eml`,
    ...(await demoSignInLines(database.db)),
    '',
  ];
  console.log(pretty ? `\x1b[1m${lines.join('\n')}\x1b[0m` : lines.join('\n'));

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal} received, shutting down…`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error('BookedBarber failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
