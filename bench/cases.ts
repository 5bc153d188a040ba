// Cases at scale: npx tsx bench/cases.ts [--cases 1000000] [--postgres URL]
// Measures, against a started server: case creation through the API and through the import,
// then fills the database to the target size with set-based SQL and measures a queue view,
// the view counts, full-text search, search by a customer's name, promise compliance (its table, its
// trend, the cases behind its counts), the CSV export of a view, and recomputing every running
// clock after a calendar change.
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { migrateDatabase } from '../src/db/migrate.js';
import { SYSTEM_ACTOR } from '../src/server/lib/actor.js';
import { importCustomersCsv } from '../src/server/domains/imports/customer-import.js';
import { fmt, freshDatabase, serveAsAdmin, now, percentile, printTable, progress, timed } from './lib.js';

const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: '1000000' },
    postgres: { type: 'string' },
    'api-cases': { type: 'string', default: '2000' },
    'import-cases': { type: 'string', default: '50000' },
  },
});
const TOTAL = Number(args.cases);
const API_CASES = Math.min(Number(args['api-cases']), TOTAL);
const IMPORT_CASES = Math.min(Number(args['import-cases']), TOTAL - API_CASES);
const WORDS =
  'parcel pallet invoice refund damaged late missing wrong broken scanner portal label courier warehouse delivery credit address return carton shipment'.split(
    ' ',
  );

async function main() {
  const { handle, cleanup } = await freshDatabase(args.postgres);
  const db = handle.db;
  await migrateDatabase(handle);
  const csv = ['name,email,organization,segment'];
  for (let i = 0; i < 1000; i++) csv.push(`Bench Customer ${i},bench${i}@example.com,Bench Org ${i % 50},`);
  await importCustomersCsv(db, SYSTEM_ACTOR, csv.join('\n'));
  const { app, token, base, call } = await serveAsAdmin(handle);
  const calendar = await call('POST', '/calendars', {
    name: 'Berlin office',
    timezone: 'Europe/Berlin',
    hours: [1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '17:00' })),
    holidays: ['2026-12-25', '2026-12-26'],
  });
  const agreement = await call('POST', '/agreements', {
    name: 'Default',
    calendarId: calendar.id,
    targets: [
      { kind: 'first_response', minutes: 240 },
      { kind: 'next_response', minutes: 480 },
      { kind: 'resolution', minutes: 2400 },
    ],
  });
  const customerIds = (await call('GET', '/customers?limit=500')).items.map(
    (c: { id: string }) => c.id,
  ) as string[];
  const results: [string, string][] = [[`database`, `${handle.kind}, ${fmt(TOTAL)} cases`]];

  // 1. Through the API, one case per request, 16 in flight.
  let t0 = now();
  await timed(API_CASES, 16, async (i) => {
    await call('POST', '/cases', {
      subject: `Order ${i}: ${WORDS[i % WORDS.length]} problem`,
      customerId: customerIds[i % customerIds.length],
      message: {
        body: `The ${WORDS[(i * 7) % WORDS.length]} for order ${i} is ${WORDS[(i * 3) % WORDS.length]}`,
      },
    });
    if (i % 200 === 0) progress('api', i, API_CASES);
  });
  progress('api', API_CASES, API_CASES);
  results.push(['create via API (16 concurrent)', `${fmt((API_CASES / (now() - t0)) * 1000)} cases/s`]);

  // 2. Through the import, 1,000 cases (with a message each) per request.
  t0 = now();
  const day = 86_400_000;
  for (let done = 0; done < IMPORT_CASES; done += 1000) {
    const n = Math.min(1000, IMPORT_CASES - done);
    await call('POST', '/imports/cases', {
      cases: Array.from({ length: n }, (_, j) => {
        const i = done + j;
        const createdAt = new Date(Date.now() - ((i * 7919) % (30 * day)) - 3_600_000).toISOString();
        return {
          subject: `Imported ${i}: ${WORDS[i % WORDS.length]}`,
          customerId: customerIds[i % customerIds.length],
          status: i % 3 === 0 ? 'open' : 'closed',
          createdAt,
          messages: [
            {
              from: 'customer',
              body: `My ${WORDS[(i * 5) % WORDS.length]} is ${WORDS[(i * 11) % WORDS.length]}`,
              createdAt,
            },
          ],
        };
      }),
    });
    progress('import', done + n, IMPORT_CASES);
  }
  results.push([
    'create via import (1,000 per request)',
    `${fmt((IMPORT_CASES / (now() - t0)) * 1000)} cases/s`,
  ]);

  // 3. Fill to the target size with set-based SQL (not what a client does; here to reach scale).
  const remaining = TOTAL - API_CASES - IMPORT_CASES;
  t0 = now();
  const words = sql.raw(`array[${WORDS.map((w) => `'${w}'`).join(',')}]`);
  for (let from = 0; from < remaining; from += 100_000) {
    const to = Math.min(remaining, from + 100_000);
    await db.execute(sql`
      with c as (select array_agg(id order by id) as ids, array_agg(organization_id order by id) as orgs from customers)
      insert into cases (id, subject, customer_id, organization_id, channel, category, priority, status, tags, agreement_id, created_at, updated_at, solved_at)
      select gen_random_uuid(),
        'Fill ' || g || ': ' || (${words})[1 + g % 20] || ' ' || (${words})[1 + (g::bigint * 7) % 20],
        c.ids[1 + g % 1000], c.orgs[1 + g % 1000],
        (array['email','web','portal','phone'])[1 + g % 4], (array['order_status','late_delivery','damaged_product','invoice_error','other'])[1 + g % 5],
        (array['low','normal','normal','high','urgent'])[1 + g % 5],
        (array['new','open','open','pending','solved','closed','closed','closed','closed','closed'])[1 + g % 10],
        case when g % 17 = 0 then array['vip'] else '{}'::text[] end,
        ${agreement.id}::uuid,
        now() - make_interval(mins => ((g::bigint * 7919) % 43200)::int) - interval '1 hour',
        now() - make_interval(mins => ((g::bigint * 7919) % 43200)::int) - interval '1 hour',
        case when g % 10 >= 4 then now() - make_interval(mins => ((g::bigint * 7919) % 43200)::int) else null end
      from generate_series(${from + 1}::int, ${to}::int) g, c`);
    progress('fill cases', to, remaining);
  }
  await db.execute(sql`
    insert into messages (id, case_id, author_type, author_customer_id, public, body, created_at)
    select gen_random_uuid(), id, 'customer', customer_id, true,
      'My ' || (${words})[1 + abs(hashtext(id::text)) % 20] || ' for ' || subject || ' is ' || (${words})[1 + abs(hashtext(subject)) % 20], created_at
    from cases where subject like 'Fill %'`);
  progress('fill messages', remaining, remaining);
  await db.execute(sql`
    insert into case_promises (id, case_id, agreement_id, kind, cycle, target_minutes, warn_minutes, state, started_at, running_since, due_at, warn_at, met_at)
    select gen_random_uuid(), id, agreement_id, k.kind, 1, k.minutes, k.minutes * 3 / 4,
      case when status in ('solved', 'closed') then 'met' when status in ('pending') and k.kind = 'resolution' then 'paused' else 'active' end,
      created_at,
      case when status in ('solved', 'closed') or (status = 'pending' and k.kind = 'resolution') then null else created_at end,
      created_at + make_interval(mins => k.minutes * 3), created_at + make_interval(mins => k.minutes * 2),
      case when status in ('solved', 'closed') then solved_at end
    from cases, (values ('first_response', 240), ('resolution', 2400)) as k(kind, minutes)
    where subject like 'Fill %'`);
  await db.execute(
    sql`update cases c set next_due_at = p.due, next_warn_at = p.warn from (select case_id, min(due_at) as due, min(warn_at) as warn from case_promises where met_at is null and state = 'active' group by case_id) p where p.case_id = c.id and c.subject like 'Fill %'`,
  );
  await db.execute(sql`analyze`);
  progress('fill clocks', remaining, remaining);
  results.push([
    'fill (set-based SQL: cases, messages, clocks)',
    `${fmt((remaining / (now() - t0)) * 1000)} cases/s`,
  ]);

  // 4. Reading: a queue view (first page), all view counts, full-text search.
  const views = (await call('GET', '/views')).items as { id: string; name: string; count: number }[];
  const unsolved = views.find((v) => v.name === 'All unsolved')!;
  const queue = await timed(
    200,
    1,
    async () => void (await call('GET', `/cases?view=${unsolved.id}&limit=50`)),
  );
  results.push([
    'queue view "All unsolved", 50 rows',
    `p50 ${fmt(percentile(queue, 50), 1)} ms, p99 ${fmt(percentile(queue, 99), 1)} ms`,
  ]);
  const deep = await call('GET', `/cases?view=${unsolved.id}&limit=50`);
  const page2 = await timed(
    100,
    1,
    async () => void (await call('GET', `/cases?view=${unsolved.id}&limit=50&cursor=${deep.nextCursor}`)),
  );
  results.push([
    'queue view, next page (cursor)',
    `p50 ${fmt(percentile(page2, 50), 1)} ms, p99 ${fmt(percentile(page2, 99), 1)} ms`,
  ]);
  const counts = await timed(20, 1, async () => void (await call('GET', '/views')));
  results.push([
    `all ${views.length} view counts`,
    `p50 ${fmt(percentile(counts, 50), 1)} ms, p99 ${fmt(percentile(counts, 99), 1)} ms`,
  ]);
  const search = await timed(
    100,
    1,
    async (i) =>
      void (await call(
        'GET',
        `/cases?q=${WORDS[i % WORDS.length]}%20${WORDS[(i * 7) % WORDS.length]}&limit=50`,
      )),
  );
  results.push([
    'full-text search (two words), 50 rows',
    `p50 ${fmt(percentile(search, 50), 1)} ms, p99 ${fmt(percentile(search, 99), 1)} ms`,
  ]);

  // A caller gives their name: the queue search finds their cases by the customer's name too.
  const byName = await timed(
    100,
    1,
    async (i) =>
      void (await call('GET', `/cases?q=${encodeURIComponent(`customer ${(i * 37) % 1000}`)}&limit=50`)),
  );
  results.push([
    'search by a customer’s name, 50 rows',
    `p50 ${fmt(percentile(byName, 50), 1)} ms, p99 ${fmt(percentile(byName, 99), 1)} ms`,
  ]);

  // PSA target compliance over the clocks decided in the last 90 days, per kind (a group of the
  // clock's own) and per team (a group of the case's: every clock is joined to its case).
  const from = new Date(Date.now() - 90 * 86_400_000).toISOString();
  for (const groupBy of ['kind', 'team']) {
    const compliance = await timed(
      10,
      1,
      async () => void (await call('GET', `/kpis/promises?from=${from}&groupBy=${groupBy}`)),
    );
    results.push([
      `promise compliance, 90 days, per ${groupBy}`,
      `p50 ${fmt(percentile(compliance, 50), 1)} ms, p99 ${fmt(percentile(compliance, 99), 1)} ms`,
    ]);
  }
  // Its trend per week, and the cases behind its counts (the queue's first page and total).
  const trend = await timed(
    20,
    1,
    async () => void (await call('GET', `/kpis/promises/trend?from=${from}&interval=week`)),
  );
  results.push([
    'promise compliance per week, 90 days',
    `p50 ${fmt(percentile(trend, 50), 1)} ms, p99 ${fmt(percentile(trend, 99), 1)} ms`,
  ]);
  // Each link of the compliance table is a queue filter: the page (urgency order) and its total.
  const drills: [string, string][] = [
    ['resolutions met on time', `promiseKind=resolution&promiseOutcome=met_on_time&decidedFrom=${from}`],
    ['decided, no team', `teamId=none&promiseOutcome=decided&decidedFrom=${from}`],
    ['first responses overdue', 'promiseKind=first_response&promiseOutcome=overdue'],
  ];
  for (const [name, query] of drills) {
    const drill = await timed(
      10,
      1,
      async () => void (await call('GET', `/cases?${query}&includeTotal=true&limit=50`)),
    );
    results.push([
      `cases behind a count: ${name} (page, total)`,
      `p50 ${fmt(percentile(drill, 50), 1)} ms, p99 ${fmt(percentile(drill, 99), 1)} ms`,
    ]);
  }

  // 4b. The CSV export of the whole view: every unsolved case, streamed page by page.
  t0 = now();
  const exported = await fetch(`${base}/cases/export.csv?view=${unsolved.id}&timezone=Europe/Berlin`, {
    headers: { authorization: `Bearer ${token}` },
  });
  let exportedRows = -1; // the header line
  let bytes = 0;
  const decoder = new TextDecoder();
  for await (const chunk of exported.body!) {
    const text = decoder.decode(chunk as Uint8Array, { stream: true });
    bytes += (chunk as Uint8Array).length;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) exportedRows++;
    process.stderr.write(`\rCSV export: ${fmt(Math.max(0, exportedRows))} cases   `);
  }
  process.stderr.write('\n');
  const exportSeconds = (now() - t0) / 1000;
  results.push([
    'CSV export of "All unsolved" (every case, streamed)',
    `${fmt(exportedRows)} cases, ${fmt(bytes / 1e6, 1)} MB in ${fmt(exportSeconds, 1)} s (${fmt(exportedRows / exportSeconds)} cases/s)`,
  ]);

  // 5. A calendar change recomputes every running clock on it.
  t0 = now();
  const changed = await call('PATCH', `/calendars/${calendar.id}`, {
    hours: [1, 2, 3, 4, 5].map((d) => ({ day: d, open: '08:00', close: '18:00' })),
  });
  const seconds = (now() - t0) / 1000;
  results.push([
    'recompute clocks after a calendar change',
    `${fmt(changed.recomputedClocks)} clocks in ${fmt(seconds, 1)} s (${fmt(changed.recomputedClocks / seconds)}/s)`,
  ]);

  printTable('bench/cases', results);
  await app.close();
  await handle.close();
  await cleanup();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
