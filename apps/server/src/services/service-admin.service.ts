/**
 * Services and categories in the back office (issue 3, "The back office"): list (archived and
 * not-bookable-online included), create, update, archive, reorder, rename a category, and the
 * per-barber price and duration overrides (a barber_services row = the barber offers it).
 *
 * Categories are the `category` text of services; their order is the order of their first service.
 * A service is never deleted (appointments keep pointing at it): archiving sets active = false,
 * which hides it from the booking page. Money is integer minor units of the location currency;
 * durations and buffers are whole minutes. Each change is one transaction with its audit entry
 * and clears the public catalog cache.
 */
import { and, asc, eq, inArray, max } from 'drizzle-orm';
import { AppError, validationError } from '@bookedbarber/core';
import type { DbOrTx } from '../db/client.ts';
import { barberServices, barbers, services } from '../db/schema.ts';
import { writeAudit } from '../repositories/audit.repository.ts';
import { isUuid, type StaffAccess } from './access.service.ts';
import { invalidateCatalogs } from './catalog.service.ts';
import type { AppContext } from './context.ts';
import type { CancellationPolicy, DepositRule } from '@bookedbarber/core';
import {
  policyForInput,
  requirePaidModeAvailable,
  type PaymentMode,
  type PolicyInput,
} from './payment-settings.service.ts';

type ServiceRow = typeof services.$inferSelect;

/** A service as the back office sees it, with the barbers who offer it and their overrides. */
export interface AdminService {
  id: string;
  key: string;
  category: string;
  name: string;
  description: string | null;
  durationMinutes: number;
  /** Minor units of `currency`. */
  priceMinor: number;
  currency: string;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  bookableOnline: boolean;
  sortOrder: number;
  active: boolean;
  /** null override = the service's own value. */
  barbers: Array<{ barberId: string; priceMinor: number | null; durationMinutes: number | null }>;
  /** Issue 4: payment overrides, null = the location's. */
  payments?: {
    mode: PaymentMode | null;
    deposit: DepositRule | null;
    cancellationPolicy: CancellationPolicy | null;
  };
}

/** The create form. */
export interface ServiceInput {
  name: string;
  category: string;
  description?: string | null | undefined;
  durationMinutes: number;
  priceMinor: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  bookableOnline: boolean;
  barberIds?: string[] | undefined;
}

/** The update form (any subset). */
export type ServicePatch = Partial<Omit<ServiceInput, 'barberIds'>> & {
  sortOrder?: number | undefined;
  active?: boolean | undefined;
  /** Issue 4 overrides; null = inherit the location's. */
  paymentMode?: PaymentMode | null | undefined;
  depositRule?: DepositRule | null | undefined;
  cancellationPolicy?: PolicyInput | null | undefined;
};

/** The audited shape of a service (no barber list). */
function auditShape(r: ServiceRow) {
  return {
    name: r.name,
    category: r.category,
    description: r.description,
    durationMinutes: r.durationMinutes,
    priceMinor: r.priceMinor,
    bufferBeforeMinutes: r.bufferBeforeMinutes,
    bufferAfterMinutes: r.bufferAfterMinutes,
    bookableOnline: r.bookableOnline,
    sortOrder: r.sortOrder,
    active: r.active,
    paymentMode: r.paymentMode,
    depositRule: r.depositRule,
    cancellationPolicy: r.cancellationPolicy,
  };
}

/** Lower-case key from a name ("Beard Trim" → "beard-trim"), unique in the location. */
async function newKey(db: DbOrTx, locationId: string, name: string): Promise<string> {
  const base =
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50) || 'service';
  const taken = new Set(
    (await db.select({ key: services.key }).from(services).where(eq(services.locationId, locationId))).map(
      (r) => r.key,
    ),
  );
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}-${n}`;
  return key;
}

/** Every service of the location (archived too) in display order, with barber offers. */
async function loadServices(db: DbOrTx, locationId: string, currency: string): Promise<AdminService[]> {
  const rows = await db
    .select()
    .from(services)
    .where(eq(services.locationId, locationId))
    .orderBy(asc(services.sortOrder), asc(services.name));
  const offers =
    rows.length === 0
      ? []
      : await db
          .select()
          .from(barberServices)
          .where(
            inArray(
              barberServices.serviceId,
              rows.map((r) => r.id),
            ),
          );
  return rows.map((r) => ({
    id: r.id,
    key: r.key,
    category: r.category,
    name: r.name,
    description: r.description,
    durationMinutes: r.durationMinutes,
    priceMinor: r.priceMinor,
    currency,
    bufferBeforeMinutes: r.bufferBeforeMinutes,
    bufferAfterMinutes: r.bufferAfterMinutes,
    bookableOnline: r.bookableOnline,
    sortOrder: r.sortOrder,
    active: r.active,
    barbers: offers
      .filter((o) => o.serviceId === r.id)
      .map((o) => ({ barberId: o.barberId, priceMinor: o.priceMinor, durationMinutes: o.durationMinutes })),
    payments: { mode: r.paymentMode, deposit: r.depositRule, cancellationPolicy: r.cancellationPolicy },
  }));
}

/** Categories in display order: the order of their first service. */
export function categoriesOf(list: readonly { category: string }[]): string[] {
  return [...new Set(list.map((s) => s.category))];
}

/** GET …/services: every service of the location and the categories in order. */
export async function listAdminServices(
  ctx: AppContext,
  access: StaffAccess,
): Promise<{ currency: string; categories: string[]; services: AdminService[] }> {
  const list = await loadServices(ctx.database.db, access.location.id, access.location.currency);
  return { currency: access.location.currency, categories: categoriesOf(list), services: list };
}

/**
 * The service of this location with this id, locked for update when in a transaction.
 * @throws AppError NOT_FOUND (unknown id, or a service of another location).
 */
async function serviceHere(db: DbOrTx, locationId: string, serviceId: string): Promise<ServiceRow> {
  const [row] = isUuid(serviceId)
    ? await db
        .select()
        .from(services)
        .where(and(eq(services.id, serviceId), eq(services.locationId, locationId)))
        .limit(1)
    : [];
  if (!row) throw new AppError('NOT_FOUND', 'No service with this id at this location.');
  return row;
}

/** Checks barber ids belong to active barbers of the location. @throws VALIDATION_FAILED naming `field`. */
async function barbersHere(db: DbOrTx, locationId: string, ids: string[], field: string): Promise<string[]> {
  const unique = [...new Set(ids)];
  const bad = unique.filter((id) => !isUuid(id));
  const found =
    unique.length === bad.length
      ? []
      : await db
          .select({ id: barbers.id })
          .from(barbers)
          .where(
            and(
              eq(barbers.locationId, locationId),
              eq(barbers.active, true),
              inArray(
                barbers.id,
                unique.filter((id) => isUuid(id)),
              ),
            ),
          );
  if (found.length !== unique.length)
    throw validationError([{ field, message: 'Lists a barber who does not work at this location' }]);
  return unique;
}

/**
 * Adds a service at the end of the list, offered by `barberIds` (default: every active barber).
 * @throws AppError VALIDATION_FAILED naming `barberIds`.
 */
export async function createService(
  ctx: AppContext,
  access: StaffAccess,
  input: ServiceInput,
): Promise<AdminService> {
  const db = ctx.database.db;
  const loc = access.location;
  const id = await db.transaction(async (tx) => {
    const offeredBy =
      input.barberIds !== undefined
        ? await barbersHere(tx, loc.id, input.barberIds, 'barberIds')
        : (
            await tx
              .select({ id: barbers.id })
              .from(barbers)
              .where(and(eq(barbers.locationId, loc.id), eq(barbers.active, true)))
          ).map((b) => b.id);
    const [last] = await tx
      .select({ n: max(services.sortOrder) })
      .from(services)
      .where(eq(services.locationId, loc.id));
    const [row] = await tx
      .insert(services)
      .values({
        locationId: loc.id,
        key: await newKey(tx, loc.id, input.name),
        category: input.category,
        name: input.name,
        description: input.description ?? null,
        durationMinutes: input.durationMinutes,
        priceMinor: input.priceMinor,
        bufferBeforeMinutes: input.bufferBeforeMinutes,
        bufferAfterMinutes: input.bufferAfterMinutes,
        bookableOnline: input.bookableOnline,
        sortOrder: (last?.n ?? -1) + 1,
        active: true,
      })
      .returning();
    if (offeredBy.length > 0)
      await tx.insert(barberServices).values(offeredBy.map((barberId) => ({ barberId, serviceId: row!.id })));
    await writeAudit(tx, [
      {
        organizationId: loc.organizationId,
        actorUserId: access.principal.userId,
        action: 'service.created',
        entity: 'service',
        entityId: row!.id,
        after: { ...auditShape(row!), barberIds: offeredBy },
        at: ctx.now(),
      },
    ]);
    return row!.id;
  });
  invalidateCatalogs(db);
  return (await loadServices(db, loc.id, loc.currency)).find((s) => s.id === id)!;
}

/**
 * Changes a service. `active: false` archives it (`service.archived`), `true` restores it.
 * @throws AppError NOT_FOUND.
 */
export async function updateService(
  ctx: AppContext,
  access: StaffAccess,
  serviceId: string,
  patch: ServicePatch,
): Promise<AdminService> {
  const db = ctx.database.db;
  const loc = access.location;
  await db.transaction(async (tx) => {
    const before = await serviceHere(tx, loc.id, serviceId);
    const set: Partial<typeof services.$inferInsert> = {};
    for (const k of [
      'name',
      'category',
      'description',
      'durationMinutes',
      'priceMinor',
      'bufferBeforeMinutes',
      'bufferAfterMinutes',
      'bookableOnline',
      'sortOrder',
      'active',
    ] as const)
      if (patch[k] !== undefined) (set as Record<string, unknown>)[k] = patch[k];
    requirePaidModeAvailable(ctx, patch.paymentMode, 'paymentMode');
    if (patch.paymentMode !== undefined) set.paymentMode = patch.paymentMode;
    if (patch.depositRule !== undefined) set.depositRule = patch.depositRule;
    if (patch.cancellationPolicy !== undefined)
      set.cancellationPolicy =
        patch.cancellationPolicy === null
          ? null
          : policyForInput(patch.cancellationPolicy, 'cancellationPolicy');
    if (Object.keys(set).length === 0) set.name = before.name;
    const [after] = await tx.update(services).set(set).where(eq(services.id, before.id)).returning();
    const b = auditShape(before);
    const a = auditShape(after!);
    const changed = (Object.keys(a) as Array<keyof typeof a>).filter(
      (k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]),
    );
    if (changed.length > 0)
      await writeAudit(tx, [
        {
          organizationId: loc.organizationId,
          actorUserId: access.principal.userId,
          action:
            changed.length === 1 && changed[0] === 'active'
              ? a.active
                ? 'service.restored'
                : 'service.archived'
              : 'service.updated',
          entity: 'service',
          entityId: before.id,
          before: Object.fromEntries(changed.map((k) => [k, b[k]])),
          after: Object.fromEntries(changed.map((k) => [k, a[k]])),
          at: ctx.now(),
        },
      ]);
  });
  invalidateCatalogs(db);
  return (await loadServices(db, loc.id, loc.currency)).find((s) => s.id === serviceId)!;
}

/**
 * Puts the listed services first, in this order; the others keep their relative order after them.
 * @throws AppError VALIDATION_FAILED naming `ids` (a duplicate or a service of another location).
 */
export async function reorderServices(
  ctx: AppContext,
  access: StaffAccess,
  ids: string[],
): Promise<{ currency: string; categories: string[]; services: AdminService[] }> {
  const db = ctx.database.db;
  const loc = access.location;
  if (new Set(ids).size !== ids.length)
    throw validationError([{ field: 'ids', message: 'Lists a service twice' }]);
  await db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: services.id, sortOrder: services.sortOrder })
      .from(services)
      .where(eq(services.locationId, loc.id))
      .orderBy(asc(services.sortOrder), asc(services.name));
    const known = new Set(rows.map((r) => r.id));
    if (ids.some((id) => !known.has(id)))
      throw validationError([{ field: 'ids', message: 'Lists a service that is not at this location' }]);
    const order = [...ids, ...rows.map((r) => r.id).filter((id) => !ids.includes(id))];
    const before = rows.map((r) => r.id);
    for (const [i, id] of order.entries()) {
      const row = rows.find((r) => r.id === id)!;
      if (row.sortOrder !== i) await tx.update(services).set({ sortOrder: i }).where(eq(services.id, id));
    }
    if (before.join() !== order.join())
      await writeAudit(tx, [
        {
          organizationId: loc.organizationId,
          actorUserId: access.principal.userId,
          action: 'services.reordered',
          entity: 'location',
          entityId: loc.id,
          before: { order: before },
          after: { order },
          at: ctx.now(),
        },
      ]);
  });
  invalidateCatalogs(db);
  return listAdminServices(ctx, access);
}

/**
 * Renames a category: every service of the location in `from` gets `to` (merging when `to` exists).
 * @returns how many services changed.
 * @throws AppError NOT_FOUND when no service has category `from`.
 */
export async function renameCategory(
  ctx: AppContext,
  access: StaffAccess,
  from: string,
  to: string,
): Promise<{ renamed: number }> {
  const db = ctx.database.db;
  const loc = access.location;
  const renamed = await db.transaction(async (tx) => {
    const rows = await tx
      .update(services)
      .set({ category: to })
      .where(and(eq(services.locationId, loc.id), eq(services.category, from)))
      .returning({ id: services.id });
    if (rows.length === 0) throw new AppError('NOT_FOUND', `No service is in the category "${from}".`);
    await writeAudit(tx, [
      {
        organizationId: loc.organizationId,
        actorUserId: access.principal.userId,
        action: 'service_category.renamed',
        entity: 'location',
        entityId: loc.id,
        before: { category: from },
        after: { category: to, serviceIds: rows.map((r) => r.id) },
        at: ctx.now(),
      },
    ]);
    return rows.length;
  });
  invalidateCatalogs(db);
  return { renamed };
}

/**
 * The barber offers the service, at this price and duration (null = the service's own).
 * @throws AppError NOT_FOUND (barber or service not at this location).
 */
export async function setBarberService(
  ctx: AppContext,
  access: StaffAccess,
  barberId: string,
  serviceId: string,
  input: { priceMinor: number | null; durationMinutes: number | null },
): Promise<{
  barberId: string;
  serviceId: string;
  priceMinor: number | null;
  durationMinutes: number | null;
}> {
  const db = ctx.database.db;
  const loc = access.location;
  await db.transaction(async (tx) => {
    await barberHere(tx, loc.id, barberId);
    await serviceHere(tx, loc.id, serviceId);
    const [before] = await tx
      .select()
      .from(barberServices)
      .where(and(eq(barberServices.barberId, barberId), eq(barberServices.serviceId, serviceId)));
    await tx
      .insert(barberServices)
      .values({ barberId, serviceId, ...input })
      .onConflictDoUpdate({ target: [barberServices.barberId, barberServices.serviceId], set: input });
    await writeAudit(tx, [
      {
        organizationId: loc.organizationId,
        actorUserId: access.principal.userId,
        action: 'barber_service.set',
        entity: 'barber',
        entityId: barberId,
        before: before
          ? { serviceId, priceMinor: before.priceMinor, durationMinutes: before.durationMinutes }
          : null,
        after: { serviceId, ...input },
        at: ctx.now(),
      },
    ]);
  });
  invalidateCatalogs(db);
  return { barberId, serviceId, ...input };
}

/**
 * The barber no longer offers the service (existing appointments stay).
 * @throws AppError NOT_FOUND (barber or service not here, or not offered).
 */
export async function removeBarberService(
  ctx: AppContext,
  access: StaffAccess,
  barberId: string,
  serviceId: string,
): Promise<void> {
  const db = ctx.database.db;
  const loc = access.location;
  await db.transaction(async (tx) => {
    await barberHere(tx, loc.id, barberId);
    await serviceHere(tx, loc.id, serviceId);
    const [gone] = await tx
      .delete(barberServices)
      .where(and(eq(barberServices.barberId, barberId), eq(barberServices.serviceId, serviceId)))
      .returning();
    if (!gone) throw new AppError('NOT_FOUND', 'This barber does not offer this service.');
    await writeAudit(tx, [
      {
        organizationId: loc.organizationId,
        actorUserId: access.principal.userId,
        action: 'barber_service.removed',
        entity: 'barber',
        entityId: barberId,
        before: { serviceId, priceMinor: gone.priceMinor, durationMinutes: gone.durationMinutes },
        after: null,
        at: ctx.now(),
      },
    ]);
  });
  invalidateCatalogs(db);
}

/**
 * The barber of this location with this id (active or not).
 * @throws AppError NOT_FOUND.
 */
export async function barberHere(db: DbOrTx, locationId: string, barberId: string) {
  const [row] = isUuid(barberId)
    ? await db
        .select()
        .from(barbers)
        .where(and(eq(barbers.id, barberId), eq(barbers.locationId, locationId)))
        .limit(1)
    : [];
  if (!row) throw new AppError('NOT_FOUND', 'No barber with this id at this location.');
  return row;
}
