/**
 * The client back office (issue 3, "The back office: Clients"): list and search the organization's
 * clients with their visit stats and segment (DOMAIN.md "Clients and analytics", rule in
 * core/clients/segment.ts), a profile with the history across the organization's locations, edits
 * (name, email, phone, notes, tags) and merging duplicates. Staff writes are audited; the audit log
 * never holds contact details or notes, only which of them changed.
 *
 * Scope: the organization of the location the caller's role was checked at (a client of another
 * organization is NOT_FOUND, like an unknown id).
 */
import {
  AppError,
  clientSegment,
  toOffsetIso,
  validationError,
  type ClientSegment,
  type ClientVisitStats,
} from '@bookedbarber/core';
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import {
  appointmentServices,
  appointments,
  barbers,
  clients,
  clientSessions,
  locations,
} from '../db/schema.ts';
import { writeAudit } from '../repositories/audit.repository.ts';
import {
  clientSearchCondition,
  openClientRow,
  sealedContact,
  type ClientDetailRecord,
} from '../repositories/client.repository.ts';
import { clientCipher, type ClientFieldCipher } from '../security/client-fields.ts';
import type { StaffAccess } from './access.service.ts';
import { isUuid } from './access.service.ts';
import { appointmentChanged } from './appointment-events.ts';
import { inTransaction } from './booking.service.ts';
import type { AppContext } from './context.ts';

/** A client's figures plus the currency of their spend. */
export interface ClientStats extends ClientVisitStats {
  /** ISO 4217 currency of `spendMinor` (of their appointments), or null without any. */
  currency: string | null;
}

/** A row of the client list. */
export interface ClientListItem {
  client: ClientDetailRecord;
  stats: ClientStats;
  segment: ClientSegment;
}

/** Filters and page of the client list. */
export interface ClientListQuery {
  /** Name contains (case-insensitive), or exact email / phone. */
  q?: string | undefined;
  segment?: ClientSegment | undefined;
  /** Exact tag (tags are stored lower-case). */
  tag?: string | undefined;
  /** 1-based page. */
  page: number;
  pageSize: number;
}

const emptyStats = (): ClientStats => ({
  visits: 0,
  spendMinor: 0,
  lastVisitAt: null,
  noShows: 0,
  cancellations: 0,
  currency: null,
});

/** Visit stats of these clients (completed = visit; spend = sum of completed totals). */
async function statsOf(db: DbOrTx, clientIds: string[]): Promise<Map<string, ClientStats>> {
  const out = new Map<string, ClientStats>();
  if (clientIds.length === 0) return out;
  const rows = await db
    .select({
      clientId: appointments.clientId,
      visits: sql<number>`(count(*) filter (where ${appointments.status} = 'completed'))::int`,
      spend: sql<string>`coalesce(sum(${appointments.totalMinor}) filter (where ${appointments.status} = 'completed'), 0)::text`,
      lastVisitMs: sql<
        number | null
      >`(extract(epoch from max(${appointments.startsAt}) filter (where ${appointments.status} = 'completed')) * 1000)::float8`,
      noShows: sql<number>`(count(*) filter (where ${appointments.status} = 'no_show'))::int`,
      cancellations: sql<number>`(count(*) filter (where ${appointments.status} = 'cancelled'))::int`,
      currency: sql<string | null>`max(${appointments.currency})`,
    })
    .from(appointments)
    .where(inArray(appointments.clientId, clientIds))
    .groupBy(appointments.clientId);
  for (const r of rows)
    out.set(r.clientId, {
      visits: r.visits,
      spendMinor: Number(r.spend),
      lastVisitAt: r.lastVisitMs === null ? null : Math.round(Number(r.lastVisitMs)),
      noShows: r.noShows,
      cancellations: r.cancellations,
      currency: r.currency,
    });
  return out;
}

/**
 * The organization's clients (merged duplicates left out) matching the filters, by name, with
 * stats and segment, one page of them. The segment depends on "now", so it is computed here for
 * every client that matches the text and tag filters, then filtered and paged (fine for the
 * thousands of clients a shop has).
 */
export async function listClientRecords(
  ctx: AppContext,
  access: StaffAccess,
  q: ClientListQuery,
): Promise<{ items: ClientListItem[]; total: number; page: number; pageSize: number }> {
  const db = ctx.database.db;
  const cipher = clientCipher(ctx.secrets);
  const orgId = access.location.organizationId;
  const conditions = [eq(clients.organizationId, orgId), isNull(clients.mergedIntoId)];
  if (q.q) conditions.push(clientSearchCondition(cipher, q.q));
  if (q.tag) conditions.push(sql`${q.tag.trim().toLowerCase()} = any(${clients.tags})`);
  const rows = await db
    .select()
    .from(clients)
    .where(and(...conditions))
    .orderBy(asc(clients.name), asc(clients.id));
  const stats = await statsOf(
    db,
    rows.map((r) => r.id),
  );
  const now = ctx.now().getTime();
  const all = rows.map((r) => {
    const s = stats.get(r.id) ?? emptyStats();
    return { row: r, stats: s, segment: clientSegment(s, now) };
  });
  const filtered = q.segment ? all.filter((x) => x.segment === q.segment) : all;
  const page = filtered.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
  return {
    items: page.map((x) => ({ client: openClientRow(cipher, x.row), stats: x.stats, segment: x.segment })),
    total: filtered.length,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** An appointment in a client's history. */
export interface ClientHistoryItem {
  id: string;
  locationId: string;
  locationName: string;
  timezone: string;
  barberId: string;
  barberName: string;
  status: string;
  source: string;
  /** ISO 8601 with the location's offset. */
  start: string;
  end: string;
  totalMinor: number;
  currency: string;
  services: { serviceId: string; name: string }[];
  notes: string | null;
}

/** A client's appointments at every location of the organization, newest first. */
export async function clientHistory(db: DbOrTx, clientId: string): Promise<ClientHistoryItem[]> {
  const rows = await db
    .select({
      a: appointments,
      locationName: locations.name,
      timezone: locations.timezone,
      barberName: barbers.name,
    })
    .from(appointments)
    .innerJoin(locations, eq(locations.id, appointments.locationId))
    .innerJoin(barbers, eq(barbers.id, appointments.barberId))
    .where(eq(appointments.clientId, clientId))
    .orderBy(desc(appointments.startsAt));
  const lines =
    rows.length === 0
      ? []
      : await db
          .select()
          .from(appointmentServices)
          .where(
            inArray(
              appointmentServices.appointmentId,
              rows.map((r) => r.a.id),
            ),
          )
          .orderBy(asc(appointmentServices.position));
  return rows.map(({ a, locationName, timezone, barberName }) => ({
    id: a.id,
    locationId: a.locationId,
    locationName,
    timezone,
    barberId: a.barberId,
    barberName,
    status: a.status,
    source: a.source,
    start: toOffsetIso(a.startsAt.getTime(), timezone),
    end: toOffsetIso(a.endsAt.getTime(), timezone),
    totalMinor: a.totalMinor,
    currency: a.currency,
    services: lines
      .filter((l) => l.appointmentId === a.id)
      .map((l) => ({ serviceId: l.serviceId, name: l.name })),
    notes: a.notes,
  }));
}

/** A client's profile. */
export interface ClientProfile extends ClientListItem {
  history: ClientHistoryItem[];
}

function notFound(): AppError {
  return new AppError('NOT_FOUND', 'No client with this id.');
}

async function loadOwnClient(db: DbOrTx, cipher: ClientFieldCipher, orgId: string, id: string, lock = false) {
  if (!isUuid(id)) throw notFound();
  const query = db
    .select()
    .from(clients)
    .where(and(eq(clients.organizationId, orgId), eq(clients.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound();
  return { row, client: openClientRow(cipher, row) };
}

/**
 * A client's profile: details, stats, segment and history (a merged duplicate answers too, with
 * `mergedIntoId` naming the client it became).
 * @throws AppError NOT_FOUND for an unknown id or another organization's client.
 */
export async function getClientProfile(
  ctx: AppContext,
  access: StaffAccess,
  id: string,
): Promise<ClientProfile> {
  const db = ctx.database.db;
  const { client } = await loadOwnClient(db, clientCipher(ctx.secrets), access.location.organizationId, id);
  const stats = (await statsOf(db, [client.id])).get(client.id) ?? emptyStats();
  return {
    client,
    stats,
    segment: clientSegment(stats, ctx.now().getTime()),
    history: await clientHistory(db, client.id),
  };
}

/** An edit of a client; absent fields stay as they are, null clears. */
export interface ClientPatch {
  name?: string | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  notes?: string | null | undefined;
  tags?: string[] | undefined;
  /** The version (updatedAt ISO) the editor saw; a different current one is STALE_UPDATE. */
  version?: string | undefined;
}

/** Normalizes tags: trimmed, lower-case, unique, in order. */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))];
}

/** What the audit log may say about a client: never contact details or notes. */
function auditView(c: ClientDetailRecord): Record<string, unknown> {
  return { name: c.name, tags: c.tags, hasEmail: c.email !== null, hasPhone: c.phone !== null };
}

async function assertEmailFree(
  tx: DbOrTx,
  cipher: ClientFieldCipher,
  orgId: string,
  id: string,
  email: string | null,
) {
  const hash = cipher.emailHash(email);
  if (!hash) return;
  const [other] = await tx
    .select({ id: clients.id })
    .from(clients)
    .where(and(eq(clients.organizationId, orgId), eq(clients.emailHash, hash), isNull(clients.mergedIntoId)));
  if (other && other.id !== id)
    throw validationError([
      { field: 'email', message: 'Another client has this email: merge the two instead' },
    ]);
}

/**
 * Edits a client (one transaction, audited as `client.updated` with the changed field names).
 * @throws AppError NOT_FOUND, VALIDATION_FAILED (email of another client), STALE_UPDATE (version),
 *   INVALID_STATE (a merged duplicate cannot be edited).
 */
export async function updateClientRecord(
  ctx: AppContext,
  access: StaffAccess,
  id: string,
  patch: ClientPatch,
): Promise<ClientDetailRecord> {
  const cipher = clientCipher(ctx.secrets);
  const orgId = access.location.organizationId;
  return inTransaction(ctx, async (tx) => {
    const { row, client: before } = await loadOwnClient(tx, cipher, orgId, id, true);
    if (row.mergedIntoId)
      throw new AppError('INVALID_STATE', 'This client was merged into another; edit that one.');
    if (patch.version !== undefined && Date.parse(patch.version) !== row.updatedAt.getTime())
      throw new AppError(
        'STALE_UPDATE',
        'Someone else changed this client meanwhile. Reload and try again.',
        {
          version: row.updatedAt.toISOString(),
        },
      );
    if (patch.email !== undefined) await assertEmailFree(tx, cipher, orgId, id, patch.email);
    const changed: string[] = [];
    const set: Partial<typeof clients.$inferInsert> = {};
    if (patch.name !== undefined && patch.name !== before.name) {
      set.name = patch.name;
      changed.push('name');
    }
    const contact: { email?: string | null; phone?: string | null } = {};
    if (patch.email !== undefined && (patch.email || null) !== before.email) {
      contact.email = patch.email;
      changed.push('email');
    }
    if (patch.phone !== undefined && (patch.phone || null) !== before.phone) {
      contact.phone = patch.phone;
      changed.push('phone');
    }
    Object.assign(set, sealedContact(cipher, id, contact));
    if (patch.notes !== undefined && (patch.notes || null) !== before.notes) {
      set.notes = cipher.seal('notes', id, patch.notes || null);
      changed.push('notes');
    }
    if (patch.tags !== undefined) {
      const tags = normalizeTags(patch.tags);
      if (tags.join('\n') !== before.tags.join('\n')) {
        set.tags = tags;
        changed.push('tags');
      }
    }
    if (changed.length === 0) return before;
    set.updatedAt = new Date(Math.max(Date.now(), row.updatedAt.getTime() + 1));
    const [updated] = await tx.update(clients).set(set).where(eq(clients.id, id)).returning();
    const after = openClientRow(cipher, updated!);
    await writeAudit(tx, [
      {
        organizationId: orgId,
        actorUserId: access.principal.userId,
        action: 'client.updated',
        entity: 'client',
        entityId: id,
        before: auditView(before),
        after: { ...auditView(after), changed },
        at: ctx.now(),
      },
    ]);
    return after;
  });
}

/**
 * Merges a duplicate into the kept client: the duplicate's appointments move to the kept client,
 * tags are combined, notes appended, an email or phone the kept client lacks is taken over; the
 * duplicate stays as a row with `merged_into_id` (history; its client sessions end). Audited as
 * `client.merged`. Both must be unmerged clients of the caller's organization.
 * @returns the kept client and how many appointments moved.
 * @throws AppError NOT_FOUND (either unknown or of another organization), VALIDATION_FAILED
 *   (`duplicateId` is the kept client), INVALID_STATE (either was already merged).
 */
export async function mergeClients(
  ctx: AppContext,
  access: StaffAccess,
  keepId: string,
  duplicateId: string,
): Promise<{ client: ClientDetailRecord; movedAppointments: number }> {
  const cipher = clientCipher(ctx.secrets);
  const orgId = access.location.organizationId;
  if (keepId === duplicateId)
    throw validationError([{ field: 'duplicateId', message: 'Choose another client than the one kept' }]);
  return inTransaction(ctx, async (tx) => {
    // Lock both rows in id order so two opposite merges cannot deadlock.
    const [firstId, secondId] = [keepId, duplicateId].sort();
    const first = await loadOwnClient(tx, cipher, orgId, firstId!, true);
    const second = await loadOwnClient(tx, cipher, orgId, secondId!, true);
    const keep = first.row.id === keepId ? first : second;
    const dup = first.row.id === keepId ? second : first;
    if (keep.row.mergedIntoId || dup.row.mergedIntoId)
      throw new AppError('INVALID_STATE', 'One of these clients was already merged.');
    const moved = await tx
      .update(appointments)
      .set({ clientId: keepId })
      .where(eq(appointments.clientId, duplicateId))
      .returning({ id: appointments.id, locationId: appointments.locationId });
    // Calendars showing these appointments refetch them (the client's name may differ now).
    for (const m of moved)
      await appointmentChanged(tx, ctx, {
        type: 'appointment.updated',
        locationId: m.locationId,
        appointmentId: m.id,
      });
    await tx
      .update(clientSessions)
      .set({ revokedAt: ctx.now() })
      .where(and(eq(clientSessions.clientId, duplicateId), isNull(clientSessions.revokedAt)));
    // The duplicate leaves the unique email index before the kept client may take its email.
    await tx
      .update(clients)
      .set({
        mergedIntoId: keepId,
        updatedAt: new Date(Math.max(Date.now(), dup.row.updatedAt.getTime() + 1)),
      })
      .where(eq(clients.id, duplicateId));
    const k = keep.client;
    const d = dup.client;
    const notes = [k.notes, d.notes].filter((n): n is string => !!n).join('\n\n') || null;
    const [updated] = await tx
      .update(clients)
      .set({
        tags: normalizeTags([...k.tags, ...d.tags]),
        notes: cipher.seal('notes', keepId, notes),
        ...sealedContact(cipher, keepId, {
          ...(k.email === null && d.email !== null ? { email: d.email } : {}),
          ...(k.phone === null && d.phone !== null ? { phone: d.phone } : {}),
        }),
        updatedAt: new Date(Math.max(Date.now(), keep.row.updatedAt.getTime() + 1)),
      })
      .where(eq(clients.id, keepId))
      .returning();
    const after = openClientRow(cipher, updated!);
    await writeAudit(tx, [
      {
        organizationId: orgId,
        actorUserId: access.principal.userId,
        action: 'client.merged',
        entity: 'client',
        entityId: keepId,
        before: { kept: auditView(k), duplicate: { id: duplicateId, ...auditView(d) } },
        after: { ...auditView(after), mergedIds: [duplicateId], movedAppointments: moved.length },
        at: ctx.now(),
      },
    ]);
    return { client: after, movedAppointments: moved.length };
  });
}
