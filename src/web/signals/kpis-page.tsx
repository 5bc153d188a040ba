// Proactive KPIs over time and per rule: how many risks the rules catch, how many before the
// customer writes in, how many contacts that saves, the lead time before the promise falls due
// and how the commitments are kept, per day, week or month; then, per rule, what became of its
// signals (resolved by themselves, dismissed as false alarms, cases opened), so the rules can be
// tuned in the next round. Period and interval live in the address; days, weeks and months in the
// zone the person works in (their own, else the company's, else the browser's: useWorkZone), the
// numbers also in a table. Between the two, how well the PSA promises on cases
// are kept (promise-compliance.tsx).
import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import {
  type KpiInterval,
  type ProactiveKpis,
  type ProactiveTrend,
  type ProactiveTrendBucket,
  type RuleOutcome,
  type RuleOutcomes,
} from '../../shared/schemas/signals.js';
import { useMe } from '../auth/auth-context.js';
import { useAddressFilters } from '../lib/address-filters.js';
import { formatDate, formatDateTime, formatNumber, formatPercent, formatWallClock } from '../lib/format.js';
import { READING_ZONE, useWorkZone, zoneNote } from '../lib/work-zone.js';
import { useApi } from '../lib/use-api.js';
import { DataTable } from '../layout/data-table.js';
import { FilterSelect } from '../layout/filter-select.js';
import { ListState } from '../layout/list-state.js';
import { ExportButton } from '../layout/export-button.js';
import { ErrorNotice, Loading, PageHeader } from '../layout/page-parts.js';
import { ChartCard, type ChartSeries } from '../layout/time-chart.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { BucketCell, lastBucketOpen, monthFormat } from './bucket-cell.js';
import { intervalsFor, kpiPeriod } from './kpi-period.js';
import { KpiStrip } from './kpi-strip.js';
import { PromiseComplianceSection } from './promise-compliance.js';
import { SeverityBadge } from './signal-badges.js';

const PERIODS = [
  ['30', 'Last 30 days'],
  ['90', 'Last 90 days'],
  ['365', 'Last 12 months'],
  ['730', 'Last 2 years'],
] as const;
const DEFAULT_DAYS = '90';
const INTERVAL_LABELS: Record<KpiInterval, string> = { day: 'By day', week: 'By week', month: 'By month' };
const COLORS = {
  signals: '#2451b3',
  caught: '#067647',
  avoided: '#0e7490',
  dismissed: '#b42318',
  ontime: '#7a4cc2',
};

const minutesLabel = (m: number | null) => (m === null ? '—' : formatWallClock(m * 60_000));
const percentAxis = (v: number) => formatPercent(v);
const hours = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const hoursAxis = (v: number) => `${hours.format(v)} h`;
const countAxis = (v: number) => (Number.isInteger(v) ? formatNumber(v) : '');
const SHARE_RANGE: [number, number] = [0, 1];

export function KpisPage() {
  useDocumentTitle('Proactive KPIs');
  const [params, change] = useAddressFilters();
  const daysParam = params.get('days');
  const days = PERIODS.some(([d]) => d === daysParam) ? daysParam! : DEFAULT_DAYS;
  const allowed = intervalsFor(Number(days));
  const intervalParam = params.get('interval') as KpiInterval | null;
  const asked = intervalParam && allowed.includes(intervalParam) ? intervalParam : undefined;

  // The zone the days are counted in: asked for before anything is counted (not counted twice).
  const work = useWorkZone();
  const timezone = work.zone;
  // The period's start, fixed while the choice stands (a new time each render would ask again).
  const { from, interval } = useMemo(
    () => kpiPeriod(new Date(), Number(days), asked, timezone),
    [days, asked, timezone],
  );
  const fromIso = from.toISOString();
  // Until the zone is known the period is not either: nothing is asked, exported or named before
  // (a period counted in the browser's zone first would differ from the page's by hours).
  const when = (path: string) => (work.ready ? path : null);
  const kpis = useApi<ProactiveKpis>(when('/kpis/proactive'), { from: fromIso }, { keepPrevious: true });
  const trend = useApi<ProactiveTrend>(
    when('/kpis/proactive/trend'),
    { from: fromIso, interval, timezone },
    { keepPrevious: true },
  );
  const rules = useApi<RuleOutcomes>(
    when('/kpis/proactive/rules'),
    { from: fromIso },
    { keepPrevious: true },
  );
  const set = (key: string, value: string, fallback = '') =>
    change({ [key]: value === fallback ? undefined : value }, { replace: true });
  const since = `since ${formatDate(fromIso, timezone)}`;

  return (
    <div
      className="kpis"
      data-testid="kpis-page"
      data-from={work.ready ? fromIso : undefined}
      data-interval={interval}
    >
      <PageHeader
        title="Proactive KPIs"
        subtitle="How early the rules catch risks to your promises, what that saves, and which rules to tune."
        actions={
          <>
            <Link className="button" to="/kpis/workload" data-testid="kpis-workload">
              Workload
            </Link>
            <Link className="button" to="/board">
              Proactive board
            </Link>
          </>
        }
      />
      <div className="toolbar" role="group" aria-label="Time span shown">
        <FilterSelect
          id="kpis-days"
          label="Period"
          value={days}
          options={PERIODS}
          onChange={(v) => set('days', v, DEFAULT_DAYS)}
        />
        <FilterSelect
          id="kpis-interval"
          label="Interval"
          value={asked ?? ''}
          options={allowed.map((i) => [i, INTERVAL_LABELS[i]] as const)}
          all={`Automatic (${INTERVAL_LABELS[interval].toLowerCase()})`}
          onChange={(v) => set('interval', v)}
        />
        <span
          className="muted toolbar__note"
          data-testid="kpis-zone"
          data-zone={work.ready ? timezone : undefined}
          aria-busy={!work.ready}
        >
          {work.ready ? `Days in ${zoneNote(work)}` : READING_ZONE}
        </span>
      </div>
      <KpiStrip kpis={kpis.data} error={kpis.error} period={since} />

      <section className="section" aria-labelledby="trend-title">
        <div className="section__header">
          <h2 id="trend-title">Over time</h2>
          <ExportButton
            path="/kpis/proactive/trend.csv"
            query={{ from: fromIso, interval }}
            name={`proactive-kpis-by-${interval}`}
            timeZone={timezone}
          />
        </div>
        {trend.error && <ErrorNotice error={trend.error} onRetry={trend.reload} />}
        {!trend.data && !trend.error && <Loading label="Loading the trend…" />}
        {trend.data && <Trend trend={trend.data} />}
      </section>

      {work.ready && (
        <PromiseComplianceSection from={fromIso} since={since} interval={interval} timezone={timezone} />
      )}

      <section className="section" aria-labelledby="rules-title">
        <div className="section__header">
          <h2 id="rules-title">Per rule</h2>
          <ExportButton
            path="/kpis/proactive/rules.csv"
            query={{ from: fromIso }}
            name="rule-outcomes"
            timeZone={timezone}
          />
        </div>
        <ListState
          list={rules}
          count={rules.data?.items.length ?? 0}
          loadingLabel="Loading the rules…"
          empty={<>No signal rule yet.</>}
          emptyTestId="kpi-rules-empty"
        >
          <RuleTable
            rules={rules.data?.items ?? []}
            busy={rules.loading}
            from={rules.data?.from ?? fromIso}
            timeZone={timezone}
          />
        </ListState>
        <p className="muted section__note">
          Signals detected {since}. <strong>Resolved by itself</strong>: the awaited event came after all
          (many mean the rule&apos;s time is too short). <strong>Dismissed</strong>: closed as a false alarm
          or handled elsewhere (many mean the rule cries wolf). <strong>Caught first</strong>: detected before
          the customer had written in.
        </p>
      </section>
    </div>
  );
}

function Trend({ trend }: { trend: ProactiveTrend }) {
  const b = trend.buckets;
  // The zone the server counted the buckets in: their dates are named in it.
  const zone = trend.timezone;
  const x = useMemo(() => b.map((k) => Date.parse(k.start)), [b]);
  const counts = useMemo<ChartSeries[]>(
    () => [
      { label: 'Signals', values: b.map((k) => k.signals), color: COLORS.signals, kind: 'bars' },
      { label: 'Caught before contact', values: b.map((k) => k.caughtBeforeContact), color: COLORS.caught },
      { label: 'Contacts avoided', values: b.map((k) => k.contactsAvoided), color: COLORS.avoided },
      { label: 'Dismissed', values: b.map((k) => k.dismissed), color: COLORS.dismissed },
    ],
    [b],
  );
  const rates = useMemo<ChartSeries[]>(
    () => [
      {
        label: 'Caught before contact',
        values: b.map((k) => k.caughtBeforeContactShare),
        color: COLORS.caught,
      },
      { label: 'Commitments on time', values: b.map((k) => k.commitments.onTimeRate), color: COLORS.ontime },
    ],
    [b],
  );
  // In hours: the axis reads "12 h", "24 h" (minutes would make "1 d 1 h" of a tick).
  const lead = useMemo<ChartSeries[]>(
    () => [
      {
        label: 'Median lead time',
        values: b.map((k) => (k.leadTimeMedianMinutes === null ? null : k.leadTimeMedianMinutes / 60)),
        color: COLORS.signals,
      },
    ],
    [b],
  );
  if (b.every((k) => k.signals === 0 && k.commitments.met + k.commitments.late + k.commitments.broken === 0))
    return (
      <div className="empty-state empty-state--inline" data-testid="kpi-trend-empty">
        <p>No signal and no commitment closed in this period.</p>
      </div>
    );
  const per = trend.interval;
  const last = b[b.length - 1];
  const partial = lastBucketOpen(trend);
  return (
    <>
      <div className="chart-grid">
        <ChartCard
          title={`Signals per ${per}`}
          x={x}
          series={counts}
          format={countAxis}
          testId="kpi-chart-signals"
          lastPartial={partial}
          timeZone={zone}
        />
        <ChartCard
          title="Caught before contact and commitments on time"
          x={x}
          series={rates}
          format={percentAxis}
          yRange={SHARE_RANGE}
          testId="kpi-chart-rates"
          lastPartial={partial}
          timeZone={zone}
        />
        <ChartCard
          title="Median lead time before the promise falls due"
          x={x}
          series={lead}
          format={hoursAxis}
          testId="kpi-chart-lead"
          lastPartial={partial}
          timeZone={zone}
        />
      </div>
      {partial && last && (
        <p className="muted section__note" data-testid="kpi-trend-partial">
          The shaded {per}, {bucketLabel(last.start, per, zone)}, is not over yet: its numbers are so far and
          will still grow.
        </p>
      )}
      <details className="chart-numbers">
        <summary>The numbers</summary>
        <TrendTable buckets={b} interval={trend.interval} partial={partial} timeZone={zone} />
      </details>
    </>
  );
}

function TrendTable({
  buckets,
  interval,
  partial,
  timeZone,
}: {
  buckets: ProactiveTrendBucket[];
  interval: KpiInterval;
  timeZone: string;
  /** The last bucket is not over yet. */
  partial: boolean;
}) {
  const label = interval === 'day' ? 'Day' : interval === 'week' ? 'Week of' : 'Month';
  return (
    <DataTable
      testId="kpi-trend-table"
      className="table--kpi-trend"
      stackOnPhone
      columns={[
        label,
        'Signals',
        'Caught first',
        'Contacts avoided',
        'Dismissed',
        'Resolved by itself',
        'Median lead time',
        'Commitments met · late · broken',
        'On time',
      ]}
    >
      {buckets.map((k, i) => (
        <tr key={k.start} data-testid="kpi-trend-row">
          <BucketCell
            start={k.start}
            interval={interval}
            soFar={partial && i === buckets.length - 1}
            timeZone={timeZone}
          />
          <td className="cell-number">{formatNumber(k.signals)}</td>
          <td className="cell-number">
            {formatNumber(k.caughtBeforeContact)}{' '}
            <span className="muted">({formatPercent(k.caughtBeforeContactShare)})</span>
          </td>
          <td className="cell-number">{formatNumber(k.contactsAvoided)}</td>
          <td className="cell-number">{formatNumber(k.dismissed)}</td>
          <td className="cell-number">{formatNumber(k.resolvedByEvent)}</td>
          <td className="cell-number">{minutesLabel(k.leadTimeMedianMinutes)}</td>
          <td className="cell-number">
            {formatNumber(k.commitments.met)} · {formatNumber(k.commitments.late)} ·{' '}
            {formatNumber(k.commitments.broken)}
          </td>
          <td className="cell-number">{formatPercent(k.commitments.onTimeRate)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

/** Names a bucket in a sentence: "December 2026", "from Nov 30, 2026", "Dec 2, 2026". */
const bucketLabel = (iso: string, interval: KpiInterval, zone: string) =>
  interval === 'month'
    ? monthFormat(zone).format(new Date(iso))
    : interval === 'week'
      ? `from ${formatDate(iso, zone)}`
      : formatDate(iso, zone);

function RuleTable({
  rules,
  busy,
  from,
  timeZone,
}: {
  rules: RuleOutcome[];
  busy: boolean;
  from: string;
  timeZone: string;
}) {
  const admin = useMe().role === 'admin';
  /** The signals behind a number: the rule's, detected in the period, in that state. */
  const to = (r: RuleOutcome, n: number, text: string, filter = '') =>
    n > 0 ? (
      <Link to={`/signals?ruleId=${r.ruleId}&detectedFrom=${encodeURIComponent(from)}${filter}`}>{text}</Link>
    ) : (
      text
    );
  return (
    <DataTable
      testId="kpi-rules"
      className="table--kpi-rules"
      busy={busy}
      stackOnPhone
      columns={[
        'Rule',
        'Signals',
        'Still live',
        'Resolved by itself',
        'Dismissed',
        'Cases opened',
        'Caught first',
        'Contacts avoided',
        'Median lead time',
        'Latest',
      ]}
    >
      {rules.map((r) => (
        <tr key={r.ruleId} data-testid="kpi-rule-row" data-rule-id={r.ruleId}>
          <td className="cell-primary">
            <span data-testid="kpi-rule-name">
              {admin && !r.deleted ? <Link to={`/admin/rules/${r.ruleId}`}>{r.name}</Link> : r.name}
            </span>
            {r.deleted && <span className="badge badge--muted"> deleted</span>}
            {!r.deleted && !r.enabled && <span className="badge badge--muted"> off</span>}
            <div className="kpi-rule__severity">
              <SeverityBadge severity={r.severity} />
            </div>
          </td>
          <td className="cell-number" data-testid="kpi-rule-signals">
            {to(r, r.signals, formatNumber(r.signals))}
          </td>
          <td className="cell-number">{to(r, r.live, formatNumber(r.live), '&state=open,acted')}</td>
          <td className="cell-number" data-testid="kpi-rule-itself">
            {to(
              r,
              r.resolvedByEvent,
              share(r.resolvedByEvent, r.signals),
              '&state=resolved&resolvedByEvent=true',
            )}
          </td>
          <td className="cell-number" data-testid="kpi-rule-dismissed">
            {to(r, r.dismissed, share(r.dismissed, r.signals), '&state=dismissed')}
          </td>
          <td className="cell-number">{formatNumber(r.casesOpened)}</td>
          <td className="cell-number">{formatPercent(r.caughtBeforeContactShare)}</td>
          <td className="cell-number">{formatNumber(r.contactsAvoided)}</td>
          <td className="cell-number" data-testid="kpi-rule-lead">
            {minutesLabel(r.leadTimeMedianMinutes)}
          </td>
          <td>{r.lastDetectedAt ? formatDateTime(r.lastDetectedAt, timeZone) : '—'}</td>
        </tr>
      ))}
    </DataTable>
  );
}

/** "3 (25%)"; just "0" when there is nothing to share. */
function share(n: number, of: number) {
  if (of === 0) return '0';
  return `${formatNumber(n)} (${formatPercent(n / of)})`;
}
