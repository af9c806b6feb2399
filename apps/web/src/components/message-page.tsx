import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useDocumentTitle } from './use-document-title.ts';

/** A whole-page message: not found, invalid link, or an error with a way out. */
export function MessagePage({
  title,
  children,
  homeLink = true,
}: {
  title: string;
  children?: ReactNode;
  homeLink?: boolean;
}) {
  useDocumentTitle(title);
  return (
    <main className="page message-page">
      <h1>{title}</h1>
      {children}
      {homeLink && (
        <p>
          <Link to="/">Go to the home page</Link>
        </p>
      )}
    </main>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <main className="page" aria-busy="true">
      <p className="muted loading" role="status">
        {label}
      </p>
    </main>
  );
}
