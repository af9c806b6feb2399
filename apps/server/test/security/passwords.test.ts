/**
 * Passwords (src/security/passwords.ts): argon2id hashes with the documented parameters, the
 * common-password list, the rules applied to an account's email.
 */
import { describe, expect, it } from 'vitest';
import {
  commonPasswords,
  hashPassword,
  newPasswordProblem,
  verifyDummyPassword,
  verifyPassword,
} from '../../src/security/passwords.ts';
import { hashToken, newRecoveryCode, newToken, normalizeRecoveryCode } from '../../src/security/tokens.ts';

describe('password hashing', () => {
  it('hashes with argon2id (19 MiB, 2 passes, 1 lane) and a salt of its own', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(a, 'correct horse batterY')).toBe(false);
  });

  it('answers false for a malformed hash and for the dummy', async () => {
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
    expect(await verifyDummyPassword('anything')).toBe(false);
  });
});

describe('the common-password list', () => {
  it('holds about a thousand or more lower-cased entries, the usual suspects among them', () => {
    const list = commonPasswords();
    expect(list.size).toBeGreaterThanOrEqual(1000);
    for (const p of ['password', '123456789', 'qwertyuiop', 'iloveyou', 'password1', 'bookedbarber'])
      expect(list.has(p), p).toBe(true);
    for (const p of list) expect(p).toBe(p.toLowerCase());
    expect([...list].some((p) => p.startsWith('#'))).toBe(false);
  });

  it('is applied by the rules, with the email', () => {
    expect(newPasswordProblem('Password1')).toMatch(/common/);
    expect(newPasswordProblem('ana@example.com', 'Ana@Example.com')).toMatch(/email/);
    expect(newPasswordProblem('a perfectly fine one')).toBeNull();
  });
});

describe('tokens', () => {
  it('are 256 random bits behind a kind prefix, stored as SHA-256', () => {
    const a = newToken('refresh');
    expect(a).toMatch(/^bbr_[A-Za-z0-9_-]{43}$/);
    expect(newToken('refresh')).not.toBe(a);
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('recovery codes read easily and normalize', () => {
    const c = newRecoveryCode();
    expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(c).not.toMatch(/[01ilo]/);
    expect(normalizeRecoveryCode(` ${c.toUpperCase().replace('-', ' ')} `)).toBe(c.replace('-', ''));
  });
});
