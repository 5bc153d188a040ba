import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  check,
  customType,
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
import type { NotMailedReason } from '../../../shared/schemas/cases.js';
import type { CaseViewFilters } from '../../../shared/schemas/views.js';
import { agreements } from '../agreements/agreements.table.js';
import { users } from '../auth/auth.table.js';
import { customers } from '../customers/customers.table.js';
import { organizations } from '../organizations/organizations.table.js';
import { teams } from '../teams/teams.table.js';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/** Case categories: the glossary's list is seeded; admins add more. */
export const categories = pgTable('categories', {
  key: text('key').primaryKey(),
  name: text('name').notNull(),
  active: boolean('active').notNull().default(true),
  builtin: boolean('builtin').notNull().default(false),
  /** Customers may pick it on a new request in the portal (off until an admin offers it). */
  offeredToCustomers: boolean('offered_to_customers').notNull().default(false),
  createdAt: createdAt(),
});

export const cases = pgTable(
  'cases',
  {
    id: idColumn(),
    /** Human-friendly reference (#1042) for subjects, phone calls and e-mail threading. */
    number: bigserial('number', { mode: 'number' }).notNull(),
    subject: text('subject').notNull(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    /** The customer's organization when the case was opened. */
    organizationId: uuid('organization_id').references(() => organizations.id),
    channel: text('channel').notNull(),
    category: text('category')
      .notNull()
      .references(() => categories.key),
    priority: text('priority').notNull(),
    status: text('status').notNull(),
    assigneeId: uuid('assignee_id').references(() => users.id),
    teamId: uuid('team_id').references(() => teams.id),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    customFields: jsonb('custom_fields').$type<Record<string, unknown>>().notNull().default({}),
    requiredSkills: text('required_skills')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** The agreement whose targets the promise clocks follow (null: none applies). */
    agreementId: uuid('agreement_id').references(() => agreements.id),
    mergedIntoId: uuid('merged_into_id'),
    /** Operational references the case is about (orderId, shipmentId): set on proactive cases. */
    refs: jsonb('refs').$type<Record<string, string>>().notNull().default({}),
    /** Secret in this case's reply address (support+<token>@…): mail to it joins the case. */
    replyToken: text('reply_token'),
    /** Earliest due time of the case's running promise clocks: the queue's urgency order. */
    nextDueAt: timestamptz('next_due_at'),
    /** Earliest warning time of the running clocks: with next_due_at, the at-risk queue. */
    nextWarnAt: timestamptz('next_warn_at'),
    firstRespondedAt: timestamptz('first_responded_at'),
    lastCustomerMessageAt: timestamptz('last_customer_message_at'),
    lastAgentReplyAt: timestamptz('last_agent_reply_at'),
    solvedAt: timestamptz('solved_at'),
    closedAt: timestamptz('closed_at'),
    reopenCount: integer('reopen_count').notNull().default(0),
    /** Others who get the case's replies by e-mail, and may write into it (lower-case addresses). */
    cc: text('cc')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** A case waiting (pending, on hold) opens again at this time: the agent's follow-up. */
    followUpAt: timestamptz('follow_up_at'),
    searchVector: tsvector('search_vector').generatedAlwaysAs(
      sql`to_tsvector('simple', coalesce(subject, ''))`,
    ),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    uniqueIndex('cases_number_uq').on(t.number),
    index('cases_status_team').on(t.status, t.teamId),
    index('cases_assignee_status').on(t.assigneeId, t.status),
    index('cases_customer').on(t.customerId, t.createdAt),
    index('cases_organization').on(t.organizationId),
    index('cases_created').on(t.createdAt, t.id),
    index('cases_updated').on(t.updatedAt, t.id),
    // The queue's default order (urgency): cases without running clocks last.
    index('cases_urgency')
      .on(sql`coalesce(${t.nextDueAt}, 'infinity'::timestamptz)`, t.id)
      .where(sql`${t.deletedAt} is null`),
    index('cases_next_warn')
      .on(t.nextWarnAt)
      .where(sql`${t.deletedAt} is null and ${t.nextWarnAt} is not null`),
    // The admins' list of deleted cases (newest first).
    index('cases_deleted')
      .on(t.deletedAt)
      .where(sql`${t.deletedAt} is not null`),
    // The follow-up job's due cases. A deleted case keeps its follow-up (its restore sets it going
    // again) but is not the job's: left out, so years of deletions are never read past.
    index('cases_follow_up')
      .on(t.followUpAt)
      .where(sql`${t.followUpAt} is not null and ${t.deletedAt} is null`),
    index('cases_tags').using('gin', t.tags),
    // The case field filters of the list and of saved views (`custom_fields @> {"key": value}`).
    index('cases_custom_fields').using('gin', t.customFields.op('jsonb_path_ops')),
    index('cases_search').using('gin', t.searchVector),
    // A commitment's case (`refs @> {"orderId": "SO-1"}`, with the customer's cases: the two
    // bitmaps together). Partial: most cases have no refs and write no entry. fastupdate off:
    // a lookup would otherwise scan the whole pending list, which PGlite (no autovacuum) never merges.
    index('cases_refs')
      .using('gin', t.refs.op('jsonb_path_ops'))
      .with({ fastupdate: false })
      .where(sql`${t.refs} <> '{}'::jsonb`),
    uniqueIndex('cases_reply_token_uq').on(t.replyToken),
    check('cases_status_ck', sql`${t.status} in ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')`),
    // Only a waiting case has a follow-up: every status change out of waiting clears it.
    check('cases_follow_up_ck', sql`${t.followUpAt} is null or ${t.status} in ('pending', 'on_hold')`),
    check('cases_priority_ck', sql`${t.priority} in ('low', 'normal', 'high', 'urgent')`),
    check(
      'cases_channel_ck',
      sql`${t.channel} in ('email', 'web', 'portal', 'phone', 'chat', 'api', 'proactive')`,
    ),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: idColumn(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    authorType: text('author_type').$type<'agent' | 'customer' | 'system' | 'third_party'>().notNull(),
    /** The user who wrote it (agents, portal customers); null for e-mail or system messages. */
    authorUserId: uuid('author_user_id').references(() => users.id),
    authorCustomerId: uuid('author_customer_id').references(() => customers.id),
    /** Public: seen by the customer. Not public: an internal note. */
    public: boolean('public').notNull(),
    body: text('body').notNull(),
    /** Sanitized HTML of a message that came as HTML (e-mail); `body` is its text. */
    bodyHtml: text('body_html'),
    channel: text('channel'),
    /** A logged phone call: direction, duration, outcome. */
    call: jsonb('call').$type<{
      direction: 'inbound' | 'outbound';
      durationSeconds: number;
      outcome: string;
    }>(),
    searchVector: tsvector('search_vector').generatedAlwaysAs(sql`to_tsvector('simple', coalesce(body, ''))`),
    /** A message of a side conversation (internal, never public). */
    sideConversationId: uuid('side_conversation_id').references((): AnyPgColumn => sideConversations.id),
    /** Who wrote a third party's message: "Name <address>" from the mail's From. */
    externalFrom: text('external_from'),
    /**
     * A public reply that went to no one by e-mail, and why, as it was when it was written (the
     * customer was deleted, or had no address): a restored customer or a new address later does
     * not make it sent. Null: mailed, or not something mailed (notes, the customer's messages).
     */
    notMailed: text('not_mailed').$type<NotMailedReason>(),
    createdAt: createdAt(),
  },
  (t) => [
    index('messages_case').on(t.caseId, t.createdAt),
    index('messages_search').using('gin', t.searchVector),
    check('messages_author_type_ck', sql`${t.authorType} in ('agent', 'customer', 'system', 'third_party')`),
    check('messages_side_internal_ck', sql`${t.sideConversationId} is null or not ${t.public}`),
    check('messages_not_mailed_ck', sql`${t.notMailed} in ('customer_deleted', 'no_address')`),
  ],
);

/**
 * Side conversations: staff asking a third party (a carrier, a supplier, a warehouse) about a
 * case by e-mail, apart from the customer. Their messages are internal notes of the case; mail
 * to the conversation's reply address (support+<token>@…) joins it, whoever sends it.
 */
export const sideConversations = pgTable(
  'side_conversations',
  {
    id: idColumn(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    subject: text('subject').notNull(),
    /** The third parties written to (lower-case addresses). */
    participants: text('participants').array().notNull(),
    /** Secret, like a case's reply token: mail to support+<token>@… joins the conversation. */
    replyToken: text('reply_token').notNull(),
    state: text('state').$type<'open' | 'closed'>().notNull().default('open'),
    createdBy: uuid('created_by').references(() => users.id),
    lastMessageAt: timestamptz('last_message_at').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('side_conversations_reply_token_uq').on(t.replyToken),
    index('side_conversations_case').on(t.caseId, t.createdAt),
    check('side_conversations_state_ck', sql`${t.state} in ('open', 'closed')`),
  ],
);

/** Files on messages. The bytes live in the database, so every server node can serve them. */
export const attachments = pgTable(
  'attachments',
  {
    id: idColumn(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    messageId: uuid('message_id').references(() => messages.id),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    /** Content-ID of an inline image (an HTML body refers to it as cid:…). */
    contentId: text('content_id'),
    uploadedBy: uuid('uploaded_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('attachments_case').on(t.caseId), index('attachments_message').on(t.messageId)],
);

export const attachmentBlobs = pgTable('attachment_blobs', {
  attachmentId: uuid('attachment_id')
    .primaryKey()
    .references(() => attachments.id),
  data: bytea('data').notNull(),
});

export const caseLinks = pgTable(
  'case_links',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    linkedCaseId: uuid('linked_case_id')
      .notNull()
      .references(() => cases.id),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.linkedCaseId] }),
    check('case_links_not_self_ck', sql`${t.caseId} <> ${t.linkedCaseId}`),
  ],
);

/** One promise clock per applicable target: start, due, warn, and how it ended. */
export const casePromises = pgTable(
  'case_promises',
  {
    id: idColumn(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    agreementId: uuid('agreement_id')
      .notNull()
      .references(() => agreements.id),
    kind: text('kind').notNull(),
    /** 1 for the first clock of a kind; next_response and periodic_update restart with 2, 3, ... */
    cycle: integer('cycle').notNull().default(1),
    targetMinutes: integer('target_minutes').notNull(),
    warnMinutes: integer('warn_minutes').notNull(),
    state: text('state').notNull(),
    startedAt: timestamptz('started_at').notNull(),
    /** Business time (ms) used in earlier running stretches (before pauses). */
    usedMs: bigint('used_ms', { mode: 'number' }).notNull().default(0),
    /** Start of the current running stretch (null while paused or finished). */
    runningSince: timestamptz('running_since'),
    dueAt: timestamptz('due_at'),
    warnAt: timestamptz('warn_at'),
    pausedAt: timestamptz('paused_at'),
    metAt: timestamptz('met_at'),
    breachedAt: timestamptz('breached_at'),
    warnedAt: timestamptz('warned_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('case_promises_case').on(t.caseId, t.kind, t.cycle),
    // The scheduler's two questions: which running clocks are past due, which past their warning.
    index('case_promises_due')
      .on(t.dueAt)
      .where(sql`${t.state} = 'active'`),
    index('case_promises_warn')
      .on(t.warnAt)
      .where(sql`${t.state} = 'active' and ${t.warnedAt} is null`),
    index('case_promises_agreement')
      .on(t.agreementId)
      .where(sql`${t.state} in ('active', 'paused')`),
    // The compliance KPIs' period: a clock counts when it was decided (breached, else met).
    index('case_promises_decided')
      .on(sql`(case when ${t.state} = 'breached' then ${t.breachedAt} else ${t.metAt} end)`)
      .where(sql`${t.state} in ('met', 'breached')`),
    // ... and the promises broken and still not kept now, whatever the period.
    index('case_promises_open_breach')
      .on(t.breachedAt)
      .where(sql`${t.state} = 'breached' and ${t.metAt} is null`),
    check('case_promises_state_ck', sql`${t.state} in ('active', 'paused', 'met', 'breached')`),
  ],
);

/** Saved queue views: personal (ownerId) or shared (null). */
export const caseViews = pgTable('case_views', {
  id: idColumn(),
  name: text('name').notNull(),
  ownerId: uuid('owner_id').references(() => users.id),
  /** A shared view (no owner) for one team's members only; null: every agent. */
  teamId: uuid('team_id').references(() => teams.id),
  filters: jsonb('filters').$type<CaseViewFilters>().notNull(),
  sort: text('sort').notNull().default('nextDueAt'),
  position: integer('position').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  deletedAt: deletedAt(),
});

/** Who has a case open and whether they are typing: the collision warning. */
export const casePresence = pgTable(
  'case_presence',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    composing: boolean('composing').notNull().default(false),
    seenAt: timestamptz('seen_at')
      .notNull()
      .default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.userId] })],
);
