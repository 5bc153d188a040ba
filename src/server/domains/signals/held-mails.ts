// Customer mails held back while a feed is broken. An absence rule fires when an awaited event
// does not come ("not scanned for 48 h"); when the source that sends that event has gone silent
// (see events/source-silence.ts), the event may well have happened and only its report is
// missing. The signal is still written and its other actions run (a proactive case is opened, the
// team is told: people look), but its `notify_customer` actions wait: until the source has been
// speaking again for RESUME_GRACE_MINUTES (time to replay its backlog, which resolves the signals
// whose event did happen and skips their mails), looked at again every HOLD_RECHECK_MINUTES.
// Which source sends the awaited event is what each source has sent so far (`event_sources.
// event_types`, kept by the ingest). The first time an action is held it gets a reason and a
// domain event (`signal.action_held`); the action runner never takes a held one (firstPending).
// Staff may send a held mail anyway (sendHeldMailNow in signals.service.ts): it is not held again.
import { sql, type SQL } from 'drizzle-orm';
import { domainEventType } from '../../../shared/schemas/audit.js';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { RESUME_GRACE_MINUTES } from '../../../shared/schemas/events.js';
import { COMPANY_TIME_ZONE } from '../settings/company-time-zone.js';

export { RESUME_GRACE_MINUTES };
/** A held mail is looked at again this often. */
export const HOLD_RECHECK_MINUTES = 5;

/** The event types whose absence says nothing now: those of sources silent or just resumed. */
export async function heldEventTypes(db: Database): Promise<string[]> {
  const found = await rows<{ types: string[] | null }>(
    db,
    sql`
    select array_agg(distinct t) as types
    from event_sources, unnest(event_types) t
    where deleted_at is null and active
      and (silent_since is not null or resumed_at > now() - make_interval(mins => ${RESUME_GRACE_MINUTES}))`,
  );
  return found[0]?.types ?? [];
}

/** The event types a rule's definition (`def`, jsonb) awaits: `expect.type`, one or a list. */
const awaitedTypes = (def: SQL) => sql`(case jsonb_typeof(${def} -> 'expect' -> 'type')
  when 'array' then array(select jsonb_array_elements_text(${def} -> 'expect' -> 'type'))
  else array[${def} -> 'expect' ->> 'type'] end)`;

/**
 * The condition on a pending action `a` that holds it: a customer mail of an absence rule whose
 * awaited event type is one of these (heldEventTypes), as the rule's version that fired says (an
 * edit since does not change what the signal waits for). Always false without any.
 */
export function isHeld(types: string[]): SQL {
  if (types.length === 0) return sql`false`;
  return sql`(a.kind = 'notify_customer' and a.hold_released_at is null and exists (
    select 1 from signals hs
      join signal_rule_versions hv on hv.rule_id = hs.rule_id and hv.version = hs.rule_version
    where hs.id = a.signal_id and hs.kind = 'absence'
      and ${awaitedTypes(sql`hv.definition`)} && ${sql.param(types)}::text[]))`;
}

/**
 * Marks the due customer mails that are held: run again in HOLD_RECHECK_MINUTES, with the reason
 * (the source, since when: in the company's time zone, named, as many staff read the one text)
 * and, the first time, a domain event. Returns how many.
 */
export async function holdCustomerMails(db: Database, types: string[]): Promise<number> {
  if (types.length === 0) return 0;
  const done = await rows<{ n: number }>(
    db,
    sql`
    with due as (
      select a.id, a.signal_id, a.held_since,
        (select ${awaitedTypes(sql`v.definition`)} from signals s
          join signal_rule_versions v on v.rule_id = s.rule_id and v.version = s.rule_version
          where s.id = a.signal_id) as awaited
      from signal_actions a
      where a.state = 'pending' and a.run_after <= now() and ${isHeld(types)}
      for update of a skip locked
    ), held as (
      update signal_actions x
      set run_after = now() + make_interval(mins => ${HOLD_RECHECK_MINUTES}),
        held_since = coalesce(x.held_since, now()),
        held_reason = why.reason
      from due cross join lateral (
        select format(
            case when q.silent_since is not null
              then '%s (%s) sends %s and has sent nothing since %s %s'
              else '%s (%s) sends %s and speaks again since %s %s, after a silence: its backlog may still be on its way' end,
            q.name, q.key,
            (select string_agg(t, ', ' order by t) from unnest(due.awaited) t where t = any(q.event_types)),
            to_char(coalesce(q.silent_since, q.resumed_at) at time zone zone.name, 'YYYY-MM-DD HH24:MI'),
            zone.name) as reason
        from event_sources q cross join (select ${COMPANY_TIME_ZONE} as name) zone
        where q.deleted_at is null and q.active and due.awaited && q.event_types
          and (q.silent_since is not null or q.resumed_at > now() - make_interval(mins => ${RESUME_GRACE_MINUTES}))
        order by q.silent_since nulls last, q.key
        limit 1
      ) why
      where x.id = due.id
      returning x.id, x.signal_id, due.held_since is null as first, why.reason
    ), logged as (
      insert into domain_events (id, type, entity_type, entity_id, actor_kind, data, occurred_at)
      select gen_random_uuid(), ${domainEventType('signal.action_held')}, 'signal', signal_id, 'system',
        jsonb_build_object('kind', 'notify_customer', 'actionId', id, 'reason', reason), now()
      from held where first
    )
    select count(*)::int as n from held`,
  );
  return done[0]?.n ?? 0;
}
