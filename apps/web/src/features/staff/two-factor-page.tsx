// /app/two-factor: turning on two-factor sign-in (required for owners and managers). The server
// makes a secret (POST /auth/totp/setup) → shown as a QR code and as text to type in → confirmed
// with a code from the app (POST /auth/totp/confirm) → the 10 recovery codes, shown once, with an
// "I have saved them" step → `next` or /app.

import { useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useDocumentTitle } from '../../components/use-document-title.ts';
import { isApiError } from '../../lib/api.ts';
import { staffFetch } from '../../lib/staff-api.ts';
import { AuthShell, Field, FormAlert, messageOf } from './form-bits.tsx';
import { safeNext } from './sign-in-page.tsx';
import { ME_QUERY_KEY } from './staff-layout.tsx';

interface Setup {
  secret: string;
  otpauthUri: string;
}

/** The base32 secret in groups of four, easier to type. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

/** /app/two-factor?next=…: enrolment (QR code and key, confirm with a code, recovery codes). */
export function TwoFactorPage() {
  useDocumentTitle('Turn on two-factor sign-in · BookedBarber');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const next = safeNext(params.get('next'));
  const [setup, setSetup] = useState<Setup | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [signedOut, setSignedOut] = useState(false);
  const [busy, setBusy] = useState(false);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    staffFetch<Setup>('/auth/totp/setup', { method: 'POST' })
      .then(async (s) => {
        setSetup(s);
        setQr(await QRCode.toDataURL(s.otpauthUri, { margin: 1, width: 220 }));
      })
      .catch((err: unknown) => {
        if (isApiError(err) && err.status === 401) setSignedOut(true);
        else setError(messageOf(err));
      });
  }, []);

  if (signedOut) return <Navigate to={`/app/sign-in?next=${encodeURIComponent(next)}`} replace />;

  async function confirm(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFieldError(undefined);
    try {
      const answer = await staffFetch<{ recoveryCodes: string[] }>('/auth/totp/confirm', {
        method: 'POST',
        body: { code: code.replace(/\s/g, '') },
      });
      setCodes(answer.recoveryCodes);
      await queryClient.invalidateQueries({ queryKey: ME_QUERY_KEY });
    } catch (err) {
      if (isApiError(err) && (err.code === 'VALIDATION_FAILED' || err.code === 'INVALID_CREDENTIALS'))
        setFieldError(
          err.errors?.[0]?.message ?? 'That code did not work. Try the newest code from the app.',
        );
      else setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  if (codes)
    return (
      <AuthShell title="Save your recovery codes">
        <p role="status">Two-factor sign-in is on.</p>
        <p>
          If you lose your phone, each of these codes signs you in once. Keep them somewhere safe (a password
          manager or printed). They are shown only now.
        </p>
        <ol className="recovery-codes" aria-label="Recovery codes">
          {codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ol>
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => void navigator.clipboard?.writeText(codes.join('\n'))}
        >
          Copy codes
        </button>
        <label className="cal-check">
          <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} /> I have saved
          them
        </label>
        <button
          type="button"
          className="btn btn-primary btn-block"
          disabled={!saved}
          onClick={() => void navigate(next, { replace: true })}
        >
          Continue
        </button>
      </AuthShell>
    );

  return (
    <AuthShell title="Turn on two-factor sign-in">
      <p>Owners and managers sign in with a code from an authenticator app as well as their password.</p>
      <FormAlert message={error} />
      {!setup ? (
        !error && (
          <p className="loading" role="status">
            Preparing…
          </p>
        )
      ) : (
        <>
          <ol className="tfa-steps">
            <li>
              Scan this code with your authenticator app (Google Authenticator, 1Password, Authy…).
              {qr && (
                <img
                  className="tfa-qr"
                  src={qr}
                  width={220}
                  height={220}
                  alt="QR code for your authenticator app"
                />
              )}
            </li>
            <li>
              Or type this key into the app:{' '}
              <code className="tfa-secret" data-testid="totp-secret" data-secret={setup.secret}>
                {grouped(setup.secret)}
              </code>
            </li>
            <li>Enter the 6-digit code the app shows.</li>
          </ol>
          <form className="form" onSubmit={(e) => void confirm(e)}>
            <Field
              label="6-digit code"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={7}
              required
              value={code}
              error={fieldError}
              onChange={(e) => setCode(e.target.value)}
            />
            <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
              {busy ? 'Checking…' : 'Turn on'}
            </button>
          </form>
        </>
      )}
    </AuthShell>
  );
}
