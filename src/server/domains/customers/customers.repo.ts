import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import type { CustomerListQuery } from '../../../shared/schemas/customers.js';
import { afterCursor, containsPattern, orderBy, sortFrom, sortKey, toPage } from '../../lib/pagination.js';
import { organizations } from '../organizations/organizations.table.js';
import { customers } from './customers.table.js';

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
  customFields: customers.customFields,
  createdAt: customers.createdAt,
  updatedAt: customers.updatedAt,
};

export type CustomerRow = Awaited<ReturnType<typeof findCustomer>> & {};

const live = isNull(customers.deletedAt);

export async function findCustomer(db: Database, id: string) {
  const [row] = await db
    .select(columns)
    .from(customers)
    .leftJoin(organizations, eq(organizations.id, customers.organizationId))
    .where(and(eq(customers.id, id), live))
    .limit(1);
  return row;
}

export async function findCustomerIdByEmail(db: Database, email: string, exceptId?: string) {
  const [row] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(
      and(
        sql`lower(${customers.email}) = lower(${email})`,
        live,
        exceptId ? sql`${customers.id} <> ${exceptId}` : undefined,
      ),
    )
    .limit(1);
  return row?.id;
}

export async function findCustomerIdByExternalId(db: Database, externalId: string, exceptId?: string) {
  const [row] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(
      and(
        eq(customers.externalId, externalId),
        live,
        exceptId ? sql`${customers.id} <> ${exceptId}` : undefined,
      ),
    )
    .limit(1);
  return row?.id;
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
    q.email ? sql`lower(${customers.email}) = lower(${q.email})` : undefined,
    q.externalId ? eq(customers.externalId, q.externalId) : undefined,
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
    .set({ ...values, updatedAt: sql`now()` })
    .where(and(eq(customers.id, id), live));
}

export async function softDeleteCustomer(db: Database, id: string) {
  await db
    .update(customers)
    .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(customers.id, id), live));
}
