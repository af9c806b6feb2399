/**
 * Stored answers to requests made with an Idempotency-Key (IETF draft-ietf-httpapi-idempotency-key-header).
 */
import { and, eq, lt } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { idempotencyKeys } from '../db/schema.ts';

/** A stored answer: the hash of the request it answered, its status and body. */
export interface StoredResponse {
  requestHash: string;
  status: number;
  body: unknown;
}

/** The stored answer for (scope, key), or undefined. */
export async function findStoredResponse(
  db: DbOrTx,
  scope: string,
  key: string,
): Promise<StoredResponse | undefined> {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)))
    .limit(1);
  return row
    ? { requestHash: row.requestHash, status: row.responseStatus, body: row.responseBody }
    : undefined;
}

/** Stores the answer; raises a unique violation (23505) if another request stored one first. */
export async function storeResponse(
  db: DbOrTx,
  scope: string,
  key: string,
  r: StoredResponse,
): Promise<void> {
  await db.insert(idempotencyKeys).values({
    scope,
    key,
    requestHash: r.requestHash,
    responseStatus: r.status,
    responseBody: r.body,
  });
}

/** Deletes stored answers older than `before` (they hold manage links); returns nothing. */
export async function purgeStoredResponses(db: DbOrTx, before: Date): Promise<void> {
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before));
}
