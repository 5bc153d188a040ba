// The operational events about what a case is about (its refs: the order, the shipment, the
// invoice), oldest first: the story of the order next to the conversation. When each occurred is
// in the zone the person works in, as signal and commitment times are (named above the table); the
// tab asks for them once that zone is read.
import type { Event } from '../../shared/schemas/events.js';
import { useApi } from '../lib/use-api.js';
import type { Page } from '../lib/types.js';
import { READING_ZONE, useWorkZone } from '../lib/work-zone.js';
import { ErrorNotice, Loading } from '../layout/page-parts.js';
import { TimesInZone } from '../layout/times-in-zone.js';
import { EventTable, eventLine } from './event-table.js';

/** An order's story is a few dozen events, not hundreds: the first this many are shown. */
export const CASE_EVENTS_LIMIT = 200;

export function CaseEvents({ refs }: { refs: Record<string, string> }) {
  const work = useWorkZone();
  if (!work.ready) return <Loading label={READING_ZONE} />;
  return <CaseEventsInZone refs={refs} zone={work.zone} />;
}

function CaseEventsInZone({ refs, zone }: { refs: Record<string, string>; zone: string }) {
  // One request for all the case's refs (the API ORs a repeated `ref`): an event naming the
  // order and the shipment comes back once.
  const ref = Object.entries(refs)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}:${v}`);
  const { data, error, reload } = useApi<Page<Event>>('/events', {
    ref,
    sort: 'occurredAt',
    limit: CASE_EVENTS_LIMIT,
  });

  if (error) return <ErrorNotice error={error} onRetry={reload} />;
  if (!data) return <Loading label="Loading events…" />;
  if (data.items.length === 0)
    return (
      <div className="empty-state empty-state--inline" data-testid="case-events-empty">
        <p>No operational events name this case’s references yet.</p>
      </div>
    );
  return (
    <>
      <p className="section__note">
        <TimesInZone testId="case-events-zone" className="muted" />
      </p>
      <EventTable
        testId="case-events"
        prefix="case-event"
        events={data.items.map(eventLine)}
        timeZone={zone}
      />
      {data.nextCursor && (
        <p className="muted" data-testid="case-events-more">
          The first {CASE_EVENTS_LIMIT} events are shown.
        </p>
      )}
    </>
  );
}
