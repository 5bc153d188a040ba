import type { User } from '../../shared/schemas/users.js';
import { useMe } from '../auth/auth-context.js';
import { formatDateTime } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { ErrorNotice, Loading } from '../layout/page-parts.js';
import type { CustomerMerged } from '../../shared/schemas/customers.js';
import { fieldLabel } from './customer-fields.js';
import { movedSummary } from './merge-customer-dialog.js';

/** One entry of GET /customers/:id/history. */
interface DomainEvent {
  id: string;
  type: string;
  actorId: string | null;
  actorKind: string;
  data: Record<string, unknown>;
  occurredAt: string;
}

type Changes = Record<string, { from: unknown; to: unknown }>;

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'empty';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return JSON.stringify(value);
  return `“${String(value)}”`;
}

function describe(event: DomainEvent): string[] {
  switch (event.type) {
    case 'customer.created':
      return ['Created the customer record'];
    case 'customer.deleted':
      return ['Deleted the customer record'];
    case 'customer.merged': {
      const moved = event.data.moved as CustomerMerged['moved'] | undefined;
      return [`Merged a duplicate customer into this one. ${moved ? movedSummary(moved) : ''}`.trim()];
    }
    case 'customer.merged_into':
      return ['Merged this customer into another'];
    case 'customer.updated': {
      const changes = (event.data.changes ?? {}) as Changes;
      const lines = Object.entries(changes).map(([field, { from, to }]) =>
        // Ids mean nothing to a reader; the detail page shows the organization's name.
        field === 'organizationId'
          ? 'Changed the organization'
          : `Changed ${fieldLabel(field).toLowerCase()} from ${show(from)} to ${show(to)}`,
      );
      if (event.data.reason === 'organization_merged') {
        lines.push('(a duplicate organization was merged into another)');
      }
      return lines.length > 0 ? lines : ['Updated the record'];
    }
    default:
      return [event.type];
  }
}

/** Every change to the customer record, newest first (staff only). */
export function CustomerHistory({ customerId }: { customerId: string }) {
  const me = useMe();
  const history = useApi<{ items: DomainEvent[] }>(`/customers/${customerId}/history`);
  // Only admins may list users; others see "you" or "another user".
  const users = useApi<{ items: User[] }>(me.role === 'admin' ? '/users' : null);
  const who = (e: DomainEvent) => {
    if (e.actorKind === 'system') return 'System';
    if (e.actorId === me.id) return 'You';
    return users.data?.items.find((u) => u.id === e.actorId)?.name ?? 'Another user';
  };

  if (history.error) return <ErrorNotice error={history.error} onRetry={history.reload} />;
  if (!history.data) return <Loading label="Loading history…" />;
  const events = [...history.data.items].reverse();
  if (events.length === 0) return <p className="muted">No changes recorded.</p>;
  return (
    <ol className="timeline" data-testid="customer-history">
      {events.map((e) => (
        <li key={e.id} className="timeline__item">
          <div className="timeline__meta">
            <span className="timeline__who">{who(e)}</span>
            <time dateTime={e.occurredAt}>{formatDateTime(e.occurredAt)}</time>
          </div>
          {describe(e).map((line, i) => (
            <p key={i} className="timeline__text">
              {line}
            </p>
          ))}
        </li>
      ))}
    </ol>
  );
}
