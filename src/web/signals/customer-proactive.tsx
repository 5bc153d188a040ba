// The proactive side of a customer's or an organization's page (staff only): the commitments
// measured for them, the signals raised about them and (customers) their operational events,
// newest first, each with a way to see more. Their times are in the zone the person works in,
// named beside each section's title.
import { Link } from 'react-router-dom';
import type { Event } from '../../shared/schemas/events.js';
import type { Commitment, CommitmentRate, Signal } from '../../shared/schemas/signals.js';
import type { Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { GrowingList } from '../layout/growing-list.js';
import { Loading } from '../layout/page-parts.js';
import { TimesInZone } from '../layout/times-in-zone.js';
import { READING_ZONE, useWorkZone } from '../lib/work-zone.js';
import { anyCommitment, signalsAndCases } from '../lib/live.js';
import { EventTable, eventLine } from './event-table.js';
import { SignalHistoryTable } from './signal-history-table.js';
import { CommitmentTable } from './commitment-table.js';
import { RATE_DAYS, useLastDaysFrom } from './last-days.js';
import { onTimeSentence } from './signal-labels.js';

/** Whose proactive side a page shows: one customer's, or all of an organization's customers'. */
export type About = 'customer' | 'organization';
const ABOUT = {
  customer: {
    key: 'customerId',
    noSignals: 'No signals about this customer: no signal rule has fired on their events.',
    noneClosed:
      'None kept or missed yet: a commitment of theirs is listed here once it is met, late, broken or cancelled.',
  },
  organization: {
    key: 'organizationId',
    noSignals: 'No signals about this organization’s customers: no signal rule has fired on their events.',
    noneClosed:
      'None kept or missed yet: a commitment of their customers is listed here once it is met, late, broken or cancelled.',
  },
} as const;

/** Their signals, in the zone the person works in (as the Signals page): shown once that zone is read. */
function ProactiveSignals({ about, id }: { about: About; id: string }) {
  const work = useWorkZone();
  if (!work.ready) return <Loading label={READING_ZONE} />;
  return (
    <GrowingList<Signal>
      path="/signals"
      query={{ [ABOUT[about].key]: id }}
      what="signals"
      emptyTestId={`${about}-signals-empty`}
      empty={ABOUT[about].noSignals}
      // Their cases too: a row says whether nobody owns its case.
      live={(news, items) => signalsAndCases(items.map((s) => s.caseId))(news)}
    >
      {(items, loading) => (
        <SignalHistoryTable
          testId={`${about}-signals`}
          rowTestId={`${about}-signal-row`}
          signals={items}
          busy={loading}
          showCustomer={about === 'organization'}
          backLabel={about === 'customer' ? 'Customer' : 'Organization'}
        />
      )}
    </GrowingList>
  );
}

/**
 * Their commitments: those still to be kept first (overdue ones at the top, soonest due first),
 * then those kept or missed, the latest due first, each list growing on request. Their times are in
 * the zone the person works in, as on the Commitments page: shown once that zone is read.
 */
function ProactiveCommitments({ about, id }: { about: About; id: string }) {
  const key = ABOUT[about].key;
  const work = useWorkZone();
  if (!work.ready) return <Loading label={READING_ZONE} />;
  const lists = [
    {
      name: 'open',
      title: 'Still to keep',
      query: { [key]: id, state: 'overdue,open', sort: 'dueAt' },
      empty: 'None waiting to be kept.',
      testId: `${about}-commitments`,
    },
    {
      name: 'closed',
      title: 'Kept or missed',
      query: { [key]: id, state: 'met,late,broken,cancelled', sort: '-dueAt' },
      // Not "none measured": one may be waiting to be kept, or overdue, just above.
      empty: ABOUT[about].noneClosed,
      testId: `${about}-closed-commitments`,
    },
  ];
  return (
    <>
      {lists.map((l) => (
        <div key={l.name} className="section__part">
          <h3 className="section__subtitle">{l.title}</h3>
          <GrowingList<Commitment>
            path="/commitments"
            query={l.query}
            what="commitments"
            emptyTestId={`${l.testId}-empty`}
            empty={l.empty}
            live={anyCommitment}
          >
            {(items, loading) => (
              <CommitmentTable
                testId={l.testId}
                rowTestId={`${about}-commitment-row`}
                commitments={items}
                busy={loading}
                showCustomer={about === 'organization'}
              />
            )}
          </GrowingList>
        </div>
      ))}
    </>
  );
}

/** The signals and the commitments sections of a customer's or an organization's page. */
export function ProactiveSections({ about, id }: { about: About; id: string }) {
  return (
    <>
      <section className="section" aria-labelledby={`${about}-signals-title`}>
        <div className="section__header">
          <h2 id={`${about}-signals-title`}>Signals</h2>
          <Link to={`/signals?${ABOUT[about].key}=${id}`}>All of them, by state, severity or rule</Link>
          <TimesInZone testId={`${about}-signals-zone`} />
        </div>
        <ProactiveSignals about={about} id={id} />
      </section>
      <section className="section" aria-labelledby={`${about}-commitments-title`}>
        <div className="section__header">
          <h2 id={`${about}-commitments-title`}>Commitments</h2>
          <Link to={`/commitments?${ABOUT[about].key}=${id}`}>All of them, by state or agreement</Link>
          <TimesInZone testId={`${about}-commitments-zone`} />
        </div>
        <OnTimeLine about={about} id={id} />
        <ProactiveCommitments about={about} id={id} />
      </section>
    </>
  );
}

/**
 * Their on-time rate over the last 90 days, counted as the Commitments page counts them, in one
 * line; with nothing closed in them, that and what is overdue now.
 */
function OnTimeLine({ about, id }: { about: About; id: string }) {
  const from = useLastDaysFrom();
  const rates = useApi<Items<CommitmentRate>>(from ? '/commitments/rates' : null, {
    by: about,
    [ABOUT[about].key]: id,
    from: from ?? undefined,
  });
  if (!rates.data) return null;
  return (
    <p className="muted section__note" data-testid={`${about}-on-time`}>
      {onTimeSentence(rates.data.items[0], RATE_DAYS)}
    </p>
  );
}

/**
 * Their recent events, newest first: when each occurred in the zone the person works in (as their
 * signals and commitments), shown once that zone is read.
 */
export function CustomerEvents({ customerId }: { customerId: string }) {
  const work = useWorkZone();
  if (!work.ready) return <Loading label={READING_ZONE} />;
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
          timeZone={work.zone}
        />
      )}
    </GrowingList>
  );
}
