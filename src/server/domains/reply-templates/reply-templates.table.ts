import { index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, deletedAt, idColumn, timestamptz, updatedAt } from '../../../db/columns.js';
import { users } from '../auth/auth.table.js';
import { teams } from '../teams/teams.table.js';

/** Saved replies: personal (an owner) or shared (none: every agent, or one team's members). */
export const replyTemplates = pgTable(
  'reply_templates',
  {
    id: idColumn(),
    name: text('name').notNull(),
    body: text('body').notNull(),
    ownerId: uuid('owner_id').references(() => users.id),
    teamId: uuid('team_id').references(() => teams.id),
    /** How often it was put into a reply, and when last: the picker lists the most used first. */
    uses: integer('uses').notNull().default(0),
    lastUsedAt: timestamptz('last_used_at'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    index('reply_templates_owner')
      .on(t.ownerId)
      .where(sql`${t.deletedAt} is null`),
  ],
);
