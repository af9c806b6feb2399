/**
 * The outbox: messages written in the same transaction as the change that caused them,
 * delivered later by the outbox job (jobs/outbox.job.ts).
 */
import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { outbox } from '../db/schema.ts';

/** An email ready to send: rendered text and HTML plus optional attachments. */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: Array<{ filename: string; contentType: string; content: string }>;
  /** For logs: the manage link the message carries. */
  manageUrl?: string;
}

/** A pending outbox row. */
export interface OutboxItem {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
}

/**
 * Adds a message to the outbox (call inside the transaction that caused it).
 * @param now the app's clock (services pass ctx.now()): the message is due from then, since the
 *   worker compares with that clock, not with the database's now().
 */
export async function enqueueEmail(db: DbOrTx, message: EmailMessage, now = new Date()): Promise<void> {
  await db
    .insert(outbox)
    .values({ kind: 'email', payload: message as unknown as Record<string, unknown>, availableAt: now });
}

/** Up to `limit` messages due now, oldest first (by due time, then by when they were written). */
export async function dueMessages(db: DbOrTx, now: Date, limit: number): Promise<OutboxItem[]> {
  return (
    db
      .select({ id: outbox.id, kind: outbox.kind, payload: outbox.payload, attempts: outbox.attempts })
      .from(outbox)
      .where(and(isNull(outbox.sentAt), lte(outbox.availableAt, now), sql`${outbox.attempts} < 8`))
      // Messages due at the same instant go out in the order they were written.
      .orderBy(asc(outbox.availableAt), asc(outbox.createdAt))
      .limit(limit)
  );
}

/**
 * Claims one message for this worker by pushing its next attempt `leaseMs` ahead, so another
 * process skips it; returns false if another worker claimed it first.
 */
export async function claimMessage(
  db: DbOrTx,
  item: OutboxItem,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  const rows = await db
    .update(outbox)
    .set({ attempts: item.attempts + 1, availableAt: new Date(now.getTime() + leaseMs) })
    .where(and(eq(outbox.id, item.id), eq(outbox.attempts, item.attempts), isNull(outbox.sentAt)))
    .returning({ id: outbox.id });
  return rows.length === 1;
}

/** Marks a message sent and strips the body (it carries the manage link), keeping to/subject for audit. */
export async function markSent(
  db: DbOrTx,
  id: string,
  payload: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await db
    .update(outbox)
    .set({ sentAt: at, payload: { to: payload.to, subject: payload.subject }, lastError: null })
    .where(eq(outbox.id, id));
}

/** Records a failed attempt and when to try again. */
export async function markFailed(db: DbOrTx, id: string, error: string, retryAt: Date): Promise<void> {
  await db
    .update(outbox)
    .set({ lastError: error.slice(0, 2000), availableAt: retryAt })
    .where(eq(outbox.id, id));
}

/** Counts of pending and failed-for-good messages (for /metrics and tests). */
export async function outboxCounts(db: DbOrTx): Promise<{ pending: number; sent: number }> {
  const [row] = await db
    .select({
      pending: sql<number>`count(*) filter (where ${outbox.sentAt} is null)::int`,
      sent: sql<number>`count(*) filter (where ${outbox.sentAt} is not null)::int`,
    })
    .from(outbox);
  return row ?? { pending: 0, sent: 0 };
}
