/** Staff accounts and sign-in: roles, password rules, the lock policy and session lifetimes. */
export * from './roles.ts';
export * from './password-policy.ts';
export * from './lockout.ts';
export * from './session-policy.ts';
