// The proactive side of a customer page (staff only): the commitments measured for them, the
// signals raised about them and their operational events, newest first, each with a way to see more.
import type { Event } from '../../shared/schemas/events.js';
import type { Commitment, Signal } from '../../shared/schemas/signals.js';
import { GrowingList } from '../layout/growing-list.js';
import { EventTable, eventLine } from './event-table.js';
import { SignalHistoryTable } from './signal-history-table.js';
import { CommitmentTable } from './commitment-table.js';

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
        <SignalHistoryTable
          testId="customer-signals"
          rowTestId="customer-signal-row"
          signals={items}
          busy={loading}
        />
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
        <CommitmentTable
          testId="customer-commitments"
          rowTestId="customer-commitment-row"
          commitments={items}
          busy={loading}
        />
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
