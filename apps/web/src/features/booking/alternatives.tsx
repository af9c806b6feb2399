import type { Slot } from '../../lib/api.ts';
import { formatShortDate, formatTime, localDateOf } from '../../lib/format.ts';

/**
 * The nearest free times a 409 SLOT_UNAVAILABLE answer offers, as chips. A chip on the same day as
 * the time that was taken reads "10:00 AM"; on another day "Wed, Dec 2, 10:00 AM".
 */
export function Alternatives({
  slots,
  timezone,
  takenStart,
  disabled,
  onPick,
}: {
  slots: Slot[];
  timezone: string;
  takenStart: string | null;
  disabled?: boolean;
  onPick: (slot: Slot) => void;
}) {
  if (slots.length === 0) return null;
  const takenDay = takenStart ? localDateOf(takenStart, timezone) : null;
  return (
    <div className="alternatives" role="group" aria-label="Nearest free times">
      <p>These times are still free:</p>
      <div className="chips">
        {slots.map((slot) => {
          const sameDay = localDateOf(slot.start, timezone) === takenDay;
          const time = formatTime(slot.start, timezone);
          return (
            <button
              key={slot.start}
              type="button"
              className="chip"
              disabled={disabled}
              onClick={() => onPick(slot)}
            >
              {sameDay ? time : `${formatShortDate(slot.start, timezone)}, ${time}`}
            </button>
          );
        })}
      </div>
    </div>
  );
}
