/**
 * Staff account emails: password reset and staff invite, as text + HTML. The link carries the
 * token in the URL fragment (#token=…), which browsers never send to a server, so it stays out
 * of access logs and Referer headers.
 */
import type { EmailMessage } from '../repositories/outbox.repository.ts';
import { escapeHtml } from './messages.ts';

function html(paragraphs: string[], link: { href: string; label: string }): string {
  const e = escapeHtml;
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5">
${paragraphs.map((p) => `<p>${e(p)}</p>`).join('\n')}
<p><a href="${e(link.href)}">${e(link.label)}</a></p>
</body></html>`;
}

/**
 * The password reset email.
 * @param link `${PUBLIC_URL}/app/reset-password#token=…`; valid for `validMinutes`.
 */
export function passwordResetEmail(
  to: string,
  name: string,
  link: string,
  validMinutes: number,
): EmailMessage {
  const lines = [
    `Hi ${name},`,
    `Someone (hopefully you) asked to reset the password of your BookedBarber account. The link works once, for ${validMinutes} minutes.`,
    'If it was not you, ignore this email: your password stays as it is.',
  ];
  return {
    to,
    subject: 'Reset your BookedBarber password',
    text: [...lines, '', `Reset your password: ${link}`].join('\n'),
    html: html(lines, { href: link, label: 'Reset your password' }),
  };
}

/**
 * The staff invite email.
 * @param link `${PUBLIC_URL}/app/invite#token=…`; valid for `validDays`.
 */
export function inviteEmail(
  to: string,
  opts: { name: string; inviter: string; place: string; role: string; link: string; validDays: number },
): EmailMessage {
  const lines = [
    `Hi ${opts.name},`,
    `${opts.inviter} invited you to join ${opts.place} on BookedBarber as ${opts.role}.`,
    `The link works once, for ${opts.validDays} days.`,
  ];
  return {
    to,
    subject: `You are invited to ${opts.place} on BookedBarber`,
    text: [...lines, '', `Accept the invite: ${opts.link}`].join('\n'),
    html: html(lines, { href: opts.link, label: 'Accept the invite' }),
  };
}
