/**
 * Encryption at rest with AES-256-GCM (node:crypto). A value is stored as
 * `v1.<key id>.<iv>.<ciphertext and tag>` (base64url parts): the key id (first 8 hex digits of the
 * key's SHA-256) says which key of the keyring decrypts it, so keys can be rotated: the first key
 * encrypts, every key decrypts. A context string (e.g. the column and row id) is bound as
 * additional authenticated data, so a value copied to another row does not decrypt.
 */
import crypto from 'node:crypto';

/** Error for a value that cannot be decrypted (wrong key, unknown key id, tampered, malformed). */
export class DecryptionError extends Error {}

/** A set of AES-256 keys: the first encrypts, all decrypt. */
export class Keyring {
  private readonly keys: Map<string, Buffer>;
  private readonly current: { id: string; key: Buffer };

  /**
   * @param keys 32-byte keys, the current one first.
   * @throws Error when there is no key or a key is not 32 bytes.
   */
  constructor(keys: readonly Buffer[]) {
    if (keys.length === 0) throw new Error('A keyring needs at least one key');
    for (const k of keys) if (k.length !== 32) throw new Error('AES-256 keys are 32 bytes');
    this.keys = new Map(keys.map((k) => [Keyring.keyId(k), k]));
    this.current = { id: Keyring.keyId(keys[0]!), key: keys[0]! };
  }

  /** The id stored with each value: the first 8 hex digits of the key's SHA-256. */
  static keyId(key: Buffer): string {
    return crypto.createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  /** Id of the key that encrypts. */
  get currentKeyId(): string {
    return this.current.id;
  }

  /**
   * Encrypts UTF-8 text with the current key and a fresh 96-bit IV.
   * @param context bound as additional authenticated data; decrypt needs the same.
   */
  encrypt(plaintext: string, context: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return ['v1', this.current.id, iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  /**
   * Decrypts a value written by {@link encrypt} with any key of the ring.
   * @throws DecryptionError when the key is unknown, the context differs or the value was altered.
   */
  decrypt(value: string, context: string): string {
    const [version, id, ivText, bodyText, ...rest] = value.split('.');
    if (version !== 'v1' || !id || !ivText || !bodyText || rest.length > 0)
      throw new DecryptionError('Not an encrypted value');
    const key = this.keys.get(id);
    if (!key)
      throw new DecryptionError(
        `Encrypted with key ${id}, which this server does not have (set ENCRYPTION_KEY to include it)`,
      );
    const iv = Buffer.from(ivText, 'base64url');
    const body = Buffer.from(bodyText, 'base64url');
    if (iv.length !== 12 || body.length < 16) throw new DecryptionError('Not an encrypted value');
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new DecryptionError('The value does not decrypt with its key (altered or wrong context)');
    }
  }

  /** Whether a value was encrypted with a key other than the current one (re-encrypt it). */
  needsRotation(value: string): boolean {
    return value.split('.')[1] !== this.current.id;
  }
}
