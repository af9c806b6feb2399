// What a cancel or reschedule costs under the shop's cancellation policy (issue 4), shown before
// the client confirms: "You will get $X back", "A late-cancellation fee of $Y applies", "No charge".
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ChangeQuote, type ApiError } from '../../lib/api.ts';
import { formatMoney } from '../../lib/format.ts';

export const quoteKey = (token: string, action: 'cancel' | 'reschedule') =>
  ['manage', token, 'change-quote', action] as const;

/** The quote for a change, fetched when the confirmation shows (never cached for long: tiers move). */
export function useChangeQuote(token: string, action: 'cancel' | 'reschedule', enabled = true) {
  return useQuery({
    queryKey: quoteKey(token, action),
    queryFn: ({ signal }) => api.changeQuote(token, action, signal),
    staleTime: 0,
    enabled,
  });
}

/** On 409 QUOTE_CHANGED the problem carries the new quote: show it instead of the old one. */
export function useQuoteChangedHandler(token: string, action: 'cancel' | 'reschedule') {
  const queryClient = useQueryClient();
  return (e: ApiError): boolean => {
    if (e.code !== 'QUOTE_CHANGED') return false;
    const next = e.raw?.quote as ChangeQuote | undefined;
    if (next) queryClient.setQueryData(quoteKey(token, action), next);
    else void queryClient.invalidateQueries({ queryKey: quoteKey(token, action) });
    return true;
  };
}

/** The sentences for a quote. */
export function quoteLines(q: ChangeQuote): string[] {
  const lines: string[] = [];
  const late = q.action === 'cancel' ? 'late-cancellation' : 'late-change';
  if (q.refundMinor > 0) lines.push(`You will get ${formatMoney(q.refundMinor, q.currency)} back.`);
  if (q.feeMinor > 0) lines.push(`A ${late} fee of ${formatMoney(q.feeMinor, q.currency)} applies.`);
  if (q.feeOwedMinor > 0)
    lines.push(`${formatMoney(q.feeOwedMinor, q.currency)} of it is payable at the shop.`);
  if (lines.length === 0) lines.push('No charge.');
  return lines;
}

/** The quote as a notice; `changed` when the server refused an older one. */
export function QuoteNotice({
  quote,
  isLoading,
  changed,
}: {
  quote: ChangeQuote | undefined;
  isLoading: boolean;
  changed: boolean;
}) {
  if (isLoading) return <p className="muted">Checking the cancellation policy…</p>;
  if (!quote) return null;
  return (
    <div
      className={changed ? 'alert alert-warning' : 'notice'}
      role={changed ? 'alert' : undefined}
      data-testid="change-quote"
    >
      {changed && (
        <p className="strong">The amounts changed since you opened this page. Please check them again.</p>
      )}
      {quoteLines(quote).map((l) => (
        <p key={l} className={changed ? undefined : 'strong'}>
          {l}
        </p>
      ))}
      <p className="muted">{quote.policy.name} cancellation policy.</p>
    </div>
  );
}
