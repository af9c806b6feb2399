/**
 * Blocked time (issue 3, "Block time"): staff block a stretch of a barber's calendar; the block
 * shows in the calendar feed, takes the time out of online availability, refuses to cover an
 * appointment, is audited and announced live; and only the right people may do it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, timeOff } from '../../../src/db/schema.ts';
import { importShop } from '../../../src/services/shop-import.service.ts';
import { parseShopFile } from '../../../src/shops/shop-file.ts';
import type { AppointmentEvent } from '../../../src/services/appointment-events.ts';
import { availability, book, bookingBody, expectProblem, fieldsOf, someClient } from '../../support/api.ts';
import { createTestApp, fixtureShop, type TestApp } from '../../support/harness.ts';
import { bearer, createStaff, locationId, signIn, type BearerSession } from '../../support/staff.ts';

let t: TestApp;
let loc: string;
let otherLoc: string;
const s = {} as Record<'owner' | 'manager' | 'desk' | 'ben' | 'ana' | 'rival' | 'noMfa', BearerSession>;

function call(
  who: keyof typeof s | null,
  method: 'POST' | 'DELETE',
  url: string,
  payload?: Record<string, unknown>,
  at = loc,
) {
  return t.app.inject({
    method,
    url: `/api/v1/locations/${at}${url}`,
    headers: who ? bearer(s[who]) : {},
    payload,
  });
}

const block = (barberId: string, start: string, end: string, reason?: string) => ({
  barberId,
  start,
  end,
  ...(reason ? { reason } : {}),
});

/** The online slot starts of one barber on a local date. */
async function starts(barber: string, date: string): Promise<string[]> {
  return (await availability(t, { barber, from: date, to: date })).slots.map((x) => x.start);
}

beforeAll(async () => {
  t = await createTestApp();
  await t.runtime.outbox.stop();
  const other = fixtureShop();
  other.organization = { key: 'rival-org', name: 'Rival Org' };
  other.locations[0]!.slug = 'rival-cuts';
  other.locations[0]!.name = 'Rival Cuts';
  await importShop(t.runtime.database.db, parseShopFile(other));
  loc = await locationId(t);
  otherLoc = await locationId(t, 'rival-cuts');
  const mk = async (k: keyof typeof s, role: 'owner' | 'manager' | 'front_desk' | 'barber', extra = {}) =>
    (s[k] = await signIn(t, await createStaff(t, { email: `${k}@block.example`, role, ...extra })));
  await mk('owner', 'owner');
  await mk('manager', 'manager');
  await mk('desk', 'front_desk');
  await mk('ben', 'barber', { barberId: t.ids.barbers.ben });
  await mk('ana', 'barber', { barberId: t.ids.barbers.ana });
  await mk('noMfa', 'owner', { totp: false });
  await mk('rival', 'owner', { slug: 'rival-cuts' });
});
afterAll(async () => t?.close());

describe('POST /locations/{locationId}/blocked-times', () => {
  it('blocks the time: in the calendar as blocked, gone from online availability, audited, announced', async () => {
    const events: AppointmentEvent[] = [];
    const unsubscribe = t.runtime.ctx.events!.subscribe(loc, (e) => events.push(e));
    const ben = t.ids.barbers.ben!;
    expect(await starts(ben, '2026-12-10')).toContain('2026-12-10T13:00:00-05:00');

    const res = await call('desk', 'POST', '/blocked-times', {
      ...block(ben, '2026-12-10T13:00:00-05:00', '2026-12-10T14:00:00-05:00'),
      reason: 'Lunch with supplier',
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toEqual({
      id: expect.any(String),
      barberId: ben,
      start: '2026-12-10T13:00:00-05:00',
      end: '2026-12-10T14:00:00-05:00',
      reason: 'Lunch with supplier',
      kind: 'blocked',
      status: 'approved',
    });

    const cal = await t.app.inject({
      url: `/api/v1/locations/${loc}/calendar?from=2026-12-10&to=2026-12-10`,
      headers: bearer(s.desk),
    });
    expect(cal.json().timeOff).toEqual([
      expect.objectContaining({
        id: created.id,
        kind: 'blocked',
        status: 'approved',
        reason: 'Lunch with supplier',
      }),
    ]);

    const after = await starts(ben, '2026-12-10');
    expect(after).not.toContain('2026-12-10T13:00:00-05:00');
    expect(after).not.toContain('2026-12-10T13:30:00-05:00');
    expect(after).toContain('2026-12-10T14:00:00-05:00');

    const [entry] = await t.runtime.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'blocked_time.created'), eq(auditLog.entityId, created.id)));
    expect(entry).toMatchObject({
      before: null,
      after: { barberId: ben, start: '2026-12-10T18:00:00.000Z', end: '2026-12-10T19:00:00.000Z' },
    });
    await expect
      .poll(() => events)
      .toContainEqual({ type: 'time_off.created', locationId: loc, timeOffId: created.id });
    unsubscribe();
  });

  it('refuses a block over an active appointment of that barber (409 SLOT_UNAVAILABLE), not over a colleague', async () => {
    const booked = await book(
      t,
      bookingBody(t, '2026-12-11T10:00:00-05:00', { barberId: t.ids.barbers.ben, client: someClient('blk') }),
    );
    expect(booked.statusCode, booked.body).toBe(201);
    const over = await call(
      'desk',
      'POST',
      '/blocked-times',
      block(t.ids.barbers.ben!, '2026-12-11T09:45:00-05:00', '2026-12-11T10:15:00-05:00'),
    );
    expectProblem(over, 409, 'SLOT_UNAVAILABLE');
    const rows = await t.runtime.database.db
      .select()
      .from(timeOff)
      .where(eq(timeOff.barberId, t.ids.barbers.ben!));
    expect(rows.map((r) => r.startsAt.toISOString())).not.toContain('2026-12-11T14:45:00.000Z');
    const ana = await call(
      'desk',
      'POST',
      '/blocked-times',
      block(t.ids.barbers.ana!, '2026-12-11T09:45:00-05:00', '2026-12-11T10:15:00-05:00'),
    );
    expect(ana.statusCode, ana.body).toBe(201);
  });

  it('names the field of bad input (end before start, no offset, unknown barber, too long)', async () => {
    const ben = t.ids.barbers.ben!;
    const cases: Array<[Record<string, unknown>, string]> = [
      [block(ben, '2026-12-12T10:00:00-05:00', '2026-12-12T09:00:00-05:00'), 'end'],
      [block(ben, '2026-12-12T10:00:00', '2026-12-12T11:00:00-05:00'), 'start'],
      [
        block(
          '00000000-0000-4000-8000-000000000000',
          '2026-12-12T10:00:00-05:00',
          '2026-12-12T11:00:00-05:00',
        ),
        'barberId',
      ],
      [block(ben, '2026-12-12T10:00:00-05:00', '2026-12-13T11:00:00-05:00'), 'end'],
      [
        { ...block(ben, '2026-12-12T10:00:00-05:00', '2026-12-12T11:00:00-05:00'), reason: 'x'.repeat(201) },
        'reason',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await call('desk', 'POST', '/blocked-times', body);
      expectProblem(res, 422, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toContain(field);
    }
  });
});

describe('DELETE /locations/{locationId}/blocked-times/{id}', () => {
  it('removes a block (the time is bookable again), audited with the block before', async () => {
    const ben = t.ids.barbers.ben!;
    const made = await call(
      'manager',
      'POST',
      '/blocked-times',
      block(ben, '2026-12-14T15:00:00-05:00', '2026-12-14T16:00:00-05:00'),
    );
    expect(made.statusCode, made.body).toBe(201);
    const id = made.json().id as string;
    const gone = await call('manager', 'DELETE', `/blocked-times/${id}`);
    expect(gone.statusCode, gone.body).toBe(204);
    expect(await starts(ben, '2026-12-14')).toContain('2026-12-14T15:00:00-05:00');
    const [entry] = await t.runtime.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'blocked_time.deleted'), eq(auditLog.entityId, id)));
    expect(entry).toMatchObject({
      before: { barberId: ben, start: '2026-12-14T20:00:00.000Z' },
      after: null,
    });
    expectProblem(await call('manager', 'DELETE', `/blocked-times/${id}`), 404, 'NOT_FOUND');
  });

  it('does not delete time off (leave) through this route', async () => {
    const [row] = await t.runtime.database.db
      .insert(timeOff)
      .values({
        barberId: t.ids.barbers.ana!,
        startsAt: new Date('2026-12-20T14:00:00Z'),
        endsAt: new Date('2026-12-21T14:00:00Z'),
        reason: 'Holiday',
        kind: 'time_off',
        status: 'requested',
      })
      .returning();
    expectProblem(await call('owner', 'DELETE', `/blocked-times/${row!.id}`), 404, 'NOT_FOUND');
    const cal = await t.app.inject({
      url: `/api/v1/locations/${loc}/calendar?from=2026-12-20&to=2026-12-20`,
      headers: bearer(s.desk),
    });
    expect(cal.json().timeOff).toEqual([
      expect.objectContaining({ id: row!.id, kind: 'time_off', status: 'requested' }),
    ]);
  });
});

describe('who may block time', () => {
  const slot = (n: number) =>
    block(
      t.ids.barbers.ben!,
      `2026-12-15T${String(9 + n).padStart(2, '0')}:00:00-05:00`,
      `2026-12-15T${String(9 + n).padStart(2, '0')}:30:00-05:00`,
    );

  it('owner, manager, front desk and the barber themself may; the answer is 201', async () => {
    const who = ['owner', 'manager', 'desk', 'ben'] as const;
    for (const [i, k] of who.entries()) {
      const res = await call(k, 'POST', '/blocked-times', slot(i));
      expect(res.statusCode, `${k}: ${res.body}`).toBe(201);
    }
  });

  it('anonymous is 401, an owner without two-factor 403 MFA_REQUIRED', async () => {
    expectProblem(await call(null, 'POST', '/blocked-times', slot(5)), 401, 'UNAUTHENTICATED');
    expectProblem(await call('noMfa', 'POST', '/blocked-times', slot(5)), 403, 'MFA_REQUIRED');
  });

  it("a barber may neither block nor unblock a colleague's time (403)", async () => {
    expectProblem(await call('ana', 'POST', '/blocked-times', slot(6)), 403, 'FORBIDDEN');
    const bens = await call('ben', 'POST', '/blocked-times', slot(7));
    expect(bens.statusCode).toBe(201);
    expectProblem(await call('ana', 'DELETE', `/blocked-times/${bens.json().id}`), 403, 'FORBIDDEN');
    expect((await call('ben', 'DELETE', `/blocked-times/${bens.json().id}`)).statusCode).toBe(204);
  });

  it("another organization's owner gets 404 like a missing location, and cannot touch our blocks", async () => {
    const theirs = await call('rival', 'POST', '/blocked-times', slot(8));
    const missing = await call(
      'rival',
      'POST',
      '/blocked-times',
      slot(8),
      '00000000-0000-4000-8000-000000000000',
    );
    for (const res of [theirs, missing]) expectProblem(res, 404, 'NOT_FOUND');
    expect({ ...theirs.json(), instance: undefined }).toEqual({ ...missing.json(), instance: undefined });
    const ours = await call('desk', 'POST', '/blocked-times', slot(9));
    expect(ours.statusCode).toBe(201);
    // Through their own location our block does not exist.
    expectProblem(
      await call('rival', 'DELETE', `/blocked-times/${ours.json().id}`, undefined, otherLoc),
      404,
      'NOT_FOUND',
    );
    // And our barber is not theirs to block.
    expectProblem(
      await call('rival', 'POST', '/blocked-times', slot(10), otherLoc),
      422,
      'VALIDATION_FAILED',
    );
  });

  it('states its roles in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json();
    for (const [p, m] of [
      ['/api/v1/locations/{locationId}/blocked-times', 'post'],
      ['/api/v1/locations/{locationId}/blocked-times/{id}', 'delete'],
    ] as const) {
      expect(doc.paths[p][m]['x-roles']).toEqual(['owner', 'manager', 'front_desk', 'barber']);
      expect(doc.paths[p][m].description).toMatch(/^Access: /);
    }
  });
});
