import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { LocalDate } from '../../lib/format.ts';

export const bookingKeys = {
  location: (slug: string) => ['location', slug] as const,
  services: (slug: string) => ['location', slug, 'services'] as const,
  barbers: (slug: string) => ['location', slug, 'barbers'] as const,
  availabilityAll: (slug: string) => ['location', slug, 'availability'] as const,
  availability: (slug: string, services: string[], barber: string, from: LocalDate, to: LocalDate) =>
    ['location', slug, 'availability', [...services].sort().join(','), barber, from, to] as const,
};

export function useShopLocation(slug: string) {
  return useQuery({
    queryKey: bookingKeys.location(slug),
    queryFn: ({ signal }) => api.location(slug, signal),
  });
}

export function useServices(slug: string, enabled: boolean) {
  return useQuery({
    queryKey: bookingKeys.services(slug),
    queryFn: ({ signal }) => api.services(slug, signal),
    enabled,
  });
}

export function useBarbers(slug: string, enabled: boolean) {
  return useQuery({
    queryKey: bookingKeys.barbers(slug),
    queryFn: ({ signal }) => api.barbers(slug, signal),
    enabled,
  });
}

/** Free slots for the chosen services and barber ("any" or an id) over [from, to]. */
export function useAvailability(
  slug: string,
  q: { services: string[]; barber: string | null; from: LocalDate; to: LocalDate },
  enabled = true,
) {
  const barber = q.barber ?? 'any';
  return useQuery({
    queryKey: bookingKeys.availability(slug, q.services, barber, q.from, q.to),
    queryFn: ({ signal }) => api.availability(slug, { ...q, barber }, signal),
    enabled: enabled && q.services.length > 0,
    // Openings go fast: re-ask whenever the time step is shown again after half a minute.
    staleTime: 30_000,
  });
}
