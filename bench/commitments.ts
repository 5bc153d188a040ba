// Commitments at scale: npx tsx bench/commitments.ts [--commitments 100000] [--customers 5000]
//   [--cases 50000] [--skew 2] [--postgres URL]
// Every commitment answer names the customer's case about its ref (a probe per row of the
// customer's cases, inside the list's statement). Fills a database with set-based SQL: customers,
// commitments (met, late, broken, cancelled, open, overdue; due from 90 days ago to 14 days ahead)
// and cases, most of them about one of their customer's orders (`refs.orderId`), a share of those
// assigned. Customers are not all alike: customer i of n gets a share of the rows that falls
// with i (`--skew 1`: all alike; 2: the largest has about 1/70 of everything, as a wholesale
// account would). Then measures, against a started server: the list's first page, a page
// filtered by state, the largest customer's first page, the board (its due-soon list), and the
// CSV export of every commitment and of the largest customer's.
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { rows } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { SYSTEM_ACTOR } from '../src/server/lib/actor.js';
import { createUser } from '../src/server/domains/users/users.service.js';
import { fmt, freshDatabase, serveAsAdmin, now, percentile, printTable, progress, timed } from './lib.js';

const { values: args } = parseArgs({
  options: {
    commitments: { type: 'string', default: '100000' },
    customers: { type: 'string', default: '5000' },
    cases: { type: 'string', default: '50000' },
    skew: { type: 'string', default: '2' },
    agents: { type: 'string', default: '20' },
    postgres: { type: 'string' },
  },
});
const COMMITMENTS = Number(args.commitments);
const CUSTOMERS = Number(args.customers);
const CASES = Number(args.cases);
const SKEW = Number(args.skew);
const AGENTS = Number(args.agents);
const BATCH = 20_000;

async function main() {
  const { handle, cleanup } = await freshDatabase(args.postgres);
  const db = handle.db;
  await migrateDatabase(handle);
  const { app, token, base, call } = await serveAsAdmin(handle);
  for (let i = 0; i < AGENTS; i++)
    await createUser(db, SYSTEM_ACTOR, {
      email: `agent${i}@bench.example`,
      name: `Agent ${i}`,
      role: 'agent',
      password: 'bench-password',
    });
  const calendar = await call('POST', '/calendars', {
    name: 'Berlin office',
    timezone: 'Europe/Berlin',
    hours: [1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '17:00' })),
    holidays: [],
  });
  const agreement = await call('POST', '/agreements', {
    name: 'Wholesale',
    calendarId: calendar.id,
    targets: [{ kind: 'first_response', minutes: 240 }],
  });

  // 1. Fill with set-based SQL. `who(g)` is the customer of row g: (hash of g in [0, 1))^skew of
  // the customers, so low numbers get the most rows, the same way for commitments and cases.
  let t0 = now();
  for (let done = 0; done < CUSTOMERS; done += BATCH) {
    const n = Math.min(BATCH, CUSTOMERS - done);
    await db.execute(sql`
      insert into customers (id, name, email)
      select gen_random_uuid(), 'Customer ' || g, 'c' || g || '@bench.example'
      from generate_series(${done}::int, ${done + n - 1}::int) g`);
    progress('customers', done + n, CUSTOMERS);
  }
  const who = (g: ReturnType<typeof sql.raw>, salt: number) =>
    sql`1 + floor(${CUSTOMERS}::int * power((abs(hashint4(${g} + ${salt}::int)::bigint) % 1000003) / 1000003.0, ${SKEW}::float8))::int`;
  const g = sql.raw('g');
  for (let done = 0; done < COMMITMENTS; done += BATCH) {
    const n = Math.min(BATCH, COMMITMENTS - done);
    // States by g % 20: 12 met, 2 late, 1 broken, 1 cancelled, 3 open, 1 overdue. Open ones
    // are due in the next 14 days, the rest in the last 90.
    await db.execute(sql`
      with c as (select array_agg(id order by email) as ids from customers),
      s as (select g, (array['met','met','met','met','met','met','met','met','met','met','met','met','late','late',
          'broken','cancelled','open','open','open','overdue'])[1 + g % 20] as state
        from generate_series(${done + 1}::int, ${done + n}::int) g)
      insert into commitments (id, agreement_id, key, name, mode, customer_id, ref_key, ref_value, closes_on, state,
        opened_at, due_at, closed_at, opened_by_event_id)
      select gen_random_uuid(), ${agreement.id}::uuid, 'on_time_delivery', 'On-time delivery', 'fulfil',
        c.ids[${who(g, 0)}], 'orderId', 'SO-' || g, 'shipment.delivered', s.state,
        d.due - interval '2 days', d.due,
        case when s.state in ('met', 'late', 'broken', 'cancelled') then d.due - interval '3 hours' end,
        gen_random_uuid()
      from s, c, lateral (select case when s.state = 'open'
          then now() + make_interval(mins => 1 + (g * 7919) % (14 * 1440))
          else now() - make_interval(mins => 1 + (g * 7919) % (90 * 1440)) end as due) d`);
    progress('commitments', done + n, COMMITMENTS);
  }
  // Cases: three in four about one of their customer's orders (commitment g's customer and ref,
  // for g spread over all commitments), the rest about nothing; a few about the same order again.
  // A third assigned; a third solved or closed.
  for (let done = 0; done < CASES; done += BATCH) {
    const n = Math.min(BATCH, CASES - done);
    await db.execute(sql`
      with c as (select array_agg(id order by email) as ids from customers),
      a as (select array_agg(id order by email) as ids from users where role = 'agent'),
      s as (select g, 1 + (g::bigint * 104729 % ${COMMITMENTS}::int)::int as about from generate_series(${done + 1}::int, ${done + n}::int) g)
      insert into cases (id, subject, customer_id, channel, category, priority, status, assignee_id, refs, created_at, updated_at)
      select gen_random_uuid(), 'Order question ' || g,
        c.ids[case when g % 4 = 3 then ${who(g, 7)} else ${who(sql.raw('about'), 0)} end],
        'email', 'other', 'normal',
        (array['new','open','open','pending','solved','closed'])[1 + g % 6],
        case when g % 3 = 0 and coalesce(array_length(a.ids, 1), 0) > 0 then a.ids[1 + g % array_length(a.ids, 1)] end,
        case when g % 4 = 3 then '{}'::jsonb else jsonb_build_object('orderId', 'SO-' || about) end,
        now() - make_interval(mins => (g * 7919) % (90 * 1440)),
        now() - make_interval(mins => (g * 7919) % (90 * 1440))
      from s, c, a`);
    progress('cases', done + n, CASES);
  }
  await db.execute(sql`analyze`);
  const fillSeconds = (now() - t0) / 1000;
  const [largest] = await rows<{ id: string; commitments: number; cases: number }>(
    db,
    sql`select k.customer_id as id, k.n as commitments,
          (select count(*)::int from cases where customer_id = k.customer_id) as cases
        from (select customer_id, count(*)::int as n from commitments group by 1 order by 2 desc limit 1) k`,
  );
  const [about] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from commitments m where exists (
          select from cases c where c.customer_id = m.customer_id and c.refs ->> 'orderId' = m.ref_value)`,
  );
  const results: [string, string][] = [
    [
      'database',
      `${handle.kind}, ${fmt(COMMITMENTS)} commitments, ${fmt(CUSTOMERS)} customers, ${fmt(CASES)} cases (skew ${SKEW})`,
    ],
    ['fill (set-based SQL)', `${fmt(fillSeconds, 1)} s`],
    ['commitments with a case about them', fmt(about!.n)],
    ['largest customer', `${fmt(largest!.commitments)} commitments, ${fmt(largest!.cases)} cases`],
  ];

  // 2. Pages through HTTP, one request at a time.
  const pages: [string, string][] = [
    ['list, first page (50, soonest due)', '/commitments?limit=50'],
    ['list, latest due first, 50', '/commitments?limit=50&sort=-dueAt'],
    // The Commitments page's default: overdue, then open by due time, then closed (a sort, no index).
    ['list, needs attention first, 50', '/commitments?limit=50&sort=attention'],
    ['list, open and overdue, 50', '/commitments?limit=50&state=open,overdue'],
    ['list, the largest customer, 50', `/commitments?limit=50&customerId=${largest!.id}`],
    ['list, the largest customer, 500', `/commitments?limit=500&customerId=${largest!.id}`],
    ['board (200 due soon, and its signals)', '/board'],
  ];
  for (const [name, path] of pages) {
    await call('GET', path); // warm
    const samples = await timed(50, 1, async (i) => {
      await call('GET', path);
      if (i % 10 === 0) progress(name, i, 50);
    });
    progress(name, 50, 50);
    results.push([
      name,
      `p50 ${fmt(percentile(samples, 50), 1)} ms, p99 ${fmt(percentile(samples, 99), 1)} ms`,
    ]);
  }

  // 3. The CSV export, streamed page by page (500 a page) and counted as it arrives.
  const exportCsv = async (label: string, query: string) => {
    t0 = now();
    const res = await fetch(`${base}/commitments/export.csv?timezone=Europe/Berlin${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.status !== 200) throw new Error(`export: ${res.status} ${await res.text()}`);
    let lines = -1; // the header line
    let bytes = 0;
    const decoder = new TextDecoder();
    for await (const chunk of res.body!) {
      const text = decoder.decode(chunk as Uint8Array, { stream: true });
      bytes += (chunk as Uint8Array).length;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
      process.stderr.write(`\r${label}: ${fmt(Math.max(0, lines))} commitments   `);
    }
    process.stderr.write('\n');
    const seconds = (now() - t0) / 1000;
    results.push([
      label,
      `${fmt(lines)} rows, ${fmt(bytes / 1e6, 1)} MB in ${fmt(seconds, 1)} s (${fmt(lines / seconds)} rows/s)`,
    ]);
  };
  await exportCsv('CSV export, every commitment', '');
  await exportCsv('CSV export, the largest customer', `&customerId=${largest!.id}`);

  printTable('bench/commitments', results);
  await app.close();
  await handle.close();
  await cleanup();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
