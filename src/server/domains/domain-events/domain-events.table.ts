import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, writingTx, xid8 } from '../../../db/columns.js';

/**
 * The audit trail and outbox of every change: written in the same transaction as the change,
 * so notifications, outgoing webhooks, and later automations and metrics consume them in order.
 * Not to be confused with operational `events` from outside systems (signals domain).
 */
export const domainEvents = pgTable(
  'domain_events',
  {
    id: idColumn(),
    type: text('type').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: uuid('entity_id').notNull(),
    actorId: uuid('actor_id'),
    actorKind: text('actor_kind').$type<'user' | 'system'>().notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    occurredAt: createdAt('occurred_at'),
    /**
     * The writing transaction's id. Consumers read in (tx, id) order up to the oldest transaction
     * still running (`pg_snapshot_xmin`), so an event committed late is never skipped
     * (see domain-event-consumers.ts). Rows from before this column have 0.
     */
    tx: writingTx(),
  },
  (t) => [
    index('domain_events_entity').on(t.entityType, t.entityId, t.occurredAt),
    index('domain_events_occurred').on(t.occurredAt, t.id),
    index('domain_events_tx').on(t.tx, t.id),
    // The audit log's "made by people": few rows among the system's many (commitments opened by
    // events, signals), so a partial index; the system's own writes do not enter it.
    index('domain_events_people')
      .on(t.occurredAt, t.id)
      .where(sql`actor_kind = 'user'`),
  ],
);

/** Where each consumer of the domain events has read to: every event before (tx, id) is done. */
export const domainEventCursors = pgTable('domain_event_cursors', {
  consumer: text('consumer').primaryKey(),
  tx: xid8('tx').notNull(),
  id: uuid('id').notNull(),
  updatedAt: createdAt('updated_at'),
});
