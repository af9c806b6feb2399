/**
 * Staff user accounts: rows ↔ records. Emails are matched case-insensitively (lower(email) is
 * unique). No rules here: hashing, encryption and policies live in security/ and services/.
 */
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { users } from '../db/schema.ts';

/** A user as the services see it. Secrets stay in their stored form (hash, ciphertext). */
export interface UserRecord {
  id: string;
  email: string;
  name: string;
  /** argon2id PHC string. */
  passwordHash: string;
  active: boolean;
  /** Encrypted TOTP secret when two-factor is enrolled, else null. */
  totpSecret: string | null;
  /** Encrypted TOTP secret waiting for confirmation, else null. */
  totpPendingSecret: string | null;
  totpEnabledAt: Date | null;
  /** SHA-256 (hex) of each unused recovery code. */
  recoveryCodeHashes: string[];
  passwordChangedAt: Date;
  lastSignInAt: Date | null;
  createdAt: Date;
}

type Row = typeof users.$inferSelect;

function toUser(r: Row): UserRecord {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    passwordHash: r.passwordHash,
    active: r.active,
    totpSecret: r.totpSecret,
    totpPendingSecret: r.totpPendingSecret,
    totpEnabledAt: r.totpEnabledAt,
    recoveryCodeHashes: r.recoveryCodeHashes,
    passwordChangedAt: r.passwordChangedAt,
    lastSignInAt: r.lastSignInAt,
    createdAt: r.createdAt,
  };
}

/** The user with this email (trimmed, any case), or undefined. */
export async function findUserByEmail(db: DbOrTx, email: string): Promise<UserRecord | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
    .limit(1);
  return row ? toUser(row) : undefined;
}

/** The user with this id, or undefined. */
export async function findUserById(db: DbOrTx, id: string): Promise<UserRecord | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row ? toUser(row) : undefined;
}

/** Inserts a user; the email is stored trimmed. A duplicate email raises 23505. Returns the id. */
export async function insertUser(
  db: DbOrTx,
  u: { email: string; name: string; passwordHash: string; now: Date },
): Promise<string> {
  const [row] = await db
    .insert(users)
    .values({
      email: u.email.trim(),
      name: u.name,
      passwordHash: u.passwordHash,
      passwordChangedAt: u.now,
      createdAt: u.now,
    })
    .returning({ id: users.id });
  return row!.id;
}

/** Fields a service may change. */
export type UserPatch = Partial<
  Pick<
    UserRecord,
    | 'name'
    | 'passwordHash'
    | 'active'
    | 'totpSecret'
    | 'totpPendingSecret'
    | 'totpEnabledAt'
    | 'recoveryCodeHashes'
    | 'passwordChangedAt'
    | 'lastSignInAt'
  >
>;

/** Updates a user. */
export async function updateUser(db: DbOrTx, id: string, patch: UserPatch): Promise<void> {
  await db.update(users).set(patch).where(eq(users.id, id));
}

/**
 * Removes one unused recovery code (by its hash) from the user, atomically.
 * @returns true when the code was there (and is now used), false otherwise.
 */
export async function consumeRecoveryCode(db: DbOrTx, userId: string, codeHash: string): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ recoveryCodeHashes: sql`array_remove(${users.recoveryCodeHashes}, ${codeHash})` })
    .where(and(eq(users.id, userId), sql`${codeHash} = any(${users.recoveryCodeHashes})`))
    .returning({ id: users.id });
  return rows.length === 1;
}

/**
 * Records that the TOTP code of 30-second step `step` was used, unless that step or a later
 * one was already used (a replayed code).
 * @returns true when recorded, false for a replay.
 */
export async function useTotpStep(db: DbOrTx, userId: string, step: number): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, userId), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
    .returning({ id: users.id });
  return rows.length === 1;
}
