/**
 * RFC 9457 problem details: the one table from error codes to HTTP statuses, and the Fastify
 * error handler that turns every error into `application/problem+json` (never a stack trace).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode, type FieldError } from '@bookedbarber/core';
import { PaymentProviderError } from '../payments/provider.ts';

/** HTTP status and title for each stable error code. */
export const PROBLEMS: Record<ErrorCode, { status: number; title: string }> = {
  VALIDATION_FAILED: { status: 422, title: 'Some fields are invalid' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  SLOT_UNAVAILABLE: { status: 409, title: 'That time is not available' },
  OUTSIDE_BOOKING_WINDOW: { status: 422, title: 'That time cannot be booked online' },
  CHANGE_WINDOW_PASSED: { status: 409, title: 'Too late to change online' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency-Key reused with a different request' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  INVALID_STATE: { status: 409, title: 'Not possible in the current state' },
  STALE_UPDATE: { status: 409, title: 'Someone else changed this meanwhile' },
  UNAUTHENTICATED: { status: 401, title: 'Sign in first' },
  FORBIDDEN: { status: 403, title: 'Not allowed' },
  MFA_REQUIRED: { status: 403, title: 'Two-factor sign-in needed' },
  INVALID_CREDENTIALS: { status: 401, title: 'Sign-in failed' },
  ACCOUNT_LOCKED: { status: 429, title: 'Sign-in temporarily locked' },
  INTERNAL: { status: 500, title: 'Something went wrong on our side' },
  PAYMENTS_UNAVAILABLE: { status: 503, title: 'Online payment is not available' },
  PAYMENT_DECLINED: { status: 402, title: 'The card was declined' },
  PAYMENT_OVER_LIMIT: { status: 422, title: 'Amount over the online payment limit' },
  PAYMENT_AMOUNT_MISMATCH: { status: 422, title: 'The amount does not match' },
  PAYMENT_PROVIDER_ERROR: { status: 502, title: 'The payment provider did not answer' },
  WEBHOOK_SIGNATURE_INVALID: { status: 400, title: 'Webhook signature or timestamp invalid' },
  NO_CARD_ON_FILE: { status: 409, title: 'No card on file' },
  QUOTE_CHANGED: { status: 409, title: 'The amounts changed since they were shown' },
};

/** The problem details body for a code. */
export function problem(
  code: ErrorCode,
  detail: string,
  instance: string,
  extra: Record<string, unknown> = {},
) {
  const { status, title } = PROBLEMS[code];
  return {
    type: `https://bookedbarber.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title,
    status,
    code,
    detail,
    instance,
    ...extra,
  };
}

/** Sends a problem details answer. */
export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
) {
  const body = problem(code, detail, request.url.split('?')[0] ?? request.url, extra);
  return reply.status(body.status).type('application/problem+json').send(body);
}

function fieldPath(context: string | undefined, instancePath: string, params: unknown): string {
  const parts = instancePath.split('/').filter(Boolean);
  const missing = (params as { missingProperty?: string } | undefined)?.missingProperty;
  if (missing) parts.push(missing);
  const path = parts.join('.');
  if (context === 'querystring' || context === 'params' || context === 'headers') return path || context;
  return path || 'body';
}

/** Installs the error and not-found handlers. */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) {
      const retry = err.extra.retryAfterSeconds;
      if (typeof retry === 'number') reply.header('retry-after', String(retry));
      if (err.code === 'UNAUTHENTICATED') reply.header('www-authenticate', 'Bearer');
      return sendProblem(reply, request, err.code, err.message, err.extra);
    }
    // A provider error no service turned into its own answer: a decline is the client's to fix
    // (402, with the provider's reason), anything else is the provider's failure (502).
    if (err instanceof PaymentProviderError) {
      if (!err.retryable)
        return sendProblem(reply, request, 'PAYMENT_DECLINED', 'The card was declined. Try another card.', {
          declineCode: err.code,
        });
      request.log.warn({ code: err.code }, 'payment provider error');
      return sendProblem(
        reply,
        request,
        'PAYMENT_PROVIDER_ERROR',
        'The payment provider could not be reached. Please try again in a moment.',
      );
    }
    // @fastify/csrf-protection: a cookie-authenticated unsafe request without a valid token.
    if (typeof err.code === 'string' && err.code.startsWith('FST_CSRF_'))
      return sendProblem(
        reply,
        request,
        'FORBIDDEN',
        'Missing or invalid CSRF token: send the X-CSRF-Token header from sign-in or GET /api/v1/auth/csrf.',
      );
    if (hasZodFastifySchemaValidationErrors(err)) {
      const errors: FieldError[] = err.validation.map((v) => ({
        field: fieldPath(err.validationContext, v.instancePath, v.params),
        message: v.message ?? 'Invalid value',
      }));
      return sendProblem(reply, request, 'VALIDATION_FAILED', 'Some fields are invalid.', { errors });
    }
    if (
      err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
      err instanceof SyntaxError
    )
      return sendProblem(reply, request, 'VALIDATION_FAILED', 'The request body is not valid JSON.', {
        errors: [{ field: 'body', message: 'Malformed JSON' }],
      });
    if (err.statusCode === 429) return sendProblem(reply, request, 'RATE_LIMITED', err.message);
    if (err.statusCode === 404) return sendProblem(reply, request, 'NOT_FOUND', err.message);
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      // Other client errors (wrong content type, body too large, …) keep their status.
      const body = problem('VALIDATION_FAILED', err.message, request.url.split('?')[0] ?? request.url, {
        errors: [{ field: 'body', message: err.message }],
      });
      return reply
        .status(err.statusCode)
        .type('application/problem+json')
        .send({ ...body, status: err.statusCode });
    }
    request.log.error({ err }, 'unhandled error');
    return sendProblem(
      reply,
      request,
      'INTERNAL',
      'Something went wrong on our side. Nothing was saved; please try again.',
    );
  });
}
