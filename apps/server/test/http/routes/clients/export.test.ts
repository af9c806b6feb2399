/**
 * CSV export (docs/api.md "Clients"): owners download all clients and appointments; the CSV parses
 * back to exactly what was stored (commas, quotes, newlines), formulas are defused, times carry the
 * location offset and zone, money is minor units with a currency; each download is audited.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog } from '../../../../src/db/schema.ts';
import { importShop } from '../../../../src/services/shop-import.service.ts';
import { parseShopFile } from '../../../../src/shops/shop-file.ts';
import { expectProblem } from '../../../support/api.ts';
import { createTestApp, fixtureShop, type TestApp } from '../../../support/harness.ts';
import { bearer, createStaff, locationId, signIn, type BearerSession } from '../../../support/staff.ts';
import { makeAppointment, makeClient } from './support.ts';

let t: TestApp;
let loc: string;
const s = {} as Record<'owner' | 'manager' | 'rival', BearerSession>;
const tricky = 'O\'Brien, "Bob"\nthe 2nd';
const formula = '=HYPERLINK("http://evil.example","x")';
let trickyId: string;
let formulaId: string;

beforeAll(async () => {
  t = await createTestApp();
  await t.runtime.outbox.stop();
  const other = fixtureShop();
  other.organization = { key: 'rival-org', name: 'Rival Org' };
  other.locations[0]!.slug = 'rival-cuts';
  await importShop(t.runtime.database.db, parseShopFile(other));
  loc = await locationId(t);
  s.owner = await signIn(t, await createStaff(t, { email: 'owner@x.example', role: 'owner' }));
  s.manager = await signIn(t, await createStaff(t, { email: 'manager@x.example', role: 'manager' }));
  s.rival = await signIn(
    t,
    await createStaff(t, { email: 'owner@rival.example', role: 'owner', slug: 'rival-cuts' }),
  );
  trickyId = await makeClient(t, { name: tricky, email: 'obrien@example.com', phone: '+1 212 555 0142' });
  formulaId = await makeClient(t, { name: formula, email: 'formula@example.com' });
  await t.app.inject({
    method: 'PATCH',
    url: `/api/v1/locations/${loc}/clients/${trickyId}`,
    headers: bearer(s.owner),
    payload: { notes: 'Line one\r\nline "two", three', tags: ['vip-ish', 'beard'] },
  });
  // Summer (EDT) and winter (EST) appointments: each keeps its own offset.
  await makeAppointment(t, trickyId, { startIso: '2026-07-01T14:00:00Z', totalMinor: 4500 });
  await makeAppointment(t, trickyId, { startIso: '2026-12-01T15:00:00Z', status: 'cancelled' });
  await makeAppointment(t, formulaId, { startIso: '2026-11-02T15:00:00Z' });
  await makeClient(t, { name: 'Rival Client', email: 'rival.client@example.com' }, 'rival-cuts');
});
afterAll(async () => t?.close());

const download = (who: keyof typeof s, kind: string) =>
  t.app.inject({ url: `/api/v1/organizations/current/export/${kind}.csv`, headers: bearer(s[who]) });

describe('clients.csv', () => {
  it('parses back to what is stored, with formulas defused and no other organization', async () => {
    const res = await download('owner', 'clients');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="clients-2026-12-07\.csv"/);
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.name).sort()).toEqual([`'${formula}`, tricky].sort());
    const bob = rows.find((r) => r.id === trickyId)!;
    expect(bob).toMatchObject({
      name: tricky,
      email: 'obrien@example.com',
      phone: "'+1 212 555 0142",
      notes: 'Line one\r\nline "two", three',
      tags: 'vip-ish;beard',
      segment: 'at_risk', // last visit more than 90 days before 2026-12-07
      visits: '1',
      spend_minor: '4500',
      currency: 'USD',
      last_visit: '2026-07-01T10:00:00-04:00',
      last_visit_timezone: 'America/New_York',
      no_shows: '0',
      cancellations: '1',
    });
    expect(res.body).not.toMatch(/rival\.client/);
  });

  it('is audited as export.downloaded', async () => {
    const entries = await t.runtime.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'export.downloaded'));
    expect(entries.some((e) => e.entityId === 'clients')).toBe(true);
  });
});

describe('appointments.csv', () => {
  it('lists every appointment with local times, offsets, zone, money and client details', async () => {
    const res = await download('owner', 'appointments');
    expect(res.statusCode, res.body).toBe(200);
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      location_slug: 'test-cuts',
      timezone: 'America/New_York',
      start: '2026-07-01T10:00:00-04:00',
      end: '2026-07-01T10:30:00-04:00',
      status: 'completed',
      barber: 'Ben',
      client_id: trickyId,
      client_name: tricky,
      client_email: 'obrien@example.com',
      services: 'Cut',
      total_minor: '4500',
      currency: 'USD',
    });
    expect(rows[1]).toMatchObject({ start: '2026-11-02T10:00:00-05:00', client_name: `'${formula}` });
    expect(rows[2]).toMatchObject({ start: '2026-12-01T10:00:00-05:00', status: 'cancelled' });
  });
});

describe('who may export', () => {
  it('only owners: a manager is refused, anonymous is 401, another owner gets only their own book', async () => {
    expectProblem(await download('manager', 'clients'), 403, 'FORBIDDEN');
    expectProblem(
      await t.app.inject({ url: '/api/v1/organizations/current/export/clients.csv' }),
      401,
      'UNAUTHENTICATED',
    );
    const rival = await download('rival', 'clients');
    expect(rival.statusCode).toBe(200);
    const rows = parse(rival.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.email)).toEqual(['rival.client@example.com']);
  });
});
