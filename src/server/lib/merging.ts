// What the two merges (a duplicate customer, a duplicate organization) share: one lock that
// makes merges take turns, the error for a bad survivor, and counting what a statement moved.
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { rows } from '../../db/client.js';
import { unprocessable } from './errors.js';

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
