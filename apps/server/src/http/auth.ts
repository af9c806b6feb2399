/**
 * Authentication and authorization for routes (docs/architecture.md, "Staff sign-in").
 *
 * - Authenticates by `Authorization: Bearer <access token>` or, for the web app, the httpOnly
 *   `bb_access` cookie. Cookie-authenticated POST/PUT/PATCH/DELETE must carry the CSRF token
 *   (`X-CSRF-Token`), checked by @fastify/csrf-protection against its signed secret cookie.
 * - `access.staff(roles)` also loads the location from the `locationId` path parameter and
 *   checks the caller's role there (services/access.service.ts); `access.owner()` resolves the
 *   caller's organization for organization-wide routes.
 * - `documented(roles, …)` puts the allowed roles into the route's OpenAPI operation as
 *   `x-roles` and into its description, so /openapi.json says who may call each route.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import type { RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, preValidationHookHandler } from 'fastify';
import { AppError, STAFF_ROLES, type StaffRole } from '@bookedbarber/core';
import {
  describeRoles,
  requireOwnerOrganization,
  requireStaffAccess,
  type StaffAccess,
} from '../services/access.service.ts';
import { authenticateAccessToken, type IssuedSession, type Principal } from '../services/auth.service.ts';
import type { AppContext } from '../services/context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in caller, once an auth hook ran; null on public routes. */
    principal: Principal | null;
    /** How the caller authenticated. */
    authVia: 'bearer' | 'cookie' | null;
    /** The caller's role and location, on routes guarded by `access.staff`. */
    staffAccess: StaffAccess | null;
  }
}

/** Cookie holding the access token (path /). */
export const ACCESS_COOKIE = 'bb_access';
/** Cookie holding the refresh token (path /api/v1/auth only). */
export const REFRESH_COOKIE = 'bb_refresh';
/** Signed cookie holding the CSRF secret. */
export const CSRF_COOKIE = 'bb_csrf';
/** Path of the refresh cookie: only the auth endpoints ever receive it. */
export const REFRESH_COOKIE_PATH = '/api/v1/auth';
/** Header that carries the CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Whether cookies get the Secure attribute: when PUBLIC_URL is https. */
export function secureCookies(ctx: AppContext): boolean {
  return ctx.config.publicUrl.startsWith('https://');
}

/**
 * Registers cookies (signed with AUTH_SECRET), CSRF protection and the request decorations.
 * Call once on the root app before any route that uses {@link accessHooks}.
 */
export async function registerAuth(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(fastifyCookie, { secret: ctx.secrets.authSecret });
  await app.register(fastifyCsrf, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: secureCookies(ctx), signed: true },
    getToken: (req) => {
      const v = req.headers[CSRF_HEADER];
      return typeof v === 'string' ? v : '';
    },
  });
  app.decorateRequest('principal', null);
  app.decorateRequest('authVia', null);
  app.decorateRequest('staffAccess', null);
}

/** The access token a request presents, and how; undefined when it presents none. */
function presentedToken(req: FastifyRequest): { token: string; via: 'bearer' | 'cookie' } | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new AppError('UNAUTHENTICATED', 'Use "Authorization: Bearer <access token>".');
    return { token: m[1]!, via: 'bearer' };
  }
  const cookie = req.cookies[ACCESS_COOKIE];
  return cookie ? { token: cookie, via: 'cookie' } : undefined;
}

/**
 * Authenticates the request if it presents an access token; sets `req.principal` and
 * `req.authVia`.
 * @returns the principal, or undefined when the request presents no token.
 * @throws AppError UNAUTHENTICATED for a malformed header or an unknown, expired or ended token.
 */
export async function optionalPrincipal(
  ctx: AppContext,
  req: FastifyRequest,
): Promise<Principal | undefined> {
  const presented = presentedToken(req);
  if (!presented) return undefined;
  const principal = await authenticateAccessToken(ctx, presented.token);
  if (!principal)
    throw new AppError('UNAUTHENTICATED', 'Your session has expired or ended. Refresh it or sign in again.');
  req.principal = principal;
  req.authVia = presented.via;
  return principal;
}

/** The principal of a route guarded by an auth hook (throws if the hook did not run). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('UNAUTHENTICATED', 'Sign in first.');
  return req.principal;
}

/** The staff access of a route guarded by `access.staff` (throws if the hook did not run). */
export function staffAccessOf(req: FastifyRequest): StaffAccess {
  if (!req.staffAccess) throw new AppError('UNAUTHENTICATED', 'Sign in first.');
  return req.staffAccess;
}

/** Route hooks that guard access, built for one app and context. */
export interface AccessHooks {
  /**
   * Any signed-in staff member. `allowEnrolment` also admits an "enrolment required" session
   * (owner/manager without two-factor): only /me, the enrolment endpoints and sign-out use it.
   */
  signedIn(opts?: { allowEnrolment?: boolean }): preValidationHookHandler[];
  /**
   * An owner (anywhere) with a full session, for organization-wide routes; the handler then
   * picks the organization with `requireOwnerOrganization`.
   */
  owner(): preValidationHookHandler[];
  /** A staff member holding one of `roles` at the location of the `locationId` path parameter. */
  staff(roles: readonly StaffRole[]): preValidationHookHandler[];
  /**
   * For routes that take a refresh token from the body or the `bb_refresh` cookie (refresh,
   * logout): checks the CSRF token when the request relies on a session cookie (no bearer header,
   * no refresh token in the body). Does not authenticate.
   */
  refreshCsrf: preValidationHookHandler[];
  /**
   * For the sign-in route: a cookie-mode sign-in (`session: "cookie"`) must carry the CSRF token
   * of GET /auth/csrf, so another site cannot sign a browser into an account of its choosing.
   */
  loginCsrf: preValidationHookHandler;
}

/** Builds the access hooks (call inside the plugin that registers the routes). */
export function accessHooks(app: FastifyInstance, ctx: AppContext): AccessHooks {
  const authenticate: preValidationHookHandler = async (req) => {
    const principal = await optionalPrincipal(ctx, req);
    if (!principal) throw new AppError('UNAUTHENTICATED', 'Sign in first.');
  };
  // Callback style: @fastify/csrf-protection answers a failure itself (reply.send(error)).
  const csrf: preValidationHookHandler = (req, reply, done) => {
    if (req.authVia === 'cookie' && UNSAFE.has(req.method)) return app.csrfProtection(req, reply, done);
    done();
  };
  const cookieRefreshCsrf: preValidationHookHandler = (req, reply, done) => {
    const bodyToken = (req.body as { refreshToken?: unknown } | null | undefined)?.refreshToken;
    const reliesOnCookie =
      !bodyToken && !req.headers.authorization && (req.cookies[REFRESH_COOKIE] || req.cookies[ACCESS_COOKIE]);
    if (reliesOnCookie) return app.csrfProtection(req, reply, done);
    done();
  };
  const fullSession: preValidationHookHandler = async (req) => {
    if (principalOf(req).mfaPending)
      throw new AppError(
        'MFA_REQUIRED',
        'Turn on two-factor sign-in first (POST /api/v1/auth/totp/setup, then /confirm).',
        { mfa: 'enrolment' },
      );
  };
  return {
    signedIn: (opts = {}) => (opts.allowEnrolment ? [authenticate, csrf] : [authenticate, csrf, fullSession]),
    staff: (roles) => [
      authenticate,
      csrf,
      fullSession,
      async (req) => {
        const { locationId } = req.params as { locationId?: string };
        req.staffAccess = await requireStaffAccess(ctx, principalOf(req), locationId ?? '', roles);
      },
    ],
    owner: () => [
      authenticate,
      csrf,
      fullSession,
      async (req) => {
        await requireOwnerOrganization(ctx, principalOf(req), undefined, { anyOrganization: true });
      },
    ],
    refreshCsrf: [cookieRefreshCsrf],
    loginCsrf: (req, reply, done) => {
      if ((req.body as { session?: unknown } | null | undefined)?.session === 'cookie')
        return app.csrfProtection(req, reply, done);
      done();
    },
  };
}

/** OpenAPI security requirement: a bearer token or the session cookie. */
export const SECURITY: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { cookieAuth: [] }];

/**
 * The OpenAPI members saying who may call a route: `x-roles`, `security` and an "Access: …"
 * sentence before the description.
 * @param roles the roles allowed (at the location for location routes).
 * @param opts.enrolment an "enrolment required" session may call it too (`x-enrolment-session`).
 */
export function documented(
  roles: readonly StaffRole[],
  description: string,
  opts: { scope?: string; enrolment?: boolean } = {},
): {
  description: string;
  'x-roles': StaffRole[];
  'x-enrolment-session'?: boolean;
  security: typeof SECURITY;
} {
  const who = roles.length === STAFF_ROLES.length ? 'any signed-in staff member' : describeRoles(roles);
  const scope = opts.scope ? ` ${opts.scope}` : '';
  return {
    description:
      `Access: ${who}${scope}.${opts.enrolment ? ' Also an "enrolment required" session.' : ''} ${description}`.trim(),
    'x-roles': [...roles],
    ...(opts.enrolment ? { 'x-enrolment-session': true } : {}),
    security: SECURITY,
  };
}

/** Sets the web app's session cookies (cookie mode): access on /, refresh on /api/v1/auth. */
export function setSessionCookies(reply: FastifyReply, ctx: AppContext, session: IssuedSession): void {
  const now = ctx.now().getTime();
  const base = { httpOnly: true, secure: secureCookies(ctx), sameSite: 'strict' as const };
  reply.setCookie(ACCESS_COOKIE, session.accessToken, {
    ...base,
    path: '/',
    maxAge: Math.max(1, Math.floor((session.accessExpiresAt.getTime() - now) / 1000)),
  });
  reply.setCookie(REFRESH_COOKIE, session.refreshToken, {
    ...base,
    path: REFRESH_COOKIE_PATH,
    maxAge: Math.max(1, Math.floor((session.refreshExpiresAt.getTime() - now) / 1000)),
  });
}

/** Clears the session cookies (sign-out, ended session). */
export function clearSessionCookies(reply: FastifyReply, ctx: AppContext): void {
  const base = { httpOnly: true, secure: secureCookies(ctx), sameSite: 'strict' as const };
  reply.clearCookie(ACCESS_COOKIE, { ...base, path: '/' });
  reply.clearCookie(REFRESH_COOKIE, { ...base, path: REFRESH_COOKIE_PATH });
}

/**
 * The per-IP limit of the sign-in, reset and invite routes (@fastify/rate-limit, keyed by the
 * client IP; AUTH_RATE_LIMIT_MAX per AUTH_RATE_LIMIT_WINDOW_SECONDS; off with RATE_LIMIT=off).
 */
export function authRateLimit(ctx: AppContext): { rateLimit: RateLimitOptions | false } {
  const limit = ctx.config.authRateLimit;
  if (!limit) return { rateLimit: false };
  return {
    rateLimit: {
      max: limit.max,
      timeWindow: limit.windowMs,
      keyGenerator: (req: FastifyRequest) => req.ip,
      errorResponseBuilder: (_req: FastifyRequest, c: { ttl: number }) => {
        const err = new Error(
          `Too many attempts from your network. Try again in ${Math.ceil(c.ttl / 1000)} seconds.`,
        ) as Error & { statusCode: number };
        err.statusCode = 429;
        return err;
      },
    },
  };
}
