// Back-office screens under /app (locations, services, staff and schedules, time off, activity).
import type { RouteObject } from 'react-router';
import { ActivityPage } from './activity-page.tsx';
import { ServicesPage } from './services-page.tsx';
import { SettingsPage } from './settings-page.tsx';
import { TeamPage } from './team-page.tsx';
import { TimeOffPage } from './time-off-page.tsx';

/** Child routes of /app; paths are relative (e.g. "services"). */
export const backOfficeRoutes: RouteObject[] = [
  { path: 'settings', element: <SettingsPage /> },
  { path: 'services', element: <ServicesPage /> },
  { path: 'team', element: <TeamPage /> },
  { path: 'time-off', element: <TimeOffPage /> },
  { path: 'activity', element: <ActivityPage /> },
];

/** Links for the /app navigation, in order; `roles` limits who sees each. */
export const backOfficeNav: Array<{
  to: string;
  label: string;
  roles: Array<'owner' | 'manager' | 'front_desk' | 'barber'>;
}> = [
  { to: '/app/services', label: 'Services', roles: ['owner', 'manager', 'front_desk'] },
  { to: '/app/team', label: 'Team & hours', roles: ['owner', 'manager', 'barber'] },
  { to: '/app/time-off', label: 'Time off', roles: ['owner', 'manager', 'barber'] },
  { to: '/app/settings', label: 'Shop settings', roles: ['owner', 'manager', 'front_desk'] },
  { to: '/app/activity', label: 'Activity', roles: ['owner'] },
];
