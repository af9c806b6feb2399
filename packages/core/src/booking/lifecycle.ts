/**
 * Appointment lifecycle (DOMAIN.md, "Appointment lifecycle"):
 * pending → confirmed → checked_in → completed; or cancelled (by client or shop) or no_show.
 */
export const APPOINTMENT_STATUSES = [
  'pending',
  'confirmed',
  'checked_in',
  'completed',
  'cancelled',
  'no_show',
] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/** Statuses that hold the barber's time; the database exclusion constraint uses the same list. */
export const ACTIVE_STATUSES: readonly AppointmentStatus[] = [
  'pending',
  'confirmed',
  'checked_in',
  'completed',
];

const TRANSITIONS: Record<AppointmentStatus, readonly AppointmentStatus[]> = {
  pending: ['confirmed', 'cancelled'],
  confirmed: ['checked_in', 'cancelled', 'no_show'],
  checked_in: ['completed', 'no_show'],
  completed: [],
  cancelled: [],
  no_show: [],
};

/** Whether `from → to` is an allowed transition. */
export function canTransition(from: AppointmentStatus, to: AppointmentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Whether an appointment in `status` can still be moved to another time. */
export function canReschedule(status: AppointmentStatus): boolean {
  return status === 'pending' || status === 'confirmed';
}
