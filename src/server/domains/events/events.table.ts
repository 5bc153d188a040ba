import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, deletedAt, idColumn, timestamptz, updatedAt } from '../../../db/columns.js';
import type { EventRefs } from '../../../shared/schemas/events.js';

/** Systems that send operational events: each has its own API token and webhook secret. */
export const eventSources = pgTable(
  'event_sources',
  {
    id: idColumn(),
    /** Stable key (`erp`, `wms`): in webhook URLs and `?source=`; never reused. */
    key: text('key').notNull(),
    name: text('name').notNull(),
    /** An event naming an unknown customer creates them (else the event is rejected). */
    createUnknownCustomers: boolean('create_unknown_customers').notNull().default(true),
    active: boolean('active').notNull().default(true),
    /** SHA-256 of the source's API token (`stw_src_…`). */
    tokenHash: text('token_hash').notNull(),
    /** The HMAC key of webhook signatures: kept as is, because verifying needs it. */
    webhookSecret: text('webhook_secret').notNull(),
    /** When it last sent an accepted event, to the minute (written at most once a minute per node). */
    lastEventAt: timestamptz('last_event_at'),
    /** Warn when it has sent nothing for this many minutes (null: never). */
    silenceAlertMinutes: integer('silence_alert_minutes'),
    /** Set by the silence check while it is silent: the time since which nothing came. */
    silentSince: timestamptz('silent_since'),
    /** When the silence check last saw it speak again after a silence (customer mails wait a while after). */
    resumedAt: timestamptz('resumed_at'),
    /**
     * The event types it has sent (accepted), sorted; added to by the ingest when a batch brings a
     * new one, at most MAX_SOURCE_TYPES. Tells which source an absence rule's awaited event comes from.
     */
    eventTypes: text('event_types')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    uniqueIndex('event_sources_key_uq').on(t.key),
    uniqueIndex('event_sources_token_hash_uq').on(t.tokenHash),
  ],
);

/**
 * Operational events (orders, shipments, invoices): facts from outside systems that signal rules
 * read. Idempotent by the source's id. Not to be confused with `domain_events` (our own changes).
 * The busiest table: no foreign keys. Source, customer and organization ids are written by the
 * ingest from rows it read in the same transaction, and those rows are never deleted (soft
 * deletes); a foreign key check per event row ran a lookup and took a KEY SHARE lock on the
 * source's and the customer's rows (PGlite, 1,000 events: insert 62 -> 36 ms).
 */
export const events = pgTable(
  'events',
  {
    id: idColumn(),
    sourceId: uuid('source_id').notNull(),
    /** The source's id of the event. */
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    occurredAt: timestamptz('occurred_at').notNull(),
    receivedAt: createdAt('received_at'),
    customerId: uuid('customer_id'),
    organizationId: uuid('organization_id'),
    refs: jsonb('refs').$type<EventRefs>().notNull().default({}),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    /**
     * What the event was meant to do and could not (a commitment without a readable due time, an
     * absence rule's start without its ref): written after the rules ran, only when there is any.
     */
    warnings: jsonb('warnings').$type<string[]>(),
  },
  (t) => [
    uniqueIndex('events_source_event_uq').on(t.sourceId, t.eventId),
    index('events_type_occurred').on(t.type, t.occurredAt),
    index('events_customer_occurred').on(t.customerId, t.occurredAt),
    // fastupdate off: lookups by ref would otherwise scan the whole pending list, which PGlite
    // (no autovacuum) never merges.
    index('events_refs_gin').using('gin', t.refs.op('jsonb_path_ops')).with({ fastupdate: false }),
    // The unfiltered list, newest first, and keyset paging on it.
    index('events_occurred').on(t.occurredAt, t.id),
    // The few events with warnings, per source and newest first (the sources' page); costs the
    // many without none.
    index('events_warned')
      .on(t.sourceId, t.id)
      .where(sql`warnings is not null`),
  ],
);
