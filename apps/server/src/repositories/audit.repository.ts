/**
 * The audit log: who changed what among staff and accounts, with values before and after.
 */
import { and, desc, eq, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { auditLog, users } from '../db/schema.ts';

/** One entry to write. `before`/`after` never hold secrets (no hashes, no tokens). */
export interface NewAuditEntry {
  organizationId: string | null;
  actorUserId: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  at: Date;
}

/** A stored entry with its actor's name and email. */
export interface AuditEntryRecord {
  id: number;
  at: Date;
  action: string;
  entity: string;
  entityId: string | null;
  actor: { id: string; name: string; email: string } | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** Writes entries (call inside the transaction that made the change). */
export async function writeAudit(db: DbOrTx, entries: NewAuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insert(auditLog)
    .values(entries.map((e) => ({ ...e, before: e.before ?? null, after: e.after ?? null })));
}

/**
 * An organization's entries, newest first.
 * @param q.action exact action, or a prefix ending in "." (e.g. "staff.").
 * @param q.from / q.to inclusive bounds on `at`.
 * @param q.before only entries with an id below this (the cursor of the previous page).
 * @param q.limit page size.
 */
export async function listAudit(
  db: DbOrTx,
  organizationId: string,
  q: { action?: string; from?: Date; to?: Date; before?: number; limit: number },
): Promise<AuditEntryRecord[]> {
  const where: Array<SQL | undefined> = [eq(auditLog.organizationId, organizationId)];
  if (q.action)
    where.push(
      q.action.endsWith('.')
        ? sql`starts_with(${auditLog.action}, ${q.action})`
        : eq(auditLog.action, q.action),
    );
  if (q.from) where.push(gte(auditLog.at, q.from));
  if (q.to) where.push(lte(auditLog.at, q.to));
  if (q.before !== undefined) where.push(lt(auditLog.id, q.before));
  const rows = await db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      action: auditLog.action,
      entity: auditLog.entity,
      entityId: auditLog.entityId,
      before: auditLog.before,
      after: auditLog.after,
      actorId: users.id,
      actorName: users.name,
      actorEmail: users.email,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(q.limit);
  return rows.map(({ actorId, actorName, actorEmail, ...r }) => ({
    ...r,
    actor: actorId ? { id: actorId, name: actorName!, email: actorEmail! } : null,
  }));
}
