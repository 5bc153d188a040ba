import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, deletedAt, idColumn, updatedAt } from '../../../db/columns.js';
import type { AgreementTarget } from '../../../shared/schemas/agreements.js';
import type { CommitmentDefinition } from '../../../shared/schemas/signals.js';
import { users } from '../auth/auth.table.js';
import { calendars } from '../calendars/calendars.table.js';
import { customers } from '../customers/customers.table.js';
import { organizations } from '../organizations/organizations.table.js';
import { segments } from '../segments/segments.table.js';

/**
 * A product and service agreement (PSA): what is promised to a customer, an organization, a
 * segment, or everyone (no scope). The most specific active agreement applies to a case.
 */
export const agreements = pgTable(
  'agreements',
  {
    id: idColumn(),
    name: text('name').notNull(),
    description: text('description'),
    calendarId: uuid('calendar_id')
      .notNull()
      .references(() => calendars.id),
    scopeCustomerId: uuid('scope_customer_id').references(() => customers.id),
    scopeOrganizationId: uuid('scope_organization_id').references(() => organizations.id),
    scopeSegment: text('scope_segment').references(() => segments.key, { onUpdate: 'cascade' }),
    targets: jsonb('targets').$type<AgreementTarget[]>().notNull(),
    /** Promises on operations (delivery by the promised date, ...), measured by events. */
    commitments: jsonb('commitments').$type<CommitmentDefinition[]>().notNull().default([]),
    /** Case statuses during which the resolution and periodic-update clocks stand still. */
    pauseOn: text('pause_on')
      .array()
      .notNull()
      .default(sql`'{pending,on_hold}'::text[]`),
    /** Warn when this share of the target has elapsed. */
    warnPercent: integer('warn_percent').notNull().default(75),
    active: boolean('active').notNull().default(true),
    ownerId: uuid('owner_id').references(() => users.id),
    reviewDate: date('review_date', { mode: 'string' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    check(
      'agreements_one_scope_ck',
      sql`num_nonnulls(${t.scopeCustomerId}, ${t.scopeOrganizationId}, ${t.scopeSegment}) <= 1`,
    ),
    check('agreements_warn_percent_ck', sql`${t.warnPercent} between 1 and 100`),
    // One active agreement per scope, so "the most specific wins" always has one answer.
    uniqueIndex('agreements_active_scope_uq')
      .on(
        sql`coalesce(${t.scopeCustomerId}::text, ${t.scopeOrganizationId}::text, 'segment:' || ${t.scopeSegment}, 'default')`,
      )
      .where(sql`${t.active} and ${t.deletedAt} is null`),
    // One live agreement a name, in any case (src/server/lib/unique-names.ts).
    uniqueIndex('agreements_name_live_uq')
      .on(sql`lower(${t.name})`)
      .where(sql`${t.deletedAt} is null`),
    index('agreements_calendar').on(t.calendarId),
    index('agreements_review').on(t.reviewDate),
  ],
);
