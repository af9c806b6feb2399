/**
 * Checkouts (issue 4, "Checkout"; schema.ts `checkouts`): one row per appointment, written when
 * the desk closes the ticket (`awaiting_payment`) and marked `paid` once the money is in. Tips are
 * read from the ledger (`ledger_entries` of kind `tip`, attributed to a barber).
 */
import { and, asc, count, eq, gte, lt } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { appointments, checkouts, clients, ledgerEntries, locations, payments } from '../db/schema.ts';

/** A checkout row. */
export type CheckoutRecord = typeof checkouts.$inferSelect;
/** The values of a checkout being written (the appointment id is the key). */
export type CheckoutValues = Omit<typeof checkouts.$inferInsert, 'createdAt'>;

/** The checkout of an appointment, or undefined. Pass `lock` inside a transaction to hold the row. */
export async function findCheckout(
  db: DbOrTx,
  appointmentId: string,
  lock = false,
): Promise<CheckoutRecord | undefined> {
  const q = db.select().from(checkouts).where(eq(checkouts.appointmentId, appointmentId));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

/** Writes the checkout (insert, or replace the figures of one not yet paid). */
export async function saveCheckout(db: DbOrTx, values: CheckoutValues): Promise<void> {
  const { appointmentId: _id, organizationId: _org, ...rest } = values;
  await db
    .insert(checkouts)
    .values(values)
    .onConflictDoUpdate({ target: checkouts.appointmentId, set: rest });
}

/** Marks a checkout paid at `at`. */
export async function markCheckoutPaid(db: DbOrTx, appointmentId: string, at: Date): Promise<void> {
  await db
    .update(checkouts)
    .set({ status: 'paid', paidAt: at })
    .where(eq(checkouts.appointmentId, appointmentId));
}

/** The tax rate of a location, parts per million (0 when the location is unknown). */
export async function locationTaxRatePpm(db: DbOrTx, locationId: string): Promise<number> {
  const [row] = await db
    .select({ ppm: locations.taxRatePpm })
    .from(locations)
    .where(eq(locations.id, locationId));
  return row?.ppm ?? 0;
}

/** Whether the client has a saved card the shop can charge off-session. */
export async function clientHasCardOnFile(db: DbOrTx, clientId: string): Promise<boolean> {
  const [row] = await db
    .select({ customer: clients.providerCustomerId, card: clients.cardOnFileId })
    .from(clients)
    .where(eq(clients.id, clientId));
  return Boolean(row?.customer && row.card);
}

/** The checkout payments of an appointment, oldest first. */
export function checkoutPayments(db: DbOrTx, appointmentId: string) {
  return db
    .select()
    .from(payments)
    .where(and(eq(payments.appointmentId, appointmentId), eq(payments.purpose, 'checkout')))
    .orderBy(asc(payments.createdAt), asc(payments.id));
}

/** How many ledger entries a payment has (0 = its money was never recorded). */
export async function ledgerEntriesOfPayment(db: DbOrTx, paymentId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.paymentId, paymentId));
  return row?.n ?? 0;
}

/** One tip as the tips report needs it. */
export interface TipRow {
  appointmentId: string;
  /** When the appointment started (the day the tip is counted on). */
  startsAt: Date;
  amountMinor: number;
  currency: string;
}

/**
 * The tips attributed to a barber for appointments at a location starting in [from, to),
 * by appointment start.
 */
export function tipsOfBarber(
  db: DbOrTx,
  locationId: string,
  barberId: string,
  from: Date,
  to: Date,
): Promise<TipRow[]> {
  return db
    .select({
      appointmentId: ledgerEntries.appointmentId,
      startsAt: appointments.startsAt,
      amountMinor: ledgerEntries.amountMinor,
      currency: ledgerEntries.currency,
    })
    .from(ledgerEntries)
    .innerJoin(appointments, eq(appointments.id, ledgerEntries.appointmentId))
    .where(
      and(
        eq(ledgerEntries.kind, 'tip'),
        eq(ledgerEntries.barberId, barberId),
        eq(appointments.locationId, locationId),
        gte(appointments.startsAt, from),
        lt(appointments.startsAt, to),
      ),
    )
    .orderBy(asc(appointments.startsAt), asc(ledgerEntries.id));
}
