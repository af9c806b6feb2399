/**
 * Encryption at rest (src/security/encryption.ts): AES-256-GCM round trip, a fresh IV per value,
 * the context bound as AAD, tamper detection, and key rotation by key id.
 */
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DecryptionError, Keyring } from '../../src/security/encryption.ts';

const key = () => crypto.randomBytes(32);

describe('Keyring', () => {
  it('round-trips text, including non-ASCII, with a fresh IV each time', () => {
    const ring = new Keyring([key()]);
    const secret = 'JBSWY3DPEHPK3PXP — é 😀';
    const a = ring.encrypt(secret, 'users.totp_secret:1');
    const b = ring.encrypt(secret, 'users.totp_secret:1');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(a).not.toContain('JBSWY3DP');
    expect(ring.decrypt(a, 'users.totp_secret:1')).toBe(secret);
    expect(ring.decrypt(b, 'users.totp_secret:1')).toBe(secret);
  });

  it('refuses another context (a value copied to another row)', () => {
    const ring = new Keyring([key()]);
    const v = ring.encrypt('s', 'users.totp_secret:1');
    expect(() => ring.decrypt(v, 'users.totp_secret:2')).toThrow(DecryptionError);
  });

  it('refuses an altered value', () => {
    const ring = new Keyring([key()]);
    const v = ring.encrypt('secret text', 'c');
    const parts = v.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0]! ^= 1;
    parts[3] = body.toString('base64url');
    expect(() => ring.decrypt(parts.join('.'), 'c')).toThrow(DecryptionError);
    expect(() => ring.decrypt('not encrypted', 'c')).toThrow(DecryptionError);
    expect(() => ring.decrypt('v1.abc.def', 'c')).toThrow(DecryptionError);
  });

  it('rotates: the first key encrypts, older keys still decrypt, an unknown key is named', () => {
    const oldKey = key();
    const newKey = key();
    const before = new Keyring([oldKey]).encrypt('old secret', 'c');
    const rotated = new Keyring([newKey, oldKey]);
    expect(rotated.decrypt(before, 'c')).toBe('old secret');
    expect(rotated.needsRotation(before)).toBe(true);
    const after = rotated.encrypt('new secret', 'c');
    expect(after.split('.')[1]).toBe(Keyring.keyId(newKey));
    expect(rotated.needsRotation(after)).toBe(false);
    expect(() => new Keyring([newKey]).decrypt(before, 'c')).toThrow(/ENCRYPTION_KEY/);
  });

  it('wants 32-byte keys', () => {
    expect(() => new Keyring([])).toThrow();
    expect(() => new Keyring([crypto.randomBytes(16)])).toThrow();
  });
});
