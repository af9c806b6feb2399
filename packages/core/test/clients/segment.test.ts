import { describe, expect, it } from 'vitest';
import { clientSegment, type ClientVisitStats } from '../../src/clients/segment.ts';

const NOW = Date.UTC(2026, 10, 22, 12);
const DAY = 86_400_000;
const vip: ClientVisitStats = {
  visits: 10,
  spendMinor: 50_001,
  lastVisitAt: NOW - DAY,
  noShows: 0,
  cancellations: 0,
};
const seg = (s: Partial<ClientVisitStats>) => clientSegment({ ...vip, ...s }, NOW);

describe('clientSegment (DOMAIN.md "Clients and analytics")', () => {
  it('VIP: spent more than $500, at least 10 visits, misses below 10% of visits', () => {
    expect(seg({})).toBe('vip');
  });
  it('spend of exactly $500 is not VIP', () => {
    expect(seg({ spendMinor: 50_000 })).toBe('returning');
  });
  it('9 visits are not VIP', () => {
    expect(seg({ visits: 9 })).toBe('returning');
  });
  it('misses at exactly 10% of visits are not VIP; just under is', () => {
    expect(seg({ visits: 10, noShows: 1 })).toBe('returning');
    expect(seg({ visits: 11, noShows: 1 })).toBe('vip');
    expect(seg({ visits: 20, noShows: 1, cancellations: 1 })).toBe('returning');
  });
  it('a VIP stays VIP even when their last visit is old (VIP is checked first)', () => {
    expect(seg({ lastVisitAt: NOW - 200 * DAY })).toBe('vip');
  });
  it('at-risk after more than 90 days since the last visit, not at exactly 90', () => {
    const base = { visits: 3, spendMinor: 9_000 };
    expect(seg({ ...base, lastVisitAt: NOW - 90 * DAY })).toBe('returning');
    expect(seg({ ...base, lastVisitAt: NOW - 90 * DAY - 1 })).toBe('at_risk');
  });
  it('at-risk with 3 no-shows + cancellations, not with 2', () => {
    const base = { visits: 1, spendMinor: 3_000 };
    expect(seg({ ...base, noShows: 1, cancellations: 1 })).toBe('new');
    expect(seg({ ...base, noShows: 1, cancellations: 2 })).toBe('at_risk');
    expect(seg({ ...base, visits: 0, lastVisitAt: null, noShows: 3 })).toBe('at_risk');
  });
  it('returning from 2 visits; 1 or 0 visits is new', () => {
    expect(seg({ visits: 2, spendMinor: 6_000 })).toBe('returning');
    expect(seg({ visits: 1, spendMinor: 3_000 })).toBe('new');
    expect(
      clientSegment({ visits: 0, spendMinor: 0, lastVisitAt: null, noShows: 0, cancellations: 0 }, NOW),
    ).toBe('new');
  });
});
