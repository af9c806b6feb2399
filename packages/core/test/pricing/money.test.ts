import { describe, expect, it } from 'vitest';
import { planBooking, type OfferedService } from '../../src/pricing/money.ts';

const cut: OfferedService = {
  serviceId: 'cut',
  name: 'Haircut',
  durationMinutes: 30,
  priceMinor: 3500,
  bufferBeforeMinutes: 5,
  bufferAfterMinutes: 10,
};
const beard: OfferedService = {
  serviceId: 'beard',
  name: 'Beard trim',
  durationMinutes: 15,
  priceMinor: 1500,
  bufferBeforeMinutes: 2,
  bufferAfterMinutes: 3,
};

describe('planBooking', () => {
  it('sums durations and prices of back-to-back lines, framing buffers from first and last', () => {
    const plan = planBooking([cut, beard]);
    expect(plan.durationMinutes).toBe(45);
    expect(plan.totalMinor).toBe(5000);
    expect(plan.bufferBeforeMinutes).toBe(5);
    expect(plan.bufferAfterMinutes).toBe(3);
    expect(plan.lines.map((l) => l.serviceId)).toEqual(['cut', 'beard']);
  });

  it("applies a barber's price and duration overrides", () => {
    const plan = planBooking([{ ...cut, overrideDurationMinutes: 40, overridePriceMinor: 4500 }, beard]);
    expect(plan.lines[0]).toMatchObject({ durationMinutes: 40, priceMinor: 4500 });
    expect(plan.durationMinutes).toBe(55);
    expect(plan.totalMinor).toBe(6000);
  });

  it('refuses an empty booking and non-integer money', () => {
    expect(() => planBooking([])).toThrow(RangeError);
    expect(() => planBooking([{ ...cut, overridePriceMinor: 12.5 }])).toThrow(RangeError);
  });
});
