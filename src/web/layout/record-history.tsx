// A record's history (customers, organizations): its latest changes, newest first, with who made
// them and when, each told in words by the record's own `describe` (staff only).
import type { HistoryEntry as DomainEvent } from '../../shared/schemas/audit.js';
import { useMe } from '../auth/auth-context.js';
import { formatDateTime } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { ErrorNotice, Loading } from './page-parts.js';

export type { HistoryEntry as DomainEvent } from '../../shared/schemas/audit.js';

export function RecordHistory(props: { path: string; testId: string; describe(e: DomainEvent): string[] }) {
  const me = useMe();
  const history = useApi<{ items: DomainEvent[] }>(props.path);
  const who = (e: DomainEvent) => {
    if (e.actorKind === 'system') return 'System';
    if (e.actorId === me.id) return 'You';
    return e.actorName ?? 'Another user';
  };

  if (history.error) return <ErrorNotice error={history.error} onRetry={history.reload} />;
  if (!history.data) return <Loading label="Loading history…" />;
  const events = [...history.data.items].reverse();
  if (events.length === 0) return <p className="muted">No changes recorded.</p>;
  return (
    <ol className="timeline" data-testid={props.testId}>
      {events.map((e) => (
        <li key={e.id} className="timeline__item">
          <div className="timeline__meta">
            <span className="timeline__who">{who(e)}</span>
            <time dateTime={e.occurredAt}>{formatDateTime(e.occurredAt)}</time>
          </div>
          {props.describe(e).map((line, i) => (
            <p key={i} className="timeline__text">
              {line}
            </p>
          ))}
        </li>
      ))}
    </ol>
  );
}
