// Case categories: the vocabulary admins extend (custom fields: domains/fields).
import { and, asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Database } from '../../../db/client.js';
import type { CategoryInput } from '../../../shared/schemas/cases.js';
import type { Actor } from '../../lib/actor.js';
import { conflict, notFound, unprocessable } from '../../lib/errors.js';
import { translateDbError } from '../../lib/db-errors.js';
import { diff, recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { categories } from './cases.table.js';

const NIL = '00000000-0000-0000-0000-000000000000';

export const listCategories = (db: Database) => db.select().from(categories).orderBy(asc(categories.name));

/** What a customer may pick on a new request: the categories switched on and offered to customers. */
export const listOfferedCategories = (db: Database) =>
  db
    .select({ key: categories.key, name: categories.name })
    .from(categories)
    .where(and(eq(categories.active, true), eq(categories.offeredToCustomers, true)))
    .orderBy(asc(categories.name));

/**
 * A category a customer picked: one that is on (422 invalid_reference, as for staff) and offered
 * to customers (422 category_not_offered). Checked before anything is written.
 */
export async function assertOfferedCategory(db: Database, key: string) {
  const [row] = await db
    .select({ active: categories.active, offered: categories.offeredToCustomers })
    .from(categories)
    .where(eq(categories.key, key));
  const path = 'body.category';
  if (!row?.active) {
    const message = `no active category "${key}"`;
    throw unprocessable('invalid_reference', `${path}: ${message}`, [{ path, message }]);
  }
  if (!row.offered) {
    const message = `"${key}" is not a category customers may choose`;
    throw unprocessable('category_not_offered', `${path}: ${message}`, [{ path, message }]);
  }
}

export async function createCategory(db: Database, actor: Actor, input: z.infer<typeof CategoryInput>) {
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx.insert(categories).values(input).returning();
      await recordDomainEvent(tx, actor, {
        type: 'category.created',
        entityType: 'category',
        entityId: NIL,
        data: { ...input },
      });
      return row!;
    });
  } catch (err) {
    throw translateDbError(err, {
      categories_pkey: conflict('category_exists', `category "${input.key}" exists`),
    });
  }
}

/** Changes a category; a change that changes nothing writes nothing (and answers it as it is). */
export async function updateCategory(
  db: Database,
  actor: Actor,
  key: string,
  input: { name?: string; active?: boolean; offeredToCustomers?: boolean },
) {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(categories).where(eq(categories.key, key)).for('update');
    if (!before) throw notFound('category');
    const changes = diff(before, input);
    if (Object.keys(changes).length === 0) return before;
    const [row] = await tx.update(categories).set(input).where(eq(categories.key, key)).returning();
    await recordDomainEvent(tx, actor, {
      type: 'category.updated',
      entityType: 'category',
      entityId: NIL,
      data: { key, changes },
    });
    return row!;
  });
}
