/**
 * The booking confirmation of an appointment waiting for its payment (issue 4, "Booking with
 * payment"): rendered at booking time (the only moment the manage token is known) and written to
 * the outbox as held (due at {@link HELD_UNTIL}), then released in the transaction that confirms
 * the appointment, or dropped when the hold is released unpaid.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { outbox } from '../db/schema.ts';
import type { EmailMessage } from '../repositories/outbox.repository.ts';

/** Due date of a held message: never, until released. */
export const HELD_UNTIL = new Date('9999-01-01T00:00:00Z');

/** Writes `message` to the outbox, held for `appointmentId` (call inside the booking transaction). */
export async function holdConfirmation(
  db: DbOrTx,
  appointmentId: string,
  message: EmailMessage,
): Promise<void> {
  await db.insert(outbox).values({
    kind: 'email',
    payload: { ...message, heldFor: appointmentId } as unknown as Record<string, unknown>,
    availableAt: HELD_UNTIL,
  });
}

/**
 * Makes the held confirmation of `appointmentId` due now (call in the transaction that confirmed it).
 * @returns how many messages were released (0 when none was held).
 */
export async function releaseHeldConfirmation(db: DbOrTx, appointmentId: string, now: Date): Promise<number> {
  const rows = await db
    .update(outbox)
    .set({ availableAt: now })
    .where(
      and(
        isNull(outbox.sentAt),
        eq(outbox.availableAt, HELD_UNTIL),
        sql`${outbox.payload}->>'heldFor' = ${appointmentId}`,
      ),
    )
    .returning({ id: outbox.id });
  return rows.length;
}

/** Deletes the held confirmation of `appointmentId` (its hold was released or the booking undone). */
export async function dropHeldConfirmation(db: DbOrTx, appointmentId: string): Promise<void> {
  await db
    .delete(outbox)
    .where(
      and(
        isNull(outbox.sentAt),
        eq(outbox.availableAt, HELD_UNTIL),
        sql`${outbox.payload}->>'heldFor' = ${appointmentId}`,
      ),
    );
}
