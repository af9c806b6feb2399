/**
 * Single-use emailed tokens (password reset, staff invite), stored as SHA-256 only.
 */
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { authTokens } from '../db/schema.ts';

/** Kinds of emailed tokens. */
export type AuthTokenKind = 'password_reset' | 'invite';

/** A stored token (without its hash). */
export interface AuthTokenRecord {
  id: string;
  kind: AuthTokenKind;
  userId: string | null;
  /** Lower-cased address it was sent to. */
  email: string;
  data: Record<string, unknown>;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

const columns = {
  id: authTokens.id,
  kind: authTokens.kind,
  userId: authTokens.userId,
  email: authTokens.email,
  data: authTokens.data,
  createdAt: authTokens.createdAt,
  expiresAt: authTokens.expiresAt,
  usedAt: authTokens.usedAt,
};

/** Stores a new token. Returns its id. */
export async function insertAuthToken(
  db: DbOrTx,
  t: {
    kind: AuthTokenKind;
    tokenHash: string;
    userId: string | null;
    email: string;
    data?: Record<string, unknown>;
    now: Date;
    expiresAt: Date;
  },
): Promise<string> {
  const { now, ...rest } = t;
  const [row] = await db
    .insert(authTokens)
    .values({ ...rest, data: t.data ?? {}, createdAt: now })
    .returning({ id: authTokens.id });
  return row!.id;
}

/**
 * Uses a token: marks it used if it is of this kind, unused and not expired at `now`, atomically.
 * @returns the token, or undefined when it is unknown, used, expired or of another kind.
 */
export async function consumeAuthToken(
  db: DbOrTx,
  kind: AuthTokenKind,
  tokenHash: string,
  now: Date,
): Promise<AuthTokenRecord | undefined> {
  const [row] = await db
    .update(authTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(authTokens.tokenHash, tokenHash),
        eq(authTokens.kind, kind),
        isNull(authTokens.usedAt),
        gt(authTokens.expiresAt, now),
      ),
    )
    .returning(columns);
  return row;
}

/** The token with this hash if it is of this kind, unused and not expired at `now` (not spent). */
export async function findOpenAuthToken(
  db: DbOrTx,
  kind: AuthTokenKind,
  tokenHash: string,
  now: Date,
): Promise<AuthTokenRecord | undefined> {
  const [row] = await db
    .select(columns)
    .from(authTokens)
    .where(
      and(
        eq(authTokens.tokenHash, tokenHash),
        eq(authTokens.kind, kind),
        isNull(authTokens.usedAt),
        gt(authTokens.expiresAt, now),
      ),
    )
    .limit(1);
  return row;
}

/** Marks every open token of this kind for this email (and, for invites, this location) used. */
export async function closeOpenTokens(
  db: DbOrTx,
  kind: AuthTokenKind,
  email: string,
  now: Date,
  filter: (t: AuthTokenRecord) => boolean = () => true,
): Promise<void> {
  const open = await db
    .select(columns)
    .from(authTokens)
    .where(and(eq(authTokens.email, email), eq(authTokens.kind, kind), isNull(authTokens.usedAt)));
  for (const t of open.filter(filter))
    await db.update(authTokens).set({ usedAt: now }).where(eq(authTokens.id, t.id));
}

/** The newest token of this kind for this email, or undefined. */
export async function latestToken(
  db: DbOrTx,
  kind: AuthTokenKind,
  email: string,
): Promise<AuthTokenRecord | undefined> {
  const [row] = await db
    .select(columns)
    .from(authTokens)
    .where(and(eq(authTokens.email, email), eq(authTokens.kind, kind)))
    .orderBy(desc(authTokens.createdAt))
    .limit(1);
  return row;
}
