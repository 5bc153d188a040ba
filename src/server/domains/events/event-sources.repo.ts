import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { eventSources } from './events.table.js';

export type EventSourceRow = typeof eventSources.$inferSelect;

const live = isNull(eventSources.deletedAt);

export async function listEventSources(db: Database) {
  return db.select().from(eventSources).where(live).orderBy(asc(eventSources.key));
}

/** A source by key, deleted ones included (keys are never reused). */
export async function findEventSourceAnyState(db: Database, key: string) {
  const [row] = await db.select().from(eventSources).where(eq(eventSources.key, key)).limit(1);
  return row;
}

export async function findLiveEventSource(db: Database, key: string) {
  const [row] = await db
    .select()
    .from(eventSources)
    .where(and(eq(eventSources.key, key), live))
    .limit(1);
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
    Pick<EventSourceRow, 'name' | 'createUnknownCustomers' | 'active' | 'tokenHash' | 'webhookSecret'>
  >,
) {
  const [row] = await db
    .update(eventSources)
    .set({ ...values, updatedAt: sql`now()` })
    .where(and(eq(eventSources.id, id), live))
    .returning();
  return row;
}

/** Its token and webhook stop working at once: every lookup above asks for live sources. */
export async function softDeleteEventSource(db: Database, id: string) {
  await db
    .update(eventSources)
    .set({ deletedAt: sql`now()`, updatedAt: sql`now()`, active: false })
    .where(and(eq(eventSources.id, id), live));
}
