/**
 * Sign-in lock policy (issue 3): per account (keyed by the normalized email, whether or not an
 * account has it, so a lock never tells that an email exists). The first four failures cost
 * nothing; the fifth locks for 1 minute and each further failure doubles the lock, up to 1 hour.
 * A success clears the count; a count with no failure for 24 hours is forgotten.
 */

/** The stored state of one sign-in key; instants are epoch milliseconds. */
export interface SignInThrottle {
  /** Consecutive failures not yet cleared by a success or forgotten. */
  failures: number;
  /** Until when sign-in is refused (epoch ms), or null. */
  lockedUntil: number | null;
  /** When the last failure happened (epoch ms), or null. */
  lastFailureAt: number | null;
}

/** The numbers behind the policy, in milliseconds where they are durations. */
export const LOCK_POLICY = {
  /** Failures allowed before the first lock. */
  freeFailures: 4,
  /** Length of the first lock. */
  firstLockMs: 60_000,
  /** Longest lock. */
  maxLockMs: 3_600_000,
  /** A count with no failure for this long starts again from zero. */
  forgetAfterMs: 86_400_000,
} as const;

/** A key with no history. */
export const NO_FAILURES: SignInThrottle = { failures: 0, lockedUntil: null, lastFailureAt: null };

/** Milliseconds left on the lock at `now` (0 when not locked). */
export function lockRemainingMs(state: SignInThrottle, now: number): number {
  return state.lockedUntil !== null && state.lockedUntil > now ? state.lockedUntil - now : 0;
}

/** Lock length after `failures` consecutive failures (0 while still free). */
export function lockDurationMs(failures: number): number {
  const over = failures - LOCK_POLICY.freeFailures;
  if (over <= 0) return 0;
  return Math.min(LOCK_POLICY.firstLockMs * 2 ** Math.min(over - 1, 30), LOCK_POLICY.maxLockMs);
}

/** The state after one more failure at `now`. */
export function afterFailure(state: SignInThrottle, now: number): SignInThrottle {
  const stale = state.lastFailureAt !== null && now - state.lastFailureAt >= LOCK_POLICY.forgetAfterMs;
  const failures = (stale ? 0 : state.failures) + 1;
  const lock = lockDurationMs(failures);
  return { failures, lockedUntil: lock > 0 ? now + lock : null, lastFailureAt: now };
}
