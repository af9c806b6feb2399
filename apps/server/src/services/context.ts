import type { Config } from '../config/config.ts';
import type { Secrets } from '../config/secrets.ts';
import type { Database } from '../db/client.ts';
import type { Payments } from '../payments/payments.ts';
import type { AppointmentEvents } from './appointment-events.ts';

/**
 * What every use case gets: the database, the configuration, the secrets, the clock and a way to wake the
 * outbox job after a commit. The clock is injectable so tests can travel in time.
 */
export interface AppContext {
  database: Database;
  config: Readonly<Config>;
  /** Cookie-signing secret and the encryption keyring (config/secrets.ts). */
  secrets: Secrets;
  /** The current instant. */
  now: () => Date;
  /** Called after a transaction that wrote to the outbox has committed. */
  outboxWritten: () => void;
  /** Live updates of appointments (services/appointment-events.ts); absent in bare contexts. */
  events?: AppointmentEvents;
  /** The payment provider (payments/payments.ts); null or absent = pay at the shop only. */
  payments?: Payments | null;
}
