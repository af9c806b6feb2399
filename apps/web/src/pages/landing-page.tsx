import { Link } from 'react-router';
import { useDocumentTitle } from '../components/use-document-title.ts';

export function LandingPage() {
  useDocumentTitle('BookedBarber');
  return (
    <main className="page landing">
      <h1>BookedBarber</h1>
      <p className="lead">Book your next cut in a minute — no account needed.</p>
      <p>
        <Link className="btn btn-primary btn-block" to="/fade-and-co">
          Book at Fade &amp; Co
        </Link>
      </p>
      <p className="muted small">Each shop has its own booking page. Ask your shop for its link.</p>
    </main>
  );
}
