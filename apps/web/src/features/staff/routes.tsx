// Everything under /app: sign-in screens outside the frame, the calendar and the back office inside it.
import type { RouteObject } from 'react-router';
import { backOfficeRoutes } from '../back-office/routes.tsx';
import { clientRoutes } from '../clients/routes.tsx';
import { InvitePage } from './invite-page.tsx';
import { ResetPasswordPage } from './reset-password-page.tsx';
import { SignInPage } from './sign-in-page.tsx';
import { StaffLayout } from './staff-layout.tsx';

/** Routes outside the signed-in frame (sign-in, two-factor enrolment, reset, invite). */
export const staffPublicRoutes: RouteObject[] = [
  { path: '/app/sign-in', element: <SignInPage /> },
  // Loaded on demand (the QR code library is only needed here).
  {
    path: '/app/two-factor',
    lazy: async () => ({ Component: (await import('./two-factor-page.tsx')).TwoFactorPage }),
  },
  { path: '/app/reset-password', element: <ResetPasswordPage /> },
  { path: '/app/invite', element: <InvitePage /> },
];

/** The signed-in frame and its screens. */
export const staffRoutes: RouteObject[] = [
  {
    path: '/app',
    element: <StaffLayout />,
    children: [
      // The calendar (and Temporal, which it needs) loads on demand: the public booking pages stay small.
      {
        index: true,
        lazy: async () => ({ Component: (await import('../calendar/calendar-page.tsx')).CalendarPage }),
      },
      ...backOfficeRoutes,
      ...clientRoutes,
    ],
  },
];
