import { describe, expect, it } from 'vitest';
import { CommitmentDefinition } from '../../shared/schemas/signals.js';
import {
  cancellationsByType,
  cancellingEventOf,
  closingEventOf,
  closingRefsByType,
  endingsOf,
  closingState,
  commitmentOpening,
  dueState,
  onTimeRate,
} from './commitments.js';
import type { EventContext } from './evaluate.js';

const T = (iso: string) => new Date(iso);
const def = (input: unknown) => CommitmentDefinition.parse(input);

/** Delivery by the promised date (fulfil, due from the event). */
const delivery = def({
  key: 'on_time_delivery',
  name: 'On-time delivery',
  opens: 'order.promised',
  ref: 'orderId',
  dueFrom: 'data.promisedAt',
  fulfilledBy: 'shipment.delivered',
});
/** A callback within 2 hours, for web requests of enterprise customers only. */
const callback = def({
  key: 'callback',
  name: 'Callback in 2 h',
  opens: 'callback.requested',
  ref: 'requestId',
  within: 'PT2H',
  fulfilledBy: 'call.completed',
  where: [
    { field: 'data.channel', op: 'eq', value: 'web' },
    { field: 'segment', op: 'in', value: ['enterprise'] },
  ],
});
/** Invoices correct first time: broken by a dispute within 14 days (avoid). */
const invoices = def({
  key: 'invoice_accuracy',
  name: 'Invoice accuracy',
  mode: 'avoid',
  opens: 'invoice.issued',
  ref: 'invoiceId',
  within: 'P14D',
  brokenBy: 'invoice.disputed',
});

function event(
  type: string,
  refs: Record<string, string>,
  data: Record<string, unknown> = {},
  segment = 'enterprise',
): EventContext {
  return {
    id: 'ev-1',
    type,
    occurredAt: T('2026-03-02T10:00:00.000Z'),
    source: 'erp',
    refs,
    data,
    customer: { id: 'cus-1', name: 'Ada', email: null, externalId: null, segment },
    organization: null,
    agreementId: null,
  };
}

/** The event, from a customer who lives in `timeZone`. */
const inZone = (e: EventContext, timeZone: string): EventContext => ({
  ...e,
  customer: { ...e.customer!, segment: null, timeZone },
});

describe('commitmentOpening', () => {
  const cases: [
    name: string,
    d: CommitmentDefinition,
    e: EventContext,
    want: { refValue: string; dueAt: string } | { problem: string } | null,
  ][] = [
    [
      'due from the event',
      delivery,
      event('order.promised', { orderId: 'SO-1' }, { promisedAt: '2026-03-05T12:00:00Z' }),
      { refValue: 'SO-1', dueAt: '2026-03-05T12:00:00.000Z' },
    ],
    [
      'due from a time with an offset',
      delivery,
      event('order.promised', { orderId: 'SO-1' }, { promisedAt: '2026-03-05T14:00:00+02:00' }),
      { refValue: 'SO-1', dueAt: '2026-03-05T12:00:00.000Z' },
    ],
    [
      'due from a zone-less time: UTC',
      delivery,
      event('order.promised', { orderId: 'SO-1' }, { promisedAt: '2026-03-05T12:00:00' }),
      { refValue: 'SO-1', dueAt: '2026-03-05T12:00:00.000Z' },
    ],
    [
      'due from a date alone: by the end of that day, UTC',
      delivery,
      event('order.promised', { orderId: 'SO-1' }, { promisedAt: '2026-03-05' }),
      { refValue: 'SO-1', dueAt: '2026-03-06T00:00:00.000Z' },
    ],
    [
      'due from a date alone, to a customer in Berlin: the end of that day there',
      delivery,
      inZone(event('order.promised', { orderId: 'SO-1' }, { promisedAt: '2026-03-05' }), 'Europe/Berlin'),
      { refValue: 'SO-1', dueAt: '2026-03-05T23:00:00.000Z' },
    ],
    [
      'due already past: opened all the same (the engine closes it)',
      delivery,
      event('order.promised', { orderId: 'SO-1' }, { promisedAt: '2026-03-01T00:00:00Z' }),
      { refValue: 'SO-1', dueAt: '2026-03-01T00:00:00.000Z' },
    ],
    [
      'no due time in the event',
      delivery,
      event('order.promised', { orderId: 'SO-1' }),
      { problem: 'data.promisedAt is missing' },
    ],
    [
      'a null due time',
      delivery,
      event('order.promised', { orderId: 'SO-1' }, { promisedAt: null }),
      { problem: 'data.promisedAt is missing' },
    ],
    [
      'the last day of year 9999 west of UTC: ends in year 10000, no time the database keeps',
      delivery,
      inZone(event('order.promised', { orderId: 'SO-1' }, { promisedAt: '9999-12-31' }), 'America/Chicago'),
      { problem: 'data.promisedAt is not a time: "9999-12-31"' },
    ],
    [
      'an unreadable due time',
      delivery,
      event('order.promised', { orderId: 'SO-1' }, { promisedAt: 'Friday' }),
      { problem: 'data.promisedAt is not a time: "Friday"' },
    ],
    [
      'an impossible due date',
      delivery,
      event('order.promised', { orderId: 'SO-1' }, { promisedAt: '2026-02-30' }),
      { problem: 'data.promisedAt is not a time: "2026-02-30"' },
    ],
    [
      'a number as due time',
      delivery,
      event('order.promised', { orderId: 'SO-1' }, { promisedAt: 1772712000000 }),
      { problem: 'data.promisedAt is not a time: 1772712000000' },
    ],
    [
      'another type',
      delivery,
      event('order.created', { orderId: 'SO-1' }, { promisedAt: '2026-03-05' }),
      null,
    ],
    [
      'the closing type',
      delivery,
      event('shipment.delivered', { orderId: 'SO-1' }, { promisedAt: '2026-03-05' }),
      null,
    ],
    [
      'without the ref',
      delivery,
      event('order.promised', { shipmentId: 'SH-1' }, { promisedAt: '2026-03-05' }),
      { problem: 'the event has no refs.orderId' },
    ],
    [
      'with an empty ref',
      delivery,
      event('order.promised', { orderId: '' }, { promisedAt: '2026-03-05' }),
      { problem: 'the event has no refs.orderId' },
    ],
    [
      'the ref in data does not count',
      delivery,
      event('order.promised', {}, { orderId: 'SO-1', promisedAt: '2026-03-05' }),
      { problem: 'the event has no refs.orderId' },
    ],
    [
      'within: due that long after the event',
      callback,
      event('callback.requested', { requestId: 'R-9' }, { channel: 'web' }),
      { refValue: 'R-9', dueAt: '2026-03-02T12:00:00.000Z' },
    ],
    [
      'a condition fails',
      callback,
      event('callback.requested', { requestId: 'R-9' }, { channel: 'phone' }),
      null,
    ],
    [
      'the field of a condition is missing',
      callback,
      event('callback.requested', { requestId: 'R-9' }),
      null,
    ],
    [
      'the segment condition fails',
      callback,
      event('callback.requested', { requestId: 'R-9' }, { channel: 'web' }, 'smb'),
      null,
    ],
    [
      'avoid: due when the quiet period ends',
      invoices,
      event('invoice.issued', { invoiceId: 'INV-1', orderId: 'SO-1' }),
      { refValue: 'INV-1', dueAt: '2026-03-16T10:00:00.000Z' },
    ],
  ];
  it.each(cases)('%s', (_name, d, e, want) => {
    const got = commitmentOpening(d, e);
    expect(
      got && ('problem' in got ? got : { refValue: got.refValue, dueAt: got.dueAt.toISOString() }),
    ).toEqual(want);
  });

  it('does not read a prototype-named ref the event lacks', () => {
    const d = def({ ...delivery, ref: 'constructor' });
    expect(
      commitmentOpening(d, event('order.promised', { orderId: 'SO-1' }, { promisedAt: '2026-03-05' })),
    ).toEqual({ problem: 'the event has no refs.constructor' });
    expect(
      commitmentOpening(d, event('order.promised', { constructor: 'C-1' }, { promisedAt: '2026-03-05' })),
    ).toMatchObject({ refValue: 'C-1' });
  });
});

describe('closingEventOf', () => {
  it.each([
    ['fulfil', delivery, 'shipment.delivered'],
    ['fulfil, within', callback, 'call.completed'],
    ['avoid', invoices, 'invoice.disputed'],
  ] as const)('%s → %s', (_name, d, want) => {
    expect(closingEventOf(d)).toBe(want);
  });
});

describe('cancellingEventOf', () => {
  it('is cancelledBy, in either mode; null without it', () => {
    expect(cancellingEventOf(def({ ...delivery, cancelledBy: 'order.cancelled' }))).toBe('order.cancelled');
    expect(cancellingEventOf(def({ ...invoices, cancelledBy: 'invoice.voided' }))).toBe('invoice.voided');
    expect(cancellingEventOf(delivery)).toBeNull();
  });
});

describe('endingsOf, closingRefsByType and cancellationsByType', () => {
  const cancellable = def({ ...delivery, cancelledBy: 'order.cancelled' });
  // The same key elsewhere, followed by another ref, and closing on the same delivery.
  const byShipment = def({ ...delivery, ref: 'shipmentId', cancelledBy: 'order.cancelled' });
  const express = def({ ...delivery, key: 'express', cancelledBy: 'order.cancelled' });
  const voidable = def({ ...invoices, cancelledBy: 'invoice.voided' });
  // Several agreements' definitions, as the agreements service records them.
  const endings = [
    ...endingsOf([cancellable, voidable]),
    ...endingsOf([cancellable, express]),
    ...endingsOf([delivery, callback]),
    ...endingsOf([byShipment]),
  ];

  it('each definition ends on its closing type, and on its cancelling type for its key', () => {
    expect(endingsOf([cancellable, voidable, express, cancellable])).toEqual([
      { type: 'shipment.delivered', refKey: 'orderId', cancels: '' },
      { type: 'order.cancelled', refKey: 'orderId', cancels: 'on_time_delivery' },
      { type: 'invoice.disputed', refKey: 'invoiceId', cancels: '' },
      { type: 'invoice.voided', refKey: 'invoiceId', cancels: 'invoice_accuracy' },
      { type: 'order.cancelled', refKey: 'orderId', cancels: 'express' },
    ]);
    expect(endingsOf([])).toEqual([]);
  });

  it('closing types with the refs they close by, whatever the agreement', () => {
    expect(closingRefsByType(endings)).toEqual(
      new Map([
        ['shipment.delivered', new Set(['orderId', 'shipmentId'])],
        ['invoice.disputed', new Set(['invoiceId'])],
        ['call.completed', new Set(['requestId'])],
      ]),
    );
  });

  it('cancelling types with the keys and refs they may cancel, each once', () => {
    const byType = cancellationsByType(endings);
    expect(new Set(byType.get('order.cancelled'))).toEqual(
      new Set([
        // The delivery without cancelledBy adds nothing.
        { key: 'on_time_delivery', ref: 'orderId' },
        { key: 'express', ref: 'orderId' },
        { key: 'on_time_delivery', ref: 'shipmentId' },
      ]),
    );
    expect(byType.get('order.cancelled')).toHaveLength(3);
    expect(byType.get('invoice.voided')).toEqual([{ key: 'invoice_accuracy', ref: 'invoiceId' }]);
    expect(byType.size).toBe(2);
  });

  it('nothing without commitments', () => {
    expect(closingRefsByType(endingsOf([])).size).toBe(0);
    expect(cancellationsByType(endingsOf([delivery])).size).toBe(0);
  });
});

describe('closingState', () => {
  const due = T('2026-03-05T12:00:00.000Z');
  const cases: [mode: 'fulfil' | 'avoid', closedAt: string, want: 'met' | 'late' | 'broken'][] = [
    ['fulfil', '2026-03-01T00:00:00.000Z', 'met'],
    ['fulfil', '2026-03-05T11:59:59.999Z', 'met'],
    ['fulfil', '2026-03-05T12:00:00.000Z', 'met'],
    ['fulfil', '2026-03-05T12:00:00.001Z', 'late'],
    ['fulfil', '2026-04-01T00:00:00.000Z', 'late'],
    ['avoid', '2026-03-01T00:00:00.000Z', 'broken'],
    ['avoid', '2026-03-05T12:00:00.000Z', 'broken'],
    ['avoid', '2026-03-05T12:00:00.001Z', 'broken'],
  ];
  it.each(cases)('%s closed at %s → %s', (mode, closedAt, want) => {
    expect(closingState({ mode }, due, T(closedAt))).toBe(want);
  });
});

describe('dueState', () => {
  it('the due time passing: fulfil is overdue, avoid is met', () => {
    expect(dueState('fulfil')).toBe('overdue');
    expect(dueState('avoid')).toBe('met');
  });
});

describe('onTimeRate', () => {
  const cases: [
    counts: { met: number; late: number; broken: number; overdue: number },
    want: number | null,
  ][] = [
    [{ met: 0, late: 0, broken: 0, overdue: 0 }, null],
    [{ met: 5, late: 0, broken: 0, overdue: 0 }, 1],
    [{ met: 0, late: 2, broken: 0, overdue: 0 }, 0],
    [{ met: 0, late: 0, broken: 0, overdue: 3 }, 0],
    [{ met: 3, late: 1, broken: 0, overdue: 0 }, 0.75],
    [{ met: 1, late: 1, broken: 1, overdue: 1 }, 0.25],
    [{ met: 9, late: 0, broken: 1, overdue: 0 }, 0.9],
    [{ met: 2, late: 0, broken: 0, overdue: 1 }, 2 / 3],
  ];
  it.each(cases)('%j → %s', (counts, want) => {
    expect(onTimeRate(counts)).toBe(want);
  });
});

describe('CommitmentDefinition', () => {
  it('fills mode fulfil', () => {
    expect(delivery.mode).toBe('fulfil');
  });
  const base = {
    key: 'k',
    name: 'K',
    opens: 'order.promised',
    ref: 'orderId',
    fulfilledBy: 'shipment.delivered',
  };
  const cases: [name: string, input: unknown, path: string, message: RegExp][] = [
    [
      'both dueFrom and within',
      { ...base, dueFrom: 'data.promisedAt', within: 'P1D' },
      'dueFrom',
      /either dueFrom or within/,
    ],
    ['neither dueFrom nor within', base, 'dueFrom', /either dueFrom or within/],
    [
      'fulfil without fulfilledBy',
      { ...base, within: 'P1D', fulfilledBy: undefined },
      'fulfilledBy',
      /names fulfilledBy/,
    ],
    ['avoid without brokenBy', { ...base, mode: 'avoid', within: 'P1D' }, 'brokenBy', /names brokenBy/],
    ['a key with capitals', { ...base, within: 'P1D', key: 'OnTime' }, 'key', /lower-case letters/],
    ['a within in months', { ...base, within: 'P1M' }, 'within', /ISO 8601 duration/],
    ['a dueFrom that is not a field', { ...base, dueFrom: 'promisedAt' }, 'dueFrom', /a field is/],
    [
      'cancelledBy the opening type',
      { ...base, within: 'P1D', cancelledBy: 'order.promised' },
      'cancelledBy',
      /^cancelledBy must differ from opens$/,
    ],
    [
      'cancelledBy the fulfilling type',
      { ...base, within: 'P1D', cancelledBy: 'shipment.delivered' },
      'cancelledBy',
      /^cancelledBy must differ from fulfilledBy$/,
    ],
    [
      'cancelledBy the breaking type',
      { ...base, mode: 'avoid', within: 'P1D', brokenBy: 'order.disputed', cancelledBy: 'order.disputed' },
      'cancelledBy',
      /^cancelledBy must differ from brokenBy$/,
    ],
    [
      'cancelledBy not an event type',
      { ...base, within: 'P1D', cancelledBy: 'cancelled' },
      'cancelledBy',
      /dotted/,
    ],
  ];
  it('takes a cancelledBy, in either mode', () => {
    expect(def({ ...base, within: 'P1D', cancelledBy: 'order.cancelled' }).cancelledBy).toBe(
      'order.cancelled',
    );
    expect(
      def({
        ...base,
        mode: 'avoid',
        within: 'P1D',
        brokenBy: 'invoice.disputed',
        cancelledBy: 'invoice.voided',
      }).cancelledBy,
    ).toBe('invoice.voided');
  });
  it.each(cases)('refuses %s', (_name, input, path, message) => {
    const r = CommitmentDefinition.safeParse(input);
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => i.path.join('.') === path);
    expect(issue, JSON.stringify(r.error!.issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
  });
});
