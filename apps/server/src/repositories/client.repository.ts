/**
 * Clients belong to an organization and are matched by email (exact, case-insensitive), then by
 * phone. Email, phone and notes are stored encrypted and found through keyed hashes
 * (security/client-fields.ts); every function here takes the {@link ClientFieldCipher} and returns
 * plaintext records. Merged duplicates (`merged_into_id` set) are never matched.
 */
import crypto from 'node:crypto';
import { and, asc, eq, gt, ilike, isNull, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { clients } from '../db/schema.ts';
import type { ClientFieldCipher } from '../security/client-fields.ts';

export { normalizeEmail, normalizePhone } from '../security/client-fields.ts';

/** A client as staff see them (plaintext). */
export interface ClientRecord {
  id: string;
  organizationId: string;
  name: string;
  email: string | null;
  phone: string | null;
}

/** A client with everything the back office shows. */
export interface ClientDetailRecord extends ClientRecord {
  notes: string | null;
  tags: string[];
  mergedIntoId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A raw `clients` row as read here. */
type ClientRow = typeof clients.$inferSelect;

/**
 * Turns a row into plaintext (a row still in plaintext from before migration 0004 is read as is).
 * @throws DecryptionError when a value does not decrypt (wrong key, tampered, copied).
 */
export function openClientRow(cipher: ClientFieldCipher, row: ClientRow): ClientDetailRecord {
  const open = (field: 'email' | 'phone' | 'notes', v: string | null) =>
    row.encrypted ? cipher.open(field, row.id, v) : v;
  return {
    id: row.id,
    organizationId: row.organizationId,
    name: row.name,
    email: open('email', row.email),
    phone: open('phone', row.phone),
    notes: open('notes', row.notes),
    tags: row.tags,
    mergedIntoId: row.mergedIntoId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Opens only the email of a joined row (appointment reads), or null. */
export function openClientEmail(
  cipher: ClientFieldCipher,
  row: { clientId: string; encrypted: boolean; email: string | null },
): string | null {
  return row.encrypted ? cipher.open('email', row.clientId, row.email) : row.email;
}

/** Opens only the phone of a joined row (appointment reads), or null. */
export function openClientPhone(
  cipher: ClientFieldCipher,
  row: { clientId: string; encrypted: boolean; phone: string | null },
): string | null {
  return row.encrypted ? cipher.open('phone', row.clientId, row.phone) : row.phone;
}

/** The columns to write for these contact details of client `id` (ciphertext and hashes). */
export function sealedContact(
  cipher: ClientFieldCipher,
  id: string,
  input: { email?: string | null | undefined; phone?: string | null | undefined },
) {
  const out: Partial<Pick<ClientRow, 'email' | 'emailHash' | 'phone' | 'phoneHash' | 'encrypted'>> = {
    encrypted: true,
  };
  if (input.email !== undefined) {
    const email = input.email?.trim() || null;
    out.email = cipher.seal('email', id, email);
    out.emailHash = cipher.emailHash(email);
  }
  if (input.phone !== undefined) {
    const phone = input.phone?.trim() || null;
    out.phone = cipher.seal('phone', id, phone);
    out.phoneHash = cipher.phoneHash(phone);
  }
  return out;
}

const unmerged = (organizationId: string) =>
  and(eq(clients.organizationId, organizationId), isNull(clients.mergedIntoId));

async function findIdByEmail(db: DbOrTx, cipher: ClientFieldCipher, organizationId: string, email: string) {
  const hash = cipher.emailHash(email);
  if (!hash) return undefined;
  const [found] = await db
    .select({ id: clients.id })
    .from(clients)
    .where(and(unmerged(organizationId), eq(clients.emailHash, hash)))
    .limit(1);
  return found?.id;
}

async function findIdByPhoneWithoutEmail(
  db: DbOrTx,
  cipher: ClientFieldCipher,
  organizationId: string,
  phone: string,
) {
  const hash = cipher.phoneHash(phone);
  if (!hash) return undefined;
  const [found] = await db
    .select({ id: clients.id })
    .from(clients)
    .where(and(unmerged(organizationId), eq(clients.phoneHash, hash), isNull(clients.emailHash)))
    .limit(1);
  return found?.id;
}

/**
 * Inserts a client with sealed details; when a concurrent insert took the email first (unique
 * index), updates that one instead.
 */
async function insertClient(
  db: DbOrTx,
  cipher: ClientFieldCipher,
  organizationId: string,
  input: { name: string; email: string | null; phone: string | null },
): Promise<string> {
  const id = crypto.randomUUID();
  const [created] = await db
    .insert(clients)
    .values({ id, organizationId, name: input.name, ...sealedContact(cipher, id, input) })
    .onConflictDoNothing()
    .returning({ id: clients.id });
  if (created) return created.id;
  const existing = (await findIdByEmail(db, cipher, organizationId, input.email ?? ''))!;
  await db
    .update(clients)
    .set({
      name: input.name,
      ...sealedContact(cipher, existing, { phone: input.phone }),
      updatedAt: new Date(),
    })
    .where(eq(clients.id, existing));
  return existing;
}

/**
 * Finds the organization's client with this email (case-insensitive) or, failing that, a client
 * with this phone and no email yet (a phone or walk-in client), and refreshes their name and contact
 * details; creates the client when there is none. A client with another email is never matched by
 * phone: people share phones, and later messages go to the stored email.
 * @returns the client id.
 */
export async function upsertClient(
  db: DbOrTx,
  cipher: ClientFieldCipher,
  organizationId: string,
  input: { name: string; email: string; phone: string },
): Promise<string> {
  const found =
    (await findIdByEmail(db, cipher, organizationId, input.email)) ??
    (await findIdByPhoneWithoutEmail(db, cipher, organizationId, input.phone));
  if (found) {
    await db
      .update(clients)
      .set({
        name: input.name,
        ...sealedContact(cipher, found, { email: input.email, phone: input.phone }),
        updatedAt: new Date(),
      })
      .where(eq(clients.id, found));
    return found;
  }
  return insertClient(db, cipher, organizationId, input);
}

/** The organization's client with this id (merged ones included), or undefined (another organization's too). */
export async function findClient(
  db: DbOrTx,
  cipher: ClientFieldCipher,
  organizationId: string,
  id: string,
): Promise<ClientDetailRecord | undefined> {
  const [row] = await db
    .select()
    .from(clients)
    .where(and(eq(clients.organizationId, organizationId), eq(clients.id, id)));
  return row ? openClientRow(cipher, row) : undefined;
}

/** The client with this id in any organization (client sessions), or undefined. */
export async function findClientById(
  db: DbOrTx,
  cipher: ClientFieldCipher,
  id: string,
): Promise<ClientDetailRecord | undefined> {
  const [row] = await db.select().from(clients).where(eq(clients.id, id));
  return row ? openClientRow(cipher, row) : undefined;
}

/** The organization's unmerged client with exactly this email (case-insensitive), or undefined. */
export async function findClientByEmail(
  db: DbOrTx,
  cipher: ClientFieldCipher,
  organizationId: string,
  email: string,
): Promise<ClientDetailRecord | undefined> {
  const id = await findIdByEmail(db, cipher, organizationId, email);
  return id ? findClient(db, cipher, organizationId, id) : undefined;
}

/**
 * A client the front desk names (phone or walk-in), email and phone optional: matched by email,
 * else by phone among clients without an email (as {@link upsertClient}), else created. The name
 * and any contact detail given refresh the matched client.
 * @returns the client id.
 */
export async function findOrCreateStaffClient(
  db: DbOrTx,
  cipher: ClientFieldCipher,
  organizationId: string,
  input: { name: string; email?: string | null | undefined; phone?: string | null | undefined },
): Promise<string> {
  const email = input.email?.trim() || null;
  const phone = input.phone?.trim() || null;
  if (email && phone) return upsertClient(db, cipher, organizationId, { name: input.name, email, phone });
  const found = email
    ? await findIdByEmail(db, cipher, organizationId, email)
    : phone
      ? await findIdByPhoneWithoutEmail(db, cipher, organizationId, phone)
      : undefined;
  if (found) {
    await db.update(clients).set({ name: input.name, updatedAt: new Date() }).where(eq(clients.id, found));
    return found;
  }
  return insertClient(db, cipher, organizationId, { name: input.name, email, phone });
}

/** Escapes LIKE wildcards. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The condition "name contains q (case-insensitive), or email or phone is exactly q" (through the
 * keyed hashes: encrypted values cannot be searched by prefix).
 */
export function clientSearchCondition(cipher: ClientFieldCipher, q: string): SQL {
  const conditions = [ilike(clients.name, `%${escapeLike(q.trim())}%`)];
  const emailHash = q.includes('@') ? cipher.emailHash(q) : null;
  if (emailHash) conditions.push(eq(clients.emailHash, emailHash));
  const phoneHash = cipher.phoneHash(q);
  if (phoneHash) conditions.push(eq(clients.phoneHash, phoneHash));
  return or(...conditions)!;
}

/**
 * The organization's unmerged clients whose name contains `q` (case-insensitive), or whose email
 * or phone is exactly `q` (normalized), by name; at most `limit`.
 */
export async function searchClients(
  db: DbOrTx,
  cipher: ClientFieldCipher,
  organizationId: string,
  q: string,
  limit = 20,
): Promise<ClientRecord[]> {
  const rows = await db
    .select()
    .from(clients)
    .where(and(unmerged(organizationId), clientSearchCondition(cipher, q)))
    .orderBy(asc(clients.name))
    .limit(limit);
  return rows.map((r) => {
    const { id, organizationId: org, name, email, phone } = openClientRow(cipher, r);
    return { id, organizationId: org, name, email, phone };
  });
}

/**
 * Encrypts rows still in plaintext (written before migration 0004) and fills their hashes, in
 * batches; safe to run on every start and from several processes (each row is updated only while
 * it is still plaintext).
 * @returns how many rows were sealed.
 */
export async function sealPlaintextClients(
  db: DbOrTx,
  cipher: ClientFieldCipher,
  batch = 500,
): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await db
      .select({ id: clients.id, email: clients.email, phone: clients.phone, notes: clients.notes })
      .from(clients)
      .where(eq(clients.encrypted, false))
      .limit(batch);
    if (rows.length === 0) return total;
    for (const r of rows) {
      await db
        .update(clients)
        .set({
          ...sealedContact(cipher, r.id, { email: r.email, phone: r.phone }),
          notes: cipher.seal('notes', r.id, r.notes),
        })
        .where(and(eq(clients.id, r.id), eq(clients.encrypted, false)));
    }
    total += rows.length;
  }
}

/**
 * Re-encrypts every client's email, phone and notes with the keyring's current key and recomputes
 * the search hashes (after a change of AUTH_SECRET), in id order and batches.
 * @returns how many rows were rewritten.
 * @throws DecryptionError when a value does not decrypt with any key the server has.
 */
export async function reencryptClients(db: DbOrTx, cipher: ClientFieldCipher, batch = 500): Promise<number> {
  let total = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await db
      .select()
      .from(clients)
      .where(gt(clients.id, after))
      .orderBy(asc(clients.id))
      .limit(batch);
    if (rows.length === 0) return total;
    for (const r of rows) {
      const plain = openClientRow(cipher, r);
      await db
        .update(clients)
        .set({
          ...sealedContact(cipher, r.id, { email: plain.email, phone: plain.phone }),
          notes: cipher.seal('notes', r.id, plain.notes),
        })
        .where(eq(clients.id, r.id));
      total++;
    }
    after = rows[rows.length - 1]!.id;
  }
}
