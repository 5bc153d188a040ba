// The agent workspace: saved views (with live counts) on the left, the chosen view's cases on
// the right, with search, paging, multi-select and bulk changes. Keyboard: j/k move, x selects,
// Enter opens, / searches.
import { GettingStarted } from '../admin/getting-started.js';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { CASE_SORTS, MAX_BULK_CASES } from '../../shared/schemas/cases.js';
import { LIMITS } from '../../shared/schemas/common.js';
import { api, toApiError, withQuery, type Query } from '../lib/api.js';
import { countOf, formatDateTime, formatNumber } from '../lib/format.js';
import { useWorkZone } from '../lib/work-zone.js';
import type {
  AgentProfile,
  CaseSummary,
  CaseView,
  Category,
  CustomFieldDefinition,
  Items,
  Page,
  Team,
} from '../lib/types.js';
import { viewSummary } from './view-summary.js';
import { useApi } from '../lib/use-api.js';
import { PAGE_SIZE, useCursorPager } from '../lib/use-cursor-pager.js';
import { anyCase, useLiveReload } from '../lib/live.js';
import { useNow } from '../lib/use-interval.js';
import { useShortcuts } from '../lib/use-shortcuts.js';
import { ExportButton } from '../layout/export-button.js';
import { ErrorNotice, ListPager, Loading, PageHeader, SuccessNotice } from '../layout/page-parts.js';
import { SearchBox } from '../layout/search-box.js';
import { Flash } from '../layout/flash.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { FilterSelect } from '../layout/filter-select.js';
import { AvailabilitySwitch } from './availability-switch.js';
import { BulkBar } from './bulk-bar.js';
import { LogCallButton } from './log-call-dialog.js';
import { NewCaseButton } from './new-case-dialog.js';
import { AssigneeCell, PromiseBadge, StatusPriorityCells } from './case-badges.js';
import { ViewEditorDialog } from './view-editor.js';
import { FilterDialog } from './filter-dialog.js';
import { FILTERED, filterQuery, filtersFromParams, hasFilters } from './queue-filters.js';
import type { CaseViewFilters } from '../../shared/schemas/views.js';
import { SORT_LABELS } from './case-labels.js';
import { useMe } from '../auth/auth-context.js';
import { takeCaseLeft } from './queue-return.js';
import { LinkedFilter } from '../signals/about-filter.js';
import {
  promiseClockLabel,
  segmentLabel,
  withoutPromiseClock,
  solvedLabel,
  withoutSolved,
  withoutSegment,
  awaitingLabel,
  withoutAwaiting,
} from './promise-filter-labels.js';
import { usePromiseFilterNames } from './use-promise-filter-names.js';

const inQueueTable = (e: KeyboardEvent) =>
  e.target instanceof Element && e.target.closest('[data-testid="case-table"]') !== null;

/** How often the view counts and the list refresh on their own. */
const REFRESH_MS = 30_000;
const QUEUE_GAP_MS = 2_000;
/** `?view=all`: every case, solved and closed too. */
const ALL = 'all';

const isSort = (s: string | null): s is (typeof CASE_SORTS)[number] =>
  (CASE_SORTS as readonly (string | null)[]).includes(s);

/** Where the case page's back link returns to. */
export interface FromQueueState {
  fromQueue?: { path: string; label: string };
}

export function CaseQueuePage() {
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const pager = useCursorPager();
  const now = useNow();
  const me = useMe();
  /** The dialog open: a new view, the view shown, the filters, or the filters saved as a view. */
  const [editing, setEditing] = useState<'new' | 'current' | 'filter' | 'save' | null>(null);

  const views = useApi<Items<CaseView>>('/views', undefined, { keepPrevious: true });
  const allCount = useApi<Page<CaseSummary>>(
    '/cases',
    { limit: 1, includeTotal: true },
    { keepPrevious: true },
  );
  const agents = useApi<Items<AgentProfile>>('/agents');
  const teams = useApi<Items<Team>>('/teams');
  const categories = useApi<Items<Category>>('/categories');
  const caseFields = useApi<Items<CustomFieldDefinition>>('/case-fields');

  const viewParam = params.get('view');
  const firstView = views.data?.items[0]?.id;
  // Without ?view= the first view is shown (once the views are known).
  const viewId = viewParam ?? (views.data ? (firstView ?? ALL) : undefined);
  // `?view=filtered`: filters chosen in the Filter dialog, kept in the address, no saved view.
  const filtered = viewId === FILTERED;
  const paramsText = params.toString();
  const adhoc = useMemo(
    () => (filtered ? filtersFromParams(new URLSearchParams(paramsText)) : undefined),
    [filtered, paramsText],
  );
  const view = filtered ? undefined : views.data?.items.find((v) => v.id === viewId);
  const q = params.get('q') ?? '';
  const sortParam = params.get('sort');
  const sort = isSort(sortParam) ? sortParam : (view?.sort ?? 'nextDueAt');
  // What the list, its export and "select all" ask for besides search and order.
  const shown: Query = adhoc ? filterQuery(adhoc) : { view: viewId === ALL ? undefined : viewId };

  const list = useApi<Page<CaseSummary>>(
    viewId === undefined || (viewId !== ALL && !filtered && views.data && !view) ? null : '/cases',
    {
      ...shown,
      q: q.trim(),
      sort,
      limit: PAGE_SIZE,
      cursor: pager.cursor,
      includeTotal: true,
    },
    { keepPrevious: true },
  );
  const unknownView =
    viewId !== undefined && viewId !== ALL && !filtered && views.data !== undefined && !view;
  // A search runs within the view shown (the address keeps both). Narrowed by a view or filters,
  // it says so and counts what the same search finds among all cases, one click away.
  const searched = q.trim();
  const narrowed = searched !== '' && viewId !== undefined && viewId !== ALL && !unknownView;
  const everywhere = useApi<Page<CaseSummary>>(
    narrowed ? '/cases' : null,
    { q: searched, limit: 1, includeTotal: true },
    { keepPrevious: true },
  );
  const foundEverywhere = narrowed ? everywhere.data?.total : undefined;
  const searchAllPath = withQuery('/cases', { view: ALL, q: searched, sort: sortParam ?? undefined });

  // A queue changes with any case: read again on the live stream's news (every 2 s at most on a
  // busy desk), or every REFRESH_MS without it.
  const [reloadViews, reloadCount, reloadList] = [views.reload, allCount.reload, list.reload];
  const reloadEverywhere = everywhere.reload;
  const refresh = useCallback(() => {
    reloadViews();
    reloadCount();
    reloadList();
    reloadEverywhere();
  }, [reloadViews, reloadCount, reloadList, reloadEverywhere]);
  useLiveReload(anyCase, refresh, { pollMs: REFRESH_MS, gapMs: QUEUE_GAP_MS });

  const viewName = viewId === ALL ? 'All cases' : filtered ? 'Filtered cases' : (view?.name ?? 'Cases');
  useDocumentTitle(viewName);

  // Selection and the keyboard cursor belong to one list: a new view, search or page resets them.
  const listKey = `${viewId}|${adhoc ? JSON.stringify(adhoc) : ''}|${q}|${sort}|${pager.cursor ?? ''}`;
  const [selected, setSelected] = useState<{ key: string; ids: Set<string> }>({
    key: listKey,
    ids: new Set(),
  });
  const [active, setActive] = useState<{ key: string; index: number }>({ key: listKey, index: -1 });
  const selectedIds = selected.key === listKey ? selected.ids : new Set<string>();
  const activeIndex = active.key === listKey ? active.index : -1;
  // A notice about a bulk change belongs to the list it was made on.
  const [noticeState, setNotice] = useState<{ key: string; text: string } | null>(null);
  const notice = noticeState?.key === listKey ? noticeState.text : null;

  const items = useMemo(() => list.data?.items ?? [], [list.data]);
  // Rows that left the list (refresh, bulk change) leave the selection too.
  const visibleSelected = items.filter((c) => selectedIds.has(c.id)).map((c) => c.id);
  const allSelected = items.length > 0 && visibleSelected.length === items.length;

  // Every case of the view and search, not just this page: their ids, read when asked for (the
  // bulk change takes at most MAX_BULK_CASES).
  const [wholeView, setWholeView] = useState<{ key: string; ids: string[] } | null>(null);
  // Its error, like the notice, belongs to the list it was asked on.
  const [wholeViewErrorState, setWholeViewError] = useState<{ key: string; text: string } | null>(null);
  const wholeViewError = wholeViewErrorState?.key === listKey ? wholeViewErrorState.text : null;
  const toggle = useCallback(
    (id: string) => {
      setWholeView(null);
      setSelected((s) => {
        const ids = new Set(s.key === listKey ? s.ids : []);
        if (ids.has(id)) ids.delete(id);
        else ids.add(id);
        return { key: listKey, ids };
      });
    },
    [listKey],
  );
  const everyCase = wholeView?.key === listKey ? wholeView.ids : null;
  const clearSelection = () => {
    setSelected({ key: listKey, ids: new Set() });
    setWholeView(null);
  };
  async function selectWholeView() {
    setWholeViewError(null);
    try {
      const found = await api.get<Page<CaseSummary>>('/cases', {
        ...shown,
        q: q.trim(),
        sort,
        limit: MAX_BULK_CASES,
      });
      setWholeView({ key: listKey, ids: found.items.map((c) => c.id) });
    } catch (err) {
      setWholeViewError({ key: listKey, text: toApiError(err).message });
    }
  }
  const matching = list.data?.total;
  const offerWholeView =
    !everyCase && allSelected && matching !== undefined && matching > visibleSelected.length;
  const scope = everyCase ? (
    <p className="bulk-bar__scope" data-testid="case-scope">
      All {countOf(everyCase.length, 'case')} of “{viewName}” are selected.{' '}
      <button type="button" onClick={() => setWholeView(null)}>
        Select only the {countOf(visibleSelected.length, 'case')} on this page
      </button>
    </p>
  ) : offerWholeView ? (
    <p className="bulk-bar__scope" data-testid="case-scope">
      All {countOf(visibleSelected.length, 'case')} on this page are selected.{' '}
      {matching > MAX_BULK_CASES ? (
        `${matching.toLocaleString('en-US')} cases match: at most ${MAX_BULK_CASES} change at once.`
      ) : (
        <button type="button" data-testid="case-select-all" onClick={() => void selectWholeView()}>
          Select all {countOf(matching, 'case')} of “{viewName}”
        </button>
      )}
      {wholeViewError && <span role="alert"> {wholeViewError}</span>}
    </p>
  ) : undefined;

  const tableRef = useRef<HTMLTableElement>(null);
  const moveTo = useCallback(
    (index: number) => {
      if (items.length === 0) return;
      const next = Math.max(0, Math.min(items.length - 1, index));
      setActive({ key: listKey, index: next });
      const row = tableRef.current?.querySelectorAll('tbody tr')[next];
      row?.scrollIntoView({ block: 'nearest' });
      // The row's link takes the focus: Enter then opens it, and screen readers follow along.
      row?.querySelector<HTMLAnchorElement>('.cell-subject a')?.focus({ preventScroll: true });
    },
    [items.length, listKey],
  );
  // Back from a case opened here: the cursor and the focus go to its row.
  const returned = useRef(false);
  useEffect(() => {
    if (returned.current || !list.data) return;
    returned.current = true;
    const id = takeCaseLeft();
    const index = id ? items.findIndex((c) => c.id === id) : -1;
    if (index >= 0) moveTo(index);
  }, [list.data, items, moveTo]);
  const open = useCallback(
    (c: CaseSummary) => {
      const state: FromQueueState = {
        fromQueue: { path: location.pathname + location.search, label: viewName },
      };
      navigate(`/cases/${c.id}`, { state });
    },
    [navigate, location, viewName],
  );

  useShortcuts({
    j: () => moveTo(activeIndex + 1),
    k: () => moveTo(activeIndex < 0 ? 0 : activeIndex - 1),
    // The arrows move between cases only from inside the list: elsewhere they scroll the page.
    ArrowDown: (e) => (inQueueTable(e) ? moveTo(activeIndex + 1) : false),
    ArrowUp: (e) => (inQueueTable(e) ? moveTo(activeIndex < 0 ? 0 : activeIndex - 1) : false),
    x: () => {
      const c = items[activeIndex];
      if (c) toggle(c.id);
    },
    Enter: () => {
      const c = items[activeIndex];
      if (c) open(c);
    },
    o: () => {
      const c = items[activeIndex];
      if (c) open(c);
    },
    '/': () => document.getElementById('case-search')?.focus(),
    f: () => {
      if (views.data && !unknownView) setEditing('filter');
    },
  });

  const { setFilters } = pager;
  const onSearch = useCallback((text: string) => setFilters({ q: text }, { replace: true }), [setFilters]);

  const total = list.data?.total;
  // What the view shows, in words, once the names it uses are known.
  const find = <T,>(items: T[] | undefined, match: (item: T) => boolean) => items?.find(match);
  const shownFilters = adhoc ?? view?.filters;
  const summary = shownFilters
    ? viewSummary(shownFilters, {
        agent: (id) => find(agents.data?.items, (a) => a.userId === id)?.name,
        team: (id) => find(teams.data?.items, (t) => t.id === id)?.name,
        category: (key) => find(categories.data?.items, (c) => c.key === key)?.name,
        field: (key) => find(caseFields.data?.items, (d) => d.key === key)?.label,
      })
    : [];
  // The promise clock and segment filters (from the KPI page's links): chips to drop them in a
  // filtered queue, words in the line of a saved view.
  const promiseNames = usePromiseFilterNames(shownFilters);
  const workZone = useWorkZone();
  const clockLabel = shownFilters && promiseClockLabel(shownFilters, promiseNames);
  const segment = shownFilters && segmentLabel(shownFilters, promiseNames);
  // The Workload page's "solved today" is a day in the person's work zone: its ends in that zone,
  // once known (meanwhile "…", never the browser's times; the list itself asks for the instants).
  const solved =
    shownFilters &&
    solvedLabel(shownFilters, (iso) => (workZone.ready ? formatDateTime(iso, workZone.zone) : '…'));
  const awaiting = shownFilters && awaitingLabel(shownFilters);
  if (!adhoc) for (const part of [clockLabel, segment, solved, awaiting]) if (part) summary.push(part);
  const agentList = agents.data?.items ?? [];
  const teamList = teams.data?.items ?? [];
  /** Shows the filters chosen in the dialog, keeping the search and the order; none: all cases. */
  const showFiltered = (filters: CaseViewFilters) => {
    setEditing(null);
    const from = filtered ? (params.get('from') ?? undefined) : viewId;
    const extra = { q: q.trim() || undefined, sort: sortParam ?? (sort === 'nextDueAt' ? undefined : sort) };
    navigate(
      hasFilters(filters)
        ? withQuery('/cases', { view: FILTERED, from, ...extra, ...filterQuery(filters) })
        : withQuery('/cases', { view: ALL, ...extra }),
    );
  };

  return (
    <div className="queue">
      <aside className="queue__sidebar" aria-label="Views">
        <h2 className="queue__sidebar-title">Views</h2>
        {views.error && <ErrorNotice error={views.error} onRetry={views.reload} />}
        {!views.data && !views.error && <Loading label="Loading views…" />}
        <ul className="view-list" data-testid="view-list">
          {views.data?.items.map((v) => (
            <li key={v.id}>
              <Link
                to={`/cases?view=${v.id}`}
                className={v.id === viewId ? 'view-link view-link--active' : 'view-link'}
                aria-current={v.id === viewId ? 'page' : undefined}
                data-testid="view-link"
              >
                <span className="view-link__name">
                  {v.name}
                  {v.team && <span className="view-link__team">{v.team.name}</span>}
                </span>
                {v.count !== undefined && <span className="visually-hidden">, </span>}
                {v.count !== undefined && (
                  <span className="view-link__count" data-testid="view-count">
                    {formatNumber(v.count)}
                    {v.countCapped ? '+' : ''}
                  </span>
                )}
                {v.count !== undefined && (
                  <span className="visually-hidden">
                    {v.count === 1 && !v.countCapped ? ' case' : ' cases'}
                  </span>
                )}
              </Link>
            </li>
          ))}
          {views.data && (
            <li>
              <Link
                to={`/cases?view=${ALL}`}
                className={viewId === ALL ? 'view-link view-link--active' : 'view-link'}
                aria-current={viewId === ALL ? 'page' : undefined}
                data-testid="view-link"
              >
                <span className="view-link__name">All cases</span>
                {allCount.data?.total !== undefined && (
                  <span className="view-link__count" data-testid="view-count">
                    {formatNumber(allCount.data.total)}
                  </span>
                )}
              </Link>
            </li>
          )}
        </ul>
        {views.data && (
          <button
            type="button"
            className="button button--small button--ghost"
            onClick={() => setEditing('new')}
            data-testid="new-view"
          >
            + New view
          </button>
        )}
        <AvailabilitySwitch
          agents={agents.data?.items}
          onChanged={() => {
            agents.reload();
            views.reload();
            list.reload();
          }}
        />
        <p className="queue__hint muted">
          Press <kbd>?</kbd> for keyboard shortcuts
        </p>
      </aside>

      <section className="queue__main" aria-labelledby="queue-title">
        <GettingStarted />
        <PageHeader
          title={<span id="queue-title">{viewName}</span>}
          subtitle={
            <>
              <span data-testid="case-total">
                {total === undefined
                  ? '\u00a0'
                  : q.trim()
                    ? `${countOf(total, 'case')} found`
                    : countOf(total, 'case')}
              </span>
              {summary.length > 0 && (
                <span className="view-summary" data-testid="view-summary">
                  {summary.join(' · ')}
                </span>
              )}
            </>
          }
          actions={
            <>
              <ExportButton path="/cases/export.csv" query={{ ...shown, q: q.trim(), sort }} name="cases" />
              {views.data && !unknownView && (
                <button
                  type="button"
                  className="button button--small"
                  onClick={() => setEditing('filter')}
                  data-testid="filter-cases"
                >
                  Filter
                </button>
              )}
              {filtered && (
                <>
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() => setEditing('save')}
                    data-testid="save-filters"
                  >
                    Save as view
                  </button>
                  <button
                    type="button"
                    className="button button--small button--ghost"
                    onClick={() => navigate(withQuery('/cases', { view: params.get('from') ?? undefined }))}
                    data-testid="clear-filters"
                  >
                    Clear filters
                  </button>
                </>
              )}
              {view && (!view.shared || me.role === 'admin') && (
                <button
                  type="button"
                  className="button button--small"
                  onClick={() => setEditing('current')}
                  data-testid="edit-view"
                >
                  Edit view
                </button>
              )}
              <NewCaseButton />
              <LogCallButton />
            </>
          }
        />
        <div className="toolbar">
          <SearchBox
            id="case-search"
            label="Search cases"
            placeholder="Search subjects, messages and customers"
            maxLength={LIMITS.search}
            value={q}
            onSearch={onSearch}
          />
          <FilterSelect
            id="case-sort"
            label="Sort"
            value={sort}
            options={CASE_SORTS.map((s) => [s, SORT_LABELS[s]] as const)}
            onChange={(v) => setFilters({ sort: v === view?.sort ? undefined : v })}
          />
          {adhoc && clockLabel && (
            <LinkedFilter
              testId="queue-promise-filter"
              label={clockLabel}
              onClear={() => showFiltered(withoutPromiseClock(adhoc))}
            />
          )}
          {adhoc && solved && (
            <LinkedFilter
              testId="queue-solved-filter"
              label={solved}
              onClear={() => showFiltered(withoutSolved(adhoc))}
            />
          )}
          {adhoc && awaiting && (
            <LinkedFilter
              testId="queue-awaiting-filter"
              label={awaiting}
              onClear={() => showFiltered(withoutAwaiting(adhoc))}
            />
          )}
          {adhoc && segment && (
            <LinkedFilter
              testId="queue-segment-filter"
              label={segment}
              onClear={() => showFiltered(withoutSegment(adhoc))}
            />
          )}
          {q && (
            <button type="button" className="button button--ghost" onClick={() => setFilters({ q: '' })}>
              Clear search
            </button>
          )}
        </div>

        {narrowed && (
          <p className="queue__search-scope" data-testid="search-scope">
            <span>
              Searching “{viewName}” only
              {foundEverywhere !== undefined && total !== undefined && foundEverywhere > total
                ? `: ${countOf(foundEverywhere - total, 'more case')} elsewhere.`
                : '.'}
            </span>{' '}
            <Link to={searchAllPath} data-testid="search-all-cases">
              Search all cases
              {foundEverywhere !== undefined && ` (${countOf(foundEverywhere, 'case')} found)`}
            </Link>
          </p>
        )}
        <Flash />
        <SuccessNotice message={notice} />
        {(visibleSelected.length > 0 || everyCase) && (
          <BulkBar
            ids={everyCase ?? visibleSelected}
            scope={scope}
            agents={agentList}
            teams={teamList}
            onClear={clearSelection}
            onDone={(message) => {
              setNotice({ key: listKey, text: message });
              // The ticked cases stay ticked for a next change (set the priority, then assign);
              // those the change took out of the list leave the selection with their rows. A
              // whole view's selection ends with its change.
              if (everyCase) clearSelection();
              setWholeView(null);
              list.reload();
              views.reload();
              // The agents' loads in the Assign choices changed with it.
              agents.reload();
            }}
          />
        )}

        {unknownView && (
          <div className="empty-state empty-state--inline">
            <p>This view does not exist any more. Pick another one on the left.</p>
          </div>
        )}
        {list.error && <ErrorNotice error={list.error} onRetry={list.reload} />}
        {!list.data && !list.error && !unknownView && <Loading label="Loading cases…" />}
        {list.data && items.length === 0 && (
          <div className="empty-state empty-state--inline" data-testid="queue-empty">
            <p>
              {narrowed
                ? `No cases in “${viewName}” match this search.`
                : q.trim()
                  ? 'No cases match this search.'
                  : filtered
                    ? 'No cases match these filters.'
                    : 'No cases here. Nice work.'}
            </p>
          </div>
        )}
        {items.length > 0 && (
          <>
            <div className="table-wrap">
              <table
                className="table table--cases"
                data-testid="case-table"
                aria-label="Cases"
                aria-busy={list.loading}
                ref={tableRef}
              >
                <thead>
                  <tr>
                    <th scope="col" className="cell-check">
                      <input
                        type="checkbox"
                        aria-label="Select all cases on this page"
                        checked={allSelected}
                        ref={(el) => {
                          if (el) el.indeterminate = visibleSelected.length > 0 && !allSelected;
                        }}
                        onChange={() => {
                          setWholeView(null);
                          setSelected({
                            key: listKey,
                            ids: allSelected ? new Set() : new Set(items.map((c) => c.id)),
                          });
                        }}
                      />
                    </th>
                    <th scope="col" className="cell-number">
                      #
                    </th>
                    <th scope="col">Subject</th>
                    <th scope="col">Customer</th>
                    <th scope="col">Status</th>
                    <th scope="col">Priority</th>
                    <th scope="col">Assignee</th>
                    <th scope="col">Promise</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((c, i) => {
                    const isSelected = selectedIds.has(c.id);
                    return (
                      <tr
                        key={c.id}
                        data-testid="case-row"
                        data-case-id={c.id}
                        data-active={i === activeIndex ? 'true' : undefined}
                        className={[
                          i === activeIndex ? 'row--active' : '',
                          isSelected ? 'row--selected' : '',
                        ].join(' ')}
                        onClick={() => setActive({ key: listKey, index: i })}
                      >
                        <td className="cell-check">
                          <input
                            type="checkbox"
                            aria-label={`Select case ${c.number}`}
                            checked={isSelected}
                            onChange={() => toggle(c.id)}
                          />
                        </td>
                        <td className="cell-number muted" data-testid="case-number">
                          {c.number}
                        </td>
                        <td className="cell-primary cell-subject">
                          <Link
                            to={`/cases/${c.id}`}
                            state={
                              {
                                fromQueue: { path: location.pathname + location.search, label: viewName },
                              } satisfies FromQueueState
                            }
                          >
                            {c.subject}
                          </Link>
                          {c.tags.length > 0 && (
                            <span className="cell-subject__tags">
                              {c.tags.slice(0, 3).map((t) => (
                                <span key={t} className="tag tag--quiet">
                                  {t}
                                </span>
                              ))}
                            </span>
                          )}
                        </td>
                        <td className="cell-customer">
                          <span className="cell-customer__name">{c.customer.name}</span>
                          {c.organization && (
                            <span className="cell-customer__org muted">{c.organization.name}</span>
                          )}
                        </td>
                        <StatusPriorityCells c={c} />
                        <AssigneeCell c={c} />
                        <td className="cell-nowrap">
                          <PromiseBadge summary={c} now={now} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <ListPager pager={pager} list={list} total={total} />
          </>
        )}
      </section>
      {editing === 'filter' && (
        <FilterDialog
          initial={shownFilters ?? {}}
          agents={agentList}
          teams={teamList}
          onClose={() => setEditing(null)}
          onApply={showFiltered}
        />
      )}
      {(editing === 'new' || editing === 'current' || editing === 'save') && (
        <ViewEditorDialog
          view={editing === 'current' ? view : undefined}
          start={editing === 'save' && adhoc ? { filters: adhoc, sort } : undefined}
          canShare={me.role === 'admin'}
          agents={agentList}
          teams={teamList}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            views.reload();
            list.reload();
            navigate(`/cases?view=${saved.id}`);
          }}
          onDeleted={() => {
            setEditing(null);
            views.reload();
            navigate('/cases');
          }}
        />
      )}
    </div>
  );
}
