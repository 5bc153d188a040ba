// Notifications at scale: npx tsx bench/notifications.ts [--cases 50000] [--agents 50] [--no-email] [--postgres URL]
// Imports the cases, then assigns every one of them at once (one case.updated domain event each,
// among three times as many domain events of other kinds), and measures how fast the
// notifications consumer turns them into notifications and their e-mails; then what an agent's
// screens read: the unread count, the first page, and marking everything read.
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { rows } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { SYSTEM_ACTOR, type Actor } from '../src/server/lib/actor.js';
import { importCases } from '../src/server/domains/imports/case-import.js';
import { importCustomersCsv } from '../src/server/domains/imports/customer-import.js';
import {
  countUnread,
  deliverNotifications,
  listNotifications,
  markRead,
} from '../src/server/domains/notifications/notifications.service.js';
import { createUser } from '../src/server/domains/users/users.service.js';
import { fmt, freshDatabase, now, percentile, printTable, progress, timed } from './lib.js';

const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: '50000' },
    agents: { type: 'string', default: '50' },
    postgres: { type: 'string' },
    'no-email': { type: 'boolean', default: false },
  },
});
const CASES = Number(args.cases);
const AGENTS = Number(args.agents);

async function main() {
  const { handle, cleanup } = await freshDatabase(args.postgres);
  const db = handle.db;
  try {
    await migrateDatabase(handle);
    const csv = ['name,email'];
    for (let i = 0; i < 1000; i++) csv.push(`Bench Customer ${i},bench${i}@example.com`);
    await importCustomersCsv(db, SYSTEM_ACTOR, csv.join('\n'));
    const customers = await rows<{ id: string }>(db, sql`select id from customers order by id`);
    const agents = [];
    for (let i = 0; i < AGENTS; i++) {
      agents.push(
        await createUser(db, SYSTEM_ACTOR, {
          email: `agent${i}@example.com`,
          name: `Agent ${i}`,
          role: 'agent',
          password: 'bench-password',
        }),
      );
    }
    if (args['no-email']) {
      // Every agent has turned off the e-mail of assignments: notifications in the app only.
      await db.execute(sql`insert into notification_preferences (user_id, email)
        select id, '{"case_assigned": false}'::jsonb from users where role = 'agent'`);
    }
    const createdAt = new Date(Date.now() - 3_600_000).toISOString();
    for (let i = 0; i < CASES; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, CASES - i) }, (_, j) => ({
        subject: `Bench case ${i + j}`,
        customerId: customers[(i + j) % customers.length]!.id,
        channel: 'email' as const,
        category: 'other',
        priority: 'normal' as const,
        status: 'open' as const,
        createdAt,
        messages: [],
      }));
      await importCases(db, SYSTEM_ACTOR, batch);
      progress('importing cases', i + batch.length, CASES);
    }

    // Every case assigned at once, as a supervisor's bulk change would (one domain event per case),
    // and three other domain events per case that no notification watches.
    const t0 = now();
    await db.transaction(async (tx) => {
      await tx.execute(sql`
        with agents as (select id, row_number() over (order by id) - 1 as n from users where role = 'agent'),
        picked as (
          select c.id, a.id as agent_id
          from (select id, row_number() over (order by id) - 1 as n from cases) c
          join agents a on a.n = c.n % ${AGENTS}
        ), changed as (
          update cases c set assignee_id = p.agent_id from picked p where c.id = p.id returning c.id, c.assignee_id
        )
        insert into domain_events (id, type, entity_type, entity_id, actor_kind, data)
        select gen_random_uuid(), 'case.updated', 'case', id, 'system',
          jsonb_build_object('changes', jsonb_build_object('assigneeId', jsonb_build_object('from', null, 'to', assignee_id)))
        from changed`);
      await tx.execute(sql`
        insert into domain_events (id, type, entity_type, entity_id, actor_kind, data)
        select gen_random_uuid(), 'commitment.opened', 'commitment', gen_random_uuid(), 'system', '{}'::jsonb
        from generate_series(1, ${CASES * 3})`);
    });
    const writeMs = now() - t0;

    const t1 = now();
    let read = 0;
    for (let n = await deliverNotifications(db); n > 0; n = await deliverNotifications(db)) {
      read += n;
      progress('notifying', read, CASES);
    }
    const deliverMs = now() - t1;
    const [made] = await rows<{ notifications: number; mails: number }>(
      db,
      sql`select (select count(*)::int from notifications) as notifications,
        (select count(*)::int from mail_messages where direction = 'out') as mails`,
    );

    const agent: Actor = {
      ...SYSTEM_ACTOR,
      kind: 'user',
      role: 'agent',
      userId: agents[0]!.id,
    };
    const count = await timed(200, 1, async () => void (await countUnread(db, agent)));
    const firstPage = await timed(
      200,
      1,
      async () => void (await listNotifications(db, agent, { limit: 50 })),
    );
    const unreadPage = await timed(
      200,
      1,
      async () => void (await listNotifications(db, agent, { limit: 50, unread: true })),
    );
    const t2 = now();
    const { marked } = await markRead(db, agent, { all: true });
    const markMs = now() - t2;

    printTable(
      `Notifications (${handle.kind}, ${fmt(CASES)} cases, ${fmt(AGENTS)} agents${args['no-email'] ? ', no e-mail' : ''})`,
      [
        [
          'domain events written (assignments + others)',
          `${fmt(CASES)} + ${fmt(CASES * 3)} in ${fmt(writeMs)} ms`,
        ],
        [
          'notifications made, with e-mails',
          `${fmt(made!.notifications)} and ${fmt(made!.mails)} in ${fmt(deliverMs)} ms (${fmt((made!.notifications / deliverMs) * 1000)}/s)`,
        ],
        [
          'unread count (one agent)',
          `p50 ${fmt(percentile(count, 50), 2)} ms, p99 ${fmt(percentile(count, 99), 2)} ms`,
        ],
        [
          'first page of 50',
          `p50 ${fmt(percentile(firstPage, 50), 2)} ms, p99 ${fmt(percentile(firstPage, 99), 2)} ms`,
        ],
        [
          'first page of 50 unread',
          `p50 ${fmt(percentile(unreadPage, 50), 2)} ms, p99 ${fmt(percentile(unreadPage, 99), 2)} ms`,
        ],
        ['mark all read', `${fmt(marked)} in ${fmt(markMs, 1)} ms`],
      ],
    );
  } finally {
    await handle.close();
    await cleanup();
  }
}

await main();
