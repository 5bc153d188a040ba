// What the two ways staff open a case (New case, New case from a call) ask alike: the customer,
// picked by search or given, and the active categories to file the case under.
import { DEFAULT_CATEGORY, DEFAULT_CATEGORY_NAME } from '../../shared/schemas/cases.js';
import type { Customer } from '../../shared/schemas/customers.js';
import type { Category, Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { CustomerSearch } from '../customers/customer-search.js';

const FALLBACK: Category[] = [
  {
    key: DEFAULT_CATEGORY,
    name: DEFAULT_CATEGORY_NAME,
    active: true,
    builtin: true,
    offeredToCustomers: true,
  },
];

/** The categories a new case may take (the default one until they load); none asked for when `enabled` is false. */
export function useActiveCategories(enabled = true): Category[] {
  const categories = useApi<Items<Category>>(enabled ? '/categories' : null);
  return (categories.data?.items ?? FALLBACK).filter((c) => c.active);
}

/**
 * The case's customer: a search box until one is picked, then who it is with Change (unless
 * `fixed`: the dialog was opened on the customer's own page). `id` is the search box's, for the
 * label; after a pick the focus goes on to `nextId`.
 */
export function CaseCustomerPick(props: {
  id: string;
  nextId: string;
  customer: Customer | null;
  onChange(c: Customer | null): void;
  fixed?: boolean;
}) {
  const { customer } = props;
  if (customer) {
    return (
      <p className="chosen" data-testid="case-customer">
        <span className="chosen__value">
          {customer.name}
          {customer.email ? ` · ${customer.email}` : ''}
        </span>
        {!props.fixed && (
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={() => {
              props.onChange(null);
              requestAnimationFrame(() => document.getElementById(props.id)?.focus());
            }}
          >
            Change
          </button>
        )}
      </p>
    );
  }
  return (
    <CustomerSearch
      id={props.id}
      onPick={(c) => {
        props.onChange(c);
        // The search box goes with the pick: the focus goes on to the next field.
        requestAnimationFrame(() => document.getElementById(props.nextId)?.focus());
      }}
      minLength={2}
    />
  );
}
