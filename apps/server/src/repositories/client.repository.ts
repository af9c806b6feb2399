/**
 * Clients belong to an organization and are matched by case-insensitive email, then by phone.
 */
import { and, asc, eq, ilike, isNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { clients } from '../db/schema.ts';

/** Lower-cased, trimmed email used for matching. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Digits only, keeping a leading "+" (so "+1 (212) 555-0100" → "+12125550100"). */
export function normalizePhone(phone: string): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D/g, '');
  return trimmed.startsWith('+') ? `+${digits}` : digits;
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
  organizationId: string,
  input: { name: string; email: string; phone: string },
): Promise<string> {
  const emailNormalized = normalizeEmail(input.email);
  const phoneNormalized = normalizePhone(input.phone);
  let [found] = await db
    .select({ id: clients.id })
    .from(clients)
    .where(and(eq(clients.organizationId, organizationId), eq(clients.emailNormalized, emailNormalized)))
    .limit(1);
  if (!found) {
    [found] = await db
      .select({ id: clients.id })
      .from(clients)
      .where(
        and(
          eq(clients.organizationId, organizationId),
          eq(clients.phoneNormalized, phoneNormalized),
          isNull(clients.emailNormalized),
        ),
      )
      .limit(1);
  }
  if (found) {
    await db
      .update(clients)
      .set({
        name: input.name,
        email: input.email.trim(),
        emailNormalized,
        phone: input.phone,
        phoneNormalized,
      })
      .where(eq(clients.id, found.id));
    return found.id;
  }
  const [created] = await db
    .insert(clients)
    .values({
      organizationId,
      name: input.name,
      email: input.email.trim(),
      emailNormalized,
      phone: input.phone,
      phoneNormalized,
    })
    .onConflictDoUpdate({
      target: [clients.organizationId, clients.emailNormalized],
      set: { name: input.name, phone: input.phone, phoneNormalized },
    })
    .returning({ id: clients.id });
  return created!.id;
}

/** A client as staff see them. */
export interface ClientRecord {
  id: string;
  organizationId: string;
  name: string;
  email: string | null;
  phone: string | null;
}

const clientColumns = {
  id: clients.id,
  organizationId: clients.organizationId,
  name: clients.name,
  email: clients.email,
  phone: clients.phone,
};

/** The organization's client with this id, or undefined (another organization's is undefined too). */
export async function findClient(
  db: DbOrTx,
  organizationId: string,
  id: string,
): Promise<ClientRecord | undefined> {
  const [row] = await db
    .select(clientColumns)
    .from(clients)
    .where(and(eq(clients.organizationId, organizationId), eq(clients.id, id)));
  return row;
}

/**
 * A client the front desk names (phone or walk-in), email and phone optional: matched by email,
 * else by phone among clients without an email (as {@link upsertClient}), else created. The name
 * and any contact detail given refresh the matched client.
 * @returns the client id.
 */
export async function findOrCreateStaffClient(
  db: DbOrTx,
  organizationId: string,
  input: { name: string; email?: string | null | undefined; phone?: string | null | undefined },
): Promise<string> {
  const email = input.email?.trim() || null;
  const phone = input.phone?.trim() || null;
  if (email && phone) return upsertClient(db, organizationId, { name: input.name, email, phone });
  const org = eq(clients.organizationId, organizationId);
  const [found] = email
    ? await db
        .select({ id: clients.id })
        .from(clients)
        .where(and(org, eq(clients.emailNormalized, normalizeEmail(email))))
        .limit(1)
    : phone
      ? await db
          .select({ id: clients.id })
          .from(clients)
          .where(
            and(org, eq(clients.phoneNormalized, normalizePhone(phone)), isNull(clients.emailNormalized)),
          )
          .limit(1)
      : [];
  if (found) {
    await db.update(clients).set({ name: input.name }).where(eq(clients.id, found.id));
    return found.id;
  }
  const [created] = await db
    .insert(clients)
    .values({
      organizationId,
      name: input.name,
      email,
      emailNormalized: email ? normalizeEmail(email) : null,
      phone,
      phoneNormalized: phone ? normalizePhone(phone) : null,
    })
    .returning({ id: clients.id });
  return created!.id;
}

/**
 * The organization's clients whose name contains `q` (case-insensitive), or whose email or phone
 * starts with it (normalized), by name; at most `limit`.
 */
export async function searchClients(
  db: DbOrTx,
  organizationId: string,
  q: string,
  limit = 20,
): Promise<ClientRecord[]> {
  const like = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
  const digits = normalizePhone(q);
  const conditions = [
    ilike(clients.name, `%${like(q.trim())}%`),
    sql`${clients.emailNormalized} like ${`${like(normalizeEmail(q))}%`}`,
  ];
  if (digits.replace('+', '').length >= 3)
    conditions.push(sql`${clients.phoneNormalized} like ${`%${like(digits.replace('+', ''))}%`}`);
  return db
    .select(clientColumns)
    .from(clients)
    .where(and(eq(clients.organizationId, organizationId), or(...conditions)))
    .orderBy(asc(clients.name))
    .limit(limit);
}
