import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Appointment } from '../../lib/api.ts';
import { calendarHref, managePath, tokenFromManageUrl } from '../../lib/api.ts';
import { AppointmentDetails } from '../../components/appointment-details.tsx';
import { formatShortDateTime } from '../../lib/format.ts';

export function Confirmation({
  heading,
  appointment,
  onBookAnother,
}: {
  heading: ReactNode;
  appointment: Appointment;
  onBookAnother: () => void;
}) {
  const token = tokenFromManageUrl(appointment.manageUrl);
  return (
    <section data-testid="confirmation">
      <div className="success-badge" aria-hidden="true">
        ✓
      </div>
      {heading}
      {appointment.status === 'pending' ? (
        <p>Your time is held. The shop will confirm it once your deposit is paid.</p>
      ) : (
        <p>
          See you {formatShortDateTime(appointment.start, appointment.timezone)}, {appointment.client.name}.
        </p>
      )}
      <AppointmentDetails appointment={appointment} />
      <div className="actions">
        <a className="btn btn-primary btn-block" href={calendarHref(token)}>
          Add to calendar
        </a>
        <Link className="btn btn-secondary btn-block" to={managePath(appointment.manageUrl)}>
          Change or cancel
        </Link>
      </div>
      <p className="muted small">
        You can change or cancel online until{' '}
        {formatShortDateTime(appointment.changeDeadline, appointment.timezone)} with the link above.
      </p>
      <p>
        <Link to={`/${appointment.location.slug}/account`}>Your bookings</Link>: sign in with your email to
        see them all and book again in one tap.
      </p>
      <p>
        <button type="button" className="btn btn-quiet" onClick={onBookAnother}>
          Book another appointment
        </button>
      </p>
    </section>
  );
}
