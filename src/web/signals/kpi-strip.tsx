// The proactive KPIs of a period as a strip of tiles: signals, caught before contact, contacts
// avoided, median lead time, commitments on time. On the board (last 30 days) and the KPI page.
// A tile whose count a list can show is a link to exactly that list: the signals tile to the
// Signals page narrowed to the period counted (the period the API answered, from and to), the
// caught-before-contact, contacts-avoided and lead-time tiles to those signals of the period (the
// ones caught first, the ones that avoided a contact, the ones with a due time the median is
// taken over); the commitments tile's counts ("183 met · 22 late or broken · 4 overdue") each to
// the Commitments page's list of them (closed in that period; overdue ones as they are now). The
// on-time rate is made of three lists, so that value stays plain.
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { ProactiveKpis } from '../../shared/schemas/signals.js';
import type { ApiError } from '../lib/api.js';
import { formatNumber, formatPercent, formatWallClock } from '../lib/format.js';

/** The Signals page's list of the signals detected in the period, narrowed by `only` (none for a zero). */
function signalsOf(kpis: ProactiveKpis, n: number, only: Record<string, string> = {}) {
  if (n === 0) return undefined;
  return `/signals?${new URLSearchParams({ detectedFrom: kpis.from, detectedTo: kpis.to, ...only }).toString()}`;
}

/** The Commitments page's list, in the state(s) given, closed in the period (overdue: as now). */
function commitmentsOf(kpis: ProactiveKpis, state: string) {
  const q = new URLSearchParams({ state });
  if (state !== 'overdue') {
    q.set('closedFrom', kpis.from);
    q.set('closedBefore', kpis.to);
  }
  return `/commitments?${q.toString()}`;
}

/** What the on-time rate is made of, each count a link to its commitments (none for a zero). */
function OnTimeCounts({ kpis }: { kpis: ProactiveKpis }) {
  const c = kpis.commitments;
  const part = (n: number, words: string, state: string, testId: string) =>
    n > 0 ? (
      <Link to={commitmentsOf(kpis, state)} data-testid={testId}>
        {formatNumber(n)} {words}
      </Link>
    ) : (
      `${formatNumber(n)} ${words}`
    );
  return (
    <>
      {part(c.met, 'met', 'met', 'kpi-ontime-met')} ·{' '}
      {part(c.late + c.broken, 'late or broken', 'late,broken', 'kpi-ontime-late')}
      {c.overdue > 0 && <> · {part(c.overdue, 'overdue', 'overdue', 'kpi-ontime-overdue')}</>}
    </>
  );
}

export function KpiStrip({
  kpis,
  error,
  period,
}: {
  kpis: ProactiveKpis | undefined;
  error: ApiError | undefined;
  /** "in the last 30 days", "since 1 Sep 2026" */
  period: string;
}) {
  if (error && !kpis)
    return (
      <p className="notice notice--warning" role="status">
        The proactive KPIs are not available: {error.message}
      </p>
    );
  const tiles: [string, string, string, ReactNode, string?][] = kpis
    ? [
        [
          'signals',
          'Signals',
          formatNumber(kpis.signals),
          `detected ${period}`,
          signalsOf(kpis, kpis.signals),
        ],
        [
          'caught',
          'Caught before contact',
          formatPercent(kpis.caughtBeforeContactShare),
          `${formatNumber(kpis.caughtBeforeContact)} before the customer wrote in`,
          signalsOf(kpis, kpis.caughtBeforeContact, { caughtBeforeContact: 'true' }),
        ],
        [
          'avoided',
          'Contacts avoided',
          formatNumber(kpis.contactsAvoided),
          'handled; the customer never asked',
          signalsOf(kpis, kpis.contactsAvoided, { contactAvoided: 'true' }),
        ],
        [
          'lead',
          'Median lead time',
          kpis.leadTimeMinutes.median === null ? '—' : formatWallClock(kpis.leadTimeMinutes.median * 60_000),
          'from detection to the due time',
          signalsOf(kpis, kpis.leadTimeMinutes.count, { hasDueTime: 'true' }),
        ],
        [
          'ontime',
          'Commitments on time',
          formatPercent(kpis.commitments.onTimeRate),
          <OnTimeCounts key="ontime" kpis={kpis} />,
        ],
      ]
    : [];
  return (
    <ul className="kpi-strip" aria-label={`Proactive service, ${period}`} aria-busy={!kpis}>
      {kpis
        ? tiles.map(([key, label, value, note, to]) => (
            <li key={key} className="kpi" data-testid={`kpi-${key}`}>
              <span className="kpi__label">{label}</span>
              <span className="kpi__value" data-testid="kpi-value">
                {to ? (
                  <Link
                    to={to}
                    className="kpi__link"
                    aria-label={`${value} ${label.toLowerCase()} ${typeof note === 'string' ? note : ''}: list them`}
                  >
                    {value}
                  </Link>
                ) : (
                  value
                )}
              </span>
              <span className="kpi__note">{note}</span>
            </li>
          ))
        : ['signals', 'caught', 'avoided', 'lead', 'ontime'].map((key) => (
            <li key={key} className="kpi kpi--loading">
              <span className="kpi__label">&nbsp;</span>
              <span className="kpi__value">…</span>
            </li>
          ))}
    </ul>
  );
}
