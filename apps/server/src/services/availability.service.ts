/**
 * Availability use case: loads schedules and busy time, then asks `core` for slots.
 */
import {
  AppError,
  computeSlots,
  planBooking,
  type BarberSchedule,
  type Slot,
  validationError,
} from '@bookedbarber/core';
import type { DbOrTx } from '../db/client.ts';
import type { BarberRecord, LocationRecord, ServiceRecord } from '../repositories/location.repository.ts';
import { loadBusy } from '../repositories/schedule.repository.ts';

const DAY_MS = 86_400_000;

/** A location with its services and barbers, loaded once per request. */
export interface LocationCatalog {
  location: LocationRecord;
  services: ServiceRecord[];
  barbers: BarberRecord[];
}

/**
 * Checks the requested service ids (known, and bookable online when `online`) and returns them in order.
 * @throws AppError VALIDATION_FAILED naming `field` for an unknown, duplicate or not-bookable service.
 */
export function resolveServices(
  catalog: LocationCatalog,
  serviceIds: readonly string[],
  field: string,
  online = true,
): ServiceRecord[] {
  if (serviceIds.length === 0) throw validationError([{ field, message: 'Choose at least one service.' }]);
  if (new Set(serviceIds).size !== serviceIds.length)
    throw validationError([{ field, message: 'A service is listed twice.' }]);
  return serviceIds.map((id) => {
    const s = catalog.services.find((x) => x.id === id);
    if (!s || (online && !s.bookableOnline))
      throw validationError([{ field, message: `Unknown service: ${id}` }]);
    return s;
  });
}

/**
 * The barbers a request may use: one by id, or everyone when `barber` is "any".
 * @throws AppError VALIDATION_FAILED naming `field` for an unknown barber.
 */
export function resolveBarbers(catalog: LocationCatalog, barber: string, field: string): BarberRecord[] {
  if (barber === 'any') return catalog.barbers;
  const b = catalog.barbers.find((x) => x.id === barber);
  if (!b) throw validationError([{ field, message: `Unknown barber: ${barber}` }]);
  return [b];
}

/** The booking plan (lines, duration, total, buffers) of these services with this barber, or null if they don't offer all. */
export function planFor(barber: BarberRecord, services: ServiceRecord[]) {
  const offered = [];
  for (const s of services) {
    const o = barber.offers.find((x) => x.serviceId === s.id);
    if (!o) return null;
    offered.push({
      serviceId: s.id,
      name: s.name,
      durationMinutes: s.durationMinutes,
      priceMinor: s.priceMinor,
      bufferBeforeMinutes: s.bufferBeforeMinutes,
      bufferAfterMinutes: s.bufferAfterMinutes,
      overrideDurationMinutes: o.durationMinutes,
      overridePriceMinor: o.priceMinor,
    });
  }
  return planBooking(offered);
}

/**
 * Free slots for these services with these barbers between two local dates (inclusive).
 * @param opts.excludeAppointmentId an appointment whose own time counts as free (reschedules).
 * @returns slots with UTC epoch-ms starts/ends, merged across barbers.
 */
export async function findSlots(
  db: DbOrTx,
  catalog: LocationCatalog,
  services: ServiceRecord[],
  barbers: BarberRecord[],
  from: string,
  to: string,
  now: Date,
  opts: { excludeAppointmentId?: string } = {},
): Promise<Slot[]> {
  const eligible = barbers.filter((b) => planFor(b, services) !== null);
  if (eligible.length === 0) return [];
  // Generous UTC margins around the local dates: every zone is within ±14 h of UTC.
  const rangeFrom = new Date(Date.parse(`${from}T00:00:00Z`) - 2 * DAY_MS);
  const rangeTo = new Date(Date.parse(`${to}T00:00:00Z`) + 3 * DAY_MS);
  const busy = await loadBusy(
    db,
    eligible.map((b) => b.id),
    rangeFrom,
    rangeTo,
    opts.excludeAppointmentId,
  );
  const schedules: BarberSchedule[] = eligible.map((b) => ({
    id: b.id,
    weeklyHours: b.weeklyHours,
    dateOverrides: b.dateOverrides,
    timeOff: busy.get(b.id)?.timeOff ?? [],
    busy: busy.get(b.id)?.busy ?? [],
    services: Object.fromEntries(
      services.map((s) => {
        const o = b.offers.find((x) => x.serviceId === s.id)!;
        return [
          s.id,
          {
            durationMinutes: o.durationMinutes ?? s.durationMinutes,
            bufferBeforeMinutes: s.bufferBeforeMinutes,
            bufferAfterMinutes: s.bufferAfterMinutes,
          },
        ];
      }),
    ),
  }));
  const { location } = catalog;
  return computeSlots({
    timeZone: location.timezone,
    policy: location.policy,
    openingHours: location.openingHours,
    locationOverrides: location.dateOverrides,
    barbers: schedules,
    serviceIds: services.map((s) => s.id),
    from,
    to,
    now: now.getTime(),
  });
}

/** Thrown when a catalog lookup by slug finds nothing. */
export function locationNotFound(slug: string): AppError {
  return new AppError('NOT_FOUND', `No shop is called "${slug}".`);
}
