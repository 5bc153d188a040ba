// Signals as a history: where each stands, when it was caught and how it ended (resolved by the
// awaited event, or dismissed, with the reason). The signals page and a customer's page use it.
// Times in the zone the person works in, as the board and a signal's page write them (the pages
// name it with TimesInZone).
import { Link, useLocation } from 'react-router-dom';
import { LIVE_SIGNAL_STATES, type Signal } from '../../shared/schemas/signals.js';
import { formatDateTime } from '../lib/format.js';
import { useWorkZone } from '../lib/work-zone.js';
import { DataTable } from '../layout/data-table.js';
import { CaseCell, CustomerLink, SeverityBadge, SignalStateBadge } from './signal-badges.js';
import type { SignalBackState } from './signal-page.js';
import { signalTitle } from '../../shared/ref-labels.js';

export function SignalHistoryTable(props: {
  testId: string;
  rowTestId: string;
  signals: Signal[];
  busy: boolean;
  /** The customer column, for lists of many customers' signals. */
  showCustomer?: boolean;
  /** Check boxes for the live signals (to close many at once). */
  selection?: { ids: Set<string>; onChange(ids: Set<string>): void };
  /** What the signal page's back link says to come back here ("Signals", a customer's name). */
  backLabel: string;
}) {
  const { selection } = props;
  const zone = useWorkZone().zone;
  const location = useLocation();
  const back: SignalBackState = { back: { to: location.pathname + location.search, label: props.backLabel } };
  const live = props.signals.filter((s) => LIVE_SIGNAL_STATES.includes(s.state)).map((s) => s.id);
  const chosen = live.filter((id) => selection?.ids.has(id));
  const all = live.length > 0 && chosen.length === live.length;
  const columns = [
    ...(selection
      ? [
          <th key="check" scope="col" className="cell-check">
            <input
              type="checkbox"
              aria-label="Select all live signals shown"
              checked={all}
              disabled={live.length === 0}
              ref={(el) => {
                if (el) el.indeterminate = chosen.length > 0 && !all;
              }}
              onChange={() => selection.onChange(new Set(all ? [] : live))}
            />
          </th>,
        ]
      : []),
    'Severity',
    'Signal',
    ...(props.showCustomer ? ['Customer'] : []),
    'State',
    'Detected',
    'Ended',
    'Case',
  ];
  return (
    <DataTable testId={props.testId} busy={props.busy} columns={columns} stackOnTablet>
      {props.signals.map((s) => (
        <tr
          key={s.id}
          data-testid={props.rowTestId}
          data-state={s.state}
          className={selection?.ids.has(s.id) ? 'row--selected' : undefined}
        >
          {selection && (
            <td className="cell-check">
              {LIVE_SIGNAL_STATES.includes(s.state) && (
                <input
                  type="checkbox"
                  aria-label={`Select ${signalTitle(s)}`}
                  checked={selection.ids.has(s.id)}
                  onChange={() => {
                    const next = new Set(selection.ids);
                    if (!next.delete(s.id)) next.add(s.id);
                    selection.onChange(next);
                  }}
                />
              )}
            </td>
          )}
          <td>
            <SeverityBadge severity={s.severity} />
          </td>
          <td className="cell-primary">
            <Link to={`/signals/${s.id}`} state={back}>
              {signalTitle(s)}
            </Link>
            {/* The rule, unless the title says it already. */}
            {!s.title.startsWith(s.ruleName) && <span className="cell-sub muted">{s.ruleName}</span>}
          </td>
          {props.showCustomer && (
            <td>
              <CustomerLink id={s.customerId} name={s.customerName} />
              {s.organizationName && <span className="cell-sub muted">{s.organizationName}</span>}
            </td>
          )}
          <td>
            <SignalStateBadge state={s.state} caseUnassigned={s.caseUnassigned} />
          </td>
          <td className="cell-nowrap">
            <time dateTime={s.detectedAt}>{formatDateTime(s.detectedAt, zone)}</time>
          </td>
          <td data-testid="signal-ended">
            {s.resolvedAt ? (
              <>
                <time className="cell-nowrap" dateTime={s.resolvedAt}>
                  {formatDateTime(s.resolvedAt, zone)}
                </time>
                {s.resolution && <span className="cell-sub muted">{s.resolution}</span>}
              </>
            ) : (
              <span className="muted">—</span>
            )}
          </td>
          <td className="cell-nowrap">
            <CaseCell item={s} none="—" />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
