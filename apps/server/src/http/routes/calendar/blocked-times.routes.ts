/**
 * Blocked time on the staff calendar (docs/api.md, "Staff calendar"): block a stretch of a
 * barber's time and remove a block. Owners, managers and front desk for anyone at the location; a
 * barber for themself.
 */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { StaffRole } from '@bookedbarber/core';
import type { AppContext } from '../../../services/context.ts';
import { createBlockedTime, deleteBlockedTime } from '../../../services/blocked-time.service.ts';
import { accessHooks, documented, staffAccessOf } from '../../auth.ts';
import { locationIdParams, problemSchema } from '../../schemas.ts';

/** Roles allowed on the blocked-time routes (also in the OpenAPI document as `x-roles`). */
export const BLOCKED_TIME_ROUTE_ROLES = {
  block: ['owner', 'manager', 'front_desk', 'barber'],
} as const satisfies Record<string, readonly StaffRole[]>;

/** Body of POST …/blocked-times. */
export const blockedTimeBodySchema = z.object({
  barberId: z.string().min(1).max(100),
  start: z.string().max(40).meta({ description: 'ISO 8601 with offset' }),
  end: z.string().max(40).meta({ description: 'ISO 8601 with offset; after start, at most 24 hours later' }),
  reason: z.string().trim().max(200, 'At most 200 characters').nullish(),
});

/** A block as answered (instants with the location's offset). */
export const blockedTimeSchema = z.object({
  id: z.string(),
  barberId: z.string(),
  start: z.string(),
  end: z.string(),
  reason: z.string().nullable(),
  kind: z.literal('blocked'),
  status: z.literal('approved'),
});

const blockedTimeParams = z.object({
  locationId: z.string().min(1).max(100),
  id: z.string().min(1).max(100),
});

/** The blocked-time routes (registered under /api/v1). */
export const blockedTimeRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const access = accessHooks(app, ctx);
  const errors = { 401: problemSchema, 403: problemSchema, 404: problemSchema, 422: problemSchema };
  const here = { scope: 'of this location' };

  app.post(
    '/locations/:locationId/blocked-times',
    {
      preValidation: access.staff(BLOCKED_TIME_ROUTE_ROLES.block),
      schema: {
        tags: ['staff'],
        summary: "Block a stretch of a barber's calendar (no bookings in it)",
        ...documented(
          BLOCKED_TIME_ROUTE_ROLES.block,
          'A barber only their own time. Overlapping an active appointment of that barber: 409 SLOT_UNAVAILABLE.',
          here,
        ),
        params: locationIdParams,
        body: blockedTimeBodySchema,
        response: { 201: blockedTimeSchema, 409: problemSchema, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await createBlockedTime(ctx, staffAccessOf(req), req.body)),
  );

  app.delete(
    '/locations/:locationId/blocked-times/:id',
    {
      preValidation: access.staff(BLOCKED_TIME_ROUTE_ROLES.block),
      schema: {
        tags: ['staff'],
        summary: 'Remove a block (blocked time only, not time off)',
        ...documented(BLOCKED_TIME_ROUTE_ROLES.block, 'A barber only their own blocks.', here),
        params: blockedTimeParams,
        response: { 204: z.null().meta({ description: 'Removed' }), ...errors },
      },
    },
    async (req, reply) => {
      await deleteBlockedTime(ctx, staffAccessOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
};
