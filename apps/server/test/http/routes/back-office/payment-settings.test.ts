/**
 * Payment settings in the back office (issue 4): the `payments` block of a location's settings and
 * the service overrides. Who may change them (owner, manager; not front desk nor barbers; another
 * organization's owner sees nothing), validation with field errors, the refusal of a paid mode
 * without a provider, and the audit entries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, desc, eq } from 'drizzle-orm';
import { auditLog } from '../../../../src/db/schema.ts';
import { importShop } from '../../../../src/services/shop-import.service.ts';
import { parseShopFile } from '../../../../src/shops/shop-file.ts';
import { expectProblem, fieldsOf } from '../../../support/api.ts';
import { createTestApp, fixtureShop, type TestApp } from '../../../support/harness.ts';
import { bearer, createStaff, locationId, signIn } from '../../../support/staff.ts';

let t: TestApp;
let plain: TestApp;
let loc: string;
const auth = {} as Record<
  'owner' | 'manager' | 'front_desk' | 'barber' | 'other_owner',
  Record<string, string>
>;

beforeAll(async () => {
  t = await createTestApp({ payments: true });
  const other = fixtureShop();
  other.organization = { key: 'rival-org', name: 'Rival Org' };
  other.locations[0]!.slug = 'rival-cuts';
  await importShop(t.runtime.database.db, parseShopFile(other));
  loc = await locationId(t);
  for (const role of ['owner', 'manager', 'front_desk', 'barber'] as const)
    auth[role] = bearer(
      await signIn(
        t,
        await createStaff(t, {
          email: `${role}@pay.example`,
          role,
          ...(role === 'barber' ? { barberId: t.ids.barbers.ben } : {}),
        }),
      ),
    );
  auth.other_owner = bearer(
    await signIn(t, await createStaff(t, { email: 'rival@pay.example', role: 'owner', slug: 'rival-cuts' })),
  );
  plain = await createTestApp();
});
afterAll(async () => {
  await t?.close();
  await plain?.close();
});

const settingsUrl = (id = loc) => `/api/v1/locations/${id}/settings`;
const patch = (who: keyof typeof auth, payments: unknown, app = t, id = loc) =>
  app.app.inject({ method: 'PATCH', url: settingsUrl(id), headers: auth[who], payload: { payments } });

describe('GET …/settings payments block', () => {
  it('shows the defaults and that online payments are available', async () => {
    const res = await t.app.inject({ url: settingsUrl(), headers: auth.front_desk });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().payments).toMatchObject({
      mode: 'none',
      deposit: null,
      cancellationPolicy: { key: 'standard', name: 'Standard' },
      holdMinutes: 10,
      onlinePaymentLimitMinor: 100000,
      taxRatePpm: 0,
    });
    expect(res.json().paymentOptions).toEqual({ onlinePaymentsAvailable: true });
  });
});

describe('PATCH …/settings payments: who may', () => {
  it.each(['owner', 'manager'] as const)('%s may change them', async (who) => {
    const res = await patch(who, { mode: 'deposit', deposit: { kind: 'percent', percent: 40 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().payments).toMatchObject({ mode: 'deposit', deposit: { kind: 'percent', percent: 40 } });
  });

  it.each(['front_desk', 'barber'] as const)('%s may not (403, nothing changes)', async (who) => {
    const before = (await t.app.inject({ url: settingsUrl(), headers: auth.owner })).json().payments;
    expectProblem(await patch(who, { mode: 'prepayment' }), 403, 'FORBIDDEN');
    expect((await t.app.inject({ url: settingsUrl(), headers: auth.owner })).json().payments).toEqual(before);
  });

  it("another organization's owner gets 404", async () => {
    expectProblem(await patch('other_owner', { mode: 'prepayment' }), 404, 'NOT_FOUND');
  });
});

describe('PATCH …/settings payments: validation and audit', () => {
  it('stores a custom policy and audits the change', async () => {
    const custom = {
      key: 'custom',
      name: 'House rules',
      tiers: [
        { minHoursBefore: 12, refundPercent: 100, feeMinor: 0 },
        { minHoursBefore: 0, refundPercent: 20, feeMinor: 500 },
      ],
      noShowFeeMinor: 2000,
      firstTimeGraceHours: null,
    };
    const res = await patch('owner', {
      cancellationPolicy: custom,
      holdMinutes: 15,
      onlinePaymentLimitMinor: 50000,
      taxRatePpm: 88750,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().payments).toMatchObject({
      cancellationPolicy: { key: 'custom', name: 'House rules', tiers: custom.tiers, noShowFeeMinor: 2000 },
      holdMinutes: 15,
      onlinePaymentLimitMinor: 50000,
      taxRatePpm: 88750,
    });
    const [entry] = await t.runtime.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'location.updated'), eq(auditLog.entityId, loc)))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect((entry!.after as { payments: { taxRatePpm: number } }).payments.taxRatePpm).toBe(88750);
    expect((entry!.before as { payments: { taxRatePpm: number } }).payments.taxRatePpm).toBe(0);
  });

  it('turns the first-time grace off for a seeded policy', async () => {
    const res = await patch('manager', { cancellationPolicy: { key: 'strict', firstTimeGrace: false } });
    expect(res.json().payments.cancellationPolicy).toMatchObject({
      key: 'strict',
      firstTimeGraceHours: null,
    });
  });

  it.each([
    [{ onlinePaymentLimitMinor: 0 }, 'payments.onlinePaymentLimitMinor'],
    [{ onlinePaymentLimitMinor: 10.5 }, 'payments.onlinePaymentLimitMinor'],
    [{ onlinePaymentLimitMinor: 99_000_000 }, 'payments.onlinePaymentLimitMinor'],
    [{ taxRatePpm: -1 }, 'payments.taxRatePpm'],
    [{ mode: 'cash' }, 'payments.mode'],
    [{ deposit: { kind: 'percent', percent: 150 } }, 'payments.deposit.percent'],
    [{ deposit: { kind: 'fixed', amountMinor: -5 } }, 'payments.deposit.amountMinor'],
    [{ holdMinutes: 1 }, 'payments.holdMinutes'],
  ])('refuses %j with a field error', async (body, field) => {
    const res = await patch('owner', body);
    expectProblem(res, 422, 'VALIDATION_FAILED');
    expect(fieldsOf(res)).toContain(field);
  });

  it('refuses custom tiers that do not end at 0 h or go up', async () => {
    const res = await patch('owner', {
      cancellationPolicy: {
        key: 'custom',
        tiers: [
          { minHoursBefore: 12, refundPercent: 100, feeMinor: 0 },
          { minHoursBefore: 24, refundPercent: 50, feeMinor: 0 },
        ],
        noShowFeeMinor: 0,
        firstTimeGraceHours: null,
      },
    });
    expectProblem(res, 422, 'VALIDATION_FAILED');
    expect(fieldsOf(res)).toContain('payments.cancellationPolicy');
  });
});

describe('without a payment provider', () => {
  it('says online payments are unavailable and refuses a paid mode with a field error', async () => {
    const owner = bearer(
      await signIn(plain, await createStaff(plain, { email: 'o@plain.example', role: 'owner' })),
    );
    const id = await locationId(plain);
    const get = await plain.app.inject({ url: settingsUrl(id), headers: owner });
    expect(get.json().paymentOptions).toEqual({ onlinePaymentsAvailable: false });
    for (const mode of ['deposit', 'prepayment', 'card_on_file']) {
      const res = await plain.app.inject({
        method: 'PATCH',
        url: settingsUrl(id),
        headers: owner,
        payload: { payments: { mode } },
      });
      expectProblem(res, 422, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['payments.mode']);
    }
    const ok = await plain.app.inject({
      method: 'PATCH',
      url: settingsUrl(id),
      headers: owner,
      payload: { payments: { mode: 'none', taxRatePpm: 50000 } },
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });
});

describe('service overrides', () => {
  const svc = () => `/api/v1/locations/${loc}/services/${t.ids.services.cut}`;
  it('owner sets and clears overrides; front desk may not', async () => {
    const res = await t.app.inject({
      method: 'PATCH',
      url: svc(),
      headers: auth.owner,
      payload: {
        paymentMode: 'deposit',
        depositRule: { kind: 'fixed', amountMinor: 1000 },
        cancellationPolicy: { key: 'lenient' },
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().payments).toMatchObject({
      mode: 'deposit',
      deposit: { kind: 'fixed', amountMinor: 1000 },
      cancellationPolicy: { key: 'lenient' },
    });
    const cleared = await t.app.inject({
      method: 'PATCH',
      url: svc(),
      headers: auth.manager,
      payload: { paymentMode: null, depositRule: null, cancellationPolicy: null },
    });
    expect(cleared.json().payments).toEqual({ mode: null, deposit: null, cancellationPolicy: null });
    expectProblem(
      await t.app.inject({
        method: 'PATCH',
        url: svc(),
        headers: auth.front_desk,
        payload: { paymentMode: 'prepayment' },
      }),
      403,
      'FORBIDDEN',
    );
  });

  it('refuses a bad deposit with a field error', async () => {
    const res = await t.app.inject({
      method: 'PATCH',
      url: svc(),
      headers: auth.owner,
      payload: { depositRule: { kind: 'percent', percent: 0 } },
    });
    expectProblem(res, 422, 'VALIDATION_FAILED');
    expect(fieldsOf(res)).toContain('depositRule.percent');
  });
});
