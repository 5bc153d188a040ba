import { and, asc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { uuidv7Floor } from '../../../db/columns.js';
import { rows, type Database } from '../../../db/client.js';
import { eventSources } from './events.table.js';
import { nextVersion } from '../../../db/columns.js';

export type EventSourceRow = typeof eventSources.$inferSelect;

const live = isNull(eventSources.deletedAt);

/** How far back a source's events accepted with warnings are counted (sources' page, board). */
export const WARNED_WINDOW_MS = 7 * 86_400_000;

export async function listEventSources(db: Database) {
  return db.select().from(eventSources).where(live).orderBy(asc(eventSources.key));
}

/** A source by key, deleted ones included (keys are never reused). */
export async function findEventSourceAnyState(db: Database, key: string) {
  const [row] = await db.select().from(eventSources).where(eq(eventSources.key, key)).limit(1);
  return row;
}

/** The live source with this key (a deleted one may have had the key before). */
export const liveEventSource = (key: string) => and(eq(eventSources.key, key), live);

export async function findLiveEventSource(db: Database, key: string) {
  const [row] = await db.select().from(eventSources).where(liveEventSource(key)).limit(1);
  return row;
}

export async function findEventSourceByTokenHash(db: Database, tokenHash: string) {
  const [row] = await db
    .select()
    .from(eventSources)
    .where(and(eq(eventSources.tokenHash, tokenHash), live))
    .limit(1);
  return row;
}

export async function insertEventSource(db: Database, values: typeof eventSources.$inferInsert) {
  const [row] = await db.insert(eventSources).values(values).returning();
  return row!;
}

export async function updateEventSourceRow(
  db: Database,
  id: string,
  values: Partial<
    Pick<
      EventSourceRow,
      'name' | 'createUnknownCustomers' | 'active' | 'silenceAlertMinutes' | 'tokenHash' | 'webhookSecret'
    >
  >,
) {
  const [row] = await db
    .update(eventSources)
    .set({ ...values, updatedAt: nextVersion() })
    .where(and(eq(eventSources.id, id), live))
    .returning();
  return row;
}

/**
 * Events accepted in the last 24 hours and those with warnings in the last 7 days, per source:
 * ranges of the primary key (UUIDv7, made when the event was received; the day's events of all
 * sources are read, as no index on the source alone is kept), the warned ones through their
 * partial index.
 */
export async function sourceActivity(db: Database, sourceIds: string[], now = new Date()) {
  if (sourceIds.length === 0) return new Map<string, { eventsLast24h: number; warnedLast7d: number }>();
  const found = await rows<{ id: string; day: number; warned: number }>(
    db,
    sql`
    select s.id, coalesce(d.n, 0)::int as day, coalesce(w.n, 0)::int as warned
    from unnest(${sql.param(sourceIds)}::uuid[]) as s(id)
    left join (
      select source_id, count(*) as n from events
      where id >= ${uuidv7Floor(new Date(now.getTime() - 86_400_000))}::uuid
      group by source_id
    ) d on d.source_id = s.id
    left join (
      select source_id, count(*) as n from events
      where warnings is not null and source_id = any(${sql.param(sourceIds)}::uuid[])
        and id >= ${uuidv7Floor(new Date(now.getTime() - WARNED_WINDOW_MS))}::uuid
      group by source_id
    ) w on w.source_id = s.id`,
  );
  return new Map(found.map((r) => [r.id, { eventsLast24h: r.day, warnedLast7d: r.warned }]));
}

/**
 * A source's events per hour over [from, to), in `timezone`, every hour listed (a silent feed is
 * a run of zeros), oldest first. By the events' ids (UUIDv7: the time received), then the
 * source: the same id range the day's activity above reads.
 */
export async function hourlyActivity(
  db: Database,
  q: { sourceId: string; from: Date; to: Date; timezone: string },
) {
  const tz = sql`${q.timezone}::text`;
  const from = sql`${q.from.toISOString()}::timestamptz`;
  const to = sql`${q.to.toISOString()}::timestamptz`;
  return rows<{ start: Date | string; events: number; warned: number }>(
    db,
    sql`
    with e as (
      select date_trunc('hour', received_at at time zone ${tz}) as hour, count(*)::int as events,
        count(*) filter (where warnings is not null)::int as warned
      from events
      where id >= ${uuidv7Floor(q.from)}::uuid and source_id = ${q.sourceId}
        and received_at >= ${from} and received_at < ${to}
      group by 1
    )
    select h.hour at time zone ${tz} as start, coalesce(e.events, 0) as events, coalesce(e.warned, 0) as warned
    from generate_series(date_trunc('hour', ${from} at time zone ${tz}), (${to} at time zone ${tz}) - interval '1 microsecond',
      interval '1 hour') as h(hour)
    left join e on e.hour = h.hour
    order by h.hour`,
  );
}

/**
 * Notes that the source sent accepted events: at most once a minute (the statement's own
 * condition keeps several nodes to about that too). Outside the ingest's transaction, so no batch
 * waits on the source's row.
 */
export async function touchEventSource(db: Database, id: string) {
  await db.execute(sql`
    update event_sources set last_event_at = now()
    where id = ${id} and (last_event_at is null or last_event_at < now() - interval '1 minute')`);
}

/** A source keeps at most this many event types (a sender with a type per order would grow it without end). */
export const MAX_SOURCE_TYPES = 200;

/** Adds event types the source sent for the first time (sorted, no repeats; a no-op if another node did). */
export async function addEventSourceTypes(db: Database, id: string, types: string[]) {
  await db.execute(sql`
    update event_sources
    set event_types = (select array_agg(distinct t order by t) from unnest(event_types || ${sql.param(types)}::text[]) t)
    where id = ${id} and not (event_types @> ${sql.param(types)}::text[])`);
}

/** Its token and webhook stop working at once: every lookup above asks for live sources. */
export async function softDeleteEventSource(db: Database, id: string) {
  await db
    .update(eventSources)
    .set({ deletedAt: sql`now()`, updatedAt: sql`now()`, active: false })
    .where(and(eq(eventSources.id, id), live));
}

/** Live, active sources marked silent by the silence check, longest silent first (the board). */
/**
 * The sources whose events were accepted with warnings since `since` (the Event sources page
 * counts 7 days), most such events first: how many, and the newest one with its first warning.
 * Per source, a range of the partial index of warned events (source, id): only those are read.
 */
export async function listWarnedSources(db: Database, since: Date) {
  return rows<{
    key: string;
    name: string;
    events: number;
    latest_at: Date | string;
    latest_warning: string;
  }>(
    db,
    sql`
    select s.key, s.name, w.n as events, e.received_at as latest_at, e.warnings ->> 0 as latest_warning
    from event_sources s
    cross join lateral (
      select count(*)::int as n from events
      where source_id = s.id and warnings is not null and id >= ${uuidv7Floor(since)}::uuid
    ) w
    cross join lateral (
      select received_at, warnings from events
      where source_id = s.id and warnings is not null
      order by id desc limit 1
    ) e
    where s.deleted_at is null and w.n > 0
    order by w.n desc, s.name`,
  );
}

export async function listSilentSources(db: Database) {
  return db
    .select()
    .from(eventSources)
    .where(
      and(
        live,
        eq(eventSources.active, true),
        isNotNull(eventSources.silentSince),
        isNotNull(eventSources.silenceAlertMinutes),
      ),
    )
    .orderBy(asc(eventSources.silentSince));
}
