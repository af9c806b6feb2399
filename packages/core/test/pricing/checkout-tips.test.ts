import { describe, expect, it } from 'vitest';
import { CheckoutError, checkoutTotals, splitTip, suggestedTips } from '../../src/index.ts';

describe('suggested tips', () => {
  it('15/20/25 % of the pre-tax amount, rounded half up', () => {
    // 4950 × 15% = 742.5 → 743; × 20% = 990; × 25% = 1237.5 → 1238
    expect(suggestedTips(4950)).toEqual([
      { percent: 15, amountMinor: 743 },
      { percent: 20, amountMinor: 990 },
      { percent: 25, amountMinor: 1238 },
    ]);
  });

  it('just below a half rounds down', () => {
    // 333 × 15% = 49.95 → 50; 3 × 15% = 0.45 → 0
    expect(suggestedTips(333, [15])).toEqual([{ percent: 15, amountMinor: 50 }]);
    expect(suggestedTips(3, [15])).toEqual([{ percent: 15, amountMinor: 0 }]);
  });

  it('matches what checkoutTotals charges for the same percent', () => {
    for (const base of [0, 1, 99, 4950, 12_345]) {
      for (const s of suggestedTips(base)) {
        const t = checkoutTotals({
          linesMinor: [base],
          taxRatePpm: 88_750,
          tip: { kind: 'percent', percent: s.percent },
          depositPaidMinor: 0,
        });
        expect(t.tipMinor).toBe(s.amountMinor);
      }
    }
  });

  it('refuses a negative or fractional amount and a percent out of range', () => {
    expect(() => suggestedTips(-1)).toThrow(CheckoutError);
    expect(() => suggestedTips(10.5)).toThrow(CheckoutError);
    expect(() => suggestedTips(100, [1001])).toThrow(CheckoutError);
    expect(() => suggestedTips(100, [-5])).toThrow(CheckoutError);
  });
});

describe('splitting a checkout payment into charge and tip', () => {
  it('takes the tip out of the payment', () => {
    expect(splitTip(5439, 990)).toEqual({ chargeMinor: 4449, tipMinor: 990 });
  });
  it('a payment that is all tip (the deposit covered the service)', () => {
    expect(splitTip(990, 990)).toEqual({ chargeMinor: 0, tipMinor: 990 });
  });
  it('never splits out more tip than was paid', () => {
    expect(splitTip(500, 990)).toEqual({ chargeMinor: 0, tipMinor: 500 });
    expect(splitTip(0, 990)).toEqual({ chargeMinor: 0, tipMinor: 0 });
  });
  it('no tip', () => {
    expect(splitTip(3000, 0)).toEqual({ chargeMinor: 3000, tipMinor: 0 });
  });
  it('refuses bad amounts', () => {
    expect(() => splitTip(-1, 0)).toThrow(CheckoutError);
    expect(() => splitTip(10, 0.5)).toThrow(CheckoutError);
  });
});
