/**
 * Clients belong to an organization and are matched by case-insensitive email, then by phone.
 */
import { and, eq, isNull } from 'drizzle-orm';
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
