// Choosing a password by e-mailed link, for staff: asking for a link on the sign-in page ("Forgot
// your password?"), the page the link opens (/login/password#token=…: an invitation or a reset;
// after '#', so no server log sees the token), and, for admins, sending a staff member a link
// from their user page.
import { EmailLinkRequestForm } from './email-link-form.js';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate } from 'react-router-dom';
import type { z } from 'zod';
import { LIMITS } from '../../shared/schemas/common.js';
import type {
  PasswordLinkInfo,
  SignInAnswer,
  PasswordLinkSent,
  UserListItem,
} from '../../shared/schemas/users.js';
import { api, toApiError, type ApiError } from '../lib/api.js';
import { formatDateTime } from '../lib/format.js';
import { useAction } from '../lib/use-action.js';
import { OutcomeNotice } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { useLinkToken } from './link-token.js';
import { useAuth, useMe } from './auth-context.js';
import { Brand, useBrandName } from '../layout/brand.js';
import { TwoStepSignIn } from './two-step.js';
import { pendingOf, type PendingSignIn } from './auth-context.js';

const LINK_MESSAGES: Record<string, string> = {
  link_used: 'This link was used already: each link works once.',
  link_expired: 'This link has expired.',
  link_replaced: 'A newer link was sent since: use the one in the latest mail.',
  link_revoked: 'Your password was changed, or your account disabled, since this link was sent.',
  link_invalid: 'This link is not valid. Perhaps it was cut off when copied.',
  account_disabled: 'This account is disabled. Ask an administrator.',
  too_many_requests: 'Too many attempts. Wait a few minutes and try again.',
};

/** "Forgot your password?" on the sign-in page: the same answer whatever the address. */
export function PasswordResetRequestForm(props: { initialEmail?: string; onCancel?: () => void }) {
  return (
    <EmailLinkRequestForm
      path="/auth/password-reset"
      label="Choose a new password"
      intro="Staff: we e-mail you a link to choose a new password. Customers need no password: ask for a sign-in link instead."
      submitLabel="E-mail me a link"
      sentTestId="password-reset-sent"
      messages={LINK_MESSAGES}
      cancelLabel="Back to sign in"
      cancelAfterSent
      {...props}
    />
  );
}

type LinkInfo = z.infer<typeof PasswordLinkInfo>;

/** The page an invitation or reset link opens: whose it is, then the new password twice. */
export function PasswordLinkPage() {
  const token = useLinkToken();
  const { adoptToken, status } = useAuth();
  const signedIn = status === 'signed-in';
  const navigate = useNavigate();
  const [info, setInfo] = useState<LinkInfo | null>(null);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [fieldError, setFieldError] = useState<{ field: 'password' | 'repeat'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [pending, setPending] = useState<PendingSignIn | null>(null);
  // A sign-in page: in the company's name, as the mail that led here ("You are invited to …",
  // "Choose a new … password"); the staff's screens, once signed in, say Steward. Only staff get
  // these links (a customer's address gets none, and a customer's link would not work), so the
  // page needs no other reading of whose it is. Neutral until the link is read.
  const brandName = useBrandName(true);
  const welcome = `Welcome to ${brandName}`;
  const choose = info ? `Choose a new ${brandName} password` : 'Choose a new password';
  useDocumentTitle(info?.purpose === 'invitation' ? welcome : choose, true);

  useEffect(() => {
    if (!token) return;
    let cancelled = false;
    api.post<LinkInfo>('/auth/password-link/check', { token }).then(
      (res) => {
        if (!cancelled) setInfo(res);
      },
      (err: unknown) => {
        if (!cancelled) setProblem(toApiError(err));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [token]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (password.length < LIMITS.password.min) {
      setFieldError({ field: 'password', text: `At least ${LIMITS.password.min} characters.` });
      document.getElementById('new-password')?.focus();
      return;
    }
    if (repeat !== password) {
      setFieldError({ field: 'repeat', text: 'The two passwords differ.' });
      document.getElementById('repeat-password')?.focus();
      return;
    }
    setFieldError(null);
    setBusy(true);
    try {
      const res = await api.post<SignInAnswer>('/auth/password-link/complete', {
        token,
        password,
      });
      const next = pendingOf(res);
      if (next) {
        // The password is set; two-step sign-in still asks for its code.
        setPending(next);
        setBusy(false);
        return;
      }
      await adoptToken((res as { token: string }).token);
      setDone(true);
    } catch (err) {
      const apiError = toApiError(err);
      if (apiError.code === 'validation_error' && /password/.test(apiError.message)) {
        setFieldError({ field: 'password', text: apiError.message.replace(/^body\.password: /, '') });
      } else setProblem(apiError);
      setBusy(false);
    }
  }

  // The token leaves the address bar (and the history) once it is used.
  if (done || (pending && signedIn)) return <Navigate to="/" replace />;
  // A token cut short or garbled when copied is refused as input: to the reader, not a valid link.
  const malformed = problem?.code === 'validation_error' || problem?.code === 'invalid_text';
  const message =
    !token || malformed
      ? LINK_MESSAGES.link_invalid
      : problem
        ? (LINK_MESSAGES[problem.code] ?? problem.message)
        : null;
  const title = message ? 'This link does not work' : info?.purpose === 'invitation' ? welcome : choose;
  const errorId = (field: 'password' | 'repeat') =>
    fieldError?.field === field ? { 'aria-invalid': true, 'aria-describedby': `${field}-error` } : {};

  return (
    <div className="login-screen">
      <main className="login-card" aria-labelledby="password-link-title">
        <Brand name={brandName} large />
        <h1 id="password-link-title">{pending ? 'Password saved' : title}</h1>
        {pending ? (
          <TwoStepSignIn pending={pending} onRestart={() => navigate('/login')} />
        ) : message ? (
          <>
            <p className="notice notice--error" role="alert" data-testid="password-link-error">
              {message}
            </p>
            <PasswordResetRequestForm />
            <p className="magic-link">
              <Link to="/login">Back to sign in</Link>
            </p>
          </>
        ) : !info ? (
          <p className="muted" role="status">
            One moment, please.
          </p>
        ) : (
          <form onSubmit={submit} noValidate>
            <p className="muted" data-testid="password-link-whose">
              {info.purpose === 'invitation'
                ? `Hello ${info.name}: choose the password you will sign in with, as ${info.email}.`
                : `Choose a new password for ${info.email}. Your other sessions will end.`}
            </p>
            {/* For password managers: the account the password belongs to. */}
            <input type="email" autoComplete="username" value={info.email} readOnly hidden />
            <div className="field">
              <label htmlFor="new-password">New password</label>
              <input
                id="new-password"
                type="password"
                autoComplete="new-password"
                autoFocus
                maxLength={LIMITS.password.max}
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                {...errorId('password')}
              />
              {fieldError?.field === 'password' ? (
                <p className="field__error" id="password-error">
                  {fieldError.text}
                </p>
              ) : (
                <p className="field__hint">At least {LIMITS.password.min} characters.</p>
              )}
            </div>
            <div className="field">
              <label htmlFor="repeat-password">The same again</label>
              <input
                id="repeat-password"
                type="password"
                autoComplete="new-password"
                maxLength={LIMITS.password.max}
                value={repeat}
                onChange={(e) => setRepeat(e.target.value)}
                {...errorId('repeat')}
              />
              {fieldError?.field === 'repeat' && (
                <p className="field__error" id="repeat-error">
                  {fieldError.text}
                </p>
              )}
            </div>
            <button type="submit" className="button button--primary button--block" disabled={busy}>
              {busy ? 'Saving…' : 'Save and sign in'}
            </button>
          </form>
        )}
      </main>
    </div>
  );
}

/** How a staff member signs in, in words: for the users list and their page. */
export function signInState(u: Pick<UserListItem, 'signInState'>): string {
  return SIGN_IN_WORDS[u.signInState];
}
const SIGN_IN_WORDS: Record<UserListItem['signInState'], string> = {
  active: 'Active',
  not_signed_in: 'Not signed in yet',
  invited: 'Invited',
  no_password: 'No password yet',
  disabled: 'Disabled',
};

/** An admin on a staff member's page: e-mail them a link to choose their password. */
export function PasswordLinkPanel({ user }: { user: UserListItem }) {
  const me = useMe();
  const { busy, outcome, run } = useAction();
  const [pending, setPending] = useState(user.pendingLink);
  // One's own password is changed on Your account, proving the current one.
  if (user.id === me.id) return null;
  const invitation = !user.passwordSet;
  const send = () =>
    run('send', async () => {
      const sent = await api.post<z.infer<typeof PasswordLinkSent>>(`/users/${user.id}/password-link`, {});
      setPending({ purpose: sent.purpose, expiresAt: sent.expiresAt });
      const what = sent.purpose === 'invitation' ? 'Invitation' : 'Link';
      const until = `It works once, until ${formatDateTime(sent.expiresAt)}.`;
      return sent.held
        ? `${what} for ${sent.sentTo} held on the Mail page (outgoing mail is not set up): send them its link yourself. ${until}`
        : `${what} sent to ${sent.sentTo}. ${until}`;
    });
  return (
    <section className="card form" aria-labelledby="user-password-link">
      <h2 id="user-password-link">{invitation ? 'Invitation' : 'Password'}</h2>
      <p className="muted" data-testid="password-link-state">
        {!user.active
          ? `${user.name}'s login is disabled: allow it to sign in above before sending a link.`
          : invitation
            ? pending
              ? `${user.name} has no password yet. ${pending.purpose === 'invitation' ? 'The invitation sent' : 'The link they asked for'} works until ${formatDateTime(pending.expiresAt)}.`
              : `${user.name} has no password yet, and no invitation that still works.`
            : `${user.name} signs in with a password. Forgotten it? Send them a link to choose a new one (it works for an hour; their password stays until they use it).`}
      </p>
      <OutcomeNotice outcome={outcome} testId="password-link-sent" />
      {user.active && (
        <div className="form__actions">
          <button type="button" className="button" disabled={busy !== null} onClick={() => void send()}>
            {busy
              ? 'Sending…'
              : invitation
                ? pending
                  ? 'Send the invitation again'
                  : 'Send an invitation'
                : 'Send a link to choose a new password'}
          </button>
        </div>
      )}
    </section>
  );
}
