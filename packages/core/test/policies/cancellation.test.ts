import { describe, expect, it } from 'vitest';
import { Temporal } from 'temporal-polyfill';
import {
  SEEDED_POLICIES,
  PolicyError,
  changeOutcome,
  depositFor,
  onlinePaymentProblem,
  resolvePolicy,
  type CancellationPolicy,
} from '../../src/index.ts';

const H = 3_600_000;
const START = Date.UTC(2026, 11, 10, 15, 0); // any instant; only differences matter

function at(policy: CancellationPolicy, hoursBefore: number, paidMinor = 4000, firstTimeClient = false) {
  return changeOutcome({
    policy,
    startMs: START,
    nowMs: START - hoursBefore * H,
    paidMinor,
    firstTimeClient,
  });
}

describe('seeded policies at every boundary (DOMAIN.md table)', () => {
  // [policy, hours before, expected refund %, expected fee]
  const cases: Array<[keyof typeof SEEDED_POLICIES, number, number, number]> = [
    ['standard', 72, 100, 0],
    ['standard', 48, 100, 0],
    ['standard', 48 - 1 / 3600, 50, 1000],
    ['standard', 24, 50, 1000],
    ['standard', 24 - 1 / 3600, 0, 2500],
    ['standard', 0.5, 0, 2500],
    ['lenient', 24, 100, 0],
    ['lenient', 23.99, 75, 0],
    ['lenient', 12, 75, 0],
    ['lenient', 11.99, 50, 0],
    ['lenient', 0, 50, 0],
    ['strict', 100, 75, 1000],
    ['strict', 72, 75, 1000],
    ['strict', 71.99, 25, 2500],
    ['strict', 48, 25, 2500],
    ['strict', 47.99, 0, 5000],
  ];
  it.each(cases)('%s, %f h before: %i%% back, fee %i', (key, hours, percent, fee) => {
    const o = at(SEEDED_POLICIES[key], hours, 4000);
    expect(o.refundMinor).toBe((4000 * percent) / 100);
    expect(o.feeMinor).toBe(fee);
    expect(o.netRefundMinor).toBe(Math.max(0, o.refundMinor - fee));
    expect(o.feeDueMinor).toBe(Math.max(0, fee - o.refundMinor));
  });

  it('after the start the last tier applies', () => {
    const o = at(SEEDED_POLICIES.standard, -2, 4000);
    expect(o.tierIndex).toBe(2);
    expect(o.netRefundMinor).toBe(0);
    expect(o.feeDueMinor).toBe(2500);
  });

  it('net refund is refund minus fee, the rest of a fee is due', () => {
    // standard middle tier on a $15 deposit: 50% = 750 back, $10 fee → 0 back, 250 due
    const o = at(SEEDED_POLICIES.standard, 30, 1500);
    expect(o).toMatchObject({ refundMinor: 750, feeMinor: 1000, netRefundMinor: 0, feeDueMinor: 250 });
    // nothing paid (card on file): the whole fee is due
    expect(at(SEEDED_POLICIES.standard, 10, 0)).toMatchObject({
      refundMinor: 0,
      netRefundMinor: 0,
      feeDueMinor: 2500,
    });
  });
});

describe('first-time client grace', () => {
  it('at or beyond the grace window: everything back, no fee', () => {
    const o = at(SEEDED_POLICIES.strict, 48, 4000, true);
    expect(o).toMatchObject({ firstTimeGrace: true, tierIndex: null, netRefundMinor: 4000, feeMinor: 0 });
    expect(at(SEEDED_POLICIES.standard, 24, 4000, true).netRefundMinor).toBe(4000);
  });
  it('inside the grace window the tiers apply as for anyone', () => {
    const o = at(SEEDED_POLICIES.standard, 23.5, 4000, true);
    expect(o.firstTimeGrace).toBe(false);
    expect(o.feeMinor).toBe(2500);
  });
  it('a returning client gets no grace', () => {
    expect(at(SEEDED_POLICIES.strict, 50, 4000, false).refundMinor).toBe(1000);
  });
});

describe('across a DST change: hours before are elapsed hours', () => {
  const zone = 'America/New_York';
  // Spring forward: Sunday 2026-03-08 02:00 → 03:00.
  const start = Temporal.ZonedDateTime.from({ timeZone: zone, year: 2026, month: 3, day: 9, hour: 10 });
  const startMs = start.epochMilliseconds;
  it('exactly 48 elapsed hours before a Monday 10:00 start is Saturday 09:00 on the wall clock', () => {
    const sat0900 = Temporal.ZonedDateTime.from({ timeZone: zone, year: 2026, month: 3, day: 7, hour: 9 });
    const sat1000 = Temporal.ZonedDateTime.from({ timeZone: zone, year: 2026, month: 3, day: 7, hour: 10 });
    const p = SEEDED_POLICIES.standard;
    const o1 = changeOutcome({
      policy: p,
      startMs,
      nowMs: sat0900.epochMilliseconds,
      paidMinor: 4000,
      firstTimeClient: false,
    });
    expect(o1.hoursBefore).toBe(48);
    expect(o1.refundMinor).toBe(4000);
    // Saturday 10:00 looks like "48 hours" on the wall clock but is only 47 elapsed: middle tier.
    const o2 = changeOutcome({
      policy: p,
      startMs,
      nowMs: sat1000.epochMilliseconds,
      paidMinor: 4000,
      firstTimeClient: false,
    });
    expect(o2.hoursBefore).toBe(47);
    expect(o2.refundMinor).toBe(2000);
  });
  it('fall back: 24 elapsed hours before a Sunday-after 10:00 start is Saturday 11:00', () => {
    // Fall back: Sunday 2026-11-01 02:00 → 01:00; start Sunday 10:00 (after the change).
    const s = Temporal.ZonedDateTime.from({
      timeZone: zone,
      year: 2026,
      month: 11,
      day: 1,
      hour: 10,
    }).epochMilliseconds;
    const sat1100 = Temporal.ZonedDateTime.from({ timeZone: zone, year: 2026, month: 10, day: 31, hour: 11 });
    const o = changeOutcome({
      policy: SEEDED_POLICIES.standard,
      startMs: s,
      nowMs: sat1100.epochMilliseconds,
      paidMinor: 4000,
      firstTimeClient: false,
    });
    expect(o.hoursBefore).toBe(24);
    expect(o.tierIndex).toBe(1);
  });
});

describe('policy lookup: service, then location, then default', () => {
  const custom: CancellationPolicy = { ...SEEDED_POLICIES.lenient, key: 'custom' };
  it('takes the first one set', () => {
    expect(resolvePolicy(custom, SEEDED_POLICIES.strict).key).toBe('custom');
    expect(resolvePolicy(null, SEEDED_POLICIES.strict).key).toBe('strict');
    expect(resolvePolicy(undefined, null).key).toBe('standard');
  });
  it('refuses a malformed custom policy', () => {
    const bad: CancellationPolicy = {
      ...custom,
      tiers: [{ minHoursBefore: 24, refundPercent: 100, feeMinor: 0 }],
    };
    expect(() =>
      changeOutcome({ policy: bad, startMs: START, nowMs: START, paidMinor: 100, firstTimeClient: false }),
    ).toThrow(PolicyError);
    const up: CancellationPolicy = {
      ...custom,
      tiers: [
        { minHoursBefore: 12, refundPercent: 100, feeMinor: 0 },
        { minHoursBefore: 24, refundPercent: 50, feeMinor: 0 },
        { minHoursBefore: 0, refundPercent: 0, feeMinor: 0 },
      ],
    };
    expect(() =>
      changeOutcome({ policy: up, startMs: START, nowMs: START, paidMinor: 100, firstTimeClient: false }),
    ).toThrow(PolicyError);
    expect(() => at(custom, 5, 10.5)).toThrow(PolicyError);
  });
});

describe('deposits and limits', () => {
  it('defaults to 50% of the price, rounded half up to a minor unit', () => {
    expect(depositFor(3500)).toBe(1750);
    expect(depositFor(3501)).toBe(1751); // 1750.5 → 1751
    expect(depositFor(3, { kind: 'percent', percent: 33 })).toBe(1); // 0.99 → 1
  });
  it('a fixed deposit never exceeds the price', () => {
    expect(depositFor(3500, { kind: 'fixed', amountMinor: 1000 })).toBe(1000);
    expect(depositFor(800, { kind: 'fixed', amountMinor: 1000 })).toBe(800);
  });
  it('refuses nonsense', () => {
    expect(() => depositFor(-1)).toThrow(PolicyError);
    expect(() => depositFor(100, { kind: 'percent', percent: 101 })).toThrow(PolicyError);
    expect(() => depositFor(100, { kind: 'fixed', amountMinor: 1.5 })).toThrow(PolicyError);
  });
  it('an online payment must be a positive integer at most the limit (default 100,000)', () => {
    expect(onlinePaymentProblem(100_000)).toBeNull();
    expect(onlinePaymentProblem(100_001)).toBe('over_limit');
    expect(onlinePaymentProblem(0)).toBe('not_positive_integer');
    expect(onlinePaymentProblem(12.5)).toBe('not_positive_integer');
    expect(onlinePaymentProblem(500, 400)).toBe('over_limit');
  });
});
