/**
 * The outbox job and the mail port: messages written by the booking transaction are delivered by
 * SMTP (a real SMTP server in the test), retried with back-off when the server is down, and written
 * as .eml files when no SMTP_URL is set.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.ts';
import { startOutboxWorker } from '../../src/jobs/outbox.job.ts';
import { enqueueEmail, type EmailMessage } from '../../src/repositories/outbox.repository.ts';
import { book, bookingBody, someClient, tokenOf } from '../support/api.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { parseMime, partOf, startSmtp, type TestSmtp } from '../support/mail.ts';

// The app clock is months behind the real (database) clock on purpose: messages must become due
// by the app's clock, not by the database's now().
const NOW = '2026-03-02T08:00:00-05:00';
let smtp: TestSmtp;
let t: TestApp;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await createTestApp({ now: NOW, env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}` } });
});
afterAll(async () => {
  await t?.close();
  await smtp?.stop();
});

/** The outbox row of the message to `to` (sent rows keep `to` and `subject`). */
async function outboxRow(to: string) {
  const rows = await t.runtime.database.db.select().from(outbox);
  const row = rows.find((r) => (r.payload as { to?: string }).to === to);
  if (!row) throw new Error(`No outbox message to ${to}`);
  return row;
}

describe('SMTP delivery', () => {
  it('delivers the confirmation: to the client, text and HTML, an .ics, the manage link', async () => {
    const res = await book(
      t,
      bookingBody(t, '2026-03-03T10:00:00-05:00', {
        client: { name: 'Mia Mail', email: 'mia@example.com', phone: '+1 212 555 0100' },
      }),
    );
    expect(res.statusCode, res.body).toBe(201);
    const { manageUrl, id } = res.json();
    // The commit already woke the worker; drain() waits for it (or runs it) until nothing is due.
    await t.runtime.outbox.drain();
    expect(smtp.messages.length).toBe(1);
    const received = smtp.messages[0]!;
    expect(received.to).toEqual(['mia@example.com']);
    expect(received.from).toBe('bookings@bookedbarber.local');

    const mail = parseMime(received.raw);
    expect(mail.headers.to).toBe('mia@example.com');
    expect(mail.headers.from).toContain('bookings@bookedbarber.local');
    expect(mail.headers.subject?.replace(/\s/g, ' ')).toBe(
      'Booked: Test Cuts, Tuesday, March 3, 2026 at 10:00 AM EST',
    );
    const text = partOf(mail, 'text/plain')!;
    const html = partOf(mail, 'text/html')!;
    const ics = partOf(mail, 'text/calendar')!;
    expect(text.body).toContain(`Change or cancel: ${manageUrl}`);
    expect(text.body).toContain('Hi Mia Mail, your appointment is booked.');
    expect(text.body).toContain('Total: $30.00 (pay at the shop)');
    expect(html.body).toContain(`href="${manageUrl}"`);
    expect(html.body).toContain('tel:+12125550199');
    expect(ics.contentType).toMatch(/method=PUBLISH/i);
    expect(ics.headers['content-disposition']).toMatch(/attachment; filename=.?appointment\.ics/);
    const cal = ics.body.replace(/\r?\n[ \t]/g, '');
    expect(cal).toContain('BEGIN:VEVENT');
    expect(cal).toContain('DTSTART:20260303T150000Z');
    expect(cal).toContain(`UID:${id}@bookedbarber`);
    expect(cal).toContain(manageUrl);

    // Sent: marked with the app's clock, the body (with its manage link) dropped.
    const row = await outboxRow('mia@example.com');
    expect(row.sentAt?.toISOString()).toBe(new Date(NOW).toISOString());
    expect(row.attempts).toBe(1);
    expect(row.payload).toEqual({ to: 'mia@example.com', subject: expect.stringMatching(/^Booked:/) });
    expect(JSON.stringify(row.payload)).not.toContain(tokenOf(manageUrl));
    // Nothing more to send.
    expect(await t.runtime.outbox.drain()).toBe(0);
    expect(smtp.messages.length).toBe(1);
  });

  it('escapes names in the HTML part and keeps them exact in the text part', async () => {
    const name = '<script>alert(1)</script> Zoë 李雷';
    const res = await book(
      t,
      bookingBody(t, '2026-03-03T11:00:00-05:00', {
        client: { name, email: 'xss@example.com', phone: '+1 212 555 0100' },
      }),
    );
    expect(res.statusCode).toBe(201);
    await t.runtime.outbox.drain();
    const mail = parseMime(smtp.messages.at(-1)!.raw);
    expect(partOf(mail, 'text/plain')!.body).toContain(`Hi ${name},`);
    const html = partOf(mail, 'text/html')!.body;
    expect(html).not.toContain('<script>');
    expect(html).toContain('Hi &#60;script&#62;alert(1)&#60;/script&#62; Zoë 李雷,');
  });

  it('sends "Moved" and "Cancelled" messages with updated calendar files', async () => {
    const before = smtp.messages.length;
    const res = await book(t, bookingBody(t, '2026-03-04T10:00:00-05:00', { client: someClient('moves') }));
    const token = tokenOf(res.json().manageUrl);
    const moved = await t.app.inject({
      method: 'POST',
      url: `/api/v1/manage/${token}/reschedule`,
      payload: { start: '2026-03-04T13:00:00-05:00' },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const cancelled = await t.app.inject({ method: 'POST', url: `/api/v1/manage/${token}/cancel` });
    expect(cancelled.statusCode).toBe(200);
    await t.runtime.outbox.drain();
    const sent = smtp.messages.slice(before).map((m) => parseMime(m.raw));
    // Sent in the order they were written.
    expect(sent.map((m) => m.headers.subject?.split(':')[0])).toEqual(['Booked', 'Moved', 'Cancelled']);
    const [booked, move, cancel] = sent;
    expect(booked!.headers.subject).toMatch(/^Booked:/);
    expect(move!.headers.subject).toMatch(/^Moved: Test Cuts, now Wednesday, March 4, 2026 at 1:00/);
    const moveIcs = partOf(move!, 'text/calendar')!.body.replace(/\r?\n[ \t]/g, '');
    expect(moveIcs).toContain('DTSTART:20260304T180000Z');
    expect(moveIcs).toContain('SEQUENCE:1');
    expect(cancel!.headers.subject).toMatch(/^Cancelled:/);
    expect(partOf(cancel!, 'text/plain')!.body).toContain('Book again: http://bookedbarber.test/test-cuts');
    const cancelIcs = partOf(cancel!, 'text/calendar')!;
    expect(cancelIcs.contentType).toMatch(/method=CANCEL/i);
    expect(cancelIcs.body).toContain('STATUS:CANCELLED');
    expect(cancelIcs.body).toContain('SEQUENCE:2');
  });

  it('retries with back-off while the SMTP server is down, then delivers', async () => {
    await smtp.stop();
    try {
      const res = await book(
        t,
        bookingBody(t, '2026-03-05T10:00:00-05:00', {
          client: { name: 'Retry', email: 'retry@example.com', phone: '+1 212 555 0100' },
        }),
      );
      expect(res.statusCode).toBe(201);
      expect(await t.runtime.outbox.drain()).toBe(0);
      let row = await outboxRow('retry@example.com');
      expect(row.sentAt).toBeNull();
      expect(row.attempts).toBe(1);
      expect(row.lastError).toBeTruthy();
      const now = new Date(NOW).getTime();
      expect(row.availableAt.getTime()).toBe(now + 5_000);
      // Not due yet: nothing is tried.
      expect(await t.runtime.outbox.drain()).toBe(0);
      expect((await outboxRow('retry@example.com')).attempts).toBe(1);
      // Due again: a second failure doubles the wait.
      t.clock.advance(0.1);
      expect(await t.runtime.outbox.drain()).toBe(0);
      row = await outboxRow('retry@example.com');
      expect(row.attempts).toBe(2);
      expect(row.sentAt).toBeNull();
      expect(row.availableAt.getTime()).toBe(now + 6_000 + 10_000);
    } finally {
      await smtp.restart();
    }
    const before = smtp.messages.length;
    expect(await t.runtime.outbox.drain()).toBe(0);
    t.clock.advance(1);
    expect(await t.runtime.outbox.drain()).toBe(1);
    expect(smtp.messages.length).toBe(before + 1);
    expect(smtp.messages.at(-1)!.to).toEqual(['retry@example.com']);
    const row = await outboxRow('retry@example.com');
    expect(row.sentAt).not.toBeNull();
    expect(row.attempts).toBe(3);
    expect(row.lastError).toBeNull();
    t.clock.set(NOW);
  });
});

describe('the outbox worker', () => {
  const message = (to: string): EmailMessage => ({ to, subject: 'S', text: 'T', html: '<p>H</p>' });

  it('gives up after 8 attempts, waiting 5 s × 2^attempt in between', async () => {
    const db = t.runtime.database.db;
    const tried: string[] = [];
    const worker = startOutboxWorker({
      db,
      mailer: {
        async send(m) {
          tried.push(m.to);
          throw new Error('mailbox unavailable');
        },
        close() {},
      },
      now: t.clock.now,
      intervalMs: 0,
      log: { warn: () => undefined },
    });
    try {
      await enqueueEmail(db, message('never@example.com'), t.clock.now());
      const waits: number[] = [];
      for (let i = 0; i < 10; i++) {
        await worker.drain();
        const row = await outboxRow('never@example.com');
        waits.push(row.availableAt.getTime() - t.clock.now().getTime());
        t.clock.set(row.availableAt.getTime());
      }
      expect(tried.filter((x) => x === 'never@example.com').length).toBe(8);
      expect(waits.slice(0, 8)).toEqual([5, 10, 20, 40, 80, 160, 320, 640].map((s) => s * 1000));
      const row = await outboxRow('never@example.com');
      expect(row.attempts).toBe(8);
      expect(row.sentAt).toBeNull();
      expect(row.lastError).toBe('mailbox unavailable');
    } finally {
      await worker.stop();
      t.clock.set(NOW);
    }
  });
});

describe('without SMTP_URL', () => {
  let plain: TestApp;
  beforeAll(async () => {
    plain = await createTestApp();
  });
  afterAll(async () => plain?.close());

  it('writes each message as an .eml file under DATA_DIR/outbox', async () => {
    const res = await book(
      plain,
      bookingBody(plain, '2026-12-08T10:00:00-05:00', {
        client: { name: 'File Only', email: 'file@example.com', phone: '+1 212 555 0100' },
      }),
    );
    expect(res.statusCode).toBe(201);
    await plain.runtime.outbox.drain();
    const dir = path.join(plain.runtime.ctx.config.dataDir, 'outbox');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.eml'));
    expect(files.length).toBe(1);
    expect(files[0]).toContain('file@example.com');
    const mail = parseMime(fs.readFileSync(path.join(dir, files[0]!), 'utf8'));
    expect(mail.headers.to).toBe('file@example.com');
    expect(mail.headers.subject).toMatch(/^Booked: Test Cuts/);
    expect(partOf(mail, 'text/plain')!.body).toContain(res.json().manageUrl);
    expect(partOf(mail, 'text/calendar')!.body).toContain('DTSTART:20261208T150000Z');
  });
});
