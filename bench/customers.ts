// Duplicate customers at scale: npx tsx bench/customers.ts [--customers 100000] [--postgres URL]
// Fills a database with customers (one in ten shares a name with another, one in twenty a phone
// number), then measures a customer page's possible duplicates (two index lookups), the cleanup
// list of every group, merging a customer who has many cases and events into another, and merging
// an organization with many customers, cases and events into another.
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { rows } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { SYSTEM_ACTOR } from '../src/server/lib/actor.js';
import { mergeCustomers } from '../src/server/domains/customers/customer-merge.js';
import {
  mergeOrganizations,
  moveOrganizationMergeStragglers,
} from '../src/server/domains/organizations/organization-merge.js';
import { findDuplicateGroups, findDuplicates } from '../src/server/domains/customers/customers.repo.js';
import { fmt, freshDatabase, now, percentile, printTable, progress } from './lib.js';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    'merged-cases': { type: 'string', default: '2000' },
    'merged-events': { type: 'string', default: '20000' },
    'org-customers': { type: 'string', default: '5000' },
    postgres: { type: 'string' },
  },
});
const TOTAL = Number(args.customers);
const CASES = Number(args['merged-cases']);
const EVENTS = Number(args['merged-events']);
const ORG_CUSTOMERS = Number(args['org-customers']);
const BATCH = 20_000;

async function main() {
  const { handle, cleanup } = await freshDatabase(args.postgres);
  const db = handle.db;
  try {
    await migrateDatabase(handle);
    for (let done = 0; done < TOTAL; done += BATCH) {
      const n = Math.min(BATCH, TOTAL - done);
      // Names repeat every 0.9 × TOTAL customers, phone numbers every 0.95 × TOTAL.
      await db.execute(sql`
        insert into customers (id, name, email, phone)
        select gen_random_uuid(), 'Customer ' || (g % ${Math.floor(TOTAL * 0.9)}::int), 'c' || g || '@bench.example',
          '+49 30 ' || lpad((g % ${Math.floor(TOTAL * 0.95)}::int)::text, 8, '0')
        from generate_series(${done}::int, ${done + n - 1}::int) g`);
      progress('customers', done + n, TOTAL);
    }
    await db.execute(sql`analyze customers`);

    const ids = await rows<{ id: string }>(db, sql`select id from customers order by random() limit 200`);
    const lookups: number[] = [];
    for (const { id } of ids) {
      const t0 = now();
      await findDuplicates(db, id);
      lookups.push(now() - t0);
    }

    const groupRuns: number[] = [];
    let groups = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = now();
      groups = (await findDuplicateGroups(db)).total;
      groupRuns.push(now() - t0);
    }

    // A duplicate with many cases and events (an order system's record, years of events).
    const [dup, into] = ids as [{ id: string }, { id: string }];
    await db.execute(sql`
      insert into cases (id, subject, customer_id, channel, category, priority, status)
      select gen_random_uuid(), 'Bench case ' || g, ${dup.id}, 'email', 'other', 'normal', 'open' from generate_series(1, ${CASES}::int) g`);
    const [source] = await rows<{ id: string }>(
      db,
      sql`insert into event_sources (id, key, name, token_hash, webhook_secret) values (gen_random_uuid(), 'bench', 'Bench', 'x', 'x') returning id`,
    );
    await db.execute(sql`
      insert into events (id, source_id, event_id, type, occurred_at, customer_id, refs, data)
      select gen_random_uuid(), ${source!.id}, 'e' || g, 'order.placed', now() - (g || ' minutes')::interval,
        ${dup.id}, jsonb_build_object('orderId', 'O' || g), '{}'::jsonb
      from generate_series(1, ${EVENTS}::int) g`);
    const t0 = now();
    const merged = await mergeCustomers(db, SYSTEM_ACTOR, dup.id, into.id);
    const mergeMs = now() - t0;

    // An organization with many customers, each with a case and events of their own.
    const [orgDup, orgInto] = await rows<{ id: string }>(
      db,
      sql`insert into organizations (id, name) values (gen_random_uuid(), 'Bench GmbH'), (gen_random_uuid(), 'Bench')
        returning id`,
    );
    await db.execute(sql`
      update customers set organization_id = ${orgDup!.id}
      where id in (select id from customers where id not in (${dup.id}, ${into.id}) limit ${ORG_CUSTOMERS}::int)`);
    await db.execute(sql`
      insert into cases (id, subject, customer_id, organization_id, channel, category, priority, status)
      select gen_random_uuid(), 'Org case', c.id, c.organization_id, 'email', 'other', 'normal', 'open'
      from customers c where c.organization_id = ${orgDup!.id}`);
    await db.execute(sql`
      insert into events (id, source_id, event_id, type, occurred_at, customer_id, organization_id, refs, data)
      select gen_random_uuid(), ${source!.id}, 'o' || c.id || '-' || g, 'order.placed', now(), c.id, c.organization_id,
        '{}'::jsonb, '{}'::jsonb
      from customers c, generate_series(1, 4) g where c.organization_id = ${orgDup!.id}`);
    await db.execute(sql`analyze`);
    const t1 = now();
    const orgMerged = await mergeOrganizations(db, SYSTEM_ACTOR, orgDup!.id, orgInto!.id);
    const orgMergeMs = now() - t1;
    const t2 = now();
    await moveOrganizationMergeStragglers(db);
    const stragglersMs = now() - t2;

    printTable(`Duplicate customers, ${handle.kind}, ${fmt(TOTAL)} customers`, [
      [
        'possible duplicates of a customer',
        `p50 ${fmt(percentile(lookups, 50), 1)} ms, p99 ${fmt(percentile(lookups, 99), 1)} ms`,
      ],
      [
        'every group (the cleanup list)',
        `${fmt(Math.min(...groupRuns))} ms (best of 3), ${fmt(groups)} groups`,
      ],
      [`merge: ${fmt(merged.moved.cases)} cases, ${fmt(merged.moved.events)} events`, `${fmt(mergeMs)} ms`],
      [
        `organization merge: ${fmt(orgMerged.moved.customers)} customers, ${fmt(orgMerged.moved.cases)} cases`,
        `${fmt(orgMergeMs)} ms`,
      ],
      ['the straggler job after it (nothing to move)', `${fmt(stragglersMs, 1)} ms`],
    ]);
  } finally {
    await handle.close();
    await cleanup();
  }
}

await main();
