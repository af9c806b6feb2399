// Data for the calendar: the feed of a date range, the location's barbers and services, the live
// events stream, and the appointment actions (docs/api.md, "Staff calendar").

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../../lib/api.ts';
import {
  refreshSession,
  staffFetch,
  type CalendarFeed,
  type ClientMatch,
  type StaffAppointment,
} from '../../lib/staff-api.ts';

/** Query keys under ['calendar', locationId] are refetched on every live event. */
export function calendarKey(locationId: string, from: string, to: string, barberId?: string) {
  return ['calendar', locationId, from, to, barberId ?? 'all'] as const;
}

/** The feed of local dates from–to (inclusive), optionally one barber. */
export function useCalendarFeed(locationId: string, from: string, to: string, barberId?: string) {
  return useQuery({
    queryKey: calendarKey(locationId, from, to, barberId),
    queryFn: ({ signal }) => {
      const q = new URLSearchParams({ from, to });
      if (barberId) q.set('barberId', barberId);
      return staffFetch<CalendarFeed>(`/locations/${locationId}/calendar?${q}`, { signal });
    },
    staleTime: 30_000,
    placeholderData: (prev) => prev,
  });
}

/** The location's public details, barbers and services (names, durations, who offers what). */
export function useShop(slug: string) {
  const location = useQuery({
    queryKey: ['shop', slug, 'location'],
    queryFn: ({ signal }) => api.location(slug, signal),
  });
  const barbers = useQuery({
    queryKey: ['shop', slug, 'barbers'],
    queryFn: ({ signal }) => api.barbers(slug, signal),
  });
  const services = useQuery({
    queryKey: ['shop', slug, 'services'],
    queryFn: ({ signal }) => api.services(slug, signal),
  });
  return {
    location: location.data,
    barbers: barbers.data ?? [],
    services: services.data ?? [],
    isPending: barbers.isPending,
  };
}

/** State of the live connection shown next to the calendar. */
export type LiveState = 'connecting' | 'live' | 'offline';

/**
 * Subscribes to GET …/events (EventSource, same-origin cookie) and refetches the calendar on every
 * event and after each (re)connection. After an error the stream is reopened (after refreshing the
 * session, whose 15-minute access cookie may have run out), waiting 1 s, then 2, 4 … up to 15 s.
 */
export function useLiveCalendar(locationId: string): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;
    const refresh = () => void queryClient.invalidateQueries({ queryKey: ['calendar', locationId] });
    const open = () => {
      if (stopped) return;
      setState('connecting');
      source = new EventSource(`/api/v1/locations/${locationId}/events`, { withCredentials: true });
      source.onopen = () => {
        attempt = 0;
        setState('live');
        refresh();
      };
      for (const type of [
        'appointment.created',
        'appointment.updated',
        'appointment.cancelled',
        'time_off.created',
        'time_off.deleted',
      ])
        source.addEventListener(type, refresh);
      source.onerror = () => {
        source?.close();
        setState('offline');
        const wait = Math.min(15_000, 1_000 * 2 ** attempt++);
        timer = setTimeout(() => {
          void refreshSession()
            .catch(() => false)
            .finally(open);
        }, wait);
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
    };
  }, [locationId, queryClient]);
  return state;
}

/** The lifecycle actions a staff member takes on an appointment. */
export type Action = 'confirm' | 'check-in' | 'complete' | 'no-show';

/** POST …/appointments/{id}/{action} with If-Match. @throws ApiError (INVALID_STATE, STALE_UPDATE, …). */
export function act(locationId: string, a: StaffAppointment, action: Action): Promise<StaffAppointment> {
  return staffFetch(`/locations/${locationId}/appointments/${a.id}/${action}`, {
    method: 'POST',
    body: {},
    ifMatch: a.version,
  });
}

/** Cancel with a reason. */
export function cancel(locationId: string, a: StaffAppointment, reason: string): Promise<StaffAppointment> {
  return staffFetch(`/locations/${locationId}/appointments/${a.id}/cancel`, {
    method: 'POST',
    body: { reason },
    ifMatch: a.version,
  });
}

/** Replace the notes (null clears them). */
export function saveNotes(
  locationId: string,
  a: StaffAppointment,
  notes: string | null,
): Promise<StaffAppointment> {
  return staffFetch(`/locations/${locationId}/appointments/${a.id}`, {
    method: 'PATCH',
    body: { notes },
    ifMatch: a.version,
  });
}

/** Move to `start` (ISO with offset), optionally to another barber; `override` skips the rules. */
export function reschedule(
  locationId: string,
  a: StaffAppointment,
  body: { start: string; barberId?: string; override?: boolean },
): Promise<StaffAppointment> {
  return staffFetch(`/locations/${locationId}/appointments/${a.id}/reschedule`, {
    method: 'POST',
    body,
    ifMatch: a.version,
  });
}

/** GET …/clients?q= (name contains, email starts with, phone digits contain). */
export function searchClients(locationId: string, q: string, signal?: AbortSignal): Promise<ClientMatch[]> {
  return staffFetch(`/locations/${locationId}/clients?q=${encodeURIComponent(q)}`, { signal });
}

/** Change when an appointment ends (`end` ISO with offset); start, barber and services stay. */
export function resize(locationId: string, a: StaffAppointment, end: string): Promise<StaffAppointment> {
  return staffFetch(`/locations/${locationId}/appointments/${a.id}/resize`, {
    method: 'POST',
    body: { end },
    ifMatch: a.version,
  });
}
