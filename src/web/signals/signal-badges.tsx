// Markers of the proactive-service screens: how severe a signal is, where it stands, and how a
// commitment stands against its due time.
import { Link } from 'react-router-dom';
import { formatWallClock } from '../lib/format.js';
import { actionStateLabel, commitmentStateLabel, severityLabel, signalStateText } from './signal-labels.js';
import { signalUnowned } from '../../shared/labels.js';
import { refKindLabel } from '../../shared/ref-labels.js';

export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <span className={`severity severity--${severity}`} data-testid="severity-badge" data-severity={severity}>
      <span className="severity__mark" aria-hidden="true" />
      {severityLabel(severity)}
    </span>
  );
}

/** A signal's state; live with a case nobody owns, it says so ("Acted on · nobody on it", "Open · nobody on it"). */
export function SignalStateBadge({
  state,
  caseUnassigned = false,
}: {
  state: string;
  caseUnassigned?: boolean;
}) {
  const unowned = signalUnowned(state, caseUnassigned);
  return (
    <span
      className={`badge badge--signal-${state}${unowned ? ' badge--signal-unowned' : ''}`}
      data-testid="signal-state"
      data-state={state}
      data-unowned={unowned || undefined}
      title={
        unowned
          ? state === 'open'
            ? 'A proactive case was opened or joined for it and its other actions are still to run, but nobody is assigned to that case'
            : 'A proactive case was opened or joined for it, but nobody is assigned to that case'
          : undefined
      }
    >
      {signalStateText(state, caseUnassigned)}
    </span>
  );
}

export function CommitmentStateBadge({ state }: { state: string }) {
  return (
    <span className={`badge badge--commitment-${state}`} data-testid="commitment-state" data-state={state}>
      {commitmentStateLabel(state)}
    </span>
  );
}

export function ActionStateBadge({ state }: { state: string }) {
  return (
    <span className={`badge badge--action-${state}`} data-testid="action-state" data-state={state}>
      {actionStateLabel(state)}
    </span>
  );
}

/** "in 3 h", "2 h overdue": a due time against the clock on the wall. */
export function DueIn({ dueAt, now, done = false }: { dueAt: string; now: number; done?: boolean }) {
  const left = new Date(dueAt).getTime() - now;
  if (done) return null;
  const label =
    Math.abs(left) < 60_000
      ? 'due now'
      : left < 0
        ? `${formatWallClock(left)} overdue`
        : `in ${formatWallClock(left)}`;
  return <span className={left < 0 ? 'due-in due-in--overdue' : 'due-in'}>{label}</span>;
}

/**
 * The business reference a signal or commitment is about: "Order <code>A-1001</code>", the key
 * in words (ref-labels.ts); the key itself, as rules and the API name it, on hover.
 */
export function RefValue(props: { refKey: string | null; refValue: string | null; title?: string }) {
  const kind = props.refKey ? refKindLabel(props.refKey) : '';
  return (
    <span className="ref" title={props.title ?? props.refKey ?? undefined}>
      {kind && <span className="ref__key">{kind}</span>} <code>{props.refValue}</code>
    </span>
  );
}

/** The customer a row is about, when it is about one. */
export function CustomerLink({ id, name }: { id: string | null; name: string | null }) {
  return id ? (
    <Link className="link-quiet" to={`/customers/${id}`}>
      {name ?? 'Unnamed customer'}
    </Link>
  ) : (
    <span className="muted">No customer</span>
  );
}

/** Under a case number: who holds the case, so a list answers "who is on it". */
export function CaseAssignee({
  signal,
  testId = 'signal-case-assignee',
}: {
  signal: { caseAssignee: { name: string } | null };
  testId?: string;
}) {
  return (
    <span className="cell-sub muted" data-testid={testId}>
      {signal.caseAssignee?.name ?? 'Unassigned'}
    </span>
  );
}

/**
 * A list's case cell: the case a signal opened, or the case about a commitment's ref, by number,
 * with who holds it; `none` without one.
 */
export function CaseCell(props: {
  item: { caseId: string | null; caseNumber: number | null; caseAssignee: { name: string } | null };
  none: string;
  assigneeTestId?: string;
}) {
  const { item } = props;
  return item.caseId ? (
    <>
      <Link to={`/cases/${item.caseId}`}>#{item.caseNumber ?? '…'}</Link>
      <CaseAssignee signal={item} testId={props.assigneeTestId} />
    </>
  ) : (
    <span className="muted">{props.none}</span>
  );
}
