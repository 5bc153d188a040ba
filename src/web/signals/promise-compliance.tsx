// PSA target compliance on the KPI page: of the promise clocks of cases decided in the period
// (met on time, or breached), how many were kept, per kind, agreement, team, assignee, channel
// or segment, with the totals; the grouping lives in the address (`promisesBy`). The table counts
// promises (clocks), a case holds several: each count links to the cases behind it in the queue
// (promise-cases.ts), and says how many cases that is where the two differ ("92 on 67 cases"),
// so the number and the list agree in words. A chart shows the compliance per day, week or month.
import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import { promiseCaseQuery, type PromiseCount } from '../../shared/promise-cases.js';
import {
  PROMISE_KPI_GROUPS,
  type KpiInterval,
  type PromiseCompliance,
  type PromiseComplianceRow,
  type PromiseKpiGroup,
  type PromiseKpis,
  type PromiseTrend,
} from '../../shared/schemas/signals.js';
import { channelLabel } from '../cases/case-labels.js';
import { useAddressFilters } from '../lib/address-filters.js';
import { withQuery } from '../lib/api.js';
import { countOf, formatNumber, formatPercent } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { DataTable, numberColumn } from '../layout/data-table.js';
import { ErrorNotice, Loading } from '../layout/page-parts.js';
import { ChartCard, type ChartSeries } from '../layout/time-chart.js';
import { ExportButton } from '../layout/export-button.js';
import { FilterSelect } from '../layout/filter-select.js';
import { ListState } from '../layout/list-state.js';
import { BucketCell, lastBucketOpen } from './bucket-cell.js';

const GROUPS: Record<PromiseKpiGroup, { option: string; column: string; none: string }> = {
  kind: { option: 'Per kind', column: 'Promise', none: '—' },
  agreement: { option: 'Per agreement', column: 'Agreement', none: '—' },
  team: { option: 'Per team', column: 'Team', none: 'No team' },
  assignee: { option: 'Per assignee', column: 'Assignee', none: 'Unassigned' },
  channel: { option: 'Per channel', column: 'Channel', none: '—' },
  segment: { option: 'Per segment', column: 'Segment', none: 'No segment' },
};
const DEFAULT_GROUP: PromiseKpiGroup = 'kind';
const SHARE_RANGE: [number, number] = [0, 1];
const percentAxis = (v: number) => formatPercent(v);
const COMPLIANCE_COLOR = '#067647';

/** Where a count's cases are listed: the queue, filtered to them (the period the API answered for). */
type CasesOf = (count: PromiseCount, n: number) => string | undefined;

export function PromiseComplianceSection({
  from,
  since,
  interval,
  timezone,
}: {
  from: string;
  since: string;
  /** The page's trend interval and time zone: the compliance chart's too. */
  interval: KpiInterval;
  timezone: string;
}) {
  const [params, change] = useAddressFilters();
  const asked = params.get('promisesBy') as PromiseKpiGroup | null;
  const groupBy = asked && PROMISE_KPI_GROUPS.includes(asked) ? asked : DEFAULT_GROUP;
  const found = useApi<PromiseKpis>('/kpis/promises', { from, groupBy }, { keepPrevious: true });
  const g = GROUPS[groupBy];
  const trend = useApi<PromiseTrend>(
    '/kpis/promises/trend',
    { from, interval, timezone },
    { keepPrevious: true },
  );
  const name = (r: PromiseComplianceRow) =>
    r.groupName === null ? g.none : groupBy === 'channel' ? channelLabel(r.groupName) : r.groupName;
  const casesOf =
    (group: { by: PromiseKpiGroup; id: string | null } | null): CasesOf =>
    (count, n) =>
      found.data && n > 0
        ? withQuery('/cases', {
            view: 'filtered',
            ...promiseCaseQuery({ from: found.data.from, to: found.data.to }, count, group),
          })
        : undefined;
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
          timeZone={timezone}
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
          className="table--kpi-promises"
          busy={found.loading}
          stackOnPhone
          columns={[
            g.column,
            numberColumn('Promises decided'),
            numberColumn('Kept on time'),
            numberColumn('Breached'),
            numberColumn('Compliance'),
            numberColumn('Median target used'),
            numberColumn('Overdue now'),
          ]}
        >
          {(found.data?.items ?? []).map((r) => (
            <ComplianceRow
              key={r.groupId ?? ''}
              id={r.groupId ?? ''}
              label={name(r)}
              c={r}
              casesOf={casesOf({ by: groupBy, id: r.groupId })}
            />
          ))}
          {found.data && (
            <ComplianceRow id="total" label="Total" c={found.data.totals} casesOf={casesOf(null)} total />
          )}
        </DataTable>
      </ListState>
      {trend.error && <ErrorNotice error={trend.error} onRetry={trend.reload} />}
      {!trend.data && !trend.error && <Loading label="Loading compliance over time…" />}
      {trend.data && <ComplianceTrend trend={trend.data} />}
      <p className="muted section__note">
        Promises (clocks: a first response, a resolution, …) of cases decided {since}: a case holds several,
        so the counts are of promises, and each links to its cases (&ldquo;92 on 67 cases&rdquo;). A promise
        counts when it was kept, or when it was breached (also if the reply or solution came late since).{' '}
        <strong>Compliance</strong>: met on time of those decided. <strong>Median target used</strong>: how
        much of its target (in business time) a promise kept on time took. <strong>Overdue now</strong>: past
        due and still not kept, whatever the period. Team, assignee, channel and segment are the case&apos;s
        and customer&apos;s as they are now.
      </p>
    </section>
  );
}

function ComplianceRow({
  id,
  label,
  c,
  casesOf,
  total,
}: {
  id: string;
  label: string;
  c: PromiseCompliance;
  casesOf: CasesOf;
  total?: boolean;
}) {
  const Head = total ? 'th' : 'td';
  /** A count of promises, linked to their cases; how many cases that is, shown where it differs. */
  const count = (key: PromiseCount) => {
    const n = c[key];
    const cases = c.cases[key];
    const to = casesOf(key, cases);
    if (!to) return formatNumber(n);
    return (
      <>
        <Link to={to} aria-label={`${countOf(n, 'promise')}: show ${countOf(cases, 'case')}`}>
          {formatNumber(n)}
        </Link>
        {cases !== n && (
          <span className="cell-sub muted" data-testid="kpi-promise-cases">
            on {countOf(cases, 'case')}
          </span>
        )}
      </>
    );
  };
  return (
    <tr data-testid="kpi-promise-row" data-group-id={id} className={total ? 'table__total' : undefined}>
      <Head scope={total ? 'row' : undefined} data-testid="kpi-promise-group">
        {label}
      </Head>
      <td className="cell-number" data-testid="kpi-promise-decided">
        {count('decided')}
      </td>
      <td className="cell-number" data-testid="kpi-promise-met">
        {count('metOnTime')}
      </td>
      <td className="cell-number" data-testid="kpi-promise-breached">
        {count('breached')}
        {c.metLate > 0 && <span className="cell-sub muted">({formatNumber(c.metLate)} kept late)</span>}
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
        {count('overdueNow')}
      </td>
    </tr>
  );
}

/** Compliance per day, week or month: a line (met on time of those decided), and its numbers. */
function ComplianceTrend({ trend }: { trend: PromiseTrend }) {
  const b = trend.buckets;
  const x = useMemo(() => b.map((k) => Date.parse(k.start)), [b]);
  const series = useMemo<ChartSeries[]>(
    () => [{ label: 'Compliance', values: b.map((k) => k.compliance), color: COMPLIANCE_COLOR }],
    [b],
  );
  const per = trend.interval;
  if (b.every((k) => k.decided === 0))
    return (
      <p className="muted section__note" data-testid="kpi-promise-trend-empty">
        No promise was decided in this period: no compliance to chart.
      </p>
    );
  const partial = lastBucketOpen(trend);
  const label = per === 'day' ? 'Day' : per === 'week' ? 'Week of' : 'Month';
  return (
    <div data-testid="kpi-promise-trend" data-interval={per} data-points={b.length}>
      <ChartCard
        title={`Compliance per ${per}`}
        x={x}
        series={series}
        format={percentAxis}
        yRange={SHARE_RANGE}
        testId="kpi-chart-compliance"
        lastPartial={partial}
        timeZone={trend.timezone}
      />
      <details className="chart-numbers">
        <summary>Compliance numbers</summary>
        <DataTable
          testId="kpi-promise-trend-table"
          columns={[label, 'Decided', 'Met on time', 'Breached', 'Compliance']}
        >
          {b.map((k, i) => (
            <tr key={k.start} data-testid="kpi-promise-trend-row">
              <BucketCell
                start={k.start}
                interval={per}
                soFar={partial && i === b.length - 1}
                timeZone={trend.timezone}
              />
              <td className="cell-number">{formatNumber(k.decided)}</td>
              <td className="cell-number">{formatNumber(k.metOnTime)}</td>
              <td className="cell-number">{formatNumber(k.breached)}</td>
              <td className="cell-number">{formatPercent(k.compliance)}</td>
            </tr>
          ))}
        </DataTable>
      </details>
    </div>
  );
}
