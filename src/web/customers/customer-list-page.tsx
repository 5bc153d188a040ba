import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';
import { LIMITS } from '../../shared/schemas/common.js';
import { CUSTOMER_SORTS, type Customer } from '../../shared/schemas/customers.js';
import { isStaff, useMe } from '../auth/auth-context.js';
import { countOf } from '../lib/format.js';
import type { Page, SegmentList } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { PAGE_SIZE, useCursorPager } from '../lib/use-cursor-pager.js';
import { ErrorNotice, Loading, PageHeader, Pager } from '../layout/page-parts.js';
import { SearchBox } from '../layout/search-box.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { CustomerTable } from './customer-table.js';

const isSort = (s: string | null): s is (typeof CUSTOMER_SORTS)[number] =>
  (CUSTOMER_SORTS as readonly (string | null)[]).includes(s);

export function CustomerListPage() {
  useDocumentTitle('Customers');
  const me = useMe();
  const staff = isStaff(me);
  const [params] = useSearchParams();
  const pager = useCursorPager();
  const q = params.get('q') ?? '';
  const segment = params.get('segment') ?? '';
  const sortParam = params.get('sort');
  const sort = isSort(sortParam) ? sortParam : 'name';

  const list = useApi<Page<Customer>>(
    '/customers',
    { q: q.trim(), segment, sort, limit: PAGE_SIZE, cursor: pager.cursor, includeTotal: true },
    { keepPrevious: true },
  );
  const segments = useApi<SegmentList>(staff ? '/segments' : null);
  const segmentName = (key: string) => segments.data?.items.find((s) => s.key === key)?.name ?? key;

  const { setFilters } = pager;
  const onSearch = useCallback((text: string) => setFilters({ q: text }, { replace: true }), [setFilters]);
  const filtered = q.trim() !== '' || segment !== '';
  const items = list.data?.items ?? [];
  const total = list.data?.total;

  return (
    <>
      <PageHeader
        title="Customers"
        subtitle={
          <span data-testid="customer-total">
            {total === undefined
              ? '\u00a0'
              : filtered
                ? `${countOf(total, 'customer')} found`
                : countOf(total, 'customer')}
          </span>
        }
      />
      <div className="toolbar">
        <SearchBox
          id="customer-search"
          label="Search customers"
          placeholder="Search by name or e-mail"
          maxLength={LIMITS.search}
          value={q}
          onSearch={onSearch}
        />
        {staff && (
          <div className="toolbar__filter">
            <label htmlFor="customer-segment">Segment</label>
            <select
              id="customer-segment"
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
      {!list.data && !list.error && <Loading label="Loading customers…" />}
      {list.data && items.length === 0 && (
        <div className="empty-state empty-state--inline">
          <p>{filtered ? 'No customers match these filters.' : 'There are no customers yet.'}</p>
        </div>
      )}
      {items.length > 0 && (
        <>
          <CustomerTable
            items={items}
            busy={list.loading}
            linkOrganization={staff || me.organizationAccess}
            sort={{ value: sort, onSort: (s) => setFilters({ sort: s === 'name' ? undefined : s }) }}
            segmentName={segmentName}
          />
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
