/**
 * Key rotation (docs/operations.md "Encryption keys"): re-encrypts every value encrypted at rest
 * with the keyring's current key, so an old key can then be removed from ENCRYPTION_KEY:
 * clients' email, phone and notes (and their search hashes, recomputed with the current lookup
 * key) and staff TOTP secrets (confirmed and pending).
 */
import { asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { serverSettings, users } from '../db/schema.ts';
import type { DbOrTx } from '../db/client.ts';
import type { Secrets } from '../config/secrets.ts';
import { reencryptClients, sealPlaintextClients } from '../repositories/client.repository.ts';
import { clientCipher } from '../security/client-fields.ts';

/** What {@link rotateKeys} rewrote. */
export interface RotationSummary {
  clients: number;
  totpSecrets: number;
  keyId: string;
}

/**
 * Re-encrypts everything with the current key, one transaction per table.
 * @throws DecryptionError when a value does not decrypt with any key in the ring (nothing of
 *   that table is changed then).
 */
export async function rotateKeys(
  db: Db,
  secrets: Pick<Secrets, 'authSecret' | 'keyring'>,
): Promise<RotationSummary> {
  const cipher = clientCipher(secrets);
  const keyring = secrets.keyring;
  const clientsDone = await db.transaction(async (tx) => {
    await sealPlaintextClients(tx, cipher);
    const n = await reencryptClients(tx, cipher);
    await setLookupKeyId(tx, cipher.lookupKeyId);
    return n;
  });
  const totp = await db.transaction(async (tx) => {
    let n = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await tx
        .select({ id: users.id, totpSecret: users.totpSecret, totpPendingSecret: users.totpPendingSecret })
        .from(users)
        .where(gt(users.id, after))
        .orderBy(asc(users.id))
        .limit(500);
      if (rows.length === 0) return n;
      for (const r of rows) {
        if (!r.totpSecret && !r.totpPendingSecret) continue;
        const re = (v: string | null, context: string) =>
          v === null ? null : keyring.encrypt(keyring.decrypt(v, context), context);
        await tx
          .update(users)
          .set({
            totpSecret: re(r.totpSecret, `users.totp_secret:${r.id}`),
            totpPendingSecret: re(r.totpPendingSecret, `users.totp_pending_secret:${r.id}`),
          })
          .where(eq(users.id, r.id));
        n++;
      }
      after = rows[rows.length - 1]!.id;
    }
  });
  return { clients: clientsDone, totpSecrets: totp, keyId: keyring.currentKeyId };
}

const LOOKUP_KEY_SETTING = 'client_lookup_key_id';

async function setLookupKeyId(tx: DbOrTx, id: string): Promise<void> {
  await tx
    .insert(serverSettings)
    .values({ key: LOOKUP_KEY_SETTING, value: id })
    .onConflictDoUpdate({ target: serverSettings.key, set: { value: id } });
}

/**
 * Run at every start (runtime.ts), in one transaction: seals client rows still in plaintext (from
 * before migration 0004) and, when the lookup key changed (AUTH_SECRET changed), recomputes every
 * search hash, so exact email/phone matching keeps finding existing clients.
 * @returns how many rows were sealed and whether the hashes were remade.
 * @throws DecryptionError when a stored value does not decrypt with the configured keys.
 */
export async function prepareClientRecords(
  db: Db,
  secrets: Pick<Secrets, 'authSecret' | 'keyring'>,
): Promise<{ sealed: number; rehashed: number | null }> {
  const cipher = clientCipher(secrets);
  return db.transaction(async (tx) => {
    const sealed = await sealPlaintextClients(tx, cipher);
    const [row] = await tx.select().from(serverSettings).where(eq(serverSettings.key, LOOKUP_KEY_SETTING));
    let rehashed: number | null = null;
    if (row && row.value !== cipher.lookupKeyId) rehashed = await reencryptClients(tx, cipher);
    if (!row || rehashed !== null) await setLookupKeyId(tx, cipher.lookupKeyId);
    return { sealed, rehashed };
  });
}
