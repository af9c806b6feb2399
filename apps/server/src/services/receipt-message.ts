/**
 * The receipt email a client gets when their checkout is paid (issue 4, "Checkout": "a receipt
 * email"), as text and HTML. Amounts are minor units formatted in the checkout's currency.
 */
import type { EmailMessage } from '../repositories/outbox.repository.ts';
import { escapeHtml, formatMoney, formatWhen } from './messages.ts';

/** What a receipt shows. */
export interface ReceiptData {
  to: string;
  clientName: string;
  locationName: string;
  locationAddress: string;
  locationPhone: string;
  /** Appointment start, ISO 8601. */
  start: string;
  timezone: string;
  barberName: string;
  currency: string;
  lines: Array<{ name: string; priceMinor: number }>;
  subtotalMinor: number;
  discountMinor: number;
  taxMinor: number;
  tipMinor: number;
  totalMinor: number;
  depositAppliedMinor: number;
  /** Paid at checkout, minor units. */
  dueMinor: number;
  method: 'cash' | 'card' | 'card_on_file' | 'none';
}

const METHOD_NAMES: Record<ReceiptData['method'], string> = {
  cash: 'cash',
  card: 'card',
  card_on_file: 'card on file',
  none: 'nothing due',
};

/** Renders the receipt email. */
export function renderReceipt(r: ReceiptData): EmailMessage {
  const m = (v: number) => formatMoney(v, r.currency);
  const when = formatWhen(r.start, r.timezone);
  const rows: Array<[string, string]> = [
    ...r.lines.map((l): [string, string] => [l.name, m(l.priceMinor)]),
    ['Subtotal', m(r.subtotalMinor)],
    ...(r.discountMinor > 0 ? [['Discount', `−${m(r.discountMinor)}`] as [string, string]] : []),
    ['Tax', m(r.taxMinor)],
    [`Tip for ${r.barberName}`, m(r.tipMinor)],
    ['Total', m(r.totalMinor)],
    ...(r.depositAppliedMinor > 0
      ? [['Deposit already paid', `−${m(r.depositAppliedMinor)}`] as [string, string]]
      : []),
    [`Paid now (${METHOD_NAMES[r.method]})`, m(r.dueMinor)],
  ];
  const text = [
    `Hi ${r.clientName}, thank you for your visit. Here is your receipt.`,
    '',
    `When: ${when}`,
    `Barber: ${r.barberName}`,
    '',
    ...rows.map(([k, v]) => `${k}: ${v}`),
    '',
    `${r.locationName}, ${r.locationAddress}`,
    `Phone: ${r.locationPhone}`,
  ].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5">
<p>Hi ${e(r.clientName)}, thank you for your visit. Here is your receipt.</p>
<p>${e(when)} with ${e(r.barberName)}</p>
<table role="presentation">
${rows.map(([k, v]) => `<tr><th align="left">${e(k)}</th><td align="right">${e(v)}</td></tr>`).join('\n')}
</table>
<p>${e(r.locationName)}, ${e(r.locationAddress)} · ${e(r.locationPhone)}</p>
</body></html>`;
  return { to: r.to, subject: `Receipt: ${r.locationName}, ${when}`, text, html };
}
