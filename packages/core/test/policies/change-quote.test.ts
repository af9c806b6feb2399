import { describe, expect, it } from 'vitest';
import {
  PolicyError,
  SEEDED_POLICIES,
  lookupPolicy,
  policyFromChoice,
  quoteChange,
  type CancellationPolicy,
  type ChangeAction,
  type HeldPayment,
} from '../../src/index.ts';

const H = 3_600_000;
const M = 60_000;
const NY = 'America/New_York';
// Monday 2026-12-07 10:00 New York (no DST change nearby).
const START = Date.parse('2026-12-07T10:00:00-05:00');
const deposit = (receivedMinor: number, refundedMinor = 0, paymentId = 'pay_dep'): HeldPayment => ({
  paymentId,
  receivedMinor,
  refundedMinor,
});

function quote(
  policy: CancellationPolicy,
  msBefore: number,
  opts: {
    held?: HeldPayment[];
    first?: boolean;
    action?: ChangeAction;
    card?: boolean;
    start?: number;
  } = {},
) {
  const start = opts.start ?? START;
  return quoteChange({
    policy,
    startMs: start,
    timeZone: NY,
    nowMs: start - msBefore,
    firstTimeClient: opts.first ?? false,
    action: opts.action ?? 'cancel',
    held: opts.held ?? [deposit(4000)],
    hasCardOnFile: opts.card ?? true,
  });
}

const money = (q: ReturnType<typeof quote>) => ({
  net: q.netRefundMinor,
  fee: q.feeMinor,
  charge: q.feeChargeMinor,
  owed: q.feeOwedMinor,
  tier: q.explanation.tierIndex,
});

describe('lookupPolicy', () => {
  const custom = policyFromChoice({
    key: 'custom',
    name: 'Ours',
    tiers: [
      { minHoursBefore: 6, refundPercent: 100, feeMinor: 0 },
      { minHoursBefore: 0, refundPercent: 0, feeMinor: 500 },
    ],
    noShowFeeMinor: 1500,
    firstTimeGraceHours: null,
  });

  it('takes the snapshot, then the service, then the location, then standard', () => {
    const { lenient, strict, standard } = SEEDED_POLICIES;
    expect(lookupPolicy({ snapshot: custom, service: lenient, location: strict })).toBe(custom);
    expect(lookupPolicy({ snapshot: null, service: lenient, location: strict })).toBe(lenient);
    expect(lookupPolicy({ service: null, location: strict })).toBe(strict);
    expect(lookupPolicy({})).toBe(standard);
  });

  it('refuses a malformed stored policy instead of applying it', () => {
    const broken = { ...custom, tiers: [{ minHoursBefore: 5, refundPercent: 100, feeMinor: 0 }] };
    expect(() => lookupPolicy({ location: broken })).toThrow(PolicyError);
  });

  it('builds seeded policies by name and validates custom tiers', () => {
    expect(policyFromChoice({ key: 'strict' })).toEqual(SEEDED_POLICIES.strict);
    expect(custom).toMatchObject({ key: 'custom', name: 'Ours', noShowFeeMinor: 1500 });
    const bad =
      (tiers: CancellationPolicy['tiers'], noShowFeeMinor = 0) =>
      () =>
        policyFromChoice({ key: 'custom', tiers: [...tiers], noShowFeeMinor, firstTimeGraceHours: null });
    expect(bad([])).toThrow(PolicyError);
    expect(bad([{ minHoursBefore: 0, refundPercent: 101, feeMinor: 0 }])).toThrow(PolicyError);
    expect(bad([{ minHoursBefore: 0, refundPercent: 50, feeMinor: -1 }])).toThrow(PolicyError);
    expect(bad([{ minHoursBefore: 0, refundPercent: 50, feeMinor: 1.5 }])).toThrow(PolicyError);
    expect(
      bad([
        { minHoursBefore: 0, refundPercent: 50, feeMinor: 0 },
        { minHoursBefore: 10, refundPercent: 100, feeMinor: 0 },
      ]),
    ).toThrow(PolicyError);
    expect(bad([{ minHoursBefore: 0, refundPercent: 50, feeMinor: 0 }], -5)).toThrow(PolicyError);
  });
});

describe('quoteChange, standard policy, $40 deposit, at every boundary', () => {
  const p = SEEDED_POLICIES.standard;
  it.each([
    ['a week before', 168 * H, { net: 4000, fee: 0, charge: 0, owed: 0, tier: 0 }],
    ['48 h + 1 min', 48 * H + M, { net: 4000, fee: 0, charge: 0, owed: 0, tier: 0 }],
    ['exactly 48 h', 48 * H, { net: 4000, fee: 0, charge: 0, owed: 0, tier: 0 }],
    ['48 h − 1 min', 48 * H - M, { net: 1000, fee: 1000, charge: 0, owed: 0, tier: 1 }],
    ['24 h + 1 min', 24 * H + M, { net: 1000, fee: 1000, charge: 0, owed: 0, tier: 1 }],
    ['exactly 24 h', 24 * H, { net: 1000, fee: 1000, charge: 0, owed: 0, tier: 1 }],
    ['24 h − 1 min', 24 * H - M, { net: 0, fee: 2500, charge: 2500, owed: 0, tier: 2 }],
    ['1 min before', M, { net: 0, fee: 2500, charge: 2500, owed: 0, tier: 2 }],
    ['an hour after the start', -H, { net: 0, fee: 2500, charge: 2500, owed: 0, tier: 2 }],
  ])('%s', (_label, before, expected) => {
    expect(money(quote(p, before))).toEqual(expected);
  });

  it('records the fee as owed without a card on file', () => {
    expect(money(quote(p, 12 * H, { card: false }))).toEqual({
      net: 0,
      fee: 2500,
      charge: 0,
      owed: 2500,
      tier: 2,
    });
  });

  it('charges the whole fee when nothing was paid and nets a fee larger than the refund', () => {
    expect(money(quote(p, 30 * H, { held: [] }))).toEqual({
      net: 0,
      fee: 1000,
      charge: 1000,
      owed: 0,
      tier: 1,
    });
    // 50% of $15 = $7.50 back, minus the $10 fee: nothing back, $2.50 left to charge.
    expect(money(quote(p, 30 * H, { held: [deposit(1500)] }))).toEqual({
      net: 0,
      fee: 1000,
      charge: 250,
      owed: 0,
      tier: 1,
    });
  });

  it('refunds only what is still held, latest payment first', () => {
    const q = quote(p, 72 * H, { held: [deposit(4000, 1000, 'pay_a'), deposit(2000, 0, 'pay_b')] });
    expect(q.netRefundMinor).toBe(5000);
    expect(q.refunds).toEqual([
      { paymentId: 'pay_b', amountMinor: 2000 },
      { paymentId: 'pay_a', amountMinor: 3000 },
    ]);
  });

  it('prices a reschedule with the same window: no refund, the tier fee in full', () => {
    expect(money(quote(p, 48 * H, { action: 'reschedule' }))).toEqual({
      net: 0,
      fee: 0,
      charge: 0,
      owed: 0,
      tier: 0,
    });
    expect(money(quote(p, 30 * H, { action: 'reschedule' }))).toEqual({
      net: 0,
      fee: 1000,
      charge: 1000,
      owed: 0,
      tier: 1,
    });
    expect(money(quote(p, 30 * H, { action: 'reschedule', card: false }))).toMatchObject({
      charge: 0,
      owed: 1000,
    });
    expect(money(quote(p, 30 * H, { action: 'reschedule', first: true }))).toMatchObject({
      fee: 0,
      charge: 0,
    });
    const q = quote(p, 30 * H, { action: 'reschedule' });
    expect(q.refunds).toEqual([]);
    expect(q.explanation.text).toMatch(
      /^Standard policy: Rescheduling .* stays with the appointment, fee 1000/,
    );
  });
});

describe('quoteChange, lenient and strict', () => {
  it.each([
    ['lenient', 24 * H, 4000, 0],
    ['lenient', 24 * H - M, 3000, 0],
    ['lenient', 12 * H, 3000, 0],
    ['lenient', 12 * H - M, 2000, 0],
    ['strict', 72 * H + M, 2000, 1000],
    ['strict', 72 * H, 2000, 1000],
    ['strict', 72 * H - M, 0, 2500],
    ['strict', 48 * H, 0, 2500],
    ['strict', 48 * H - M, 0, 5000],
  ] as const)('%s at %d ms before', (key, before, net, fee) => {
    const q = quote(SEEDED_POLICIES[key], before);
    expect([q.netRefundMinor, q.feeMinor]).toEqual([net, fee]);
  });
});

describe('first-time grace', () => {
  const p = SEEDED_POLICIES.standard; // grace at ≥ 24 h
  it('gives everything back with no fee at and beyond the grace window', () => {
    for (const before of [24 * H, 24 * H + M, 47 * H]) {
      const q = quote(p, before, { first: true });
      expect(money(q)).toEqual({ net: 4000, fee: 0, charge: 0, owed: 0, tier: null });
      expect(q.explanation.firstTimeGrace).toBe(true);
    }
  });

  it('does not apply one minute inside the grace window, nor to returning clients', () => {
    expect(money(quote(p, 24 * H - M, { first: true }))).toMatchObject({ net: 0, fee: 2500, tier: 2 });
    expect(money(quote(p, 24 * H, { first: false }))).toMatchObject({ net: 1000, fee: 1000, tier: 1 });
  });

  it('never applies to a no-show', () => {
    expect(money(quote(p, -H, { first: true, action: 'no_show' }))).toEqual({
      net: 0,
      fee: 5000,
      charge: 5000,
      owed: 0,
      tier: null,
    });
  });
});

describe('no-show', () => {
  it('keeps what was paid and charges the no-show fee, or records it owed without a card', () => {
    const q = quote(SEEDED_POLICIES.strict, -H, { action: 'no_show' });
    expect(q.refunds).toEqual([]);
    expect([q.feeMinor, q.feeChargeMinor, q.feeOwedMinor]).toEqual([10000, 10000, 0]);
    const owed = quote(SEEDED_POLICIES.lenient, -H, { action: 'no_show', card: false });
    expect([owed.feeChargeMinor, owed.feeOwedMinor]).toEqual([0, 2500]);
  });
});

describe('across DST changes (America/New_York)', () => {
  const p = SEEDED_POLICIES.standard;

  it('March: 48 h before a 10:00 start on the Monday after spring-forward is Saturday 09:00 local', () => {
    const start = Date.parse('2026-03-09T10:00:00-04:00'); // EDT
    const boundary = Date.parse('2026-03-07T09:00:00-05:00'); // EST, 48 real hours earlier
    expect(start - boundary).toBe(48 * H);
    const at = (now: number) =>
      quoteChange({
        policy: p,
        startMs: start,
        timeZone: NY,
        nowMs: now,
        firstTimeClient: false,
        action: 'cancel',
        held: [deposit(4000)],
        hasCardOnFile: true,
      });
    expect(at(boundary).netRefundMinor).toBe(4000);
    expect(at(boundary + M).netRefundMinor).toBe(1000);
    // Wall-clock 10:00 Saturday is already inside the 24–48 h tier (only 47 real hours before).
    expect(at(Date.parse('2026-03-07T10:00:00-05:00')).explanation.tierIndex).toBe(1);
    expect(at(boundary - H).explanation.nextTierLocal).toBe('2026-03-07T09:00');
    // 24 h before is Sunday 10:00 EDT (after the change: same wall clock, one real day).
    expect(at(boundary + M).explanation.nextTierLocal).toBe('2026-03-08T10:00');
    expect(at(Date.parse('2026-03-08T10:00:00-04:00')).explanation.tierIndex).toBe(1);
    expect(at(Date.parse('2026-03-08T10:01:00-04:00')).explanation.tierIndex).toBe(2);
  });

  it('November: 48 h before a 10:00 start on the Monday after fall-back is Saturday 11:00 local', () => {
    const start = Date.parse('2026-11-02T10:00:00-05:00'); // EST
    const boundary = Date.parse('2026-10-31T11:00:00-04:00'); // EDT
    expect(start - boundary).toBe(48 * H);
    const at = (now: number, first = false) =>
      quoteChange({
        policy: p,
        startMs: start,
        timeZone: NY,
        nowMs: now,
        firstTimeClient: first,
        action: 'cancel',
        held: [deposit(4000)],
        hasCardOnFile: true,
      });
    expect(at(boundary).explanation.tierIndex).toBe(0);
    expect(at(boundary + M).explanation.tierIndex).toBe(1);
    // Wall-clock 10:00 Saturday is 49 real hours before: still the first tier.
    expect(at(Date.parse('2026-10-31T10:00:00-04:00')).netRefundMinor).toBe(4000);
    expect(at(boundary - M).explanation.nextTierLocal).toBe('2026-10-31T11:00');
    const day = Date.parse('2026-11-01T10:00:00-05:00');
    expect(start - day).toBe(24 * H);
    expect(at(day).explanation.tierIndex).toBe(1);
    expect(at(day + M).explanation.tierIndex).toBe(2);
    // The first-time grace boundary is the same real 24 h.
    expect(at(day, true).explanation.firstTimeGrace).toBe(true);
    expect(at(day + M, true).explanation.firstTimeGrace).toBe(false);
  });

  it('refuses an unknown zone', () => {
    expect(() =>
      quoteChange({
        policy: p,
        startMs: START,
        timeZone: 'Mars/Olympus',
        nowMs: START,
        firstTimeClient: false,
        action: 'cancel',
        held: [],
        hasCardOnFile: false,
      }),
    ).toThrow(PolicyError);
  });
});
