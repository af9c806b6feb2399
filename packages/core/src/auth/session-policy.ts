/**
 * Lifetimes of staff sessions (docs/architecture.md, "Staff sign-in"). A session family starts
 * at sign-in; every refresh replaces its tokens; the family ends at the latest at its maximum age.
 */

/** How long an access token is accepted: 15 minutes. */
export const ACCESS_TOKEN_TTL_MS = 15 * 60_000;
/** How long an unused refresh token is accepted: 14 days. */
export const REFRESH_TOKEN_TTL_MS = 14 * 86_400_000;
/** Longest life of a session family (sign in again after it): 30 days. */
export const SESSION_FAMILY_MAX_MS = 30 * 86_400_000;
/** Longest life of an "enrolment required" family (an owner or manager without two-factor): 1 hour. */
export const ENROLMENT_SESSION_MAX_MS = 60 * 60_000;
/** Password reset links expire after 1 hour. */
export const PASSWORD_RESET_TTL_MS = 60 * 60_000;
/** Staff invite links expire after 7 days. */
export const INVITE_TTL_MS = 7 * 86_400_000;
/** Recovery codes handed out when two-factor is enrolled. */
export const RECOVERY_CODE_COUNT = 10;

/**
 * When a refresh token issued at `now` expires: 14 days later, but never after its family ends.
 * @param familyExpiresAt the end of the session family (epoch ms).
 */
export function refreshExpiry(now: number, familyExpiresAt: number): number {
  return Math.min(now + REFRESH_TOKEN_TTL_MS, familyExpiresAt);
}
