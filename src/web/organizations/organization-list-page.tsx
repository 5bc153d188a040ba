import { Link } from 'react-router-dom';
import { ORGANIZATION_SORTS, type Organization } from '../../shared/schemas/organizations.js';
import { formatDate, formatNumber } from '../lib/format.js';
import { ListPager } from '../layout/page-parts.js';
import { DirectoryListHead, useDirectoryList } from '../layout/directory-list.js';
import { SortHeader } from '../layout/sort-header.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { DataTable, numberColumn } from '../layout/data-table.js';

export function OrganizationListPage() {
  useDocumentTitle('Organizations');
  const state = useDirectoryList<Organization, (typeof ORGANIZATION_SORTS)[number]>(
    '/organizations',
    ORGANIZATION_SORTS,
    'name',
  );
  const { me, staff, pager, sort, list, segmentName, onSort, items, total } = state;
  return (
    <>
      <DirectoryListHead
        state={state}
        noun="organization"
        title="Organizations"
        searchPlaceholder="Search by name or domain"
        emptyText={
          <span data-testid="organizations-empty">
            No organizations yet: {staff ? <Link to="/organizations/new">add one</Link> : 'add one'} with its
            e-mail domains, and a new customer who writes in from an address at one of them (or a subdomain)
            joins it on their own.
          </span>
        }
        exportAs={
          me.role === 'admin'
            ? { path: '/organizations/export.csv', name: 'organizations', noTimeZone: true }
            : undefined
        }
        actions={
          staff && (
            <Link className="button button--primary" to="/organizations/new">
              New organization
            </Link>
          )
        }
      />
      {items.length > 0 && (
        <>
          <DataTable
            testId="organization-table"
            busy={list.loading}
            columns={[
              <SortHeader label="Name" field="name" sort={sort} onSort={onSort} />,
              'Domains',
              'Segment',
              numberColumn('Customers'),
              <SortHeader label="Created" field="createdAt" sort={sort} onSort={onSort} />,
            ]}
          >
            {items.map((o) => (
              <tr key={o.id} data-testid="organization-row">
                <td className="cell-primary">
                  <Link to={`/organizations/${o.id}`}>{o.name}</Link>
                </td>
                <td className="muted">{o.domains.length > 0 ? o.domains.join(', ') : '—'}</td>
                <td>
                  {o.segment ? (
                    <span className="tag">{segmentName(o.segment)}</span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td className="cell-number">{formatNumber(o.customerCount)}</td>
                <td className="cell-nowrap muted">{formatDate(o.createdAt)}</td>
              </tr>
            ))}
          </DataTable>
          <ListPager pager={pager} list={list} total={total} />
        </>
      )}
    </>
  );
}
