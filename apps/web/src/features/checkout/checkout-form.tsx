// The checkout at the desk (issue 4, "Checkout"): the booked lines (prices editable by owners and
// managers), a tip (15/20/25 % of the pre-tax amount or a custom amount), a discount, tax at the
// location's rate, the deposit already paid, the total due, and the method: cash, the card on file
// (when the client has one) or a card (with Stripe, the card is typed into Stripe's Payment
// Element; in test mode, a test card number). The totals are computed with core's checkoutTotals, exactly as
// the server does; the server refuses a total that differs (PAYMENT_AMOUNT_MISMATCH).

import { checkoutTotals, CheckoutError } from '@bookedbarber/core';
import { loadStripe } from '@stripe/stripe-js';
import { Elements, PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { isApiError, newIdempotencyKey } from '../../lib/api.ts';
import { formatMoney } from '../../lib/format.ts';
import { fieldErrorsOf, messageOf } from '../staff/form-bits.tsx';
import {
  closeCheckout,
  getCheckout,
  refreshCard,
  testConfirmCard,
  type Checkout,
  type CloseCheckoutBody,
} from './checkout-api.ts';

/** Minor units per major unit of a currency (100 for USD, 1 for JPY). */
function minorPerMajor(currency: string): number {
  const digits = new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits;
  return 10 ** (digits ?? 2);
}

/** "35.5" → 3550 minor units; null for anything that is not a non-negative amount. */
export function parseMoney(text: string, currency: string): number | null {
  const t = text.trim().replace(/^\$/, '');
  if (t === '') return 0;
  if (!/^\d+(\.\d{0,3})?$/.test(t)) return null;
  const minor = Math.round(Number(t) * minorPerMajor(currency));
  return Number.isSafeInteger(minor) ? minor : null;
}

/** Minor units → "35.00" for an input. */
function toInput(minor: number, currency: string): string {
  const per = minorPerMajor(currency);
  return per === 1 ? String(minor) : (minor / per).toFixed(Math.log10(per));
}

type TipChoice = { kind: 'percent'; percent: number } | { kind: 'custom' };
type Method = 'cash' | 'card' | 'card_on_file';

/** Props of {@link CheckoutForm}. */
export interface CheckoutFormProps {
  locationId: string;
  appointmentId: string;
  clientName: string;
  barberName: string;
  /** Leave the checkout (back to the appointment). */
  onBack: () => void;
  /** After the checkout is paid. */
  onPaid: (message: string) => void;
}

/** The checkout form, then the card step or the receipt confirmation. */
export function CheckoutForm(p: CheckoutFormProps) {
  const [checkout, setCheckout] = useState<Checkout | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    getCheckout(p.locationId, p.appointmentId, ctl.signal)
      .then(setCheckout)
      .catch((e: unknown) => {
        if (!ctl.signal.aborted) setLoadError(messageOf(e));
      });
    return () => ctl.abort();
  }, [p.locationId, p.appointmentId]);

  if (loadError)
    return (
      <div className="alert" role="alert">
        {loadError}
      </div>
    );
  if (!checkout) return <p aria-busy="true">Loading the checkout…</p>;
  if (checkout.status === 'paid') return <Receipt checkout={checkout} {...p} />;
  if (checkout.status === 'awaiting_payment' && checkout.method === 'card')
    return <CardStep checkout={checkout} onChange={setCheckout} {...p} />;
  return <Ticket checkout={checkout} onChange={setCheckout} {...p} />;
}

function Ticket(p: CheckoutFormProps & { checkout: Checkout; onChange: (c: Checkout) => void }) {
  const c = p.checkout;
  const cur = c.currency;
  const m = (v: number) => formatMoney(v, cur);
  const [prices, setPrices] = useState(c.lines.map((l) => toInput(l.priceMinor, cur)));
  const [tip, setTip] = useState<TipChoice>({ kind: 'percent', percent: 0 });
  const [customTip, setCustomTip] = useState('');
  const [discount, setDiscount] = useState(
    c.totals.discountMinor ? toInput(c.totals.discountMinor, cur) : '',
  );
  const [method, setMethod] = useState<Method>(
    c.cardOnFile && c.cardPaymentsAvailable ? 'card_on_file' : 'cash',
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  // One Idempotency-Key per distinct request: a retry of the same one (a lost answer) reuses it.
  const attempt = useRef<{ body: string; key: string } | null>(null);

  const parsed = useMemo(() => {
    const errs: Record<string, string> = {};
    const lines = prices.map((t, i) => {
      const v = parseMoney(t, cur);
      if (v === null) errs[`lines.${i}.priceMinor`] = 'Enter an amount like 35.00';
      return v ?? 0;
    });
    const discountMinor = parseMoney(discount, cur);
    if (discountMinor === null) errs.discountMinor = 'Enter an amount like 5.00';
    const tipMinor = tip.kind === 'custom' ? parseMoney(customTip, cur) : 0;
    if (tipMinor === null) errs.tip = 'Enter an amount like 5.00';
    let totals = null;
    if (Object.keys(errs).length === 0) {
      const subtotal = lines.reduce((s, v) => s + v, 0);
      if ((discountMinor ?? 0) > subtotal) errs.discountMinor = 'More than the subtotal';
      else
        try {
          totals = checkoutTotals({
            linesMinor: lines,
            discount: { kind: 'fixed', amountMinor: discountMinor ?? 0 },
            taxRatePpm: c.taxRatePpm,
            tip:
              tip.kind === 'percent'
                ? { kind: 'percent', percent: tip.percent }
                : { kind: 'amount', amountMinor: tipMinor ?? 0 },
            depositPaidMinor: c.depositPaidMinor,
          });
        } catch (e) {
          if (e instanceof CheckoutError) errs.tip = e.message;
          else throw e;
        }
    }
    return { lines, discountMinor: discountMinor ?? 0, tipMinor: tipMinor ?? 0, totals, errs };
  }, [prices, discount, tip, customTip, cur, c.taxRatePpm, c.depositPaidMinor]);

  const taxable = parsed.totals ? parsed.totals.subtotalMinor - parsed.totals.discountMinor : 0;
  const suggested = [15, 20, 25].map((percent) => ({
    percent,
    amountMinor: Math.floor((taxable * percent + 50) / 100),
  }));
  const shown = { ...parsed.errs, ...fields };

  async function pay(e: FormEvent) {
    e.preventDefault();
    if (!parsed.totals) return;
    const body: CloseCheckoutBody = {
      ...(c.canAdjustPrices
        ? { lines: c.lines.map((l, i) => ({ name: l.name, priceMinor: parsed.lines[i]! })) }
        : {}),
      tip: tip.kind === 'percent' ? { percent: tip.percent } : { amountMinor: parsed.tipMinor },
      discountMinor: c.canAdjustPrices ? parsed.discountMinor : 0,
      method,
      expectedTotalMinor: parsed.totals.dueMinor,
    };
    const text = JSON.stringify(body);
    if (attempt.current?.body !== text) attempt.current = { body: text, key: newIdempotencyKey() };
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const done = await closeCheckout(p.locationId, p.appointmentId, body, attempt.current.key);
      if (done.status === 'paid')
        p.onPaid(`Paid: ${m(done.totals.dueMinor)}. A receipt is on its way to ${p.clientName}.`);
      p.onChange(done);
    } catch (err) {
      if (isApiError(err) && err.code === 'PAYMENT_DECLINED')
        setError(`${messageOf(err)} The checkout is still open: choose another way to pay.`);
      else if (isApiError(err) && err.code === 'PAYMENT_AMOUNT_MISMATCH') {
        setError(`${messageOf(err)} The figures were reloaded.`);
        p.onChange(await getCheckout(p.locationId, p.appointmentId));
      } else {
        setFields(fieldErrorsOf(err));
        setError(messageOf(err));
      }
    } finally {
      setBusy(false);
    }
  }

  const t = parsed.totals;
  return (
    <form className="form checkout" onSubmit={pay} noValidate aria-label="Checkout">
      <fieldset>
        <legend>Services</legend>
        {c.lines.map((l, i) => (
          <div className="field" key={l.name + i}>
            <label htmlFor={`co-line-${i}`}>{l.name}</label>
            {c.canAdjustPrices ? (
              <input
                id={`co-line-${i}`}
                inputMode="decimal"
                value={prices[i]}
                onChange={(e) => setPrices(prices.map((v, j) => (j === i ? e.target.value : v)))}
                aria-invalid={shown[`lines.${i}.priceMinor`] ? true : undefined}
                aria-describedby={shown[`lines.${i}.priceMinor`] ? `co-line-${i}-err` : undefined}
              />
            ) : (
              <output id={`co-line-${i}`}>{m(l.priceMinor)}</output>
            )}
            {shown[`lines.${i}.priceMinor`] && (
              <p className="field-error" id={`co-line-${i}-err`}>
                {shown[`lines.${i}.priceMinor`]}
              </p>
            )}
          </div>
        ))}
        {shown.lines && <p className="field-error">{shown.lines}</p>}
      </fieldset>

      <fieldset>
        <legend>Tip for {p.barberName}</legend>
        <div className="alternatives" role="group" aria-label="Tip">
          {[{ percent: 0, amountMinor: 0 }, ...suggested].map((s) => {
            const on = tip.kind === 'percent' && tip.percent === s.percent;
            return (
              <button
                key={s.percent}
                type="button"
                className={on ? 'chip chip-on' : 'chip'}
                aria-pressed={on}
                onClick={() => setTip({ kind: 'percent', percent: s.percent })}
              >
                {s.percent === 0 ? 'No tip' : `${s.percent}% · ${m(s.amountMinor)}`}
              </button>
            );
          })}
          <button
            type="button"
            className={tip.kind === 'custom' ? 'chip chip-on' : 'chip'}
            aria-pressed={tip.kind === 'custom'}
            onClick={() => setTip({ kind: 'custom' })}
          >
            Custom
          </button>
        </div>
        {tip.kind === 'custom' && (
          <div className="field">
            <label htmlFor="co-tip">Tip amount</label>
            <input
              id="co-tip"
              inputMode="decimal"
              value={customTip}
              onChange={(e) => setCustomTip(e.target.value)}
              aria-invalid={shown.tip ? true : undefined}
              aria-describedby={shown.tip ? 'co-tip-err' : undefined}
            />
          </div>
        )}
        {shown.tip && (
          <p className="field-error" id="co-tip-err">
            {shown.tip}
          </p>
        )}
      </fieldset>

      {c.canAdjustPrices && (
        <div className="field">
          <label htmlFor="co-discount">Discount</label>
          <input
            id="co-discount"
            inputMode="decimal"
            placeholder="0.00"
            value={discount}
            onChange={(e) => setDiscount(e.target.value)}
            aria-invalid={shown.discountMinor ? true : undefined}
            aria-describedby={shown.discountMinor ? 'co-discount-err' : undefined}
          />
          {shown.discountMinor && (
            <p className="field-error" id="co-discount-err">
              {shown.discountMinor}
            </p>
          )}
        </div>
      )}

      {t && (
        <dl className="cal-details" data-testid="checkout-totals">
          <dt>Subtotal</dt>
          <dd>{m(t.subtotalMinor)}</dd>
          {t.discountMinor > 0 && (
            <>
              <dt>Discount</dt>
              <dd>−{m(t.discountMinor)}</dd>
            </>
          )}
          <dt>Tax ({(c.taxRatePpm / 10_000).toLocaleString('en-US', { maximumFractionDigits: 4 })}%)</dt>
          <dd>{m(t.taxMinor)}</dd>
          <dt>Tip</dt>
          <dd data-testid="checkout-tip">{m(t.tipMinor)}</dd>
          {t.depositAppliedMinor > 0 && (
            <>
              <dt>Deposit already paid</dt>
              <dd>−{m(t.depositAppliedMinor)}</dd>
            </>
          )}
          <dt>
            <strong>Total due</strong>
          </dt>
          <dd data-testid="checkout-due">
            <strong>{m(t.dueMinor)}</strong>
          </dd>
        </dl>
      )}

      {t && t.dueMinor > 0 && (
        <fieldset>
          <legend>Payment</legend>
          <label className="cal-check">
            <input
              type="radio"
              name="co-method"
              checked={method === 'cash'}
              onChange={() => setMethod('cash')}
            />{' '}
            Cash
          </label>
          {c.cardOnFile && c.cardPaymentsAvailable && (
            <label className="cal-check">
              <input
                type="radio"
                name="co-method"
                checked={method === 'card_on_file'}
                onChange={() => setMethod('card_on_file')}
              />{' '}
              Card on file
            </label>
          )}
          {c.cardPaymentsAvailable && (
            <label className="cal-check">
              <input
                type="radio"
                name="co-method"
                checked={method === 'card'}
                onChange={() => setMethod('card')}
              />{' '}
              Card
            </label>
          )}
        </fieldset>
      )}

      {error && (
        <div className="alert" role="alert">
          {error}
        </div>
      )}
      <div className="cal-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !t}>
          {t && t.dueMinor === 0 ? 'Close checkout' : `Pay ${t ? m(t.dueMinor) : ''}`}
        </button>
        <button type="button" className="btn btn-secondary" onClick={p.onBack}>
          Back
        </button>
      </div>
    </form>
  );
}

type CardStepProps = CheckoutFormProps & { checkout: Checkout; onChange: (c: Checkout) => void };

function CardStep(p: CardStepProps) {
  const { publishableKey, clientSecret } = p.checkout.card ?? {};
  if (publishableKey && clientSecret)
    return <StripeCardStep {...p} publishableKey={publishableKey} clientSecret={clientSecret} />;
  return <TestOrTerminalCardStep {...p} />;
}

/** With Stripe: the card goes into Stripe's Payment Element, then the server reads the payment. */
function StripeCardStep(p: CardStepProps & { publishableKey: string; clientSecret: string }) {
  const stripePromise = useMemo(() => loadStripe(p.publishableKey), [p.publishableKey]);
  return (
    <Elements stripe={stripePromise} options={{ clientSecret: p.clientSecret }}>
      <StripeCardForm {...p} />
    </Elements>
  );
}

function StripeCardForm(p: CardStepProps) {
  const c = p.checkout;
  const stripe = useStripe();
  const elements = useElements();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const m = (v: number) => formatMoney(v, c.currency);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!stripe || !elements) return;
    setBusy(true);
    setError(null);
    try {
      const result = await stripe.confirmPayment({
        elements,
        redirect: 'if_required',
        confirmParams: { return_url: window.location.href },
      });
      if (result.error) {
        setError(result.error.message ?? 'The card was not charged. Try another card.');
        return;
      }
      // The webhook may be late: the server reads the payment now.
      const done = await refreshCard(p.locationId, p.appointmentId);
      if (done.status === 'paid') p.onPaid(`Paid by card: ${m(done.totals.dueMinor)}.`);
      p.onChange(done);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={(e) => void submit(e)} aria-label="Card payment">
      <p>
        Card payment of <strong>{m(c.totals.dueMinor)}</strong> (tip {m(c.totals.tipMinor)} included).
      </p>
      <PaymentElement />
      {error && (
        <div className="alert" role="alert">
          {error}
        </div>
      )}
      <div className="cal-actions">
        <button type="submit" className="btn btn-primary" disabled={!stripe || busy}>
          {busy ? 'Paying…' : `Pay ${m(c.totals.dueMinor)}`}
        </button>
        <button type="button" className="btn btn-secondary" onClick={p.onBack}>
          Back
        </button>
      </div>
    </form>
  );
}

function TestOrTerminalCardStep(p: CardStepProps) {
  const c = p.checkout;
  const [number, setNumber] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const m = (v: number) => formatMoney(v, c.currency);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFieldError(null);
    try {
      const done = c.card?.testMode
        ? await testConfirmCard(p.locationId, p.appointmentId, number)
        : await refreshCard(p.locationId, p.appointmentId);
      if (done.status === 'paid') p.onPaid(`Paid by card: ${m(done.totals.dueMinor)}.`);
      p.onChange(done);
    } catch (err) {
      const f = fieldErrorsOf(err);
      if (f.cardNumber) setFieldError(f.cardNumber);
      else setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} aria-label="Card payment">
      <p>
        Card payment of <strong>{m(c.totals.dueMinor)}</strong> (tip {m(c.totals.tipMinor)} included).
      </p>
      {c.card?.testMode ? (
        <div className="field">
          <label htmlFor="co-card">Card number (test mode)</label>
          <input
            id="co-card"
            inputMode="numeric"
            autoComplete="off"
            required
            value={number}
            onChange={(e) => setNumber(e.target.value)}
            aria-invalid={fieldError ? true : undefined}
            aria-describedby="co-card-hint"
          />
          <p className="hint" id="co-card-hint">
            4242 4242 4242 4242 pays; 4000 0000 0000 0002 is declined.
          </p>
          {fieldError && <p className="field-error">{fieldError}</p>}
        </div>
      ) : (
        <p className="hint">Take the card on the terminal, then check the payment.</p>
      )}
      {error && (
        <div className="alert" role="alert">
          {error}
        </div>
      )}
      <div className="cal-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {c.card?.testMode ? `Pay ${m(c.totals.dueMinor)}` : 'Check the payment'}
        </button>
        <button type="button" className="btn btn-secondary" onClick={p.onBack}>
          Back
        </button>
      </div>
    </form>
  );
}

function Receipt(p: CheckoutFormProps & { checkout: Checkout }) {
  const c = p.checkout;
  const m = (v: number) => formatMoney(v, c.currency);
  const how = { cash: 'in cash', card: 'by card', card_on_file: 'with the card on file', none: '' }[
    c.method ?? 'none'
  ];
  return (
    <div role="status" data-testid="checkout-receipt">
      <h3>Paid {how}</h3>
      <dl className="cal-details">
        <dt>Total</dt>
        <dd>{m(c.totals.totalMinor)}</dd>
        <dt>Tip for {p.barberName}</dt>
        <dd>{m(c.totals.tipMinor)}</dd>
        <dt>Paid now</dt>
        <dd>{m(c.totals.dueMinor)}</dd>
      </dl>
      <p>Receipt sent to {p.clientName} (when they have an email address).</p>
      <div className="cal-actions">
        <button type="button" className="btn btn-secondary" onClick={p.onBack}>
          Done
        </button>
      </div>
    </div>
  );
}
