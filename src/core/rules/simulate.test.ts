import { describe, expect, it } from 'vitest';
import { RuleDefinition, type RuleDefinitionInput } from '../../shared/schemas/rules.js';
import type { EventContext } from './evaluate.js';
import { type SimulatedSignal, simulateRule } from './simulate.js';

// Time in these scenarios is counted in hours from a fixed origin: h(0) = 2026-03-02T00:00Z.
const ORIGIN = Date.parse('2026-03-02T00:00:00.000Z');
const HOUR = 3600_000;
const h = (hours: number) => new Date(ORIGIN + hours * HOUR);
const hIso = (hours: number) => h(hours).toISOString();
const rule = (input: RuleDefinitionInput) => RuleDefinition.parse(input);

const AGR_1 = '00000000-0000-4000-8000-00000000a001';
const AGR_2 = '00000000-0000-4000-8000-00000000a002';

type Who = 'ada' | 'bob' | 'cyd' | 'anon';
/** Ada and Bob are enterprise customers of Acme under AGR_1; Cyd an SMB consumer under AGR_2. */
const PEOPLE: Record<Who, Pick<EventContext, 'customer' | 'organization' | 'agreementId'>> = {
  ada: {
    customer: { id: 'ada', name: 'Ada', email: null, externalId: null, segment: 'enterprise' },
    organization: { id: 'acme', name: 'Acme', domains: [] },
    agreementId: AGR_1,
  },
  bob: {
    customer: { id: 'bob', name: 'Bob', email: null, externalId: null, segment: 'enterprise' },
    organization: { id: 'acme', name: 'Acme', domains: [] },
    agreementId: AGR_1,
  },
  cyd: {
    customer: { id: 'cyd', name: 'Cyd', email: null, externalId: null, segment: 'smb' },
    organization: null,
    agreementId: AGR_2,
  },
  anon: { customer: null, organization: null, agreementId: null },
};

/** An event `id` of `type` at hour `at`, for `who`, with refs and data. */
function ev(
  id: string,
  type: string,
  at: number,
  who: Who = 'ada',
  refs: Record<string, string> = {},
  data: Record<string, unknown> = {},
): EventContext {
  return { id, type, occurredAt: h(at), source: 'test', refs, data, ...PEOPLE[who] };
}

/** A signal as the tables below write it; times in hours from the origin. */
interface View {
  key: string;
  customer: string | null;
  org: string | null;
  ref: string | null;
  firedAt: number;
  dueAt: number | null;
  evidence: string[];
}
const hours = (d: Date) => (d.getTime() - ORIGIN) / HOUR;
const view = (s: SimulatedSignal): View => ({
  key: s.dedupeKey,
  customer: s.customerId,
  org: s.organizationId,
  ref: s.ref,
  firedAt: hours(s.firedAt),
  dueAt: s.dueAt ? hours(s.dueAt) : null,
  evidence: s.evidence,
});
const run = (def: RuleDefinitionInput, events: EventContext[], nowHours = 1000) =>
  simulateRule(rule(def), events, { now: h(nowHours) }).signals.map(view);

type Scenario = [name: string, events: EventContext[], want: Partial<View>[], nowHours?: number];
/** Each expected signal names only the fields it checks. */
const check =
  (def: RuleDefinitionInput) =>
  (_name: string, events: EventContext[], want: Partial<View>[], now?: number) => {
    const got = run(def, events, now);
    expect(got.length, JSON.stringify(got)).toBe(want.length);
    want.forEach((w, i) => expect(got[i]).toMatchObject(w));
  };

// ---- match --------------------------------------------------------------------------------------

describe('match rules', () => {
  const damaged: RuleDefinitionInput = {
    kind: 'match',
    name: 'Damaged or lost',
    when: {
      type: 'shipment.exception',
      where: [{ field: 'data.reason', op: 'in', value: ['damaged', 'lost'] }],
    },
  };
  const exc = (id: string, at: number, who: Who, reason: string, orderId = 'SO-1') =>
    ev(id, 'shipment.exception', at, who, { orderId }, { reason });

  const withDedupe: Scenario[] = [
    ['nothing matches', [exc('e1', 0, 'ada', 'late'), ev('e2', 'shipment.scanned', 1)], []],
    [
      'one match',
      [exc('e1', 0, 'ada', 'damaged')],
      [
        {
          key: 'customer:ada',
          customer: 'ada',
          org: 'acme',
          ref: null,
          firedAt: 0,
          dueAt: null,
          evidence: ['e1'],
        },
      ],
    ],
    [
      'repeats of a live signal add evidence; other customers get their own',
      [
        exc('e1', 0, 'ada', 'damaged'),
        exc('e2', 1, 'ada', 'lost'),
        exc('e3', 2, 'bob', 'lost'),
        exc('e4', 3, 'ada', 'late'),
        exc('e5', 4, 'ada', 'damaged'),
      ],
      [
        { key: 'customer:ada', firedAt: 0, evidence: ['e1', 'e2', 'e5'] },
        { key: 'customer:bob', firedAt: 2, evidence: ['e3'] },
      ],
    ],
    [
      'events without a customer share one signal',
      [exc('e1', 0, 'anon', 'damaged'), exc('e2', 5, 'anon', 'lost')],
      [{ key: 'customer:-', customer: null, org: null, evidence: ['e1', 'e2'] }],
    ],
    [
      'events after now are not read',
      [exc('e1', 0, 'ada', 'damaged'), exc('e2', 11, 'bob', 'damaged')],
      [{ customer: 'ada' }],
      10,
    ],
    ['an event exactly at now is read', [exc('e1', 10, 'ada', 'damaged')], [{ firedAt: 10 }], 10],
  ];
  it.each(withDedupe)('%s', check(damaged));

  const perOrder: Scenario[] = [
    [
      'dedupe on a ref: one signal per customer and order',
      [
        exc('e1', 0, 'ada', 'damaged', 'SO-1'),
        exc('e2', 1, 'ada', 'damaged', 'SO-2'),
        exc('e3', 2, 'ada', 'lost', 'SO-1'),
        exc('e4', 3, 'bob', 'lost', 'SO-1'),
      ],
      [
        { key: 'customer:ada|orderId:SO-1', ref: 'SO-1', evidence: ['e1', 'e3'] },
        { key: 'customer:ada|orderId:SO-2', ref: 'SO-2', evidence: ['e2'] },
        { key: 'customer:bob|orderId:SO-1', ref: 'SO-1', evidence: ['e4'] },
      ],
    ],
    [
      'events without the ref share the "-" key',
      [
        ev('e1', 'shipment.exception', 0, 'ada', {}, { reason: 'lost' }),
        ev('e2', 'shipment.exception', 1, 'ada', {}, { reason: 'lost' }),
      ],
      [{ key: 'customer:ada|orderId:-', ref: null, evidence: ['e1', 'e2'] }],
    ],
  ];
  it.each(perOrder)('%s', check({ ...damaged, dedupe: { ref: 'orderId' } }));

  const noDedupe: Scenario[] = [
    [
      'without dedupe every match is a signal',
      [
        exc('e1', 0, 'ada', 'damaged'),
        exc('e2', 1, 'ada', 'lost'),
        exc('e3', 2, 'ada', 'late'),
        exc('e4', 3, 'ada', 'damaged'),
      ],
      [
        { key: 'event:e1', evidence: ['e1'], firedAt: 0 },
        { key: 'event:e2', evidence: ['e2'], firedAt: 1 },
        { key: 'event:e4', evidence: ['e4'], firedAt: 3 },
      ],
    ],
  ];
  it.each(noDedupe)('%s', check({ ...damaged, dedupe: { enabled: false } }));

  const scoped: Scenario[] = [
    [
      'scope by segment: only enterprise customers',
      [exc('e1', 0, 'cyd', 'damaged'), exc('e2', 1, 'anon', 'damaged'), exc('e3', 2, 'bob', 'damaged')],
      [{ customer: 'bob', evidence: ['e3'] }],
    ],
  ];
  it.each(scoped)('%s', check({ ...damaged, scope: { segments: ['enterprise'] } }));

  const byAgreement: Scenario[] = [
    [
      'scope by agreement',
      [exc('e1', 0, 'ada', 'damaged'), exc('e2', 1, 'cyd', 'damaged'), exc('e3', 2, 'anon', 'lost')],
      [{ customer: 'cyd', evidence: ['e2'] }],
    ],
  ];
  it.each(byAgreement)('%s', check({ ...damaged, scope: { agreements: [AGR_2] } }));

  it('takes a list of types', () => {
    const got = run({ kind: 'match', name: 'x', when: { type: ['order.cancelled', 'order.changed'] } }, [
      ev('e1', 'order.cancelled', 0),
      ev('e2', 'order.created', 1, 'bob'),
      ev('e3', 'order.changed', 2, 'bob'),
    ]);
    expect(got.map((s) => s.evidence)).toEqual([['e1'], ['e3']]);
  });

  it('reads events out of order as if they were sorted by time, then id', () => {
    const events = [
      exc('b', 2, 'ada', 'lost'),
      exc('c', 1, 'ada', 'lost'),
      exc('a', 2, 'ada', 'lost'),
      exc('d', 0, 'bob', 'lost'),
    ];
    const sorted = [events[3]!, events[1]!, events[2]!, events[0]!];
    const got = run(damaged, events);
    expect(got).toEqual(run(damaged, sorted));
    expect(got.map((s) => [s.customer, s.firedAt, s.evidence])).toEqual([
      ['bob', 0, ['d']],
      ['ada', 1, ['c', 'a', 'b']],
    ]);
    expect(events.map((e) => e.id)).toEqual(['b', 'c', 'a', 'd']); // the input is not reordered
  });

  it('counts the events read', () => {
    const events = [
      exc('e1', 0, 'ada', 'damaged'),
      ev('e2', 'x.y', 1),
      exc('e3', 2, 'cyd', 'late'),
      exc('e4', 20, 'bob', 'lost'),
    ];
    expect(simulateRule(rule(damaged), events, { now: h(10) }).eventsScanned).toBe(3);
    expect(simulateRule(rule(damaged), events, { now: h(20) }).eventsScanned).toBe(4);
    expect(simulateRule(rule(damaged), [], { now: h(20) })).toEqual({ signals: [], eventsScanned: 0 });
  });
});

// ---- threshold ----------------------------------------------------------------------------------

describe('threshold rules', () => {
  const complaints: RuleDefinitionInput = {
    kind: 'threshold',
    name: 'Repeat complaints',
    when: { type: 'complaint.received' },
    count: 3,
    window: 'PT10H',
  };
  const c = (
    id: string,
    at: number,
    who: Who = 'ada',
    data: Record<string, unknown> = {},
    refs: Record<string, string> = {},
  ) => ev(id, 'complaint.received', at, who, refs, data);

  const perCustomer: Scenario[] = [
    ['below the count', [c('c1', 0), c('c2', 1)], []],
    [
      'exactly at the count',
      [c('c1', 0), c('c2', 1), c('c3', 2)],
      [
        {
          key: 'customer:ada',
          customer: 'ada',
          org: 'acme',
          firedAt: 2,
          dueAt: null,
          evidence: ['c1', 'c2', 'c3'],
        },
      ],
    ],
    [
      'three at one instant',
      [c('c1', 5), c('c2', 5), c('c3', 5)],
      [{ firedAt: 5, evidence: ['c1', 'c2', 'c3'] }],
    ],
    [
      'further events add evidence while the signal is live',
      [c('c1', 0), c('c2', 1), c('c3', 2), c('c4', 3)],
      [{ firedAt: 2, evidence: ['c1', 'c2', 'c3', 'c4'] }],
    ],
    [
      '…even once the window no longer holds the count',
      [c('c1', 0), c('c2', 1), c('c3', 2), c('c4', 50)],
      [{ firedAt: 2, evidence: ['c1', 'c2', 'c3', 'c4'] }],
    ],
    // The window is (t - 10 h, t]: an event exactly 10 h older does not count.
    ['an event exactly one window older does not count', [c('c1', 0), c('c2', 5), c('c3', 10)], []],
    [
      'a millisecond inside the window counts',
      [c('c1', 0), c('c2', 5), c('c3', 10 - 1 / HOUR)],
      [{ evidence: ['c1', 'c2', 'c3'] }],
    ],
    [
      'the window slides',
      [c('c1', 0), c('c2', 5), c('c3', 11), c('c4', 14)],
      [{ firedAt: 14, evidence: ['c2', 'c3', 'c4'] }],
    ],
    [
      'customers count apart',
      [c('c1', 0, 'ada'), c('c2', 1, 'bob'), c('c3', 2, 'ada'), c('c4', 3, 'bob')],
      [],
    ],
    [
      'events without a customer are ignored',
      [c('c1', 0, 'anon'), c('c2', 1, 'anon'), c('c3', 2, 'anon')],
      [],
    ],
    [
      'other types do not count',
      [c('c1', 0), ev('x1', 'order.created', 1), c('c2', 2), ev('x2', 'complaint.closed', 3), c('c3', 4)],
      [{ evidence: ['c1', 'c2', 'c3'] }],
    ],
    ['events after now do not count', [c('c1', 0), c('c2', 1), c('c3', 6)], [], 5],
  ];
  it.each(perCustomer)('%s', check(complaints));

  const perOrganization: Scenario[] = [
    [
      'per organization: Acme’s contacts count together',
      [c('c1', 0, 'ada'), c('c2', 1, 'bob'), c('c3', 2, 'cyd'), c('c4', 3, 'ada')],
      [{ key: 'org:acme', org: 'acme', customer: 'ada', firedAt: 3, evidence: ['c1', 'c2', 'c4'] }],
    ],
    [
      'events without an organization are ignored',
      [c('c1', 0, 'cyd'), c('c2', 1, 'cyd'), c('c3', 2, 'cyd'), c('c4', 3, 'anon')],
      [],
    ],
  ];
  it.each(perOrganization)('%s', check({ ...complaints, per: 'organization' }));

  const withWhere: Scenario[] = [
    [
      'conditions pick the events that count',
      [
        c('c1', 0, 'ada', { severity: 'high' }),
        c('c2', 1, 'ada', { severity: 'low' }),
        c('c3', 2, 'ada', { severity: 'high' }),
        c('c4', 3, 'ada', { severity: 'high' }),
      ],
      [{ firedAt: 3, evidence: ['c1', 'c3', 'c4'] }],
    ],
  ];
  it.each(withWhere)(
    '%s',
    check({
      ...complaints,
      when: { type: 'complaint.received', where: [{ field: 'data.severity', op: 'eq', value: 'high' }] },
    }),
  );

  const noDedupe: Scenario[] = [
    [
      'without dedupe each event at or over the count fires',
      [c('c1', 0), c('c2', 1), c('c3', 2), c('c4', 3), c('c5', 20)],
      [
        { key: 'event:c3', firedAt: 2, evidence: ['c1', 'c2', 'c3'] },
        { key: 'event:c4', firedAt: 3, evidence: ['c1', 'c2', 'c3', 'c4'] },
      ],
    ],
  ];
  it.each(noDedupe)('%s', check({ ...complaints, dedupe: { enabled: false } }));

  const refDedupe: Scenario[] = [
    [
      'dedupe on a ref: counted per customer, one live signal per ref',
      [
        c('c1', 0, 'ada', {}, { orderId: 'SO-1' }),
        c('c2', 1, 'ada', {}, { orderId: 'SO-2' }),
        c('c3', 2, 'ada', {}, { orderId: 'SO-1' }),
        c('c4', 3, 'ada', {}, { orderId: 'SO-2' }),
        c('c5', 4, 'ada', {}, { orderId: 'SO-1' }),
      ],
      [
        { key: 'customer:ada|orderId:SO-1', ref: 'SO-1', firedAt: 2, evidence: ['c1', 'c2', 'c3', 'c5'] },
        { key: 'customer:ada|orderId:SO-2', ref: 'SO-2', firedAt: 3, evidence: ['c1', 'c2', 'c3', 'c4'] },
      ],
    ],
  ];
  it.each(refDedupe)('%s', check({ ...complaints, dedupe: { ref: 'orderId' } }));

  const scoped: Scenario[] = [
    [
      'scope: out-of-scope events do not count',
      [
        c('c1', 0, 'ada'),
        c('c2', 1, 'ada'),
        c('c3', 2, 'ada'),
        c('c4', 0, 'cyd'),
        c('c5', 1, 'cyd'),
        c('c6', 2, 'cyd'),
      ],
      [{ customer: 'cyd' }],
    ],
  ];
  it.each(scoped)('%s', check({ ...complaints, scope: { segments: ['smb'] } }));

  it('counts over a long run of events in linear time', () => {
    const events = Array.from({ length: 50_000 }, (_, i) =>
      c(`c${String(i).padStart(6, '0')}`, i / 10, i % 2 ? 'ada' : 'bob'),
    );
    const got = simulateRule(rule({ ...complaints, count: 200 }), events, { now: h(10_000) }).signals;
    // 10 events an hour, every other one Ada's: 5 an hour each, so 10 h hold at most 50.
    expect(got).toEqual([]);
    const fired = simulateRule(rule({ ...complaints, count: 50 }), events, { now: h(10_000) }).signals;
    expect(fired.map((s) => s.customerId)).toEqual(['bob', 'ada']);
    expect(fired[0]!.evidence.length).toBe(25_000); // the 50 in the first window, then each later one of Bob's
  });
});

// ---- absence: within ---------------------------------------------------------------------------

describe('absence rules with within', () => {
  const noScan: RuleDefinitionInput = {
    kind: 'absence',
    name: 'No scan',
    after: { type: 'shipment.dispatched' },
    expect: { type: 'shipment.scanned' },
    sameRef: 'shipmentId',
    within: 'PT10H',
  };
  const dispatched = (id: string, at: number, ref = 'SH-1', who: Who = 'ada') =>
    ev(id, 'shipment.dispatched', at, who, { shipmentId: ref, orderId: 'SO-1' });
  const scanned = (id: string, at: number, ref = 'SH-1', who: Who = 'anon') =>
    ev(id, 'shipment.scanned', at, who, { shipmentId: ref });

  const cases: Scenario[] = [
    ['scanned in time', [dispatched('d1', 0), scanned('s1', 5)], []],
    ['scanned exactly at the due time', [dispatched('d1', 0), scanned('s1', 10)], []],
    [
      'never scanned',
      [dispatched('d1', 0)],
      [
        {
          key: 'customer:ada|shipmentId:SH-1',
          customer: 'ada',
          org: 'acme',
          ref: 'SH-1',
          firedAt: 10,
          dueAt: null,
          evidence: ['d1'],
        },
      ],
    ],
    [
      'a millisecond late',
      [dispatched('d1', 0), scanned('s1', 10 + 1 / HOUR)],
      [{ firedAt: 10, evidence: ['d1'] }],
    ],
    [
      'a late scan resolves the signal, so the next dispatch may fire anew',
      [dispatched('d1', 0), scanned('s1', 12), dispatched('d2', 20)],
      [
        { firedAt: 10, evidence: ['d1'] },
        { firedAt: 30, evidence: ['d2'] },
      ],
    ],
    [
      'without a scan the signal stays live: the next firing adds evidence',
      [dispatched('d1', 0), dispatched('d2', 20)],
      [{ firedAt: 10, dueAt: null, evidence: ['d1', 'd2'] }],
    ],
    [
      'a scan before the dispatch is ignored',
      [scanned('s1', 0), dispatched('d1', 1)],
      [{ firedAt: 11, evidence: ['d1'] }],
    ],
    [
      'a scan at the same instant counts, whatever the id order',
      [scanned('a-scan', 3), dispatched('b-dispatch', 3)],
      [],
    ],
    ['…and after it in id order too', [dispatched('a-dispatch', 3), scanned('b-scan', 3)], []],
    [
      'a repeated dispatch while waiting restarts the wait (no second wait)',
      [dispatched('d1', 0), dispatched('d2', 5)],
      [{ firedAt: 15, evidence: ['d2'] }],
    ],
    [
      '…and the first scan ends the one wait',
      [dispatched('d1', 0), dispatched('d2', 5), scanned('s1', 9)],
      [],
    ],
    [
      'a dispatch exactly at the due time restarts the wait',
      [dispatched('d1', 0), dispatched('d2', 10)],
      [{ firedAt: 20, evidence: ['d2'] }],
    ],
    [
      'a wait due before an event fires before it: the next dispatch starts a new wait',
      [dispatched('d1', 0), dispatched('d2', 10 + 1 / HOUR)],
      [{ firedAt: 10, evidence: ['d1', 'd2'] }],
    ],
    ['pending at now: not fired', [dispatched('d1', 0)], [], 9.99],
    ['due exactly at now: fired', [dispatched('d1', 0)], [{ firedAt: 10 }], 10],
    [
      'a scan of another shipment does not count',
      [dispatched('d1', 0, 'SH-1'), scanned('s1', 5, 'SH-2')],
      [{ ref: 'SH-1' }],
    ],
    [
      'shipments wait apart',
      [dispatched('d1', 0, 'SH-1'), dispatched('d2', 1, 'SH-2', 'bob'), scanned('s1', 5, 'SH-2')],
      [{ ref: 'SH-1', customer: 'ada', firedAt: 10 }],
    ],
    [
      'a dispatch without the ref starts nothing',
      [ev('d1', 'shipment.dispatched', 0, 'ada', { orderId: 'SO-1' })],
      [],
    ],
    [
      'a dispatch with an empty ref starts nothing',
      [ev('d1', 'shipment.dispatched', 0, 'ada', { shipmentId: '' })],
      [],
    ],
    [
      'a scan without a customer still ends the wait',
      [dispatched('d1', 0), scanned('s1', 2, 'SH-1', 'anon')],
      [],
    ],
    [
      'signals come in firedAt order',
      [dispatched('d1', 0, 'SH-1'), dispatched('d2', 1, 'SH-2', 'bob'), dispatched('d3', 2, 'SH-3', 'cyd')],
      [
        { ref: 'SH-1', firedAt: 10 },
        { ref: 'SH-2', firedAt: 11 },
        { ref: 'SH-3', firedAt: 12 },
      ],
    ],
  ];
  it.each(cases)('%s', check(noScan));

  const scoped: Scenario[] = [
    ['scope: an out-of-scope dispatch starts nothing', [dispatched('d1', 0, 'SH-1', 'cyd')], []],
    [
      'scope: an out-of-scope scan still ends the wait',
      [dispatched('d1', 0, 'SH-1', 'ada'), scanned('s1', 3, 'SH-1', 'cyd')],
      [],
    ],
    ['scope: in-scope dispatches fire', [dispatched('d1', 0, 'SH-1', 'bob')], [{ customer: 'bob' }]],
  ];
  it.each(scoped)('%s', check({ ...noScan, scope: { segments: ['enterprise'] } }));

  const noDedupe: Scenario[] = [
    [
      'without dedupe each wait that passes is a signal',
      [dispatched('d1', 0), dispatched('d2', 20)],
      [
        { key: 'event:d1', firedAt: 10, evidence: ['d1'] },
        { key: 'event:d2', firedAt: 30, evidence: ['d2'] },
      ],
    ],
  ];
  it.each(noDedupe)('%s', check({ ...noScan, dedupe: { enabled: false } }));

  const orderDedupe: Scenario[] = [
    [
      'dedupe on another ref: two shipments of one order, one signal',
      [dispatched('d1', 0, 'SH-1'), dispatched('d2', 1, 'SH-2')],
      [{ key: 'customer:ada|orderId:SO-1', ref: 'SO-1', firedAt: 10, evidence: ['d1', 'd2'] }],
    ],
  ];
  it.each(orderDedupe)('%s', check({ ...noScan, dedupe: { ref: 'orderId' } }));

  const expectWhere: Scenario[] = [
    [
      'the expected event must meet its conditions',
      [
        dispatched('d1', 0),
        ev('s1', 'shipment.scanned', 2, 'anon', { shipmentId: 'SH-1' }, { hub: 'returns' }),
        ev('d2', 'shipment.dispatched', 3, 'bob', { shipmentId: 'SH-2' }),
        ev('s2', 'shipment.scanned', 4, 'anon', { shipmentId: 'SH-2' }, { hub: 'main' }),
      ],
      [{ ref: 'SH-1', firedAt: 10 }],
    ],
  ];
  it.each(expectWhere)(
    '%s',
    check({
      ...noScan,
      expect: { type: 'shipment.scanned', where: [{ field: 'data.hub', op: 'neq', value: 'returns' }] },
    }),
  );

  const heartbeat: Scenario[] = [
    [
      'the same type starting and ending waits: a heartbeat',
      [
        ev('b1', 'device.heartbeat', 0, 'ada', { deviceId: 'D1' }),
        ev('b2', 'device.heartbeat', 5, 'ada', { deviceId: 'D1' }),
        ev('b3', 'device.heartbeat', 14, 'ada', { deviceId: 'D1' }),
        ev('b4', 'device.heartbeat', 30, 'ada', { deviceId: 'D1' }),
      ],
      [{ ref: 'D1', firedAt: 24, dueAt: null, evidence: ['b3'] }],
      35,
    ],
  ];
  it.each(heartbeat)(
    '%s',
    check({
      kind: 'absence',
      name: 'Silent device',
      after: { type: 'device.heartbeat' },
      expect: { type: 'device.heartbeat' },
      sameRef: 'deviceId',
      within: 'PT10H',
    }),
  );

  it('replays a long run of waits quickly', () => {
    const events: EventContext[] = [];
    for (let i = 0; i < 25_000; i++) {
      const ref = `SH-${i}`;
      events.push(dispatched(`d${String(i).padStart(6, '0')}`, i / 100, ref, i % 2 ? 'ada' : 'bob'));
      // Every third shipment is scanned in time, every third late, every third never.
      if (i % 3 === 0) events.push(scanned(`s${String(i).padStart(6, '0')}`, i / 100 + 9, ref));
      if (i % 3 === 1) events.push(scanned(`s${String(i).padStart(6, '0')}`, i / 100 + 11, ref));
    }
    events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : 1));
    const got = simulateRule(rule({ ...noScan, dedupe: { enabled: false } }), events, { now: h(1000) });
    expect(got.eventsScanned).toBe(events.length);
    expect(got.signals.length).toBe(25_000 - Math.ceil(25_000 / 3));
    const fired = got.signals.map((s) => s.firedAt.getTime());
    expect(fired).toEqual([...fired].sort((a, b) => a - b));
  });
});

// ---- absence: by a deadline --------------------------------------------------------------------

describe('absence rules with a deadline and a lead', () => {
  const willMiss: RuleDefinitionInput = {
    kind: 'absence',
    name: 'Will miss promise',
    after: { type: 'order.promised' },
    expect: { type: 'shipment.delivered' },
    sameRef: 'orderId',
    by: 'data.promisedAt',
    lead: 'PT24H',
  };
  const promised = (id: string, at: number, by: number | string | null, ref = 'SO-1', who: Who = 'ada') =>
    ev(
      id,
      'order.promised',
      at,
      who,
      { orderId: ref },
      by === null ? {} : { promisedAt: typeof by === 'number' ? hIso(by) : by },
    );
  const delivered = (id: string, at: number, ref = 'SO-1') =>
    ev(id, 'shipment.delivered', at, 'anon', { orderId: ref });

  const cases: Scenario[] = [
    ['delivered before the lead begins', [promised('p1', 0, 72), delivered('x1', 40)], []],
    ['delivered exactly as the lead begins', [promised('p1', 0, 72), delivered('x1', 48)], []],
    [
      'not delivered: fires a day before the promise',
      [promised('p1', 0, 72)],
      [{ ref: 'SO-1', firedAt: 48, dueAt: 72, evidence: ['p1'] }],
    ],
    [
      'delivered within the lead, still on time: fired, then resolved',
      [promised('p1', 0, 72), delivered('x1', 60), promised('p2', 80, 150)],
      [
        { firedAt: 48, dueAt: 72 },
        { firedAt: 126, dueAt: 150, evidence: ['p2'] },
      ],
    ],
    ['inside the lead at now: fired', [promised('p1', 0, 72)], [{ firedAt: 48 }], 50],
    ['before the lead at now: pending', [promised('p1', 0, 72)], [], 47],
    ['no promised time: no wait', [promised('p1', 0, null)], []],
    ['an unreadable promised time: no wait', [promised('p1', 0, 'next week')], []],
    [
      'a date-only promise is due as the next day begins (UTC)',
      [promised('p1', 0, '2026-03-05')],
      [{ firedAt: 72, dueAt: 96 }],
    ],
    [
      'a promise already inside the lead fires at the start',
      [promised('p1', 10, 20)],
      [{ firedAt: 10, dueAt: 20, evidence: ['p1'] }],
    ],
    ['a promise already past fires at the start', [promised('p1', 10, 5)], [{ firedAt: 10, dueAt: 5 }]],
    [
      '…and delivered at that same instant: late, so fired, then resolved',
      [promised('p1', 10, 5), delivered('x1', 10)],
      [{ firedAt: 10 }],
    ],
    [
      'a re-promise while waiting moves the deadline',
      [promised('p1', 0, 72), promised('p2', 10, 200)],
      [{ firedAt: 176, dueAt: 200, evidence: ['p2'] }],
      300,
    ],
    [
      'earlier deadlines fire first, whatever the start order',
      [
        promised('p1', 0, 200, 'SO-1'),
        promised('p2', 1, 50, 'SO-2', 'bob'),
        promised('p3', 2, 100, 'SO-3', 'cyd'),
      ],
      [
        { ref: 'SO-2', customer: 'bob', firedAt: 26, dueAt: 50 },
        { ref: 'SO-3', customer: 'cyd', firedAt: 76, dueAt: 100 },
        { ref: 'SO-1', customer: 'ada', firedAt: 176, dueAt: 200 },
      ],
    ],
  ];
  it.each(cases)('%s', check(willMiss));

  const scoped: Scenario[] = [
    [
      'scope by agreement',
      [promised('p1', 0, 72, 'SO-1', 'ada'), promised('p2', 0, 72, 'SO-2', 'cyd')],
      [{ ref: 'SO-1', customer: 'ada' }],
    ],
  ];
  it.each(scoped)('%s', check({ ...willMiss, scope: { agreements: [AGR_1] } }));

  const noLead: Scenario[] = [
    ['without a lead it fires at the deadline', [promised('p1', 0, 72)], [{ firedAt: 72, dueAt: 72 }]],
    ['delivered exactly at the deadline', [promised('p1', 0, 72), delivered('x1', 72)], []],
  ];
  it.each(noLead)('%s', check({ ...willMiss, lead: undefined }));
});
