import { describe, expect, it } from 'vitest';
import {
  SEEDED_POLICIES,
  SettlementError,
  changeOutcome,
  ledgerBalance,
  planSettlement,
} from '../../src/index.ts';

describe('planSettlement', () => {
  it('a late cancellation under the standard policy: half the deposit back minus the fee', () => {
    // $40 deposit, cancelled 30 h before: 50% = 2000 back, $10 fee → 1000 refunded, nothing more due.
    const o = changeOutcome({
      policy: SEEDED_POLICIES.standard,
      startMs: 100 * 3_600_000,
      nowMs: 70 * 3_600_000,
      paidMinor: 4000,
      firstTimeClient: false,
    });
    const plan = planSettlement({
      held: [{ paymentId: 'pi_dep', receivedMinor: 4000, refundedMinor: 0 }],
      netRefundMinor: o.netRefundMinor,
      feeDueMinor: o.feeDueMinor,
      hasCardOnFile: true,
    });
    expect(plan).toEqual({
      refunds: [{ paymentId: 'pi_dep', amountMinor: 1000 }],
      feeChargeMinor: 0,
      feeOwedMinor: 0,
    });
  });

  it('refunds the latest payment first and never one beyond what is left of it', () => {
    const plan = planSettlement({
      held: [
        { paymentId: 'pi_deposit', receivedMinor: 2000, refundedMinor: 0 },
        { paymentId: 'pi_rest', receivedMinor: 3000, refundedMinor: 2500 },
      ],
      netRefundMinor: 1500,
      feeDueMinor: 0,
      hasCardOnFile: false,
    });
    expect(plan.refunds).toEqual([
      { paymentId: 'pi_rest', amountMinor: 500 },
      { paymentId: 'pi_deposit', amountMinor: 1000 },
    ]);
  });

  it('a fee still due goes to the card on file, or is recorded as owed without one', () => {
    expect(planSettlement({ held: [], netRefundMinor: 0, feeDueMinor: 5000, hasCardOnFile: true })).toEqual({
      refunds: [],
      feeChargeMinor: 5000,
      feeOwedMinor: 0,
    });
    expect(planSettlement({ held: [], netRefundMinor: 0, feeDueMinor: 5000, hasCardOnFile: false })).toEqual({
      refunds: [],
      feeChargeMinor: 0,
      feeOwedMinor: 5000,
    });
  });

  it('refuses to refund more than is refundable, or inconsistent payments', () => {
    expect(() =>
      planSettlement({
        held: [{ paymentId: 'p', receivedMinor: 1000, refundedMinor: 600 }],
        netRefundMinor: 401,
        feeDueMinor: 0,
        hasCardOnFile: false,
      }),
    ).toThrow(SettlementError);
    expect(() =>
      planSettlement({
        held: [{ paymentId: 'p', receivedMinor: 1000, refundedMinor: 1200 }],
        netRefundMinor: 0,
        feeDueMinor: 0,
        hasCardOnFile: false,
      }),
    ).toThrow(SettlementError);
    expect(() =>
      planSettlement({ held: [], netRefundMinor: -1, feeDueMinor: 0, hasCardOnFile: false }),
    ).toThrow(SettlementError);
  });
});

describe('ledgerBalance', () => {
  it('charges, fees, tips and won disputes in; refunds and disputes out', () => {
    expect(
      ledgerBalance([
        { kind: 'charge', amountMinor: 4000 },
        { kind: 'tip', amountMinor: 800 },
        { kind: 'refund', amountMinor: 1000 },
        { kind: 'fee', amountMinor: 2500 },
        { kind: 'dispute', amountMinor: 4000 },
        { kind: 'dispute_won', amountMinor: 4000 },
      ]),
    ).toBe(6300);
    expect(ledgerBalance([])).toBe(0);
  });
});
