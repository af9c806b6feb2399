/**
 * Import and export of shop files (shops/shop-file.ts): create or update an organization with
 * its locations, services, barbers and hours, matched by keys, in one transaction.
 */
import { and, eq, inArray, notInArray } from 'drizzle-orm';
import { Temporal } from 'temporal-polyfill';
import type { DateOverride, WeeklyHours } from '@bookedbarber/core';
import type { Db } from '../db/client.ts';
import { barberServices, barbers, locations, organizations, services, timeOff } from '../db/schema.ts';
import { invalidateCatalogs } from './catalog.service.ts';
import {
  locationPaymentColumns,
  locationPaymentsOf,
  servicePaymentColumns,
  servicePaymentsOf,
} from '../shops/shop-payments.ts';
import { ShopFileError, type ShopFile } from '../shops/shop-file.ts';

/** What an import did, for the CLI to print. */
export interface ImportSummary {
  organizationId: string;
  created: boolean;
  locations: Array<{ slug: string; services: number; barbers: number }>;
}

/** Local "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" in `tz` → UTC instant. Whole dates mean local midnight. */
function localToInstant(local: string, tz: string): Date {
  const pdt = Temporal.PlainDateTime.from(local.length === 10 ? `${local}T00:00` : local);
  return new Date(pdt.toZonedDateTime(tz, { disambiguation: 'compatible' }).epochMilliseconds);
}

function timeOffRange(t: { from: string; to: string }, tz: string): { startsAt: Date; endsAt: Date } {
  const startsAt = localToInstant(t.from, tz);
  // A whole-day "to" is inclusive: time off lasts until the next local midnight.
  const endsAt =
    t.to.length === 10
      ? localToInstant(Temporal.PlainDate.from(t.to).add({ days: 1 }).toString(), tz)
      : localToInstant(t.to, tz);
  return { startsAt, endsAt };
}

const toOverrides = (list: Array<{ date: string; hours: Array<[string, string]> }>): DateOverride[] =>
  list.map((o) => ({ date: o.date, windows: o.hours }));

/**
 * Creates or updates everything in the file. Services and barbers missing from the file are
 * deactivated (their history stays). Idempotent: importing the same file twice changes nothing.
 * @throws ShopFileError when a slug belongs to another organization.
 */
export async function importShop(db: Db, file: ShopFile): Promise<ImportSummary> {
  const orgKey = file.organization.key ?? file.locations[0]!.slug;
  const result = await db.transaction(async (tx) => {
    const [existingOrg] = await tx.select().from(organizations).where(eq(organizations.key, orgKey));
    let orgId: string;
    if (existingOrg) {
      orgId = existingOrg.id;
      await tx.update(organizations).set({ name: file.organization.name }).where(eq(organizations.id, orgId));
    } else {
      const [o] = await tx
        .insert(organizations)
        .values({ key: orgKey, name: file.organization.name })
        .returning({ id: organizations.id });
      orgId = o!.id;
    }
    const summary: ImportSummary = { organizationId: orgId, created: !existingOrg, locations: [] };
    for (const [li, loc] of file.locations.entries()) {
      const values = {
        organizationId: orgId,
        slug: loc.slug,
        name: loc.name,
        timezone: loc.timezone,
        currency: loc.currency,
        phone: loc.phone,
        address: loc.address,
        openingHours: loc.openingHours as WeeklyHours,
        dateOverrides: toOverrides(loc.closures),
        ...loc.policy,
        ...locationPaymentColumns(loc.payments),
      };
      const [existing] = await tx.select().from(locations).where(eq(locations.slug, loc.slug));
      if (existing && existing.organizationId !== orgId)
        throw new ShopFileError([
          { field: `locations.${li}.slug`, message: `"${loc.slug}" belongs to another organization` },
        ]);
      let locationId: string;
      if (existing) {
        locationId = existing.id;
        await tx.update(locations).set(values).where(eq(locations.id, locationId));
      } else {
        const [l] = await tx.insert(locations).values(values).returning({ id: locations.id });
        locationId = l!.id;
      }

      const serviceIds = new Map<string, string>();
      for (const [i, s] of loc.services.entries()) {
        const row = {
          locationId,
          key: s.key,
          name: s.name,
          category: s.category,
          description: s.description ?? null,
          durationMinutes: s.durationMinutes,
          priceMinor: s.priceMinor,
          bufferBeforeMinutes: s.bufferBeforeMinutes,
          bufferAfterMinutes: s.bufferAfterMinutes,
          bookableOnline: s.bookableOnline,
          sortOrder: i,
          active: true,
          ...servicePaymentColumns(s.payments),
        };
        const [r] = await tx
          .insert(services)
          .values(row)
          .onConflictDoUpdate({ target: [services.locationId, services.key], set: row })
          .returning({ id: services.id });
        serviceIds.set(s.key, r!.id);
      }
      await tx
        .update(services)
        .set({ active: false })
        .where(
          and(
            eq(services.locationId, locationId),
            notInArray(
              services.key,
              loc.services.map((s) => s.key),
            ),
          ),
        );

      for (const [i, b] of loc.barbers.entries()) {
        const row = {
          locationId,
          key: b.key,
          name: b.name,
          bio: b.bio ?? null,
          weeklyHours: b.weeklyHours as WeeklyHours,
          dateOverrides: toOverrides(b.dateOverrides),
          sortOrder: i,
          active: true,
        };
        const [r] = await tx
          .insert(barbers)
          .values(row)
          .onConflictDoUpdate({ target: [barbers.locationId, barbers.key], set: row })
          .returning({ id: barbers.id });
        const barberId = r!.id;
        await tx.delete(barberServices).where(eq(barberServices.barberId, barberId));
        const offers = b.services.map((ref) =>
          typeof ref === 'string'
            ? { barberId, serviceId: serviceIds.get(ref)!, priceMinor: null, durationMinutes: null }
            : {
                barberId,
                serviceId: serviceIds.get(ref.service)!,
                priceMinor: ref.priceMinor ?? null,
                durationMinutes: ref.durationMinutes ?? null,
              },
        );
        if (offers.length > 0) await tx.insert(barberServices).values(offers);
        await tx.delete(timeOff).where(eq(timeOff.barberId, barberId));
        if (b.timeOff.length > 0)
          await tx.insert(timeOff).values(
            b.timeOff.map((t) => ({
              barberId,
              reason: t.reason ?? null,
              ...timeOffRange(t, loc.timezone),
            })),
          );
      }
      await tx
        .update(barbers)
        .set({ active: false })
        .where(
          and(
            eq(barbers.locationId, locationId),
            notInArray(
              barbers.key,
              loc.barbers.map((b) => b.key),
            ),
          ),
        );
      summary.locations.push({ slug: loc.slug, services: loc.services.length, barbers: loc.barbers.length });
    }
    return summary;
  });
  // Cached catalogs of this process would otherwise show the old setup for a moment.
  invalidateCatalogs(db);
  return result;
}

function instantToLocal(d: Date, tz: string): Temporal.PlainDateTime {
  return Temporal.Instant.fromEpochMilliseconds(d.getTime()).toZonedDateTimeISO(tz).toPlainDateTime();
}

const fromOverrides = (list: DateOverride[]) =>
  list.map((o) => ({ date: o.date, hours: o.windows.map((w) => [w[0], w[1]] as [string, string]) }));

/**
 * The organization that owns `slug`, as a shop file (every location, active services and barbers).
 * @returns undefined when no location has this slug.
 */
export async function exportShop(db: Db, slug: string): Promise<ShopFile | undefined> {
  const [loc] = await db.select().from(locations).where(eq(locations.slug, slug));
  if (!loc) return undefined;
  const [org] = await db.select().from(organizations).where(eq(organizations.id, loc.organizationId));
  const locs = await db
    .select()
    .from(locations)
    .where(eq(locations.organizationId, loc.organizationId))
    .orderBy(locations.createdAt);
  const out: ShopFile = { organization: { key: org!.key, name: org!.name }, locations: [] };
  for (const l of locs) {
    const svc = await db
      .select()
      .from(services)
      .where(and(eq(services.locationId, l.id), eq(services.active, true)))
      .orderBy(services.sortOrder);
    const keyOf = new Map(svc.map((s) => [s.id, s.key]));
    const brb = await db
      .select()
      .from(barbers)
      .where(and(eq(barbers.locationId, l.id), eq(barbers.active, true)))
      .orderBy(barbers.sortOrder);
    const ids = brb.map((b) => b.id);
    const offers = ids.length
      ? await db.select().from(barberServices).where(inArray(barberServices.barberId, ids))
      : [];
    const offs = ids.length
      ? await db.select().from(timeOff).where(inArray(timeOff.barberId, ids)).orderBy(timeOff.startsAt)
      : [];
    out.locations.push({
      slug: l.slug,
      name: l.name,
      timezone: l.timezone,
      currency: l.currency,
      phone: l.phone,
      address: l.address,
      openingHours: l.openingHours as ShopFile['locations'][number]['openingHours'],
      closures: fromOverrides(l.dateOverrides),
      policy: {
        slotIntervalMinutes: l.slotIntervalMinutes,
        leadTimeMinutes: l.leadTimeMinutes,
        horizonDays: l.horizonDays,
        changeWindowHours: l.changeWindowHours,
      },
      services: svc.map((s) => ({
        key: s.key,
        name: s.name,
        category: s.category,
        ...(s.description ? { description: s.description } : {}),
        durationMinutes: s.durationMinutes,
        priceMinor: s.priceMinor,
        bufferBeforeMinutes: s.bufferBeforeMinutes,
        bufferAfterMinutes: s.bufferAfterMinutes,
        bookableOnline: s.bookableOnline,
        ...servicePaymentsOf(s),
      })),
      barbers: brb.map((b) => ({
        key: b.key,
        name: b.name,
        ...(b.bio ? { bio: b.bio } : {}),
        services: offers
          .filter((o) => o.barberId === b.id && keyOf.has(o.serviceId))
          .map((o) =>
            o.priceMinor === null && o.durationMinutes === null
              ? keyOf.get(o.serviceId)!
              : {
                  service: keyOf.get(o.serviceId)!,
                  ...(o.priceMinor !== null ? { priceMinor: o.priceMinor } : {}),
                  ...(o.durationMinutes !== null ? { durationMinutes: o.durationMinutes } : {}),
                },
          ),
        weeklyHours: b.weeklyHours as ShopFile['locations'][number]['openingHours'],
        dateOverrides: fromOverrides(b.dateOverrides),
        timeOff: offs
          .filter((t) => t.barberId === b.id)
          .map((t) => {
            const from = instantToLocal(t.startsAt, l.timezone);
            const to = instantToLocal(t.endsAt, l.timezone);
            const midnight = (p: Temporal.PlainDateTime) => p.hour === 0 && p.minute === 0;
            const wholeDays = midnight(from) && midnight(to);
            return {
              from: wholeDays ? from.toPlainDate().toString() : from.toString({ smallestUnit: 'minute' }),
              to: wholeDays
                ? to.toPlainDate().subtract({ days: 1 }).toString()
                : to.toString({ smallestUnit: 'minute' }),
              ...(t.reason ? { reason: t.reason } : {}),
            };
          }),
      })),
      ...locationPaymentsOf(l),
    });
  }
  return out;
}
