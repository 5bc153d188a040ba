import { Link } from 'react-router-dom';
import { isStaff, useMe } from '../auth/auth-context.js';
import type { Customer } from '../../shared/schemas/customers.js';
import { formatDate, orDash } from '../lib/format.js';
import { DataTable } from '../layout/data-table.js';
import { SortHeader } from '../layout/sort-header.js';

/** Customers as a table; used by the customer list and an organization's page. */
export function CustomerTable(props: {
  items: Customer[];
  busy: boolean;
  showOrganization?: boolean;
  /** Whether organization names link to the organization (customers without access cannot open it). */
  linkOrganization?: boolean;
  sort?: { value: string; onSort(sort: string): void };
  segmentName?(key: string): string;
}) {
  const { items, sort, showOrganization = true, linkOrganization = true } = props;
  // How we group customers is ours: customers (their organization's list) do not see it.
  const showSegment = isStaff(useMe());
  const segmentName = props.segmentName ?? ((key: string) => key);
  const column = (label: string, field: string) =>
    sort ? <SortHeader label={label} field={field} sort={sort.value} onSort={sort.onSort} /> : label;
  return (
    <DataTable
      testId="customer-table"
      busy={props.busy}
      columns={[
        column('Name', 'name'),
        'E-mail',
        'Phone',
        showOrganization && 'Organization',
        showSegment && 'Segment',
        column('Created', 'createdAt'),
      ]}
    >
      {items.map((c) => (
        <tr key={c.id} data-testid="customer-row">
          <td className="cell-primary">
            <Link to={`/customers/${c.id}`}>{c.name}</Link>
          </td>
          <td className="cell-email">{orDash(c.email)}</td>
          <td className="cell-nowrap">{orDash(c.phone)}</td>
          {showOrganization && (
            <td>
              {c.organizationId && !linkOrganization ? (
                c.organizationName
              ) : c.organizationId ? (
                <Link className="link-quiet" to={`/organizations/${c.organizationId}`}>
                  {c.organizationName}
                </Link>
              ) : (
                <span className="muted">Individual</span>
              )}
            </td>
          )}
          {showSegment && (
            <td>
              {c.effectiveSegment ? (
                <span className="tag">{segmentName(c.effectiveSegment)}</span>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
          )}
          <td className="cell-nowrap muted">{formatDate(c.createdAt)}</td>
        </tr>
      ))}
    </DataTable>
  );
}
