/**
 * Client emails and calendar files (src/services/messages.ts), without a database.
 */
import { describe, expect, it } from 'vitest';
import type { AppointmentView } from '../../src/services/appointment-view.ts';
import {
  appointmentIcs,
  escapeHtml,
  formatMoney,
  formatWhen,
  renderEmail,
} from '../../src/services/messages.ts';

const view: AppointmentView = {
  id: '3f1c2d4e-0000-4000-8000-000000000001',
  status: 'confirmed',
  start: '2026-12-08T10:00:00-05:00',
  end: '2026-12-08T10:45:00-05:00',
  timezone: 'America/New_York',
  barber: { id: 'b1', name: 'Ana' },
  services: [
    { id: 's1', name: 'Cut', durationMinutes: 30, priceMinor: 3000 },
    { id: 's2', name: 'Beard', durationMinutes: 15, priceMinor: 1500 },
  ],
  totalMinor: 4500,
  currency: 'USD',
  location: { slug: 'test-cuts', name: 'Test & Cuts', phone: '+1 (212) 555-0199', address: '1 Test St' },
  client: { name: '<img src=x onerror=alert(1)> "Zoë"' },
  notes: null,
  changeDeadline: '2026-12-07T10:00:00-05:00',
  canChange: true,
  manageUrl: 'http://bookedbarber.test/manage/abc_DEF-123',
  bookAgainUrl: 'http://bookedbarber.test/test-cuts',
};

const unfold = (ics: string) => ics.replace(/\r?\n[ \t]/g, '');

describe('escapeHtml', () => {
  it('escapes the five HTML special characters and nothing else', () => {
    expect(escapeHtml(`<a href="x">'&'</a> Zoë 李`)).toBe(
      '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62; Zoë 李',
    );
  });
});

describe('formatMoney and formatWhen', () => {
  it('formats minor units in the currency', () => {
    expect(formatMoney(4500, 'USD')).toBe('$45.00');
    expect(formatMoney(3000, 'JPY')).toBe('¥3,000');
    expect(formatMoney(1234, 'EUR')).toBe('€12.34');
  });

  it("formats the start in the shop's zone", () => {
    expect(formatWhen('2026-12-08T10:00:00-05:00', 'America/New_York').replace(/\s/g, ' ')).toBe(
      'Tuesday, December 8, 2026 at 10:00 AM EST',
    );
    expect(formatWhen('2026-12-08T15:00:00Z', 'Asia/Kathmandu').replace(/\s/g, ' ')).toMatch(
      /^Tuesday, December 8, 2026 at 8:45 PM GMT\+5:45$/,
    );
  });
});

describe('appointmentIcs', () => {
  it('is an RFC 5545 event in UTC with a stable UID and the sequence', () => {
    const ics = unfold(appointmentIcs(view, 2));
    expect(ics).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(ics).toContain('METHOD:PUBLISH');
    expect(ics).toContain('DTSTART:20261208T150000Z');
    expect(ics).toContain('DTEND:20261208T154500Z');
    expect(ics).toContain(`UID:${view.id}@bookedbarber`);
    expect(ics).toContain('SEQUENCE:2');
    expect(ics).toContain('STATUS:CONFIRMED');
    expect(ics).toContain(view.manageUrl);
    expect(ics).toMatch(/END:VCALENDAR\r\n$/);
  });

  it('cancels the event when the appointment is cancelled', () => {
    const ics = unfold(appointmentIcs({ ...view, status: 'cancelled' }, 3));
    expect(ics).toContain('METHOD:CANCEL');
    expect(ics).toContain('STATUS:CANCELLED');
  });
});

describe('renderEmail', () => {
  it('renders a confirmation: subject, text with the manage link, escaped HTML, an .ics', () => {
    const m = renderEmail('confirmation', view, 'client@example.com', 0);
    expect(m.to).toBe('client@example.com');
    expect(m.subject.replace(/\s/g, ' ')).toBe(
      'Booked: Test & Cuts, Tuesday, December 8, 2026 at 10:00 AM EST',
    );
    expect(m.text).toContain(`Hi ${view.client.name}, your appointment is booked.`);
    expect(m.text).toContain('Services: Cut + Beard');
    expect(m.text).toContain('Total: $45.00 (pay at the shop)');
    expect(m.text).toContain(`Change or cancel: ${view.manageUrl}`);
    expect(m.html).not.toContain('<img');
    expect(m.html).toContain('&#60;img src=x onerror=alert(1)&#62; &#34;Zoë&#34;');
    expect(m.html).toContain('Test &#38; Cuts');
    expect(m.html).toContain(`<a href="${view.manageUrl}">`);
    expect(m.html).toContain('href="tel:+12125550199"');
    expect(m.manageUrl).toBe(view.manageUrl);
    expect(m.attachments).toHaveLength(1);
    expect(m.attachments![0]).toMatchObject({
      filename: 'appointment.ics',
      contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
    });
  });

  it('renders a cancellation with a book-again link instead of the manage link', () => {
    const m = renderEmail('cancellation', { ...view, status: 'cancelled' }, 'c@example.com', 1);
    expect(m.subject).toMatch(/^Cancelled: /);
    expect(m.text).toContain(`Book again: ${view.bookAgainUrl}`);
    expect(m.text).not.toContain(view.manageUrl);
    expect(m.html).not.toContain(view.manageUrl);
    expect(m.attachments![0]!.contentType).toContain('method=CANCEL');
  });

  it('renders a reschedule with the new time', () => {
    const m = renderEmail('reschedule', view, 'c@example.com', 1);
    expect(m.subject).toMatch(/^Moved: Test & Cuts, now Tuesday/);
    expect(unfold(m.attachments![0]!.content)).toContain('SEQUENCE:1');
  });
});
