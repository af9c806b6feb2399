/**
 * The outbox job: delivers messages the transactions wrote to the outbox table, with retries and
 * exponential back-off (5 s × 2^attempt, at most 8 attempts), polling every second and woken
 * at once after a commit. Several processes may run it: each message is claimed before sending.
 */
import type { Db } from '../db/client.ts';
import {
  claimMessage,
  dueMessages,
  markFailed,
  markSent,
  type EmailMessage,
} from '../repositories/outbox.repository.ts';
import type { Mailer } from './mailer.ts';

const LEASE_MS = 60_000;

/** A running outbox worker. */
export interface OutboxWorker {
  /** Ask for a run now (after a commit that wrote a message). */
  wake(): void;
  /** Delivers everything due now; resolves when done (tests call this directly). */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts the worker.
 * @param opts.intervalMs polling interval (default 1000; 0 = no timer, only wake/drain).
 */
export function startOutboxWorker(opts: {
  db: Db;
  mailer: Mailer;
  now: () => Date;
  intervalMs?: number;
  log: { warn: (obj: object, msg: string) => void };
}): OutboxWorker {
  let running: Promise<number> | null = null;
  let again = false;
  let stopped = false;

  async function runOnce(): Promise<number> {
    let sent = 0;
    for (;;) {
      const due = await dueMessages(opts.db, opts.now(), 20);
      if (due.length === 0) return sent;
      for (const item of due) {
        if (stopped) return sent;
        if (!(await claimMessage(opts.db, item, opts.now(), LEASE_MS))) continue;
        try {
          if (item.kind !== 'email') throw new Error(`Unknown outbox kind ${item.kind}`);
          await opts.mailer.send(item.payload as unknown as EmailMessage);
          await markSent(opts.db, item.id, item.payload, opts.now());
          sent++;
        } catch (err) {
          const delay = 5_000 * 2 ** item.attempts;
          opts.log.warn(
            { err, outboxId: item.id, attempt: item.attempts + 1 },
            'message delivery failed; will retry',
          );
          await markFailed(
            opts.db,
            item.id,
            String((err as Error).message ?? err),
            new Date(opts.now().getTime() + delay),
          );
        }
      }
    }
  }

  function drain(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        total += await runOnce();
      } while (again && !stopped);
      return total;
    })().finally(() => {
      running = null;
    });
    return running;
  }

  const interval = opts.intervalMs ?? 1000;
  const timer = interval > 0 ? setInterval(() => void drain().catch(() => undefined), interval) : null;
  timer?.unref();
  return {
    wake: () => void drain().catch((err) => opts.log.warn({ err }, 'outbox run failed')),
    drain,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
