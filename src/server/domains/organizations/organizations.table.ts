import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { segments } from '../segments/segments.table.js';
import { createdAt, deletedAt, idColumn, updatedAt } from '../../../db/columns.js';
import type { CustomFields } from '../../../shared/schemas/common.js';

export const organizations = pgTable(
  'organizations',
  {
    id: idColumn(),
    name: text('name').notNull(),
    /** Lower-case e-mail domains; used to match unknown senders to their organization. */
    domains: text('domains')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    segment: text('segment').references(() => segments.key, { onUpdate: 'cascade' }),
    customFields: jsonb('custom_fields').$type<CustomFields>().notNull().default({}),
    notes: text('notes'),
    /** Set when this (deleted) organization was merged into another: its id and name lead there. */
    mergedIntoId: uuid('merged_into_id').references((): AnyPgColumn => organizations.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    index('organizations_name_trgm').using('gin', sql`lower(${t.name}) gin_trgm_ops`),
    index('organizations_name_sort').on(t.name, t.id),
    index('organizations_created_sort').on(t.createdAt, t.id),
    index('organizations_domains_gin').using('gin', t.domains),
    index('organizations_segment').on(t.segment),
    // The custom field filters of the list (`custom_fields @> {"key": value}`).
    index('organizations_custom_fields').using('gin', t.customFields.op('jsonb_path_ops')),
    // One live organization a name, in any case (src/server/lib/unique-names.ts); merged ones
    // keep theirs, deleted, and lead to where they went.
    uniqueIndex('organizations_name_live_uq')
      .on(sql`lower(${t.name})`)
      .where(sql`${t.deletedAt} is null`),
    index('organizations_merged_into')
      .on(t.mergedIntoId)
      .where(sql`${t.mergedIntoId} is not null`),
  ],
);
