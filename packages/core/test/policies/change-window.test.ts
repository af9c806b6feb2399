import { describe, expect, it } from 'vitest';
import { canClientChange, changeDeadline } from '../../src/policies/change-window.ts';

const H = 3_600_000;
const start = Date.UTC(2026, 11, 1, 15, 0);

describe('change window', () => {
  it('puts the deadline the window before the start, in real hours', () => {
    expect(changeDeadline(start, 24)).toBe(start - 24 * H);
    // Across the 2026-11-01 New York fall-back the window is still 24 real hours.
    const afterDst = Date.parse('2026-11-01T15:00:00-05:00');
    expect(changeDeadline(afterDst, 24)).toBe(Date.parse('2026-10-31T16:00:00-04:00'));
  });

  it('allows changes strictly before the deadline and refuses them at and after it', () => {
    expect(canClientChange(start, 24, start - 24 * H - 1)).toBe(true);
    expect(canClientChange(start, 24, start - 24 * H)).toBe(false);
    expect(canClientChange(start, 24, start - H)).toBe(false);
  });

  it('with a zero window allows changes until the start', () => {
    expect(canClientChange(start, 0, start - 1)).toBe(true);
    expect(canClientChange(start, 0, start)).toBe(false);
  });
});
