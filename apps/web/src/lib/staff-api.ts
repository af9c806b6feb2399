// The staff side of the API client: cookie sessions (httpOnly `bb_access` / `bb_refresh`, set by
// the server), the CSRF token every unsafe request must carry, and one silent refresh when the
// 15-minute access token has run out. See docs/api.md, "Staff and sign-in".

import { API_BASE, ApiError, newIdempotencyKey, problemFrom } from './api.ts';

let csrfToken: string | undefined;

/** Stores the CSRF token from a sign-in or refresh answer (cookie mode returns one). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

async function ensureCsrf(): Promise<string> {
  if (csrfToken) return csrfToken;
  const res = await fetch(`${API_BASE}/auth/csrf`, { credentials: 'same-origin' });
  if (!res.ok) throw await problemFrom(res);
  const body = (await res.json()) as { csrfToken: string };
  csrfToken = body.csrfToken;
  return csrfToken;
}

/** Options for {@link staffFetch}. */
export interface StaffRequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** The appointment (or record) version seen, sent as `If-Match: "<version>"`. */
  ifMatch?: string;
  /** Sent as `Idempotency-Key`; `true` makes a fresh one. */
  idempotencyKey?: string | true;
  signal?: AbortSignal;
}

async function send(path: string, o: StaffRequestOptions): Promise<Response> {
  const method = o.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (o.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = await ensureCsrf();
  if (o.ifMatch) headers['If-Match'] = `"${o.ifMatch}"`;
  if (o.idempotencyKey)
    headers['Idempotency-Key'] = o.idempotencyKey === true ? newIdempotencyKey() : o.idempotencyKey;
  try {
    return await fetch(`${API_BASE}${path}`, {
      method,
      headers,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
      signal: o.signal,
      credentials: 'same-origin',
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError({
      status: 0,
      code: 'NETWORK_ERROR',
      detail: 'We could not reach the server. Check your connection.',
    });
  }
}

let refreshing: Promise<boolean> | undefined;

/** Trades the refresh cookie for a new pair once (concurrent callers share the attempt). */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const res = await send('/auth/refresh', { method: 'POST' });
      if (!res.ok) return false;
      const body = (await res.json()) as { csrfToken?: string };
      if (body.csrfToken) csrfToken = body.csrfToken;
      return true;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

/**
 * Calls a staff route with the session cookie; resolves with the parsed JSON (undefined for 204),
 * rejects with an ApiError (RFC 9457 problem). A 401 triggers one refresh and one retry.
 */
export async function staffFetch<T>(path: string, options: StaffRequestOptions = {}): Promise<T> {
  let res = await send(path, options);
  if (res.status === 401 && !path.startsWith('/auth/')) {
    if (await refreshSession()) res = await send(path, options);
  }
  if (!res.ok) throw await problemFrom(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** The signed-in staff member, from GET /me. */
export interface Me {
  user: { id: string; email: string; name: string; totpEnabled: boolean };
  mfaEnrolmentRequired: boolean;
  roles: StaffRole[];
}

export type Role = 'owner' | 'manager' | 'front_desk' | 'barber';

export interface StaffRole {
  organizationId: string;
  organizationName: string;
  locationId: string;
  locationSlug: string;
  locationName: string;
  role: Role;
  barberId: string | null;
}

// ---- sign-in (docs/api.md, "Staff and sign-in") ------------------------------------------------

/** Answer of POST /auth/login in cookie mode (no tokens; a CSRF token for the new session). */
export interface LoginAnswer {
  user: { id: string; email: string; name: string; totpEnabled: boolean };
  mfaEnrolmentRequired: boolean;
  csrfToken?: string;
}

/**
 * Signs in with the session cookie. Fetches a fresh CSRF token first (login CSRF), and keeps the
 * one the answer carries for the new session.
 * @throws ApiError INVALID_CREDENTIALS (401), MFA_REQUIRED (403, `mfa: "code"`), ACCOUNT_LOCKED (429).
 */
export async function signIn(body: {
  email: string;
  password: string;
  totp?: string;
  recoveryCode?: string;
}): Promise<LoginAnswer> {
  setCsrfToken(undefined);
  const answer = await staffFetch<LoginAnswer>('/auth/login', {
    method: 'POST',
    body: { ...body, session: 'cookie' },
  });
  if (answer.csrfToken) setCsrfToken(answer.csrfToken);
  return answer;
}

// ---- the calendar (docs/api.md, "Staff calendar") ----------------------------------------------

/** Appointment statuses (DOMAIN.md, "Appointment lifecycle"). */
export type StaffAppointmentStatus =
  'pending' | 'confirmed' | 'checked_in' | 'completed' | 'cancelled' | 'no_show';

/** An appointment as staff see it. Times are ISO 8601 with the location's offset. */
export interface StaffAppointment {
  id: string;
  status: StaffAppointmentStatus;
  source: 'online' | 'phone' | 'walk_in' | 'staff';
  start: string;
  end: string;
  barber: { id: string; name: string };
  /** `email`/`phone` are absent on a colleague's appointment for a barber. */
  client: { id: string; name: string; email?: string | null; phone?: string | null };
  services: Array<{ id: string; name: string; durationMinutes: number; priceMinor: number }>;
  /** Minor units of `currency`. */
  totalMinor: number;
  currency: string;
  notes: string | null;
  /** Send back as `If-Match` with a change. */
  version: string;
  createdAt: string;
}

/** Time off (leave) or blocked time of a barber, in the calendar feed. */
export interface CalendarTimeOff {
  id: string;
  barberId: string;
  start: string;
  end: string;
  reason: string | null;
  kind: 'time_off' | 'blocked';
  status: 'requested' | 'approved' | 'declined';
}

/** GET /locations/{locationId}/calendar: local dates from–to (inclusive) in `timezone`. */
export interface CalendarFeed {
  timezone: string;
  from: string;
  to: string;
  appointments: StaffAppointment[];
  timeOff: CalendarTimeOff[];
}

/** A client found by GET …/clients?q=. */
export interface ClientMatch {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
}
