/**
 * Live updates of the calendar (docs/architecture.md, "Live updates"): every change to an
 * appointment announces `{ type, locationId, appointmentId }`.
 *
 * - In the process: an EventEmitter that the server-sent events route subscribes to.
 * - Across processes (PostgreSQL): `pg_notify('appointment_events', …)` inside the transaction of
 *   the change, so it is delivered at commit and never for a rolled-back change; each process
 *   LISTENs with one dedicated connection and re-emits what it hears (its own changes included).
 * - PGlite (one process): the event is held until the transaction commits, then emitted.
 */
import { EventEmitter } from 'node:events';
import { sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import type { AppContext } from './context.ts';

/** What happened to an appointment. */
export type AppointmentEventType = 'appointment.created' | 'appointment.updated' | 'appointment.cancelled';

/** What happened to a barber's time off or blocked time (a `time_off` row). */
export type TimeOffEventType = 'time_off.created' | 'time_off.deleted';

/**
 * One change of a location's calendar, as the events stream sends it: an appointment's
 * (`appointmentId`) or a time-off / blocked-time row's (`timeOffId`).
 */
export type AppointmentEvent =
  | { type: AppointmentEventType; locationId: string; appointmentId: string }
  | { type: TimeOffEventType; locationId: string; timeOffId: string };

/** The PostgreSQL channel. */
export const EVENTS_CHANNEL = 'appointment_events';

/** The process's event hub. */
export class AppointmentEvents {
  private readonly emitter = new EventEmitter();
  private readonly pending = new WeakMap<object, AppointmentEvent[]>();
  private stopListening: (() => Promise<void>) | undefined;

  constructor(private readonly database: Database) {
    this.emitter.setMaxListeners(0);
  }

  /** On PostgreSQL, starts LISTENing (call once at start; a no-op on PGlite). */
  async start(): Promise<void> {
    if (this.database.engine !== 'postgres' || !this.database.listen || this.stopListening) return;
    this.stopListening = await this.database.listen(EVENTS_CHANNEL, (payload) => {
      try {
        this.emit(JSON.parse(payload) as AppointmentEvent);
      } catch {
        // Not ours: ignore.
      }
    });
  }

  /** Stops LISTENing. */
  async stop(): Promise<void> {
    const stop = this.stopListening;
    this.stopListening = undefined;
    await stop?.();
  }

  /** Calls `fn` with every event of a location; returns the unsubscribe function. */
  subscribe(locationId: string, fn: (e: AppointmentEvent) => void): () => void {
    const listener = (e: AppointmentEvent) => {
      if (e.locationId === locationId) fn(e);
    };
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  /** Emits in this process only. */
  emit(e: AppointmentEvent): void {
    this.emitter.emit('event', e);
  }

  /**
   * Announces a change made in transaction `tx`: pg_notify in it on PostgreSQL; on PGlite held
   * until {@link committed} is called with the same `tx`.
   */
  async changed(tx: DbOrTx, e: AppointmentEvent): Promise<void> {
    if (this.database.engine === 'postgres') {
      await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(e)})`);
      return;
    }
    const list = this.pending.get(tx) ?? [];
    list.push(e);
    this.pending.set(tx, list);
  }

  /** The transaction `tx` committed: emits what it held (PGlite). */
  committed(tx: object): void {
    const list = this.pending.get(tx);
    this.pending.delete(tx);
    for (const e of list ?? []) this.emit(e);
  }
}

/** Announces a change made in `tx` (no-op when the context has no event hub). */
export async function appointmentChanged(tx: DbOrTx, ctx: AppContext, e: AppointmentEvent): Promise<void> {
  await ctx.events?.changed(tx, e);
}
