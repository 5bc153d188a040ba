import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import type {
  CustomerDuplicates,
  CustomerListQuery,
  DuplicateGroups,
} from '../../../shared/schemas/customers.js';
import { afterCursor, containsPattern, orderBy, sortFrom, sortKey, toPage } from '../../lib/pagination.js';
import { organizations } from '../organizations/organizations.table.js';
import { customers } from './customers.table.js';
import { nextVersion } from '../../../db/columns.js';

const columns = {
  id: customers.id,
  name: customers.name,
  email: customers.email,
  phone: customers.phone,
  organizationId: customers.organizationId,
  organizationName: organizations.name,
  segment: customers.segment,
  effectiveSegment: sql<string | null>`coalesce(${customers.segment}, ${organizations.segment})`,
  language: customers.language,
  timeZone: customers.timeZone,
  externalId: customers.externalId,
  organizationAccess: customers.organizationAccess,
  mailAcknowledgements: customers.mailAcknowledgements,
  mailProactiveNotices: customers.mailProactiveNotices,
  customFields: customers.customFields,
  createdAt: customers.createdAt,
  updatedAt: customers.updatedAt,
};

export type CustomerRow = Awaited<ReturnType<typeof findCustomer>> & {};

const live = isNull(customers.deletedAt);

/** The record with this id, unless deleted. */
export const liveCustomer = (id: string) => and(eq(customers.id, id), live);

export async function findCustomer(db: Database, id: string) {
  const [row] = await db
    .select(columns)
    .from(customers)
    .leftJoin(organizations, eq(organizations.id, customers.organizationId))
    .where(and(eq(customers.id, id), live))
    .limit(1);
  return row;
}

function filters(q: Partial<CustomerListQuery>, scope: SQL | undefined): SQL | undefined {
  return and(
    live,
    scope,
    q.q
      ? sql`(lower(${customers.name}) like ${containsPattern(q.q)} or lower(${customers.email}) like ${containsPattern(q.q)})`
      : undefined,
    q.organizationId ? eq(customers.organizationId, q.organizationId) : undefined,
    q.segment ? sql`coalesce(${customers.segment}, ${organizations.segment}) = ${q.segment}` : undefined,
    // By e-mail or external id, a customer merged into another finds the one it went into.
    q.email
      ? sql`(lower(${customers}.email) = lower(${q.email}) or ${customers}.id = (
          select m.merged_into_id from customers m
          where lower(m.email) = lower(${q.email}) and m.merged_into_id is not null
          order by m.deleted_at desc limit 1))`
      : undefined,
    q.externalId
      ? sql`(${customers}.external_id = ${q.externalId} or ${customers}.id = (
          select m.merged_into_id from customers m
          where m.external_id = ${q.externalId} and m.merged_into_id is not null
          order by m.deleted_at desc limit 1))`
      : undefined,
  );
}

export async function listCustomers(db: Database, q: CustomerListQuery, scope: SQL | undefined) {
  const sort = sortFrom(q.sort, { name: customers.name, createdAt: customers.createdAt }, customers.id);
  const where = and(filters(q, scope), afterCursor(sort, q.cursor));
  const found = await db
    .select({ ...columns, sortKey: sortKey(sort) })
    .from(customers)
    .leftJoin(organizations, eq(organizations.id, customers.organizationId))
    .where(where)
    .orderBy(...orderBy(sort))
    .limit(q.limit + 1);
  const page = toPage(found, q.limit);
  let total: number | undefined;
  if (q.includeTotal) {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(customers)
      .leftJoin(organizations, eq(organizations.id, customers.organizationId))
      .where(filters(q, scope));
    total = row?.n ?? 0;
  }
  return { ...page, total };
}

export async function insertCustomers(db: Database, values: (typeof customers.$inferInsert)[]) {
  return db.insert(customers).values(values).returning({ id: customers.id });
}

export async function updateCustomerRow(
  db: Database,
  id: string,
  values: Partial<typeof customers.$inferInsert>,
) {
  await db
    .update(customers)
    .set({ ...values, updatedAt: nextVersion() })
    .where(liveCustomer(id));
}

export async function softDeleteCustomer(db: Database, id: string) {
  await db
    .update(customers)
    .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(customers.id, id), live));
}

export interface ResolvedCustomer {
  id: string;
  organization_id: string | null;
  name: string;
  email: string | null;
  /** Found through a customer merged into it. */
  merged: boolean;
}

/**
 * The live customer behind an id, external id or e-mail address (case-insensitive): the customer
 * with it, else the one a merged customer with it went into. Two index lookups, no scan.
 */
export async function resolveCustomer(
  db: Database,
  by: { id: string } | { externalId: string } | { email: string },
): Promise<ResolvedCustomer | undefined> {
  const key = (t: string) =>
    'id' in by
      ? sql`${sql.raw(t)}.id = ${by.id}`
      : 'externalId' in by
        ? sql`${sql.raw(t)}.external_id = ${by.externalId}`
        : sql`lower(${sql.raw(t)}.email) = lower(${by.email})`;
  const [row] = await rows<ResolvedCustomer>(
    db,
    sql`select id, organization_id, name, email, rank = 1 as merged from (
      select c.id, c.organization_id, c.name, c.email, 0 as rank
        from customers c where ${key('c')} and c.deleted_at is null
      union all
      select c.id, c.organization_id, c.name, c.email, 1
        from customers m join customers c on c.id = m.merged_into_id and c.deleted_at is null
        where ${key('m')} and m.merged_into_id is not null
    ) found order by rank limit 1`,
  );
  return row;
}

/** Merged (deleted) customers with any of these ids, external ids or e-mails, and the live customer each went into. */
export async function findMergedCustomerRefs(
  db: Database,
  refs: { ids: string[]; externalIds: string[]; emails: string[] },
) {
  if (refs.ids.length + refs.externalIds.length + refs.emails.length === 0) return [];
  return rows<{ id: string; externalId: string | null; email: string | null; intoId: string }>(
    db,
    sql`select m.id, m.external_id as "externalId", lower(m.email) as email, m.merged_into_id as "intoId"
      from customers m join customers s on s.id = m.merged_into_id and s.deleted_at is null
      where m.merged_into_id is not null
        and (m.id = any(${sql.param(refs.ids)}::uuid[]) or m.external_id = any(${sql.param(refs.externalIds)}::text[])
          or lower(m.email) = any(${sql.param(refs.emails.map((e) => e.toLowerCase()))}::text[]))`,
  );
}

/**
 * Customers merged into this one (their addresses lead here), and live customers who may be the
 * same person: the same name in any case, or the same phone digits (six or more). Index lookups.
 */
export async function findDuplicates(db: Database, id: string): Promise<CustomerDuplicates> {
  const merged = await rows<CustomerDuplicates['merged'][number]>(
    db,
    sql`select m.id, m.name, m.email, m.phone, m.external_id as "externalId", o.name as "organizationName",
        to_char(m.deleted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "mergedAt"
      from customers m left join organizations o on o.id = m.organization_id
      where m.merged_into_id = ${id}
      order by m.deleted_at desc, m.id limit 50`,
  );
  const possible = await rows<CustomerDuplicates['possible'][number]>(
    db,
    // The candidates first, each kind by its own index; sorting all customers by name and
    // filtering (the plan PostgreSQL picks for one query with an OR) reads every row.
    sql`with me as materialized (
        select lower(name) as name, regexp_replace(phone, '[^0-9]', '', 'g') as phone
        from customers where id = ${id}
      ), found as materialized (
        select c.id from me join customers c on lower(c.name) = me.name and c.deleted_at is null
        union
        select c.id from me join customers c
          on regexp_replace(c.phone, '[^0-9]', '', 'g') = me.phone and c.deleted_at is null and c.phone is not null
        where length(me.phone) >= 6
      )
      select c.id, c.name, c.email, c.phone, c.external_id as "externalId", o.name as "organizationName",
        array_remove(array[
          case when lower(c.name) = me.name then 'name' end,
          case when regexp_replace(c.phone, '[^0-9]', '', 'g') = me.phone then 'phone' end
        ], null) as reasons
      from found f join customers c on c.id = f.id cross join me
        left join organizations o on o.id = c.organization_id
      where c.id <> ${id}
      order by c.name, c.id limit 10`,
  );
  return { merged, possible };
}

const DUPLICATE_GROUPS_SHOWN = 50;

/**
 * Live customers who share a name (any case) or phone digits (six or more), in groups, the
 * largest first: a cleanup list. One pass over the customers, grouped in the database.
 */
export async function findDuplicateGroups(db: Database): Promise<DuplicateGroups> {
  const found = await rows<DuplicateGroups['items'][number] & { total: number }>(
    db,
    sql`with keyed as (
        select 'name' as reason, lower(name) as key, id from customers where deleted_at is null
        union all
        select 'phone', regexp_replace(phone, '[^0-9]', '', 'g'), id from customers
        where deleted_at is null and phone is not null
          and length(regexp_replace(phone, '[^0-9]', '', 'g')) >= 6
      ), grouped as (
        select reason, key, array_agg(id) as ids, count(*) as n, count(*) over () as total
        from keyed group by reason, key having count(*) > 1
        order by count(*) desc, key, reason
        limit ${DUPLICATE_GROUPS_SHOWN}
      )
      select g.reason, g.key, g.total::int as total,
        (select json_agg(json_build_object(
            'id', c.id, 'name', c.name, 'email', c.email, 'phone', c.phone, 'externalId', c.external_id,
            'organizationName', o.name,
            'createdAt', to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'cases', (select count(*) from cases k where k.customer_id = c.id and k.deleted_at is null)
          ) order by c.created_at, c.id)
          from customers c left join organizations o on o.id = c.organization_id
          where c.id = any(g.ids)) as customers
      from grouped g
      order by g.n desc, g.key, g.reason`,
  );
  return {
    items: found.map(({ total: _total, ...group }) => group),
    total: found[0]?.total ?? 0,
  };
}
