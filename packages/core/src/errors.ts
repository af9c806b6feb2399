/**
 * The one error catalogue (ARCHITECTURE.md, "errors"). Each code is stable and part of the API;
 * `http/problem.ts` in the server maps codes to HTTP statuses and RFC 9457 problem details.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'SLOT_UNAVAILABLE',
  'OUTSIDE_BOOKING_WINDOW',
  'CHANGE_WINDOW_PASSED',
  'IDEMPOTENCY_KEY_REUSED',
  'RATE_LIMITED',
  'INVALID_STATE',
  'STALE_UPDATE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'MFA_REQUIRED',
  'INVALID_CREDENTIALS',
  'ACCOUNT_LOCKED',
  'INTERNAL',
  'PAYMENTS_UNAVAILABLE',
  'PAYMENT_DECLINED',
  'PAYMENT_OVER_LIMIT',
  'PAYMENT_AMOUNT_MISMATCH',
  'PAYMENT_PROVIDER_ERROR',
  'WEBHOOK_SIGNATURE_INVALID',
  'NO_CARD_ON_FILE',
  'QUOTE_CHANGED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One invalid field: a dotted path into the request (e.g. "client.email") and a human message. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * A domain or request error with a stable code. `extra` members are copied into the problem
 * details body (e.g. `errors` for VALIDATION_FAILED, `alternatives` for SLOT_UNAVAILABLE).
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Shorthand for a VALIDATION_FAILED error naming the bad fields. */
export function validationError(errors: FieldError[], message = 'Some fields are invalid.'): AppError {
  return new AppError('VALIDATION_FAILED', message, { errors });
}
