// My account, for a signed-in customer: their name, the language of our automatic mail to them and
// the time zone their times are written in (fields of their own customer record: GET/PATCH
// /portal/account, which names no id, so no one else's), their mail preferences (what we mail on
// our own, each choice saved on its own), their password when an admin gave them one (customers
// who sign in by e-mailed link have none to change), and where they are signed in, to sign out the
// other browsers.
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
import { api, toApiError } from '../lib/api.js';
import { useApi } from '../lib/use-api.js';
import { browserTimeZone, timeZones } from '../lib/time-zones.js';
import {
  ErrorNotice,
  FormError,
  Loading,
  OutcomeNotice,
  PageHeader,
  type Outcome,
} from '../layout/page-parts.js';
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
  // The record as either form last saved it: each form goes on from the other's version.
  const [latest, setLatest] = useState<PortalAccount>();
  useEffect(() => setLatest(undefined), [account.data]);
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
          latest={latest}
          onReload={account.reload}
          onSaved={(saved) => {
            setSavedZone(saved.shownTimeZone);
            setLatest(saved);
          }}
        />
      )}
      {account.data && <MailPreferences account={latest ?? account.data} onSaved={setLatest} />}
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
  latest,
  onReload,
  onSaved,
}: {
  account: PortalAccount;
  /** The record as the page's other form saved it since. */
  latest: PortalAccount | undefined;
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
  // Saved by the mail preferences since: still the name, language and zone this form started from,
  // so its If-Match goes on from that version (no conflict with oneself). Another change to these
  // in between keeps the old version: the conflict is shown.
  useEffect(() => {
    setBase((b) =>
      latest &&
      latest.updatedAt !== b.updatedAt &&
      latest.name === b.name &&
      latest.timeZone === b.timeZone &&
      latest.language === b.language
        ? { ...b, updatedAt: latest.updatedAt }
        : b,
    );
  }, [latest]);
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

type MailPreference = 'mailAcknowledgements' | 'mailProactiveNotices';
const MAIL_PREFERENCES: { key: MailPreference; label: string; hint: string; on: string; off: string }[] = [
  {
    key: 'mailAcknowledgements',
    label: 'Confirm my new requests',
    hint: 'An e-mail with the number of a request you send us, and when we will answer.',
    on: 'we confirm your new requests by e-mail',
    off: 'we no longer confirm your new requests by e-mail',
  },
  {
    key: 'mailProactiveNotices',
    label: 'Tell me when something goes wrong',
    hint: 'We write to you on our own when we see a problem with your order or delivery, such as a late shipment.',
    on: 'we write to you when we see a problem with your order or delivery',
    off: 'we no longer write to you on our own about problems with your orders',
  },
];

/**
 * What we mail her on our own, each choice saved as it is ticked (PATCH /portal/account with that
 * field alone: nothing else of hers is written, so no If-Match). A refusal puts the old choice back.
 */
function MailPreferences({
  account,
  onSaved,
}: {
  account: PortalAccount;
  onSaved: (saved: PortalAccount) => void;
}) {
  const [shown, setShown] = useState<Pick<PortalAccount, MailPreference> | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const current = shown ?? account;

  async function toggle(pref: (typeof MAIL_PREFERENCES)[number], on: boolean) {
    const before = {
      mailAcknowledgements: current.mailAcknowledgements,
      mailProactiveNotices: current.mailProactiveNotices,
    };
    setShown({ ...before, [pref.key]: on });
    setBusy(true);
    setOutcome(null);
    try {
      const saved = await api.patch<PortalAccount>('/portal/account', { [pref.key]: on });
      setShown(null);
      onSaved(saved);
      setOutcome({ ok: true, text: `Saved: ${on ? pref.on : pref.off}.` });
    } catch (err) {
      setShown(before);
      setOutcome({ ok: false, text: toApiError(err).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card form" aria-labelledby="account-mail" data-testid="mail-preferences">
      <h2 id="account-mail">Mail preferences</h2>
      <p className="muted">
        What we e-mail you on our own. Our answers to your requests and sign-in links always come.
      </p>
      <OutcomeNotice outcome={outcome} testId="mail-preferences-saved" />
      <fieldset className="checkbox-list" disabled={busy}>
        <legend className="visually-hidden">E-mail me</legend>
        {MAIL_PREFERENCES.map((pref) => (
          <div key={pref.key} className="checkbox">
            <input
              id={`account-${pref.key}`}
              type="checkbox"
              checked={current[pref.key]}
              onChange={(e) => void toggle(pref, e.target.checked)}
              aria-describedby={`account-${pref.key}-hint`}
            />
            <div>
              <label htmlFor={`account-${pref.key}`}>{pref.label}</label>
              <p className="field__hint" id={`account-${pref.key}-hint`}>
                {pref.hint}
              </p>
            </div>
          </div>
        ))}
      </fieldset>
    </section>
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
