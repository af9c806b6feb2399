import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('harness', () => {
  it('books the fixture shop through the API', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/locations/test-cuts/appointments',
      payload: {
        services: [t.ids.services.cut],
        barberId: t.ids.barbers.ana,
        start: '2026-12-08T09:00:00-05:00',
        client: { name: 'Ana Client', email: 'a@example.com', phone: '+1 212 555 0100' },
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      status: 'confirmed',
      start: '2026-12-08T09:00:00-05:00',
      totalMinor: 3000,
    });
  });
});
