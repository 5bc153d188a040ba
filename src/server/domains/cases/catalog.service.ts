// Case categories and custom field definitions: the vocabulary admins extend.
import { asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Database } from '../../../db/client.js';
import type { CategoryInput, CustomFieldDefinitionInput } from '../../../shared/schemas/cases.js';
import type { Actor } from '../../lib/actor.js';
import { conflict, notFound, unprocessable } from '../../lib/errors.js';
import { translateDbError } from '../../lib/db-errors.js';
import { diff, recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { categories, customFieldDefinitions } from './cases.table.js';

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

export const listCustomFields = (db: Database) =>
  db.select().from(customFieldDefinitions).orderBy(asc(customFieldDefinitions.label));

function checkOptions(type: string | undefined, options: string[] | undefined | null) {
  if (type === 'select' && (!options || options.length === 0)) {
    throw unprocessable('validation_error', 'body.options: a select field needs options', [
      { path: 'body.options', message: 'a select field needs at least one option' },
    ]);
  }
  if (type && type !== 'select' && options?.length) {
    throw unprocessable('validation_error', 'body.options: only select fields have options', [
      { path: 'body.options', message: 'only select fields have options' },
    ]);
  }
}

export async function createCustomField(
  db: Database,
  actor: Actor,
  input: z.infer<typeof CustomFieldDefinitionInput>,
) {
  checkOptions(input.type, input.options);
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx.insert(customFieldDefinitions).values(input).returning();
      await recordDomainEvent(tx, actor, {
        type: 'case_field.created',
        entityType: 'case_field',
        entityId: NIL,
        data: { ...input },
      });
      return row!;
    });
  } catch (err) {
    throw translateDbError(err, {
      custom_field_definitions_pkey: conflict('field_exists', `custom field "${input.key}" exists`),
    });
  }
}

/** Changes a custom field; a change that changes nothing writes nothing (and answers it as it is). */
export async function updateCustomField(
  db: Database,
  actor: Actor,
  key: string,
  input: { label?: string; options?: string[]; required?: boolean; active?: boolean },
) {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(customFieldDefinitions)
      .where(eq(customFieldDefinitions.key, key))
      .for('update');
    if (!before) throw notFound('custom field');
    if (input.options !== undefined) checkOptions(before.type, input.options);
    const changes = diff(before, input);
    if (Object.keys(changes).length === 0) return before;
    const [row] = await tx
      .update(customFieldDefinitions)
      .set(input)
      .where(eq(customFieldDefinitions.key, key))
      .returning();
    await recordDomainEvent(tx, actor, {
      type: 'case_field.updated',
      entityType: 'case_field',
      entityId: NIL,
      data: { key, changes },
    });
    return row!;
  });
}
