/**
 * The client-facing shape of an appointment (docs/api.md, "The appointment").
 */
import { canClientChange, changeDeadline, toOffsetIso, type AppointmentStatus } from '@bookedbarber/core';
import type { AppointmentRecord } from '../repositories/appointment.repository.ts';
import type { LocationRecord } from '../repositories/location.repository.ts';

/** What GET /manage/{token} and the booking endpoints answer. Times are ISO 8601 with the location's offset. */
export interface AppointmentView {
  id: string;
  status: AppointmentStatus;
  start: string;
  end: string;
  timezone: string;
  barber: { id: string; name: string };
  services: Array<{ id: string; name: string; durationMinutes: number; priceMinor: number }>;
  totalMinor: number;
  currency: string;
  location: { slug: string; name: string; phone: string; address: string };
  client: { name: string };
  notes: string | null;
  changeDeadline: string;
  canChange: boolean;
  manageUrl: string;
  bookAgainUrl: string;
}

/** Builds the view. `token` is the plain manage token (known only to the client and at creation). */
export function toView(
  a: AppointmentRecord,
  location: LocationRecord,
  token: string,
  publicUrl: string,
  now: Date,
): AppointmentView {
  const tz = location.timezone;
  const startMs = a.startsAt.getTime();
  const active = a.status === 'confirmed' || a.status === 'pending';
  return {
    id: a.id,
    status: a.status,
    start: toOffsetIso(startMs, tz),
    end: toOffsetIso(a.endsAt.getTime(), tz),
    timezone: tz,
    barber: { id: a.barberId, name: a.barberName },
    services: a.lines.map((l) => ({
      id: l.serviceId,
      name: l.name,
      durationMinutes: l.durationMinutes,
      priceMinor: l.priceMinor,
    })),
    totalMinor: a.totalMinor,
    currency: a.currency,
    location: { slug: location.slug, name: location.name, phone: location.phone, address: location.address },
    client: { name: a.clientName },
    notes: a.notes,
    changeDeadline: toOffsetIso(changeDeadline(startMs, location.policy.changeWindowHours), tz),
    canChange: active && canClientChange(startMs, location.policy.changeWindowHours, now.getTime()),
    manageUrl: `${publicUrl}/manage/${token}`,
    bookAgainUrl: `${publicUrl}/${location.slug}`,
  };
}
