// Commitments: how the promises made in agreements are kept. On top, the on-time rate per
// agreement, segment, organization or customer over a period (worst first, with a bar each, so
// the one to talk about stands out); below, every commitment, filtered by state or agreement.
// The filters live in the address, so a link can carry them.
import { useMemo } from 'react';
import type { Agreement } from '../../shared/schemas/agreements.js';
import type { Commitment, CommitmentRate } from '../../shared/schemas/signals.js';
import { useAddressFilters } from '../lib/address-filters.js';
import { formatNumber, formatPercent } from '../lib/format.js';
import type { Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { DataTable } from '../layout/data-table.js';
import { FilterSelect } from '../layout/filter-select.js';
import { GrowingList } from '../layout/growing-list.js';
import { anyCommitment, useLive } from '../lib/live.js';
import { ListState } from '../layout/list-state.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { AboutFilter, HistoryPageHeader, aboutIn } from './about-filter.js';
import { CommitmentTable } from './commitment-table.js';
import { COMMITMENT_STATE_LABELS } from './signal-labels.js';

const GROUPS = [
  ['agreement', 'Agreement'],
  ['segment', 'Segment'],
  ['organization', 'Organization'],
  ['customer', 'Customer'],
] as const;
type Group = (typeof GROUPS)[number][0];
const PERIODS = [
  ['30', 'Last 30 days'],
  ['90', 'Last 90 days'],
  ['365', 'Last 12 months'],
] as const;
const DAY_MS = 86_400_000;
const RATES_GAP_MS = 5_000;
const SORTS = [
  ['-dueAt', 'Latest due first'],
  ['dueAt', 'Soonest due first'],
] as const;

export function CommitmentsPage() {
  useDocumentTitle('Commitments');
  const [params, change] = useAddressFilters();
  const groupParam = params.get('by');
  const by: Group = GROUPS.some(([g]) => g === groupParam) ? (groupParam as Group) : 'agreement';
  const periodParam = params.get('days');
  const days = PERIODS.some(([d]) => d === periodParam) ? periodParam! : '90';
  const state = params.get('state') ?? '';
  const agreementId = params.get('agreementId') ?? '';
  const sort = params.get('sort') === 'dueAt' ? 'dueAt' : '-dueAt';
  const set = (key: string, value: string, fallback = '') =>
    change({ [key]: value === fallback ? undefined : value }, { replace: true });

  // The period's start, fixed while the choice stands (a new time each render would ask again).
  const from = useMemo(() => new Date(Date.now() - Number(days) * DAY_MS).toISOString(), [days]);
  const rates = useApi<Items<CommitmentRate>>(
    '/commitments/rates',
    { by, from, limit: 100 },
    { keepPrevious: true },
  );
  // The rates count every commitment of the period: read again on news, but not more than every few seconds.
  useLive(anyCommitment, rates.reload, RATES_GAP_MS);
  const agreements = useApi<Items<Agreement>>('/agreements');
  const about = aboutIn(params);
  const query = {
    ...(state ? { state } : {}),
    ...(agreementId ? { agreementId } : {}),
    ...(about ? { [about.key]: about.id } : {}),
    sort,
  };
  const groupLabel = GROUPS.find(([g]) => g === by)![1];

  return (
    <>
      <HistoryPageHeader
        title="Commitments"
        subtitle="How the promises of your agreements are kept: on-time rates, and every commitment measured."
        exportAs={{ path: '/commitments/export.csv', query, name: 'commitments' }}
      />
      <section className="section" aria-labelledby="rates-title">
        <div className="section__header">
          <h2 id="rates-title">On-time rate</h2>
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
        </div>
        <ListState
          list={rates}
          count={rates.data?.items.length ?? 0}
          loadingLabel="Loading on-time rates…"
          empty={<>No commitment closed in this period, and none is overdue.</>}
          emptyTestId="rates-empty"
        >
          <RateTable rates={rates.data?.items ?? []} groupLabel={groupLabel} busy={rates.loading} />
        </ListState>
        <p className="muted section__note">
          Met on time ÷ everything that fell due: met, met late, broken, and still overdue now. Worst first.
        </p>
      </section>
      <section className="section" aria-labelledby="commitments-title">
        <div className="section__header">
          <h2 id="commitments-title">All commitments</h2>
        </div>
        <div className="toolbar" role="search" aria-label="Filter commitments">
          <AboutFilter about={about} onClear={() => change({ customerId: '', organizationId: '' })} />
          <FilterSelect
            id="commitments-state"
            label="State"
            value={state}
            options={[
              ['open,overdue', 'Not yet met (open or overdue)'],
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
            onChange={(v) => set('sort', v, '-dueAt')}
          />
        </div>
        <GrowingList<Commitment>
          path="/commitments"
          query={query}
          what="commitments"
          emptyTestId="commitments-empty"
          empty={
            state || agreementId || about ? 'No commitments match.' : 'No commitment has been measured yet.'
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

function RateTable({
  rates,
  groupLabel,
  busy,
}: {
  rates: CommitmentRate[];
  groupLabel: string;
  busy: boolean;
}) {
  return (
    <DataTable
      testId="rates"
      busy={busy}
      columns={[groupLabel, 'Met', 'Met late', 'Broken', 'Overdue', 'On time']}
    >
      {rates.map((r) => (
        <tr key={r.groupId ?? 'none'} data-testid="rate-row">
          <td className="cell-primary" data-testid="rate-group">
            {r.groupName ?? <span className="muted">None</span>}
          </td>
          <td className="cell-number">{formatNumber(r.met)}</td>
          <td className="cell-number">{formatNumber(r.late)}</td>
          <td className="cell-number">{formatNumber(r.broken)}</td>
          <td className="cell-number">{formatNumber(r.overdue)}</td>
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
                className={`rate__fill${r.onTimeRate !== null && r.onTimeRate < 0.9 ? ' rate__fill--low' : ''}`}
                style={{ width: `${Math.round((r.onTimeRate ?? 0) * 100)}%` }}
              />
            </span>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
