// A record's history (customers, organizations): its latest changes, newest first, with who made
// them and when (staff only), in words as the audit log writes them: what happened as a phrase
// (the record's own `describe`, else "Customer restored"), then what the change holds as
// "Field: from → to" lines, ids by their records' current names. Older changes come a page at a
// time ("Show older changes", the API's olderCursor).
import { useState } from 'react';
import { eventLabel } from '../../shared/audit-text.js';
import type { HistoryEntry as DomainEvent, HistoryPage } from '../../shared/schemas/audit.js';
import { useMe } from '../auth/auth-context.js';
import { api, toApiError, type ApiError } from '../lib/api.js';
import { formatDateTime } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { ChangeList } from './change-list.js';
import { ErrorNotice, Loading, ShowMore } from './page-parts.js';

export type { HistoryEntry as DomainEvent } from '../../shared/schemas/audit.js';

/** The older pages read so far, for the latest page they follow (its first change's id). */
interface Older {
  after: string | undefined;
  items: DomainEvent[];
  cursor: string | null;
}

/** A change in words: what happened, and the part of its data to show as lines (all of it by default). */
export interface HistoryWords {
  phrase: string;
  shown?: Record<string, unknown>;
}

export function RecordHistory(props: {
  path: string;
  testId: string;
  /** The record's words for the changes it knows; others read as their event ("Customer restored"). */
  describe(e: DomainEvent): HistoryWords | undefined;
  /** The record's own words for some of its fields ("domains" → "E-mail domains"). */
  labels?: Record<string, string>;
}) {
  const me = useMe();
  const history = useApi<HistoryPage>(props.path);
  const [older, setOlder] = useState<Older | null>(null);
  const [reading, setReading] = useState(false);
  const [olderError, setOlderError] = useState<ApiError | null>(null);
  const who = (e: DomainEvent) => {
    if (e.actorKind === 'system') return 'System';
    if (e.actorId === me.id) return 'You';
    return e.actorName ?? 'Another user';
  };

  if (history.error) return <ErrorNotice error={history.error} onRetry={history.reload} />;
  if (!history.data) return <Loading label="Loading history…" />;
  const latest = history.data;
  // Pages read before the latest page was read again (a change made since) no longer join up.
  const mine = older && older.after === latest.items[0]?.id ? older : null;
  const events = [...latest.items].reverse().concat([...(mine?.items ?? [])].reverse());
  const cursor = mine ? mine.cursor : latest.olderCursor;
  if (events.length === 0) return <p className="muted">No changes recorded.</p>;

  const readOlder = async () => {
    if (!cursor) return;
    setReading(true);
    setOlderError(null);
    try {
      const page = await api.get<HistoryPage>(props.path, { cursor });
      setOlder({
        after: latest.items[0]?.id,
        items: [...page.items, ...(mine?.items ?? [])],
        cursor: page.olderCursor,
      });
    } catch (err) {
      setOlderError(toApiError(err));
    } finally {
      setReading(false);
    }
  };

  return (
    <>
      <ol className="timeline" data-testid={props.testId}>
        {events.map((e) => {
          const words = props.describe(e) ?? { phrase: eventLabel(e.type) };
          return (
            <li key={e.id} className="timeline__item" data-testid="history-entry" data-type={e.type}>
              <div className="timeline__meta">
                <span className="timeline__who">{who(e)}</span>
                <time dateTime={e.occurredAt}>{formatDateTime(e.occurredAt)}</time>
              </div>
              <p className="timeline__text">{words.phrase}</p>
              <ChangeList data={words.shown ?? e.data} names={e.names} labels={props.labels} />
            </li>
          );
        })}
      </ol>
      {olderError && <ErrorNotice error={olderError} onRetry={() => void readOlder()} />}
      {cursor && (
        <ShowMore
          summary={`${events.length} changes shown`}
          label="Show older changes"
          busy={reading}
          onMore={() => void readOlder()}
        />
      )}
    </>
  );
}
