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
