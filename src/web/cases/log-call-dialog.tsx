// Logging a phone call: on a case (a message with the call's direction, duration and outcome),
// or as a new case opened from the call (channel phone). A call is never mailed to the customer.
import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { SelectField } from '../admin/form-parts.js';
import { FormDialog } from '../layout/form-dialog.js';
import {
  CALL_OUTCOMES,
  CallDetails,
  DEFAULT_CATEGORY,
  type Case,
  type Message,
} from '../../shared/schemas/cases.js';
import type { Customer } from '../../shared/schemas/customers.js';
import { api, toApiError } from '../lib/api.js';
import { CaseCustomerPick, useActiveCategories } from './new-case-parts.js';

export const OUTCOME_LABELS: Record<(typeof CALL_OUTCOMES)[number], string> = {
  resolved: 'Resolved on the call',
  callback_needed: 'Callback needed',
  voicemail: 'Left a voicemail',
  no_answer: 'No answer',
  transferred: 'Transferred',
  other: 'Other',
};

/** "Inbound call · 5 min 12 s · Resolved on the call" */
export function callLine(call: NonNullable<Message['call']>): string {
  const m = Math.floor(call.durationSeconds / 60);
  const s = call.durationSeconds % 60;
  const length = m > 0 ? `${m} min${s ? ` ${s} s` : ''}` : `${s} s`;
  return `${call.direction === 'inbound' ? 'Inbound' : 'Outbound'} call · ${length} · ${OUTCOME_LABELS[call.outcome]}`;
}

/**
 * The dialog. With `caseId` the call goes on that case; without, it opens a case (a customer,
 * a subject and a category are asked for) and the page moves to it.
 */
export function LogCallDialog(props: { caseId?: string; onClose(): void; onLogged?(): void }) {
  const uid = useId();
  const navigate = useNavigate();
  const newCase = !props.caseId;
  const categories = useActiveCategories(newCase);
  const [direction, setDirection] = useState<'inbound' | 'outbound'>('inbound');
  const [minutes, setMinutes] = useState('');
  const [seconds, setSeconds] = useState('');
  const [outcome, setOutcome] = useState<(typeof CALL_OUTCOMES)[number]>('resolved');
  const [summary, setSummary] = useState('');
  const [shown, setShown] = useState(true);
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [subject, setSubject] = useState('');
  const [category, setCategory] = useState<string>(DEFAULT_CATEGORY);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const call = CallDetails.safeParse({
      direction,
      durationSeconds: (Number(minutes || 0) || 0) * 60 + (Number(seconds || 0) || 0),
      outcome,
    });
    if (!call.success || !/^\d*$/.test(minutes) || !/^\d*$/.test(seconds)) {
      setError('The duration is minutes and seconds, in whole numbers.');
      return;
    }
    if (!summary.trim()) {
      setError('Write what the call was about.');
      return;
    }
    if (newCase && (!customer || !subject.trim())) {
      setError('Choose the customer and give the case a subject.');
      return;
    }
    setSaving(true);
    try {
      if (newCase) {
        const created = await api.post<Case>('/cases', {
          subject: subject.trim(),
          customerId: customer!.id,
          channel: 'phone',
          category,
          // What the caller asked (inbound), or what we told them (outbound).
          message: { body: summary, from: direction === 'inbound' ? 'customer' : 'agent', call: call.data },
        });
        props.onClose();
        navigate(`/cases/${created.id}`);
      } else {
        await api.post(`/cases/${props.caseId}/messages`, { body: summary, public: shown, call: call.data });
        props.onLogged?.();
        props.onClose();
      }
    } catch (err) {
      setError(toApiError(err).message);
      setSaving(false);
    }
  }

  return (
    <FormDialog
      title={newCase ? 'New case from a call' : 'Log a call'}
      testId="log-call-dialog"
      onClose={props.onClose}
      onSubmit={submit}
    >
      {error && (
        <p className="notice notice--error" role="alert" data-testid="log-call-error">
          {error}
        </p>
      )}
      {newCase && (
        <>
          <div className="field">
            <label htmlFor={`${uid}-customer`}>Customer</label>
            <CaseCustomerPick
              id={`${uid}-customer`}
              nextId={`${uid}-subject`}
              customer={customer}
              onChange={setCustomer}
            />
          </div>
          <div className="form__grid">
            <div className="field">
              <label htmlFor={`${uid}-subject`}>Subject</label>
              <input
                type="text"
                id={`${uid}-subject`}
                value={subject}
                onChange={(e) => setSubject(e.target.value)}
              />
            </div>
            <SelectField
              id={`${uid}-category`}
              label="Category"
              value={category}
              onChange={setCategory}
              options={categories.map((c) => ({ value: c.key, label: c.name }))}
            />
          </div>
        </>
      )}
      <fieldset className="form__group">
        <legend>The call</legend>
        <div className="radio-row" role="radiogroup" aria-label="Direction">
          {(['inbound', 'outbound'] as const).map((d) => (
            <label key={d} className="radio">
              <input
                type="radio"
                name={`${uid}-direction`}
                checked={direction === d}
                onChange={() => setDirection(d)}
              />
              {d === 'inbound' ? 'The customer called us' : 'We called the customer'}
            </label>
          ))}
        </div>
        <div className="form__grid">
          <div className="field">
            <label htmlFor={`${uid}-minutes`}>Minutes</label>
            <input
              type="text"
              id={`${uid}-minutes`}
              inputMode="numeric"
              value={minutes}
              onChange={(e) => setMinutes(e.target.value.trim())}
            />
          </div>
          <div className="field">
            <label htmlFor={`${uid}-seconds`}>Seconds</label>
            <input
              type="text"
              id={`${uid}-seconds`}
              inputMode="numeric"
              value={seconds}
              onChange={(e) => setSeconds(e.target.value.trim())}
            />
          </div>
          <SelectField
            id={`${uid}-outcome`}
            label="Outcome"
            value={outcome}
            onChange={setOutcome}
            options={CALL_OUTCOMES.map((o) => ({ value: o, label: OUTCOME_LABELS[o] }))}
          />
        </div>
      </fieldset>
      <div className="field">
        <label htmlFor={`${uid}-summary`}>Summary</label>
        <textarea
          id={`${uid}-summary`}
          rows={4}
          value={summary}
          onChange={(e) => setSummary(e.target.value)}
        />
      </div>
      {!newCase && (
        <label className="checkbox">
          <input type="checkbox" checked={shown} onChange={(e) => setShown(e.target.checked)} />
          Show in the customer’s conversation (not mailed); unticked, it is an internal note
        </label>
      )}
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Saving…' : newCase ? 'Open the case' : 'Log the call'}
        </button>
      </div>
    </FormDialog>
  );
}

/** A button that opens the dialog: on a case, or (without caseId) for a new case. */
export function LogCallButton(props: { caseId?: string; onLogged?(): void; disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="button button--small"
        onClick={() => setOpen(true)}
        disabled={props.disabled}
        data-testid="log-call"
      >
        {props.caseId ? 'Log a call' : 'New case from a call'}
      </button>
      {open && (
        <LogCallDialog caseId={props.caseId} onClose={() => setOpen(false)} onLogged={props.onLogged} />
      )}
    </>
  );
}
