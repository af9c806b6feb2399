/**
 * Back office: a location's settings (details, opening hours, closures and holidays, booking
 * policy). Who may call: see {@link BACK_OFFICE_ROUTE_ROLES}.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../../services/context.ts';
import { getSettings, updateSettings } from '../../../services/location-admin.service.ts';
import { accessHooks, documented, staffAccessOf } from '../../auth.ts';
import { locationIdParams, problemSchema } from '../../schemas.ts';
import { locationSettingsSchema, settingsPatchSchema } from './back-office.schemas.ts';
import { BACK_OFFICE_ROUTE_ROLES as R } from './roles.ts';

/** GET/PATCH /locations/{locationId}/settings (registered under /api/v1). */
export const locationAdminRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const access = accessHooks(app, ctx);
  const errors = { 401: problemSchema, 403: problemSchema, 404: problemSchema, 422: problemSchema };
  const here = { scope: 'of this location' };

  app.get(
    '/locations/:locationId/settings',
    {
      preValidation: access.staff(R.readSettings),
      schema: {
        tags: ['staff'],
        summary: 'Settings of a location: details, opening hours, closures and holidays, booking policy',
        ...documented(R.readSettings, 'Hours are wall-clock windows in the location zone.', here),
        params: locationIdParams,
        response: { 200: locationSettingsSchema, ...errors },
      },
    },
    async (req) => getSettings(staffAccessOf(req), ctx),
  );

  app.patch(
    '/locations/:locationId/settings',
    {
      preValidation: access.staff(R.updateSettings),
      schema: {
        tags: ['staff'],
        summary: 'Change some settings of a location (send only what changes)',
        ...documented(
          R.updateSettings,
          'Only owners change `timezone` and `currency` (a manager: 403 FORBIDDEN). `openingHours` and ' +
            '`closures` replace the whole list. Audited as `location.updated`; the booking page shows the ' +
            'change at once. `payments` (issue 4): a paid mode while `paymentOptions.onlinePaymentsAvailable` ' +
            'is false is 422 with a field error on `payments.mode`.',
          here,
        ),
        params: locationIdParams,
        body: settingsPatchSchema,
        response: { 200: locationSettingsSchema, ...errors },
      },
    },
    async (req) => updateSettings(ctx, staffAccessOf(req), req.body),
  );
};
