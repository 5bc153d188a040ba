// The cases of one customer or organization (staff only), newest first, growing on request: what
// they asked before, how it went, and who has it now.
import { Link } from 'react-router-dom';
import type { CaseSummary, Category, Items } from '../lib/types.js';
import { formatDateTime, humanize } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { DataTable } from '../layout/data-table.js';
import { GrowingList } from '../layout/growing-list.js';
import { anyCase } from '../lib/live.js';
import { AssigneeCell, StatusPriorityCells } from './case-badges.js';
import { channelLabel } from './case-labels.js';

/** Any case's change reads the list again (a new case of theirs is not among the ids shown), so not too often. */
const CASES_GAP_MS = 2_000;

export function CaseListSection({
  filter,
  showCustomer = false,
}: {
  filter: { customerId: string } | { organizationId: string };
  /** An organization's cases name the customer each is for. */
  showCustomer?: boolean;
}) {
  const categories = useApi<Items<Category>>('/categories');
  const categoryName = (key: string) =>
    categories.data?.items.find((c) => c.key === key)?.name ?? humanize(key);
  return (
    <GrowingList<CaseSummary>
      path="/cases"
      query={{ ...filter, sort: '-createdAt' }}
      what="cases"
      emptyTestId="record-cases-empty"
      empty={
        'customerId' in filter ? 'No cases for this customer yet.' : 'No cases for this organization yet.'
      }
      live={anyCase}
      liveGapMs={CASES_GAP_MS}
    >
      {(items, loading) => (
        <DataTable
          testId="record-cases"
          busy={loading}
          columns={[
            'Case',
            ...(showCustomer ? ['Customer'] : []),
            'Status',
            'Priority',
            'Channel',
            'Assignee',
            'Opened',
            'Updated',
          ]}
        >
          {items.map((c) => (
            <tr key={c.id} data-testid="record-case-row" data-status={c.status}>
              <td className="cell-primary">
                <Link to={`/cases/${c.id}`}>
                  <span className="muted">#{c.number}</span> {c.subject}
                </Link>
                <span className="cell-sub muted">
                  {categoryName(c.category)}
                  {c.mergedIntoId && ' · merged into another case'}
                </span>
              </td>
              {showCustomer && (
                <td>
                  <Link to={`/customers/${c.customer.id}`}>{c.customer.name}</Link>
                </td>
              )}
              <StatusPriorityCells c={c} />
              <td>{channelLabel(c.channel)}</td>
              <AssigneeCell c={c} />
              <td className="cell-nowrap">
                <time dateTime={c.createdAt}>{formatDateTime(c.createdAt)}</time>
              </td>
              <td className="cell-nowrap">
                <time dateTime={c.updatedAt}>{formatDateTime(c.updatedAt)}</time>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </GrowingList>
  );
}
