// A search box that finds customers by name or e-mail as one types, and offers them to pick.
import type { Customer } from '../../shared/schemas/customers.js';
import { RecordSearch } from '../layout/record-search.js';

export function CustomerSearch(props: {
  id: string;
  onPick(c: Customer): void;
  /** Not offered (the customer being merged away). */
  exclude?: string;
  /** Characters typed before it asks. */
  minLength?: number;
  placeholder?: string;
}) {
  return (
    <RecordSearch<Customer>
      {...props}
      path="/customers"
      placeholder={props.placeholder ?? 'Name or e-mail'}
      resultsLabel="Customers found"
      detail={(c) => c.email ?? c.organizationName ?? ''}
    />
  );
}
