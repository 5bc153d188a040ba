// Commitments opened and ended by events sent through POST /api/v1/events, as the ingest runs the
// engine: cancellations (cancelledBy), ending events stored before their promise, and what the
// rates, the KPIs and the due job make of cancelled instances. Each test has its own event types
// and customers, so one test's agreement does not see another's events.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
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
import { makeCalendar, makeCustomer, minutesAgo, unique } from '../../../../test/helpers/factories.js';
import type { CommitmentDefinition } from '../../../shared/schemas/signals.js';
import { closeDueCommitments } from './commitments.engine.js';

let app: EventsApp;
let t: TestApp;
let admin: string;
let agent: string;
beforeAll(async () => {
  app = await startEventsApp();
  ({ t, admin, agent } = app);
});
afterAll(() => t?.close());

const send = (events: Record<string, unknown>[]) => sendEvents(app, events);

const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

interface Row {
  id: string;
  ref_value: string;
  state: string;
  closed_at: Date | null;
  closed_by_event_id: string | null;
  due_at: Date;
  repromised: number;
}
/** The customer's instances by ref value. */
async function instancesOf(customerId: string): Promise<Map<string, Row>> {
  const found = await rows<Row>(
    t.db,
    sql`select id, ref_value, state, closed_at, closed_by_event_id, due_at, repromised
      from commitments where customer_id = ${customerId}`,
  );
  return new Map(found.map((f) => [f.ref_value, f]));
}
const stateOf = async (customerId: string, ref: string) => (await instancesOf(customerId)).get(ref)?.state;
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** Our id of a stored event, by the source's id. */
async function storedId(eventId: string) {
  const [row] = await rows<{ id: string }>(t.db, sql`select id from events where event_id = ${eventId}`);
  return row!.id;
}

/**
 * A customer under their own agreement with one commitment (delivery by the promised date), on a
 * Berlin calendar unless `calendarId` says otherwise.
 */
const deliveryCustomer = (
  at: (n: string) => string,
  overrides: Partial<CommitmentDefinition> = {},
  calendarId?: string,
) =>
  customerWithCommitments(
    t.db,
    [deliveryCommitment(at, { cancelledBy: at('cancelled'), ...overrides })],
    calendarId,
  );

const orders = (n: number) => Array.from({ length: n }, (_, i) => `SO-${i}-${unique()}`);

describe('cancelledBy in an agreement', () => {
  const base = {
    key: 'delivery',
    name: 'Delivery',
    opens: 'order.promised',
    ref: 'orderId',
    dueFrom: 'data.promisedAt',
    fulfilledBy: 'shipment.delivered',
  };
  const post = async (commitment: Record<string, unknown>) =>
    t.post(
      '/api/v1/agreements',
      {
        name: `PSA ${unique()}`,
        calendarId: (await makeCalendar(t.db)).id,
        scope: { customerId: (await makeCustomer(t.db)).id },
        targets: [{ kind: 'first_response', minutes: 60 }],
        commitments: [commitment],
      },
      admin,
    );

  it.each([
    ['the opening type', { ...base, cancelledBy: 'order.promised' }, 'cancelledBy must differ from opens'],
    [
      'the fulfilling type',
      { ...base, cancelledBy: 'shipment.delivered' },
      'cancelledBy must differ from fulfilledBy',
    ],
    [
      'the breaking type (avoid)',
      {
        ...base,
        mode: 'avoid',
        fulfilledBy: undefined,
        brokenBy: 'order.disputed',
        cancelledBy: 'order.disputed',
      },
      'cancelledBy must differ from brokenBy',
    ],
    ['not an event type', { ...base, cancelledBy: 'Order Cancelled' }, expect.stringContaining('dotted')],
  ])('refuses %s, naming the field', async (_name, commitment, message) => {
    const res = await post(commitment);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'body.commitments.0.cancelledBy', message }]);
  });

  it('keeps it, and gives it back', async () => {
    const res = await post({ ...base, cancelledBy: 'order.cancelled' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.commitments).toEqual([{ ...base, mode: 'fulfil', cancelledBy: 'order.cancelled' }]);
    const read = await t.get(`/api/v1/agreements/${res.body.id}`, admin);
    expect(read.body.commitments[0].cancelledBy).toBe('order.cancelled');
  });
});

describe('cancellation', () => {
  it('cancels an open instance and an overdue one; the job leaves cancelled ones alone', async () => {
    const at = typesFor();
    const { customer, who } = await deliveryCustomer(at);
    const [open, overdue, pastDue] = orders(3) as [string, string, string];
    await send([
      ev(at('promised'), {
        ...who,
        refs: { orderId: open },
        data: { promisedAt: inHours(24) },
        occurredAt: minutesAgo(60),
      }),
      ev(at('promised'), {
        ...who,
        refs: { orderId: overdue },
        data: { promisedAt: inHours(-1) },
        occurredAt: minutesAgo(120),
      }),
    ]);
    await closeDueCommitments(t.db);
    expect(await stateOf(customer.id, overdue)).toBe('overdue');
    const cancelOpen = ev(at('cancelled'), { ...who, refs: { orderId: open }, occurredAt: minutesAgo(5) });
    // The carrier's or shop's cancellation without a customer cancels by the ref alone.
    const cancelOverdue = ev(at('cancelled'), { refs: { orderId: overdue }, occurredAt: minutesAgo(4) });
    await send([cancelOpen, cancelOverdue]);
    const found = await instancesOf(customer.id);
    expect(found.get(open)).toMatchObject({
      state: 'cancelled',
      closed_by_event_id: await storedId(cancelOpen.id),
    });
    expect(iso(found.get(open)!.closed_at)).toBe(cancelOpen.occurredAt);
    expect(found.get(overdue)).toMatchObject({
      state: 'cancelled',
      closed_by_event_id: await storedId(cancelOverdue.id),
    });
    expect(iso(found.get(overdue)!.closed_at)).toBe(cancelOverdue.occurredAt);
    const history = await rows<{ type: string }>(
      t.db,
      sql`select type from domain_events where entity_id = ${found.get(open)!.id} order by occurred_at, id`,
    );
    expect(history.map((h) => h.type)).toEqual(['commitment.opened', 'commitment.cancelled']);

    // Past its due time, not flipped yet (the job has not run): cancelled, and the job keeps off it.
    await send([
      ev(at('promised'), {
        ...who,
        refs: { orderId: pastDue },
        data: { promisedAt: inHours(-1) },
        occurredAt: minutesAgo(120),
      }),
    ]);
    await send([ev(at('cancelled'), { ...who, refs: { orderId: pastDue } })]);
    const before = (await instancesOf(customer.id)).get(pastDue)!;
    expect(before.state).toBe('cancelled');
    await closeDueCommitments(t.db);
    const after = (await instancesOf(customer.id)).get(pastDue)!;
    expect(after).toEqual(before);
  });

  it('in one call: a promise and its cancellation end cancelled; the earlier of a delivery and a cancellation wins', async () => {
    const at = typesFor();
    const { customer, who } = await deliveryCustomer(at);
    const [together, deliveredFirst, cancelledFirst, sameTime] = orders(4) as [
      string,
      string,
      string,
      string,
    ];
    const promise = (orderId: string) =>
      ev(at('promised'), {
        ...who,
        refs: { orderId },
        data: { promisedAt: inHours(24) },
        occurredAt: minutesAgo(60),
      });
    const end = (what: string, orderId: string, when: number | string) =>
      ev(at(what), {
        ...who,
        refs: { orderId },
        occurredAt: typeof when === 'string' ? when : minutesAgo(when),
      });
    // One timestamp for both: two calls of minutesAgo may fall a millisecond apart.
    const sameMoment = minutesAgo(15);
    const firstDelivery = end('delivered', deliveredFirst, 20);
    const firstCancel = end('cancelled', cancelledFirst, 20);
    // The cancellation listed before the promise: openings are applied first all the same.
    await send([
      end('cancelled', together, 30),
      promise(together),
      promise(deliveredFirst),
      end('cancelled', deliveredFirst, 10),
      firstDelivery,
      promise(cancelledFirst),
      end('delivered', cancelledFirst, 10),
      firstCancel,
      promise(sameTime),
      end('cancelled', sameTime, sameMoment),
      end('delivered', sameTime, sameMoment),
    ]);
    const found = await instancesOf(customer.id);
    expect(found.get(together)!.state).toBe('cancelled');
    expect(found.get(deliveredFirst)).toMatchObject({
      state: 'met',
      closed_by_event_id: await storedId(firstDelivery.id),
    });
    expect(found.get(cancelledFirst)).toMatchObject({
      state: 'cancelled',
      closed_by_event_id: await storedId(firstCancel.id),
    });
    // At the same moment, the promise counts as kept.
    expect(found.get(sameTime)!.state).toBe('met');
  });

  it('changes nothing once the promise is kept, nor before the instance opened', async () => {
    const at = typesFor();
    const { customer, who } = await deliveryCustomer(at);
    const [kept, early] = orders(2) as [string, string];
    await send([
      ev(at('promised'), {
        ...who,
        refs: { orderId: kept },
        data: { promisedAt: inHours(24) },
        occurredAt: minutesAgo(60),
      }),
      ev(at('promised'), {
        ...who,
        refs: { orderId: early },
        data: { promisedAt: inHours(24) },
        occurredAt: minutesAgo(60),
      }),
    ]);
    await send([ev(at('delivered'), { ...who, refs: { orderId: kept }, occurredAt: minutesAgo(30) })]);
    const met = (await instancesOf(customer.id)).get(kept)!;
    await send([
      ev(at('cancelled'), { ...who, refs: { orderId: kept }, occurredAt: minutesAgo(10) }),
      // Cancelled before it was promised (an earlier order under the same number): not this one.
      ev(at('cancelled'), { ...who, refs: { orderId: early }, occurredAt: minutesAgo(90) }),
    ]);
    const found = await instancesOf(customer.id);
    expect(found.get(kept)).toEqual(met);
    expect(found.get(early)).toMatchObject({ state: 'open', closed_at: null, closed_by_event_id: null });
  });

  it("another customer's cancellation naming its customer does not cancel this one", async () => {
    const at = typesFor();
    const mine = await deliveryCustomer(at);
    const other = await makeCustomer(t.db, { externalId: `C-${unique()}` });
    const [order] = orders(1) as [string];
    await send([
      ev(at('promised'), { ...mine.who, refs: { orderId: order }, data: { promisedAt: inHours(24) } }),
    ]);
    await send([
      ev(at('cancelled'), { customer: { externalId: other.externalId }, refs: { orderId: order } }),
    ]);
    expect(await stateOf(mine.customer.id, order)).toBe('open');
  });

  it("only where the instance's agreement names the cancelling event", async () => {
    const at = typesFor();
    const withCancel = await deliveryCustomer(at);
    // The same key under another agreement, without cancelledBy.
    const without = await deliveryCustomer(at, { cancelledBy: undefined });
    const [order] = orders(1) as [string];
    await send([
      ev(at('promised'), { ...withCancel.who, refs: { orderId: order }, data: { promisedAt: inHours(24) } }),
      ev(at('promised'), { ...without.who, refs: { orderId: order }, data: { promisedAt: inHours(24) } }),
    ]);
    await send([ev(at('cancelled'), { refs: { orderId: order } })]);
    expect(await stateOf(withCancel.customer.id, order)).toBe('cancelled');
    expect(await stateOf(without.customer.id, order)).toBe('open');
  });

  it('avoid: cancels an open instance, not one already met by its due time', async () => {
    const at = typesFor();
    const { customer, who } = await customerWithCommitments(t.db, [
      invoiceRightCommitment(at, { cancelledBy: at('voided') }),
    ]);
    const [open, kept, keptNotFlipped] = ['O', 'K', 'N'].map((x) => `INV-${x}-${unique()}`) as [
      string,
      string,
      string,
    ];
    await send([
      ev(at('issued'), { ...who, refs: { invoiceId: open }, occurredAt: minutesAgo(10) }),
      ev(at('issued'), { ...who, refs: { invoiceId: kept }, occurredAt: minutesAgo(120) }),
    ]);
    await closeDueCommitments(t.db);
    expect(await stateOf(customer.id, kept)).toBe('met');
    // Due 60 minutes ago, the job has not run yet: voided after its due time, it was kept all the same.
    await send([
      ev(at('issued'), { ...who, refs: { invoiceId: keptNotFlipped }, occurredAt: minutesAgo(120) }),
    ]);
    await send([
      ev(at('voided'), { ...who, refs: { invoiceId: open } }),
      ev(at('voided'), { ...who, refs: { invoiceId: kept } }),
      ev(at('voided'), { ...who, refs: { invoiceId: keptNotFlipped } }),
    ]);
    expect(await stateOf(customer.id, open)).toBe('cancelled');
    expect(await stateOf(customer.id, kept)).toBe('met');
    expect(await stateOf(customer.id, keptNotFlipped)).toBe('open');
    await closeDueCommitments(t.db);
    expect(await stateOf(customer.id, keptNotFlipped)).toBe('met');
  });
});

describe('the events the engine watches', () => {
  it('avoid with a fulfilledBy given too: its breaking event still reaches the engine', async () => {
    const at = typesFor();
    const { customer, who } = await customerWithCommitments(t.db, [
      // fulfilledBy: accepted by the schema, meaningless for avoid: it must not hide brokenBy.
      invoiceRightCommitment(at, { fulfilledBy: at('paid') } as Partial<CommitmentDefinition>),
    ]);
    const invoice = `INV-${unique()}`;
    await send([ev(at('issued'), { ...who, refs: { invoiceId: invoice }, occurredAt: minutesAgo(5) })]);
    await send([ev(at('disputed'), { ...who, refs: { invoiceId: invoice } })]);
    expect(await stateOf(customer.id, invoice)).toBe('broken');
  });
});

describe('instances end on the terms they opened under', () => {
  const promise = (at: (n: string) => string, who: object, order: string) =>
    ev(at('promised'), {
      ...who,
      refs: { orderId: order },
      data: { promisedAt: inHours(24) },
      occurredAt: minutesAgo(30),
    });

  it('after their agreement was deactivated, or deleted: delivered ones are met, cancelled ones cancelled', async () => {
    const at = typesFor();
    const { customer, agreement, who } = await deliveryCustomer(at);
    const [delivered, cancelled, deletedThenDelivered] = orders(3) as [string, string, string];
    await send([promise(at, who, delivered), promise(at, who, cancelled)]);
    const off = await t.patch(`/api/v1/agreements/${agreement.id}`, { active: false }, admin);
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    await send([
      ev(at('delivered'), { ...who, refs: { orderId: delivered } }),
      ev(at('cancelled'), { refs: { orderId: cancelled } }),
    ]);
    expect(await stateOf(customer.id, delivered)).toBe('met');
    expect(await stateOf(customer.id, cancelled)).toBe('cancelled');

    // Another customer's agreement, deleted while a promise is open.
    const other = await deliveryCustomer(at);
    await send([promise(at, other.who, deletedThenDelivered)]);
    expect((await t.del(`/api/v1/agreements/${other.agreement.id}`, admin)).status).toBe(204);
    await send([ev(at('delivered'), { refs: { orderId: deletedThenDelivered } })]);
    expect(await stateOf(other.customer.id, deletedThenDelivered)).toBe('met');
  });

  it('after the commitment was changed: old instances keep their closing type and take the new cancelling one', async () => {
    const at = typesFor();
    const { customer, agreement, who } = await deliveryCustomer(at);
    const [delivered, withdrawn, notCancelled, fresh] = orders(4) as [string, string, string, string];
    await send([promise(at, who, delivered), promise(at, who, withdrawn), promise(at, who, notCancelled)]);
    // Delivered and cancelled now mean other event types.
    const changed = await t.patch(
      `/api/v1/agreements/${agreement.id}`,
      {
        commitments: [
          deliveryCommitment(at, { fulfilledBy: at('handedover'), cancelledBy: at('withdrawn') }),
        ],
      },
      admin,
    );
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    await send([promise(at, who, fresh)]);
    await send([
      ev(at('delivered'), { ...who, refs: { orderId: delivered } }),
      ev(at('withdrawn'), { ...who, refs: { orderId: withdrawn } }),
      ev(at('cancelled'), { ...who, refs: { orderId: notCancelled } }),
      // The old delivery type does not close an instance opened under the new terms.
      ev(at('delivered'), { ...who, refs: { orderId: fresh } }),
    ]);
    expect(await stateOf(customer.id, delivered)).toBe('met');
    expect(await stateOf(customer.id, withdrawn)).toBe('cancelled');
    expect(await stateOf(customer.id, notCancelled)).toBe('open');
    expect(await stateOf(customer.id, fresh)).toBe('open');
    await send([ev(at('handedover'), { ...who, refs: { orderId: fresh } })]);
    expect(await stateOf(customer.id, fresh)).toBe('met');
  });

  it('cancelledBy added to the commitment later cancels the instances already live', async () => {
    const at = typesFor();
    const { customer, agreement, who } = await deliveryCustomer(at, { cancelledBy: undefined });
    const [order] = orders(1) as [string];
    await send([promise(at, who, order)]);
    await send([ev(at('cancelled'), { ...who, refs: { orderId: order } })]);
    expect(await stateOf(customer.id, order)).toBe('open');
    const added = await t.patch(
      `/api/v1/agreements/${agreement.id}`,
      { commitments: [deliveryCommitment(at, { cancelledBy: at('cancelled') })] },
      admin,
    );
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    await send([ev(at('cancelled'), { ...who, refs: { orderId: order } })]);
    expect(await stateOf(customer.id, order)).toBe('cancelled');
  });

  it('a commitment now followed by another ref leaves the live instances their cancelling type', async () => {
    const at = typesFor();
    const { customer, agreement, who } = await deliveryCustomer(at);
    const [order] = orders(1) as [string];
    await send([promise(at, who, order)]);
    // By shipment now, cancelled by another type: the instance (by order) keeps its old terms.
    const moved = await t.patch(
      `/api/v1/agreements/${agreement.id}`,
      { commitments: [deliveryCommitment(at, { ref: 'shipmentId', cancelledBy: at('withdrawn') })] },
      admin,
    );
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await send([ev(at('withdrawn'), { ...who, refs: { orderId: order } })]);
    expect(await stateOf(customer.id, order)).toBe('open');
    await send([ev(at('cancelled'), { ...who, refs: { orderId: order } })]);
    expect(await stateOf(customer.id, order)).toBe('cancelled');
  });

  it('after the commitment was dropped: live instances still end on their delivery or cancellation', async () => {
    const at = typesFor();
    const { customer, agreement, who } = await deliveryCustomer(at);
    const [delivered, cancelled] = orders(2) as [string, string];
    await send([promise(at, who, delivered), promise(at, who, cancelled)]);
    const dropped = await t.patch(`/api/v1/agreements/${agreement.id}`, { commitments: [] }, admin);
    expect(dropped.status, JSON.stringify(dropped.body)).toBe(200);
    await send([
      ev(at('delivered'), { ...who, refs: { orderId: delivered } }),
      ev(at('cancelled'), { ...who, refs: { orderId: cancelled } }),
    ]);
    expect(await stateOf(customer.id, delivered)).toBe('met');
    expect(await stateOf(customer.id, cancelled)).toBe('cancelled');
  });

  it('the due job cancels by the stored cancelling type of an instance whose commitment was dropped', async () => {
    const at = typesFor();
    const { customer, agreement, who } = await deliveryCustomer(at);
    const [order] = orders(1) as [string];
    // Promised for an hour ago; its cancellation is stored without reaching the instance (as two
    // calls at once on PostgreSQL leave it), then the commitment is dropped from the agreement.
    await send([
      ev(at('promised'), {
        ...who,
        refs: { orderId: order },
        data: { promisedAt: inHours(-1) },
        occurredAt: minutesAgo(120),
      }),
    ]);
    await storeAlongside(app, {
      type: at('cancelled'),
      customerId: customer.id,
      refs: { orderId: order },
      occurredAt: minutesAgo(90),
    });
    expect((await t.patch(`/api/v1/agreements/${agreement.id}`, { commitments: [] }, admin)).status).toBe(
      200,
    );
    expect(await stateOf(customer.id, order)).toBe('open');
    await closeDueCommitments(t.db);
    expect(await stateOf(customer.id, order)).toBe('cancelled');
  });
});

describe('cancelled instances in the rates, the KPIs and the board', () => {
  it('count nowhere: 1 met and 1 cancelled is a rate of 1', async () => {
    const at = typesFor();
    const { customer, who } = await deliveryCustomer(at, { key: `rated_${unique()}` });
    const key = (
      await rows<{ key: string }>(
        t.db,
        sql`select commitments->0->>'key' as key from agreements where scope_customer_id = ${customer.id}`,
      )
    )[0]!.key;
    const [met, cancelled, overdue] = orders(3) as [string, string, string];
    await send([
      ev(at('promised'), {
        ...who,
        refs: { orderId: met },
        data: { promisedAt: inHours(24) },
        occurredAt: minutesAgo(60),
      }),
      ev(at('promised'), {
        ...who,
        refs: { orderId: cancelled },
        data: { promisedAt: inHours(24) },
        occurredAt: minutesAgo(60),
      }),
      ev(at('promised'), {
        ...who,
        refs: { orderId: overdue },
        data: { promisedAt: inHours(-1) },
        occurredAt: minutesAgo(120),
      }),
      ev(at('delivered'), { ...who, refs: { orderId: met } }),
      ev(at('cancelled'), { ...who, refs: { orderId: cancelled } }),
    ]);
    await closeDueCommitments(t.db);
    const rates = async () => {
      const res = await t.get(`/api/v1/commitments/rates?by=customer&key=${key}`, agent);
      expect(res.status).toBe(200);
      return res.body.items;
    };
    const row = (overdueNow: number) => ({
      groupId: customer.id,
      groupName: customer.name,
      met: 1,
      late: 0,
      broken: 0,
      overdue: overdueNow,
      onTimeRate: 1 / (1 + overdueNow),
    });
    expect(await rates()).toEqual([row(1)]);
    const kpis = async () => (await t.get('/api/v1/kpis/proactive', agent)).body.commitments;
    const board = async () => (await t.get('/api/v1/board', agent)).body;
    const [kpiBefore, boardBefore] = [await kpis(), await board()];
    // The overdue one cancelled: out of the rate, the KPIs and the board's overdue count.
    await send([ev(at('cancelled'), { ...who, refs: { orderId: overdue } })]);
    expect(await rates()).toEqual([row(0)]);
    const kpiAfter = await kpis();
    expect(kpiAfter).toMatchObject({
      met: kpiBefore.met,
      late: kpiBefore.late,
      broken: kpiBefore.broken,
      overdue: kpiBefore.overdue - 1,
    });
    const boardAfter = await board();
    expect(boardAfter.counts.overdueCommitments).toBe(boardBefore.counts.overdueCommitments - 1);
    expect(boardAfter.commitmentsDueSoon.map((c: { refValue: string }) => c.refValue)).not.toContain(overdue);
    const list = await t.get(`/api/v1/commitments?key=${key}&state=cancelled`, agent);
    expect(list.body.items.map((c: { refValue: string }) => c.refValue).sort()).toEqual(
      [cancelled, overdue].sort(),
    );
  });
});

describe('a promised date without a time', () => {
  it('is kept by a delivery at any time that day, and late from the next (an agreement on UTC hours)', async () => {
    const at = typesFor();
    const utc = await makeCalendar(t.db, undefined, 'UTC');
    const { customer, who } = await deliveryCustomer(at, {}, utc.id);
    const [sameDay, nextDay] = orders(2) as [string, string];
    const day = (daysAgo: number, time: string) => {
      const d = new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
      return time ? `${d}T${time}Z` : d;
    };
    const promisedFor = day(2, ''); // e.g. "2026-11-28"
    await send([
      ev(at('delivered'), { ...who, refs: { orderId: sameDay }, occurredAt: day(2, '23:30:00.000') }),
      ev(at('delivered'), { ...who, refs: { orderId: nextDay }, occurredAt: day(1, '00:30:00.000') }),
    ]);
    await send(
      [sameDay, nextDay].map((orderId) =>
        ev(at('promised'), {
          ...who,
          refs: { orderId },
          data: { promisedAt: promisedFor },
          occurredAt: day(3, '12:00:00.000'),
        }),
      ),
    );
    const found = await instancesOf(customer.id);
    expect(iso(found.get(sameDay)!.due_at)).toBe(`${day(1, '00:00:00.000')}`);
    expect(found.get(sameDay)!.state).toBe('met');
    expect(found.get(nextDay)!.state).toBe('late');
  });

  it.each([
    // Midnight in Berlin (summer time, UTC+2) as 2 July begins.
    [
      "the agreement's calendar (Berlin), for a customer without a time zone",
      null,
      '2026-07-01T22:00:00.000Z',
    ],
    // Midnight in New York (summer time, UTC-4): the customer's own zone goes before the calendar's.
    [
      'the customer (New York), when their record has a time zone',
      'America/New_York',
      '2026-07-02T04:00:00.000Z',
    ],
  ])('ends with the day where %s is', async (_where, zone, due) => {
    const at = typesFor();
    const { customer, who } = await deliveryCustomer(at); // a Berlin calendar
    if (zone) await t.db.execute(sql`update customers set time_zone = ${zone} where id = ${customer.id}`);
    const [order] = orders(1) as [string];
    await send([
      ev(at('promised'), {
        ...who,
        refs: { orderId: order },
        data: { promisedAt: '2026-07-01' },
        occurredAt: minutesAgo(60),
      }),
    ]);
    const found = await instancesOf(customer.id);
    expect(iso(found.get(order)!.due_at)).toBe(due);
  });
});

describe('ending events stored before their promise', () => {
  it('a delivery sent before the promise closes it when it opens: met or late as its time says', async () => {
    const at = typesFor();
    const { customer, who } = await deliveryCustomer(at);
    const [met, late, before, carrier, otherCustomer] = orders(5) as [string, string, string, string, string];
    const other = await makeCustomer(t.db, { externalId: `C-${unique()}` });
    const deliveries = {
      met: ev(at('delivered'), { ...who, refs: { orderId: met }, occurredAt: minutesAgo(30) }),
      late: ev(at('delivered'), { ...who, refs: { orderId: late }, occurredAt: minutesAgo(30) }),
      // Delivered before the promise was made: another story, not this instance's.
      before: ev(at('delivered'), { ...who, refs: { orderId: before }, occurredAt: minutesAgo(90) }),
      // Without a customer (a carrier's scan): by the ref alone.
      carrier: ev(at('delivered'), { refs: { orderId: carrier }, occurredAt: minutesAgo(30) }),
      // Another customer's order with the same number.
      other: ev(at('delivered'), {
        customer: { externalId: other.externalId },
        refs: { orderId: otherCustomer },
        occurredAt: minutesAgo(30),
      }),
    };
    await send(Object.values(deliveries));
    const promise = (orderId: string, promisedAt: string) =>
      ev(at('promised'), { ...who, refs: { orderId }, data: { promisedAt }, occurredAt: minutesAgo(60) });
    await send([
      promise(met, inHours(24)),
      promise(late, new Date(Date.now() - 45 * 60_000).toISOString()),
      promise(before, inHours(24)),
      promise(carrier, inHours(24)),
      promise(otherCustomer, inHours(24)),
    ]);
    const found = await instancesOf(customer.id);
    expect(found.get(met)).toMatchObject({
      state: 'met',
      closed_by_event_id: await storedId(deliveries.met.id),
    });
    expect(iso(found.get(met)!.closed_at)).toBe(deliveries.met.occurredAt);
    expect(found.get(late)).toMatchObject({
      state: 'late',
      closed_by_event_id: await storedId(deliveries.late.id),
    });
    expect(found.get(before)).toMatchObject({ state: 'open', closed_at: null });
    expect(found.get(carrier)!.state).toBe('met');
    expect(found.get(otherCustomer)).toMatchObject({ state: 'open', closed_at: null });
    const history = await rows<{ type: string }>(
      t.db,
      sql`select type from domain_events where entity_id = ${found.get(late)!.id} order by occurred_at, id`,
    );
    expect(history.map((h) => h.type)).toEqual(['commitment.opened', 'commitment.late']);
  });

  it('a stored cancellation cancels it; of a stored delivery and cancellation, the earlier wins', async () => {
    const at = typesFor();
    const { customer, who } = await deliveryCustomer(at);
    const [cancelled, cancelledFirst, deliveredFirst] = orders(3) as [string, string, string];
    const cancel = ev(at('cancelled'), { ...who, refs: { orderId: cancelled }, occurredAt: minutesAgo(30) });
    await send([
      cancel,
      ev(at('cancelled'), { ...who, refs: { orderId: cancelledFirst }, occurredAt: minutesAgo(40) }),
      ev(at('delivered'), { ...who, refs: { orderId: cancelledFirst }, occurredAt: minutesAgo(20) }),
      ev(at('delivered'), { ...who, refs: { orderId: deliveredFirst }, occurredAt: minutesAgo(40) }),
    ]);
    await send([
      ...[cancelled, cancelledFirst, deliveredFirst].map((orderId) =>
        ev(at('promised'), {
          ...who,
          refs: { orderId },
          data: { promisedAt: inHours(24) },
          occurredAt: minutesAgo(60),
        }),
      ),
      // In the promise's own call, after the stored delivery: the delivery still wins.
      ev(at('cancelled'), { ...who, refs: { orderId: deliveredFirst }, occurredAt: minutesAgo(35) }),
    ]);
    const found = await instancesOf(customer.id);
    expect(found.get(cancelled)).toMatchObject({
      state: 'cancelled',
      closed_by_event_id: await storedId(cancel.id),
    });
    expect(iso(found.get(cancelled)!.closed_at)).toBe(cancel.occurredAt);
    expect(found.get(cancelledFirst)!.state).toBe('cancelled');
    expect(found.get(deliveredFirst)!.state).toBe('met');
  });

  it('avoid: a breaking event stored before the issue, from before its due time, breaks it', async () => {
    const at = typesFor();
    const { customer, who } = await customerWithCommitments(t.db, [invoiceRightCommitment(at)]);
    const [broken, afterDue, repromised] = ['B', 'A', 'R'].map((x) => `INV-${x}-${unique()}`) as [
      string,
      string,
      string,
    ];
    const dispute = ev(at('disputed'), { ...who, refs: { invoiceId: broken }, occurredAt: minutesAgo(30) });
    await send([
      dispute,
      // Disputed 90 minutes after issue: after the hour, so the invoice was kept.
      ev(at('disputed'), { ...who, refs: { invoiceId: afterDue }, occurredAt: minutesAgo(30) }),
      ev(at('disputed'), { ...who, refs: { invoiceId: repromised }, occurredAt: minutesAgo(30) }),
    ]);
    await send([
      ev(at('issued'), { ...who, refs: { invoiceId: broken }, occurredAt: minutesAgo(60) }),
      ev(at('issued'), { ...who, refs: { invoiceId: afterDue }, occurredAt: minutesAgo(120) }),
      ev(at('issued'), { ...who, refs: { invoiceId: repromised }, occurredAt: minutesAgo(120) }),
    ]);
    const found = await instancesOf(customer.id);
    expect(found.get(broken)).toMatchObject({
      state: 'broken',
      closed_by_event_id: await storedId(dispute.id),
    });
    expect(found.get(afterDue)!.state).toBe('open');
    // Issued again: the due time moves past the dispute, but a re-promise does not look again.
    await send([ev(at('issued'), { ...who, refs: { invoiceId: repromised }, occurredAt: minutesAgo(50) })]);
    expect((await instancesOf(customer.id)).get(repromised)).toMatchObject({ state: 'open', repromised: 1 });
    await closeDueCommitments(t.db);
    expect(await stateOf(customer.id, afterDue)).toBe('met');
  });
});

describe('ending events stored alongside the opening (two calls at once on PostgreSQL)', () => {
  it('the due time looks once more: met, late or cancelled as the stored event says; overdue without one', async () => {
    const at = typesFor();
    const { customer, who } = await deliveryCustomer(at);
    const [met, late, cancelled, none] = orders(4) as [string, string, string, string];
    const dueAgo = new Date(Date.now() - 20 * 60_000).toISOString();
    await send(
      [met, late, cancelled, none].map((orderId) =>
        ev(at('promised'), {
          ...who,
          refs: { orderId },
          data: { promisedAt: dueAgo },
          occurredAt: minutesAgo(60),
        }),
      ),
    );
    const deliveredAt = minutesAgo(40);
    const delivered = await storeAlongside(app, {
      type: at('delivered'),
      customerId: customer.id,
      refs: { orderId: met },
      occurredAt: deliveredAt,
    });
    const deliveredLate = await storeAlongside(app, {
      type: at('delivered'),
      customerId: customer.id,
      refs: { orderId: late },
      occurredAt: minutesAgo(10),
    });
    const cancel = await storeAlongside(app, {
      type: at('cancelled'),
      customerId: null,
      refs: { orderId: cancelled },
      occurredAt: minutesAgo(50),
    });
    // Still open: neither call saw the other.
    expect([...(await instancesOf(customer.id)).values()].map((r) => r.state)).toEqual([
      'open',
      'open',
      'open',
      'open',
    ]);

    expect(await closeDueCommitments(t.db)).toBeGreaterThanOrEqual(4);
    const found = await instancesOf(customer.id);
    expect(found.get(met)).toMatchObject({ state: 'met', closed_by_event_id: delivered });
    expect(iso(found.get(met)!.closed_at)).toBe(deliveredAt);
    expect(found.get(late)).toMatchObject({ state: 'late', closed_by_event_id: deliveredLate });
    expect(found.get(cancelled)).toMatchObject({ state: 'cancelled', closed_by_event_id: cancel });
    expect(found.get(none)).toMatchObject({ state: 'overdue', closed_at: null, closed_by_event_id: null });
    const history = await rows<{ type: string }>(
      t.db,
      sql`select type from domain_events where entity_id = ${found.get(late)!.id} order by occurred_at, id`,
    );
    expect(history.map((h) => h.type)).toEqual(['commitment.opened', 'commitment.late']);
  });

  it('avoid: a breaking event stored alongside, from before the due time, breaks it instead of met', async () => {
    const at = typesFor();
    const { customer, who } = await customerWithCommitments(t.db, [invoiceRightCommitment(at)]);
    const [broken, kept] = ['B', 'K'].map((x) => `INV-${x}-${unique()}`) as [string, string];
    await send([
      ev(at('issued'), { ...who, refs: { invoiceId: broken }, occurredAt: minutesAgo(120) }),
      ev(at('issued'), { ...who, refs: { invoiceId: kept }, occurredAt: minutesAgo(120) }),
    ]);
    const dispute = await storeAlongside(app, {
      type: at('disputed'),
      customerId: customer.id,
      refs: { invoiceId: broken },
      occurredAt: minutesAgo(90),
    });
    // Disputed after the hour: the invoice was kept.
    await storeAlongside(app, {
      type: at('disputed'),
      customerId: customer.id,
      refs: { invoiceId: kept },
      occurredAt: minutesAgo(30),
    });
    await closeDueCommitments(t.db);
    const found = await instancesOf(customer.id);
    expect(found.get(broken)).toMatchObject({ state: 'broken', closed_by_event_id: dispute });
    expect(found.get(kept)!.state).toBe('met');
  });
});
