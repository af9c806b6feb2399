/**
 * Releases the slots of bookings whose payment did not arrive in time (issue 4: "not paid →
 * released and the client told"). Every `intervalMs` (15 s by default) each `pending` appointment
 * past its `holdExpiresAt` is cancelled (DOMAIN.md lifecycle: pending → cancelled) with reason
 * `payment_timeout`, in one transaction with its history entry, live event and an email telling the
 * client the slot was released and nothing was charged. After the commit its unpaid provider intent
 * is cancelled (key `payment:<id>:cancel`); a setup intent is left (it cannot charge anyone).
 * Money that still arrives is refunded by afterPaymentApplied (payment-effects.ts), which this job
 * also runs when the intent turns out to have succeeded meanwhile.
 */
import { eq } from 'drizzle-orm';
import { toOffsetIso } from '@bookedbarber/core';
import { appointments, locations } from '../db/schema.ts';
import { addHistory, findAppointmentById } from '../repositories/appointment.repository.ts';
import { enqueueEmail, type EmailMessage } from '../repositories/outbox.repository.ts';
import {
  paymentsOfAppointment,
  updatePayment,
  type PaymentRecord,
} from '../repositories/payment.repository.ts';
import { clientCipher } from '../security/client-fields.ts';
import { appointmentChanged } from '../services/appointment-events.ts';
import { expiredHolds } from '../services/booking-payment.service.ts';
import { inTransaction } from '../services/booking.service.ts';
import type { AppContext } from '../services/context.ts';
import { dropHeldConfirmation } from '../services/held-confirmation.ts';
import { escapeHtml, formatWhen } from '../services/messages.ts';
import { afterPaymentApplied } from '../services/payment-effects.ts';
import { applyPaymentIntent } from '../services/payment.service.ts';

/** Idempotency key of cancelling the provider intent of a released hold. */
export function holdCancelKey(paymentId: string): string {
  return `payment:${paymentId}:cancel`;
}

/** The email telling a client their unpaid hold was released. */
export function holdReleasedEmail(v: {
  to: string;
  clientName: string;
  locationName: string;
  locationSlug: string;
  start: string;
  timezone: string;
  publicUrl: string;
}): EmailMessage {
  const when = formatWhen(v.start, v.timezone);
  const bookAgain = `${v.publicUrl}/${v.locationSlug}`;
  const lead = `the time we held for you at ${v.locationName} (${when}) was released because the payment did not arrive in time. Nothing was charged.`;
  return {
    to: v.to,
    subject: `Not booked: ${v.locationName}, ${when}`,
    text: [`Hi ${v.clientName}, ${lead}`, '', `Book again: ${bookAgain}`].join('\n'),
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5">
<p>Hi ${escapeHtml(v.clientName)}, ${escapeHtml(lead)}</p>
<p><a href="${escapeHtml(bookAgain)}">Book again</a></p>
</body></html>`,
  };
}

/**
 * One pass: releases every expired hold (at most 100 per pass), then cancels their intents.
 * @returns the ids of the appointments released.
 */
export async function releaseExpiredHolds(ctx: AppContext): Promise<string[]> {
  const released: string[] = [];
  const toCancel: PaymentRecord[] = [];
  for (const id of await expiredHolds(ctx.database.db, ctx.now())) {
    const done = await inTransaction(ctx, async (tx) => {
      const [row] = await tx
        .select({ status: appointments.status, holdExpiresAt: appointments.holdExpiresAt })
        .from(appointments)
        .where(eq(appointments.id, id))
        .for('update');
      // Paid or cancelled meanwhile, or the hold was extended: leave it.
      if (row?.status !== 'pending' || !row.holdExpiresAt || row.holdExpiresAt > ctx.now()) return false;
      const now = ctx.now();
      await tx
        .update(appointments)
        .set({ status: 'cancelled', updatedAt: now })
        .where(eq(appointments.id, id));
      await addHistory(tx, {
        appointmentId: id,
        actor: 'system',
        action: 'cancelled',
        fromStatus: 'pending',
        toStatus: 'cancelled',
        details: { reason: 'payment_timeout', holdExpiresAt: row.holdExpiresAt.toISOString() },
      });
      const record = (await findAppointmentById(tx, clientCipher(ctx.secrets), id))!;
      await appointmentChanged(tx, ctx, {
        type: 'appointment.cancelled',
        locationId: record.locationId,
        appointmentId: id,
      });
      await dropHeldConfirmation(tx, id);
      const [loc] = await tx.select().from(locations).where(eq(locations.id, record.locationId));
      if (record.clientEmail && loc)
        await enqueueEmail(
          tx,
          holdReleasedEmail({
            to: record.clientEmail,
            clientName: record.clientName,
            locationName: loc.name,
            locationSlug: loc.slug,
            start: toOffsetIso(record.startsAt.getTime(), loc.timezone),
            timezone: loc.timezone,
            publicUrl: ctx.config.publicUrl,
          }),
          now,
        );
      toCancel.push(
        ...(await paymentsOfAppointment(tx, id)).filter(
          (p) =>
            (p.purpose === 'deposit' || p.purpose === 'prepayment') &&
            p.providerId &&
            p.status !== 'succeeded' &&
            p.status !== 'canceled',
        ),
      );
      return true;
    });
    if (done) released.push(id);
  }
  if (released.length > 0) ctx.outboxWritten();
  for (const p of toCancel) await cancelIntent(ctx, p);
  return released;
}

async function cancelIntent(ctx: AppContext, p: PaymentRecord): Promise<void> {
  const provider = ctx.payments?.provider;
  if (!provider || !p.providerId) return;
  try {
    const info = await provider.cancelPaymentIntent(p.providerId, holdCancelKey(p.id));
    await updatePayment(ctx.database.db, p.id, { status: info.status }, ctx.now());
  } catch {
    // It could not be cancelled: most likely paid meanwhile. Read it and apply; late money is
    // refunded by afterPaymentApplied. If the provider is unreachable, the reconciliation job (or
    // the webhook) applies it later.
    try {
      const info = await provider.retrievePaymentIntent(p.providerId);
      const result = await inTransaction(ctx, (tx) => applyPaymentIntent(ctx, tx, info));
      await afterPaymentApplied(ctx, result);
    } catch {
      // left for the reconciliation job
    }
  }
}

/** The running job: `run()` makes one pass now (tests and the manual harness), `stop()` ends it. */
export interface HoldExpiryJob {
  run(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Starts the job.
 * @param intervalMs between passes (default 15 s); 0 = only when `run()` is called.
 */
export function startHoldExpiryJob(
  ctx: AppContext,
  opts: { intervalMs?: number; log?: { warn: (obj: object, msg: string) => void } } = {},
): HoldExpiryJob {
  const interval = opts.intervalMs ?? 15_000;
  let running: Promise<string[]> | null = null;
  const run = () => {
    running ??= releaseExpiredHolds(ctx).finally(() => {
      running = null;
    });
    return running;
  };
  const timer =
    interval > 0
      ? setInterval(() => {
          run().catch((err: unknown) => opts.log?.warn({ err }, 'Releasing expired payment holds failed'));
        }, interval)
      : null;
  timer?.unref();
  return {
    run,
    async stop() {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
