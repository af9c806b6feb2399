// /app/sign-in: email and password, then (when two-factor is on) the 6-digit code or a recovery
// code. Cookie session (docs/api.md, "Staff and sign-in"); afterwards `next` or /app, or the
// two-factor enrolment for an owner or manager who has not turned it on yet.

import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useDocumentTitle } from '../../components/use-document-title.ts';
import { isApiError } from '../../lib/api.ts';
import { signIn } from '../../lib/staff-api.ts';
import { AuthShell, Field, FormAlert, messageOf } from './form-bits.tsx';
import { ME_QUERY_KEY } from './staff-layout.tsx';

/** Only paths inside the staff app are followed after sign-in (no open redirect). */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/app') && !next.startsWith('/app/sign-in') ? next : '/app';
}

/** "in 2 minutes" for a lock's retryAfterSeconds. */
function retryText(seconds: number): string {
  if (seconds < 60) return `in ${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** /app/sign-in?next=…: password step, then the two-factor step when the account needs it. */
export function SignInPage() {
  useDocumentTitle('Sign in · BookedBarber');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [step, setStep] = useState<'password' | 'code'>('password');
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const second =
        step === 'code'
          ? useRecovery
            ? { recoveryCode: code.trim().toLowerCase() }
            : { totp: code.replace(/\s/g, '') }
          : {};
      const answer = await signIn({ email, password, ...second });
      queryClient.removeQueries({ queryKey: ME_QUERY_KEY });
      if (answer.mfaEnrolmentRequired)
        await navigate(`/app/two-factor?next=${encodeURIComponent(next)}`, { replace: true });
      else await navigate(next, { replace: true });
    } catch (err) {
      if (isApiError(err) && err.code === 'MFA_REQUIRED' && err.raw?.mfa === 'code') {
        if (step === 'code') setError('That code did not work. Check your authenticator app and try again.');
        setStep('code');
      } else if (isApiError(err) && err.code === 'ACCOUNT_LOCKED') {
        const seconds = Number(err.raw?.retryAfterSeconds ?? 60);
        setError(`Too many failed attempts. This account is locked; try again ${retryText(seconds)}.`);
      } else if (isApiError(err) && err.code === 'INVALID_CREDENTIALS') {
        setError(
          step === 'code'
            ? 'That code did not work. Check your authenticator app and try again.'
            : 'The email or password is not right. Check them and try again.',
        );
      } else {
        setError(messageOf(err));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthShell title={step === 'password' ? 'Sign in' : 'Two-factor sign-in'}>
      <FormAlert message={error} />
      <form className="form" onSubmit={(e) => void submit(e)} noValidate={false}>
        {step === 'password' ? (
          <>
            <Field
              label="Email"
              name="email"
              type="email"
              autoComplete="username"
              autoCapitalize="off"
              spellCheck={false}
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
            <Field
              label="Password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </>
        ) : useRecovery ? (
          <Field
            key="recovery"
            label="Recovery code"
            name="recoveryCode"
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            required
            autoFocus
            hint="One of the codes you saved when you turned on two-factor, like abcde-fghjk. Each works once."
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        ) : (
          <Field
            key="totp"
            label="6-digit code"
            name="totp"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            maxLength={7}
            required
            autoFocus
            hint="From your authenticator app."
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Signing in…' : step === 'password' ? 'Sign in' : 'Verify'}
        </button>
      </form>
      {step === 'code' ? (
        <p className="auth-links">
          <button
            type="button"
            className="btn-quiet"
            onClick={() => {
              setUseRecovery(!useRecovery);
              setCode('');
              setError(null);
            }}
          >
            {useRecovery ? 'Use the 6-digit code instead' : 'Use a recovery code instead'}
          </button>
        </p>
      ) : (
        <p className="auth-links">
          <Link to="/app/reset-password">Forgot password?</Link>
        </p>
      )}
    </AuthShell>
  );
}
