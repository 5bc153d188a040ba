// Column helpers shared by every domain's tables, so timestamps and ids look the same everywhere.
import { sql } from 'drizzle-orm';
import { timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';

/** Time-ordered UUIDv7 primary key generated in the application (PostgreSQL 15 has no uuidv7()). */
export const idColumn = () =>
  uuid('id')
    .primaryKey()
    .$defaultFn(() => uuidv7());

export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const createdAt = (name = 'created_at') =>
  timestamptz(name)
    .notNull()
    .default(sql`now()`);
export const updatedAt = () =>
  timestamptz('updated_at')
    .notNull()
    .default(sql`now()`);
export const deletedAt = () => timestamptz('deleted_at');

export const newId = () => uuidv7();
