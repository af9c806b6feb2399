// The client's account page, /:slug/account: ask for a sign-in link by email, land from the link
// (#token=…), see every booking at the shop's organization, book one again in one more tap, sign out.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { isApiError, managePath, type Appointment } from '../../lib/api.ts';
import { formatMoney, formatShortDateTime, zoneAbbreviation } from '../../lib/format.ts';
import { Loading } from '../../components/message-page.tsx';
import { useDocumentTitle } from '../../components/use-document-title.ts';
import { useShopLocation } from '../booking/queries.ts';
import { ShopHeader } from '../booking/shop-header.tsx';
import {
  clientAccountApi,
  verifyLink,
  type BookAgainProposal,
  type HistoryItem,
  type SignedInClient,
} from './client-api.ts';

const STATUS_LABEL: Record<HistoryItem['status'], string> = {
  pending: 'Waiting for deposit',
  confirmed: 'Confirmed',
  checked_in: 'Checked in',
  completed: 'Completed',
  cancelled: 'Cancelled',
  no_show: 'Missed',
};

const ME_KEY = ['client-account', 'me'] as const;
const HISTORY_KEY = ['client-account', 'appointments'] as const;

/** The token of a sign-in link in the URL fragment, removed from the address bar once read. */
function takeTokenFromHash(): string | null {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (!m) return null;
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
  return m[1]!;
}

export function ClientAccountPage() {
  const { slug = '' } = useParams();
  const shop = useShopLocation(slug);
  const queryClient = useQueryClient();
  const [token, setToken] = useState(takeTokenFromHash);
  const [linkError, setLinkError] = useState<string | null>(null);
  const [verifying, setVerifying] = useState(token !== null);

  // A link opened in the tab that already shows this page changes only the fragment.
  useEffect(() => {
    const onHash = () => {
      const t = takeTokenFromHash();
      if (t) {
        setLinkError(null);
        setVerifying(true);
        setToken(t);
      }
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useDocumentTitle(shop.data ? `Your bookings · ${shop.data.name}` : 'Your bookings');

  useEffect(() => {
    if (!token) return;
    let live = true;
    verifyLink(token)
      .then((signed) => {
        if (!live) return;
        queryClient.removeQueries({ queryKey: HISTORY_KEY });
        queryClient.setQueryData(ME_KEY, { client: signed.client });
      })
      .catch((e: unknown) => {
        if (live) setLinkError(isApiError(e) ? e.detail : 'This sign-in link did not work.');
      })
      .finally(() => {
        if (live) setVerifying(false);
      });
    return () => {
      live = false;
    };
  }, [token, queryClient]);

  const me = useQuery<SignedInClient | null>({
    queryKey: ME_KEY,
    queryFn: () => clientAccountApi.me(),
    enabled: !verifying,
    retry: false,
  });

  if (shop.isPending || verifying || (me.isPending && !me.isError))
    return <Loading label="Loading your bookings…" />;
  const location = shop.data;
  const signedOut = me.isError && isApiError(me.error) && me.error.status === 401;

  return (
    <>
      {location && <ShopHeader location={location} compact />}
      <main className="page client-account" id="main">
        <h1>Your bookings</h1>
        {linkError && (
          <div className="alert" role="alert">
            <p>{linkError}</p>
          </div>
        )}
        {signedOut || !me.data ? (
          <RequestLink slug={slug} shopName={location?.name ?? 'the shop'} />
        ) : (
          <SignedIn slug={slug} name={me.data.client.name} />
        )}
        <p>
          <Link to={`/${slug}`}>Back to booking</Link>
        </p>
      </main>
    </>
  );
}

function RequestLink({ slug, shopName }: { slug: string; shopName: string }) {
  const id = useId();
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const request = useMutation({
    mutationFn: () => clientAccountApi.request(email.trim(), slug),
    onError: (e) => {
      const field = isApiError(e) ? e.errors?.find((f) => f.field === 'email') : undefined;
      setError(field?.message ?? (isApiError(e) ? e.detail : 'Something went wrong.'));
    },
    onSuccess: () => setError(null),
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    request.mutate();
  }
  if (request.isSuccess)
    return (
      <div className="status-msg" role="status" data-testid="link-sent">
        Check your email: if {email.trim()} has booked at {shopName}, a sign-in link is on its way. It works
        once, for 15 minutes.
      </div>
    );
  return (
    <form className="form" onSubmit={submit} noValidate>
      <p>Enter the email you booked with. We will email you a link to see your bookings and book again.</p>
      <div className="field">
        <label htmlFor={`${id}-email`}>Email</label>
        <input
          id={`${id}-email`}
          type="email"
          autoComplete="email"
          inputMode="email"
          autoCapitalize="off"
          spellCheck={false}
          required
          maxLength={254}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-email-error` : undefined}
        />
        {error && (
          <p id={`${id}-email-error`} className="field-error">
            {error}
          </p>
        )}
      </div>
      <button type="submit" className="btn btn-primary btn-block" disabled={request.isPending}>
        {request.isPending ? 'Sending…' : 'Email me a sign-in link'}
      </button>
    </form>
  );
}

function SignedIn({ slug, name }: { slug: string; name: string }) {
  const queryClient = useQueryClient();
  const history = useQuery({ queryKey: HISTORY_KEY, queryFn: () => clientAccountApi.appointments() });
  const [booked, setBooked] = useState<Appointment | null>(null);
  const logout = useMutation({
    mutationFn: () => clientAccountApi.logout(),
    onSettled: () => {
      queryClient.removeQueries({ queryKey: HISTORY_KEY });
      // Signed out (or the session had already ended): show the email form.
      queryClient.setQueryData(ME_KEY, null);
    },
  });

  return (
    <section aria-labelledby="client-hello">
      <div className="client-account-head">
        <p id="client-hello" className="lead">
          Signed in as <strong>{name}</strong>
        </p>
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => logout.mutate()}
          disabled={logout.isPending}
        >
          Sign out
        </button>
      </div>
      {booked && (
        <div className="notice" role="status" data-testid="book-again-confirmation">
          <p className="strong">
            Booked: {formatShortDateTime(booked.start, booked.timezone)} with {booked.barber.name}.
          </p>
          <p>
            We emailed you a confirmation. <Link to={managePath(booked.manageUrl)}>Change or cancel</Link>
          </p>
        </div>
      )}
      {history.isPending && <p role="status">Loading…</p>}
      {history.isError && (
        <p role="alert">
          {isApiError(history.error) ? history.error.detail : 'Your bookings could not load.'}
        </p>
      )}
      {history.data && history.data.appointments.length === 0 && (
        <div className="empty">
          <p className="empty-title">No bookings yet</p>
          <p>
            <Link to={`/${slug}`}>Book your first appointment</Link>
          </p>
        </div>
      )}
      {history.data && history.data.appointments.length > 0 && (
        <ul className="plain-list client-history" aria-label="Your appointments">
          {history.data.appointments.map((a) => (
            <HistoryRow
              key={a.id}
              item={a}
              onBooked={(appt) => {
                setBooked(appt);
                void queryClient.invalidateQueries({ queryKey: HISTORY_KEY });
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function HistoryRow({ item, onBooked }: { item: HistoryItem; onBooked: (a: Appointment) => void }) {
  const [proposal, setProposal] = useState<BookAgainProposal | null>(null);
  const [error, setError] = useState<string | null>(null);
  const propose = useMutation({
    mutationFn: () => clientAccountApi.propose(item.id),
    onSuccess: (p) => {
      setError(null);
      setProposal(p);
    },
    onError: (e) => setError(isApiError(e) ? e.detail : 'We could not find a time.'),
  });
  const confirm = useMutation({
    mutationFn: (p: BookAgainProposal) => clientAccountApi.confirm(p.appointmentId, p.start),
    onSuccess: (a) => {
      setProposal(null);
      onBooked(a);
    },
    onError: (e) => {
      setError(
        isApiError(e) && e.code === 'SLOT_UNAVAILABLE'
          ? 'That time was just taken. Ask for the next one.'
          : isApiError(e)
            ? e.detail
            : 'The booking did not go through.',
      );
      setProposal(null);
    },
  });
  const services = item.services.map((s) => s.name).join(' + ');
  return (
    <li className="client-history-item" data-testid="client-history-item">
      <div className="client-history-main">
        <p className="strong">
          {formatShortDateTime(item.start, item.timezone)}{' '}
          <span className="muted small">{zoneAbbreviation(item.start, item.timezone)}</span>
        </p>
        <p>
          {services} with {item.barberName} · {formatMoney(item.totalMinor, item.currency)}
        </p>
        <p className="small muted">
          {item.locationName} ·{' '}
          <span className={`status-pill status-${item.status}`}>{STATUS_LABEL[item.status]}</span>
        </p>
      </div>
      {proposal ? (
        <div className="client-proposal" role="group" aria-label="Proposed time">
          <p>
            {proposal.match === 'similar' ? 'Same time, next available:' : 'The nearest free time:'}{' '}
            <strong>{formatShortDateTime(proposal.start, proposal.timezone)}</strong> with{' '}
            {proposal.barberName} ({formatMoney(proposal.totalMinor, proposal.currency)})
          </p>
          <div className="actions">
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => confirm.mutate(proposal)}
              disabled={confirm.isPending}
            >
              {confirm.isPending ? 'Booking…' : 'Book this time'}
            </button>
            <button type="button" className="btn btn-quiet" onClick={() => setProposal(null)}>
              Not now
            </button>
          </div>
        </div>
      ) : (
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => propose.mutate()}
          disabled={propose.isPending}
        >
          {propose.isPending ? 'Finding a time…' : 'Book again'}
        </button>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
