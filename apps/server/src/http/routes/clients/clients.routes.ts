/**
 * The client back office and the CSV export (docs/api.md "Clients").
 *
 * Who may call:
 * - list, profile, edit: owners, managers and front desk at the location of the path; the data is
 *   the organization's (clients belong to the organization). Barbers are refused (403): they see
 *   clients, and their contact details, only through their own appointments in the calendar.
 * - merge: owners and managers (a merge moves history and cannot be undone from the screen).
 * - export: owners, of their own organization.
 */
import type { StaffRole } from '@bookedbarber/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ClientDetailRecord } from '../../../repositories/client.repository.ts';
import { requireOwnerOrganization } from '../../../services/access.service.ts';
import {
  getClientProfile,
  listClientRecords,
  mergeClients,
  updateClientRecord,
  type ClientStats,
} from '../../../services/client.service.ts';
import type { ClientSegment } from '@bookedbarber/core';
import type { AppContext } from '../../../services/context.ts';
import { auditExport, exportCsv, type ExportKind } from '../../../services/export.service.ts';
import { accessHooks, documented, principalOf, staffAccessOf } from '../../auth.ts';
import { locationIdParams, problemSchema } from '../../schemas.ts';
import {
  clientListQuerySchema,
  clientPageSchema,
  clientPatchSchema,
  clientProfileSchema,
  clientRecordSchema,
  locationClientParams,
  mergeBodySchema,
  mergeResultSchema,
} from './clients.schemas.ts';
import { z } from 'zod';

/** Roles allowed on each client route (also in the OpenAPI document as `x-roles`). */
export const CLIENT_ROUTE_ROLES = {
  list: ['owner', 'manager', 'front_desk'],
  profile: ['owner', 'manager', 'front_desk'],
  edit: ['owner', 'manager', 'front_desk'],
  merge: ['owner', 'manager'],
  export: ['owner'],
} as const satisfies Record<string, readonly StaffRole[]>;

/** A client record as the API shows it. */
export function clientToApi(client: ClientDetailRecord, stats: ClientStats, segment: ClientSegment) {
  return {
    id: client.id,
    name: client.name,
    email: client.email,
    phone: client.phone,
    notes: client.notes,
    tags: client.tags,
    mergedIntoId: client.mergedIntoId,
    version: client.updatedAt.toISOString(),
    segment,
    stats: {
      visits: stats.visits,
      spendMinor: stats.spendMinor,
      currency: stats.currency,
      lastVisit: stats.lastVisitAt === null ? null : new Date(stats.lastVisitAt).toISOString(),
      noShows: stats.noShows,
      cancellations: stats.cancellations,
    },
  };
}

/** The client routes (registered under /api/v1). */
export const clientRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const access = accessHooks(app, ctx);
  const errors = { 401: problemSchema, 403: problemSchema, 404: problemSchema, 422: problemSchema };
  const here = { scope: 'of this location (the clients are the whole organization’s)' };

  app.get(
    '/locations/:locationId/clients/list',
    {
      preValidation: access.staff(CLIENT_ROUTE_ROLES.list),
      schema: {
        tags: ['staff'],
        summary: "The organization's clients with visit stats and segment, by name, a page at a time",
        ...documented(
          CLIENT_ROUTE_ROLES.list,
          'Filters: `q` (name contains, or exact email or phone), `segment`, `tag`. Merged duplicates are left out.',
          here,
        ),
        params: locationIdParams,
        querystring: clientListQuerySchema,
        response: { 200: clientPageSchema, ...errors },
      },
    },
    async (req) => {
      const page = await listClientRecords(ctx, staffAccessOf(req), req.query);
      return {
        clients: page.items.map((i) => clientToApi(i.client, i.stats, i.segment)),
        total: page.total,
        page: page.page,
        pageSize: page.pageSize,
      };
    },
  );

  app.get(
    '/locations/:locationId/clients/:clientId',
    {
      preValidation: access.staff(CLIENT_ROUTE_ROLES.profile),
      schema: {
        tags: ['staff'],
        summary: "A client's profile: details, stats, segment and history at every location",
        ...documented(
          CLIENT_ROUTE_ROLES.profile,
          'A merged duplicate answers with `mergedIntoId` set.',
          here,
        ),
        params: locationClientParams,
        response: { 200: clientProfileSchema, ...errors },
      },
    },
    async (req) => {
      const p = await getClientProfile(ctx, staffAccessOf(req), req.params.clientId);
      return { ...clientToApi(p.client, p.stats, p.segment), history: p.history };
    },
  );

  app.patch(
    '/locations/:locationId/clients/:clientId',
    {
      preValidation: access.staff(CLIENT_ROUTE_ROLES.edit),
      schema: {
        tags: ['staff'],
        summary: "Edit a client's name, email, phone, notes or tags",
        ...documented(
          CLIENT_ROUTE_ROLES.edit,
          'Absent fields stay; null (or "") clears email, phone or notes. `version` (from the profile) refuses a stale edit with 409 STALE_UPDATE. Another client’s email is 422 on `email` (merge them instead). Audited as `client.updated`.',
          here,
        ),
        params: locationClientParams,
        body: clientPatchSchema,
        response: { 200: clientRecordSchema, 409: problemSchema, ...errors },
      },
    },
    async (req) => {
      const accessOf = staffAccessOf(req);
      await updateClientRecord(ctx, accessOf, req.params.clientId, req.body);
      const p = await getClientProfile(ctx, accessOf, req.params.clientId);
      return clientToApi(p.client, p.stats, p.segment);
    },
  );

  app.post(
    '/locations/:locationId/clients/:clientId/merge',
    {
      preValidation: access.staff(CLIENT_ROUTE_ROLES.merge),
      schema: {
        tags: ['staff'],
        summary: 'Merge a duplicate into this client',
        ...documented(
          CLIENT_ROUTE_ROLES.merge,
          'The duplicate’s appointments move to this client, tags combine, notes append, a missing email or phone is taken over; the duplicate is kept with `mergedIntoId`. Both must be clients of your organization. Audited as `client.merged`.',
          here,
        ),
        params: locationClientParams,
        body: mergeBodySchema,
        response: { 200: mergeResultSchema, 409: problemSchema, ...errors },
      },
    },
    async (req) => {
      const accessOf = staffAccessOf(req);
      const r = await mergeClients(ctx, accessOf, req.params.clientId, req.body.duplicateId);
      const p = await getClientProfile(ctx, accessOf, r.client.id);
      return { client: clientToApi(p.client, p.stats, p.segment), movedAppointments: r.movedAppointments };
    },
  );

  const exportRoute = (kind: ExportKind) =>
    app.get(
      `/organizations/current/export/${kind}.csv`,
      {
        preValidation: access.owner(),
        schema: {
          tags: ['organization'],
          summary: `Download all ${kind} of your organization as CSV`,
          ...documented(
            CLIENT_ROUTE_ROLES.export,
            'Streamed `text/csv` (UTF-8, header row, RFC 4180 quoting; cells starting with = + - @ get a leading apostrophe). Times are ISO 8601 with the location offset next to a `timezone` column; money is minor units next to `currency`. Audited as `export.downloaded`.',
            { scope: 'of the organization' },
          ),
          querystring: z.object({ organizationId: z.string().max(100).optional() }),
          produces: ['text/csv'],
        },
      },
      async (req, reply) => {
        const principal = principalOf(req);
        const orgId = await requireOwnerOrganization(ctx, principal, req.query.organizationId);
        await auditExport(ctx, orgId, principal.userId, kind);
        const day = ctx.now().toISOString().slice(0, 10);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${kind}-${day}.csv"`)
          .header('cache-control', 'no-store')
          .send(exportCsv(ctx, orgId, kind));
      },
    );
  exportRoute('clients');
  exportRoute('appointments');
};
