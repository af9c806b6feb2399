import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { LocalDate } from '../../lib/format.ts';

export const manageKeys = {
  appointment: (token: string) => ['manage', token] as const,
  availabilityAll: (token: string) => ['manage', token, 'availability'] as const,
  availability: (token: string, from: LocalDate, to: LocalDate) =>
    ['manage', token, 'availability', from, to] as const,
};

export function useManagedAppointment(token: string) {
  return useQuery({
    queryKey: manageKeys.appointment(token),
    queryFn: ({ signal }) => api.appointment(token, signal),
    // canChange flips when the change window starts: never show a stale answer for long.
    staleTime: 15_000,
  });
}

export function useManageAvailability(token: string, from: LocalDate, to: LocalDate, enabled: boolean) {
  return useQuery({
    queryKey: manageKeys.availability(token, from, to),
    queryFn: ({ signal }) => api.manageAvailability(token, { from, to }, signal),
    enabled,
    staleTime: 30_000,
  });
}
