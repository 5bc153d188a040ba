// The proactive KPIs of a period as a strip of tiles: signals, caught before contact, contacts
// avoided, median lead time, commitments on time. On the board (last 30 days) and the KPI page.
// A tile whose count a list can show is a link to exactly that list: the signals tile to the
// Signals page narrowed to the period counted (the period the API answered, from and to). The
// shares, the lead time and the on-time rate have no such list (the rate also counts the
// commitments overdue now, which no closed period holds), so they stay plain.
import { Link } from 'react-router-dom';
import type { ProactiveKpis } from '../../shared/schemas/signals.js';
import type { ApiError } from '../lib/api.js';
import { formatNumber, formatPercent, formatWallClock } from '../lib/format.js';
import { onTimeCounts } from './signal-labels.js';

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
  const tiles: [string, string, string, string, string?][] = kpis
    ? [
        [
          'signals',
          'Signals',
          formatNumber(kpis.signals),
          `detected ${period}`,
          `/signals?${new URLSearchParams({ detectedFrom: kpis.from, detectedTo: kpis.to }).toString()}`,
        ],
        [
          'caught',
          'Caught before contact',
          formatPercent(kpis.caughtBeforeContactShare),
          `${formatNumber(kpis.caughtBeforeContact)} before the customer wrote in`,
        ],
        [
          'avoided',
          'Contacts avoided',
          formatNumber(kpis.contactsAvoided),
          'handled; the customer never asked',
        ],
        [
          'lead',
          'Median lead time',
          kpis.leadTimeMinutes.median === null ? '—' : formatWallClock(kpis.leadTimeMinutes.median * 60_000),
          'from detection to the due time',
        ],
        [
          'ontime',
          'Commitments on time',
          formatPercent(kpis.commitments.onTimeRate),
          onTimeCounts(kpis.commitments),
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
                    aria-label={`${value} ${label.toLowerCase()} ${note}: list them`}
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
