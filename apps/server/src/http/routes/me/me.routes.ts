/**
 * GET /me: the signed-in staff member and their roles per location.
 * Who may call: any signed-in staff member, also an "enrolment required" session.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { STAFF_ROLES } from '@bookedbarber/core';
import { me } from '../../../services/auth.service.ts';
import type { AppContext } from '../../../services/context.ts';
import { accessHooks, documented, principalOf } from '../../auth.ts';
import { meSchema, problemSchema } from '../../schemas.ts';

/** GET /me (registered under /api/v1). */
export const meRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const access = accessHooks(app, ctx);
  app.get(
    '/me',
    {
      preValidation: access.signedIn({ allowEnrolment: true }),
      schema: {
        tags: ['auth'],
        summary:
          'You: your account, whether two-factor enrolment is required, and your role at each location',
        ...documented(STAFF_ROLES, '', { enrolment: true }),
        response: { 200: meSchema, 401: problemSchema },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      const { user, roles } = await me(ctx, principal);
      return {
        user: { id: user.id, email: user.email, name: user.name, totpEnabled: user.totpSecret !== null },
        mfaEnrolmentRequired: principal.mfaPending,
        roles: roles.map((r) => ({
          organizationId: r.organizationId,
          organizationName: r.organizationName,
          locationId: r.locationId,
          locationSlug: r.locationSlug,
          locationName: r.locationName,
          role: r.role,
          barberId: r.barberId,
        })),
      };
    },
  );
};
