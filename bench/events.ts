// Events and signals: npx tsx bench/events.ts [--events 200000] [--batch 1000] [--concurrency 4]
//   [--customers 5000] [--timers 200] [--timer-lead 10] [--postgres URL]
// Starts a real server (scheduler running) on a temp PGlite folder or a scratch PostgreSQL
// database, with 20 enabled signal rules (match, absence, threshold; some scoped, some with
// actions), an agreement with a delivery commitment and a few thousand customers. Then:
// 1. sends order, shipment, complaint, usage and invoice events over HTTP in batches, with
//    `concurrency` requests in flight: events/s end to end (an answer comes after the events are
//    stored, the rules evaluated and the signals written, in one transaction);
// 2. meanwhile, timer probes: `shipment.dispatched` events back-dated so that the 48 h absence
//    rule falls due `timer-lead` seconds after they are sent, never answered; the delay from
//    each wait's due time to its signal (signals.detected_at - rule_expectations.due_at);
// 3. bulk inserts the same rows (same batch size and concurrency) into the same `events` table
//    with plain multi-row INSERTs under a second source: no HTTP, no rules, no customer lookup;
// 4. for reference, inserts again every row the load inserted (events, waits, commitments,
//    signals, evidence, hits, actions, domain events) the same way: what writing the engine's
//    rows costs by itself, without deciding what they are;
// 5. event retention: every event removed again as the retention job does it (events/s).
// The goals (issue 4): end to end at least half the raw insert rate; timer delay p99 under 1 s.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { PgPreparedQuery, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { newId } from '../src/db/columns.js';
import { rows, type Database } from '../src/db/client.js';
import type { StatementStat } from '../src/db/pglite-remote.js';
import { loadConfig } from '../src/server/config.js';
import { startServer } from '../src/server/start.js';
import { SYSTEM_ACTOR } from '../src/server/lib/actor.js';
import { issueToken } from '../src/server/domains/auth/auth.service.js';
import { commitments } from '../src/server/domains/commitments/commitments.table.js';
import { domainEvents } from '../src/server/domains/domain-events/domain-events.table.js';
import { events as eventsTable } from '../src/server/domains/events/events.table.js';
import { RETENTION_BATCH, removeOldEvents } from '../src/server/domains/events/retention.js';
import { uuidv7Floor } from '../src/db/columns.js';
import {
  ruleExpectations,
  ruleHits,
  signalActions,
  signalEvidence,
  signals,
} from '../src/server/domains/signals/signals.table.js';
import { importCustomersCsv } from '../src/server/domains/imports/customer-import.js';
import { createSegment } from '../src/server/domains/segments/segments.service.js';
import { createUser } from '../src/server/domains/users/users.service.js';
import { RuleDefinition, type RuleDefinitionInput } from '../src/shared/schemas/rules.js';
import { externalId, runLoadInWorker } from './events-load.js';
import { fmt, now, percentile, printTable, progress, startCpuProfile } from './lib.js';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    batch: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '4' },
    customers: { type: 'string', default: '5000' },
    timers: { type: 'string', default: '200' },
    'timer-lead': { type: 'string', default: '10' },
    postgres: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'cpu-profile': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const TOTAL = Number(args.events);
const BATCH = Number(args.batch);
const CONCURRENCY = Number(args.concurrency);
const CUSTOMERS = Number(args.customers);
const TIMERS = Number(args.timers);
/** Seconds from sending a probe to its due time: longer than a batch takes under load. */
const TIMER_LEAD_MS = Number(args['timer-lead']) * 1000;
const SEGMENTS = ['enterprise', 'smb', 'consumer'] as const;
const HOUR = 3_600_000;

// ---- database and server ------------------------------------------------------------------------

async function scratchDatabase() {
  if (!args.postgres) {
    const dir = mkdtempSync(join(tmpdir(), 'steward-bench-events-'));
    return {
      dataDir: dir,
      url: undefined,
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      keep: async () => {},
    };
  }
  const name = `steward_bench_events_${Date.now()}`;
  const admin = new pg.Client({ connectionString: args.postgres });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = new URL(args.postgres);
  url.pathname = `/${name}`;
  return {
    dataDir: undefined,
    url: url.toString(),
    cleanup: async () => {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
    // --keep: leave the scratch database for EXPLAIN ANALYZE (drop it by hand afterwards).
    keep: () => admin.end(),
  };
}

// ---- the rules ----------------------------------------------------------------------------------

/** 20 rules, as a customer team might write them: 9 match, 6 absence, 5 threshold. */
function benchRules(agreementId: string): RuleDefinitionInput[] {
  return [
    {
      kind: 'match',
      name: 'Shipment damaged or lost',
      severity: 'high',
      when: {
        type: 'shipment.exception',
        where: [{ field: 'data.reason', op: 'in', value: ['damaged', 'lost'] }],
      },
      dedupe: { ref: 'shipmentId' },
      actions: [
        {
          kind: 'open_case',
          category: 'damaged_product',
          priority: 'high',
          subject: 'Shipment {{refs.shipmentId}} for {{customer.name}} is {{data.reason}}',
          note: 'Reported by {{data.carrier}} at {{event.occurredAt}}',
        },
        {
          kind: 'notify_customer',
          message:
            'Dear {{customer.name}}, your parcel {{refs.shipmentId}} was {{data.reason}}. We are on it.',
        },
      ],
    },
    {
      kind: 'match',
      name: 'Delivery address problem',
      when: {
        type: 'shipment.exception',
        where: [{ field: 'data.reason', op: 'eq', value: 'address_problem' }],
      },
      dedupe: { ref: 'orderId' },
    },
    {
      kind: 'match',
      name: 'Serious complaint',
      severity: 'high',
      when: {
        type: 'complaint.received',
        where: [{ field: 'data.severity', op: 'in', value: ['high', 'critical'] }],
      },
      dedupe: { ref: 'complaintId' },
      actions: [
        {
          kind: 'open_case',
          category: 'complaint',
          priority: 'urgent',
          subject: 'Complaint {{refs.complaintId}} from {{customer.name}}: {{data.category}}',
        },
      ],
    },
    {
      kind: 'match',
      name: 'Large invoice disputed (enterprise)',
      severity: 'high',
      when: { type: 'invoice.disputed', where: [{ field: 'data.amount', op: 'gt', value: 1000 }] },
      scope: { segments: ['enterprise'] },
      dedupe: { ref: 'invoiceId' },
    },
    {
      kind: 'match',
      name: 'Usage collapsed',
      severity: 'high',
      when: { type: 'usage.dropped', where: [{ field: 'data.dropPercent', op: 'gte', value: 50 }] },
      scope: { segments: ['enterprise', 'smb'] },
    },
    {
      kind: 'match',
      name: 'Large portal order',
      severity: 'low',
      when: {
        type: 'order.created',
        where: [
          { field: 'data.amount', op: 'gt', value: 4000 },
          { field: 'data.channel', op: 'eq', value: 'portal' },
        ],
      },
    },
    {
      kind: 'match',
      name: 'Held at customs',
      when: {
        type: 'shipment.scanned',
        where: [
          { field: 'data.status', op: 'eq', value: 'held_at_customs' },
          { field: 'refs.shipmentId', op: 'exists' },
        ],
      },
      dedupe: { ref: 'shipmentId' },
    },
    {
      kind: 'match',
      name: 'Delivered without signature (enterprise)',
      severity: 'low',
      when: {
        type: 'shipment.delivered',
        where: [
          { field: 'data.signed', op: 'eq', value: false },
          { field: 'refs.orderId', op: 'exists' },
        ],
      },
      scope: { segments: ['enterprise'] },
      dedupe: { ref: 'orderId' },
    },
    {
      kind: 'match',
      name: 'Invoice disputed under the delivery agreement',
      when: { type: 'invoice.disputed' },
      scope: { agreements: [agreementId] },
      dedupe: { ref: 'invoiceId' },
    },
    {
      kind: 'absence',
      name: 'No scan 48 h after dispatch',
      severity: 'high',
      after: { type: 'shipment.dispatched' },
      expect: { type: 'shipment.scanned' },
      sameRef: 'shipmentId',
      within: 'PT48H',
      actions: [
        {
          kind: 'open_case',
          category: 'late_delivery',
          subject: 'Shipment {{refs.shipmentId}} has not moved',
        },
      ],
    },
    {
      kind: 'absence',
      name: 'Not delivered 5 days after the first scan',
      after: { type: 'shipment.scanned' },
      expect: { type: 'shipment.delivered' },
      sameRef: 'shipmentId',
      within: 'P5D',
    },
    {
      kind: 'absence',
      name: 'Will miss the promised date',
      severity: 'high',
      after: { type: 'order.promised' },
      expect: { type: 'shipment.delivered' },
      sameRef: 'orderId',
      by: 'data.promisedAt',
      lead: 'PT24H',
    },
    {
      kind: 'absence',
      name: 'Order not promised within 4 h',
      severity: 'low',
      after: { type: 'order.created' },
      expect: { type: 'order.promised' },
      sameRef: 'orderId',
      within: 'PT4H',
    },
    {
      kind: 'absence',
      name: 'Invoice unpaid at its due date',
      after: { type: 'invoice.issued' },
      expect: { type: 'invoice.paid' },
      sameRef: 'invoiceId',
      by: 'data.dueAt',
      scope: { segments: ['enterprise', 'smb'] },
    },
    {
      kind: 'absence',
      name: 'Complaint not answered in 2 days',
      after: { type: 'complaint.received', where: [{ field: 'data.severity', op: 'neq', value: 'low' }] },
      expect: { type: 'complaint.answered' },
      sameRef: 'complaintId',
      within: 'P2D',
    },
    {
      kind: 'threshold',
      name: '3 complaints in 30 days',
      severity: 'high',
      when: { type: 'complaint.received' },
      count: 3,
      window: 'P30D',
    },
    {
      kind: 'threshold',
      name: 'Repeated shipment exceptions at one organization',
      severity: 'critical',
      when: { type: 'shipment.exception' },
      count: 5,
      window: 'P7D',
      per: 'organization',
    },
    {
      kind: 'threshold',
      name: 'Usage drops across an organization',
      when: { type: 'usage.dropped' },
      count: 3,
      window: 'P7D',
      per: 'organization',
      scope: { segments: ['enterprise'] },
    },
    {
      kind: 'threshold',
      name: 'Frequent invoice disputes',
      when: { type: 'invoice.disputed' },
      count: 2,
      window: 'P90D',
    },
    {
      kind: 'threshold',
      name: 'Delays piling up for a customer',
      when: { type: 'shipment.scanned', where: [{ field: 'data.delayMinutes', op: 'gt', value: 60 }] },
      count: 3,
      window: 'P1D',
    },
  ];
}

/** Stored as the rules API stores a new rule: the definition, version 1 and its version row. */
async function insertRule(db: Database, input: RuleDefinitionInput) {
  const definition = RuleDefinition.parse(input);
  const [rule] = await rows<{ id: string }>(
    db,
    sql`insert into signal_rules (id, name, kind, severity, enabled, definition)
      values (gen_random_uuid(), ${definition.name}, ${definition.kind}, ${definition.severity}, true,
        ${JSON.stringify(definition)}::jsonb) returning id`,
  );
  await db.execute(
    sql`insert into signal_rule_versions (rule_id, version, definition) values (${rule!.id}, 1, ${JSON.stringify(definition)}::jsonb)`,
  );
  return rule!.id;
}

// ---- --profile: time spent per SQL statement ----------------------------------------------------

const statements = new Map<string, { calls: number; ms: number }>();
let profiling = false;
/** Times every statement drizzle runs (both drivers go through queryWithCache), by its text. */
function profileStatements() {
  const proto = PgPreparedQuery.prototype as unknown as {
    queryWithCache(text: string, params: unknown[], query: () => Promise<unknown>): Promise<unknown>;
  };
  const original = proto.queryWithCache;
  proto.queryWithCache = async function (text, params, query) {
    const t = now();
    try {
      return await original.call(this, text, params, query);
    } finally {
      if (profiling) {
        const key = text.replace(/\s+/g, ' ').trim().slice(0, 110);
        const s = statements.get(key) ?? { calls: 0, ms: 0 };
        s.calls++;
        s.ms += now() - t;
        statements.set(key, s);
      }
    }
  };
}

/**
 * PGlite on its worker thread times each statement there (the database's own work, without the
 * wait for the connection): those replace the timings taken around drizzle's calls.
 */
async function printProfile(loadMs: number, inThread?: StatementStat[]) {
  if (inThread?.length) {
    statements.clear();
    for (const s of inThread) {
      const key = s.sql.replace(/\s+/g, ' ').trim().slice(0, 110);
      const known = statements.get(key) ?? { calls: 0, ms: 0 };
      statements.set(key, { calls: known.calls + s.calls, ms: known.ms + s.ms });
    }
  }
  const top = [...statements].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30);
  const total = [...statements.values()].reduce((a, s) => a + s.ms, 0);
  console.log(
    inThread?.length
      ? `\nStatements during the load, timed in PGlite's thread: ${fmt(total)} ms of ${fmt(loadMs)} ms wall`
      : `\nStatements during the load: ${fmt(total)} ms in SQL of ${fmt(loadMs)} ms wall (x concurrency for PostgreSQL; on PGlite with the wait for the connection)`,
  );
  for (const [text, s] of top)
    console.log(
      `${fmt(s.ms).padStart(9)} ms ${fmt(s.calls).padStart(7)}x ${fmt(s.ms / s.calls, 2).padStart(8)} ms  ${text}`,
    );
}

// ---- the run ------------------------------------------------------------------------------------

async function main() {
  const scratch = await scratchDatabase();
  const config = loadConfig(
    {},
    { port: 0, host: '127.0.0.1', logLevel: 'warn', pgliteStatementStats: args.profile },
  );
  if (scratch.url) config.databaseUrl = scratch.url;
  if (scratch.dataDir) config.dataDir = scratch.dataDir;
  const server = await startServer(config);
  const db = server.handle.db;
  try {
    await run(db, `${server.url}/api/v1`, server.handle.kind, server.handle.statementStats);
  } finally {
    await server.stop();
    if (!args.keep) await scratch.cleanup();
    else {
      await scratch.keep();
      console.error(`kept the database: ${scratch.url ?? scratch.dataDir}`);
    }
  }
}

async function run(db: Database, base: string, kind: string, threadStats?: () => Promise<StatementStat[]>) {
  // Setup: an admin, segments, customers in organizations, an agreement with a delivery
  // commitment, two event sources, the 20 rules.
  const admin = await createUser(db, SYSTEM_ACTOR, {
    email: 'bench@example.com',
    name: 'Bench',
    role: 'admin',
    password: 'bench-password',
  });
  const { token } = await issueToken(db, { userId: admin.id, kind: 'session', ttlSeconds: 86_400 });
  const call = async (method: string, path: string, body: unknown, bearer = token) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  for (const key of SEGMENTS) await createSegment(db, SYSTEM_ACTOR, { key, name: key });
  const csv = ['name,email,external_id,organization,segment'];
  for (let c = 0; c < CUSTOMERS; c++) {
    const segment = c % 5 === 0 ? 'enterprise' : c % 5 < 3 ? 'smb' : 'consumer';
    const org = segment === 'consumer' ? '' : `Bench Org ${c % Math.max(1, Math.floor(CUSTOMERS / 20))}`;
    csv.push(`Bench Customer ${c},bench${c}@example.com,${externalId(c)},${org},${segment}`);
  }
  await importCustomersCsv(db, SYSTEM_ACTOR, csv.join('\n'));
  const calendar = await call('POST', '/calendars', {
    name: 'Always open',
    timezone: 'UTC',
    hours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '00:00', close: '24:00' })),
    holidays: [],
  });
  const agreement = await call('POST', '/agreements', {
    name: 'Standard service',
    calendarId: calendar.id,
    targets: [
      { kind: 'first_response', minutes: 240 },
      { kind: 'resolution', minutes: 2400 },
    ],
    commitments: [
      {
        key: 'delivery',
        name: 'Delivery by the promised date',
        opens: 'order.promised',
        ref: 'orderId',
        dueFrom: 'data.promisedAt',
        fulfilledBy: 'shipment.delivered',
      },
    ],
  });
  const source = await call('POST', '/event-sources', { key: 'bench-erp', name: 'ERP and warehouse' });
  // Two sources for the raw rate's two passes (the same event ids under each).
  const rawSources = [
    await call('POST', '/event-sources', { key: 'bench-raw', name: 'Raw inserts' }),
    await call('POST', '/event-sources', { key: 'bench-raw-2', name: 'Raw inserts, second pass' }),
  ];
  const rules = benchRules(agreement.id);
  const ruleIds = new Map<string, string>();
  for (const r of rules) ruleIds.set(r.name, await insertRule(db, r));
  const probeRule = ruleIds.get('No scan 48 h after dispatch')!;
  await db.execute(sql`analyze`);

  // 1. The load, from a worker thread (see events-load.ts).
  if (args.profile) profileStatements();
  await threadStats?.(); // from here on
  const stopCpuProfile = args['cpu-profile'] ? await startCpuProfile(args['cpu-profile']) : undefined;
  profiling = true;
  const started = Date.now();
  const load = await runLoadInWorker({
    base,
    token: source.token,
    total: TOTAL,
    batch: BATCH,
    concurrency: CONCURRENCY,
    customers: CUSTOMERS,
    timers: TIMERS,
    timerLeadMs: TIMER_LEAD_MS,
  });
  const { latencies, probes, sent, rejected, firstError } = load;
  const loadSeconds = load.seconds;
  profiling = false;
  await stopCpuProfile?.();
  const inThread = await threadStats?.();
  const loadEnded = Date.now();
  // The actions the signals asked for, as far as the action job got while the load ran.
  const actionsAtEnd = new Map(
    (
      await rows<{ kind: string; queued: number; done: number }>(
        db,
        sql`select kind, count(*)::int as queued, (count(*) filter (where state <> 'pending'))::int as done
          from signal_actions where kind in ('open_case', 'notify_customer') group by kind`,
      )
    ).map((r) => [r.kind, r]),
  );
  if (rejected > 0) console.error(`${rejected} events rejected, e.g. ${firstError}`);

  // Probes that the load left no room for are sent now: their delays are measured without load.
  const late: typeof probes = [];
  while (probes.length < TIMERS) {
    const k = probes.length;
    late.push({ ref: `SH-PROBE-${k}`, dueAt: Date.now() + 2000, answeredAt: 0 });
    probes.push(late.at(-1)!);
  }
  if (late.length) {
    await call(
      'POST',
      '/events',
      {
        events: late.map((p, i) => ({
          id: `probe-late-${i}`,
          type: 'shipment.dispatched',
          occurredAt: new Date(p.dueAt - 48 * HOUR).toISOString(),
          customer: { externalId: externalId(i) },
          refs: { shipmentId: p.ref },
        })),
      },
      source.token,
    );
    for (const p of late) p.answeredAt = Date.now();
  }

  // 2. Wait for every probe to fire, then read the delays.
  const lastDue = Math.max(...probes.map((p) => p.dueAt));
  for (;;) {
    const [w] = await rows<{ n: number }>(
      db,
      sql`select count(*)::int as n from rule_expectations
        where rule_id = ${probeRule} and ref_value like 'SH-PROBE-%' and signal_id is null`,
    );
    if (w!.n === 0 || Date.now() > lastDue + 60_000) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const delays = await rows<{ ref_value: string; ms: number }>(
    db,
    sql`select x.ref_value, extract(epoch from (s.detected_at - x.due_at)) * 1000 as ms
      from rule_expectations x join signals s on s.id = x.signal_id
      where x.rule_id = ${probeRule} and x.ref_value like 'SH-PROBE-%'`,
  );
  const probeBy = new Map(probes.map((p) => [p.ref, p]));
  // Under load: due while the load ran, and stored before it fell due (else the delay would be
  // the batch's own latency, not the timer's).
  const underLoad = delays
    .filter((d) => {
      const p = probeBy.get(d.ref_value)!;
      return p.dueAt <= loadEnded && p.answeredAt <= p.dueAt;
    })
    .map((d) => Number(d.ms));
  const storedLate = probes.filter((p) => p.answeredAt > p.dueAt).length;

  // 3. The raw rate: the same rows, batch size and concurrency, plain INSERTs, same database.
  const stored = await rows<{
    event_id: string;
    type: string;
    occurred_at: Date;
    customer_id: string | null;
    organization_id: string | null;
    refs: Record<string, string>;
    data: Record<string, unknown>;
  }>(
    db,
    sql`select event_id, type, occurred_at, customer_id, organization_id, refs, data
      from events where source_id = ${source.id} order by id`,
  );
  const chunksFor = (sourceId: string) => {
    const list: (typeof eventsTable.$inferInsert)[][] = [];
    for (let i = 0; i < stored.length; i += BATCH) {
      list.push(
        stored.slice(i, i + BATCH).map((e) => ({
          sourceId,
          eventId: e.event_id,
          type: e.type,
          occurredAt: new Date(e.occurred_at),
          customerId: e.customer_id,
          organizationId: e.organization_id,
          refs: e.refs,
          data: e.data,
        })),
      );
    }
    return list;
  };
  // Two passes under two sources, the faster one the baseline: a single short pass varies by up
  // to a fifth between runs (the machine's other work), and a slow one would flatter the ratio.
  let nextChunk = 0;
  const rawPasses: number[] = [];
  let chunks: (typeof eventsTable.$inferInsert)[][] = [];
  for (const [pass, rawSource] of rawSources.entries()) {
    chunks = chunksFor(rawSource.id);
    nextChunk = 0;
    const t1 = now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (nextChunk < chunks.length) {
          const c = nextChunk++;
          await db.insert(eventsTable).values(chunks[c]!);
          progress(`raw insert, pass ${pass + 1}`, Math.min(stored.length, (c + 1) * BATCH), stored.length);
        }
      }),
    );
    rawPasses.push((now() - t1) / 1000);
  }
  const rawSeconds = Math.min(...rawPasses);
  // The same rows once more as one array per column (insert … select from unnest): the fastest
  // plain insert through this driver, for reference (a third source, so ids do not collide).
  const unnestSource = await call('POST', '/event-sources', { key: 'bench-raw-unnest', name: 'Raw unnest' });
  nextChunk = 0;
  const t2 = now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (nextChunk < chunks.length) {
        const c = chunks[nextChunk++]!;
        const column = <T>(pick: (v: (typeof c)[number]) => T) => sql.param(c.map(pick));
        await db.execute(sql`
          insert into events (id, source_id, event_id, type, occurred_at, customer_id, organization_id, refs, data)
          select v.id, v.source_id, v.event_id, v.type, v.occurred_at, v.customer_id, v.organization_id,
            v.refs::jsonb, v.data::jsonb
          from unnest(${column(() => newId())}::uuid[], ${column(() => unnestSource.id)}::uuid[],
            ${column((v) => v.eventId)}::text[], ${column((v) => v.type)}::text[],
            ${column((v) => v.occurredAt.toISOString())}::timestamptz[], ${column((v) => v.customerId)}::uuid[],
            ${column((v) => v.organizationId)}::uuid[], ${column((v) => JSON.stringify(v.refs))}::text[],
            ${column((v) => JSON.stringify(v.data))}::text[])
            as v(id, source_id, event_id, type, occurred_at, customer_id, organization_id, refs, data)`);
      }
    }),
  );
  const unnestSeconds = (now() - t2) / 1000;

  // 4. What the rules wrote. First the action job catches up: how long a signal waited for its
  // proactive case.
  const caseWaitFrom = Date.now();
  for (;;) {
    const [p] = await rows<{ n: number }>(
      db,
      sql`select count(*)::int as n from signal_actions
        where kind in ('open_case', 'notify_customer') and state = 'pending'`,
    );
    if (p!.n === 0 || Date.now() > caseWaitFrom + 120_000) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const lagsOf = async (kind: string) =>
    (
      await rows<{ ms: number }>(
        db,
        sql`select extract(epoch from (a.done_at - s.detected_at)) * 1000 as ms
          from signal_actions a join signals s on s.id = a.signal_id
          where a.kind = ${kind} and a.state = 'done'`,
      )
    ).map((r) => Number(r.ms));
  const caseLags = await lagsOf('open_case');
  const toldLags = await lagsOf('notify_customer');
  const [counts] = await rows<{
    signals: number;
    events: number;
    evidence: number;
    actions: number;
    hits: number;
    commitments: number;
    cases: number;
    warned: number;
  }>(
    db,
    sql`select (select count(*)::int from signals) as signals,
      (select count(*)::int from events) as events,
      (select count(*)::int from signal_evidence) as evidence,
      (select count(*)::int from signal_actions) as actions,
      (select count(*)::int from rule_hits) as hits,
      (select count(*)::int from commitments) as commitments,
      (select count(*)::int from cases where channel = 'proactive') as cases,
      (select count(*)::int from events where warnings is not null) as warned`,
  );
  const waits = new Map(
    (
      await rows<{ state: string; n: number }>(
        db,
        sql`select state, count(*)::int as n from rule_expectations group by state`,
      )
    ).map((w) => [w.state, w.n]),
  );
  // A check: waits still open although their expected event is stored (all expect selectors of
  // the bench rules are a type alone, so type and ref decide).
  const [missed] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from rule_expectations x join signal_rules r on r.id = x.rule_id
      where (x.state = 'waiting' or (x.state = 'fired' and x.closed_at is null)) and exists (
        select 1 from events e where e.source_id = ${source.id}
          and e.refs @> jsonb_build_object(r.definition->>'sameRef', x.ref_value)
          and e.type = r.definition->'expect'->>'type' and e.occurred_at >= x.started_at)`,
  );
  const perKind = await rows<{ kind: string; n: number }>(
    db,
    sql`select kind, count(*)::int as n from signals group by kind order by kind`,
  );

  // 4b. The proactive KPIs over the run's signals and commitments, as the board and the KPI page
  // ask for them (one set-based statement each): 20 requests of each, one at a time.
  // And a source's events per hour over two days (its page's chart), over every event stored.
  const kpiReads: [string, string, 'signals' | 'events'][] = [
    ['KPIs totals (board tiles)', '/kpis/proactive', 'signals'],
    [
      'KPIs per day, 90 days (KPI page charts)',
      '/kpis/proactive/trend?interval=day&timezone=Europe/Berlin',
      'signals',
    ],
    ['KPIs per rule (KPI page table)', '/kpis/proactive/rules', 'signals'],
    ['source events per hour, 48 h (its page)', `/event-sources/${source.key}/activity?hours=48`, 'events'],
  ];
  const kpiTimes: [string, number[], 'signals' | 'events'][] = [];
  for (const [label, path, over] of kpiReads) {
    const list: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = now();
      await call('GET', path, undefined);
      list.push(now() - t);
    }
    kpiTimes.push([label, list, over]);
  }

  // 5. Every row the load inserted, inserted again the same way: the events and the rows the
  // ingest and its jobs wrote beside them (waits, commitments, signals, evidence, threshold hits,
  // actions, domain events), each batch of events with its share of them, plain multi-row
  // INSERTs, same concurrency. Keys that must stay unique get a suffix; evidence and hits point to
  // the copied events. The engine's updates (waits and commitments ended) are left out, so this
  // is still less work than the engine's.
  const sameRows = await insertEveryRowAgain(db, {
    sourceId: (await call('POST', '/event-sources', { key: 'bench-raw-all', name: 'Raw, all rows' })).id,
    loadSource: source.id,
    from: new Date(started),
    to: new Date(loadEnded),
  });

  // 6. Event retention: with a setting of 30 days and a clock a year ahead, the job removes every
  // event stored so far but the signals' evidence and the starts of waits still held, in its
  // batches (one transaction each, as the scheduler runs them).
  const retention = await removeAllOldEvents(db, call);

  const e2e = sent / loadSeconds;
  const raw = stored.length / rawSeconds;
  const ratio = e2e / raw;
  const lagText = (list: number[]) =>
    list.length
      ? `p50 ${fmt(percentile(list, 50))} ms, p99 ${fmt(percentile(list, 99))} ms, max ${fmt(Math.max(...list))} ms (${fmt(list.length)} actions)`
      : 'n/a';
  const delayText = (list: number[]) =>
    list.length
      ? `p50 ${fmt(percentile(list, 50))} ms, p95 ${fmt(percentile(list, 95))} ms, p99 ${fmt(percentile(list, 99))} ms, max ${fmt(Math.max(...list))} ms (${fmt(list.length)} waits)`
      : 'n/a (the run is shorter than the timer lead)';
  printTable('bench/events', [
    ['database', kind],
    ['events (accepted)', `${fmt(sent)} of ${fmt(TOTAL)}`],
    ['batch size, concurrency', `${fmt(BATCH)}, ${CONCURRENCY} in flight`],
    ['customers, rules', `${fmt(CUSTOMERS)}, ${rules.length} enabled (+ 1 delivery commitment)`],
    ['end to end (HTTP, rules, signals)', `${fmt(e2e)} events/s (${fmt(loadSeconds, 1)} s)`],
    [
      'raw multi-row INSERT, same rows (faster of 2)',
      `${fmt(raw)} rows/s (${rawPasses.map((p) => `${fmt(stored.length / p)}`).join(' and ')} rows/s)`,
    ],
    ['ratio (goal >= 50%)', `${fmt(ratio * 100, 1)}% ${ratio >= 0.5 ? 'met' : 'NOT met'}`],
    [
      'raw insert … select unnest (reference)',
      `${fmt(stored.length / unnestSeconds)} rows/s, end to end ${fmt((e2e / (stored.length / unnestSeconds)) * 100, 1)}% of it`,
    ],
    [
      'raw INSERT of every row the load wrote (reference)',
      `${fmt(sameRows.events / sameRows.seconds)} events/s with ${fmt(sameRows.rows / sameRows.events, 2)} rows each (${fmt(sameRows.rows / sameRows.seconds)} rows/s); end to end ${fmt((e2e / (sameRows.events / sameRows.seconds)) * 100, 1)}% of it`,
    ],
    [
      'batch request latency',
      `p50 ${fmt(percentile(latencies, 50))} ms, p99 ${fmt(percentile(latencies, 99))} ms`,
    ],
    [
      'signals written',
      `${fmt(counts!.signals)} (${perKind.map((k) => `${k.kind} ${fmt(k.n)}`).join(', ')}), ${fmt(counts!.evidence)} evidence rows`,
    ],
    ['actions queued, proactive cases', `${fmt(counts!.actions)}, ${fmt(counts!.cases)}`],
    [
      'open_case, notify_customer done when the load ended',
      ['open_case', 'notify_customer']
        .map((k) => actionsAtEnd.get(k))
        .map((a) => (a ? `${fmt(a.done)} of ${fmt(a.queued)}` : 'none'))
        .join(', ') + ' queued by then',
    ],
    ['signal to its proactive case (open_case done)', lagText(caseLags)],
    ['signal to the customer told (notify_customer done)', lagText(toldLags)],
    [
      'threshold hits, commitments, events with warnings',
      `${fmt(counts!.hits)}, ${fmt(counts!.commitments)}, ${fmt(counts!.warned)}`,
    ],
    [
      'waits started / fulfilled / fired',
      `${fmt([...waits.values()].reduce((a, b) => a + b, 0))} / ${fmt(waits.get('fulfilled') ?? 0)} / ${fmt(waits.get('fired') ?? 0)} (${fmt(waits.get('waiting') ?? 0)} waiting)`,
    ],
    ['waits still open though the awaited event is stored', fmt(missed!.n)],
    [
      'event retention: old events removed (job batches)',
      `${fmt(retention.removed / retention.seconds)} events/s (${fmt(retention.removed)} in ${fmt(retention.seconds, 1)} s; ${fmt(retention.kept)} kept: evidence, held waits)`,
    ],
    ...kpiTimes.map(
      ([label, list, over]) =>
        [
          label,
          `p50 ${fmt(percentile(list, 50), 1)} ms, max ${fmt(Math.max(...list), 1)} ms over ${fmt(counts![over])} ${over}${over === 'events' ? ' stored (load and raw passes)' : ''}`,
        ] as [string, string],
    ),
    ['timer delay under load (goal p99 < 1 s)', delayText(underLoad)],
    [
      'timer probes',
      `${fmt(probes.length)} sent, ${fmt(delays.length)} fired, ${fmt(underLoad.length)} due during the load` +
        (storedLate ? `, ${fmt(storedLate)} stored after their due time (left out)` : ''),
    ],
    [
      'timer delay goal',
      underLoad.length ? (percentile(underLoad, 99) < 1000 ? 'met' : 'NOT met') : 'not measured',
    ],
  ]);
  if (args.profile) await printProfile(loadSeconds * 1000, inThread);
}

/** Step 6: every event removed as the retention job removes them, a year from now. */
async function removeAllOldEvents(
  db: Database,
  call: (method: string, path: string, body: unknown) => Promise<unknown>,
): Promise<{ removed: number; kept: number; seconds: number }> {
  await call('PATCH', '/settings', { eventRetentionDays: 30 });
  const [all] = await rows<{ n: number }>(db, sql`select count(*)::int as n from events`);
  const yearAhead = new Date(Date.now() + 365 * 86_400_000);
  const t0 = now();
  let removed = 0;
  for (;;) {
    const n = await removeOldEvents(db, RETENTION_BATCH, yearAhead);
    removed += n;
    progress('event retention', removed, all!.n);
    if (n < RETENTION_BATCH) break;
  }
  if (removed < all!.n) process.stderr.write('\n');
  return { removed, kept: all!.n - removed, seconds: (now() - t0) / 1000 };
}

/**
 * Step 5: the rows the load inserted between `from` and `to` (UUIDv7 ids, so a range of ids;
 * evidence by the time it was added, threshold hits by their events), inserted once more in as
 * many batches as the events, `CONCURRENCY` batches in flight, each a plain multi-row INSERT per
 * table in turn. Returns the events and rows inserted and the seconds it took.
 */
async function insertEveryRowAgain(
  db: Database,
  opts: { sourceId: string; loadSource: string; from: Date; to: Date },
): Promise<{ events: number; rows: number; seconds: number }> {
  const lo = uuidv7Floor(opts.from);
  const hi = uuidv7Floor(opts.to);
  const inWindow = (id: PgColumn) => and(gte(id, lo), lt(id, hi));
  const evs = await db
    .select()
    .from(eventsTable)
    .where(eq(eventsTable.sourceId, opts.loadSource))
    .orderBy(eventsTable.id);
  const copyOf = new Map(evs.map((e) => [e.id, newId()]));
  const sliceOf = new Map<string, number>();
  const n = Math.ceil(evs.length / BATCH);
  evs.forEach((e, i) => sliceOf.set(e.id, Math.floor(i / BATCH)));
  const slices = Array.from({ length: n }, () => new Map<PgTable, Record<string, unknown>[]>());
  const put = (slice: number, table: PgTable, row: Record<string, unknown>) => {
    const list = slices[Math.min(n - 1, slice)]!.get(table) ?? [];
    list.push(row);
    slices[Math.min(n - 1, slice)]!.set(table, list);
  };
  // Rows in id order, spread evenly over the batches.
  const spread = (table: PgTable, list: Record<string, unknown>[]) =>
    list.forEach((row, i) => put(Math.floor((i * n) / list.length), table, row));
  evs.forEach((e, i) =>
    put(Math.floor(i / BATCH), eventsTable, { ...e, id: copyOf.get(e.id), sourceId: opts.sourceId }),
  );
  const suffix = (v: string) => `${v}~raw`;
  spread(
    ruleExpectations,
    (
      await db
        .select()
        .from(ruleExpectations)
        .where(inWindow(ruleExpectations.id))
        .orderBy(ruleExpectations.id)
    ).map((w) => ({ ...w, id: newId(), refValue: suffix(w.refValue), signalId: null })),
  );
  spread(
    commitments,
    (await db.select().from(commitments).where(inWindow(commitments.id)).orderBy(commitments.id)).map(
      (c) => ({
        ...c,
        id: newId(),
        refValue: suffix(c.refValue),
      }),
    ),
  );
  spread(
    signals,
    (await db.select().from(signals).where(inWindow(signals.id)).orderBy(signals.id)).map((s) => ({
      ...s,
      id: newId(),
      dedupeKey: suffix(s.dedupeKey),
    })),
  );
  spread(
    signalActions,
    (await db.select().from(signalActions).where(inWindow(signalActions.id)).orderBy(signalActions.id)).map(
      (a) => ({
        ...a,
        id: newId(),
        position: a.position + 1000,
      }),
    ),
  );
  spread(
    domainEvents,
    (await db.select().from(domainEvents).where(inWindow(domainEvents.id)).orderBy(domainEvents.id)).map(
      (d) => ({
        ...d,
        id: newId(),
      }),
    ),
  );
  // Evidence and hits go with their (copied) events, into the same batch.
  for (const e of await db
    .select()
    .from(signalEvidence)
    .where(and(gte(signalEvidence.addedAt, opts.from), lt(signalEvidence.addedAt, opts.to)))) {
    const slice = sliceOf.get(e.eventId);
    if (slice !== undefined) put(slice, signalEvidence, { ...e, eventId: copyOf.get(e.eventId) });
  }
  for (const h of await db.select().from(ruleHits).where(inWindow(ruleHits.eventId))) {
    const slice = sliceOf.get(h.eventId);
    if (slice !== undefined) put(slice, ruleHits, { ...h, eventId: copyOf.get(h.eventId) });
  }
  const order: PgTable[] = [
    eventsTable,
    ruleExpectations,
    commitments,
    signals,
    signalEvidence,
    ruleHits,
    signalActions,
    domainEvents,
  ];
  const total = slices.reduce((a, s) => a + [...s.values()].reduce((b, l) => b + l.length, 0), 0);
  let next = 0;
  let done = 0;
  const t = now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        const slice = slices[next++]!;
        for (const table of order) {
          const list = slice.get(table);
          if (!list) continue;
          // Within PostgreSQL's 65,535 parameters per statement.
          const per = Math.floor(60_000 / Object.keys(list[0]!).length);
          for (let i = 0; i < list.length; i += per)
            await db.insert(table).values(list.slice(i, i + per) as never);
          done += list.length;
        }
        progress('raw insert, all rows', done, total);
      }
    }),
  );
  return { events: evs.length, rows: total, seconds: (now() - t) / 1000 };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
