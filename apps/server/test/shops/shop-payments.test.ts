/**
 * The shop file's `payments` blocks (src/shops/shop-payments.ts): validation, import to the
 * columns of migration 0005 and export back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { locations, services } from '../../src/db/schema.ts';
import { exportShop, importShop } from '../../src/services/shop-import.service.ts';
import { parseShopFile, ShopFileError } from '../../src/shops/shop-file.ts';
import { createTestDatabase, fixtureShop } from '../support/harness.ts';

function withPayments() {
  const f = fixtureShop();
  const loc = f.locations[0]!;
  loc.payments = {
    mode: 'card_on_file',
    cancellationPolicy: 'strict',
    holdMinutes: 15,
    onlineLimitMinor: 50_000,
  };
  loc.services[0]!.payments = { mode: 'deposit', deposit: { fixedMinor: 2000 } };
  loc.services[1]!.payments = { mode: 'prepayment' };
  return f;
}

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

describe('shop file payments', () => {
  it('refuses bad blocks naming the field', () => {
    const bad = (edit: (l: Record<string, unknown>) => void) => {
      const f = fixtureShop();
      edit(f.locations[0] as unknown as Record<string, unknown>);
      try {
        parseShopFile(f);
      } catch (e) {
        return (e as ShopFileError).issues.map((i) => i.field);
      }
      return [];
    };
    expect(bad((l) => (l.payments = { mode: 'cash' }))).toEqual(['locations.0.payments.mode']);
    expect(bad((l) => (l.payments = { mode: 'deposit', deposit: { percent: 120 } }))).toEqual([
      'locations.0.payments.deposit.percent',
    ]);
    expect(bad((l) => (l.payments = { onlineLimitMinor: 100_001 }))).toEqual([
      'locations.0.payments.onlineLimitMinor',
    ]);
    expect(bad((l) => (l.payments = { holdMinutes: 0 }))).toEqual(['locations.0.payments.holdMinutes']);
  });

  it('imports to the columns and exports the same blocks back', async () => {
    await importShop(db.database.db, parseShopFile(withPayments()));
    const [l] = await db.database.db.select().from(locations).where(eq(locations.slug, 'test-cuts'));
    expect(l).toMatchObject({
      paymentMode: 'card_on_file',
      depositRule: null,
      paymentHoldMinutes: 15,
      onlinePaymentLimitMinor: 50_000,
    });
    expect(l!.cancellationPolicy?.key).toBe('strict');
    const svc = await db.database.db.select().from(services).where(eq(services.locationId, l!.id));
    const by = Object.fromEntries(svc.map((s) => [s.key, s]));
    expect(by.cut).toMatchObject({
      paymentMode: 'deposit',
      depositRule: { kind: 'fixed', amountMinor: 2000 },
    });
    expect(by.beard).toMatchObject({ paymentMode: 'prepayment', depositRule: null });
    expect(by.color).toMatchObject({ paymentMode: null });
    const out = await exportShop(db.database.db, 'test-cuts');
    const loc = out!.locations[0]!;
    expect(loc.payments).toEqual({
      mode: 'card_on_file',
      cancellationPolicy: 'strict',
      holdMinutes: 15,
      onlineLimitMinor: 50_000,
    });
    expect(loc.services.map((s) => s.payments)).toEqual([
      { mode: 'deposit', deposit: { fixedMinor: 2000 } },
      { mode: 'prepayment' },
      undefined,
    ]);
    // Exported, it imports again to the same rows.
    expect(() => parseShopFile(out)).not.toThrow();
  });
});
