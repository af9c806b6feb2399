/**
 * The demo seed's staff accounts (src/db/seed/demo-shop.ts): an owner, a manager, a front desk
 * and two barbers linked to demo barbers, who can sign in with the printed passwords; the start
 * banner's lines; seeding again keeps them.
 */
import { clientCipher } from '../../../src/security/client-fields.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, DEMO_SLUG, demoSignInLines, seedDemo } from '../../../src/db/seed/demo-shop.ts';
import { loadCatalog } from '../../../src/services/catalog.service.ts';
import { commonPasswords } from '../../../src/security/passwords.ts';
import { createTestApp, type TestApp } from '../../support/harness.ts';
import { bearer, loginRequest } from '../../support/staff.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('demo accounts', () => {
  it('are not there before the demo is seeded', async () => {
    expect(await demoSignInLines(t.runtime.database.db)).toEqual([]);
  });

  it('are seeded with the demo: owner, manager, front desk and two barbers, with passwords that pass the rules', async () => {
    expect(
      await seedDemo(t.runtime.database.db, clientCipher(t.runtime.ctx.secrets), t.clock.now(), {
        force: true,
        days: 2,
      }),
    ).toBe(true);
    expect(DEMO_ACCOUNTS.map((a) => a.role).sort()).toEqual([
      'barber',
      'barber',
      'front_desk',
      'manager',
      'owner',
    ]);
    for (const a of DEMO_ACCOUNTS) {
      expect(a.password.length).toBeGreaterThanOrEqual(8);
      expect(commonPasswords().has(a.password.toLowerCase())).toBe(false);
    }
  });

  it('sign in with the printed passwords; owner and manager must enrol two-factor first', async () => {
    const catalog = await loadCatalog(t.runtime.database.db, DEMO_SLUG);
    for (const a of DEMO_ACCOUNTS) {
      const res = await loginRequest(t, { email: a.email, password: a.password });
      expect(res.statusCode, `${a.email}: ${res.body}`).toBe(200);
      const s = res.json();
      expect(s.mfaEnrolmentRequired, a.email).toBe(a.role === 'owner' || a.role === 'manager');
      const me = (await t.app.inject({ url: '/api/v1/me', headers: bearer(s) })).json();
      expect(me.roles).toHaveLength(1);
      const barberId = a.barberKey ? catalog.barbers.find((b) => b.key === a.barberKey)!.id : null;
      expect(me.roles[0]).toMatchObject({ locationSlug: DEMO_SLUG, role: a.role, barberId });
    }
  });

  it('are printed by the start banner with the owner and manager enrolment note', async () => {
    const lines = await demoSignInLines(t.runtime.database.db);
    expect(lines).toHaveLength(DEMO_ACCOUNTS.length + 1);
    for (const a of DEMO_ACCOUNTS) {
      const line = lines.find((l) => l.includes(a.email))!;
      expect(line).toContain(a.password);
      expect(line.includes('two-factor')).toBe(a.role === 'owner' || a.role === 'manager');
    }
  });

  it('survive seeding again', async () => {
    expect(
      await seedDemo(t.runtime.database.db, clientCipher(t.runtime.ctx.secrets), t.clock.now(), {
        force: true,
        days: 1,
      }),
    ).toBe(true);
    const a = DEMO_ACCOUNTS.find((x) => x.role === 'front_desk')!;
    expect((await loginRequest(t, { email: a.email, password: a.password })).statusCode).toBe(200);
  });
});
