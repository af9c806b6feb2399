import type { Appointment } from '../lib/api.ts';
import { formatLongDate, formatMoney, formatTime, telHref, zoneAbbreviation } from '../lib/format.ts';

/** When, who, what, how much and where: the confirmation and the manage page show the same card. */
export function AppointmentDetails({ appointment: a }: { appointment: Appointment }) {
  return (
    <dl className="details" data-testid="appointment-details">
      <div>
        <dt>When</dt>
        <dd>
          <span className="strong">{formatLongDate(a.start, a.timezone)}</span>
          <br />
          {formatTime(a.start, a.timezone)} – {formatTime(a.end, a.timezone)}{' '}
          <span className="muted">{zoneAbbreviation(a.start, a.timezone)}</span>
        </dd>
      </div>
      <div>
        <dt>Name</dt>
        <dd>{a.client.name}</dd>
      </div>
      <div>
        <dt>Barber</dt>
        <dd>{a.barber.name}</dd>
      </div>
      <div>
        <dt>{a.services.length === 1 ? 'Service' : 'Services'}</dt>
        <dd>
          <ul className="plain-list">
            {a.services.map((s, i) => (
              <li key={`${s.id}-${i}`} className="line">
                <span>{s.name}</span>
                <span>{formatMoney(s.priceMinor, a.currency)}</span>
              </li>
            ))}
          </ul>
        </dd>
      </div>
      {a.notes ? (
        <div>
          <dt>Notes</dt>
          <dd className="pre-wrap">{a.notes}</dd>
        </div>
      ) : null}
      <div>
        <dt>Total</dt>
        <dd className="strong">{formatMoney(a.totalMinor, a.currency)}</dd>
      </div>
      <div>
        <dt>Shop</dt>
        <dd>
          <span className="strong">{a.location.name}</span>
          <br />
          {a.location.address}
          <br />
          <a href={telHref(a.location.phone)}>{a.location.phone}</a>
        </dd>
      </div>
    </dl>
  );
}
