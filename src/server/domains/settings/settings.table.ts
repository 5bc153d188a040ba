import { jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { updatedAt } from '../../../db/columns.js';

/** Organisation-wide settings an admin changes at run time (one row per key). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: updatedAt(),
});
