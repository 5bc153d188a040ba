import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation } from 'react-router-dom';
import { toApiError } from '../lib/api.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { useAuth } from './auth-context.js';
import { MagicLinkRequestForm } from './magic-link.js';
import { PasswordResetRequestForm } from './password-link.js';
import { Brand, useBrandName } from '../layout/brand.js';
import { TwoStepSignIn } from './two-step.js';
import type { PendingSignIn } from './auth-context.js';

/** Where RequireAuth sent the user from, so signing in returns there. */
export interface LoginLocationState {
  from?: string;
}

const LOGIN_MESSAGES: Record<string, string> = {
  invalid_credentials: 'The e-mail address or password is wrong, or the account is disabled.',
  too_many_requests: 'Too many failed sign-ins. Wait a few minutes and try again.',
};

export function LoginPage() {
  useDocumentTitle('Sign in', true);
  const brandName = useBrandName(true);
  const { status, endReason, signIn } = useAuth();
  const location = useLocation();
  const from = (location.state as LoginLocationState | null)?.from;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [other, setOther] = useState<'sign-in-link' | 'password-reset' | null>(null);
  const [pending, setPending] = useState<PendingSignIn | null>(null);

  if (status === 'signed-in') {
    return <Navigate to={from && from !== '/login' ? from : '/'} replace />;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!email.trim() || !password) {
      setError('Enter your e-mail address and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const next = await signIn(email.trim(), password);
      if (next) {
        setPending(next);
        setPassword('');
        setBusy(false);
      }
    } catch (err) {
      const apiError = toApiError(err);
      setError(LOGIN_MESSAGES[apiError.code] ?? apiError.message);
      setBusy(false);
    }
  }

  return (
    <div className="login-screen">
      <main className="login-card" aria-labelledby="login-title">
        <Brand name={brandName} large />
        <h1 id="login-title">Sign in</h1>
        <p className="muted">
          {brandName === 'Steward' ? 'Customer service management' : 'Customer service'}
        </p>
        {endReason === 'expired' && !error && (
          <p className="notice notice--info" role="status">
            Your session has ended. Please sign in again.
          </p>
        )}
        {error && (
          <p className="notice notice--error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        {pending ? (
          <TwoStepSignIn key={pending.challenge} pending={pending} onRestart={() => setPending(null)} />
        ) : other === 'sign-in-link' ? (
          <MagicLinkRequestForm initialEmail={email.trim()} onCancel={() => setOther(null)} />
        ) : other === 'password-reset' ? (
          <PasswordResetRequestForm initialEmail={email.trim()} onCancel={() => setOther(null)} />
        ) : (
          <form onSubmit={submit} noValidate>
            <div className="field">
              <label htmlFor="login-email">E-mail address</label>
              <input
                id="login-email"
                type="email"
                autoComplete="username"
                autoFocus
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor="login-password">Password</label>
              <input
                id="login-password"
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </div>
            <button type="submit" className="button button--primary button--block" disabled={busy}>
              {busy ? 'Signing in…' : 'Sign in'}
            </button>
            <div className="magic-link">
              <button
                type="button"
                className="button button--ghost button--block"
                onClick={() => {
                  setError(null);
                  setOther('password-reset');
                }}
              >
                Forgot your password?
              </button>
              <button
                type="button"
                className="button button--ghost button--block"
                onClick={() => {
                  setError(null);
                  setOther('sign-in-link');
                }}
              >
                E-mail me a sign-in link
              </button>
            </div>
          </form>
        )}
        {/* Customers without an account, or who came for an answer: no sign-in needed for either. */}
        <p className="login__public muted" data-testid="login-public-links">
          No account? <Link to="/help">Search the help center</Link> or <Link to="/form">write to us</Link>.
        </p>
      </main>
    </div>
  );
}
