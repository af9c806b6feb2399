import type { Location, Weekday } from '../../lib/api.ts';
import { formatWallTime, telHref, weekdayKeyIn } from '../../lib/format.ts';

/** "Open today 9:00 AM – 7:00 PM" (several windows joined), or "Closed today", on the shop's clock. */
export function todaysHours(location: Location, now: Date = new Date()): string {
  const key = weekdayKeyIn(location.timezone, now) as Weekday;
  const windows = location.openingHours[key] ?? [];
  if (windows.length === 0) return 'Closed today';
  return `Open today ${windows.map(([a, b]) => `${formatWallTime(a)} – ${formatWallTime(b)}`).join(', ')}`;
}

/** The shop's name, address, today's hours and phone; `compact` (after the first step) keeps name and phone. */
export function ShopHeader({ location, compact = false }: { location: Location; compact?: boolean }) {
  return (
    <header className={`shop-header${compact ? ' compact' : ''}`} data-testid="shop-header">
      <div className="page">
        <h1 className="shop-name">{location.name}</h1>
        {!compact && <p className="shop-address">{location.address}</p>}
        <p className="shop-meta">
          {!compact && (
            <>
              <span>{todaysHours(location)}</span>
              <span aria-hidden="true"> · </span>
            </>
          )}
          <a href={telHref(location.phone)} className="shop-phone">
            {location.phone}
          </a>
        </p>
      </div>
    </header>
  );
}
