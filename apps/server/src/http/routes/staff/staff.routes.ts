/**
 * Staff of a location: list, invite, change role, deactivate.
 * Who may call: owners (managers may list), at that location, in their own organization.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StaffRole } from '@bookedbarber/core';
import type { AppContext } from '../../../services/context.ts';
import {
  changeStaffRole,
  deactivateStaff,
  inviteStaff,
  listStaff,
  type StaffMemberView,
} from '../../../services/staff.service.ts';
import { accessHooks, documented, staffAccessOf } from '../../auth.ts';
import {
  inviteBodySchema,
  inviteSchema,
  locationIdParams,
  problemSchema,
  rolePatchSchema,
  staffMemberParams,
  staffMemberSchema,
} from '../../schemas.ts';

/** A staff member as the API shows them. */
export function memberToApi(m: StaffMemberView) {
  return {
    userId: m.userId,
    name: m.name,
    email: m.email,
    role: m.role,
    barberId: m.barberId,
    active: m.active,
    totpEnabled: m.totpEnabled,
    lastSignInAt: m.lastSignInAt?.toISOString() ?? null,
    since: m.createdAt.toISOString(),
    deactivatedAt: m.deactivatedAt?.toISOString() ?? null,
  };
}

/** Roles allowed on each staff route (also in the OpenAPI document as `x-roles`). */
export const STAFF_ROUTE_ROLES = {
  list: ['owner', 'manager'],
  invite: ['owner'],
  changeRole: ['owner'],
  deactivate: ['owner'],
} as const satisfies Record<string, readonly StaffRole[]>;

/** The staff routes of a location (registered under /api/v1). */
export const staffRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const access = accessHooks(app, ctx);
  const errors = { 401: problemSchema, 403: problemSchema, 404: problemSchema, 422: problemSchema };
  const here = { scope: 'of this location' };

  app.get(
    '/locations/:locationId/staff',
    {
      preValidation: access.staff(STAFF_ROUTE_ROLES.list),
      schema: {
        tags: ['staff'],
        summary: 'Staff of a location, active first, including deactivated members (history)',
        ...documented(STAFF_ROUTE_ROLES.list, '', here),
        params: locationIdParams,
        response: { 200: staffMemberSchema.array(), ...errors },
      },
    },
    async (req) => (await listStaff(ctx, staffAccessOf(req))).map(memberToApi),
  );

  app.post(
    '/locations/:locationId/staff/invites',
    {
      preValidation: access.staff(STAFF_ROUTE_ROLES.invite),
      schema: {
        tags: ['staff'],
        summary: 'Invite someone by email to a role at this location (single-use link, 7 days)',
        ...documented(
          STAFF_ROUTE_ROLES.invite,
          'The barber role needs `barberId` (a barber of this location not linked to another account). ' +
            'Already active staff here: 409 INVALID_STATE.',
          here,
        ),
        params: locationIdParams,
        body: inviteBodySchema,
        response: { 201: inviteSchema, 409: problemSchema, ...errors },
      },
    },
    async (req, reply) => {
      const invite = await inviteStaff(ctx, staffAccessOf(req), req.body);
      return reply.status(201).send({ ...invite, expiresAt: invite.expiresAt.toISOString() });
    },
  );

  app.patch(
    '/locations/:locationId/staff/:userId',
    {
      preValidation: access.staff(STAFF_ROUTE_ROLES.changeRole),
      schema: {
        tags: ['staff'],
        summary: "Change a staff member's role or barber link at this location",
        ...documented(
          STAFF_ROUTE_ROLES.changeRole,
          'Demoting the last owner: 409 INVALID_STATE. Not staff here: 404.',
          here,
        ),
        params: staffMemberParams,
        body: rolePatchSchema,
        response: { 200: staffMemberSchema, 409: problemSchema, ...errors },
      },
    },
    async (req) => memberToApi(await changeStaffRole(ctx, staffAccessOf(req), req.params.userId, req.body)),
  );

  app.post(
    '/locations/:locationId/staff/:userId/deactivate',
    {
      preValidation: access.staff(STAFF_ROUTE_ROLES.deactivate),
      schema: {
        tags: ['staff'],
        summary: 'Deactivate a staff member here: their sessions end, their history stays',
        ...documented(
          STAFF_ROUTE_ROLES.deactivate,
          'Yourself, the last owner or an already deactivated member: 409 INVALID_STATE.',
          here,
        ),
        params: staffMemberParams,
        body: z.object({}).loose().nullish(),
        response: { 200: staffMemberSchema, 409: problemSchema, ...errors },
      },
    },
    async (req) => memberToApi(await deactivateStaff(ctx, staffAccessOf(req), req.params.userId)),
  );
};
