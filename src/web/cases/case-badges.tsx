// Small status markers: case status, priority, and how a case stands against its promises.
import type { CasePromise, CaseSummary } from '../lib/types.js';
import { formatDue, formatMinutes, formatWallClock } from '../lib/format.js';
import { priorityLabel, statusLabel } from './case-labels.js';

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge--status-${status}`} data-testid="status-badge">
      {statusLabel(status)}
    </span>
  );
}

export function PriorityBadge({ priority }: { priority: string }) {
  return (
    <span className={`priority priority--${priority}`} data-testid="priority-badge">
      <span className="priority__dot" aria-hidden="true" />
      {priorityLabel(priority)}
    </span>
  );
}

/** A case row's status (and a waiting case's follow-up under it) and priority columns. */
export function StatusPriorityCells({
  c,
}: {
  c: Pick<CaseSummary, 'status' | 'priority'> & { followUpAt?: string | null };
}) {
  return (
    <>
      <td>
        <StatusBadge status={c.status} />
        {c.followUpAt && (
          <span className="cell-status__follow-up muted" data-testid="case-follow-up-at">
            Follow up {formatDue(c.followUpAt)}
          </span>
        )}
      </td>
      <td>
        <PriorityBadge priority={c.priority} />
      </td>
    </>
  );
}

/** Who has the case: the assignee (their team below), or the team alone, or "Unassigned". */
export function AssigneeCell({ c }: { c: Pick<CaseSummary, 'assignee' | 'team'> }) {
  return (
    <td className="cell-assignee" data-testid="case-assignee">
      {c.assignee ? c.assignee.name : <span className="muted">Unassigned</span>}
      {c.team && <span className="cell-customer__org muted">{c.team.name}</span>}
    </td>
  );
}

/**
 * The queue's promise column: the worst state of the running clocks, and the wall-clock time to
 * the next deadline (the case page has the business-time details).
 */
export function PromiseBadge({ summary, now }: { summary: CaseSummary; now: number }) {
  const { promiseState, nextDueAt } = summary;
  if (promiseState === 'none' && !nextDueAt) return <span className="muted">—</span>;
  const left = nextDueAt ? new Date(nextDueAt).getTime() - now : null;
  const state = promiseState === 'none' ? 'ok' : promiseState;
  let label: string;
  // Open clocks without a due time are paused (the case waits on the customer or a third party).
  if (left === null) label = state === 'breached' ? 'Breached' : 'Paused';
  else if (left < 0) label = `${formatWallClock(left)} overdue`;
  else if (state === 'breached') label = `Breached · ${formatWallClock(left)} left`;
  else if (state === 'at_risk') label = `At risk · ${formatWallClock(left)} left`;
  else label = `${formatWallClock(left)} left`;
  const title =
    state === 'breached'
      ? 'A promise is breached'
      : state === 'at_risk'
        ? 'A promise is at risk'
        : left === null
          ? 'Promises paused while the case waits'
          : 'Promises on track';
  return (
    <span
      className={`promise-badge promise-badge--${state}`}
      data-testid="promise-badge"
      data-state={state}
      title={nextDueAt ? `${title}; next due ${new Date(nextDueAt).toLocaleString()}` : title}
    >
      {label}
    </span>
  );
}

export type ClockView = 'running' | 'at_risk' | 'overdue' | 'paused' | 'met' | 'met_late' | 'breached';

/** What a clock means right now: a running clock past its warning time is at risk. */
export function clockView(p: CasePromise, now: number): ClockView {
  if (p.state === 'met') return p.breachedAt ? 'met_late' : 'met';
  if (p.state === 'paused') return 'paused';
  if (p.state === 'breached') return p.metAt ? 'met_late' : 'breached';
  if (p.remainingMinutes !== null && p.remainingMinutes < 0) return 'overdue';
  if (p.dueAt && new Date(p.dueAt).getTime() <= now) return 'overdue';
  if (p.warnAt && new Date(p.warnAt).getTime() <= now) return 'at_risk';
  return 'running';
}

const CLOCK_LABELS: Record<ClockView, string> = {
  running: 'Running',
  at_risk: 'At risk',
  overdue: 'Overdue',
  paused: 'Paused',
  met: 'Met',
  met_late: 'Met late',
  breached: 'Breached',
};

export function ClockStateBadge({ view, state }: { view: ClockView; state: string }) {
  return (
    <span className={`clock-state clock-state--${view}`} data-testid="clock-state" data-state={state}>
      {CLOCK_LABELS[view]}
    </span>
  );
}

/** "1 h 15 min left", "20 min overdue", in business time. */
export function businessTimeLeft(remainingMinutes: number): string {
  return remainingMinutes < 0
    ? `${formatMinutes(remainingMinutes)} overdue`
    : `${formatMinutes(remainingMinutes)} left`;
}
