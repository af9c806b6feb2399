// The /app frame: checks the session (GET /me), picks the location, shows the navigation and
// renders the screen. Signed out → /app/sign-in; an owner or manager without two-factor → enrolment.

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { isApiError } from '../../lib/api.ts';
import { staffFetch, setCsrfToken, type Me } from '../../lib/staff-api.ts';
import { backOfficeNav } from '../back-office/routes.tsx';
import { clientNav } from '../clients/routes.tsx';
import { StaffContext, type StaffContextValue } from './staff-context.tsx';

const LOCATION_KEY = 'bb.locationId';

/** Query key of GET /me. */
export const ME_QUERY_KEY = ['staff', 'me'] as const;

/** The /app frame: session check, enrolment redirect, location picker, navigation, sign-out. */
export function StaffLayout() {
  const where = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const me = useQuery({
    queryKey: ME_QUERY_KEY,
    queryFn: ({ signal }) => staffFetch<Me>('/me', { signal }),
    staleTime: 5 * 60_000,
    retry: false,
  });
  const [locationId, setLocationIdState] = useState<string | null>(() => localStorage.getItem(LOCATION_KEY));

  const value = useMemo<StaffContextValue | null>(() => {
    if (!me.data || me.data.roles.length === 0) return null;
    const current = me.data.roles.find((r) => r.locationId === locationId) ?? me.data.roles[0]!;
    return {
      me: me.data,
      current,
      setLocationId: (id) => {
        localStorage.setItem(LOCATION_KEY, id);
        setLocationIdState(id);
      },
    };
  }, [me.data, locationId]);

  if (me.isPending)
    return (
      <p className="staff-loading" role="status">
        Loading…
      </p>
    );
  if (me.isError) {
    if (isApiError(me.error) && (me.error.status === 401 || me.error.code === 'UNAUTHENTICATED')) {
      const next = encodeURIComponent(where.pathname + where.search);
      return <Navigate to={`/app/sign-in?next=${next}`} replace />;
    }
    return (
      <main className="staff-main">
        <p role="alert">{me.error.message}</p>
      </main>
    );
  }
  if (me.data.mfaEnrolmentRequired) return <Navigate to="/app/two-factor" replace />;
  if (!value)
    return (
      <main className="staff-main">
        <p role="alert">
          Your account has no active role at any location. Ask the owner to invite you again.
        </p>
      </main>
    );

  const role = value.current.role;
  const nav = [
    { to: '/app', label: 'Calendar', roles: ['owner', 'manager', 'front_desk', 'barber'] },
    ...backOfficeNav,
    ...clientNav,
  ].filter((n) => n.roles.includes(role));

  async function signOut() {
    try {
      await staffFetch('/auth/logout', { method: 'POST' });
    } finally {
      setCsrfToken(undefined);
      queryClient.clear();
      void navigate('/app/sign-in', { replace: true });
    }
  }

  return (
    <StaffContext.Provider value={value}>
      <div className="staff-app">
        <header className="staff-header">
          <a className="skip-link" href="#staff-main">
            Skip to content
          </a>
          <span className="staff-brand">{value.current.locationName}</span>
          {value.me.roles.length > 1 && (
            <label className="staff-location-picker">
              <span className="visually-hidden">Location</span>
              <select value={value.current.locationId} onChange={(e) => value.setLocationId(e.target.value)}>
                {value.me.roles.map((r) => (
                  <option key={r.locationId} value={r.locationId}>
                    {r.locationName}
                  </option>
                ))}
              </select>
            </label>
          )}
          <nav aria-label="Staff" className="staff-nav">
            {nav.map((n) => (
              <NavLink key={n.to} to={n.to} end={n.to === '/app'}>
                {n.label}
              </NavLink>
            ))}
          </nav>
          <span className="staff-user">
            {value.me.user.name} · {role.replace('_', ' ')}
          </span>
          {!value.me.user.totpEnabled && (
            // Optional for front desk and barbers (owners and managers are sent there at sign-in).
            <Link className="staff-tfa-link" to="/app/two-factor">
              Turn on two-factor
            </Link>
          )}
          <button type="button" className="btn btn-secondary" onClick={() => void signOut()}>
            Sign out
          </button>
        </header>
        <main id="staff-main" className="staff-main" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </StaffContext.Provider>
  );
}
