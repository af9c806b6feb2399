export * from './errors.ts';
export * from './availability/types.ts';
export * from './pricing/money.ts';
export * from './policies/change-window.ts';
export * from './booking/lifecycle.ts';
