// What the two merges (a duplicate customer, a duplicate organization) share: one lock that
// makes merges take turns, the error for a bad survivor, and counting what a statement moved.
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { rows } from '../../db/client.js';
import { nextVersion } from '../../db/columns.js';
import { AppError, notFound, unprocessable } from './errors.js';

/**
 * Merges take turns, on every node: a customer merge and an organization merge touch the same
 * cases and customers in different orders, and an admin action that waits a moment beats a
 * deadlock. Held to the end of the transaction.
 */
export async function takeMergeTurn(tx: Database) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('steward.merge'))`);
}

/** A refused `body.intoId`. */
export const intoError = (code: string, message: string) =>
  unprocessable(code, `body.intoId: ${message}`, [{ path: 'body.intoId', message }]);

/** How many rows an `update …` (without `returning`) changed. */
export async function countChanged(tx: Database, update: ReturnType<typeof sql>) {
  const [row] = await rows<{ n: number }>(
    tx,
    sql`with moved as (${update} returning 1) select count(*)::int as n from moved`,
  );
  return row!.n;
}

/** Merged within the last hour: a writer that had read the duplicate as live may have added since. */
const STRAGGLER_WINDOW = '1 hour';

/**
 * Runs `move` (in a transaction of its own) for each record of `table` merged into a live one
 * within the last hour, up to 50: what concurrent writers added to the duplicate after its merge
 * (a mail, an event, a case that read it as live just before the merge committed). Normally there
 * is nothing to move. Returns how many records `move` reports moved.
 */
export async function moveStragglers(
  db: Database,
  table: 'customers' | 'organizations',
  move: (tx: Database, merged: { id: string; into: string }) => Promise<number>,
) {
  const t = sql.identifier(table);
  const recent = await rows<{ id: string; into: string }>(
    db,
    sql`select m.id, m.merged_into_id as "into"
      from ${t} m join ${t} s on s.id = m.merged_into_id and s.deleted_at is null
      where m.merged_into_id is not null and m.deleted_at > now() - ${STRAGGLER_WINDOW}::interval
      order by m.deleted_at limit 50`,
  );
  let total = 0;
  for (const m of recent) {
    total += await db.transaction(async (tx) => {
      await takeMergeTurn(tx);
      return move(tx, m);
    });
  }
  return total;
}

/** The sum of a merge's `moved` counts. */
export const totalMoved = (moved: Record<string, number>) => Object.values(moved).reduce((a, b) => a + b, 0);

type Merged = 'customers' | 'organizations';
const NOUN: Record<Merged, string> = { customers: 'customer', organizations: 'organization' };

/**
 * Checks the pair a merge locked (`select id, deleted_at … for no key update`): the duplicate
 * must be live (else 404), and so must the survivor (else 422 on `body.intoId`).
 */
export function assertMergeable(
  table: Merged,
  locked: { id: string; deleted_at: Date | null }[],
  dup: string,
  into: string,
) {
  const live = (id: string) => locked.some((r) => r.id === id && r.deleted_at === null);
  if (!live(dup)) throw notFound(NOUN[table]);
  if (!live(into)) throw intoError('invalid_reference', `no such ${NOUN[table]}`);
}

/**
 * The duplicate steps aside: deleted, pointing at the survivor, and so do the records merged into
 * it before (one step from any merged record to a live one). Returns how many were redirected.
 */
export async function retireDuplicate(tx: Database, table: Merged, dup: string, into: string) {
  const t = sql.identifier(table);
  await tx.execute(
    sql`update ${t} set deleted_at = now(), merged_into_id = ${into}, updated_at = ${nextVersion()} where id = ${dup}`,
  );
  return countChanged(tx, sql`update ${t} set merged_into_id = ${into} where merged_into_id = ${dup}`);
}

/** Staff opening a merged record: a 404 that says where it went (its id in `details[0].message`). */
export function mergedAway(table: Merged, into: { id: string; name: string }) {
  const noun = NOUN[table];
  return new AppError(404, `${noun}_merged`, `this ${noun} was merged into ${into.name}`, [
    { path: 'intoId', message: into.id },
  ]);
}
