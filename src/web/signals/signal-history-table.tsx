// Signals as a history: where each stands, when it was caught and how it ended (resolved by the
// awaited event, or dismissed, with the reason). The signals page and a customer's page use it.
import { Link } from 'react-router-dom';
import type { Signal } from '../../shared/schemas/signals.js';
import { formatDateTime } from '../lib/format.js';
import { DataTable } from '../layout/data-table.js';
import { CustomerLink, SeverityBadge, SignalStateBadge } from './signal-badges.js';

export function SignalHistoryTable(props: {
  testId: string;
  rowTestId: string;
  signals: Signal[];
  busy: boolean;
  /** The customer column, for lists of many customers' signals. */
  showCustomer?: boolean;
}) {
  const columns = [
    'Severity',
    'Signal',
    ...(props.showCustomer ? ['Customer'] : []),
    'State',
    'Detected',
    'Ended',
    'Case',
  ];
  return (
    <DataTable testId={props.testId} busy={props.busy} columns={columns}>
      {props.signals.map((s) => (
        <tr key={s.id} data-testid={props.rowTestId} data-state={s.state}>
          <td>
            <SeverityBadge severity={s.severity} />
          </td>
          <td className="cell-primary">
            <Link to={`/signals/${s.id}`}>{s.title}</Link>
            <span className="cell-sub muted">{s.ruleName}</span>
          </td>
          {props.showCustomer && (
            <td>
              <CustomerLink id={s.customerId} name={s.customerName} />
              {s.organizationName && <span className="cell-sub muted">{s.organizationName}</span>}
            </td>
          )}
          <td>
            <SignalStateBadge state={s.state} />
          </td>
          <td className="cell-nowrap">
            <time dateTime={s.detectedAt}>{formatDateTime(s.detectedAt)}</time>
          </td>
          <td data-testid="signal-ended">
            {s.resolvedAt ? (
              <>
                <time className="cell-nowrap" dateTime={s.resolvedAt}>
                  {formatDateTime(s.resolvedAt)}
                </time>
                {s.resolution && <span className="cell-sub muted">{s.resolution}</span>}
              </>
            ) : (
              <span className="muted">—</span>
            )}
          </td>
          <td className="cell-nowrap">
            {s.caseId ? (
              <Link to={`/cases/${s.caseId}`}>#{s.caseNumber ?? '…'}</Link>
            ) : (
              <span className="muted">—</span>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
