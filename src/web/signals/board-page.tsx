// The proactive board: the live signals (open and acted on), most severe first, and the commitments
// coming due or overdue, with the proactive KPIs on top. Polls every 5 s while the tab is shown
// (use-interval pauses in the background and catches up on return); filters are client-side on
// the board's data and live in the address, so a filtered board can be shared. Every time on it
// (due times, the "Updated" clock, when a source went silent or last sent a warned event) is in
// the zone the person works in, named above each table as on the Commitments page, and beside the
// clock and the sources' times when it is not the browser's: the board never mixes zones.
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { RESUME_GRACE_MINUTES } from '../../shared/schemas/events.js';
import type { Severity } from '../../shared/schemas/rules.js';
import type { Board, Commitment, ProactiveKpis, Signal } from '../../shared/schemas/signals.js';
import { useMe } from '../auth/auth-context.js';
import {
  countOf,
  formatClock,
  formatDateTime,
  formatDue,
  formatMinutes,
  formatNumber,
  formatWallClock,
} from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { proactive, useLive, useLiveReload } from '../lib/live.js';
import type { LiveNews } from '../../shared/schemas/live.js';
import { useInterval, useNow } from '../lib/use-interval.js';
import { ErrorNotice, Loading, PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { KpiStrip } from './kpi-strip.js';
import { CommitmentCaseCell } from './commitment-open-case.js';
import { kpiPeriod } from './kpi-period.js';
import { useWorkZone } from '../lib/work-zone.js';
import { browserTimeZone } from '../lib/time-zones.js';
import { TimesInZone } from '../layout/times-in-zone.js';
import { DataTable } from '../layout/data-table.js';
import { FilterSelect } from '../layout/filter-select.js';
import {
  CaseCell,
  CommitmentStateBadge,
  CustomerLink,
  DueIn,
  RefValue,
  SeverityBadge,
  SignalStateBadge,
} from './signal-badges.js';
import { SEVERITY_ORDER, severityLabel } from './signal-labels.js';
import { signalTitle } from '../../shared/ref-labels.js';

/** The days the board's KPI strip counts: the KPI page's "Last 30 days". */
const BOARD_KPI_DAYS = 30;

/** How often the board asks for news without the live stream, and with it. */
export const BOARD_REFRESH_MS = 5_000;
const BOARD_LIVE_REFRESH_MS = 30_000;
/** The KPIs move slowly and cost more: a tenth as often. */
const KPI_REFRESH_MS = 50_000;
const KPI_LIVE_GAP_MS = 5_000;
const signalsOrCommitments = (n: LiveNews) => n.signals || n.commitments;

const HORIZONS = [
  ['PT12H', '12 hours'],
  ['P1D', '1 day'],
  ['P2D', '2 days'],
  ['P7D', '7 days'],
] as const;
const DEFAULT_HORIZON = 'P2D';

/**
 * The Signals page's list of live signals (open or acted on) whose case nobody owns (unsolved,
 * assigned to nobody): those whose pill says "Open · nobody on it" or "Acted on · nobody on it".
 * The board's count of them links there.
 */
const UNOWNED_LIST = '/signals?state=open,acted&caseUnassigned=true';

const SORTS = {
  severity: 'Most severe first',
  due: 'Due soonest first',
  detected: 'Newest first',
} as const;
type Sort = keyof typeof SORTS;
const isSort = (s: string | null): s is Sort => s !== null && s in SORTS;

/**
 * A time outside the board's tables (the clock, the sources' notices), already written in the work
 * zone: that zone follows it when it is not the browser's ("19:40:12 Europe/Berlin", as held-mail
 * reasons name theirs), since no "Times in …" note stands above these.
 */
const named = (shown: string, zone: string) => (zone === browserTimeZone() ? shown : `${shown} ${zone}`);

const rank = (s: string) => {
  const i = SEVERITY_ORDER.indexOf(s as Severity);
  return i < 0 ? SEVERITY_ORDER.length : i;
};
const time = (iso: string | null) => (iso ? Date.parse(iso) : Infinity);

function sortSignals(signals: Signal[], sort: Sort): Signal[] {
  const list = [...signals];
  if (sort === 'due')
    return list.sort((a, b) => time(a.dueAt) - time(b.dueAt) || rank(a.severity) - rank(b.severity));
  if (sort === 'detected') return list.sort((a, b) => time(b.detectedAt) - time(a.detectedAt));
  return list.sort((a, b) => rank(a.severity) - rank(b.severity) || time(a.detectedAt) - time(b.detectedAt));
}

export function BoardPage() {
  useDocumentTitle('Proactive board');
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const now = useNow(BOARD_REFRESH_MS);

  const horizonParam = params.get('horizon');
  const horizon = HORIZONS.some(([h]) => h === horizonParam) ? horizonParam! : DEFAULT_HORIZON;
  const board = useApi<Board>('/board', { horizon }, { keepPrevious: true });
  // The KPI page's "Last 30 days" (from the start of that day): its link shows the same numbers.
  // In the zone that page counts its days in.
  const work = useWorkZone();
  const kpisFrom = useMemo(
    () => kpiPeriod(new Date(), BOARD_KPI_DAYS, undefined, work.zone).from.toISOString(),
    [work.zone],
  );
  const kpis = useApi<ProactiveKpis>(
    work.ready ? '/kpis/proactive' : null,
    { from: kpisFrom },
    { keepPrevious: true },
  );
  // Signals and commitments show at once over the live stream; a commitment coming due within the
  // horizon is no event, so the board still looks again every BOARD_LIVE_REFRESH_MS.
  const live = useLiveReload(proactive, board.reload, {
    pollMs: BOARD_REFRESH_MS,
    livePollMs: BOARD_LIVE_REFRESH_MS,
  });
  useInterval(kpis.reload, KPI_REFRESH_MS);
  // A signal or commitment that shows in the list counts in the tiles above it too: they follow
  // the live stream, at most once every few seconds (they cost more than the list).
  useLive(signalsOrCommitments, kpis.reload, KPI_LIVE_GAP_MS);

  // A failed poll keeps the last good board on screen, with a note, until the next one works.
  const [last, setLast] = useState<Board | undefined>(undefined);
  if (board.data && board.data !== last) setLast(board.data);
  const data = board.data ?? last;

  const severity = params.get('severity') ?? '';
  const customer = params.get('customer') ?? '';
  const rule = params.get('rule') ?? '';
  const sortParam = params.get('sort');
  const sort: Sort = isSort(sortParam) ? sortParam : 'severity';
  const setParam = (key: string, value: string) => {
    const p = new URLSearchParams(params);
    if (value) p.set(key, value);
    else p.delete(key);
    setParams(p, { replace: true });
  };
  const filtered = !!(severity || customer || rule);

  const allSignals = useMemo(() => data?.signals ?? [], [data]);
  const allCommitments = useMemo(() => data?.commitmentsDueSoon ?? [], [data]);
  // The filter choices are what the board holds (plus the chosen one, should it have left).
  const customers = useMemo(() => {
    const names = new Map<string, string>();
    for (const s of allSignals) if (s.customerId) names.set(s.customerId, s.customerName ?? 'Unnamed');
    for (const c of allCommitments) if (c.customerId) names.set(c.customerId, c.customerName ?? 'Unnamed');
    if (customer && !names.has(customer)) names.set(customer, 'Chosen customer');
    return [...names].sort((a, b) => a[1].localeCompare(b[1]));
  }, [allSignals, allCommitments, customer]);
  const rules = useMemo(() => {
    const names = new Map<string, string>();
    for (const s of allSignals) names.set(s.ruleId, s.ruleName);
    if (rule && !names.has(rule)) names.set(rule, 'Chosen rule');
    return [...names].sort((a, b) => a[1].localeCompare(b[1]));
  }, [allSignals, rule]);

  const signals = sortSignals(
    allSignals.filter(
      (s) =>
        (!severity || s.severity === severity) &&
        (!customer || s.customerId === customer) &&
        (!rule || s.ruleId === rule),
    ),
    sort,
  );
  const commitments = allCommitments
    .filter((c) => !customer || c.customerId === customer)
    .sort((a, b) => time(a.dueAt) - time(b.dueAt));

  const horizonLabel = HORIZONS.find(([h]) => h === horizon)?.[1] ?? horizon;
  // One customer's: counted from their rows (all of them are on the board); else the board's own.
  const overdueShown = commitments.filter((c) => c.state === 'overdue' || time(c.dueAt) <= now).length;
  const commitmentCounts = customer
    ? { overdue: overdueShown, dueSoon: commitments.length - overdueShown }
    : data && { overdue: data.counts.overdueCommitments, dueSoon: data.counts.dueSoonCommitments };

  return (
    <div className="board">
      <PageHeader
        title="Proactive board"
        subtitle="Live signals that a promise to a customer is at risk, and the commitments coming due. Promise clocks on cases are in the Cases views."
        actions={
          data && (
            <span
              className="board__updated"
              data-testid="board-updated"
              title={live ? 'Updates as signals, commitments and cases change' : 'Refreshes every 5 seconds'}
            >
              <span className="board__live" aria-hidden="true" />
              <span className="visually-hidden">{live ? 'Live. ' : 'Refreshes every 5 seconds. '}</span>
              Updated {named(formatClock(data.generatedAt, work.zone), work.zone)}
            </span>
          )
        }
      />
      <KpiStrip kpis={kpis.data} error={kpis.error} period="in the last 30 days" />
      <p className="kpi-strip__more">
        <Link to={`/kpis?days=${BOARD_KPI_DAYS}`} data-testid="board-kpis-link">
          Trends over time and per rule →
        </Link>
      </p>

      {board.error && data && (
        <p className="notice notice--warning" role="status" data-testid="board-stale">
          Could not refresh the board ({board.error.message}); showing what was there. Trying again…
        </p>
      )}
      {data && (data.silentSources.length > 0 || data.counts.heldCustomerMails > 0) && (
        <SilentSources
          sources={data.silentSources}
          held={data.counts.heldCustomerMails}
          now={now}
          admin={me.role === 'admin'}
          zone={work.zone}
        />
      )}
      {board.error && !data && <ErrorNotice error={board.error} onRetry={board.reload} />}
      {!data && !board.error && <Loading label="Loading the board…" />}

      {data && (
        <>
          <section className="section" aria-labelledby="board-signals-title">
            <div className="section__header board__section-header">
              <h2 id="board-signals-title">
                Signals{' '}
                <span className="muted board__count" data-testid="board-signal-count">
                  {filtered
                    ? `${formatNumber(signals.length)} of ${formatNumber(allSignals.length)}`
                    : formatNumber(allSignals.length)}
                </span>
              </h2>
              <Link className="board__more" to="/signals">
                All signals, resolved and dismissed too
              </Link>
              <ul className="severity-counts" aria-label="Live signals by severity">
                {SEVERITY_ORDER.map((s) => {
                  const n = data.counts.bySeverity[s] ?? 0;
                  return (
                    <li key={s}>
                      <button
                        type="button"
                        className={`severity-count severity-count--${s}${severity === s ? ' severity-count--active' : ''}`}
                        aria-pressed={severity === s}
                        data-testid={`severity-count-${s}`}
                        onClick={() => setParam('severity', severity === s ? '' : s)}
                      >
                        {severityLabel(s)} <strong>{formatNumber(n)}</strong>
                      </button>
                    </li>
                  );
                })}
              </ul>
            </div>
            {data.counts.liveCaseUnassigned > 0 && (
              <p className="board__unowned" data-testid="board-unowned">
                <Link to={UNOWNED_LIST} data-testid="board-unowned-link">
                  {countOf(data.counts.liveCaseUnassigned, 'signal')} with nobody on{' '}
                  {data.counts.liveCaseUnassigned === 1 ? 'its' : 'their'} case →
                </Link>
              </p>
            )}
            <div className="toolbar toolbar--filters">
              <FilterSelect
                id="board-severity"
                label="Severity"
                value={severity}
                options={SEVERITY_ORDER.map((s) => [s, severityLabel(s)] as const)}
                all="All severities"
                onChange={(v) => setParam('severity', v)}
              />
              <FilterSelect
                id="board-customer"
                label="Customer"
                value={customer}
                options={customers}
                all="All customers"
                onChange={(v) => setParam('customer', v)}
              />
              <FilterSelect
                id="board-rule"
                label="Rule"
                value={rule}
                options={rules}
                all="All rules"
                onChange={(v) => setParam('rule', v)}
              />
              <FilterSelect
                id="board-sort"
                label="Sort"
                value={sort}
                options={Object.entries(SORTS)}
                onChange={(v) => setParam('sort', v === 'severity' ? '' : v)}
              />
              {/* The due times below are the promises', in the zone the person works in, as everywhere. */}
              <TimesInZone testId="board-signals-zone" />
              {filtered && (
                <button
                  type="button"
                  className="button button--ghost"
                  onClick={() => {
                    const p = new URLSearchParams(params);
                    for (const k of ['severity', 'customer', 'rule']) p.delete(k);
                    setParams(p, { replace: true });
                  }}
                >
                  Clear filters
                </button>
              )}
            </div>
            {allSignals.length === 0 ? (
              <div className="empty-state empty-state--inline" data-testid="board-signals-empty">
                <p>
                  No promise is at risk right now. Signals appear here as soon as a signal rule fires on the
                  events your systems send.
                  {me.role === 'admin' ? (
                    <>
                      {' '}
                      <Link to="/admin/rules">Manage signal rules</Link>.
                    </>
                  ) : (
                    ' Administrators write the rules.'
                  )}
                </p>
              </div>
            ) : signals.length === 0 ? (
              <div className="empty-state empty-state--inline" data-testid="board-signals-empty">
                <p>No live signal matches these filters. Clear the filters to see all of them.</p>
              </div>
            ) : (
              <SignalTable signals={signals} now={now} admin={me.role === 'admin'} zone={work.zone} />
            )}
            {allSignals.length >= 200 && (
              <p className="field__hint">
                The board shows the 200 most severe and oldest live signals; a customer’s page lists all of
                theirs.
              </p>
            )}
          </section>

          {/* Above the commitments: their due dates are what such events fail to open or move. */}
          {data.warnedSources.length > 0 && (
            <WarnedSources sources={data.warnedSources} admin={me.role === 'admin'} zone={work.zone} />
          )}
          <section className="section" aria-labelledby="board-commitments-title">
            <div className="section__header board__section-header">
              <h2 id="board-commitments-title">
                Commitments due{' '}
                <span className="muted board__count" data-testid="board-commitment-count">
                  {countOf(commitmentCounts!.overdue, 'overdue', 'overdue')} ·{' '}
                  {formatNumber(commitmentCounts!.dueSoon)} due within {horizonLabel}
                </span>
              </h2>
              <Link className="board__more" to="/commitments">
                All commitments and on-time rates
              </Link>
              <FilterSelect
                id="board-horizon"
                label="Due within"
                value={horizon}
                options={HORIZONS}
                onChange={(v) => setParam('horizon', v === DEFAULT_HORIZON ? '' : v)}
              />
              <TimesInZone testId="board-commitments-zone" />
            </div>
            {commitments.length === 0 ? (
              <div className="empty-state empty-state--inline" data-testid="board-commitments-empty">
                <p>
                  {customer
                    ? 'This customer has no commitment overdue or due soon.'
                    : `No commitment is overdue or due within ${horizonLabel}.`}{' '}
                  Commitments are the promises on operations in an agreement (delivery by the promised date,
                  …), opened by events.
                  {me.role === 'admin' && (
                    <>
                      {' '}
                      <Link to="/admin/agreements">Add them to an agreement</Link>.
                    </>
                  )}
                </p>
              </div>
            ) : (
              <CommitmentTable commitments={commitments} now={now} zone={work.zone} />
            )}
          </section>
        </>
      )}
    </div>
  );
}

function SignalTable({
  signals,
  now,
  admin,
  zone,
}: {
  signals: Signal[];
  now: number;
  admin: boolean;
  zone: string;
}) {
  return (
    <DataTable
      testId="board-signals"
      className="table--board"
      stackOnPhone
      columns={['Severity', 'Signal', 'Customer', 'Rule', 'Ref', 'Age', 'Due', 'Case']}
    >
      {signals.map((s) => (
        <tr key={s.id} data-testid="board-signal-row" data-signal-id={s.id} data-severity={s.severity}>
          <td>
            <SeverityBadge severity={s.severity} />
          </td>
          <td className="cell-primary">
            <Link to={`/signals/${s.id}`} data-testid="signal-title">
              {signalTitle(s)}
            </Link>
            {s.state !== 'open' && (
              <span className="cell-sub">
                <SignalStateBadge state={s.state} caseUnassigned={s.caseUnassigned} />
              </span>
            )}
          </td>
          <td className="cell-customer" data-testid="signal-customer">
            <CustomerLink id={s.customerId} name={s.customerName} />
            {s.organizationName && <span className="cell-customer__org muted">{s.organizationName}</span>}
          </td>
          <td data-testid="signal-rule">
            {admin ? (
              <Link className="link-quiet" to={`/admin/rules/${s.ruleId}`}>
                {s.ruleName}
              </Link>
            ) : (
              s.ruleName
            )}
          </td>
          <td data-testid="signal-ref">
            {s.refValue ? (
              <RefValue refKey={s.refKey} refValue={s.refValue} />
            ) : (
              <span className="muted">—</span>
            )}
          </td>
          <td className="cell-nowrap" data-testid="signal-age" title={formatDateTime(s.detectedAt, zone)}>
            {formatWallClock(now - Date.parse(s.detectedAt))}
          </td>
          <td className="cell-nowrap" data-testid="signal-due">
            {s.dueAt ? (
              <>
                <time dateTime={s.dueAt}>{formatDue(s.dueAt, undefined, zone)}</time>
                <span className="cell-sub">
                  <DueIn dueAt={s.dueAt} now={now} />
                </span>
              </>
            ) : (
              <span className="muted">—</span>
            )}
          </td>
          <td className="cell-nowrap" data-testid="signal-case">
            <CaseCell item={s} none="No case" />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function CommitmentTable({
  commitments,
  now,
  zone,
}: {
  commitments: Commitment[];
  now: number;
  zone: string;
}) {
  return (
    <DataTable
      testId="board-commitments"
      className="table--board"
      stackOnPhone
      columns={['State', 'Commitment', 'Customer', 'Ref', 'Due', 'Case']}
    >
      {commitments.map((c) => (
        <tr key={c.id} data-testid="board-commitment-row" data-state={c.state}>
          <td>
            <CommitmentStateBadge state={c.state} />
          </td>
          <td className="cell-primary">
            <span className="board__commitment-name">{c.name}</span>
            <span className="cell-sub muted">{c.agreementName}</span>
          </td>
          <td className="cell-customer">
            <CustomerLink id={c.customerId} name={c.customerName} />
          </td>
          <td>
            <RefValue refKey={c.refKey} refValue={c.refValue} />
          </td>
          <td className="cell-nowrap" data-testid="commitment-due">
            <time dateTime={c.dueAt}>{formatDue(c.dueAt, undefined, zone)}</time>
            <span className="cell-sub">
              <DueIn dueAt={c.dueAt} now={now} />
            </span>
            {c.repromised > 0 && (
              <span className="cell-sub muted">re-promised {countOf(c.repromised, 'time')}</span>
            )}
          </td>
          <td className="cell-nowrap" data-testid="commitment-case">
            <CommitmentCaseCell commitment={c} none="No case" assigneeTestId="commitment-case-assignee" />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/**
 * Sources whose events were accepted with warnings in the last 7 days: what those events were
 * sent to open or move (a commitment, a wait) did not happen, so a due date here may be missing
 * or out of date until the source sends them again, corrected.
 */
function WarnedSources(props: { sources: Board['warnedSources']; admin: boolean; zone: string }) {
  const total = props.sources.reduce((n, s) => n + s.events, 0);
  // One line above the commitments; what and why on demand.
  return (
    <div className="notice notice--warning board__warned" role="status" data-testid="warned-sources">
      <details className="notice__details">
        <summary>
          <strong>Some events could not do what they were sent for:</strong> {countOf(total, 'event')} in the
          last 7 days, from {props.sources.map((s) => s.name).join(', ')}.
        </summary>
        <p>
          They were stored, but the commitment or wait they were meant to open or move was not: a due date
          below may be missing or out of date until the source sends them again, corrected.
        </p>
        <ul>
          {props.sources.map((s) => (
            <li key={s.key} data-testid="warned-source">
              {props.admin ? <Link to={`/admin/event-sources/${s.key}`}>{s.name}</Link> : s.name}:{' '}
              {countOf(s.events, 'event')}, the latest{' '}
              {named(formatDateTime(s.latestAt, props.zone), props.zone)} ({s.latestWarning}).{' '}
              <Link to={`/events?source=${encodeURIComponent(s.key)}&warned=true`}>
                See {s.events === 1 ? 'it' : 'them'}
              </Link>
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}

/**
 * Sources with a silence alert that have sent nothing for that long: the absence signals on this
 * board may be false alarms (the feed broke, the parcels did not stop moving).
 */
function SilentSources(props: {
  sources: Board['silentSources'];
  held: number;
  now: number;
  admin: boolean;
  zone: string;
}) {
  return (
    <div className="notice notice--warning notice--stacked" role="status" data-testid="silent-sources">
      <p>
        <strong>Events may be missing.</strong> While a source is silent, signals that something did not
        arrive in time may be false alarms.
        {props.held > 0 && (
          <span data-testid="held-mails">
            {' '}
            {countOf(props.held, 'mail')} to customers {props.held === 1 ? 'is' : 'are'} held back until the
            feed is back ({RESUME_GRACE_MINUTES} minutes after), and dropped if the awaited event comes.
          </span>
        )}
      </p>
      <ul>
        {props.sources.map((s) => (
          <li key={s.key} data-testid="silent-source">
            {props.admin ? <Link to={`/admin/event-sources/${s.key}`}>{s.name}</Link> : s.name} has sent
            nothing for {formatWallClock(props.now - Date.parse(s.silentSince))} (since{' '}
            {named(formatDateTime(s.silentSince, props.zone), props.zone)}; the alert is set at{' '}
            {formatMinutes(s.silenceAlertMinutes)}).
          </li>
        ))}
      </ul>
    </div>
  );
}
