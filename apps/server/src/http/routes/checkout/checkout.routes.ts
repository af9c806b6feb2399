/**
 * Checkout at the desk (docs/api.md, "Checkout"): the ticket of a completed appointment, its
 * preview, closing it with cash, the card on file or a card, and a barber's tips.
 * Every route is for staff holding one of its roles at the location of the path.
 */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { StaffRole } from '@bookedbarber/core';
import type { AppContext } from '../../../services/context.ts';
import {
  barberTips,
  closeCheckout,
  getCheckout,
  previewCheckout,
  refreshCardPayment,
  testConfirmCard,
} from '../../../services/checkout.service.ts';
import { accessHooks, documented, staffAccessOf } from '../../auth.ts';
import { locationAppointmentParams, problemSchema } from '../../schemas.ts';
import {
  barberTipsParams,
  barberTipsQuerySchema,
  barberTipsSchema,
  checkoutCloseBodySchema,
  checkoutPreviewBodySchema,
  checkoutPreviewSchema,
  checkoutSchema,
  testConfirmBodySchema,
} from './checkout.schemas.ts';

/** Roles allowed on each checkout route (also in the OpenAPI document as `x-roles`). */
export const CHECKOUT_ROUTE_ROLES = {
  checkout: ['owner', 'manager', 'front_desk', 'barber'],
  tips: ['owner', 'manager', 'barber'],
} as const satisfies Record<string, readonly StaffRole[]>;

/** The checkout routes (registered under /api/v1). */
export const checkoutRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const access = accessHooks(app, ctx);
  const errors = { 401: problemSchema, 403: problemSchema, 404: problemSchema, 422: problemSchema };
  const here = { scope: 'of this location' };
  const who =
    'A barber only on their own appointments. Line prices and discounts: owners and managers only ' +
    '(others 403 FORBIDDEN).';
  const base = '/locations/:locationId/appointments/:id/checkout';

  app.get(
    base,
    {
      preValidation: access.staff(CHECKOUT_ROUTE_ROLES.checkout),
      schema: {
        tags: ['staff'],
        summary: 'The checkout of an appointment: the open ticket as booked, or the closed one',
        ...documented(CHECKOUT_ROUTE_ROLES.checkout, who, here),
        params: locationAppointmentParams,
        response: { 200: checkoutSchema, ...errors },
      },
    },
    async (req) => getCheckout(ctx, staffAccessOf(req), req.params.id),
  );

  app.post(
    `${base}/preview`,
    {
      preValidation: access.staff(CHECKOUT_ROUTE_ROLES.checkout),
      schema: {
        tags: ['staff'],
        summary: 'The totals of a checkout with these lines, tip and discount (nothing is written)',
        ...documented(CHECKOUT_ROUTE_ROLES.checkout, who, here),
        params: locationAppointmentParams,
        body: checkoutPreviewBodySchema,
        response: { 200: checkoutPreviewSchema, ...errors },
      },
    },
    async (req) => previewCheckout(ctx, staffAccessOf(req), req.params.id, req.body),
  );

  app.post(
    base,
    {
      preValidation: access.staff(CHECKOUT_ROUTE_ROLES.checkout),
      schema: {
        tags: ['staff'],
        summary: 'Close the checkout and take the money (cash, card on file, or card at the desk)',
        ...documented(
          CHECKOUT_ROUTE_ROLES.checkout,
          `${who} Requires an \`Idempotency-Key\` header. Completed (or checked-in, completed now) ` +
            'appointments only: otherwise 409 INVALID_STATE. `expectedTotalMinor` ≠ the amount due: 422 ' +
            'PAYMENT_AMOUNT_MISMATCH. A declined card on file: 402 PAYMENT_DECLINED (retry with another method).',
          here,
        ),
        params: locationAppointmentParams,
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200) }).loose(),
        body: checkoutCloseBodySchema,
        response: {
          200: checkoutSchema,
          402: problemSchema,
          409: problemSchema,
          502: problemSchema,
          503: problemSchema,
          ...errors,
        },
      },
    },
    async (req) =>
      closeCheckout(ctx, staffAccessOf(req), req.params.id, req.body, req.headers['idempotency-key']),
  );

  app.post(
    `${base}/card/refresh`,
    {
      preValidation: access.staff(CHECKOUT_ROUTE_ROLES.checkout),
      schema: {
        tags: ['staff'],
        summary: "Read the desk's card payment from the provider and apply it",
        ...documented(CHECKOUT_ROUTE_ROLES.checkout, who, here),
        params: locationAppointmentParams,
        body: z.object({}).loose().nullish(),
        response: { 200: checkoutSchema, 409: problemSchema, 503: problemSchema, ...errors },
      },
    },
    async (req) => refreshCardPayment(ctx, staffAccessOf(req), req.params.id),
  );

  app.post(
    `${base}/card/test-confirm`,
    {
      preValidation: access.staff(CHECKOUT_ROUTE_ROLES.checkout),
      schema: {
        tags: ['staff'],
        summary: "Test mode only: pay the desk's card payment with a Stripe test card number",
        ...documented(
          CHECKOUT_ROUTE_ROLES.checkout,
          `${who} 404 unless the server runs with PAYMENTS=test.`,
          here,
        ),
        params: locationAppointmentParams,
        body: testConfirmBodySchema,
        response: { 200: checkoutSchema, 402: problemSchema, 409: problemSchema, ...errors },
      },
    },
    async (req) => testConfirmCard(ctx, staffAccessOf(req), req.params.id, req.body.cardNumber),
  );

  app.get(
    '/locations/:locationId/barbers/:barberId/tips',
    {
      preValidation: access.staff(CHECKOUT_ROUTE_ROLES.tips),
      schema: {
        tags: ['staff'],
        summary: "A barber's tips per day (by appointment date) and in total, local dates from–to",
        ...documented(CHECKOUT_ROUTE_ROLES.tips, 'A barber only their own. At most 92 days.', here),
        params: barberTipsParams,
        querystring: barberTipsQuerySchema,
        response: { 200: barberTipsSchema, ...errors },
      },
    },
    async (req) => barberTips(ctx, staffAccessOf(req), req.params.barberId, req.query.from, req.query.to),
  );
};
