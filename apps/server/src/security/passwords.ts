/**
 * Password hashing with argon2id (@node-rs/argon2) at the OWASP-recommended minimum
 * (19 MiB memory, 2 passes, 1 lane; about 15 ms on the development machine), the common-password
 * list (common-passwords.txt next to this file) and the rules from core.
 */
import fs from 'node:fs';
import path from 'node:path';
import { hash, verify } from '@node-rs/argon2';
import { passwordProblem } from '@bookedbarber/core';

/** argon2id parameters: memory in KiB, time cost in passes. */
export const ARGON2_OPTIONS = {
  // Algorithm.Argon2id (a const enum, which isolatedModules cannot read).
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Hashes a password as an argon2id PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/**
 * Checks a password against a stored PHC string; false (never an exception) for a malformed hash.
 */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Spends the same work as {@link verifyPassword} against a hash no password matches, for sign-ins
 * with an unknown email, so the answer takes about as long as for a known one. Always false.
 */
export async function verifyDummyPassword(password: string): Promise<false> {
  dummy ??= hashPassword(`no account ${Math.random()}`);
  await verifyPassword(await dummy, password);
  return false;
}

let common: Set<string> | undefined;

/** The common-password list, lower-cased (read once from common-passwords.txt). */
export function commonPasswords(): ReadonlySet<string> {
  if (!common) {
    const text = fs.readFileSync(path.join(import.meta.dirname, 'common-passwords.txt'), 'utf8');
    common = new Set(
      text
        .split('\n')
        .map((l) => l.trim().toLowerCase())
        .filter((l) => l && !l.startsWith('#')),
    );
  }
  return common;
}

/**
 * What is wrong with a new password (core rules: 8–128 characters, not common, not the email),
 * or null when it is acceptable.
 */
export function newPasswordProblem(password: string, email?: string): string | null {
  const list = commonPasswords();
  return passwordProblem(password, { isCommon: (p) => list.has(p), email });
}
