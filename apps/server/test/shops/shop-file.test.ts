/**
 * The shop file (src/shops/shop-file.ts): validation with field paths, defaults, and the published
 * JSON Schema kept equal to the one the code generates.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseShopFile, ShopFileError, shopFileJsonSchema } from '../../src/shops/shop-file.ts';
import { fixtureShop } from '../support/harness.ts';

const SCHEMA_FILE = path.resolve(import.meta.dirname, '../../../../docs/shop-file.schema.json');

/** The fields a ShopFileError names for `json`. */
function fieldsOf(json: unknown): string[] {
  try {
    parseShopFile(json);
  } catch (err) {
    expect(err).toBeInstanceOf(ShopFileError);
    return (err as ShopFileError).issues.map((i) => i.field);
  }
  throw new Error('expected a ShopFileError');
}

/** The fixture shop with `edit` applied to a deep copy. */
function edited(edit: (f: ReturnType<typeof fixtureShop> & Record<string, unknown>) => void) {
  const f = structuredClone(fixtureShop()) as ReturnType<typeof fixtureShop> & Record<string, unknown>;
  edit(f);
  return f;
}

describe('docs/shop-file.schema.json', () => {
  it('equals the schema the code generates (regenerate with `npm run cli --silent -- schema`)', () => {
    const published = fs.readFileSync(SCHEMA_FILE, 'utf8');
    expect(published.trim()).toBe(JSON.stringify(shopFileJsonSchema(), null, 2));
    const schema = JSON.parse(published) as { $schema: string; $id: string };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('https://bookedbarber.dev/schemas/shop-file.json');
  });
});

describe('parseShopFile', () => {
  it('accepts the fixture shop and applies defaults', () => {
    const f = parseShopFile(
      edited((x) => {
        delete (x.locations[0] as { policy?: unknown }).policy;
        (x.locations[0]!.policy as unknown) = {};
      }),
    );
    const loc = f.locations[0]!;
    expect(loc.policy).toEqual({
      slotIntervalMinutes: 15,
      leadTimeMinutes: 120,
      horizonDays: 90,
      changeWindowHours: 24,
    });
    expect(loc.closures).toEqual([]);
    expect(loc.services[0]).toMatchObject({
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      bookableOnline: true,
    });
    expect(loc.barbers[0]).toMatchObject({ dateOverrides: [], timeOff: [] });
  });

  it.each([
    [
      'locations.0.services.0.priceMinor',
      (f) => ((f.locations[0]!.services[0] as { priceMinor: unknown }).priceMinor = 30.5),
    ],
    [
      'locations.0.services.0.priceMinor',
      (f) => ((f.locations[0]!.services[0] as { priceMinor: unknown }).priceMinor = -1),
    ],
    [
      'locations.0.services.0.priceMinor',
      (f) => ((f.locations[0]!.services[0] as { priceMinor: unknown }).priceMinor = '30'),
    ],
    ['locations.0.services.1.durationMinutes', (f) => (f.locations[0]!.services[1]!.durationMinutes = 0)],
    ['locations.0.timezone', (f) => (f.locations[0]!.timezone = 'Mars/Olympus')],
    ['locations.0.timezone', (f) => (f.locations[0]!.timezone = 'EST')],
    ['locations.0.currency', (f) => (f.locations[0]!.currency = 'usd')],
    ['locations.0.slug', (f) => (f.locations[0]!.slug = 'Test Cuts')],
    ['locations.0.openingHours.mon.0.1', (f) => (f.locations[0]!.openingHours.mon = [['09:00', '25:00']])],
    ['locations.0.openingHours.tue.0', (f) => (f.locations[0]!.openingHours.tue = [['18:00', '09:00']])],
    ['locations.0.policy.slotIntervalMinutes', (f) => (f.locations[0]!.policy!.slotIntervalMinutes = 1)],
    ['locations.0.barbers.1.services.0', (f) => (f.locations[0]!.barbers[1]!.services = ['shave'])],
    ['locations.0.services.1.key', (f) => (f.locations[0]!.services[1]!.key = 'cut')],
    ['locations.0.barbers.1.key', (f) => (f.locations[0]!.barbers[1]!.key = 'ana')],
    [
      'locations.0.barbers.0.timeOff.0.to',
      (f) => (f.locations[0]!.barbers[0]!.timeOff = [{ from: '2026-12-10', to: '2026-12-09' }]),
    ],
    [
      'locations.0.barbers.0.dateOverrides.0.date',
      (f) => (f.locations[0]!.barbers[0]!.dateOverrides = [{ date: '2026-02-30', hours: [] }]),
    ],
    ['organization.name', (f) => (f.organization.name = '   ')],
    ['locations', (f) => (f.locations = [])],
  ] as Array<[string, (f: ReturnType<typeof fixtureShop>) => void]>)('names %s', (field, edit) => {
    expect(fieldsOf(edited(edit))).toContain(field);
  });

  it('lists every problem with its path in the message', () => {
    const bad = edited((f) => {
      (f.locations[0]!.services[0] as { priceMinor: unknown }).priceMinor = 1.5;
      f.locations[0]!.currency = 'dollars';
    });
    try {
      parseShopFile(bad);
      expect.unreachable();
    } catch (err) {
      const msg = (err as Error).message;
      expect(msg).toMatch(/^Invalid shop file:/);
      expect(msg).toContain('locations.0.services.0.priceMinor: Use whole minor units (cents)');
      expect(msg).toContain('locations.0.currency:');
    }
  });

  it('names unknown members (typos) with their parent path', () => {
    const bad = edited((f) => {
      (f.locations[0] as Record<string, unknown>).adress = 'typo';
      (f.locations[0]!.openingHours as Record<string, unknown>).someday = [];
    });
    expect(() => parseShopFile(bad)).toThrow(/locations\.0: Unrecognized key: "adress"/);
    expect(() => parseShopFile(bad)).toThrow(/locations\.0\.openingHours: Unrecognized key: "someday"/);
  });

  it('refuses what is not a shop file at all', () => {
    expect(fieldsOf(null)).toEqual(['(root)']);
    expect(fieldsOf([])).toEqual(['(root)']);
    expect(fieldsOf({})).toEqual(expect.arrayContaining(['organization', 'locations']));
  });
});
