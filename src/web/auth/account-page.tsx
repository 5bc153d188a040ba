// Your account: who you are signed in as, which notifications also come by e-mail, changing your own password (staff; customers sign in
// with a link sent by e-mail; a new password ends your other sessions and API tokens, this one
// stays signed in), and where you are signed in, to sign out one browser or everywhere else.
import { useState } from 'react';
import { PasswordChange } from '../../shared/schemas/users.js';
import { api } from '../lib/api.js';
import { FormError, PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { ErrorSummary, TextField } from '../admin/form-parts.js';
import { useFormSubmit } from '../admin/use-form-submit.js';
import { countOf, roleLabel } from '../lib/format.js';
import { useMe } from './auth-context.js';
import { YourSessions } from './session-list.js';
import { NotificationSettings } from '../notifications/notification-settings.js';

const LABELS: Record<string, string> = {
  currentPassword: 'Current password',
  newPassword: 'New password',
  repeatPassword: 'New password again',
};

export function AccountPage() {
  useDocumentTitle('Your account');
  const me = useMe();
  // A new password ends the other sessions: the list is read again.
  const [passwordChanges, setPasswordChanges] = useState(0);
  return (
    <>
      <PageHeader title="Your account" subtitle={`${me.name} · ${me.email} · ${roleLabel(me.role)}`} />
      <PasswordForm onChanged={() => setPasswordChanges((n) => n + 1)} />
      <NotificationSettings />
      <YourSessions key={passwordChanges} />
    </>
  );
}

function PasswordForm({ onChanged }: { onChanged: () => void }) {
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
      onChanged();
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
