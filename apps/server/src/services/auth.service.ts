/**
 * Staff sign-in: sessions (opaque access token + rotating refresh token, stored hashed), the
 * per-account lock, password change and reset. Rules come from core (auth/); every write is one
 * transaction; mail goes through the outbox. See docs/architecture.md, "Staff sign-in".
 */
import crypto from 'node:crypto';
import {
  ACCESS_TOKEN_TTL_MS,
  AppError,
  afterFailure,
  ENROLMENT_SESSION_MAX_MS,
  LOCK_POLICY,
  lockRemainingMs,
  PASSWORD_RESET_TTL_MS,
  refreshExpiry,
  requiresMfa,
  SESSION_FAMILY_MAX_MS,
  validationError,
} from '@bookedbarber/core';
import type { DbOrTx } from '../db/client.ts';
import {
  closeOpenTokens,
  consumeAuthToken,
  insertAuthToken,
  latestToken,
} from '../repositories/auth-token.repository.ts';
import { enqueueEmail } from '../repositories/outbox.repository.ts';
import {
  findLiveSessionByAccessHash,
  findSessionByRefreshHashForUpdate,
  insertSession,
  markRotated,
  revokeFamily,
  revokeUserSessions,
} from '../repositories/session.repository.ts';
import {
  clearSignInThrottle,
  lockSignInThrottle,
  pruneSignInThrottles,
  saveSignInThrottle,
  getSignInThrottle,
} from '../repositories/sign-in-attempt.repository.ts';
import { rolesOfUser, type RoleWithPlace } from '../repositories/staff.repository.ts';
import {
  consumeRecoveryCode,
  findUserByEmail,
  findUserById,
  updateUser,
  useTotpStep,
  type UserRecord,
} from '../repositories/user.repository.ts';
import {
  hashPassword,
  newPasswordProblem,
  verifyDummyPassword,
  verifyPassword,
} from '../security/passwords.ts';
import { hashToken, newToken, normalizeRecoveryCode } from '../security/tokens.ts';
import { auditForUser } from './audit.service.ts';
import { passwordResetEmail } from './auth-messages.ts';
import type { AppContext } from './context.ts';
import { totpStep } from './mfa.service.ts';

/** Who is calling, once their access token checked out. */
export interface Principal {
  userId: string;
  email: string;
  name: string;
  /** Two-factor enrolled. */
  totpEnabled: boolean;
  /** The session row the access token belongs to. */
  sessionId: string;
  /** The sign-in the session belongs to (all its refreshes). */
  familyId: string;
  /** An "enrolment required" session: only enrolment, /me and sign-out are allowed. */
  mfaPending: boolean;
}

/** Where a request came from, stored with the session. */
export interface ClientMeta {
  ip: string | null;
  userAgent: string | null;
}

/** A token pair just issued (the plain tokens exist only in this answer). */
export interface IssuedSession {
  sessionId: string;
  familyId: string;
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: Date;
  refreshExpiresAt: Date;
  mfaPending: boolean;
}

/** What a successful sign-in or refresh gives. */
export interface SignedIn {
  user: UserRecord;
  session: IssuedSession;
}

/** The sign-in form. `totp` is the 6-digit code; `recoveryCode` replaces it once per code. */
export interface LoginInput {
  email: string;
  password: string;
  totp?: string | undefined;
  recoveryCode?: string | undefined;
}

const INVALID = 'Email, password or code is wrong.';

/** The throttle key of an email: SHA-256 of the lower-cased address, whether an account has it or not. */
export function throttleKey(email: string): string {
  return hashToken(`sign-in:${email.trim().toLowerCase()}`);
}

function invalidCredentials(): AppError {
  return new AppError('INVALID_CREDENTIALS', INVALID);
}

function lockedError(remainingMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(remainingMs / 1000));
  return new AppError(
    'ACCOUNT_LOCKED',
    `Too many failed sign-ins. Try again in ${seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`}, or reset your password.`,
    { retryAfterSeconds: seconds },
  );
}

/**
 * Counts one failed sign-in for the key, in its own transaction (the row is locked so concurrent
 * failures all count), and prunes keys idle for longer than the policy remembers.
 */
export async function recordSignInFailure(ctx: AppContext, key: string): Promise<void> {
  const now = ctx.now();
  await ctx.database.db.transaction(async (tx) => {
    const state = await lockSignInThrottle(tx, key, now);
    await saveSignInThrottle(tx, key, afterFailure(state, now.getTime()));
    await pruneSignInThrottles(tx, new Date(now.getTime() - LOCK_POLICY.forgetAfterMs));
  });
}

/**
 * Throws ACCOUNT_LOCKED when the key (see {@link throttleKey}) is locked at the app's now.
 * @throws AppError ACCOUNT_LOCKED with `retryAfterSeconds`.
 */
export async function assertNotLocked(ctx: AppContext, key: string): Promise<void> {
  const remaining = lockRemainingMs(await getSignInThrottle(ctx.database.db, key), ctx.now().getTime());
  if (remaining > 0) throw lockedError(remaining);
}

/**
 * Issues a new token pair in a family (a new family when `familyId` is undefined).
 * @param opts.familyExpiresAt end of the family; for a new family computed from the policy.
 */
export async function issueSession(
  tx: DbOrTx,
  now: Date,
  opts: {
    userId: string;
    familyId?: string;
    familyExpiresAt?: Date;
    mfaPending: boolean;
    meta: ClientMeta;
  },
): Promise<IssuedSession> {
  const familyId = opts.familyId ?? crypto.randomUUID();
  const familyExpiresAt =
    opts.familyExpiresAt ??
    new Date(now.getTime() + (opts.mfaPending ? ENROLMENT_SESSION_MAX_MS : SESSION_FAMILY_MAX_MS));
  const accessToken = newToken('access');
  const refreshToken = newToken('refresh');
  const refreshExpiresAt = new Date(refreshExpiry(now.getTime(), familyExpiresAt.getTime()));
  const accessExpiresAt = new Date(Math.min(now.getTime() + ACCESS_TOKEN_TTL_MS, refreshExpiresAt.getTime()));
  const sessionId = await insertSession(tx, {
    familyId,
    userId: opts.userId,
    accessTokenHash: hashToken(accessToken),
    refreshTokenHash: hashToken(refreshToken),
    accessExpiresAt,
    expiresAt: refreshExpiresAt,
    familyExpiresAt,
    mfaPending: opts.mfaPending,
    now,
    userAgent: opts.meta.userAgent?.slice(0, 300) ?? null,
    ip: opts.meta.ip,
  });
  return {
    sessionId,
    familyId,
    accessToken,
    refreshToken,
    accessExpiresAt,
    refreshExpiresAt,
    mfaPending: opts.mfaPending,
  };
}

/**
 * Signs a staff member in.
 * - Locked key (5+ recent failures) → ACCOUNT_LOCKED, without checking the password.
 * - Unknown email, wrong password, deactivated account, wrong code → INVALID_CREDENTIALS (the
 *   same answer, and an unknown email still costs one argon2 verification), counted as a failure.
 * - Two-factor enrolled and neither `totp` nor `recoveryCode` given → MFA_REQUIRED (`mfa: "code"`).
 * - An owner or manager without two-factor gets an "enrolment required" session.
 * @returns the user and the new session.
 */
export async function login(ctx: AppContext, input: LoginInput, meta: ClientMeta): Promise<SignedIn> {
  const db = ctx.database.db;
  const key = throttleKey(input.email);
  await assertNotLocked(ctx, key);
  const user = await findUserByEmail(db, input.email);
  const passwordOk = user
    ? await verifyPassword(user.passwordHash, input.password)
    : await verifyDummyPassword(input.password);
  const roles = user && passwordOk && user.active ? await rolesOfUser(db, user.id) : [];
  if (!user || !passwordOk || roles.length === 0) {
    await recordSignInFailure(ctx, key);
    throw invalidCredentials();
  }
  const now = ctx.now();
  let step: number | undefined;
  let recoveryHash: string | undefined;
  if (user.totpSecret) {
    if (input.totp) {
      const s = totpStep(ctx, user, input.totp, now);
      if (s === null) {
        await recordSignInFailure(ctx, key);
        throw invalidCredentials();
      }
      step = s;
    } else if (input.recoveryCode) {
      recoveryHash = hashToken(normalizeRecoveryCode(input.recoveryCode));
      if (!user.recoveryCodeHashes.includes(recoveryHash)) {
        await recordSignInFailure(ctx, key);
        throw invalidCredentials();
      }
    } else {
      throw new AppError('MFA_REQUIRED', 'Enter the 6-digit code from your authenticator app.', {
        mfa: 'code',
      });
    }
  }
  const mfaPending = !user.totpSecret && requiresMfa(roles.map((r) => r.role));
  const session = await db.transaction(async (tx) => {
    // A code seen before (replay) or a recovery code used meanwhile by another sign-in fails here.
    if (step !== undefined && !(await useTotpStep(tx, user.id, step))) return null;
    if (recoveryHash) {
      if (!(await consumeRecoveryCode(tx, user.id, recoveryHash))) return null;
      await auditForUser(tx, user.id, {
        actorUserId: user.id,
        action: 'user.recovery_code_used',
        entity: 'user',
        entityId: user.id,
        after: { recoveryCodesLeft: user.recoveryCodeHashes.length - 1 },
        at: now,
      });
    }
    await clearSignInThrottle(tx, key);
    await updateUser(tx, user.id, { lastSignInAt: now });
    return issueSession(tx, now, { userId: user.id, mfaPending, meta });
  });
  if (!session) {
    await recordSignInFailure(ctx, key);
    throw invalidCredentials();
  }
  return { user, session };
}

/**
 * Exchanges a refresh token for a new pair (rotation). The old refresh token is spent; presenting
 * a spent one again revokes the whole family (someone else may hold a copy) and is refused.
 * @throws AppError UNAUTHENTICATED for an unknown, spent, revoked or expired token or an inactive user.
 */
export async function refreshSession(
  ctx: AppContext,
  refreshToken: string,
  meta: ClientMeta,
): Promise<SignedIn> {
  const now = ctx.now();
  const hash = hashToken(refreshToken);
  const outcome = await ctx.database.db.transaction(async (tx) => {
    const row = await findSessionByRefreshHashForUpdate(tx, hash);
    if (!row || row.revokedAt) return null;
    if (row.rotatedAt) {
      await revokeFamily(tx, row.familyId, now, 'refresh_reuse');
      await auditForUser(tx, row.userId, {
        actorUserId: null,
        action: 'session.refresh_reuse_detected',
        entity: 'session',
        entityId: row.familyId,
        after: { revoked: true, ip: meta.ip },
        at: now,
      });
      return null;
    }
    if (row.expiresAt <= now || row.familyExpiresAt <= now) return null;
    const user = await findUserById(tx, row.userId);
    if (!user?.active) {
      await revokeFamily(tx, row.familyId, now, 'user_inactive');
      return null;
    }
    await markRotated(tx, row.id, now);
    const session = await issueSession(tx, now, {
      userId: row.userId,
      familyId: row.familyId,
      familyExpiresAt: row.familyExpiresAt,
      mfaPending: row.mfaPending,
      meta,
    });
    return { user, session };
  });
  if (!outcome) throw new AppError('UNAUTHENTICATED', 'Your session has ended. Sign in again.');
  return outcome;
}

/**
 * The principal behind an access token at the app's now, or undefined when the token is
 * unknown, expired, rotated or revoked, or its user is inactive.
 */
export async function authenticateAccessToken(
  ctx: AppContext,
  accessToken: string,
): Promise<Principal | undefined> {
  const db = ctx.database.db;
  const session = await findLiveSessionByAccessHash(db, hashToken(accessToken), ctx.now());
  if (!session) return undefined;
  const user = await findUserById(db, session.userId);
  if (!user) return undefined;
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    totpEnabled: user.totpSecret !== null,
    sessionId: session.id,
    familyId: session.familyId,
    mfaPending: session.mfaPending,
  };
}

/** Ends a sign-in (every token of the family) server-side. */
export async function logout(ctx: AppContext, familyId: string): Promise<void> {
  await ctx.database.db.transaction((tx) => revokeFamily(tx, familyId, ctx.now(), 'logout'));
}

/**
 * Ends the sign-in a refresh token belongs to (for a client whose access token has expired).
 * @returns false when the token is unknown.
 */
export async function logoutByRefreshToken(ctx: AppContext, refreshToken: string): Promise<boolean> {
  return ctx.database.db.transaction(async (tx) => {
    const row = await findSessionByRefreshHashForUpdate(tx, hashToken(refreshToken));
    if (!row) return false;
    await revokeFamily(tx, row.familyId, ctx.now(), 'logout');
    return true;
  });
}

/**
 * The caller's account and active roles (for GET /me).
 * @throws AppError UNAUTHENTICATED when the user vanished.
 */
export async function me(
  ctx: AppContext,
  principal: Principal,
): Promise<{ user: UserRecord; roles: RoleWithPlace[] }> {
  const db = ctx.database.db;
  const user = await findUserById(db, principal.userId);
  if (!user) throw new AppError('UNAUTHENTICATED', 'Sign in again.');
  return { user, roles: await rolesOfUser(db, user.id) };
}

/**
 * Changes the caller's password and ends their other sessions (this one stays).
 * @throws AppError VALIDATION_FAILED naming `currentPassword` (wrong; counted like a failed
 *   sign-in) or `newPassword` (breaks the rules); ACCOUNT_LOCKED after too many wrong tries.
 */
export async function changePassword(
  ctx: AppContext,
  principal: Principal,
  currentPassword: string,
  newPassword: string,
): Promise<void> {
  const key = throttleKey(principal.email);
  await assertNotLocked(ctx, key);
  const user = await findUserById(ctx.database.db, principal.userId);
  if (!user) throw new AppError('UNAUTHENTICATED', 'Sign in again.');
  if (!(await verifyPassword(user.passwordHash, currentPassword))) {
    await recordSignInFailure(ctx, key);
    throw validationError([{ field: 'currentPassword', message: 'This is not your current password' }]);
  }
  const problem = newPasswordProblem(newPassword, user.email);
  if (problem) throw validationError([{ field: 'newPassword', message: problem }]);
  const passwordHash = await hashPassword(newPassword);
  const now = ctx.now();
  await ctx.database.db.transaction(async (tx) => {
    await updateUser(tx, user.id, { passwordHash, passwordChangedAt: now });
    const ended = await revokeUserSessions(tx, user.id, now, 'password_changed', principal.familyId);
    await closeOpenTokens(tx, 'password_reset', user.email.toLowerCase(), now);
    await clearSignInThrottle(tx, key);
    await auditForUser(tx, user.id, {
      actorUserId: user.id,
      action: 'user.password_changed',
      entity: 'user',
      entityId: user.id,
      after: { otherSessionsEnded: ended },
      at: now,
    });
  });
}

/** A new reset is not mailed when the previous one for the address is younger than this. */
const RESET_RESEND_MS = 60_000;

/**
 * Emails a password reset link (single use, 1 hour) when an active account has this email;
 * does nothing visible otherwise. The caller always answers 202 either way.
 */
export async function requestPasswordReset(ctx: AppContext, email: string): Promise<void> {
  const db = ctx.database.db;
  const now = ctx.now();
  const user = await findUserByEmail(db, email);
  if (!user?.active) return;
  const address = user.email.toLowerCase();
  const last = await latestToken(db, 'password_reset', address);
  if (last && !last.usedAt && now.getTime() - last.createdAt.getTime() < RESET_RESEND_MS) return;
  const token = newToken('link');
  await db.transaction(async (tx) => {
    await closeOpenTokens(tx, 'password_reset', address, now);
    await insertAuthToken(tx, {
      kind: 'password_reset',
      tokenHash: hashToken(token),
      userId: user.id,
      email: address,
      now,
      expiresAt: new Date(now.getTime() + PASSWORD_RESET_TTL_MS),
    });
    const link = `${ctx.config.publicUrl}/app/reset-password#token=${token}`;
    await enqueueEmail(
      tx,
      passwordResetEmail(user.email, user.name, link, PASSWORD_RESET_TTL_MS / 60_000),
      now,
    );
  });
  ctx.outboxWritten();
}

/**
 * Sets a new password with a reset token: the token is spent, every session of the account ends,
 * and the sign-in lock on the address is lifted.
 * @throws AppError VALIDATION_FAILED naming `token` (unknown, used or expired; nothing spent) or
 *   `password` (breaks the rules; the token stays usable).
 */
export async function confirmPasswordReset(ctx: AppContext, token: string, password: string): Promise<void> {
  const now = ctx.now();
  const passwordHash = await hashPassword(password);
  const badToken = () =>
    validationError([{ field: 'token', message: 'This reset link is invalid, already used or expired' }]);
  await ctx.database.db.transaction(async (tx) => {
    const t = await consumeAuthToken(tx, 'password_reset', hashToken(token), now);
    const user = t?.userId ? await findUserById(tx, t.userId) : undefined;
    if (!t || !user?.active) throw badToken();
    const problem = newPasswordProblem(password, user.email);
    if (problem) throw validationError([{ field: 'password', message: problem }]);
    await updateUser(tx, user.id, { passwordHash, passwordChangedAt: now });
    const ended = await revokeUserSessions(tx, user.id, now, 'password_reset');
    await closeOpenTokens(tx, 'password_reset', t.email, now);
    await clearSignInThrottle(tx, throttleKey(user.email));
    await auditForUser(tx, user.id, {
      actorUserId: user.id,
      action: 'user.password_reset',
      entity: 'user',
      entityId: user.id,
      after: { sessionsEnded: ended },
      at: now,
    });
  });
}
