// The live stream under load: npx tsx bench/live.ts [--staff 200] [--customers 200] [--updates 2000] [--postgres URL]
// A started server with that many open streams (staff, who hear of every case, and customers,
// who hear of their own case only) while cases are changed through the API, several at a time.
// Prints how soon each change reaches the streams that should hear of it (from the change's
// answer to the news), how many news messages were sent, and the change rate meanwhile.
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { rows } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import { issueToken } from '../src/server/domains/auth/auth.service.js';
import { importCustomersCsv } from '../src/server/domains/imports/customer-import.js';
import { createUser } from '../src/server/domains/users/users.service.js';
import { SYSTEM_ACTOR } from '../src/server/lib/actor.js';
import type { LiveNews } from '../src/shared/schemas/live.js';
import { openStream } from '../test/helpers/app.js';
import { fmt, freshDatabase, now, percentile, printTable, progress, timed } from './lib.js';

const { values: args } = parseArgs({
  options: {
    staff: { type: 'string', default: '200' },
    customers: { type: 'string', default: '200' },
    updates: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
    postgres: { type: 'string' },
  },
});
const STAFF = Number(args.staff);
const CUSTOMERS = Number(args.customers);
const UPDATES = Number(args.updates);

async function tokenOf(db: Parameters<typeof issueToken>[0], userId: string) {
  return (await issueToken(db, { userId, kind: 'session', ttlSeconds: 3600 })).token;
}

async function main() {
  const { handle, cleanup } = await freshDatabase(args.postgres);
  const db = handle.db;
  const app = await buildApp({
    db,
    databaseKind: handle.kind,
    config: loadConfig({}, { port: 0, host: '127.0.0.1', publicUrl: 'http://127.0.0.1' }),
  });
  try {
    await migrateDatabase(handle);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const admin = await createUser(db, SYSTEM_ACTOR, {
      email: 'admin@example.com',
      name: 'Admin',
      role: 'admin',
      password: 'bench-password',
    });
    const adminToken = await tokenOf(db, admin.id);
    const csv = ['name,email'];
    for (let i = 0; i < Math.max(CUSTOMERS, 100); i++) csv.push(`Bench Customer ${i},bench${i}@example.com`);
    await importCustomersCsv(db, SYSTEM_ACTOR, csv.join('\n'));
    const customers = await rows<{ id: string }>(db, sql`select id from customers order by id`);

    // One case per customer (at least 100); the updates go round them.
    const cases: string[] = [];
    for (const [i, c] of customers.entries()) {
      const res = await fetch(`${url}/api/v1/cases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ subject: `Bench case ${i}`, customerId: c.id }),
      });
      cases.push(((await res.json()) as { id: string }).id);
    }

    // Who listens: staff (every case), and the customers (each their own case).
    const listeners: { caseOf: string | null; heard: Map<string, number[]> }[] = [];
    const streams = [];
    for (let i = 0; i < STAFF + CUSTOMERS; i++) {
      const customer = i >= STAFF ? i - STAFF : null;
      const user = await createUser(db, SYSTEM_ACTOR, {
        email: `listener${i}@example.com`,
        name: `Listener ${i}`,
        role: customer === null ? 'agent' : 'customer',
        password: 'bench-password',
        ...(customer === null ? {} : { customerId: customers[customer]!.id }),
      });
      const listener = {
        caseOf: customer === null ? null : cases[customer]!,
        heard: new Map<string, number[]>(),
      };
      listeners.push(listener);
      const stream = await openStream(url, '/api/v1/live', await tokenOf(db, user.id));
      if (stream.status !== 200) throw new Error(`stream ${i}: ${stream.status}`);
      stream.events.length = 0;
      streams.push({ stream, listener });
      progress('opening streams', i + 1, STAFF + CUSTOMERS);
    }
    let messages = 0;
    const watching = streams.map(async ({ stream, listener }) => {
      for (;;) {
        const e = await stream.next(() => true, 3_600_000).catch(() => null);
        if (!e) return;
        if (e.event !== 'news') continue;
        messages++;
        const at = now();
        for (const id of (JSON.parse(e.data) as LiveNews).cases) {
          const times = listener.heard.get(id) ?? [];
          times.push(at);
          listener.heard.set(id, times);
        }
      }
    });

    // The changes: each case's priority flips, round the cases, a few at a time.
    const answered = new Map<string, number[]>();
    const t0 = now();
    await timed(UPDATES, Number(args.concurrency), async (i) => {
      const id = cases[i % cases.length]!;
      const res = await fetch(`${url}/api/v1/cases/${id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        // Each round of the cases flips them (a change that changes nothing writes no event).
        body: JSON.stringify({ priority: Math.floor(i / cases.length) % 2 === 0 ? 'high' : 'normal' }),
      });
      if (res.status !== 200) throw new Error(`update: ${res.status}`);
      await res.arrayBuffer();
      const times = answered.get(id) ?? [];
      times.push(now());
      answered.set(id, times);
      if (i % 100 === 0) progress('changing cases', i, UPDATES);
    });
    const changeMs = now() - t0;
    progress('changing cases', UPDATES, UPDATES);
    await new Promise((r) => setTimeout(r, 1_500));

    // For each change and each stream that should hear of it: the first news of that case at or
    // after the change's answer (news a moment before it count as 0: the commit came first).
    const delays = { staff: [] as number[], customers: [] as number[] };
    let missed = 0;
    for (const listener of listeners) {
      for (const [id, times] of answered) {
        if (listener.caseOf !== null && listener.caseOf !== id) continue;
        const heard = listener.heard.get(id) ?? [];
        for (const at of times) {
          const first = heard.find((h) => h >= at - 50);
          if (first === undefined) missed++;
          else (listener.caseOf === null ? delays.staff : delays.customers).push(Math.max(0, first - at));
        }
      }
    }
    for (const { stream } of streams) stream.close();
    await Promise.all(watching);

    const line = (d: number[]) =>
      d.length === 0
        ? 'none'
        : `p50 ${fmt(percentile(d, 50))} ms, p99 ${fmt(percentile(d, 99))} ms, max ${fmt(d.reduce((m, x) => Math.max(m, x), 0))} ms`;
    printTable(`Live stream (${handle.kind}, ${fmt(STAFF)} staff and ${fmt(CUSTOMERS)} customer streams)`, [
      [
        'case changes through the API',
        `${fmt(UPDATES)} in ${fmt(changeMs)} ms (${fmt((UPDATES / changeMs) * 1000)}/s, ${args.concurrency} at a time)`,
      ],
      ['news messages sent', fmt(messages)],
      ['change to news, staff streams', line(delays.staff)],
      ['change to news, customer streams', line(delays.customers)],
      ['changes a stream that should hear of them missed', fmt(missed)],
    ]);
  } finally {
    await app.close();
    await handle.close();
    await cleanup();
  }
}

await main();
