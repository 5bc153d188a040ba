// Reading the domain events as an outbox: each consumer (notifications, outgoing webhooks;
// automations later) has a cursor row and reads forward from it, exactly once, on any number of
// nodes.
//
// Why transaction ids and not times: an event's occurred_at is its transaction's start, and a
// transaction that started earlier can commit later, so "everything after the last time I read"
// skips it. Each row carries its transaction's id (`tx`, xid8). A consumer reads only rows whose
// transaction is older than the oldest one still running (`pg_snapshot_xmin`): all of those
// have ended, so none can appear behind the cursor later. A long transaction holds consumers
// back for its length, never makes them skip.
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';

export interface ConsumedEvent {
  id: string;
  type: string;
  entityType: string;
  entityId: string;
  actorId: string | null;
  actorKind: 'user' | 'system';
  data: Record<string, unknown>;
  occurredAt: Date;
}

const START = '00000000-0000-0000-0000-000000000000';

/**
 * The consumers reading the domain events today, by their cursor's name. A cursor left by a
 * consumer no longer in this list (one removed in an upgrade) is read by no one: the audit trail
 * retention does not wait for it (domain-event-retention.ts).
 */
export const DOMAIN_EVENT_CONSUMERS = ['notifications', 'webhooks'] as const;
export type DomainEventConsumer = (typeof DOMAIN_EVENT_CONSUMERS)[number];

/**
 * Hands the next events of `types` (exact types; `case.*` for an entity's, `*` for all) after `consumer`'s cursor (at most `limit`, in commit-safe
 * order) to `handle`, and moves the cursor past them, in one transaction: what `handle` writes and
 * the cursor's move commit together. Another process consuming the same cursor at that moment
 * makes this one return 0 (SKIP LOCKED), never both. Returns how many events were handled.
 */
export async function consumeDomainEvents(
  db: Database,
  consumer: DomainEventConsumer,
  types: readonly string[],
  limit: number,
  handle: (tx: Database, events: ConsumedEvent[]) => Promise<void>,
): Promise<number> {
  if ((await anythingNew(db, consumer)) === false) return 0;
  return db.transaction(async (tx) => {
    const [cursor] = await rows<{ tx: string; id: string; horizon: string }>(
      tx,
      sql`select tx::text, id, pg_snapshot_xmin(pg_current_snapshot())::text as horizon
        from domain_event_cursors where consumer = ${consumer} for update skip locked`,
    );
    if (!cursor) {
      // A consumer's first run starts now (it does not replay the past); a busy cursor waits.
      await tx.execute(sql`insert into domain_event_cursors (consumer, tx, id)
        values (${consumer}, pg_snapshot_xmin(pg_current_snapshot()), ${START}::uuid)
        on conflict (consumer) do nothing`);
      return 0;
    }
    const found = await rows<{
      id: string;
      type: string;
      entity_type: string;
      entity_id: string;
      actor_id: string | null;
      actor_kind: 'user' | 'system';
      data: Record<string, unknown>;
      occurred_at: Date | string;
      tx: string;
    }>(
      tx,
      sql`select id, type, entity_type, entity_id, actor_id, actor_kind, data, occurred_at, tx::text
        from domain_events
        where (tx, id) > (${cursor.tx}::xid8, ${cursor.id}::uuid) and tx < ${cursor.horizon}::xid8
          and ${typeFilter(types)}
        order by tx, id limit ${limit}`,
    );
    if (found.length > 0) {
      await handle(
        tx,
        found.map((e) => ({
          id: e.id,
          type: e.type,
          entityType: e.entity_type,
          entityId: e.entity_id,
          actorId: e.actor_id,
          actorKind: e.actor_kind,
          data: e.data,
          occurredAt: new Date(e.occurred_at),
        })),
      );
    }
    // A full batch: more may follow in the same range, so stop just after the last one read.
    // Otherwise everything before the horizon is done.
    const last = found.length === limit ? found[found.length - 1]! : { tx: cursor.horizon, id: START };
    await tx.execute(sql`update domain_event_cursors set tx = ${last.tx}::xid8, id = ${last.id}::uuid, updated_at = now()
      where consumer = ${consumer}`);
    return found.length;
  });
}

/**
 * Whether any event at all (of any type) was committed between `consumer`'s cursor and the
 * horizon; null when it has no cursor yet. A plain read (one probe of the tx index): no lock, no
 * transaction id. Idle, a consumer then writes nothing: locking and moving its cursor each second
 * would take a transaction id each time, which moves the horizon, so it would never settle (and
 * the database would count a write a second per consumer, per node, forever). When events of
 * other types lie in the range, the cursor still moves past them, so the range stays short.
 */
async function anythingNew(db: Database, consumer: string): Promise<boolean | null> {
  const [cursor] = await rows<{ news: boolean }>(
    db,
    sql`select exists (
        select 1 from domain_events e
        where (e.tx, e.id) > (c.tx, c.id) and e.tx < pg_snapshot_xmin(pg_current_snapshot())
      ) as news
      from domain_event_cursors c where c.consumer = ${consumer}`,
  );
  return cursor ? cursor.news : null;
}

/**
 * SQL for "the event's type is one of `types`": exact types, `entity.*` or `*`. Exact types alone
 * stay a plain `= any`; patterns match by prefix (no LIKE, so `_` in a type is not a wildcard).
 */
export function typeFilter(types: readonly string[], column = sql.raw('type')): SQL {
  if (types.includes('*')) return sql`true`;
  const exact = types.filter((t) => !t.endsWith('.*'));
  const prefixes = types.filter((t) => t.endsWith('.*')).map((t) => t.slice(0, -1));
  if (prefixes.length === 0) return sql`${column} = any(${sql.param(exact)}::text[])`;
  return sql`(${column} = any(${sql.param(exact)}::text[])
    or exists (select 1 from unnest(${sql.param(prefixes)}::text[]) p where starts_with(${column}, p)))`;
}

/**
 * Moves `consumer`'s cursor to the present: events committed so far are never handed to it. For
 * history that is not news, such as the demo data written at first start.
 */
export async function skipPastDomainEvents(db: Database, consumer: DomainEventConsumer): Promise<void> {
  // Nothing committed since: it is at the present already (and writing would take an xid).
  if ((await anythingNew(db, consumer)) === false) return;
  await db.execute(sql`insert into domain_event_cursors (consumer, tx, id)
    values (${consumer}, pg_snapshot_xmin(pg_current_snapshot()), ${START}::uuid)
    on conflict (consumer) do update set tx = excluded.tx, id = excluded.id, updated_at = now()
      where excluded.tx > domain_event_cursors.tx`);
}
