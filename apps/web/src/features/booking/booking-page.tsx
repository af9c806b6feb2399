// The public booking page, /:slug — one decision per screen:
// services → barber → day and time → details → confirmation.
//
// Each step is a history entry (router state), so the phone's back gesture goes one step back;
// the choices live in this component's state. After a reload the state is gone, so a step whose
// earlier choices are missing falls back to the first step that still needs one.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router';
import {
  api,
  isApiError,
  newIdempotencyKey,
  type ApiError,
  type Appointment,
  type BookingRequest,
  type Location,
  type Service,
  type Slot,
} from '../../lib/api.ts';
import {
  addDays,
  daysBetween,
  formatDuration,
  formatMoney,
  formatShortDateTime,
  localDateOf,
} from '../../lib/format.ts';
import { Loading, MessagePage } from '../../components/message-page.tsx';
import { useDocumentTitle } from '../../components/use-document-title.ts';
import { useFocusOnChange } from '../../components/use-focus-on-change.ts';
import { BarberStep, eligibleBarbers } from './barber-step.tsx';
import { Confirmation } from './confirmation.tsx';
import { PaymentStep } from './payment-step.tsx';
import type { BookedAppointment } from './payment-api.ts';
import { DetailsStep, emptyDetails, type ClientDetails } from './details-step.tsx';
import { bookingKeys, useAvailability, useBarbers, useServices, useShopLocation } from './queries.ts';
import { ServicesStep } from './services-step.tsx';
import { ShopHeader } from './shop-header.tsx';
import { SlotPicker, useDayRange } from './slot-picker.tsx';
import { StepHeading } from './step-heading.tsx';
import { SummaryBar } from './summary-bar.tsx';

type Step = 'services' | 'barber' | 'time' | 'details' | 'done';
const ORDER: Step[] = ['services', 'barber', 'time', 'details'];
interface NavState {
  step?: Step;
  depth?: number;
}

export function BookingPage() {
  const { slug = '' } = useParams();
  const locationQ = useShopLocation(slug);

  if (locationQ.isPending) return <Loading label="Loading the shop…" />;
  if (locationQ.isError) {
    const e = locationQ.error;
    if (isApiError(e) && e.status === 404) {
      return (
        <MessagePage title="We couldn't find that shop">
          <p>Check the link you were given, or ask the shop for their booking page.</p>
        </MessagePage>
      );
    }
    return (
      <MessagePage title="The booking page could not load">
        <p role="alert">{isApiError(e) ? e.detail : 'Something went wrong.'}</p>
        <button type="button" className="btn btn-secondary" onClick={() => void locationQ.refetch()}>
          Try again
        </button>
      </MessagePage>
    );
  }
  return <BookingFlow key={slug} location={locationQ.data} />;
}

function sum(services: Service[], key: 'durationMinutes' | 'priceMinor'): number {
  return services.reduce((n, s) => n + s[key], 0);
}

function BookingFlow({ location }: { location: Location }) {
  const slug = location.slug;
  const tz = location.timezone;
  useDocumentTitle(`${location.name} · Book online`);

  const routerLocation = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const nav = (routerLocation.state as NavState | null) ?? {};
  const requested: Step = nav.step ?? 'services';
  const depth = nav.depth ?? 0;

  const [serviceIds, setServiceIds] = useState<string[]>([]);
  const [barberId, setBarberId] = useState<string | null>(null);
  const [slot, setSlot] = useState<Slot | null>(null);
  const [details, setDetails] = useState<ClientDetails>(emptyDetails);
  const [booked, setBooked] = useState<Appointment | null>(null);
  /** The Idempotency-Key of the last attempt, reused only to retry the very same request. */
  const attempt = useRef<{ key: string; body: string } | null>(null);

  const servicesQ = useServices(slug, true);
  const barbersQ = useBarbers(slug, true);
  const range = useDayRange(tz, location.policy.horizonDays);

  // The step shown: the one asked for, unless an earlier choice is missing.
  let step: Step = requested;
  if (step === 'done') {
    if (!booked) step = 'services';
  } else if (serviceIds.length === 0) step = 'services';
  else if ((step === 'time' || step === 'details') && !barberId) step = 'barber';
  else if (step === 'details' && !slot) step = 'time';

  const headingRef = useFocusOnChange<HTMLHeadingElement>(step);

  const go = (next: Step, opts: { replace?: boolean } = {}) =>
    navigate(
      { pathname: routerLocation.pathname, search: routerLocation.search },
      {
        state: { step: next, depth: opts.replace ? depth : depth + 1 } satisfies NavState,
        replace: opts.replace,
      },
    );
  const back = () => {
    const prev = ORDER[Math.max(0, ORDER.indexOf(step) - 1)] ?? 'services';
    if (requested === step && depth > 0) void navigate(-1);
    else void go(prev, { replace: true });
  };

  const services = useMemo(() => servicesQ.data ?? [], [servicesQ.data]);
  const chosen = useMemo(() => services.filter((s) => serviceIds.includes(s.id)), [services, serviceIds]);
  const totalMinutes = sum(chosen, 'durationMinutes');
  const totalMinor = sum(chosen, 'priceMinor');
  const eligible = eligibleBarbers(barbersQ.data ?? [], serviceIds);
  const barberName =
    barberId === 'any' ? 'Any barber' : (barbersQ.data?.find((b) => b.id === barberId)?.name ?? null);

  // "Next opening" per barber: one availability call for any barber over the first 14 days,
  // the same query the time step uses when "Any barber" is chosen.
  const firstTo = addDays(range.today, Math.min(13, location.policy.horizonDays));
  const anyQ = useAvailability(
    slug,
    { services: serviceIds, barber: 'any', from: range.today, to: firstTo },
    step === 'barber',
  );
  const availQ = useAvailability(
    slug,
    { services: serviceIds, barber: barberId, from: range.from, to: range.to },
    step === 'time' && barberId !== null,
  );

  const book = useMutation<Appointment, ApiError, { body: BookingRequest; key: string }>({
    mutationFn: ({ body, key }) => api.book(slug, body, key),
  });

  const toggleService = (id: string) => {
    const next = serviceIds.includes(id) ? serviceIds.filter((x) => x !== id) : [...serviceIds, id];
    // Keep display order, so the same choice always makes the same request.
    const ordered = services.filter((s) => next.includes(s.id)).map((s) => s.id);
    setServiceIds(ordered);
    setSlot(null);
    if (barberId && barberId !== 'any') {
      const b = barbersQ.data?.find((x) => x.id === barberId);
      if (!b || !ordered.every((s) => b.serviceIds.includes(s))) setBarberId(null);
    }
  };

  const chooseBarber = (id: string) => {
    if (id !== barberId) {
      setBarberId(id);
      setSlot(null);
    }
    book.reset();
    void go('time');
  };

  const chooseSlot = (s: Slot) => {
    setSlot(s);
    book.reset();
  };

  const submit = (override?: { start: string; barberId: string }) => {
    if (!slot || !barberId) return;
    const notes = details.notes.trim();
    const body: BookingRequest = {
      services: serviceIds,
      barberId: override?.barberId ?? barberId,
      start: override?.start ?? slot.start,
      client: { name: details.name.trim(), email: details.email.trim(), phone: details.phone.trim() },
      ...(notes ? { notes } : {}),
    };
    const json = JSON.stringify(body);
    const key = attempt.current?.body === json ? attempt.current.key : newIdempotencyKey();
    attempt.current = { key, body: json };
    book.mutate(
      { body, key },
      {
        onSuccess: (appointment) => {
          attempt.current = null;
          setBooked(appointment);
          setServiceIds([]);
          setBarberId(null);
          setSlot(null);
          void queryClient.invalidateQueries({ queryKey: bookingKeys.availabilityAll(slug) });
          void go('done', { replace: true });
        },
        onError: (error) => {
          // A definite answer ends the attempt; only an unanswered request (or a server failure)
          // is retried with the same key, so a booking that did go through is not made twice.
          if (!error.isNetworkError && error.status < 500) attempt.current = null;
          if (error.code === 'SLOT_UNAVAILABLE' || error.code === 'OUTSIDE_BOOKING_WINDOW') {
            void queryClient.invalidateQueries({ queryKey: bookingKeys.availabilityAll(slug) });
          }
        },
      },
    );
  };

  const pickAlternative = (alt: Slot) => {
    const nextBarber = barberId === 'any' && alt.barberIds[0] ? alt.barberIds[0] : (barberId ?? 'any');
    setSlot(alt);
    setBarberId(nextBarber);
    submit({ start: alt.start, barberId: nextBarber });
  };

  const chooseAnotherTime = () => {
    book.reset();
    setSlot(null);
    void queryClient.invalidateQueries({ queryKey: bookingKeys.availabilityAll(slug) });
    back();
  };

  const bookAnother = () => {
    setBooked(null);
    book.reset();
    void go('services', { replace: true });
  };

  const heading = (title: string, n?: number) => (
    <StepHeading
      headingRef={headingRef}
      step={n}
      of={n ? 4 : undefined}
      onBack={n && n > 1 ? back : undefined}
    >
      {title}
    </StepHeading>
  );

  const choiceSummary = (
    <div className="choice-summary" data-testid="choice-summary">
      <p className="strong">{chosen.map((s) => s.name).join(' + ')}</p>
      <p className="muted">
        {formatDuration(totalMinutes)} · {formatMoney(totalMinor, location.currency)}
        {barberName ? ` · ${barberName}` : ''}
      </p>
      {slot && step === 'details' && <p className="strong">{formatShortDateTime(slot.start, tz)}</p>}
    </div>
  );

  let body: ReactNode;
  const paying = booked as BookedAppointment | null;
  if (step === 'done' && paying?.payment && paying.status === 'pending') {
    // A deposit, prepayment or card on file is due: the booking is confirmed once it is paid.
    body = (
      <PaymentStep
        heading={heading('Pay to confirm')}
        appointment={paying}
        payment={paying.payment}
        onPaid={(status) => setBooked({ ...paying, status, payment: null } as BookedAppointment)}
      />
    );
  } else if (step === 'done' && booked) {
    body = (
      <Confirmation heading={heading("You're booked")} appointment={booked} onBookAnother={bookAnother} />
    );
  } else if (step === 'services') {
    body = servicesQ.isPending ? (
      <p className="muted" role="status">
        Loading services…
      </p>
    ) : servicesQ.isError ? (
      <div className="alert" role="alert">
        <p>{isApiError(servicesQ.error) ? servicesQ.error.detail : 'The services could not load.'}</p>
        <button type="button" className="btn btn-secondary" onClick={() => void servicesQ.refetch()}>
          Try again
        </button>
      </div>
    ) : (
      <>
        <ServicesStep
          heading={heading('Choose services', 1)}
          services={services}
          selected={serviceIds}
          onToggle={toggleService}
        />
        <SummaryBar canContinue={serviceIds.length > 0} onContinue={() => void go('barber')}>
          {serviceIds.length === 0 ? (
            <span className="muted">No services chosen</span>
          ) : (
            <>
              <span className="strong">
                {serviceIds.length} {serviceIds.length === 1 ? 'service' : 'services'}
              </span>
              <span>
                {formatDuration(totalMinutes)} · {formatMoney(totalMinor, location.currency)}
              </span>
            </>
          )}
        </SummaryBar>
      </>
    );
  } else if (step === 'barber') {
    body = barbersQ.isPending ? (
      <>
        {heading('Choose a barber', 2)}
        <p className="muted" role="status">
          Loading barbers…
        </p>
      </>
    ) : barbersQ.isError ? (
      <>
        {heading('Choose a barber', 2)}
        <div className="alert" role="alert">
          <p>{isApiError(barbersQ.error) ? barbersQ.error.detail : 'The barbers could not load.'}</p>
          <button type="button" className="btn btn-secondary" onClick={() => void barbersQ.refetch()}>
            Try again
          </button>
        </div>
      </>
    ) : (
      <>
        <BarberStep
          heading={
            <>
              {heading('Choose a barber', 2)}
              {choiceSummary}
            </>
          }
          barbers={eligible}
          selected={barberId}
          timezone={tz}
          anySlots={anyQ.data?.slots}
          onChoose={chooseBarber}
          onChangeServices={back}
        />
      </>
    );
  } else if (step === 'time') {
    const slotDayShown =
      slot !== null &&
      daysBetween(range.from, localDateOf(slot.start, tz)) >= 0 &&
      daysBetween(localDateOf(slot.start, tz), range.to) >= 0;
    const slotGone =
      slot !== null &&
      slotDayShown &&
      availQ.data !== undefined &&
      !availQ.data.slots.some((s) => s.start === slot.start);
    const selectedStart = slot && !slotGone ? slot.start : null;
    body = (
      <>
        {heading('Pick a day and time', 3)}
        {choiceSummary}
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
          selectedStart={selectedStart}
          onSelect={chooseSlot}
          canEarlier={range.canEarlier}
          canLater={range.canLater}
          onEarlier={range.earlier}
          onLater={range.later}
        />
        <SummaryBar canContinue={selectedStart !== null} onContinue={() => void go('details')}>
          {selectedStart ? (
            <>
              <span className="strong">{formatShortDateTime(selectedStart, tz)}</span>
              <span>
                {formatDuration(totalMinutes)} · {formatMoney(totalMinor, location.currency)}
              </span>
            </>
          ) : (
            <span className="muted">{slotGone ? 'That time is no longer free' : 'No time chosen'}</span>
          )}
        </SummaryBar>
      </>
    );
  } else {
    const hours = location.policy.changeWindowHours;
    body = (
      <DetailsStep
        heading={heading('Your details', 4)}
        summary={choiceSummary}
        policyNote={
          hours > 0
            ? `You can change or cancel online up to ${hours} ${hours === 1 ? 'hour' : 'hours'} before your appointment.`
            : null
        }
        values={details}
        onChange={setDetails}
        onSubmit={() => submit()}
        submitting={book.isPending}
        error={book.error}
        timezone={tz}
        takenStart={slot?.start ?? null}
        onPickAlternative={pickAlternative}
        onChooseAnotherTime={chooseAnotherTime}
      />
    );
  }

  const withBar = step === 'services' || step === 'time';
  return (
    <>
      <ShopHeader location={location} compact={step === 'barber' || step === 'time' || step === 'details'} />
      <main className={`page booking${withBar ? ' has-bar' : ''}`} data-step={step}>
        {body}
      </main>
    </>
  );
}
