// Settings an admin changes without a restart: the company's name and time zone, how long a
// solved case waits for the customer before it closes on its own, how long operational events
// and the audit trail are kept, and whether a mail that opens a case is acknowledged.
import { MailSetupSection } from '../mail/mail-setup.js';
import { useState, type ReactNode } from 'react';
import type { SettingsRead } from '../../shared/schemas/settings.js';
import {
  DOMAIN_EVENT_RETENTION_DAYS,
  EVENT_RETENTION_DAYS,
  SettingsUpdate,
} from '../../shared/schemas/settings.js';
import { api } from '../lib/api.js';
import { publishBranding } from '../lib/branding.js';
import { publishCompanyZone } from '../lib/work-zone.js';
import { useApi } from '../lib/use-api.js';
import { FormError, PageHeader, SuccessNotice } from '../layout/page-parts.js';
import { RecordGate } from '../layout/record-gate.js';
import { EditConflict, reloadPage } from '../layout/edit-conflict.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { SelectField, TextField, wholeNumberOrNone } from './form-parts.js';
import { useFormSubmit } from './use-form-submit.js';
import { timeZones } from '../lib/time-zones.js';
import { MAIL_LANGUAGES, MAIL_LANGUAGE_NAMES } from '../../shared/mail-languages.js';

export function SettingsPage() {
  useDocumentTitle('Settings');
  const settings = useApi<SettingsRead>('/settings');
  return (
    <>
      <PageHeader
        title="Settings"
        subtitle="How Steward behaves for everyone; a saved change applies at once."
      />
      <RecordGate
        record={settings}
        what="Settings"
        back={{ to: '/admin', label: 'Administration' }}
        loadingLabel="Loading settings…"
      >
        {(s) => s && <SettingsForm settings={s} />}
      </RecordGate>
      <MailSetupSection />
    </>
  );
}

/**
 * Keeps what was saved on screen (it is what the server now has) rather than loading it again.
 * Saves onto the version read here (If-Match): a colleague's save in between is not undone unasked.
 */
function SettingsForm(props: { settings: SettingsRead }) {
  const [companyName, setCompanyName] = useState(props.settings.companyName ?? '');
  const [timeZone, setTimeZone] = useState(props.settings.timeZone ?? '');
  const [customerLanguage, setCustomerLanguage] = useState<string>(props.settings.customerLanguage);
  const [hours, setHours] = useState(String(props.settings.caseAutoCloseHours));
  const [retention, setRetention] = useState(props.settings.eventRetentionDays?.toString() ?? '');
  const [auditRetention, setAuditRetention] = useState(
    props.settings.domainEventRetentionDays?.toString() ?? '',
  );
  const [acknowledge, setAcknowledge] = useState(props.settings.acknowledgeNewMail);
  const [assignOnReply, setAssignOnReply] = useState(props.settings.assignOnReply);
  const [requireTwoStep, setRequireTwoStep] = useState(props.settings.requireTwoStepForStaff);
  const [notice, setNotice] = useState<string | null>(null);
  const [version, setVersion] = useState(props.settings.updatedAt);
  const { errors, formError, saving, submit, conflict } = useFormSubmit();

  /** Saves onto the version read here, unless `overwrite` (the person chose to, on a conflict). */
  async function save(overwrite = false) {
    setNotice(null);
    const sent = await submit(
      SettingsUpdate,
      // An empty hours field is NaN (it may not be none); an empty retention is "for ever".
      {
        companyName: companyName.trim() || null,
        timeZone: timeZone.trim() || null,
        customerLanguage,
        caseAutoCloseHours: wholeNumberOrNone(hours) ?? NaN,
        eventRetentionDays: wholeNumberOrNone(retention),
        domainEventRetentionDays: wholeNumberOrNone(auditRetention),
        acknowledgeNewMail: acknowledge,
        assignOnReply,
        requireTwoStepForStaff: requireTwoStep,
      },
      async (data) => {
        const saved = await api.patch<SettingsRead>('/settings', data, overwrite ? undefined : version);
        setVersion(saved.updatedAt);
        publishBranding({ companyName: saved.companyName });
        publishCompanyZone(saved.timeZone);
      },
    );
    if (sent) setNotice('Settings saved.');
  }

  const id = 'setting-auto-close';
  const retentionId = 'setting-event-retention';
  const auditRetentionId = 'setting-audit-retention';
  return (
    <form
      className="form card"
      aria-label="Settings"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <SuccessNotice message={notice} />
      <FormError message={formError} />
      {conflict && (
        <EditConflict
          noun="settings"
          what="these settings"
          onLoad={reloadPage}
          onOverwrite={() => void save(true)}
          saving={saving}
        />
      )}
      <TextField
        id="setting-company-name"
        label="Company name"
        value={companyName}
        onChange={setCompanyName}
        placeholder="Steward"
        maxLength={60}
        error={errors.companyName}
        hint="What customers see in place of Steward: the portal, the help center, the web form and the sign-in pages, in their browser tabs too; the staff's invitation and password mails and pages name it as well. Staff screens keep Steward. Leave empty to show Steward."
      />
      <TextField
        id="setting-time-zone"
        label="Company time zone"
        value={timeZone}
        onChange={setTimeZone}
        placeholder="UTC"
        list="setting-time-zones"
        autoComplete="off"
        maxLength={64}
        error={errors.timeZone}
        hint="An IANA zone such as Europe/Berlin: the zone of notification e-mails and daily digests for colleagues who chose none of their own (their own choice wins). Leave empty for UTC. Promise clocks keep their calendar's zone."
      />
      <datalist id="setting-time-zones">
        {timeZones().map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <SelectField
        id="setting-customer-language"
        label="Language of mail to customers"
        value={customerLanguage}
        onChange={setCustomerLanguage}
        options={MAIL_LANGUAGES.map((l) => ({ value: l, label: MAIL_LANGUAGE_NAMES[l] }))}
        error={errors.customerLanguage}
        hint="Steward's own words in mail to customers whose record names no language: the acknowledgement of a request, the link to the request under a reply, the portal's sign-in link. A customer's own language wins (English when it is not one of these). Replies are in the words the agent wrote."
      />
      <TextField
        id={id}
        type="number"
        label="Close solved cases after (hours)"
        min={1}
        max={24 * 365}
        value={hours}
        onChange={setHours}
        error={errors.caseAutoCloseHours}
        hint="A solved case the customer does not answer closes on its own after this long (96 hours is four days). An answer before then reopens it."
      />
      <TextField
        id={retentionId}
        type="number"
        label="Remove operational events after (days)"
        min={EVENT_RETENTION_DAYS.min}
        max={EVENT_RETENTION_DAYS.max}
        placeholder="kept for ever"
        value={retention}
        onChange={setRetention}
        error={errors.eventRetentionDays}
        hint={
          <>
            Leave empty to keep them for ever. At least {EVENT_RETENTION_DAYS.min} days. Events behind a
            signal and events a rule is still waiting on stay, and so does any event inside a threshold
            rule&rsquo;s window; commitments and signals keep their own record. An event id sent again after
            its event was removed is taken as new.
          </>
        }
      />
      <TextField
        id={auditRetentionId}
        type="number"
        label="Remove audit log entries after (days)"
        min={DOMAIN_EVENT_RETENTION_DAYS.min}
        max={DOMAIN_EVENT_RETENTION_DAYS.max}
        placeholder="kept for ever"
        value={auditRetention}
        onChange={setAuditRetention}
        error={errors.domainEventRetentionDays}
        hint={
          <>
            Leave empty to keep them for ever. At least {DOMAIN_EVENT_RETENTION_DAYS.min} days. Older changes
            go from the audit log, case timelines and customer and organization histories; the records
            themselves (cases, customers, messages) stay, and KPIs are not computed from these entries. Kept
            whatever their age: the changes of cases not yet closed, the deletion of a case still deleted,
            what webhooks and notifications have not sent yet, and the record of each erasure of a customer's
            personal data and each copy of it taken. A logged conversation sent again after its entry was
            removed is logged again.
          </>
        }
      />
      <CheckboxSetting
        id="setting-assign-on-reply"
        label="The first to answer an unassigned case takes it"
        checked={assignOnReply}
        onChange={setAssignOnReply}
        hint="When an agent or admin sends a public reply or logs a call on a case nobody is assigned, the case is assigned to them, so that the customer keeps one contact. Replies written by automations and imported history never assign."
      />
      <CheckboxSetting
        id="setting-require-two-step"
        label="Require two-step sign-in for staff"
        checked={requireTwoStep}
        onChange={setRequireTwoStep}
        hint="Agents and admins enter a code from an authenticator app after their password. Those who have not set it up are led to do so at their next sign-in, before they get in; they cannot turn it off themselves (you can, for a lost phone, on their user page). Customers are not asked."
      />
      <CheckboxSetting
        id="setting-acknowledge"
        label="Acknowledge new requests by e-mail"
        checked={acknowledge}
        onChange={setAcknowledge}
        hint={
          <>
            A mail that opens a case is answered at once with the case&rsquo;s number and, when its agreement
            promises a first answer, by when (in the customer&rsquo;s time zone). At most five a sender an
            hour. Requests from the web form are always acknowledged.
          </>
        }
      />
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save settings'}
        </button>
      </div>
    </form>
  );
}

function CheckboxSetting(props: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint: ReactNode;
}) {
  return (
    <div className="field">
      <label className="checkbox">
        <input
          type="checkbox"
          checked={props.checked}
          onChange={(e) => props.onChange(e.target.checked)}
          aria-describedby={`${props.id}-hint`}
        />{' '}
        {props.label}
      </label>
      <p className="field__hint" id={`${props.id}-hint`}>
        {props.hint}
      </p>
    </div>
  );
}
