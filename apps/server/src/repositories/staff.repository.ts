/**
 * Staff roles: one row per user and location (role, optional barber link, active flag).
 */
import { and, asc, count, eq, ne } from 'drizzle-orm';
import type { StaffRole } from '@bookedbarber/core';
import type { DbOrTx } from '../db/client.ts';
import { barbers, locations, organizations, staffRoles, users } from '../db/schema.ts';

/** A user's role at one location. */
export interface StaffRoleRecord {
  id: string;
  userId: string;
  organizationId: string;
  locationId: string;
  role: StaffRole;
  barberId: string | null;
  active: boolean;
  createdAt: Date;
  deactivatedAt: Date | null;
}

/** A role with the names of its location and organization (for /me). */
export interface RoleWithPlace extends StaffRoleRecord {
  locationSlug: string;
  locationName: string;
  organizationName: string;
}

/** A staff member of a location: the role with the user's name, email and sign-in facts. */
export interface StaffMemberRecord extends StaffRoleRecord {
  name: string;
  email: string;
  totpEnabled: boolean;
  lastSignInAt: Date | null;
}

const roleColumns = {
  id: staffRoles.id,
  userId: staffRoles.userId,
  organizationId: staffRoles.organizationId,
  locationId: staffRoles.locationId,
  role: staffRoles.role,
  barberId: staffRoles.barberId,
  active: staffRoles.active,
  createdAt: staffRoles.createdAt,
  deactivatedAt: staffRoles.deactivatedAt,
};

/** Every role of a user (active only unless `includeInactive`), with place names, by location name. */
export async function rolesOfUser(
  db: DbOrTx,
  userId: string,
  opts: { includeInactive?: boolean } = {},
): Promise<RoleWithPlace[]> {
  return db
    .select({
      ...roleColumns,
      locationSlug: locations.slug,
      locationName: locations.name,
      organizationName: organizations.name,
    })
    .from(staffRoles)
    .innerJoin(locations, eq(locations.id, staffRoles.locationId))
    .innerJoin(organizations, eq(organizations.id, staffRoles.organizationId))
    .where(
      opts.includeInactive
        ? eq(staffRoles.userId, userId)
        : and(eq(staffRoles.userId, userId), eq(staffRoles.active, true)),
    )
    .orderBy(asc(organizations.name), asc(locations.name));
}

/** The user's role row at a location (active or not), or undefined. */
export async function roleAt(
  db: DbOrTx,
  userId: string,
  locationId: string,
): Promise<StaffRoleRecord | undefined> {
  const [row] = await db
    .select(roleColumns)
    .from(staffRoles)
    .where(and(eq(staffRoles.userId, userId), eq(staffRoles.locationId, locationId)))
    .limit(1);
  return row;
}

/** Staff of a location (active first, then by name), including deactivated members (history). */
export async function listStaffAt(db: DbOrTx, locationId: string): Promise<StaffMemberRecord[]> {
  const rows = await db
    .select({
      ...roleColumns,
      name: users.name,
      email: users.email,
      totpEnabledAt: users.totpEnabledAt,
      lastSignInAt: users.lastSignInAt,
    })
    .from(staffRoles)
    .innerJoin(users, eq(users.id, staffRoles.userId))
    .where(eq(staffRoles.locationId, locationId))
    .orderBy(asc(users.name), asc(users.email));
  return rows
    .map(({ totpEnabledAt, ...r }) => ({ ...r, totpEnabled: totpEnabledAt !== null }))
    .sort((a, b) => Number(b.active) - Number(a.active));
}

/** Inserts or replaces (reactivating) the user's role at a location. Returns the row. */
export async function upsertRole(
  db: DbOrTx,
  r: {
    userId: string;
    organizationId: string;
    locationId: string;
    role: StaffRole;
    barberId: string | null;
    now: Date;
  },
): Promise<StaffRoleRecord> {
  const set = { role: r.role, barberId: r.barberId, active: true, deactivatedAt: null };
  const [row] = await db
    .insert(staffRoles)
    .values({ ...r, active: true, createdAt: r.now })
    .onConflictDoUpdate({ target: [staffRoles.userId, staffRoles.locationId], set })
    .returning(roleColumns);
  return row!;
}

/** Changes a role row. */
export async function updateRole(
  db: DbOrTx,
  id: string,
  patch: Partial<Pick<StaffRoleRecord, 'role' | 'barberId' | 'active' | 'deactivatedAt'>>,
): Promise<void> {
  await db.update(staffRoles).set(patch).where(eq(staffRoles.id, id));
}

/** Number of active roles the user has anywhere. */
export async function activeRoleCount(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(staffRoles)
    .where(and(eq(staffRoles.userId, userId), eq(staffRoles.active, true)));
  return row?.n ?? 0;
}

/** Number of active owner roles in an organization other than the given role row. */
export async function otherActiveOwners(
  db: DbOrTx,
  organizationId: string,
  exceptRoleId: string,
): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(staffRoles)
    .where(
      and(
        eq(staffRoles.organizationId, organizationId),
        eq(staffRoles.role, 'owner'),
        eq(staffRoles.active, true),
        ne(staffRoles.id, exceptRoleId),
      ),
    );
  return row?.n ?? 0;
}

/** Ids of the organizations where the user has (or had) a role. */
export async function organizationsOfUser(db: DbOrTx, userId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: staffRoles.organizationId })
    .from(staffRoles)
    .where(eq(staffRoles.userId, userId));
  return rows.map((r) => r.id);
}

/** The barber (id, location) with this id, or undefined. */
export async function findBarber(
  db: DbOrTx,
  barberId: string,
): Promise<{ id: string; locationId: string; name: string; active: boolean } | undefined> {
  const [row] = await db
    .select({ id: barbers.id, locationId: barbers.locationId, name: barbers.name, active: barbers.active })
    .from(barbers)
    .where(eq(barbers.id, barberId))
    .limit(1);
  return row;
}

/** The active role linked to a barber, or undefined. */
export async function roleLinkedToBarber(db: DbOrTx, barberId: string): Promise<StaffRoleRecord | undefined> {
  const [row] = await db
    .select(roleColumns)
    .from(staffRoles)
    .where(and(eq(staffRoles.barberId, barberId), eq(staffRoles.active, true)))
    .limit(1);
  return row;
}
