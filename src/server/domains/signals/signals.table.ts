import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, deletedAt, idColumn, timestamptz, updatedAt } from '../../../db/columns.js';
import type { EventRefs } from '../../../shared/schemas/events.js';
import type { RuleDefinition, Severity } from '../../../shared/schemas/rules.js';
import type { SignalState } from '../../../shared/schemas/signals.js';
import { users } from '../auth/auth.table.js';
import { cases } from '../cases/cases.table.js';
import { customers } from '../customers/customers.table.js';
import { events } from '../events/events.table.js';
import { organizations } from '../organizations/organizations.table.js';

/** Signal rules: the current definition; every saved definition is kept in signal_rule_versions. */
export const signalRules = pgTable(
  'signal_rules',
  {
    id: idColumn(),
    version: integer('version').notNull().default(1),
    name: text('name').notNull(),
    kind: text('kind').$type<RuleDefinition['kind']>().notNull(),
    severity: text('severity').$type<Severity>().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    definition: jsonb('definition').$type<RuleDefinition>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    index('signal_rules_enabled')
      .on(t.enabled)
      .where(sql`${t.deletedAt} is null`),
    // One live rule a name, in any case (src/server/lib/unique-names.ts): the KPI page's per-rule
    // table and the Signals filter name rules.
    uniqueIndex('signal_rules_name_live_uq')
      .on(sql`lower(${t.name})`)
      .where(sql`${t.deletedAt} is null`),
  ],
);

export const signalRuleVersions = pgTable(
  'signal_rule_versions',
  {
    ruleId: uuid('rule_id')
      .notNull()
      .references(() => signalRules.id),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<RuleDefinition>().notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.version] })],
);

/** A detected risk to a promise. One live (open or acted) signal per rule and dedupe key. */
export const signals = pgTable(
  'signals',
  {
    id: idColumn(),
    ruleId: uuid('rule_id')
      .notNull()
      .references(() => signalRules.id),
    ruleVersion: integer('rule_version').notNull(),
    kind: text('kind').$type<RuleDefinition['kind']>().notNull(),
    severity: text('severity').$type<Severity>().notNull(),
    state: text('state').$type<SignalState>().notNull().default('open'),
    title: text('title').notNull(),
    /** rule + customer + ref: repeats while the signal is live add evidence instead of a new signal. */
    dedupeKey: text('dedupe_key').notNull(),
    customerId: uuid('customer_id').references(() => customers.id),
    organizationId: uuid('organization_id').references(() => organizations.id),
    refKey: text('ref_key'),
    refValue: text('ref_value'),
    refs: jsonb('refs').$type<EventRefs>().notNull().default({}),
    /** When the promise at risk falls due (absence rules): for the lead-time KPI. */
    dueAt: timestamptz('due_at'),
    detectedAt: createdAt('detected_at'),
    actedAt: timestamptz('acted_at'),
    resolvedAt: timestamptz('resolved_at'),
    resolution: text('resolution'),
    /** Resolved by itself: the awaited event arrived (not closed by a person). */
    resolvedByEvent: boolean('resolved_by_event').notNull().default(false),
    evidenceCount: integer('evidence_count').notNull().default(1),
    lastEvidenceAt: createdAt('last_evidence_at'),
    caseId: uuid('case_id').references(() => cases.id),
    /** The customer had an unsolved case of their own when this was detected. */
    customerContactedFirst: boolean('customer_contacted_first').notNull().default(false),
    /** When the customer first wrote in about it (a message landing in its proactive case). */
    customerContactAt: timestamptz('customer_contact_at'),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('signals_live_dedupe_uq')
      .on(t.ruleId, t.dedupeKey)
      .where(sql`${t.state} in ('open', 'acted')`),
    index('signals_state_severity').on(t.state, t.severity, t.detectedAt),
    index('signals_customer').on(t.customerId, t.detectedAt),
    index('signals_organization').on(t.organizationId, t.detectedAt),
    index('signals_rule').on(t.ruleId, t.detectedAt),
    index('signals_detected').on(t.detectedAt, t.id),
    index('signals_case').on(t.caseId),
  ],
);

/** The events behind a signal. Idempotent: one row per signal and event. */
export const signalEvidence = pgTable(
  'signal_evidence',
  {
    signalId: uuid('signal_id')
      .notNull()
      .references(() => signals.id),
    eventId: uuid('event_id')
      .notNull()
      .references(() => events.id),
    addedAt: createdAt('added_at'),
  },
  (t) => [
    primaryKey({ columns: [t.signalId, t.eventId] }),
    // Event retention keeps a signal's evidence: it looks here per old event, and so does the
    // foreign key's check when an event is deleted.
    index('signal_evidence_event').on(t.eventId),
  ],
);

/** What a signal does: an outbox, one row per action, run and retried by a background job. */
export const signalActions = pgTable(
  'signal_actions',
  {
    id: idColumn(),
    signalId: uuid('signal_id')
      .notNull()
      .references(() => signals.id),
    position: integer('position').notNull(),
    kind: text('kind').notNull(),
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    state: text('state').$type<'pending' | 'done' | 'failed' | 'skipped'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    runAfter: createdAt('run_after'),
    result: jsonb('result').$type<Record<string, unknown>>(),
    error: text('error'),
    doneAt: timestamptz('done_at'),
    /**
     * A customer mail held back because the source of the awaited event is silent (a broken feed,
     * not a late parcel): since when, and why. Kept after it ran, as its history.
     */
    heldSince: timestamptz('held_since'),
    heldReason: text('held_reason'),
    /** Staff sent a held mail anyway ("Send now"): it is not held again. */
    holdReleasedAt: timestamptz('hold_released_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('signal_actions_position_uq').on(t.signalId, t.position),
    index('signal_actions_pending')
      .on(t.runAfter)
      .where(sql`${t.state} = 'pending'`),
  ],
);

/**
 * The waits of absence rules: an `after` event opened one; the `expect` event fulfils it; when
 * `due_at` passes first, a job fires it (once, whichever node gets there: SKIP LOCKED + state).
 * Hundreds are started per ingest batch: no foreign keys on the ids the engine copies from the
 * rows it just read or wrote (rule, customer, organization, starting event; none is ever deleted),
 * as for `commitments`.
 */
export const ruleExpectations = pgTable(
  'rule_expectations',
  {
    id: idColumn(),
    ruleId: uuid('rule_id').notNull(),
    ruleVersion: integer('rule_version').notNull(),
    refValue: text('ref_value').notNull(),
    customerId: uuid('customer_id'),
    organizationId: uuid('organization_id'),
    startedByEventId: uuid('started_by_event_id').notNull(),
    startedAt: timestamptz('started_at').notNull(),
    /** When the wait ends: after + within, or the deadline less the lead. */
    dueAt: timestamptz('due_at').notNull(),
    /** The promise's own due time (the deadline itself), for the signal's lead time. */
    promiseDueAt: timestamptz('promise_due_at'),
    state: text('state')
      .$type<'waiting' | 'fulfilled' | 'fired' | 'cancelled'>()
      .notNull()
      .default('waiting'),
    signalId: uuid('signal_id').references(() => signals.id),
    closedAt: timestamptz('closed_at'),
    createdAt: createdAt(),
  },
  (t) => [
    // One wait per rule and ref: a repeated starting event does not start a second one.
    uniqueIndex('rule_expectations_waiting_uq')
      .on(t.ruleId, t.refValue)
      .where(sql`${t.state} = 'waiting'`),
    index('rule_expectations_due')
      .on(t.dueAt)
      .where(sql`${t.state} = 'waiting'`),
    index('rule_expectations_fired')
      .on(t.ruleId, t.refValue)
      .where(sql`${t.state} = 'fired'`),
  ],
);

/** Events that matched a threshold rule, per subject (customer or organization): counted in a window. */
export const ruleHits = pgTable(
  'rule_hits',
  {
    ruleId: uuid('rule_id')
      .notNull()
      .references(() => signalRules.id),
    subjectId: uuid('subject_id').notNull(),
    /**
     * No foreign key: written by the ingest from the event it has just stored, and counted by
     * rule and time alone. Event retention may remove the event before its hit is pruned (a
     * window longer than the retention); a firing's evidence then takes the events still stored.
     */
    eventId: uuid('event_id').notNull(),
    occurredAt: timestamptz('occurred_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.ruleId, t.subjectId, t.eventId] }),
    index('rule_hits_window').on(t.ruleId, t.subjectId, t.occurredAt),
  ],
);
