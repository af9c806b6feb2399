/**
 * The client's cancel/reschedule window (DOMAIN.md, "Cancellations": hours before = start − now;
 * the same window governs reschedules).
 */

const HOUR_MS = 3_600_000;

/**
 * The last instant (epoch ms) at which the client may still cancel or reschedule online.
 * @param startMs appointment start, epoch ms.
 * @param changeWindowHours the location's window in hours (0 = until the start).
 */
export function changeDeadline(startMs: number, changeWindowHours: number): number {
  return startMs - changeWindowHours * HOUR_MS;
}

/**
 * Whether the client may still change the appointment at `nowMs`: strictly before the deadline.
 * Exactly at the deadline (e.g. exactly 24 h before with a 24 h window) the change is refused.
 */
export function canClientChange(startMs: number, changeWindowHours: number, nowMs: number): boolean {
  return nowMs < changeDeadline(startMs, changeWindowHours);
}
