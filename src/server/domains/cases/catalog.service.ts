// Case categories: the vocabulary admins extend (custom fields: domains/fields).
import { asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Database } from '../../../db/client.js';
import type { CategoryInput } from '../../../shared/schemas/cases.js';
import type { Actor } from '../../lib/actor.js';
import { conflict, notFound } from '../../lib/errors.js';
import { translateDbError } from '../../lib/db-errors.js';
import { diff, recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { categories } from './cases.table.js';

const NIL = '00000000-0000-0000-0000-000000000000';

export const listCategories = (db: Database) => db.select().from(categories).orderBy(asc(categories.name));

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
  input: { name?: string; active?: boolean },
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
