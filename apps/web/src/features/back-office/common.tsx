// Shared pieces of the back-office screens: the API shapes, field errors from the server next to
// their field, the "saved" confirmation, money in major units, and the hours editors (weekly
// windows, date overrides). Hours are "HH:MM" in the shop's zone.

import { useId, type ReactNode } from 'react';
import { isApiError, type ApiError } from '../../lib/api.ts';

export type Window = [string, string];
export type WeekKey = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEK: Array<{ key: WeekKey; label: string }> = [
  { key: 'mon', label: 'Monday' },
  { key: 'tue', label: 'Tuesday' },
  { key: 'wed', label: 'Wednesday' },
  { key: 'thu', label: 'Thursday' },
  { key: 'fri', label: 'Friday' },
  { key: 'sat', label: 'Saturday' },
  { key: 'sun', label: 'Sunday' },
];
export type WeeklyHours = Record<WeekKey, Window[]>;
export interface DateOverride {
  date: string;
  windows: Window[];
}

/** Query keys of the back office, per location. */
export const boKey = (locationId: string, what: string) => ['back-office', locationId, what] as const;

/** The server's field errors of a failed request (VALIDATION_FAILED), by field path. */
export function fieldErrors(error: unknown): Array<{ field: string; message: string }> {
  return isApiError(error) && error.code === 'VALIDATION_FAILED' ? (error.errors ?? []) : [];
}

/** The messages for a field and everything under it (`openingHours.mon` also gets `openingHours.mon.1`). */
export function errorFor(error: unknown, field: string): string | undefined {
  const list = fieldErrors(error).filter((e) => e.field === field || e.field.startsWith(`${field}.`));
  return list.length ? list.map((e) => e.message).join(' ') : undefined;
}

/** An error message next to its field (announced when it appears). */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="field-error" id={id} role="alert">
      {message}
    </p>
  );
}

/** The outcome of the last action: a confirmation, or the problem (field errors are shown at the fields). */
export function Outcome({ error, saved }: { error: unknown; saved: string | null }) {
  if (error) {
    const e = error as ApiError;
    const fields = fieldErrors(error);
    // Errors about the whole request (no single field to show them next to).
    const general = fields.filter((f) => f.field === 'body' || f.field === '');
    return (
      <p className="alert" role="alert">
        {general.length
          ? general.map((f) => f.message).join(' ')
          : fields.length
            ? 'Some fields need a look: see the messages next to them.'
            : (e.detail ?? e.message)}
      </p>
    );
  }
  if (saved)
    return (
      <p className="notice bo-saved" role="status">
        {saved}
      </p>
    );
  return null;
}

/** A labelled input with its server error. */
export function TextField(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  type?: string;
  hint?: string;
  inputMode?: 'decimal' | 'numeric' | 'text' | 'tel';
  required?: boolean;
  min?: number;
  step?: string;
}) {
  const id = useId();
  const errId = `${id}-err`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.hint && <p className="hint">{props.hint}</p>}
      <input
        id={id}
        type={props.type ?? 'text'}
        value={props.value}
        inputMode={props.inputMode}
        required={props.required}
        min={props.min}
        step={props.step}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? errId : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <FieldError id={errId} message={props.error} />
    </div>
  );
}

/** Digits after the point in a currency (USD 2, JPY 0). */
export function currencyDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
}

/** Minor units → "35.00" for an input. */
export function toMajor(minor: number, currency: string): string {
  return (minor / 10 ** currencyDigits(currency)).toFixed(currencyDigits(currency));
}

/** "35.5" → 3550 minor units; null when it is not an amount. */
export function toMinor(major: string, currency: string): number | null {
  const s = major.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(s)) return null;
  return Math.round(Number(s) * 10 ** currencyDigits(currency));
}

/** Minor units → "$35.00". */
export function formatMoney(minor: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(
    minor / 10 ** currencyDigits(currency),
  );
}

/** The windows of one day, editable: add, change, remove. */
export function WindowsEditor(props: {
  label: string;
  windows: Window[];
  onChange: (w: Window[]) => void;
  error?: string | undefined;
  emptyText?: string;
}) {
  const id = useId();
  const set = (i: number, j: 0 | 1, v: string) =>
    props.onChange(props.windows.map((w, k) => (k === i ? (j === 0 ? [v, w[1]] : [w[0], v]) : w)));
  const last = props.windows.at(-1);
  return (
    <fieldset className="bo-day" aria-describedby={props.error ? `${id}-err` : undefined}>
      <legend>{props.label}</legend>
      {props.windows.length === 0 && <p className="hint">{props.emptyText ?? 'Closed'}</p>}
      {props.windows.map((w, i) => (
        <div className="bo-window" key={i}>
          <label>
            <span className="visually-hidden">
              {props.label} window {i + 1} from
            </span>
            <input type="time" value={w[0]} onChange={(e) => set(i, 0, e.target.value)} required />
          </label>
          <span aria-hidden="true">–</span>
          <label>
            <span className="visually-hidden">
              {props.label} window {i + 1} until
            </span>
            <input
              type="time"
              value={w[1] === '24:00' ? '23:59' : w[1]}
              onChange={(e) => set(i, 1, e.target.value)}
              required
            />
          </label>
          <button
            type="button"
            className="btn btn-quiet"
            onClick={() => props.onChange(props.windows.filter((_, k) => k !== i))}
          >
            Remove
            <span className="visually-hidden">
              {' '}
              {props.label} window {i + 1}
            </span>
          </button>
        </div>
      ))}
      <button
        type="button"
        className="btn btn-secondary bo-small"
        onClick={() =>
          props.onChange([
            ...props.windows,
            last ? [last[1], last[1] < '17:00' ? '18:00' : '23:00'] : ['09:00', '17:00'],
          ])
        }
      >
        Add hours<span className="visually-hidden"> on {props.label}</span>
      </button>
      <FieldError id={`${id}-err`} message={props.error} />
    </fieldset>
  );
}

/** Weekly hours: a windows editor per weekday. A break is a gap between two windows. */
export function WeekEditor(props: {
  hours: WeeklyHours;
  onChange: (h: WeeklyHours) => void;
  error: unknown;
  field: string;
  emptyText?: string;
}) {
  return (
    <div className="bo-week">
      {WEEK.map((d) => (
        <WindowsEditor
          key={d.key}
          label={d.label}
          windows={props.hours[d.key] ?? []}
          emptyText={props.emptyText}
          error={errorFor(props.error, `${props.field}.${d.key}`)}
          onChange={(w) => props.onChange({ ...props.hours, [d.key]: w })}
        />
      ))}
    </div>
  );
}

/** Date overrides: a date closed all day, or with special hours. */
export function OverridesEditor(props: {
  list: DateOverride[];
  onChange: (l: DateOverride[]) => void;
  error: unknown;
  field: string;
  closedText: string;
}) {
  const today = new Date().toLocaleDateString('en-CA');
  return (
    <div className="bo-overrides">
      {props.list.length === 0 && <p className="hint">None yet.</p>}
      {props.list.map((o, i) => {
        const change = (next: DateOverride) => props.onChange(props.list.map((x, k) => (k === i ? next : x)));
        const dateErr = errorFor(props.error, `${props.field}.${i}.date`);
        return (
          <div className="bo-override" key={i}>
            <label className="field">
              <span>Date</span>
              <input
                type="date"
                value={o.date}
                aria-invalid={dateErr ? true : undefined}
                onChange={(e) => change({ ...o, date: e.target.value })}
                required
              />
            </label>
            {dateErr && <p className="field-error">{dateErr}</p>}
            <label className="bo-check">
              <input
                type="checkbox"
                checked={o.windows.length === 0}
                onChange={(e) => change({ ...o, windows: e.target.checked ? [] : [['10:00', '14:00']] })}
              />
              {props.closedText}
            </label>
            {o.windows.length > 0 && (
              <WindowsEditor
                label={`Hours on ${o.date || 'this date'}`}
                windows={o.windows}
                error={errorFor(props.error, `${props.field}.${i}.windows`)}
                onChange={(w) => change({ ...o, windows: w })}
              />
            )}
            <button
              type="button"
              className="btn btn-quiet"
              onClick={() => props.onChange(props.list.filter((_, k) => k !== i))}
            >
              Remove {o.date || 'this date'}
            </button>
          </div>
        );
      })}
      <button
        type="button"
        className="btn btn-secondary bo-small"
        onClick={() => props.onChange([...props.list, { date: today, windows: [] }])}
      >
        Add a date
      </button>
    </div>
  );
}

/** A page section with a heading. */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="bo-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** Weekly hours with every day present. */
export function fullWeek(h: Partial<Record<string, Window[]>>): WeeklyHours {
  return Object.fromEntries(WEEK.map((d) => [d.key, h[d.key] ?? []])) as WeeklyHours;
}

/** Time inputs give "HH:MM"; "23:59" as an end stands for midnight ("24:00"). */
export function normalizeWeek(h: WeeklyHours): WeeklyHours {
  return Object.fromEntries(
    WEEK.map((d) => [d.key, (h[d.key] ?? []).map(([a, b]) => [a, b === '23:59' ? '24:00' : b] as Window)]),
  ) as WeeklyHours;
}

/** Date overrides with "23:59" ends sent as midnight ("24:00"), like {@link normalizeWeek}. */
export function normalizeOverrides(list: DateOverride[]): DateOverride[] {
  return list.map((o) => ({
    date: o.date,
    windows: o.windows.map(([a, b]) => [a, b === '23:59' ? '24:00' : b] as Window),
  }));
}
