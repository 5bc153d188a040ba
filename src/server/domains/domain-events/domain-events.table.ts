import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn } from '../../../db/columns.js';

/**
 * The audit trail and outbox of every change: written in the same transaction as the change,
 * so automations, metrics and webhooks (later issues) can consume them in order.
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
  },
  (t) => [
    index('domain_events_entity').on(t.entityType, t.entityId, t.occurredAt),
    index('domain_events_occurred').on(t.occurredAt, t.id),
    // The audit log's "made by people": few rows among the system's many (commitments opened by
    // events, signals), so a partial index; the system's own writes do not enter it.
    index('domain_events_people')
      .on(t.occurredAt, t.id)
      .where(sql`actor_kind = 'user'`),
  ],
);
