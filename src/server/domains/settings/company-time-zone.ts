// The company's time zone (the `timeZone` setting) as SQL, for queries of other domains that need
// a fallback zone, and the zone of a person who names none (exports, KPI trends). A module of its
// own, free of the settings service's imports, so that those domains' modules may use it while
// they load.
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import { isStaff, type Actor } from '../../lib/actor.js';

/** The company's time zone as an SQL text expression; null when none is set. */
const COMPANY_TIME_ZONE_SET = sql`(select value #>> '{}' from settings where key = 'timeZone')`;

/**
 * The company's time zone as an SQL text expression, UTC when none is set: the zone of a staff
 * member without one of their own.
 */
export const COMPANY_TIME_ZONE = sql`coalesce(${COMPANY_TIME_ZONE_SET}, 'UTC')`;

/**
 * The zone a person's times are given in when they name none: their own (chosen in their
 * notification settings), else the company's, else UTC. The system's, and a customer's, is the
 * company's (customers choose theirs on their own record, which speaks for their mails).
 */
export async function timeZoneOf(db: Database, actor: Actor): Promise<string> {
  const [found] = await rows<{ zone: string }>(db, sql`select ${timeZoneSql(actor)} as zone`);
  return found?.zone ?? 'UTC';
}

/** `timeZoneOf` as an SQL text expression, for a query that counts in the zone itself. */
export function timeZoneSql(actor: Actor) {
  const own = isStaff(actor) && actor.userId ? actor.userId : null;
  return sql`coalesce((select time_zone from notification_preferences where user_id = ${own}), ${COMPANY_TIME_ZONE})`;
}
