// The operational events about what a case is about (its refs: the order, the shipment, the
// invoice), oldest first: the story of the order next to the conversation.
import { useEffect, useState } from 'react';
import type { Event } from '../../shared/schemas/events.js';
import { api, toApiError, type ApiError } from '../lib/api.js';
import type { Page } from '../lib/types.js';
import { ErrorNotice, Loading } from '../layout/page-parts.js';
import { EventTable, eventLine } from './event-table.js';

/** Events per ref: an order's story is a few dozen events, not hundreds. */
export const CASE_EVENTS_PER_REF = 100;

export function CaseEvents({ refs }: { refs: Record<string, string> }) {
  const key = JSON.stringify(Object.entries(refs).sort());
  const [state, setState] = useState<{ key: string; events?: Event[]; error?: ApiError }>({ key: '' });
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    const pairs = JSON.parse(key) as [string, string][];
    Promise.all(
      pairs.map(([k, v]) =>
        api.get<Page<Event>>(
          '/events',
          { ref: `${k}:${v}`, sort: 'occurredAt', limit: CASE_EVENTS_PER_REF },
          controller.signal,
        ),
      ),
    ).then(
      (pages) => {
        if (controller.signal.aborted) return;
        // An event naming the order and the shipment comes back for both: once is enough.
        const byId = new Map(pages.flatMap((p) => p.items).map((e) => [e.id, e]));
        const events = [...byId.values()].sort(
          (a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.id.localeCompare(b.id),
        );
        setState({ key, events });
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setState({ key, error: toApiError(err) });
      },
    );
    return () => controller.abort();
  }, [key, nonce]);

  if (state.key !== key) return <Loading label="Loading events…" />;
  if (state.error) return <ErrorNotice error={state.error} onRetry={() => setNonce((n) => n + 1)} />;
  const events = state.events ?? [];
  if (events.length === 0)
    return (
      <div className="empty-state empty-state--inline" data-testid="case-events-empty">
        <p>No operational events name this case’s references yet.</p>
      </div>
    );
  return <EventTable testId="case-events" prefix="case-event" events={events.map(eventLine)} />;
}
