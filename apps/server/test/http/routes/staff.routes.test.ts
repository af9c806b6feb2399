/**
 * Staff management (src/http/routes/staff/staff.routes.ts, src/services/staff.service.ts): invites
 * by email link and their acceptance, the staff list, role changes, deactivation ending sessions,
 * and the audit log (src/http/routes/organizations/organizations.routes.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { staffRoles } from '../../../src/db/schema.ts';
import { importShop } from '../../../src/services/shop-import.service.ts';
import { parseShopFile } from '../../../src/shops/shop-file.ts';
import { expectProblem } from '../../support/api.ts';
import { createTestApp, fixtureShop, type TestApp } from '../../support/harness.ts';
import {
  bearer,
  createStaff,
  emailsTo,
  locationId,
  loginRequest,
  mailedToken,
  signIn,
  type BearerSession,
  type TestStaff,
} from '../../support/staff.ts';

let t: TestApp;
let loc: string;
let owner: TestStaff;
let ownerSession: BearerSession;

beforeAll(async () => {
  t = await createTestApp();
  await t.runtime.outbox.stop();
  loc = await locationId(t);
  owner = await createStaff(t, { email: 'owner@staff.example', role: 'owner', name: 'Olivia Owner' });
  await createStaff(t, { email: 'desk@staff.example', role: 'front_desk', name: 'Dee Desk' });
  ownerSession = await signIn(t, owner);
  const other = fixtureShop();
  other.organization = { key: 'other-org', name: 'Other Org' };
  other.locations[0]!.slug = 'other-cuts';
  await importShop(t.runtime.database.db, parseShopFile(other));
});
afterAll(async () => t?.close());

const as = (s: BearerSession) => bearer(s);
const invite = (body: Record<string, unknown>, s = ownerSession) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/locations/${loc}/staff/invites`,
    headers: as(s),
    payload: body,
  });
const accept = (body: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/invite/accept', payload: body });
const list = (s = ownerSession) => t.app.inject({ url: `/api/v1/locations/${loc}/staff`, headers: as(s) });
const audit = (query = '', s = ownerSession) =>
  t.app.inject({ url: `/api/v1/organizations/current/audit${query}`, headers: as(s) });

describe('invites', () => {
  it('invites a barber by email; the link creates the account, linked to the barber profile', async () => {
    const res = await invite({
      email: 'Ana@Staff.example',
      name: 'Ana Alvarez',
      role: 'barber',
      barberId: t.ids.barbers.ana,
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toEqual({
      id: expect.any(String),
      email: 'ana@staff.example',
      name: 'Ana Alvarez',
      role: 'barber',
      barberId: t.ids.barbers.ana,
      expiresAt: new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString(),
    });
    const [mail] = await emailsTo(t, 'ana@staff.example');
    expect(mail!.subject).toBe('You are invited to Test Cuts on BookedBarber');
    expect(mail!.text).toContain('Olivia Owner invited you to join Test Cuts on BookedBarber as a barber.');
    const token = await mailedToken(t, 'ana@staff.example', 'invite');

    const weak = expectProblem(
      await accept({ token, password: 'password', name: 'Ana' }),
      422,
      'VALIDATION_FAILED',
    );
    expect(weak.errors).toEqual([{ field: 'password', message: expect.any(String) }]);

    const ok = await accept({ token, password: 'ana chooses well', name: 'Ana A.' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({
      user: { id: expect.any(String), email: 'ana@staff.example', name: 'Ana A.' },
      created: true,
    });
    const signedIn = await signIn(t, {
      userId: '',
      email: 'ana@staff.example',
      password: 'ana chooses well',
      name: '',
    });
    const me = (await t.app.inject({ url: '/api/v1/me', headers: as(signedIn) })).json();
    expect(me.roles).toEqual([
      expect.objectContaining({ role: 'barber', barberId: t.ids.barbers.ana, locationId: loc }),
    ]);

    // Single use.
    expectProblem(
      await accept({ token, password: 'ana chooses well', name: 'Ana' }),
      422,
      'VALIDATION_FAILED',
    );
  });

  it('names the bad fields: role, email, name, barberId', async () => {
    const res = await invite({ email: 'nope', name: '', role: 'janitor' });
    expect(
      expectProblem(res, 422, 'VALIDATION_FAILED')
        .errors!.map((e) => e.field)
        .sort(),
    ).toEqual(['email', 'name', 'role']);
    const noBarber = await invite({ email: 'b@staff.example', name: 'B', role: 'barber' });
    expect(expectProblem(noBarber, 422, 'VALIDATION_FAILED').errors!.map((e) => e.field)).toEqual([
      'barberId',
    ]);
    for (const barberId of ['not-an-id', '00000000-0000-4000-8000-000000000000', t.ids.barbers.ana]) {
      // Ana is already linked to the account created above.
      const res = await invite({ email: 'b@staff.example', name: 'B', role: 'barber', barberId });
      expect(expectProblem(res, 422, 'VALIDATION_FAILED').errors!.map((e) => e.field)).toEqual(['barberId']);
    }
  });

  it('refuses a barber profile of another location', async () => {
    const { loadCatalog } = await import('../../../src/services/catalog.service.ts');
    const other = await loadCatalog(t.runtime.database.db, 'other-cuts');
    const res = await invite({
      email: 'b@staff.example',
      name: 'B',
      role: 'barber',
      barberId: other.barbers[0]!.id,
    });
    expect(expectProblem(res, 422, 'VALIDATION_FAILED').errors!.map((e) => e.field)).toEqual(['barberId']);
  });

  it('refuses to invite someone already on the staff here (409)', async () => {
    expectProblem(
      await invite({ email: 'DESK@staff.example', name: 'Dee', role: 'manager' }),
      409,
      'INVALID_STATE',
    );
  });

  it('a new invite to the same address replaces the old link', async () => {
    await invite({ email: 'twice@staff.example', name: 'Twice', role: 'front_desk' });
    const first = await mailedToken(t, 'twice@staff.example', 'invite');
    await invite({ email: 'twice@staff.example', name: 'Twice', role: 'manager' });
    const second = await mailedToken(t, 'twice@staff.example', 'invite');
    expectProblem(
      await accept({ token: first, password: 'twice is nice', name: 'Twice' }),
      422,
      'VALIDATION_FAILED',
    );
    expect((await accept({ token: second, password: 'twice is nice', name: 'Twice' })).statusCode).toBe(200);
    const member = (await list()).json().find((m: { email: string }) => m.email === 'twice@staff.example');
    expect(member.role).toBe('manager');
  });

  it('expires after 7 days', async () => {
    await invite({ email: 'late@staff.example', name: 'Late', role: 'front_desk' });
    const token = await mailedToken(t, 'late@staff.example', 'invite');
    t.clock.advance(7 * 24 * 60 + 1);
    ownerSession = await signIn(t, owner);
    const res = expectProblem(
      await accept({ token, password: 'too late now', name: 'Late' }),
      422,
      'VALIDATION_FAILED',
    );
    expect(res.errors).toEqual([{ field: 'token', message: expect.stringMatching(/expired/) }]);
  });

  it('links an existing account (of another organization) with its current password', async () => {
    const elsewhere = await createStaff(t, {
      email: 'roamer@staff.example',
      role: 'front_desk',
      slug: 'other-cuts',
    });
    await invite({ email: elsewhere.email, name: 'Ignored Name', role: 'front_desk' });
    const token = await mailedToken(t, elsewhere.email, 'invite');
    const wrong = expectProblem(
      await accept({ token, password: 'not my password', name: 'X' }),
      422,
      'VALIDATION_FAILED',
    );
    expect(wrong.errors).toEqual([
      { field: 'password', message: expect.stringMatching(/already has an account/) },
    ]);
    const ok = await accept({ token, password: elsewhere.password, name: 'X' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({
      user: { id: elsewhere.userId, email: elsewhere.email, name: elsewhere.name },
      created: false,
    });
    const s = await signIn(t, elsewhere);
    const me = (await t.app.inject({ url: '/api/v1/me', headers: as(s) })).json();
    expect(me.roles.map((r: { locationSlug: string }) => r.locationSlug).sort()).toEqual([
      'other-cuts',
      'test-cuts',
    ]);
  });
});

describe('the staff list', () => {
  it('lists the members of the location with their role and sign-in facts, for owners and managers', async () => {
    const res = await list();
    expect(res.statusCode, res.body).toBe(200);
    const members = res.json() as Array<Record<string, unknown>>;
    expect(members.find((m) => m.email === owner.email)).toEqual({
      userId: owner.userId,
      name: 'Olivia Owner',
      email: owner.email,
      role: 'owner',
      barberId: null,
      active: true,
      totpEnabled: true,
      lastSignInAt: expect.any(String),
      since: expect.any(String),
      deactivatedAt: null,
    });
    // Only this location's staff: nobody from other-cuts only.
    expect(members.every((m) => m.email !== 'nobody')).toBe(true);
    const manager = await createStaff(t, { email: 'manager@staff.example', role: 'manager' });
    expect((await list(await signIn(t, manager))).statusCode).toBe(200);
  });
});

describe('role changes', () => {
  it('changes a role and records before and after in the audit log', async () => {
    const member = await createStaff(t, { email: 'promote@staff.example', role: 'front_desk' });
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/locations/${loc}/staff/${member.userId}`,
      headers: as(ownerSession),
      payload: { role: 'barber', barberId: t.ids.barbers.ben },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ userId: member.userId, role: 'barber', barberId: t.ids.barbers.ben });
    const entries = (await audit('?action=staff.role_changed')).json().entries;
    expect(entries[0]).toMatchObject({
      action: 'staff.role_changed',
      actor: { id: owner.userId, name: 'Olivia Owner', email: owner.email },
      before: { userId: member.userId, role: 'front_desk', barberId: null },
      after: { userId: member.userId, role: 'barber', barberId: t.ids.barbers.ben },
    });
  });

  it('refuses to demote the last owner, an empty change, and an unknown member', async () => {
    const url = `/api/v1/locations/${loc}/staff/${owner.userId}`;
    expectProblem(
      await t.app.inject({ method: 'PATCH', url, headers: as(ownerSession), payload: { role: 'manager' } }),
      409,
      'INVALID_STATE',
    );
    expectProblem(
      await t.app.inject({ method: 'PATCH', url, headers: as(ownerSession), payload: {} }),
      422,
      'VALIDATION_FAILED',
    );
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope'])
      expectProblem(
        await t.app.inject({
          method: 'PATCH',
          url: `/api/v1/locations/${loc}/staff/${id}`,
          headers: as(ownerSession),
          payload: { role: 'manager' },
        }),
        404,
        'NOT_FOUND',
      );
  });
});

describe('deactivation', () => {
  it('ends their sessions, stops their sign-in, and keeps them in the list as history', async () => {
    const member = await createStaff(t, { email: 'leaver@staff.example', role: 'front_desk' });
    const s1 = await signIn(t, member);
    const s2 = await signIn(t, member);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/locations/${loc}/staff/${member.userId}/deactivate`,
      headers: as(ownerSession),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      userId: member.userId,
      active: false,
      deactivatedAt: t.clock.now().toISOString(),
    });
    for (const s of [s1, s2]) {
      expectProblem(await t.app.inject({ url: '/api/v1/me', headers: as(s) }), 401, 'UNAUTHENTICATED');
      expectProblem(
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refreshToken: s.refreshToken },
        }),
        401,
        'UNAUTHENTICATED',
      );
    }
    expectProblem(
      await loginRequest(t, { email: member.email, password: member.password }),
      401,
      'INVALID_CREDENTIALS',
    );
    const row = await t.runtime.database.db
      .select()
      .from(staffRoles)
      .where(and(eq(staffRoles.userId, member.userId), eq(staffRoles.locationId, loc)));
    expect(row).toHaveLength(1);
    expect((await list()).json().find((m: { userId: string }) => m.userId === member.userId).active).toBe(
      false,
    );
    const entry = (await audit('?action=staff.deactivated')).json().entries[0];
    expect(entry).toMatchObject({
      entityId: row[0]!.id,
      before: { active: true },
      after: { active: false, sessionsEnded: 2 },
    });

    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/locations/${loc}/staff/${member.userId}/deactivate`,
        headers: as(ownerSession),
      }),
      409,
      'INVALID_STATE',
    );
  });

  it('an invite brings a deactivated member back', async () => {
    const member = await createStaff(t, { email: 'returner@staff.example', role: 'front_desk' });
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/locations/${loc}/staff/${member.userId}/deactivate`,
      headers: as(ownerSession),
    });
    await invite({ email: member.email, name: 'R', role: 'front_desk' });
    const token = await mailedToken(t, member.email, 'invite');
    expect((await accept({ token, password: member.password, name: 'R' })).statusCode).toBe(200);
    expect((await loginRequest(t, { email: member.email, password: member.password })).statusCode).toBe(200);
  });

  it('refuses to deactivate yourself', async () => {
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/locations/${loc}/staff/${owner.userId}/deactivate`,
        headers: as(ownerSession),
      }),
      409,
      'INVALID_STATE',
    );
  });
});

describe('the audit log', () => {
  it('records every staff change with who and when, newest first, filtered by action and time', async () => {
    const all = await audit();
    expect(all.statusCode, all.body).toBe(200);
    const actions = (all.json().entries as Array<{ action: string }>).map((e) => e.action);
    for (const a of ['staff.invited', 'staff.joined', 'staff.role_changed', 'staff.deactivated'])
      expect(actions).toContain(a);
    const prefix = (await audit('?action=staff.')).json().entries as Array<{ action: string }>;
    expect(prefix.length).toBeGreaterThan(0);
    expect(prefix.every((e) => e.action.startsWith('staff.'))).toBe(true);
    const invited = (await audit('?action=staff.invited')).json().entries as Array<{
      after: Record<string, unknown>;
    }>;
    expect(invited.every((e) => !JSON.stringify(e).includes('bbt_'))).toBe(true);
    expect(invited.at(-1)!.after).toMatchObject({ email: 'ana@staff.example', role: 'barber' });

    const future = new Date(t.clock.now().getTime() + 60_000).toISOString();
    expect((await audit(`?from=${encodeURIComponent(future)}`)).json().entries).toEqual([]);
    const past = '2000-01-01T00:00:00Z';
    expect((await audit(`?to=${encodeURIComponent(past)}`)).json().entries).toEqual([]);
  });

  it('pages with a cursor', async () => {
    const page1 = (await audit('?limit=2')).json();
    expect(page1.entries).toHaveLength(2);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = (await audit(`?limit=2&cursor=${page1.nextCursor}`)).json();
    expect(page2.entries[0].id).toBeLessThan(page1.entries[1].id);
  });

  it('names bad filters', async () => {
    const res = await audit('?from=yesterday&limit=0');
    expect(
      expectProblem(res, 422, 'VALIDATION_FAILED')
        .errors!.map((e) => e.field)
        .sort(),
    ).toEqual(['from', 'limit']);
    expect(
      expectProblem(await audit('?cursor=abc'), 422, 'VALIDATION_FAILED').errors!.map((e) => e.field),
    ).toEqual(['cursor']);
  });

  it('shows nothing of another organization', async () => {
    const otherOwner = await createStaff(t, {
      email: 'owner@other.example',
      role: 'owner',
      slug: 'other-cuts',
    });
    const res = await audit('', await signIn(t, otherOwner));
    expect(res.statusCode).toBe(200);
    const body = JSON.stringify(res.json());
    expect(body).not.toContain('staff.example');
    expect(body).not.toContain(owner.userId);
  });
});
