// Merging a duplicate customer into the one that stays (staff): pick the other customer, read what
// will happen, confirm. Everything moves there and the page follows it; there is no undo.
import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { FormDialog } from '../layout/form-dialog.js';
import type { Customer, CustomerMerged } from '../../shared/schemas/customers.js';
import { api, toApiError } from '../lib/api.js';
import { countOf } from '../lib/format.js';
import { CustomerSearch } from './customer-search.js';
import type { CustomerDetailState } from './customer-detail-page.js';

/** "3 cases, 1 portal login and 12 events moved." */
export function movedSummary(moved: CustomerMerged['moved']): string {
  const parts = [
    moved.cases && countOf(moved.cases, 'case'),
    moved.logins && countOf(moved.logins, 'portal login'),
    moved.agreements && countOf(moved.agreements, 'agreement'),
    moved.signals && countOf(moved.signals, 'signal'),
    moved.commitments && countOf(moved.commitments, 'commitment'),
    moved.events && countOf(moved.events, 'event'),
    moved.ratings && countOf(moved.ratings, 'rating'),
  ].filter((p): p is string => !!p);
  if (parts.length === 0) return 'Nothing else to move.';
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  return `${list} moved.`;
}

function MergeCustomerDialog(props: { customer: Customer; onClose(): void }) {
  const uid = useId();
  const navigate = useNavigate();
  const [into, setInto] = useState<Customer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const dup = props.customer;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!into) {
      setError('Choose the customer to merge into.');
      return;
    }
    setError(null);
    setSaving(true);
    try {
      const merged = await api.post<CustomerMerged>(`/customers/${dup.id}/merge`, { intoId: into.id });
      props.onClose();
      const state: CustomerDetailState = {
        notice: `${dup.name} was merged into this customer. ${movedSummary(merged.moved)}`,
      };
      navigate(`/customers/${into.id}`, { state });
    } catch (err) {
      setError(toApiError(err).message);
      setSaving(false);
    }
  }

  return (
    <FormDialog
      title={`Merge ${dup.name} into another customer`}
      testId="merge-customer-dialog"
      onClose={props.onClose}
      onSubmit={submit}
    >
      <p className="dialog__intro muted">
        For a duplicate: the same person under two records (a second e-mail address, or the order
        system&apos;s record of someone who also writes in). Everything {dup.name} has moves to the customer
        you choose: cases, portal login, signals, commitments and events. {dup.name} is then deleted; their
        e-mail address, external ID and links lead to the other customer. The other customer keeps their own
        details and fills empty ones from {dup.name}. There is no undo.
      </p>
      {error && (
        <p className="notice notice--error" role="alert" data-testid="merge-error">
          {error}
        </p>
      )}
      <div className="field">
        <label htmlFor={`${uid}-into`}>Merge into</label>
        {into ? (
          <p className="chosen">
            <span className="chosen__value" data-testid="merge-into">
              {into.name}
              {into.email ? ` · ${into.email}` : ''}
              <button
                type="button"
                className="button button--ghost button--small"
                onClick={() => setInto(null)}
              >
                Change
              </button>
            </span>
          </p>
        ) : (
          <CustomerSearch id={`${uid}-into`} onPick={setInto} exclude={dup.id} minLength={2} />
        )}
      </div>
      <div className="form__actions">
        <button type="submit" className="button button--danger" disabled={saving || !into}>
          {saving ? 'Merging…' : into ? `Merge into ${into.name}` : 'Merge'}
        </button>
        <button type="button" className="button" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </FormDialog>
  );
}

export function MergeCustomerButton({ customer }: { customer: Customer }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)} data-testid="merge-customer">
        Merge into…
      </button>
      {open && <MergeCustomerDialog customer={customer} onClose={() => setOpen(false)} />}
    </>
  );
}
