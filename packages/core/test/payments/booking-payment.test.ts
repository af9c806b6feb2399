import { describe, expect, it } from 'vitest';
import { PolicyError, resolveBookingPayment, type PaymentRule } from '../../src/index.ts';

const none: PaymentRule = { mode: 'none' };
const half: PaymentRule = { mode: 'deposit', deposit: { kind: 'percent', percent: 50 } };

describe('resolveBookingPayment', () => {
  it('inherits the location rule: pay at the shop means nothing online', () => {
    expect(resolveBookingPayment(none, [{ priceMinor: 3000, rule: null }], 'USD')).toEqual({
      mode: 'none',
      amountDueOnlineMinor: 0,
      currency: 'USD',
    });
  });

  it('a percent deposit is rounded half up to a whole minor unit', () => {
    expect(resolveBookingPayment(half, [{ priceMinor: 7000, rule: null }], 'USD').amountDueOnlineMinor).toBe(
      3500,
    );
    // 50 % of 1001 = 500.5 → 501; 33 % of 1000 = 330; 33 % of 1015 = 334.95 → 335; 25 % of 2 = 0.5 → 1
    expect(resolveBookingPayment(half, [{ priceMinor: 1001, rule: null }], 'USD').amountDueOnlineMinor).toBe(
      501,
    );
    const third: PaymentRule = { mode: 'deposit', deposit: { kind: 'percent', percent: 33 } };
    expect(resolveBookingPayment(third, [{ priceMinor: 1000, rule: null }], 'USD').amountDueOnlineMinor).toBe(
      330,
    );
    expect(resolveBookingPayment(third, [{ priceMinor: 1015, rule: null }], 'USD').amountDueOnlineMinor).toBe(
      335,
    );
    const quarter: PaymentRule = { mode: 'deposit', deposit: { kind: 'percent', percent: 25 } };
    expect(resolveBookingPayment(quarter, [{ priceMinor: 2, rule: null }], 'USD').amountDueOnlineMinor).toBe(
      1,
    );
  });

  it('a deposit with no amount set is 50 % of the price (DOMAIN.md default)', () => {
    const r = resolveBookingPayment({ mode: 'deposit' }, [{ priceMinor: 4500, rule: null }], 'USD');
    expect(r).toEqual({ mode: 'deposit', amountDueOnlineMinor: 2250, currency: 'USD' });
  });

  it('a fixed deposit is capped at the price', () => {
    const fixed: PaymentRule = { mode: 'deposit', deposit: { kind: 'fixed', amountMinor: 2000 } };
    expect(resolveBookingPayment(fixed, [{ priceMinor: 5000, rule: null }], 'USD').amountDueOnlineMinor).toBe(
      2000,
    );
    expect(resolveBookingPayment(fixed, [{ priceMinor: 2000, rule: null }], 'USD').amountDueOnlineMinor).toBe(
      2000,
    );
    expect(resolveBookingPayment(fixed, [{ priceMinor: 1500, rule: null }], 'USD').amountDueOnlineMinor).toBe(
      1500,
    );
  });

  it('a zero amount takes nothing online (free service, 0 % deposit)', () => {
    expect(resolveBookingPayment(half, [{ priceMinor: 0, rule: null }], 'USD')).toEqual({
      mode: 'none',
      amountDueOnlineMinor: 0,
      currency: 'USD',
    });
    const zero: PaymentRule = { mode: 'deposit', deposit: { kind: 'percent', percent: 0 } };
    expect(resolveBookingPayment(zero, [{ priceMinor: 3000, rule: null }], 'USD').mode).toBe('none');
    expect(
      resolveBookingPayment(
        zero,
        [
          { priceMinor: 3000, rule: null },
          { priceMinor: 1000, rule: { mode: 'card_on_file' } },
        ],
        'USD',
      ),
    ).toEqual({ mode: 'card_on_file', amountDueOnlineMinor: 0, currency: 'USD' });
  });

  it('several services: the strictest mode wins and the amounts add up', () => {
    const r = resolveBookingPayment(
      none,
      [
        { priceMinor: 3000, rule: null },
        { priceMinor: 7000, rule: half },
        { priceMinor: 1500, rule: { mode: 'prepayment' } },
        { priceMinor: 1000, rule: { mode: 'card_on_file' } },
      ],
      'USD',
    );
    expect(r).toEqual({ mode: 'prepayment', amountDueOnlineMinor: 3500 + 1500, currency: 'USD' });
    expect(
      resolveBookingPayment(
        half,
        [
          { priceMinor: 3000, rule: null },
          { priceMinor: 1000, rule: { mode: 'card_on_file' } },
        ],
        'EUR',
      ),
    ).toEqual({ mode: 'deposit', amountDueOnlineMinor: 1500, currency: 'EUR' });
    expect(
      resolveBookingPayment(
        { mode: 'card_on_file' },
        [
          { priceMinor: 3000, rule: null },
          { priceMinor: 1000, rule: none },
        ],
        'USD',
      ),
    ).toEqual({ mode: 'card_on_file', amountDueOnlineMinor: 0, currency: 'USD' });
  });

  it('refuses a bad price or rule', () => {
    expect(() => resolveBookingPayment(none, [{ priceMinor: -1, rule: null }], 'USD')).toThrow(PolicyError);
    expect(() => resolveBookingPayment(half, [{ priceMinor: 10.5, rule: null }], 'USD')).toThrow(PolicyError);
    const bad: PaymentRule = { mode: 'deposit', deposit: { kind: 'percent', percent: 101 } };
    expect(() => resolveBookingPayment(bad, [{ priceMinor: 1000, rule: null }], 'USD')).toThrow(PolicyError);
  });
});
