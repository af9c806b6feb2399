/**
 * TOTP two-factor (RFC 6238 via `otpauth`: SHA-1, 6 digits, 30-second steps, ±1 step of clock
 * drift) with single-use recovery codes. The secret is stored encrypted (AES-256-GCM, bound to
 * the user id); each accepted 30-second step is remembered so a code cannot be replayed.
 */
import { Secret, TOTP } from 'otpauth';
import {
  AppError,
  RECOVERY_CODE_COUNT,
  refreshExpiry,
  SESSION_FAMILY_MAX_MS,
  validationError,
} from '@bookedbarber/core';
import { completeFamilyMfa } from '../repositories/session.repository.ts';
import { findUserById, updateUser, useTotpStep, type UserRecord } from '../repositories/user.repository.ts';
import { hashToken, newRecoveryCode, normalizeRecoveryCode } from '../security/tokens.ts';
import { auditForUser } from './audit.service.ts';
import type { Principal } from './auth.service.ts';
import type { AppContext } from './context.ts';

/** Issuer shown in authenticator apps. */
export const TOTP_ISSUER = 'BookedBarber';
const PERIOD_S = 30;

/** Encryption context of the confirmed secret of a user (bound as AAD). */
const confirmedContext = (userId: string) => `users.totp_secret:${userId}`;
/** Encryption context of the secret waiting for confirmation. */
const pendingContext = (userId: string) => `users.totp_pending_secret:${userId}`;

function totp(secretBase32: string, label: string): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_S,
    secret: Secret.fromBase32(secretBase32),
  });
}

/**
 * The 30-second step a code matches at `now` (±1 step), or null when it matches none.
 * @param secretBase32 the plain secret.
 */
export function matchTotp(secretBase32: string, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secretBase32, 'x').validate({ token: code, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : Math.floor(now.getTime() / 1000 / PERIOD_S) + delta;
}

/**
 * The step a code matches for a user with two-factor enrolled, or null.
 * @throws DecryptionError when the stored secret does not decrypt with the configured keys.
 */
export function totpStep(ctx: AppContext, user: UserRecord, code: string, now: Date): number | null {
  if (!user.totpSecret) return null;
  const secret = ctx.secrets.keyring.decrypt(user.totpSecret, confirmedContext(user.id));
  return matchTotp(secret, code.replace(/\s/g, ''), now);
}

/** What setup hands out: the secret (base32) and the otpauth:// URI for a QR code. */
export interface TotpSetup {
  secret: string;
  otpauthUri: string;
}

/**
 * Starts enrolment: a new 160-bit secret, stored encrypted as pending until confirmed. Calling
 * it again replaces the pending secret.
 * @throws AppError INVALID_STATE when two-factor is already on.
 */
export async function startTotpSetup(ctx: AppContext, principal: Principal): Promise<TotpSetup> {
  const db = ctx.database.db;
  const user = await findUserById(db, principal.userId);
  if (!user) throw new AppError('UNAUTHENTICATED', 'Sign in again.');
  if (user.totpSecret)
    throw new AppError('INVALID_STATE', 'Two-factor sign-in is already on for this account.');
  const secret = new Secret({ size: 20 }).base32;
  await db.transaction((tx) =>
    updateUser(tx, user.id, {
      totpPendingSecret: ctx.secrets.keyring.encrypt(secret, pendingContext(user.id)),
    }),
  );
  return { secret, otpauthUri: totp(secret, user.email).toString() };
}

/**
 * Confirms enrolment with a current code: two-factor is on, the caller's session family loses its
 * "enrolment required" limit, and 10 recovery codes are returned (shown once; stored hashed).
 * @throws AppError INVALID_STATE without a pending setup; VALIDATION_FAILED naming `code` when wrong.
 */
export async function confirmTotp(ctx: AppContext, principal: Principal, code: string): Promise<string[]> {
  const db = ctx.database.db;
  const now = ctx.now();
  const user = await findUserById(db, principal.userId);
  if (!user) throw new AppError('UNAUTHENTICATED', 'Sign in again.');
  if (user.totpSecret)
    throw new AppError('INVALID_STATE', 'Two-factor sign-in is already on for this account.');
  if (!user.totpPendingSecret)
    throw new AppError('INVALID_STATE', 'Start two-factor setup first (POST /api/v1/auth/totp/setup).');
  const secret = ctx.secrets.keyring.decrypt(user.totpPendingSecret, pendingContext(user.id));
  const step = matchTotp(secret, code.replace(/\s/g, ''), now);
  if (step === null)
    throw validationError([
      {
        field: 'code',
        message: 'This code does not match; check the time on your phone and try the next code',
      },
    ]);
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await db.transaction(async (tx) => {
    await updateUser(tx, user.id, {
      totpSecret: ctx.secrets.keyring.encrypt(secret, confirmedContext(user.id)),
      totpPendingSecret: null,
      totpEnabledAt: now,
      recoveryCodeHashes: codes.map((c) => hashToken(normalizeRecoveryCode(c))),
    });
    // The code that confirmed enrolment cannot also sign in.
    await useTotpStep(tx, user.id, step);
    if (principal.mfaPending) {
      const familyEnd = new Date(now.getTime() + SESSION_FAMILY_MAX_MS);
      await completeFamilyMfa(
        tx,
        principal.familyId,
        familyEnd,
        new Date(refreshExpiry(now.getTime(), familyEnd.getTime())),
      );
    }
    await auditForUser(tx, user.id, {
      actorUserId: user.id,
      action: 'user.totp_enrolled',
      entity: 'user',
      entityId: user.id,
      after: { totpEnabled: true, recoveryCodes: codes.length },
      at: now,
    });
  });
  return codes;
}
