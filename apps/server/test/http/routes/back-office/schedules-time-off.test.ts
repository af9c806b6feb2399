/**
 * Back office: barbers (list, create, rename), weekly hours with breaks and date overrides, and
 * time off (barbers request, managers approve or decline). Changes are checked through the public
 * availability, since that is what clients see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { barbers, timeOff } from '../../../../src/db/schema.ts';
import { availability, book, bookingBody, expectProblem, fieldsOf } from '../../../support/api.ts';
import { createTestApp, type TestApp } from '../../../support/harness.ts';
import {
  bearer,
  createStaff,
  emailsTo,
  locationId,
  signIn,
  type BearerSession,
} from '../../../support/staff.ts';

let t: TestApp;
let loc: string;
let owner: BearerSession;
let manager: BearerSession;
let desk: BearerSession;
let ben: BearerSession;
let ana: BearerSession;

beforeAll(async () => {
  t = await createTestApp();
  await t.runtime.outbox.stop();
  loc = await locationId(t);
  owner = await signIn(t, await createStaff(t, { email: 'owner@sched.example', role: 'owner' }));
  manager = await signIn(t, await createStaff(t, { email: 'manager@sched.example', role: 'manager' }));
  desk = await signIn(t, await createStaff(t, { email: 'desk@sched.example', role: 'front_desk' }));
  ben = await signIn(
    t,
    await createStaff(t, {
      email: 'ben@sched.example',
      role: 'barber',
      barberId: t.ids.barbers.ben,
      name: 'Ben B',
    }),
  );
  ana = await signIn(
    t,
    await createStaff(t, { email: 'ana@sched.example', role: 'barber', barberId: t.ids.barbers.ana }),
  );
});
afterAll(async () => t?.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
const call = (method: Method, path: string, s: BearerSession, payload?: unknown) =>
  t.app.inject({
    method,
    url: `/api/v1/locations/${loc}${path}`,
    headers: bearer(s),
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

async function auditActions(prefix: string) {
  const res = await t.app.inject({
    url: `/api/v1/organizations/current/audit?action=${encodeURIComponent(prefix)}`,
    headers: bearer(owner),
  });
  return (
    res.json() as {
      entries: Array<{ action: string; before: Record<string, unknown>; after: Record<string, unknown> }>;
    }
  ).entries;
}

const startsOn = (slots: Array<{ start: string }>, date: string) =>
  slots.filter((s) => s.start.startsWith(date)).map((s) => s.start.slice(11, 16));

describe('barbers', () => {
  it('lists barbers with hours, overrides, services and the linked account (email for managers only)', async () => {
    const res = await call('GET', '/barbers', manager);
    expect(res.statusCode, res.body).toBe(200);
    type Barber = {
      id: string;
      weeklyHours: Record<string, unknown>;
      services: unknown[];
      account: { userId: string; name: string; email?: string } | null;
    };
    const list = res.json() as Barber[];
    const b = list.find((x) => x.id === t.ids.barbers.ben)!;
    expect(b.weeklyHours.mon).toEqual([['09:00', '18:00']]);
    expect(b.services).toEqual([{ serviceId: t.ids.services.cut, priceMinor: 4000, durationMinutes: 45 }]);
    expect(b.account).toMatchObject({ name: 'Ben B', email: 'ben@sched.example' });
    const asBarber = (await call('GET', '/barbers', ana)).json() as Barber[];
    expect(asBarber.find((x) => x.id === t.ids.barbers.ben)!.account).toEqual({
      userId: b.account!.userId,
      name: 'Ben B',
    });
  });

  it('the public barber list by slug is still the public one', async () => {
    const res = await t.app.inject({ url: '/api/v1/locations/test-cuts/barbers' });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('weeklyHours');
  });

  it('creates a barber profile with no hours; giving hours makes them bookable', async () => {
    expectProblem(await call('POST', '/barbers', desk, { name: 'Nope' }), 403, 'FORBIDDEN');
    expect(fieldsOf(await call('POST', '/barbers', owner, { name: ' ' }))).toEqual(['name']);
    const res = await call('POST', '/barbers', owner, { name: 'Cleo Cutter', bio: 'Fades' });
    expect(res.statusCode, res.body).toBe(201);
    const cleo = res.json();
    expect(cleo).toMatchObject({ key: 'cleo-cutter', name: 'Cleo Cutter', account: null, active: true });
    expect(cleo.weeklyHours.tue).toEqual([]);
    expect(cleo.services.map((s: { serviceId: string }) => s.serviceId).sort()).toEqual(
      Object.values(t.ids.services).sort(),
    );
    const none = await availability(t, { barber: cleo.id, from: '2026-12-08', to: '2026-12-08' });
    expect(none.slots).toEqual([]);

    const sched = await call('PUT', `/barbers/${cleo.id}/schedule`, manager, {
      weeklyHours: { tue: [['10:00', '12:00']] },
    });
    expect(sched.statusCode, sched.body).toBe(200);
    const some = await availability(t, { barber: cleo.id, from: '2026-12-08', to: '2026-12-08' });
    expect(startsOn(some.slots, '2026-12-08')).toEqual(['10:00', '10:30', '11:00', '11:30']);

    const ren = await call('PATCH', `/barbers/${cleo.id}`, owner, { name: 'Cleo C.' });
    expect(ren.json().name).toBe('Cleo C.');
    const actions = (await auditActions('barber.')).map((e) => e.action);
    expect(actions).toEqual(['barber.updated', 'barber.schedule_updated', 'barber.created']);
  });
  it('taking a barber off the booking page hides them from clients; putting them back shows them again', async () => {
    const publicNames = async () =>
      (
        (await t.app.inject({ url: '/api/v1/locations/test-cuts/barbers' })).json() as Array<{ name: string }>
      ).map((b) => b.name);
    expect(await publicNames()).toContain('Ana');
    const off = await call('PATCH', `/barbers/${t.ids.barbers.ana}`, manager, { active: false });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().active).toBe(false);
    expect(await publicNames()).not.toContain('Ana');
    const [entry] = await auditActions('barber.deactivated');
    expect(entry!.before).toEqual({ active: true });
    await call('PATCH', `/barbers/${t.ids.barbers.ana}`, manager, { active: true });
    expect(await publicNames()).toContain('Ana');
    expect((await auditActions('barber.reactivated')).length).toBe(1);
  });
});

describe('schedules', () => {
  it('breaks are cut out of the weekly hours and stored as gaps', async () => {
    const res = await call('PUT', `/barbers/${t.ids.barbers.ben}/schedule`, ben, {
      weeklyHours: { tue: [['09:00', '18:00']], wed: [['09:00', '18:00']] },
      breaks: {
        tue: [
          ['12:00', '13:00'],
          ['15:00', '15:30'],
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().weeklyHours.tue).toEqual([
      ['09:00', '12:00'],
      ['13:00', '15:00'],
      ['15:30', '18:00'],
    ]);
    expect(res.json().weeklyHours.mon).toEqual([]);
    const slots = await availability(t, { barber: t.ids.barbers.ben, from: '2026-12-08', to: '2026-12-08' });
    const starts = startsOn(slots.slots, '2026-12-08');
    // Ben's cut is 45 minutes: 11:00 ends 11:45; 11:30 would run into the break.
    expect(starts).toContain('11:00');
    expect(starts).not.toContain('11:30');
    expect(starts).not.toContain('12:00');
    expect(starts).toContain('13:00');
  });

  it('a barber may not change a colleague; front desk may not change anyone', async () => {
    const body = { weeklyHours: { mon: [['09:00', '10:00']] } };
    expectProblem(await call('PUT', `/barbers/${t.ids.barbers.ana}/schedule`, ben, body), 403, 'FORBIDDEN');
    expectProblem(await call('PUT', `/barbers/${t.ids.barbers.ana}/schedule`, desk, body), 403, 'FORBIDDEN');
    const [row] = await t.runtime.database.db
      .select()
      .from(barbers)
      .where(eq(barbers.id, t.ids.barbers.ana!));
    expect(row!.weeklyHours.mon).toEqual([
      ['09:00', '12:00'],
      ['13:00', '17:00'],
    ]);
  });

  it('names invalid windows and dates, and writes nothing', async () => {
    const res = await call('PUT', `/barbers/${t.ids.barbers.ben}/schedule`, owner, {
      weeklyHours: {
        tue: [['10:00', '09:00']],
        fri: [
          ['09:00', '12:00'],
          ['11:00', '13:00'],
        ],
        xyz: [],
      },
      dateOverrides: [{ date: '2026-13-01', windows: [] }],
    });
    const fields = fieldsOf(res);
    for (const f of ['weeklyHours.tue.0', 'weeklyHours.fri.1', 'dateOverrides.0.date'])
      expect(fields).toContain(f);
    // A window inside an earlier, longer one overlaps it even when not next to it.
    const nested = await call('PUT', `/barbers/${t.ids.barbers.ben}/schedule`, owner, {
      weeklyHours: {
        mon: [
          ['09:00', '18:00'],
          ['10:00', '11:00'],
          ['12:00', '13:00'],
        ],
      },
    });
    expect(fieldsOf(nested)).toEqual(['weeklyHours.mon.1', 'weeklyHours.mon.2']);
    expect(
      fieldsOf(await call('PUT', `/barbers/${t.ids.barbers.ben}/schedule`, owner, { breaks: {} })),
    ).toContain('breaks');
    const [row] = await t.runtime.database.db
      .select()
      .from(barbers)
      .where(eq(barbers.id, t.ids.barbers.ben!));
    expect(row!.weeklyHours.tue).toHaveLength(3);
  });

  it('a date override gives special hours or a day off', async () => {
    const res = await call('PUT', `/barbers/${t.ids.barbers.ben}/schedule`, manager, {
      dateOverrides: [
        { date: '2026-12-09', windows: [] },
        { date: '2026-12-08', windows: [['16:00', '18:00']] },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().dateOverrides.map((o: { date: string }) => o.date)).toEqual([
      '2026-12-08',
      '2026-12-09',
    ]);
    const slots = await availability(t, { barber: t.ids.barbers.ben, from: '2026-12-08', to: '2026-12-09' });
    expect(startsOn(slots.slots, '2026-12-08')).toEqual(['16:00', '16:30', '17:00']);
    expect(startsOn(slots.slots, '2026-12-09')).toEqual([]);
    await call('PUT', `/barbers/${t.ids.barbers.ben}/schedule`, manager, { dateOverrides: [] });
  });

  it('an unknown barber is 404', async () => {
    expectProblem(
      await call('PUT', '/barbers/00000000-0000-4000-8000-000000000000/schedule', owner, {
        dateOverrides: [],
      }),
      404,
      'NOT_FOUND',
    );
  });
});

describe('time off', () => {
  let requested: string;

  it('a barber requests time off for themself: requested, no effect on availability', async () => {
    const res = await call('POST', '/time-off', ana, {
      start: '2026-12-10',
      end: '2026-12-10',
      reason: 'Dentist',
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    requested = body.timeOff.id;
    expect(body.timeOff).toMatchObject({
      barberId: t.ids.barbers.ana,
      status: 'requested',
      start: '2026-12-10T00:00:00-05:00',
      end: '2026-12-11T00:00:00-05:00',
      reason: 'Dentist',
      decidedBy: null,
    });
    expect(body.conflicts).toEqual([]);
    const slots = await availability(t, { barber: t.ids.barbers.ana, from: '2026-12-10', to: '2026-12-10' });
    expect(slots.slots.length).toBeGreaterThan(0);
    const [entry] = await auditActions('time_off.');
    expect(entry!.action).toBe('time_off.requested');
  });

  it('a barber cannot ask for a colleague, and front desk cannot add time off', async () => {
    expectProblem(
      await call('POST', '/time-off', ana, {
        barberId: t.ids.barbers.ben,
        start: '2026-12-10',
        end: '2026-12-10',
      }),
      403,
      'FORBIDDEN',
    );
    expectProblem(
      await call('POST', '/time-off', desk, {
        barberId: t.ids.barbers.ben,
        start: '2026-12-10',
        end: '2026-12-10',
      }),
      403,
      'FORBIDDEN',
    );
  });

  it('names bad times', async () => {
    expect(fieldsOf(await call('POST', '/time-off', ana, { start: 'tomorrow', end: '2026-12-10' }))).toEqual([
      'start',
    ]);
    expect(
      fieldsOf(await call('POST', '/time-off', ana, { start: '2026-12-10T15:00', end: '2026-12-10T14:00' })),
    ).toEqual(['end']);
    expect(
      fieldsOf(await call('POST', '/time-off', manager, { start: '2026-12-10', end: '2026-12-10' })),
    ).toEqual(['barberId']);
  });

  it('the barber sees only their own; a manager filters by status', async () => {
    await call('POST', '/time-off', ben, { start: '2026-12-20', end: '2026-12-21' });
    const mine = (await call('GET', '/time-off', ana)).json() as Array<{ barberId: string }>;
    expect(mine.length).toBe(1);
    expect(mine.every((x) => x.barberId === t.ids.barbers.ana)).toBe(true);
    const pending = (await call('GET', '/time-off?status=requested', manager)).json() as Array<{
      barberId: string;
    }>;
    expect(pending.map((x) => x.barberId).sort()).toEqual([t.ids.barbers.ana, t.ids.barbers.ben].sort());
    const ranged = (await call('GET', '/time-off?from=2026-12-19&to=2026-12-31', desk)).json() as unknown[];
    expect(ranged.length).toBe(1);
    expect(fieldsOf(await call('GET', '/time-off?from=2026-12-19&to=2026-12-01', manager))).toEqual(['to']);
  });

  it('a barber cannot approve; a manager approves, the slots go, the barber is emailed', async () => {
    expectProblem(await call('POST', `/time-off/${requested}/approve`, ana, {}), 403, 'FORBIDDEN');
    const res = await call('POST', `/time-off/${requested}/approve`, manager, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().timeOff).toMatchObject({ status: 'approved' });
    expect(res.json().timeOff.decidedBy).not.toBeNull();
    const slots = await availability(t, { barber: t.ids.barbers.ana, from: '2026-12-10', to: '2026-12-10' });
    expect(slots.slots).toEqual([]);
    const mails = await emailsTo(t, 'ana@sched.example');
    expect(mails.at(-1)!.subject).toMatch(/approved/);
    expectProblem(await call('POST', `/time-off/${requested}/decline`, manager, {}), 409, 'INVALID_STATE');
    const [entry] = await auditActions('time_off.approved');
    expect(entry!.before).toEqual({ status: 'requested' });
  });

  it('declining leaves availability alone and tells the barber', async () => {
    const req = await call('POST', '/time-off', ben, { start: '2026-12-15T10:00', end: '2026-12-15T12:00' });
    const id = req.json().timeOff.id;
    const res = await call('POST', `/time-off/${id}/decline`, owner, { reason: 'Busy day' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().timeOff.status).toBe('declined');
    const slots = await availability(t, { barber: t.ids.barbers.ben, from: '2026-12-15', to: '2026-12-15' });
    expect(startsOn(slots.slots, '2026-12-15')).toContain('10:00');
    const mails = await emailsTo(t, 'ben@sched.example');
    expect(mails.at(-1)!.text).toContain('Busy day');
  });

  it('a manager adds approved time off over a booking: allowed, the booking is listed as a conflict', async () => {
    const booked = await book(t, bookingBody(t, '2026-12-16T10:00:00-05:00'));
    expect(booked.statusCode, booked.body).toBe(201);
    const res = await call('POST', '/time-off', manager, {
      barberId: t.ids.barbers.ana,
      start: '2026-12-16T09:00:00-05:00',
      end: '2026-12-16T12:00:00-05:00',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().timeOff.status).toBe('approved');
    expect(res.json().conflicts).toEqual([
      expect.objectContaining({ id: booked.json().id, start: '2026-12-16T10:00:00-05:00' }),
    ]);
    const slots = await availability(t, { barber: t.ids.barbers.ana, from: '2026-12-16', to: '2026-12-16' });
    expect(startsOn(slots.slots, '2026-12-16')[0]).toBe('13:00');
  });

  it("a barber withdraws their own request, not a decided one nor a colleague's; a manager removes approved time off", async () => {
    const mine = (await call('POST', '/time-off', ben, { start: '2026-12-23', end: '2026-12-23' })).json()
      .timeOff.id;
    expectProblem(await call('DELETE', `/time-off/${mine}`, ana), 403, 'FORBIDDEN');
    expect((await call('DELETE', `/time-off/${mine}`, ben)).statusCode).toBe(204);
    expectProblem(await call('DELETE', `/time-off/${mine}`, ben), 404, 'NOT_FOUND');

    const decided = (await call('POST', '/time-off', ben, { start: '2026-12-30', end: '2026-12-30' })).json()
      .timeOff.id;
    await call('POST', `/time-off/${decided}/approve`, owner, {});
    expect(
      startsOn(
        (await availability(t, { barber: t.ids.barbers.ben, from: '2026-12-30', to: '2026-12-30' })).slots,
        '2026-12-30',
      ),
    ).toEqual([]);
    expectProblem(await call('DELETE', `/time-off/${decided}`, ben), 403, 'FORBIDDEN');
    expectProblem(await call('DELETE', `/time-off/${decided}`, desk), 403, 'FORBIDDEN');
    expect((await call('DELETE', `/time-off/${decided}`, manager)).statusCode).toBe(204);
    const back = await availability(t, { barber: t.ids.barbers.ben, from: '2026-12-30', to: '2026-12-30' });
    expect(startsOn(back.slots, '2026-12-30')).toContain('09:00');
    const [entry] = await auditActions('time_off.removed');
    expect(entry!.before).toMatchObject({ status: 'approved', start: '2026-12-30T00:00:00-05:00' });
  });

  it('unknown ids are 404 and only time_off rows are listed', async () => {
    expectProblem(
      await call('POST', '/time-off/00000000-0000-4000-8000-000000000000/approve', owner, {}),
      404,
      'NOT_FOUND',
    );
    await t.runtime.database.db.insert(timeOff).values({
      barberId: t.ids.barbers.ben!,
      startsAt: new Date('2026-12-22T15:00:00Z'),
      endsAt: new Date('2026-12-22T16:00:00Z'),
      kind: 'blocked',
      status: 'approved',
    });
    const list = (await call('GET', '/time-off?from=2026-12-22&to=2026-12-22', owner)).json() as unknown[];
    expect(list).toEqual([]);
  });
});
