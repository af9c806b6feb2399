import { useId, type ReactNode } from 'react';
import type { Barber, Slot } from '../../lib/api.ts';
import { formatShortDateTime, initials } from '../../lib/format.ts';

/** Barbers who offer every chosen service. */
export function eligibleBarbers(barbers: Barber[], serviceIds: string[]): Barber[] {
  return barbers.filter((b) => serviceIds.every((id) => b.serviceIds.includes(id)));
}

export function BarberStep({
  heading,
  barbers,
  selected,
  timezone,
  anySlots,
  onChoose,
  onChangeServices,
}: {
  heading: ReactNode;
  barbers: Barber[];
  selected: string | null;
  timezone: string;
  /** Slots for "any barber" over the next days, to show each barber's next opening (may be absent). */
  anySlots: Slot[] | undefined;
  onChoose: (barberId: string) => void;
  onChangeServices: () => void;
}) {
  const baseId = useId();

  if (barbers.length === 0) {
    return (
      <section>
        {heading}
        <div className="empty" role="status">
          <p className="empty-title">No one barber offers all of these services together.</p>
          <p>Try fewer services, or book them as separate visits.</p>
          <button type="button" className="btn btn-secondary" onClick={onChangeServices}>
            Change services
          </button>
        </div>
      </section>
    );
  }

  const nextFor = (barberId: string | 'any'): string | null => {
    if (!anySlots) return null;
    const slot = anySlots.find((s) => barberId === 'any' || s.barberIds.includes(barberId));
    return slot
      ? `Next opening ${formatShortDateTime(slot.start, timezone)}`
      : 'No openings in the next 2 weeks';
  };

  const card = (id: string, name: string, avatar: ReactNode, bio: string | null) => {
    const next = nextFor(id);
    const descId = `${baseId}-${id}`;
    return (
      <li key={id}>
        <button
          type="button"
          className="barber"
          aria-pressed={selected === id}
          aria-label={name}
          aria-describedby={next || bio ? descId : undefined}
          data-barber-id={id}
          onClick={() => onChoose(id)}
        >
          <span className="avatar" aria-hidden="true">
            {avatar}
          </span>
          <span className="barber-main">
            <span className="barber-name">{name}</span>
            <span id={descId} className="barber-meta">
              {next && <span className="barber-next">{next}</span>}
              {bio && <span className="barber-bio">{bio}</span>}
            </span>
          </span>
          <span className="chevron" aria-hidden="true">
            ›
          </span>
        </button>
      </li>
    );
  };

  return (
    <section>
      {heading}
      <ul className="plain-list barber-list">
        {card('any', 'Any barber', '★', 'The first free barber who offers your services.')}
        {barbers.map((b) => card(b.id, b.name, initials(b.name), b.bio))}
      </ul>
    </section>
  );
}
