/**
 * The money ledger and payment records (src/repositories/payment.repository.ts, migration 0005):
 * an entry is written once per (kind, provider reference) so a duplicate webhook or a retry adds
 * nothing; the table refuses UPDATE and DELETE (append-only); amounts must be positive; a webhook
 * event id is recorded once; a payment is created once per idempotency key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { book, bookingBody, tokenOf } from '../support/api.ts';
import { appointments, ledgerEntries, locations } from '../../src/db/schema.ts';
import {
  appendLedger,
  appointmentBalance,
  insertPayment,
  ledgerOfAppointment,
  recordWebhookEvent,
} from '../../src/repositories/payment.repository.ts';
import { hashToken } from '../../src/services/booking.service.ts';
import { eq } from 'drizzle-orm';

let t: TestApp;
let appointmentId: string;
let organizationId: string;

beforeAll(async () => {
  t = await createTestApp();
  const res = await book(t, bookingBody(t, '2026-12-08T10:00:00-05:00'));
  expect(res.statusCode).toBe(201);
  const [row] = await t.runtime.database.db
    .select({ id: appointments.id, locationId: appointments.locationId })
    .from(appointments)
    .where(eq(appointments.manageTokenHash, hashToken(tokenOf(res.json().manageUrl))));
  appointmentId = row!.id;
  const [loc] = await t.runtime.database.db
    .select({ organizationId: locations.organizationId })
    .from(locations)
    .where(eq(locations.id, row!.locationId));
  organizationId = loc!.organizationId;
});
afterAll(async () => t?.close());

const entry = (over: Partial<Parameters<typeof appendLedger>[1]> = {}) => ({
  organizationId,
  appointmentId,
  paymentId: null,
  kind: 'charge' as const,
  amountMinor: 2750,
  currency: 'USD',
  providerRef: 'ch_1',
  ...over,
});

describe('ledger', () => {
  it('writes a movement once per kind and provider reference, and derives the balance', async () => {
    const db = t.runtime.database.db;
    expect(await appendLedger(db, entry())).toBe(true);
    expect(await appendLedger(db, entry())).toBe(false);
    expect(await appendLedger(db, entry({ kind: 'refund', amountMinor: 1000, providerRef: 're_1' }))).toBe(
      true,
    );
    expect(await appendLedger(db, entry({ kind: 'refund', amountMinor: 1000, providerRef: 're_1' }))).toBe(
      false,
    );
    expect((await ledgerOfAppointment(db, appointmentId)).map((e) => [e.kind, e.amountMinor])).toEqual([
      ['charge', 2750],
      ['refund', 1000],
    ]);
    expect(await appointmentBalance(db, appointmentId)).toBe(1750);
  });

  it('refuses to change or delete an entry', async () => {
    const db = t.runtime.database.db;
    await expect(db.update(ledgerEntries).set({ amountMinor: 1 })).rejects.toThrow();
    await expect(db.delete(ledgerEntries)).rejects.toThrow();
    expect(await appointmentBalance(db, appointmentId)).toBe(1750);
  });

  it('refuses a zero or negative amount', async () => {
    const db = t.runtime.database.db;
    await expect(appendLedger(db, entry({ amountMinor: 0, providerRef: 'ch_zero' }))).rejects.toThrow();
    await expect(appendLedger(db, entry({ amountMinor: -5, providerRef: 'ch_neg' }))).rejects.toThrow();
  });
});

describe('payments and webhook events', () => {
  it('creates one payment per idempotency key', async () => {
    const db = t.runtime.database.db;
    const p = {
      organizationId,
      appointmentId,
      purpose: 'deposit' as const,
      provider: 'stripe',
      idempotencyKey: `appointment:${appointmentId}:deposit`,
      amountMinor: 2750,
      currency: 'USD',
    };
    const a = await insertPayment(db, p);
    const b = await insertPayment(db, p);
    expect(b.id).toBe(a.id);
    expect(a.status).toBe('creating');
  });

  it('records a webhook event id once', async () => {
    const db = t.runtime.database.db;
    const e = { id: 'evt_1', type: 'payment_intent.succeeded', objectId: 'pi_1' };
    expect(await recordWebhookEvent(db, e)).toBe(true);
    expect(await recordWebhookEvent(db, e)).toBe(false);
  });
});
