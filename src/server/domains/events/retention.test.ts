// Event retention: with `eventRetentionDays` set, events received longer ago are removed in
// batches, except a signal's evidence and the event a wait still held began with, and never inside
// a live threshold rule's window. Runs are given a later "now" instead of old events: event ids
// carry their receiving time, so the clock is what makes them old.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import {
  customerWithCommitments,
  deliveryCommitment,
  eventOf as ev,
  postRule,
  sendEvents,
  startEventsApp,
  typesFor,
  type EventsApp,
} from '../../../../test/helpers/event-ingest.js';
import { usingPostgres } from '../../../../test/helpers/db.js';
import { newId } from '../../../db/columns.js';
import { removeOldEvents, retentionCutoff } from './retention.js';

const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY);

let app: EventsApp;
beforeAll(async () => {
  app = await startEventsApp();
});
afterAll(() => app?.t.close());

const setRetention = async (days: number | null) => {
  const res = await app.t.patch('/api/v1/settings', { eventRetentionDays: days }, app.admin);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.eventRetentionDays).toBe(days);
};
const storedIds = async () =>
  (await rows<{ event_id: string }>(app.t.db, sql`select event_id from events order by event_id`)).map(
    (r) => r.event_id,
  );
const makeRule = (body: Record<string, unknown>) => postRule(app, body);

describe('the retention cutoff', () => {
  it('is the retention ago, or further back for a longer threshold window plus two days; none without a setting', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    expect(retentionCutoff(null, [], now)).toBeNull();
    expect(retentionCutoff(30, [], now)!.toISOString()).toBe('2026-11-01T12:00:00.000Z');
    expect(retentionCutoff(30, [7 * DAY, 60 * DAY], now)!.toISOString()).toBe('2026-09-30T12:00:00.000Z');
    expect(retentionCutoff(30, [28 * DAY], now)!.toISOString()).toBe('2026-11-01T12:00:00.000Z');
  });
});

describe('the eventRetentionDays setting', () => {
  it('is for ever by default; takes 30 to 3650 whole days or null; only admins change it', async () => {
    const read = await app.t.get('/api/v1/settings', app.agent);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      acknowledgeNewMail: true,
      assignOnReply: true,
      caseAutoCloseHours: 96,
      companyName: null,
      customerLanguage: 'en',
      domainEventRetentionDays: null,
      eventRetentionDays: null,
      requireTwoStepForStaff: false,
      timeZone: null,
      updatedAt: '1970-01-01T00:00:00.000Z', // never saved yet
    });
    for (const bad of [29, 3651, 30.5, '30', 0]) {
      const res = await app.t.patch('/api/v1/settings', { eventRetentionDays: bad }, app.admin);
      expect(res.status, `${bad}`).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.message).toContain(
        'body.eventRetentionDays: a whole number of days from 30 to 3650, or none to keep them for ever',
      );
    }
    const agent = await app.t.patch('/api/v1/settings', { eventRetentionDays: 30 }, app.agent);
    expect(agent.status).toBe(403);
    expect((await app.t.get('/api/v1/settings', app.admin)).body.eventRetentionDays).toBeNull();

    await setRetention(90);
    // Setting another key leaves it alone; null brings the default back (and no row stands for it).
    const other = await app.t.patch('/api/v1/settings', { caseAutoCloseHours: 48 }, app.admin);
    expect(other.body).toMatchObject({
      acknowledgeNewMail: true,
      caseAutoCloseHours: 48,
      eventRetentionDays: 90,
    });
    await setRetention(null);
    const left = await rows<{ key: string }>(app.t.db, sql`select key from settings order by key`);
    // Beside the one setting left, the row that holds the settings' version (If-Match).
    expect(left.map((r) => r.key).sort()).toEqual(['_version', 'caseAutoCloseHours']);
    const audit = await rows<{ data: Record<string, unknown> }>(
      app.t.db,
      sql`select data from domain_events where type = 'settings.updated' order by id`,
    );
    expect(audit.map((a) => a.data)).toEqual([
      { eventRetentionDays: 90 },
      { caseAutoCloseHours: 48 },
      { eventRetentionDays: null },
    ]);
  });
});

describe('removing old events', () => {
  it('keeps evidence, held waits’ starts and live threshold windows; removes the rest in batches, and says so', async () => {
    const at = typesFor();
    const { customer, who } = await customerWithCommitments(app.t.db, [deliveryCommitment(at)]);
    // Evidence: two complaints in a day open a signal.
    await makeRule({
      kind: 'threshold',
      name: 'Two complaints',
      when: { type: at('complaint') },
      count: 2,
      window: 'P1D',
    });
    // A wait still held: delivered within 60 days of dispatch.
    await makeRule({
      kind: 'absence',
      name: 'Not delivered',
      after: { type: at('dispatched') },
      expect: { type: at('arrived') },
      sameRef: 'shipmentId',
      within: 'P60D',
    });
    const complaints = [ev(at('complaint'), who), ev(at('complaint'), who)];
    const dispatched = ev(at('dispatched'), { ...who, refs: { shipmentId: 'SH-1' } });
    const promised = ev(at('promised'), {
      ...who,
      refs: { orderId: 'SO-1' },
      data: { promisedAt: inDays(3).toISOString() },
    });
    const plain = [1, 2, 3, 4].map(() => ev(at('scanned'), { ...who, refs: { shipmentId: 'SH-2' } }));
    await sendEvents(app, [...complaints, dispatched, promised, ...plain]);
    const all = await storedIds();
    expect(all).toHaveLength(8);
    const [signal] = await rows<{ n: number }>(app.t.db, sql`select count(*)::int as n from signal_evidence`);
    expect(signal!.n).toBe(2);

    // Not set: nothing goes, however old.
    expect(await removeOldEvents(app.t.db, 5_000, inDays(4000))).toBe(0);
    await setRetention(30);
    // Not yet 30 days old.
    expect(await removeOldEvents(app.t.db, 5_000, inDays(29))).toBe(0);
    // A live threshold rule with a 60-day window holds events for 62 days; disabled, it does not.
    const long = await makeRule({
      kind: 'threshold',
      name: 'Slow burn',
      when: { type: at('x') },
      count: 5,
      window: 'P60D',
    });
    expect(await removeOldEvents(app.t.db, 5_000, inDays(40))).toBe(0);
    const off = await app.t.patch(`/api/v1/rules/${long.id}`, { enabled: false }, app.admin);
    expect(off.status, JSON.stringify(off.body)).toBe(200);

    // In batches: two, then the rest.
    expect(await removeOldEvents(app.t.db, 2, inDays(40))).toBe(2);
    expect(await removeOldEvents(app.t.db, 5_000, inDays(40))).toBe(3);
    expect(await removeOldEvents(app.t.db, 5_000, inDays(40))).toBe(0);
    expect(await storedIds()).toEqual([complaints[0]!.id, complaints[1]!.id, dispatched.id].sort());

    // One domain event per source and batch, with the count and the cutoff.
    const audit = await rows<{
      entity_type: string;
      entity_id: string;
      actor_kind: string;
      data: { count: number };
    }>(
      app.t.db,
      sql`select entity_type, entity_id, actor_kind, data from domain_events where type = 'events.removed' order by id`,
    );
    const [source] = await rows<{ id: string }>(
      app.t.db,
      sql`select id from event_sources where key = ${app.source.key}`,
    );
    expect(audit.map((a) => [a.entity_type, a.entity_id, a.actor_kind, a.data.count])).toEqual([
      ['event_source', source!.id, 'system', 2],
      ['event_source', source!.id, 'system', 3],
    ]);
    expect(
      Date.parse((audit[0]!.data as unknown as { receivedBefore: string }).receivedBefore),
    ).toBeGreaterThan(Date.now() + 9 * DAY);

    // The commitment the removed promise opened keeps its own record.
    const list = await app.t.get(`/api/v1/commitments?customerId=${customer.id}`, app.admin);
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { refValue: string; state: string }) => [c.refValue, c.state])).toEqual([
      ['SO-1', 'open'],
    ]);

    // A removed event's id sent again is taken as new: duplicates are known while the event is.
    const again = await app.t.post('/api/v1/events', { events: [plain[0]] }, app.source.token);
    expect(again.body.results).toEqual([{ index: 0, id: plain[0]!.id, status: 'accepted' }]);
    // Inside the retention it is a duplicate, as ever.
    const twice = await app.t.post('/api/v1/events', { events: [plain[0]] }, app.source.token);
    expect(twice.body.results[0].status).toBe('duplicate');
  });

  it('a threshold hit whose event is gone still counts, and the signal shows the events still stored', async () => {
    const at = typesFor();
    const { customer, who } = await customerWithCommitments(app.t.db, []);
    const rule = await makeRule({
      kind: 'threshold',
      name: 'Three returns',
      when: { type: at('returned') },
      count: 3,
      window: 'P7D',
    });
    // A hit left from an event since removed (no foreign key: hits are counted by rule and time).
    await app.t.db.execute(sql`
      insert into rule_hits (rule_id, subject_id, event_id, occurred_at)
      values (${rule.id}, ${customer.id}, ${newId()}, now() - interval '2 days')`);
    const two = [ev(at('returned'), who), ev(at('returned'), who)];
    await sendEvents(app, two);
    const evidence = await rows<{ event_id: string }>(
      app.t.db,
      sql`select x.event_id from signals s join signal_evidence se on se.signal_id = s.id
        join events x on x.id = se.event_id where s.rule_id = ${rule.id} order by x.event_id`,
    );
    expect(evidence.map((e) => e.event_id)).toEqual(two.map((e) => e.id).sort());
  });
});

describe.runIf(usingPostgres())('removing old events on many nodes (PostgreSQL)', () => {
  it('two runs at once remove each event once, and record exactly what each removed', async () => {
    await setRetention(30);
    const at = typesFor();
    const { who } = await customerWithCommitments(app.t.db, []);
    await sendEvents(
      app,
      Array.from({ length: 40 }, () => ev(at('scanned'), who)),
    );
    const before = (await storedIds()).length;
    const [kept] = await rows<{ n: number }>(
      app.t.db,
      sql`select count(*)::int as n from events e where exists (select 1 from signal_evidence se where se.event_id = e.id)
        or exists (select 1 from rule_expectations x where x.started_by_event_id = e.id)`,
    );
    const counted = await rows<{ n: number }>(
      app.t.db,
      sql`select coalesce(sum((data ->> 'count')::int), 0)::int as n from domain_events where type = 'events.removed'`,
    );
    let removed = 0;
    for (;;) {
      const [a, b] = await Promise.all([
        removeOldEvents(app.t.db, 7, inDays(40)),
        removeOldEvents(app.t.db, 7, inDays(40)),
      ]);
      removed += a + b;
      if (a + b === 0) break;
    }
    expect(removed).toBe(before - kept!.n);
    expect((await storedIds()).length).toBe(kept!.n);
    const [after] = await rows<{ n: number }>(
      app.t.db,
      sql`select coalesce(sum((data ->> 'count')::int), 0)::int as n from domain_events where type = 'events.removed'`,
    );
    expect(after!.n - counted[0]!.n).toBe(removed);
  });
});
