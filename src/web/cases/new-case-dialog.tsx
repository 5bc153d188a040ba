// Staff opening a case themselves (an outbound e-mail about a problem they noticed, a walk-in, a
// letter): for a customer picked here or the one whose page it was opened on, with a first
// message that is either written to the customer (e-mailed when they have an address) or an
// internal note. The server files it under the channel that follows from that (e-mail or
// proactive, docs/cases.md#opening-a-case-as-staff).
import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { CaseCreate, DEFAULT_CATEGORY, PRIORITIES, type Case } from '../../shared/schemas/cases.js';
import type { Customer } from '../../shared/schemas/customers.js';
import { useMe } from '../auth/auth-context.js';
import { describedBy, FormField, SelectField, TextField } from '../admin/form-parts.js';
import { TeamSelectField } from '../admin/team-select-field.js';
import { useFormSubmit } from '../admin/use-form-submit.js';
import { FormDialog } from '../layout/form-dialog.js';
import { FormError } from '../layout/page-parts.js';
import { api } from '../lib/api.js';
import { PRIORITY_LABELS } from './case-labels.js';
import { CaseCustomerPick, useActiveCategories } from './new-case-parts.js';

type Kind = 'public' | 'note';

export function NewCaseDialog(props: { customer?: Customer; onClose(): void }) {
  const uid = useId();
  const id = (name: string) => `${uid}-${name}`;
  const me = useMe();
  const navigate = useNavigate();
  const categories = useActiveCategories();
  const [customer, setCustomer] = useState<Customer | null>(props.customer ?? null);
  const [subject, setSubject] = useState('');
  const [category, setCategory] = useState<string>(DEFAULT_CATEGORY);
  const [priority, setPriority] = useState<(typeof PRIORITIES)[number]>('normal');
  const [teamId, setTeamId] = useState('');
  const [assignToMe, setAssignToMe] = useState(true);
  const [kind, setKind] = useState<Kind>('public');
  const [body, setBody] = useState('');
  const { errors, formError, saving, submit } = useFormSubmit();

  async function send(e: FormEvent) {
    e.preventDefault();
    await submit(
      CaseCreate,
      {
        subject,
        customerId: customer?.id ?? '',
        category,
        priority,
        ...(teamId ? { teamId } : {}),
        ...(assignToMe ? { assigneeId: me.id } : {}),
        message: { body, from: 'agent', public: kind === 'public' },
      },
      async (data) => {
        const created = await api.post<Case>('/cases', data);
        props.onClose();
        navigate(`/cases/${created.id}`);
      },
      { settle: false },
    );
  }

  const mailNote =
    kind === 'note'
      ? 'Only staff see it. Nothing is e-mailed.'
      : !customer
        ? 'E-mailed to the customer.'
        : customer.email
          ? `E-mailed to ${customer.email}.`
          : `${customer.name} has no e-mail address: nothing will be e-mailed (they read it in the portal).`;
  // The schema's complaint about an empty id says nothing to a person.
  const customerError = errors.customerId && (customer ? errors.customerId : 'Choose the customer.');
  const bodyError = errors['message.body'] ?? errors['message'];

  return (
    <FormDialog title="New case" testId="new-case-dialog" onClose={props.onClose} onSubmit={send}>
      <FormError message={formError} />
      <FormField id={id('customer')} label="Customer" error={customerError}>
        <CaseCustomerPick
          id={id('customer')}
          nextId={id('subject')}
          customer={customer}
          onChange={setCustomer}
          fixed={!!props.customer}
        />
      </FormField>
      <TextField
        id={id('subject')}
        label="Subject"
        value={subject}
        onChange={setSubject}
        error={errors.subject}
      />
      <div className="form__grid">
        <SelectField
          id={id('category')}
          label="Category"
          value={category}
          onChange={setCategory}
          options={categories.map((c) => ({ value: c.key, label: c.name }))}
          error={errors.category}
        />
        <SelectField
          id={id('priority')}
          label="Priority"
          value={priority}
          onChange={setPriority}
          options={PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABELS[p] }))}
          error={errors.priority}
        />
        <TeamSelectField
          id={id('team')}
          label="Team (optional)"
          value={teamId}
          onChange={setTeamId}
          error={errors.teamId}
        />
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={assignToMe}
          onChange={(e) => setAssignToMe(e.target.checked)}
          data-testid="new-case-assign-me"
        />
        Assign to me
      </label>
      {errors.assigneeId && <p className="field__error">{errors.assigneeId}</p>}
      <fieldset className="form__group">
        <legend>First message</legend>
        <div className="radio-row" role="radiogroup" aria-label="First message">
          <label className="radio">
            <input
              type="radio"
              name={id('kind')}
              checked={kind === 'public'}
              onChange={() => setKind('public')}
            />
            To the customer
          </label>
          <label className="radio">
            <input
              type="radio"
              name={id('kind')}
              checked={kind === 'note'}
              onChange={() => setKind('note')}
            />
            Internal note
          </label>
        </div>
        <FormField id={id('body')} label="Message" error={bodyError} hint={mailNote}>
          <textarea
            id={id('body')}
            rows={5}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            {...describedBy(id('body'), bodyError, true)}
          />
        </FormField>
      </fieldset>
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Opening…' : 'Open the case'}
        </button>
      </div>
    </FormDialog>
  );
}

/** Opens the dialog: for any customer, or (`customer`) the one whose page this is. */
export function NewCaseButton(props: { customer?: Customer; className?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={props.className ?? 'button button--small'}
        onClick={() => setOpen(true)}
        data-testid="new-case"
      >
        New case
      </button>
      {open && <NewCaseDialog customer={props.customer} onClose={() => setOpen(false)} />}
    </>
  );
}
