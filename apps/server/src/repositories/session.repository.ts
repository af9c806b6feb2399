/**
 * Sign-in sessions: one row per issued token pair; rows of one sign-in share a family id.
 * Tokens are looked up by their SHA-256 only.
 */
import { and, eq, gt, isNull, ne } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { sessions, users } from '../db/schema.ts';

/** A stored session row. */
export interface SessionRecord {
  id: string;
  familyId: string;
  userId: string;
  accessExpiresAt: Date;
  expiresAt: Date;
  familyExpiresAt: Date;
  mfaPending: boolean;
  createdAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

/** Why sessions end before they expire. */
export type RevokeReason =
  'logout' | 'password_changed' | 'password_reset' | 'refresh_reuse' | 'deactivated' | 'user_inactive';

const columns = {
  id: sessions.id,
  familyId: sessions.familyId,
  userId: sessions.userId,
  accessExpiresAt: sessions.accessExpiresAt,
  expiresAt: sessions.expiresAt,
  familyExpiresAt: sessions.familyExpiresAt,
  mfaPending: sessions.mfaPending,
  createdAt: sessions.createdAt,
  rotatedAt: sessions.rotatedAt,
  revokedAt: sessions.revokedAt,
};

/** Inserts one session row (a new token pair). Returns its id. */
export async function insertSession(
  db: DbOrTx,
  s: {
    familyId: string;
    userId: string;
    accessTokenHash: string;
    refreshTokenHash: string;
    accessExpiresAt: Date;
    expiresAt: Date;
    familyExpiresAt: Date;
    mfaPending: boolean;
    now: Date;
    userAgent: string | null;
    ip: string | null;
  },
): Promise<string> {
  const { now, ...rest } = s;
  const [row] = await db
    .insert(sessions)
    .values({ ...rest, createdAt: now })
    .returning({ id: sessions.id });
  return row!.id;
}

/**
 * The live session holding this access token at `now`: not revoked, not rotated, access not
 * expired, and its user active. Undefined otherwise.
 */
export async function findLiveSessionByAccessHash(
  db: DbOrTx,
  accessTokenHash: string,
  now: Date,
): Promise<SessionRecord | undefined> {
  const [row] = await db
    .select(columns)
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.accessTokenHash, accessTokenHash),
        isNull(sessions.revokedAt),
        isNull(sessions.rotatedAt),
        gt(sessions.accessExpiresAt, now),
        eq(users.active, true),
      ),
    )
    .limit(1);
  return row;
}

/** The session row holding this refresh token (whatever its state), locked for update. */
export async function findSessionByRefreshHashForUpdate(
  db: DbOrTx,
  refreshTokenHash: string,
): Promise<SessionRecord | undefined> {
  const [row] = await db
    .select(columns)
    .from(sessions)
    .where(eq(sessions.refreshTokenHash, refreshTokenHash))
    .limit(1)
    .for('update');
  return row;
}

/** Marks a row rotated (its refresh token used) at `now`. */
export async function markRotated(db: DbOrTx, id: string, now: Date): Promise<void> {
  await db.update(sessions).set({ rotatedAt: now }).where(eq(sessions.id, id));
}

/** Revokes every row of a family not yet revoked. */
export async function revokeFamily(
  db: DbOrTx,
  familyId: string,
  now: Date,
  reason: RevokeReason,
): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(sessions.familyId, familyId), isNull(sessions.revokedAt)));
}

/**
 * Revokes every live row of a user, except the rows of `keepFamilyId` when given.
 * @returns the number of rows revoked.
 */
export async function revokeUserSessions(
  db: DbOrTx,
  userId: string,
  now: Date,
  reason: RevokeReason,
  keepFamilyId?: string,
): Promise<number> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        keepFamilyId ? ne(sessions.familyId, keepFamilyId) : undefined,
      ),
    )
    .returning({ id: sessions.id });
  return rows.length;
}

/**
 * Lifts the "enrolment required" limit of a family once two-factor is confirmed: its live rows
 * become full sessions ending at `familyExpiresAt`.
 */
export async function completeFamilyMfa(
  db: DbOrTx,
  familyId: string,
  familyExpiresAt: Date,
  refreshExpiresAt: Date,
): Promise<void> {
  await db
    .update(sessions)
    .set({ mfaPending: false, familyExpiresAt, expiresAt: refreshExpiresAt })
    .where(and(eq(sessions.familyId, familyId), isNull(sessions.revokedAt)));
}

/** Live (not revoked, not rotated, refresh not expired) session rows of a user at `now`. */
export async function countLiveSessions(db: DbOrTx, userId: string, now: Date): Promise<number> {
  const rows = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        isNull(sessions.rotatedAt),
        gt(sessions.expiresAt, now),
      ),
    );
  return rows.length;
}
