import { useId, type ReactNode } from 'react';
import type { Service } from '../../lib/api.ts';
import { formatDuration, formatMoney } from '../../lib/format.ts';
import type { ServiceWithPayment } from './payment-api.ts';
import { dueNowLabel } from './payment-step.tsx';

/** Services in display order, grouped by category in the order categories first appear. */
export function groupByCategory(services: Service[]): { category: string; services: Service[] }[] {
  const groups: { category: string; services: Service[] }[] = [];
  for (const s of services) {
    const category = s.category || 'Services';
    let g = groups.find((x) => x.category === category);
    if (!g) {
      g = { category, services: [] };
      groups.push(g);
    }
    g.services.push(s);
  }
  return groups;
}

export function ServicesStep({
  heading,
  services,
  selected,
  onToggle,
}: {
  heading: ReactNode;
  services: Service[];
  selected: string[];
  onToggle: (id: string) => void;
}) {
  const baseId = useId();
  if (services.length === 0) {
    return (
      <section>
        {heading}
        <p className="empty">This shop has no services to book online yet. Please call the shop.</p>
      </section>
    );
  }
  return (
    <section>
      {heading}
      <p className="muted">Choose one or more.</p>
      {groupByCategory(services).map((group, gi) => (
        <section key={group.category} className="service-group" aria-labelledby={`${baseId}-g${gi}`}>
          <h3 id={`${baseId}-g${gi}`} className="group-title">
            {group.category}
          </h3>
          <ul className="plain-list service-list">
            {group.services.map((s) => {
              const on = selected.includes(s.id);
              const descId = `${baseId}-${s.id}`;
              return (
                <li key={s.id}>
                  <button
                    type="button"
                    className="service"
                    aria-pressed={on}
                    aria-label={s.name}
                    aria-describedby={descId}
                    data-service-id={s.id}
                    onClick={() => onToggle(s.id)}
                  >
                    <span className="service-main">
                      <span className="service-name">{s.name}</span>
                      <span id={descId} className="service-meta">
                        {formatDuration(s.durationMinutes)} · {formatMoney(s.priceMinor, s.currency)}
                        <DueNow service={s} />
                        {s.description ? <span className="service-desc">{s.description}</span> : null}
                      </span>
                    </span>
                    <span className="check" aria-hidden="true">
                      {on ? '✓' : '+'}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </section>
  );
}

/** "Deposit $35.00 due now" under a service that takes a payment when booking. */
function DueNow({ service }: { service: Service }) {
  const p = (service as ServiceWithPayment).payment;
  if (!p || p.mode === 'none') return null;
  return (
    <span className="service-due" data-testid="due-now">
      {' · '}
      {dueNowLabel(p.mode, formatMoney(p.amountMinor, service.currency))}
    </span>
  );
}
