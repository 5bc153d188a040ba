import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, deletedAt, idColumn, timestamptz, updatedAt } from '../../../db/columns.js';
import { cases, messages, sideConversations } from '../cases/cases.table.js';
import { teams } from '../teams/teams.table.js';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * Addresses customers write to. Mail reaches Steward through the built-in SMTP receiver (any
 * mailbox address routed to it) or by polling a mailbox over IMAP (`imapUrl`). New cases from a
 * mailbox go to its team.
 */
export const mailboxes = pgTable(
  'mailboxes',
  {
    id: idColumn(),
    /** Lower-case e-mail address, e.g. support@example.com. */
    address: text('address').notNull(),
    name: text('name').notNull(),
    teamId: uuid('team_id').references(() => teams.id),
    /** imaps://user:password@host:993 (or imap:// with STARTTLS): polled when set. */
    imapUrl: text('imap_url'),
    imapFolder: text('imap_folder').notNull().default('INBOX'),
    /** Polling position: messages above this UID (in this UIDVALIDITY) are new. */
    imapUidValidity: bigint('imap_uid_validity', { mode: 'number' }),
    imapLastUid: bigint('imap_last_uid', { mode: 'number' }).notNull().default(0),
    lastPolledAt: timestamptz('last_polled_at'),
    lastError: text('last_error'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    uniqueIndex('mailboxes_address_live_uq')
      .on(sql`lower(${t.address})`)
      .where(sql`${t.deletedAt} is null`),
  ],
);

export type MailDirection = 'in' | 'out';
export type MailStatus =
  | 'processed' // in: became a case or a message on one
  | 'ignored' // in: auto-reply, bounce, loop, our own mail: kept, acts on nothing
  | 'failed' // in: could not be processed; out: gave up after retries
  | 'queued' // out: waiting to be sent
  | 'held' // out: no SMTP configured: kept in the outbox, readable in the UI
  | 'sent'; // out: accepted by the SMTP server

/**
 * Every mail in and out, with its raw source: the inbox's audit trail, threading's memory
 * (Message-ID -> case) and the outbox (status queued, claimed with SKIP LOCKED).
 */
export const mailMessages = pgTable(
  'mail_messages',
  {
    id: idColumn(),
    direction: text('direction').$type<MailDirection>().notNull(),
    mailboxId: uuid('mailbox_id').references(() => mailboxes.id),
    /** RFC 5322 Message-ID without angle brackets. */
    messageId: text('message_id').notNull(),
    inReplyTo: text('in_reply_to'),
    references: text('references')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    caseId: uuid('case_id').references(() => cases.id),
    /** The case message this mail became (in) or carries (out). */
    caseMessageId: uuid('case_message_id').references(() => messages.id),
    /** A mail of a side conversation (to or from a third party), not of the case's own thread. */
    sideConversationId: uuid('side_conversation_id').references(() => sideConversations.id),
    fromAddress: text('from_address').notNull(),
    fromName: text('from_name'),
    toAddresses: text('to_addresses')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    ccAddresses: text('cc_addresses')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    subject: text('subject').notNull().default(''),
    /** The whole text, quoted history and signature included (the shown message is trimmed). */
    textBody: text('text_body'),
    /** Sanitized HTML body. */
    htmlBody: text('html_body'),
    status: text('status').$type<MailStatus>().notNull(),
    /** Why it was ignored, or the last error. */
    reason: text('reason'),
    attempts: integer('attempts').notNull().default(0),
    runAfter: timestamptz('run_after'),
    sentAt: timestamptz('sent_at'),
    /** The full message as received or as sent (RFC 822 source). */
    raw: bytea('raw'),
    createdAt: createdAt(),
  },
  (t) => [
    // Idempotent: the same mail delivered twice (SMTP retry, IMAP re-poll) is processed once.
    uniqueIndex('mail_messages_direction_message_id_uq').on(t.direction, t.messageId),
    index('mail_messages_message_id').on(t.messageId),
    index('mail_messages_case').on(t.caseId, t.createdAt),
    index('mail_messages_outbox')
      .on(t.runAfter)
      .where(sql`${t.direction} = 'out' and ${t.status} = 'queued'`),
    index('mail_messages_created').on(t.createdAt, t.id),
    check('mail_messages_direction_ck', sql`${t.direction} in ('in', 'out')`),
  ],
);

/**
 * Senders whose mail is set aside (kept as ignored, no case): an address, or `@domain` for a
 * domain and its subdomains. Made when staff mark a case as spam, or by admins.
 */
export const blockedSenders = pgTable(
  'blocked_senders',
  {
    id: idColumn(),
    /** `someone@spam.example` or `@spam.example`, lower-case. */
    pattern: text('pattern').notNull(),
    reason: text('reason'),
    /** The case marked as spam that blocked it, if any. */
    caseId: uuid('case_id'),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('blocked_senders_pattern_uq').on(t.pattern)],
);
