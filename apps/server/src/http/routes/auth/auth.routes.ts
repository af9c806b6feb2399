/**
 * Staff sign-in: login, refresh, logout, CSRF token, password change and reset, TOTP enrolment,
 * invite acceptance. Who may call: see each route's `x-roles` (public ones are rate limited per IP).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, STAFF_ROLES } from '@bookedbarber/core';
import {
  changePassword,
  confirmPasswordReset,
  login,
  logout,
  logoutByRefreshToken,
  refreshSession,
  requestPasswordReset,
  type ClientMeta,
  type SignedIn,
} from '../../../services/auth.service.ts';
import type { AppContext } from '../../../services/context.ts';
import { confirmTotp, startTotpSetup } from '../../../services/mfa.service.ts';
import { acceptInvite } from '../../../services/staff.service.ts';
import {
  accessHooks,
  authRateLimit,
  clearSessionCookies,
  documented,
  optionalPrincipal,
  principalOf,
  REFRESH_COOKIE,
  setSessionCookies,
} from '../../auth.ts';
import {
  acceptedInviteSchema,
  acceptInviteSchema,
  changePasswordSchema,
  csrfSchema,
  loginSchema,
  problemSchema,
  recoveryCodesSchema,
  refreshSchema,
  resetConfirmSchema,
  resetRequestSchema,
  sessionSchema,
  totpConfirmBodySchema,
  totpSetupSchema,
} from '../../schemas.ts';

/** Where a request came from (client IP per TRUST_PROXY, user agent). */
export function clientMeta(req: FastifyRequest): ClientMeta {
  const ua = req.headers['user-agent'];
  return { ip: req.ip ?? null, userAgent: typeof ua === 'string' ? ua : null };
}

/** The /auth routes (registered under /api/v1). */
export const authRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const access = accessHooks(app, ctx);
  const limited = authRateLimit(ctx);
  const errors = { 401: problemSchema, 403: problemSchema, 422: problemSchema, 429: problemSchema };
  const noContent = z.null().meta({ description: 'Done (no body)' });

  /** The answer to a sign-in or refresh, in bearer or cookie mode. */
  function sessionAnswer(reply: FastifyReply, signed: SignedIn, mode: 'bearer' | 'cookie') {
    const base = {
      user: {
        id: signed.user.id,
        email: signed.user.email,
        name: signed.user.name,
        totpEnabled: signed.user.totpSecret !== null,
      },
      mfaEnrolmentRequired: signed.session.mfaPending,
      accessTokenExpiresAt: signed.session.accessExpiresAt.toISOString(),
      refreshTokenExpiresAt: signed.session.refreshExpiresAt.toISOString(),
    };
    if (mode === 'cookie') {
      setSessionCookies(reply, ctx, signed.session);
      return { ...base, csrfToken: reply.generateCsrf() };
    }
    return {
      ...base,
      tokenType: 'Bearer' as const,
      accessToken: signed.session.accessToken,
      refreshToken: signed.session.refreshToken,
    };
  }

  app.post(
    '/auth/login',
    {
      config: limited,
      preValidation: access.loginCsrf,
      schema: {
        tags: ['auth'],
        summary:
          'Sign in with email and password (and the TOTP code or a recovery code when two-factor is on)',
        description:
          'Access: public, rate limited per client IP; 5 failed sign-ins lock the address for 1 minute, doubling up to 1 hour. ' +
          'Wrong email and wrong password answer the same 401 INVALID_CREDENTIALS. With two-factor on and no code: 403 MFA_REQUIRED (`mfa: "code"`). ' +
          'An owner or manager without two-factor gets `mfaEnrolmentRequired: true` and a session limited to enrolment. ' +
          'Cookie mode (`session: "cookie"`) needs the `X-CSRF-Token` of GET /auth/csrf (login CSRF).',
        body: loginSchema,
        response: { 200: sessionSchema, ...errors },
      },
    },
    async (req, reply) => {
      const signed = await login(ctx, req.body, clientMeta(req));
      return sessionAnswer(reply, signed, req.body.session);
    },
  );

  app.post(
    '/auth/refresh',
    {
      preValidation: access.refreshCsrf,
      schema: {
        tags: ['auth'],
        summary: 'Exchange the refresh token for a new token pair (the old refresh token is spent)',
        description:
          "Access: the holder of a refresh token (body `refreshToken`, or the web app's cookie with `X-CSRF-Token`). " +
          'Presenting a spent refresh token ends the whole sign-in (every token of the family) and answers 401.',
        body: refreshSchema,
        response: { 200: sessionSchema, ...errors },
      },
    },
    async (req, reply) => {
      const bodyToken = req.body?.refreshToken;
      const token = bodyToken ?? req.cookies[REFRESH_COOKIE];
      if (!token) throw new AppError('UNAUTHENTICATED', 'No refresh token: sign in again.');
      try {
        const signed = await refreshSession(ctx, token, clientMeta(req));
        return sessionAnswer(reply, signed, bodyToken ? 'bearer' : 'cookie');
      } catch (err) {
        if (!bodyToken) clearSessionCookies(reply, ctx);
        throw err;
      }
    },
  );

  app.post(
    '/auth/logout',
    {
      preValidation: access.refreshCsrf,
      schema: {
        tags: ['auth'],
        summary: 'Sign out: ends this sign-in on the server (every token of it) and clears the cookies',
        description:
          'Access: the holder of an access token (also an "enrolment required" session) or of a refresh token ' +
          '(body `refreshToken` or the cookie). Cookie requests need `X-CSRF-Token`.',
        body: refreshSchema,
        response: { 204: noContent, 401: problemSchema, 403: problemSchema, 422: problemSchema },
      },
    },
    async (req, reply) => {
      clearSessionCookies(reply, ctx);
      const principal = await optionalPrincipal(ctx, req).catch(() => undefined);
      if (principal) await logout(ctx, principal.familyId);
      else {
        const token = req.body?.refreshToken ?? req.cookies[REFRESH_COOKIE];
        if (!token || !(await logoutByRefreshToken(ctx, token)))
          throw new AppError('UNAUTHENTICATED', 'No session to end.');
      }
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/auth/csrf',
    {
      schema: {
        tags: ['auth'],
        summary: 'A CSRF token for the web app (send it as X-CSRF-Token with cookie-authenticated writes)',
        description:
          'Access: public. Sets the signed CSRF secret cookie when missing; the token matches that cookie only.',
        response: { 200: csrfSchema },
      },
    },
    async (_req, reply) => ({ csrfToken: reply.generateCsrf() }),
  );

  app.post(
    '/auth/password',
    {
      preValidation: access.signedIn(),
      schema: {
        tags: ['auth'],
        summary: 'Change your password; your other sessions end',
        ...documented(
          STAFF_ROLES,
          'Wrong current password: 422 naming `currentPassword` (counts as a failed sign-in).',
        ),
        body: changePasswordSchema,
        response: { 204: noContent, ...errors },
      },
    },
    async (req, reply) => {
      await changePassword(ctx, principalOf(req), req.body.currentPassword, req.body.newPassword);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/password-reset/request',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Email a password reset link (single use, 1 hour)',
        description:
          'Access: public, rate limited per client IP. Always 202, whether or not an account has the address.',
        body: resetRequestSchema,
        response: {
          202: z.object({ status: z.literal('accepted') }),
          422: problemSchema,
          429: problemSchema,
        },
      },
    },
    async (req, reply) => {
      await requestPasswordReset(ctx, req.body.email);
      return reply.status(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with the emailed token; every session of the account ends',
        description:
          'Access: the holder of a reset token, rate limited per client IP. Unknown, used or expired token: 422 naming `token`.',
        body: resetConfirmSchema,
        response: { 204: noContent, 422: problemSchema, 429: problemSchema },
      },
    },
    async (req, reply) => {
      await confirmPasswordReset(ctx, req.body.token, req.body.password);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/totp/setup',
    {
      preValidation: access.signedIn({ allowEnrolment: true }),
      schema: {
        tags: ['auth'],
        summary: 'Start two-factor enrolment: a new TOTP secret and its otpauth:// URI',
        ...documented(STAFF_ROLES, 'Two-factor already on: 409 INVALID_STATE.', { enrolment: true }),
        body: z.object({}).loose().nullish(),
        response: { 200: totpSetupSchema, 409: problemSchema, ...errors },
      },
    },
    async (req) => startTotpSetup(ctx, principalOf(req)),
  );

  app.post(
    '/auth/totp/confirm',
    {
      config: limited,
      preValidation: access.signedIn({ allowEnrolment: true }),
      schema: {
        tags: ['auth'],
        summary: 'Confirm enrolment with a current code; answers 10 recovery codes, shown once',
        ...documented(STAFF_ROLES, 'Rate limited per client IP. Wrong code: 422 naming `code`.', {
          enrolment: true,
        }),
        body: totpConfirmBodySchema,
        response: { 200: recoveryCodesSchema, 409: problemSchema, ...errors },
      },
    },
    async (req) => ({ recoveryCodes: await confirmTotp(ctx, principalOf(req), req.body.code) }),
  );

  app.post(
    '/auth/invite/accept',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary:
          'Accept a staff invite: creates the account, or links an existing one (its current password)',
        description:
          'Access: the holder of an invite token, rate limited per client IP. Unknown, used or expired token: 422 naming `token`.',
        body: acceptInviteSchema,
        response: { 200: acceptedInviteSchema, 409: problemSchema, 422: problemSchema, 429: problemSchema },
      },
    },
    async (req) => acceptInvite(ctx, req.body),
  );
};
