/**
 * The staff calendar (issue 3): the calendar with its contact rules, appointment actions with
 * history and stale-edit protection, staff bookings with the override, and client search.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { appointments, timeOff } from '../../../src/db/schema.ts';
import { listHistory } from '../../../src/repositories/appointment.repository.ts';
import { book, bookingBody, expectProblem, someClient } from '../../support/api.ts';
import { createTestApp, type TestApp } from '../../support/harness.ts';
import {
  bearer,
  createStaff,
  emailsTo,
  locationId,
  signIn,
  type BearerSession,
  type TestStaff,
} from '../../support/staff.ts';

let t: TestApp;
let loc: string;
const who = {} as Record<'owner' | 'desk' | 'ben' | 'ana', { staff: TestStaff; session: BearerSession }>;
let anaAppt: string;
let benAppt: string;

async function as(
  k: keyof typeof who,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return t.app.inject({
    method,
    url: `/api/v1/locations/${loc}${url}`,
    headers: { ...bearer(who[k].session), ...headers },
    payload,
  });
}

beforeAll(async () => {
  t = await createTestApp();
  await t.runtime.outbox.stop();
  loc = await locationId(t);
  const make = async (k: keyof typeof who, role: 'owner' | 'front_desk' | 'barber', barberId?: string) => {
    const staff = await createStaff(t, { email: `${k}@cal.example`, role, barberId: barberId ?? null });
    who[k] = { staff, session: await signIn(t, staff) };
  };
  await make('owner', 'owner');
  await make('desk', 'front_desk');
  await make('ben', 'barber', t.ids.barbers.ben);
  await make('ana', 'barber', t.ids.barbers.ana);
  const a = await book(t, bookingBody(t, '2026-12-08T10:00:00-05:00', { client: someClient('ana1') }));
  expect(a.statusCode, a.body).toBe(201);
  anaAppt = a.json().id;
  const b = await book(
    t,
    bookingBody(t, '2026-12-08T11:00:00-05:00', { barberId: t.ids.barbers.ben, client: someClient('ben1') }),
  );
  expect(b.statusCode, b.body).toBe(201);
  benAppt = b.json().id;
  await t.runtime.database.db.insert(timeOff).values({
    barberId: t.ids.barbers.ana!,
    startsAt: new Date('2026-12-08T20:00:00Z'),
    endsAt: new Date('2026-12-08T21:00:00Z'),
    reason: 'Dentist',
  });
});
afterAll(async () => t?.close());

describe('GET /locations/{locationId}/calendar', () => {
  it('shows front desk every appointment with contacts, times with the offset, and time off', async () => {
    const res = await as('desk', 'GET', '/calendar?from=2026-12-08&to=2026-12-08');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.timezone).toBe('America/New_York');
    expect(body.appointments.map((a: { id: string }) => a.id)).toEqual([anaAppt, benAppt]);
    expect(body.appointments[0]).toMatchObject({
      start: '2026-12-08T10:00:00-05:00',
      end: '2026-12-08T10:30:00-05:00',
      status: 'confirmed',
      source: 'online',
      client: { name: 'Client ana1', email: 'clientana1@example.com', phone: '+1 212 555 0100' },
      services: [{ name: 'Cut', durationMinutes: 30 }],
    });
    expect(typeof body.appointments[0].version).toBe('string');
    expect(body.timeOff).toEqual([
      expect.objectContaining({ start: '2026-12-08T15:00:00-05:00', reason: 'Dentist' }),
    ]);
  });

  it("shows a barber every appointment, but a colleague's without contacts", async () => {
    const res = await as('ben', 'GET', '/calendar?from=2026-12-08&to=2026-12-08');
    expect(res.statusCode, res.body).toBe(200);
    const [ana, ben] = res.json().appointments;
    expect(ana.client).toEqual({ id: expect.any(String), name: 'Client ana1' });
    expect(res.body).not.toContain('clientana1@example.com');
    expect(ben.client.email).toBe('clientben1@example.com');
    expect(res.json().timeOff[0].reason).toBeNull();
  });

  it('filters by barber and refuses bad ranges', async () => {
    const res = await as(
      'owner',
      'GET',
      `/calendar?from=2026-12-01&to=2026-12-31&barberId=${t.ids.barbers.ben}`,
    );
    expect(res.json().appointments.map((a: { id: string }) => a.id)).toEqual([benAppt]);
    expectProblem(
      await as('owner', 'GET', '/calendar?from=2026-12-01&to=2027-01-01'),
      422,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await as('owner', 'GET', '/calendar?from=2026-12-09&to=2026-12-08'),
      422,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await as('owner', 'GET', '/calendar?from=2026-12-08&to=2026-12-08&barberId=nope'),
      422,
      'VALIDATION_FAILED',
    );
  });
});

describe('appointment actions', () => {
  it('check in and complete own appointment as a barber, with history', async () => {
    const res = await as('ben', 'POST', `/appointments/${benAppt}/check-in`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('checked_in');
    const done = await as('ben', 'POST', `/appointments/${benAppt}/complete`, {});
    expect(done.json().status).toBe('completed');
    expectProblem(await as('ben', 'POST', `/appointments/${benAppt}/complete`), 409, 'INVALID_STATE');
    const history = await listHistory(t.runtime.database.db, benAppt);
    expect(history.slice(1)).toMatchObject([
      { actor: `staff:${who.ben.staff.userId}`, fromStatus: 'confirmed', toStatus: 'checked_in' },
      { actor: `staff:${who.ben.staff.userId}`, fromStatus: 'checked_in', toStatus: 'completed' },
    ]);
  });

  it("refuses a barber on a colleague's appointment, and an unknown id", async () => {
    expectProblem(await as('ben', 'POST', `/appointments/${anaAppt}/no-show`), 403, 'FORBIDDEN');
    expectProblem(
      await as('desk', 'POST', '/appointments/00000000-0000-4000-8000-000000000000/check-in'),
      404,
      'NOT_FOUND',
    );
  });

  it('confirms a pending appointment; confirming a confirmed one is INVALID_STATE', async () => {
    const res = await book(t, bookingBody(t, '2026-12-09T10:00:00-05:00', { client: someClient('p') }));
    const id = res.json().id as string;
    expectProblem(await as('desk', 'POST', `/appointments/${id}/confirm`), 409, 'INVALID_STATE');
    await t.runtime.database.db
      .update(appointments)
      .set({ status: 'pending' })
      .where(eq(appointments.id, id));
    const ok = await as('desk', 'POST', `/appointments/${id}/confirm`);
    expect(ok.json().status).toBe('confirmed');
  });

  it('cancels with a reason (required) into the history', async () => {
    const res = await book(t, bookingBody(t, '2026-12-09T11:00:00-05:00', { client: someClient('c') }));
    const id = res.json().id as string;
    expectProblem(await as('desk', 'POST', `/appointments/${id}/cancel`, {}), 422, 'VALIDATION_FAILED');
    const ok = await as('desk', 'POST', `/appointments/${id}/cancel`, { reason: 'Shop closed early' });
    expect(ok.json().status).toBe('cancelled');
    const history = await listHistory(t.runtime.database.db, id);
    expect(history.at(-1)).toMatchObject({ action: 'cancelled', details: { reason: 'Shop closed early' } });
    const mails = await emailsTo(t, 'clientc@example.com');
    expect(mails.at(-1)!.subject).toMatch(/cancel/i);
    expect(mails.at(-1)!.text).toContain('Book again: http://bookedbarber.test/test-cuts');
  });

  it('refuses a stale edit with STALE_UPDATE (If-Match or version)', async () => {
    const cal = await as('desk', 'GET', '/calendar?from=2026-12-08&to=2026-12-08');
    const v1 = cal.json().appointments[0].version as string;
    const first = await as(
      'desk',
      'PATCH',
      `/appointments/${anaAppt}`,
      { notes: 'Likes it short' },
      { 'if-match': `"${v1}"` },
    );
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().notes).toBe('Likes it short');
    const v2 = first.json().version as string;
    expect(v2).not.toBe(v1);
    const stale = await as(
      'owner',
      'PATCH',
      `/appointments/${anaAppt}`,
      { notes: 'Overwrite' },
      { 'if-match': v1 },
    );
    expectProblem(stale, 409, 'STALE_UPDATE');
    expectProblem(
      await as('owner', 'POST', `/appointments/${anaAppt}/check-in`, { version: v1 }),
      409,
      'STALE_UPDATE',
    );
    const fresh = await as('owner', 'PATCH', `/appointments/${anaAppt}`, {
      notes: 'And a beard trim',
      version: v2,
    });
    expect(fresh.statusCode, fresh.body).toBe(200);
  });

  it('lets exactly one of two simultaneous edits of the same version through', async () => {
    const res = await book(t, bookingBody(t, '2026-12-09T13:00:00-05:00', { client: someClient('race') }));
    const cal = await as('desk', 'GET', '/calendar?from=2026-12-09&to=2026-12-09');
    const version = cal.json().appointments.find((a: { id: string }) => a.id === res.json().id).version;
    const answers = await Promise.all([
      as('desk', 'PATCH', `/appointments/${res.json().id}`, { notes: 'First', version }),
      as('owner', 'POST', `/appointments/${res.json().id}/check-in`, { version }),
    ]);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(answers.find((r) => r.statusCode === 409)!.json().code).toBe('STALE_UPDATE');
  });

  it('reschedules: the same rules as online, or with an override that is recorded', async () => {
    const res = await book(t, bookingBody(t, '2026-12-10T10:00:00-05:00', { client: someClient('r') }));
    const id = res.json().id as string;
    const moved = await as('desk', 'POST', `/appointments/${id}/reschedule`, {
      start: '2026-12-10T14:00:00-05:00',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().start).toBe('2026-12-10T14:00:00-05:00');
    // Ana does not work 12:00–13:00.
    expectProblem(
      await as('desk', 'POST', `/appointments/${id}/reschedule`, { start: '2026-12-10T12:00:00-05:00' }),
      409,
      'SLOT_UNAVAILABLE',
    );
    const over = await as('desk', 'POST', `/appointments/${id}/reschedule`, {
      start: '2026-12-10T12:00:00-05:00',
      override: true,
    });
    expect(over.statusCode, over.body).toBe(200);
    const history = await listHistory(t.runtime.database.db, id);
    expect(history.at(-1)).toMatchObject({ action: 'rescheduled', details: { override: true } });
    // Never onto another appointment, override or not.
    await book(t, bookingBody(t, '2026-12-10T15:00:00-05:00', { client: someClient('r2') }));
    expectProblem(
      await as('desk', 'POST', `/appointments/${id}/reschedule`, {
        start: '2026-12-10T15:00:00-05:00',
        override: true,
      }),
      409,
      'SLOT_UNAVAILABLE',
    );
    // A barber moves only within their own calendar.
    expectProblem(
      await as('ana', 'POST', `/appointments/${id}/reschedule`, {
        start: '2026-12-10T16:00:00-05:00',
        barberId: t.ids.barbers.ben,
      }),
      403,
      'FORBIDDEN',
    );
  });
});

describe('staff bookings and client search', () => {
  it('a retry with the same Idempotency-Key answers the first booking instead of booking twice', async () => {
    const body = {
      services: [t.ids.services.cut],
      barberId: t.ids.barbers.ben,
      start: '2026-12-12T10:00:00-05:00',
      source: 'phone',
      client: { name: 'Double Tap', phone: '+1 212 555 0155' },
    };
    const key = { 'idempotency-key': 'staff-retry-1' };
    const first = await as('desk', 'POST', '/appointments', body, key);
    expect(first.statusCode, first.body).toBe(201);
    const again = await as('desk', 'POST', '/appointments', body, key);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().id).toBe(first.json().id);
    const rows = await t.runtime.database.db
      .select()
      .from(appointments)
      .where(eq(appointments.startsAt, new Date('2026-12-12T15:00:00Z')));
    expect(rows).toHaveLength(1);
    expectProblem(
      await as('desk', 'POST', '/appointments', { ...body, start: '2026-12-12T11:00:00-05:00' }, key),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    // Keys are per staff member: the same key from someone else is a new request.
    const owners = await as(
      'owner',
      'POST',
      '/appointments',
      { ...body, start: '2026-12-12T12:00:00-05:00' },
      key,
    );
    expect(owners.statusCode, owners.body).toBe(201);
    expect(owners.json().id).not.toBe(first.json().id);
  });

  it('books a walk-in client with only a name and phone', async () => {
    const res = await as('desk', 'POST', '/appointments', {
      services: [t.ids.services.cut],
      barberId: t.ids.barbers.ben,
      start: '2026-12-11T10:00:00-05:00',
      source: 'walk_in',
      client: { name: 'Walk In', phone: '+1 212 555 0177' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      source: 'walk_in',
      status: 'confirmed',
      client: { name: 'Walk In', email: null },
    });
    const history = await listHistory(t.runtime.database.db, res.json().id);
    expect(history[0]).toMatchObject({
      actor: `staff:${who.desk.staff.userId}`,
      details: { source: 'walk_in', override: false },
    });
  });

  it('applies the online rules unless override, which never double-books', async () => {
    const body = {
      services: [t.ids.services.cut],
      barberId: t.ids.barbers.ben,
      source: 'phone',
      client: { name: 'Early Bird', email: 'early@example.com' },
    };
    // 08:30 is inside the 60-minute lead time (now is 08:00) and before opening.
    expectProblem(
      await as('desk', 'POST', '/appointments', { ...body, start: '2026-12-07T08:30:00-05:00' }),
      422,
      'OUTSIDE_BOOKING_WINDOW',
    );
    expectProblem(
      await as('desk', 'POST', '/appointments', { ...body, start: '2026-12-11T07:00:00-05:00' }),
      409,
      'SLOT_UNAVAILABLE',
    );
    const ok = await as('desk', 'POST', '/appointments', {
      ...body,
      start: '2026-12-07T08:30:00-05:00',
      override: true,
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const history = await listHistory(t.runtime.database.db, ok.json().id);
    expect(history[0]!.details).toMatchObject({ override: true });
    expectProblem(
      await as('desk', 'POST', '/appointments', {
        ...body,
        start: '2026-12-07T08:45:00-05:00',
        override: true,
      }),
      409,
      'SLOT_UNAVAILABLE',
    );
  });

  it('lets a barber book only for themself', async () => {
    const body = {
      services: [t.ids.services.cut],
      start: '2026-12-11T11:00:00-05:00',
      source: 'staff',
      client: { name: 'Friend' },
    };
    expectProblem(
      await as('ben', 'POST', '/appointments', { ...body, barberId: t.ids.barbers.ana }),
      403,
      'FORBIDDEN',
    );
    const ok = await as('ben', 'POST', '/appointments', { ...body, barberId: t.ids.barbers.ben });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('searches clients by name (contains), exact email or exact phone (any formatting) and books one by id', async () => {
    const byName = await as('desk', 'GET', '/clients?q=walk');
    expect(byName.json()).toEqual([expect.objectContaining({ name: 'Walk In', phone: '+1 212 555 0177' })]);
    const byPhone = await as('desk', 'GET', `/clients?q=${encodeURIComponent('+1 (212) 555-0177')}`);
    expect(byPhone.json().map((c: { name: string }) => c.name)).toEqual(['Walk In']);
    // Contact details are encrypted: only an exact email or phone is found, never a fragment.
    expect((await as('desk', 'GET', '/clients?q=555-0177')).json()).toEqual([]);
    expect((await as('desk', 'GET', '/clients?q=early@')).json()).toEqual([]);
    const byEmail = await as('desk', 'GET', '/clients?q=EARLY@example.com');
    expect(byEmail.json().map((c: { name: string }) => c.name)).toEqual(['Early Bird']);
    expectProblem(await as('ben', 'GET', '/clients?q=walk'), 403, 'FORBIDDEN');
    const res = await as('desk', 'POST', '/appointments', {
      services: [t.ids.services.cut],
      barberId: t.ids.barbers.ben,
      start: '2026-12-11T12:00:00-05:00',
      source: 'phone',
      client: { id: byName.json()[0].id },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().client.name).toBe('Walk In');
    expectProblem(
      await as('desk', 'POST', '/appointments', {
        services: [t.ids.services.cut],
        barberId: t.ids.barbers.ben,
        start: '2026-12-11T13:00:00-05:00',
        source: 'phone',
        client: { id: '00000000-0000-4000-8000-000000000000' },
      }),
      422,
      'VALIDATION_FAILED',
    );
  });
});

describe('the audit log', () => {
  it('records every staff change to an appointment, with before and after', async () => {
    const res = await t.app.inject({
      url: '/api/v1/organizations/current/audit?action=appointment.&limit=500',
      headers: bearer(who.owner.session),
    });
    expect(res.statusCode, res.body).toBe(200);
    const actions = new Set(res.json().entries.map((e: { action: string }) => e.action));
    for (const a of [
      'checked_in',
      'completed',
      'confirmed',
      'cancelled',
      'notes_changed',
      'rescheduled',
      'created',
    ])
      expect(actions, a).toContain(`appointment.${a}`);
    const cancel = res.json().entries.find((e: { action: string }) => e.action === 'appointment.cancelled');
    expect(cancel).toMatchObject({
      entity: 'appointment',
      before: { status: 'confirmed' },
      after: { status: 'cancelled', reason: 'Shop closed early' },
      actor: { id: who.desk.staff.userId },
    });
  });
});
