/**
 * Who may call each back-office route (also stated in the OpenAPI document as `x-roles`).
 * Source: DOMAIN.md roles table ("owner / manager configures locations, services, staff,
 * policies"; a barber "sets hours, breaks and time off"; front desk "books and runs the queue")
 * and issue 3 ("front desk cannot change prices, policies or staff").
 */
import type { StaffRole } from '@bookedbarber/core';

export const BACK_OFFICE_ROUTE_ROLES = {
  /** Front desk reads the shop's details and hours to answer the phone. */
  readSettings: ['owner', 'manager', 'front_desk'],
  /** Time zone and currency: owners only (checked in the service). */
  updateSettings: ['owner', 'manager'],
  listServices: ['owner', 'manager', 'front_desk'],
  changeServices: ['owner', 'manager'],
  listBarbers: ['owner', 'manager', 'front_desk', 'barber'],
  changeBarbers: ['owner', 'manager'],
  /** A barber only their own schedule (checked in the service). */
  schedule: ['owner', 'manager', 'barber'],
  /** A barber sees only their own. */
  listTimeOff: ['owner', 'manager', 'front_desk', 'barber'],
  /** A barber requests for themself (status requested); owners and managers add approved time off. */
  createTimeOff: ['owner', 'manager', 'barber'],
  decideTimeOff: ['owner', 'manager'],
  /** A barber withdraws their own request while undecided; owners and managers remove any. */
  removeTimeOff: ['owner', 'manager', 'barber'],
} as const satisfies Record<string, readonly StaffRole[]>;
