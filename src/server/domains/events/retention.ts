// Event retention: operational events received longer ago than the `eventRetentionDays` setting
// are removed, in batches, by a background job (default: kept for ever).
//
// What stays, and why:
// - the evidence of signals (`signal_evidence`): a signal shows the events behind it for as long
//   as the signal is kept, which is for ever;
// - the event that started a wait still held (`rule_expectations`): firing reads it;
// - any event inside the window of a live threshold rule: the cutoff is never later than the
//   longest such window plus two days, so a rule never counts hits it cannot show.
// What goes with the event: nothing else. Commitments keep their own record (opened, due,
// closed, state); their `openedByEventId`/`closedByEventId` then name an event no longer stored.
// A source that sends an event id again after its event was removed gets it accepted as new:
// duplicates are recognised for as long as the event is kept (at least 30 days).
//
// Found through the primary key: event ids are UUIDv7s made when the event was received, so
// "received before" is a range of ids and the ingest keeps no index for this job.
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { uuidv7Floor } from '../../../db/columns.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { isoDurationMs } from '../../../shared/schemas/rules.js';
import { recordDomainEvents } from '../domain-events/domain-events.repo.js';
import { readSettings } from '../settings/settings.service.js';

export const RETENTION_BATCH = 5_000;
const DAY_MS = 86_400_000;
/** A threshold rule's hits are pruned a day after they leave its window; one more day of margin. */
const WINDOW_MARGIN_MS = 2 * DAY_MS;

/**
 * Events received before this moment may be removed: `retentionDays` ago, or earlier when a live
 * threshold rule's window (plus a margin) reaches further back. Null: keep every event.
 */
export function retentionCutoff(retentionDays: number | null, windowsMs: number[], now: Date): Date | null {
  if (retentionDays === null) return null;
  const reach = Math.max(retentionDays * DAY_MS, ...windowsMs.map((w) => w + WINDOW_MARGIN_MS));
  return new Date(now.getTime() - reach);
}

/** When events received before are removed now (null: none are), as settings and rules say. */
export async function currentRetentionCutoff(db: Database, now = new Date()): Promise<Date | null> {
  const { eventRetentionDays } = await readSettings(db);
  if (eventRetentionDays === null) return null;
  const windows = await rows<{ window: string }>(
    db,
    sql`select definition ->> 'window' as window from signal_rules
      where kind = 'threshold' and enabled and deleted_at is null`,
  );
  return retentionCutoff(
    eventRetentionDays,
    windows.flatMap((w) => {
      const ms = isoDurationMs(w.window);
      return ms === null ? [] : [ms];
    }),
    now,
  );
}

/**
 * Removes up to `limit` events received before the retention cutoff, keeping those described at
 * the top of this file. Writes one `events.removed` domain event per source (how many, received
 * before when) in the same transaction. Claims with SKIP LOCKED: safe on any number of nodes.
 * Returns how many it removed.
 */
export async function removeOldEvents(
  db: Database,
  limit = RETENTION_BATCH,
  now = new Date(),
): Promise<number> {
  const cutoff = await currentRetentionCutoff(db, now);
  if (!cutoff) return 0;
  const before = uuidv7Floor(cutoff);
  return db.transaction(async (tx) => {
    // Waits are few (live ones, and ended ones for a week): their old starting events are read
    // once per batch into a list rather than probed per event (no index on the column).
    const held = await rows<{ id: string }>(
      tx,
      sql`select distinct started_by_event_id as id from rule_expectations where started_by_event_id < ${before}::uuid`,
    );
    const removed = await rows<{ source_id: string; n: number }>(
      tx,
      sql`
      with old as (
        select e.id from events e
        where e.id < ${before}::uuid
          and e.id <> all(${sql.param(held.map((h) => h.id))}::uuid[])
          and not exists (select 1 from signal_evidence se where se.event_id = e.id)
        order by e.id limit ${limit}
        for update skip locked
      ), gone as (
        delete from events e using old where e.id = old.id returning e.source_id
      )
      select source_id, count(*)::int as n from gone group by source_id order by source_id`,
    );
    await recordDomainEvents(
      tx,
      SYSTEM_ACTOR,
      removed.map((r) => ({
        type: 'events.removed',
        entityType: 'event_source',
        entityId: r.source_id,
        data: { count: r.n, receivedBefore: cutoff.toISOString(), reason: 'retention' },
      })),
    );
    return removed.reduce((sum, r) => sum + r.n, 0);
  });
}
