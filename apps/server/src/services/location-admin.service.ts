/**
 * Location settings in the back office (issue 3, "The back office"): details, opening hours,
 * closures and holidays (location date overrides), booking policy.
 *
 * Who may change what (DOMAIN.md roles table: "owner / manager configures locations, services,
 * staff, policies"): owners and managers change details, hours, closures and the booking policy;
 * only owners change the time zone and the currency, because that restates every hour and every
 * price of the shop. Each change is one transaction with its audit entry (`location.updated`,
 * before/after of the changed members) and clears the public catalog cache.
 */
import { eq } from 'drizzle-orm';
import { AppError, WEEKDAYS, type DateOverride, type WallWindow, type WeeklyHours } from '@bookedbarber/core';
import { locations } from '../db/schema.ts';
import { writeAudit } from '../repositories/audit.repository.ts';
import { findLocationById, type LocationRecord } from '../repositories/location.repository.ts';
import type { StaffAccess } from './access.service.ts';
import { invalidateCatalogs } from './catalog.service.ts';
import type { AppContext } from './context.ts';
import {
  paymentColumns,
  paymentOptions,
  readPaymentSettings,
  type PaymentSettings,
  type PaymentSettingsPatch,
} from './payment-settings.service.ts';

/** A location's settings as the API shows them (hours in the location zone). */
export interface LocationSettings {
  id: string;
  slug: string;
  name: string;
  phone: string;
  address: string;
  /** IANA time zone. */
  timezone: string;
  /** ISO 4217. */
  currency: string;
  /** Every weekday present (mon…sun), windows sorted; [] = closed. */
  openingHours: Record<string, Array<[string, string]>>;
  /** Date overrides sorted by date: windows [] = closed that day, else special hours. */
  closures: Array<{ date: string; windows: Array<[string, string]> }>;
  policy: {
    slotIntervalMinutes: number;
    leadTimeMinutes: number;
    horizonDays: number;
    changeWindowHours: number;
  };
  /** Issue 4: payment mode, deposit, cancellation policy, limits (payment-settings.service.ts). */
  payments?: PaymentSettings;
  paymentOptions?: { onlinePaymentsAvailable: boolean };
}

/** The PATCH body (validated at the edge). */
export interface SettingsPatch {
  name?: string | undefined;
  phone?: string | undefined;
  address?: string | undefined;
  timezone?: string | undefined;
  currency?: string | undefined;
  openingHours?: WeeklyHours | undefined;
  closures?: DateOverride[] | undefined;
  policy?: Partial<LocationSettings['policy']> | undefined;
  payments?: PaymentSettingsPatch | undefined;
}

/** Windows sorted by start, as mutable tuples. */
export function sortWindows(windows: readonly WallWindow[] | undefined): Array<[string, string]> {
  return [...(windows ?? [])]
    .map((w) => [w[0], w[1]] as [string, string])
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** Weekly hours with every weekday present and windows sorted (what is stored and answered). */
export function fullWeek(hours: WeeklyHours): Record<string, Array<[string, string]>> {
  return Object.fromEntries(WEEKDAYS.map((d) => [d, sortWindows(hours[d])]));
}

/** Date overrides sorted by date with sorted windows. */
export function sortOverrides(
  list: readonly DateOverride[],
): Array<{ date: string; windows: Array<[string, string]> }> {
  return [...list]
    .map((o) => ({ date: o.date, windows: sortWindows(o.windows) }))
    .sort((a, b) => (a.date < b.date ? -1 : 1));
}

/** The settings view of a location record. */
export function settingsOf(l: LocationRecord): LocationSettings {
  return {
    id: l.id,
    slug: l.slug,
    name: l.name,
    phone: l.phone,
    address: l.address,
    timezone: l.timezone,
    currency: l.currency,
    openingHours: fullWeek(l.openingHours),
    closures: sortOverrides(l.dateOverrides),
    policy: { ...l.policy },
  };
}

/** The settings of the location the caller has access to (with the payments block when `ctx` is given). */
export async function getSettings(access: StaffAccess, ctx?: AppContext): Promise<LocationSettings> {
  if (!ctx) return settingsOf(access.location);
  return {
    ...settingsOf(access.location),
    payments: await readPaymentSettings(ctx.database.db, access.location.id),
    paymentOptions: paymentOptions(ctx),
  };
}

/**
 * Changes some settings of the location.
 * @throws AppError FORBIDDEN when a manager changes the time zone or the currency (owners only).
 */
export async function updateSettings(
  ctx: AppContext,
  access: StaffAccess,
  patch: SettingsPatch,
): Promise<LocationSettings> {
  const db = ctx.database.db;
  const now = ctx.now();
  const ownerOnly = (['timezone', 'currency'] as const).filter(
    (k) => patch[k] !== undefined && patch[k] !== access.location[k],
  );
  if (ownerOnly.length > 0 && access.role.role !== 'owner')
    throw new AppError('FORBIDDEN', 'Only owners can change the time zone or the currency.');
  const result = await db.transaction(async (tx) => {
    const current = await findLocationById(tx, access.location.id);
    if (!current) throw new AppError('NOT_FOUND', 'No location with this id.');
    const before = { ...settingsOf(current), payments: await readPaymentSettings(tx, current.id) };
    const policy = { ...current.policy, ...(patch.policy ?? {}) };
    const set: Partial<typeof locations.$inferInsert> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.phone !== undefined) set.phone = patch.phone;
    if (patch.address !== undefined) set.address = patch.address;
    if (patch.timezone !== undefined) set.timezone = patch.timezone;
    if (patch.currency !== undefined) set.currency = patch.currency;
    if (patch.openingHours !== undefined) set.openingHours = fullWeek(patch.openingHours);
    if (patch.closures !== undefined) set.dateOverrides = sortOverrides(patch.closures);
    if (patch.policy !== undefined) {
      set.slotIntervalMinutes = policy.slotIntervalMinutes;
      set.leadTimeMinutes = policy.leadTimeMinutes;
      set.horizonDays = policy.horizonDays;
      set.changeWindowHours = policy.changeWindowHours;
    }
    if (patch.payments !== undefined) Object.assign(set, paymentColumns(ctx, patch.payments));
    if (Object.keys(set).length > 0) await tx.update(locations).set(set).where(eq(locations.id, current.id));
    const after = {
      ...settingsOf((await findLocationById(tx, current.id))!),
      payments: await readPaymentSettings(tx, current.id),
    };
    const changed = (Object.keys(after) as Array<keyof typeof after>).filter(
      (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
    );
    if (changed.length > 0)
      await writeAudit(tx, [
        {
          organizationId: current.organizationId,
          actorUserId: access.principal.userId,
          action: 'location.updated',
          entity: 'location',
          entityId: current.id,
          before: Object.fromEntries(changed.map((k) => [k, before[k]])),
          after: Object.fromEntries(changed.map((k) => [k, after[k]])),
          at: now,
        },
      ]);
    return { ...after, paymentOptions: paymentOptions(ctx) };
  });
  invalidateCatalogs(db);
  return result;
}
