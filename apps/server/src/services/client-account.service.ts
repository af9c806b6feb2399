/**
 * Client sign-in by an emailed one-time link, their history and "book again" (issue 3: "Clients
 * may optionally sign in by an emailed one-time link to see their history and 'book again' in one
 * tap").
 *
 * - A link token (`bbt_…`, 256 bits) is single-use and lives {@link LINK_MINUTES} minutes; only its
 *   SHA-256 is stored (`client_login_tokens`). Asking for a link always answers the same whether
 *   the email is known or not.
 * - Verifying it starts a client session: a `bbs_…` token (SHA-256 stored in `client_sessions`,
 *   {@link CLIENT_SESSION_DAYS} days) in its own cookie, separate from staff sessions.
 * - A session sees one client: the client it was started for. Its history covers every location
 *   of that client's organization. Merging the client into another ends its sessions.
 */
import crypto from 'node:crypto';
import {
  addDays,
  AppError,
  localDateOf,
  pickSimilarSlot,
  toOffsetIso,
  validationError,
} from '@bookedbarber/core';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { clientLoginTokens, clientSessions, locations } from '../db/schema.ts';
import {
  findClientByEmail,
  findClientById,
  type ClientDetailRecord,
} from '../repositories/client.repository.ts';
import { findAppointmentById } from '../repositories/appointment.repository.ts';
import { enqueueEmail } from '../repositories/outbox.repository.ts';
import { clientCipher } from '../security/client-fields.ts';
import { hashToken, newToken } from '../security/tokens.ts';
import { findSlots, planFor, resolveBarbers, resolveServices } from './availability.service.ts';
import { createAppointment, inTransaction } from './booking.service.ts';
import { loadCatalog, loadCatalogById } from './catalog.service.ts';
import { clientHistory, type ClientHistoryItem } from './client.service.ts';
import type { AppContext } from './context.ts';
import { escapeHtml } from './messages.ts';
import type { AppointmentView } from './appointment-view.ts';

/** How long a sign-in link works. */
export const LINK_MINUTES = 15;
/** Links mailed to one client within {@link LINK_MINUTES}, at most (per-address throttle). */
export const LINKS_PER_WINDOW = 3;
/** How long a client session lasts. */
export const CLIENT_SESSION_DAYS = 30;

/** A signed-in client. */
export interface ClientPrincipal {
  sessionId: string;
  client: ClientDetailRecord;
}

function signInEmail(to: string, name: string, shop: string, link: string) {
  const lines = [
    `Hi ${name},`,
    `Here is your link to sign in to your bookings at ${shop}. It works once, for ${LINK_MINUTES} minutes.`,
    'If you did not ask for it, ignore this email.',
  ];
  const e = escapeHtml;
  return {
    to,
    subject: `Your sign-in link for ${shop}`,
    text: [...lines, '', `Sign in: ${link}`].join('\n'),
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5">
${lines.map((p) => `<p>${e(p)}</p>`).join('\n')}
<p><a href="${e(link)}">Sign in to your bookings</a></p>
</body></html>`,
  };
}

/**
 * Emails a sign-in link to the client of the shop's organization with this email, if there is
 * one; does nothing otherwise (the caller answers 202 either way). An unknown shop does nothing too.
 */
export async function requestClientLink(ctx: AppContext, input: { email: string; locationSlug: string }) {
  const db = ctx.database.db;
  let catalog;
  try {
    catalog = await loadCatalog(db, input.locationSlug);
  } catch {
    return;
  }
  const { location } = catalog;
  const cipher = clientCipher(ctx.secrets);
  const client = await findClientByEmail(db, cipher, location.organizationId, input.email);
  if (!client?.email) return;
  const now = ctx.now();
  // At most LINKS_PER_WINDOW links per client per LINK_MINUTES: more asks mail nothing (still 202).
  const [recent] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(clientLoginTokens)
    .where(
      and(
        eq(clientLoginTokens.clientId, client.id),
        gt(clientLoginTokens.createdAt, new Date(now.getTime() - LINK_MINUTES * 60_000)),
      ),
    );
  if ((recent?.n ?? 0) >= LINKS_PER_WINDOW) return;
  const token = newToken('link');
  const link = `${ctx.config.publicUrl}/${location.slug}/account#token=${token}`;
  await inTransaction(ctx, async (tx) => {
    await tx.insert(clientLoginTokens).values({
      clientId: client.id,
      locationId: location.id,
      tokenHash: hashToken(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + LINK_MINUTES * 60_000),
    });
    await enqueueEmail(tx, signInEmail(client.email!, client.name, location.name, link), now);
  });
  ctx.outboxWritten();
}

/**
 * Spends a sign-in link and starts a client session.
 * @returns the session token (for the cookie), its expiry, the client and the location slug of the link.
 * @throws AppError UNAUTHENTICATED for an unknown, used or expired link (one message for all).
 */
export async function verifyClientLink(
  ctx: AppContext,
  token: string,
): Promise<{ token: string; expiresAt: Date; client: ClientDetailRecord; locationSlug: string }> {
  const now = ctx.now();
  const sessionToken = `bbs_${crypto.randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(now.getTime() + CLIENT_SESSION_DAYS * 86_400_000);
  const spent = await inTransaction(ctx, async (tx) => {
    const [row] = await tx
      .update(clientLoginTokens)
      .set({ usedAt: now })
      .where(
        and(
          eq(clientLoginTokens.tokenHash, hashToken(token)),
          isNull(clientLoginTokens.usedAt),
          gt(clientLoginTokens.expiresAt, now),
        ),
      )
      .returning({ clientId: clientLoginTokens.clientId, locationId: clientLoginTokens.locationId });
    if (!row) return undefined;
    await tx.insert(clientSessions).values({
      clientId: row.clientId,
      tokenHash: hashToken(sessionToken),
      createdAt: now,
      expiresAt,
    });
    const [loc] = await tx
      .select({ slug: locations.slug })
      .from(locations)
      .where(eq(locations.id, row.locationId));
    return { clientId: row.clientId, slug: loc!.slug };
  });
  if (!spent)
    throw new AppError(
      'UNAUTHENTICATED',
      'This sign-in link is invalid, used or expired. Ask for a new one.',
    );
  const client = (await findClientById(ctx.database.db, clientCipher(ctx.secrets), spent.clientId))!;
  return { token: sessionToken, expiresAt, client, locationSlug: spent.slug };
}

/**
 * The client of a session token, or undefined (unknown, expired, ended, or the client was merged).
 */
export async function authenticateClient(
  ctx: AppContext,
  token: string,
): Promise<ClientPrincipal | undefined> {
  const db = ctx.database.db;
  const [row] = await db
    .select({ id: clientSessions.id, clientId: clientSessions.clientId })
    .from(clientSessions)
    .where(
      and(
        eq(clientSessions.tokenHash, hashToken(token)),
        isNull(clientSessions.revokedAt),
        gt(clientSessions.expiresAt, ctx.now()),
      ),
    );
  if (!row) return undefined;
  const client = await findClientById(db, clientCipher(ctx.secrets), row.clientId);
  if (!client || client.mergedIntoId) return undefined;
  return { sessionId: row.id, client };
}

/** Ends a client session (sign-out). */
export async function endClientSession(ctx: AppContext, sessionId: string): Promise<void> {
  await ctx.database.db
    .update(clientSessions)
    .set({ revokedAt: ctx.now() })
    .where(and(eq(clientSessions.id, sessionId), isNull(clientSessions.revokedAt)));
}

/** The signed-in client's appointments at every location of their organization, newest first. */
export async function myAppointments(ctx: AppContext, me: ClientPrincipal): Promise<ClientHistoryItem[]> {
  return clientHistory(ctx.database.db, me.client.id);
}

/** A "book again" proposal. */
export interface BookAgainProposal {
  appointmentId: string;
  locationSlug: string;
  timezone: string;
  barberId: string;
  barberName: string;
  services: { id: string; name: string }[];
  /** ISO 8601 with the location's offset. */
  start: string;
  end: string;
  totalMinor: number;
  currency: string;
  /** `similar`: same weekday within ±60 minutes of the original time; `any`: the earliest free time. */
  match: 'similar' | 'any';
}

/** The client's own appointment and what booking it again needs. */
async function ownAppointmentPlan(ctx: AppContext, me: ClientPrincipal, appointmentId: string) {
  const db = ctx.database.db;
  const notFound = () => new AppError('NOT_FOUND', 'No appointment of yours has this id.');
  if (!/^[0-9a-f-]{36}$/i.test(appointmentId)) throw notFound();
  const record = await findAppointmentById(db, clientCipher(ctx.secrets), appointmentId);
  if (!record || record.clientId !== me.client.id) throw notFound();
  const catalog = await loadCatalogById(db, record.locationId);
  let services;
  try {
    services = resolveServices(
      catalog,
      record.lines.map((l) => l.serviceId),
      'appointmentId',
    );
  } catch {
    throw validationError([
      { field: 'appointmentId', message: 'A service of this appointment can no longer be booked online.' },
    ]);
  }
  const barber = catalog.barbers.find((b) => b.id === record.barberId);
  const plan = barber ? planFor(barber, services) : null;
  if (!barber || !plan)
    throw validationError([
      { field: 'appointmentId', message: 'This barber no longer offers these services online.' },
    ]);
  return { record, catalog, services, barber, plan };
}

/**
 * The nearest free time for the same services with the same barber at a similar weekday and hour
 * (rule: core/clients/similar-slot.ts), searched from today (or the day after the appointment, when
 * it is still ahead) to the end of the booking horizon.
 * @throws AppError NOT_FOUND (not this client's appointment), VALIDATION_FAILED naming
 *   `appointmentId` (services or barber no longer bookable online), SLOT_UNAVAILABLE (no free time
 *   in the horizon).
 */
export async function proposeBookAgain(
  ctx: AppContext,
  me: ClientPrincipal,
  appointmentId: string,
): Promise<BookAgainProposal> {
  const { record, catalog, services, barber, plan } = await ownAppointmentPlan(ctx, me, appointmentId);
  const { location } = catalog;
  const tz = location.timezone;
  const now = ctx.now();
  const today = localDateOf(now.getTime(), tz);
  // Repeating an appointment that is still ahead starts the day after it, not beside it.
  const dayAfter = addDays(localDateOf(record.startsAt.getTime(), tz), 1);
  const from = dayAfter > today ? dayAfter : today;
  const last = addDays(today, location.policy.horizonDays);
  if (from > last)
    throw new AppError(
      'SLOT_UNAVAILABLE',
      'This appointment is at the end of the booking window: nothing later can be booked yet.',
    );
  const slots = await findSlots(
    ctx.database.db,
    catalog,
    services,
    resolveBarbers(catalog, barber.id, 'appointmentId'),
    from,
    last,
    now,
  );
  const pick = pickSimilarSlot(
    record.startsAt.getTime(),
    slots.map((s) => s.start),
    tz,
  );
  if (!pick)
    throw new AppError(
      'SLOT_UNAVAILABLE',
      `${barber.name} has no free time for these services in the booking window.`,
    );
  return {
    appointmentId: record.id,
    locationSlug: location.slug,
    timezone: tz,
    barberId: barber.id,
    barberName: barber.name,
    services: services.map((s) => ({ id: s.id, name: s.name })),
    start: toOffsetIso(pick.startMs, tz),
    end: toOffsetIso(pick.startMs + plan.durationMinutes * 60_000, tz),
    totalMinor: plan.totalMinor,
    currency: location.currency,
    match: pick.match,
  };
}

/**
 * Books the proposed (or any other free) time for the same services and barber, with the client's
 * stored name, email and phone: the online booking (same checks, confirmation email, manage link).
 * @throws AppError as {@link proposeBookAgain} and as online booking (SLOT_UNAVAILABLE with
 *   alternatives, OUTSIDE_BOOKING_WINDOW, IDEMPOTENCY_KEY_REUSED).
 */
export async function confirmBookAgain(
  ctx: AppContext,
  me: ClientPrincipal,
  input: { appointmentId: string; start: string },
  idempotencyKey?: string,
): Promise<{ status: number; body: AppointmentView }> {
  const { catalog, services, barber } = await ownAppointmentPlan(ctx, me, input.appointmentId);
  const c = me.client;
  if (!c.email)
    throw validationError([
      { field: 'appointmentId', message: 'Your profile has no email; book from the shop page.' },
    ]);
  return createAppointment(
    ctx,
    catalog.location.slug,
    {
      services: services.map((s) => s.id),
      barberId: barber.id,
      start: input.start,
      client: { name: c.name, email: c.email, phone: c.phone ?? '' },
    },
    idempotencyKey,
  );
}
