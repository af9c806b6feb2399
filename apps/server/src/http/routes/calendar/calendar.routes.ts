/**
 * The staff calendar of a location (docs/api.md, "Staff calendar"): the calendar, appointment
 * actions, phone and walk-in bookings, client search and the live events stream.
 * Every route is for staff holding one of its roles at the location of the path.
 */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { StaffRole } from '@bookedbarber/core';
import type { AppContext } from '../../../services/context.ts';
import {
  createAsStaff,
  expectedVersion,
  findClients,
  getCalendar,
  rescheduleAsStaff,
  resizeAsStaff,
  transitionAppointment,
  updateNotes,
  type StaffTransition,
} from '../../../services/staff-appointment.service.ts';
import { accessHooks, documented, staffAccessOf } from '../../auth.ts';
import {
  calendarQuerySchema,
  calendarSchema,
  cancelBodySchema,
  clientSchema,
  clientSearchQuerySchema,
  locationAppointmentParams,
  locationIdParams,
  notesBodySchema,
  problemSchema,
  staffAppointmentSchema,
  staffBookingSchema,
  staffRescheduleSchema,
  transitionBodySchema,
} from '../../schemas.ts';

/** Roles allowed on each calendar route (also in the OpenAPI document as `x-roles`). */
export const CALENDAR_ROUTE_ROLES = {
  calendar: ['owner', 'manager', 'front_desk', 'barber'],
  act: ['owner', 'manager', 'front_desk', 'barber'],
  book: ['owner', 'manager', 'front_desk', 'barber'],
  clients: ['owner', 'manager', 'front_desk'],
  events: ['owner', 'manager', 'front_desk', 'barber'],
} as const satisfies Record<string, readonly StaffRole[]>;

const HEARTBEAT_MS = 15_000;

/** The calendar routes (registered under /api/v1). */
export const calendarRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const access = accessHooks(app, ctx);
  const errors = { 401: problemSchema, 403: problemSchema, 404: problemSchema, 422: problemSchema };
  const here = { scope: 'of this location' };
  const ifMatch = (h: unknown) => (typeof h === 'string' ? h : undefined);
  // Open event streams end when the server closes (they would keep it waiting otherwise).
  const streams = new Set<{ end: () => void }>();
  app.addHook('preClose', async () => {
    for (const s of streams) s.end();
  });

  app.get(
    '/locations/:locationId/calendar',
    {
      preValidation: access.staff(CALENDAR_ROUTE_ROLES.calendar),
      schema: {
        tags: ['staff'],
        summary: "The location's appointments and time off for local dates from–to (at most 31 days)",
        ...documented(
          CALENDAR_ROUTE_ROLES.calendar,
          "A barber sees every appointment's time and services, but client email and phone only on their own.",
          here,
        ),
        params: locationIdParams,
        querystring: calendarQuerySchema,
        response: { 200: calendarSchema, ...errors },
      },
    },
    async (req) => getCalendar(ctx, staffAccessOf(req), req.query),
  );

  const transitions: Array<[StaffTransition, string]> = [
    ['confirm', 'Confirm a pending appointment'],
    ['check-in', 'Check the client in'],
    ['complete', 'Mark the appointment completed'],
    ['no-show', 'Mark the client a no-show'],
  ];
  const actionDescription =
    'A barber only on their own appointments. `If-Match` (or `version`) with the version you saw: ' +
    'a stale one is 409 STALE_UPDATE. Not allowed from the current status: 409 INVALID_STATE.';
  for (const [action, summary] of transitions)
    app.post(
      `/locations/:locationId/appointments/:id/${action}`,
      {
        preValidation: access.staff(CALENDAR_ROUTE_ROLES.act),
        schema: {
          tags: ['staff'],
          summary,
          ...documented(CALENDAR_ROUTE_ROLES.act, actionDescription, here),
          params: locationAppointmentParams,
          body: transitionBodySchema,
          response: { 200: staffAppointmentSchema, 409: problemSchema, ...errors },
        },
      },
      async (req) =>
        transitionAppointment(ctx, staffAccessOf(req), req.params.id, action, {
          expected: expectedVersion(
            ifMatch(req.headers['if-match']),
            req.body?.version as string | undefined,
          ),
        }),
    );

  app.post(
    '/locations/:locationId/appointments/:id/cancel',
    {
      preValidation: access.staff(CALENDAR_ROUTE_ROLES.act),
      schema: {
        tags: ['staff'],
        summary: 'Cancel an appointment on behalf of the shop, with a reason',
        ...documented(CALENDAR_ROUTE_ROLES.act, actionDescription, here),
        params: locationAppointmentParams,
        body: cancelBodySchema,
        response: { 200: staffAppointmentSchema, 409: problemSchema, ...errors },
      },
    },
    async (req) =>
      transitionAppointment(ctx, staffAccessOf(req), req.params.id, 'cancel', {
        expected: expectedVersion(ifMatch(req.headers['if-match']), req.body.version),
        reason: req.body.reason,
      }),
  );

  app.patch(
    '/locations/:locationId/appointments/:id',
    {
      preValidation: access.staff(CALENDAR_ROUTE_ROLES.act),
      schema: {
        tags: ['staff'],
        summary: "Change an appointment's notes",
        ...documented(CALENDAR_ROUTE_ROLES.act, actionDescription, here),
        params: locationAppointmentParams,
        body: notesBodySchema,
        response: { 200: staffAppointmentSchema, 409: problemSchema, ...errors },
      },
    },
    async (req) =>
      updateNotes(
        ctx,
        staffAccessOf(req),
        req.params.id,
        req.body.notes || null,
        expectedVersion(ifMatch(req.headers['if-match']), req.body.version),
      ),
  );

  app.post(
    '/locations/:locationId/appointments/:id/reschedule',
    {
      preValidation: access.staff(CALENDAR_ROUTE_ROLES.act),
      schema: {
        tags: ['staff'],
        summary: 'Move an appointment (optionally to another barber); `override` skips hours and lead time',
        ...documented(
          CALENDAR_ROUTE_ROLES.act,
          `${actionDescription} A taken time is 409 SLOT_UNAVAILABLE, even with override.`,
          here,
        ),
        params: locationAppointmentParams,
        body: staffRescheduleSchema,
        response: { 200: staffAppointmentSchema, 409: problemSchema, ...errors },
      },
    },
    async (req) =>
      rescheduleAsStaff(
        ctx,
        staffAccessOf(req),
        req.params.id,
        req.body,
        expectedVersion(ifMatch(req.headers['if-match']), req.body.version),
      ),
  );

  app.post(
    '/locations/:locationId/appointments/:id/resize',
    {
      preValidation: access.staff(CALENDAR_ROUTE_ROLES.act),
      schema: {
        tags: ['staff'],
        summary: 'Change when an appointment ends (start, barber and services stay)',
        ...documented(
          CALENDAR_ROUTE_ROLES.act,
          `${actionDescription} Pending, confirmed or checked in. Hours are not checked; an overlap with ` +
            "the barber's other appointments is 409 SLOT_UNAVAILABLE.",
          here,
        ),
        params: locationAppointmentParams,
        body: z.object({
          end: z
            .string()
            .max(40)
            .meta({ description: 'ISO 8601 with offset; 5 minutes to 12 hours after the start' }),
          version: z.string().max(60).optional().meta({ description: 'The version you saw (or If-Match)' }),
        }),
        response: { 200: staffAppointmentSchema, 409: problemSchema, ...errors },
      },
    },
    async (req) =>
      resizeAsStaff(
        ctx,
        staffAccessOf(req),
        req.params.id,
        req.body.end,
        expectedVersion(ifMatch(req.headers['if-match']), req.body.version),
      ),
  );

  app.post(
    '/locations/:locationId/appointments',
    {
      // The online booking route has the same shape with a slug (http/app.ts).
      constraints: { locationRef: 'id' },
      preValidation: access.staff(CALENDAR_ROUTE_ROLES.book),
      schema: {
        tags: ['staff'],
        summary: 'Book a phone or walk-in client (existing by id, or new)',
        ...documented(
          CALENDAR_ROUTE_ROLES.book,
          'A barber only for themself. Same availability rules as online unless `override: true` ' +
            '(skips hours, lead time and horizon, recorded in the history; never double-books). ' +
            'Send an `Idempotency-Key` header to make retries safe.',
          here,
        ),
        params: locationIdParams,
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }).loose(),
        body: staffBookingSchema,
        response: { 201: staffAppointmentSchema, 409: problemSchema, ...errors },
      },
    },
    async (req, reply) => {
      const key = req.headers['idempotency-key'];
      return reply
        .status(201)
        .send(
          await createAsStaff(ctx, staffAccessOf(req), req.body, typeof key === 'string' ? key : undefined),
        );
    },
  );

  app.get(
    '/locations/:locationId/clients',
    {
      preValidation: access.staff(CALENDAR_ROUTE_ROLES.clients),
      schema: {
        tags: ['staff'],
        summary: "Search the organization's clients by name, email or phone (at most 20)",
        ...documented(CALENDAR_ROUTE_ROLES.clients, '', here),
        params: locationIdParams,
        querystring: clientSearchQuerySchema,
        response: { 200: clientSchema.array(), ...errors },
      },
    },
    async (req) =>
      (await findClients(ctx, staffAccessOf(req), req.query.q)).map((c) => ({
        id: c.id,
        name: c.name,
        email: c.email,
        phone: c.phone,
      })),
  );

  app.get(
    '/locations/:locationId/events',
    {
      preValidation: access.staff(CALENDAR_ROUTE_ROLES.events),
      schema: {
        tags: ['staff'],
        summary: 'Live changes of the calendar as server-sent events (text/event-stream)',
        ...documented(
          CALENDAR_ROUTE_ROLES.events,
          'Events `appointment.created`, `appointment.updated`, `appointment.cancelled` with data ' +
            '`{ "type", "appointmentId" }`, and `time_off.created`, `time_off.deleted` with data ' +
            '`{ "type", "timeOffId" }` (blocked time), within 2 s of a change anywhere; a comment every 15 s keeps the stream open.',
          here,
        ),
        params: locationIdParams,
      },
    },
    async (req, reply) => {
      const { location } = staffAccessOf(req);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(': connected\n\n');
      const unsubscribe = ctx.events?.subscribe(location.id, (e) => {
        const data =
          'appointmentId' in e
            ? { type: e.type, appointmentId: e.appointmentId }
            : { type: e.type, timeOffId: e.timeOffId };
        const id = 'appointmentId' in e ? e.appointmentId : e.timeOffId;
        res.write(`event: ${e.type}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
      });
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      const stream = {
        end: () => {
          clearInterval(heartbeat);
          unsubscribe?.();
          streams.delete(stream);
          if (!res.writableEnded) res.end();
        },
      };
      streams.add(stream);
      const end = stream.end;
      req.raw.on('close', end);
      res.on('close', end);
    },
  );
};
