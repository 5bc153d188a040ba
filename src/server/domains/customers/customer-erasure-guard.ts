// What keeps a message from slipping past an erasure (customer-erasure.ts). The erasure locks the
// customer's row FOR UPDATE as its first step and holds it to its commit; a write that attaches to
// a customer (a message on their case, or by them; a case for them) first takes FOR KEY SHARE on
// the same row, here, and refuses when they are erased. The two locks conflict, so either the
// write commits before the erasure reads anything (and is erased with the rest), or it waits for
// the erasure and then reads the row as the erasure left it. KEY SHARE does not conflict with an
// ordinary change of the customer, so writers never wait on one another or on an edit.
//
// Why a lock and not only a look at `erased_at`: under READ COMMITTED a plain read in the writing
// transaction can run just before the erasure commits and still see the customer as they were.
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import { conflict } from '../../lib/errors.js';

/** Why a writer that skips an erased customer (rather than fail) skipped them. */
export const ERASED_REASON =
  'this customer’s personal data was erased: nothing more is written for them (no case, message or mail)';

/**
 * Takes FOR KEY SHARE on these customers (null ones skipped) and answers the erased ones among
 * them. `skipLocked`: a customer whose row another transaction holds (an erasure running) is not
 * waited for; it is answered in `busy`, for a batch to leave to a writer that waits (a batch that
 * holds other rows must not wait on an erasure that may be waiting for them).
 */
export async function shareCustomers(
  tx: Database,
  customerIds: (string | null | undefined)[],
  opts: { skipLocked?: boolean } = {},
): Promise<{ erased: Set<string>; busy: Set<string> }> {
  const ids = [...new Set(customerIds.filter((id): id is string => !!id))].sort();
  if (ids.length === 0) return { erased: new Set(), busy: new Set() };
  // Every row is locked (no filter on erased_at): a locking read only waits on rows it matches.
  const found = await rows<{ id: string; erased: boolean }>(
    tx,
    sql`select id, erased_at is not null as erased from customers
      where id = any(${sql.param(ids)}::uuid[]) order by id
      for key share${opts.skipLocked ? sql` skip locked` : sql``}`,
  );
  const seen = new Set(found.map((c) => c.id));
  return {
    erased: new Set(found.filter((c) => c.erased).map((c) => c.id)),
    busy: new Set(opts.skipLocked ? ids.filter((id) => !seen.has(id)) : []),
  };
}

/**
 * Takes FOR KEY SHARE on these customers (null ones skipped) and refuses, `409 customer_erased`,
 * when one of them is erased. Call it before locking the case written to: the erasure takes the
 * customer first, then their cases, and so must every writer, or the two could wait on each other.
 */
export async function assertNotErased(tx: Database, customerIds: (string | null | undefined)[]) {
  const { erased } = await shareCustomers(tx, customerIds);
  if (erased.size > 0)
    throw conflict(
      'customer_erased',
      'this customer’s personal data was erased: their cases take no more messages, and nothing they write is kept',
    );
}
