/**
 * The exclusion constraint itself (migrations/0001_no_double_booking.sql): even when the service
 * layer is bypassed, the database refuses two active, overlapping appointments of one barber.
 */
import { clientCipher } from '../../src/security/client-fields.ts';
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { sqlState } from '../../src/db/client.ts';
import { appointmentServices, appointments } from '../../src/db/schema.ts';
import {
  insertAppointment,
  setStatus,
  setTimes,
  type NewAppointment,
} from '../../src/repositories/appointment.repository.ts';
import { upsertClient } from '../../src/repositories/client.repository.ts';
import { findLocationBySlug } from '../../src/repositories/location.repository.ts';
import { createTestApp, ENGINE, type TestApp } from '../support/harness.ts';

let t: TestApp;
let base: Omit<NewAppointment, 'startsAt' | 'endsAt' | 'occupiedFrom' | 'occupiedUntil' | 'manageTokenHash'>;

beforeAll(async () => {
  t = await createTestApp();
  const db = t.runtime.database.db;
  const location = (await findLocationBySlug(db, 'test-cuts'))!;
  const clientId = await upsertClient(db, clientCipher(t.runtime.ctx.secrets), location.organizationId, {
    name: 'Raw',
    email: 'raw@example.com',
    phone: '+1 212 555 0100',
  });
  base = {
    locationId: location.id,
    barberId: t.ids.barbers.ben!,
    clientId,
    source: 'staff',
    status: 'confirmed',
    totalMinor: 4000,
    currency: 'USD',
    notes: null,
    lines: [{ serviceId: t.ids.services.cut!, name: 'Cut', durationMinutes: 30, priceMinor: 4000 }],
  };
});
afterAll(async () => t?.close());

/** An appointment over [from, to) (UTC ISO), buffers optional. */
function appt(from: string, to: string, extra: Partial<NewAppointment> = {}): NewAppointment {
  return {
    ...base,
    startsAt: new Date(from),
    endsAt: new Date(to),
    occupiedFrom: new Date(from),
    occupiedUntil: new Date(to),
    manageTokenHash: crypto.randomBytes(32).toString('hex'),
    ...extra,
  };
}

/** The SQLSTATE the promise rejects with (the driver error arrives wrapped by Drizzle). */
async function stateOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return sqlState(err);
  }
  throw new Error('expected the database to refuse');
}

describe(`appointments_no_overlap (${ENGINE})`, () => {
  it('refuses an overlapping insert for the same barber with 23P01, writing nothing', async () => {
    const db = t.runtime.database.db;
    const first = await insertAppointment(db, appt('2026-12-08T15:00:00Z', '2026-12-08T15:30:00Z'));
    expect(await stateOf(insertAppointment(db, appt('2026-12-08T15:15:00Z', '2026-12-08T15:45:00Z')))).toBe(
      '23P01',
    );
    // Containing, contained and identical ranges are refused too.
    for (const [a, b] of [
      ['2026-12-08T14:00:00Z', '2026-12-08T16:00:00Z'],
      ['2026-12-08T15:10:00Z', '2026-12-08T15:20:00Z'],
      ['2026-12-08T15:00:00Z', '2026-12-08T15:30:00Z'],
    ] as const)
      expect(await stateOf(insertAppointment(db, appt(a, b)))).toBe('23P01');
    const rows = await db.select().from(appointments).where(eq(appointments.barberId, base.barberId));
    expect(rows.map((r) => r.id)).toEqual([first]);
  });

  it('allows back-to-back appointments (ranges are half-open) and other barbers at the same time', async () => {
    const db = t.runtime.database.db;
    await insertAppointment(db, appt('2026-12-09T15:00:00Z', '2026-12-09T15:30:00Z'));
    await insertAppointment(db, appt('2026-12-09T15:30:00Z', '2026-12-09T16:00:00Z'));
    await insertAppointment(db, appt('2026-12-09T14:30:00Z', '2026-12-09T15:00:00Z'));
    await insertAppointment(
      db,
      appt('2026-12-09T15:00:00Z', '2026-12-09T15:30:00Z', { barberId: t.ids.barbers.ana! }),
    );
  });

  it('counts the buffers: the occupied range is what may not overlap', async () => {
    const db = t.runtime.database.db;
    await insertAppointment(
      db,
      appt('2026-12-10T15:00:00Z', '2026-12-10T15:30:00Z', {
        occupiedUntil: new Date('2026-12-10T15:35:00Z'),
      }),
    );
    expect(await stateOf(insertAppointment(db, appt('2026-12-10T15:30:00Z', '2026-12-10T16:00:00Z')))).toBe(
      '23P01',
    );
    await insertAppointment(db, appt('2026-12-10T15:35:00Z', '2026-12-10T16:00:00Z'));
  });

  it('ignores cancelled and no-show appointments, and refuses to revive one into a conflict', async () => {
    const db = t.runtime.database.db;
    const cancelled = await insertAppointment(
      db,
      appt('2026-12-11T15:00:00Z', '2026-12-11T15:30:00Z', { status: 'cancelled' }),
    );
    await insertAppointment(db, appt('2026-12-11T15:00:00Z', '2026-12-11T15:30:00Z', { status: 'no_show' }));
    const active = await insertAppointment(db, appt('2026-12-11T15:00:00Z', '2026-12-11T15:30:00Z'));
    expect(await stateOf(setStatus(db, cancelled, 'confirmed'))).toBe('23P01');
    await setStatus(db, active, 'cancelled');
    await setStatus(db, cancelled, 'confirmed');
  });

  it.each(['pending', 'checked_in', 'completed'] as const)(
    'a %s appointment blocks the time',
    async (status) => {
      const db = t.runtime.database.db;
      const day = { pending: '12', checked_in: '13', completed: '14' }[status];
      await insertAppointment(db, appt(`2026-12-${day}T15:00:00Z`, `2026-12-${day}T15:30:00Z`, { status }));
      expect(
        await stateOf(insertAppointment(db, appt(`2026-12-${day}T15:00:00Z`, `2026-12-${day}T15:30:00Z`))),
      ).toBe('23P01');
    },
  );

  it('refuses moving an appointment onto another (setTimes) with 23P01', async () => {
    const db = t.runtime.database.db;
    await insertAppointment(db, appt('2026-12-15T15:00:00Z', '2026-12-15T15:30:00Z'));
    const other = await insertAppointment(db, appt('2026-12-15T16:00:00Z', '2026-12-15T16:30:00Z'));
    const onto = {
      barberId: base.barberId,
      startsAt: new Date('2026-12-15T15:15:00Z'),
      endsAt: new Date('2026-12-15T15:45:00Z'),
      occupiedFrom: new Date('2026-12-15T15:15:00Z'),
      occupiedUntil: new Date('2026-12-15T15:45:00Z'),
    };
    expect(await stateOf(setTimes(db, other, onto))).toBe('23P01');
    const [row] = await db.select().from(appointments).where(eq(appointments.id, other));
    expect(row!.startsAt.toISOString()).toBe('2026-12-15T16:00:00.000Z');
  });

  it('rolls the whole transaction back, lines included, when the constraint refuses', async () => {
    const db = t.runtime.database.db;
    await insertAppointment(db, appt('2026-12-16T15:00:00Z', '2026-12-16T15:30:00Z'));
    const before = await db.select().from(appointmentServices);
    const err = await db
      .transaction(async (tx) => {
        await insertAppointment(tx, appt('2026-12-16T16:00:00Z', '2026-12-16T16:30:00Z'));
        await insertAppointment(tx, appt('2026-12-16T15:10:00Z', '2026-12-16T15:40:00Z'));
      })
      .catch((e: unknown) => e);
    expect(sqlState(err)).toBe('23P01');
    expect((await db.select().from(appointmentServices)).length).toBe(before.length);
    const rows = await db
      .select()
      .from(appointments)
      .where(eq(appointments.startsAt, new Date('2026-12-16T16:00:00Z')));
    expect(rows).toEqual([]);
  });

  it('checks the time order (23514)', async () => {
    const db = t.runtime.database.db;
    expect(await stateOf(insertAppointment(db, appt('2026-12-17T15:30:00Z', '2026-12-17T15:00:00Z')))).toBe(
      '23514',
    );
    expect(
      await stateOf(
        insertAppointment(
          db,
          appt('2026-12-17T15:00:00Z', '2026-12-17T15:30:00Z', {
            occupiedFrom: new Date('2026-12-17T15:10:00Z'),
          }),
        ),
      ),
    ).toBe('23514');
  });
});
