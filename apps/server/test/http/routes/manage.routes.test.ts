/**
 * The client's manage link (docs/api.md, "Managing a booking"): view, calendar file,
 * availability, cancel, reschedule, and the change window.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asc, desc, eq } from 'drizzle-orm';
import { appointmentHistory, appointments, outbox } from '../../../src/db/schema.ts';
import {
  availability,
  book,
  bookingBody,
  expectProblem,
  fieldsOf,
  rowCounts,
  someClient,
  tokenOf,
} from '../../support/api.ts';
import { createTestApp, type TestApp } from '../../support/harness.ts';

const NOW = '2026-12-07T08:00:00-05:00';
let t: TestApp;
let ana: string;
let ben: string;
let cut: string;
let beard: string;

beforeAll(async () => {
  t = await createTestApp({ now: NOW });
  ({ ana, ben } = t.ids.barbers as { ana: string; ben: string });
  ({ cut, beard } = t.ids.services as { cut: string; beard: string });
});
afterAll(async () => t?.close());
afterEach(() => t.clock.set(NOW));

/** Books and returns the appointment and its token. */
async function booked(start: string, overrides: Record<string, unknown> = {}) {
  const res = await book(
    t,
    bookingBody(t, start, { client: someClient(start.replace(/\D/g, '')), ...overrides }),
  );
  expect(res.statusCode, res.body).toBe(201);
  const appointment = res.json();
  return { appointment, token: tokenOf(appointment.manageUrl) };
}

const manage = (token: string, suffix = '') => `/api/v1/manage/${token}${suffix}`;
const cancel = (token: string, payload?: unknown) =>
  t.app.inject({
    method: 'POST',
    url: manage(token, '/cancel'),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
const reschedule = (token: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: manage(token, '/reschedule'), payload });

/** iCalendar text with folded lines joined back (RFC 5545 §3.1). */
const unfold = (ics: string) => ics.replace(/\r?\n[ \t]/g, '');

async function historyOf(id: string) {
  return t.runtime.database.db
    .select()
    .from(appointmentHistory)
    .where(eq(appointmentHistory.appointmentId, id))
    .orderBy(asc(appointmentHistory.id));
}

async function lastMail() {
  const [row] = await t.runtime.database.db.select().from(outbox).orderBy(desc(outbox.createdAt)).limit(1);
  return row!.payload as { to: string; subject: string; text: string; html: string };
}

describe('GET /api/v1/manage/{token}', () => {
  it('answers the appointment exactly as the booking did', async () => {
    const { appointment, token } = await booked('2026-12-09T10:00:00-05:00');
    const res = await t.app.inject({ url: manage(token) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(appointment);
  });

  it('says canChange false once the change window has started', async () => {
    const { token } = await booked('2026-12-09T11:00:00-05:00');
    t.clock.set('2026-12-08T11:00:00-05:00');
    const res = await t.app.inject({ url: manage(token) });
    expect(res.json()).toMatchObject({ canChange: false, changeDeadline: '2026-12-08T11:00:00-05:00' });
  });
});

describe('GET /api/v1/manage/{token}/calendar.ics', () => {
  it('answers an iCalendar event in UTC with the manage link', async () => {
    const { appointment, token } = await booked('2026-12-09T13:00:00-05:00', {
      services: [cut, beard],
    });
    const res = await t.app.inject({ url: manage(token, '/calendar.ics') });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/calendar/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename=".+\.ics"/);
    const ics = unfold(res.body);
    expect(ics).toMatch(/^BEGIN:VCALENDAR\r?\n/);
    expect(ics).toContain('BEGIN:VEVENT');
    expect(ics).toContain('END:VEVENT');
    expect(ics).toMatch(/\r?\nDTSTART:20261209T180000Z\r?\n/);
    expect(ics).toMatch(/\r?\nDTEND:20261209T184500Z\r?\n/);
    expect(ics).toContain(`UID:${appointment.id}@bookedbarber`);
    expect(ics).toContain('SEQUENCE:0');
    expect(ics).toContain('STATUS:CONFIRMED');
    expect(ics).toContain(appointment.manageUrl);
    expect(ics).toContain('Cut + Beard with Ana at Test Cuts');
  });
});

describe('GET /api/v1/manage/{token}/availability', () => {
  it("offers the appointment's own time, with its own barber by default", async () => {
    const { token } = await booked('2026-12-10T10:00:00-05:00');
    await booked('2026-12-10T11:00:00-05:00');
    const res = await t.app.inject({ url: manage(token, '/availability?from=2026-12-10&to=2026-12-10') });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { timezone: string; slots: Array<{ start: string; barberIds: string[] }> };
    expect(body.timezone).toBe('America/New_York');
    const starts = body.slots.map((s) => s.start.slice(11, 16));
    expect(starts).toContain('10:00');
    expect(starts).not.toContain('11:00');
    expect(body.slots.every((s) => s.barberIds.join() === ana)).toBe(true);
    // The public availability does not offer 10:00 with Ana: it is taken.
    const pub = await availability(t, { barber: ana, from: '2026-12-10', to: '2026-12-10' });
    expect(pub.slots.map((s) => s.start.slice(11, 16))).not.toContain('10:00');
  });

  it('offers every barber for barber=any, and refuses bad queries', async () => {
    const { token } = await booked('2026-12-10T13:00:00-05:00');
    const res = await t.app.inject({
      url: manage(token, '/availability?from=2026-12-10&to=2026-12-10&barber=any'),
    });
    const slots = res.json().slots as Array<{ start: string; barberIds: string[] }>;
    expect(slots.find((s) => s.start === '2026-12-10T12:00:00-05:00')?.barberIds).toEqual([ben]);
    expect(
      fieldsOf(
        await t.app.inject({ url: manage(token, '/availability?from=2026-12-10&to=2026-12-10&barber=x') }),
      ),
    ).toEqual(['barber']);
    expect(
      fieldsOf(await t.app.inject({ url: manage(token, '/availability?from=2026-12-10&to=2026-12-09') })),
    ).toEqual(['to']);
    expect(
      fieldsOf(await t.app.inject({ url: manage(token, '/availability?from=2026-12-01&to=2027-01-15') })),
    ).toEqual(['to']);
    expect(fieldsOf(await t.app.inject({ url: manage(token, '/availability?from=2026-12-10') }))).toContain(
      'to',
    );
  });
});

describe('POST /api/v1/manage/{token}/cancel', () => {
  it('cancels, frees the time, records history and emails the client; a second cancel is 409', async () => {
    const start = '2026-12-11T10:00:00-05:00';
    const { appointment, token } = await booked(start);
    const res = await cancel(token);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ ...appointment, status: 'cancelled', canChange: false });
    // The time is free again.
    const free = await availability(t, { barber: ana, from: '2026-12-11', to: '2026-12-11' });
    expect(free.slots.map((s) => s.start)).toContain(start);
    const history = await historyOf(appointment.id);
    expect(history.map((h) => [h.action, h.fromStatus, h.toStatus, h.actor])).toEqual([
      ['created', null, 'confirmed', 'client'],
      ['cancelled', 'confirmed', 'cancelled', 'client'],
    ]);
    const mail = await lastMail();
    expect(mail.subject).toMatch(/^Cancelled: Test Cuts/);
    expect(mail.text).toContain('Book again: http://bookedbarber.test/test-cuts');
    // The calendar file now cancels the event.
    const ics = unfold((await t.app.inject({ url: manage(token, '/calendar.ics') })).body);
    expect(ics).toContain('METHOD:CANCEL');
    expect(ics).toContain('STATUS:CANCELLED');
    expect(ics).toContain('SEQUENCE:1');

    const before = await rowCounts(t);
    const again = expectProblem(await cancel(token, {}), 409, 'INVALID_STATE');
    expect(again.detail).toContain('cancelled');
    expectProblem(await reschedule(token, { start: '2026-12-11T11:00:00-05:00' }), 409, 'INVALID_STATE');
    expect(await rowCounts(t)).toEqual(before);
    expect((await t.app.inject({ url: manage(token) })).json().status).toBe('cancelled');
    // Someone else can now book that time.
    expect((await book(t, bookingBody(t, start, { client: someClient('next') }))).statusCode).toBe(201);
  });

  it('accepts an empty JSON object as the body', async () => {
    const { token } = await booked('2026-12-11T11:00:00-05:00');
    const res = await cancel(token, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('cancelled');
  });
});

describe('POST /api/v1/manage/{token}/reschedule', () => {
  it('moves the appointment, frees the old time, takes the new one and records history', async () => {
    const from = '2026-12-14T10:00:00-05:00';
    const to = '2026-12-14T14:30:00-05:00';
    const { appointment, token } = await booked(from);
    const res = await reschedule(token, { start: to });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      ...appointment,
      start: to,
      end: '2026-12-14T15:00:00-05:00',
      changeDeadline: '2026-12-13T14:30:00-05:00',
    });
    expect((await t.app.inject({ url: manage(token) })).json().start).toBe(to);
    const free = await availability(t, { barber: ana, from: '2026-12-14', to: '2026-12-14' });
    const starts = free.slots.map((s) => s.start);
    expect(starts).toContain(from);
    expect(starts).not.toContain(to);
    const history = await historyOf(appointment.id);
    expect(history.map((h) => h.action)).toEqual(['created', 'rescheduled']);
    expect(history[1]!.details).toEqual({
      fromStart: '2026-12-14T15:00:00.000Z',
      toStart: '2026-12-14T19:30:00.000Z',
      fromBarberId: ana,
      toBarberId: ana,
    });
    const mail = await lastMail();
    expect(mail.subject).toMatch(/^Moved: Test Cuts, now Monday, December 14, 2026 at 2:30/);
    expect(mail.text).toContain(appointment.manageUrl);
    const ics = unfold((await t.app.inject({ url: manage(token, '/calendar.ics') })).body);
    expect(ics).toContain('DTSTART:20261214T193000Z');
    expect(ics).toContain('SEQUENCE:1');
    // Only one appointment exists for it.
    const rows = await t.runtime.database.db
      .select()
      .from(appointments)
      .where(eq(appointments.id, appointment.id));
    expect(rows.length).toBe(1);
  });

  it('may move to the time it already overlaps (its own time counts as free)', async () => {
    const { token } = await booked('2026-12-15T10:00:00-05:00', { services: [cut, beard] });
    const res = await reschedule(token, { start: '2026-12-15T10:30:00-05:00' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().end).toBe('2026-12-15T11:15:00-05:00');
  });

  it("moves to another barber with that barber's duration and price", async () => {
    const { appointment, token } = await booked('2026-12-15T13:00:00-05:00');
    const res = await reschedule(token, { start: '2026-12-15T17:00:00-05:00', barberId: ben });
    expect(res.statusCode, res.body).toBe(200);
    const moved = res.json();
    expect(moved).toMatchObject({
      id: appointment.id,
      start: '2026-12-15T17:00:00-05:00',
      end: '2026-12-15T17:45:00-05:00',
      barber: { id: ben, name: 'Ben' },
    });
    // The view stays consistent: the lines add up to the time booked and the total.
    const minutes = moved.services.reduce(
      (n: number, s: { durationMinutes: number }) => n + s.durationMinutes,
      0,
    );
    expect(Date.parse(moved.end) - Date.parse(moved.start)).toBe(minutes * 60_000);
    expect(moved.services).toEqual([{ id: cut, name: 'Cut', durationMinutes: 45, priceMinor: 4000 }]);
    expect(moved.totalMinor).toBe(4000);
    const [row] = await t.runtime.database.db
      .select()
      .from(appointments)
      .where(eq(appointments.id, appointment.id));
    expect(row!.totalMinor).toBe(4000);
  });

  it('refuses a taken time with 409 SLOT_UNAVAILABLE and alternatives, changing nothing', async () => {
    const { token, appointment } = await booked('2026-12-16T10:00:00-05:00');
    await booked('2026-12-16T11:00:00-05:00');
    const before = await rowCounts(t);
    const body = expectProblem(
      await reschedule(token, { start: '2026-12-16T11:00:00-05:00' }),
      409,
      'SLOT_UNAVAILABLE',
    );
    expect(body.alternatives!.length).toBeGreaterThan(0);
    // The appointment's own time is among the free times to move to.
    const mine = await t.app.inject({ url: manage(token, '/availability?from=2026-12-13&to=2026-12-23') });
    for (const a of body.alternatives!) expect(mine.json().slots).toContainEqual(a);
    expect(body.alternatives!.map((a) => a.start)).toContain('2026-12-16T10:30:00-05:00');
    expect(await rowCounts(t)).toEqual(before);
    expect((await t.app.inject({ url: manage(token) })).json()).toEqual(appointment);
    expect((await historyOf(appointment.id)).length).toBe(1);
  });

  it('refuses a start off the grid, in the past or beyond the horizon (422), and bad input', async () => {
    const { token, appointment } = await booked('2026-12-16T13:00:00-05:00');
    for (const start of [
      '2026-12-16T13:10:00-05:00',
      '2026-12-01T13:00:00-05:00',
      '2026-12-07T08:30:00-05:00',
      '2027-02-01T13:00:00-05:00',
    ])
      expectProblem(await reschedule(token, { start }), 422, 'OUTSIDE_BOOKING_WINDOW');
    expect(fieldsOf(await reschedule(token, { start: 'soon' }))).toEqual(['start']);
    expect(fieldsOf(await reschedule(token, {}))).toEqual(['start']);
    expect(fieldsOf(await reschedule(token, { start: '2026-12-16T14:00:00-05:00', barberId: 'x' }))).toEqual([
      'barberId',
    ]);
    expect((await t.app.inject({ url: manage(token) })).json()).toEqual(appointment);
  });
});

describe('the change window (24 hours before the start)', () => {
  it('refuses cancel and reschedule with 409 CHANGE_WINDOW_PASSED naming the shop phone', async () => {
    const { token, appointment } = await booked('2026-12-17T10:00:00-05:00');
    // Exactly 24 hours before: already too late.
    t.clock.set('2026-12-16T10:00:00-05:00');
    const before = await rowCounts(t);
    for (const res of [
      await cancel(token),
      await reschedule(token, { start: '2026-12-18T10:00:00-05:00' }),
    ]) {
      const body = expectProblem(res, 409, 'CHANGE_WINDOW_PASSED');
      expect(body.detail).toContain('+1 212 555 0199');
      expect(body.detail).toContain('24 hours');
    }
    expect(await rowCounts(t)).toEqual(before);
    expect((await t.app.inject({ url: manage(token) })).json()).toMatchObject({
      status: 'confirmed',
      start: appointment.start,
      canChange: false,
    });
    // A minute before the deadline it is still allowed.
    t.clock.set('2026-12-16T09:59:00-05:00');
    const moved = await reschedule(token, { start: '2026-12-18T10:00:00-05:00' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().canChange).toBe(true);
  });

  it('follows the appointment to its new time after a move', async () => {
    const { token } = await booked('2026-12-21T10:00:00-05:00');
    t.clock.set('2026-12-19T12:00:00-05:00');
    expect((await reschedule(token, { start: '2026-12-22T10:00:00-05:00' })).statusCode).toBe(200);
    // Past the old deadline (20 Dec 10:00), before the new one (21 Dec 10:00).
    t.clock.set('2026-12-21T10:00:00-05:00');
    expectProblem(await cancel(token), 409, 'CHANGE_WINDOW_PASSED');
    t.clock.set('2026-12-21T09:59:59-05:00');
    expect((await cancel(token)).statusCode).toBe(200);
  });
});

describe('an unknown token', () => {
  it.each([
    ['GET', ''],
    ['GET', '/calendar.ics'],
    ['GET', '/availability?from=2026-12-10&to=2026-12-10'],
    ['POST', '/cancel'],
    ['POST', '/reschedule'],
  ] as const)('%s %s is 404 NOT_FOUND', async (method, suffix) => {
    const res = await t.app.inject({
      method,
      url: manage('not-a-real-token-ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ', suffix),
      ...(suffix === '/reschedule' ? { payload: { start: '2026-12-18T10:00:00-05:00' } } : {}),
    });
    expectProblem(res, 404, 'NOT_FOUND');
  });
});
