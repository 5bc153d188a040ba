// Accepted events that could not do what they were meant to (a promise without a readable date, a
// shipment event without the ref its rule follows) say so: in the ingest's answer, on the stored
// event, and in the events list (`?warned=true`).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import {
  customerWithCommitments,
  deliveryCommitment,
  eventOf as ev,
  startEventsApp,
  typesFor,
  type EventsApp,
} from '../../../../test/helpers/event-ingest.js';
import { unique } from '../../../../test/helpers/factories.js';

let app: EventsApp;
beforeAll(async () => {
  app = await startEventsApp();
});
afterAll(() => app?.t.close());

const post = (events: Record<string, unknown>[]) =>
  app.t.post('/api/v1/events', { events }, app.source.token);

async function makeRule(body: Record<string, unknown>) {
  const res = await app.t.post('/api/v1/rules', body, app.admin);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
}

describe('event warnings', () => {
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
