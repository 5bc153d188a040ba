// The company's time zone (the `timeZone` setting) as SQL, for queries of other domains that need
// a fallback zone. A module of its own, free of the settings service's imports, so that those
// domains' modules may use it while they load.
import { sql } from 'drizzle-orm';

/** The company's time zone as an SQL text expression; null when none is set. */
const COMPANY_TIME_ZONE_SET = sql`(select value #>> '{}' from settings where key = 'timeZone')`;

/**
 * The company's time zone as an SQL text expression, UTC when none is set: the zone of a staff
 * member without one of their own.
 */
export const COMPANY_TIME_ZONE = sql`coalesce(${COMPANY_TIME_ZONE_SET}, 'UTC')`;
