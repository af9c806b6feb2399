/**
 * Client emails (confirmation, reschedule, cancellation) rendered as text + HTML with an .ics
 * calendar attachment (RFC 5545, built by the `ics` library).
 */
import { createEvent } from 'ics';
import type { AppointmentView } from './appointment-view.ts';
import type { EmailMessage } from '../repositories/outbox.repository.ts';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** "Tuesday, December 1, 2026 at 9:30 AM" in the location's zone. */
export function formatWhen(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(iso));
}

/** Minor units → "$35.00" in the given ISO 4217 currency. */
export function formatMoney(minor: number, currency: string): string {
  const nf = new Intl.NumberFormat('en-US', { style: 'currency', currency });
  const digits = nf.resolvedOptions().maximumFractionDigits ?? 2;
  return nf.format(minor / 10 ** digits);
}

/**
 * The appointment as an iCalendar event (METHOD:PUBLISH, or CANCEL when cancelled).
 * UID is stable per appointment and SEQUENCE grows with each change so calendars update in place.
 * @throws Error when the ics library refuses the event.
 */
export function appointmentIcs(view: AppointmentView, sequence: number): string {
  const cancelled = view.status === 'cancelled';
  const { error, value } = createEvent({
    uid: `${view.id}@bookedbarber`,
    sequence,
    method: cancelled ? 'CANCEL' : 'PUBLISH',
    status: cancelled ? 'CANCELLED' : 'CONFIRMED',
    start: Date.parse(view.start),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: Date.parse(view.end),
    endInputType: 'utc',
    endOutputType: 'utc',
    title: `${view.services.map((s) => s.name).join(' + ')} with ${view.barber.name} at ${view.location.name}`,
    description: `Change or cancel: ${view.manageUrl}`,
    location: view.location.address,
    url: view.manageUrl,
    productId: 'bookedbarber/ics',
  });
  if (error || !value) throw error ?? new Error('Could not build the calendar file');
  return value;
}

type Kind = 'confirmation' | 'reschedule' | 'cancellation';

const SUBJECTS: Record<Kind, (v: AppointmentView) => string> = {
  confirmation: (v) => `Booked: ${v.location.name}, ${formatWhen(v.start, v.timezone)}`,
  reschedule: (v) => `Moved: ${v.location.name}, now ${formatWhen(v.start, v.timezone)}`,
  cancellation: (v) => `Cancelled: ${v.location.name}, ${formatWhen(v.start, v.timezone)}`,
};

const LEADS: Record<Kind, string> = {
  confirmation: 'your appointment is booked.',
  reschedule: 'your appointment has a new time.',
  cancellation: 'your appointment is cancelled.',
};

/**
 * Renders one client email for this appointment.
 * @param to the client's email address.
 * @param sequence the iCalendar SEQUENCE (number of changes so far).
 */
export function renderEmail(kind: Kind, view: AppointmentView, to: string, sequence: number): EmailMessage {
  const when = formatWhen(view.start, view.timezone);
  const services = view.services.map((s) => s.name).join(' + ');
  const total = formatMoney(view.totalMinor, view.currency);
  const lines = [
    `Hi ${view.client.name}, ${LEADS[kind]}`,
    '',
    `When: ${when}`,
    `Barber: ${view.barber.name}`,
    `Services: ${services}`,
    `Total: ${total} (pay at the shop)`,
    `Where: ${view.location.name}, ${view.location.address}`,
    `Phone: ${view.location.phone}`,
    '',
    kind === 'cancellation' ? `Book again: ${view.bookAgainUrl}` : `Change or cancel: ${view.manageUrl}`,
  ];
  const e = escapeHtml;
  const link =
    kind === 'cancellation'
      ? `<a href="${e(view.bookAgainUrl)}">Book again</a>`
      : `<a href="${e(view.manageUrl)}">Change or cancel</a>`;
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5">
<p>Hi ${e(view.client.name)}, ${e(LEADS[kind])}</p>
<table role="presentation">
<tr><th align="left">When</th><td>${e(when)}</td></tr>
<tr><th align="left">Barber</th><td>${e(view.barber.name)}</td></tr>
<tr><th align="left">Services</th><td>${e(services)}</td></tr>
<tr><th align="left">Total</th><td>${e(total)} (pay at the shop)</td></tr>
<tr><th align="left">Where</th><td>${e(view.location.name)}, ${e(view.location.address)}</td></tr>
<tr><th align="left">Phone</th><td><a href="tel:${e(view.location.phone.replace(/[^\d+]/g, ''))}">${e(view.location.phone)}</a></td></tr>
</table>
<p>${link}</p>
</body></html>`;
  return {
    to,
    subject: SUBJECTS[kind](view),
    text: lines.join('\n'),
    html,
    manageUrl: view.manageUrl,
    attachments: [
      {
        filename: 'appointment.ics',
        contentType: `text/calendar; charset=utf-8; method=${kind === 'cancellation' ? 'CANCEL' : 'PUBLISH'}`,
        content: appointmentIcs(view, sequence),
      },
    ],
  };
}
