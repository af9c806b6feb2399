/**
 * Opaque random tokens (access, refresh, reset, invite, recovery codes) and their stored form.
 * A token is 32 random bytes (256 bits) in base64url behind a short prefix naming its kind
 * (`bba_` access, `bbr_` refresh, `bbt_` emailed links), which helps secret scanners and logs.
 * Only SHA-256 (hex) of a token is stored: with 256 random bits a fast hash is enough.
 */
import crypto from 'node:crypto';

/** Token kinds and their prefixes. */
export const TOKEN_PREFIX = { access: 'bba_', refresh: 'bbr_', link: 'bbt_' } as const;

/** A new random token of this kind. */
export function newToken(kind: keyof typeof TOKEN_PREFIX): string {
  return TOKEN_PREFIX[kind] + crypto.randomBytes(32).toString('base64url');
}

/** SHA-256 (hex) of a token or code: what the database stores. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Alphabet of recovery codes: no 0/O, 1/I/L to misread. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A recovery code: 10 characters from a 31-letter alphabet (about 50 bits), shown as "xxxxx-xxxxx". */
export function newRecoveryCode(): string {
  let code = '';
  for (let i = 0; i < 10; i++) code += RECOVERY_ALPHABET[crypto.randomInt(RECOVERY_ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** A typed recovery code in its canonical form (lower case, no spaces or dashes) for hashing. */
export function normalizeRecoveryCode(typed: string): string {
  return typed.toLowerCase().replace(/[\s-]/g, '');
}
