/**
 * The client's manage link: view, calendar file, availability, cancel, reschedule.
 * Who may call: whoever holds the manage token (256 random bits, stored hashed); nobody else.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  availabilityByToken,
  calendarByToken,
  cancelByToken,
  getByToken,
  rescheduleByToken,
} from '../../../services/booking.service.ts';
import type { AppContext } from '../../../services/context.ts';
import {
  appointmentSchema,
  availabilitySchema,
  manageAvailabilityQuerySchema,
  problemSchema,
  tokenParams,
} from '../../schemas.ts';
import { cancelBodySchema, rescheduleBodySchema } from './change-quote.schemas.ts';
import { checkRange } from '../locations/locations.routes.ts';
import { currentPaymentView } from '../../../services/booking-payment.service.ts';
import { bookedAppointmentSchema } from './manage-payment.schemas.ts';

export const manageRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const errors = { 404: problemSchema, 409: problemSchema, 422: problemSchema };
  const access = 'Access: the holder of the manage token from the confirmation email.';

  app.get(
    '/manage/:token',
    {
      schema: {
        tags: ['manage'],
        summary: 'The appointment behind a manage link',
        description: access,
        params: tokenParams,
        response: { 200: bookedAppointmentSchema, ...errors },
      },
    },
    async (req) => {
      const view = await getByToken(ctx, req.params.token);
      return ctx.payments
        ? { ...view, payment: await currentPaymentView(ctx, view.id, view.timezone) }
        : view;
    },
  );

  app.get(
    '/manage/:token/calendar.ics',
    {
      schema: {
        tags: ['manage'],
        summary: 'The appointment as an iCalendar file (Add to calendar)',
        description: access,
        params: tokenParams,
      },
    },
    async (req, reply) => {
      const ics = await calendarByToken(ctx, req.params.token);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', 'attachment; filename="appointment.ics"')
        .send(ics);
    },
  );

  app.get(
    '/manage/:token/availability',
    {
      schema: {
        tags: ['manage'],
        summary: 'Free times to move this appointment to (its own time counts as free)',
        description: access,
        params: tokenParams,
        querystring: manageAvailabilityQuerySchema,
        response: { 200: availabilitySchema, ...errors },
      },
    },
    async (req) => {
      checkRange(req.query.from, req.query.to);
      return availabilityByToken(ctx, req.params.token, req.query);
    },
  );

  app.post(
    '/manage/:token/cancel',
    {
      schema: {
        tags: ['manage'],
        summary: 'Cancel (refused inside the change window)',
        description: access,
        params: tokenParams,
        // No body at all arrives as null: the docs allow an empty body or {}.
        body: cancelBodySchema,
        response: { 200: appointmentSchema, ...errors },
      },
    },
    async (req) => cancelByToken(ctx, req.params.token, { expectedQuote: req.body?.expectedQuote }),
  );

  app.post(
    '/manage/:token/reschedule',
    {
      schema: {
        tags: ['manage'],
        summary: 'Move to another offered time (refused inside the change window)',
        description: access,
        params: tokenParams,
        body: rescheduleBodySchema,
        response: { 200: appointmentSchema, ...errors },
      },
    },
    async (req) => rescheduleByToken(ctx, req.params.token, req.body),
  );
};
