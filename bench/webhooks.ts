// Outgoing webhooks at scale: npx tsx bench/webhooks.ts [--events 20000] [--senders 2] [--postgres URL]
// Three webhooks (every event; every case event; case.updated only) and a local receiver that
// answers 200. Writes the domain events at once (a quarter case.updated, the rest commitment
// events), then measures how fast the `webhooks` consumer queues their deliveries and how fast
// the senders (each as one node's job: claim, POST several at once, write the outcomes) deliver
// them; and the time each POST took.
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { rows } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { SYSTEM_ACTOR } from '../src/server/lib/actor.js';
import {
  configureWebhooks,
  queueWebhookDeliveries,
  sendDueWebhooks,
} from '../src/server/domains/webhooks/webhook-delivery.js';
import { createWebhook } from '../src/server/domains/webhooks/webhooks.service.js';
import { startReceiver } from '../test/helpers/receiver.js';
import { fmt, freshDatabase, now, printTable, progress } from './lib.js';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    senders: { type: 'string', default: '2' },
    postgres: { type: 'string' },
  },
});
const EVENTS = Number(args.events);
const SENDERS = Number(args.senders);

async function main() {
  const { handle, cleanup } = await freshDatabase(args.postgres);
  const db = handle.db;
  const receiver = await startReceiver();
  try {
    await migrateDatabase(handle);
    configureWebhooks({ webhookLocalNetwork: true }); // the receiver is on this machine
    for (const [name, events] of [
      ['Warehouse', ['*']],
      ['CRM', ['case.*']],
      ['Chat', ['case.updated']],
    ] as const) {
      await createWebhook(db, SYSTEM_ACTOR, {
        name,
        url: `${receiver.url}/${name}`,
        events: [...events],
        enabled: true,
      });
    }
    await queueWebhookDeliveries(db); // the consumer's cursor starts now
    await db.execute(sql`insert into domain_events (id, type, entity_type, entity_id, actor_kind, data)
      select gen_random_uuid(), case when i % 4 = 0 then 'case.updated' else 'commitment.opened' end,
        case when i % 4 = 0 then 'case' else 'commitment' end, gen_random_uuid(), 'system',
        jsonb_build_object('changes', jsonb_build_object('priority', jsonb_build_object('from', 'normal', 'to', 'high')))
      from generate_series(1, ${EVENTS}) i`);
    const caseEvents = Math.floor(EVENTS / 4);
    const expected = EVENTS + 2 * caseEvents;

    const t0 = now();
    let read = 0;
    for (let n = await queueWebhookDeliveries(db); n > 0; n = await queueWebhookDeliveries(db)) {
      read += n;
      progress('queueing', read, EVENTS);
    }
    const queueMs = now() - t0;
    const [{ queued } = { queued: 0 }] = await rows<{ queued: number }>(
      db,
      sql`select count(*)::int as queued from webhook_deliveries`,
    );

    const t1 = now();
    let sent = 0;
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        for (let n = await sendDueWebhooks(db); n > 0; n = await sendDueWebhooks(db)) {
          sent += n;
          progress('sending', sent, queued);
        }
      }),
    );
    const sendMs = now() - t1;
    const [done] = await rows<{ delivered: number; p50: number; p99: number }>(
      db,
      sql`select count(*) filter (where state = 'delivered')::int as delivered,
        percentile_cont(0.5) within group (order by duration_ms) as p50,
        percentile_cont(0.99) within group (order by duration_ms) as p99
        from webhook_deliveries`,
    );
    const durations = receiver.received.length;

    printTable(
      `Outgoing webhooks (${handle.kind}, ${fmt(EVENTS)} domain events, 3 webhooks, ${SENDERS} senders)`,
      [
        ['deliveries queued (expected)', `${fmt(queued)} (${fmt(expected)})`],
        ['queueing: events read/s', fmt(EVENTS / (queueMs / 1000))],
        ['queueing: deliveries written/s', fmt(queued / (queueMs / 1000))],
        ['sending: deliveries/s', fmt((done?.delivered ?? 0) / (sendMs / 1000))],
        ['delivered / received by the receiver', `${fmt(done?.delivered ?? 0)} / ${fmt(durations)}`],
        ['one POST: p50, p99', `${fmt(Number(done?.p50 ?? 0))} ms, ${fmt(Number(done?.p99 ?? 0))} ms`],
      ],
    );
    if (queued !== expected || done?.delivered !== expected || durations !== expected) {
      console.error('MISMATCH: every event should be queued and received once per webhook that wants it');
      process.exitCode = 1;
    }
  } finally {
    await receiver.close();
    await handle.close();
    await cleanup();
  }
}

await main();
