/**
 * The payment reconciliation job (issue 4: "a crash between our write and Stripe's answer is
 * recovered by a job that reconciles, never by charging again"): every few minutes, one
 * `recoverUnsettled` pass (services/reconciliation.service.ts). Passes never overlap; a failing
 * pass is logged and the next one tries again. Tests run it by hand with `runOnce()`.
 */
import type { AppContext } from '../services/context.ts';
import { recoverUnsettled, type RecoverySummary } from '../services/reconciliation.service.ts';

/** Default interval between passes, ms (5 minutes). */
export const RECONCILE_INTERVAL_MS = 5 * 60_000;

/** A started reconciliation job. */
export interface ReconcileJob {
  /** Runs one pass now (waits for a pass already running, then runs its own). */
  runOnce(): Promise<RecoverySummary>;
  /** Stops the timer and waits for a running pass. */
  stop(): Promise<void>;
}

/**
 * Starts the job.
 * @param opts.intervalMs between passes (default {@link RECONCILE_INTERVAL_MS}; 0 = no timer, only runOnce).
 *   No timer either when no payment provider is configured.
 */
export function startReconcileJob(opts: {
  ctx: AppContext;
  intervalMs?: number;
  log?: { warn: (obj: object, msg: string) => void };
}): ReconcileJob {
  let running: Promise<RecoverySummary> | null = null;
  const pass = async (): Promise<RecoverySummary> => {
    while (running) await running.catch(() => undefined);
    running = recoverUnsettled(opts.ctx, { log: (o, m) => opts.log?.warn(o, m) });
    try {
      return await running;
    } finally {
      running = null;
    }
  };
  const interval = opts.intervalMs ?? RECONCILE_INTERVAL_MS;
  const timer =
    interval > 0 && opts.ctx.payments
      ? setInterval(
          () =>
            void pass().catch((err: unknown) =>
              opts.log?.warn({ err: (err as Error).message }, 'Payment reconciliation pass failed'),
            ),
          interval,
        )
      : null;
  timer?.unref();
  return {
    runOnce: pass,
    async stop() {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
