// My account, for a signed-in customer: their name, the language of our automatic mail to them and
// the time zone their times are written in (fields of their own customer record: GET/PATCH /portal/account, which names no id, so no one
// else's), their password when an admin gave them one (customers who sign in by e-mailed link
// have none to change), and where they are signed in, to sign out the other browsers.
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { PortalAccountUpdate, type PortalAccount } from '../../shared/schemas/portal.js';
import type { Me } from '../../shared/schemas/users.js';
import {
  MAIL_LANGUAGE_NAMES,
  MAIL_LANGUAGES,
  isMailLanguage,
  mailLanguage,
} from '../../shared/mail-languages.js';
import { api } from '../lib/api.js';
import { useApi } from '../lib/use-api.js';
import { browserTimeZone, timeZones } from '../lib/time-zones.js';
import { ErrorNotice, FormError, Loading, PageHeader } from '../layout/page-parts.js';
import { EditConflict } from '../layout/edit-conflict.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { SelectField, TextField } from '../admin/form-parts.js';
import { useFormSubmit } from '../admin/use-form-submit.js';
import { useAuth, useMe } from '../auth/auth-context.js';
import { PasswordForm } from '../auth/account-page.js';
import { YourSessions } from '../auth/session-list.js';
import './portal.css';

export function PortalAccountPage() {
  useDocumentTitle('My account');
  const me = useMe();
  const account = useApi<PortalAccount>('/portal/account');
  // A new password ends the other sessions: the list is read again.
  const [passwordChanges, setPasswordChanges] = useState(0);
  // The zone her times are written in, as last saved (a new zone of her own applies at once).
  const [savedZone, setSavedZone] = useState<string>();
  useEffect(() => setSavedZone(undefined), [account.data]);
  return (
    <div className="portal portal--narrow">
      <PageHeader
        title="My account"
        subtitle={me.email}
        actions={
          // Her customer record (phone, organization): what we keep about her, its phone hers to edit.
          me.customerId && (
            <Link className="button" to={`/customers/${me.customerId}`} data-testid="account-details-link">
              Contact details
            </Link>
          )
        }
      />
      {account.error && <ErrorNotice error={account.error} onRetry={account.reload} />}
      {!account.data && !account.error && <Loading label="Loading your account…" />}
      {account.data && (
        <ProfileForm
          account={account.data}
          onReload={account.reload}
          onSaved={(saved) => setSavedZone(saved.shownTimeZone)}
        />
      )}
      {account.data?.hasPassword ? (
        <PasswordForm onChanged={() => setPasswordChanges((n) => n + 1)} />
      ) : (
        account.data && (
          <section className="card form" aria-labelledby="account-sign-in" data-testid="no-password">
            <h2 id="account-sign-in">How you sign in</h2>
            <p className="muted">
              You sign in with a link we e-mail to {account.data.email ?? 'you'}: there is no password to
              change.
            </p>
          </section>
        )
      )}
      {/* Their times in the zone their requests' pages use (not the browser's): read with the account. */}
      {(account.data || account.error) && (
        <YourSessions key={passwordChanges} timeZone={savedZone ?? account.data?.shownTimeZone} />
      )}
    </div>
  );
}

function ProfileForm({
  account,
  onReload,
  onSaved,
}: {
  account: PortalAccount;
  onReload: () => void;
  onSaved: (saved: PortalAccount) => void;
}) {
  const { changedMe } = useAuth();
  const [name, setName] = useState(account.name);
  const [zone, setZone] = useState(account.timeZone ?? '');
  const [language, setLanguage] = useState(account.language ?? '');
  /** The record as last read or saved: what the form compares with and sends If-Match for. */
  const [base, setBase] = useState(account);
  const [done, setDone] = useState<string | null>(null);
  const { errors, formError, saving, submit, conflict } = useFormSubmit();
  // The record as read again (after "Load their version"): the form shows it.
  useEffect(() => {
    setName(account.name);
    setZone(account.timeZone ?? '');
    setLanguage(account.language ?? '');
    setBase(account);
  }, [account]);
  const browser = browserTimeZone();
  const zones = [...new Set([...(zone ? [zone] : []), browser, ...timeZones()])].sort();

  async function save(ifMatch: string | undefined) {
    setDone(null);
    const before = base.language;
    await submit(
      PortalAccountUpdate,
      { name, timeZone: zone || null, language: language || null },
      async (body) => {
        const saved = await api.patch<PortalAccount>('/portal/account', body, ifMatch);
        setName(saved.name);
        setZone(saved.timeZone ?? '');
        setLanguage(saved.language ?? '');
        setBase(saved);
        onSaved(saved);
        changedMe(await api.get<Me>('/auth/me'));
        const times = saved.timeZone
          ? `Saved. Your times are now shown in ${saved.timeZone}.`
          : 'Saved. Your times are shown in the time zone of our service hours.';
        setDone(
          saved.language === before
            ? times
            : `${times} ${saved.language ? `Our automatic e-mails to you are now in ${languageName(saved.language)}.` : 'Our automatic e-mails to you are in our usual language.'}`,
        );
      },
    );
  }

  return (
    <form
      className="form card"
      aria-label="Your name, language and time zone"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save(base.updatedAt);
      }}
    >
      <h2>Your name, language and time zone</h2>
      {done && (
        <p className="notice notice--success" role="status" data-testid="account-saved">
          {done}
        </p>
      )}
      {conflict && (
        <EditConflict
          noun="account"
          what="your account"
          onLoad={onReload}
          onOverwrite={() => void save(undefined)}
          saving={saving}
        />
      )}
      <FormError message={formError} />
      <TextField
        id="account-name"
        label="Name"
        value={name}
        onChange={setName}
        maxLength={200}
        autoComplete="name"
        error={errors.name}
        hint="How we address you in our answers."
      />
      <SelectField
        id="account-language"
        label="Language"
        value={language}
        onChange={setLanguage}
        empty="Not set: our usual language"
        options={[...(language && !isMailLanguage(language) ? [language] : []), ...MAIL_LANGUAGES].map(
          (l) => ({
            value: l,
            label: languageName(l),
          }),
        )}
        error={errors.language}
        hint="Our automatic e-mails (the confirmation of a request, sign-in links) are written in it."
      />
      <SelectField
        id="account-time-zone"
        label="Time zone"
        value={zone}
        onChange={setZone}
        empty="Not set: the time zone of our service hours"
        options={zones.map((z) => ({ value: z, label: z === browser ? `${z} (this device)` : z }))}
        error={errors.timeZone}
        hint="The times on your requests and in our mails are written in it."
      />
      <div className="form__actions">
        <button
          type="submit"
          className="button button--primary"
          disabled={
            saving ||
            (name.trim() === base.name &&
              (zone || null) === base.timeZone &&
              (language || null) === base.language)
          }
        >
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}

/**
 * A language by its own name; a tag of a region (de-CH) by its language's name and the tag; one we
 * do not write in by the tag and the language we write in instead (mailLanguage, as the mail does).
 */
function languageName(tag: string): string {
  if (isMailLanguage(tag)) return MAIL_LANGUAGE_NAMES[tag];
  const written = mailLanguage(tag);
  return tag.split('-')[0]!.toLowerCase() === written
    ? `${MAIL_LANGUAGE_NAMES[written]} (${tag})`
    : `${tag} (we write in ${MAIL_LANGUAGE_NAMES[written]})`;
}
