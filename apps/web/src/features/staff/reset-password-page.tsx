// /app/reset-password: without a token, ask for the email (always "accepted", so nobody learns
// whether an account exists); with `#token=…` from the emailed link, choose a new password.

import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { useDocumentTitle } from '../../components/use-document-title.ts';
import { staffFetch } from '../../lib/staff-api.ts';
import { AuthShell, Field, FormAlert, fieldErrorsOf, messageOf } from './form-bits.tsx';

/** The `token` of a `#token=…` fragment (emailed links keep it out of server logs). */
export function tokenFromHash(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token');
}

/** /app/reset-password: the request form, or with #token=… the new-password form. */
export function ResetPasswordPage() {
  useDocumentTitle('Reset your password · BookedBarber');
  const token = tokenFromHash(useLocation().hash);
  return token ? <ChooseNewPassword token={token} /> : <RequestReset />;
}

function RequestReset() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await staffFetch('/auth/password-reset/request', { method: 'POST', body: { email } });
      setSent(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (sent)
    return (
      <AuthShell title="Check your email">
        <p role="status">
          If an account uses <strong>{email}</strong>, we have sent it a link to choose a new password. The
          link works once, for an hour.
        </p>
        <p className="auth-links">
          <Link to="/app/sign-in">Back to sign in</Link>
        </p>
      </AuthShell>
    );

  const fields = fieldErrorsOf(error);
  return (
    <AuthShell title="Reset your password">
      <FormAlert message={error && !fields.email ? messageOf(error) : null} />
      <form className="form" onSubmit={(e) => void submit(e)}>
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          error={fields.email}
          hint="We will email you a link to choose a new password."
          onChange={(e) => setEmail(e.target.value)}
        />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Sending…' : 'Send the link'}
        </button>
      </form>
      <p className="auth-links">
        <Link to="/app/sign-in">Back to sign in</Link>
      </p>
    </AuthShell>
  );
}

function ChooseNewPassword({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await staffFetch('/auth/password-reset/confirm', { method: 'POST', body: { token, password } });
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (done)
    return (
      <AuthShell title="Password changed">
        <p role="status">Your new password is set, and every other sign-in of your account has ended.</p>
        <p className="auth-links">
          <Link className="btn btn-primary" to="/app/sign-in">
            Sign in
          </Link>
        </p>
      </AuthShell>
    );

  const fields = fieldErrorsOf(error);
  return (
    <AuthShell title="Choose a new password">
      <FormAlert
        message={
          fields.token
            ? 'This link has expired or was already used. Ask for a new one.'
            : error && !fields.password
              ? messageOf(error)
              : null
        }
      />
      <form className="form" onSubmit={(e) => void submit(e)}>
        <Field
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          maxLength={128}
          required
          value={password}
          error={fields.password}
          hint="At least 8 characters; not a common password."
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Saving…' : 'Set password'}
        </button>
      </form>
      <p className="auth-links">
        <Link to="/app/reset-password">Ask for a new link</Link>
      </p>
    </AuthShell>
  );
}
