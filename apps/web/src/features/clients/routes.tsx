// Client screens under /app (list, profile, merge, export) and the public client account page.
import type { RouteObject } from 'react-router';
import { ClientAccountPage } from './client-account-page.tsx';
import { ClientListPage } from './client-list-page.tsx';
import { ClientProfilePage } from './client-profile-page.tsx';

/** Child routes of /app; paths are relative (e.g. "clients"). */
export const clientRoutes: RouteObject[] = [
  { path: 'clients', element: <ClientListPage /> },
  { path: 'clients/:clientId', element: <ClientProfilePage /> },
];

/**
 * Links for the /app navigation, in order; `roles` limits who sees each. Barbers have no client
 * list (the server refuses it): they see clients through their own appointments in the calendar.
 */
export const clientNav: Array<{
  to: string;
  label: string;
  roles: Array<'owner' | 'manager' | 'front_desk' | 'barber'>;
}> = [{ to: '/app/clients', label: 'Clients', roles: ['owner', 'manager', 'front_desk'] }];

/** Public routes for clients (one-time-link sign-in, history, book again); absolute paths. */
export const clientAccountRoutes: RouteObject[] = [
  { path: '/:slug/account', element: <ClientAccountPage /> },
];
