// Edits made on a stale copy. A client that edits a record sends the `updatedAt` of the copy it
// edited in `If-Match`; when the record has changed since (another admin saved it in between),
// the save is refused with 412 `edit_conflict` instead of silently undoing the other change.
// Without the header a save overwrites, as before (scripts, and a person who chose to).
import { and, isNull, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { AppError, badRequest } from './errors.js';

/** The request headers of a route that takes `If-Match` (others pass through untouched). */
export const IfMatchHeaders = z.looseObject({
  'if-match': z
    .string()
    .optional()
    .describe(
      'The `updatedAt` of the copy being edited, e.g. "2026-12-04T09:30:00.000Z": the save is ' +
        'refused with 412 edit_conflict if the record changed since. Leave it out (or send *) to overwrite.',
    ),
});

/**
 * Pure: the version an `If-Match` header asks for, as an ISO time to the millisecond; undefined
 * for none or `*` (any version). Quotes (an entity tag) and a weak `W/` prefix are allowed.
 */
export function expectedVersion(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = header
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
  if (value === '*') return undefined;
  const at = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value)
    ? Date.parse(value)
    : NaN;
  if (Number.isNaN(at))
    throw badRequest(
      'invalid_if_match',
      'If-Match: send the updatedAt of the copy you edited, e.g. "2026-12-04T09:30:00.000Z" (or * for any)',
    );
  return new Date(at).toISOString();
}

/** The `If-Match` version of a request's headers (see `expectedVersion`). */
export const ifMatchOf = (headers: { 'if-match'?: string | string[] | undefined }) => {
  const header = headers['if-match'];
  return expectedVersion(Array.isArray(header) ? header.join(',') : header);
};

export const editConflict = (noun: string, changedAt: string, expected: string) =>
  new AppError(
    412,
    'edit_conflict',
    `this ${noun} was changed by someone else at ${changedAt}, after the copy you edited (${expected}): ` +
      'read it again and make your change there, or send it without If-Match to overwrite',
  );

/**
 * Inside the saving transaction, before anything is written: locks the record's row (so two saves
 * of one copy cannot both pass) and refuses the save when its `updatedAt` is not `expected`. No
 * version asked for, or no such row (the caller answers 404; a deleted one counts as none):
 * nothing to check.
 */
export async function assertUnchangedSince(
  tx: Database,
  table: PgTable & { updatedAt: AnyPgColumn },
  /** The record's row, e.g. `eq(teams.id, id)`. */
  where: SQL | undefined,
  expected: string | undefined,
  noun: string,
): Promise<void> {
  if (expected === undefined) return;
  const [row] = await tx
    .select({ at: table.updatedAt })
    .from(table as PgTable)
    .where('deletedAt' in table ? and(where, isNull(table.deletedAt as AnyPgColumn)) : where)
    .for('update');
  if (!row) return;
  const at = (row.at as Date).toISOString();
  if (at !== expected) throw editConflict(noun, at, expected);
}
