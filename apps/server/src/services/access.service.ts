/**
 * Who may do what (issue 3): the caller's role at a location, scoped to their organization.
 * A location of another organization (or one that does not exist) is NOT_FOUND, so ids do not
 * leak; a same-organization caller without one of the allowed roles there is FORBIDDEN.
 */
import { AppError, requiresMfa, type StaffRole } from '@bookedbarber/core';
import { findLocationById, type LocationRecord } from '../repositories/location.repository.ts';
import { rolesOfUser, type RoleWithPlace } from '../repositories/staff.repository.ts';
import type { Principal } from './auth.service.ts';
import type { AppContext } from './context.ts';

/** What a staff route gets once access is granted. */
export interface StaffAccess {
  principal: Principal;
  location: LocationRecord;
  /** The caller's active role at that location. */
  role: RoleWithPlace;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID (ids in paths; anything else cannot name a row). */
export function isUuid(s: string): boolean {
  return UUID.test(s);
}

/** The NOT_FOUND every refused-for-scope location answers with (the same for "no such id"). */
function noLocation(): AppError {
  return new AppError('NOT_FOUND', 'No location with this id.');
}

/**
 * The two-factor requirement: an owner or manager acts only with two-factor on.
 * @throws AppError MFA_REQUIRED (`mfa: "enrolment"`).
 */
export function assertMfaForRole(principal: Principal, role: StaffRole): void {
  if (requiresMfa([role]) && !principal.totpEnabled)
    throw new AppError('MFA_REQUIRED', 'Turn on two-factor sign-in first: owners and managers must use it.', {
      mfa: 'enrolment',
    });
}

/**
 * Checks that the caller holds one of `allowed` at the location.
 * @param locationId the id from the path (anything; a non-UUID is simply not found).
 * @throws AppError NOT_FOUND (no such location, or another organization's), FORBIDDEN (same
 *   organization, not one of the roles there), MFA_REQUIRED (owner/manager without two-factor).
 */
export async function requireStaffAccess(
  ctx: AppContext,
  principal: Principal,
  locationId: string,
  allowed: readonly StaffRole[],
): Promise<StaffAccess> {
  if (!isUuid(locationId)) throw noLocation();
  const db = ctx.database.db;
  const location = await findLocationById(db, locationId);
  if (!location) throw noLocation();
  const roles = await rolesOfUser(db, principal.userId);
  const here = roles.find((r) => r.locationId === location.id);
  if (!here) {
    if (roles.some((r) => r.organizationId === location.organizationId))
      throw new AppError('FORBIDDEN', 'You have no role at this location.');
    throw noLocation();
  }
  if (!allowed.includes(here.role))
    throw new AppError('FORBIDDEN', `Only ${describeRoles(allowed)} can do this.`);
  assertMfaForRole(principal, here.role);
  return { principal, location, role: here };
}

/**
 * The organization an owner acts on for organization-wide routes: the one where the caller is
 * an owner, or `organizationId` when they own several.
 * @param opts.anyOrganization only check that the caller owns some organization (returns the first).
 * @throws AppError FORBIDDEN (not an owner anywhere, or not of `organizationId`),
 *   VALIDATION_FAILED naming `organizationId` (owner of several and none chosen),
 *   MFA_REQUIRED (no two-factor).
 */
export async function requireOwnerOrganization(
  ctx: AppContext,
  principal: Principal,
  organizationId?: string,
  opts: { anyOrganization?: boolean } = {},
): Promise<string> {
  const roles = await rolesOfUser(ctx.database.db, principal.userId);
  const owned = [...new Set(roles.filter((r) => r.role === 'owner').map((r) => r.organizationId))];
  if (owned.length === 0) throw new AppError('FORBIDDEN', 'Only owners can do this.');
  assertMfaForRole(principal, 'owner');
  if (opts.anyOrganization) return owned[0]!;
  if (organizationId !== undefined) {
    if (!owned.includes(organizationId)) throw new AppError('FORBIDDEN', 'Only owners can do this.');
    return organizationId;
  }
  if (owned.length > 1)
    throw new AppError('VALIDATION_FAILED', 'Some fields are invalid.', {
      errors: [{ field: 'organizationId', message: 'You own several organizations: choose one' }],
    });
  return owned[0]!;
}

/** "owners and managers", for messages. */
export function describeRoles(roles: readonly StaffRole[]): string {
  const names: Record<StaffRole, string> = {
    owner: 'owners',
    manager: 'managers',
    front_desk: 'front desk staff',
    barber: 'barbers',
  };
  const list = roles.map((r) => names[r]);
  return list.length <= 1
    ? (list[0] ?? 'nobody')
    : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}
