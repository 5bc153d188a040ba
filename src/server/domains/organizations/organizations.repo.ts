import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import type { OrganizationListQuery } from '../../../shared/schemas/organizations.js';
import {
  afterCursor,
  containsPattern,
  orderBy,
  sortFrom,
  sortKey,
  toPage,
  totalIf,
} from '../../lib/pagination.js';
import { organizations } from './organizations.table.js';

const live = isNull(organizations.deletedAt);

const columns = {
  id: organizations.id,
  name: organizations.name,
  domains: organizations.domains,
  segment: organizations.segment,
  customFields: organizations.customFields,
  notes: organizations.notes,
  createdAt: organizations.createdAt,
  updatedAt: organizations.updatedAt,
  // Written out in full: drizzle would print the outer column unqualified, binding it to `c`.
  customerCount: sql<number>`(select count(*)::int from customers c where c.organization_id = organizations.id and c.deleted_at is null)`,
};

export async function findOrganization(db: Database, id: string) {
  const [row] = await db
    .select(columns)
    .from(organizations)
    .where(and(eq(organizations.id, id), live))
    .limit(1);
  return row;
}

export async function organizationExists(db: Database, id: string): Promise<boolean> {
  const [row] = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(and(eq(organizations.id, id), live))
    .limit(1);
  return !!row;
}

/** Live organizations (other than `exceptId`) that already claim one of these domains. */
export async function findDomainOwners(db: Database, domains: string[], exceptId?: string) {
  if (domains.length === 0) return [];
  return db
    .select({ id: organizations.id, name: organizations.name, domains: organizations.domains })
    .from(organizations)
    .where(
      and(
        live,
        sql`${organizations.domains} && ${sql`array[${sql.join(
          domains.map((d) => sql`${d}`),
          sql`, `,
        )}]::text[]`}`,
        exceptId ? sql`${organizations.id} <> ${exceptId}` : undefined,
      ),
    );
}

function filters(q: Partial<OrganizationListQuery>, scope: SQL | undefined) {
  return and(
    live,
    scope,
    q.q
      ? sql`(lower(${organizations.name}) like ${containsPattern(q.q)} or ${q.q.toLowerCase()} = any(${organizations.domains}))`
      : undefined,
    q.segment ? eq(organizations.segment, q.segment) : undefined,
    q.domain ? sql`${q.domain.toLowerCase()} = any(${organizations.domains})` : undefined,
  );
}

export async function listOrganizations(db: Database, q: OrganizationListQuery, scope: SQL | undefined) {
  const sort = sortFrom(
    q.sort,
    { name: organizations.name, createdAt: organizations.createdAt },
    organizations.id,
  );
  const found = await db
    .select({ ...columns, sortKey: sortKey(sort) })
    .from(organizations)
    .where(and(filters(q, scope), afterCursor(sort, q.cursor)))
    .orderBy(...orderBy(sort))
    .limit(q.limit + 1);
  const page = toPage(found, q.limit);
  const total = await totalIf(db, q.includeTotal, organizations, filters(q, scope));
  return { ...page, total };
}

export async function insertOrganizations(db: Database, values: (typeof organizations.$inferInsert)[]) {
  return db
    .insert(organizations)
    .values(values)
    .returning({ id: organizations.id, name: organizations.name });
}

export async function updateOrganizationRow(
  db: Database,
  id: string,
  values: Partial<typeof organizations.$inferInsert>,
) {
  await db
    .update(organizations)
    .set({ ...values, updatedAt: sql`now()` })
    .where(and(eq(organizations.id, id), live));
}

export async function softDeleteOrganization(db: Database, id: string) {
  await db
    .update(organizations)
    .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(organizations.id, id), live));
}
