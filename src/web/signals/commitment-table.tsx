// Commitments as a list: where each stands against its due time, the agreement it belongs to, the
// order or invoice it is about, when it closed, and the customer's case about it (who is on it; or
// "Open a case"). The commitments page and a customer's or organization's page use it. Its due and
// closing times are in the zone the person works in, as on every staff page with commitment times:
// the page names it (TimesInZone) and shows the table only once that zone is read.
import type { Commitment } from '../../shared/schemas/signals.js';
import { formatDateTime, formatDue } from '../lib/format.js';
import { useWorkZone } from '../lib/work-zone.js';
import { DataTable } from '../layout/data-table.js';
import { CommitmentCaseCell } from './commitment-open-case.js';
import { CommitmentStateBadge, CustomerLink, RefValue } from './signal-badges.js';

export function CommitmentTable(props: {
  testId: string;
  rowTestId: string;
  commitments: Commitment[];
  busy: boolean;
  /** The customer column, for lists of many customers' commitments. */
  showCustomer?: boolean;
}) {
  const zone = useWorkZone().zone;
  const columns = [
    'State',
    'Commitment',
    ...(props.showCustomer ? ['Customer'] : []),
    'Ref',
    'Due',
    'Closed',
    'Case',
  ];
  return (
    // Its dates stay on one line each: with the customer's column wider than a tablet, so blocks there.
    <DataTable testId={props.testId} busy={props.busy} columns={columns} stackOnTablet>
      {props.commitments.map((c) => (
        <tr key={c.id} data-testid={props.rowTestId} data-state={c.state}>
          <td>
            <CommitmentStateBadge state={c.state} />
          </td>
          <td className="cell-primary">
            <span>{c.name}</span>
            <span className="cell-sub muted">{c.agreementName}</span>
          </td>
          {props.showCustomer && (
            <td>
              <CustomerLink id={c.customerId} name={c.customerName} />
            </td>
          )}
          <td>
            <RefValue refKey={c.refKey} refValue={c.refValue} />
          </td>
          <td className="cell-nowrap">
            <time dateTime={c.dueAt}>{formatDue(c.dueAt, undefined, zone)}</time>
            {c.repromised > 0 && <span className="cell-sub muted">re-promised ×{c.repromised}</span>}
          </td>
          <td className="cell-nowrap">
            {c.closedAt ? (
              <time dateTime={c.closedAt}>{formatDateTime(c.closedAt, zone)}</time>
            ) : (
              <span className="muted">—</span>
            )}
          </td>
          <td className="cell-nowrap" data-testid="commitment-case">
            <CommitmentCaseCell commitment={c} none="—" assigneeTestId="commitment-case-assignee" />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
