// Who carries how much, for team leads and every colleague (read-only): per team, a row per agent
// (members, then others who have some of the team's cases), the cases nobody has and the team's
// total; per row the unsolved cases, of them those waiting (pending, on hold), promises at risk and
// breached now, the case whose customer has waited longest for a reply, and the cases solved
// today in the zone the person works in (their own, else the company's, else this browser's: the
// page opens through WorkZoneGate once it is known, and asks for that day). Every count links to
// exactly its cases in the queue (shared/workload-cases.ts); the longest wait opens the cases
// awaiting our reply, and its case number the case waiting longest. Live: it reads again as cases
// change.
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { Workload, WorkloadCounts, WorkloadTeam } from '../../shared/schemas/teams.js';
import { workloadCaseQuery, type WorkloadCount, type WorkloadList } from '../../shared/workload-cases.js';
import { withQuery } from '../lib/api.js';
import { countOf, formatDateTime, formatNumber, formatWallClock } from '../lib/format.js';
import { useLive } from '../lib/live.js';
import { useApi } from '../lib/use-api.js';
import { useWorkZone, zoneNote } from '../lib/work-zone.js';
import { DataTable, numberColumn } from '../layout/data-table.js';
import { ErrorNotice, Loading, PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { FILTERED } from '../cases/queue-filters.js';
import type { LiveNews } from '../../shared/schemas/live.js';

const casesChanged = (n: LiveNews) => n.allCases || n.cases.length > 0;
const LIVE_GAP_MS = 2000;

/** The columns of counts, in the table's order: what each is called and, for a link, what it lists. */
const COUNTS: readonly { key: WorkloadCount; label: string; one: string; many: string }[] = [
  { key: 'open', label: 'Unsolved', one: 'unsolved case', many: 'unsolved cases' },
  {
    key: 'waiting',
    label: 'Pending or on hold',
    one: 'case pending or on hold',
    many: 'cases pending or on hold',
  },
  {
    key: 'atRisk',
    label: 'At risk',
    one: 'case with a promise at risk',
    many: 'cases with a promise at risk',
  },
  {
    key: 'breached',
    label: 'Breached',
    one: 'case with a promise breached',
    many: 'cases with a promise breached',
  },
  { key: 'solvedToday', label: 'Solved today', one: 'case solved today', many: 'cases solved today' },
];

export function WorkloadPage() {
  useDocumentTitle('Workload');
  const work = useWorkZone();
  const found = useApi<Workload>('/workload', { timezone: work.zone }, { keepPrevious: true });
  useLive(casesChanged, found.reload, LIVE_GAP_MS);
  const w = found.data;
  return (
    <>
      <PageHeader
        title="Workload"
        subtitle="Who carries how much, per team: each number opens its cases in the queue."
        actions={
          <Link className="button" to="/kpis">
            Proactive KPIs
          </Link>
        }
      />
      {found.error && <ErrorNotice error={found.error} onRetry={found.reload} />}
      {!w && !found.error && <Loading label="Loading the workload…" />}
      {w && w.teams.length === 0 && (
        <div className="empty-state" data-testid="workload-empty">
          No teams yet, and no unsolved cases.
        </div>
      )}
      {w?.teams.map((team) => (
        <TeamSection
          key={team.teamId ?? 'none'}
          team={team}
          today={w.today}
          zone={w.timeZone}
          busy={found.loading}
        />
      ))}
      {w && (
        <p className="muted section__note" data-testid="workload-note">
          <strong>Unsolved</strong>: new, open, pending or on hold. <strong>At risk</strong>: a promise clock
          past its warning time, nothing overdue yet. <strong>Breached</strong>: a promise still to be kept
          past its due time. <strong>Longest wait</strong>: the new or open case whose customer has waited
          longest for a reply, and how long (it opens all those awaiting our reply).{' '}
          <strong>Solved today</strong>: since {formatDateTime(w.today.from, w.timeZone)} in{' '}
          <span data-testid="workload-zone">{w.timeZone === work.zone ? zoneNote(work) : w.timeZone}</span>,
          and not reopened since.
        </p>
      )}
    </>
  );
}

function TeamSection({
  team,
  today,
  zone,
  busy,
}: {
  team: WorkloadTeam;
  today: Workload['today'];
  zone: string;
  busy: boolean;
}) {
  const title = team.teamId === null ? 'No team' : (team.name ?? 'A deleted team');
  const headingId = `workload-team-${team.teamId ?? 'none'}`;
  return (
    <section
      className="section"
      aria-labelledby={headingId}
      data-testid="workload-team"
      data-team-id={team.teamId ?? 'none'}
    >
      <div className="section__header">
        <h2 id={headingId}>{title}</h2>
      </div>
      <DataTable
        testId="workload-table"
        className="table--workload"
        busy={busy}
        stackOnPhone
        columns={[
          'Agent',
          'Availability',
          ...COUNTS.map((c) => numberColumn(c.label)),
          numberColumn('Longest wait'),
        ]}
      >
        {team.agents.map((a) => (
          <WorkloadRow
            key={a.userId}
            rowId={a.userId}
            label={
              <>
                {a.name}
                {!a.member && <span className="cell-sub muted">Not in the team</span>}
              </>
            }
            availability={a.availability === 'away' ? 'Away' : 'Available'}
            counts={a}
            zone={zone}
            queryOf={(count) => workloadCaseQuery(count, { teamId: team.teamId, userId: a.userId }, today)}
          />
        ))}
        <WorkloadRow
          rowId="none"
          label="Nobody (unassigned)"
          counts={team.unassigned}
          zone={zone}
          queryOf={(count) => workloadCaseQuery(count, { teamId: team.teamId, userId: 'none' }, today)}
        />
        <WorkloadRow
          rowId="total"
          label={team.teamId === null ? 'All cases of no team' : 'Whole team'}
          counts={team.total}
          zone={zone}
          queryOf={(count) => workloadCaseQuery(count, { teamId: team.teamId }, today)}
          total
        />
      </DataTable>
    </section>
  );
}

function WorkloadRow(props: {
  rowId: string;
  label: ReactNode;
  availability?: string;
  counts: WorkloadCounts;
  /** The zone the page writes times in. */
  zone: string;
  queryOf(count: WorkloadList): Record<string, string>;
  total?: boolean;
}) {
  const { counts, total } = props;
  const Head = total ? 'th' : 'td';
  const oldest = counts.oldestAwaitingReply;
  return (
    <tr data-testid="workload-row" data-row-id={props.rowId} className={total ? 'table__total' : undefined}>
      <Head scope={total ? 'row' : undefined} className="cell-primary" data-testid="workload-who">
        {props.label}
      </Head>
      <td data-testid="workload-availability">{props.availability ?? ''}</td>
      {COUNTS.map(({ key, one, many }) => (
        <td key={key} className="cell-number" data-testid={`workload-${key}`}>
          {counts[key] === 0 ? (
            <span className="muted">0</span>
          ) : (
            <Link
              to={withQuery('/cases', { view: FILTERED, ...props.queryOf(key) })}
              aria-label={`${countOf(counts[key], one, many)}: show them`}
            >
              {formatNumber(counts[key])}
            </Link>
          )}
        </td>
      ))}
      <td className="cell-number cell-nowrap" data-testid="workload-oldest">
        {oldest ? (
          <>
            <Link
              to={withQuery('/cases', { view: FILTERED, ...props.queryOf('awaitingReply') })}
              title={`Waiting since ${formatDateTime(oldest.since, props.zone)}`}
              aria-label={`Longest wait ${formatWallClock(Date.now() - Date.parse(oldest.since))}: show the cases awaiting our reply`}
              data-testid="workload-awaiting"
            >
              {formatWallClock(Date.now() - Date.parse(oldest.since))}
            </Link>
            <Link
              to={`/cases/${oldest.number}`}
              className="cell-sub"
              aria-label={`Case #${oldest.number}, waiting longest`}
            >
              #{oldest.number}
            </Link>
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}
