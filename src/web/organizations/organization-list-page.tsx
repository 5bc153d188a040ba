import { Link } from 'react-router-dom';
import { ORGANIZATION_SORTS, type Organization } from '../../shared/schemas/organizations.js';
import { formatDate, formatNumber } from '../lib/format.js';
import { Pager } from '../layout/page-parts.js';
import { DirectoryListHead, useDirectoryList } from '../layout/directory-list.js';
import { SortHeader } from '../layout/sort-header.js';
import { useDocumentTitle } from '../layout/use-document-title.js';

export function OrganizationListPage() {
  useDocumentTitle('Organizations');
  const state = useDirectoryList<Organization, (typeof ORGANIZATION_SORTS)[number]>(
    '/organizations',
    ORGANIZATION_SORTS,
    'name',
  );
  const { pager, sort, list, segmentName, onSort, items, total } = state;
  return (
    <>
      <DirectoryListHead
        state={state}
        noun="organization"
        title="Organizations"
        searchPlaceholder="Search by name or domain"
        emptyText="There are no organizations to show."
      />
      {items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table" data-testid="organization-table" aria-busy={list.loading}>
              <thead>
                <tr>
                  <SortHeader label="Name" field="name" sort={sort} onSort={onSort} />
                  <th scope="col">Domains</th>
                  <th scope="col">Segment</th>
                  <th scope="col" className="cell-number">
                    Customers
                  </th>
                  <SortHeader label="Created" field="createdAt" sort={sort} onSort={onSort} />
                </tr>
              </thead>
              <tbody>
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
              </tbody>
            </table>
          </div>
          <Pager
            offset={pager.offset}
            shown={items.length}
            total={total}
            hasPrevious={pager.hasPrevious}
            nextCursor={list.data?.nextCursor}
            busy={list.loading}
            onPrevious={pager.previous}
            onNext={pager.next}
          />
        </>
      )}
    </>
  );
}
