// The JSON API client: types from docs/api.md, a fetch wrapper that turns RFC 9457 problem
// details into a typed ApiError, and one function per endpoint the web app calls.

import type { LocalDate } from './format.ts';

export const API_BASE = '/api/v1';

// ---- types (docs/api.md) ----------------------------------------------------------------------

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface Location {
  slug: string;
  name: string;
  timezone: string;
  currency: string;
  phone: string;
  address: string;
  /** Per weekday, a list of ["HH:MM", "HH:MM"] windows; an empty list or a missing day is closed. */
  openingHours: Partial<Record<Weekday, [string, string][]>>;
  policy: {
    slotIntervalMinutes: number;
    leadTimeMinutes: number;
    horizonDays: number;
    changeWindowHours: number;
  };
}

export interface Service {
  id: string;
  name: string;
  category: string;
  description: string | null;
  durationMinutes: number;
  priceMinor: number;
  currency: string;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
}

export interface Barber {
  id: string;
  name: string;
  bio: string | null;
  serviceIds: string[];
}

export interface Slot {
  /** ISO 8601 with the location's offset; sent back to the API exactly as received. */
  start: string;
  end: string;
  barberIds: string[];
}

export interface Availability {
  timezone: string;
  slots: Slot[];
}

export type AppointmentStatus =
  'pending' | 'confirmed' | 'checked_in' | 'completed' | 'cancelled' | 'no_show';

export interface Appointment {
  id: string;
  status: AppointmentStatus;
  start: string;
  end: string;
  timezone: string;
  barber: { id: string; name: string };
  services: { id: string; name: string; durationMinutes: number; priceMinor: number }[];
  totalMinor: number;
  currency: string;
  location: { slug: string; name: string; phone: string; address: string };
  client: { name: string };
  notes: string | null;
  changeDeadline: string;
  canChange: boolean;
  manageUrl: string;
}

export interface BookingRequest {
  services: string[];
  barberId: string;
  start: string;
  client: { name: string; email: string; phone: string };
  notes?: string;
}

// ---- errors ---------------------------------------------------------------------------------

export interface FieldError {
  field: string;
  message: string;
}

/** Codes from docs/api.md, plus two the client makes up: no answer at all, or a non-problem answer. */
export type ApiErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'SLOT_UNAVAILABLE'
  | 'OUTSIDE_BOOKING_WINDOW'
  | 'CHANGE_WINDOW_PASSED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'RATE_LIMITED'
  | 'INVALID_STATE'
  | 'NETWORK_ERROR'
  | 'HTTP_ERROR'
  | (string & {});

export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly detail: string;
  readonly title: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly alternatives: Slot[] | undefined;
  /** The whole problem body, for extension members (`mfa`, `retryAfterSeconds`, `version`, …). */
  readonly raw: Record<string, unknown> | undefined;

  constructor(init: {
    status: number;
    code: ApiErrorCode;
    detail: string;
    title?: string;
    errors?: FieldError[];
    alternatives?: Slot[];
    raw?: Record<string, unknown>;
  }) {
    super(init.detail);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.title = init.title;
    this.errors = init.errors;
    this.alternatives = init.alternatives;
    this.raw = init.raw;
  }

  /** No answer from the server (offline, DNS, connection reset): the request may or may not have run. */
  get isNetworkError(): boolean {
    return this.status === 0;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseFieldErrors(v: unknown): FieldError[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v
    .filter(isRecord)
    .map((e) => ({ field: String(e.field ?? ''), message: String(e.message ?? 'Invalid value') }));
}

function parseSlots(v: unknown): Slot[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v
    .filter((s): s is Record<string, unknown> => isRecord(s) && typeof s.start === 'string')
    .map((s) => ({
      start: String(s.start),
      end: String(s.end ?? s.start),
      barberIds: Array.isArray(s.barberIds) ? s.barberIds.map(String) : [],
    }));
}

const GENERIC_DETAIL: Record<number, string> = {
  404: 'We could not find that.',
  429: 'Too many attempts. Please wait a minute and try again.',
};

export async function problemFrom(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const fallback =
    GENERIC_DETAIL[res.status] ??
    (res.status >= 500
      ? 'Something went wrong on our side. Please try again.'
      : `The request failed (${res.status}).`);
  if (!isRecord(body)) {
    return new ApiError({
      status: res.status,
      code: res.status === 404 ? 'NOT_FOUND' : 'HTTP_ERROR',
      detail: fallback,
    });
  }
  return new ApiError({
    status: typeof body.status === 'number' ? body.status : res.status,
    code: typeof body.code === 'string' ? body.code : res.status === 404 ? 'NOT_FOUND' : 'HTTP_ERROR',
    detail:
      typeof body.detail === 'string' && body.detail
        ? body.detail
        : typeof body.title === 'string' && body.title
          ? body.title
          : fallback,
    title: typeof body.title === 'string' ? body.title : undefined,
    errors: parseFieldErrors(body.errors),
    alternatives: parseSlots(body.alternatives),
    raw: body,
  });
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Calls the API; resolves with the parsed JSON, rejects with an ApiError. */
export async function apiFetch<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  Object.assign(headers, options.headers);

  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}`, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: 'same-origin',
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError({
      status: 0,
      code: 'NETWORK_ERROR',
      detail: 'We could not reach the shop’s booking service. Check your connection and try again.',
    });
  }
  if (!res.ok) throw await problemFrom(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** A v4 UUID; crypto.randomUUID only exists in secure contexts (https or localhost). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---- endpoints ------------------------------------------------------------------------------

const seg = encodeURIComponent;

export const api = {
  location: (slug: string, signal?: AbortSignal) => apiFetch<Location>(`/locations/${seg(slug)}`, { signal }),

  services: (slug: string, signal?: AbortSignal) =>
    apiFetch<Service[]>(`/locations/${seg(slug)}/services`, { signal }),

  barbers: (slug: string, signal?: AbortSignal) =>
    apiFetch<Barber[]>(`/locations/${seg(slug)}/barbers`, { signal }),

  availability: (
    slug: string,
    q: { services: string[]; barber: string; from: LocalDate; to: LocalDate },
    signal?: AbortSignal,
  ) => {
    const params = new URLSearchParams({
      services: q.services.join(','),
      barber: q.barber,
      from: q.from,
      to: q.to,
    });
    return apiFetch<Availability>(`/locations/${seg(slug)}/availability?${params}`, { signal });
  },

  book: (slug: string, body: BookingRequest, idempotencyKey: string) =>
    apiFetch<Appointment>(`/locations/${seg(slug)}/appointments`, {
      method: 'POST',
      body,
      headers: { 'Idempotency-Key': idempotencyKey },
    }),

  appointment: (token: string, signal?: AbortSignal) =>
    apiFetch<Appointment>(`/manage/${seg(token)}`, { signal }),

  manageAvailability: (token: string, q: { from: LocalDate; to: LocalDate }, signal?: AbortSignal) => {
    const params = new URLSearchParams({ from: q.from, to: q.to });
    return apiFetch<Availability>(`/manage/${seg(token)}/availability?${params}`, { signal });
  },

  cancel: (token: string, expectedQuote?: ExpectedQuote) =>
    apiFetch<Appointment>(`/manage/${seg(token)}/cancel`, {
      method: 'POST',
      body: expectedQuote ? { expectedQuote } : {},
    }),

  reschedule: (token: string, body: { start: string; barberId?: string; expectedQuote?: ExpectedQuote }) =>
    apiFetch<Appointment>(`/manage/${seg(token)}/reschedule`, { method: 'POST', body }),

  changeQuote: (token: string, action: 'cancel' | 'reschedule', signal?: AbortSignal) =>
    apiFetch<ChangeQuote>(`/manage/${seg(token)}/change-quote?action=${action}`, { signal }),
};

/** What a cancel or reschedule would refund and cost now (GET /manage/{token}/change-quote). */
export interface ChangeQuote {
  action: 'cancel' | 'reschedule';
  /** Minor units of `currency`. */
  refundMinor: number;
  feeMinor: number;
  feeOwedMinor: number;
  currency: string;
  policy: { name: string };
  explanation: string;
}

/** The amounts the client saw, sent back with the change (409 QUOTE_CHANGED when different). */
export type ExpectedQuote = Pick<ChangeQuote, 'refundMinor' | 'feeMinor'>;

/** Where "Add to calendar" points. */
export function calendarHref(token: string): string {
  return `${API_BASE}/manage/${seg(token)}/calendar.ics`;
}

/** The token from a manageUrl ("http://host/manage/TOKEN" → "TOKEN"). */
export function tokenFromManageUrl(manageUrl: string): string {
  let path = manageUrl;
  try {
    path = new URL(manageUrl, window.location.origin).pathname;
  } catch {
    // keep the raw string
  }
  const last = path.split('/').filter(Boolean).pop() ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** The in-app path of the manage page for a manageUrl (same origin, whatever host the server put in it). */
export function managePath(manageUrl: string): string {
  return `/manage/${encodeURIComponent(tokenFromManageUrl(manageUrl))}`;
}
