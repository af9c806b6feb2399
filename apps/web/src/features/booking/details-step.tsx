import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import type { ApiError, Slot } from '../../lib/api.ts';
import { Alternatives } from './alternatives.tsx';

export interface ClientDetails {
  name: string;
  email: string;
  phone: string;
  notes: string;
}

export const emptyDetails: ClientDetails = { name: '', email: '', phone: '', notes: '' };

type FieldKey = keyof ClientDetails;

/** API field paths (`client.email`) → the form's fields. */
const FIELD_OF: Record<string, FieldKey> = {
  'client.name': 'name',
  'client.email': 'email',
  'client.phone': 'phone',
  notes: 'notes',
  name: 'name',
  email: 'email',
  phone: 'phone',
};

export function splitFieldErrors(error: ApiError | null): {
  byField: Partial<Record<FieldKey, string>>;
  other: string[];
} {
  const byField: Partial<Record<FieldKey, string>> = {};
  const other: string[] = [];
  if (error?.code === 'VALIDATION_FAILED') {
    for (const e of error.errors ?? []) {
      const key = FIELD_OF[e.field];
      if (key) byField[key] = byField[key] ? `${byField[key]} ${e.message}` : e.message;
      else other.push(e.field ? `${e.field}: ${e.message}` : e.message);
    }
  }
  return { byField, other };
}

export function DetailsStep({
  heading,
  summary,
  policyNote,
  values,
  onChange,
  onSubmit,
  submitting,
  error,
  timezone,
  takenStart,
  onPickAlternative,
  onChooseAnotherTime,
}: {
  heading: ReactNode;
  summary: ReactNode;
  policyNote: string | null;
  values: ClientDetails;
  onChange: (values: ClientDetails) => void;
  onSubmit: () => void;
  submitting: boolean;
  error: ApiError | null;
  timezone: string;
  takenStart: string | null;
  onPickAlternative: (slot: Slot) => void;
  onChooseAnotherTime: () => void;
}) {
  const id = useId();
  const { byField, other } = splitFieldErrors(error);
  const slotTaken = error?.code === 'SLOT_UNAVAILABLE';
  const outsideWindow = error?.code === 'OUTSIDE_BOOKING_WINDOW';

  // On a new error, bring it into view: the first invalid field, or else the alert (the submit
  // button is at the bottom of a phone screen, the message at the top).
  const alertRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!error) return;
    const firstInvalid = (['name', 'email', 'phone', 'notes'] as const).find((k) => byField[k]);
    const target = firstInvalid ? document.getElementById(`${id}-${firstInvalid}`) : alertRef.current;
    target?.focus();
    // byField and id derive from error; re-run only when a new error arrives.
  }, [error]);

  const set = (key: FieldKey) => (e: { target: { value: string } }) =>
    onChange({ ...values, [key]: e.target.value });

  const describedBy = (key: FieldKey, hint?: string) =>
    [hint, byField[key] ? `${id}-${key}-error` : undefined].filter(Boolean).join(' ') || undefined;

  const fieldError = (key: FieldKey) =>
    byField[key] ? (
      <p id={`${id}-${key}-error`} className="field-error">
        {byField[key]}
      </p>
    ) : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!submitting) onSubmit();
  };

  return (
    <section>
      {heading}
      {summary}

      {slotTaken && (
        <div
          className="alert alert-warning"
          role="alert"
          data-testid="slot-taken"
          ref={alertRef}
          tabIndex={-1}
        >
          <p className="strong">Sorry, that time was just taken.</p>
          <Alternatives
            slots={error.alternatives ?? []}
            timezone={timezone}
            takenStart={takenStart}
            disabled={submitting}
            onPick={onPickAlternative}
          />
          <button type="button" className="btn btn-secondary" onClick={onChooseAnotherTime}>
            Choose another time
          </button>
        </div>
      )}

      {error && !slotTaken && (
        <div className="alert" role="alert" data-testid="booking-error" ref={alertRef} tabIndex={-1}>
          {error.code === 'VALIDATION_FAILED' ? (
            <p>Please check the highlighted fields.</p>
          ) : (
            <p>{error.detail}</p>
          )}
          {other.length > 0 && (
            <ul>
              {other.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
          {outsideWindow && (
            <button type="button" className="btn btn-secondary" onClick={onChooseAnotherTime}>
              Choose another time
            </button>
          )}
        </div>
      )}

      <form className="form" onSubmit={submit} aria-describedby={policyNote ? `${id}-policy` : undefined}>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            name="name"
            type="text"
            autoComplete="name"
            inputMode="text"
            autoCapitalize="words"
            required
            maxLength={200}
            value={values.name}
            onChange={set('name')}
            aria-invalid={byField.name ? true : undefined}
            aria-describedby={describedBy('name')}
          />
          {fieldError('name')}
        </div>

        <div className="field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input
            id={`${id}-email`}
            name="email"
            type="email"
            autoComplete="email"
            inputMode="email"
            autoCapitalize="off"
            spellCheck={false}
            required
            maxLength={320}
            value={values.email}
            onChange={set('email')}
            aria-invalid={byField.email ? true : undefined}
            aria-describedby={describedBy('email', `${id}-email-hint`)}
          />
          <p id={`${id}-email-hint`} className="hint">
            For your confirmation and the link to change or cancel.
          </p>
          {fieldError('email')}
        </div>

        <div className="field">
          <label htmlFor={`${id}-phone`}>Phone</label>
          <input
            id={`${id}-phone`}
            name="phone"
            type="tel"
            autoComplete="tel"
            inputMode="tel"
            required
            maxLength={40}
            value={values.phone}
            onChange={set('phone')}
            aria-invalid={byField.phone ? true : undefined}
            aria-describedby={describedBy('phone', `${id}-phone-hint`)}
          />
          <p id={`${id}-phone-hint`} className="hint">
            So the shop can reach you if something changes.
          </p>
          {fieldError('phone')}
        </div>

        <div className="field">
          <label htmlFor={`${id}-notes`}>Notes (optional)</label>
          <textarea
            id={`${id}-notes`}
            name="notes"
            rows={3}
            maxLength={1000}
            value={values.notes}
            onChange={set('notes')}
            aria-invalid={byField.notes ? true : undefined}
            aria-describedby={describedBy('notes')}
          />
          {fieldError('notes')}
        </div>

        {policyNote && (
          <p id={`${id}-policy`} className="muted small">
            {policyNote}
          </p>
        )}

        <button
          type="submit"
          className="btn btn-primary btn-block"
          disabled={submitting}
          aria-busy={submitting}
        >
          Book appointment
        </button>
        {submitting && (
          <p className="muted" role="status">
            Booking your appointment…
          </p>
        )}
      </form>
    </section>
  );
}
