// awaitedArrivalsOf answers the same whichever way it reads the events: by a range of their time
// (starts close together and recent: a live batch) or by one refs-index probe per ref (starts far
// apart or long ago: a timer run's due waits, a backfilled batch).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.js';
import { createTestDatabase } from '../../../../test/helpers/db.js';
import { unique } from '../../../../test/helpers/factories.js';
import { makeEvent } from '../../../../test/helpers/signal-factories.js';
import { RuleDefinition, type AbsenceRule, type RuleDefinitionInput } from '../../../shared/schemas/rules.js';
import { awaitedArrivalsOf } from './engine.js';

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;
beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
});
afterAll(() => handle?.close());

const MIN = 60_000;
const absence = (d: Omit<Extract<RuleDefinitionInput, { kind: 'absence' }>, 'kind' | 'name' | 'severity'>) =>
  RuleDefinition.parse({
    kind: 'absence',
    name: `Wait ${unique()}`,
    severity: 'medium',
    ...d,
  }) as AbsenceRule;
const ago = (minutes: number) => new Date(Date.now() - minutes * MIN);

describe('awaitedArrivalsOf', () => {
  it('finds the awaited events of each wait, the same by time range and by ref probes', async () => {
    const t = `x${unique()}`;
    const rule = absence({
      after: { type: `${t}.dispatched` },
      expect: {
        type: [`${t}.scanned`, `${t}.delivered`],
        where: [{ field: 'data.ok', op: 'eq', value: true }],
      },
      sameRef: 'shipmentId',
      within: 'P3D',
    });
    const other = absence({
      after: { type: `${t}.promised` },
      expect: { type: `${t}.delivered` },
      sameRef: 'orderId',
      within: 'P3D',
    });
    const [a, b, c, d] = ['A', 'B', 'C', 'D'].map((x) => `SH-${x}-${unique()}`) as [
      string,
      string,
      string,
      string,
    ];
    const order = `SO-${unique()}`;
    const start = (ref: string, at: Date) => ({ ref, startedAt: at, startEventId: `start-${ref}` });
    // a: scanned after its start; b: scanned before it only; c: scanned, but the condition fails;
    // d: nothing. The order's delivery came after its promise.
    await makeEvent(db, {
      type: `${t}.scanned`,
      refs: { shipmentId: a },
      data: { ok: true },
      occurredAt: ago(5),
    });
    await makeEvent(db, {
      type: `${t}.scanned`,
      refs: { shipmentId: b },
      data: { ok: true },
      occurredAt: ago(40),
    });
    await makeEvent(db, {
      type: `${t}.delivered`,
      refs: { shipmentId: c },
      data: { ok: false },
      occurredAt: ago(5),
    });
    await makeEvent(db, {
      type: `${t}.delivered`,
      refs: { orderId: order, shipmentId: d },
      occurredAt: ago(3),
    });
    const expected = [[true, false, false, false], [true]];

    // Recent and close together: read by time.
    const recent = await awaitedArrivalsOf(db, [
      { rule, waits: [start(a, ago(10)), start(b, ago(10)), start(c, ago(10)), start(d, ago(10))] },
      { rule: other, waits: [start(order, ago(10))] },
    ]);
    expect(recent).toEqual(expected);
    // Begun long ago (as a timer run's due waits are): probed by ref; the same answers for the
    // same facts (b's scan is still before its start).
    const spread = await awaitedArrivalsOf(db, [
      { rule, waits: [start(a, ago(10)), start(b, ago(30)), start(c, ago(3 * 24 * 60)), start(d, ago(10))] },
      { rule: other, waits: [start(order, ago(2 * 24 * 60))] },
    ]);
    expect(spread).toEqual(expected);
    // The starting event itself is never its own awaited event.
    const self = await makeEvent(db, {
      type: `${t}.scanned`,
      refs: { shipmentId: d },
      data: { ok: true },
      occurredAt: ago(1),
    });
    const [[own]] = (await awaitedArrivalsOf(db, [
      { rule, waits: [{ ref: d, startedAt: ago(2 * 24 * 60), startEventId: self.id }] },
    ])) as [[boolean]];
    expect(own).toBe(false);
    expect(await awaitedArrivalsOf(db, [{ rule, waits: [] }])).toEqual([[]]);
  });
});
