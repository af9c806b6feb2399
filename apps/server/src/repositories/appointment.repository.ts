/**
 * Appointments, their service lines and their history.
 */
import { and, asc, eq, gt, inArray, lt, ne } from 'drizzle-orm';
import type { AppointmentStatus, ServiceLine } from '@bookedbarber/core';
import type { DbOrTx } from '../db/client.ts';
import {
  appointmentHistory,
  appointmentServices,
  appointments,
  barbers,
  clients,
  timeOff,
} from '../db/schema.ts';
import type { ClientFieldCipher } from '../security/client-fields.ts';
import { openClientEmail, openClientPhone } from './client.repository.ts';

/** An appointment with what the client-facing view needs. Instants are Dates (UTC). */
export interface AppointmentRecord {
  id: string;
  locationId: string;
  barberId: string;
  barberName: string;
  clientId: string;
  clientName: string;
  clientEmail: string | null;
  status: AppointmentStatus;
  source: 'online' | 'phone' | 'walk_in' | 'staff';
  startsAt: Date;
  endsAt: Date;
  totalMinor: number;
  currency: string;
  notes: string | null;
  lines: ServiceLine[];
}

/** Everything needed to insert an appointment. */
export interface NewAppointment {
  locationId: string;
  barberId: string;
  clientId: string;
  source: AppointmentRecord['source'];
  status: AppointmentStatus;
  startsAt: Date;
  endsAt: Date;
  occupiedFrom: Date;
  occupiedUntil: Date;
  totalMinor: number;
  currency: string;
  notes: string | null;
  manageTokenHash: string;
  lines: ServiceLine[];
}

/** Inserts the appointment and its lines; the exclusion constraint may raise 23P01. Returns the id. */
export async function insertAppointment(db: DbOrTx, a: NewAppointment): Promise<string> {
  const { lines, ...row } = a;
  const [created] = await db.insert(appointments).values(row).returning({ id: appointments.id });
  const id = created!.id;
  await db.insert(appointmentServices).values(
    lines.map((l, position) => ({
      appointmentId: id,
      position,
      serviceId: l.serviceId,
      name: l.name,
      durationMinutes: l.durationMinutes,
      priceMinor: l.priceMinor,
    })),
  );
  return id;
}

async function load(
  db: DbOrTx,
  cipher: ClientFieldCipher,
  where: ReturnType<typeof eq>,
): Promise<AppointmentRecord | undefined> {
  const [row] = await db
    .select({
      a: appointments,
      barberName: barbers.name,
      clientName: clients.name,
      clientEmail: clients.email,
      clientEncrypted: clients.encrypted,
    })
    .from(appointments)
    .innerJoin(barbers, eq(barbers.id, appointments.barberId))
    .innerJoin(clients, eq(clients.id, appointments.clientId))
    .where(where)
    .limit(1);
  if (!row) return undefined;
  const lines = await db
    .select()
    .from(appointmentServices)
    .where(eq(appointmentServices.appointmentId, row.a.id))
    .orderBy(asc(appointmentServices.position));
  const a = row.a;
  return {
    id: a.id,
    locationId: a.locationId,
    barberId: a.barberId,
    barberName: row.barberName,
    clientId: a.clientId,
    clientName: row.clientName,
    clientEmail: openClientEmail(cipher, {
      clientId: a.clientId,
      encrypted: row.clientEncrypted,
      email: row.clientEmail,
    }),
    status: a.status,
    source: a.source,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    totalMinor: a.totalMinor,
    currency: a.currency,
    notes: a.notes,
    lines: lines.map((l) => ({
      serviceId: l.serviceId,
      name: l.name,
      durationMinutes: l.durationMinutes,
      priceMinor: l.priceMinor,
    })),
  };
}

/** The appointment with this id, or undefined. */
export function findAppointmentById(
  db: DbOrTx,
  cipher: ClientFieldCipher,
  id: string,
): Promise<AppointmentRecord | undefined> {
  return load(db, cipher, eq(appointments.id, id));
}

/** The appointment whose manage token hashes to `tokenHash`, or undefined. */
export function findAppointmentByTokenHash(
  db: DbOrTx,
  cipher: ClientFieldCipher,
  tokenHash: string,
): Promise<AppointmentRecord | undefined> {
  return load(db, cipher, eq(appointments.manageTokenHash, tokenHash));
}

/** Sets the status (no rule check: the service decides). */
export async function setStatus(db: DbOrTx, id: string, status: AppointmentStatus): Promise<void> {
  await db.update(appointments).set({ status, updatedAt: new Date() }).where(eq(appointments.id, id));
}

/** Moves the appointment; the exclusion constraint may raise 23P01. */
export async function setTimes(
  db: DbOrTx,
  id: string,
  t: { barberId: string; startsAt: Date; endsAt: Date; occupiedFrom: Date; occupiedUntil: Date },
): Promise<void> {
  await db
    .update(appointments)
    .set({ ...t, updatedAt: new Date() })
    .where(eq(appointments.id, id));
}

/**
 * Replaces the service lines and the total: a move to another barber takes that barber's
 * durations and prices, so the lines keep adding up to the booked time.
 */
export async function setLines(
  db: DbOrTx,
  id: string,
  lines: ServiceLine[],
  totalMinor: number,
): Promise<void> {
  await db.update(appointments).set({ totalMinor, updatedAt: new Date() }).where(eq(appointments.id, id));
  await db.delete(appointmentServices).where(eq(appointmentServices.appointmentId, id));
  await db.insert(appointmentServices).values(
    lines.map((l, position) => ({
      appointmentId: id,
      position,
      serviceId: l.serviceId,
      name: l.name,
      durationMinutes: l.durationMinutes,
      priceMinor: l.priceMinor,
    })),
  );
}

/** Appends one history entry. */
export async function addHistory(
  db: DbOrTx,
  entry: {
    appointmentId: string;
    actor: string;
    action: 'created' | 'rescheduled' | 'cancelled' | 'status_changed' | 'checkout' | 'payment';
    fromStatus?: string | null;
    toStatus?: string | null;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await db.insert(appointmentHistory).values({
    appointmentId: entry.appointmentId,
    actor: entry.actor,
    action: entry.action,
    fromStatus: entry.fromStatus ?? null,
    toStatus: entry.toStatus ?? null,
    details: entry.details ?? {},
  });
}

/** The history of an appointment, oldest first. */
export async function listHistory(db: DbOrTx, appointmentId: string) {
  const rows = await db
    .select()
    .from(appointmentHistory)
    .where(eq(appointmentHistory.appointmentId, appointmentId))
    .orderBy(asc(appointmentHistory.id));
  return rows.map((r) => ({
    at: r.at,
    actor: r.actor,
    action: r.action,
    fromStatus: r.fromStatus,
    toStatus: r.toStatus,
    details: r.details,
  }));
}

/** An appointment as staff see it: the record plus the client's phone, its version and its creation. */
export interface StaffAppointmentRecord extends AppointmentRecord {
  clientPhone: string | null;
  /** Changes with every write; the version for stale-edit protection. */
  updatedAt: Date;
  createdAt: Date;
}

async function loadStaff(
  db: DbOrTx,
  cipher: ClientFieldCipher,
  where: ReturnType<typeof eq>,
): Promise<StaffAppointmentRecord[]> {
  const rows = await db
    .select({
      a: appointments,
      barberName: barbers.name,
      clientName: clients.name,
      clientEmail: clients.email,
      clientPhone: clients.phone,
      clientEncrypted: clients.encrypted,
    })
    .from(appointments)
    .innerJoin(barbers, eq(barbers.id, appointments.barberId))
    .innerJoin(clients, eq(clients.id, appointments.clientId))
    .where(where)
    .orderBy(asc(appointments.startsAt));
  if (rows.length === 0) return [];
  const lines = await db
    .select()
    .from(appointmentServices)
    .where(
      inArray(
        appointmentServices.appointmentId,
        rows.map((r) => r.a.id),
      ),
    )
    .orderBy(asc(appointmentServices.appointmentId), asc(appointmentServices.position));
  const byId = new Map<string, ServiceLine[]>();
  for (const l of lines) {
    const list = byId.get(l.appointmentId) ?? [];
    list.push({
      serviceId: l.serviceId,
      name: l.name,
      durationMinutes: l.durationMinutes,
      priceMinor: l.priceMinor,
    });
    byId.set(l.appointmentId, list);
  }
  return rows.map(({ a, barberName, clientName, clientEmail, clientPhone, clientEncrypted }) => ({
    id: a.id,
    locationId: a.locationId,
    barberId: a.barberId,
    barberName,
    clientId: a.clientId,
    clientName,
    clientEmail: openClientEmail(cipher, {
      clientId: a.clientId,
      encrypted: clientEncrypted,
      email: clientEmail,
    }),
    clientPhone: openClientPhone(cipher, {
      clientId: a.clientId,
      encrypted: clientEncrypted,
      phone: clientPhone,
    }),
    status: a.status,
    source: a.source,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    totalMinor: a.totalMinor,
    currency: a.currency,
    notes: a.notes,
    lines: byId.get(a.id) ?? [],
    updatedAt: a.updatedAt,
    createdAt: a.createdAt,
  }));
}

/** The appointments of a location starting in [from, to), optionally of one barber, by start. */
export function listAppointmentsInRange(
  db: DbOrTx,
  cipher: ClientFieldCipher,
  locationId: string,
  from: Date,
  to: Date,
  barberId?: string,
): Promise<StaffAppointmentRecord[]> {
  const conditions = [
    eq(appointments.locationId, locationId),
    lt(appointments.startsAt, to),
    gt(appointments.endsAt, from),
  ];
  if (barberId) conditions.push(eq(appointments.barberId, barberId));
  return loadStaff(db, cipher, and(...conditions)!);
}

/** The appointment with this id at this location (staff view), or undefined. */
export async function findStaffAppointment(
  db: DbOrTx,
  cipher: ClientFieldCipher,
  locationId: string,
  id: string,
): Promise<StaffAppointmentRecord | undefined> {
  const [found] = await loadStaff(
    db,
    cipher,
    and(eq(appointments.id, id), eq(appointments.locationId, locationId))!,
  );
  return found;
}

/**
 * Locks the appointment row for the rest of the transaction (SELECT … FOR UPDATE) and returns its
 * status and version, so a stale-edit check and the write that follows see the same row.
 */
export async function lockAppointment(
  tx: DbOrTx,
  id: string,
): Promise<{ status: AppointmentStatus; updatedAt: Date; barberId: string } | undefined> {
  const [row] = await tx
    .select({
      status: appointments.status,
      updatedAt: appointments.updatedAt,
      barberId: appointments.barberId,
    })
    .from(appointments)
    .where(eq(appointments.id, id))
    .for('update');
  return row;
}

/** Sets the notes (and the version). */
export async function setNotes(db: DbOrTx, id: string, notes: string | null): Promise<void> {
  await db.update(appointments).set({ notes, updatedAt: new Date() }).where(eq(appointments.id, id));
}

/** A barber's time off overlapping [from, to) at a location. */
export interface TimeOffRecord {
  id: string;
  barberId: string;
  startsAt: Date;
  endsAt: Date;
  reason: string | null;
  /** `time_off` (leave) or `blocked` (staff blocked the calendar). */
  kind: 'time_off' | 'blocked';
  /** `requested` (pending a decision) or `approved`; declined rows are never listed. */
  status: 'requested' | 'approved' | 'declined';
}

/**
 * Time off and blocked time of the location's barbers (optionally one) overlapping [from, to),
 * by start; requested and approved rows, never declined ones.
 */
export async function listTimeOffInRange(
  db: DbOrTx,
  locationId: string,
  from: Date,
  to: Date,
  barberId?: string,
): Promise<TimeOffRecord[]> {
  const conditions = [
    eq(barbers.locationId, locationId),
    lt(timeOff.startsAt, to),
    gt(timeOff.endsAt, from),
    ne(timeOff.status, 'declined'),
  ];
  if (barberId) conditions.push(eq(timeOff.barberId, barberId));
  return db
    .select({
      id: timeOff.id,
      barberId: timeOff.barberId,
      startsAt: timeOff.startsAt,
      endsAt: timeOff.endsAt,
      reason: timeOff.reason,
      kind: timeOff.kind,
      status: timeOff.status,
    })
    .from(timeOff)
    .innerJoin(barbers, eq(barbers.id, timeOff.barberId))
    .where(and(...conditions))
    .orderBy(asc(timeOff.startsAt));
}

/** Sets the version (`updated_at`) after a staff change. */
export async function setVersion(db: DbOrTx, id: string, at: Date): Promise<void> {
  await db.update(appointments).set({ updatedAt: at }).where(eq(appointments.id, id));
}

/** The stored times of an appointment (UTC), including the buffers it holds (`occupied…`). */
export async function appointmentTimes(
  db: DbOrTx,
  id: string,
): Promise<
  { barberId: string; startsAt: Date; endsAt: Date; occupiedFrom: Date; occupiedUntil: Date } | undefined
> {
  const [row] = await db
    .select({
      barberId: appointments.barberId,
      startsAt: appointments.startsAt,
      endsAt: appointments.endsAt,
      occupiedFrom: appointments.occupiedFrom,
      occupiedUntil: appointments.occupiedUntil,
    })
    .from(appointments)
    .where(eq(appointments.id, id));
  return row;
}
