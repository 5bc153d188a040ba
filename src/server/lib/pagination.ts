// Keyset ("cursor") pagination over (sort column, id). The cursor carries the sort value exactly
// as PostgreSQL printed it (microseconds included), so pages never skip or repeat a row.
import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Database } from '../../db/client.js';
import { badRequest } from './errors.js';
import { isUuid } from './uuid.js';

export interface Sort {
  column: AnyPgColumn | SQL;
  idColumn: AnyPgColumn;
  desc: boolean;
}

export function sortFrom(
  sort: string,
  columns: Record<string, AnyPgColumn | SQL>,
  idColumn: AnyPgColumn,
): Sort {
  const desc = sort.startsWith('-');
  const column = columns[desc ? sort.slice(1) : sort];
  if (!column) throw badRequest('validation_error', `query.sort: unknown sort "${sort}"`);
  return { column, idColumn, desc };
}

/** The select field that yields the cursor's sort value. */
export const sortKey = (s: Sort) => sql<string>`${s.column}::text`;

export function orderBy(s: Sort): SQL[] {
  return s.desc
    ? [sql`${s.column} desc`, sql`${s.idColumn} desc`]
    : [sql`${s.column} asc`, sql`${s.idColumn} asc`];
}

export function afterCursor(s: Sort, cursor: string | undefined): SQL | undefined {
  if (!cursor) return undefined;
  const { value, id } = decodeCursor(cursor);
  return pastKey(s, value, id);
}

/** The rows after (sort value, id) in the sort's order. */
export function pastKey(s: Sort, value: string, id: string): SQL {
  return s.desc
    ? sql`(${s.column}, ${s.idColumn}) < (${value}, ${id}::uuid)`
    : sql`(${s.column}, ${s.idColumn}) > (${value}, ${id}::uuid)`;
}

export function encodeCursor(value: string, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { value: string; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string' &&
      isUuid(parsed[1])
    ) {
      return { value: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through
  }
  throw badRequest('invalid_cursor', 'query.cursor: not a cursor this list handed out');
}

/** Rows were fetched with limit + 1: trim, and make the next cursor from the last row kept. */
export function toPage<T extends { id: string; sortKey: string }>(rowsPlusOne: T[], limit: number) {
  const items = rowsPlusOne.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = rowsPlusOne.length > limit && last ? encodeCursor(last.sortKey, last.id) : null;
  return { items, nextCursor };
}

/** A LIKE pattern matching `text` anywhere, with the user's %, _ and \ taken literally. */
export const containsPattern = (text: string) =>
  `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The exact number of rows a list's filters select (`includeTotal`), or undefined when not asked. */
export async function totalIf(
  db: Database,
  wanted: boolean | undefined,
  table: PgTable,
  where: SQL | undefined,
): Promise<number | undefined> {
  if (!wanted) return undefined;
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(table)
    .where(where);
  return row?.n ?? 0;
}

/** A keyset-paginated list read to its end, one page at a time. */
export async function* allPages<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
): AsyncGenerator<T[]> {
  let cursor: string | undefined;
  do {
    const got = await page(cursor);
    yield got.items;
    cursor = got.nextCursor ?? undefined;
  } while (cursor);
}
