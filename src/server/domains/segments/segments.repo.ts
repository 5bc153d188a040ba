import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { segments } from './segments.table.js';
import { nextVersion } from '../../../db/columns.js';

const live = isNull(segments.deletedAt);

/** The live segment with this key (a deleted one may have had the key before). */
export const liveSegment = (key: string) => and(eq(segments.key, key), live);

const columns = {
  id: segments.id,
  key: segments.key,
  name: segments.name,
  description: segments.description,
  createdAt: segments.createdAt,
  updatedAt: segments.updatedAt,
  deletedAt: segments.deletedAt,
  organizationCount: sql<number>`(select count(*)::int from organizations o where o.segment = segments.key and o.deleted_at is null)`,
  customerCount: sql<number>`(select count(*)::int from customers c where c.segment = segments.key and c.deleted_at is null)`,
};

/** Any segment with this key, deleted or not (keys are never reused). */
export async function findSegmentAnyState(db: Database, key: string) {
  const [row] = await db.select(columns).from(segments).where(eq(segments.key, key)).limit(1);
  return row;
}

export async function segmentExists(db: Database, key: string): Promise<boolean> {
  const [row] = await db
    .select({ id: segments.id })
    .from(segments)
    .where(and(eq(segments.key, key), live))
    .limit(1);
  return !!row;
}

export const listSegments = (db: Database) =>
  db.select(columns).from(segments).where(live).orderBy(asc(segments.name));

export async function insertSegments(db: Database, values: (typeof segments.$inferInsert)[]) {
  return db.insert(segments).values(values).returning({ id: segments.id, key: segments.key });
}

export async function updateSegmentRow(
  db: Database,
  key: string,
  values: Partial<typeof segments.$inferInsert>,
) {
  await db
    .update(segments)
    .set({ ...values, updatedAt: nextVersion() })
    .where(and(eq(segments.key, key), live));
}

export async function softDeleteSegment(db: Database, key: string) {
  await db
    .update(segments)
    .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(segments.key, key), live));
}
