// PSA target compliance on the KPI page: of the promise clocks of cases decided in the period
// (met on time, or breached), how many were kept, per kind, agreement, team, assignee, channel
// or segment, with the totals; the grouping lives in the address (`promisesBy`).
import {
  PROMISE_KPI_GROUPS,
  type PromiseCompliance,
  type PromiseComplianceRow,
  type PromiseKpiGroup,
  type PromiseKpis,
} from '../../shared/schemas/signals.js';
import { channelLabel } from '../cases/case-labels.js';
import { useAddressFilters } from '../lib/address-filters.js';
import { formatNumber, formatPercent } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { DataTable, numberColumn } from '../layout/data-table.js';
import { ExportButton } from '../layout/export-button.js';
import { FilterSelect } from '../layout/filter-select.js';
import { ListState } from '../layout/list-state.js';

const GROUPS: Record<PromiseKpiGroup, { option: string; column: string; none: string }> = {
  kind: { option: 'Per kind', column: 'Promise', none: '—' },
  agreement: { option: 'Per agreement', column: 'Agreement', none: '—' },
  team: { option: 'Per team', column: 'Team', none: 'No team' },
  assignee: { option: 'Per assignee', column: 'Assignee', none: 'Unassigned' },
  channel: { option: 'Per channel', column: 'Channel', none: '—' },
  segment: { option: 'Per segment', column: 'Segment', none: 'No segment' },
};
const DEFAULT_GROUP: PromiseKpiGroup = 'kind';

export function PromiseComplianceSection({ from, since }: { from: string; since: string }) {
  const [params, change] = useAddressFilters();
  const asked = params.get('promisesBy') as PromiseKpiGroup | null;
  const groupBy = asked && PROMISE_KPI_GROUPS.includes(asked) ? asked : DEFAULT_GROUP;
  const found = useApi<PromiseKpis>('/kpis/promises', { from, groupBy }, { keepPrevious: true });
  const g = GROUPS[groupBy];
  const name = (r: PromiseComplianceRow) =>
    r.groupName === null ? g.none : groupBy === 'channel' ? channelLabel(r.groupName) : r.groupName;
  return (
    <section
      className="section"
      aria-labelledby="promises-title"
      data-testid="kpi-promises-section"
      data-group-by={groupBy}
      data-to={found.data?.to}
    >
      <div className="section__header">
        <h2 id="promises-title">Promise compliance</h2>
        <FilterSelect
          id="kpis-promises-by"
          label="Group"
          value={groupBy}
          options={PROMISE_KPI_GROUPS.map((k) => [k, GROUPS[k].option] as const)}
          onChange={(v) => change({ promisesBy: v === DEFAULT_GROUP ? undefined : v }, { replace: true })}
        />
        <ExportButton
          path="/kpis/promises.csv"
          query={{ from, groupBy }}
          name={`promise-compliance-by-${groupBy}`}
        />
      </div>
      <ListState
        list={found}
        count={found.data?.items.length ?? 0}
        loadingLabel="Loading promise compliance…"
        empty={<>No promise on a case was met or breached in this period, and none is overdue.</>}
        emptyTestId="kpi-promises-empty"
      >
        <DataTable
          testId="kpi-promises"
          busy={found.loading}
          columns={[
            g.column,
            numberColumn('Decided'),
            numberColumn('Met on time'),
            numberColumn('Breached'),
            numberColumn('Compliance'),
            numberColumn('Median target used'),
            numberColumn('Overdue now'),
          ]}
        >
          {(found.data?.items ?? []).map((r) => (
            <ComplianceRow key={r.groupId ?? ''} id={r.groupId ?? ''} label={name(r)} c={r} />
          ))}
          {found.data && <ComplianceRow id="total" label="Total" c={found.data.totals} total />}
        </DataTable>
      </ListState>
      <p className="muted section__note">
        Promise clocks of cases decided {since}: a clock counts when it was met, or when it was breached (also
        if the reply or solution came late since). <strong>Compliance</strong>: met on time of those decided.{' '}
        <strong>Median target used</strong>: how much of its target (in business time) a promise kept on time
        took. <strong>Overdue now</strong>: past due and still not kept, whatever the period. Team, assignee,
        channel and segment are the case&apos;s and customer&apos;s as they are now.
      </p>
    </section>
  );
}

function ComplianceRow({
  id,
  label,
  c,
  total,
}: {
  id: string;
  label: string;
  c: PromiseCompliance;
  total?: boolean;
}) {
  const Head = total ? 'th' : 'td';
  return (
    <tr data-testid="kpi-promise-row" data-group-id={id} className={total ? 'table__total' : undefined}>
      <Head scope={total ? 'row' : undefined} data-testid="kpi-promise-group">
        {label}
      </Head>
      <td className="cell-number" data-testid="kpi-promise-decided">
        {formatNumber(c.decided)}
      </td>
      <td className="cell-number" data-testid="kpi-promise-met">
        {formatNumber(c.metOnTime)}
      </td>
      <td className="cell-number" data-testid="kpi-promise-breached">
        {formatNumber(c.breached)}
        {c.metLate > 0 && <span className="muted"> ({formatNumber(c.metLate)} kept late)</span>}
      </td>
      <td className="cell-number" data-testid="kpi-promise-compliance">
        {c.compliance === null ? (
          '—'
        ) : (
          <>
            <strong>{formatPercent(c.compliance)}</strong>{' '}
            <span className="muted">
              ({formatNumber(c.metOnTime)} of {formatNumber(c.decided)})
            </span>
          </>
        )}
      </td>
      <td className="cell-number" data-testid="kpi-promise-used">
        {formatPercent(c.medianTargetUsed)}
      </td>
      <td className="cell-number" data-testid="kpi-promise-overdue">
        {formatNumber(c.overdueNow)}
      </td>
    </tr>
  );
}
