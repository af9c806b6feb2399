import { describe, expect, it } from 'vitest';
import { CheckoutError, SUGGESTED_TIP_PERCENTS, checkoutTotals } from '../../src/index.ts';

describe('checkout totals', () => {
  it('two services, 10% off, 8.875% tax, 20% tip, $17.50 deposit', () => {
    const t = checkoutTotals({
      linesMinor: [3500, 2000],
      discount: { kind: 'percent', percent: 10 },
      taxRatePpm: 88_750,
      tip: { kind: 'percent', percent: 20 },
      depositPaidMinor: 1750,
    });
    // 5500 − 550 = 4950; tax 4950 × 8.875% = 439.31 → 439; tip 20% of 4950 = 990
    expect(t).toEqual({
      subtotalMinor: 5500,
      discountMinor: 550,
      taxMinor: 439,
      tipMinor: 990,
      totalMinor: 6379,
      depositAppliedMinor: 1750,
      dueMinor: 4629,
      overpaidMinor: 0,
    });
  });

  it('rounds each percentage half up once', () => {
    // 1 × 50% = 0.5 → 1; tax 0 bp; tip 15% of 1 = 0.15 → 0
    expect(
      checkoutTotals({
        linesMinor: [1],
        discount: { kind: 'percent', percent: 50 },
        taxRatePpm: 0,
        depositPaidMinor: 0,
      }).discountMinor,
    ).toBe(1);
    // 1005 × 5% tax = 50.25 → 50; 1010 × 5% = 50.5 → 51
    expect(checkoutTotals({ linesMinor: [1005], taxRatePpm: 50_000, depositPaidMinor: 0 }).taxMinor).toBe(50);
    expect(checkoutTotals({ linesMinor: [1010], taxRatePpm: 50_000, depositPaidMinor: 0 }).taxMinor).toBe(51);
  });

  it('a fixed discount never takes the ticket below zero; tax and tip follow the discounted amount', () => {
    const t = checkoutTotals({
      linesMinor: [1500],
      discount: { kind: 'fixed', amountMinor: 2000 },
      taxRatePpm: 100_000,
      tip: { kind: 'percent', percent: 20 },
      depositPaidMinor: 0,
    });
    expect(t).toMatchObject({ discountMinor: 1500, taxMinor: 0, tipMinor: 0, totalMinor: 0, dueMinor: 0 });
  });

  it('a custom tip is taken as given and is not taxed', () => {
    const t = checkoutTotals({
      linesMinor: [4000],
      taxRatePpm: 100_000,
      tip: { kind: 'amount', amountMinor: 777 },
      depositPaidMinor: 0,
    });
    expect(t).toMatchObject({ taxMinor: 400, tipMinor: 777, totalMinor: 5177 });
  });

  it('a deposit larger than the total is applied up to the total and the rest is overpaid', () => {
    const t = checkoutTotals({
      linesMinor: [3000],
      discount: { kind: 'percent', percent: 50 },
      taxRatePpm: 0,
      depositPaidMinor: 2000,
    });
    expect(t).toMatchObject({ totalMinor: 1500, depositAppliedMinor: 1500, dueMinor: 0, overpaidMinor: 500 });
  });

  it('suggests 15, 20 and 25 percent', () => {
    expect([...SUGGESTED_TIP_PERCENTS]).toEqual([15, 20, 25]);
  });

  it('refuses fractions, negatives and nonsense rates', () => {
    const base = { linesMinor: [1000], taxRatePpm: 0, depositPaidMinor: 0 };
    expect(() => checkoutTotals({ ...base, linesMinor: [] })).toThrow(CheckoutError);
    expect(() => checkoutTotals({ ...base, linesMinor: [10.5] })).toThrow(CheckoutError);
    expect(() => checkoutTotals({ ...base, depositPaidMinor: -1 })).toThrow(CheckoutError);
    expect(() => checkoutTotals({ ...base, taxRatePpm: 1_000_001 })).toThrow(CheckoutError);
    expect(() => checkoutTotals({ ...base, discount: { kind: 'percent', percent: 120 } })).toThrow(
      CheckoutError,
    );
    expect(() => checkoutTotals({ ...base, tip: { kind: 'amount', amountMinor: -5 } })).toThrow(
      CheckoutError,
    );
  });
});
