// Your account: who you are signed in as (staff change their name here), which notifications also come by e-mail, changing your own password (staff; customers sign in
// with a link sent by e-mail; a new password ends your other sessions and API tokens, this one
// stays signed in), and where you are signed in, to sign out one browser or everywhere else.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { MeUpdate, PasswordChange, SIGNATURE_LIMITS, type Me } from '../../shared/schemas/users.js';
import { api } from '../lib/api.js';
import { FormError, PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { describedBy, ErrorSummary, FormField, TextField } from '../admin/form-parts.js';
import { useFormSubmit } from '../admin/use-form-submit.js';
import { countOf, roleLabel } from '../lib/format.js';
import { isStaff, useAuth, useMe } from './auth-context.js';
import { YourSessions } from './session-list.js';
import { TwoStepSection } from './two-step.js';
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
      {isStaff(me) && <NameForm />}
      <PasswordForm onChanged={() => setPasswordChanges((n) => n + 1)} />
      {isStaff(me) && <TwoStepSection />}
      {isStaff(me) && <SignatureForm />}
      <NotificationSettings />
      <YourSessions key={passwordChanges} />
    </>
  );
}

/** Staff: the name colleagues see, and customers in the From of their replies. */
function NameForm() {
  const me = useMe();
  const { changedMe } = useAuth();
  const [name, setName] = useState(me.name);
  const [done, setDone] = useState<string | null>(null);
  const { errors, formError, saving, submit } = useFormSubmit();

  async function onSubmit() {
    setDone(null);
    await submit(MeUpdate, { name }, async (body) => {
      const saved = await api.patch<Me>('/auth/me', body);
      changedMe(saved);
      setName(saved.name);
      setDone('Name saved.');
    });
  }

  return (
    <form
      className="form card"
      aria-label="Your name"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit();
      }}
    >
      <h2>Your name</h2>
      {done && (
        <p className="notice notice--success" role="status" data-testid="name-saved">
          {done}
        </p>
      )}
      <FormError message={formError} />
      <TextField
        id="account-name"
        label="Name"
        value={name}
        onChange={setName}
        maxLength={200}
        error={errors.name}
        hint="Colleagues see it on cases and notes; customers see it in the From of your e-mailed replies."
      />
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={saving || name.trim() === me.name}>
          {saving ? 'Saving…' : 'Save name'}
        </button>
      </div>
    </form>
  );
}

/** Staff: the lines under their e-mailed replies. */
function SignatureForm() {
  const me = useMe();
  const { changedMe } = useAuth();
  const [text, setText] = useState(me.signature ?? '');
  const [done, setDone] = useState<string | null>(null);
  const { errors, formError, saving, submit } = useFormSubmit();
  const error = errors.signature;

  async function onSubmit() {
    setDone(null);
    await submit(MeUpdate, { signature: text }, async (body) => {
      const saved = await api.patch<Me>('/auth/me', body);
      changedMe(saved);
      setText(saved.signature ?? '');
      setDone(
        saved.signature ? 'Signature saved: it goes under your next e-mailed replies.' : 'Signature removed.',
      );
    });
  }

  return (
    <form
      className="form card"
      aria-label="Your e-mail signature"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit();
      }}
    >
      <h2>Your e-mail signature</h2>
      <p className="muted">
        Text you write again and again goes in <Link to="/reply-templates">reply templates</Link>.
      </p>
      {done && (
        <p className="notice notice--success" role="status" data-testid="signature-saved">
          {done}
        </p>
      )}
      <FormError message={formError} />
      <FormField
        id="account-signature"
        label="Signature"
        error={error}
        hint={`Added under each reply of yours that goes to a customer by e-mail, after a "-- " line (not to notes, calls or chats; the case keeps your reply without it). Up to ${SIGNATURE_LIMITS.lines} lines. Empty: none.`}
      >
        <textarea
          id="account-signature"
          rows={4}
          maxLength={SIGNATURE_LIMITS.chars}
          value={text}
          placeholder={`${me.name}\nCustomer service`}
          onChange={(e) => setText(e.target.value)}
          {...describedBy('account-signature', error, true)}
        />
      </FormField>
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save signature'}
        </button>
      </div>
    </form>
  );
}

/** Changing one's own password (staff; customers with a password, on My account in the portal). */
export function PasswordForm({ onChanged }: { onChanged: () => void }) {
  const tokens = isStaff(useMe()) ? ' and API tokens' : '';
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
          : `Password changed. ${tokens ? countOf(endedTokens, 'other session or API token', 'other sessions and API tokens') : countOf(endedTokens, 'other session')} ended; you stay signed in here.`,
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
          `At least 8 characters. Your other sessions${tokens} end; this one stays signed in.`,
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
