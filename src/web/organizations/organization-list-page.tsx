import { useCallback } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { LIMITS } from '../../shared/schemas/common.js';
import { ORGANIZATION_SORTS, type Organization } from '../../shared/schemas/organizations.js';
import { isStaff, useMe } from '../auth/auth-context.js';
import { countOf, formatDate, formatNumber } from '../lib/format.js';
import type { Page, SegmentList } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { PAGE_SIZE, useCursorPager } from '../lib/use-cursor-pager.js';
import { ErrorNotice, Loading, PageHeader, Pager } from '../layout/page-parts.js';
import { SearchBox } from '../layout/search-box.js';
import { SortHeader } from '../layout/sort-header.js';
import { useDocumentTitle } from '../layout/use-document-title.js';

const isSort = (s: string | null): s is (typeof ORGANIZATION_SORTS)[number] =>
  (ORGANIZATION_SORTS as readonly (string | null)[]).includes(s);

export function OrganizationListPage() {
  useDocumentTitle('Organizations');
  const me = useMe();
  const staff = isStaff(me);
  const [params] = useSearchParams();
  const pager = useCursorPager();
  const q = params.get('q') ?? '';
  const segment = params.get('segment') ?? '';
  const sortParam = params.get('sort');
  const sort = isSort(sortParam) ? sortParam : 'name';

  const list = useApi<Page<Organization>>(
    '/organizations',
    { q: q.trim(), segment, sort, limit: PAGE_SIZE, cursor: pager.cursor, includeTotal: true },
    { keepPrevious: true },
  );
  const segments = useApi<SegmentList>(staff ? '/segments' : null);
  const segmentName = (key: string) => segments.data?.items.find((s) => s.key === key)?.name ?? key;

  const { setFilters } = pager;
  const onSearch = useCallback((text: string) => setFilters({ q: text }, { replace: true }), [setFilters]);
  const onSort = (s: string) => setFilters({ sort: s === 'name' ? undefined : s });
  const filtered = q.trim() !== '' || segment !== '';
  const items = list.data?.items ?? [];
  const total = list.data?.total;

  return (
    <>
      <PageHeader
        title="Organizations"
        subtitle={
          <span data-testid="organization-total">
            {total === undefined
              ? '\u00a0'
              : filtered
                ? `${countOf(total, 'organization')} found`
                : countOf(total, 'organization')}
          </span>
        }
      />
      <div className="toolbar">
        <SearchBox
          id="organization-search"
          label="Search organizations"
          placeholder="Search by name or domain"
          maxLength={LIMITS.search}
          value={q}
          onSearch={onSearch}
        />
        {staff && (
          <div className="toolbar__filter">
            <label htmlFor="organization-segment">Segment</label>
            <select
              id="organization-segment"
              value={segment}
              onChange={(e) => setFilters({ segment: e.target.value })}
              disabled={!segments.data}
            >
              <option value="">All segments</option>
              {segments.data?.items.map((s) => (
                <option key={s.key} value={s.key}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {filtered && (
          <button
            type="button"
            className="button button--ghost"
            onClick={() => setFilters({ q: '', segment: '' })}
          >
            Clear filters
          </button>
        )}
      </div>

      {list.error && <ErrorNotice error={list.error} onRetry={list.reload} />}
      {!list.data && !list.error && <Loading label="Loading organizations…" />}
      {list.data && items.length === 0 && (
        <div className="empty-state empty-state--inline">
          <p>{filtered ? 'No organizations match these filters.' : 'There are no organizations to show.'}</p>
        </div>
      )}
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
