import { and, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import { newId } from '../../../db/columns.js';
import type { EventListQuery } from '../../../shared/schemas/events.js';
import { afterCursor, orderBy, sortFrom, sortKey, toPage } from '../../lib/pagination.js';
import { customers } from '../customers/customers.table.js';
import { personColumns, type Person } from '../signals/event-context.js';
import { organizations } from '../organizations/organizations.table.js';
import { eventSources, events } from './events.table.js';

const textArray = (values: string[]) => sql`${sql.param(values)}::text[]`;

/** What the source sent before under any of these ids: the content a resent event is compared with. */
export type StoredContent = Pick<typeof events.$inferSelect, 'type' | 'occurredAt' | 'refs' | 'data'>;

export async function findStoredEvents(db: Database, sourceId: string, eventIds: string[]) {
  if (eventIds.length === 0) return new Map<string, StoredContent>();
  const found = await db
    .select({
      eventId: events.eventId,
      type: events.type,
      occurredAt: events.occurredAt,
      refs: events.refs,
      data: events.data,
    })
    .from(events)
    .where(and(eq(events.sourceId, sourceId), sql`${events.eventId} = any(${textArray(eventIds)})`));
  return new Map(found.map(({ eventId, ...content }) => [eventId, content]));
}

export interface CustomerMatch {
  id: string;
  organizationId: string | null;
  /** Lower-case. */
  email: string | null;
  externalId: string | null;
}

/** A customer found by the ingest, with what signal rules read of them (so they are not read twice). */
export interface FoundCustomer extends CustomerMatch {
  person: Person;
}

/** Live customers with any of these ids, external ids or e-mails (case-insensitive): one query. */
export async function findCustomersByRefs(
  db: Database,
  refs: { ids: string[]; externalIds: string[]; emails: string[] },
): Promise<FoundCustomer[]> {
  const conditions: SQL[] = [];
  if (refs.ids.length) conditions.push(sql`${customers.id} = any(${sql.param(refs.ids)}::uuid[])`);
  if (refs.externalIds.length)
    conditions.push(sql`${customers.externalId} = any(${textArray(refs.externalIds)})`);
  if (refs.emails.length)
    conditions.push(
      sql`lower(${customers.email}) = any(${textArray(refs.emails.map((e) => e.toLowerCase()))})`,
    );
  if (conditions.length === 0) return [];
  const found = await db
    .select({ ...personColumns, matchEmail: sql<string | null>`lower(${customers.email})` })
    .from(customers)
    .leftJoin(organizations, eq(organizations.id, customers.organizationId))
    .where(and(sql`${customers.deletedAt} is null`, sql`(${sql.join(conditions, sql` or `)})`));
  return found.map(({ matchEmail, ...person }) => ({
    id: person.id,
    organizationId: person.organizationId,
    email: matchEmail,
    externalId: person.externalId,
    person,
  }));
}

/**
 * Live organizations with any of these ids or e-mail domains, and organizations merged into a
 * live one named by id (`intoId`, the one their events now go to): one query.
 */
export async function findOrganizationsByRefs(
  db: Database,
  refs: { ids: string[]; domains: string[] },
): Promise<{ id: string; intoId: string; domains: string[] }[]> {
  const conditions: SQL[] = [];
  if (refs.ids.length) conditions.push(sql`o.id = any(${sql.param(refs.ids)}::uuid[])`);
  if (refs.domains.length) conditions.push(sql`o.domains && ${textArray(refs.domains)}`);
  if (conditions.length === 0) return [];
  const merged = refs.ids.length
    ? sql`union all
      select m.id, s.id, '{}'::text[] from organizations m
      join organizations s on s.id = m.merged_into_id and s.deleted_at is null
      where m.merged_into_id is not null and m.id = any(${sql.param(refs.ids)}::uuid[])`
    : sql``;
  return rows(
    db,
    sql`select o.id, o.id as "intoId", o.domains from organizations o
      where o.deleted_at is null and (${sql.join(conditions, sql` or `)})
      ${merged}`,
  );
}

/**
 * Inserts the customers no one else has inserted meanwhile: rows that collide with a live
 * customer's e-mail or external id (a concurrent batch) are skipped, not an error.
 */
export async function insertCustomersIfAbsent(db: Database, values: (typeof customers.$inferInsert)[]) {
  if (values.length === 0) return [];
  return db
    .insert(customers)
    .values(values)
    .onConflictDoNothing()
    .returning({
      id: customers.id,
      organizationId: customers.organizationId,
      email: sql<string | null>`lower(${customers.email})`,
      externalId: customers.externalId,
    });
}

/**
 * Inserts the events whose (source, id) is new; returns Steward's ids of those that went in, by
 * the source's id. The rows go in as one array per column (insert … select from unnest): a
 * 1,000-row VALUES list is 9,000 parameters for the query builder and the server to handle.
 */
export async function insertEventsIfNew(db: Database, values: (typeof events.$inferInsert)[]) {
  if (values.length === 0) return new Map<string, string>();
  // The batch as one JSON document, read back as rows by the database (jsonb_to_recordset): one
  // JSON.stringify instead of the driver escaping every element of nine text arrays (the events'
  // refs and data are JSON text themselves, quoted again inside an array literal).
  const batch = JSON.stringify(
    values.map((v) => ({
      id: v.id ?? newId(),
      source_id: v.sourceId,
      event_id: v.eventId,
      type: v.type,
      occurred_at: v.occurredAt,
      customer_id: v.customerId ?? null,
      organization_id: v.organizationId ?? null,
      refs: v.refs ?? {},
      data: v.data ?? {},
    })),
  );
  const inserted = await rows<{ id: string; event_id: string }>(
    db,
    sql`
    insert into events (id, source_id, event_id, type, occurred_at, customer_id, organization_id, refs, data)
    select v.id, v.source_id, v.event_id, v.type, v.occurred_at, v.customer_id, v.organization_id, v.refs, v.data
    from jsonb_to_recordset(${batch}::jsonb)
      as v(id uuid, source_id uuid, event_id text, type text, occurred_at timestamptz, customer_id uuid,
        organization_id uuid, refs jsonb, data jsonb)
    on conflict (source_id, event_id) do nothing
    returning id, event_id`,
  );
  return new Map(inserted.map((r) => [r.event_id, r.id]));
}

/** The warnings of accepted events (see events.warnings): one statement, and none without any. */
export async function recordEventWarnings(db: Database, warned: Map<string, string[]>) {
  if (warned.size === 0) return;
  await db.execute(sql`
    update events e set warnings = v.warnings
    from jsonb_each(${JSON.stringify(Object.fromEntries(warned))}::jsonb) as v(id, warnings)
    where e.id = v.id::uuid`);
}

const columns = {
  id: events.id,
  eventId: events.eventId,
  source: eventSources.key,
  type: events.type,
  occurredAt: events.occurredAt,
  receivedAt: events.receivedAt,
  customerId: events.customerId,
  organizationId: events.organizationId,
  refs: events.refs,
  data: events.data,
  warnings: events.warnings,
};

export type EventRow = Awaited<ReturnType<typeof findEvent>> & {};

export async function findEvent(db: Database, id: string) {
  const [row] = await db
    .select(columns)
    .from(events)
    .innerJoin(eventSources, eq(eventSources.id, events.sourceId))
    .where(eq(events.id, id))
    .limit(1);
  return row;
}

function filters(q: EventListQuery): SQL | undefined {
  // Each @> uses the GIN (jsonb_path_ops) index on refs; several are OR-ed (a bitmap OR).
  const ref = q.ref?.length
    ? or(
        ...q.ref.map((r) => {
          const colon = r.indexOf(':');
          return sql`${events.refs} @> ${JSON.stringify({ [r.slice(0, colon)]: r.slice(colon + 1) })}::jsonb`;
        }),
      )
    : undefined;
  return and(
    q.type ? eq(events.type, q.type) : undefined,
    q.customerId ? eq(events.customerId, q.customerId) : undefined,
    q.source ? eq(eventSources.key, q.source) : undefined,
    ref,
    q.occurredAfter ? gte(events.occurredAt, new Date(q.occurredAfter)) : undefined,
    q.occurredBefore ? lt(events.occurredAt, new Date(q.occurredBefore)) : undefined,
    q.warned === undefined
      ? undefined
      : q.warned
        ? sql`${events.warnings} is not null`
        : sql`${events.warnings} is null`,
  );
}

export async function listEvents(db: Database, q: EventListQuery) {
  const sort = sortFrom(q.sort, { occurredAt: events.occurredAt, receivedAt: events.receivedAt }, events.id);
  const found = await db
    .select({ ...columns, sortKey: sortKey(sort) })
    .from(events)
    .innerJoin(eventSources, eq(eventSources.id, events.sourceId))
    .where(and(filters(q), afterCursor(sort, q.cursor)))
    .orderBy(...orderBy(sort))
    .limit(q.limit + 1);
  const page = toPage(found, q.limit);
  let total: number | undefined;
  if (q.includeTotal) {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(events)
      .innerJoin(eventSources, eq(eventSources.id, events.sourceId))
      .where(filters(q));
    total = row?.n ?? 0;
  }
  return { ...page, total };
}
