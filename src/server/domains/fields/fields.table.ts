import { sql } from 'drizzle-orm';
import { boolean, check, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from '../../../db/columns.js';
import type { CustomFieldType, FieldEntity } from '../../../shared/schemas/fields.js';

/** Admin-defined, typed custom fields of cases, customers and organizations: one list per kind. */
export const customFieldDefinitions = pgTable(
  'custom_field_definitions',
  {
    entity: text('entity').$type<FieldEntity>().notNull().default('case'),
    key: text('key').notNull(),
    label: text('label').notNull(),
    type: text('type').$type<CustomFieldType>().notNull(),
    options: text('options').array(),
    /** Cases only: a value is needed before the case is solved. */
    required: boolean('required').notNull().default(false),
    /** Customers and organizations: the customer sees it on their own record and organization. */
    customerVisible: boolean('customer_visible').notNull().default(false),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ name: 'custom_field_definitions_pkey', columns: [t.entity, t.key] }),
    check('custom_field_definitions_entity_ck', sql`${t.entity} in ('case', 'customer', 'organization')`),
  ],
);
