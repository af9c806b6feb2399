import { describe, expect, it } from 'vitest';
import { APPOINTMENT_STATUSES, canReschedule, canTransition } from '../../src/booking/lifecycle.ts';

describe('appointment lifecycle', () => {
  it('follows pending → confirmed → checked_in → completed', () => {
    expect(canTransition('pending', 'confirmed')).toBe(true);
    expect(canTransition('confirmed', 'checked_in')).toBe(true);
    expect(canTransition('checked_in', 'completed')).toBe(true);
  });

  it('never leaves a final state', () => {
    for (const final of ['completed', 'cancelled', 'no_show'] as const)
      for (const to of APPOINTMENT_STATUSES) expect(canTransition(final, to)).toBe(false);
  });

  it('does not skip steps or cancel after check-in', () => {
    expect(canTransition('pending', 'completed')).toBe(false);
    expect(canTransition('checked_in', 'cancelled')).toBe(false);
    expect(canReschedule('confirmed')).toBe(true);
    expect(canReschedule('cancelled')).toBe(false);
  });
});
