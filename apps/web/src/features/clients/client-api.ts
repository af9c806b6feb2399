// The client-facing API of this feature (docs/api.md "Clients"): types of the back-office routes
// (called with staffFetch) and a small fetch for the client account, whose session is the
// httpOnly `bb_client` cookie; its POSTs carry the CSRF token (from verify or GET /auth/csrf).

import { API_BASE, ApiError, newIdempotencyKey, problemFrom, type Appointment } from '../../lib/api.ts';

export type Segment = 'vip' | 'at_risk' | 'returning' | 'new';

export const SEGMENT_LABEL: Record<Segment, string> = {
  vip: 'VIP',
  at_risk: 'At risk',
  returning: 'Returning',
  new: 'New',
};

export interface ClientStats {
  visits: number;
  /** Minor units. */
  spendMinor: number;
  currency: string | null;
  /** UTC instant. */
  lastVisit: string | null;
  noShows: number;
  cancellations: number;
}

export interface ClientRecord {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  notes: string | null;
  tags: string[];
  mergedIntoId: string | null;
  version: string;
  segment: Segment;
  stats: ClientStats;
}

export interface HistoryItem {
  id: string;
  locationId: string;
  locationName: string;
  timezone: string;
  barberId: string;
  barberName: string;
  status: Appointment['status'];
  source: string;
  /** ISO 8601 with the location offset. */
  start: string;
  end: string;
  totalMinor: number;
  currency: string;
  services: { serviceId: string; name: string }[];
  notes: string | null;
}

export interface ClientProfile extends ClientRecord {
  history: HistoryItem[];
}

export interface ClientPage {
  clients: ClientRecord[];
  total: number;
  page: number;
  pageSize: number;
}

export interface BookAgainProposal {
  appointmentId: string;
  locationSlug: string;
  timezone: string;
  barberId: string;
  barberName: string;
  services: { id: string; name: string }[];
  start: string;
  end: string;
  totalMinor: number;
  currency: string;
  match: 'similar' | 'any';
}

export interface SignedInClient {
  client: { id: string; name: string; email: string | null; phone: string | null };
}

let csrf: string | undefined;

async function csrfToken(): Promise<string> {
  if (csrf) return csrf;
  const res = await fetch(`${API_BASE}/auth/csrf`, { credentials: 'same-origin' });
  if (!res.ok) throw await problemFrom(res);
  csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
  return csrf;
}

/** Calls a client-account route; rejects with an ApiError (RFC 9457 problem). */
export async function clientFetch<T>(
  path: string,
  o: { method?: 'GET' | 'POST'; body?: unknown; idempotencyKey?: boolean } = {},
): Promise<T> {
  const method = o.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (o.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method === 'POST') headers['X-CSRF-Token'] = await csrfToken();
  if (o.idempotencyKey) headers['Idempotency-Key'] = newIdempotencyKey();
  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}`, {
      method,
      headers,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError({
      status: 0,
      code: 'NETWORK_ERROR',
      detail: 'We could not reach the server. Check your connection.',
    });
  }
  if (!res.ok) throw await problemFrom(res);
  if (res.status === 204) return undefined as T;
  const body = (await res.json()) as T & { csrfToken?: string };
  if (typeof body.csrfToken === 'string') csrf = body.csrfToken;
  return body;
}

const spent = new Map<string, Promise<SignedInClient & { locationSlug: string }>>();

/** Spends a sign-in link once per page load (a second render or effect run shares the answer). */
export function verifyLink(token: string): Promise<SignedInClient & { locationSlug: string }> {
  let p = spent.get(token);
  if (!p) {
    p = clientFetch('/client-auth/verify', { method: 'POST', body: { token } });
    spent.set(token, p);
  }
  return p;
}

export const clientAccountApi = {
  request: (email: string, locationSlug: string) =>
    clientFetch<{ status: 'sent' }>('/client-auth/request', {
      method: 'POST',
      body: { email, locationSlug },
    }),
  me: () => clientFetch<SignedInClient>('/client/me'),
  appointments: () => clientFetch<{ appointments: HistoryItem[] }>('/client/me/appointments'),
  propose: (appointmentId: string) =>
    clientFetch<BookAgainProposal>('/client/me/book-again', { method: 'POST', body: { appointmentId } }),
  confirm: (appointmentId: string, start: string) =>
    clientFetch<Appointment>('/client/me/book-again/confirm', {
      method: 'POST',
      body: { appointmentId, start },
      idempotencyKey: true,
    }),
  logout: () => clientFetch<void>('/client-auth/logout', { method: 'POST' }),
};
