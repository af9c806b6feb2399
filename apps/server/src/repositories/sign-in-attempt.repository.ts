/**
 * Failed sign-in counts per key (SHA-256 of the lower-cased email), for the lock policy in core.
 */
import { eq, lt } from 'drizzle-orm';
import { NO_FAILURES, type SignInThrottle } from '@bookedbarber/core';
import type { DbOrTx } from '../db/client.ts';
import { signInAttempts } from '../db/schema.ts';

/** The state of a key (no failures when there is no row); instants as epoch ms. */
export async function getSignInThrottle(db: DbOrTx, key: string): Promise<SignInThrottle> {
  const [row] = await db.select().from(signInAttempts).where(eq(signInAttempts.key, key)).limit(1);
  if (!row) return NO_FAILURES;
  return {
    failures: row.failures,
    lockedUntil: row.lockedUntil?.getTime() ?? null,
    lastFailureAt: row.lastFailureAt.getTime(),
  };
}

/**
 * The state of a key with its row locked for update (created empty first when missing), so
 * concurrent failures are counted one after the other. Call inside a transaction.
 */
export async function lockSignInThrottle(db: DbOrTx, key: string, now: Date): Promise<SignInThrottle> {
  await db
    .insert(signInAttempts)
    .values({ key, failures: 0, lockedUntil: null, lastFailureAt: now })
    .onConflictDoNothing();
  const [row] = await db.select().from(signInAttempts).where(eq(signInAttempts.key, key)).for('update');
  return {
    failures: row!.failures,
    lockedUntil: row!.lockedUntil?.getTime() ?? null,
    lastFailureAt: row!.lastFailureAt.getTime(),
  };
}

/** Stores the state of a key after a failure. */
export async function saveSignInThrottle(db: DbOrTx, key: string, s: SignInThrottle): Promise<void> {
  const values = {
    failures: s.failures,
    lockedUntil: s.lockedUntil === null ? null : new Date(s.lockedUntil),
    lastFailureAt: new Date(s.lastFailureAt ?? Date.now()),
  };
  await db
    .insert(signInAttempts)
    .values({ key, ...values })
    .onConflictDoUpdate({ target: signInAttempts.key, set: values });
}

/** Forgets a key (after a successful sign-in or a password reset). */
export async function clearSignInThrottle(db: DbOrTx, key: string): Promise<void> {
  await db.delete(signInAttempts).where(eq(signInAttempts.key, key));
}

/** Deletes keys whose last failure is older than `before` (they would be forgotten anyway). */
export async function pruneSignInThrottles(db: DbOrTx, before: Date): Promise<void> {
  await db.delete(signInAttempts).where(lt(signInAttempts.lastFailureAt, before));
}
