/**
 * Helpers of the client route tests: clients and appointments written straight to the database
 * (no availability rules), so stats and segments can be set up exactly.
 */
import crypto from 'node:crypto';
import type { AppointmentStatus } from '@bookedbarber/core';
import { insertAppointment } from '../../../../src/repositories/appointment.repository.ts';
import { upsertClient } from '../../../../src/repositories/client.repository.ts';
import { clientCipher } from '../../../../src/security/client-fields.ts';
import type { TestApp } from '../../../support/harness.ts';
import { locationId, organizationId } from '../../../support/staff.ts';

/** Creates (or refreshes) a client of the organization owning `slug`; returns its id. */
export async function makeClient(
  t: TestApp,
  c: { name: string; email: string; phone?: string },
  slug = 'test-cuts',
): Promise<string> {
  return upsertClient(
    t.runtime.database.db,
    clientCipher(t.runtime.ctx.secrets),
    await organizationId(t, slug),
    {
      name: c.name,
      email: c.email,
      phone: c.phone ?? '+1 212 555 0100',
    },
  );
}

let spread = 0;
/**
 * Inserts an appointment of `clientId` with barber `barber` at `startIso` (a unique start is
 * derived when `startIso` is omitted: one hour apart in 2026-10), a 30-minute cut for `totalMinor`.
 */
export async function makeAppointment(
  t: TestApp,
  clientId: string,
  opts: {
    status?: AppointmentStatus;
    startIso?: string;
    totalMinor?: number;
    barber?: 'ana' | 'ben';
    slug?: string;
  } = {},
): Promise<string> {
  const start = opts.startIso
    ? Date.parse(opts.startIso)
    : Date.parse('2026-10-01T00:00:00Z') + ++spread * 3_600_000;
  const barber = opts.barber ?? 'ben';
  return insertAppointment(t.runtime.database.db, {
    locationId: await locationId(t, opts.slug ?? 'test-cuts'),
    barberId: t.ids.barbers[barber]!,
    clientId,
    source: 'online',
    status: opts.status ?? 'completed',
    startsAt: new Date(start),
    endsAt: new Date(start + 30 * 60_000),
    occupiedFrom: new Date(start),
    occupiedUntil: new Date(start + 30 * 60_000),
    totalMinor: opts.totalMinor ?? 3000,
    currency: 'USD',
    notes: null,
    manageTokenHash: crypto.randomBytes(16).toString('hex'),
    lines: [
      {
        serviceId: t.ids.services.cut!,
        name: 'Cut',
        durationMinutes: 30,
        priceMinor: opts.totalMinor ?? 3000,
      },
    ],
  });
}
