// The manage page, /manage/:token — the link from the confirmation: see the appointment, add it to
// a calendar, reschedule or cancel it while the change window allows.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type RefObject } from 'react';
import { Link, useParams } from 'react-router';
import {
  api,
  calendarHref,
  isApiError,
  type ApiError,
  type Appointment,
  type AppointmentStatus,
  type Slot,
} from '../../lib/api.ts';
import { formatMoney, formatShortDateTime, telHref } from '../../lib/format.ts';
import { AppointmentDetails } from '../../components/appointment-details.tsx';
import { Loading, MessagePage } from '../../components/message-page.tsx';
import { useDocumentTitle } from '../../components/use-document-title.ts';
import { useFocusOnChange } from '../../components/use-focus-on-change.ts';
import { Alternatives } from '../booking/alternatives.tsx';
import { useShopLocation } from '../booking/queries.ts';
import { SlotPicker, useDayRange } from '../booking/slot-picker.tsx';
import { SummaryBar } from '../booking/summary-bar.tsx';
import { manageKeys, useManageAvailability, useManagedAppointment } from './queries.ts';
import { QuoteNotice, useChangeQuote, useQuoteChangedHandler } from './change-quote.tsx';

const STATUS_LABEL: Record<AppointmentStatus, string> = {
  pending: 'Waiting for deposit',
  confirmed: 'Confirmed',
  checked_in: 'Checked in',
  completed: 'Completed',
  cancelled: 'Cancelled',
  no_show: 'Missed',
};

export function ManagePage() {
  const { token = '' } = useParams();
  const q = useManagedAppointment(token);

  if (q.isPending) return <Loading label="Loading your appointment…" />;
  if (q.isError) {
    const e = q.error;
    if (isApiError(e) && e.status === 404) {
      return (
        <MessagePage title="This link is not valid">
          <p>
            It may have been mistyped or copied only in part. Use the link from your confirmation, or call the
            shop.
          </p>
        </MessagePage>
      );
    }
    return (
      <MessagePage title="Your appointment could not load">
        <p role="alert">{isApiError(e) ? e.detail : 'Something went wrong.'}</p>
        <button type="button" className="btn btn-secondary" onClick={() => void q.refetch()}>
          Try again
        </button>
      </MessagePage>
    );
  }
  return <ManageView key={token} token={token} appointment={q.data} />;
}

type Mode = 'view' | 'cancel' | 'reschedule';

function ManageView({ token, appointment: a }: { token: string; appointment: Appointment }) {
  useDocumentTitle(`Your appointment · ${a.location.name}`);
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<Mode>('view');
  const [message, setMessage] = useState<string | null>(null);
  const headingRef = useFocusOnChange<HTMLHeadingElement>(mode === 'view' ? `view:${message ?? ''}` : mode);

  const tz = a.timezone;
  const when = formatShortDateTime(a.start, tz);
  const active = a.status === 'pending' || a.status === 'confirmed';
  const cancelled = a.status === 'cancelled';

  const update = (next: Appointment) => queryClient.setQueryData(manageKeys.appointment(token), next);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: manageKeys.appointment(token) });

  const cancelQuote = useChangeQuote(token, 'cancel', mode === 'cancel');
  const onQuoteChanged = useQuoteChangedHandler(token, 'cancel');
  const cancel = useMutation<Appointment, ApiError>({
    mutationFn: () =>
      api.cancel(
        token,
        cancelQuote.data
          ? { refundMinor: cancelQuote.data.refundMinor, feeMinor: cancelQuote.data.feeMinor }
          : undefined,
      ),
    onSuccess: (next) => {
      const q = cancelQuote.data;
      update(next);
      setMode('view');
      setMessage(
        q && q.refundMinor > 0
          ? `Your appointment is cancelled. ${formatMoney(q.refundMinor, q.currency)} is on its way back to your card.`
          : 'Your appointment is cancelled.',
      );
    },
    onError: (e) => {
      if (onQuoteChanged(e)) return;
      if (e.code === 'CHANGE_WINDOW_PASSED' || e.code === 'INVALID_STATE') refresh();
    },
  });

  const startReschedule = () => {
    cancel.reset();
    setMessage(null);
    setMode('reschedule');
  };

  return (
    <>
      <header className="shop-header">
        <div className="page">
          <p className="shop-name">{a.location.name}</p>
          <p className="shop-meta">
            <a href={telHref(a.location.phone)}>{a.location.phone}</a>
          </p>
        </div>
      </header>
      <main className="page manage" data-testid="manage" data-status={a.status}>
        <div className="status-msg" role="status" data-testid="manage-status">
          {message}
        </div>

        {mode === 'reschedule' ? (
          <Reschedule
            token={token}
            appointment={a}
            headingRef={headingRef}
            onDone={(next) => {
              update(next);
              setMode('view');
              setMessage(`Rescheduled to ${formatShortDateTime(next.start, next.timezone)}.`);
            }}
            onCancel={() => setMode('view')}
            onWindowPassed={refresh}
          />
        ) : mode === 'cancel' ? (
          <section className="confirm-panel">
            <h1 ref={headingRef} tabIndex={-1} className="step-title">
              Cancel your appointment on {when}?
            </h1>
            <p>
              {a.services.map((s) => s.name).join(' + ')} with {a.barber.name} at {a.location.name}.
            </p>
            <QuoteNotice
              quote={cancelQuote.data}
              isLoading={cancelQuote.isPending}
              changed={cancel.error?.code === 'QUOTE_CHANGED'}
            />
            {cancel.error && cancel.error.code !== 'QUOTE_CHANGED' && (
              <div className="alert" role="alert">
                <p>{cancel.error.detail}</p>
              </div>
            )}
            <div className="actions">
              <button
                type="button"
                className="btn btn-danger btn-block"
                disabled={cancel.isPending || !a.canChange || cancelQuote.isPending}
                aria-busy={cancel.isPending}
                onClick={() => cancel.mutate()}
              >
                Yes, cancel
              </button>
              <button
                type="button"
                className="btn btn-secondary btn-block"
                onClick={() => {
                  cancel.reset();
                  setMode('view');
                }}
              >
                Keep it
              </button>
            </div>
          </section>
        ) : (
          <section>
            <h1 ref={headingRef} tabIndex={-1} className="step-title">
              Your appointment
            </h1>
            <p className={`status-pill status-${a.status}`}>{STATUS_LABEL[a.status] ?? a.status}</p>

            {cancelled && (
              <div className="notice" data-testid="cancelled-notice">
                <p className="strong">This appointment is cancelled.</p>
                <p>
                  <Link className="btn btn-primary" to={`/${encodeURIComponent(a.location.slug)}`}>
                    Book again
                  </Link>
                </p>
              </div>
            )}

            <AppointmentDetails appointment={a} />

            {a.notes && (
              <p className="notes">
                <span className="muted">Your note: </span>
                {a.notes}
              </p>
            )}

            {!cancelled && (
              <p>
                <a className="btn btn-secondary btn-block" href={calendarHref(token)}>
                  Add to calendar
                </a>
              </p>
            )}

            {active && a.canChange && (
              <>
                <div className="actions">
                  <button type="button" className="btn btn-primary btn-block" onClick={startReschedule}>
                    Reschedule
                  </button>
                  <button
                    type="button"
                    className="btn btn-danger-outline btn-block"
                    onClick={() => {
                      setMessage(null);
                      setMode('cancel');
                    }}
                  >
                    Cancel appointment
                  </button>
                </div>
                <p className="muted small">
                  You can change or cancel online until {formatShortDateTime(a.changeDeadline, tz)}.
                </p>
              </>
            )}

            {active && !a.canChange && (
              <div className="notice" data-testid="change-closed">
                <p>
                  Changes are no longer possible online — please call the shop at{' '}
                  <a href={telHref(a.location.phone)}>{a.location.phone}</a>.
                </p>
              </div>
            )}

            {!cancelled && (
              <p className="muted small">
                <Link to={`/${encodeURIComponent(a.location.slug)}`}>Book another appointment</Link>
              </p>
            )}
          </section>
        )}
      </main>
    </>
  );
}

function Reschedule({
  token,
  appointment: a,
  headingRef,
  onDone,
  onCancel,
  onWindowPassed,
}: {
  token: string;
  appointment: Appointment;
  headingRef: RefObject<HTMLHeadingElement | null>;
  onDone: (next: Appointment) => void;
  onCancel: () => void;
  onWindowPassed: () => void;
}) {
  const tz = a.timezone;
  const queryClient = useQueryClient();
  // The shop's horizon, when the location answers; otherwise 90 days.
  const locationQ = useShopLocation(a.location.slug);
  const range = useDayRange(tz, locationQ.data?.policy.horizonDays ?? 90);
  const availQ = useManageAvailability(token, range.from, range.to, true);
  const [picked, setPicked] = useState<Slot | null>(null);

  const quote = useChangeQuote(token, 'reschedule');
  const onQuoteChanged = useQuoteChangedHandler(token, 'reschedule');
  const reschedule = useMutation<Appointment, ApiError, { start: string; barberId?: string }>({
    mutationFn: (body) =>
      api.reschedule(token, {
        ...body,
        ...(quote.data
          ? { expectedQuote: { refundMinor: quote.data.refundMinor, feeMinor: quote.data.feeMinor } }
          : {}),
      }),
    onSuccess: (next) => {
      void queryClient.invalidateQueries({ queryKey: manageKeys.availabilityAll(token) });
      onDone(next);
    },
    onError: (e) => {
      if (onQuoteChanged(e)) return;
      if (e.code === 'SLOT_UNAVAILABLE') {
        void queryClient.invalidateQueries({ queryKey: manageKeys.availabilityAll(token) });
      }
      if (e.code === 'CHANGE_WINDOW_PASSED' || e.code === 'INVALID_STATE') onWindowPassed();
    },
  });

  const isCurrent = picked !== null && Date.parse(picked.start) === Date.parse(a.start);
  const slotTaken = reschedule.error?.code === 'SLOT_UNAVAILABLE';

  const pickAlternative = (alt: Slot) => {
    setPicked(alt);
    const barberId =
      alt.barberIds.length > 0 && !alt.barberIds.includes(a.barber.id) ? alt.barberIds[0] : undefined;
    reschedule.mutate(barberId ? { start: alt.start, barberId } : { start: alt.start });
  };

  return (
    <section className="has-bar">
      <div className="step-head">
        <button type="button" className="btn btn-back" onClick={onCancel}>
          <span aria-hidden="true">‹ </span>Back
        </button>
        <h1 ref={headingRef} tabIndex={-1} className="step-title">
          Choose a new time
        </h1>
      </div>
      <p className="muted">
        Now: {formatShortDateTime(a.start, tz)} with {a.barber.name}.
      </p>

      <SlotPicker
        timezone={tz}
        from={range.from}
        dayCount={range.dayCount}
        slots={availQ.data?.slots}
        isLoading={availQ.isPending}
        error={
          availQ.isError
            ? isApiError(availQ.error)
              ? availQ.error.detail
              : 'Open times could not load.'
            : null
        }
        onRetry={() => void availQ.refetch()}
        selectedStart={picked?.start ?? null}
        onSelect={(s) => {
          setPicked(s);
          reschedule.reset();
        }}
        canEarlier={range.canEarlier}
        canLater={range.canLater}
        onEarlier={range.earlier}
        onLater={range.later}
      />

      {slotTaken && (
        <div className="alert alert-warning" role="alert">
          <p className="strong">Sorry, that time was just taken.</p>
          <Alternatives
            slots={reschedule.error?.alternatives ?? []}
            timezone={tz}
            takenStart={picked?.start ?? null}
            disabled={reschedule.isPending}
            onPick={pickAlternative}
          />
        </div>
      )}
      <QuoteNotice
        quote={quote.data}
        isLoading={quote.isPending}
        changed={reschedule.error?.code === 'QUOTE_CHANGED'}
      />
      {reschedule.error && !slotTaken && reschedule.error.code !== 'QUOTE_CHANGED' && (
        <div className="alert" role="alert">
          <p>{reschedule.error.detail}</p>
        </div>
      )}

      <p>
        <button type="button" className="btn btn-secondary btn-block" onClick={onCancel}>
          Keep current time
        </button>
      </p>

      <SummaryBar
        actionLabel="Confirm new time"
        canContinue={picked !== null && !isCurrent && !reschedule.isPending}
        busy={reschedule.isPending}
        onContinue={() => picked && reschedule.mutate({ start: picked.start })}
      >
        {picked ? (
          <>
            <span className="strong">{formatShortDateTime(picked.start, tz)}</span>
            {isCurrent && <span className="muted">That is your current time</span>}
          </>
        ) : (
          <span className="muted">No new time chosen</span>
        )}
      </SummaryBar>
    </section>
  );
}
