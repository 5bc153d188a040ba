// Merging a duplicate customer into the one that stays (staff): pick the other customer, read what
// will happen, confirm. Everything moves there and the page follows it; there is no undo.
import { useNavigate } from 'react-router-dom';
import type { Customer, CustomerMerged } from '../../shared/schemas/customers.js';
import { api } from '../lib/api.js';
import { MergeButton, MergeDialog, movedSentence } from '../layout/merging.js';
import { CustomerSearch } from './customer-search.js';
import type { CustomerDetailState } from './customer-detail-page.js';

const MOVED_NOUNS = [
  ['cases', 'case'],
  ['logins', 'portal login'],
  ['agreements', 'agreement'],
  ['signals', 'signal'],
  ['commitments', 'commitment'],
  ['events', 'event'],
  ['ratings', 'rating'],
] as const;

/** "3 cases, 1 portal login and 12 events moved." */
export const movedSummary = (moved: CustomerMerged['moved']) => movedSentence(moved, MOVED_NOUNS);

function MergeCustomerDialog(props: { customer: Customer; onClose(): void }) {
  const navigate = useNavigate();
  const dup = props.customer;
  return (
    <MergeDialog<Customer>
      from={dup}
      title={`Merge ${dup.name} into another customer`}
      testId="merge-customer-dialog"
      onClose={props.onClose}
      intro={
        <>
          For a duplicate: the same person under two records (a second e-mail address, or the order
          system&apos;s record of someone who also writes in). Everything {dup.name} has moves to the customer
          you choose: cases, portal login, signals, commitments and events. {dup.name} is then deleted; their
          e-mail address, external ID and links lead to the other customer. The other customer keeps their own
          details and fills empty ones from {dup.name}. There is no undo.
        </>
      }
      search={(id, onPick) => <CustomerSearch id={id} onPick={onPick} exclude={dup.id} minLength={2} />}
      detail={(c) => c.email ?? ''}
      merge={async (into) => {
        const merged = await api.post<CustomerMerged>(`/customers/${dup.id}/merge`, { intoId: into.id });
        const state: CustomerDetailState = {
          notice: `${dup.name} was merged into this customer. ${movedSummary(merged.moved)}`,
        };
        navigate(`/customers/${into.id}`, { state });
      }}
    />
  );
}

export function MergeCustomerButton({ customer }: { customer: Customer }) {
  return (
    <MergeButton
      testId="merge-customer"
      dialog={(onClose) => <MergeCustomerDialog customer={customer} onClose={onClose} />}
    />
  );
}
