/**
 * The staff view of an appointment's money (issue 4, "A ledger … balances are derived from it"):
 * its payments with their status, its ledger entries and the balance (core ledgerBalance).
 */
import { and, eq } from 'drizzle-orm';
import { AppError } from '@bookedbarber/core';
import { appointments } from '../db/schema.ts';
import {
  appointmentBalance,
  ledgerOfAppointment,
  paymentsOfAppointment,
} from '../repositories/payment.repository.ts';
import { isUuid, type StaffAccess } from './access.service.ts';
import type { AppContext } from './context.ts';

/** An appointment's payments and ledger as staff see them (instants ISO UTC, money minor units). */
export interface AppointmentPaymentsView {
  appointmentId: string;
  currency: string;
  balanceMinor: number;
  payments: Array<{
    id: string;
    purpose: 'deposit' | 'prepayment' | 'card_setup' | 'fee' | 'checkout';
    status: string;
    failureCode: string | null;
    amountMinor: number;
    currency: string;
    providerId: string | null;
    createdAt: string;
    updatedAt: string;
  }>;
  ledger: Array<{
    id: number;
    kind: 'charge' | 'fee' | 'tip' | 'refund' | 'dispute' | 'dispute_won';
    amountMinor: number;
    currency: string;
    providerRef: string;
    paymentId: string | null;
    note: string | null;
    at: string;
  }>;
}

/**
 * The payments of an appointment at the caller's location.
 * @throws AppError NOT_FOUND (no such appointment at this location), FORBIDDEN (a barber asking
 *   about a colleague's appointment).
 */
export async function appointmentPayments(
  ctx: AppContext,
  access: StaffAccess,
  appointmentId: string,
): Promise<AppointmentPaymentsView> {
  const db = ctx.database.db;
  const [appt] = isUuid(appointmentId)
    ? await db
        .select({ id: appointments.id, barberId: appointments.barberId, currency: appointments.currency })
        .from(appointments)
        .where(and(eq(appointments.id, appointmentId), eq(appointments.locationId, access.location.id)))
    : [];
  if (!appt) throw new AppError('NOT_FOUND', 'No appointment with this id at this location.');
  if (access.role.role === 'barber' && access.role.barberId !== appt.barberId)
    throw new AppError('FORBIDDEN', 'Barbers can see only their own appointments.');
  const rows = await paymentsOfAppointment(db, appt.id);
  const ledger = await ledgerOfAppointment(db, appt.id);
  const balanceMinor = await appointmentBalance(db, appt.id);
  return {
    appointmentId: appt.id,
    currency: appt.currency,
    balanceMinor,
    payments: rows.map((p) => ({
      id: p.id,
      purpose: p.purpose,
      status: p.status,
      failureCode: p.failureCode,
      amountMinor: p.amountMinor,
      currency: p.currency,
      providerId: p.providerId,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
    })),
    ledger: ledger.map((e) => ({
      id: e.id,
      kind: e.kind,
      amountMinor: e.amountMinor,
      currency: e.currency,
      providerRef: e.providerRef,
      paymentId: e.paymentId,
      note: e.note,
      at: e.createdAt.toISOString(),
    })),
  };
}
