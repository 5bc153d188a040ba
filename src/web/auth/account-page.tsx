// Your account: who you are signed in as, changing your own password (staff; customers sign in
// with a link sent by e-mail; a new password ends your other sessions and API tokens, this one
// stays signed in), and signing out everywhere else.
import { useState } from 'react';
import { PasswordChange } from '../../shared/schemas/users.js';
import { api, toApiError } from '../lib/api.js';
import { FormError, PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { ErrorSummary, TextField } from '../admin/form-parts.js';
import { useFormSubmit } from '../admin/use-form-submit.js';
import { countOf, roleLabel } from '../lib/format.js';
import { useMe } from './auth-context.js';

const LABELS: Record<string, string> = {
  currentPassword: 'Current password',
  newPassword: 'New password',
  repeatPassword: 'New password again',
};

export function AccountPage() {
  useDocumentTitle('Your account');
  const me = useMe();
  return (
    <>
      <PageHeader title="Your account" subtitle={`${me.name} · ${me.email} · ${roleLabel(me.role)}`} />
      <PasswordForm />
      <OtherSessions />
    </>
  );
}

function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const { errors, setErrors, formError, saving, submit } = useFormSubmit({
    conflictFields: { wrong_password: 'currentPassword' },
  });

  async function onSubmit() {
    setDone(null);
    if (next !== repeat) {
      setErrors({ repeatPassword: 'does not match the new password' });
      return;
    }
    await submit(PasswordChange, { currentPassword: current, newPassword: next }, async (body) => {
      const { endedTokens } = await api.post<{ endedTokens: number }>('/auth/password', body);
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(
        endedTokens === 0
          ? 'Password changed.'
          : `Password changed. ${countOf(endedTokens, 'other session or API token', 'other sessions and API tokens')} ended; you stay signed in here.`,
      );
    });
  }

  const field = (id: keyof typeof LABELS, value: string, set: (v: string) => void, hint?: string) => (
    <TextField
      id={`account-${id}`}
      label={LABELS[id]}
      type="password"
      autoComplete={id === 'currentPassword' ? 'current-password' : 'new-password'}
      value={value}
      onChange={set}
      error={errors[id]}
      hint={hint}
    />
  );

  return (
    <form
      className="form card"
      aria-label="Change your password"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit();
      }}
    >
      <h2>Change your password</h2>
      {done && (
        <p className="notice notice--success" role="status" data-testid="password-changed">
          {done}
        </p>
      )}
      <ErrorSummary errors={errors} labels={(p) => LABELS[p] ?? 'Password'} />
      <FormError message={formError} />
      <div className="form__grid">{field('currentPassword', current, setCurrent)}</div>
      <div className="form__grid">
        {field(
          'newPassword',
          next,
          setNext,
          'At least 8 characters. Your other sessions and API tokens end; this one stays signed in.',
        )}
        {field('repeatPassword', repeat, setRepeat)}
      </div>
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Changing…' : 'Change password'}
        </button>
      </div>
    </form>
  );
}

/** "Sign out everywhere else": a browser left signed in on a shared computer, a lost laptop. */
function OtherSessions() {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  async function endOthers() {
    setBusy(true);
    setResult(null);
    try {
      const { endedSessions } = await api.post<{ endedSessions: number }>('/auth/logout-others');
      setResult({
        ok: true,
        text:
          endedSessions === 0
            ? 'You were signed in nowhere else.'
            : `Signed out of ${countOf(endedSessions, 'other session')}.`,
      });
    } catch (err) {
      setResult({ ok: false, text: toApiError(err).message });
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card form" aria-labelledby="other-sessions">
      <h2 id="other-sessions">Other sessions</h2>
      <p className="muted">
        Signed in on another computer or browser and not there any more? End those sessions; this one stays
        signed in, and API tokens keep working.
      </p>
      {result && (
        <p
          className={`notice ${result.ok ? 'notice--success' : 'notice--error'}`}
          role={result.ok ? 'status' : 'alert'}
          data-testid="sessions-ended"
        >
          {result.text}
        </p>
      )}
      <div className="form__actions">
        <button type="button" className="button" disabled={busy} onClick={() => void endOthers()}>
          {busy ? 'Signing out…' : 'Sign out everywhere else'}
        </button>
      </div>
    </section>
  );
}
