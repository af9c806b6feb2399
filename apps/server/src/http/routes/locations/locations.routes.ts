/**
 * Public location routes: the shop, its services, its barbers, availability and booking.
 * Who may call: anyone (no account); booking creation is rate limited per client IP.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addDays, validationError } from '@bookedbarber/core';
import { findSlots, resolveBarbers, resolveServices } from '../../../services/availability.service.ts';
import { createAppointment, slotsToApi } from '../../../services/booking.service.ts';
import { loadCatalog } from '../../../services/catalog.service.ts';
import type { AppContext } from '../../../services/context.ts';
import {
  availabilityQuerySchema,
  availabilitySchema,
  barberSchema,
  createAppointmentSchema,
  locationSchema,
  problemSchema,
  slugParams,
} from '../../schemas.ts';
import { servicePaymentPreviews } from '../../../services/booking-payment.service.ts';
import { bookedAppointmentSchema, serviceWithPaymentSchema } from '../manage/manage-payment.schemas.ts';

const MAX_RANGE_DAYS = 31;

/** Options: the app context and the rate limit for booking creation (false = off). */
export interface LocationRoutesOptions {
  ctx: AppContext;
}

export const locationRoutes: FastifyPluginAsyncZod<LocationRoutesOptions> = async (app, { ctx }) => {
  const db = ctx.database.db;
  const errors = { 404: problemSchema, 422: problemSchema };

  app.get(
    '/locations/:slug',
    {
      schema: {
        tags: ['public'],
        summary: 'A shop: name, zone, currency, contact, opening hours, booking policy',
        description: 'Access: public.',
        params: slugParams,
        response: { 200: locationSchema, ...errors },
      },
    },
    async (req) => {
      const { location: l } = await loadCatalog(db, req.params.slug);
      return {
        slug: l.slug,
        name: l.name,
        timezone: l.timezone,
        currency: l.currency,
        phone: l.phone,
        address: l.address,
        openingHours: l.openingHours as Record<string, [string, string][]>,
        policy: l.policy,
      };
    },
  );

  app.get(
    '/locations/:slug/services',
    {
      schema: {
        tags: ['public'],
        summary: 'Services bookable online, in display order',
        description: 'Access: public.',
        params: slugParams,
        response: { 200: z.array(serviceWithPaymentSchema), ...errors },
      },
    },
    async (req) => {
      const c = await loadCatalog(db, req.params.slug);
      const online = c.services.filter((s) => s.bookableOnline);
      const payment = await servicePaymentPreviews(ctx, c.location.id, online, c.location.currency);
      return online.map((s) => ({
        id: s.id,
        name: s.name,
        category: s.category,
        description: s.description,
        durationMinutes: s.durationMinutes,
        priceMinor: s.priceMinor,
        currency: c.location.currency,
        bufferBeforeMinutes: s.bufferBeforeMinutes,
        bufferAfterMinutes: s.bufferAfterMinutes,
        ...(ctx.payments ? { payment: payment.get(s.id) ?? null } : {}),
      }));
    },
  );

  app.get(
    '/locations/:slug/barbers',
    {
      schema: {
        tags: ['public'],
        summary: 'Bookable barbers and the services each offers',
        description: 'Access: public.',
        params: slugParams,
        response: { 200: z.array(barberSchema), ...errors },
      },
    },
    async (req) => {
      const c = await loadCatalog(db, req.params.slug);
      const online = new Set(c.services.filter((s) => s.bookableOnline).map((s) => s.id));
      return c.barbers.map((b) => ({
        id: b.id,
        name: b.name,
        bio: b.bio,
        serviceIds: b.offers.map((o) => o.serviceId).filter((id) => online.has(id)),
      }));
    },
  );

  app.get(
    '/locations/:slug/availability',
    {
      schema: {
        tags: ['public'],
        summary: 'Free slots for the chosen services with one barber or any barber',
        description: `Access: public. Dates are local to the shop, inclusive, at most ${MAX_RANGE_DAYS} days.`,
        params: slugParams,
        querystring: availabilityQuerySchema,
        response: { 200: availabilitySchema, ...errors },
      },
    },
    async (req) => {
      const c = await loadCatalog(db, req.params.slug);
      const { from, to } = req.query;
      checkRange(from, to);
      const services = resolveServices(c, req.query.services, 'services');
      const barbers = resolveBarbers(c, req.query.barber, 'barber');
      const slots = await findSlots(db, c, services, barbers, from, to, ctx.now());
      return { timezone: c.location.timezone, slots: slotsToApi(slots, c.location.timezone) };
    },
  );

  app.post(
    '/locations/:slug/appointments',
    {
      config: { rateLimit: ctx.config.rateLimit ? {} : false },
      schema: {
        tags: ['public'],
        summary: 'Book an appointment (no account needed)',
        description:
          'Access: public, rate limited per client IP. Send an `Idempotency-Key` header to make retries safe.',
        params: slugParams,
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }).loose(),
        body: createAppointmentSchema,
        response: {
          201: bookedAppointmentSchema,
          409: problemSchema,
          429: problemSchema,
          503: problemSchema,
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const key = req.headers['idempotency-key'];
      const result = await createAppointment(
        ctx,
        req.params.slug,
        req.body,
        typeof key === 'string' ? key : undefined,
      );
      return reply.status(201).send(result.body);
    },
  );
};

/**
 * Checks a local date range: real dates, from ≤ to, at most MAX_RANGE_DAYS days.
 * @throws AppError VALIDATION_FAILED naming `from`/`to`.
 */
export function checkRange(from: string, to: string): void {
  const valid = (d: string) =>
    !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
  if (!valid(from)) throw validationError([{ field: 'from', message: 'Not a real date' }]);
  if (!valid(to)) throw validationError([{ field: 'to', message: 'Not a real date' }]);
  if (to < from) throw validationError([{ field: 'to', message: 'Must be on or after from' }]);
  if (addDays(from, MAX_RANGE_DAYS - 1) < to)
    throw validationError([{ field: 'to', message: `At most ${MAX_RANGE_DAYS} days per request` }]);
}
