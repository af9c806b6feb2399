import { describe, expect, it } from 'vitest';
import { pickSimilarSlot } from '../../src/clients/similar-slot.ts';

const NY = 'America/New_York';
const at = (iso: string) => Date.parse(iso);

describe('pickSimilarSlot (book again)', () => {
  // The original: Tuesday 2026-10-20 at 10:00 New York (EDT, -04:00).
  const original = at('2026-10-20T10:00:00-04:00');

  it('takes the first week whose same weekday has a slot within ±60 minutes, closest to the original time', () => {
    const slots = [
      at('2026-11-23T10:00:00-05:00'), // Monday: wrong weekday
      at('2026-11-24T08:30:00-05:00'), // Tuesday, 90 min early: outside the window
      at('2026-12-01T11:00:00-05:00'), // next Tuesday, +60
      at('2026-12-01T09:30:00-05:00'), // next Tuesday, -30: closest
      at('2026-12-08T10:00:00-05:00'), // a week later, exact: later week loses
    ];
    expect(pickSimilarSlot(original, slots, NY)).toEqual({
      startMs: at('2026-12-01T09:30:00-05:00'),
      match: 'similar',
    });
  });

  it('compares wall-clock times across the DST change: 10:00 EDT matches 10:00 EST, not 09:00 EST', () => {
    const slots = [at('2026-11-03T09:00:00-05:00'), at('2026-11-03T10:00:00-05:00')];
    // 09:00 EST is 14:00 UTC like 10:00 EDT, but on the clock it is an hour early: 10:00 EST wins.
    expect(pickSimilarSlot(original, slots, NY)).toEqual({
      startMs: at('2026-11-03T10:00:00-05:00'),
      match: 'similar',
    });
  });

  it('on a tie picks the earlier slot', () => {
    const slots = [at('2026-11-03T10:30:00-05:00'), at('2026-11-03T09:30:00-05:00')];
    expect(pickSimilarSlot(original, slots, NY)!.startMs).toBe(at('2026-11-03T09:30:00-05:00'));
  });

  it('accepts exactly 60 minutes away, not 61', () => {
    expect(pickSimilarSlot(original, [at('2026-11-03T11:00:00-05:00')], NY)!.match).toBe('similar');
    expect(pickSimilarSlot(original, [at('2026-11-03T11:01:00-05:00')], NY)!.match).toBe('any');
  });

  it('falls back to the earliest slot at any time when no similar one exists', () => {
    const slots = [at('2026-11-05T16:00:00-05:00'), at('2026-11-04T15:00:00-05:00')];
    expect(pickSimilarSlot(original, slots, NY)).toEqual({
      startMs: at('2026-11-04T15:00:00-05:00'),
      match: 'any',
    });
  });

  it('uses the weekday in the location zone, not UTC (a 21:00 Monday in New York is Tuesday in UTC)', () => {
    const monday9pm = at('2026-10-19T21:00:00-04:00');
    const slots = [at('2026-11-03T21:00:00-05:00'), at('2026-11-02T21:00:00-05:00')];
    expect(pickSimilarSlot(monday9pm, slots, NY)).toEqual({
      startMs: at('2026-11-02T21:00:00-05:00'),
      match: 'similar',
    });
  });

  it('proposes nothing without free slots', () => {
    expect(pickSimilarSlot(original, [], NY)).toBeNull();
  });
});
