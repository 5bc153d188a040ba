// The demo's months before the live flow (seed-history.ts), seeded as `steward start --demo` does:
// closed signals with the event each came from, delivery commitments closed on time or late, all
// inside the history's window, consistent with their own times, leaving the live flow as it is,
// and telling the story the KPI page shows (better over time; the carrier-delay rule cries wolf).
import { unknownPlaceholders } from '../../core/replies/reply-templates.js';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type Database } from '../../db/client.js';
import { createTestDatabase } from '../../../test/helpers/db.js';
import { seedDemo, type DemoSummary } from './seed.js';
import { HISTORY_DAYS } from './seed-history.js';
import { SYSTEM_ACTOR } from '../lib/actor.js';
import { listViews } from '../domains/cases/views.service.js';
import { DEMO_RULES } from './seed-signals.js';
import { readSettings } from '../domains/settings/settings.service.js';
import { listCalendars } from '../domains/calendars/calendars.service.js';
import { addBusinessMs, compileCalendar } from '../../core/business-time.js';
import { replayRules } from '../../../test/helpers/rule-replay.js';

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;
let summary: DemoSummary;
let seededAt: number;
beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  seededAt = Date.now();
  summary = await seedDemo(db);
}, 120_000);
afterAll(() => handle?.close());

/** The live flow's signals (seed-signals.test.ts checks them one by one). */
const LIVE_SIGNALS = 23;
/** A history signal: its evidence came from the history (event ids `history-…`). */
const isHistory = sql`exists (select 1 from signal_evidence v join events e on e.id = v.event_id
  where v.signal_id = s.id and e.event_id like 'history-%')`;
const window = (column: string) =>
  sql`${sql.raw(column)} between now() - ${`${HISTORY_DAYS.from + 1} days`}::interval and now() - ${`${HISTORY_DAYS.to - 1} days`}::interval`;

describe('demo history seed', () => {
  it('adds closed signals of the default rules inside its window, and leaves the live flow alone', async () => {
    const [n] = await rows<{ live: number; history: number; open: number; outside: number; rules: number }>(
      db,
      sql`select
        count(*) filter (where not ${isHistory})::int as live,
        count(*) filter (where ${isHistory})::int as history,
        count(*) filter (where ${isHistory} and state in ('open', 'acted'))::int as open,
        count(*) filter (where ${isHistory} and not ${window('detected_at')})::int as outside,
        count(distinct rule_id) filter (where ${isHistory})::int as rules
        from signals s`,
    );
    expect(n!.live).toBe(LIVE_SIGNALS);
    // About 2.3 a day over three months.
    expect(n!.history).toBeGreaterThan(150);
    expect(n!.history).toBeLessThan(400);
    expect(summary.signals).toBe(LIVE_SIGNALS + n!.history);
    expect({ open: n!.open, outside: n!.outside }).toEqual({ open: 0, outside: 0 });
    expect(n!.rules).toBe(Object.keys(DEMO_RULES).length);
  });

  it('gives each signal the events it came from, of its rule’s type, for its customer and ref', async () => {
    const bad = await rows<{ id: string }>(
      db,
      sql`select s.id from signals s
        where ${isHistory}
          -- One event, or a repeat complaint's three (the third in 30 days).
          and (s.evidence_count <> case when s.kind = 'threshold' then 3 else 1 end
            or (select count(*) from signal_evidence v where v.signal_id = s.id) <> s.evidence_count
            or not exists (select 1 from signal_evidence v join events e on e.id = v.event_id
              where v.signal_id = s.id and e.customer_id = s.customer_id and e.refs = s.refs
                and e.occurred_at < s.detected_at and e.event_id like 'history-%'))`,
    );
    expect(bad).toEqual([]);
    const endings = await rows<{ state: string; by_event: boolean; due: boolean; resolved_after: boolean }>(
      db,
      sql`select distinct state, resolved_by_event as by_event, due_at is not null as due,
          resolved_at > detected_at as resolved_after
        from signals s where ${isHistory} order by 1, 2, 3`,
    );
    // Only resolved signals resolved themselves; every one ended after it began.
    expect(endings.filter((e) => e.by_event).every((e) => e.state === 'resolved')).toBe(true);
    expect(endings.every((e) => e.resolved_after)).toBe(true);
    // Due times only for the rules that watch a promised date, 20 to 26 hours ahead.
    const due = await rows<{ name: string; min: number; max: number }>(
      db,
      sql`select r.name, min(extract(epoch from s.due_at - s.detected_at) / 3600)::float8 as min,
          max(extract(epoch from s.due_at - s.detected_at) / 3600)::float8 as max
        from signals s join signal_rules r on r.id = s.rule_id
        where ${isHistory} and s.due_at is not null group by r.name order by r.name`,
    );
    expect(due.map((d) => d.name)).toEqual([DEMO_RULES.enterpriseWillMiss, DEMO_RULES.willMiss].sort());
    for (const d of due) {
      expect(d.min).toBeGreaterThanOrEqual(20);
      expect(d.max).toBeLessThanOrEqual(26);
    }
  });

  it('agrees with its rules: a dry run over its events finds its signals, no more and no fewer', async () => {
    // The history's events alone (the live flow has its own test), replayed through each default
    // rule as a dry run does; what fired inside the history's window is what the history holds.
    const from = Date.now() - HISTORY_DAYS.from * 24 * 3_600_000;
    const key = (customerId: string | null, ref: string | null, at: Date) =>
      `${customerId} ${ref} ${Math.round(at.getTime() / 60_000)}`;
    for (const rule of await replayRules(db, sql`e.event_id like 'history-%'`)) {
      const simulated = rule.signals
        .filter((x) => x.firedAt.getTime() >= from)
        .map((x) => key(x.customerId, x.ref, x.firedAt))
        .sort();
      const held = (
        await rows<{ customer_id: string; ref_value: string | null; at: Date }>(
          db,
          // A match or threshold signal was detected a minute after its event (the one that fired).
          sql`select customer_id, ref_value, detected_at - case when kind = 'absence' then interval '0'
              else interval '1 minute' end as at
            from signals s where ${isHistory} and rule_id = ${rule.id}`,
        )
      )
        .map((x) => key(x.customer_id, x.ref_value, new Date(x.at)))
        .sort();
      expect({ rule: rule.name, signals: simulated }).toEqual({ rule: rule.name, signals: held });
      expect(held.length).toBeGreaterThan(0);
    }
  });

  it('closes delivery commitments in its window, met or late as their times say', async () => {
    const wrong = await rows<{ ref_value: string }>(
      db,
      sql`select c.ref_value from commitments c join events o on o.id = c.opened_by_event_id
        where c.ref_value like 'SO-H%' and not (
          ${window('c.closed_at')}
          and o.type = 'order.promised' and (o.data->>'promisedAt')::timestamptz = c.due_at
          and ((c.state = 'met' and c.closed_at <= c.due_at) or (c.state = 'late' and c.closed_at > c.due_at)))`,
    );
    expect(wrong).toEqual([]);
    const [n] = await rows<{ all: number; met: number }>(
      db,
      sql`select count(*)::int as all, count(*) filter (where state = 'met')::int as met
        from commitments where ref_value like 'SO-H%'`,
    );
    expect(n!.all).toBeGreaterThan(200);
    expect(n!.met / n!.all).toBeGreaterThan(0.8);
  });

  it('tells a story: fewer late deliveries and more risks caught first over time; the carrier-delay rule cries wolf', async () => {
    const half = (HISTORY_DAYS.from - HISTORY_DAYS.to) / 2;
    const split = sql`now() - ${`${HISTORY_DAYS.to + half} days`}::interval`;
    const [late] = await rows<{ before: number; after: number }>(
      db,
      sql`select avg((state <> 'met')::int) filter (where closed_at < ${split})::float8 as before,
          avg((state <> 'met')::int) filter (where closed_at >= ${split})::float8 as after
        from commitments where ref_value like 'SO-H%'`,
    );
    expect(late!.after).toBeLessThan(late!.before);
    const [caught] = await rows<{ before: number; after: number }>(
      db,
      sql`select avg((not customer_contacted_first)::int) filter (where detected_at < ${split})::float8 as before,
          avg((not customer_contacted_first)::int) filter (where detected_at >= ${split})::float8 as after
        from signals s where ${isHistory}`,
    );
    expect(caught!.after).toBeGreaterThan(caught!.before);
    const dismissed = await rows<{ name: string }>(
      db,
      sql`select r.name from signals s join signal_rules r on r.id = s.rule_id
        where ${isHistory}
        group by r.name order by avg((s.state = 'dismissed')::int) desc limit 1`,
    );
    expect(dismissed).toEqual([{ name: DEMO_RULES.carrierDelay }]);
  });
});

describe('demo desk', () => {
  it('fills the case fields it defines, and its shared view by one counts those cases', async () => {
    const [counted] = await rows<{ orders: number; refunds: number }>(
      db,
      sql`select count(*) filter (where custom_fields ? 'order_number')::int as orders,
        count(*) filter (where custom_fields ->> 'preferred_resolution' = 'Refund'
          and status in ('new', 'open', 'pending', 'on_hold'))::int as refunds
        from cases where channel <> 'proactive'`,
    );
    expect(counted!.orders).toBeGreaterThan(10);
    expect(counted!.refunds).toBeGreaterThan(0);
    const view = (await listViews(db, SYSTEM_ACTOR)).find((v) => v.name === 'Refunds asked for');
    expect(view).toMatchObject({ shared: true, count: counted!.refunds });
  });

  it('keeps shared reply templates every agent may use, their placeholders known', async () => {
    const templates = await rows<{ name: string; body: string; owner_id: string | null }>(
      db,
      sql`select name, body, owner_id from reply_templates where deleted_at is null order by name`,
    );
    expect(templates.map((t) => t.name)).toEqual([
      'Ask for a photo of the damage',
      'Carrier trace started',
      'Solved: anything else?',
    ]);
    expect(templates.every((t) => t.owner_id === null)).toBe(true);
    for (const t of templates) expect(unknownPlaceholders(t.body)).toEqual([]);
  });
});

describe('demo company', () => {
  it('works in Berlin time, and its calendars name their holidays', async () => {
    expect((await readSettings(db)).timeZone).toBe('Europe/Berlin');
    expect((await readSettings(db)).companyName).toBe('Steward Demo Shop');
    const calendars = await listCalendars(db, SYSTEM_ACTOR);
    const berlin = calendars.find((c) => c.name === 'Berlin office')!;
    expect(berlin.timezone).toBe('Europe/Berlin');
    // Computed for last year, this year and next year, whenever the demo starts.
    const year = new Date().getUTCFullYear();
    expect(berlin.namedHolidays).toContainEqual({ date: `${year}-12-25`, name: 'Christmas Day' });
    expect(berlin.namedHolidays.every((h) => h.name)).toBe(true);
    expect(berlin.holidays).toContain(`${year - 1}-10-03`);
    expect(berlin.holidays).toContain(`${year + 1}-01-01`);
    const newYork = calendars.find((c) => c.name === 'New York office')!;
    expect(newYork.namedHolidays.map((h) => h.name)).toContain('Thanksgiving Day');
  });

  it('answers cases in office hours, so met first responses used part of their target', async () => {
    // Berlin-calendar first responses met by an agent's reply used business time, unless the case
    // came in so late (this weekend, say) that an answer in office hours would lie in the future:
    // only those were answered at once, using none. A proactive case's first response is its own
    // message to the customer, as it opened: none used, and not an agent's answer.
    const met = await rows<{ started: Date; used: number }>(
      db,
      sql`select p.started_at as started, p.used_ms::float8 as used
        from case_promises p join agreements a on a.id = p.agreement_id join calendars k on k.id = a.calendar_id
        join cases c on c.id = p.case_id
        where p.kind = 'first_response' and p.state = 'met' and k.name = 'Berlin office'
          and c.channel <> 'proactive'`,
    );
    expect(met.length).toBeGreaterThan(5);
    const berlin = (await listCalendars(db, SYSTEM_ACTOR)).find((c) => c.name === 'Berlin office')!;
    const office = compileCalendar(berlin);
    const unused = met.filter((m) => m.used === 0);
    const answerableInOfficeHours = unused.filter(
      (m) => addBusinessMs(office, new Date(m.started), 90 * 60_000).getTime() < seededAt,
    );
    expect(answerableInOfficeHours).toEqual([]);
    expect(unused.length).toBeLessThan(met.length);
  });
});
