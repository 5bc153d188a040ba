// Silent sources. When an integration breaks (the warehouse feed stops), nothing arrives, and
// every absence rule waiting on that feed ("not scanned for 48 h") fires: a storm of false alarms,
// and proactive mails to customers whose parcels are fine. A source with `silenceAlertMinutes`
// set is marked silent when it has sent nothing for that long (counted from its creation if it
// never sent), which the board shows to everyone who reads signals; it is unmarked when events
// come again (or the alert is switched off, or the source deactivated or deleted). Both are domain
// events (`event_source.silent`, `event_source.resumed`), written in the statement that flips the
// mark, so each is recorded once however many nodes run the check.
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';

const ISO = (col: string) => sql.raw(`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/** Marks sources that fell silent and unmarks those that spoke again. Returns how many changed. */
export async function checkSourceSilence(db: Database): Promise<number> {
  const done = await rows<{ n: number }>(
    db,
    sql`
    with due as (
      select id from event_sources
      where deleted_at is null and active and silence_alert_minutes is not null and silent_since is null
        and coalesce(last_event_at, created_at) < now() - make_interval(mins => silence_alert_minutes)
      for update skip locked
    ), silent as (
      update event_sources s set silent_since = coalesce(s.last_event_at, s.created_at)
      from due where s.id = due.id and s.silent_since is null
      returning s.id, s.silent_since, s.silence_alert_minutes
    ), back as (
      select id, silent_since, last_event_at,
        case when deleted_at is not null then 'deleted' when not active then 'deactivated'
          when silence_alert_minutes is null then 'alert_off' else 'events' end as reason
      from event_sources
      where silent_since is not null and (last_event_at > silent_since or deleted_at is not null
        or not active or silence_alert_minutes is null)
      for update skip locked
    ), resumed as (
      update event_sources s set silent_since = null
      from back where s.id = back.id and s.silent_since is not null
      returning s.id, back.silent_since, back.last_event_at, back.reason
    ), logged as (
      insert into domain_events (id, type, entity_type, entity_id, actor_kind, data, occurred_at)
      select gen_random_uuid(), 'event_source.silent', 'event_source', id, 'system',
        jsonb_build_object('silentSince', ${ISO('silent_since')}, 'silenceAlertMinutes', silence_alert_minutes),
        now()
      from silent
      union all
      select gen_random_uuid(), 'event_source.resumed', 'event_source', id, 'system',
        jsonb_build_object('silentSince', ${ISO('silent_since')}, 'lastEventAt', ${ISO('last_event_at')},
          'reason', reason),
        now()
      from resumed
      returning 1
    )
    select count(*)::int as n from logged`,
  );
  return done[0]?.n ?? 0;
}
