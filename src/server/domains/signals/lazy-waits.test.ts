// `within` absence rules keep their waits as their starting events (lazy-waits.ts): no row when
// a wait starts, the timer judging the starts that fell due behind a mark. The rules here are
// made through the API (which sets the mark); the mark is then set back an hour, so events
// back-dated by minutes are past it and fall due without the test waiting.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rows } from '../../../db/client.js';
import type { TestApp } from '../../../../test/helpers/app.js';
import {
  eventOf as ev,
  sendEvents,
  startEventsApp,
  typesFor,
  type EventsApp,
} from '../../../../test/helpers/event-ingest.js';
import { usingPostgres } from '../../../../test/helpers/db.js';
import { makeCustomer, unique } from '../../../../test/helpers/factories.js';
import type { RuleDefinitionInput } from '../../../shared/schemas/rules.js';
import { fireDueExpectations } from './expectations.js';
import { fireDueStarts, lockMarksForStarts } from './lazy-waits.js';

let app: EventsApp;
let t: TestApp;
beforeAll(async () => {
  app = await startEventsApp();
  ({ t } = app);
});
afterAll(() => t?.close());

const send = (events: Record<string, unknown>[]) => sendEvents(app, events);
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

async function makeRule(input: RuleDefinitionInput): Promise<string> {
  const res = await t.post('/api/v1/rules', input, app.admin);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

/** The rule's mark as if it had been live (and lazy) for an hour. */
const backdateMark = (ruleId: string) =>
  t.db.execute(sql`update rule_watermarks set since = now() - interval '1 hour',
    until_at = now() - interval '1 hour' where rule_id = ${ruleId}`);

const waitsOf = (ruleId: string) =>
  rows<{ ref_value: string; state: string; signal_id: string | null; closed: boolean }>(
    t.db,
    sql`select ref_value, state, signal_id, closed_at is not null as closed from rule_expectations
      where rule_id = ${ruleId} order by ref_value, created_at`,
  );
const signalsOf = (ruleId: string) =>
  rows<{ ref_value: string; state: string; evidence: string[]; customer_id: string | null }>(
    t.db,
    sql`select s.ref_value, s.state, s.customer_id,
      (select array_agg(e.event_id order by e.event_id) from signal_evidence v join events e on e.id = v.event_id
        where v.signal_id = s.id) as evidence
      from signals s where s.rule_id = ${ruleId} order by s.ref_value`,
  );

async function noScanRule(within = 'PT5M') {
  const at = typesFor();
  const ruleId = await makeRule({
    kind: 'absence',
    name: `No scan ${unique()}`,
    after: { type: at('dispatched'), where: [{ field: 'data.tracked', op: 'neq', value: false }] },
    expect: { type: at('scanned') },
    sameRef: 'shipmentId',
    within,
  });
  await backdateMark(ruleId);
  return { at, ruleId };
}

describe('within rules keep their waits lazily', () => {
  it('write no row at the start; the timer fires the unmet waits when due, once, and the late arrival resolves', async () => {
    const { at, ruleId } = await noScanRule();
    const customer = await makeCustomer(t.db, { externalId: `C-${unique()}` });
    const who = { customer: { externalId: customer.externalId } };
    const ship = (x: string) => ({ shipmentId: `${x}-${ruleId.slice(0, 8)}` });
    const sent = (id: string, type: string, x: string, minutes: number, data = {}) =>
      ev(at(type), { id, ...who, refs: ship(x), occurredAt: ago(minutes), data });
    await send([
      sent('a-d', 'dispatched', 'A', 10), // due 5 min ago, never scanned: fires
      sent('b-d', 'dispatched', 'B', 10),
      sent('b-s', 'scanned', 'B', 8), // met in the same batch
      sent('c-d', 'dispatched', 'C', 10), // met by a scan in a later batch
      sent('d-d1', 'dispatched', 'D', 10), // moved by the second dispatch before it was due ...
      sent('d-d2', 'dispatched', 'D', 7), // ... which fires, due 2 min ago
      sent('e-d', 'dispatched', 'E', 0), // not due for 5 minutes
      sent('f-d', 'dispatched', 'F', 10, { tracked: false }), // not a start for this rule
      sent('g-d', 'dispatched', 'G', 120), // behind the mark (a late sender): a wait row as before
    ]);
    await send([sent('c-s', 'scanned', 'C', 9)]);
    // Only the late start has a row.
    expect((await waitsOf(ruleId)).map((w) => [w.ref_value.slice(0, 1), w.state])).toEqual([
      ['G', 'waiting'],
    ]);

    expect(await fireDueStarts(t.db)).toBe(6); // a, b, c, d1, d2 and f were due; e is not
    expect(await fireDueStarts(t.db)).toBe(0); // the mark moved: nothing judged twice
    expect(await fireDueExpectations(t.db)).toBe(1); // g, the row
    const signals = await signalsOf(ruleId);
    expect(signals.map((s) => [s.ref_value.slice(0, 1), s.state, s.evidence])).toEqual([
      ['A', 'open', ['a-d']],
      ['D', 'open', ['d-d2']],
      ['G', 'open', ['g-d']],
    ]);
    expect(signals[0]!.customer_id).toBe(customer.id);
    // A fired lazy wait has its row, so the scan arriving after all resolves the signal.
    const waits = await waitsOf(ruleId);
    expect(waits.map((w) => [w.ref_value.slice(0, 1), w.state, !!w.signal_id, w.closed])).toEqual([
      ['A', 'fired', true, false],
      ['D', 'fired', true, false],
      ['G', 'fired', true, false],
    ]);
    await send([sent('a-s', 'scanned', 'A', 0)]);
    expect((await signalsOf(ruleId)).map((s) => s.state)).toEqual(['resolved', 'open', 'open']);
    expect((await waitsOf(ruleId))[0]).toMatchObject({ state: 'fired', closed: true });
  });

  it('a late start written as a row is cancelled when a later start, kept lazily, moved it', async () => {
    const { at, ruleId } = await noScanRule('PT3H');
    const refs = { shipmentId: `M-${unique()}` };
    // Dispatched 200 minutes ago (behind the mark, an hour ago: a row, due 20 minutes ago), and
    // again 30 minutes ago (past the mark: kept as an event, due in 150 minutes), before the
    // first was due: the first wait moved to the second.
    await send([ev(at('dispatched'), { refs, occurredAt: ago(200) })]);
    await send([ev(at('dispatched'), { refs, occurredAt: ago(30) })]);
    expect(await fireDueExpectations(t.db)).toBe(1);
    expect(await signalsOf(ruleId)).toEqual([]);
    expect((await waitsOf(ruleId)).map((w) => w.state)).toEqual(['cancelled']);
    expect(await fireDueStarts(t.db)).toBe(0); // the second is not due yet
  });

  it('the mark follows the rule: set when it becomes a live within rule, dropped when it stops being one', async () => {
    const at = typesFor();
    const definition = {
      kind: 'absence' as const,
      name: `Mark ${unique()}`,
      after: { type: at('dispatched') },
      expect: { type: at('scanned') },
      sameRef: 'shipmentId',
      within: 'PT1H',
    };
    const ruleId = await makeRule(definition);
    const mark = async () =>
      (
        await rows<{ fresh: boolean }>(
          t.db,
          sql`select w.since > now() - interval '1 minute'
              and w.until_at = w.since - (r.definition ->> 'within')::interval as fresh
            from rule_watermarks w join signal_rules r on r.id = w.rule_id where w.rule_id = ${ruleId}`,
        )
      )[0]?.fresh ?? null;
    expect(await mark()).toBe(true);
    await backdateMark(ruleId);
    // Edited into another within rule: the mark stays (pending waits are judged as it is then).
    expect(
      (
        await t.request('PUT', `/api/v1/rules/${ruleId}`, {
          body: { ...definition, within: 'PT2H' },
          token: app.admin,
        })
      ).status,
    ).toBe(200);
    expect(await mark()).toBe(false);
    expect((await t.patch(`/api/v1/rules/${ruleId}`, { enabled: false }, app.admin)).status).toBe(200);
    expect(await mark()).toBeNull();
    expect((await t.patch(`/api/v1/rules/${ruleId}`, { enabled: true }, app.admin)).status).toBe(200);
    expect(await mark()).toBe(true);
    const { within: _, ...byRule } = { ...definition, by: 'data.promisedAt' };
    expect(
      (await t.request('PUT', `/api/v1/rules/${ruleId}`, { body: byRule, token: app.admin })).status,
    ).toBe(200);
    expect(await mark()).toBeNull();
    expect(
      (await t.request('PUT', `/api/v1/rules/${ruleId}`, { body: definition, token: app.admin })).status,
    ).toBe(200);
    expect(await mark()).toBe(true);
    expect((await t.del(`/api/v1/rules/${ruleId}`, app.admin)).status).toBe(204);
    expect(await mark()).toBeNull();
  });
});

describe.runIf(usingPostgres())('within rules on PostgreSQL with several nodes', () => {
  const pools = () => {
    const url = (t.handle as { url?: string }).url!;
    return Promise.all([1, 2, 3, 4].map(() => openDatabase({ kind: 'postgres', url, poolSize: 2 })));
  };

  it('fire each due start exactly once while four nodes race', async () => {
    const { at, ruleId } = await noScanRule('PT1S');
    await send(
      Array.from({ length: 300 }, (_, i) =>
        ev(at('dispatched'), { refs: { shipmentId: `R-${i}` }, occurredAt: ago(1) }),
      ),
    );
    const handles = await pools();
    try {
      const judged = await Promise.all(
        handles.map(async (h) => {
          // A run that lost a race to another node returns 0 and rolls back: stop after three idle runs.
          let n = 0;
          for (let idle = 0; idle < 3;) {
            const k = await fireDueStarts(h.db, 50);
            n += k;
            idle = k > 0 ? 0 : idle + 1;
          }
          return n;
        }),
      );
      expect(judged.reduce((a, b) => a + b, 0)).toBe(300);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
    const signals = await signalsOf(ruleId);
    expect(signals).toHaveLength(300);
    expect(new Set(signals.map((s) => s.ref_value)).size).toBe(300);
    expect((await waitsOf(ruleId)).filter((w) => w.state === 'fired')).toHaveLength(300);
  });

  it('the timer checks its reads after an ingest in flight committed, and judges again', async () => {
    const { at, ruleId } = await noScanRule();
    const refs = { shipmentId: `W-${unique()}` };
    await send([ev(at('dispatched'), { refs, occurredAt: ago(10) })]);
    const [ingest, timer, ...rest] = await pools();
    await Promise.all(rest.map((x) => x.close()));
    try {
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let stored!: () => void;
      const scanStored = new Promise<void>((r) => (stored = r));
      // An ingest transaction, as the engine runs it: the scan stored, the rule's mark locked.
      const inFlight = ingest!.db.transaction(async (tx) => {
        await tx.execute(sql`
          insert into events (id, source_id, event_id, type, occurred_at, refs, data)
          select gen_random_uuid(), s.id, ${`e-${unique()}`}, ${at('scanned')}, now() - interval '8 minutes',
            ${JSON.stringify(refs)}::jsonb, '{}'::jsonb
          from event_sources s where s.key = ${app.source.key}`);
        await lockMarksForStarts(tx, [ruleId], []);
        stored();
        await released;
      });
      await scanStored;
      // The timer cannot see the scan yet: it would fire, but it must lock the mark first.
      let timerDone = false;
      const first = fireDueStarts(timer!.db).then((n) => ((timerDone = true), n));
      await new Promise((r) => setTimeout(r, 300));
      expect(timerDone).toBe(false);
      release();
      await inFlight;
      // Its check sees the scan that came meanwhile: it rolls back, and the next run judges it met.
      expect(await first).toBe(0);
      expect(await fireDueStarts(timer!.db)).toBe(1);
    } finally {
      await ingest!.close();
      await timer!.close();
    }
    expect(await signalsOf(ruleId)).toEqual([]);
    expect(await waitsOf(ruleId)).toEqual([]);
  });
});
