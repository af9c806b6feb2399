// Payment settings (issue 4): how clients pay (at the shop, a deposit, in full, card on file), the
// deposit, the cancellation policy (seeded or custom tiers), the hold, the online limit and the tax
// rate. Online options are hidden when the server has no payment provider. Also the per-service
// overrides shown on the service form.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { staffFetch } from '../../lib/staff-api.ts';
import { useStaff } from '../staff/staff-context.tsx';
import { boKey, errorFor, FieldError, Outcome, Section, TextField, toMajor, toMinor } from './common.tsx';

export type PaymentMode = 'none' | 'deposit' | 'prepayment' | 'card_on_file';
export type DepositRule = { kind: 'percent'; percent: number } | { kind: 'fixed'; amountMinor: number };
export interface PolicyTier {
  minHoursBefore: number;
  refundPercent: number;
  feeMinor: number;
}
export interface CancellationPolicy {
  key: string;
  name: string;
  tiers: PolicyTier[];
  noShowFeeMinor: number;
  firstTimeGraceHours: number | null;
}

/** The `payments` block of GET …/settings. */
export interface PaymentSettings {
  mode: PaymentMode;
  deposit: DepositRule | null;
  cancellationPolicy: CancellationPolicy;
  holdMinutes: number;
  onlinePaymentLimitMinor: number;
  taxRatePpm: number;
}

export const MODE_LABEL: Record<PaymentMode, string> = {
  none: 'Pay at the shop',
  deposit: 'Deposit online',
  prepayment: 'Pay in full online',
  card_on_file: 'Card on file (fees charged later)',
};

const SEEDED = ['standard', 'lenient', 'strict'] as const;

/** A select with its label and server error. */
function SelectField(props: {
  label: string;
  value: string;
  options: Array<[string, string]>;
  onChange: (v: string) => void;
  error?: string | undefined;
  hint?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.hint && <p className="hint">{props.hint}</p>}
      <select
        id={id}
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${id}-err` : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      >
        {props.options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
      <FieldError id={`${id}-err`} message={props.error} />
    </div>
  );
}

/** Form state of a deposit rule ('' kind = the default 50 %). */
export function depositState(d: DepositRule | null, currency: string) {
  return {
    kind: d?.kind ?? '',
    value: d ? (d.kind === 'percent' ? String(d.percent) : toMajor(d.amountMinor, currency)) : '',
  };
}

/** The deposit rule to send: null for the default; a number the server validates otherwise. */
export function depositBody(s: { kind: string; value: string }, currency: string): DepositRule | null {
  if (s.kind === 'percent') return { kind: 'percent', percent: Number(s.value) };
  if (s.kind === 'fixed') return { kind: 'fixed', amountMinor: toMinor(s.value, currency) ?? Number.NaN };
  return null;
}

/** Form state of a policy choice. */
function policyState(p: CancellationPolicy | null, currency: string) {
  return {
    key: p?.key ?? 'standard',
    grace: p ? p.firstTimeGraceHours !== null : true,
    name: p?.key === 'custom' ? p.name : '',
    tiers: (p?.key === 'custom' ? p.tiers : [{ minHoursBefore: 0, refundPercent: 0, feeMinor: 0 }]).map(
      (t) => ({
        hours: String(t.minHoursBefore),
        percent: String(t.refundPercent),
        fee: toMajor(t.feeMinor, currency),
      }),
    ),
    noShowFee: toMajor(p?.key === 'custom' ? p.noShowFeeMinor : 0, currency),
    graceHours: p?.key === 'custom' && p.firstTimeGraceHours !== null ? String(p.firstTimeGraceHours) : '',
  };
}
type PolicyState = ReturnType<typeof policyState>;

function policyBody(s: PolicyState, currency: string) {
  if (s.key !== 'custom') return { key: s.key, firstTimeGrace: s.grace };
  return {
    key: 'custom',
    name: s.name || undefined,
    tiers: s.tiers.map((t) => ({
      minHoursBefore: Number(t.hours),
      refundPercent: Number(t.percent),
      feeMinor: toMinor(t.fee, currency) ?? Number.NaN,
    })),
    noShowFeeMinor: toMinor(s.noShowFee, currency) ?? Number.NaN,
    firstTimeGraceHours: s.graceHours.trim() === '' ? null : Number(s.graceHours),
  };
}

/** The policy editor: a seeded policy with grace on/off, or custom tiers. */
function PolicyEditor({
  state: s,
  onChange,
  error,
  prefix,
  allowInherit,
}: {
  state: PolicyState & { inherit?: boolean };
  onChange: (s: PolicyState & { inherit?: boolean }) => void;
  error: unknown;
  prefix: string;
  allowInherit?: boolean;
}) {
  const options: Array<[string, string]> = [
    ...(allowInherit ? ([['inherit', 'Same as the shop']] as Array<[string, string]>) : []),
    ['standard', 'Standard (48 h full refund, 24 h half)'],
    ['lenient', 'Lenient (24 h full refund, no fees)'],
    ['strict', 'Strict (72 h, fees in every tier)'],
    ['custom', 'Custom tiers'],
  ];
  const tierErr = (i: number) => errorFor(error, `${prefix}.tiers.${i}`);
  return (
    <>
      <SelectField
        label="Cancellation policy"
        hint="Applies to cancellations and reschedules; the client sees the refund and fee before confirming."
        value={s.inherit ? 'inherit' : s.key}
        options={options}
        onChange={(v) =>
          onChange(v === 'inherit' ? { ...s, inherit: true } : { ...s, inherit: false, key: v })
        }
        error={s.key === 'custom' ? errorFor(error, `${prefix}.key`) : errorFor(error, prefix)}
      />
      {!s.inherit && (SEEDED as readonly string[]).includes(s.key) && (
        <label className="bo-check">
          <input
            type="checkbox"
            checked={s.grace}
            onChange={(e) => onChange({ ...s, grace: e.target.checked })}
          />{' '}
          First-time clients get everything back when they cancel early enough
        </label>
      )}
      {!s.inherit && s.key === 'custom' && (
        <fieldset className="bo-fieldset">
          <legend>Tiers (earliest first; the last starts at 0 hours)</legend>
          <FieldError
            id={`${prefix}-tiers-err`}
            message={errorFor(error, `${prefix}.tiers`) ?? errorFor(error, prefix)}
          />
          {s.tiers.map((t, i) => (
            <div key={i} className="bo-row">
              <TextField
                label={`Tier ${i + 1}: from (hours before)`}
                type="number"
                inputMode="numeric"
                min={0}
                value={t.hours}
                onChange={(v) =>
                  onChange({ ...s, tiers: s.tiers.map((x, j) => (j === i ? { ...x, hours: v } : x)) })
                }
                error={tierErr(i)}
              />
              <TextField
                label="Refund (%)"
                type="number"
                inputMode="numeric"
                min={0}
                value={t.percent}
                onChange={(v) =>
                  onChange({ ...s, tiers: s.tiers.map((x, j) => (j === i ? { ...x, percent: v } : x)) })
                }
              />
              <TextField
                label="Fee"
                inputMode="decimal"
                value={t.fee}
                onChange={(v) =>
                  onChange({ ...s, tiers: s.tiers.map((x, j) => (j === i ? { ...x, fee: v } : x)) })
                }
              />
              {s.tiers.length > 1 && (
                <button
                  type="button"
                  className="btn btn-secondary"
                  onClick={() => onChange({ ...s, tiers: s.tiers.filter((_, j) => j !== i) })}
                >
                  Remove tier {i + 1}
                </button>
              )}
            </div>
          ))}
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => onChange({ ...s, tiers: [{ hours: '48', percent: '100', fee: '0' }, ...s.tiers] })}
          >
            Add an earlier tier
          </button>
          <TextField
            label="No-show fee"
            inputMode="decimal"
            value={s.noShowFee}
            onChange={(v) => onChange({ ...s, noShowFee: v })}
            error={errorFor(error, `${prefix}.noShowFeeMinor`)}
          />
          <TextField
            label="First-time grace (hours before; empty = none)"
            type="number"
            inputMode="numeric"
            min={0}
            value={s.graceHours}
            onChange={(v) => onChange({ ...s, graceHours: v })}
            error={errorFor(error, `${prefix}.firstTimeGraceHours`)}
          />
        </fieldset>
      )}
    </>
  );
}

/** The deposit editor. */
function DepositEditor({
  state: s,
  onChange,
  error,
  field,
  currency,
}: {
  state: { kind: string; value: string };
  onChange: (s: { kind: string; value: string }) => void;
  error: unknown;
  field: string;
  currency: string;
}) {
  return (
    <>
      <SelectField
        label="Deposit"
        value={s.kind}
        options={[
          ['', 'Default (50% of the price)'],
          ['percent', 'A percent of the price'],
          ['fixed', `A fixed amount (${currency})`],
        ]}
        onChange={(v) => onChange({ kind: v, value: '' })}
        error={s.kind === '' ? errorFor(error, field) : undefined}
      />
      {s.kind !== '' && (
        <TextField
          label={s.kind === 'percent' ? 'Deposit (%)' : `Deposit amount (${currency})`}
          inputMode={s.kind === 'percent' ? 'numeric' : 'decimal'}
          value={s.value}
          onChange={(v) => onChange({ ...s, value: v })}
          error={errorFor(error, field)}
        />
      )}
    </>
  );
}

/** The "Payments" section of the shop settings. */
export function PaymentsForm({
  payments: p,
  onlinePaymentsAvailable,
  currency,
  canEdit,
  save,
}: {
  payments: PaymentSettings;
  onlinePaymentsAvailable: boolean;
  currency: string;
  canEdit: boolean;
  save: {
    mutate: (b: Record<string, unknown>) => void;
    isPending: boolean;
    error: unknown;
    saved: string | null;
  };
}) {
  const [mode, setMode] = useState<PaymentMode>(p.mode);
  const [deposit, setDeposit] = useState(depositState(p.deposit, currency));
  const [policy, setPolicy] = useState<PolicyState & { inherit?: boolean }>(
    policyState(p.cancellationPolicy, currency),
  );
  const [f, setF] = useState({
    holdMinutes: String(p.holdMinutes),
    limit: toMajor(p.onlinePaymentLimitMinor, currency),
    taxPercent: String(p.taxRatePpm / 10_000),
  });
  const modes = (Object.keys(MODE_LABEL) as PaymentMode[]).filter(
    (m) => m === 'none' || onlinePaymentsAvailable || m === p.mode,
  );
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate({
      payments: {
        mode,
        deposit: depositBody(deposit, currency),
        cancellationPolicy: policyBody(policy, currency),
        holdMinutes: Number(f.holdMinutes),
        onlinePaymentLimitMinor: toMinor(f.limit, currency) ?? Number.NaN,
        taxRatePpm: Math.round(Number(f.taxPercent) * 10_000),
      },
    });
  }
  const err = save.error;
  return (
    <Section title="Payments">
      {!onlinePaymentsAvailable && (
        <p className="hint" data-testid="payments-offline">
          Online payments are not set up on this server: clients pay at the shop.
        </p>
      )}
      <form className="form" onSubmit={submit}>
        <fieldset disabled={!canEdit || save.isPending} className="bo-fieldset">
          <SelectField
            label="How clients pay"
            value={mode}
            options={modes.map((m) => [m, MODE_LABEL[m]])}
            onChange={(v) => setMode(v as PaymentMode)}
            error={errorFor(err, 'payments.mode')}
          />
          {onlinePaymentsAvailable && (
            <>
              <DepositEditor
                state={deposit}
                onChange={setDeposit}
                error={err}
                field="payments.deposit"
                currency={currency}
              />
              <PolicyEditor
                state={policy}
                onChange={setPolicy}
                error={err}
                prefix="payments.cancellationPolicy"
              />
              <TextField
                label="Hold an unpaid booking for (minutes)"
                type="number"
                inputMode="numeric"
                min={5}
                value={f.holdMinutes}
                onChange={(v) => setF({ ...f, holdMinutes: v })}
                error={errorFor(err, 'payments.holdMinutes')}
              />
              <TextField
                label={`Largest online payment (${currency})`}
                inputMode="decimal"
                value={f.limit}
                onChange={(v) => setF({ ...f, limit: v })}
                error={errorFor(err, 'payments.onlinePaymentLimitMinor')}
              />
            </>
          )}
          <TextField
            label="Tax rate (%)"
            inputMode="decimal"
            value={f.taxPercent}
            onChange={(v) => setF({ ...f, taxPercent: v })}
            error={errorFor(err, 'payments.taxRatePpm')}
          />
        </fieldset>
        <Outcome error={err} saved={save.saved} />
        {canEdit && (
          <button className="btn btn-primary" type="submit" disabled={save.isPending}>
            Save payments
          </button>
        )}
      </form>
    </Section>
  );
}

/** A service's payment overrides as answered (null = the shop's). */
export interface ServicePaymentOverrides {
  mode: PaymentMode | null;
  deposit: DepositRule | null;
  cancellationPolicy: CancellationPolicy | null;
}

/** Overrides on the service form: mode, deposit, policy; each "same as the shop" by default. */
export function ServicePaymentOverridesForm({
  value,
  currency,
  onlinePaymentsAvailable,
  canEdit,
  save,
}: {
  value: ServicePaymentOverrides | undefined;
  currency: string;
  onlinePaymentsAvailable: boolean;
  canEdit: boolean;
  save: {
    mutate: (b: Record<string, unknown>) => void;
    isPending: boolean;
    error: unknown;
    saved: string | null;
  };
}) {
  const [mode, setMode] = useState<string>(value?.mode ?? 'inherit');
  const [deposit, setDeposit] = useState(depositState(value?.deposit ?? null, currency));
  const [policy, setPolicy] = useState<PolicyState & { inherit?: boolean }>({
    ...policyState(value?.cancellationPolicy ?? null, currency),
    inherit: !value?.cancellationPolicy,
  });
  if (!onlinePaymentsAvailable) return null;
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({
          paymentMode: mode === 'inherit' ? null : mode,
          depositRule: depositBody(deposit, currency),
          cancellationPolicy: policy.inherit ? null : policyBody(policy, currency),
        });
      }}
    >
      <fieldset disabled={!canEdit || save.isPending} className="bo-fieldset">
        <legend>Payment overrides</legend>
        <SelectField
          label="How clients pay for this service"
          value={mode}
          options={[
            ['inherit', 'Same as the shop'],
            ...(Object.keys(MODE_LABEL) as PaymentMode[]).map((m) => [m, MODE_LABEL[m]] as [string, string]),
          ]}
          onChange={setMode}
          error={errorFor(save.error, 'paymentMode')}
        />
        <DepositEditor
          state={deposit}
          onChange={setDeposit}
          error={save.error}
          field="depositRule"
          currency={currency}
        />
        <PolicyEditor
          state={policy}
          onChange={setPolicy}
          error={save.error}
          prefix="cancellationPolicy"
          allowInherit
        />
      </fieldset>
      <Outcome error={save.error} saved={save.saved} />
      {canEdit && (
        <button className="btn btn-secondary" type="submit" disabled={save.isPending}>
          Save payment overrides
        </button>
      )}
    </form>
  );
}

/** The overrides of an existing service, saved on their own (PATCH …/services/{id}). */
export function ServicePaymentOverridesSection({
  serviceId,
  value,
  currency,
}: {
  serviceId: string;
  value: ServicePaymentOverrides | undefined;
  currency: string;
}) {
  const { current } = useStaff();
  const loc = current.locationId;
  const qc = useQueryClient();
  const [saved, setSaved] = useState<string | null>(null);
  const settings = useQuery({
    queryKey: boKey(loc, 'settings'),
    queryFn: ({ signal }) =>
      staffFetch<{ paymentOptions?: { onlinePaymentsAvailable: boolean } }>(`/locations/${loc}/settings`, {
        signal,
      }),
  });
  const m = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      staffFetch(`/locations/${loc}/services/${serviceId}`, { method: 'PATCH', body }),
    onMutate: () => setSaved(null),
    onSuccess: () => {
      setSaved('Payment overrides saved.');
      void qc.invalidateQueries({ queryKey: boKey(loc, 'services') });
    },
  });
  return (
    <ServicePaymentOverridesForm
      value={value}
      currency={currency}
      onlinePaymentsAvailable={settings.data?.paymentOptions?.onlinePaymentsAvailable ?? false}
      canEdit={current.role === 'owner' || current.role === 'manager'}
      save={{ mutate: m.mutate, isPending: m.isPending, error: m.error, saved }}
    />
  );
}
