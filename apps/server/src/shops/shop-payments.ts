/**
 * The `payments` blocks of the shop file (docs/shop-file.md, "Payments"): a location's payment rule,
 * deposit, cancellation policy, hold and online limit, and a service's overrides (absent = inherit;
 * DOMAIN.md lookup: service, then location, then default). Converted to and from the columns of
 * migration 0005.
 */
import { z } from 'zod';
import {
  DEFAULT_ONLINE_PAYMENT_LIMIT_MINOR,
  SEEDED_POLICIES,
  type CancellationPolicy,
  type DepositRule,
} from '@bookedbarber/core';
import type { PaymentMode } from '../db/schema.ts';

const mode = z.enum(['none', 'deposit', 'prepayment', 'card_on_file']).meta({
  description: 'none = pay at the shop; deposit; prepayment = the whole price online; card_on_file',
});
const deposit = z
  .union([
    z.object({ percent: z.number().int().min(0).max(100) }).strict(),
    z.object({ fixedMinor: z.number().int('Use whole minor units (cents)').min(0).max(10_000_000) }).strict(),
  ])
  .meta({
    description:
      'A percent of the price (rounded half up) or a fixed amount (capped at the price); default 50 %',
  });
const policy = z
  .enum(['standard', 'lenient', 'strict'])
  .meta({ description: 'A seeded cancellation policy (DOMAIN.md table)' });

/** A location's `payments` block. */
export const locationPaymentsFileSchema = z
  .object({
    mode: mode.default('none'),
    deposit: deposit.optional(),
    cancellationPolicy: policy.optional(),
    holdMinutes: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(10)
      .meta({ description: 'How long an unpaid booking holds its slot' }),
    onlineLimitMinor: z
      .number()
      .int()
      .min(1)
      .max(DEFAULT_ONLINE_PAYMENT_LIMIT_MINOR)
      .default(DEFAULT_ONLINE_PAYMENT_LIMIT_MINOR)
      .meta({ description: 'Largest amount taken online in one payment, minor units (at most 100,000)' }),
  })
  .strict();

/** A service's `payments` block: overrides of the location's rule. */
export const servicePaymentsFileSchema = z
  .object({ mode, deposit: deposit.optional(), cancellationPolicy: policy.optional() })
  .strict();

type DepositFile = z.output<typeof deposit>;
type PolicyFile = z.output<typeof policy>;

const toDeposit = (d: DepositFile | undefined): DepositRule | null =>
  !d
    ? null
    : 'percent' in d
      ? { kind: 'percent', percent: d.percent }
      : { kind: 'fixed', amountMinor: d.fixedMinor };
const fromDeposit = (d: DepositRule | null) =>
  !d ? {} : { deposit: d.kind === 'percent' ? { percent: d.percent } : { fixedMinor: d.amountMinor } };
const toPolicy = (p: PolicyFile | undefined): CancellationPolicy | null => (p ? SEEDED_POLICIES[p] : null);
const fromPolicy = (p: CancellationPolicy | null) =>
  p && p.key in SEEDED_POLICIES ? { cancellationPolicy: p.key as PolicyFile } : {};

/** The location columns of a block (absent = pay at the shop with the defaults). */
export function locationPaymentColumns(p: z.output<typeof locationPaymentsFileSchema> | undefined) {
  return {
    paymentMode: p?.mode ?? 'none',
    depositRule: toDeposit(p?.deposit),
    cancellationPolicy: toPolicy(p?.cancellationPolicy),
    paymentHoldMinutes: p?.holdMinutes ?? 10,
    onlinePaymentLimitMinor: p?.onlineLimitMinor ?? DEFAULT_ONLINE_PAYMENT_LIMIT_MINOR,
  };
}

/** The service columns of a block (absent = inherit everything). */
export function servicePaymentColumns(p: z.output<typeof servicePaymentsFileSchema> | undefined) {
  return {
    paymentMode: p ? p.mode : null,
    depositRule: toDeposit(p?.deposit),
    cancellationPolicy: toPolicy(p?.cancellationPolicy),
  };
}

/** The block of a location's columns, or nothing when everything is the default (keeps exports short). */
export function locationPaymentsOf(l: {
  paymentMode: PaymentMode;
  depositRule: DepositRule | null;
  cancellationPolicy: CancellationPolicy | null;
  paymentHoldMinutes: number;
  onlinePaymentLimitMinor: number;
}): { payments?: z.output<typeof locationPaymentsFileSchema> } {
  const block = {
    mode: l.paymentMode,
    ...fromDeposit(l.depositRule),
    ...fromPolicy(l.cancellationPolicy),
    holdMinutes: l.paymentHoldMinutes,
    onlineLimitMinor: l.onlinePaymentLimitMinor,
  };
  const isDefault =
    block.mode === 'none' &&
    !l.depositRule &&
    !l.cancellationPolicy &&
    block.holdMinutes === 10 &&
    block.onlineLimitMinor === DEFAULT_ONLINE_PAYMENT_LIMIT_MINOR;
  return isDefault ? {} : { payments: block };
}

/** The block of a service's override columns, or nothing when it inherits. */
export function servicePaymentsOf(s: {
  paymentMode: PaymentMode | null;
  depositRule: DepositRule | null;
  cancellationPolicy: CancellationPolicy | null;
}): { payments?: z.output<typeof servicePaymentsFileSchema> } {
  if (!s.paymentMode) return {};
  return {
    payments: {
      mode: s.paymentMode,
      ...fromDeposit(s.depositRule),
      ...fromPolicy(s.cancellationPolicy),
    },
  };
}
