// Running a domain-event consumer in tests until it has read everything committed so far.
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../src/db/client.js';

/**
 * Runs `consume` until `consumer`'s cursor has passed every event of the transactions committed
 * before this call. (An idle cursor does not move: with nothing after it, it is at the present.)
 * On PostgreSQL another test's open transaction can hold the horizon back for a moment: wait.
 */
export async function consumeToPresent(db: Database, consumer: string, consume: () => Promise<unknown>) {
  const [{ now }] = (await rows<{ now: string }>(db, sql`select pg_current_xact_id()::text as now`)) as [
    { now: string },
  ];
  for (let i = 0; i < 200; i++) {
    await consume();
    const [c] = await rows<{ done: boolean }>(
      db,
      sql`select not exists (
          select 1 from domain_events e where (e.tx, e.id) > (c.tx, c.id) and e.tx < ${now}::xid8
        ) as done
        from domain_event_cursors c where c.consumer = ${consumer}`,
    );
    if (c?.done) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the ${consumer} consumer did not reach the present`);
}
