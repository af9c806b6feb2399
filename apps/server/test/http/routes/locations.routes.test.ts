/**
 * GET /api/v1/locations/{slug}, …/services, …/barbers and …/availability (docs/api.md).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importShop } from '../../../src/services/shop-import.service.ts';
import { parseShopFile } from '../../../src/shops/shop-file.ts';
import { availability, expectProblem, fieldsOf } from '../../support/api.ts';
import { createTestApp, fixtureShop, type TestApp } from '../../support/harness.ts';

const START = '2026-12-07T08:00:00-05:00';
let t: TestApp;
let ana: string;
let ben: string;
let cut: string;
let beard: string;

beforeAll(async () => {
  t = await createTestApp({ now: START });
  ({ ana, ben } = t.ids.barbers as { ana: string; ben: string });
  ({ cut, beard } = t.ids.services as { cut: string; beard: string });
});
afterAll(async () => t?.close());
afterEach(() => t.clock.set(START));

/** "HH:MM" local times of slot starts (the fixture shop is in New York). */
const hhmm = (slots: Array<{ start: string }>) => slots.map((s) => s.start.slice(11, 16));

/** "HH:MM" every `step` minutes from `from` through `to`, inclusive. */
function times(from: string, to: string, step = 30): string[] {
  const m = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  const out: string[] = [];
  for (let x = m(from); x <= m(to); x += step)
    out.push(`${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`);
  return out;
}

describe('GET /api/v1/locations/{slug}', () => {
  it('answers the shop with its zone, currency, contact, hours and policy', async () => {
    const res = await t.app.inject({ url: '/api/v1/locations/test-cuts' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const all = [['09:00', '18:00']];
    expect(res.json()).toEqual({
      slug: 'test-cuts',
      name: 'Test Cuts',
      timezone: 'America/New_York',
      currency: 'USD',
      phone: '+1 212 555 0199',
      address: '1 Test St, New York, NY',
      openingHours: { mon: all, tue: all, wed: all, thu: all, fri: all, sat: all, sun: all },
      policy: { slotIntervalMinutes: 30, leadTimeMinutes: 60, horizonDays: 30, changeWindowHours: 24 },
    });
  });

  it.each([
    '/api/v1/locations/no-such-shop',
    '/api/v1/locations/no-such-shop/services',
    '/api/v1/locations/no-such-shop/barbers',
    '/api/v1/locations/no-such-shop/availability?services=x&from=2026-12-08&to=2026-12-08',
  ])('answers 404 NOT_FOUND for an unknown slug: %s', async (url) => {
    const body = expectProblem(await t.app.inject({ url }), 404, 'NOT_FOUND');
    expect(body.detail).toContain('no-such-shop');
  });
});

describe('GET /api/v1/locations/{slug}/services', () => {
  it('lists the services bookable online in display order and hides the others', async () => {
    const res = await t.app.inject({ url: '/api/v1/locations/test-cuts/services' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      {
        id: cut,
        name: 'Cut',
        category: 'Hair',
        description: null,
        durationMinutes: 30,
        priceMinor: 3000,
        currency: 'USD',
        bufferBeforeMinutes: 0,
        bufferAfterMinutes: 0,
      },
      {
        id: beard,
        name: 'Beard',
        category: 'Beard',
        description: null,
        durationMinutes: 15,
        priceMinor: 1500,
        currency: 'USD',
        bufferBeforeMinutes: 0,
        bufferAfterMinutes: 5,
      },
    ]);
    expect(res.body).not.toContain('Color');
    expect(res.body).not.toContain(t.ids.services.color);
  });
});

describe('GET /api/v1/locations/{slug}/barbers', () => {
  it('lists the barbers with the online services each offers', async () => {
    const res = await t.app.inject({ url: '/api/v1/locations/test-cuts/barbers' });
    expect(res.statusCode).toBe(200);
    const barbers = res.json() as Array<{
      id: string;
      name: string;
      bio: string | null;
      serviceIds: string[];
    }>;
    expect(barbers.map((b) => b.name)).toEqual(['Ana', 'Ben']);
    expect(barbers[0]).toMatchObject({ id: ana, bio: null });
    expect([...barbers[0]!.serviceIds].sort()).toEqual([cut, beard].sort());
    expect(barbers[1]).toEqual({ id: ben, name: 'Ben', bio: null, serviceIds: [cut] });
    // Ana also does color, which is not bookable online: it is not listed.
    expect(res.body).not.toContain(t.ids.services.color);
  });
});

describe('GET /api/v1/locations/{slug}/availability', () => {
  it("answers slots in the shop's offset on its grid, within each barber's hours", async () => {
    const res = await availability(t, { barber: ana, from: '2026-12-08', to: '2026-12-08' });
    expect(res.timezone).toBe('America/New_York');
    expect(hhmm(res.slots)).toEqual([...times('09:00', '11:30'), ...times('13:00', '16:30')]);
    for (const s of res.slots) {
      expect(s.start).toMatch(/^2026-12-08T\d\d:\d\d:00-05:00$/);
      expect(Date.parse(s.end) - Date.parse(s.start)).toBe(30 * 60_000);
      expect(s.end).toMatch(/-05:00$/);
      expect(s.barberIds).toEqual([ana]);
    }
    expect(res.slots[0]).toEqual({
      start: '2026-12-08T09:00:00-05:00',
      end: '2026-12-08T09:30:00-05:00',
      barberIds: [ana],
    });
  });

  it("uses the barber's override: Ben's cut takes 45 minutes", async () => {
    const res = await availability(t, { barber: ben, from: '2026-12-08', to: '2026-12-08' });
    // 17:00 + 45 min = 17:45 fits before 18:00; 17:30 does not.
    expect(hhmm(res.slots)).toEqual(times('09:00', '17:00'));
    for (const s of res.slots) expect(Date.parse(s.end) - Date.parse(s.start)).toBe(45 * 60_000);
  });

  it('adds up the durations of several services (cut + beard = 45 min with Ana)', async () => {
    const res = await availability(t, {
      services: [cut, beard],
      barber: ana,
      from: '2026-12-08',
      to: '2026-12-08',
    });
    expect(hhmm(res.slots)).toEqual([...times('09:00', '11:00'), ...times('13:00', '16:00')]);
    for (const s of res.slots) expect(Date.parse(s.end) - Date.parse(s.start)).toBe(45 * 60_000);
    // Ben does not offer beard: with him there is nothing.
    const none = await availability(t, {
      services: [cut, beard],
      barber: ben,
      from: '2026-12-08',
      to: '2026-12-08',
    });
    expect(none.slots).toEqual([]);
  });

  it('merges every barber for "any", listing who is free at each start', async () => {
    const [any, a, b] = await Promise.all([
      availability(t, { barber: 'any', from: '2026-12-08', to: '2026-12-09' }),
      availability(t, { barber: ana, from: '2026-12-08', to: '2026-12-09' }),
      availability(t, { barber: ben, from: '2026-12-08', to: '2026-12-09' }),
    ]);
    const aStarts = new Set(a.slots.map((s) => s.start));
    const bStarts = new Set(b.slots.map((s) => s.start));
    expect(any.slots.map((s) => s.start)).toEqual([...new Set([...aStarts, ...bStarts])].sort());
    for (const s of any.slots) {
      const expected = [...(aStarts.has(s.start) ? [ana] : []), ...(bStarts.has(s.start) ? [ben] : [])];
      expect(s.barberIds).toEqual(expected.sort());
    }
    const nine = any.slots.find((s) => s.start === '2026-12-08T09:00:00-05:00')!;
    // The end is that of the longest booking among the free barbers (Ben's 45 minutes).
    expect(nine.end).toBe('2026-12-08T09:45:00-05:00');
    const noon = any.slots.find((s) => s.start === '2026-12-08T12:00:00-05:00')!;
    expect(noon.barberIds).toEqual([ben]);
    // "any" is the default.
    const res = await t.app.inject({
      url: `/api/v1/locations/test-cuts/availability?services=${cut}&from=2026-12-08&to=2026-12-09`,
    });
    expect(res.json()).toEqual(any);
  });

  it('offers nothing on a day the barber does not work (Ana on Sunday)', async () => {
    const sunday = '2026-12-13';
    expect((await availability(t, { barber: ana, from: sunday, to: sunday })).slots).toEqual([]);
    const any = await availability(t, { barber: 'any', from: sunday, to: sunday });
    expect(any.slots.length).toBe(17);
    expect(any.slots.every((s) => s.barberIds.join() === ben)).toBe(true);
  });

  it('starts no earlier than now + lead time, and no past days', async () => {
    // Now is 08:00 on Monday 7 December; the lead time is 60 minutes.
    const today = await availability(t, { barber: ben, from: '2026-12-06', to: '2026-12-07' });
    expect(today.slots[0]!.start).toBe('2026-12-07T09:00:00-05:00');
    t.clock.set('2026-12-07T10:10:00-05:00');
    const later = await availability(t, { barber: ben, from: '2026-12-07', to: '2026-12-07' });
    expect(later.slots[0]!.start).toBe('2026-12-07T11:30:00-05:00');
  });

  it('stops at the booking horizon (30 days)', async () => {
    const res = await availability(t, { barber: ben, from: '2027-01-05', to: '2027-01-10' });
    const days = [...new Set(res.slots.map((s) => s.start.slice(0, 10)))];
    expect(days).toEqual(['2027-01-05', '2027-01-06']);
  });

  it('follows daylight saving time: the offset changes with the date', async () => {
    t.clock.set('2027-03-10T08:00:00-05:00');
    const res = await availability(t, { barber: ben, from: '2027-03-13', to: '2027-03-15' });
    const first = (d: string) => res.slots.find((s) => s.start.startsWith(d))!.start;
    expect(first('2027-03-13')).toBe('2027-03-13T09:00:00-05:00');
    expect(first('2027-03-14')).toBe('2027-03-14T09:00:00-04:00');
    expect(first('2027-03-15')).toBe('2027-03-15T09:00:00-04:00');
    expect(res.slots.filter((s) => s.start.startsWith('2027-03-14')).length).toBe(17);
  });

  it("speaks each shop's own offset (+05:45 in Kathmandu)", async () => {
    const shop = fixtureShop({ slug: 'kathmandu-cuts', name: 'Kathmandu Cuts', timezone: 'Asia/Kathmandu' });
    shop.organization.key = 'kathmandu-org';
    await importShop(t.runtime.database.db, parseShopFile(shop));
    const res = await t.app.inject({
      url: '/api/v1/locations/kathmandu-cuts/availability?services=x&from=2026-12-08&to=2026-12-08',
    });
    // Service ids belong to a location: another shop's id is unknown here.
    expect(fieldsOf(res)).toEqual(['services']);
    const services = (
      await t.app.inject({ url: '/api/v1/locations/kathmandu-cuts/services' })
    ).json() as Array<{
      id: string;
    }>;
    const ok = await t.app.inject({
      url: `/api/v1/locations/kathmandu-cuts/availability?services=${services[0]!.id}&from=2026-12-08&to=2026-12-08`,
    });
    const body = ok.json() as { timezone: string; slots: Array<{ start: string; end: string }> };
    expect(body.timezone).toBe('Asia/Kathmandu');
    expect(body.slots[0]!.start).toBe('2026-12-08T09:00:00+05:45');
    for (const s of body.slots) {
      expect(s.start).toMatch(/\+05:45$/);
      expect(s.end).toMatch(/\+05:45$/);
    }
  });

  describe('refuses bad queries with 422 VALIDATION_FAILED naming the field', () => {
    const q = (params: Record<string, string>) =>
      t.app.inject({
        url: `/api/v1/locations/test-cuts/availability?${new URLSearchParams(params)}`,
      });

    it('a range over 31 days (31 is fine)', async () => {
      expect(
        (await q({ services: cut, barber: 'any', from: '2026-12-08', to: '2027-01-07' })).statusCode,
      ).toBe(200);
      expect(fieldsOf(await q({ services: cut, from: '2026-12-08', to: '2027-01-08' }))).toEqual(['to']);
      expect(fieldsOf(await q({ services: cut, from: '2026-01-01', to: '2026-12-31' }))).toEqual(['to']);
    });

    it('to before from', async () => {
      expect(fieldsOf(await q({ services: cut, from: '2026-12-10', to: '2026-12-09' }))).toEqual(['to']);
    });

    it.each([
      [{ from: '2026-02-30', to: '2026-03-01' }, 'from'],
      [{ from: '2026-12-08', to: '2026-13-01' }, 'to'],
      [{ from: 'tomorrow', to: '2026-12-08' }, 'from'],
      [{ from: '2026-12-08', to: '08/12/2026' }, 'to'],
      [{ from: '2026-12-08T09:00', to: '2026-12-08' }, 'from'],
    ])('bad dates %j', async (dates, field) => {
      expect(fieldsOf(await q({ services: cut, ...dates }))).toContain(field);
    });

    it('missing parameters', async () => {
      expect(fieldsOf(await q({ from: '2026-12-08', to: '2026-12-08' }))).toContain('services');
      expect(fieldsOf(await q({ services: cut, to: '2026-12-08' }))).toContain('from');
    });

    it('an unknown service, a service not bookable online, the same service twice', async () => {
      const dates = { from: '2026-12-08', to: '2026-12-08' };
      const unknown = await q({ services: `${cut},00000000-0000-4000-8000-000000000000`, ...dates });
      expect(fieldsOf(unknown)).toEqual(['services']);
      expect(unknown.json().errors[0].message).toContain('00000000-0000-4000-8000-000000000000');
      expect(fieldsOf(await q({ services: t.ids.services.color!, ...dates }))).toEqual(['services']);
      expect(fieldsOf(await q({ services: `${cut},${cut}`, ...dates }))).toEqual(['services']);
      expect(fieldsOf(await q({ services: ',', ...dates }))).toEqual(['services']);
    });

    it('an unknown barber', async () => {
      const res = await q({ services: cut, barber: 'nobody', from: '2026-12-08', to: '2026-12-08' });
      expect(fieldsOf(res)).toEqual(['barber']);
    });
  });
});
