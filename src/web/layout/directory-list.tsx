import type { ReactNode } from 'react';
// The searchable, segment-filtered, sortable, paged directory lists (customers, organizations):
// one hook for their state and one component for everything above the table. Staff also filter
// by the list and yes/no fields admins defined (Admin → Fields): `f.<key>` in the page's address,
// `field=<key>:<value>` to the API.
import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';
import { LIMITS } from '../../shared/schemas/common.js';
import { isStaff, useMe } from '../auth/auth-context.js';
import { countOf } from '../lib/format.js';
import type { CustomFieldDefinition, Items, Page } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { useSegments } from '../lib/use-segments.js';
import { Flash } from './flash.js';
import { PAGE_SIZE, useCursorPager } from '../lib/use-cursor-pager.js';
import { ExportButton } from './export-button.js';
import { FilterSelect } from './filter-select.js';
import { ListState } from './list-state.js';
import { PageHeader } from './page-parts.js';
import { SearchBox } from './search-box.js';

export function useDirectoryList<T, S extends string>(path: string, sorts: readonly S[], defaultSort: S) {
  const me = useMe();
  const staff = isStaff(me);
  const [params] = useSearchParams();
  const pager = useCursorPager();
  const q = params.get('q') ?? '';
  const segment = params.get('segment') ?? '';
  const sortParam = params.get('sort');
  const sort = sorts.includes(sortParam as S) ? (sortParam as S) : defaultSort;
  const entity = path === '/organizations' ? 'organization' : 'customer';
  const definitions = useApi<Items<CustomFieldDefinition>>(staff ? `/${entity}-fields` : null);
  const filterFields = (definitions.data?.items ?? []).filter(
    (d) => d.active && (d.type === 'select' || d.type === 'boolean'),
  );
  /** The field filters set, as [key, value]. */
  const fieldValues = [...params.entries()]
    .filter(([name, value]) => name.startsWith('f.') && value !== '')
    .map(([name, value]) => [name.slice(2), value] as const);
  const field = fieldValues.map(([key, value]) => `${key}:${value}`);
  const list = useApi<Page<T>>(
    path,
    { q: q.trim(), segment, field, sort, limit: PAGE_SIZE, cursor: pager.cursor, includeTotal: true },
    { keepPrevious: true },
  );
  const { segments, segmentName } = useSegments(staff);
  const { setFilters } = pager;
  const onSearch = useCallback((text: string) => setFilters({ q: text }, { replace: true }), [setFilters]);
  const onSort = (s: string) => setFilters({ sort: s === defaultSort ? undefined : s });
  return {
    me,
    staff,
    pager,
    q,
    segment,
    sort,
    list,
    segments,
    segmentName,
    setFilters,
    onSearch,
    onSort,
    filterFields,
    fieldValues,
    field,
    filtered: q.trim() !== '' || segment !== '' || field.length > 0,
    items: list.data?.items ?? [],
    total: list.data?.total,
  };
}

type DirectoryState = ReturnType<typeof useDirectoryList<unknown, string>>;

export function DirectoryListHead(props: {
  state: DirectoryState;
  /** Singular noun: "customer" gives ids customer-*, "12 customers", "No customers match…". */
  noun: string;
  title: string;
  searchPlaceholder: string;
  /** Shown when there are none at all (a next step, with a link, is welcome). */
  emptyText: ReactNode;
  /** The list as a CSV file (its search, segment and order), for those who may take one. */
  exportAs?: { path: string; name: string; noTimeZone?: boolean };
  /** More actions beside the export (a link to a related page). */
  actions?: ReactNode;
}) {
  const { state, noun, title } = props;
  const { total, filtered, staff, segment, segments, setFilters, list, items, fieldValues } = state;
  const fieldValue = new Map(fieldValues);
  return (
    <>
      <PageHeader
        title={title}
        subtitle={
          <span data-testid={`${noun}-total`}>
            {total === undefined
              ? '\u00a0'
              : filtered
                ? `${countOf(total, noun)} found`
                : countOf(total, noun)}
          </span>
        }
        actions={
          (props.actions || props.exportAs) && (
            <>
              {props.actions}
              {props.exportAs && (
                <ExportButton
                  {...props.exportAs}
                  query={{ q: state.q.trim(), segment: state.segment, field: state.field, sort: state.sort }}
                />
              )}
            </>
          )
        }
      />
      {/* "X was deleted." after a record's delete led back here. */}
      <Flash />
      {/* Three or more choices go two to a row on a phone (the segment and the custom fields an admin made filters). */}
      <div
        className={(staff ? 1 : 0) + state.filterFields.length >= 3 ? 'toolbar toolbar--filters' : 'toolbar'}
      >
        <SearchBox
          id={`${noun}-search`}
          label={`Search ${title.toLowerCase()}`}
          placeholder={props.searchPlaceholder}
          maxLength={LIMITS.search}
          value={state.q}
          onSearch={state.onSearch}
        />
        {staff && (
          <FilterSelect
            id={`${noun}-segment`}
            label="Segment"
            value={segment}
            options={segments.data?.items.map((s) => [s.key, s.name] as const) ?? []}
            all="All segments"
            disabled={!segments.data}
            onChange={(v) => setFilters({ segment: v })}
          />
        )}
        {state.filterFields.map((d) => (
          <FilterSelect
            key={d.key}
            id={`${noun}-field-${d.key}`}
            label={d.label}
            value={fieldValue.get(d.key) ?? ''}
            options={
              d.type === 'boolean'
                ? [
                    ['true', 'Yes'],
                    ['false', 'No'],
                  ]
                : (d.options ?? []).map((o) => [o, o] as const)
            }
            all="Any"
            onChange={(v) => setFilters({ [`f.${d.key}`]: v })}
          />
        ))}
        {filtered && (
          <button
            type="button"
            className="button button--ghost"
            onClick={() =>
              setFilters({
                q: '',
                segment: '',
                ...Object.fromEntries(fieldValues.map(([key]) => [`f.${key}`, ''])),
              })
            }
          >
            Clear filters
          </button>
        )}
      </div>

      <ListState
        list={list}
        count={items.length}
        loadingLabel={`Loading ${title.toLowerCase()}…`}
        empty={filtered ? `No ${title.toLowerCase()} match these filters.` : props.emptyText}
      />
    </>
  );
}
