/**
 * @bookedbarber/core: the pure domain. No I/O, no env; "now" and ids come in as arguments.
 */
export * from './errors.ts';
export * from './availability/types.ts';
export { computeSlots, findSlot, bookingTiming } from './availability/slots.ts';
export * from './time/zoned.ts';
export * from './pricing/money.ts';
export * from './pricing/checkout.ts';
export * from './policies/change-window.ts';
export * from './policies/cancellation.ts';
export * from './policies/change-quote.ts';
export * from './booking/lifecycle.ts';
export * from './payments/settlement.ts';
export * from './auth/index.ts';
export * from './clients/segment.ts';
export * from './clients/similar-slot.ts';
export * from './payments/booking-payment.ts';
