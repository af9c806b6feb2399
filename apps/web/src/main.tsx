import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { BookingPage } from './features/booking/booking-page.tsx';
import { ManagePage } from './features/manage/manage-page.tsx';
import { clientAccountRoutes } from './features/clients/routes.tsx';
import { staffPublicRoutes, staffRoutes } from './features/staff/routes.tsx';
import { createQueryClient } from './lib/query-client.ts';
import { LandingPage } from './pages/landing-page.tsx';
import { NotFoundPage, RouteErrorPage } from './pages/not-found-page.tsx';
import './styles.css';

const router = createBrowserRouter([
  {
    errorElement: <RouteErrorPage />,
    children: [
      { path: '/', element: <LandingPage /> },
      ...staffPublicRoutes,
      ...staffRoutes,
      ...clientAccountRoutes,
      { path: '/manage/:token', element: <ManagePage /> },
      { path: '/:slug', element: <BookingPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

const queryClient = createQueryClient();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
