// Accepted events that could not do what they were meant to (a promise without a readable date, a
// shipment event without the ref its rule follows) say so: in the ingest's answer, on the stored
// event, and in the events list (`?warned=true`). A source's list entry tells when it last sent,
// how many events in the last day and how many with warnings in the last week.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import {
  customerWithCommitments,
  deliveryCommitment,
  eventOf as ev,
  postRule,
  startEventsApp,
  typesFor,
  type EventsApp,
} from '../../../../test/helpers/event-ingest.js';
import { unique } from '../../../../test/helpers/factories.js';
import { findEventSourceAnyState } from './event-sources.repo.js';
import { noteSourceActive } from './event-sources.service.js';

let app: EventsApp;
beforeAll(async () => {
  app = await startEventsApp();
});
afterAll(() => app?.t.close());

const post = (events: Record<string, unknown>[]) =>
  app.t.post('/api/v1/events', { events }, app.source.token);

const makeRule = (body: Record<string, unknown>) => postRule(app, body);

describe('event warnings', () => {
  it('a promise for the last day of year 9999, west of UTC, warns and takes no other event down', async () => {
    const at = typesFor();
    const { customer, who } = await customerWithCommitments(app.t.db, [deliveryCommitment(at)]);
    const zoned = await app.t.patch(
      `/api/v1/customers/${customer.id}`,
      { timeZone: 'America/Chicago' },
      app.admin,
    );
    expect(zoned.status).toBe(200);
    await makeRule({
      kind: 'absence',
      name: `Far promise ${unique()}`,
      after: { type: at('promised') },
      expect: { type: at('delivered') },
      sameRef: 'orderId',
      by: 'data.promisedAt',
    });
    const inAWeek = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const good = ev(at('promised'), { ...who, refs: { orderId: 'SO-1' }, data: { promisedAt: inAWeek } });
    const far = ev(at('promised'), { ...who, refs: { orderId: 'SO-2' }, data: { promisedAt: '9999-12-31' } });
    const res = await post([good, far]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 0, warned: 1 });
    expect(res.body.results[1].warnings).toEqual([
      expect.stringContaining('data.promisedAt is not a time: "9999-12-31"'),
      expect.stringContaining('data.promisedAt is not a time: "9999-12-31"'),
    ]);
    const opened = await rows<{ ref_value: string }>(
      app.t.db,
      sql`select ref_value from commitments where customer_id = ${customer.id}`,
    );
    expect(opened.map((r) => r.ref_value)).toEqual(['SO-1']);
  });

  it('a promise without a readable date or without its ref is accepted, opens nothing, and says why', async () => {
    const at = typesFor();
    const { customer, agreement, who } = await customerWithCommitments(app.t.db, [deliveryCommitment(at)]);
    const rule = await makeRule({
      kind: 'absence',
      name: 'Order will miss its date',
      after: { type: at('promised') },
      expect: { type: at('delivered') },
      sameRef: 'orderId',
      by: 'data.promisedAt',
      lead: 'PT1H',
    });
    const inAWeek = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const good = ev(at('promised'), { ...who, refs: { orderId: 'SO-1' }, data: { promisedAt: inAWeek } });
    const noDate = ev(at('promised'), { ...who, refs: { orderId: 'SO-2' } });
    const word = ev(at('promised'), {
      ...who,
      refs: { orderId: 'SO-3' },
      data: { promisedAt: 'next Friday' },
    });
    const noRef = ev(at('promised'), { ...who, refs: { shipmentId: 'SH-4' }, data: { promisedAt: inAWeek } });
    const unrelated = ev(at('delivered'), { ...who, refs: {} });
    const res = await post([good, noDate, word, noRef, unrelated]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 5, rejected: 0, warned: 3 });
    const commitment = (problem: string) =>
      `commitment "Delivery by the promised date" (${agreement.name}) not opened: ${problem}`;
    const wait = (problem: string) => `rule "Order will miss its date" started no wait: ${problem}`;
    expect(res.body.results).toEqual([
      { index: 0, id: good.id, status: 'accepted' },
      {
        index: 1,
        id: noDate.id,
        status: 'accepted',
        warnings: [wait('data.promisedAt is missing'), commitment('data.promisedAt is missing')],
      },
      {
        index: 2,
        id: word.id,
        status: 'accepted',
        warnings: [
          wait('data.promisedAt is not a time: "next Friday"'),
          commitment('data.promisedAt is not a time: "next Friday"'),
        ],
      },
      {
        index: 3,
        id: noRef.id,
        status: 'accepted',
        warnings: [wait('the event has no refs.orderId'), commitment('the event has no refs.orderId')],
      },
      { index: 4, id: unrelated.id, status: 'accepted' },
    ]);

    // Only the good promise opened a commitment and started a wait.
    const opened = await rows<{ ref_value: string }>(
      app.t.db,
      sql`select ref_value from commitments where customer_id = ${customer.id} order by ref_value`,
    );
    expect(opened.map((r) => r.ref_value)).toEqual(['SO-1']);
    const waits = await rows<{ ref_value: string }>(
      app.t.db,
      sql`select ref_value from rule_expectations where rule_id = ${rule.id}`,
    );
    expect(waits.map((r) => r.ref_value)).toEqual(['SO-1']);

    // Stored with the event, and listed by ?warned=.
    const list = await app.t.get(
      `/api/v1/events?source=${app.source.key}&type=${at('promised')}&warned=true&sort=occurredAt`,
      app.admin,
    );
    expect(list.status).toBe(200);
    expect(list.body.items.map((e: { eventId: string }) => e.eventId).sort()).toEqual(
      [noDate.id, word.id, noRef.id].sort(),
    );
    const one = list.body.items.find((e: { eventId: string }) => e.eventId === word.id);
    expect(one.warnings).toEqual(res.body.results[2].warnings);
    const clean = await app.t.get(
      `/api/v1/events?source=${app.source.key}&type=${at('promised')}&warned=false`,
      app.admin,
    );
    expect(
      clean.body.items.map((e: { eventId: string; warnings: string[] }) => [e.eventId, e.warnings]),
    ).toEqual([[good.id, []]]);

    // Sent again: a duplicate, which neither warns again nor changes the stored warnings.
    const again = await post([word]);
    expect(again.body).toMatchObject({ accepted: 0, duplicate: 1, warned: 0 });
    expect(again.body.results[0]).toEqual({
      index: 0,
      id: word.id,
      status: 'duplicate',
      reason: 'already received',
    });
    const stored = await app.t.get(`/api/v1/events/${one.id}`, app.admin);
    expect(stored.body.warnings).toEqual(res.body.results[2].warnings);
  });

  it('an event outside the rule’s scope or of no starting type is not warned about', async () => {
    const at = typesFor();
    const segment = `seg${unique()}`;
    const seg = await app.t.post('/api/v1/segments', { key: segment, name: 'Only these' }, app.admin);
    expect(seg.status).toBe(201);
    await makeRule({
      kind: 'absence',
      name: 'Scoped',
      after: { type: at('dispatched') },
      expect: { type: at('scanned') },
      sameRef: 'shipmentId',
      within: 'PT48H',
      scope: { segments: [segment] },
    });
    // The customer is in no segment: out of scope, so no ref is looked for.
    const res = await post([
      ev(at('dispatched'), { customer: { externalId: `C-${unique()}` }, refs: {} }),
      ev(at('scanned'), { refs: {} }),
    ]);
    expect(res.body).toMatchObject({ accepted: 2, warned: 0 });
    expect(res.body.results.every((r: { warnings?: string[] }) => r.warnings === undefined)).toBe(true);
  });

  it('refuses a warned filter that is not true or false', async () => {
    const res = await app.t.get('/api/v1/events?warned=yes', app.admin);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
  });
});

describe('source activity', () => {
  it('counts each source’s own events of the last day and warned events of the last week', async () => {
    const at = typesFor();
    const make = async (key: string) => {
      const res = await app.t.post('/api/v1/event-sources', { key, name: key }, app.admin);
      expect(res.status).toBe(201);
      expect(res.body.lastEventAt).toBeNull();
      return res.body as { key: string; token: string };
    };
    const quiet = await make(`quiet-${unique()}`);
    const busy = await make(`busy-${unique()}`);
    const { who } = await customerWithCommitments(app.t.db, [deliveryCommitment(at)]);
    const before = Date.now();
    const sent = await app.t.post(
      '/api/v1/events',
      {
        events: [
          ev(at('promised'), { ...who, refs: { orderId: 'A' }, data: { promisedAt: 'tomorrow' } }),
          ev(at('promised'), { ...who, refs: { orderId: 'B' }, data: { promisedAt: '2030-01-01' } }),
          ev(at('other'), { refs: {} }),
          { id: 'bad id', type: at('other') },
        ],
      },
      busy.token,
    );
    expect(sent.body).toMatchObject({ accepted: 3, rejected: 1, warned: 1 });

    const list = await app.t.get('/api/v1/event-sources', app.admin);
    expect(list.status).toBe(200);
    const entry = (key: string) => list.body.items.find((s: { key: string }) => s.key === key);
    expect(entry(busy.key).activity).toEqual({ eventsLast24h: 3, warnedLast7d: 1 });
    expect(entry(quiet.key).activity).toEqual({ eventsLast24h: 0, warnedLast7d: 0 });
    expect(entry(quiet.key).lastEventAt).toBeNull();
    const last = Date.parse(entry(busy.key).lastEventAt);
    expect(last).toBeGreaterThanOrEqual(before - 1000);
    expect(last).toBeLessThanOrEqual(Date.now() + 1000);

    // One source's page says the same.
    const one = await app.t.get(`/api/v1/event-sources/${busy.key}`, app.admin);
    expect(one.body).toMatchObject({ key: busy.key, activity: { eventsLast24h: 3, warnedLast7d: 1 } });

    // Events of more than a day ago (by when they were received: the id) are not counted.
    await app.t.db.execute(sql`
      update events set id = ('00000000-0000-7000-8000-' || lpad(to_hex((random() * 1e9)::bigint), 12, '0'))::uuid
      where source_id = (select id from event_sources where key = ${busy.key}) and warnings is null`);
    const later = await app.t.get(`/api/v1/event-sources/${busy.key}`, app.admin);
    expect(later.body.activity).toEqual({ eventsLast24h: 1, warnedLast7d: 1 });
  });

  it('the Proactive board names the sources whose events were accepted with warnings in the last week', async () => {
    const at = typesFor();
    const key = `warned-${unique()}`;
    const made = await app.t.post('/api/v1/event-sources', { key, name: `Shop ERP ${key}` }, app.admin);
    expect(made.status).toBe(201);
    const { who } = await customerWithCommitments(app.t.db, [deliveryCommitment(at)]);
    // Two calls: the events of one call are received together, in no order.
    const send = (events: Record<string, unknown>[]) =>
      app.t.post('/api/v1/events', { events }, made.body.token);
    const first = await send([
      ev(at('promised'), { ...who, refs: { orderId: 'A' }, data: { promisedAt: 'TBC' } }),
      ev(at('promised'), { ...who, refs: { orderId: 'B' }, data: { promisedAt: '2030-01-01' } }),
    ]);
    expect(first.body).toMatchObject({ accepted: 2, warned: 1 });
    const second = await send([ev(at('promised'), { ...who, refs: {}, data: { promisedAt: '2030-01-01' } })]);
    expect(second.body).toMatchObject({ accepted: 1, warned: 1 });
    const entryOf = async () => {
      const board = await app.t.get('/api/v1/board', app.agent);
      expect(board.status).toBe(200);
      return (board.body.warnedSources as { key: string }[]).find((s) => s.key === key);
    };
    const entry = await entryOf();
    expect(entry).toMatchObject({ key, name: `Shop ERP ${key}`, events: 2 });
    // The newest (the event without the ref, sent last), by its first warning.
    expect((entry as unknown as { latestWarning: string }).latestWarning).toMatch(
      /not opened: the event has no refs\.orderId/,
    );
    const [newest] = await rows<{ received_at: string }>(
      app.t.db,
      sql`select received_at::text from events where source_id = (select id from event_sources where key = ${key})
        and warnings is not null order by id desc limit 1`,
    );
    expect(Date.parse((entry as unknown as { latestAt: string }).latestAt)).toBe(
      Date.parse(newest!.received_at),
    );
    // Received more than 7 days ago (the id tells when): no longer named.
    await app.t.db.execute(sql`
      update events set id = ('00000000-0000-7000-8000-' || lpad(to_hex((random() * 1e9)::bigint), 12, '0'))::uuid
      where source_id = (select id from event_sources where key = ${key})`);
    expect(await entryOf()).toBeUndefined();
  });

  it('notes a source’s last event at most once a minute: per process, and not over a newer note', async () => {
    const res = await app.t.post(
      '/api/v1/event-sources',
      { key: `tick-${unique()}`, name: 'tick' },
      app.admin,
    );
    const source = (await findEventSourceAnyState(app.t.db, res.body.key))!;
    const lastEventAt = async () => {
      const [row] = await rows<{ at: string }>(
        app.t.db,
        sql`select last_event_at::text as at from event_sources where id = ${source.id}`,
      );
      return new Date(row!.at);
    };
    const setLast = (at: string) =>
      app.t.db.execute(
        sql`update event_sources set last_event_at = ${at}::timestamptz where id = ${source.id}`,
      );
    const t0 = Date.now() + 10 * 60_000; // past whatever this process noted for other tests' sources

    await noteSourceActive(app.t.db, source, [], t0);
    expect(Math.abs((await lastEventAt()).getTime() - Date.now())).toBeLessThan(5_000);
    // Within the minute this process writes nothing, however old the stored time is.
    await setLast('2001-01-01T00:00:00Z');
    await noteSourceActive(app.t.db, source, [], t0 + 59_000);
    expect((await lastEventAt()).toISOString()).toBe('2001-01-01T00:00:00.000Z');
    // After it, it writes again.
    await noteSourceActive(app.t.db, source, [], t0 + 61_000);
    expect(Math.abs((await lastEventAt()).getTime() - Date.now())).toBeLessThan(5_000);
    // Another process noted it less than a minute ago: the stored time stays.
    const recent = new Date(Date.now() - 30_000).toISOString();
    await setLast(recent);
    await noteSourceActive(app.t.db, source, [], t0 + 200_000);
    expect((await lastEventAt()).toISOString()).toBe(recent);
  });

  it('is for admins only', async () => {
    expect((await app.t.get('/api/v1/event-sources', app.agent)).status).toBe(403);
    expect((await app.t.get(`/api/v1/event-sources/${app.source.key}`, app.agent)).status).toBe(403);
  });
});
