// The signal engine end to end: events through POST /api/v1/events, rules and commitments acting
// on them in the ingest transaction, the timer and action jobs run as the scheduler runs them.
// Each test uses its own event types, so the rules of one test do not see another's events.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rows } from '../../../db/client.js';
import type { TestApp } from '../../../../test/helpers/app.js';
import {
  eventOf as ev,
  sendEvents,
  startEventsApp,
  typesFor,
  customerWithCommitments,
  deliveryCommitment,
  invoiceRightCommitment,
  storeAlongside,
  type EventsApp,
} from '../../../../test/helpers/event-ingest.js';
import { usingPostgres } from '../../../../test/helpers/db.js';
import {
  makeAgreement,
  makeCalendar,
  makeCustomer,
  minutesAgo,
  unique,
} from '../../../../test/helpers/factories.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { updateSettings } from '../settings/settings.service.js';
import type { RuleDefinitionInput } from '../../../shared/schemas/rules.js';
import { RuleDefinition } from '../../../shared/schemas/rules.js';
import { closeDueCommitments } from '../commitments/commitments.engine.js';
import { runSignalActions } from './actions.js';
import { V7Generator } from 'uuidv7';
import { fireDueExpectations, pruneEndedWaits } from './expectations.js';
import { uuidv7Floor } from '../../../db/columns.js';

let app: EventsApp;
let t: TestApp;
let agent: string;
beforeAll(async () => {
  app = await startEventsApp();
  ({ t, agent } = app);
});
afterAll(() => t?.close());

/** A rule stored as the rules API stores it (definition, version 1, its version row). */
async function makeRule(input: RuleDefinitionInput) {
  const definition = RuleDefinition.parse(input);
  const [rule] = await rows<{ id: string }>(
    t.db,
    sql`insert into signal_rules (id, name, kind, severity, enabled, definition)
      values (gen_random_uuid(), ${definition.name}, ${definition.kind}, ${definition.severity}, ${definition.enabled},
        ${JSON.stringify(definition)}::jsonb) returning id`,
  );
  await t.db.execute(
    sql`insert into signal_rule_versions (rule_id, version, definition) values (${rule!.id}, 1, ${JSON.stringify(definition)}::jsonb)`,
  );
  return rule!.id;
}

const send = (events: Record<string, unknown>[]) => sendEvents(app, events);

const signalsOf = (ruleId: string) =>
  rows<{
    id: string;
    state: string;
    evidence_count: number;
    customer_id: string | null;
    ref_value: string | null;
    case_id: string | null;
    due_at: Date | null;
    resolution: string | null;
    resolved_by_event: boolean;
  }>(t.db, sql`select * from signals where rule_id = ${ruleId} order by detected_at, id`);

describe('match rules', () => {
  it('open a signal, dedupe repeats into evidence, and run the actions in order', async () => {
    const type = typesFor()('exception');
    const customer = await makeCustomer(t.db, { externalId: `C-${unique()}` });
    const ruleId = await makeRule({
      kind: 'match',
      name: 'Damaged or lost',
      severity: 'high',
      when: { type, where: [{ field: 'data.reason', op: 'in', value: ['damaged', 'lost'] }] },
      actions: [
        {
          kind: 'open_case',
          category: 'damaged_product',
          priority: 'high',
          subject: 'Shipment {{refs.shipmentId}} for {{customer.name}} is {{data.reason}}',
          note: 'Reported by the carrier at {{event.occurredAt}}',
        },
        {
          kind: 'notify_customer',
          message: 'Dear {{customer.name}}, your parcel {{refs.shipmentId}} was {{data.reason}}.',
        },
      ],
    });
    const refs = { orderId: 'SO-9', shipmentId: `SH-${unique()}` };
    const answer = await send([
      ev(type, { customer: { externalId: customer.externalId }, refs, data: { reason: 'damaged' } }),
      ev(type, { customer: { externalId: customer.externalId }, refs, data: { reason: 'delayed' } }),
    ]);
    expect(answer.signalsOpened).toBe(1);

    // A second report about the same shipment adds evidence, not a signal.
    const again = await send([
      ev(type, { customer: { externalId: customer.externalId }, refs, data: { reason: 'lost' } }),
    ]);
    expect(again.signalsOpened).toBe(0);
    let [signal] = await signalsOf(ruleId);
    expect(signal).toMatchObject({
      state: 'open',
      evidence_count: 2,
      customer_id: customer.id,
      case_id: null,
    });

    expect(await runSignalActions(t.db)).toBe(2);
    [signal] = await signalsOf(ruleId);
    expect(signal!.state).toBe('acted');
    const c = await t.get(`/api/v1/cases/${signal!.case_id}`, agent);
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({
      channel: 'proactive',
      category: 'damaged_product',
      priority: 'high',
      subject: `Shipment ${refs.shipmentId} for ${customer.name} is damaged`,
    });
    const messages = await t.get(`/api/v1/cases/${signal!.case_id}/messages`, agent);
    const bodies = (messages.body.items ?? messages.body).map((m: any) => [m.public, m.body]);
    expect(bodies).toContainEqual([false, expect.stringMatching(/^Reported by the carrier at \d{4}-/)]);
    expect(bodies).toContainEqual([
      true,
      `Dear ${customer.name}, your parcel ${refs.shipmentId} was damaged.`,
    ]);
    const [caseRow] = await rows<{ refs: Record<string, string> }>(
      t.db,
      sql`select refs from cases where id = ${signal!.case_id}`,
    );
    expect(caseRow!.refs).toEqual(refs);
    // Nothing left to run.
    expect(await runSignalActions(t.db)).toBe(0);
  });

  it('respect the scope and disabled rules', async () => {
    const type = typesFor()('usage_dropped');
    const scoped = await makeRule({
      kind: 'match',
      name: 'Enterprise only',
      when: { type },
      scope: { segments: ['nowhere'] },
    });
    const off = await makeRule({ kind: 'match', name: 'Off', enabled: false, when: { type } });
    const on = await makeRule({ kind: 'match', name: 'On', when: { type }, dedupe: { enabled: false } });
    await send([ev(type, { customer: { email: `u-${unique()}@example.com` } }), ev(type)]);
    expect(await signalsOf(scoped)).toHaveLength(0);
    expect(await signalsOf(off)).toHaveLength(0);
    // dedupe disabled: every event is its own signal.
    expect(await signalsOf(on)).toHaveLength(2);
  });

  it('an action that cannot work fails with its reason, and the signal stays open for a person', async () => {
    const type = typesFor()('noted');
    const ruleId = await makeRule({
      kind: 'match',
      name: 'No customer to open for',
      when: { type },
      actions: [{ kind: 'open_case', subject: 'x' }],
    });
    await send([ev(type)]);
    await runSignalActions(t.db);
    const [signal] = await signalsOf(ruleId);
    expect(signal!.state).toBe('open');
    const [action] = await rows<{ state: string; error: string }>(
      t.db,
      sql`select state, error from signal_actions where signal_id = ${signal!.id}`,
    );
    expect(action).toEqual({ state: 'failed', error: 'the signal names no customer to open a case for' });
  });
});

describe('threshold rules', () => {
  it('fire when the count is reached inside the window, per customer', async () => {
    const type = typesFor()('complaint');
    const ruleId = await makeRule({
      kind: 'threshold',
      name: '3 in 30 days',
      when: { type },
      count: 3,
      window: 'P30D',
    });
    const a = await makeCustomer(t.db, { externalId: `C-${unique()}` });
    const b = await makeCustomer(t.db, { externalId: `C-${unique()}` });
    const of = (c: typeof a, daysAgo: number) =>
      ev(type, { customer: { externalId: c.externalId }, occurredAt: minutesAgo(daysAgo * 1440) });
    // a: one 40 days ago (outside), two recent -> 2 in the window: nothing yet.
    expect((await send([of(a, 40), of(a, 10), of(a, 2), of(b, 1), of(b, 1)])).signalsOpened).toBe(0);
    expect(await signalsOf(ruleId)).toHaveLength(0);
    // The third recent complaint of a: fires, with the three in the window as evidence.
    expect((await send([of(a, 0)])).signalsOpened).toBe(1);
    const [signal] = await signalsOf(ruleId);
    expect(signal).toMatchObject({ customer_id: a.id, evidence_count: 3 });
    // A fourth adds evidence to the live signal.
    expect((await send([of(a, 0)])).signalsOpened).toBe(0);
    expect((await signalsOf(ruleId))[0]!.evidence_count).toBe(4);
  });

  it('a call carrying history fires on a burst inside it, although the window of its latest event holds less', async () => {
    const type = typesFor()('complaint');
    const ruleId = await makeRule({
      kind: 'threshold',
      name: '3 in 7 days',
      when: { type },
      count: 3,
      window: 'P7D',
    });
    const c = await makeCustomer(t.db, { externalId: `C-${unique()}` });
    const of = (daysAgo: number) =>
      ev(type, { customer: { externalId: c.externalId }, occurredAt: minutesAgo(daysAgo * 1440) });
    // A backfill: three complaints within three days, seven weeks ago, and one yesterday.
    const burst = [of(50), of(49), of(48)];
    expect((await send([...burst, of(1)])).signalsOpened).toBe(1);
    const [signal] = await signalsOf(ruleId);
    expect(signal).toMatchObject({ customer_id: c.id, evidence_count: 3 });
    const evidence = await rows<{ event_id: string }>(
      t.db,
      sql`select e.event_id from signal_evidence v join events e on e.id = v.event_id where v.signal_id = ${signal!.id}
        order by e.occurred_at`,
    );
    expect(evidence.map((e) => e.event_id)).toEqual(burst.map((b) => b.id));
  });
});

describe('absence rules', () => {
  it('fire when the expected event does not come in time, and resolve when it arrives late', async () => {
    const at = typesFor();
    const ruleId = await makeRule({
      kind: 'absence',
      name: 'No scan',
      after: { type: at('dispatched') },
      expect: { type: at('scanned') },
      sameRef: 'shipmentId',
      within: 'PT5S',
      actions: [{ kind: 'open_case', subject: 'Shipment {{refs.shipmentId}} has not moved' }],
    });
    const customer = await makeCustomer(t.db, { externalId: `C-${unique()}` });
    const who = { customer: { externalId: customer.externalId } };
    const [late, onTime, pending] = ['L', 'T', 'P'].map((x) => `SH-${x}-${unique()}`) as [
      string,
      string,
      string,
    ];
    await send([
      // Dispatched 10 s ago: due 5 s ago.
      ev(at('dispatched'), {
        ...who,
        refs: { shipmentId: late },
        occurredAt: new Date(Date.now() - 10_000).toISOString(),
      }),
      ev(at('dispatched'), {
        ...who,
        refs: { shipmentId: onTime },
        occurredAt: new Date(Date.now() - 10_000).toISOString(),
      }),
      ev(at('scanned'), {
        ...who,
        refs: { shipmentId: onTime },
        occurredAt: new Date(Date.now() - 8_000).toISOString(),
      }),
      // Dispatched now: not due for 5 s.
      ev(at('dispatched'), { ...who, refs: { shipmentId: pending }, occurredAt: new Date().toISOString() }),
    ]);
    const waits = await rows<{ ref_value: string; state: string }>(
      t.db,
      sql`select ref_value, state from rule_expectations where rule_id = ${ruleId} order by ref_value`,
    );
    expect(waits.map((w) => [w.ref_value, w.state]).sort()).toEqual([
      [late, 'waiting'],
      [pending, 'waiting'],
    ]);

    expect(await fireDueExpectations(t.db)).toBe(1);
    expect(await fireDueExpectations(t.db)).toBe(0);
    let signals = await signalsOf(ruleId);
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({ ref_value: late, state: 'open', customer_id: customer.id });
    await runSignalActions(t.db);

    // The scan arrives after all: the signal resolves itself.
    await send([
      ev(at('scanned'), { ...who, refs: { shipmentId: late }, occurredAt: new Date().toISOString() }),
    ]);
    signals = await signalsOf(ruleId);
    expect(signals[0]).toMatchObject({
      state: 'resolved',
      evidence_count: 2,
      due_at: null,
      resolved_by_event: true,
    });
    expect(signals[0]!.resolution).toContain('awaited event arrived');
    // The proactive case stays open, with a note that the risk resolved itself.
    const notes = await rows<{ body: string; public: boolean; v7: boolean }>(
      t.db,
      sql`select body, public, substr(id::text, 15, 1) = '7' as v7 from messages
        where case_id = ${signals[0]!.case_id} and author_type = 'system'`,
    );
    // Its id is a UUIDv7 like every other message's (time-ordered).
    expect(notes).toEqual([
      { body: `Resolved by itself: the awaited event arrived (${at('scanned')})`, public: false, v7: true },
    ]);
  });

  it('fire before a deadline in the data (a promise at risk) and ignore starts already met', async () => {
    const at = typesFor();
    const ruleId = await makeRule({
      kind: 'absence',
      name: 'Will miss the promised date',
      after: { type: at('promised') },
      expect: { type: at('delivered') },
      sameRef: 'orderId',
      by: 'data.promisedAt',
      lead: 'PT24H',
    });
    const promisedAt = new Date(Date.now() + 3600_000).toISOString(); // in 1 h: the 24 h lead has begun
    const order = `SO-${unique()}`;
    const delivered = `SO-${unique()}`;
    // Out of order: the delivery of `delivered` was received before its promise.
    await send([ev(at('delivered'), { refs: { orderId: delivered } })]);
    await send([
      ev(at('promised'), { refs: { orderId: order }, data: { promisedAt } }),
      ev(at('promised'), { refs: { orderId: delivered }, data: { promisedAt }, occurredAt: minutesAgo(10) }),
      ev(at('promised'), { refs: { orderId: `SO-${unique()}` }, data: { promisedAt: 'soon' } }),
    ]);
    expect(await fireDueExpectations(t.db)).toBe(1);
    const [signal] = await signalsOf(ruleId);
    expect(signal!.ref_value).toBe(order);
    // A re-promise moves a running wait: promised far ahead, nothing is due any more.
    const moved = `SO-${unique()}`;
    await send([
      ev(at('promised'), { refs: { orderId: moved }, data: { promisedAt }, occurredAt: minutesAgo(5) }),
    ]);
    await send([
      ev(at('promised'), {
        refs: { orderId: moved },
        data: { promisedAt: new Date(Date.now() + 5 * 86_400_000).toISOString() },
      }),
    ]);
    expect(await fireDueExpectations(t.db)).toBe(0);
    const [wait] = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from rule_expectations where rule_id = ${ruleId} and ref_value = ${moved} and state = 'waiting'`,
    );
    expect(wait!.n).toBe(1);
    expect(new Date(signal!.due_at!).toISOString()).toBe(promisedAt);
  });

  it('a date-only deadline ends where the customer is: their zone, else their agreement calendar’s, else the company’s', async () => {
    const at = typesFor();
    const ruleId = await makeRule({
      kind: 'absence',
      name: 'Will miss the promised day',
      after: { type: at('promised') },
      expect: { type: at('delivered') },
      sameRef: 'orderId',
      by: 'data.promisedAt',
      lead: 'PT24H',
    });
    const own = await makeCustomer(t.db, { externalId: `C-${unique()}`, timeZone: 'America/New_York' });
    const underPsa = await makeCustomer(t.db, { externalId: `C-${unique()}` });
    await makeAgreement(t.db, {
      calendarId: (await makeCalendar(t.db, undefined, 'Europe/Berlin')).id,
      scope: { customerId: underPsa.id },
    });
    const neither = await makeCustomer(t.db, { externalId: `C-${unique()}` });
    await updateSettings(t.db, SYSTEM_ACTOR, { timeZone: 'Asia/Tokyo' });
    try {
      const orders = [own, underPsa, neither].map(() => `SO-${unique()}`);
      await send(
        [own, underPsa, neither].map((c, i) =>
          ev(at('promised'), {
            customer: { externalId: c.externalId },
            refs: { orderId: orders[i] },
            data: { promisedAt: '2036-03-05' },
          }),
        ),
      );
      const waits = await rows<{ ref_value: string; promise_due_at: Date }>(
        t.db,
        sql`select ref_value, promise_due_at from rule_expectations where rule_id = ${ruleId}`,
      );
      const dueOf = new Map(waits.map((w) => [w.ref_value, new Date(w.promise_due_at).toISOString()]));
      // The end of 5 March 2036 in New York, Berlin and Tokyo.
      expect(orders.map((o) => dueOf.get(o))).toEqual([
        '2036-03-06T05:00:00.000Z',
        '2036-03-05T23:00:00.000Z',
        '2036-03-05T15:00:00.000Z',
      ]);
    } finally {
      await updateSettings(t.db, SYSTEM_ACTOR, { timeZone: null });
    }
  });
});

describe('commitments', () => {
  it('open on the promise, close on the delivery: met, late, overdue, re-promised', async () => {
    const at = typesFor();
    const { customer, who } = await customerWithCommitments(t.db, [deliveryCommitment(at)]);
    const soon = new Date(Date.now() + 86_400_000).toISOString();
    const past = new Date(Date.now() - 3_600_000).toISOString();
    const [met, late, overdue, sameCall] = ['M', 'L', 'O', 'S'].map((x) => `SO-${x}-${unique()}`) as [
      string,
      string,
      string,
      string,
    ];
    await send([
      ev(at('promised'), { ...who, refs: { orderId: met }, data: { promisedAt: soon } }),
      ev(at('promised'), {
        ...who,
        refs: { orderId: late },
        data: { promisedAt: past },
        occurredAt: minutesAgo(120),
      }),
      ev(at('promised'), {
        ...who,
        refs: { orderId: overdue },
        data: { promisedAt: past },
        occurredAt: minutesAgo(120),
      }),
    ]);
    // Re-promised later: the due time moves.
    const later = new Date(Date.now() + 2 * 86_400_000).toISOString();
    await send([ev(at('promised'), { ...who, refs: { orderId: met }, data: { promisedAt: later } })]);
    expect(await closeDueCommitments(t.db)).toBe(2);
    await send([
      ev(at('delivered'), { ...who, refs: { orderId: met } }),
      // The carrier does not know the customer: the ref alone closes it.
      ev(at('delivered'), { refs: { orderId: late } }),
      // Promised and delivered in one call.
      ev(at('promised'), {
        ...who,
        refs: { orderId: sameCall },
        data: { promisedAt: soon },
        occurredAt: minutesAgo(30),
      }),
      ev(at('delivered'), { ...who, refs: { orderId: sameCall }, occurredAt: minutesAgo(1) }),
    ]);
    const found = await rows<{ ref_value: string; state: string; repromised: number; due_at: Date }>(
      t.db,
      sql`select ref_value, state, repromised, due_at from commitments where customer_id = ${customer.id}`,
    );
    const by = new Map(found.map((f) => [f.ref_value, f]));
    expect(by.get(met)).toMatchObject({ state: 'met', repromised: 1 });
    expect(new Date(by.get(met)!.due_at).toISOString()).toBe(later);
    expect(by.get(late)!.state).toBe('late');
    expect(by.get(overdue)!.state).toBe('overdue');
    expect(by.get(sameCall)!.state).toBe('met');
  });
});

describe.runIf(usingPostgres())('on PostgreSQL with several nodes', () => {
  it('fires each due wait exactly once while four nodes race', async () => {
    const at = typesFor();
    const ruleId = await makeRule({
      kind: 'absence',
      name: 'Race',
      after: { type: at('dispatched') },
      expect: { type: at('scanned') },
      sameRef: 'shipmentId',
      within: 'PT1S',
      actions: [{ kind: 'notify_team', teamId: '00000000-0000-0000-0000-000000000000', message: 'x' }],
    });
    const old = new Date(Date.now() - 60_000).toISOString();
    await send(
      Array.from({ length: 300 }, (_, i) =>
        ev(at('dispatched'), { refs: { shipmentId: `R-${i}` }, occurredAt: old }),
      ),
    );
    // Four pools on the same database, each running the timer job until nothing is due.
    const url = (t.handle as { url?: string }).url!;
    const handles = await Promise.all(
      [1, 2, 3, 4].map(() => openDatabase({ kind: 'postgres', url, poolSize: 2 })),
    );
    try {
      const fired = await Promise.all(
        handles.map(async (h) => {
          let n = 0;
          for (let k; (k = await fireDueExpectations(h.db, 50)) > 0;) n += k;
          return n;
        }),
      );
      const states = await rows(
        t.db,
        sql`select state, count(*)::int from rule_expectations where rule_id = ${ruleId} group by 1`,
      );
      expect(states).toEqual([{ state: 'fired', count: 300 }]);
      expect(fired.reduce((a, b) => a + b, 0)).toBe(300);
      const ran = await Promise.all(
        handles.map(async (h) => {
          let n = 0;
          for (let k; (k = await runSignalActions(h.db)) > 0;) n += k;
          return n;
        }),
      );
      expect(ran.reduce((a, b) => a + b, 0)).toBe(300);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
    const signals = await signalsOf(ruleId);
    expect(signals).toHaveLength(300);
    expect(new Set(signals.map((s) => s.ref_value)).size).toBe(300);
    const [actions] = await rows<{ n: number; failed: number }>(
      t.db,
      sql`select count(*)::int as n, count(*) filter (where a.state = 'failed')::int as failed
        from signal_actions a join signals s on s.id = a.signal_id where s.rule_id = ${ruleId}`,
    );
    expect(actions).toEqual({ n: 300, failed: 300 });
  });
});

describe('housekeeping', () => {
  it('prunes threshold hits older than their window, keeps the rest', async () => {
    const type = typesFor()('complaint');
    const ruleId = await makeRule({
      kind: 'threshold',
      name: 'Two a day',
      when: { type },
      count: 2,
      window: 'P1D',
    });
    const customer = await makeCustomer(t.db, { externalId: `C-${unique()}` });
    const of = (minutes: number) =>
      ev(type, { customer: { externalId: customer.externalId }, occurredAt: minutesAgo(minutes) });
    await send([of(4 * 1440), of(3 * 1440), of(60)]);
    const { pruneRuleHits } = await import('./expectations.js');
    expect(await pruneRuleHits(t.db)).toBeGreaterThanOrEqual(2);
    const left = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from rule_hits where rule_id = ${ruleId}`,
    );
    expect(left[0]!.n).toBe(1);
  });
});

describe('a signal’s title', () => {
  it('names its ref in words as stored: what mails, notes and webhooks carry', async () => {
    const at = typesFor();
    const customer = await makeCustomer(t.db, { externalId: `C-${unique()}` });
    const name = `Carrier stuck ${unique()}`;
    const ruleId = await makeRule({
      kind: 'match',
      name,
      when: { type: at('stuck') },
      dedupe: { ref: 'shipmentId' },
      actions: [
        { kind: 'open_case', subject: 'Shipment {{refs.shipmentId}} is stuck' },
        { kind: 'escalate', priority: 'high' },
      ],
    });
    const shipment = `SH-${unique()}`;
    await send([
      ev(at('stuck'), { customer: { externalId: customer.externalId }, refs: { shipmentId: shipment } }),
    ]);
    await runSignalActions(t.db);
    const [s] = await signalsOf(ruleId);
    const signal = (await t.get(`/api/v1/signals/${s!.id}`, agent)).body;
    expect([signal.title, signal.refKey]).toEqual([`${name} · Shipment ${shipment}`, 'shipmentId']);
    const notes = await rows<{ body: string }>(
      t.db,
      sql`select body from messages where case_id = ${s!.case_id} and not public order by created_at`,
    );
    expect(notes.map((n) => n.body)).toContain(`Escalated: ${name} · Shipment ${shipment}`);
  });
});

describe('proactive cases shared by signals about one order', () => {
  it('a second signal with any ref in common joins the first one’s case, whichever acts first', async () => {
    const at = typesFor();
    const customer = await makeCustomer(t.db, { externalId: `C-${unique()}` });
    const byOrder = await makeRule({
      kind: 'match',
      name: 'Order late',
      when: { type: at('order_late') },
      dedupe: { ref: 'orderId' },
      actions: [{ kind: 'open_case', subject: 'Order {{refs.orderId}} is late' }],
    });
    const byShipment = await makeRule({
      kind: 'match',
      name: 'Shipment stuck',
      when: { type: at('shipment_stuck') },
      dedupe: { ref: 'shipmentId' },
      actions: [{ kind: 'open_case', subject: 'Shipment {{refs.shipmentId}} is stuck' }],
    });
    const order = `SO-${unique()}`;
    const shipment = `SH-${unique()}`;
    const who = { customer: { externalId: customer.externalId } };
    // The order signal names only the order; the shipment signal names both.
    await send([ev(at('order_late'), { ...who, refs: { orderId: order } })]);
    await runSignalActions(t.db);
    await send([ev(at('shipment_stuck'), { ...who, refs: { orderId: order, shipmentId: shipment } })]);
    await runSignalActions(t.db);
    const [a] = await signalsOf(byOrder);
    const [b] = await signalsOf(byShipment);
    expect(a!.case_id).not.toBeNull();
    expect(b!.case_id).toBe(a!.case_id);
    const [c] = await rows<{ refs: Record<string, string> }>(
      t.db,
      sql`select refs from cases where id = ${a!.case_id}`,
    );
    expect(c!.refs).toEqual({ orderId: order, shipmentId: shipment });
  });
});

describe('a wait whose expected event came in a transaction alongside', () => {
  it('is fulfilled when it falls due, not fired', async () => {
    const at = typesFor();
    const ruleId = await makeRule({
      kind: 'absence',
      name: 'No scan (race)',
      after: { type: at('dispatched') },
      expect: { type: at('scanned') },
      sameRef: 'shipmentId',
      within: 'PT5S',
    });
    const shipment = `SH-${unique()}`;
    await send([
      ev(at('dispatched'), {
        refs: { shipmentId: shipment },
        occurredAt: new Date(Date.now() - 10_000).toISOString(),
      }),
    ]);
    // The scan as a concurrent ingest would have stored it: it could not see the wait to end it.
    await storeAlongside(app, {
      type: at('scanned'),
      refs: { shipmentId: shipment },
      occurredAt: new Date(Date.now() - 8_000).toISOString(),
    });
    // At least this wait was due (another test's wait, "dispatched now, due in 5 s", may have
    // fallen due meanwhile on a slow run: the outcome below is this rule's own).
    expect(await fireDueExpectations(t.db)).toBeGreaterThanOrEqual(1);
    expect(await signalsOf(ruleId)).toHaveLength(0);
    const [wait] = await rows<{ state: string }>(
      t.db,
      sql`select state from rule_expectations where rule_id = ${ruleId}`,
    );
    expect(wait!.state).toBe('fulfilled');
  });
});

describe('ended waits', () => {
  it('are deleted a week after they began; live ones and fired ones still unanswered stay', async () => {
    const at = typesFor();
    const ruleId = await makeRule({
      kind: 'absence',
      name: 'No scan (prune)',
      after: { type: at('dispatched') },
      expect: { type: at('scanned') },
      sameRef: 'shipmentId',
      within: 'PT1H',
    });
    const [live, answered, fired, firedAnswered] = ['L', 'A', 'F', 'FA'].map(
      (x) => `SH-${x}-${unique()}`,
    ) as [string, string, string, string];
    const dispatched = (shipmentId: string, minutes: number) =>
      ev(at('dispatched'), { refs: { shipmentId }, occurredAt: minutesAgo(minutes) });
    await send([
      dispatched(live, 5),
      dispatched(answered, 5),
      dispatched(fired, 90),
      dispatched(firedAnswered, 90),
    ]);
    await send([ev(at('scanned'), { refs: { shipmentId: answered }, occurredAt: minutesAgo(1) })]);
    expect(await fireDueExpectations(t.db)).toBeGreaterThanOrEqual(2);
    await send([ev(at('scanned'), { refs: { shipmentId: firedAnswered }, occurredAt: minutesAgo(1) })]);
    const waits = async () =>
      Object.fromEntries(
        (
          await rows<{ ref_value: string; state: string; closed: boolean }>(
            t.db,
            sql`select ref_value, state, closed_at is not null as closed from rule_expectations where rule_id = ${ruleId}`,
          )
        ).map((w) => [w.ref_value, `${w.state}${w.closed ? ', closed' : ''}`]),
      );
    const before = {
      [live]: 'waiting',
      [answered]: 'fulfilled, closed',
      [fired]: 'fired',
      [firedAnswered]: 'fired, closed',
    };
    expect(await waits()).toEqual(before);
    // Within the week nothing goes; eight days on, the two that ended do.
    await pruneEndedWaits(t.db);
    expect(await waits()).toEqual(before);
    expect(await pruneEndedWaits(t.db, 5_000, new Date(Date.now() + 8 * 86_400_000))).toBeGreaterThanOrEqual(
      2,
    );
    expect(await waits()).toEqual({ [live]: 'waiting', [fired]: 'fired' });
  });

  it('are found by their ids: UUIDv7 ids made before a moment sort below its floor', () => {
    const at = Date.parse('2026-11-23T10:00:00.000Z');
    expect(uuidv7Floor(new Date(at))).toBe('01a207d9-2100-7000-8000-000000000000');
    const made = (ms: number) => new V7Generator().generateOrResetCore(ms, 10_000).toString();
    expect(made(at - 1) < uuidv7Floor(new Date(at))).toBe(true);
    expect(made(at) >= uuidv7Floor(new Date(at))).toBe(true);
  });
});

describe('avoid commitments', () => {
  it('met when the due time passes unbroken; broken by a dispute from before the due time that came late', async () => {
    const at = typesFor();
    const { customer, who } = await customerWithCommitments(t.db, [invoiceRightCommitment(at)]);
    const [kept, disputed] = ['K', 'D'].map((x) => `INV-${x}-${unique()}`) as [string, string];
    await send([
      ev(at('issued'), { ...who, refs: { invoiceId: kept }, occurredAt: minutesAgo(120) }),
      ev(at('issued'), { ...who, refs: { invoiceId: disputed }, occurredAt: minutesAgo(120) }),
    ]);
    expect(await closeDueCommitments(t.db)).toBeGreaterThanOrEqual(2);
    // Disputed 30 minutes after issue (inside the hour), received only now.
    await send([ev(at('disputed'), { ...who, refs: { invoiceId: disputed }, occurredAt: minutesAgo(90) })]);
    const found = await rows<{ ref_value: string; state: string }>(
      t.db,
      sql`select ref_value, state from commitments where customer_id = ${customer.id} order by ref_value`,
    );
    expect(Object.fromEntries(found.map((f) => [f.ref_value, f.state]))).toEqual({
      [kept]: 'met',
      [disputed]: 'broken',
    });
  });
});
