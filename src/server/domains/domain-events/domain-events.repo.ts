import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type {
  AuditedEntity,
  AuditQuery,
  DomainEventType,
  HistoryPage,
  HistoryQuery,
} from '../../../shared/schemas/audit.js';
import { afterCursor, orderBy, sortFrom, sortKey, toPage } from '../../lib/pagination.js';
import { newId } from '../../../db/columns.js';
import { rows, type Database } from '../../../db/client.js';
import { idsInChange, segmentKeysInChange, segmentNameKey } from '../../../shared/audit-text.js';
import type { Actor } from '../../lib/actor.js';
import { users } from '../auth/auth.table.js';
import { domainEvents } from './domain-events.table.js';

export interface DomainEventInput {
  type: DomainEventType;
  entityType: AuditedEntity;
  entityId: string;
  data?: Record<string, unknown>;
}

/** Call inside the transaction that makes the change, so the event exists exactly when the change does. */
export async function recordDomainEvents(
  tx: Database,
  actor: Actor,
  events: DomainEventInput[],
): Promise<void> {
  if (events.length === 0) return;
  // One array per column: a batch of hundreds (an ingest's commitments) costs one statement and
  // no per-row query building.
  const col = <T>(pick: (e: DomainEventInput) => T) => sql.param(events.map(pick));
  await tx.execute(sql`
    insert into ${domainEvents} (id, type, entity_type, entity_id, actor_id, actor_kind, data)
    select v.id, v.type, v.entity_type, v.entity_id, ${actor.userId}::uuid, ${actor.kind}, v.data::jsonb
    from unnest(${col(() => newId())}::uuid[], ${col((e) => e.type)}::text[], ${col((e) => e.entityType)}::text[],
      ${col((e) => e.entityId)}::uuid[], ${col((e) => JSON.stringify(e.data ?? {}))}::text[])
      as v(id, type, entity_type, entity_id, data)`);
}

export const recordDomainEvent = (tx: Database, actor: Actor, event: DomainEventInput) =>
  recordDomainEvents(tx, actor, [event]);

/** The lists and reports Steward exports; an export's audit entry names one. */
export type ExportedList =
  | 'audit-log'
  | 'cases'
  | 'signals'
  | 'commitments'
  | 'commitment-rates'
  | 'customers'
  | 'organizations'
  | 'proactive-trend'
  | 'promise-compliance'
  | 'rule-outcomes';

/**
 * Records that `actor` took a list out of Steward (`export.downloaded`): which list, with which
 * query (filters, view, order, zone), when. Each export is its own audit record (entity type
 * `export`, a new id), so the audit log can be narrowed to exports. Exports can carry every
 * customer's e-mail and phone number, so who took them matters. Once the last row is sent,
 * `finished` records how many rows the file held (`export.finished`, same record id): a download
 * cut short has none.
 */
export async function recordExport(db: Database, actor: Actor, list: ExportedList, query: object) {
  const entityId = newId();
  await recordDomainEvent(db, actor, {
    type: 'export.downloaded',
    entityType: 'export',
    entityId,
    data: { list, format: 'csv', query },
  });
  return {
    finished: (rows: number) =>
      recordDomainEvent(db, actor, {
        type: 'export.finished',
        entityType: 'export',
        entityId,
        data: { list, rows },
      }),
  };
}

/**
 * A record's history page: its latest `limit` changes, or those before `cursor`, oldest first,
 * each with the name of who made it and the names of the records its data names (as the audit
 * log's), and the cursor of the changes before them (null if none).
 */
export async function listDomainEventsFor(
  db: Database,
  entityType: string,
  entityId: string,
  q: HistoryQuery,
): Promise<HistoryPage> {
  const sort = sortFrom('-occurredAt', { occurredAt: domainEvents.occurredAt }, domainEvents.id);
  const found = await db
    .select({
      id: domainEvents.id,
      type: domainEvents.type,
      actorId: domainEvents.actorId,
      actorName: users.name,
      actorKind: domainEvents.actorKind,
      data: domainEvents.data,
      occurredAt: domainEvents.occurredAt,
      sortKey: sortKey(sort),
    })
    .from(domainEvents)
    .leftJoin(users, eq(users.id, domainEvents.actorId))
    .where(
      and(
        eq(domainEvents.entityType, entityType),
        eq(domainEvents.entityId, entityId),
        afterCursor(sort, q.cursor),
      ),
    )
    .orderBy(...orderBy(sort))
    .limit(q.limit + 1);
  const { items, nextCursor } = toPage(found, q.limit);
  const named = await withNames(db, items.reverse());
  return {
    items: named.map(({ sortKey: _, occurredAt, ...e }) => ({
      ...e,
      occurredAt: occurredAt.toISOString(),
    })),
    olderCursor: nextCursor,
  };
}

/** Tables whose records have a name to show in the audit log, by entity type. */
const NAMED = {
  customer: 'customers',
  organization: 'organizations',
  user: 'users',
  agreement: 'agreements',
  calendar: 'calendars',
  team: 'teams',
  reply_template: 'reply_templates',
  view: 'case_views',
  webhook: 'webhooks',
  signal_rule: 'signal_rules',
  event_source: 'event_sources',
  segment: 'segments',
} as const;

/**
 * What the record is called now, read for each row of a page (by primary key): a case as
 * "#42 Subject", a named record by its name; null for the rest (and for records gone).
 */
const AUDIT_ENTITY_NAME = sql<string | null>`case ${domainEvents.entityType}
    when 'case' then (select '#' || c.number || ' ' || c.subject from cases c where c.id = ${domainEvents.entityId})
    when 'mailbox' then (select m.address from mailboxes m where m.id = ${domainEvents.entityId})
    ${sql.join(
      Object.entries(NAMED).map(
        ([type, table]) =>
          sql`when ${type} then (select t.name from ${sql.identifier(table)} t where t.id = ${domainEvents.entityId})`,
      ),
      sql` `,
    )}
  end`;

/** The audit log: every change, newest first, with who made it; narrowed by `q`. */
export async function listAuditLog(db: Database, q: AuditQuery) {
  const sort = sortFrom('-occurredAt', { occurredAt: domainEvents.occurredAt }, domainEvents.id);
  const found = await db
    .select({
      id: domainEvents.id,
      type: domainEvents.type,
      entityType: domainEvents.entityType,
      entityId: domainEvents.entityId,
      actorId: domainEvents.actorId,
      actorName: users.name,
      actorKind: domainEvents.actorKind,
      entityName: AUDIT_ENTITY_NAME,
      data: domainEvents.data,
      occurredAt: domainEvents.occurredAt,
      sortKey: sortKey(sort),
    })
    .from(domainEvents)
    .leftJoin(users, eq(users.id, domainEvents.actorId))
    .where(
      and(
        // Spelled as the partial index's predicate, so "made by people" reads that index alone.
        q.by === 'people' ? sql`${domainEvents.actorKind} = 'user'` : undefined,
        q.by === 'system' ? sql`${domainEvents.actorKind} = 'system'` : undefined,
        q.actorId ? eq(domainEvents.actorId, q.actorId) : undefined,
        q.entityType ? eq(domainEvents.entityType, q.entityType) : undefined,
        q.entityId ? eq(domainEvents.entityId, q.entityId) : undefined,
        q.from ? gte(domainEvents.occurredAt, new Date(q.from)) : undefined,
        q.to ? lt(domainEvents.occurredAt, new Date(q.to)) : undefined,
        afterCursor(sort, q.cursor),
      ),
    )
    .orderBy(...orderBy(sort))
    .limit(q.limit + 1);
  const page = toPage(found, q.limit);
  return { ...page, items: await withNames(db, page.items) };
}

/**
 * Each change with `names`: what the records whose ids its data holds are called now, by id
 * (records gone left out). One query for the whole page (`recordNames`).
 */
async function withNames<T extends { data: Record<string, unknown> }>(
  db: Database,
  items: T[],
): Promise<(T & { names: Record<string, string> })[]> {
  const names = await recordNames(
    db,
    items.flatMap((e) => idsInChange(e.data)),
    items.flatMap((e) => segmentKeysInChange(e.data)),
  );
  return items.map((e) => {
    const own = [...idsInChange(e.data), ...segmentKeysInChange(e.data).map(segmentNameKey)].filter((id) =>
      names.has(id),
    );
    return { ...e, names: Object.fromEntries(own.map((id) => [id, names.get(id)!])) };
  });
}

/**
 * The names of the records these ids are (ids are UUIDs, unique over every table): one query for
 * a whole page of the audit log, each table read by primary key. A case as "#42 Subject", a
 * mailbox by its address; ids of records gone, or of tables without names, are left out.
 * Segments, referred to by key, come back under `segment:<key>` (`segmentNameKey`).
 */
export async function recordNames(
  db: Database,
  ids: string[],
  segmentKeys: string[] = [],
): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const keys = [...new Set(segmentKeys)];
  if (unique.length === 0 && keys.length === 0) return new Map();
  const param = sql`${sql.param(unique)}::uuid[]`;
  const found = await rows<{ id: string; name: string }>(
    db,
    sql`select c.id::text as id, '#' || c.number || ' ' || c.subject as name from cases c where c.id = any(${param})
      union all select m.id::text, m.address from mailboxes m where m.id = any(${param})
      union all select ${segmentNameKey('')} || s.key, s.name from segments s where s.key = any(${sql.param(keys)}::text[])
      ${sql.join(
        Object.values(NAMED).map(
          (table) =>
            sql`union all select t.id::text, t.name from ${sql.identifier(table)} t where t.id = any(${param})`,
        ),
        sql` `,
      )}`,
  );
  return new Map(found.filter((r) => r.name !== null).map((r) => [r.id, r.name]));
}

/** JSON with every object's keys in one order: jsonb columns come back in the database's order. */
const canonical = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

/**
 * The fields whose values differ, as {field: {from, to}}: the `data` of an `*.updated` event.
 * Objects are compared whatever the order of their keys (a jsonb value read back, sent again).
 */
export function diff<T extends Record<string, unknown>>(
  before: T,
  patch: Partial<T>,
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, to] of Object.entries(patch)) {
    if (to === undefined) continue;
    const from = before[key];
    if (canonical(from) !== canonical(to)) changes[key] = { from, to };
  }
  return changes;
}
