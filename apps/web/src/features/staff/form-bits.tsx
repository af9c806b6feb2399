// Small form pieces shared by the sign-in screens and the calendar's dialogs: a labelled field with
// its hint and the server's field-level error next to it, and a page shell for signed-out screens.

import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import { isApiError, type FieldError } from '../../lib/api.ts';

/** The server's field errors of a failed request (VALIDATION_FAILED), by field name. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isApiError(error)) for (const e of error.errors ?? ([] as FieldError[])) out[e.field] ??= e.message;
  return out;
}

/** A message for an error that is not about one field (or the field-less summary of one that is). */
export function messageOf(error: unknown): string {
  if (isApiError(error)) return error.detail;
  return error instanceof Error ? error.message : 'Something went wrong. Please try again.';
}

/** Props of {@link Field}: an input's props plus its label, hint and error. */
export interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
}

/** A labelled input; the hint and the error are tied to it with aria-describedby. */
export function Field({ label, hint, error, id: givenId, ...input }: FieldProps) {
  const auto = useId();
  const id = givenId ?? auto;
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        {...input}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
      />
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** The frame of a signed-out screen (sign-in, reset, invite, two-factor enrolment). */
export function AuthShell({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth-page" id="main">
      <div className="auth-card">
        <p className="auth-brand">BookedBarber · Staff</p>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

/** A form-level error (role=alert so screen readers announce it). */
export function FormAlert({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <div className="alert" role="alert">
      {message}
    </div>
  );
}
