/**
 * Builds the Fastify application as a value (tests use `app.inject()` without a port;
 * server.ts listens). Everything under /api/v1 is JSON; the web app is served for the rest.
 */
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import client from 'prom-client';
import { isUuid } from '../services/access.service.ts';
import type { AppContext } from '../services/context.ts';
import { ACCESS_COOKIE, registerAuth } from './auth.ts';
import { registerProblemHandlers, sendProblem } from './problem.ts';
import { authRoutes } from './routes/auth/auth.routes.ts';
import { locationAdminRoutes } from './routes/back-office/locations-admin.routes.ts';
import { scheduleRoutes } from './routes/back-office/schedules.routes.ts';
import { serviceAdminRoutes } from './routes/back-office/services-admin.routes.ts';
import { blockedTimeRoutes } from './routes/calendar/blocked-times.routes.ts';
import { calendarRoutes } from './routes/calendar/calendar.routes.ts';
import { clientAccountRoutes } from './routes/clients/client-account.routes.ts';
import { clientRoutes } from './routes/clients/clients.routes.ts';
import { managePaymentRoutes } from './routes/manage/manage-payment.routes.ts';
import { testPaymentRoutes } from './routes/payments/test-payments.routes.ts';
import { healthRoutes } from './routes/health/health.routes.ts';
import { locationRoutes } from './routes/locations/locations.routes.ts';
import { manageRoutes } from './routes/manage/manage.routes.ts';
import { changeQuoteRoutes } from './routes/manage/change-quote.routes.ts';
import { meRoutes } from './routes/me/me.routes.ts';
import { organizationRoutes } from './routes/organizations/organizations.routes.ts';
import { staffRoutes } from './routes/staff/staff.routes.ts';
import { stripeWebhookRoutes } from './routes/payments/stripe-webhook.routes.ts';
import { paymentRoutes } from './routes/payments/payments.routes.ts';
import { checkoutRoutes } from './routes/checkout/checkout.routes.ts';

/**
 * Route constraint telling a location id (UUID) from a slug in `/api/v1/locations/{…}`; a route
 * with `constraints: { locationRef: 'id' }` answers only for ids.
 */
export const LOCATION_REF = 'locationRef';

/** Options for {@link buildApp}. */
export interface BuildAppOptions {
  ctx: AppContext;
  /** pino logger options, or false for none. */
  logger?: boolean | object;
}

/** Builds (but does not listen) the HTTP app. */
export async function buildApp({ ctx, logger = false }: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    bodyLimit: 64 * 1024,
    trustProxy: process.env.TRUST_PROXY === 'true',
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandlers(app);
  // POST /locations/{slug}/appointments (online booking) and POST /locations/{locationId}/appointments
  // (staff booking) share a path shape: a location id (a UUID) routes to the staff route.
  app.addConstraintStrategy({
    name: LOCATION_REF,
    storage() {
      const routes = new Map<string, unknown>();
      return {
        get: (k: string) => (routes.get(k) ?? null) as never,
        set: (k: string, v: unknown) => void routes.set(k, v),
      };
    },
    deriveConstraint: (req: { url?: string }) => {
      const m = /^\/api\/v1\/locations\/([^/?#]+)/.exec(req.url ?? '');
      return m && isUuid(m[1]!) ? 'id' : 'slug';
    },
    mustMatchWhenDerived: false,
  });
  await registerAuth(app, ctx);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'BookedBarber API',
        version: '1.0.0',
        description:
          'Book a barber online and run the shop. Errors are RFC 9457 problem details with a stable `code`. ' +
          'Staff routes name the roles that may call them in `x-roles` (at the location of the path for location routes).',
      },
      tags: [
        { name: 'public', description: 'Anyone: the booking page' },
        { name: 'manage', description: 'The holder of a manage link' },
        { name: 'auth', description: 'Staff sign-in, sessions, passwords and two-factor' },
        { name: 'staff', description: 'Staff of a location (owners and managers)' },
        { name: 'organization', description: 'Organization-wide (owners)' },
        { name: 'client', description: 'A client signed in by an emailed link: history and book again' },
        { name: 'ops', description: 'Health and readiness' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'An access token from POST /api/v1/auth/login',
          },
          cookieAuth: {
            type: 'apiKey',
            in: 'cookie',
            name: ACCESS_COOKIE,
            description: 'The web app session cookie; unsafe methods also need the X-CSRF-Token header',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(fastifyRateLimit, {
    global: false,
    max: ctx.config.rateLimit ? ctx.config.rateLimit.max : 1_000_000,
    timeWindow: ctx.config.rateLimit ? ctx.config.rateLimit.windowMs : 60_000,
    errorResponseBuilder: (_req, c) => {
      const err = new Error(
        `Too many booking attempts from your network. Try again in ${Math.ceil(c.ttl / 1000)} seconds.`,
      ) as Error & { statusCode: number };
      err.statusCode = 429;
      return err;
    },
  });

  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const httpDuration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );

  await app.register(healthRoutes, { ctx });
  await app.register(
    async (api) => {
      await api.register(locationRoutes, { ctx });
      await api.register(manageRoutes, { ctx });
      await api.register(authRoutes, { ctx });
      await api.register(meRoutes, { ctx });
      await api.register(staffRoutes, { ctx });
      await api.register(calendarRoutes, { ctx });
      await api.register(blockedTimeRoutes, { ctx });
      await api.register(organizationRoutes, { ctx });
      await api.register(locationAdminRoutes, { ctx });
      await api.register(serviceAdminRoutes, { ctx });
      await api.register(scheduleRoutes, { ctx });
      await api.register(clientRoutes, { ctx });
      await api.register(clientAccountRoutes, { ctx });
      await api.register(checkoutRoutes, { ctx });
      await api.register(changeQuoteRoutes, { ctx });
      await api.register(managePaymentRoutes, { ctx });
      await api.register(testPaymentRoutes, { ctx });
    },
    { prefix: '/api/v1' },
  );
  await app.register(stripeWebhookRoutes, { ctx });
  await app.register(paymentRoutes, { ctx, prefix: '/api/v1' });

  const webDist = ctx.config.webDist;
  const indexHtml = path.join(webDist, 'index.html');
  if (fs.existsSync(indexHtml)) {
    const assets = path.join(webDist, 'assets') + path.sep;
    await app.register(fastifyStatic, {
      root: webDist,
      wildcard: false,
      index: false,
      // The per-file routes this registers take precedence over /assets/* below: give Vite's
      // content-hashed assets their long caching here too.
      setHeaders: (reply, file) => {
        if (file.startsWith(assets)) reply.header('cache-control', 'public, max-age=31536000, immutable');
      },
    });
    app.get('/assets/*', { schema: { hide: true } }, (req, reply) =>
      reply.sendFile(`assets/${(req.params as { '*': string })['*']}`, { maxAge: '365d', immutable: true }),
    );
  }
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split('?')[0] ?? '/';
    if (req.method !== 'GET' || url.startsWith('/api/') || !fs.existsSync(indexHtml))
      return sendProblem(reply, req, 'NOT_FOUND', `Nothing at ${req.method} ${url}.`);
    // The single-page app handles /{slug} and /manage/{token}.
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  });
  return app;
}
