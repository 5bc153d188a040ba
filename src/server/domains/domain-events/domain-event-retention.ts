// Audit trail retention: domain events recorded (occurred) longer ago than the
// `domainEventRetentionDays` setting are removed, in batches, by a background job (default: kept
// for ever). The audit log, case timelines and customer and organization histories then begin
// at the cutoff. KPIs, webhook deliveries and the personal-data export read none of them.
//
// What stays, and why (each reader of domain_events was checked):
// - anything a consumer (notifications, outgoing webhooks) has not read yet: an event after the
//   lowest consumer cursor is never removed, so no webhook or notification is lost however far
//   behind a consumer is (webhook deliveries carry their own copy of the payload once queued);
//   the cursor of a consumer Steward no longer has (not in DOMAIN_EVENT_CONSUMERS) holds nothing;
// - the changes of a case not yet closed (and not deleted): its timeline stays whole while
//   someone may still work on it; once closed, its old changes go like the rest;
// - the deletion of a case still deleted (`case.deleted`: the Deleted cases list shows who and
//   why), and a customer's deletion made with a case still deleted (`customer.deleted` with its
//   `caseId`: restoring the case brings the customer and their login back from it);
// - an event a notification points at (`notifications.domain_event_id`: the list shows the
//   message through it); notifications go after 90 days, so this holds little;
// - for ever, the records that a person's data-protection request was answered (KEPT_FOR_EVER):
//   `customer.erased` (art. 17: whose data, when, by whom, what it touched) and
//   `customer.personal_data_exported` (art. 15: whose copy, when, by whom). They are the proof an
//   audit asks for long after; they hold only ids, counts and the actor, no personal data (the
//   erased customer's row reads "Erased customer"). The list exports (`export.*`) and the
//   changes an erasure made on the way (cases closed, signals dismissed) are not such proof.
// What goes, and what it costs: the rest of the trail, including `conversation.logged` (a
// conversation's externalId sent again after its record was removed is logged again: duplicates
// are recognised for as long as the record is kept, at least 90 days) and `export.*` (who took
// which list when).
//
// Found through `domain_events_occurred` (occurred_at, id), oldest first; the kept ones are
// told by the row's own type or probed by primary key or unique index (cases, notifications),
// never scanned.
//
// Read on from where the last batch stopped (POSITION_KEY, a row of `settings` that is not a
// setting), not from the oldest each time: what is kept piles up at the head of the index (open
// cases' old changes, deletions still undone, erasures), and starting there every batch, every
// 10 minutes, read all of it again to find the few new ones (50,000 kept: 50,000 rows and
// 197,000 pages read, 120-180 ms, for nothing; from the position: 3 pages; docs/performance.md).
// Something kept may be removable later (its case closed, a consumer read it, its case
// restored), and the position has passed it: so once a day (PASS_MS) a new pass starts from the
// oldest again. What became removable goes at most a day late, against a retention of 90 days or
// more. Several nodes: each batch claims with SKIP LOCKED from the position it read; the position
// only moves forward within a pass (a batch that ends behind another's does not move it back),
// and a row skipped as locked by someone else is that transaction's, or the next pass's.
import { sql } from 'drizzle-orm';
import type { DomainEventType } from '../../../shared/schemas/audit.js';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { UUID_PATTERN } from '../../lib/uuid.js';
import { SETTINGS_ENTITY_ID, readSettings } from '../settings/settings.service.js';
import { DOMAIN_EVENT_CONSUMERS } from './domain-event-consumers.js';
import { recordDomainEvent } from './domain-events.repo.js';

export const DOMAIN_EVENT_RETENTION_BATCH = 5_000;
/** Never removed: the proof a data-protection request was answered (see the top of this file). */
export const KEPT_FOR_EVER: readonly DomainEventType[] = [
  'customer.erased',
  'customer.personal_data_exported',
];
const DAY_MS = 86_400_000;
/** The settings row holding where the last batch stopped: {pass, occurredAt, id}. */
export const POSITION_KEY = '_domainEventRetentionPosition';
/** A pass reads on from its position for this long; then the next begins from the oldest. */
export const PASS_MS = DAY_MS;
const NO_ID = '00000000-0000-0000-0000-000000000000';

/** Changes recorded before this moment may be removed: `retentionDays` ago. Null: keep every one. */
export function domainEventCutoff(retentionDays: number | null, now: Date): Date | null {
  return retentionDays === null ? null : new Date(now.getTime() - retentionDays * DAY_MS);
}

/**
 * Removes up to `limit` domain events recorded before the retention cutoff, after where the last
 * batch of this pass stopped, keeping those described at the top of this file; moves the
 * position on. Writes one `settings.audit_entries_removed` domain event
 * (how many, recorded before when) in the same transaction. Claims with SKIP LOCKED: safe on any
 * number of nodes. Returns how many it removed.
 */
export async function removeOldDomainEvents(
  db: Database,
  limit = DOMAIN_EVENT_RETENTION_BATCH,
  now = new Date(),
): Promise<number> {
  const { domainEventRetentionDays } = await readSettings(db);
  const cutoff = domainEventCutoff(domainEventRetentionDays, now);
  if (!cutoff) return 0;
  return db.transaction(async (tx) => {
    // The lowest cursor of a consumer there is: everything after it is still to be read by
    // someone (a removed consumer's cursor is read by no one). Read without a lock: a consumer
    // only moves forward, so a cursor read now is never too far on.
    const [behind] = await rows<{ tx: string; id: string }>(
      tx,
      sql`select tx::text, id from domain_event_cursors
        where consumer in (${sql.join(
          DOMAIN_EVENT_CONSUMERS.map((c) => sql`${c}`),
          sql`, `,
        )})
        order by tx, id limit 1`,
    );
    // Where the last batch of this pass stopped: everything before it was removed or kept then.
    const [stored] = await rows<{ pass: string; at: string; id: string }>(
      tx,
      sql`select value ->> 'pass' as pass, value ->> 'occurredAt' as at, value ->> 'id' as id
        from settings where key = ${POSITION_KEY}`,
    );
    const from = stored && Date.parse(stored.pass) > now.getTime() - PASS_MS ? stored : null;
    const pass = from?.pass ?? now.toISOString();
    const [removed] = await rows<{ n: number; last_at: string | null; last_id: string | null }>(
      tx,
      sql`
      with old as (
        select e.id, e.occurred_at from domain_events e
        where e.occurred_at < ${cutoff.toISOString()}::timestamptz
          ${
            // The plain range too: the planner estimates the row comparison alone so loosely that it
            // would rather walk all of domain_events_entity.
            from
              ? sql`and e.occurred_at >= ${from.at}::timestamptz
                and (e.occurred_at, e.id) > (${from.at}::timestamptz, ${from.id}::uuid)`
              : sql``
          }
          ${behind ? sql`and (e.tx, e.id) <= (${behind.tx}::xid8, ${behind.id}::uuid)` : sql``}
          and e.type <> all(${sql.param(KEPT_FOR_EVER)}::text[])
          and not exists (select 1 from notifications n where n.domain_event_id = e.id)
          and not (e.entity_type = 'case' and exists (select 1 from cases c where c.id = e.entity_id
            and ((c.status <> 'closed' and c.deleted_at is null)
              or (e.type = 'case.deleted' and c.deleted_at is not null and c.merged_into_id is null))))
          and not (e.type = 'customer.deleted' and exists (select 1 from cases c
            where c.id = case when e.data ->> 'caseId' ~* ${UUID_PATTERN} then (e.data ->> 'caseId')::uuid end
              and c.deleted_at is not null and c.merged_into_id is null))
        order by e.occurred_at, e.id limit ${limit}
        for update skip locked
      ), gone as (
        delete from domain_events e using old where e.id = old.id returning 1
      ), last as (
        select to_json(occurred_at) #>> '{}' as at, id from old order by occurred_at desc, id desc limit 1
      )
      select (select count(*)::int from gone) as n, (select at from last) as last_at,
        (select id from last) as last_id`,
    );
    const n = removed?.n ?? 0;
    // A full batch stops at its last row; a short one read everything up to the cutoff.
    const to =
      n >= limit && removed?.last_at && removed.last_id
        ? { at: removed.last_at, id: removed.last_id }
        : { at: cutoff.toISOString(), id: NO_ID };
    await tx.execute(sql`insert into settings (key, value)
      values (${POSITION_KEY}, jsonb_build_object('pass', ${pass}::text, 'occurredAt', ${to.at}::text, 'id', ${to.id}::text))
      on conflict (key) do update set value = excluded.value, updated_at = now()
      where (excluded.value ->> 'pass')::timestamptz > (settings.value ->> 'pass')::timestamptz
        or ((excluded.value ->> 'pass')::timestamptz = (settings.value ->> 'pass')::timestamptz
          and ((excluded.value ->> 'occurredAt')::timestamptz, (excluded.value ->> 'id')::uuid)
            > ((settings.value ->> 'occurredAt')::timestamptz, (settings.value ->> 'id')::uuid))`);
    if (n > 0)
      await recordDomainEvent(tx, SYSTEM_ACTOR, {
        type: 'settings.audit_entries_removed',
        entityType: 'settings',
        entityId: SETTINGS_ENTITY_ID,
        data: { count: n, occurredBefore: cutoff.toISOString(), reason: 'retention' },
      });
    return n;
  });
}
