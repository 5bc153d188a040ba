// A customer's history in words: created (by hand, an import, an operational event), changed,
// merged, exported, erased; what each change holds as "Field: from → to" lines, ids by name.
import { RecordHistory, type DomainEvent, type HistoryWords } from '../layout/record-history.js';
import type { CustomerMerged } from '../../shared/schemas/customers.js';
import { CUSTOMER_FIELD_LABELS } from './customer-fields.js';
import { movedSummary } from './merge-customer-dialog.js';

const CREATED_BY: Record<string, string> = {
  import: ' (customer import)',
  events: ' (from an operational event)',
};

function describe(event: DomainEvent): HistoryWords | undefined {
  const { data, names } = event;
  const named = (id: unknown) => (typeof id === 'string' ? names[id.toLowerCase()] : undefined);
  switch (event.type) {
    case 'customer.created': {
      const { source, ...rest } = data;
      const how = typeof source === 'string' ? (CREATED_BY[source] ?? '') : '';
      return { phrase: `Created the customer record${how}`, shown: rest };
    }
    case 'customer.updated':
      return { phrase: 'Changed the customer record' };
    case 'customer.deleted':
      return { phrase: 'Deleted the customer record' };
    case 'customer.restored':
      return { phrase: 'Restored the customer record' };
    case 'customer.erased':
      return { phrase: 'Erased the customer’s personal data' };
    case 'customer.merged': {
      const moved = data.moved as CustomerMerged['moved'] | undefined;
      const who = named(data.mergedId) ?? 'a duplicate customer';
      // What moved is said in the sentence; the rest is counts for the API.
      return { phrase: `Merged ${who} into this one. ${moved ? movedSummary(moved) : ''}`.trim(), shown: {} };
    }
    case 'customer.merged_into':
      return { phrase: `Merged this customer into ${named(data.intoId) ?? 'another'}`, shown: {} };
    case 'customer.personal_data_exported':
      return { phrase: 'Downloaded the customer’s personal data (a subject-access export)' };
    default:
      return undefined;
  }
}

/** Every change to the customer record, newest first (staff only). */
export function CustomerHistory({ customerId }: { customerId: string }) {
  return (
    <RecordHistory
      path={`/customers/${customerId}/history`}
      testId="customer-history"
      describe={describe}
      labels={CUSTOMER_FIELD_LABELS}
    />
  );
}
