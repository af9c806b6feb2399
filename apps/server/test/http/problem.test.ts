/**
 * The error handler (src/http/problem.ts) on a bare Fastify app: every error becomes RFC 9457
 * problem details with the status of its code, and nothing internal leaks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, ERROR_CODES, type ErrorCode } from '@bookedbarber/core';
import { PROBLEMS, problem, registerProblemHandlers } from '../../src/http/problem.ts';
import { PaymentProviderError } from '../../src/payments/provider.ts';
import { expectProblem } from '../support/api.ts';

let app: FastifyInstance;
const logged: unknown[] = [];

beforeAll(async () => {
  app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandlers(app);
  app.get('/boom', async () => {
    const err = new Error('connection to 10.0.0.5:5432 refused; password=hunter2');
    throw err;
  });
  app.get('/declined', async () => {
    throw new PaymentProviderError('Your card was declined.', 'card_declined', false);
  });
  app.get('/provider-down', async () => {
    throw new PaymentProviderError(
      'connect ECONNREFUSED 10.1.2.3:443 sk_live_secret',
      'api_connection_error',
      true,
    );
  });
  app.get('/app-error/:code', async (req) => {
    const code = (req.params as { code: ErrorCode }).code;
    throw new AppError(code, `detail for ${code}`, { extraMember: 42 });
  });
  app.withTypeProvider<ZodTypeProvider>().get(
    '/typed/:id',
    {
      schema: {
        params: z.object({ id: z.string().regex(/^\d+$/) }),
        querystring: z.object({ page: z.coerce.number().int().min(1) }),
        headers: z.object({ 'x-thing': z.string().min(3) }).loose(),
      },
    },
    async () => ({ ok: true }),
  );
  app.addHook('onError', async (_req, _reply, err) => {
    logged.push(err);
  });
  await app.ready();
});
afterAll(async () => app?.close());

describe('problem()', () => {
  it('builds type, title, status, code, detail and instance, plus extra members', () => {
    expect(problem('SLOT_UNAVAILABLE', 'Taken.', '/api/v1/x', { alternatives: [] })).toEqual({
      type: 'https://bookedbarber.dev/problems/slot-unavailable',
      title: 'That time is not available',
      status: 409,
      code: 'SLOT_UNAVAILABLE',
      detail: 'Taken.',
      instance: '/api/v1/x',
      alternatives: [],
    });
  });

  it('maps every code of the catalogue to the status docs/api.md gives it', () => {
    const documented: Record<ErrorCode, number> = {
      VALIDATION_FAILED: 422,
      NOT_FOUND: 404,
      SLOT_UNAVAILABLE: 409,
      OUTSIDE_BOOKING_WINDOW: 422,
      CHANGE_WINDOW_PASSED: 409,
      IDEMPOTENCY_KEY_REUSED: 422,
      RATE_LIMITED: 429,
      INVALID_STATE: 409,
      STALE_UPDATE: 409,
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      MFA_REQUIRED: 403,
      INVALID_CREDENTIALS: 401,
      ACCOUNT_LOCKED: 429,
      INTERNAL: 500,
      PAYMENTS_UNAVAILABLE: 503,
      PAYMENT_DECLINED: 402,
      PAYMENT_OVER_LIMIT: 422,
      PAYMENT_AMOUNT_MISMATCH: 422,
      PAYMENT_PROVIDER_ERROR: 502,
      WEBHOOK_SIGNATURE_INVALID: 400,
      NO_CARD_ON_FILE: 409,
      QUOTE_CHANGED: 409,
    };
    expect(Object.keys(PROBLEMS).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) expect(PROBLEMS[code].status, code).toBe(documented[code]);
  });
});

describe('the error handler', () => {
  it.each(ERROR_CODES.filter((c) => c !== 'INTERNAL'))(
    'sends an AppError %s as its problem',
    async (code) => {
      const res = await app.inject({ url: `/app-error/${code}?q=1` });
      const body = expectProblem(res, PROBLEMS[code].status, code);
      expect(body.detail).toBe(`detail for ${code}`);
      expect(body.instance).toBe(`/app-error/${code}`);
      expect(body.extraMember).toBe(42);
    },
  );

  it('answers an unexpected error with 500 INTERNAL and hides its message and stack', async () => {
    const res = await app.inject({ url: '/boom' });
    const body = expectProblem(res, 500, 'INTERNAL');
    expect(body.detail).toMatch(/Nothing was saved/);
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('10.0.0.5');
    expect(res.body).not.toContain('stack');
    expect(logged.length).toBeGreaterThan(0);
  });

  it('answers a card decline from the payment provider with 402 PAYMENT_DECLINED and its reason', async () => {
    const body = expectProblem(await app.inject({ url: '/declined' }), 402, 'PAYMENT_DECLINED');
    expect(body.declineCode).toBe('card_declined');
  });

  it('answers an unreachable payment provider with 502, leaking nothing of the call', async () => {
    const res = await app.inject({ url: '/provider-down' });
    expectProblem(res, 502, 'PAYMENT_PROVIDER_ERROR');
    expect(res.body).not.toContain('sk_live');
    expect(res.body).not.toContain('10.1.2.3');
  });

  it('names the field of params, querystring and headers', async () => {
    const fields = async (url: string, headers: Record<string, string> = { 'x-thing': 'abcd' }) =>
      (expectProblem(await app.inject({ url, headers }), 422, 'VALIDATION_FAILED').errors ?? []).map(
        (e) => e.field,
      );
    expect(await fields('/typed/abc?page=1')).toEqual(['id']);
    expect(await fields('/typed/1?page=0')).toEqual(['page']);
    expect(await fields('/typed/1')).toEqual(['page']);
    expect(await fields('/typed/1?page=1', { 'x-thing': 'a' })).toEqual(['x-thing']);
  });
});
