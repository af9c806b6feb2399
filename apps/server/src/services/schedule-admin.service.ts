/**
 * Barbers and their schedules in the back office (issue 3, "Staff and schedules"): the barber
 * list with weekly hours, date overrides and services offered; creating and renaming a barber
 * profile (an owner then invites the person with the barber role); weekly hours with several
 * windows a day, breaks and date overrides.
 *
 * Breaks are gaps between windows. The API also takes an explicit `breaks` list per weekday and
 * cuts it out of the weekly hours before saving, so what is stored and answered is always plain
 * windows (a break 12:00–13:00 inside 09:00–18:00 is stored as 09:00–12:00 and 13:00–18:00).
 *
 * Who may (DOMAIN.md roles table): owners and managers edit anyone's schedule; a barber edits
 * their own ("sets hours, breaks and time off"). Every change is audited and clears the catalog cache.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { AppError, validationError, WEEKDAYS, type DateOverride, type WeeklyHours } from '@bookedbarber/core';
import type { DbOrTx } from '../db/client.ts';
import { barberServices, barbers, services, staffRoles, users } from '../db/schema.ts';
import { writeAudit } from '../repositories/audit.repository.ts';
import { isUuid, type StaffAccess } from './access.service.ts';
import { invalidateCatalogs } from './catalog.service.ts';
import type { AppContext } from './context.ts';
import { fullWeek, sortOverrides } from './location-admin.service.ts';
import { barberHere } from './service-admin.service.ts';

/** A barber as the back office sees it. */
export interface AdminBarber {
  id: string;
  key: string;
  name: string;
  bio: string | null;
  active: boolean;
  /** Every weekday present, windows sorted, in the location zone. */
  weeklyHours: Record<string, Array<[string, string]>>;
  dateOverrides: Array<{ date: string; windows: Array<[string, string]> }>;
  services: Array<{ serviceId: string; priceMinor: number | null; durationMinutes: number | null }>;
  /** The staff account linked to this barber; email only for owners and managers. */
  account: { userId: string; name: string; email?: string } | null;
}

/** "HH:MM" → minutes after midnight ("24:00" → 1440). */
const parseWallTime = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const minutesToHhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/**
 * Weekly hours minus breaks, per weekday (windows in minutes, then back to "HH:MM").
 * A break outside the hours changes nothing. Pure.
 */
export function subtractBreaks(hours: WeeklyHours, breaks: WeeklyHours): WeeklyHours {
  const out: Record<string, Array<[string, string]>> = {};
  for (const d of WEEKDAYS) {
    let ranges = (hours[d] ?? []).map((w) => [parseWallTime(w[0]), parseWallTime(w[1])] as [number, number]);
    for (const b of breaks[d] ?? []) {
      const [bs, be] = [parseWallTime(b[0]), parseWallTime(b[1])];
      ranges = ranges.flatMap(([s, e]) => {
        if (be <= s || bs >= e) return [[s, e] as [number, number]];
        const parts: Array<[number, number]> = [];
        if (bs > s) parts.push([s, bs]);
        if (be < e) parts.push([be, e]);
        return parts;
      });
    }
    out[d] = ranges.map(([s, e]) => [minutesToHhmm(s), minutesToHhmm(e)]);
  }
  return out;
}

/** Every barber of the location (active first, then by display order). */
async function loadBarbers(db: DbOrTx, locationId: string, withEmail: boolean): Promise<AdminBarber[]> {
  const rows = await db
    .select()
    .from(barbers)
    .where(eq(barbers.locationId, locationId))
    .orderBy(desc(barbers.active), asc(barbers.sortOrder), asc(barbers.name));
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const offers = await db
    .select({
      barberId: barberServices.barberId,
      serviceId: barberServices.serviceId,
      priceMinor: barberServices.priceMinor,
      durationMinutes: barberServices.durationMinutes,
    })
    .from(barberServices)
    .innerJoin(services, eq(services.id, barberServices.serviceId))
    .where(inArray(barberServices.barberId, ids))
    .orderBy(asc(services.sortOrder), asc(services.name));
  const accounts = await db
    .select({ barberId: staffRoles.barberId, userId: users.id, name: users.name, email: users.email })
    .from(staffRoles)
    .innerJoin(users, eq(users.id, staffRoles.userId))
    .where(and(inArray(staffRoles.barberId, ids), eq(staffRoles.active, true)));
  return rows.map((r) => {
    const acc = accounts.find((a) => a.barberId === r.id);
    return {
      id: r.id,
      key: r.key,
      name: r.name,
      bio: r.bio,
      active: r.active,
      weeklyHours: fullWeek(r.weeklyHours),
      dateOverrides: sortOverrides(r.dateOverrides),
      services: offers
        .filter((o) => o.barberId === r.id)
        .map((o) => ({
          serviceId: o.serviceId,
          priceMinor: o.priceMinor,
          durationMinutes: o.durationMinutes,
        })),
      account: acc
        ? { userId: acc.userId, name: acc.name, ...(withEmail ? { email: acc.email } : {}) }
        : null,
    };
  });
}

const seesEmails = (access: StaffAccess) => access.role.role === 'owner' || access.role.role === 'manager';

/** GET …/barbers: every barber of the location with hours, overrides, services and account. */
export async function listAdminBarbers(ctx: AppContext, access: StaffAccess): Promise<AdminBarber[]> {
  return loadBarbers(ctx.database.db, access.location.id, seesEmails(access));
}

async function barberView(ctx: AppContext, access: StaffAccess, id: string): Promise<AdminBarber> {
  return (await loadBarbers(ctx.database.db, access.location.id, seesEmails(access))).find(
    (b) => b.id === id,
  )!;
}

/**
 * Creates a barber profile with no hours yet, offering `serviceIds` (default: every active
 * service). An owner then invites the person (POST …/staff/invites with this barberId).
 * @throws AppError VALIDATION_FAILED naming `serviceIds`.
 */
export async function createBarber(
  ctx: AppContext,
  access: StaffAccess,
  input: { name: string; bio?: string | null | undefined; serviceIds?: string[] | undefined },
): Promise<AdminBarber> {
  const db = ctx.database.db;
  const loc = access.location;
  const id = await db.transaction(async (tx) => {
    const all = await tx
      .select({ id: services.id, active: services.active })
      .from(services)
      .where(eq(services.locationId, loc.id));
    let offered = all.filter((s) => s.active).map((s) => s.id);
    if (input.serviceIds !== undefined) {
      offered = [...new Set(input.serviceIds)];
      if (offered.some((sid) => !all.some((s) => s.id === sid)))
        throw validationError([
          { field: 'serviceIds', message: 'Lists a service that is not at this location' },
        ]);
    }
    const existing = await tx
      .select({ key: barbers.key, sortOrder: barbers.sortOrder })
      .from(barbers)
      .where(eq(barbers.locationId, loc.id));
    const base =
      input.name
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 50) || 'barber';
    let key = base;
    for (let n = 2; existing.some((e) => e.key === key); n++) key = `${base}-${n}`;
    const [row] = await tx
      .insert(barbers)
      .values({
        locationId: loc.id,
        key,
        name: input.name,
        bio: input.bio ?? null,
        weeklyHours: fullWeek({}),
        dateOverrides: [],
        sortOrder: Math.max(-1, ...existing.map((e) => e.sortOrder)) + 1,
        active: true,
      })
      .returning();
    if (offered.length > 0)
      await tx.insert(barberServices).values(offered.map((serviceId) => ({ barberId: row!.id, serviceId })));
    await writeAudit(tx, [
      {
        organizationId: loc.organizationId,
        actorUserId: access.principal.userId,
        action: 'barber.created',
        entity: 'barber',
        entityId: row!.id,
        after: { name: row!.name, bio: row!.bio, serviceIds: offered },
        at: ctx.now(),
      },
    ]);
    return row!.id;
  });
  invalidateCatalogs(db);
  return barberView(ctx, access, id);
}

/**
 * Renames a barber, changes their bio, or takes them off the booking page (`active: false`; their
 * appointments stay and still need handling) and back. Audited as `barber.updated`, or
 * `barber.deactivated` / `barber.reactivated` when only `active` changes.
 * @throws AppError NOT_FOUND.
 */
export async function updateBarber(
  ctx: AppContext,
  access: StaffAccess,
  barberId: string,
  patch: { name?: string | undefined; bio?: string | null | undefined; active?: boolean | undefined },
): Promise<AdminBarber> {
  const db = ctx.database.db;
  const loc = access.location;
  await db.transaction(async (tx) => {
    const before = await barberHere(tx, loc.id, barberId);
    const set: { name?: string; bio?: string | null; active?: boolean } = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.bio !== undefined) set.bio = patch.bio;
    if (patch.active !== undefined) set.active = patch.active;
    await tx.update(barbers).set(set).where(eq(barbers.id, before.id));
    const b = { name: before.name, bio: before.bio, active: before.active };
    const a = { ...b, ...set };
    const changed = (Object.keys(a) as Array<keyof typeof a>).filter((k) => a[k] !== b[k]);
    if (changed.length === 0) return;
    await writeAudit(tx, [
      {
        organizationId: loc.organizationId,
        actorUserId: access.principal.userId,
        action:
          changed.length === 1 && changed[0] === 'active'
            ? a.active
              ? 'barber.reactivated'
              : 'barber.deactivated'
            : 'barber.updated',
        entity: 'barber',
        entityId: before.id,
        before: Object.fromEntries(changed.map((k) => [k, b[k]])),
        after: Object.fromEntries(changed.map((k) => [k, a[k]])),
        at: ctx.now(),
      },
    ]);
  });
  invalidateCatalogs(db);
  return barberView(ctx, access, barberId);
}

/**
 * Asserts the caller may edit this barber's schedule: owners and managers anyone's, a barber only
 * their own. @throws AppError FORBIDDEN.
 */
export function assertMaySchedule(access: StaffAccess, barberId: string): void {
  const { role, barberId: own } = access.role;
  if (role === 'owner' || role === 'manager') return;
  if (role === 'barber' && own === barberId) return;
  throw new AppError('FORBIDDEN', "Only owners and managers can change a colleague's hours.");
}

/**
 * Replaces a barber's weekly hours (minus `breaks`) and/or date overrides.
 * @throws AppError NOT_FOUND, FORBIDDEN (a barber on a colleague).
 */
export async function updateSchedule(
  ctx: AppContext,
  access: StaffAccess,
  barberId: string,
  input: {
    weeklyHours?: WeeklyHours | undefined;
    breaks?: WeeklyHours | undefined;
    dateOverrides?: DateOverride[] | undefined;
  },
): Promise<AdminBarber> {
  const db = ctx.database.db;
  const loc = access.location;
  if (!isUuid(barberId)) throw new AppError('NOT_FOUND', 'No barber with this id at this location.');
  await db.transaction(async (tx) => {
    const before = await barberHere(tx, loc.id, barberId);
    assertMaySchedule(access, before.id);
    const set: { weeklyHours?: WeeklyHours; dateOverrides?: DateOverride[] } = {};
    if (input.weeklyHours !== undefined)
      set.weeklyHours = fullWeek(subtractBreaks(input.weeklyHours, input.breaks ?? {}));
    if (input.dateOverrides !== undefined) set.dateOverrides = sortOverrides(input.dateOverrides);
    await tx.update(barbers).set(set).where(eq(barbers.id, before.id));
    await writeAudit(tx, [
      {
        organizationId: loc.organizationId,
        actorUserId: access.principal.userId,
        action: 'barber.schedule_updated',
        entity: 'barber',
        entityId: before.id,
        before: {
          ...(set.weeklyHours ? { weeklyHours: fullWeek(before.weeklyHours) } : {}),
          ...(set.dateOverrides ? { dateOverrides: sortOverrides(before.dateOverrides) } : {}),
        },
        after: { ...set },
        at: ctx.now(),
      },
    ]);
  });
  invalidateCatalogs(db);
  return barberView(ctx, access, barberId);
}
