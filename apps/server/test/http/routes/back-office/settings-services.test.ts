/**
 * Back office: location settings (details, opening hours, closures, booking policy) and services
 * (create, update, archive, reorder, rename a category, per-barber overrides). Each change is
 * checked through the public booking API too, since that is what clients see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { locations, services } from '../../../../src/db/schema.ts';
import { availability, expectProblem, fieldsOf } from '../../../support/api.ts';
import { createTestApp, type TestApp } from '../../../support/harness.ts';
import { bearer, createStaff, locationId, signIn, type BearerSession } from '../../../support/staff.ts';

let t: TestApp;
let loc: string;
let owner: BearerSession;
let manager: BearerSession;
let desk: BearerSession;

beforeAll(async () => {
  t = await createTestApp();
  await t.runtime.outbox.stop();
  loc = await locationId(t);
  owner = await signIn(t, await createStaff(t, { email: 'owner@bo.example', role: 'owner' }));
  manager = await signIn(t, await createStaff(t, { email: 'manager@bo.example', role: 'manager' }));
  desk = await signIn(t, await createStaff(t, { email: 'desk@bo.example', role: 'front_desk' }));
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
  expect(res.statusCode, res.body).toBe(200);
  return (
    res.json() as {
      entries: Array<{ action: string; before: Record<string, unknown>; after: Record<string, unknown> }>;
    }
  ).entries;
}

describe('location settings', () => {
  it('front desk reads the settings with every weekday listed', async () => {
    const res = await call('GET', '/settings', desk);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ slug: 'test-cuts', timezone: 'America/New_York', currency: 'USD' });
    expect(Object.keys(body.openingHours)).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
    expect(body.policy).toEqual({
      slotIntervalMinutes: 30,
      leadTimeMinutes: 60,
      horizonDays: 30,
      changeWindowHours: 24,
    });
  });

  it('front desk cannot change them', async () => {
    expectProblem(await call('PATCH', '/settings', desk, { name: 'Nope' }), 403, 'FORBIDDEN');
  });

  it('names each invalid field and writes nothing', async () => {
    const res = await call('PATCH', '/settings', owner, {
      name: 'Renamed',
      timezone: 'Mars/Olympus',
      currency: 'dollars',
      openingHours: {
        mon: [
          ['09:00', '13:00'],
          ['12:00', '18:00'],
        ],
        tue: [['18:00', '09:00']],
        wed: [['9:00', '10:00']],
      },
      closures: [{ date: '2026-02-30', windows: [] }],
      policy: { slotIntervalMinutes: 0 },
    });
    const fields = fieldsOf(res);
    for (const f of [
      'timezone',
      'currency',
      'openingHours.mon.1',
      'openingHours.tue.0',
      'openingHours.wed.0.0',
      'closures.0.date',
      'policy.slotIntervalMinutes',
    ])
      expect(fields).toContain(f);
    const [row] = await t.runtime.database.db.select().from(locations).where(eq(locations.id, loc));
    expect(row!.name).toBe('Test Cuts');
  });

  it('refuses the same closure date twice', async () => {
    const res = await call('PATCH', '/settings', owner, {
      closures: [
        { date: '2026-12-24', windows: [] },
        { date: '2026-12-24', windows: [['09:00', '12:00']] },
      ],
    });
    expect(fieldsOf(res)).toEqual(['closures.1.date']);
  });

  it('a manager may change hours and policy but not the time zone or currency', async () => {
    expectProblem(await call('PATCH', '/settings', manager, { timezone: 'Europe/London' }), 403, 'FORBIDDEN');
    expectProblem(await call('PATCH', '/settings', manager, { currency: 'EUR' }), 403, 'FORBIDDEN');
    const res = await call('PATCH', '/settings', manager, {
      policy: { leadTimeMinutes: 120 },
      phone: '+1 212 555 0000',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().policy).toMatchObject({ leadTimeMinutes: 120, slotIntervalMinutes: 30 });
    expect(res.json().phone).toBe('+1 212 555 0000');
    const [entry] = await auditActions('location.updated');
    expect(entry!.before).toEqual({
      phone: '+1 212 555 0199',
      policy: { slotIntervalMinutes: 30, leadTimeMinutes: 60, horizonDays: 30, changeWindowHours: 24 },
    });
    expect(entry!.after).toMatchObject({ phone: '+1 212 555 0000' });
    await call('PATCH', '/settings', manager, { policy: { leadTimeMinutes: 60 } });
  });

  it('new opening hours and a closure change the public availability at once', async () => {
    // Tuesday 2026-12-08: open 09:00–18:00; Ben works all day.
    const before = await availability(t, { barber: t.ids.barbers.ben, from: '2026-12-08', to: '2026-12-09' });
    expect(before.slots.some((s) => s.start.startsWith('2026-12-08T09:00'))).toBe(true);
    const week = {
      mon: [],
      tue: [
        ['12:00', '14:00'],
        ['15:00', '16:00'],
      ],
      wed: [['09:00', '18:00']],
    };
    const res = await call('PATCH', '/settings', owner, {
      openingHours: week,
      closures: [{ date: '2026-12-09', windows: [] }],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().openingHours.tue).toEqual([
      ['12:00', '14:00'],
      ['15:00', '16:00'],
    ]);
    expect(res.json().openingHours.thu).toEqual([]);
    const after = await availability(t, { barber: t.ids.barbers.ben, from: '2026-12-08', to: '2026-12-09' });
    // A 45-minute cut for Ben fits 12:00, 12:30, 13:00 (ends 13:45) and 15:00.
    expect(after.slots.map((s) => s.start.slice(11, 16))).toEqual(['12:00', '12:30', '13:00', '15:00']);
    const reset = Object.fromEntries(
      ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['09:00', '18:00']]]),
    );
    await call('PATCH', '/settings', owner, { openingHours: reset, closures: [] });
  });

  it('an owner changes the currency; the public services show it', async () => {
    const res = await call('PATCH', '/settings', owner, { currency: 'CAD' });
    expect(res.statusCode, res.body).toBe(200);
    const pub = await t.app.inject({ url: '/api/v1/locations/test-cuts' });
    expect(JSON.stringify(pub.json())).toContain('CAD');
    await call('PATCH', '/settings', owner, { currency: 'USD' });
  });
});

describe('services', () => {
  let created: string;

  it('lists every service, the ones not bookable online too, with barber overrides', async () => {
    const res = await call('GET', '/services', desk);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.categories).toEqual(['Hair', 'Beard']);
    const color = body.services.find((s: { key: string }) => s.key === 'color');
    expect(color).toMatchObject({ bookableOnline: false, active: true, priceMinor: 8000, currency: 'USD' });
    const cut = body.services.find((s: { key: string }) => s.key === 'cut');
    expect(cut.barbers).toContainEqual({
      barberId: t.ids.barbers.ben,
      priceMinor: 4000,
      durationMinutes: 45,
    });
  });

  it('the public list by slug is still the public one', async () => {
    const res = await t.app.inject({ url: '/api/v1/locations/test-cuts/services' });
    expect(res.statusCode).toBe(200);
    expect(JSON.stringify(res.json())).not.toContain('Color');
  });

  it('front desk cannot add a service or change a price', async () => {
    const body = { name: 'Shave', category: 'Beard', durationMinutes: 20, priceMinor: 2000 };
    expectProblem(await call('POST', '/services', desk, body), 403, 'FORBIDDEN');
    expectProblem(
      await call('PATCH', `/services/${t.ids.services.cut}`, desk, { priceMinor: 1 }),
      403,
      'FORBIDDEN',
    );
  });

  it('names each invalid field and writes nothing', async () => {
    const res = await call('POST', '/services', owner, {
      name: '',
      category: 'Beard',
      durationMinutes: 2,
      priceMinor: 12.5,
      bufferAfterMinutes: -1,
    });
    expect(fieldsOf(res).sort()).toEqual(['bufferAfterMinutes', 'durationMinutes', 'name', 'priceMinor']);
    const res2 = await call('POST', '/services', owner, {
      name: 'Ghost',
      category: 'Beard',
      durationMinutes: 20,
      priceMinor: 100,
      barberIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(fieldsOf(res2)).toEqual(['barberIds']);
    const rows = await t.runtime.database.db.select().from(services).where(eq(services.name, 'Ghost'));
    expect(rows).toEqual([]);
  });

  it('a manager adds a service; it appears on the booking page with availability', async () => {
    const res = await call('POST', '/services', manager, {
      name: 'Hot Towel Shave',
      category: 'Beard',
      description: 'Straight razor',
      durationMinutes: 40,
      priceMinor: 3500,
      bufferAfterMinutes: 5,
    });
    expect(res.statusCode, res.body).toBe(201);
    const svc = res.json();
    created = svc.id;
    expect(svc).toMatchObject({ key: 'hot-towel-shave', active: true, bookableOnline: true, sortOrder: 3 });
    expect(svc.barbers.map((b: { barberId: string }) => b.barberId).sort()).toEqual(
      [t.ids.barbers.ana, t.ids.barbers.ben].sort(),
    );
    const pub = await t.app.inject({ url: '/api/v1/locations/test-cuts/services' });
    expect(JSON.stringify(pub.json())).toContain('Hot Towel Shave');
    const slots = await availability(t, { services: [created], from: '2026-12-08', to: '2026-12-08' });
    expect(slots.slots.length).toBeGreaterThan(0);
    const [entry] = await auditActions('service.created');
    expect(entry!.after).toMatchObject({ name: 'Hot Towel Shave', priceMinor: 3500 });
  });

  it('changes the price and duration; archiving hides it from clients but keeps it listed here', async () => {
    const res = await call('PATCH', `/services/${created}`, owner, { priceMinor: 3900, durationMinutes: 45 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ priceMinor: 3900, durationMinutes: 45 });
    const [upd] = await auditActions('service.updated');
    expect(upd!.before).toEqual({ priceMinor: 3500, durationMinutes: 40 });
    expect(upd!.after).toEqual({ priceMinor: 3900, durationMinutes: 45 });

    const arch = await call('POST', `/services/${created}/archive`, owner, {});
    expect(arch.statusCode, arch.body).toBe(200);
    expect(arch.json().active).toBe(false);
    const pub = await t.app.inject({ url: '/api/v1/locations/test-cuts/services' });
    expect(JSON.stringify(pub.json())).not.toContain('Hot Towel Shave');
    const list = (await call('GET', '/services', owner)).json();
    expect(list.services.find((s: { id: string }) => s.id === created).active).toBe(false);
    expect((await auditActions('service.archived')).length).toBe(1);

    const restore = await call('PATCH', `/services/${created}`, owner, { active: true });
    expect(restore.json().active).toBe(true);
  });

  it('an unknown service or one of another location is 404', async () => {
    expectProblem(
      await call('PATCH', '/services/00000000-0000-4000-8000-000000000000', owner, { priceMinor: 1 }),
      404,
      'NOT_FOUND',
    );
    expectProblem(await call('PATCH', '/services/nope', owner, { priceMinor: 1 }), 404, 'NOT_FOUND');
  });

  it('reorders: the listed services first, categories follow their first service', async () => {
    const res = await call('PUT', '/services/order', owner, { ids: [t.ids.services.beard, created] });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.services.map((s: { key: string }) => s.key)).toEqual([
      'beard',
      'hot-towel-shave',
      'cut',
      'color',
    ]);
    expect(body.categories).toEqual(['Beard', 'Hair']);
    const pub = (await t.app.inject({ url: '/api/v1/locations/test-cuts/services' })).json();
    expect(JSON.stringify(pub).indexOf('Beard')).toBeLessThan(JSON.stringify(pub).indexOf('"Cut"'));
    expect(fieldsOf(await call('PUT', '/services/order', owner, { ids: [created, created] }))).toEqual([
      'ids',
    ]);
    expect(fieldsOf(await call('PUT', '/services/order', owner, { ids: ['x'] }))).toEqual(['ids']);
    expect((await auditActions('services.reordered')).length).toBe(1);
  });

  it('renames a category on every service in it', async () => {
    const res = await call('POST', '/service-categories/rename', manager, {
      from: 'Beard',
      to: 'Beard & Shave',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ renamed: 2 });
    const list = (await call('GET', '/services', owner)).json();
    expect(list.categories).toEqual(['Beard & Shave', 'Hair']);
    expectProblem(
      await call('POST', '/service-categories/rename', manager, { from: 'Nothing', to: 'X' }),
      404,
      'NOT_FOUND',
    );
    expect(
      fieldsOf(await call('POST', '/service-categories/rename', manager, { from: 'Hair', to: '' })),
    ).toEqual(['to']);
    const [entry] = await auditActions('service_category.renamed');
    expect(entry!.before).toEqual({ category: 'Beard' });
  });

  it('per-barber overrides: price and duration, and whether the barber offers it at all', async () => {
    // Ben does not offer beard; give it to him at a longer duration.
    const put = await call('PUT', `/barbers/${t.ids.barbers.ben}/services/${t.ids.services.beard}`, owner, {
      priceMinor: 2000,
      durationMinutes: 30,
    });
    expect(put.statusCode, put.body).toBe(200);
    const barbersRes = await t.app.inject({ url: '/api/v1/locations/test-cuts/barbers' });
    expect(barbersRes.statusCode).toBe(200);
    const slots = await availability(t, {
      services: [t.ids.services.beard!],
      barber: t.ids.barbers.ben,
      from: '2026-12-08',
      to: '2026-12-08',
    });
    expect(slots.slots.length).toBeGreaterThan(0);
    // Ben's own 30 minutes, not the service's 15.
    expect(slots.slots[0]!.start.slice(11, 16)).toBe('09:00');
    expect(slots.slots[0]!.end.slice(11, 16)).toBe('09:30');

    const bad = await call('PUT', `/barbers/${t.ids.barbers.ben}/services/${t.ids.services.beard}`, owner, {
      priceMinor: -5,
      durationMinutes: 1,
    });
    expect(fieldsOf(bad).sort()).toEqual(['durationMinutes', 'priceMinor']);
    expectProblem(
      await call('PUT', `/barbers/${t.ids.barbers.ben}/services/${t.ids.services.beard}`, desk, {}),
      403,
      'FORBIDDEN',
    );

    const del = await call('DELETE', `/barbers/${t.ids.barbers.ben}/services/${t.ids.services.beard}`, owner);
    expect(del.statusCode, del.body).toBe(204);
    const none = await availability(t, {
      services: [t.ids.services.beard!],
      barber: t.ids.barbers.ben,
      from: '2026-12-08',
      to: '2026-12-08',
    }).catch(() => ({ slots: [] }));
    expect(none.slots).toEqual([]);
    expectProblem(
      await call('DELETE', `/barbers/${t.ids.barbers.ben}/services/${t.ids.services.beard}`, owner),
      404,
      'NOT_FOUND',
    );
    const actions = (await auditActions('barber_service.')).map((e) => e.action);
    expect(actions).toEqual(['barber_service.removed', 'barber_service.set']);
  });
});
