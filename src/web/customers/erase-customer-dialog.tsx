// Erasing a customer's personal data (admins): what it will touch, read from the server, then the
// customer's name typed to confirm. There is no undo; the list says what was erased.
import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import type { Customer, CustomerErased, CustomerErasure } from '../../shared/schemas/customers.js';
import { api, toApiError } from '../lib/api.js';
import { countOf, countsInWords } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { FormDialog } from '../layout/form-dialog.js';
import { ErrorNotice, Loading } from '../layout/page-parts.js';

const ERASED_NOUNS = [
  ['cases', 'case'],
  ['messages', 'message'],
  ['attachments', 'attachment'],
  ['mails', 'mail'],
  ['events', 'event'],
] as const;

/** "2 cases, 7 messages, 1 attachment, 3 mails and 4 events" (only what there is). */
export const erasedSummary = (c: Omit<CustomerErased, 'portalLogin' | 'mergedCustomers' | 'closedCases'>) =>
  countsInWords(c, ERASED_NOUNS) ?? 'nothing else';

function EraseCustomerDialog(props: { customer: Customer; onClose(): void }) {
  const uid = useId();
  const navigate = useNavigate();
  const preview = useApi<CustomerErasure>(`/customers/${props.customer.id}/erasure`);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const p = preview.data;
  const matches = !!p && typed.trim() === p.name.trim();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!p || !matches) {
      setError('Type the customer’s name exactly as it is shown to confirm.');
      return;
    }
    setError(null);
    setSaving(true);
    try {
      const erased = await api.post<CustomerErased>(`/customers/${props.customer.id}/erase`, {
        confirm: typed,
      });
      navigate('/customers', {
        state: {
          notice:
            `The personal data of ${p.name} was erased: ${erasedSummary(erased)}.` +
            (erased.closedCases > 0 ? ` ${countOf(erased.closedCases, 'unsolved case')} closed.` : ''),
        },
      });
    } catch (err) {
      setError(toApiError(err).message);
      setSaving(false);
    }
  }

  return (
    <FormDialog
      title={`Erase the personal data of ${props.customer.name}`}
      testId="erase-customer-dialog"
      onClose={props.onClose}
      onSubmit={submit}
    >
      <p className="dialog__intro muted">
        For a request to be forgotten. Their name, addresses, phone, external ID and custom fields go, and so
        do the subjects and texts of their cases, their attachments, the mail to and from them, the data of
        the events about them and their portal login. What happened and when stays (statuses, channels, teams,
        dates, promise clocks, signals and commitments), so reports of past periods do not change. There is no
        undo.
      </p>
      {preview.error && <ErrorNotice error={preview.error} onRetry={preview.reload} />}
      {!p && !preview.error && <Loading label="Reading what will be erased…" />}
      {p && (
        <>
          <ul className="erasure-list" data-testid="erasure-preview">
            <li>
              {p.emails.length > 0 ? `Addresses: ${p.emails.join(', ')}` : 'No e-mail address'}
              {p.portalLogin ? '; their portal login' : ''}
            </li>
            <li>
              {erasedSummary(p)}
              {p.openCases > 0
                ? ` (${countOf(p.openCases, 'case')} not solved yet: closed, with no promise left running)`
                : ''}
            </li>
            {p.mergedCustomers > 0 && <li>{countOf(p.mergedCustomers, 'customer')} merged into this one</li>}
          </ul>
          {error && (
            <p className="notice notice--error" role="alert" data-testid="erase-error">
              {error}
            </p>
          )}
          <div className="field">
            <label htmlFor={`${uid}-confirm`}>Type “{p.name}” to confirm</label>
            <input
              id={`${uid}-confirm`}
              value={typed}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => setTyped(e.target.value)}
              data-testid="erase-confirm"
            />
          </div>
        </>
      )}
      <div className="form__actions">
        <button type="submit" className="button button--danger" disabled={saving || !matches}>
          {saving ? 'Erasing…' : 'Erase permanently'}
        </button>
        <button type="button" className="button" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </FormDialog>
  );
}

/** The customer page's last section, for admins: the right to be forgotten. */
export function PersonalDataSection({ customer }: { customer: Customer }) {
  const [open, setOpen] = useState(false);
  return (
    <section className="section" aria-labelledby="personal-data-title">
      <h2 id="personal-data-title">Personal data</h2>
      <p className="muted">
        When {customer.name} asks to be forgotten, erase what Steward holds about them. Their cases stay in
        the reports, without their name or what was written.
      </p>
      <button
        type="button"
        className="button button--danger"
        onClick={() => setOpen(true)}
        data-testid="erase-customer"
      >
        Erase personal data…
      </button>
      {open && <EraseCustomerDialog customer={customer} onClose={() => setOpen(false)} />}
    </section>
  );
}
