// Choosing an organization in a form (a customer's, an agreement's scope). A list of the first
// page (up to the API's maximum) is a select; when there are more organizations than that, it
// becomes a search box, so every one can be chosen, with the chosen one's name and a Change.
import { useState, type SelectHTMLAttributes } from 'react';
import type { Organization } from '../../shared/schemas/organizations.js';
import type { Page } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { RecordSearch } from '../layout/record-search.js';

export function OrganizationChoice(props: {
  id: string;
  /** The first page of organizations by name; `nextCursor` says there are more. */
  list: Page<Organization>;
  /** The chosen organization's id; '' for none. */
  value: string;
  /** What "none" means here: "None (individual customer)", "Choose an organization…". */
  noneLabel: string;
  onChange(id: string): void;
  /** aria attributes tying the input to its hint and error. */
  inputProps?: SelectHTMLAttributes<HTMLSelectElement>;
}) {
  const { list, value } = props;
  const [picked, setPicked] = useState<{ id: string; name: string } | null>(null);
  const listed = list.items.find((o) => o.id === value);
  // A chosen organization beyond the first page: its name is asked for.
  const chosen = useApi<Organization>(
    value && !listed && picked?.id !== value ? `/organizations/${value}` : null,
  );
  const name = listed?.name ?? (picked?.id === value ? picked.name : chosen.data?.name);

  if (!list.nextCursor) {
    return (
      <select
        id={props.id}
        value={value}
        onChange={(e) => props.onChange(e.target.value)}
        {...props.inputProps}
      >
        <option value="">{props.noneLabel}</option>
        {/* The current organization stays selectable even if the list did not include it. */}
        {value && !listed && <option value={value}>{name ?? '…'}</option>}
        {list.items.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    );
  }
  if (value) {
    return (
      <p className="chosen">
        <span className="chosen__value" data-testid={`${props.id}-chosen`}>
          {name ?? '…'}
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={() => props.onChange('')}
          >
            Change
          </button>
        </span>
      </p>
    );
  }
  return (
    <RecordSearch<Organization>
      id={props.id}
      path="/organizations"
      placeholder="Search organizations by name or domain"
      resultsLabel="Organizations found"
      detail={(o) => o.domains.join(', ')}
      onPick={(o) => {
        setPicked({ id: o.id, name: o.name });
        props.onChange(o.id);
      }}
    />
  );
}
