// Staff notifications: made from the domain events (the `notifications` consumer), read and
// marked read by their owner, and e-mailed per the owner's preferences.
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import { notificationSentence } from '../../../shared/notification-text.js';
import type { PromiseKind } from '../../../shared/schemas/cases.js';
import {
  EMAIL_BY_DEFAULT,
  type CaseFollowers,
  type Digest,
  DIGEST_DEFAULTS,
  NOTIFICATION_KINDS,
  type MarkRead,
  type Notification,
  type NotificationKind,
  type NotificationListQuery,
  type NotificationPreferences,
  type NotificationPreferencesUpdate,
} from '../../../shared/schemas/notifications.js';
import type { Actor } from '../../lib/actor.js';
import { forbidden, notFound, unprocessable } from '../../lib/errors.js';
import { assertKnownTimeZone } from '../../lib/time-zones.js';
import { COMPANY_TIME_ZONE } from '../settings/company-time-zone.js';
import { decodeCursor, encodeCursor } from '../../lib/pagination.js';
import { UUID_PATTERN } from '../../lib/uuid.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { consumeDomainEvents, type ConsumedEvent } from '../domain-events/domain-event-consumers.js';
import { mailSettings, queueMails } from '../mail/outbox.js';

// A batch with its e-mails takes ~0.2 s on PGlite, whose one connection it holds meanwhile.
export const NOTIFY_BATCH = 100;

/** The domain events that can notify someone. */
const NOTIFYING = [
  'case.created',
  'case.updated',
  'case.customer_message',
  'case.note_added',
  'case.promise_warning',
  'case.promise_breached',
  'case.side_reply',
] as const;

/**
 * Turns the next domain events into notifications (and their e-mails), exactly once: the
 * `notifications` consumer of domain-event-consumers.ts. Who is told:
 * - `case_assigned`: the new assignee of a case created or changed, unless they did it;
 * - `case_queued`: the members of the team a case was given to with nobody assigned (created or moved);
 * - `customer_replied`: the case's assignee; with nobody assigned, the members of its team;
 * - `note_added`: the case's assignee, unless they wrote it;
 * - `mentioned`: a colleague named in an internal note as @Full Name or @address-before-the-at;
 * - `promise_warning`, `promise_breached`: the case's assignee; unassigned, the members of its team;
 * - `follow_up_due`: a waiting case opened again at its follow-up time, told as a promise is;
 * - `side_reply`: a third party answered a side conversation, told as a customer's message is;
 * - and those following the case: its customer's messages, notes and promises, as the assignee.
 * Only active agents and admins; never about a deleted case. Returns the events read.
 */
export function deliverNotifications(db: Database, limit = NOTIFY_BATCH): Promise<number> {
  return consumeDomainEvents(db, 'notifications', NOTIFYING, limit, async (tx, events) => {
    const made = await insertNotifications(tx, events);
    await mailNotifications(
      tx,
      made.filter((n) => n.mail).map((n) => n.id),
    );
  });
}

/** Whether a notification of `kind` is mailed, per the preferences row `p` (left-joined: maybe none). */
const wantsMail = (kind: string) =>
  sql.raw(
    `coalesce((p.email->>${kind})::boolean, ('${JSON.stringify(EMAIL_BY_DEFAULT)}'::jsonb->>${kind})::boolean, false)`,
  );

/** The zone of the preferences row `p` (left-joined: maybe none): the person's own, else the company's. */
const ZONE = sql`coalesce(p.time_zone, ${COMPANY_TIME_ZONE})`;

/**
 * When the next digest of the preferences row `p` goes: the next top of the hour, or the next
 * `digest_hour` o'clock in its time zone, strictly after now (local time shifted back by the hour,
 * to the day's start, then a day and the hour on: today's when it is still to come, else tomorrow's).
 */
const NEXT_DIGEST = sql`case p.digest
  when 'hourly' then date_trunc('hour', now()) + interval '1 hour'
  else (date_trunc('day', (now() at time zone ${ZONE}) - make_interval(hours => p.digest_hour))
    + interval '1 day' + make_interval(hours => p.digest_hour)) at time zone ${ZONE}
  end`;

/** A column's text as a regular expression that matches it literally. */
const quoted = (column: string) =>
  sql.raw(`regexp_replace(${column}, '([.^$*+?()\\[\\]{}|\\\\-])', '\\\\\\1', 'g')`);

/**
 * For a customer's message, who wrote it when that is not the case's customer (someone on the
 * case's CC list, a colleague in the portal): `{"writer": name}`, else `{}`. The event row `ev`.
 */
const WRITER = sql.raw(`case when ev.type = 'case.customer_message' then coalesce((
    select jsonb_build_object('writer', w.name) from messages m join customers w on w.id = m.author_customer_id
    where m.id = (ev.data->>'messageId')::uuid and w.id <> ev.customer_id), '{}'::jsonb)
  else '{}'::jsonb end`);

/** Makes the events' notifications; returns each new one's id and whether its owner wants it by e-mail. */
async function insertNotifications(
  tx: Database,
  events: ConsumedEvent[],
): Promise<{ id: string; mail: boolean }[]> {
  return rows<{ id: string; mail: boolean }>(
    tx,
    sql`
    with ev as (
      select e.id, e.type, e.actor_id, e.data, e.occurred_at, c.id as case_id, c.assignee_id, c.team_id,
        c.customer_id
      from domain_events e join cases c on c.id = e.entity_id and c.deleted_at is null
      where e.id = any(${sql.param(events.map((e) => e.id))}::uuid[]) and e.entity_type = 'case'
    ), told as (
      select id, case_id, actor_id, occurred_at, 'case_assigned' as kind,
        (data->>'assigneeId')::uuid as user_id, '{}'::jsonb as data
      from ev where type = 'case.created' and data->>'assigneeId' is not null
      union all
      select id, case_id, actor_id, occurred_at, 'case_assigned',
        (data->'changes'->'assigneeId'->>'to')::uuid, '{}'::jsonb
      from ev where type = 'case.updated' and data->'changes'->'assigneeId'->>'to' is not null
      union all
      -- A case given to a team with nobody assigned (new, or moved there): the team's members.
      select ev.id, ev.case_id, ev.actor_id, ev.occurred_at, 'case_queued', m.user_id, '{}'::jsonb
      from ev join team_members m on m.team_id = ev.team_id
      where ev.assignee_id is null and (
        (ev.type = 'case.created' and ev.data->>'teamId' is not null and ev.data->>'assigneeId' is null)
        or (ev.type = 'case.updated' and ev.data->'changes'->'teamId'->>'to' = ev.team_id::text))
      union all
      -- The assignee; a customer's message on a case with nobody assigned, its team's members.
      select ev.id, ev.case_id, ev.actor_id, ev.occurred_at,
        case ev.type when 'case.customer_message' then 'customer_replied' else 'note_added' end,
        coalesce(ev.assignee_id, m.user_id), ${WRITER}
      from ev left join team_members m
        on ev.assignee_id is null and ev.type = 'case.customer_message' and m.team_id = ev.team_id
      where ev.type in ('case.customer_message', 'case.note_added')
        and coalesce(ev.assignee_id, m.user_id) is not null
      union all
      -- Those following the case hear what its assignee hears (but not its assignment).
      select ev.id, ev.case_id, ev.actor_id, ev.occurred_at,
        case ev.type when 'case.customer_message' then 'customer_replied' when 'case.note_added' then 'note_added'
          when 'case.promise_warning' then 'promise_warning' else 'promise_breached' end,
        f.user_id,
        case when ev.type in ('case.promise_warning', 'case.promise_breached')
          then jsonb_build_object('promise', ev.data->>'kind', 'dueAt', ev.data->>'dueAt') else ${WRITER} end
      from ev join case_followers f on f.case_id = ev.case_id
      where ev.type in ('case.customer_message', 'case.note_added', 'case.promise_warning', 'case.promise_breached')
      union all
      -- "@Ava Agent" or "@ava" (the address before the @) in a note, not followed by a letter or digit,
      -- nor by a dot or hyphen and one: "@ava." ends a sentence, "@ava.lee" names someone else.
      select ev.id, ev.case_id, ev.actor_id, ev.occurred_at, 'mentioned', s.id, '{}'::jsonb
      from ev join messages m on m.id = (ev.data->>'messageId')::uuid
      join users s on s.role in ('agent', 'admin') and s.deleted_at is null
        and m.body ~* ('@(' || ${quoted('s.name')} || '|' || ${quoted("split_part(s.email, '@', 1)")} || ')(?![[:alnum:]_]|[.-][[:alnum:]_])')
      where ev.type = 'case.note_added' and position('@' in m.body) > 0
      union all
      select ev.id, ev.case_id, ev.actor_id, ev.occurred_at,
        case ev.type when 'case.promise_warning' then 'promise_warning' else 'promise_breached' end,
        coalesce(ev.assignee_id, m.user_id),
        jsonb_build_object('promise', ev.data->>'kind', 'dueAt', ev.data->>'dueAt')
      from ev left join team_members m on ev.assignee_id is null and m.team_id = ev.team_id
      where ev.type in ('case.promise_warning', 'case.promise_breached')
        and coalesce(ev.assignee_id, m.user_id) is not null
      union all
      -- A waiting case opened again at its follow-up time: the assignee (nobody assigned: the
      -- team's members) and those following it.
      select ev.id, ev.case_id, ev.actor_id, ev.occurred_at, 'follow_up_due', coalesce(ev.assignee_id, m.user_id), '{}'::jsonb
      from ev left join team_members m on ev.assignee_id is null and m.team_id = ev.team_id
      where ev.type = 'case.updated' and ev.data->>'reason' = 'follow_up'
        and coalesce(ev.assignee_id, m.user_id) is not null
      union all
      select ev.id, ev.case_id, ev.actor_id, ev.occurred_at, 'follow_up_due', f.user_id, '{}'::jsonb
      from ev join case_followers f on f.case_id = ev.case_id
      where ev.type = 'case.updated' and ev.data->>'reason' = 'follow_up'
      union all
      -- A third party answered a side conversation: told as a customer's message is.
      select ev.id, ev.case_id, ev.actor_id, ev.occurred_at, 'side_reply', coalesce(ev.assignee_id, m.user_id),
        jsonb_build_object('writer', ev.data->>'from')
      from ev left join team_members m on ev.assignee_id is null and m.team_id = ev.team_id
      where ev.type = 'case.side_reply' and coalesce(ev.assignee_id, m.user_id) is not null
      union all
      select ev.id, ev.case_id, ev.actor_id, ev.occurred_at, 'side_reply', f.user_id,
        jsonb_build_object('writer', ev.data->>'from')
      from ev join case_followers f on f.case_id = ev.case_id
      where ev.type = 'case.side_reply'
    ), made as (
    -- One notification per event and person: a mention says more than "a note on your case".
    -- Its e-mail is decided here: at once (returned as mail), in a digest (mail_due_at), or none.
    insert into notifications (id, user_id, kind, case_id, actor_id, domain_event_id, data, created_at, mail_due_at)
    select distinct on (t.id, t.user_id)
      gen_random_uuid(), t.user_id, t.kind, t.case_id, t.actor_id, t.id, t.data, t.occurred_at,
      case when ${wantsMail('t.kind')} and p.digest <> 'none' then ${NEXT_DIGEST} end
    from told t join users u on u.id = t.user_id
    left join notification_preferences p on p.user_id = t.user_id
    where u.deleted_at is null and u.active and u.role in ('agent', 'admin')
      and t.actor_id is distinct from t.user_id
    order by t.id, t.user_id, t.kind = 'mentioned' desc
    on conflict (domain_event_id, user_id) do nothing
    returning id, user_id, kind, mail_due_at
    )
    -- Decided here, so that a batch nobody wants mail of reads nothing more.
    select made.id, ${wantsMail('made.kind')} and made.mail_due_at is null as mail
    from made left join notification_preferences p on p.user_id = made.user_id`,
  );
}

/** Notifications are kept this long, read or not (the list is news, not an archive: the case keeps its history). */
export const NOTIFICATIONS_KEPT_DAYS = 90;
export const PRUNE_BATCH = 5_000;

/** Deletes notifications older than NOTIFICATIONS_KEPT_DAYS, oldest first, a batch at a time. */
export async function pruneNotifications(db: Database, limit = PRUNE_BATCH): Promise<number> {
  const done = await rows<{ n: number }>(
    db,
    sql`with old as (
        select id from notifications
        where created_at < now() - make_interval(days => ${NOTIFICATIONS_KEPT_DAYS})
        order by created_at limit ${limit}
      ), gone as (delete from notifications n using old where n.id = old.id returning 1)
      select count(*)::int as n from gone`,
  );
  return done[0]?.n ?? 0;
}

interface MailRow {
  kind: NotificationKind;
  email: string;
  name: string;
  case_id: string;
  number: number;
  subject: string;
  actor_name: string | null;
  customer_name: string | null;
  data: { promise?: PromiseKind; dueAt?: string; writer?: string };
  /** The person's zone (their preferences; until they choose one, the company's, else UTC). */
  time_zone: string;
}

/** The e-mails of these new notifications, whose owners want them (queued in this transaction). */
async function mailNotifications(tx: Database, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const found = await rows<MailRow>(
    tx,
    sql`select n.kind, u.email, u.name, c.id as case_id, c.number, c.subject,
        a.name as actor_name, coalesce(n.data->>'writer', cu.name) as customer_name, n.data,
        ${ZONE} as time_zone
      from notifications n
      join users u on u.id = n.user_id
      join cases c on c.id = n.case_id
      left join notification_preferences p on p.user_id = n.user_id
      left join customers cu on cu.id = c.customer_id
      left join users a on a.id = n.actor_id and a.role <> 'customer'
      where n.id = any(${sql.param(ids)}::uuid[])
      order by n.created_at, n.id`,
  );
  const { publicUrl } = mailSettings();
  await queueMails(
    tx,
    found.map((n) => {
      const sentence = sentenceOf(n);
      return {
        to: n.email,
        toName: n.name,
        subject: `[#${n.number}] ${sentence}: ${n.subject}`,
        text: `${sentence}${dueText(n, true)}.\n\n#${n.number} ${n.subject}\n${publicUrl}/cases/${n.case_id}\n\n${MAIL_FOOTER(publicUrl)}`,
        autoSubmitted: true,
      };
    }),
  );
}

/** Notifications belong to a signed-in agent or admin; returns whose. */
function ownerOf(actor: Actor): string {
  if (!actor.userId || (actor.role !== 'agent' && actor.role !== 'admin'))
    throw forbidden('notifications are for agents and admins');
  return actor.userId;
}

const EXCERPT_LENGTH = 140;

/** The start of a message on one line: what a notification says was written. */
export function excerptOf(body: string | null): string | null {
  if (body === null) return null;
  const line = body.replace(/\s+/g, ' ').trim();
  if (!line) return null;
  return line.length <= EXCERPT_LENGTH ? line : `${line.slice(0, EXCERPT_LENGTH - 1).trimEnd()}…`;
}

interface NotificationRow {
  id: string;
  kind: NotificationKind;
  case_id: string;
  number: number;
  subject: string;
  status: string;
  customer_name: string | null;
  actor_id: string | null;
  actor_name: string | null;
  data: { promise?: PromiseKind; dueAt?: string; writer?: string };
  body: string | null;
  created_at: string;
  read_at: string | null;
  sort: string;
}

const iso = (t: string | null) => (t === null ? null : new Date(t).toISOString());

/** The actor's own notifications, newest first. */
export async function listNotifications(
  db: Database,
  actor: Actor,
  q: NotificationListQuery,
): Promise<{ items: Notification[]; nextCursor: string | null }> {
  const owner = ownerOf(actor);
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const found = await rows<NotificationRow>(
    db,
    sql`select n.id, n.kind, n.case_id, c.number, c.subject, c.status, cu.name as customer_name,
        n.actor_id, a.name as actor_name, n.data, left(m.body, 400) as body, n.created_at, n.read_at,
        n.created_at::text as sort
      from notifications n
      join cases c on c.id = n.case_id
      left join customers cu on cu.id = c.customer_id
      left join users a on a.id = n.actor_id and a.role <> 'customer'
      -- What was written, read through the event that caused it: never copied, so an edit or an
      -- erasure of the message shows here too.
      left join domain_events de on de.id = n.domain_event_id
        and n.kind in ('customer_replied', 'note_added', 'mentioned', 'side_reply')
      left join messages m on m.id = case when de.data->>'messageId' ~* ${UUID_PATTERN}
        then (de.data->>'messageId')::uuid end
      where n.user_id = ${owner}
        ${q.unread ? sql`and n.read_at is null` : sql``}
        ${after ? sql`and (n.created_at, n.id) < (${after.value}::timestamptz, ${after.id}::uuid)` : sql``}
      order by n.created_at desc, n.id desc
      limit ${q.limit + 1}`,
  );
  const more = found.length > q.limit;
  const items = found.slice(0, q.limit);
  const last = items[items.length - 1];
  return {
    items: items.map((n) => ({
      id: n.id,
      kind: n.kind,
      case: {
        id: n.case_id,
        number: n.number,
        subject: n.subject,
        status: n.status,
        customerName: n.customer_name,
      },
      actor: n.actor_id && n.actor_name ? { id: n.actor_id, name: n.actor_name } : null,
      writerName: n.data.writer ?? null,
      excerpt: excerptOf(n.body),
      promise: n.data.promise ?? null,
      dueAt: n.data.dueAt ? new Date(n.data.dueAt).toISOString() : null,
      createdAt: iso(n.created_at)!,
      readAt: iso(n.read_at),
    })),
    nextCursor: more && last ? encodeCursor(last.sort, last.id) : null,
  };
}

export async function countUnread(db: Database, actor: Actor): Promise<{ unread: number }> {
  const owner = ownerOf(actor);
  const [r] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from notifications where user_id = ${owner} and read_at is null`,
  );
  return { unread: r?.n ?? 0 };
}

/** Marks the actor's own notifications read: the ids given (others' ids change nothing), a case's, or all. */
export async function markRead(db: Database, actor: Actor, input: MarkRead): Promise<{ marked: number }> {
  const owner = ownerOf(actor);
  const which =
    'ids' in input
      ? sql`and id = any(${sql.param(input.ids)}::uuid[])`
      : 'caseId' in input
        ? sql`and case_id = ${input.caseId}`
        : sql``;
  const done = await rows<{ n: number }>(
    db,
    sql`with marked as (
        update notifications set read_at = now()
        where user_id = ${owner} and read_at is null ${which}
        returning 1
      ) select count(*)::int as n from marked`,
  );
  return { marked: done[0]?.n ?? 0 };
}

/** The case's followers, and whether the actor is one; 404 for a case that is not there. */
export async function listFollowers(db: Database, actor: Actor, caseId: string): Promise<CaseFollowers> {
  const owner = ownerOf(actor);
  await assertCase(db, caseId);
  const found = await rows<{ user_id: string; name: string }>(
    db,
    sql`select f.user_id, u.name from case_followers f join users u on u.id = f.user_id
      where f.case_id = ${caseId} and u.deleted_at is null order by u.name, u.id`,
  );
  return {
    items: found.map((f) => ({ userId: f.user_id, name: f.name })),
    following: found.some((f) => f.user_id === owner),
  };
}

/** Follow (or stop following) a case: idempotent; recorded on the user's audit trail. */
export async function setFollowing(
  db: Database,
  actor: Actor,
  caseId: string,
  follow: boolean,
): Promise<CaseFollowers> {
  const owner = ownerOf(actor);
  await db.transaction(async (tx) => {
    await assertCase(tx, caseId);
    const changed = await rows<{ case_id: string }>(
      tx,
      follow
        ? sql`insert into case_followers (case_id, user_id) values (${caseId}, ${owner})
            on conflict do nothing returning case_id`
        : sql`delete from case_followers where case_id = ${caseId} and user_id = ${owner} returning case_id`,
    );
    if (changed.length > 0)
      await recordDomainEvent(tx, actor, {
        type: follow ? 'user.case_followed' : 'user.case_unfollowed',
        entityType: 'user',
        entityId: owner,
        data: { caseId },
      });
  });
  return listFollowers(db, actor, caseId);
}

async function assertCase(db: Database, caseId: string) {
  const [c] = await rows<{ id: string }>(
    db,
    sql`select id from cases where id = ${caseId} and deleted_at is null`,
  );
  if (!c) throw notFound('case');
}

/**
 * Whose notification settings a request reads or changes: the caller's own, or (an admin's
 * request naming `userId`) another agent's or admin's. A customer's login has none.
 */
async function settingsOwner(db: Database, actor: Actor, userId: string | undefined): Promise<string> {
  const own = ownerOf(actor);
  if (userId === undefined || userId === own) return own;
  if (actor.role !== 'admin') throw forbidden('only admins change the notification settings of others');
  const [user] = await rows<{ role: string }>(
    db,
    sql`select role from users where id = ${userId} and deleted_at is null`,
  );
  if (!user) throw notFound('user');
  if (user.role !== 'agent' && user.role !== 'admin')
    throw unprocessable('not_staff', 'notifications are for agents and admins: this user is a customer');
  return userId;
}

/** The notification settings of the caller, or (admins) of the agent or admin `userId`. */
export async function getPreferences(
  db: Database,
  actor: Actor,
  userId?: string,
): Promise<NotificationPreferences> {
  const owner = await settingsOwner(db, actor, userId);
  const [p] = await rows<{
    email: Partial<Record<NotificationKind, boolean>> | null;
    digest: Digest | null;
    digest_hour: number | null;
    own_zone: boolean;
    time_zone: string;
  }>(
    db,
    sql`select p.email, p.digest, p.digest_hour, p.time_zone is not null as own_zone, ${ZONE} as time_zone
      from (select 1) one left join notification_preferences p on p.user_id = ${owner}`,
  );
  return {
    email: Object.fromEntries(
      NOTIFICATION_KINDS.map((k) => [k, p?.email?.[k] ?? EMAIL_BY_DEFAULT[k]]),
    ) as Record<NotificationKind, boolean>,
    digest: p?.digest ?? DIGEST_DEFAULTS.digest,
    digestHour: p?.digest_hour ?? DIGEST_DEFAULTS.digestHour,
    timeZone: p?.time_zone ?? 'UTC',
    ownTimeZone: p?.own_zone ?? false,
  };
}

/** Changes what it names of the caller's settings, or (admins) those of `userId`; recorded as done by the caller. */
export async function updatePreferences(
  db: Database,
  actor: Actor,
  input: NotificationPreferencesUpdate,
  userId?: string,
): Promise<NotificationPreferences> {
  const owner = await settingsOwner(db, actor, userId);
  await db.transaction(async (tx) => {
    // The browser's zone list and the database's may differ: the database must know it.
    if (input.timeZone) await assertKnownTimeZone(tx, input.timeZone, 'body.timeZone');
    await tx.execute(
      sql`insert into notification_preferences as p (user_id, email, digest, digest_hour, time_zone)
        values (${owner}, ${JSON.stringify(input.email ?? {})}::jsonb, ${input.digest ?? DIGEST_DEFAULTS.digest},
          ${input.digestHour ?? DIGEST_DEFAULTS.digestHour}, ${input.timeZone ?? null})
        on conflict (user_id) do update set email = p.email || excluded.email,
          digest = ${input.digest === undefined ? sql`p.digest` : sql`excluded.digest`},
          digest_hour = ${input.digestHour === undefined ? sql`p.digest_hour` : sql`excluded.digest_hour`},
          time_zone = ${input.timeZone === undefined ? sql`p.time_zone` : sql`excluded.time_zone`},
          updated_at = now()`,
    );
    // What waits for a digest goes by the new choice: at the next digest, or (none) in one mail now.
    await tx.execute(
      sql`update notifications n set mail_due_at = case p.digest when 'none' then now() else ${NEXT_DIGEST} end
        from notification_preferences p
        where p.user_id = ${owner} and n.user_id = ${owner} and n.mail_due_at is not null`,
    );
    await recordDomainEvent(tx, actor, {
      type: 'user.notification_preferences_updated',
      entityType: 'user',
      entityId: owner,
      data: input,
    });
  });
  return getPreferences(db, actor, owner);
}

/**
 * The company's time zone changed (Settings): the daily digests waiting for those who follow it
 * go at their hour in the new zone. In the transaction that saves the setting.
 */
export async function rescheduleCompanyZoneDigests(tx: Database): Promise<void> {
  await tx.execute(
    sql`update notifications n set mail_due_at = ${NEXT_DIGEST}
      from notification_preferences p
      where p.user_id = n.user_id and p.time_zone is null and p.digest = 'daily' and n.mail_due_at is not null`,
  );
}

/** Users whose digest is due, per run (each gets one mail). */
export const DIGEST_BATCH = 50;

interface DigestRow extends MailRow {
  user_id: string;
  created_at: string;
  send: boolean;
}

/**
 * Sends the digests that are due: for each person (at most `limit`), one mail of all their
 * notifications waiting for a digest that are still unread and of a kind they still want by
 * e-mail; those read meanwhile are dropped. Exactly once with several nodes: taking a person's
 * waiting notifications clears them in one statement, and a node that meets rows another has
 * just taken finds them cleared. Returns the people served.
 */
export async function sendDigests(db: Database, limit = DIGEST_BATCH): Promise<number> {
  return db.transaction(async (tx) => {
    const taken = await rows<DigestRow>(
      tx,
      sql`with due as (
          select distinct user_id from notifications where mail_due_at <= now() limit ${limit}
        ), taken as (
          update notifications n set mail_due_at = null from due
          where n.user_id = due.user_id and n.mail_due_at is not null
          returning n.id, n.user_id, n.kind, n.case_id, n.actor_id, n.data, n.read_at, n.created_at
        )
        select t.user_id, t.kind, u.email, u.name, ${ZONE} as time_zone,
          c.id as case_id, c.number, c.subject, a.name as actor_name,
          coalesce(t.data->>'writer', cu.name) as customer_name, t.data, t.created_at,
          t.read_at is null and u.active and u.deleted_at is null and c.deleted_at is null
            and ${wantsMail('t.kind')} as send
        from taken t
        join users u on u.id = t.user_id
        join cases c on c.id = t.case_id
        left join notification_preferences p on p.user_id = t.user_id
        left join customers cu on cu.id = c.customer_id
        left join users a on a.id = t.actor_id and a.role <> 'customer'
        order by t.user_id, t.created_at, t.id`,
    );
    const people = new Map<string, DigestRow[]>();
    for (const r of taken) {
      const mine = people.get(r.user_id) ?? [];
      if (r.send) mine.push(r);
      people.set(r.user_id, mine);
    }
    const { publicUrl } = mailSettings();
    await queueMails(
      tx,
      [...people.values()].filter((items) => items.length > 0).map((items) => digestMail(items, publicUrl)),
    );
    return people.size;
  });
}

/** The words of a notification, as the app says them ("Ava Agent assigned this case to you"). */
const sentenceOf = (n: MailRow) =>
  notificationSentence({
    kind: n.kind,
    actorName: n.actor_name,
    customerName: n.customer_name,
    promise: n.data.promise ?? null,
  });

const formats = new Map<string, Intl.DateTimeFormat>();
/** A time as mails write it, in `zone` ("4 Dec 2026, 10:30"). */
function timeIn(zone: string, at: Date | string): string {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' });
    formats.set(zone, format);
  }
  return format.format(new Date(at));
}

/** A promise's due time, in the person's zone (named, unless the mail says it once for all). */
const dueText = (n: MailRow, nameZone: boolean) =>
  n.data.dueAt ? ` (due ${timeIn(n.time_zone, n.data.dueAt)}${nameZone ? ` ${n.time_zone}` : ''})` : '';

const MAIL_FOOTER = (publicUrl: string) =>
  `You get this mail because of your notification settings: ${publicUrl}/account`;

/** One person's digest: their unread notifications case by case, oldest first, times in their zone. */
function digestMail(items: DigestRow[], publicUrl: string) {
  const first = items[0]!;
  const byCase = new Map<string, DigestRow[]>();
  for (const n of items) byCase.set(n.case_id, [...(byCase.get(n.case_id) ?? []), n]);
  const blocks = [...byCase.values()].map((ns) => {
    const c = ns[0]!;
    const lines = ns.map(
      (n) => `- ${timeIn(first.time_zone, n.created_at)}: ${sentenceOf(n)}${dueText(n, false)}`,
    );
    return `#${c.number} ${c.subject}\n${lines.join('\n')}\n${publicUrl}/cases/${c.case_id}`;
  });
  const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  return {
    to: first.email,
    toName: first.name,
    subject: `Steward: ${count(items.length, 'notification')} on ${count(byCase.size, 'case')}`,
    text:
      `Still unread (times in ${first.time_zone}):\n\n${blocks.join('\n\n')}\n\n` +
      `All of them: ${publicUrl}/notifications\n\n${MAIL_FOOTER(publicUrl)}`,
    autoSubmitted: true,
  };
}

/**
 * A case merged into another hands its followers over (those following both stay once): they
 * followed the customer's matter, which goes on in the surviving case. Returns how many moved.
 */
export async function moveFollowers(tx: Database, fromCaseId: string, toCaseId: string): Promise<number> {
  const moved = await rows<{ n: number }>(
    tx,
    sql`with gone as (delete from case_followers where case_id = ${fromCaseId} returning user_id, created_at),
      added as (insert into case_followers (case_id, user_id, created_at)
        select ${toCaseId}, user_id, created_at from gone on conflict do nothing returning 1)
      select count(*)::int as n from added`,
  );
  return moved[0]?.n ?? 0;
}
