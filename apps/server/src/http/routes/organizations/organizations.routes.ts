/**
 * Organization-wide routes: the audit log.
 * Who may call: owners, for their own organization.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireOwnerOrganization } from '../../../services/access.service.ts';
import { readAudit } from '../../../services/audit.service.ts';
import type { AppContext } from '../../../services/context.ts';
import { accessHooks, documented, principalOf } from '../../auth.ts';
import { auditPageSchema, auditQuerySchema, problemSchema } from '../../schemas.ts';

/** Organization-wide routes (registered under /api/v1). */
export const organizationRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const access = accessHooks(app, ctx);
  app.get(
    '/organizations/current/audit',
    {
      preValidation: access.owner(),
      schema: {
        tags: ['organization'],
        summary:
          'The audit log of your organization: who changed what among staff and accounts, newest first',
        ...documented(
          ['owner'],
          'Filters: `action` (exact, or a prefix ending with "."), `from`/`to` (inclusive ISO instants); pages of `limit` with `cursor`.',
          { scope: 'of the organization' },
        ),
        querystring: auditQuerySchema,
        response: { 200: auditPageSchema, 401: problemSchema, 403: problemSchema, 422: problemSchema },
      },
    },
    async (req) => {
      const q = req.query;
      const orgId = await requireOwnerOrganization(ctx, principalOf(req), q.organizationId);
      const page = await readAudit(ctx, orgId, {
        action: q.action,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        cursor: q.cursor,
        limit: q.limit,
      });
      return {
        entries: page.entries.map((e) => ({ ...e, at: e.at.toISOString() })),
        nextCursor: page.nextCursor,
      };
    },
  );
};
