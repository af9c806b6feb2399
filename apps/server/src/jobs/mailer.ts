/**
 * The mail port: SMTP through nodemailer when SMTP_URL is set, otherwise .eml files under
 * DATA_DIR/outbox (and a log line with the manage link) so the embedded default needs no account.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { EmailMessage } from '../repositories/outbox.repository.ts';

/** Sends one message or throws. */
export interface Mailer {
  send(message: EmailMessage): Promise<void>;
  close(): void;
}

/**
 * Builds the mailer from config.
 * @param opts.smtpUrl smtp(s):// URL; without it messages go to `opts.dataDir/outbox/*.eml`.
 */
export function createMailer(opts: {
  smtpUrl: string | undefined;
  dataDir: string;
  from: string;
  log: (msg: string, extra?: Record<string, unknown>) => void;
}): Mailer {
  const mail = (m: EmailMessage) => ({
    from: opts.from,
    to: m.to,
    subject: m.subject,
    text: m.text,
    html: m.html,
    attachments: (m.attachments ?? []).map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
    })),
  });
  if (opts.smtpUrl) {
    const transport = nodemailer.createTransport(opts.smtpUrl);
    return {
      async send(m) {
        await transport.sendMail(mail(m));
      },
      close: () => transport.close(),
    };
  }
  const dir = path.join(opts.dataDir, 'outbox');
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(m) {
      const info = await transport.sendMail(mail(m));
      await fs.mkdir(dir, { recursive: true });
      const file = path.join(
        dir,
        `${new Date().toISOString().replace(/[:.]/g, '-')}-${m.to.replace(/[^\w.@-]/g, '_')}.eml`,
      );
      await fs.writeFile(file, info.message as Buffer);
      opts.log(`email to ${m.to} written to ${file}`, { subject: m.subject, manageUrl: m.manageUrl });
    },
    close: () => transport.close(),
  };
}
