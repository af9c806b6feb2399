/**
 * Reconciling our records with the payment provider (issue 4: "a crash between our write and
 * Stripe's answer is recovered by a job that reconciles, never by charging again" and "a
 * reconciliation job compares [the ledger] with Stripe's records and reports any difference").
 *
 * - {@link recoverUnsettled}: payments whose outcome we never heard. A row still `creating` is
 *   replayed with `createAtProvider` (same idempotency key, same parameters from the rows), so the
 *   provider answers with the object it already made — or makes it now if it never did; any other
 *   unsettled row is re-read. Both are applied exactly as a webhook would, then `afterPaymentApplied`.
 * - {@link recordMissingRefunds}: refunds the provider has that our ledger lacks (a crash after a
 *   refund call, a missed charge.refunded), for recently active succeeded payments.
 * - {@link reconciliationReport}: ledger vs provider, per payment, over a period.
 */
import { and, asc, eq, gte, inArray, isNotNull, like, lt, ne, or } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { appointments, ledgerEntries, payments } from '../db/schema.ts';
import { PaymentProviderError, type PaymentProvider } from '../payments/provider.ts';
import { findPayment, unsettledPayments, type PaymentRecord } from '../repositories/payment.repository.ts';
import type { AppContext } from './context.ts';
import { afterPaymentApplied } from './payment-effects.ts';
import { createAtProvider } from './payment-requests.ts';
import {
  applyPaymentIntent,
  applySetupIntent,
  recordRefund,
  requirePayments,
  type ApplyResult,
} from './payment.service.ts';
import { resumeUnfinishedSettlements } from './settlement.service.ts';

/** How old an unsettled payment must be before the job touches it, ms (a request may still be in flight). */
export const RECONCILE_GRACE_MS = 2 * 60_000;
/** How far back the refund sweep looks at succeeded payments (by their or their appointment's last change), ms. */
export const REFUND_SWEEP_LOOKBACK_MS = 7 * 24 * 3_600_000;

/** What one recovery pass did. */
export interface RecoverySummary {
  /** Unsettled payments looked at. */
  checked: number;
  /** Of those, now in a final state (succeeded, canceled, …) or at least holding the provider's object. */
  updated: number;
  /** Payments whose provider call or read failed (left for the next pass). */
  failed: number;
  /** Refund entries added by the sweep. */
  refundsRecorded: number;
  /** Cancellation/no-show settlement plans with steps left that were carried out again. */
  settlementsResumed: number;
}

/**
 * Settles one payment from the provider: replays its creation when still `creating`, else re-reads
 * its object; applies the state in a transaction and runs the after-commit step.
 * @throws PaymentProviderError when the provider cannot be reached; AppError PAYMENTS_UNAVAILABLE
 *   without a provider, and from the request builder (NO_CARD_ON_FILE, NOT_FOUND).
 */
export async function settlePayment(ctx: AppContext, payment: PaymentRecord): Promise<ApplyResult> {
  const { provider } = requirePayments(ctx);
  let apply: (tx: Parameters<Parameters<typeof ctx.database.db.transaction>[0]>[0]) => Promise<ApplyResult>;
  if (payment.status === 'creating') {
    try {
      const created = await createAtProvider(ctx, payment);
      apply =
        created.kind === 'setup_intent'
          ? (tx) => applySetupIntent(ctx, tx, created.setup)
          : (tx) => applyPaymentIntent(ctx, tx, created.intent);
    } catch (e) {
      // A replayed off-session charge that was declined: the intent it left tells the outcome.
      if (!(e instanceof PaymentProviderError) || !e.paymentIntentId) throw e;
      const intent = await provider.retrievePaymentIntent(e.paymentIntentId);
      apply = (tx) => applyPaymentIntent(ctx, tx, intent);
    }
  } else if (payment.providerId?.startsWith('seti_')) {
    const setup = await provider.retrieveSetupIntent(payment.providerId);
    apply = (tx) => applySetupIntent(ctx, tx, setup);
  } else if (payment.providerId) {
    const intent = await provider.retrievePaymentIntent(payment.providerId);
    apply = (tx) => applyPaymentIntent(ctx, tx, intent);
  } else return { outcome: 'unknown' };
  const result = await ctx.database.db.transaction((tx) => apply(tx));
  await afterPaymentApplied(ctx, result);
  return result;
}

/**
 * Records, once each, the refunds the provider holds for recently active succeeded payments that
 * our ledger lacks.
 * @returns how many entries were added.
 */
export async function recordMissingRefunds(
  ctx: AppContext,
  opts: { lookbackMs?: number; limit?: number } = {},
): Promise<{ added: number; failed: number }> {
  const { provider } = requirePayments(ctx);
  const since = new Date(ctx.now().getTime() - (opts.lookbackMs ?? REFUND_SWEEP_LOOKBACK_MS));
  const rows = await ctx.database.db
    .select({ id: payments.id })
    .from(payments)
    .innerJoin(appointments, eq(appointments.id, payments.appointmentId))
    .where(
      and(
        eq(payments.status, 'succeeded'),
        like(payments.providerId, 'pi_%'),
        or(gte(payments.updatedAt, since), gte(appointments.updatedAt, since)),
      ),
    )
    .orderBy(asc(payments.updatedAt))
    .limit(opts.limit ?? 200);
  let added = 0;
  let failed = 0;
  for (const { id } of rows) {
    const payment = await findPayment(ctx.database.db, id);
    if (!payment?.providerId) continue;
    try {
      const refunds = await provider.listRefunds(payment.providerId);
      await ctx.database.db.transaction(async (tx) => {
        for (const r of refunds) if (await recordRefund(tx, payment, r)) added += 1;
      });
    } catch (e) {
      if (!(e instanceof PaymentProviderError)) throw e;
      failed += 1;
    }
  }
  return { added, failed };
}

/**
 * One recovery pass: settles the unsettled payments older than the grace period, sweeps refunds,
 * then finishes settlement plans left with steps not done (settlement.service.ts). A failure on one payment is counted and the pass goes on.
 */
export async function recoverUnsettled(
  ctx: AppContext,
  opts: { graceMs?: number; log?: (obj: object, msg: string) => void } = {},
): Promise<RecoverySummary> {
  const summary: RecoverySummary = {
    checked: 0,
    updated: 0,
    failed: 0,
    refundsRecorded: 0,
    settlementsResumed: 0,
  };
  if (!ctx.payments) return summary;
  const before = new Date(ctx.now().getTime() - (opts.graceMs ?? RECONCILE_GRACE_MS));
  for (const payment of await unsettledPayments(ctx.database.db, before)) {
    summary.checked += 1;
    try {
      const result = await settlePayment(ctx, payment);
      if (result.outcome !== 'unknown') summary.updated += 1;
    } catch (e) {
      summary.failed += 1;
      opts.log?.({ paymentId: payment.id, err: (e as Error).message }, 'Could not settle a payment');
    }
  }
  const sweep = await recordMissingRefunds(ctx);
  summary.refundsRecorded = sweep.added;
  summary.failed += sweep.failed;
  const resumed = await resumeUnfinishedSettlements(ctx);
  summary.settlementsResumed = resumed.resumed;
  summary.failed += resumed.failed;
  return summary;
}

// ---- the report ---------------------------------------------------------------------------------

/** One difference between the ledger and the provider. */
export interface ReconciliationDifference {
  paymentId: string;
  appointmentId: string;
  /** The provider's payment object (pi_…). */
  providerId: string;
  /** What movement: the charge (charge or fee), a refund, a dispute, a won dispute. */
  kind: 'charge' | 'refund' | 'dispute' | 'dispute_won';
  /** The provider's id of the movement (ch_…, re_…, dp_…) when one side names it. */
  ref: string | null;
  issue: 'missing_in_ledger' | 'missing_at_provider' | 'amount_differs';
  /** Minor units on each side (0 when missing). */
  ledgerMinor: number;
  providerMinor: number;
  currency: string;
}

/** The reconciliation of a period. */
export interface ReconciliationReport {
  /** Inclusive start and exclusive end (payments created in between are compared). */
  from: Date;
  to: Date;
  paymentsChecked: number;
  differences: ReconciliationDifference[];
}

/**
 * Compares, for every payment of ours made in [from, to) that reached the provider (card setups
 * excluded: they move no money), the ledger with the provider's records: the amount received vs
 * the ledger's charge/fee entries, each refund (succeeded or pending) by id, each dispute by id
 * (and `dispute_won` for disputes the provider shows as won).
 * @param organizationId only this organization's payments (all when undefined: the CLI).
 * @throws PaymentProviderError when the provider cannot be read (no partial report).
 */
export async function reconciliationReport(
  db: DbOrTx,
  provider: PaymentProvider,
  q: { from: Date; to: Date; organizationId?: string },
): Promise<ReconciliationReport> {
  const rows = await db
    .select()
    .from(payments)
    .where(
      and(
        gte(payments.createdAt, q.from),
        lt(payments.createdAt, q.to),
        isNotNull(payments.providerId),
        like(payments.providerId, 'pi_%'),
        ne(payments.purpose, 'card_setup'),
        q.organizationId ? eq(payments.organizationId, q.organizationId) : undefined,
      ),
    )
    .orderBy(asc(payments.createdAt), asc(payments.id));
  const ledger = rows.length
    ? await db
        .select()
        .from(ledgerEntries)
        .where(
          inArray(
            ledgerEntries.paymentId,
            rows.map((r) => r.id),
          ),
        )
    : [];
  const differences: ReconciliationDifference[] = [];
  for (const p of rows) {
    const providerId = p.providerId!;
    const mine = ledger.filter((e) => e.paymentId === p.id);
    const diff = (
      kind: ReconciliationDifference['kind'],
      ref: string | null,
      ledgerMinor: number,
      providerMinor: number,
    ) => {
      if (ledgerMinor === providerMinor) return;
      differences.push({
        paymentId: p.id,
        appointmentId: p.appointmentId,
        providerId,
        kind,
        ref,
        issue:
          ledgerMinor === 0
            ? 'missing_in_ledger'
            : providerMinor === 0
              ? 'missing_at_provider'
              : 'amount_differs',
        ledgerMinor,
        providerMinor,
        currency: p.currency,
      });
    };
    const intent = await provider.retrievePaymentIntent(providerId);
    const charges = mine.filter((e) => e.kind === 'charge' || e.kind === 'fee');
    diff(
      'charge',
      intent.latestChargeId ?? charges[0]?.providerRef ?? null,
      charges.reduce((s, e) => s + e.amountMinor, 0),
      intent.status === 'succeeded' ? intent.amountReceivedMinor : 0,
    );
    const perRef = (kind: 'refund' | 'dispute' | 'dispute_won', theirs: Map<string, number>) => {
      const ours = new Map<string, number>();
      for (const e of mine.filter((x) => x.kind === kind))
        ours.set(e.providerRef, (ours.get(e.providerRef) ?? 0) + e.amountMinor);
      for (const ref of new Set([...ours.keys(), ...theirs.keys()]))
        diff(kind, ref, ours.get(ref) ?? 0, theirs.get(ref) ?? 0);
    };
    const refunds = intent.status === 'succeeded' ? await provider.listRefunds(providerId) : [];
    perRef(
      'refund',
      new Map(
        refunds
          .filter((r) => r.status !== 'failed' && r.status !== 'canceled')
          .map((r) => [r.id, r.amountMinor]),
      ),
    );
    if (provider.listDisputes) {
      const disputes = intent.status === 'succeeded' ? await provider.listDisputes(providerId) : [];
      perRef('dispute', new Map(disputes.map((d) => [d.id, d.amountMinor])));
      perRef(
        'dispute_won',
        new Map(disputes.filter((d) => d.status === 'won').map((d) => [d.id, d.amountMinor])),
      );
    }
  }
  return { from: q.from, to: q.to, paymentsChecked: rows.length, differences };
}

/** The report as a fixed-width text table (the CLI prints it). */
export function formatReconciliation(r: ReconciliationReport): string {
  const head = `Payments ${r.from.toISOString()} – ${r.to.toISOString()}: ${r.paymentsChecked} checked, ${r.differences.length} difference(s).\n`;
  if (r.differences.length === 0) return head;
  const cols = ['payment', 'provider id', 'kind', 'ref', 'issue', 'ledger', 'provider', 'currency'];
  const rows = r.differences.map((d) => [
    d.paymentId,
    d.providerId,
    d.kind,
    d.ref ?? '-',
    d.issue,
    String(d.ledgerMinor),
    String(d.providerMinor),
    d.currency.toUpperCase(),
  ]);
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return (
    [head.trimEnd(), line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n'
  );
}
