// Admin-defined custom fields of cases, customers and organizations: their definitions, and the
// check of a record's values against them. Cases take only defined fields; customers and
// organizations keep free-form values too (integrations send their own attributes), and only
// the defined ones are typed.
import { and, asc, eq, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import type { Database } from '../../../db/client.js';
import { nextVersion } from '../../../db/columns.js';
import type {
  CustomFieldDefinition,
  CustomFieldDefinitionInput,
  CustomFieldDefinitionUpdate,
  FieldEntity,
} from '../../../shared/schemas/fields.js';
import { isStaff, type Actor } from '../../lib/actor.js';
import { translateDbError } from '../../lib/db-errors.js';
import { assertUnchangedSince } from '../../lib/edit-version.js';
import { badRequest, conflict, notFound, unprocessable } from '../../lib/errors.js';
import { diff, recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { customFieldDefinitions } from './fields.table.js';
import { customFieldIssues, parseFieldText, splitFieldFilter } from '../../../shared/field-values.js';

const NIL = '00000000-0000-0000-0000-000000000000';

export type Definition = typeof customFieldDefinitions.$inferSelect;

const ofEntity = (entity: FieldEntity, key?: string) =>
  and(
    eq(customFieldDefinitions.entity, entity),
    key === undefined ? undefined : eq(customFieldDefinitions.key, key),
  );

export const toFieldDto = (r: Definition): CustomFieldDefinition => ({
  key: r.key,
  label: r.label,
  type: r.type,
  options: r.options,
  required: r.required,
  customerVisible: r.customerVisible,
  active: r.active,
  updatedAt: r.updatedAt.toISOString(),
});

/** The fields offered on records of this kind (switched-off ones are not). */
export const loadDefinitions = (db: Database, entity: FieldEntity) =>
  db
    .select()
    .from(customFieldDefinitions)
    .where(and(ofEntity(entity), eq(customFieldDefinitions.active, true)));

/** A customer reads only the fields shown to customers, and switched on. */
const readableBy = (actor?: Actor) =>
  !actor || isStaff(actor)
    ? undefined
    : and(eq(customFieldDefinitions.customerVisible, true), eq(customFieldDefinitions.active, true));

/** Every field of this kind, switched off too, by label (a customer: see readableBy). */
export const listFields = (db: Database, entity: FieldEntity, actor?: Actor) =>
  db
    .select()
    .from(customFieldDefinitions)
    .where(and(ofEntity(entity), readableBy(actor)))
    .orderBy(asc(customFieldDefinitions.label), asc(customFieldDefinitions.key));

export async function getField(db: Database, entity: FieldEntity, key: string, actor?: Actor) {
  const [row] = await db
    .select()
    .from(customFieldDefinitions)
    .where(and(ofEntity(entity, key), readableBy(actor)));
  if (!row) throw notFound(`${entity} field`);
  return toFieldDto(row);
}

function checkDefinition(
  entity: FieldEntity,
  type: string | undefined,
  input: { options?: string[] | null; required?: boolean; customerVisible?: boolean },
) {
  const refuse = (path: string, message: string) => {
    throw unprocessable('validation_error', `body.${path}: ${message}`, [{ path: `body.${path}`, message }]);
  };
  const { options, required, customerVisible } = input;
  if (type === 'select' && (!options || options.length === 0)) refuse('options', 'needs at least one option');
  if (type && type !== 'select' && options?.length) refuse('options', 'only select fields have options');
  if (options && new Set(options.map((o) => o.toLowerCase())).size < options.length)
    refuse('options', 'an option is listed twice');
  if (required && entity !== 'case')
    refuse('required', 'only case fields can be required (a case cannot be solved without them)');
  if (customerVisible && entity === 'case')
    refuse('customerVisible', 'only customer and organization fields can be shown to customers');
}

export async function createField(
  db: Database,
  actor: Actor,
  entity: FieldEntity,
  input: z.infer<typeof CustomFieldDefinitionInput>,
) {
  checkDefinition(entity, input.type, input);
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(customFieldDefinitions)
        .values({ ...input, entity })
        .returning();
      await recordDomainEvent(tx, actor, {
        type: `${entity}_field.created`,
        entityType: `${entity}_field`,
        entityId: NIL,
        data: { ...input },
      });
      return toFieldDto(row!);
    });
  } catch (err) {
    throw translateDbError(err, {
      custom_field_definitions_pkey: conflict('field_exists', `a ${entity} field "${input.key}" exists`),
    });
  }
}

/** Changes a field; a change that changes nothing writes nothing (and answers it as it is). */
export async function updateField(
  db: Database,
  actor: Actor,
  entity: FieldEntity,
  key: string,
  input: z.infer<typeof CustomFieldDefinitionUpdate>,
  /** The `updatedAt` of the copy edited (If-Match): refused if it changed since. */
  expected?: string,
) {
  return db.transaction(async (tx) => {
    await assertUnchangedSince(
      tx,
      customFieldDefinitions,
      ofEntity(entity, key),
      expected,
      `${entity} field`,
    );
    const [before] = await tx
      .select()
      .from(customFieldDefinitions)
      .where(ofEntity(entity, key))
      .for('update');
    if (!before) throw notFound(`${entity} field`);
    checkDefinition(entity, input.options === undefined ? undefined : before.type, input);
    const changes = diff(before, input);
    if (Object.keys(changes).length === 0) return toFieldDto(before);
    const [row] = await tx
      .update(customFieldDefinitions)
      .set({ ...input, updatedAt: nextVersion() })
      .where(ofEntity(entity, key))
      .returning();
    await recordDomainEvent(tx, actor, {
      type: `${entity}_field.updated`,
      entityType: `${entity}_field`,
      entityId: NIL,
      data: { key, changes },
    });
    return toFieldDto(row!);
  });
}

/**
 * Refuses (422 `invalid_custom_field`, every problem listed) values that do not fit their fields.
 * With `before` (an edit of a customer or organization), only the values that change are checked.
 */
export async function assertCustomFields(
  db: Database,
  entity: FieldEntity,
  values: Record<string, unknown> | undefined,
  before?: Record<string, unknown>,
) {
  if (!values || Object.keys(values).length === 0) return;
  const defs = await loadDefinitions(db, entity);
  if (defs.length === 0 && entity !== 'case') return;
  const issues = customFieldIssues(defs, values, { unknown: entity === 'case' ? 'reject' : 'allow', before });
  if (issues.length > 0)
    throw unprocessable('invalid_custom_field', `${issues[0]!.path}: ${issues[0]!.message}`, issues);
}

/**
 * The condition of a list's `field` filters (`key:value`, all must hold) on a record's custom
 * fields column: a defined field's value is read as its type (`12`, `true`, the option as
 * spelled) and found by containment, which the column's GIN index serves; another key's value is
 * compared as text; an empty value
 * matches records without one. A value a defined field cannot hold is `400 invalid_field_filter`.
 */
export async function fieldFilterCondition(
  db: Database,
  entity: FieldEntity,
  column: AnyPgColumn,
  filters: string[] | undefined,
  options: {
    /** A customer's list: only the fields shown to customers (a filter would reveal the others). */
    customerView?: boolean;
    /**
     * A saved filter (a queue view): a value its field can no longer hold (the field's type or
     * options changed since) is compared as written, so it matches nothing instead of failing.
     */
    saved?: boolean;
  } = {},
): Promise<SQL | undefined> {
  if (!filters?.length) return undefined;
  const defs = new Map((await loadDefinitions(db, entity)).map((d) => [d.key, d]));
  return and(
    ...filters.map((filter) => {
      const [key, text] = splitFieldFilter(filter);
      const def = defs.get(key);
      if (options.customerView && !def?.customerVisible)
        throw badRequest('invalid_field_filter', `field ${key}: not a field shown to customers`);
      if (text === '') return sql`(${column} ->> ${key}::text) is null`;
      if (!def) return sql`(${column} ->> ${key}::text) = ${text}`;
      const parsed = parseFieldText(def, text);
      if ('error' in parsed && !options.saved)
        throw badRequest(
          'invalid_field_filter',
          `field ${key}: ${parsed.error}, not ${JSON.stringify(text)}`,
        );
      const value = 'error' in parsed ? text : parsed.value;
      // Containment, so the column's GIN index finds the records: the value as its type, and as
      // text (a value stored before its field was defined, e.g. "12" for a number field).
      const spellings = new Set([JSON.stringify({ [key]: value }), JSON.stringify({ [key]: String(value) })]);
      return or(...[...spellings].map((json) => sql`${column} @> ${json}::jsonb`));
    }),
  );
}

/**
 * What a customer sees of a record's custom fields (their own, a colleague's, their
 * organization's): the fields defined as shown to customers and switched on; nothing else.
 */
export async function customerVisibleFields(db: Database, entity: FieldEntity) {
  const keys = new Set(
    (await loadDefinitions(db, entity)).filter((d) => d.customerVisible).map((d) => d.key),
  );
  return (values: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(values).filter(([key]) => keys.has(key)));
}
