/**
 * Locations, services and barbers: rows ↔ domain records. No rules here.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { BookingPolicy, DateOverride, WeeklyHours } from '@bookedbarber/core';
import type { DbOrTx } from '../db/client.ts';
import { barberServices, barbers, locations, services } from '../db/schema.ts';

/** A location as the services layer sees it. */
export interface LocationRecord {
  id: string;
  organizationId: string;
  slug: string;
  name: string;
  timezone: string;
  currency: string;
  phone: string;
  address: string;
  openingHours: WeeklyHours;
  dateOverrides: DateOverride[];
  policy: BookingPolicy;
}

/** A service of a location; durations in minutes, price in minor units of the location's currency. */
export interface ServiceRecord {
  id: string;
  key: string;
  category: string;
  name: string;
  description: string | null;
  durationMinutes: number;
  priceMinor: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  bookableOnline: boolean;
}

/** A barber with the services they offer and their per-barber overrides (null = location default). */
export interface BarberRecord {
  id: string;
  key: string;
  name: string;
  bio: string | null;
  weeklyHours: WeeklyHours;
  dateOverrides: DateOverride[];
  offers: Array<{ serviceId: string; priceMinor: number | null; durationMinutes: number | null }>;
}

type LocationRow = typeof locations.$inferSelect;

function toLocation(r: LocationRow): LocationRecord {
  return {
    id: r.id,
    organizationId: r.organizationId,
    slug: r.slug,
    name: r.name,
    timezone: r.timezone,
    currency: r.currency,
    phone: r.phone,
    address: r.address,
    openingHours: r.openingHours,
    dateOverrides: r.dateOverrides,
    policy: {
      slotIntervalMinutes: r.slotIntervalMinutes,
      leadTimeMinutes: r.leadTimeMinutes,
      horizonDays: r.horizonDays,
      changeWindowHours: r.changeWindowHours,
    },
  };
}

/** The location with this public slug, or undefined. */
export async function findLocationBySlug(db: DbOrTx, slug: string): Promise<LocationRecord | undefined> {
  const [row] = await db.select().from(locations).where(eq(locations.slug, slug)).limit(1);
  return row ? toLocation(row) : undefined;
}

/** The location with this id, or undefined. */
export async function findLocationById(db: DbOrTx, id: string): Promise<LocationRecord | undefined> {
  const [row] = await db.select().from(locations).where(eq(locations.id, id)).limit(1);
  return row ? toLocation(row) : undefined;
}

/** Active services of a location in display order (category order follows the first service of each). */
export async function listServices(db: DbOrTx, locationId: string): Promise<ServiceRecord[]> {
  const rows = await db
    .select()
    .from(services)
    .where(and(eq(services.locationId, locationId), eq(services.active, true)))
    .orderBy(asc(services.sortOrder), asc(services.name));
  return rows.map((r) => ({
    id: r.id,
    key: r.key,
    category: r.category,
    name: r.name,
    description: r.description,
    durationMinutes: r.durationMinutes,
    priceMinor: r.priceMinor,
    bufferBeforeMinutes: r.bufferBeforeMinutes,
    bufferAfterMinutes: r.bufferAfterMinutes,
    bookableOnline: r.bookableOnline,
  }));
}

/** Active barbers of a location in display order, with the services each offers. */
export async function listBarbers(db: DbOrTx, locationId: string): Promise<BarberRecord[]> {
  const rows = await db
    .select()
    .from(barbers)
    .where(and(eq(barbers.locationId, locationId), eq(barbers.active, true)))
    .orderBy(asc(barbers.sortOrder), asc(barbers.name));
  if (rows.length === 0) return [];
  const offers = await db
    .select()
    .from(barberServices)
    .where(
      inArray(
        barberServices.barberId,
        rows.map((r) => r.id),
      ),
    );
  return rows.map((r) => ({
    id: r.id,
    key: r.key,
    name: r.name,
    bio: r.bio,
    weeklyHours: r.weeklyHours,
    dateOverrides: r.dateOverrides,
    offers: offers
      .filter((o) => o.barberId === r.id)
      .map((o) => ({ serviceId: o.serviceId, priceMinor: o.priceMinor, durationMinutes: o.durationMinutes })),
  }));
}
