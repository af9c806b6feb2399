import { isRouteErrorResponse, useRouteError } from 'react-router';
import { MessagePage } from '../components/message-page.tsx';

export function NotFoundPage() {
  return (
    <MessagePage title="Page not found">
      <p>Sorry, there is nothing at this address. Check the link, or start again from the home page.</p>
    </MessagePage>
  );
}

/** The router's last resort when a page throws while rendering. */
export function RouteErrorPage() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  return (
    <MessagePage title="Something went wrong">
      <p>Please reload the page. If it keeps happening, call the shop to book.</p>
    </MessagePage>
  );
}
