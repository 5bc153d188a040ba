import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, timestamptz, updatedAt } from '../../../db/columns.js';
import { DELIVERY_STATES, type DeliveryState } from '../../../shared/schemas/webhooks.js';

/** An outside system that is sent the domain events it subscribed to (webhooks.service.ts). */
export const webhooks = pgTable('webhooks', {
  id: idColumn(),
  name: text('name').notNull(),
  url: text('url').notNull(),
  /** Signs each delivery (HMAC-SHA256). Kept as is: signing needs the key itself. */
  secret: text('secret').notNull(),
  /** Event types: `case.created`, `case.*` or `*`. */
  events: text('events').array().notNull(),
  enabled: boolean('enabled').notNull().default(true),
  /** Why Steward turned it off (a 410 Gone); null when an admin did, or when enabled. */
  disabledReason: text('disabled_reason'),
  /** Events that happened from then on are sent: set when it is made and when it is turned on again. */
  eventsFrom: timestamptz('events_from')
    .notNull()
    .default(sql`now()`),
  /**
   * Its receiver let a POST time out: no delivery is claimed for it until then, so a receiver that
   * does not answer holds the senders (and the other webhooks' deliveries) once a minute at most.
   */
  restingUntil: timestamptz('resting_until'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * One domain event (or ping) to send to one webhook, and what happened when it was sent: queued
 * by the `webhooks` consumer, sent by the `webhook-deliveries` job (webhook-delivery.ts).
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: idColumn(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    /** The domain event; null for a ping. One delivery per webhook and event. */
    eventId: uuid('event_id'),
    eventType: text('event_type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    state: text('state').$type<DeliveryState>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** Pending: when it is due; while being sent, the end of the sender's lease. */
    nextAttemptAt: timestamptz('next_attempt_at').default(sql`now()`),
    /**
     * While a sender is posting it: the end of that sender's lease (null otherwise). Tells a send in
     * flight from a wait for the next try, which both have next_attempt_at in the future.
     */
    sendingUntil: timestamptz('sending_until'),
    /** Sent again by hand while in flight: due again as soon as that attempt's outcome is written. */
    sendAgain: boolean('send_again').notNull().default(false),
    lastAttemptAt: timestamptz('last_attempt_at'),
    responseStatus: integer('response_status'),
    responseBody: text('response_body'),
    error: text('error'),
    durationMs: integer('duration_ms'),
    deliveredAt: timestamptz('delivered_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_uq').on(t.webhookId, t.eventId),
    index('webhook_deliveries_list').on(t.webhookId, t.createdAt, t.id),
    // A webhook's waiting and failed counts.
    index('webhook_deliveries_open')
      .on(t.webhookId, t.state)
      .where(sql`state <> 'delivered'`),
    // A webhook's latest attempt.
    index('webhook_deliveries_attempted')
      .on(t.webhookId, t.lastAttemptAt)
      .where(sql`last_attempt_at is not null`),
    // The senders' claim: each webhook's due deliveries, soonest first.
    index('webhook_deliveries_due')
      .on(t.webhookId, t.nextAttemptAt)
      .where(sql`state = 'pending'`),
    // The prune job's oldest-first walk of finished deliveries.
    index('webhook_deliveries_done')
      .on(t.createdAt)
      .where(sql`state <> 'pending'`),
    check(
      'webhook_deliveries_state_ck',
      sql.raw(`state in (${DELIVERY_STATES.map((s) => `'${s}'`).join(', ')})`),
    ),
  ],
);
