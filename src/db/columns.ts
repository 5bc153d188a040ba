// Column helpers shared by every domain's tables, so timestamps and ids look the same everywhere.
import { sql, type SQL } from 'drizzle-orm';
import { customType, timestamp, uuid } from 'drizzle-orm/pg-core';
import { randomFillSync } from 'node:crypto';
import { V7Generator } from 'uuidv7';

// UUIDv7 through the uuidv7 library's generator (timestamp, counter, monotonic within a
// millisecond), fed from a pool of random numbers filled 8 KiB at a time, and written out through
// a table of hex pairs: an ingest batch takes a few thousand ids, and this is about seven times
// faster than the library's `uuidv7()` (one getRandomValues call per few ids, a string built
// digit by digit). One generator for the whole process, so ids stay in order.
const pool = new Uint32Array(2048);
let cursor = pool.length;
const generator = new V7Generator({
  nextUint32() {
    if (cursor >= pool.length) {
      randomFillSync(pool);
      cursor = 0;
    }
    return pool[cursor++]!;
  },
});
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A new time-ordered UUIDv7 (PostgreSQL 15 has no uuidv7()). */
export function newId(): string {
  const b = generator.generate().bytes;
  return (
    HEX[b[0]!]! +
    HEX[b[1]!] +
    HEX[b[2]!] +
    HEX[b[3]!] +
    '-' +
    HEX[b[4]!] +
    HEX[b[5]!] +
    '-' +
    HEX[b[6]!] +
    HEX[b[7]!] +
    '-' +
    HEX[b[8]!] +
    HEX[b[9]!] +
    '-' +
    HEX[b[10]!] +
    HEX[b[11]!] +
    HEX[b[12]!] +
    HEX[b[13]!] +
    HEX[b[14]!] +
    HEX[b[15]!]
  );
}

/** The smallest UUIDv7 of a moment: ids below it were made before it (a range of the primary key). */
export function uuidv7Floor(at: Date): string {
  const hex = Math.max(0, Math.floor(at.getTime())).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}

/** Time-ordered UUIDv7 primary key generated in the application. */
export const idColumn = () => uuid('id').primaryKey().$defaultFn(newId);

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

/**
 * The `updatedAt` of an UPDATE of a record edited with If-Match (server/lib/edit-version.ts): now,
 * but at least a millisecond past the last version, so two saves within one millisecond (the
 * precision clients see) still make two versions. Every writer of such a record sets it this way
 * (a case: its saves, messages, jobs, merges), else two changes could share a version. `at`: the
 * writer's own time for the change, when it dates it by the server's clock rather than the
 * database's (a case's writers do, as they date its other times; a batch writes many at one time).
 * `column`: the record's `updated_at` named with its alias, in an UPDATE … FROM of the same table.
 */
export const nextVersion = (at?: Date, column: SQL = sql`updated_at`) =>
  sql`greatest(${at ? sql`${at.toISOString()}::timestamptz` : sql`clock_timestamp()`}, ${column} + interval '1 millisecond')`;

/** A PostgreSQL transaction id (64-bit, never wraps), as text. */
/**
 * A timestamptz as ISO 8601 UTC text (`2026-12-06T09:30:00.000Z`), the same from both drivers:
 * for times in JSON built by the database, or read as text. A string is a column or expression.
 */
export const isoText = (column: SQL | string) =>
  sql`to_char((${typeof column === 'string' ? sql.raw(column) : column}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

/**
 * The writing transaction's id (`pg_current_xact_id()`). Readers that must not miss a row
 * committed late read up to the oldest transaction still running (`pg_snapshot_xmin`): see
 * domain-event-consumers.ts and live-hub.ts.
 */
export const writingTx = () =>
  xid8('tx')
    .notNull()
    .default(sql`pg_current_xact_id()`);
