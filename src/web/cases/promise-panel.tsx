// The promise clocks of a case: what the applied agreement promised, when each promise is due
// (in the viewer's time, and in the calendar's zone when that differs), and how much business
// time is left: minutes the calendar counts, not wall-clock minutes.
import { Link } from 'react-router-dom';
import { PROMISE_KINDS } from '../../shared/schemas/cases.js';
import { useMe } from '../auth/auth-context.js';
import { formatDateTime, formatDue, formatInZone, formatMinutes } from '../lib/format.js';
import type { Agreement, Calendar, Case, CasePromise } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { ClockStateBadge, businessTimeLeft, clockView, type ClockView } from './case-badges.js';
import { promiseKindLabel } from './case-labels.js';

const ordinal = (n: number) => {
  const s = ['th', 'st', 'nd', 'rd'];
  const v = n % 100;
  return `${n}${s[(v - 20) % 10] ?? s[v] ?? s[0]}`;
};

/** Running clocks first (soonest due on top), then finished ones, newest first. */
function ordered(promises: CasePromise[]): CasePromise[] {
  const running = (p: CasePromise) =>
    !p.metAt && (p.state === 'active' || p.state === 'paused' || p.state === 'breached');
  return [...promises].sort((a, b) => {
    const ra = running(a);
    const rb = running(b);
    if (ra !== rb) return ra ? -1 : 1;
    if (ra) {
      const da = a.dueAt ? Date.parse(a.dueAt) : Infinity;
      const db = b.dueAt ? Date.parse(b.dueAt) : Infinity;
      if (da !== db) return da - db;
    }
    return (
      PROMISE_KINDS.indexOf(a.kind) - PROMISE_KINDS.indexOf(b.kind) ||
      b.cycle - a.cycle ||
      Date.parse(b.startedAt) - Date.parse(a.startedAt)
    );
  });
}

function Clock({ p, now, timezone }: { p: CasePromise; now: number; timezone: string | undefined }) {
  const view = clockView(p, now);
  const finished = view === 'met' || view === 'met_late';
  const used = Math.min(1, p.targetMinutes > 0 ? p.usedMinutes / p.targetMinutes : 1);
  const inZone = p.dueAt && timezone ? formatInZone(p.dueAt, timezone) : null;
  return (
    <li className={`clock clock--${view}`} data-testid="clock" data-kind={p.kind} data-cycle={p.cycle}>
      <div className="clock__head">
        <span className="clock__kind" data-testid="clock-kind">
          {promiseKindLabel(p.kind)}
          {p.cycle > 1 && <span className="muted"> ({ordinal(p.cycle)})</span>}
        </span>
        <ClockStateBadge view={view} state={p.state} />
      </div>
      <dl className="clock__facts">
        {/* A promise kept while its clock was paused (solved while on hold) had no due time then. */}
        {(p.dueAt || !finished) && (
          <div>
            <dt>{finished ? 'Was due' : 'Due'}</dt>
            <dd data-testid="clock-due">
              {p.dueAt ? (
                <>
                  <time dateTime={p.dueAt}>{formatDue(p.dueAt)}</time>
                  {inZone && (
                    <span className="muted clock__zone" data-testid="clock-due-zone">
                      {inZone} {timezone}
                    </span>
                  )}
                </>
              ) : (
                <span className="muted">Paused: the clock stands still</span>
              )}
            </dd>
          </div>
        )}
        {finished && p.metAt ? (
          <div>
            <dt>Met</dt>
            <dd data-testid="clock-met">{formatDateTime(p.metAt)}</dd>
          </div>
        ) : (
          p.remainingMinutes !== null && (
            <div>
              {/* Business time, as the target: the queue counts the wall clock to the due time. */}
              <dt>{p.remainingMinutes < 0 ? 'Business time overdue' : 'Business time left'}</dt>
              <dd
                data-testid="clock-left"
                className={p.remainingMinutes < 0 ? 'clock__overdue' : undefined}
                title={businessTimeLeft(p.remainingMinutes) + ' in business time'}
              >
                {formatMinutes(p.remainingMinutes)}
              </dd>
            </div>
          )
        )}
        <div>
          <dt>Target</dt>
          <dd className="muted">
            {formatMinutes(p.targetMinutes)} business time
            {p.usedMinutes > 0 && `, ${formatMinutes(p.usedMinutes)} used`}
          </dd>
        </div>
      </dl>
      {!finished && (
        <div
          className="clock__bar"
          role="meter"
          aria-label={`${promiseKindLabel(p.kind)}: share of the target used`}
          aria-valuemin={0}
          aria-valuemax={p.targetMinutes}
          aria-valuenow={Math.min(p.usedMinutes, p.targetMinutes)}
        >
          <span style={{ width: `${Math.round(used * 100)}%` }} />
        </div>
      )}
    </li>
  );
}

const RUNNING: ClockView[] = ['breached', 'overdue', 'at_risk', 'running', 'paused'];

/**
 * On a phone the Promises panel is below the conversation and the reply box: this line at the top
 * of the case says where its most pressing running promise stands ("First response: Breached,
 * 542 h overdue") and leads to the panel. Hidden from 768 px up, where the panel is in view.
 */
export function PromiseSummary({ c, now }: { c: Case; now: number }) {
  const running = ordered(c.promises).filter((p) => RUNNING.includes(clockView(p, now)));
  if (running.length === 0) return null;
  // The worst first (breached before overdue before at risk), else the soonest due.
  const worst = running.reduce((a, b) =>
    RUNNING.indexOf(clockView(b, now)) < RUNNING.indexOf(clockView(a, now)) ? b : a,
  );
  const view = clockView(worst, now);
  return (
    <p className="case-promise-summary" data-testid="case-promise-summary" data-state={view}>
      <span className="case-promise-summary__kind">{promiseKindLabel(worst.kind)}:</span>
      <ClockStateBadge view={view} state={worst.state} />
      {worst.remainingMinutes !== null && view !== 'paused' && (
        <span data-testid="case-promise-summary-left" title="in business time">
          {businessTimeLeft(worst.remainingMinutes)}
        </span>
      )}
      {running.length > 1 && <span className="muted">and {running.length - 1} more</span>}
      <button
        type="button"
        className="button button--small"
        onClick={() => document.getElementById('promise-panel')?.scrollIntoView({ block: 'start' })}
      >
        Promises
      </button>
    </p>
  );
}

export function PromisePanel({ c, now }: { c: Case; now: number }) {
  const me = useMe();
  const agreement = useApi<Agreement>(c.agreementId ? `/agreements/${c.agreementId}` : null);
  const calendarId = agreement.data?.calendarId;
  const calendar = useApi<Calendar>(calendarId ? `/calendars/${calendarId}` : null);
  const promises = ordered(c.promises);
  return (
    <section
      className="card panel"
      id="promise-panel"
      aria-labelledby="promises-title"
      data-testid="promise-panel"
    >
      <h2 id="promises-title">Promises</h2>
      {c.agreement ? (
        <p className="panel__sub" data-testid="applied-agreement">
          Agreement{' '}
          {me.role === 'admin' ? (
            <Link to={`/admin/agreements/${c.agreement.id}`}>{c.agreement.name}</Link>
          ) : (
            <strong>{c.agreement.name}</strong>
          )}
          {calendar.data && (
            <span className="muted">
              {' '}
              · {calendar.data.name}
              {!calendar.data.is247 && ` (${calendar.data.timezone})`}
            </span>
          )}
        </p>
      ) : (
        <p className="muted">No agreement applies to this case, so no promise clocks run.</p>
      )}
      {promises.length > 0 ? (
        <ul className="clocks">
          {promises.map((p) => (
            <Clock key={p.id} p={p} now={now} timezone={calendar.data?.timezone} />
          ))}
        </ul>
      ) : (
        c.agreement && <p className="muted">No clocks are running.</p>
      )}
    </section>
  );
}
