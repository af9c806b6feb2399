/**
 * Payment routes under /api/v1 (issue 4): an appointment's payments and ledger for the staff of
 * its location (barbers: their own appointments only), and the reconciliation report of the
 * ledger against the payment provider for owners. The Stripe webhook is in stripe-webhook.routes.ts.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppError } from '@bookedbarber/core';
import { PaymentProviderError } from '../../../payments/provider.ts';
import { requireOwnerOrganization } from '../../../services/access.service.ts';
import { appointmentPayments } from '../../../services/appointment-payments.service.ts';
import type { AppContext } from '../../../services/context.ts';
import { requirePayments } from '../../../services/payment.service.ts';
import { reconciliationReport } from '../../../services/reconciliation.service.ts';
import { accessHooks, documented, principalOf, staffAccessOf } from '../../auth.ts';
import { locationAppointmentParams, problemSchema } from '../../schemas.ts';
import {
  appointmentPaymentsSchema,
  reconciliationQuerySchema,
  reconciliationReportSchema,
} from './payments.schemas.ts';

/** Roles allowed on each payment route (also in the OpenAPI document as `x-roles`). */
export const PAYMENT_ROUTE_ROLES = {
  /** Barbers: their own appointments only. */
  appointmentPayments: ['owner', 'manager', 'front_desk', 'barber'],
  reconciliation: ['owner'],
} as const;

/** Payment routes (registered under /api/v1). */
export const paymentRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const access = accessHooks(app, ctx);
  const errors = { 401: problemSchema, 403: problemSchema, 404: problemSchema, 422: problemSchema };

  app.get(
    '/locations/:locationId/appointments/:id/payments',
    {
      preValidation: access.staff(PAYMENT_ROUTE_ROLES.appointmentPayments),
      schema: {
        tags: ['staff'],
        summary: "An appointment's payments, ledger entries and balance (minor units)",
        ...documented(
          PAYMENT_ROUTE_ROLES.appointmentPayments,
          'Barbers see only their own appointments (403 for a colleague’s).',
          { scope: 'of this location' },
        ),
        params: locationAppointmentParams,
        response: { 200: appointmentPaymentsSchema, ...errors },
      },
    },
    async (req) => appointmentPayments(ctx, staffAccessOf(req), req.params.id),
  );

  app.get(
    '/organizations/current/payments/reconciliation',
    {
      preValidation: access.owner(),
      schema: {
        tags: ['organization'],
        summary: "Compare the ledger with the payment provider's records over a period",
        ...documented(
          PAYMENT_ROUTE_ROLES.reconciliation,
          'For every payment created in [from, to): the amount received, each refund and each dispute, ' +
            'ledger vs provider; lists every difference (missing_in_ledger, missing_at_provider, amount_differs). ' +
            '503 PAYMENTS_UNAVAILABLE without a provider, 502 when the provider cannot be read.',
          { scope: 'of the organization' },
        ),
        querystring: reconciliationQuerySchema,
        response: {
          200: reconciliationReportSchema,
          ...errors,
          502: problemSchema,
          503: problemSchema,
        },
      },
    },
    async (req) => {
      const orgId = await requireOwnerOrganization(ctx, principalOf(req), req.query.organizationId);
      const { provider } = requirePayments(ctx);
      try {
        const r = await reconciliationReport(ctx.database.db, provider, {
          from: new Date(req.query.from),
          to: new Date(req.query.to),
          organizationId: orgId,
        });
        return { ...r, from: r.from.toISOString(), to: r.to.toISOString() };
      } catch (e) {
        if (e instanceof PaymentProviderError)
          throw new AppError(
            'PAYMENT_PROVIDER_ERROR',
            'The payment provider could not be read; try again later.',
          );
        throw e;
      }
    },
  );
};
