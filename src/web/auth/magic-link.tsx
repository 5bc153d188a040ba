// Sign-in by e-mailed link, for customers: asking for a link (on the sign-in page, and where a
// link turned out used or expired), and the page the link opens (/login/magic#token=…: after '#'
// so that no server or proxy log sees the token).
import { EmailLinkRequestForm } from './email-link-form.js';
import { useEffect, useState } from 'react';
import { Link, Navigate } from 'react-router-dom';
import type { z } from 'zod';
import type { LoginResponse } from '../../shared/schemas/users.js';
import { api, toApiError, type ApiError } from '../lib/api.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { useLinkToken } from './link-token.js';
import { useAuth } from './auth-context.js';
import '../portal/portal.css';
import { Brand, useBrandName } from '../layout/brand.js';

const LINK_MESSAGES: Record<string, string> = {
  link_used: 'This sign-in link was used already: each link works once.',
  link_expired: 'This sign-in link has expired: links work for 15 minutes.',
  link_invalid: 'This sign-in link is not valid. Perhaps it was cut off when copied.',
  account_disabled: 'This account is disabled. Contact us if you think it should not be.',
  too_many_requests: 'Too many attempts. Wait a few minutes and try again.',
};

export function MagicLinkRequestForm(props: { initialEmail?: string; onCancel?: () => void }) {
  return (
    <EmailLinkRequestForm
      path="/auth/magic-link"
      label="E-mail me a sign-in link"
      intro="Customers can sign in without a password: we e-mail you a link. Staff sign in with their password."
      submitLabel="Send me a link"
      sentTestId="magic-link-sent"
      messages={LINK_MESSAGES}
      cancelLabel="Sign in with a password instead"
      {...props}
    />
  );
}

/** One verification per token, even when React runs the effect twice (development). */
const verifications = new Map<string, Promise<z.infer<typeof LoginResponse>>>();
function verifyOnce(token: string) {
  let found = verifications.get(token);
  if (!found) {
    found = api.post<z.infer<typeof LoginResponse>>('/auth/magic-link/verify', { token });
    verifications.set(token, found);
  }
  return found;
}

export function MagicLinkPage() {
  useDocumentTitle('Signing in', true);
  const brandName = useBrandName(true);
  const token = useLinkToken();
  const { adoptToken } = useAuth();
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState(false);

  useEffect(() => {
    if (!token) return;
    let cancelled = false;
    verifyOnce(token)
      .then((res) => adoptToken(res.token))
      .then(
        () => {
          if (!cancelled) setDone(true);
        },
        (err: unknown) => {
          if (!cancelled) setError(toApiError(err));
        },
      );
    return () => {
      cancelled = true;
    };
  }, [token, adoptToken]);

  // The token leaves the address bar (and the history) as soon as it is used.
  if (done) return <Navigate to="/portal" replace />;
  const problem = !token
    ? LINK_MESSAGES.link_invalid
    : error
      ? (LINK_MESSAGES[error.code] ?? error.message)
      : null;

  return (
    <div className="login-screen">
      <main className="login-card" aria-labelledby="magic-title">
        <Brand name={brandName} large />
        <h1 id="magic-title">{problem ? 'This link does not work' : 'Signing you in…'}</h1>
        {problem ? (
          <>
            <p className="notice notice--error" role="alert" data-testid="magic-link-error">
              {problem}
            </p>
            <MagicLinkRequestForm />
            <p className="magic-link">
              <Link to="/login">Back to sign in</Link>
            </p>
          </>
        ) : (
          <p className="muted" role="status">
            One moment, please.
          </p>
        )}
      </main>
    </div>
  );
}
