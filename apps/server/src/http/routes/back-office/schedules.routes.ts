/**
 * Back office: barbers and their schedules (weekly hours, breaks, date overrides), and time off
 * (barbers request, managers approve). Who may call: see {@link BACK_OFFICE_ROUTE_ROLES}.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../../services/context.ts';
import {
  createBarber,
  listAdminBarbers,
  updateBarber,
  updateSchedule,
} from '../../../services/schedule-admin.service.ts';
import {
  createTimeOff,
  decideTimeOff,
  listTimeOff,
  removeTimeOff,
} from '../../../services/time-off.service.ts';
import { accessHooks, documented, staffAccessOf } from '../../auth.ts';
import { locationIdParams, problemSchema } from '../../schemas.ts';
import {
  adminBarberSchema,
  barberCreateSchema,
  barberParams,
  barberPatchSchema,
  declineSchema,
  scheduleSchema,
  timeOffCreateSchema,
  timeOffParams,
  timeOffQuerySchema,
  timeOffResultSchema,
  timeOffSchema,
} from './back-office.schemas.ts';
import { BACK_OFFICE_ROUTE_ROLES as R } from './roles.ts';
import { z } from 'zod';

/** The barber, schedule and time-off routes of the back office (registered under /api/v1). */
export const scheduleRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const access = accessHooks(app, ctx);
  const errors = { 401: problemSchema, 403: problemSchema, 404: problemSchema, 422: problemSchema };
  const here = { scope: 'of this location' };

  app.get(
    '/locations/:locationId/barbers',
    {
      // GET /locations/{slug}/barbers is the public list: a location id (UUID) comes here.
      constraints: { locationRef: 'id' },
      preValidation: access.staff(R.listBarbers),
      schema: {
        tags: ['staff'],
        summary: 'Every barber of a location with weekly hours, date overrides, services and account',
        ...documented(R.listBarbers, "The account's email only for owners and managers.", here),
        params: locationIdParams,
        response: { 200: adminBarberSchema.array(), ...errors },
      },
    },
    async (req) => listAdminBarbers(ctx, staffAccessOf(req)),
  );

  app.post(
    '/locations/:locationId/barbers',
    {
      preValidation: access.staff(R.changeBarbers),
      schema: {
        tags: ['staff'],
        summary: 'Create a barber profile (no hours yet); invite the person with POST …/staff/invites',
        ...documented(
          R.changeBarbers,
          'Offers `serviceIds` (default: every active service). Audited as `barber.created`.',
          here,
        ),
        params: locationIdParams,
        body: barberCreateSchema,
        response: { 201: adminBarberSchema, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await createBarber(ctx, staffAccessOf(req), req.body)),
  );

  app.patch(
    '/locations/:locationId/barbers/:barberId',
    {
      preValidation: access.staff(R.changeBarbers),
      schema: {
        tags: ['staff'],
        summary: "Change a barber's name or bio, or take them off the booking page",
        ...documented(
          R.changeBarbers,
          '`active: false` hides the barber from clients (their appointments stay); `true` restores. ' +
            'Audited as `barber.updated`, `barber.deactivated` or `barber.reactivated`.',
          here,
        ),
        params: barberParams,
        body: barberPatchSchema,
        response: { 200: adminBarberSchema, ...errors },
      },
    },
    async (req) => updateBarber(ctx, staffAccessOf(req), req.params.barberId, req.body),
  );

  app.put(
    '/locations/:locationId/barbers/:barberId/schedule',
    {
      preValidation: access.staff(R.schedule),
      schema: {
        tags: ['staff'],
        summary: "Replace a barber's weekly hours (minus breaks) and/or date overrides",
        ...documented(
          R.schedule,
          'A barber only their own (a colleague: 403). `breaks` are cut out of `weeklyHours` and stored ' +
            'as gaps between windows. Audited as `barber.schedule_updated`.',
          here,
        ),
        params: barberParams,
        body: scheduleSchema,
        response: { 200: adminBarberSchema, ...errors },
      },
    },
    async (req) => updateSchedule(ctx, staffAccessOf(req), req.params.barberId, req.body),
  );

  app.get(
    '/locations/:locationId/time-off',
    {
      preValidation: access.staff(R.listTimeOff),
      schema: {
        tags: ['staff'],
        summary: 'Time off of the barbers here (not blocked time), by start; filter by status, barber, dates',
        ...documented(R.listTimeOff, 'A barber sees only their own.', here),
        params: locationIdParams,
        querystring: timeOffQuerySchema,
        response: { 200: timeOffSchema.array(), ...errors },
      },
    },
    async (req) => listTimeOff(ctx, staffAccessOf(req), req.query),
  );

  app.post(
    '/locations/:locationId/time-off',
    {
      preValidation: access.staff(R.createTimeOff),
      schema: {
        tags: ['staff'],
        summary: 'A barber requests time off; an owner or manager adds approved time off for a barber',
        ...documented(
          R.createTimeOff,
          'A barber only for themself: the entry is `requested` (no effect on availability until approved). ' +
            'From an owner or manager it is `approved` at once and `conflicts` lists the active appointments ' +
            'inside it (kept). Audited as `time_off.requested` / `time_off.created`.',
          here,
        ),
        params: locationIdParams,
        body: timeOffCreateSchema,
        response: { 201: timeOffResultSchema, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await createTimeOff(ctx, staffAccessOf(req), req.body)),
  );

  app.post(
    '/locations/:locationId/time-off/:id/approve',
    {
      preValidation: access.staff(R.decideTimeOff),
      schema: {
        tags: ['staff'],
        summary: 'Approve a time-off request: the time leaves availability',
        ...documented(
          R.decideTimeOff,
          'Allowed over active appointments: they are kept and listed in `conflicts`. Already decided: 409 ' +
            'INVALID_STATE. The barber is emailed. Audited as `time_off.approved`.',
          here,
        ),
        params: timeOffParams,
        body: z.object({}).loose().nullish(),
        response: { 200: timeOffResultSchema, 409: problemSchema, ...errors },
      },
    },
    async (req) => decideTimeOff(ctx, staffAccessOf(req), req.params.id, 'approved'),
  );

  app.post(
    '/locations/:locationId/time-off/:id/decline',
    {
      preValidation: access.staff(R.decideTimeOff),
      schema: {
        tags: ['staff'],
        summary: 'Decline a time-off request (optional `reason` for the barber)',
        ...documented(
          R.decideTimeOff,
          'Already decided: 409 INVALID_STATE. The barber is emailed. Audited as `time_off.declined`.',
          here,
        ),
        params: timeOffParams,
        body: declineSchema,
        response: { 200: timeOffResultSchema, 409: problemSchema, ...errors },
      },
    },
    async (req) => decideTimeOff(ctx, staffAccessOf(req), req.params.id, 'declined', req.body?.reason),
  );

  app.delete(
    '/locations/:locationId/time-off/:id',
    {
      preValidation: access.staff(R.removeTimeOff),
      schema: {
        tags: ['staff'],
        summary: 'Remove a time off (a barber withdraws their own request)',
        ...documented(
          R.removeTimeOff,
          'A barber only their own entry while it is `requested` (otherwise 403). Approved time off removed ' +
            'gives the time back to availability. Audited as `time_off.removed`.',
          here,
        ),
        params: timeOffParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      await removeTimeOff(ctx, staffAccessOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
};
