/**
 * Back office: services and categories, and each barber's offer of a service (price and
 * duration overrides). Who may call: see {@link BACK_OFFICE_ROUTE_ROLES}.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../services/context.ts';
import {
  createService,
  listAdminServices,
  removeBarberService,
  renameCategory,
  reorderServices,
  setBarberService,
  updateService,
} from '../../../services/service-admin.service.ts';
import { accessHooks, documented, staffAccessOf } from '../../auth.ts';
import { locationIdParams, problemSchema } from '../../schemas.ts';
import {
  adminServiceListSchema,
  adminServiceSchema,
  barberServiceParams,
  barberServiceSchema,
  categoryRenameSchema,
  serviceCreateSchema,
  serviceOrderSchema,
  serviceParams,
  servicePatchSchema,
} from './back-office.schemas.ts';
import { BACK_OFFICE_ROUTE_ROLES as R } from './roles.ts';

/** The service routes of the back office (registered under /api/v1). */
export const serviceAdminRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const access = accessHooks(app, ctx);
  const errors = { 401: problemSchema, 403: problemSchema, 404: problemSchema, 422: problemSchema };
  const here = { scope: 'of this location' };

  app.get(
    '/locations/:locationId/services',
    {
      // GET /locations/{slug}/services is the public list: a location id (UUID) comes here.
      constraints: { locationRef: 'id' },
      preValidation: access.staff(R.listServices),
      schema: {
        tags: ['staff'],
        summary: 'Every service of a location (archived and not-bookable-online too) with barber overrides',
        ...documented(R.listServices, 'Prices in minor units of `currency`.', here),
        params: locationIdParams,
        response: { 200: adminServiceListSchema, ...errors },
      },
    },
    async (req) => listAdminServices(ctx, staffAccessOf(req)),
  );

  app.post(
    '/locations/:locationId/services',
    {
      preValidation: access.staff(R.changeServices),
      schema: {
        tags: ['staff'],
        summary: 'Add a service (at the end of the list)',
        ...documented(
          R.changeServices,
          'Offered by `barberIds` (default: every active barber). Audited as `service.created`.',
          here,
        ),
        params: locationIdParams,
        body: serviceCreateSchema,
        response: { 201: adminServiceSchema, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await createService(ctx, staffAccessOf(req), req.body)),
  );

  app.put(
    '/locations/:locationId/services/order',
    {
      preValidation: access.staff(R.changeServices),
      schema: {
        tags: ['staff'],
        summary: 'Reorder services: the listed ids first, in this order',
        ...documented(
          R.changeServices,
          'Categories follow the order of their first service. Audited as `services.reordered`.',
          here,
        ),
        params: locationIdParams,
        body: serviceOrderSchema,
        response: { 200: adminServiceListSchema, ...errors },
      },
    },
    async (req) => reorderServices(ctx, staffAccessOf(req), req.body.ids),
  );

  app.patch(
    '/locations/:locationId/services/:serviceId',
    {
      preValidation: access.staff(R.changeServices),
      schema: {
        tags: ['staff'],
        summary: 'Change a service (price, duration, buffers, online booking, category, order, archive)',
        ...documented(
          R.changeServices,
          '`active: false` archives (hidden from the booking page; never deleted), `true` restores. ' +
            'Audited as `service.updated`, `service.archived` or `service.restored`.',
          here,
        ),
        params: serviceParams,
        body: servicePatchSchema,
        response: { 200: adminServiceSchema, ...errors },
      },
    },
    async (req) => updateService(ctx, staffAccessOf(req), req.params.serviceId, req.body),
  );

  app.post(
    '/locations/:locationId/services/:serviceId/archive',
    {
      preValidation: access.staff(R.changeServices),
      schema: {
        tags: ['staff'],
        summary: 'Archive a service (active = false): gone from the booking page, history kept',
        ...documented(R.changeServices, 'Audited as `service.archived`.', here),
        params: serviceParams,
        body: z.object({}).loose().nullish(),
        response: { 200: adminServiceSchema, ...errors },
      },
    },
    async (req) => updateService(ctx, staffAccessOf(req), req.params.serviceId, { active: false }),
  );

  app.post(
    '/locations/:locationId/service-categories/rename',
    {
      preValidation: access.staff(R.changeServices),
      schema: {
        tags: ['staff'],
        summary: 'Rename a category (every service in `from` moves to `to`)',
        ...documented(
          R.changeServices,
          'No service in `from`: 404. Audited as `service_category.renamed`.',
          here,
        ),
        params: locationIdParams,
        body: categoryRenameSchema,
        response: { 200: z.object({ renamed: z.number().int() }), ...errors },
      },
    },
    async (req) => renameCategory(ctx, staffAccessOf(req), req.body.from, req.body.to),
  );

  app.put(
    '/locations/:locationId/barbers/:barberId/services/:serviceId',
    {
      preValidation: access.staff(R.changeServices),
      schema: {
        tags: ['staff'],
        summary: "A barber offers a service, with their own price and duration (null = the service's)",
        ...documented(R.changeServices, 'Audited as `barber_service.set`.', here),
        params: barberServiceParams,
        body: barberServiceSchema,
        response: {
          200: z.object({
            barberId: z.string(),
            serviceId: z.string(),
            priceMinor: z.number().int().nullable(),
            durationMinutes: z.number().int().nullable(),
          }),
          ...errors,
        },
      },
    },
    async (req) =>
      setBarberService(ctx, staffAccessOf(req), req.params.barberId, req.params.serviceId, req.body),
  );

  app.delete(
    '/locations/:locationId/barbers/:barberId/services/:serviceId',
    {
      preValidation: access.staff(R.changeServices),
      schema: {
        tags: ['staff'],
        summary: 'A barber no longer offers a service (existing appointments stay)',
        ...documented(R.changeServices, 'Not offered: 404. Audited as `barber_service.removed`.', here),
        params: barberServiceParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      await removeBarberService(ctx, staffAccessOf(req), req.params.barberId, req.params.serviceId);
      return reply.status(204).send(null);
    },
  );
};
