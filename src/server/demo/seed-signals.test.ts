// The demo's order-to-delivery flow, seeded into a fresh database as `steward start --demo` does:
// the default rules exist and are on, the events went through ingest, and what the rules and
// commitments made of them agrees with the events themselves (stuck parcels, late deliveries),
// checked against queries over the events rather than against the seed's own plan.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type Database } from '../../db/client.js';
import { createTestDatabase } from '../../../test/helpers/db.js';
import { readSettings } from '../domains/settings/settings.service.js';
import { seedDemo, type DemoSummary } from './seed.js';
import { DEMO_ORDER_MIX, DEMO_RULES, seedDemoSignals } from './seed-signals.js';
import { replayRules } from '../../../test/helpers/rule-replay.js';

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;
let summary: DemoSummary;
beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  // The live flow alone: seed-history.test.ts checks the months before it.
  summary = await seedDemo(db, { history: false });
}, 120_000);
afterAll(() => handle?.close());

const orders = Object.values(DEMO_ORDER_MIX).reduce((a, b) => a + b, 0);

async function signalsOf(rule: string) {
  return rows<{
    state: string;
    ref_value: string | null;
    case_id: string | null;
    resolution: string | null;
    resolved_by_event: boolean;
    evidence_count: number;
  }>(
    db,
    sql`select s.state, s.ref_value, s.case_id, s.resolution, s.resolved_by_event, s.evidence_count
      from signals s join signal_rules r on r.id = s.rule_id where r.name = ${rule} order by s.ref_value`,
  );
}

describe('demo signals seed', () => {
  it('adds the ERP and warehouse sources, the agreements’ commitments and the default rules, enabled', async () => {
    expect(summary).toMatchObject({ created: true, signals: 23 });
    // Every case the queues list: the desk's 60, the proactive ones and the contacts about them.
    const [live] = await rows<{ n: number }>(
      db,
      sql`select count(*)::int as n from cases where deleted_at is null and merged_into_id is null`,
    );
    expect(summary.cases).toBe(live!.n);
    expect(summary.cases).toBeGreaterThan(60 + 12 + DEMO_ORDER_MIX.late);
    expect(
      await rows(db, sql`select key, active, create_unknown_customers from event_sources order by key`),
    ).toEqual([
      { key: 'erp', active: true, create_unknown_customers: false },
      { key: 'wms', active: true, create_unknown_customers: false },
    ]);
    expect(
      await rows(
        db,
        sql`select name, (select array_agg(c->>'key' order by c->>'key') from jsonb_array_elements(commitments) c) as keys
          from agreements order by name`,
      ),
    ).toEqual([
      { name: 'Enterprise premium', keys: ['invoice_accuracy', 'on_time_delivery'] },
      { name: 'Northwind Traders PSA', keys: ['callback_2h', 'on_time_delivery'] },
      { name: 'Standard service', keys: ['on_time_delivery'] },
    ]);
    const rules = await rows<{ name: string; enabled: boolean; version: number; versions: number }>(
      db,
      sql`select name, enabled, version, (select count(*)::int from signal_rule_versions v where v.rule_id = r.id) as versions
        from signal_rules r where deleted_at is null order by name`,
    );
    expect(rules.map((r) => r.name)).toEqual(Object.values(DEMO_RULES).sort());
    for (const r of rules) expect(r).toMatchObject({ enabled: true, version: 1, versions: 1 });
  });

  it('offers customers a few everyday categories in the portal, the rest stay for staff', async () => {
    expect(
      await rows(db, sql`select key from categories where offered_to_customers and active order by key`),
    ).toEqual([
      { key: 'damaged_product' },
      { key: 'invoice_error' },
      { key: 'late_delivery' },
      { key: 'order_status' },
      { key: 'wrong_item' },
    ]);
  });

  it(`sends ${orders} orders through ingest for existing customers`, async () => {
    const [counted] = await rows<{ orders: number; customers: number; unknown: number }>(
      db,
      sql`select
        (select count(distinct refs->>'orderId')::int from events where type = 'order.promised') as orders,
        (select count(*)::int from customers) as customers,
        (select count(*)::int from events where customer_id is null) as unknown`,
    );
    expect(counted).toEqual({ orders, customers: summary.customers, unknown: 0 });
  });

  it('dates each promise as the customer’s calendar does: promisedDate is promisedAt’s day in their zone', async () => {
    // The rules' messages write promisedDate (`| date`) beside promisedAt (`| datetime`, in the
    // customer's zone, else the company's): both must name the same day.
    const company = (await readSettings(db)).timeZone ?? 'UTC';
    const promised = (
      await rows<{ order_id: string; promised_at: string; promised_date: string; zone: string | null }>(
        db,
        sql`select e.refs->>'orderId' as order_id, e.data->>'promisedAt' as promised_at,
            e.data->>'promisedDate' as promised_date, c.time_zone as zone
          from events e join customers c on c.id = e.customer_id
          where e.type = 'order.promised' and e.data ? 'promisedDate' order by e.event_id`,
      )
    ).map((p) => ({ ...p, zone: p.zone ?? company }));
    expect(promised).toHaveLength(orders);
    const dayIn = (iso: string, timeZone: string) => {
      const part: Record<string, string> = {};
      const f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
      for (const x of f.formatToParts(new Date(iso))) part[x.type] = x.value;
      return `${part.year}-${part.month}-${part.day}`;
    };
    expect(promised.map((p) => [p.order_id, p.promised_date])).toEqual(
      promised.map((p) => [p.order_id, dayIn(p.promised_at, p.zone)]),
    );
    // East of UTC a promise for the end of a working day (16:00 UTC) falls on the next day there
    // (midnight in Singapore): those customers' dates are not UTC's.
    const east = promised.filter((p) => p.promised_date !== p.promised_at.slice(0, 10));
    expect(east.map((p) => p.zone)).toContain('Asia/Singapore');
    // And the rule's case says so: its subject's day is the day of the time in its note.
    const cases = await rows<{ subject: string; note: string }>(
      db,
      sql`select c.subject, m.body as note from cases c
        join messages m on m.case_id = c.id and not m.public and m.body like 'Promised to %'
        where c.subject like '%will miss its promised date%'`,
    );
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const day = /\(([A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4})\)$/.exec(c.subject)?.[1];
      expect(day, c.subject).toBeDefined();
      expect(c.note, c.subject).toContain(`for ${day}, `);
    }
  });

  it('catches every parcel without a scan for 48 hours, on a proactive case', async () => {
    // Stuck, by the events alone: the last carrier news is over 48 h old and is not a delivery or a loss.
    const stuck = await rows<{ shipment: string }>(
      db,
      sql`select shipment from (
          select distinct on (refs->>'shipmentId') refs->>'shipmentId' as shipment, type, occurred_at,
            data->>'reason' as reason
          from events where type like 'shipment.%' order by refs->>'shipmentId', occurred_at desc) last
        where type <> 'shipment.delivered' and reason is distinct from 'lost'
          and occurred_at < now() - interval '48 hours'
        order by shipment`,
    );
    expect(stuck).toHaveLength(DEMO_ORDER_MIX.stuck);
    // Each has its proactive case; the one whose case is solved is resolved with it.
    const caught = (await signalsOf(DEMO_RULES.notScanned)).filter((s) => !s.resolved_by_event);
    expect(caught.map((s) => s.ref_value)).toEqual(stuck.map((s) => s.shipment));
    const statuses: string[] = [];
    for (const s of caught) {
      const [c] = await rows<{
        channel: string;
        status: string;
        number: number;
        refs: Record<string, string>;
      }>(db, sql`select channel, status, number, refs from cases where id = ${s.case_id}`);
      expect(c).toMatchObject({ channel: 'proactive', refs: { shipmentId: s.ref_value } });
      statuses.push(c!.status);
      if (c!.status === 'solved')
        expect(s).toMatchObject({
          state: 'resolved',
          resolution: `resolved with case #${c!.number} (solved)`,
        });
      else expect(s.state).toBe('acted');
    }
    // Maria Jensen's: a replacement was sent and the case solved (the parcel is still missing).
    expect(statuses.sort()).toEqual(['open', 'open', 'open', 'solved']);
  });

  it('resolves the signal of the parcel that moved again, and the agent solves its case', async () => {
    const resolved = (await signalsOf(DEMO_RULES.notScanned)).filter((s) => s.resolved_by_event);
    expect(resolved).toHaveLength(DEMO_ORDER_MIX.movesAgain);
    expect(resolved[0]!.resolution).toBe('the awaited event arrived (shipment.scanned)');
    const [c] = await rows<{ status: string }>(
      db,
      sql`select status from cases where id = ${resolved[0]!.case_id}`,
    );
    expect(c!.status).toBe('solved');
  });

  it('closes delivery commitments as the deliveries say: met, late, overdue; a cancelled order is cancelled', async () => {
    const promised = await rows<{
      order_id: string;
      promised_at: Date;
      delivered_at: Date | null;
      cancelled_at: Date | null;
      state: string;
    }>(
      db,
      sql`select p.refs->>'orderId' as order_id, (p.data->>'promisedAt')::timestamptz as promised_at,
          d.occurred_at as delivered_at, x.occurred_at as cancelled_at, c.state
        from events p
        left join events d on d.type = 'shipment.delivered' and d.refs->>'orderId' = p.refs->>'orderId'
        left join events x on x.type = 'order.cancelled' and x.refs->>'orderId' = p.refs->>'orderId'
        left join commitments c on c.key = 'on_time_delivery' and c.ref_value = p.refs->>'orderId'
        where p.type = 'order.promised' and p.warnings is null`,
    );
    expect(promised).toHaveLength(orders);
    const now = Date.now();
    for (const p of promised) {
      const due = new Date(p.promised_at).getTime();
      const delivered = p.delivered_at ? new Date(p.delivered_at).getTime() : null;
      const expected = p.cancelled_at
        ? 'cancelled'
        : delivered !== null
          ? delivered <= due
            ? 'met'
            : 'late'
          : due < now
            ? 'overdue'
            : 'open';
      expect({ order: p.order_id, state: p.state }).toEqual({ order: p.order_id, state: expected });
    }
    const tally = await rows<{ key: string; state: string; n: number }>(
      db,
      sql`select key, state, count(*)::int as n from commitments group by key, state order by key, state`,
    );
    const n = (key: string, state: string) => tally.find((t) => t.key === key && t.state === state)?.n ?? 0;
    expect(n('on_time_delivery', 'late')).toBe(DEMO_ORDER_MIX.late);
    expect(n('on_time_delivery', 'met')).toBe(DEMO_ORDER_MIX.onTime + DEMO_ORDER_MIX.damaged);
    // The stuck parcel promised for yesterday, the order in transit past its date, the lost one.
    expect(n('on_time_delivery', 'overdue')).toBe(3);
    expect(n('on_time_delivery', 'cancelled')).toBe(DEMO_ORDER_MIX.cancelled);
    expect(n('invoice_accuracy', 'broken')).toBe(1);
    expect(['met', 'late', 'overdue', 'open'].map((s) => n('callback_2h', s))).toEqual([1, 1, 1, 1]);
  });

  it('has one event accepted with warnings: a promise sent again with the date "TBC", which moved nothing', async () => {
    const warned = await rows<{ event_id: string; order_id: string; warnings: string[]; due_at: Date }>(
      db,
      sql`select e.event_id, e.refs->>'orderId' as order_id, e.warnings, c.due_at
        from events e join commitments c on c.key = 'on_time_delivery' and c.ref_value = e.refs->>'orderId'
        where e.warnings is not null`,
    );
    expect(warned).toHaveLength(1);
    const [w] = warned;
    expect(w!.event_id).toBe(`erp-${w!.order_id}-promised-again`);
    expect(w!.warnings).toContainEqual(
      expect.stringMatching(
        /^commitment "Delivery by the promised date" \(.+\) not opened: data\.promisedAt is not a time: "TBC"$/,
      ),
    );
    // The first promise's date still holds.
    const [first] = await rows<{ promised_at: Date }>(
      db,
      sql`select (data->>'promisedAt')::timestamptz as promised_at from events where event_id = ${`erp-${w!.order_id}-promised`}`,
    );
    expect(new Date(w!.due_at).getTime()).toBe(new Date(first!.promised_at).getTime());
  });

  it('turns the signals into proactive cases, one per order, and tells the customers', async () => {
    const byRule = Object.fromEntries(
      await Promise.all(
        Object.values(DEMO_RULES).map(async (name) => [name, (await signalsOf(name)).length] as const),
      ),
    );
    expect(byRule).toMatchObject({
      [DEMO_RULES.notScanned]: DEMO_ORDER_MIX.stuck + DEMO_ORDER_MIX.movesAgain,
      [DEMO_RULES.damagedOrLost]: 2,
      [DEMO_RULES.carrierDelay]: 2,
      [DEMO_RULES.repeatComplaints]: 1,
      [DEMO_RULES.invoiceDisputed]: 1,
    });
    // Two stuck parcels close to their date, the three orders that will miss it, the lost one, and
    // the six delivered late (warned a day before their date).
    expect(byRule[DEMO_RULES.willMiss]! + byRule[DEMO_RULES.enterpriseWillMiss]!).toBe(
      6 + DEMO_ORDER_MIX.late,
    );
    expect(byRule[DEMO_RULES.willMiss]).toBeGreaterThan(0);
    expect(byRule[DEMO_RULES.enterpriseWillMiss]).toBeGreaterThan(0);
    expect((await signalsOf(DEMO_RULES.repeatComplaints))[0]!.evidence_count).toBe(3);
    // The carrier delays are watched only: open, no case.
    for (const s of await signalsOf(DEMO_RULES.carrierDelay))
      expect(s).toMatchObject({ state: 'open', case_id: null });

    const cases = await rows<{
      id: string;
      order_id: string | null;
      signals: number;
      told: number;
      category: string;
    }>(
      db,
      sql`select c.id, c.refs->>'orderId' as order_id, c.category,
          (select count(*)::int from signals s where s.case_id = c.id) as signals,
          (select count(*)::int from messages m where m.case_id = c.id and m.public and m.author_type = 'agent') as told
        from cases c where c.channel = 'proactive'`,
    );
    expect(cases).toHaveLength(12 + DEMO_ORDER_MIX.late);
    for (const c of cases) {
      expect(c.signals).toBeGreaterThan(0);
      expect(c.told).toBeGreaterThan(0);
    }
    // One per order (the complaints' case names the order of the last complaint, a late one whose
    // own case was solved by then).
    const orderIds = cases.filter((c) => c.category !== 'complaint').map((c) => c.order_id);
    expect(new Set(orderIds).size).toBe(orderIds.length);
    // Stuck parcels and orders that will miss their date; damaged and lost; complaints; the invoice.
    expect(cases.map((c) => c.category).sort()).toEqual([
      'complaint',
      'damaged_product',
      'damaged_product',
      'invoice_error',
      ...Array<string>(8 + DEMO_ORDER_MIX.late).fill('late_delivery'),
    ]);
    const [actions] = await rows<{ pending: number; failed: number }>(
      db,
      sql`select count(*) filter (where state = 'pending')::int as pending,
        count(*) filter (where state = 'failed')::int as failed from signal_actions`,
    );
    expect(actions).toEqual({ pending: 0, failed: 0 });
  });

  it('has customers who wrote in first, answered the proactive message, or wrote in after it', async () => {
    // Contact after detection: the signals behind the two cases the customers wrote in (Maria's
    // case carries two signals: the parcel and the promised date).
    const [contacts] = await rows<{ first: number; after: number; written: number }>(
      db,
      sql`select count(*) filter (where customer_contacted_first)::int as first,
        count(*) filter (where customer_contact_at is not null)::int as after,
        count(*) filter (where exists (select 1 from messages m
          where m.case_id = s.case_id and m.author_type = 'customer'))::int as written
        from signals s`,
    );
    expect(contacts).toEqual({ first: 1, after: 3, written: 3 });
    const answered = await rows<{ email: string; channel: string }>(
      db,
      sql`select cu.email, m.channel from messages m join cases c on c.id = m.case_id
        join customers cu on cu.id = c.customer_id
        where c.channel = 'proactive' and m.author_type = 'customer' order by m.channel`,
    );
    // Maria in the portal; the other by e-mail, joined to the proactive case (the message keeps
    // the channel it came through).
    expect(answered).toEqual([
      { email: expect.not.stringContaining('maria'), channel: 'email' },
      { email: 'maria.jensen@northwind.example', channel: 'portal' },
    ]);
    // The portal customer's proactive cases are solved: a new contact of hers that names no
    // reference would join an open one (the browser tests open cases for her).
    const [maria] = await rows<{ unsolved: number; solved: number }>(
      db,
      sql`select count(*) filter (where c.status not in ('solved', 'closed'))::int as unsolved,
          count(*) filter (where c.status = 'solved')::int as solved
        from cases c join customers cu on cu.id = c.customer_id
        where c.channel = 'proactive' and cu.email = 'maria.jensen@northwind.example'`,
    );
    expect(maria).toEqual({ unsolved: 0, solved: 1 });
  });

  it('dates each signal when Steward would have seen it: an absence when its wait ran out, else at its evidence', async () => {
    const found = await rows<{ detected: number; expected: number; ok: boolean }>(
      db,
      sql`select extract(epoch from s.detected_at)::float8 as detected,
          extract(epoch from coalesce(x.due_at,
            case when s.kind = 'match' then min(e.occurred_at) else max(e.occurred_at) end))::float8 as expected,
          s.detected_at <= now() and s.last_evidence_at >= s.detected_at and s.detected_at >= min(e.occurred_at)
            as ok
        from signals s
        join signal_evidence v on v.signal_id = s.id join events e on e.id = v.event_id
        left join rule_expectations x on x.signal_id = s.id and x.state = 'fired'
        group by s.id, s.kind, s.detected_at, s.last_evidence_at, x.due_at`,
    );
    expect(found.length).toBeGreaterThan(10);
    expect(found.filter((f) => !f.ok || f.detected !== f.expected)).toEqual([]);
    // The board's ages differ as their evidence does: the oldest signal was seen days ago.
    const days = found.map((f) => (Date.now() / 1000 - f.detected) / 86_400);
    expect(Math.max(...days)).toBeGreaterThan(1);
    expect(new Set(found.map((f) => f.detected)).size).toBeGreaterThan(found.length / 2);
  });

  it('dates the proactive cases’ clocks with them: the case’s next due time and the timeline agree with its clocks', async () => {
    const stale = await rows<{ number: number; next_due_at: string | null; expected: string | null }>(
      db,
      sql`select c.number, c.next_due_at::text, (select min(p.due_at) from case_promises p
          where p.case_id = c.id and p.met_at is null and p.state in ('active', 'breached'))::text as expected
        from cases c where c.channel = 'proactive'
          and c.next_due_at is distinct from (select min(p.due_at) from case_promises p
            where p.case_id = c.id and p.met_at is null and p.state in ('active', 'breached'))`,
    );
    expect(stale).toEqual([]);
    // Each clock's start on the timeline names the due time the clock has (the first cycle).
    const started = await rows<{ said: string | null; due: string | null }>(
      db,
      sql`select (e.data->>'dueAt') as said, to_char(p.due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as due
        from cases c join case_promises p on p.case_id = c.id and p.cycle = 1 and p.state in ('active', 'met')
        join domain_events e on e.entity_type = 'case' and e.entity_id = c.id and e.type = 'case.promise_started'
          and e.data->>'kind' = p.kind and (e.data->>'cycle')::int = 1
        where c.channel = 'proactive'`,
    );
    expect(started.length).toBeGreaterThan(10);
    expect(started.filter((x) => x.said !== x.due)).toEqual([]);
  });

  it('agrees with its rules: a dry run over the flow’s events finds exactly the signals it raised', async () => {
    const differ: { rule: string; dryRunOnly: string[]; raisedOnly: string[] }[] = [];
    for (const rule of await replayRules(db)) {
      const simulated = rule.signals.map((x) => `${x.ref ?? x.customerId}`);
      const raised = (
        await rows<{ customer_id: string; ref_value: string | null }>(
          db,
          sql`select customer_id, ref_value from signals where rule_id = ${rule.id}`,
        )
      ).map((x) => `${x.ref_value ?? x.customer_id}`);
      const dryRunOnly = simulated.filter((x) => !raised.includes(x)).sort();
      const raisedOnly = raised.filter((x) => !simulated.includes(x)).sort();
      if (dryRunOnly.length || raisedOnly.length) differ.push({ rule: rule.name, dryRunOnly, raisedOnly });
    }
    // The flow is replayed as watched: a late delivery arrives after its order's will-miss wait
    // ran out (sent at once, it would have ended the wait first, and the dry run found them).
    expect(differ).toEqual([]);
  });

  it('warned each late order’s customer a day ahead; the agent gave a new date, and solved the case once it was delivered', async () => {
    const late = await rows<{
      order_id: string;
      promised: Date;
      delivered: Date;
      state: string;
      resolved: Date | null;
      detected: Date;
      status: string;
      solved: Date | null;
      messages: { author: string; public: boolean; at: Date; body: string }[];
    }>(
      db,
      sql`select k.ref_value as order_id, k.due_at as promised, e.occurred_at as delivered, s.state,
          s.resolved_at as resolved, s.detected_at as detected, c.status, c.solved_at as solved,
          (select json_agg(json_build_object('author', m.author_type, 'public', m.public,
              'at', m.created_at, 'body', m.body) order by m.created_at, m.id)
            from messages m where m.case_id = c.id) as messages
        from commitments k
        join events e on e.id = k.closed_by_event_id
        join signals s on s.ref_value = k.ref_value
        join signal_rules r on r.id = s.rule_id and r.name in (${DEMO_RULES.willMiss}, ${DEMO_RULES.enterpriseWillMiss})
        join cases c on c.id = s.case_id
        where k.key = 'on_time_delivery' and k.state = 'late' order by k.ref_value`,
    );
    expect(late).toHaveLength(DEMO_ORDER_MIX.late);
    for (const o of late) {
      const at = (d: Date | string | null) => new Date(d!).getTime();
      // Raised a day before the promised date; resolved by the delivery, when it came.
      expect(at(o.detected)).toBe(at(o.promised) - 24 * 3_600_000);
      expect(o.state).toBe('resolved');
      expect(at(o.resolved)).toBe(at(o.delivered));
      const told = o.messages.filter((m) => m.public && m.author === 'agent');
      // The rule's message, the agent's new date, the agent's closing word.
      expect(told.map((m) => m.body.slice(0, 12))).toEqual([
        expect.stringMatching(/^Hello /),
        expect.stringMatching(/^Hello /),
        expect.stringMatching(new RegExp(`^${o.order_id}`)),
      ]);
      // With the case's opening (within its minute).
      expect(Math.abs(at(told[0]!.at) - at(o.detected))).toBeLessThan(60_000);
      expect(at(told[1]!.at)).toBeLessThan(at(o.promised));
      const note = o.messages.find((m) => m.author === 'system' && m.body.startsWith('Resolved by itself'));
      expect(at(note?.at ?? null)).toBe(at(o.delivered));
      expect(o.status).toBe('solved');
      expect(at(o.solved)).toBeGreaterThan(at(o.delivered));
      expect(at(told[2]!.at)).toBe(at(o.solved));
    }
  });

  it('leaves three waits that come due minutes after seeding', async () => {
    const soon = await rows<{ minutes: number }>(
      db,
      sql`select extract(epoch from due_at - now()) / 60 as minutes from rule_expectations
        where state = 'waiting' and due_at < now() + interval '30 minutes' order by due_at`,
    );
    expect(soon).toHaveLength(DEMO_ORDER_MIX.upcoming);
    for (const s of soon) expect(Number(s.minutes)).toBeGreaterThan(2);
  });

  it('seeds once: a second run adds nothing', async () => {
    const census = () =>
      rows(
        db,
        sql`select (select count(*)::int from events) as events, (select count(*)::int from signals) as signals,
          (select count(*)::int from cases) as cases, (select count(*)::int from messages) as messages,
          (select count(*)::int from commitments) as commitments, (select count(*)::int from signal_rules) as rules,
          (select count(*)::int from event_sources) as sources, (select count(*)::int from rule_expectations) as waits`,
      );
    const before = await census();
    expect(await seedDemo(db)).toMatchObject({ created: false, signals: summary.signals });
    expect(await seedDemoSignals(db)).toEqual({ signals: summary.signals });
    expect(await census()).toEqual(before);
  });
});
