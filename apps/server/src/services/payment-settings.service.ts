/**
 * Payment settings (issue 4, "Payment rules per location and service"): the `payments` block of a
 * location's settings and a service's overrides. Owners and managers change them (the routes'
 * roles); a paid mode is refused with a field error while no payment provider is configured, so
 * the shop keeps running as "pay at the shop".
 */
import { eq } from 'drizzle-orm';
import {
  AppError,
  PolicyError,
  SEEDED_POLICIES,
  policyFromChoice,
  type CancellationPolicy,
  type DepositRule,
  type PolicyChoice,
} from '@bookedbarber/core';
import type { DbOrTx } from '../db/client.ts';
import { PAYMENT_MODES, locations } from '../db/schema.ts';
import type { AppContext } from './context.ts';

/** A payment mode: none (pay at the shop), deposit, prepayment (in full), card on file. */
export type PaymentMode = (typeof PAYMENT_MODES)[number];

/** The `payments` block of a location's settings. Money in minor units, tax in parts per million. */
export interface PaymentSettings {
  mode: PaymentMode;
  /** null = the default deposit (50 % of the price). */
  deposit: DepositRule | null;
  /** The location's policy (the seeded `standard` when none is set). */
  cancellationPolicy: CancellationPolicy;
  holdMinutes: number;
  onlinePaymentLimitMinor: number;
  taxRatePpm: number;
}

/** The policy choice as the settings accept it (seeded by name with optional grace, or custom tiers). */
export type PolicyInput =
  | { key: 'standard' | 'lenient' | 'strict'; firstTimeGrace?: boolean | undefined }
  | Extract<PolicyChoice, { key: 'custom' }>;

/** PATCH …/settings `payments` member. */
export interface PaymentSettingsPatch {
  mode?: PaymentMode | undefined;
  deposit?: DepositRule | null | undefined;
  cancellationPolicy?: PolicyInput | undefined;
  holdMinutes?: number | undefined;
  onlinePaymentLimitMinor?: number | undefined;
  taxRatePpm?: number | undefined;
}

/** Whether online payment options may be offered: a provider is configured. */
export function paymentOptions(ctx: AppContext): { onlinePaymentsAvailable: boolean } {
  return { onlinePaymentsAvailable: ctx.payments !== null && ctx.payments !== undefined };
}

/** A location's payment settings. @throws AppError NOT_FOUND. */
export async function readPaymentSettings(db: DbOrTx, locationId: string): Promise<PaymentSettings> {
  const [row] = await db.select().from(locations).where(eq(locations.id, locationId));
  if (!row) throw new AppError('NOT_FOUND', 'No location with this id.');
  return {
    mode: row.paymentMode,
    deposit: row.depositRule ?? null,
    cancellationPolicy: row.cancellationPolicy ?? SEEDED_POLICIES.standard,
    holdMinutes: row.paymentHoldMinutes,
    onlinePaymentLimitMinor: row.onlinePaymentLimitMinor,
    taxRatePpm: row.taxRatePpm,
  };
}

/**
 * The stored policy for a choice: a seeded one (without its first-time grace when `firstTimeGrace`
 * is false), or validated custom tiers.
 * @throws AppError VALIDATION_FAILED naming `field` when custom tiers are malformed.
 */
export function policyForInput(input: PolicyInput, field: string): CancellationPolicy {
  try {
    if (input.key === 'custom') return policyFromChoice(input);
    const seeded = policyFromChoice({ key: input.key });
    return input.firstTimeGrace === false ? { ...seeded, firstTimeGraceHours: null } : seeded;
  } catch (err) {
    if (err instanceof PolicyError)
      throw new AppError('VALIDATION_FAILED', 'Some fields are invalid.', {
        errors: [{ field, message: err.message }],
      });
    throw err;
  }
}

/**
 * Refuses a paid mode while no provider is configured.
 * @throws AppError VALIDATION_FAILED (422) on `field`.
 */
export function requirePaidModeAvailable(
  ctx: AppContext,
  mode: PaymentMode | null | undefined,
  field: string,
) {
  if (mode && mode !== 'none' && !paymentOptions(ctx).onlinePaymentsAvailable)
    throw new AppError('VALIDATION_FAILED', 'Some fields are invalid.', {
      errors: [
        {
          field,
          message: 'Online payments are not set up on this server: only "none" (pay at the shop) is possible',
        },
      ],
    });
}

/**
 * The location columns for a payments patch, validated.
 * @throws AppError VALIDATION_FAILED (paid mode without a provider, malformed custom tiers).
 */
export function paymentColumns(
  ctx: AppContext,
  patch: PaymentSettingsPatch,
): Partial<typeof locations.$inferInsert> {
  requirePaidModeAvailable(ctx, patch.mode, 'payments.mode');
  const set: Partial<typeof locations.$inferInsert> = {};
  if (patch.mode !== undefined) set.paymentMode = patch.mode;
  if (patch.deposit !== undefined) set.depositRule = patch.deposit;
  if (patch.cancellationPolicy !== undefined)
    set.cancellationPolicy = policyForInput(patch.cancellationPolicy, 'payments.cancellationPolicy');
  if (patch.holdMinutes !== undefined) set.paymentHoldMinutes = patch.holdMinutes;
  if (patch.onlinePaymentLimitMinor !== undefined)
    set.onlinePaymentLimitMinor = patch.onlinePaymentLimitMinor;
  if (patch.taxRatePpm !== undefined) set.taxRatePpm = patch.taxRatePpm;
  return set;
}
