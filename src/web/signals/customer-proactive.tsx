// The proactive side of a customer page (staff only): the commitments measured for them, the
// signals raised about them and their operational events, newest first, each with a way to see more.
import { Link } from 'react-router-dom';
import type { Event } from '../../shared/schemas/events.js';
import type { Commitment, Signal } from '../../shared/schemas/signals.js';
import { formatDateTime, formatDue } from '../lib/format.js';
import { GrowingList } from '../layout/growing-list.js';
import { DataTable } from '../layout/data-table.js';
import { EventTable, eventLine } from './event-table.js';
import { CommitmentStateBadge, RefValue, SeverityBadge, SignalStateBadge } from './signal-badges.js';

export function CustomerSignals({ customerId }: { customerId: string }) {
  return (
    <GrowingList<Signal>
      path="/signals"
      query={{ customerId }}
      what="signals"
      emptyTestId="customer-signals-empty"
      empty="No signals about this customer: no signal rule has fired on their events."
    >
      {(items, loading) => (
        <DataTable
          testId="customer-signals"
          busy={loading}
          columns={['Severity', 'Signal', 'State', 'Detected', 'Case']}
        >
          {items.map((s) => (
            <tr key={s.id} data-testid="customer-signal-row" data-state={s.state}>
              <td>
                <SeverityBadge severity={s.severity} />
              </td>
              <td className="cell-primary">
                <Link to={`/signals/${s.id}`}>{s.title}</Link>
                <span className="cell-sub muted">{s.ruleName}</span>
              </td>
              <td>
                <SignalStateBadge state={s.state} />
              </td>
              <td className="cell-nowrap">
                <time dateTime={s.detectedAt}>{formatDateTime(s.detectedAt)}</time>
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
      )}
    </GrowingList>
  );
}

export function CustomerCommitments({ customerId }: { customerId: string }) {
  return (
    <GrowingList<Commitment>
      path="/commitments"
      query={{ customerId }}
      what="commitments"
      emptyTestId="customer-commitments-empty"
      empty={
        <>
          No commitments measured for this customer yet. They start when an event opens a commitment of the
          agreement that applies to them.
        </>
      }
    >
      {(items, loading) => (
        <DataTable
          testId="customer-commitments"
          busy={loading}
          columns={['State', 'Commitment', 'Ref', 'Due', 'Closed']}
        >
          {items.map((c) => (
            <tr key={c.id} data-testid="customer-commitment-row" data-state={c.state}>
              <td>
                <CommitmentStateBadge state={c.state} />
              </td>
              <td className="cell-primary">
                <span>{c.name}</span>
                <span className="cell-sub muted">{c.agreementName}</span>
              </td>
              <td>
                <RefValue refKey={c.refKey} refValue={c.refValue} />
              </td>
              <td className="cell-nowrap">
                <time dateTime={c.dueAt}>{formatDue(c.dueAt)}</time>
                {c.repromised > 0 && <span className="cell-sub muted">re-promised ×{c.repromised}</span>}
              </td>
              <td className="cell-nowrap">
                {c.closedAt ? (
                  <time dateTime={c.closedAt}>{formatDateTime(c.closedAt)}</time>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </GrowingList>
  );
}

export function CustomerEvents({ customerId }: { customerId: string }) {
  return (
    <GrowingList<Event>
      path="/events"
      query={{ customerId }}
      what="events"
      emptyTestId="customer-events-empty"
      empty="No operational events about this customer yet (orders, shipments, invoices sent to POST /api/v1/events)."
    >
      {(items, loading) => (
        <EventTable
          testId="customer-events"
          prefix="customer-event"
          busy={loading}
          events={items.map(eventLine)}
        />
      )}
    </GrowingList>
  );
}
