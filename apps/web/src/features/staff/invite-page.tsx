// /app/invite#token=…: accept an emailed staff invitation with a name and a password. For an email
// that already has an account, the password is its current one (docs/api.md, invite/accept).

import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { useDocumentTitle } from '../../components/use-document-title.ts';
import { staffFetch } from '../../lib/staff-api.ts';
import { AuthShell, Field, FormAlert, fieldErrorsOf, messageOf } from './form-bits.tsx';
import { tokenFromHash } from './reset-password-page.tsx';

/** /app/invite#token=…: name and password, then a link to sign in. */
export function InvitePage() {
  useDocumentTitle('Join your team · BookedBarber');
  const token = tokenFromHash(useLocation().hash);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState<{ created: boolean } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (!token)
    return (
      <AuthShell title="Invitation link incomplete">
        <p>Open the link from your invitation email exactly as it was sent.</p>
      </AuthShell>
    );

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await staffFetch<{ created: boolean }>('/auth/invite/accept', {
        method: 'POST',
        body: { token, name, password },
      });
      setDone(answer);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (done)
    return (
      <AuthShell title="Welcome aboard">
        <p role="status">
          {done.created ? 'Your account is ready.' : 'The new role was added to your account.'} Sign in to
          start.
        </p>
        <p className="auth-links">
          <Link className="btn btn-primary" to="/app/sign-in">
            Sign in
          </Link>
        </p>
      </AuthShell>
    );

  const fields = fieldErrorsOf(error);
  return (
    <AuthShell title="Join your team">
      <FormAlert
        message={
          fields.token
            ? 'This invitation has expired or was already used. Ask the owner for a new one.'
            : error && !fields.password && !fields.name
              ? messageOf(error)
              : null
        }
      />
      <form className="form" onSubmit={(e) => void submit(e)}>
        <Field
          label="Your name"
          name="name"
          autoComplete="name"
          required
          maxLength={200}
          value={name}
          error={fields.name}
          onChange={(e) => setName(e.target.value)}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          maxLength={128}
          required
          value={password}
          error={fields.password}
          hint="At least 8 characters; not a common password. If you already have a BookedBarber account, use its password."
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Joining…' : 'Join'}
        </button>
      </form>
    </AuthShell>
  );
}
