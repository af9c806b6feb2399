/**
 * The payment step after booking (issue 4, "Booking with payment"): the amount due, the hold
 * countdown and the card form — Stripe's Payment Element with a publishable key, or, with the
 * built-in test provider, a plain card-number form that pays through the test-mode endpoints.
 */
import { useEffect, useId, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { loadStripe } from '@stripe/stripe-js';
import { Elements, PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
import { isApiError, tokenFromManageUrl, type AppointmentStatus } from '../../lib/api.ts';
import { formatMoney } from '../../lib/format.ts';
import { paymentApi, type BookedAppointment, type BookingPayment } from './payment-api.ts';

/** "Deposit $35.00 due now" for a service or a booking. */
export function dueNowLabel(
  purpose: 'deposit' | 'prepayment' | 'card_on_file' | 'card_setup',
  amount: string,
) {
  if (purpose === 'deposit') return `Deposit ${amount} due now`;
  if (purpose === 'prepayment') return `${amount} due now`;
  return 'Card on file required';
}

function useCountdown(until: string | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!until) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [until]);
  return until ? Math.max(0, Date.parse(until) - now) : null;
}

const mmss = (ms: number) => {
  const s = Math.ceil(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

export function PaymentStep({
  heading,
  appointment,
  payment,
  onPaid,
}: {
  heading: ReactNode;
  appointment: BookedAppointment;
  payment: BookingPayment;
  onPaid: (status: AppointmentStatus) => void;
}) {
  const left = useCountdown(payment.holdExpiresAt);
  const amount = formatMoney(payment.amountMinor, payment.currency);
  const expired = left === 0;
  return (
    <section data-testid="payment-step">
      {heading}
      <p className="strong" data-testid="amount-due">
        {payment.purpose === 'card_setup'
          ? 'Save a card to confirm your booking. Nothing is charged now.'
          : `${dueNowLabel(payment.purpose, amount)} to confirm your booking.`}
      </p>
      {left !== null && (
        <p className="muted" aria-live={expired ? 'assertive' : 'off'}>
          {expired
            ? 'Your hold has expired and the time may have been released. Nothing was charged.'
            : `We hold this time for you for ${mmss(left)}.`}
        </p>
      )}
      {payment.testMode && payment.providerId && payment.clientSecret ? (
        <TestCardForm payment={payment} onPaid={onPaid} />
      ) : payment.publishableKey && payment.clientSecret ? (
        <StripeForm appointment={appointment} payment={payment} onPaid={onPaid} />
      ) : (
        <p className="alert" role="alert">
          Online payment is not available right now. Please call the shop at {appointment.location.phone}.
        </p>
      )}
    </section>
  );
}

const DECLINED: Record<string, string> = {
  generic_decline: 'Your card was declined. Try another card.',
  card_declined: 'Your card was declined. Try another card.',
  insufficient_funds: 'Your card has insufficient funds. Try another card.',
};

function TestCardForm({
  payment,
  onPaid,
}: {
  payment: BookingPayment;
  onPaid: (s: AppointmentStatus) => void;
}) {
  const id = useId();
  const [card, setCard] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [needsAuth, setNeedsAuth] = useState(false);
  const providerId = payment.providerId!;
  const clientSecret = payment.clientSecret!;

  const handle = async (
    call: () => Promise<{ status: string; failureCode: string | null; appointmentStatus: AppointmentStatus }>,
  ) => {
    setBusy(true);
    setError(null);
    try {
      const r = await call();
      if (r.status === 'succeeded') onPaid(r.appointmentStatus);
      else if (r.status === 'requires_action') setNeedsAuth(true);
      else {
        setNeedsAuth(false);
        setError(DECLINED[r.failureCode ?? ''] ?? 'The payment did not go through. Try another card.');
      }
    } catch (e) {
      setError(isApiError(e) ? (e.errors?.[0]?.message ?? e.detail) : 'Something went wrong. Try again.');
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void handle(() => paymentApi.testConfirm(providerId, { clientSecret, cardNumber: card }));
  };

  if (needsAuth)
    return (
      <div data-testid="authenticate-step">
        <p>Your bank asks you to confirm this payment (3-D Secure).</p>
        <button
          type="button"
          className="btn btn-primary btn-block"
          disabled={busy}
          onClick={() => void handle(() => paymentApi.testAuthenticate(providerId, { clientSecret }))}
        >
          Authenticate
        </button>
      </div>
    );

  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={`${id}-card`}>Card number</label>
        <input
          id={`${id}-card`}
          name="cardnumber"
          inputMode="numeric"
          autoComplete="cc-number"
          required
          maxLength={23}
          value={card}
          onChange={(e) => setCard(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={[`${id}-hint`, error ? `${id}-error` : null].filter(Boolean).join(' ')}
        />
        {error && (
          <p id={`${id}-error`} className="field-error" role="alert">
            {error}
          </p>
        )}
        <p id={`${id}-hint`} className="hint">
          Test mode, no real money: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined, 4000 0027
          6000 3184 asks for 3-D Secure.
        </p>
      </div>
      <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
        {busy ? 'Paying…' : payment.purpose === 'card_setup' ? 'Save card' : 'Pay'}
      </button>
    </form>
  );
}

function StripeForm({
  appointment,
  payment,
  onPaid,
}: {
  appointment: BookedAppointment;
  payment: BookingPayment;
  onPaid: (s: AppointmentStatus) => void;
}) {
  const stripePromise = useMemo(() => loadStripe(payment.publishableKey!), [payment.publishableKey]);
  return (
    <Elements stripe={stripePromise} options={{ clientSecret: payment.clientSecret! }}>
      <StripeFormInner appointment={appointment} payment={payment} onPaid={onPaid} />
    </Elements>
  );
}

function StripeFormInner({
  appointment,
  payment,
  onPaid,
}: {
  appointment: BookedAppointment;
  payment: BookingPayment;
  onPaid: (s: AppointmentStatus) => void;
}) {
  const stripe = useStripe();
  const elements = useElements();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!stripe || !elements) return;
    setBusy(true);
    setError(null);
    const returnUrl = window.location.href;
    const result =
      payment.purpose === 'card_setup'
        ? await stripe.confirmSetup({
            elements,
            redirect: 'if_required',
            confirmParams: { return_url: returnUrl },
          })
        : await stripe.confirmPayment({
            elements,
            redirect: 'if_required',
            confirmParams: { return_url: returnUrl },
          });
    if (result.error) {
      setError(result.error.message ?? 'The payment did not go through. Try another card.');
      setBusy(false);
      return;
    }
    try {
      // The webhook may be late: ask the server to read the payment now.
      const r = await paymentApi.refresh(tokenFromManageUrl(appointment.manageUrl));
      onPaid(r.appointmentStatus);
    } catch {
      onPaid('pending');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      <PaymentElement />
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="btn btn-primary btn-block" disabled={!stripe || busy}>
        {busy ? 'Paying…' : payment.purpose === 'card_setup' ? 'Save card' : 'Pay'}
      </button>
    </form>
  );
}
