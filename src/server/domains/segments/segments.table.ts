import { pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, deletedAt, idColumn, updatedAt } from '../../../db/columns.js';

export const segments = pgTable('segments', {
  id: idColumn(),
  /** Stable key used by organizations, customers and agreements (e.g. `enterprise`); never reused. */
  key: text('key').notNull().unique('segments_key_uq'),
  name: text('name').notNull(),
  description: text('description'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  deletedAt: deletedAt(),
});
