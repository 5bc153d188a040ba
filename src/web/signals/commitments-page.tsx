// Commitments: how the promises made in agreements are kept. On top, the on-time rate per
// agreement, segment, organization or customer over a period (worst first, with a bar each, so
// the one to talk about stands out); below, every commitment, filtered by state or agreement.
// The filters live in the address, so a link can carry them: each count of the rates is such a
// link, to the commitments behind it (the group, the state, closed in the period). "Last N days"
// starts where the KPI page's does (kpi-period.ts), so the two pages' periods agree; "Last month"
// is the previous calendar month, for a monthly report. The rates export as CSV.
import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import type { Agreement } from '../../shared/schemas/agreements.js';
import type { Commitment, CommitmentRate } from '../../shared/schemas/signals.js';
import { useAddressFilters } from '../lib/address-filters.js';
import { formatDate, formatNumber, formatPercent } from '../lib/format.js';
import type { Items, SegmentList } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { useWorkZone, zoneNote } from '../lib/work-zone.js';
import { DataTable } from '../layout/data-table.js';
import { FilterSelect } from '../layout/filter-select.js';
import { GrowingList } from '../layout/growing-list.js';
import { anyCommitment, useLive } from '../lib/live.js';
import { ListState } from '../layout/list-state.js';
import { ExportButton } from '../layout/export-button.js';
import { TimesInZone } from '../layout/times-in-zone.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { AboutFilter, HistoryPageHeader, LinkedFilter, aboutIn } from './about-filter.js';
import { CommitmentTable } from './commitment-table.js';
import { kpiPeriod, lastCalendarMonth } from './kpi-period.js';
import { COMMITMENT_STATE_LABELS } from './signal-labels.js';

const GROUPS = [
  ['agreement', 'Agreement'],
  ['segment', 'Segment'],
  ['organization', 'Organization'],
  ['customer', 'Customer'],
] as const;
type Group = (typeof GROUPS)[number][0];
/** The list's filter that narrows it to one group of the rates. */
const GROUP_PARAM: Record<Group, string> = {
  agreement: 'agreementId',
  segment: 'segment',
  organization: 'organizationId',
  customer: 'customerId',
};
/** What a link from the rates sets; all of them are cleared first, so one group is shown. */
const LINKED_PARAMS = [
  'agreementId',
  'segment',
  'organizationId',
  'customerId',
  'state',
  'closedFrom',
  'closedBefore',
];
const PERIODS = [
  ['30', 'Last 30 days'],
  ['90', 'Last 90 days'],
  ['365', 'Last 12 months'],
  ['last-month', 'Last month'],
] as const;
const RATES_GAP_MS = 5_000;
/** An on-time rate under this has a red bar: the one to talk about. */
const LOW_RATE = 0.9;
/** What needs attention first by default: overdue ones, then the soonest due, then those closed. */
const SORTS = [
  ['attention', 'Needs attention first'],
  ['dueAt', 'Soonest due first'],
  ['-dueAt', 'Latest due first'],
] as const;
type SortKey = (typeof SORTS)[number][0];
const DEFAULT_SORT: SortKey = 'attention';

export function CommitmentsPage() {
  useDocumentTitle('Commitments');
  const [params, change] = useAddressFilters();
  const groupParam = params.get('by');
  const by: Group = GROUPS.some(([g]) => g === groupParam) ? (groupParam as Group) : 'agreement';
  const periodParam = params.get('days');
  const days = PERIODS.some(([d]) => d === periodParam) ? periodParam! : '90';
  const state = params.get('state') ?? '';
  const agreementId = params.get('agreementId') ?? '';
  const sortParam = params.get('sort');
  const sort: SortKey = SORTS.some(([s]) => s === sortParam) ? (sortParam as SortKey) : DEFAULT_SORT;
  // From the rates' links: the segment, and the period the count was closed in.
  const segment = params.get('segment') ?? '';
  const closedFrom = params.get('closedFrom') ?? '';
  const closedBefore = params.get('closedBefore') ?? '';
  const valid = (iso: string) => !Number.isNaN(Date.parse(iso));
  const set = (key: string, value: string, fallback = '') =>
    change({ [key]: value === fallback ? undefined : value }, { replace: true });

  // The period, fixed while the choice stands (a new time each render would ask again): the last
  // N days as the KPI page counts them, or last month (then with an end too), in the zone the
  // person works in (read before anything is counted).
  const work = useWorkZone();
  const zone = work.zone;
  const { from, to } = useMemo(() => {
    const now = new Date();
    if (days === 'last-month') {
      const month = lastCalendarMonth(now, zone);
      return { from: month.from.toISOString(), to: month.to.toISOString() };
    }
    return { from: kpiPeriod(now, Number(days), undefined, zone).from.toISOString(), to: undefined };
  }, [days, zone]);
  const period = { from, ...(to ? { to } : {}) };
  const rates = useApi<Items<CommitmentRate>>(
    work.ready ? '/commitments/rates' : null,
    { by, ...period, limit: 100 },
    { keepPrevious: true },
  );
  // The rates count every commitment of the period: read again on news, but not more than every few seconds.
  useLive(anyCommitment, rates.reload, RATES_GAP_MS);
  const agreements = useApi<Items<Agreement>>('/agreements');
  const segments = useApi<SegmentList>(segment ? '/segments' : null);
  const segmentName = segments.data?.items.find((s) => s.key === segment)?.name ?? segment;
  const about = aboutIn(params);
  const query = {
    ...(state ? { state } : {}),
    ...(agreementId ? { agreementId } : {}),
    ...(about ? { [about.key]: about.id } : {}),
    ...(segment ? { segment } : {}),
    ...(closedFrom ? { closedFrom } : {}),
    ...(closedBefore ? { closedBefore } : {}),
    sort,
  };
  const groupLabel = GROUPS.find(([g]) => g === by)![1];

  return (
    <>
      <HistoryPageHeader
        title="Commitments"
        subtitle="How the promises of your agreements are kept: on-time rates, and every commitment measured."
      />
      <section
        className="section"
        aria-labelledby="rates-title"
        data-testid="rates-section"
        data-from={from}
        data-to={to}
      >
        <div className="section__header">
          <h2 id="rates-title">On-time rate</h2>
          <ExportButton
            path="/commitments/rates.csv"
            query={{ by, ...period }}
            name={`commitment-rates-by-${by}`}
          />
        </div>
        <div className="toolbar">
          <FilterSelect
            id="rates-by"
            label="Per"
            value={by}
            options={GROUPS}
            onChange={(v) => set('by', v, 'agreement')}
          />
          <FilterSelect
            id="rates-days"
            label="Closed in"
            value={days}
            options={PERIODS}
            onChange={(v) => set('days', v, '90')}
          />
          <span className="muted toolbar__note" data-testid="rates-period">
            {periodLabel(from, to, zone)}
          </span>
          <span className="muted toolbar__note" data-testid="rates-zone" data-zone={zone}>
            Days in {zoneNote(work)}
          </span>
        </div>
        <ListState
          list={rates}
          count={rates.data?.items.length ?? 0}
          loadingLabel="Loading on-time rates…"
          empty={<>No commitment closed in this period, and none is overdue.</>}
          emptyTestId="rates-empty"
        >
          <RateTable
            rates={rates.data?.items ?? []}
            by={by}
            from={from}
            to={to}
            groupLabel={groupLabel}
            busy={rates.loading}
          />
        </ListState>
        <p className="muted section__note" data-testid="rates-note">
          Met on time ÷ everything that fell due: met, met late, broken, and still overdue now. Worst first; a
          rate under {formatPercent(LOW_RATE)} has a red bar.
        </p>
      </section>
      <section className="section" aria-labelledby="commitments-title">
        <div className="section__header">
          <h2 id="commitments-title" tabIndex={-1}>
            All commitments
          </h2>
          {/* Beside its own table, as the rates' is: one Export CSV up in the page header read as the rates'. */}
          <ExportButton path="/commitments/export.csv" query={query} name="commitments" />
        </div>
        <div className="toolbar toolbar--filters" role="search" aria-label="Filter commitments">
          <AboutFilter about={about} onClear={() => change({ customerId: '', organizationId: '' })} />
          {segment && (
            <LinkedFilter
              testId="commitments-segment-filter"
              label={`Segment: ${segmentName}`}
              onClear={() => change({ segment: '' }, { replace: true })}
            />
          )}
          {(closedFrom || closedBefore) && (
            <LinkedFilter
              testId="commitments-period-filter"
              label={
                (!closedFrom || valid(closedFrom)) && (!closedBefore || valid(closedBefore))
                  ? periodLabel(closedFrom || undefined, closedBefore || undefined, zone)
                  : 'Closed in a period'
              }
              onClear={() => change({ closedFrom: '', closedBefore: '' }, { replace: true })}
            />
          )}
          <FilterSelect
            id="commitments-state"
            label="State"
            value={state}
            options={[
              ['open,overdue', 'Not yet met (open or overdue)'],
              ['late,broken', 'Late or broken'],
              ...Object.entries(COMMITMENT_STATE_LABELS),
            ]}
            all="All states"
            onChange={(v) => set('state', v)}
          />
          <FilterSelect
            id="commitments-agreement"
            label="Agreement"
            value={agreementId}
            options={(agreements.data?.items ?? []).map((a) => [a.id, a.name] as const)}
            all="All agreements"
            onChange={(v) => set('agreementId', v)}
          />
          <FilterSelect
            id="commitments-sort"
            label="Sort"
            value={sort}
            options={SORTS}
            onChange={(v) => set('sort', v, DEFAULT_SORT)}
          />
          {/* Due and closing times in the zone the page counts days in, as it says (not the browser's). */}
          <TimesInZone testId="commitments-zone" />
        </div>
        <GrowingList<Commitment>
          path="/commitments"
          query={query}
          what="commitments"
          emptyTestId="commitments-empty"
          empty={
            state || agreementId || about || segment || closedFrom || closedBefore
              ? 'No commitments match.'
              : 'No commitment has been measured yet.'
          }
          live={anyCommitment}
        >
          {(items, loading) => (
            <CommitmentTable
              testId="commitments"
              rowTestId="commitment-row"
              commitments={items}
              busy={loading}
              showCustomer
            />
          )}
        </GrowingList>
      </section>
    </>
  );
}

/** "Closed since Sep 7, 2026", "Closed Nov 1, 2026 – Nov 30, 2026" (`to` is exclusive: the day before is shown). */
function periodLabel(from: string | undefined, to: string | undefined, zone: string) {
  if (!to) return from ? `Closed since ${formatDate(from, zone)}` : 'Closed in a period';
  const last = formatDate(new Date(Date.parse(to) - 1).toISOString(), zone);
  return from ? `Closed ${formatDate(from, zone)} – ${last}` : `Closed up to ${last}`;
}

function RateTable({
  rates,
  by,
  from,
  to,
  groupLabel,
  busy,
}: {
  rates: CommitmentRate[];
  by: Group;
  from: string;
  to: string | undefined;
  groupLabel: string;
  busy: boolean;
}) {
  /**
   * A count as a link to the commitments behind it: the group's, in that state, closed in the
   * period (overdue ones are overdue now, whenever they fell due). The group without an
   * organization or segment has no filter of its own: its counts stay plain.
   */
  const count = (r: CommitmentRate, state: 'met' | 'late' | 'broken' | 'overdue', label: string) => {
    const n = r[state];
    if (n === 0 || r.groupId === null) return formatNumber(n);
    const next = new URLSearchParams(window.location.search);
    for (const key of LINKED_PARAMS) next.delete(key);
    next.set(GROUP_PARAM[by], r.groupId);
    next.set('state', state);
    if (state !== 'overdue') {
      next.set('closedFrom', from);
      if (to) next.set('closedBefore', to);
    }
    return (
      <Link
        to={{ search: `?${next.toString()}` }}
        replace
        aria-label={`${formatNumber(n)} ${label}: ${r.groupName ?? groupLabel}`}
        // The list is further down the page: take the reader to it.
        onClick={() =>
          requestAnimationFrame(() => {
            const title = document.getElementById('commitments-title');
            title?.scrollIntoView({ block: 'start' });
            title?.focus({ preventScroll: true });
          })
        }
      >
        {formatNumber(n)}
      </Link>
    );
  };
  return (
    <DataTable
      testId="rates"
      busy={busy}
      columns={[groupLabel, 'Met', 'Met late', 'Broken', 'Overdue', 'On time']}
    >
      {rates.map((r) => (
        <tr key={r.groupId ?? 'none'} data-testid="rate-row">
          <td className="cell-primary" data-testid="rate-group">
            {r.groupName ?? <span className="muted">No {groupLabel.toLowerCase()}</span>}
          </td>
          <td className="cell-number">{count(r, 'met', 'met on time')}</td>
          <td className="cell-number">{count(r, 'late', 'met late')}</td>
          <td className="cell-number">{count(r, 'broken', 'broken')}</td>
          <td className="cell-number">{count(r, 'overdue', 'overdue now')}</td>
          <td className="rate" data-testid="rate-value">
            <span className="rate__value">{formatPercent(r.onTimeRate)}</span>
            <span
              className="rate__bar"
              role="meter"
              aria-label={`On time: ${formatPercent(r.onTimeRate)}`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={r.onTimeRate === null ? 0 : Math.round(r.onTimeRate * 100)}
            >
              <span
                className={`rate__fill${r.onTimeRate !== null && r.onTimeRate < LOW_RATE ? ' rate__fill--low' : ''}`}
                style={{ width: `${Math.round((r.onTimeRate ?? 0) * 100)}%` }}
              />
            </span>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
