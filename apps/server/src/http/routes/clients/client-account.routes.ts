/**
 * A client's own account (docs/api.md "Clients"): sign-in by an emailed one-time link, their
 * history and "book again". The session is the `bb_client` cookie (httpOnly, SameSite=Strict,
 * Secure on https, path /api/v1), separate from staff sessions; every POST made with it carries
 * `X-CSRF-Token` (from verify or GET /auth/csrf), checked like staff cookie writes.
 * A session only ever reads or books for its own client: another client's appointment is 404.
 */
import { AppError } from '@bookedbarber/core';
import type { FastifyRequest, preValidationHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  authenticateClient,
  CLIENT_SESSION_DAYS,
  confirmBookAgain,
  endClientSession,
  myAppointments,
  proposeBookAgain,
  requestClientLink,
  verifyClientLink,
  type ClientPrincipal,
} from '../../../services/client-account.service.ts';
import type { AppContext } from '../../../services/context.ts';
import { authRateLimit, secureCookies } from '../../auth.ts';
import { appointmentSchema, problemSchema } from '../../schemas.ts';
import {
  bookAgainConfirmSchema,
  bookAgainProposalSchema,
  bookAgainSchema,
  clientLinkRequestSchema,
  clientLinkVerifySchema,
  clientMeSchema,
  clientSessionSchema,
  historyItemSchema,
} from './clients.schemas.ts';

/** The client session cookie. */
export const CLIENT_COOKIE = 'bb_client';
const CLIENT_COOKIE_PATH = '/api/v1';

const principals = new WeakMap<FastifyRequest, ClientPrincipal>();

/** The signed-in client of a route guarded by the client hooks. */
function clientOf(req: FastifyRequest): ClientPrincipal {
  const p = principals.get(req);
  if (!p) throw new AppError('UNAUTHENTICATED', 'Sign in with the link we email you first.');
  return p;
}

const ACCESS_CLIENT =
  'Access: a signed-in client (the `bb_client` cookie from POST /client-auth/verify; POSTs also need `X-CSRF-Token`).';

/** The client account routes (registered under /api/v1). */
export const clientAccountRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const errors = { 401: problemSchema, 403: problemSchema, 404: problemSchema, 422: problemSchema };
  const cookieOpts = () => ({
    httpOnly: true,
    secure: secureCookies(ctx),
    sameSite: 'strict' as const,
    path: CLIENT_COOKIE_PATH,
  });
  const csrf: preValidationHookHandler = (req, reply, done) => app.csrfProtection(req, reply, done);
  const authenticate: preValidationHookHandler = async (req) => {
    const token = req.cookies[CLIENT_COOKIE];
    const principal = token ? await authenticateClient(ctx, token) : undefined;
    if (!principal) throw new AppError('UNAUTHENTICATED', 'Sign in with the link we email you first.');
    principals.set(req, principal);
  };
  const signedIn = [authenticate];
  const signedInWrite = [authenticate, csrf];
  const meOf = (p: ClientPrincipal) => ({
    client: { id: p.client.id, name: p.client.name, email: p.client.email, phone: p.client.phone },
  });

  app.post(
    '/client-auth/request',
    {
      config: authRateLimit(ctx),
      schema: {
        tags: ['client'],
        summary: 'Email me a sign-in link for my bookings',
        description:
          'Access: public, rate limited per client IP. Always 202, whether the email belongs to a client of the shop’s organization or not; when it does, a single-use link (15 minutes) to `/{locationSlug}/account#token=…` is emailed.',
        body: clientLinkRequestSchema,
        response: { 202: z.object({ status: z.literal('sent') }), 422: problemSchema, 429: problemSchema },
      },
    },
    async (req, reply) => {
      await requestClientLink(ctx, req.body);
      return reply.status(202).send({ status: 'sent' as const });
    },
  );

  app.post(
    '/client-auth/verify',
    {
      config: authRateLimit(ctx),
      preValidation: csrf,
      schema: {
        tags: ['client'],
        summary: 'Spend a sign-in link and start a client session',
        description: `Access: the holder of a sign-in link, with \`X-CSRF-Token\` from GET /auth/csrf (login CSRF). Sets the \`bb_client\` cookie (${CLIENT_SESSION_DAYS} days). An unknown, used or expired link is 401.`,
        body: clientLinkVerifySchema,
        response: { 200: clientSessionSchema, 401: problemSchema, 403: problemSchema, 422: problemSchema },
      },
    },
    async (req, reply) => {
      const s = await verifyClientLink(ctx, req.body.token);
      reply.setCookie(CLIENT_COOKIE, s.token, {
        ...cookieOpts(),
        maxAge: Math.floor((s.expiresAt.getTime() - ctx.now().getTime()) / 1000),
      });
      return {
        client: { id: s.client.id, name: s.client.name, email: s.client.email, phone: s.client.phone },
        locationSlug: s.locationSlug,
        expiresAt: s.expiresAt.toISOString(),
        csrfToken: reply.generateCsrf(),
      };
    },
  );

  app.post(
    '/client-auth/logout',
    {
      preValidation: signedInWrite,
      schema: {
        tags: ['client'],
        summary: 'Sign out (ends the client session)',
        description: ACCESS_CLIENT,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      await endClientSession(ctx, clientOf(req).sessionId);
      reply.clearCookie(CLIENT_COOKIE, cookieOpts());
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/client/me',
    {
      preValidation: signedIn,
      schema: {
        tags: ['client'],
        summary: 'Who is signed in',
        description: ACCESS_CLIENT,
        response: { 200: clientMeSchema, ...errors },
      },
    },
    async (req) => meOf(clientOf(req)),
  );

  app.get(
    '/client/me/appointments',
    {
      preValidation: signedIn,
      schema: {
        tags: ['client'],
        summary: 'My appointments at every location of the shop, newest first',
        description: ACCESS_CLIENT,
        response: { 200: z.object({ appointments: z.array(historyItemSchema) }), ...errors },
      },
    },
    async (req) => ({ appointments: await myAppointments(ctx, clientOf(req)) }),
  );

  app.post(
    '/client/me/book-again',
    {
      preValidation: signedInWrite,
      schema: {
        tags: ['client'],
        summary: 'Propose the nearest free time to repeat one of my appointments',
        description: `${ACCESS_CLIENT} Same services and barber; the first week whose same weekday has a free start within ±60 minutes of the original local time (closest to it), searched from today (or the day after the appointment, when it is still ahead) through the booking horizon; else the earliest free time (\`match: "any"\`). Books nothing.`,
        body: bookAgainSchema,
        response: { 200: bookAgainProposalSchema, 409: problemSchema, ...errors },
      },
    },
    async (req) => proposeBookAgain(ctx, clientOf(req), req.body.appointmentId),
  );

  app.post(
    '/client/me/book-again/confirm',
    {
      preValidation: signedInWrite,
      schema: {
        tags: ['client'],
        summary: 'Book the proposed time (one tap)',
        description: `${ACCESS_CLIENT} Books the same services with the same barber at \`start\` with my stored name, email and phone, exactly like an online booking (confirmation email, manage link). Send an \`Idempotency-Key\` header to make retries safe.`,
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }).loose(),
        body: bookAgainConfirmSchema,
        response: { 201: appointmentSchema, 409: problemSchema, ...errors },
      },
    },
    async (req, reply) => {
      const key = req.headers['idempotency-key'];
      const { status, body } = await confirmBookAgain(
        ctx,
        clientOf(req),
        req.body,
        typeof key === 'string' ? key : undefined,
      );
      return reply.status(status).send(body);
    },
  );
};
