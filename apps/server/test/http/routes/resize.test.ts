/**
 * Resizing an appointment (the calendar's drag on an appointment's lower edge): the end moves, the
 * start, services and price stay; an overlap with the barber's next appointment is refused; stale
 * versions and finished appointments are refused; history and audit record it; and only the right
 * people may do it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { appointments, auditLog } from '../../../src/db/schema.ts';
import { listHistory } from '../../../src/repositories/appointment.repository.ts';
import { importShop } from '../../../src/services/shop-import.service.ts';
import { parseShopFile } from '../../../src/shops/shop-file.ts';
import { book, bookingBody, expectProblem, fieldsOf, someClient } from '../../support/api.ts';
import { createTestApp, fixtureShop, type TestApp } from '../../support/harness.ts';
import { bearer, createStaff, locationId, signIn, type BearerSession } from '../../support/staff.ts';

let t: TestApp;
let loc: string;
const s = {} as Record<'desk' | 'ben' | 'ana' | 'rival', BearerSession>;

function resize(who: keyof typeof s | null, id: string, body: Record<string, unknown>, headers = {}) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/locations/${loc}/appointments/${id}/resize`,
    headers: { ...(who ? bearer(s[who]) : {}), ...headers },
    payload: body,
  });
}

async function bookBen(start: string, n: string): Promise<{ id: string }> {
  const res = await book(t, bookingBody(t, start, { barberId: t.ids.barbers.ben, client: someClient(n) }));
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

beforeAll(async () => {
  t = await createTestApp();
  await t.runtime.outbox.stop();
  const other = fixtureShop();
  other.organization = { key: 'rival-org', name: 'Rival Org' };
  other.locations[0]!.slug = 'rival-cuts';
  await importShop(t.runtime.database.db, parseShopFile(other));
  loc = await locationId(t);
  s.desk = await signIn(t, await createStaff(t, { email: 'desk@resize.example', role: 'front_desk' }));
  s.ben = await signIn(
    t,
    await createStaff(t, { email: 'ben@resize.example', role: 'barber', barberId: t.ids.barbers.ben }),
  );
  s.ana = await signIn(
    t,
    await createStaff(t, { email: 'ana@resize.example', role: 'barber', barberId: t.ids.barbers.ana }),
  );
  s.rival = await signIn(
    t,
    await createStaff(t, { email: 'owner@rival.example', role: 'owner', slug: 'rival-cuts' }),
  );
});
afterAll(async () => t?.close());

describe('POST /locations/{locationId}/appointments/{id}/resize', () => {
  it('moves the end (start, services and price stay), recorded in history and audit', async () => {
    const a = await bookBen('2026-12-09T10:00:00-05:00', 'r1');
    const res = await resize('desk', a.id, { end: '2026-12-09T11:15:00-05:00' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      start: '2026-12-09T10:00:00-05:00',
      end: '2026-12-09T11:15:00-05:00',
      services: [{ name: 'Cut' }],
      totalMinor: 4000,
    });
    const [row] = await t.runtime.database.db.select().from(appointments).where(eq(appointments.id, a.id));
    expect(row!.occupiedUntil.toISOString()).toBe('2026-12-09T16:15:00.000Z');
    const history = await listHistory(t.runtime.database.db, a.id);
    expect(history.at(-1)).toMatchObject({
      action: 'rescheduled',
      details: { fromEnd: '2026-12-09T15:45:00.000Z', toEnd: '2026-12-09T16:15:00.000Z' },
    });
    const [entry] = await t.runtime.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'appointment.rescheduled'), eq(auditLog.entityId, a.id)));
    expect(entry).toMatchObject({
      before: { end: '2026-12-09T15:45:00.000Z' },
      after: { end: '2026-12-09T16:15:00.000Z' },
    });
  });

  it("refuses to run into the barber's next appointment (409), and the time stays", async () => {
    const a = await bookBen('2026-12-10T10:00:00-05:00', 'r2');
    await bookBen('2026-12-10T11:00:00-05:00', 'r3');
    expectProblem(await resize('desk', a.id, { end: '2026-12-10T11:30:00-05:00' }), 409, 'SLOT_UNAVAILABLE');
    const [row] = await t.runtime.database.db.select().from(appointments).where(eq(appointments.id, a.id));
    expect(row!.endsAt.toISOString()).toBe('2026-12-10T15:45:00.000Z');
    // Up to the next one is fine.
    const ok = await resize('desk', a.id, { end: '2026-12-10T11:00:00-05:00' });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('refuses a stale version, an end before the start, and a finished appointment', async () => {
    const a = await bookBen('2026-12-11T10:00:00-05:00', 'r4');
    const cal = await t.app.inject({
      url: `/api/v1/locations/${loc}/calendar?from=2026-12-11&to=2026-12-11`,
      headers: bearer(s.desk),
    });
    const seen = cal.json().appointments.find((x: { id: string }) => x.id === a.id).version as string;
    expect((await resize('desk', a.id, { end: '2026-12-11T10:45:00-05:00' })).statusCode).toBe(200);
    expectProblem(
      await resize('desk', a.id, { end: '2026-12-11T11:00:00-05:00' }, { 'if-match': `"${seen}"` }),
      409,
      'STALE_UPDATE',
    );
    const early = await resize('desk', a.id, { end: '2026-12-11T09:00:00-05:00' });
    expectProblem(early, 422, 'VALIDATION_FAILED');
    expect(fieldsOf(early)).toEqual(['end']);
    const cancelled = await t.app.inject({
      method: 'POST',
      url: `/api/v1/locations/${loc}/appointments/${a.id}/cancel`,
      headers: bearer(s.desk),
      payload: { reason: 'test' },
    });
    expect(cancelled.statusCode).toBe(200);
    expectProblem(await resize('desk', a.id, { end: '2026-12-11T11:00:00-05:00' }), 409, 'INVALID_STATE');
  });

  it('anonymous 401; a barber on a colleague 403, on their own 200; another organization 404', async () => {
    const a = await bookBen('2026-12-14T10:00:00-05:00', 'r5');
    const body = { end: '2026-12-14T10:45:00-05:00' };
    expectProblem(await resize(null, a.id, body), 401, 'UNAUTHENTICATED');
    expectProblem(await resize('ana', a.id, body), 403, 'FORBIDDEN');
    expectProblem(await resize('rival', a.id, body), 404, 'NOT_FOUND');
    expect((await resize('ben', a.id, body)).statusCode).toBe(200);
  });
});
