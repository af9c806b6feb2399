// Formatting for money, durations, dates and times.
//
// Every time on the booking and manage pages is shown in the SHOP's IANA zone (never the
// visitor's), so a client travelling or booking from another zone sees the shop's clock. Dates
// that have no time ("2026-12-01", a day in the shop's calendar) are handled as plain calendar
// dates, with UTC arithmetic, so that DST changes can never move them.
//
// The locale is fixed to en-US for now: the accessible names the end-to-end tests use
// ("9:30 AM", "Tue, Dec 1") depend on it, and the product's first shops are in the US.

export const LOCALE = 'en-US';

/** A calendar date in some zone, as `YYYY-MM-DD`. */
export type LocalDate = string;

const formatters = new Map<string, Intl.DateTimeFormat>();

function dtf(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALE, { ...options, timeZone });
    formatters.set(key, f);
  }
  return f;
}

/**
 * ICU (Chrome 110+, Node 20) puts a narrow no-break space (U+202F) before "AM"/"PM" and may use
 * U+2009 around dashes. Normalise to plain spaces so labels and accessible names read "9:30 AM".
 */
function plainSpaces(s: string): string {
  return s.replace(/[\u00a0\u2009\u202f]/g, ' ');
}

function parts(date: Date, timeZone: string, options: Intl.DateTimeFormatOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of dtf(timeZone, options).formatToParts(date)) out[p.type] = p.value;
  return out;
}

// ---- money ---------------------------------------------------------------------------------

const moneyFormatters = new Map<string, Intl.NumberFormat>();

/** Formats integer minor units (cents) in an ISO 4217 currency: (3500, 'USD') → "$35.00". */
export function formatMoney(minor: number, currency: string): string {
  let f = moneyFormatters.get(currency);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE, { style: 'currency', currency });
    moneyFormatters.set(currency, f);
  }
  // The currency's own number of decimals: 2 for USD/EUR, 0 for JPY, 3 for KWD.
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return plainSpaces(f.format(minor / 10 ** digits));
}

/** 45 → "45 min", 60 → "1 hr", 75 → "1 hr 15 min". */
export function formatDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} hr` : `${h} hr ${m} min`;
}

// ---- calendar dates (no zone) -----------------------------------------------------------------

function dateToUtc(date: LocalDate): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, 12));
}

function utcToDate(d: Date): LocalDate {
  return d.toISOString().slice(0, 10);
}

/** Adds whole calendar days to a `YYYY-MM-DD` date. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = dateToUtc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return utcToDate(d);
}

/** The whole days from `a` to `b` (b − a). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((dateToUtc(b).getTime() - dateToUtc(a).getTime()) / 86_400_000);
}

/** `count` consecutive dates starting at `from`. */
export function dateRange(from: LocalDate, count: number): LocalDate[] {
  return Array.from({ length: count }, (_, i) => addDays(from, i));
}

/** "Tue, Dec 1" — the accessible name of a day button. */
export function formatDayLabel(date: LocalDate): string {
  return plainSpaces(
    dtf('UTC', { weekday: 'short', month: 'short', day: 'numeric' }).format(dateToUtc(date)),
  );
}

/** Pieces for a day chip: { weekday: "Tue", day: "1", month: "Dec" }. */
export function dayChipParts(date: LocalDate): { weekday: string; day: string; month: string } {
  const p = parts(dateToUtc(date), 'UTC', { weekday: 'short', month: 'short', day: 'numeric' });
  return { weekday: p.weekday ?? '', day: p.day ?? '', month: p.month ?? '' };
}

// ---- instants in the shop's zone ---------------------------------------------------------------

/** The calendar date of an instant in a zone. */
export function localDateOf(instant: string | Date, timeZone: string): LocalDate {
  const p = parts(new Date(instant), timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' });
  return `${p.year}-${p.month}-${p.day}`;
}

/** The shop's "today". */
export function todayIn(timeZone: string, now: Date = new Date()): LocalDate {
  return localDateOf(now, timeZone);
}

/** The hour (0–23) of an instant on the zone's wall clock. */
export function hourOf(instant: string, timeZone: string): number {
  const p = parts(new Date(instant), timeZone, { hour: '2-digit', hourCycle: 'h23' });
  return Number(p.hour) % 24;
}

/** Three-letter weekday key of the zone's today, as in `openingHours`: "mon" … "sun". */
export function weekdayKeyIn(timeZone: string, now: Date = new Date()): string {
  const p = parts(now, timeZone, { weekday: 'short' });
  return (p.weekday ?? '').slice(0, 3).toLowerCase();
}

/** "9:30 AM" in the shop's zone. */
export function formatTime(instant: string, timeZone: string): string {
  return plainSpaces(dtf(timeZone, { hour: 'numeric', minute: '2-digit' }).format(new Date(instant)));
}

/** "Tue, Dec 1" for an instant, in the shop's zone. */
export function formatShortDate(instant: string, timeZone: string): string {
  return plainSpaces(
    dtf(timeZone, { weekday: 'short', month: 'short', day: 'numeric' }).format(new Date(instant)),
  );
}

/** "Tuesday, December 1, 2026" for an instant, in the shop's zone. */
export function formatLongDate(instant: string, timeZone: string): string {
  return plainSpaces(
    dtf(timeZone, { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' }).format(
      new Date(instant),
    ),
  );
}

/** "Tue, Dec 1 at 9:30 AM" in the shop's zone. */
export function formatShortDateTime(instant: string, timeZone: string): string {
  return `${formatShortDate(instant, timeZone)} at ${formatTime(instant, timeZone)}`;
}

/** "EST" / "GMT+5:45": the zone's short name at that instant. */
export function zoneAbbreviation(instant: string, timeZone: string): string {
  const p = parts(new Date(instant), timeZone, { hour: 'numeric', timeZoneName: 'short' });
  return p.timeZoneName ?? timeZone;
}

/** The visitor's own zone, or null when the browser will not say. */
export function browserTimeZone(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}

/** Whether two IANA names denote the same zone rules (e.g. "US/Eastern" and "America/New_York"). */
export function sameZone(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    const ca = new Intl.DateTimeFormat(LOCALE, { timeZone: a }).resolvedOptions().timeZone;
    const cb = new Intl.DateTimeFormat(LOCALE, { timeZone: b }).resolvedOptions().timeZone;
    return ca === cb;
  } catch {
    return false;
  }
}

/** "09:00" → "9:00 AM" (an opening-hours wall-clock time). */
export function formatWallTime(hhmm: string): string {
  const [hs, ms] = hhmm.split(':');
  const h = Number(hs) % 24;
  const m = Number(ms ?? 0);
  const suffix = h < 12 ? 'AM' : 'PM';
  return `${h % 12 === 0 ? 12 : h % 12}:${String(m).padStart(2, '0')} ${suffix}`;
}

/** Part of the day a slot falls in, on the shop's wall clock. */
export type DayPart = 'Morning' | 'Afternoon' | 'Evening';

export function dayPartOf(instant: string, timeZone: string): DayPart {
  const h = hourOf(instant, timeZone);
  if (h < 12) return 'Morning';
  if (h < 17) return 'Afternoon';
  return 'Evening';
}

/** A `tel:` href from a display phone number ("+1 212 555 0134" → "tel:+12125550134"). */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

/** Initials for an avatar: "Marcus Lee" → "ML". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0]?.[0] ?? '';
  const last = words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase() || '?';
}
