/**
 * The app as a whole (src/http/app.ts): health and readiness, the OpenAPI document, unknown
 * paths, metrics, and the per-IP rate limit on booking creation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.ts';
import { book, bookingBody, expectProblem, someClient } from '../support/api.ts';
import { createTestApp, ENGINE, type TestApp } from '../support/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('health', () => {
  it('GET /health answers ok', async () => {
    const res = await t.app.inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /ready answers ready with the engine', async () => {
    const res = await t.app.inject({ url: '/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', database: ENGINE });
  });
});

describe('readiness when the database is not ready', () => {
  it('GET /ready answers 503 not_ready (and /health stays ok)', async () => {
    const database = { ...t.runtime.database, ready: async () => false };
    const app = await buildApp({ ctx: { ...t.runtime.ctx, database } });
    try {
      const res = await app.inject({ url: '/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'not_ready', database: ENGINE });
      expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document listing every /api/v1 path with its methods', async () => {
    const res = await t.app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as {
      openapi: string;
      info: { title: string };
      paths: Record<string, Record<string, { tags?: string[]; responses?: Record<string, unknown> }>>;
    };
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBe('BookedBarber API');
    const expected: Record<string, string[]> = {
      '/api/v1/locations/{slug}': ['get'],
      '/api/v1/locations/{slug}/services': ['get'],
      '/api/v1/locations/{slug}/barbers': ['get'],
      '/api/v1/locations/{slug}/availability': ['get'],
      '/api/v1/locations/{slug}/appointments': ['post'],
      '/api/v1/manage/{token}': ['get'],
      '/api/v1/manage/{token}/calendar.ics': ['get'],
      '/api/v1/manage/{token}/availability': ['get'],
      '/api/v1/manage/{token}/cancel': ['post'],
      '/api/v1/manage/{token}/reschedule': ['post'],
      '/api/v1/auth/login': ['post'],
      '/api/v1/auth/refresh': ['post'],
      '/api/v1/auth/logout': ['post'],
      '/api/v1/auth/csrf': ['get'],
      '/api/v1/auth/password': ['post'],
      '/api/v1/auth/password-reset/request': ['post'],
      '/api/v1/auth/password-reset/confirm': ['post'],
      '/api/v1/auth/totp/setup': ['post'],
      '/api/v1/auth/totp/confirm': ['post'],
      '/api/v1/auth/invite/accept': ['post'],
      '/api/v1/me': ['get'],
      '/api/v1/locations/{locationId}/staff': ['get'],
      '/api/v1/locations/{locationId}/staff/invites': ['post'],
      '/api/v1/locations/{locationId}/staff/{userId}': ['patch'],
      '/api/v1/locations/{locationId}/staff/{userId}/deactivate': ['post'],
      '/api/v1/organizations/current/audit': ['get'],
      '/api/v1/locations/{locationId}/calendar': ['get'],
      '/api/v1/locations/{locationId}/appointments': ['post'],
      '/api/v1/locations/{locationId}/appointments/{id}': ['patch'],
      '/api/v1/locations/{locationId}/appointments/{id}/confirm': ['post'],
      '/api/v1/locations/{locationId}/appointments/{id}/check-in': ['post'],
      '/api/v1/locations/{locationId}/appointments/{id}/complete': ['post'],
      '/api/v1/locations/{locationId}/appointments/{id}/no-show': ['post'],
      '/api/v1/locations/{locationId}/appointments/{id}/cancel': ['post'],
      '/api/v1/locations/{locationId}/appointments/{id}/reschedule': ['post'],
      '/api/v1/locations/{locationId}/appointments/{id}/resize': ['post'],
      '/api/v1/locations/{locationId}/blocked-times': ['post'],
      '/api/v1/locations/{locationId}/blocked-times/{id}': ['delete'],
      '/api/v1/locations/{locationId}/clients': ['get'],
      '/api/v1/locations/{locationId}/events': ['get'],
      // Back office (routes/back-office/).
      '/api/v1/locations/{locationId}/settings': ['get', 'patch'],
      '/api/v1/locations/{locationId}/services': ['get', 'post'],
      '/api/v1/locations/{locationId}/services/order': ['put'],
      '/api/v1/locations/{locationId}/services/{serviceId}': ['patch'],
      '/api/v1/locations/{locationId}/services/{serviceId}/archive': ['post'],
      '/api/v1/locations/{locationId}/service-categories/rename': ['post'],
      '/api/v1/locations/{locationId}/barbers': ['get', 'post'],
      '/api/v1/locations/{locationId}/barbers/{barberId}': ['patch'],
      '/api/v1/locations/{locationId}/barbers/{barberId}/schedule': ['put'],
      '/api/v1/locations/{locationId}/barbers/{barberId}/services/{serviceId}': ['delete', 'put'],
      '/api/v1/locations/{locationId}/time-off': ['get', 'post'],
      '/api/v1/locations/{locationId}/time-off/{id}': ['delete'],
      '/api/v1/locations/{locationId}/time-off/{id}/approve': ['post'],
      '/api/v1/locations/{locationId}/time-off/{id}/decline': ['post'],
      '/api/v1/locations/{locationId}/clients/list': ['get'],
      '/api/v1/locations/{locationId}/clients/{clientId}': ['get', 'patch'],
      '/api/v1/locations/{locationId}/clients/{clientId}/merge': ['post'],
      '/api/v1/organizations/current/export/clients.csv': ['get'],
      '/api/v1/organizations/current/export/appointments.csv': ['get'],
      '/api/v1/client-auth/request': ['post'],
      '/api/v1/client-auth/verify': ['post'],
      '/api/v1/client-auth/logout': ['post'],
      '/api/v1/client/me': ['get'],
      '/api/v1/client/me/appointments': ['get'],
      '/api/v1/client/me/book-again': ['post'],
      '/api/v1/client/me/book-again/confirm': ['post'],
      '/api/v1/locations/{locationId}/appointments/{id}/payments': ['get'],
      '/api/v1/organizations/current/payments/reconciliation': ['get'],
      '/api/v1/locations/{locationId}/appointments/{id}/checkout': ['get', 'post'],
      '/api/v1/locations/{locationId}/appointments/{id}/checkout/preview': ['post'],
      '/api/v1/locations/{locationId}/appointments/{id}/checkout/card/refresh': ['post'],
      '/api/v1/locations/{locationId}/appointments/{id}/checkout/card/test-confirm': ['post'],
      '/api/v1/locations/{locationId}/barbers/{barberId}/tips': ['get'],
      '/api/v1/manage/{token}/change-quote': ['get'],
      // Booking with payment (routes/manage/manage-payment.routes.ts, routes/payments/test-payments.routes.ts).
      '/api/v1/manage/{token}/payment': ['get'],
      '/api/v1/manage/{token}/payment/refresh': ['post'],
      '/api/v1/test-payments/{providerId}/confirm': ['post'],
      '/api/v1/test-payments/{providerId}/authenticate': ['post'],
    };
    const apiPaths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1'));
    expect(apiPaths.sort()).toEqual(Object.keys(expected).sort());
    for (const [p, methods] of Object.entries(expected))
      expect(Object.keys(doc.paths[p]!).sort(), p).toEqual(methods);
    expect(Object.keys(doc.paths['/api/v1/locations/{slug}/appointments']!.post!.responses!)).toEqual(
      expect.arrayContaining(['201', '404', '409', '422', '429']),
    );
    expect(doc.paths['/health']).toBeDefined();
    expect(doc.paths['/ready']).toBeDefined();
  });

  it('serves a readable docs page at /docs', async () => {
    const res = await t.app.inject({ url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('unknown paths', () => {
  it.each([
    ['GET', '/api/v1/nothing-here'],
    ['POST', '/api/v1/locations'],
    ['GET', '/api/v2/locations/test-cuts'],
    ['DELETE', '/api/v1/locations/test-cuts'],
    ['GET', '/no-web-build-in-tests'],
  ] as const)('%s %s is a 404 problem', async (method, url) => {
    const body = expectProblem(await t.app.inject({ method, url }), 404, 'NOT_FOUND');
    expect(body.detail).toContain(url);
  });
});

describe('errors', () => {
  it('refuses a body over 64 KiB with a problem, not a stack', async () => {
    const res = await book(t, bookingBody(t, '2026-12-08T10:00:00-05:00', { notes: 'x'.repeat(70_000) }));
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 413, instance: '/api/v1/locations/test-cuts/appointments' });
    expect(res.body).not.toMatch(/node_modules|\.ts:\d+/);
  });

  it('refuses a body that is not JSON with a problem', async () => {
    const send = (type: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/locations/test-cuts/appointments',
        headers: { 'content-type': type },
        payload: 'book me',
      });
    const text = expectProblem(await send('text/plain'), 422, 'VALIDATION_FAILED');
    expect(text.errors!.map((e) => e.field)).toEqual(['body']);
    const xml = await send('application/xml');
    expect(xml.statusCode).toBe(415);
    expect(xml.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(xml.json()).toMatchObject({ status: 415, code: 'VALIDATION_FAILED' });
  });
});

describe('the web app (when apps/web/dist is built)', () => {
  it('serves index.html for page routes, assets with long caching, and problems for /api', async () => {
    const webDist = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-web-'));
    fs.writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><div id="root"></div>');
    fs.mkdirSync(path.join(webDist, 'assets'));
    fs.writeFileSync(path.join(webDist, 'assets', 'app-1234.js'), 'console.log(1)');
    const app = await buildApp({ ctx: { ...t.runtime.ctx, config: { ...t.runtime.ctx.config, webDist } } });
    try {
      for (const url of ['/test-cuts', '/manage/some-token']) {
        const page = await app.inject({ url });
        expect(page.statusCode, url).toBe(200);
        expect(page.headers['content-type']).toMatch(/^text\/html/);
        expect(page.headers['cache-control']).toBe('no-cache');
        expect(page.body).toContain('<div id="root">');
      }
      const asset = await app.inject({ url: '/assets/app-1234.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toMatch(/max-age=31536000.*immutable/);
      expectProblem(await app.inject({ url: '/api/v1/nothing' }), 404, 'NOT_FOUND');
      expectProblem(await app.inject({ method: 'POST', url: '/test-cuts' }), 404, 'NOT_FOUND');
      expect((await app.inject({ url: '/api/v1/locations/test-cuts' })).statusCode).toBe(200);
    } finally {
      await app.close();
      fs.rmSync(webDist, { recursive: true, force: true });
    }
  });
});

describe('GET /metrics', () => {
  it('exposes request durations by route for Prometheus', async () => {
    await t.app.inject({ url: '/api/v1/locations/test-cuts' });
    const res = await t.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain(
      'http_request_duration_seconds_count{method="GET",route="/api/v1/locations/:slug",status="200"}',
    );
  });
});

describe('rate limit (RATE_LIMIT=on, RATE_LIMIT_MAX=3)', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await createTestApp({ env: { RATE_LIMIT: 'on', RATE_LIMIT_MAX: '3' } });
  });
  afterAll(async () => limited?.close());

  it('answers the 4th booking attempt from one IP with 429 RATE_LIMITED', async () => {
    const starts = ['09:00', '09:30', '10:00', '10:30'].map((h) => `2026-12-08T${h}:00-05:00`);
    const results = [];
    for (const [i, start] of starts.entries())
      results.push(await book(limited, bookingBody(limited, start, { client: someClient(`rl${i}`) })));
    expect(results.slice(0, 3).map((r) => r.statusCode)).toEqual([201, 201, 201]);
    const body = expectProblem(results[3]!, 429, 'RATE_LIMITED');
    expect(body.detail).toMatch(/Try again in \d+ seconds/);
    expect(results[3]!.headers['retry-after']).toBeDefined();
    // Nothing was booked by the refused attempt.
    const free = await limited.app.inject({
      url: `/api/v1/locations/test-cuts/availability?services=${limited.ids.services.cut}&barber=${limited.ids.barbers.ana}&from=2026-12-08&to=2026-12-08`,
    });
    expect(free.json().slots.map((s: { start: string }) => s.start)).toContain(starts[3]);
  });

  it('counts per IP, and only booking creation', async () => {
    const other = await book(
      limited,
      bookingBody(limited, '2026-12-08T10:30:00-05:00', { client: someClient('rl-other') }),
      { remoteAddress: '203.0.113.7' },
    );
    expect(other.statusCode, other.body).toBe(201);
    for (let i = 0; i < 5; i++)
      expect((await limited.app.inject({ url: '/api/v1/locations/test-cuts/services' })).statusCode).toBe(
        200,
      );
  });

  it('is off in the default test configuration', async () => {
    for (let i = 0; i < 5; i++) expect((await book(t, { services: [] })).statusCode).toBe(422);
  });
});
