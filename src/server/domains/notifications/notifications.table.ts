import { sql } from 'drizzle-orm';
import {
  check,
  index,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, idColumn, timestamptz, updatedAt, writingTx } from '../../../db/columns.js';
import { users } from '../auth/auth.table.js';
import { cases } from '../cases/cases.table.js';
import {
  DIGESTS,
  DIGEST_DEFAULTS,
  NOTIFICATION_KINDS,
  type Digest,
  type NotificationKind,
} from '../../../shared/schemas/notifications.js';

/**
 * What a staff member is told about: a case assigned to them, a customer's message or a
 * colleague's note on their case, a promise of their case (or, unassigned, of their team's) about
 * to be missed or missed. Made from the domain events by the `notifications` consumer.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: idColumn(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind').$type<NotificationKind>().notNull(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    /** Who caused it (null: Steward itself, or a customer). */
    actorId: uuid('actor_id'),
    /** The domain event it comes from: one notification per event and person. */
    domainEventId: uuid('domain_event_id').notNull(),
    /** Kind-specific: the promise (`promise`, `dueAt`) of a warning or breach. */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    readAt: timestamptz('read_at'),
    /** When its e-mail goes in its owner's digest (null: mailed at once, not mailed, or sent). */
    mailDueAt: timestamptz('mail_due_at'),
    /** Its transaction: the live stream tells each node's signed-in people of new ones (live-hub.ts). */
    tx: writingTx(),
  },
  (t) => [
    uniqueIndex('notifications_event_user_uq').on(t.domainEventId, t.userId),
    index('notifications_user').on(t.userId, t.createdAt, t.id),
    index('notifications_user_unread')
      .on(t.userId)
      .where(sql`${t.readAt} is null`),
    index('notifications_case').on(t.caseId),
    index('notifications_tx').on(t.tx),
    // The digest job's due ones.
    index('notifications_mail_due')
      .on(t.mailDueAt)
      .where(sql`${t.mailDueAt} is not null`),
    // The prune job's oldest-first walk.
    index('notifications_created').on(t.createdAt),
    check(
      'notifications_kind_ck',
      sql.raw(`kind in (${NOTIFICATION_KINDS.map((k) => `'${k}'`).join(', ')})`),
    ),
  ],
);

/** Which kinds a staff member also gets by e-mail; a kind not named takes its default. */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id),
    email: jsonb('email').$type<Partial<Record<NotificationKind, boolean>>>().notNull().default({}),
    /** Each e-mail at once (`none`), or one digest an hour or a day (DIGESTS). */
    digest: text('digest').$type<Digest>().notNull().default(DIGEST_DEFAULTS.digest),
    /** The daily digest's hour, in `time_zone`. */
    digestHour: smallint('digest_hour').notNull().default(DIGEST_DEFAULTS.digestHour),
    /** The zone of the daily digest and of the times in the mails (null: the company's, Settings). */
    timeZone: text('time_zone'),
    updatedAt: updatedAt(),
  },
  (t) => [
    check(
      'notification_preferences_digest_ck',
      sql.raw(`digest in (${DIGESTS.map((d) => `'${d}'`).join(', ')})`),
    ),
    check('notification_preferences_hour_ck', sql`${t.digestHour} between 0 and 23`),
  ],
);

/** Staff following a case they are not (only) assigned to: told of its messages, notes and promises. */
export const caseFollowers = pgTable(
  'case_followers',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.userId], name: 'case_followers_pk' }),
    index('case_followers_user').on(t.userId),
  ],
);
