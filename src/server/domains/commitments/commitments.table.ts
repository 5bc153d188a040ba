import { sql } from 'drizzle-orm';
import { index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, timestamptz, updatedAt } from '../../../db/columns.js';
import type { CommitmentState } from '../../../shared/schemas/signals.js';

/**
 * One promise on operations, measured: opened by an event under an agreement's commitment
 * (`key`), tied to a ref (the order), closed by the fulfilling or breaking event, or by its due
 * time passing (overdue, or met for `avoid` commitments).
 *
 * Written by the ingest transaction, hundreds per batch: no foreign keys. The ids it holds
 * (agreement, customer, organization, events) are written in that same transaction from rows it
 * read, and none of those rows is ever deleted (soft deletes); a foreign key check would take a
 * KEY SHARE lock on the customer's and agreement's rows for every commitment, which concurrent
 * batches turn into MultiXacts on the same few rows.
 */
export const commitments = pgTable(
  'commitments',
  {
    id: idColumn(),
    agreementId: uuid('agreement_id').notNull(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    mode: text('mode').$type<'fulfil' | 'avoid'>().notNull(),
    customerId: uuid('customer_id'),
    organizationId: uuid('organization_id'),
    segment: text('segment'),
    refKey: text('ref_key').notNull(),
    refValue: text('ref_value').notNull(),
    /** The event type that closes it (fulfilledBy or brokenBy), as the commitment read when it opened. */
    closesOn: text('closes_on').notNull(),
    /** The event type that cancels it (cancelledBy), if any, as the commitment read when it opened. */
    cancelsOn: text('cancels_on'),
    state: text('state').$type<CommitmentState>().notNull().default('open'),
    openedAt: timestamptz('opened_at').notNull(),
    dueAt: timestamptz('due_at').notNull(),
    closedAt: timestamptz('closed_at'),
    openedByEventId: uuid('opened_by_event_id').notNull(),
    closedByEventId: uuid('closed_by_event_id'),
    repromised: integer('repromised').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // One live instance per commitment and ref (per customer: refs are the sender's ids).
    uniqueIndex('commitments_live_uq')
      .on(t.key, t.refValue, sql`coalesce(${t.customerId}::text, '')`)
      .where(sql`${t.state} in ('open', 'overdue')`),
    index('commitments_due')
      .on(t.dueAt)
      .where(sql`${t.state} = 'open'`),
    index('commitments_closing')
      .on(t.closesOn, t.refValue)
      .where(sql`${t.state} in ('open', 'overdue')`),
    // An avoid commitment met at its due time, broken by a late-arriving event from before it.
    index('commitments_avoid_met')
      .on(t.closesOn, t.refValue)
      .where(sql`${t.mode} = 'avoid' and ${t.state} = 'met'`),
    index('commitments_customer').on(t.customerId, t.dueAt),
    // Partial where most rows have no value: an opened commitment (hundreds per ingest batch)
    // then writes two to three index entries fewer. Queries filter with `=` or a range, which
    // implies the column is not null, so PostgreSQL still uses them.
    index('commitments_organization')
      .on(t.organizationId, t.dueAt)
      .where(sql`${t.organizationId} is not null`),
    index('commitments_agreement_closed')
      .on(t.agreementId, t.closedAt)
      .where(sql`${t.closedAt} is not null`),
    index('commitments_closed')
      .on(t.closedAt)
      .where(sql`${t.closedAt} is not null`),
    index('commitments_list').on(t.dueAt, t.id),
  ],
);

/**
 * Every (event type, ref) that ends instances of some commitment, as any agreement ever defined
 * it: a closing type (fulfilledBy, brokenBy; `cancels` empty), or a cancelling type with the
 * commitment key it cancels. Written when agreements are saved, never deleted (a few dozen rows):
 * an instance ends on the terms it opened under (its own `closes_on`, `cancels_on`, `ref_key`)
 * even after its agreement was replaced, deactivated, or edited to drop or change the
 * commitment. The ingest reads it to know which events to look up instances for.
 */
export const commitmentEndings = pgTable(
  'commitment_endings',
  {
    type: text('type').notNull(),
    refKey: text('ref_key').notNull(),
    /** Empty for a closing type; for a cancelling type, the key of the commitment it cancels. */
    cancels: text('cancels').notNull().default(''),
  },
  (t) => [primaryKey({ columns: [t.type, t.refKey, t.cancels] })],
);
