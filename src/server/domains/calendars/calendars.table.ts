import { sql } from 'drizzle-orm';
import { jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, deletedAt, idColumn, updatedAt } from '../../../db/columns.js';

export interface CalendarHoursRow {
  day: number;
  open: string;
  close: string;
}

/** Business hours in one time zone, with holidays: every promise clock runs on one. */
export const calendars = pgTable(
  'calendars',
  {
    id: idColumn(),
    name: text('name').notNull(),
    timezone: text('timezone').notNull(),
    hours: jsonb('hours').$type<CalendarHoursRow[]>().notNull(),
    /** Local dates (YYYY-MM-DD) in the calendar's zone, closed all day. */
    holidays: jsonb('holidays').$type<string[]>().notNull().default([]),
    /**
     * The names of the holidays that have one, by date ({"2026-12-25": "Christmas Day"}). Beside
     * the dates, not in them: the business-time core and the API's `holidays` stay plain dates.
     */
    holidayNames: jsonb('holiday_names').$type<Record<string, string>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    // One live calendar a name, in any case (src/server/lib/unique-names.ts).
    uniqueIndex('calendars_name_live_uq')
      .on(sql`lower(${t.name})`)
      .where(sql`${t.deletedAt} is null`),
  ],
);
