/**
 * Payments, the money ledger and processed webhook events (issue 4; schema.ts `payments`,
 * `ledger_entries`, `webhook_events`). The ledger is append-only (a trigger refuses UPDATE and
 * DELETE) and unique per (kind, providerRef), so recording one movement twice is a no-op.
 */
import { and, asc, eq, inArray, lt } from 'drizzle-orm';
import { ledgerBalance, type LedgerKind } from '@bookedbarber/core';
import type { DbOrTx } from '../db/client.ts';
import { ledgerEntries, payments, webhookEvents } from '../db/schema.ts';

/** A payment row. */
export type PaymentRecord = typeof payments.$inferSelect;
/** What a payment purpose is. */
export type PaymentPurpose = PaymentRecord['purpose'];
/** A ledger row. */
export type LedgerRecord = typeof ledgerEntries.$inferSelect;

/**
 * Records a payment before the provider is called (status `creating`).
 * @returns the new row; a second call with the same idempotency key returns the existing row.
 */
export async function insertPayment(
  db: DbOrTx,
  p: {
    organizationId: string;
    appointmentId: string;
    purpose: PaymentPurpose;
    provider: string;
    idempotencyKey: string;
    amountMinor: number;
    currency: string;
  },
): Promise<PaymentRecord> {
  const [row] = await db
    .insert(payments)
    .values({ ...p, status: 'creating' })
    .onConflictDoNothing({ target: payments.idempotencyKey })
    .returning();
  if (row) return row;
  const [existing] = await db.select().from(payments).where(eq(payments.idempotencyKey, p.idempotencyKey));
  return existing!;
}

/** Stores what the provider answered: its object id, status and failure code. */
export async function updatePayment(
  db: DbOrTx,
  id: string,
  patch: { providerId?: string; status: string; failureCode?: string | null },
  now: Date,
): Promise<void> {
  await db
    .update(payments)
    .set({ ...patch, updatedAt: now })
    .where(eq(payments.id, id));
}

/** The payment for a provider object (pi_…, seti_…), or undefined. */
export async function findPaymentByProviderId(
  db: DbOrTx,
  providerId: string,
): Promise<PaymentRecord | undefined> {
  const [row] = await db.select().from(payments).where(eq(payments.providerId, providerId));
  return row;
}

/** A payment by our id, or undefined. */
export async function findPayment(db: DbOrTx, id: string): Promise<PaymentRecord | undefined> {
  const [row] = await db.select().from(payments).where(eq(payments.id, id));
  return row;
}

/** An appointment's payments, oldest first. */
export function paymentsOfAppointment(db: DbOrTx, appointmentId: string): Promise<PaymentRecord[]> {
  return db
    .select()
    .from(payments)
    .where(eq(payments.appointmentId, appointmentId))
    .orderBy(asc(payments.createdAt), asc(payments.id));
}

/** Payments whose outcome we never heard (still `creating` or waiting) and older than `before`: for the reconciliation job. */
export function unsettledPayments(db: DbOrTx, before: Date, limit = 100): Promise<PaymentRecord[]> {
  return db
    .select()
    .from(payments)
    .where(
      and(
        inArray(payments.status, [
          'creating',
          'requires_payment_method',
          'requires_confirmation',
          'requires_action',
          'processing',
        ]),
        lt(payments.updatedAt, before),
      ),
    )
    .orderBy(asc(payments.updatedAt))
    .limit(limit);
}

/** A new ledger entry. `amountMinor` is positive; the kind gives the direction. */
export interface NewLedgerEntry {
  organizationId: string;
  appointmentId: string;
  paymentId: string | null;
  kind: LedgerKind;
  amountMinor: number;
  currency: string;
  providerRef: string;
  barberId?: string | null;
  note?: string | null;
}

/**
 * Appends an entry unless one with the same kind and provider reference exists.
 * @returns true when it was written, false when it was already there.
 */
export async function appendLedger(db: DbOrTx, e: NewLedgerEntry): Promise<boolean> {
  const rows = await db
    .insert(ledgerEntries)
    .values(e)
    .onConflictDoNothing({ target: [ledgerEntries.kind, ledgerEntries.providerRef] })
    .returning({ id: ledgerEntries.id });
  return rows.length > 0;
}

/** An appointment's ledger, oldest first. */
export function ledgerOfAppointment(db: DbOrTx, appointmentId: string): Promise<LedgerRecord[]> {
  return db
    .select()
    .from(ledgerEntries)
    .where(eq(ledgerEntries.appointmentId, appointmentId))
    .orderBy(asc(ledgerEntries.id));
}

/** What the shop holds for an appointment (core ledgerBalance over its entries), minor units. */
export async function appointmentBalance(db: DbOrTx, appointmentId: string): Promise<number> {
  return ledgerBalance(await ledgerOfAppointment(db, appointmentId));
}

/**
 * Records a webhook event id in the caller's transaction, the same one that applies its effect.
 * @returns true the first time, false for a duplicate delivery.
 */
export async function recordWebhookEvent(
  db: DbOrTx,
  e: { id: string; type: string; objectId: string },
): Promise<boolean> {
  const rows = await db
    .insert(webhookEvents)
    .values(e)
    .onConflictDoNothing({ target: webhookEvents.id })
    .returning({ id: webhookEvents.id });
  return rows.length > 0;
}
