// Silent sources. When an integration breaks (the warehouse feed stops), nothing arrives, and
// every absence rule waiting on that feed ("not scanned for 48 h") fires: a storm of false alarms,
// and proactive mails to customers whose parcels are fine. A source with `silenceAlertMinutes`
// set is marked silent when it has sent nothing for that long (counted from its creation if it
// never sent), which the board shows to everyone who reads signals; it is unmarked when events
// come again (or the alert is switched off or raised above the silence so far, or the source
// deactivated or deleted). Both are domain
// events (`event_source.silent`, `event_source.resumed`), written in the statement that flips the
// mark, so each is recorded once however many nodes run the check; and the active admins get a
// mail for each (queued in the same transaction, so also once), a silence at night included,
// its times in the company's time zone.
import { sql } from 'drizzle-orm';
import { domainEventType } from '../../../shared/schemas/audit.js';
import type { Database } from '../../../db/client.js';
import { isoText } from '../../../db/columns.js';
import { rows } from '../../../db/client.js';
import { csvTime, type CsvTime } from '../../lib/csv.js';
import { mailSettings, queueMails } from '../mail/outbox.js';
import { COMPANY_TIME_ZONE } from '../settings/company-time-zone.js';

interface Changed {
  kind: 'silent' | 'resumed';
  key: string;
  name: string;
  silent_since: Date;
  last_event_at: Date | null;
  silence_alert_minutes: number | null;
  reason: string | null;
}

/** Marks sources that fell silent and unmarks those that spoke again. Returns how many changed. */
export async function checkSourceSilence(db: Database): Promise<number> {
  return db.transaction(async (tx) => {
    const changed = await rows<Changed>(
      tx,
      sql`
      with due as (
        select id from event_sources
        where deleted_at is null and active and silence_alert_minutes is not null and silent_since is null
          and coalesce(last_event_at, created_at) < now() - make_interval(mins => silence_alert_minutes)
        for update skip locked
      ), silent as (
        update event_sources s set silent_since = coalesce(s.last_event_at, s.created_at)
        from due where s.id = due.id and s.silent_since is null
        returning s.id, s.key, s.name, s.silent_since, s.silence_alert_minutes
      ), back as (
        select id, silent_since, last_event_at,
          case when deleted_at is not null then 'deleted' when not active then 'deactivated'
            when silence_alert_minutes is null then 'alert_off' when last_event_at > silent_since then 'events'
            else 'alert_raised' end as reason
        from event_sources
        where silent_since is not null and (last_event_at > silent_since or deleted_at is not null
          or not active or silence_alert_minutes is null
          -- the alert raised above the silence so far: not silent by its own measure any more
          or silent_since >= now() - make_interval(mins => silence_alert_minutes))
        for update skip locked
      ), resumed as (
        update event_sources s set silent_since = null,
          resumed_at = case when back.reason = 'events' then now() else s.resumed_at end
        from back where s.id = back.id and s.silent_since is not null
        returning s.id, s.key, s.name, back.silent_since, back.last_event_at, back.reason
      ), logged as (
        insert into domain_events (id, type, entity_type, entity_id, actor_kind, data, occurred_at)
        select gen_random_uuid(), ${domainEventType('event_source.silent')}, 'event_source', id, 'system',
          jsonb_build_object('silentSince', ${isoText('silent_since')}, 'silenceAlertMinutes', silence_alert_minutes),
          now()
        from silent
        union all
        select gen_random_uuid(), 'event_source.resumed', 'event_source', id, 'system',
          jsonb_build_object('silentSince', ${isoText('silent_since')}, 'lastEventAt', ${isoText('last_event_at')},
            'reason', reason),
          now()
        from resumed
      )
      select 'silent' as kind, key, name, silent_since, null::timestamptz as last_event_at,
        silence_alert_minutes, null::text as reason
      from silent
      union all
      select 'resumed', key, name, silent_since, last_event_at, null::int, reason from resumed`,
    );
    await mailAdmins(tx, changed);
    return changed.length;
  });
}

const times = new Map<string, CsvTime>();
/**
 * A time as these mails write it, in the company's zone and named: "2026-12-06 09:30
 * Europe/Berlin" (UTC when the company set none), as held customer mails give their reason; the
 * exports' formatter (`csvTime`), to the minute.
 */
function timeIn(zone: string, at: Date | string): string {
  let time = times.get(zone);
  if (!time) times.set(zone, (time = csvTime(zone)));
  return `${time(at).slice(0, 16)} ${zone}`;
}

/**
 * A mail to each active admin per source that fell silent, and per source that spoke again
 * (not when an admin switched the alert off or raised it, deactivated or deleted it: they know).
 */
async function mailAdmins(tx: Database, changed: Changed[]) {
  const told = changed.filter((c) => c.kind === 'silent' || c.reason === 'events');
  if (told.length === 0) return;
  // Admins read times in the company's zone (the `timeZone` setting), not each their own: the
  // mail is one text, and the company's zone is the one staff mails default to.
  const admins = await rows<{ name: string; email: string; zone: string }>(
    tx,
    sql`select name, email, ${COMPANY_TIME_ZONE} as zone from users
      where role = 'admin' and active and deleted_at is null order by email`,
  );
  if (admins.length === 0) return;
  const at = (d: Date) => timeIn(admins[0]!.zone, d);
  const { publicUrl } = mailSettings();
  const mails = told.flatMap((c) => {
    const link = `${publicUrl}/admin/event-sources/${c.key}`;
    const [subject, text] =
      c.kind === 'silent'
        ? [
            `[Steward] No events from ${c.name} since ${at(c.silent_since)}`,
            `${c.name} (${c.key}) has sent no event since ${at(c.silent_since)}: longer than its silence alert of ${c.silence_alert_minutes} minutes.\n\n` +
              `While it is silent, signals that something did not arrive in time may be false alarms: a broken feed, not late parcels. Check the integration before acting on them.\n\n` +
              `Source: ${link}\nProactive board: ${publicUrl}/board`,
          ]
        : [
            `[Steward] Events from ${c.name} again`,
            `${c.name} (${c.key}) sends events again (the latest at ${at(c.last_event_at!)}), after a silence since ${at(c.silent_since)}.\n\nSource: ${link}`,
          ];
    return admins.map((a) => ({ to: a.email, toName: a.name, subject, text, autoSubmitted: true }));
  });
  await queueMails(tx, mails);
}
