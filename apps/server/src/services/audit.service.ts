/**
 * The audit log as the services use it: entries about a user's own account go to every
 * organization the user works for; owners read their organization's entries.
 */
import { AppError } from '@bookedbarber/core';
import type { DbOrTx } from '../db/client.ts';
import {
  listAudit,
  writeAudit,
  type AuditEntryRecord,
  type NewAuditEntry,
} from '../repositories/audit.repository.ts';
import { organizationsOfUser } from '../repositories/staff.repository.ts';
import type { AppContext } from './context.ts';

/**
 * Writes an entry about a user's own account (password, two-factor, sessions) once per
 * organization the user has or had a role in, so each organization's owners see it.
 * Call inside the transaction that made the change.
 */
export async function auditForUser(
  tx: DbOrTx,
  userId: string,
  entry: Omit<NewAuditEntry, 'organizationId'>,
): Promise<void> {
  const orgs = await organizationsOfUser(tx, userId);
  await writeAudit(
    tx,
    orgs.map((organizationId) => ({ ...entry, organizationId })),
  );
}

/** Filters of GET /organizations/current/audit. */
export interface AuditQuery {
  /** Exact action ("staff.invited") or a prefix ending with "." ("staff."). */
  action?: string | undefined;
  /** Inclusive lower bound of `at`. */
  from?: Date | undefined;
  /** Inclusive upper bound of `at`. */
  to?: Date | undefined;
  /** Cursor: the `nextCursor` of the previous page. */
  cursor?: string | undefined;
  /** Page size (1–500). */
  limit: number;
}

/**
 * One page of an organization's audit log, newest first, and the cursor of the next page.
 * @throws AppError VALIDATION_FAILED naming `cursor` or `to` when they make no sense.
 */
export async function readAudit(
  ctx: AppContext,
  organizationId: string,
  q: AuditQuery,
): Promise<{ entries: AuditEntryRecord[]; nextCursor: string | null }> {
  let before: number | undefined;
  if (q.cursor !== undefined) {
    before = Number(q.cursor);
    if (!Number.isSafeInteger(before) || before < 1)
      throw new AppError('VALIDATION_FAILED', 'Some fields are invalid.', {
        errors: [{ field: 'cursor', message: 'Use the nextCursor of the previous page' }],
      });
  }
  if (q.from && q.to && q.to < q.from)
    throw new AppError('VALIDATION_FAILED', 'Some fields are invalid.', {
      errors: [{ field: 'to', message: 'Must be on or after from' }],
    });
  const entries = await listAudit(ctx.database.db, organizationId, {
    action: q.action,
    from: q.from,
    to: q.to,
    before,
    limit: q.limit + 1,
  });
  const more = entries.length > q.limit;
  const page = more ? entries.slice(0, q.limit) : entries;
  return { entries: page, nextCursor: more ? String(page[page.length - 1]!.id) : null };
}
