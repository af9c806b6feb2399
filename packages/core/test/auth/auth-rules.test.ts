import { describe, expect, it } from 'vitest';
import {
  afterFailure,
  ENROLMENT_SESSION_MAX_MS,
  LOCK_POLICY,
  lockDurationMs,
  lockRemainingMs,
  NO_FAILURES,
  passwordProblem,
  PASSWORD_MAX_LENGTH,
  refreshExpiry,
  REFRESH_TOKEN_TTL_MS,
  requiresMfa,
} from '../../src/index.ts';

const common = new Set(['password', 'password1', '12345678']);
const isCommon = (p: string) => common.has(p);

describe('password rules', () => {
  it('accepts 8 to 128 characters that are not common', () => {
    expect(passwordProblem('correct horse', { isCommon })).toBeNull();
    expect(passwordProblem('abcdefgh', { isCommon })).toBeNull();
    expect(passwordProblem('x'.repeat(PASSWORD_MAX_LENGTH), { isCommon })).toBeNull();
  });

  it('refuses fewer than 8 and more than 128 characters, counting code points', () => {
    expect(passwordProblem('abcdefg', { isCommon })).toMatch(/at least 8/);
    expect(passwordProblem('x'.repeat(129), { isCommon })).toMatch(/at most 128/);
    // Seven emoji are 14 UTF-16 units but 7 characters.
    expect(passwordProblem('😀'.repeat(7), { isCommon })).toMatch(/at least 8/);
    expect(passwordProblem('😀'.repeat(128), { isCommon })).toBeNull();
  });

  it('refuses common passwords whatever their case', () => {
    expect(passwordProblem('Password1', { isCommon })).toMatch(/too common/);
    expect(passwordProblem('PASSWORD', { isCommon })).toMatch(/too common/);
  });

  it('refuses the account email', () => {
    expect(passwordProblem('Ana@Example.com', { isCommon, email: 'ana@example.com' })).toMatch(/email/);
  });
});

describe('lock policy', () => {
  const t0 = Date.UTC(2026, 11, 7, 13);

  it('lets four failures pass and locks on the fifth for one minute, doubling after, up to an hour', () => {
    expect([1, 2, 3, 4].map(lockDurationMs)).toEqual([0, 0, 0, 0]);
    expect(lockDurationMs(5)).toBe(60_000);
    expect(lockDurationMs(6)).toBe(120_000);
    expect(lockDurationMs(7)).toBe(240_000);
    expect(lockDurationMs(11)).toBe(LOCK_POLICY.maxLockMs);
    expect(lockDurationMs(1000)).toBe(LOCK_POLICY.maxLockMs);
  });

  it('counts failures and reports the time left on a lock', () => {
    let s = NO_FAILURES;
    for (let i = 0; i < 4; i++) s = afterFailure(s, t0);
    expect(s).toEqual({ failures: 4, lockedUntil: null, lastFailureAt: t0 });
    expect(lockRemainingMs(s, t0)).toBe(0);
    s = afterFailure(s, t0);
    expect(lockRemainingMs(s, t0)).toBe(60_000);
    expect(lockRemainingMs(s, t0 + 59_999)).toBe(1);
    expect(lockRemainingMs(s, t0 + 60_000)).toBe(0);
  });

  it('forgets a count after 24 hours without failures', () => {
    let s = NO_FAILURES;
    for (let i = 0; i < 6; i++) s = afterFailure(s, t0);
    s = afterFailure(s, t0 + LOCK_POLICY.forgetAfterMs);
    expect(s.failures).toBe(1);
    expect(s.lockedUntil).toBeNull();
  });
});

describe('roles and sessions', () => {
  it('requires two-factor for owners and managers only', () => {
    expect(requiresMfa(['owner'])).toBe(true);
    expect(requiresMfa(['barber', 'manager'])).toBe(true);
    expect(requiresMfa(['front_desk', 'barber'])).toBe(false);
    expect(requiresMfa([])).toBe(false);
  });

  it('never lets a refresh token outlive its family', () => {
    expect(refreshExpiry(0, 10 ** 12)).toBe(REFRESH_TOKEN_TTL_MS);
    expect(refreshExpiry(0, ENROLMENT_SESSION_MAX_MS)).toBe(ENROLMENT_SESSION_MAX_MS);
  });
});
