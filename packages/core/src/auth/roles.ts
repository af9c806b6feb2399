/**
 * Staff roles (DOMAIN.md, "Who uses it"): a staff member holds one role per location.
 * Owners and managers must use two-factor sign-in; front desk and barbers may.
 */
export const STAFF_ROLES = ['owner', 'manager', 'front_desk', 'barber'] as const;
/** A staff member's role at one location. */
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Roles whose holders must have TOTP two-factor enrolled before they can do anything else. */
export const MFA_REQUIRED_ROLES: readonly StaffRole[] = ['owner', 'manager'];

/** Whether a user holding these roles (at any location) must have two-factor enrolled. */
export function requiresMfa(roles: readonly StaffRole[]): boolean {
  return roles.some((r) => MFA_REQUIRED_ROLES.includes(r));
}
