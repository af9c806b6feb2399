/**
 * The client back office (docs/api.md "Clients"): list, search and filters, profile with stats,
 * segment and history, edits, merging duplicates; who may do each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { auditLog, clients } from '../../../../src/db/schema.ts';
import { importShop } from '../../../../src/services/shop-import.service.ts';
import { parseShopFile } from '../../../../src/shops/shop-file.ts';
import { expectProblem, fieldsOf } from '../../../support/api.ts';
import { createTestApp, fixtureShop, type TestApp } from '../../../support/harness.ts';
import { bearer, createStaff, locationId, signIn, type BearerSession } from '../../../support/staff.ts';
import { makeAppointment, makeClient } from './support.ts';

let t: TestApp;
let loc: string;
let rivalLoc: string;
const s = {} as Record<'owner' | 'manager' | 'desk' | 'ben' | 'rival', BearerSession>;
const ids = {} as Record<'vip' | 'risky' | 'regular' | 'newbie' | 'lapsed', string>;

beforeAll(async () => {
  t = await createTestApp();
  await t.runtime.outbox.stop();
  const other = fixtureShop();
  other.organization = { key: 'rival-org', name: 'Rival Org' };
  other.locations[0]!.slug = 'rival-cuts';
  await importShop(t.runtime.database.db, parseShopFile(other));
  loc = await locationId(t);
  rivalLoc = await locationId(t, 'rival-cuts');
  s.owner = await signIn(t, await createStaff(t, { email: 'owner@c.example', role: 'owner' }));
  s.manager = await signIn(t, await createStaff(t, { email: 'manager@c.example', role: 'manager' }));
  s.desk = await signIn(t, await createStaff(t, { email: 'desk@c.example', role: 'front_desk' }));
  s.ben = await signIn(
    t,
    await createStaff(t, { email: 'ben@c.example', role: 'barber', barberId: t.ids.barbers.ben }),
  );
  s.rival = await signIn(
    t,
    await createStaff(t, { email: 'owner@rival.example', role: 'owner', slug: 'rival-cuts' }),
  );

  // VIP: 10 completed visits of $51 (51,000 > 50,000), no misses, last visit recent.
  ids.vip = await makeClient(t, {
    name: 'Victor VIP',
    email: 'victor@example.com',
    phone: '+1 917 555 0001',
  });
  for (let i = 0; i < 10; i++)
    await makeAppointment(t, ids.vip, {
      startIso: `2026-11-${String(10 + i).padStart(2, '0')}T15:00:00Z`,
      totalMinor: 5100,
    });
  // At risk: 3 no-shows/cancellations.
  ids.risky = await makeClient(t, { name: 'Rita Risky', email: 'rita@example.com' });
  await makeAppointment(t, ids.risky, { status: 'no_show' });
  await makeAppointment(t, ids.risky, { status: 'cancelled' });
  await makeAppointment(t, ids.risky, { status: 'cancelled' });
  await makeAppointment(t, ids.risky, { startIso: '2026-12-01T15:00:00Z' });
  // Returning: 2 visits, recent.
  ids.regular = await makeClient(t, { name: 'Reggie Regular', email: 'reggie@example.com' });
  await makeAppointment(t, ids.regular, { startIso: '2026-11-20T15:00:00Z' });
  await makeAppointment(t, ids.regular, { startIso: '2026-11-27T15:00:00Z' });
  // New: nothing completed.
  ids.newbie = await makeClient(t, { name: 'Nina New, "the first"', email: 'nina@example.com' });
  await makeAppointment(t, ids.newbie, { status: 'confirmed', startIso: '2026-12-20T15:00:00Z' });
  // At risk by time: last visit more than 90 days ago (now is 2026-12-07).
  ids.lapsed = await makeClient(t, { name: 'Larry Lapsed', email: 'larry@example.com' });
  await makeAppointment(t, ids.lapsed, { startIso: '2026-09-01T15:00:00Z' });
  await makeAppointment(t, ids.lapsed, { startIso: '2026-08-01T15:00:00Z' });
  await makeClient(t, { name: 'Rival Client', email: 'rc@example.com' }, 'rival-cuts');
});
afterAll(async () => t?.close());

const get = (who: keyof typeof s, path: string, l = loc) =>
  t.app.inject({ url: `/api/v1/locations/${l}${path}`, headers: bearer(s[who]) });
const send = (who: keyof typeof s, method: 'PATCH' | 'POST', path: string, payload: object, l = loc) =>
  t.app.inject({ method, url: `/api/v1/locations/${l}${path}`, headers: bearer(s[who]), payload });

describe('client list', () => {
  it("lists the organization's clients by name with stats and segments, never another organization's", async () => {
    const res = await get('desk', '/clients/list');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.clients.map((c: { name: string }) => c.name)).toEqual([
      'Larry Lapsed',
      'Nina New, "the first"',
      'Reggie Regular',
      'Rita Risky',
      'Victor VIP',
    ]);
    expect(body.total).toBe(5);
    const bySeg = Object.fromEntries(
      body.clients.map((c: { name: string; segment: string }) => [c.name, c.segment]),
    );
    expect(bySeg).toEqual({
      'Larry Lapsed': 'at_risk',
      'Nina New, "the first"': 'new',
      'Reggie Regular': 'returning',
      'Rita Risky': 'at_risk',
      'Victor VIP': 'vip',
    });
    const victor = body.clients.find((c: { id: string }) => c.id === ids.vip);
    expect(victor).toMatchObject({
      email: 'victor@example.com',
      phone: '+1 917 555 0001',
      stats: {
        visits: 10,
        spendMinor: 51_000,
        currency: 'USD',
        lastVisit: '2026-11-19T15:00:00.000Z',
        noShows: 0,
        cancellations: 0,
      },
    });
    const rita = body.clients.find((c: { id: string }) => c.id === ids.risky);
    expect(rita.stats).toMatchObject({ visits: 1, noShows: 1, cancellations: 2 });
  });

  it('filters by segment, searches by name or exact email/phone, and pages', async () => {
    const risk = (await get('desk', '/clients/list?segment=at_risk')).json();
    expect(risk.clients.map((c: { name: string }) => c.name)).toEqual(['Larry Lapsed', 'Rita Risky']);
    const byName = (await get('desk', '/clients/list?q=regu')).json();
    expect(byName.clients.map((c: { id: string }) => c.id)).toEqual([ids.regular]);
    const byEmail = (await get('desk', `/clients/list?q=${encodeURIComponent('VICTOR@example.com')}`)).json();
    expect(byEmail.clients.map((c: { id: string }) => c.id)).toEqual([ids.vip]);
    const byPhone = (await get('desk', `/clients/list?q=${encodeURIComponent('+1 (917) 555-0001')}`)).json();
    expect(byPhone.clients.map((c: { id: string }) => c.id)).toEqual([ids.vip]);
    const page2 = (await get('desk', '/clients/list?pageSize=2&page=2')).json();
    expect(page2).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    expect(page2.clients.map((c: { name: string }) => c.name)).toEqual(['Reggie Regular', 'Rita Risky']);
    const empty = (await get('desk', '/clients/list?q=nobody-at-all')).json();
    expect(empty).toMatchObject({ clients: [], total: 0 });
    expectProblem(await get('desk', '/clients/list?segment=gold'), 422, 'VALIDATION_FAILED');
  });

  it('refuses barbers (403) and answers another organization’s location as not found', async () => {
    expectProblem(await get('ben', '/clients/list'), 403, 'FORBIDDEN');
    expectProblem(await get('ben', `/clients/${ids.vip}`), 403, 'FORBIDDEN');
    expectProblem(await get('rival', '/clients/list'), 404, 'NOT_FOUND');
    // The rival owner at their own location does not see our client.
    expectProblem(await get('rival', `/clients/${ids.vip}`, rivalLoc), 404, 'NOT_FOUND');
  });
});

describe('client profile and edits', () => {
  it('shows the history newest first with times in the location zone', async () => {
    const res = await get('manager', `/clients/${ids.regular}`);
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json();
    expect(p).toMatchObject({
      name: 'Reggie Regular',
      segment: 'returning',
      stats: { visits: 2, spendMinor: 6000 },
    });
    expect(p.history.map((h: { start: string }) => h.start)).toEqual([
      '2026-11-27T10:00:00-05:00',
      '2026-11-20T10:00:00-05:00',
    ]);
    expect(p.history[0]).toMatchObject({
      barberName: 'Ben',
      locationName: 'Test Cuts',
      timezone: 'America/New_York',
      status: 'completed',
      services: [{ name: 'Cut' }],
    });
    expectProblem(await get('manager', '/clients/not-a-uuid'), 404, 'NOT_FOUND');
    expectProblem(await get('manager', '/clients/00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND');
  });

  it('edits contact details, notes and tags (stored encrypted), audits without leaking them', async () => {
    const before = (await get('desk', `/clients/${ids.newbie}`)).json();
    const res = await send('desk', 'PATCH', `/clients/${ids.newbie}`, {
      phone: '+1 646 555 0123',
      notes: 'Prefers scissors, no clippers',
      tags: ['  Student ', 'student', 'Beard'],
      version: before.version,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      phone: '+1 646 555 0123',
      notes: 'Prefers scissors, no clippers',
      tags: ['student', 'beard'],
    });
    const raw = JSON.stringify(
      (await t.runtime.database.db.execute(sql`select * from clients where id = ${ids.newbie}`)) as unknown,
    );
    // The whole number, not a fragment: hashes and ciphertext may hold any short run of digits.
    expect(raw).not.toMatch(/scissors|646 555 0123|6465550123|nina@/i);
    const [entry] = await t.runtime.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'client.updated'));
    expect(entry).toMatchObject({
      entityId: ids.newbie,
      after: expect.objectContaining({ changed: ['phone', 'notes', 'tags'] }),
    });
    expect(JSON.stringify(entry)).not.toMatch(/scissors|646 555 0123|6465550123/);
    // Tag filter finds them.
    const tagged = (await get('desk', '/clients/list?tag=Student')).json();
    expect(tagged.clients.map((c: { id: string }) => c.id)).toEqual([ids.newbie]);
    // The version seen before the edit is stale now.
    expectProblem(
      await send('desk', 'PATCH', `/clients/${ids.newbie}`, { notes: 'x', version: before.version }),
      409,
      'STALE_UPDATE',
    );
  });

  it('names the field of bad input and refuses another client’s email', async () => {
    const bad = await send('desk', 'PATCH', `/clients/${ids.regular}`, { email: 'not-an-email', name: '' });
    expectProblem(bad, 422, 'VALIDATION_FAILED');
    expect(fieldsOf(bad).sort()).toEqual(['email', 'name']);
    const taken = await send('desk', 'PATCH', `/clients/${ids.regular}`, { email: 'VICTOR@example.com' });
    expectProblem(taken, 422, 'VALIDATION_FAILED');
    expect(fieldsOf(taken)).toEqual(['email']);
    const tags = await send('desk', 'PATCH', `/clients/${ids.regular}`, { tags: ['a,b'] });
    expect(fieldsOf(tags)).toEqual(['tags.0']);
  });

  it('clears an email with null and finds the client by the new one', async () => {
    const res = await send('manager', 'PATCH', `/clients/${ids.lapsed}`, { email: 'larry.new@example.com' });
    expect(res.json().email).toBe('larry.new@example.com');
    const found = (await get('desk', '/clients/list?q=larry.new@example.com')).json();
    expect(found.clients.map((c: { id: string }) => c.id)).toEqual([ids.lapsed]);
    expect((await get('desk', '/clients/list?q=larry@example.com')).json().total).toBe(0);
  });
});

describe('merging duplicates', () => {
  it('moves the appointments, combines tags and notes, keeps the duplicate as merged, audited', async () => {
    const keep = await makeClient(t, { name: 'Dana Dup', email: 'dana@example.com' });
    const dup = await makeClient(t, {
      name: 'Dana D.',
      email: 'dana.d@example.com',
      phone: '+1 718 555 0155',
    });
    await makeAppointment(t, keep);
    await makeAppointment(t, dup);
    await makeAppointment(t, dup, { status: 'no_show' });
    await send('desk', 'PATCH', `/clients/${keep}`, { tags: ['regular'], notes: 'Kept note', phone: null });
    await send('desk', 'PATCH', `/clients/${dup}`, {
      tags: ['beard', 'regular'],
      notes: 'Dup note',
      phone: '+1 718 555 0155',
    });
    // Front desk may not merge.
    expectProblem(
      await send('desk', 'POST', `/clients/${keep}/merge`, { duplicateId: dup }),
      403,
      'FORBIDDEN',
    );
    const res = await send('manager', 'POST', `/clients/${keep}/merge`, { duplicateId: dup });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      movedAppointments: 2,
      client: {
        id: keep,
        tags: ['regular', 'beard'],
        notes: 'Kept note\n\nDup note',
        phone: '+1 718 555 0155',
        email: 'dana@example.com',
        stats: { visits: 2, noShows: 1 },
      },
    });
    const profile = (await get('manager', `/clients/${dup}`)).json();
    expect(profile).toMatchObject({ mergedIntoId: keep, history: [] });
    const list = (await get('manager', '/clients/list?q=dana')).json();
    expect(list.clients.map((c: { id: string }) => c.id)).toEqual([keep]);
    const [entry] = await t.runtime.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'client.merged'));
    expect(entry).toMatchObject({
      entityId: keep,
      after: expect.objectContaining({ mergedIds: [dup], movedAppointments: 2 }),
    });
    // Twice is refused; merged clients cannot be edited.
    expectProblem(
      await send('manager', 'POST', `/clients/${keep}/merge`, { duplicateId: dup }),
      409,
      'INVALID_STATE',
    );
    expectProblem(await send('manager', 'PATCH', `/clients/${dup}`, { name: 'X' }), 409, 'INVALID_STATE');
    // Booking the duplicate from the calendar books the kept client.
    const staffBooking = await send('manager', 'POST', '/appointments', {
      services: [t.ids.services.cut],
      barberId: t.ids.barbers.ben,
      start: '2026-12-12T10:00:00-05:00',
      source: 'phone',
      client: { id: dup },
    });
    expect(staffBooking.statusCode, staffBooking.body).toBe(201);
    expect(staffBooking.json().client.id).toBe(keep);
    const [row] = await t.runtime.database.db.select().from(clients).where(eq(clients.id, dup));
    expect(row!.mergedIntoId).toBe(keep);
  });

  it('refuses merging a client of another organization (404) and a client into itself (422)', async () => {
    const [rivalClient] = await t.runtime.database.db
      .select({ id: clients.id })
      .from(clients)
      .where(eq(clients.name, 'Rival Client'));
    expectProblem(
      await send('owner', 'POST', `/clients/${ids.regular}/merge`, { duplicateId: rivalClient!.id }),
      404,
      'NOT_FOUND',
    );
    const self = await send('owner', 'POST', `/clients/${ids.regular}/merge`, { duplicateId: ids.regular });
    expectProblem(self, 422, 'VALIDATION_FAILED');
    expect(fieldsOf(self)).toEqual(['duplicateId']);
    // The rival owner cannot merge our clients through their own location either.
    expectProblem(
      await send(
        'rival',
        'POST',
        `/clients/${rivalClient!.id}/merge`,
        { duplicateId: ids.regular },
        rivalLoc,
      ),
      404,
      'NOT_FOUND',
    );
  });
});
