/**
 * Client contact details at rest (issue 3, "Client email, phone and notes are encrypted at rest").
 *
 * - `email`, `phone` and `notes` are AES-256-GCM ciphertext from the server's {@link Keyring}
 *   (ENCRYPTION_KEY: the first key encrypts, every key decrypts), with `clients.<column>:<client id>`
 *   bound as additional data, so a value copied to another row or column does not decrypt.
 * - `email_hash` and `phone_hash` are HMAC-SHA256 (hex) of the normalized value under the
 *   *lookup key*, so an exact email or phone is found with an index and no decryption. The lookup
 *   key is derived with HKDF-SHA256 from AUTH_SECRET (info `bookedbarber client lookup v1`): it does
 *   not change when encryption keys rotate. Changing AUTH_SECRET changes it; `npm run cli --
 *   rotate-keys` then recomputes every hash (docs/operations.md).
 */
import crypto from 'node:crypto';
import type { Secrets } from '../config/secrets.ts';
import type { Keyring } from './encryption.ts';

/** The encrypted columns of `clients`. */
export type ClientField = 'email' | 'phone' | 'notes';

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

/** Encrypts, decrypts and hashes client contact details. */
export class ClientFieldCipher {
  /**
   * @param keyring the AES-256-GCM keyring (first key encrypts).
   * @param lookupKey 32-byte HMAC key for the search hashes.
   */
  constructor(
    readonly keyring: Keyring,
    private readonly lookupKey: Buffer,
  ) {}

  /** The cipher of a server's secrets: its keyring and the lookup key derived from AUTH_SECRET. */
  static fromSecrets(secrets: Pick<Secrets, 'authSecret' | 'keyring'>): ClientFieldCipher {
    const key = Buffer.from(
      crypto.hkdfSync('sha256', secrets.authSecret, 'bookedbarber', 'bookedbarber client lookup v1', 32),
    );
    return new ClientFieldCipher(secrets.keyring, key);
  }

  /** Id of the lookup key (first 16 hex digits of its SHA-256): tells when the hashes must be remade. */
  get lookupKeyId(): string {
    return crypto.createHash('sha256').update(this.lookupKey).digest('hex').slice(0, 16);
  }

  private hmac(kind: string, value: string): string {
    return crypto.createHmac('sha256', this.lookupKey).update(`${kind}:${value}`).digest('hex');
  }

  /** Search hash of an email (normalized first); null for null or blank. */
  emailHash(email: string | null | undefined): string | null {
    const n = email ? normalizeEmail(email) : '';
    return n ? this.hmac('email', n) : null;
  }

  /** Search hash of a phone (normalized first); null for null or a value without digits. */
  phoneHash(phone: string | null | undefined): string | null {
    const n = phone ? normalizePhone(phone) : '';
    return n.replace('+', '') ? this.hmac('phone', n) : null;
  }

  /** Ciphertext of a client's field (null stays null), bound to the client id and column. */
  seal(field: ClientField, clientId: string, value: string | null | undefined): string | null {
    return value == null ? null : this.keyring.encrypt(value, `clients.${field}:${clientId}`);
  }

  /**
   * Plaintext of a client's field (null stays null).
   * @throws DecryptionError for a value from another row/column, an unknown key or tampering.
   */
  open(field: ClientField, clientId: string, value: string | null | undefined): string | null {
    return value == null ? null : this.keyring.decrypt(value, `clients.${field}:${clientId}`);
  }
}

const cache = new WeakMap<object, ClientFieldCipher>();

/** The (cached) client field cipher of these secrets. */
export function clientCipher(secrets: Pick<Secrets, 'authSecret' | 'keyring'>): ClientFieldCipher {
  let c = cache.get(secrets);
  if (!c) {
    c = ClientFieldCipher.fromSecrets(secrets);
    cache.set(secrets, c);
  }
  return c;
}
