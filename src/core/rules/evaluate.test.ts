import { afterEach, describe, expect, it } from 'vitest';
import {
  type Condition,
  type EventSelector,
  type Operator,
  RuleDefinition,
  type RuleDefinitionInput,
  type RuleScope,
} from '../../shared/schemas/rules.js';
import {
  conditionHolds,
  dedupeKeyOf,
  dedupeRefOf,
  type EventContext,
  expectationDue,
  inScope,
  noWaitReason,
  readField,
  refValueOf,
  selectorMatches,
  timeOf,
  typesOf,
  unreadableTime,
} from './evaluate.js';

const T = (iso: string) => new Date(iso);
const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
const rule = (input: RuleDefinitionInput) => RuleDefinition.parse(input);

/** The event every case reads unless it says otherwise: a promised order of Ada at Acme. */
function event(over: Partial<EventContext> = {}): EventContext {
  return {
    id: 'ev-1',
    type: 'order.promised',
    occurredAt: T('2026-03-02T10:00:00.000Z'),
    source: 'erp',
    refs: { orderId: 'SO-1', shipmentId: 'SH-1' },
    data: {
      reason: 'damaged',
      qty: 5,
      qtyText: '5',
      price: '12.50',
      big: '10',
      flag: true,
      off: false,
      flagText: 'true',
      none: null,
      zero: 0,
      empty: '',
      blank: '   ',
      hex: '0x10',
      inf: 'Infinity',
      sci: '1e3',
      tags: ['fragile', 'gift'],
      nums: [1, 2, 3],
      list5: [5],
      nested: { a: 1 },
      order: { lines: [{ sku: 'A-1', qty: 2 }], total: 99.5 },
      promisedAt: '2026-03-05T12:00:00Z',
      promisedDate: '2026-03-05',
      noZone: '2026-03-05T12:00:00',
      offsetTime: '2026-03-05T14:00:00+02:00',
      'dash-key': 'dashed',
    },
    customer: {
      id: 'cus-1',
      name: 'Ada Lovelace',
      email: 'ada@acme.example',
      externalId: 'C-77',
      segment: 'enterprise',
      fields: { tier: 'Gold', seats: 12 },
    },
    organization: {
      id: 'org-1',
      name: 'Acme',
      domains: ['acme.example', 'acme.test'],
      fields: { region: 'EMEA' },
    },
    agreementId: 'agr-1',
    ...over,
  };
}

describe('readField', () => {
  const e = event();
  const cases: [path: string, want: unknown][] = [
    ['type', 'order.promised'],
    ['occurredAt', '2026-03-02T10:00:00.000Z'],
    ['source', 'erp'],
    ['segment', 'enterprise'],
    ['data.reason', 'damaged'],
    ['data.qty', 5],
    ['data.zero', 0],
    ['data.off', false],
    ['data.none', null],
    ['data.empty', ''],
    ['data.dash-key', 'dashed'],
    ['data.nested', { a: 1 }],
    ['data.nested.a', 1],
    ['data.order.total', 99.5],
    ['data.order.lines', [{ sku: 'A-1', qty: 2 }]],
    ['data.order.lines.0.sku', 'A-1'],
    ['data.order.lines.0.qty', 2],
    ['data.tags.1', 'gift'],
    // Missing keys and indexes, and paths through scalars, are undefined.
    ['data.order.lines.1', undefined],
    ['data.order.lines.1.sku', undefined],
    ['data.order.lines.first', undefined],
    ['data.order.lines.length', undefined],
    ['data.tags.-1', undefined],
    ['data.missing', undefined],
    ['data.missing.deep', undefined],
    ['data.reason.length', undefined],
    ['data.qty.toFixed', undefined],
    ['data.none.x', undefined],
    // Prototype keys are never read.
    ['data.__proto__', undefined],
    ['data.constructor', undefined],
    ['data.prototype', undefined],
    ['data.toString', undefined],
    ['data.hasOwnProperty', undefined],
    ['data.nested.constructor', undefined],
    ['data.nested.__proto__', undefined],
    ['data.order.lines.constructor', undefined],
    ['refs.orderId', 'SO-1'],
    ['refs.shipmentId', 'SH-1'],
    ['refs.invoiceId', undefined],
    ['refs.constructor', undefined],
    ['refs.toString', undefined],
    ['refs.orderId.length', undefined],
    ['customer.id', 'cus-1'],
    ['customer.name', 'Ada Lovelace'],
    ['customer.email', 'ada@acme.example'],
    ['customer.externalId', 'C-77'],
    ['customer.segment', 'enterprise'],
    ['customer.constructor', undefined],
    ['customer.name.length', undefined],
    ['organization.id', 'org-1'],
    ['organization.name', 'Acme'],
    ['organization.domains', ['acme.example', 'acme.test']],
    ['organization.toString', undefined],
    // The records' custom fields, by key.
    ['customer.fields.tier', 'Gold'],
    ['customer.fields.seats', 12],
    ['customer.fields.missing', undefined],
    ['customer.fields', undefined],
    ['customer.fields.constructor', undefined],
    ['customer.fields.tier.length', undefined],
    ['organization.fields.region', 'EMEA'],
    ['organization.fields.toString', undefined],
    ['unknown', undefined],
    ['', undefined],
  ];
  it.each(cases)('%s → %j', (path, want) => {
    expect(readField(e, path)).toEqual(want);
  });

  it('reads missing optional parts as undefined', () => {
    const bare = event({ source: null, customer: null, organization: null, refs: {}, data: {} });
    for (const path of [
      'source',
      'segment',
      'customer.id',
      'customer.name',
      'organization.id',
      'organization.domains',
      'customer.fields.tier',
      'organization.fields.region',
      'refs.orderId',
      'data.reason',
    ])
      expect(readField(bare, path), path).toBeUndefined();
  });

  it('reads null customer fields as null', () => {
    const anon = event({
      customer: { id: 'cus-2', name: null, email: null, externalId: null, segment: null },
    });
    expect(readField(anon, 'customer.name')).toBeNull();
    expect(readField(anon, 'segment')).toBeUndefined();
  });

  it('does not read own prototype keys that JSON.parse creates', () => {
    const data = JSON.parse(
      '{"__proto__": {"x": 1}, "constructor": "c", "prototype": "p", "a": {"__proto__": 2}}',
    );
    const e2 = event({ data: data as Record<string, unknown> });
    expect(Object.prototype.hasOwnProperty.call(data, '__proto__')).toBe(true);
    expect(readField(e2, 'data.__proto__')).toBeUndefined();
    expect(readField(e2, 'data.__proto__.x')).toBeUndefined();
    expect(readField(e2, 'data.constructor')).toBeUndefined();
    expect(readField(e2, 'data.prototype')).toBeUndefined();
    expect(readField(e2, 'data.a.__proto__')).toBeUndefined();
  });
});

describe('timeOf', () => {
  const cases: [value: unknown, want: string | null][] = [
    ['2026-03-05T12:00:00Z', '2026-03-05T12:00:00.000Z'],
    ['2026-03-05T12:00:00.123Z', '2026-03-05T12:00:00.123Z'],
    ['2026-03-05T12:00Z', '2026-03-05T12:00:00.000Z'],
    ['2026-03-05T14:00:00+02:00', '2026-03-05T12:00:00.000Z'],
    ['2026-03-05T14:00:00+0200', '2026-03-05T12:00:00.000Z'],
    ['2026-03-05T07:00:00-05:00', '2026-03-05T12:00:00.000Z'],
    // A date alone is midnight UTC; a time without a zone is UTC.
    ['2026-03-05', '2026-03-05T00:00:00.000Z'],
    ['2026-03-05T12:00:00', '2026-03-05T12:00:00.000Z'],
    ['2026-03-05T12:00', '2026-03-05T12:00:00.000Z'],
    ['2028-02-29', '2028-02-29T00:00:00.000Z'],
    ['2026-03-05T24:00:00Z', '2026-03-06T00:00:00.000Z'],
    // Impossible dates and times are null, not rolled over.
    ['2026-02-29', null],
    ['2026-02-30T10:00:00Z', null],
    ['2026-04-31', null],
    ['2026-13-01', null],
    ['2026-00-10', null],
    ['2026-03-00', null],
    ['2026-03-05T25:00:00Z', null],
    ['2026-03-05T23:60:00Z', null],
    ['2026-03-05T24:30:00Z', null],
    // Past year 9999 in UTC (no database stores it); the last hour that is not still is.
    ['9999-12-31T23:00:00-05:00', null],
    ['9999-12-31T23:00:00Z', '9999-12-31T23:00:00.000Z'],
    // Not ISO 8601 at all.
    ['5 March 2026', null],
    ['03/05/2026', null],
    ['2026-3-5', null],
    ['20260305', null],
    ['2026-03-05 12:00:00Z', null],
    ['2026-03-05T12:00:00+02', null],
    ['', null],
    [1772712000000, null],
    [null, null],
    [undefined, null],
    [true, null],
    [new Date('2026-03-05T12:00:00Z'), null],
  ];
  it.each(cases)('%j → %s', (value, want) => {
    expect(iso(timeOf(value))).toBe(want);
  });

  describe('in another time zone of the process', () => {
    const before = process.env.TZ;
    afterEach(() => {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    });
    it.each(['America/New_York', 'Asia/Kolkata', 'Pacific/Chatham'])(
      '%s reads zone-less times as UTC',
      (tz) => {
        process.env.TZ = tz;
        expect(new Date(2026, 0, 1).getTimezoneOffset()).not.toBe(0); // the zone did change
        expect(iso(timeOf('2026-03-05T12:00:00'))).toBe('2026-03-05T12:00:00.000Z');
        expect(iso(timeOf('2026-03-05T12:00'))).toBe('2026-03-05T12:00:00.000Z');
        expect(iso(timeOf('2026-03-05'))).toBe('2026-03-05T00:00:00.000Z');
        expect(
          conditionHolds({ field: 'data.noZone', op: 'gte', value: '2026-03-05T12:00:00Z' }, event()),
        ).toBe(true);
        expect(
          conditionHolds({ field: 'data.noZone', op: 'lte', value: '2026-03-05T12:00:00Z' }, event()),
        ).toBe(true);
      },
    );
  });
});

describe('conditionHolds', () => {
  const e = event();
  const list = (...v: (string | number | boolean | null)[]) => v;
  const cases: [field: string, op: Operator, value: Condition['value'], want: boolean][] = [
    // eq: text is case-sensitive; numbers equal numbers and decimal numeric text.
    ['data.reason', 'eq', 'damaged', true],
    ['data.reason', 'eq', 'Damaged', false],
    ['data.reason', 'eq', 'damaged ', false],
    ['data.qty', 'eq', 5, true],
    ['data.qty', 'eq', 5.0, true],
    ['data.qty', 'eq', '5', true],
    ['data.qty', 'eq', '5.0', true],
    ['data.qty', 'eq', ' 5 ', true],
    ['data.qty', 'eq', 6, false],
    ['data.qtyText', 'eq', 5, true],
    ['data.qtyText', 'eq', '5', true],
    ['data.qtyText', 'eq', '5.0', false], // text with text: compared as text
    ['data.price', 'eq', 12.5, true],
    ['data.sci', 'eq', 1000, true],
    ['data.empty', 'eq', 0, false],
    ['data.blank', 'eq', 0, false],
    ['data.hex', 'eq', 16, false],
    ['data.inf', 'eq', Infinity, false],
    ['data.zero', 'eq', 0, true],
    ['data.zero', 'eq', false, false],
    ['data.zero', 'eq', '', false],
    ['data.flag', 'eq', true, true],
    ['data.flag', 'eq', false, false],
    ['data.flag', 'eq', 'true', true],
    ['data.flag', 'eq', 1, false],
    ['data.flagText', 'eq', true, true],
    ['data.off', 'eq', false, true],
    ['data.off', 'eq', 0, false],
    ['data.empty', 'eq', '', true],
    // null and missing values are absent: eq never holds for them, not even eq null.
    ['data.none', 'eq', null, false],
    ['data.none', 'eq', 'null', false],
    ['data.missing', 'eq', 'x', false],
    ['data.missing', 'eq', null, false],
    // Arrays and objects equal no scalar.
    ['data.list5', 'eq', 5, false],
    ['data.list5', 'eq', '5', false],
    ['data.tags', 'eq', 'fragile', false],
    ['data.nested', 'eq', '[object Object]', false],
    ['type', 'eq', 'order.promised', true],
    ['source', 'eq', 'erp', true],
    ['segment', 'eq', 'enterprise', true],
    ['refs.orderId', 'eq', 'SO-1', true],
    ['customer.email', 'eq', 'ada@acme.example', true],
    ['organization.name', 'eq', 'Acme', true],
    ['occurredAt', 'eq', '2026-03-02T10:00:00.000Z', true],
    ['occurredAt', 'eq', '2026-03-02T10:00:00Z', false], // eq is text, not time
    // neq is eq's negation, and holds on absent values.
    ['data.reason', 'neq', 'lost', true],
    ['data.reason', 'neq', 'damaged', false],
    ['data.qty', 'neq', '5', false],
    ['data.qty', 'neq', 4, true],
    ['data.missing', 'neq', 'x', true],
    ['data.none', 'neq', 'x', true],
    ['data.none', 'neq', null, true],
    ['data.list5', 'neq', 5, true],
    // in / nin: membership with eq's equality.
    ['data.reason', 'in', list('damaged', 'lost'), true],
    ['data.reason', 'in', list('lost'), false],
    ['data.reason', 'in', list(), false],
    ['data.qty', 'in', list('4', '5'), true],
    ['data.qtyText', 'in', list(4, 5), true],
    ['data.flag', 'in', list(true), true],
    ['data.flag', 'in', list(1), false],
    ['data.missing', 'in', list('x'), false],
    ['data.none', 'in', list(null), false],
    ['data.tags', 'in', list('fragile', 'gift'), false],
    ['data.reason', 'nin', list('lost'), true],
    ['data.reason', 'nin', list('damaged', 'lost'), false],
    ['data.reason', 'nin', list(), true],
    ['data.qty', 'nin', list('5'), false],
    ['data.missing', 'nin', list('x'), true],
    ['data.none', 'nin', list(null), true],
    // gt/gte/lt/lte on numbers and decimal numeric text.
    ['data.qty', 'gt', 4, true],
    ['data.qty', 'gt', 5, false],
    ['data.qty', 'gte', 5, true],
    ['data.qty', 'gte', 5.01, false],
    ['data.qty', 'lt', 6, true],
    ['data.qty', 'lt', 5, false],
    ['data.qty', 'lte', 5, true],
    ['data.qty', 'lte', 4.99, false],
    ['data.qty', 'gt', '4', true],
    ['data.qty', 'gt', '4.5', true],
    ['data.qtyText', 'gt', 4, true],
    ['data.qtyText', 'lt', 4, false],
    ['data.big', 'gt', '9', true], // as numbers: 10 > 9 (as text "10" < "9")
    ['data.big', 'lt', '9', false],
    ['data.price', 'gte', 12.5, true],
    ['data.price', 'lt', 13, true],
    ['data.sci', 'gt', 999, true],
    ['data.zero', 'gte', 0, true],
    ['data.zero', 'gt', -1, true],
    ['data.qty', 'gt', -10, true],
    // Nothing else orders: text, booleans, absent values, arrays, hex and empty text.
    ['data.reason', 'gt', 4, false],
    ['data.reason', 'gt', 'a', false],
    ['data.reason', 'lt', 'z', false],
    ['data.flag', 'gt', 0, false],
    ['data.off', 'lt', 1, false],
    ['data.missing', 'gt', 0, false],
    ['data.missing', 'lt', 0, false],
    ['data.none', 'lt', 1, false],
    ['data.empty', 'gt', -1, false],
    ['data.blank', 'lt', 1, false],
    ['data.hex', 'gt', 1, false],
    ['data.inf', 'gt', 1, false],
    ['data.tags', 'gt', 0, false],
    ['data.list5', 'gte', 5, false],
    ['data.nested', 'gt', 0, false],
    // Times compare as instants when both sides are ISO times.
    ['data.promisedAt', 'gt', '2026-03-05T11:59:59Z', true],
    ['data.promisedAt', 'gt', '2026-03-05T12:00:00.000Z', false],
    ['data.promisedAt', 'gte', '2026-03-05T12:00:00Z', true],
    ['data.promisedAt', 'lte', '2026-03-05T12:00:00Z', true],
    ['data.promisedAt', 'lt', '2026-03-05T12:00:00.001Z', true],
    ['data.promisedAt', 'lt', '2026-03-05T12:00:00Z', false],
    ['data.promisedAt', 'gt', '2026-03-05', true], // a date alone is midnight UTC
    ['data.promisedAt', 'lt', '2026-03-06', true],
    ['data.promisedAt', 'gt', '2026-03-05T13:00:00+02:00', true], // 11:00Z
    ['data.promisedDate', 'gte', '2026-03-05T00:00:00Z', true],
    ['data.promisedDate', 'lt', '2026-03-05T00:00:01Z', true],
    ['data.promisedDate', 'gt', '2026-03-04T23:59:59-01:00', false], // 2026-03-05T00:59:59Z
    ['data.offsetTime', 'gte', '2026-03-05T12:00:00Z', true],
    ['data.offsetTime', 'lte', '2026-03-05T12:00:00Z', true],
    ['data.noZone', 'gte', '2026-03-05T12:00:00Z', true],
    ['data.noZone', 'lte', '2026-03-05T12:00:00Z', true],
    ['occurredAt', 'gt', '2026-03-02T09:59:59Z', true],
    ['occurredAt', 'lt', '2026-03-02T10:00:00Z', false],
    ['data.promisedAt', 'gt', 5, false], // a time is not a number
    ['data.promisedAt', 'gt', 'soon', false],
    ['data.reason', 'lt', '2026-03-05', false],
    ['data.qty', 'lt', '2026-03-05', false],
    // contains: substring of text, member of an array.
    ['data.reason', 'contains', 'mag', true],
    ['data.reason', 'contains', 'MAG', false],
    ['data.reason', 'contains', '', true],
    ['data.tags', 'contains', 'gift', true],
    ['data.tags', 'contains', 'gif', false],
    ['data.nums', 'contains', 2, true],
    ['data.nums', 'contains', '2', true],
    ['data.nums', 'contains', 4, false],
    ['data.qtyText', 'contains', 5, true],
    ['data.qty', 'contains', 5, false], // a number is not text
    ['data.missing', 'contains', 'x', false],
    ['data.none', 'contains', 'x', false],
    ['data.nested', 'contains', 'a', false],
    ['organization.domains', 'contains', 'acme.example', true],
    ['organization.domains', 'contains', 'acme', false],
    ['customer.email', 'contains', '@acme.', true],
    // exists: present and not null (or the negation with false).
    ['data.reason', 'exists', undefined, true],
    ['data.reason', 'exists', true, true],
    ['data.reason', 'exists', false, false],
    ['data.zero', 'exists', undefined, true],
    ['data.off', 'exists', undefined, true],
    ['data.empty', 'exists', undefined, true],
    ['data.tags', 'exists', undefined, true],
    ['data.none', 'exists', undefined, false],
    ['data.none', 'exists', false, true],
    ['data.missing', 'exists', undefined, false],
    ['data.missing', 'exists', true, false],
    ['data.missing', 'exists', false, true],
    ['data.__proto__', 'exists', undefined, false],
    ['refs.orderId', 'exists', undefined, true],
    ['refs.invoiceId', 'exists', undefined, false],
    ['refs.constructor', 'exists', undefined, false],
  ];
  it.each(cases)('%s %s %j → %s', (field, op, value, want) => {
    const cond = value === undefined ? { field, op } : { field, op, value };
    expect(conditionHolds(cond, e)).toBe(want);
  });

  it('on an event without customer or organization', () => {
    const anon = event({ customer: null, organization: null });
    expect(conditionHolds({ field: 'customer.id', op: 'exists' }, anon)).toBe(false);
    expect(conditionHolds({ field: 'segment', op: 'neq', value: 'enterprise' }, anon)).toBe(true);
    expect(
      conditionHolds({ field: 'organization.domains', op: 'contains', value: 'acme.example' }, anon),
    ).toBe(false);
  });
});

describe('selectorMatches and typesOf', () => {
  const e = event();
  const where = (...c: Condition[]) => c;
  const cases: [name: string, selector: EventSelector, want: boolean][] = [
    ['one type, no conditions', { type: 'order.promised' }, true],
    ['another type', { type: 'order.created' }, false],
    ['a prefix of the type', { type: 'order' }, false],
    ['a list holding the type', { type: ['order.created', 'order.promised'] }, true],
    ['a list without it', { type: ['order.created', 'shipment.scanned'] }, false],
    ['empty conditions', { type: 'order.promised', where: [] }, true],
    [
      'every condition holds',
      {
        type: 'order.promised',
        where: where(
          { field: 'data.reason', op: 'eq', value: 'damaged' },
          { field: 'data.qty', op: 'gte', value: 5 },
        ),
      },
      true,
    ],
    [
      'one condition fails',
      {
        type: ['order.promised'],
        where: where(
          { field: 'data.reason', op: 'eq', value: 'damaged' },
          { field: 'data.qty', op: 'gt', value: 5 },
        ),
      },
      false,
    ],
    [
      'conditions hold but the type does not',
      { type: 'order.created', where: where({ field: 'data.reason', op: 'eq', value: 'damaged' }) },
      false,
    ],
  ];
  it.each(cases)('%s → %s', (_name, selector, want) => {
    expect(selectorMatches(selector, e)).toBe(want);
  });

  it('typesOf lists one type or several', () => {
    expect(typesOf({ type: 'a.b' })).toEqual(['a.b']);
    expect(typesOf({ type: ['a.b', 'c.d'] })).toEqual(['a.b', 'c.d']);
  });
});

describe('inScope', () => {
  const inEnterprise = event();
  const inSmb = event({
    customer: { id: 'cus-2', name: null, email: null, externalId: null, segment: 'smb' },
    agreementId: 'agr-2',
  });
  const anonymous = event({ customer: null, organization: null, agreementId: null });
  const noSegment = event({
    customer: { id: 'cus-3', name: null, email: null, externalId: null, segment: null },
    agreementId: null,
  });
  const cases: [name: string, scope: RuleScope | undefined, e: EventContext, want: boolean][] = [
    ['no scope', undefined, anonymous, true],
    ['an empty scope', {}, anonymous, true],
    ['empty lists', { segments: [], agreements: [] }, anonymous, true],
    ['segment named', { segments: ['enterprise'] }, inEnterprise, true],
    ['segment among several', { segments: ['smb', 'enterprise'] }, inEnterprise, true],
    ['segment not named', { segments: ['enterprise'] }, inSmb, false],
    ['segments, no customer', { segments: ['enterprise'] }, anonymous, false],
    ['segments, customer without a segment', { segments: ['enterprise'] }, noSegment, false],
    ['agreement named', { agreements: ['agr-1'] }, inEnterprise, true],
    ['agreement not named', { agreements: ['agr-1'] }, inSmb, false],
    ['agreements, none applies', { agreements: ['agr-1'] }, noSegment, false],
    ['both hold', { segments: ['enterprise'], agreements: ['agr-1'] }, inEnterprise, true],
    [
      'segment holds, agreement not',
      { segments: ['enterprise'], agreements: ['agr-2'] },
      inEnterprise,
      false,
    ],
    ['agreement holds, segment not', { segments: ['smb'], agreements: ['agr-1'] }, inEnterprise, false],
    [
      'both named, both hold for the other customer',
      { segments: ['smb'], agreements: ['agr-2'] },
      inSmb,
      true,
    ],
  ];
  it.each(cases)('%s → %s', (_name, scope, e, want) => {
    expect(inScope(scope, e)).toBe(want);
  });
});

describe('dedupeRefOf and dedupeKeyOf', () => {
  const match = { kind: 'match', name: 'm', when: { type: 'order.promised' } } as const;
  const absence = {
    kind: 'absence',
    name: 'a',
    after: { type: 'shipment.dispatched' },
    expect: { type: 'shipment.scanned' },
    sameRef: 'shipmentId',
    within: 'PT48H',
  } as const;
  const threshold = {
    kind: 'threshold',
    name: 't',
    when: { type: 'complaint.received' },
    count: 3,
    window: 'P30D',
  } as const;
  const e = event();
  const anon = event({ customer: null, organization: null });
  const noRefs = event({ refs: {} });
  const cases: [name: string, def: RuleDefinitionInput, e: EventContext, ref: string | null, key: string][] =
    [
      ['match: per customer', match, e, null, 'customer:cus-1'],
      ['match without a customer', match, anon, null, 'customer:-'],
      [
        'match, dedupe on a ref',
        { ...match, dedupe: { ref: 'orderId' } },
        e,
        'orderId',
        'customer:cus-1|orderId:SO-1',
      ],
      [
        'match, the ref missing',
        { ...match, dedupe: { ref: 'orderId' } },
        noRefs,
        'orderId',
        'customer:cus-1|orderId:-',
      ],
      [
        'match, a prototype-named ref missing',
        { ...match, dedupe: { ref: 'constructor' } },
        e,
        'constructor',
        'customer:cus-1|constructor:-',
      ],
      ['match, dedupe {} is on', { ...match, dedupe: {} }, e, null, 'customer:cus-1'],
      ['match, dedupe disabled', { ...match, dedupe: { enabled: false } }, e, null, 'event:ev-1'],
      [
        'match, disabled beats a ref',
        { ...match, dedupe: { enabled: false, ref: 'orderId' } },
        e,
        'orderId',
        'event:ev-1',
      ],
      ['absence: sameRef by default', absence, e, 'shipmentId', 'customer:cus-1|shipmentId:SH-1'],
      [
        'absence: an explicit ref',
        { ...absence, dedupe: { ref: 'orderId' } },
        e,
        'orderId',
        'customer:cus-1|orderId:SO-1',
      ],
      ['absence without a customer', absence, anon, 'shipmentId', 'customer:-|shipmentId:SH-1'],
      ['absence, dedupe disabled', { ...absence, dedupe: { enabled: false } }, e, 'shipmentId', 'event:ev-1'],
      ['threshold per customer', threshold, e, null, 'customer:cus-1'],
      ['threshold per organization', { ...threshold, per: 'organization' }, e, null, 'org:org-1'],
      ['threshold per organization, none', { ...threshold, per: 'organization' }, anon, null, 'org:-'],
      [
        'threshold per organization with a ref',
        { ...threshold, per: 'organization', dedupe: { ref: 'orderId' } },
        e,
        'orderId',
        'org:org-1|orderId:SO-1',
      ],
      ['threshold, dedupe disabled', { ...threshold, dedupe: { enabled: false } }, e, null, 'event:ev-1'],
    ];
  it.each(cases)('%s → %s', (_name, def, ev, ref, key) => {
    const r = rule(def);
    expect(dedupeRefOf(r)).toBe(ref);
    expect(dedupeKeyOf(r, ev)).toBe(key);
  });

  it('refValueOf reads only own refs', () => {
    expect(refValueOf(e, 'orderId')).toBe('SO-1');
    expect(refValueOf(e, 'invoiceId')).toBeNull();
    expect(refValueOf(e, 'constructor')).toBeNull();
    expect(refValueOf(e, 'toString')).toBeNull();
    expect(refValueOf(event({ refs: { constructor: 'X-1' } }), 'constructor')).toBe('X-1');
  });
});

describe('expectationDue', () => {
  const base = {
    kind: 'absence',
    name: 'a',
    after: { type: 'order.promised' },
    expect: { type: 'shipment.delivered' },
    sameRef: 'orderId',
  } as const;
  const absence = (extra: Partial<RuleDefinitionInput>) => {
    const r = rule({ ...base, ...extra } as RuleDefinitionInput);
    if (r.kind !== 'absence') throw new Error('not an absence rule');
    return r;
  };
  const at = (promisedAt: unknown) => event({ data: { promisedAt } });
  /** A promise to a customer whose record has this time zone. */
  const inZone = (timeZone: string, promisedAt: string) =>
    event({
      data: { promisedAt },
      customer: { id: 'cus-1', name: 'Ada', email: null, externalId: null, segment: null, timeZone },
    });
  const cases: [
    name: string,
    extra: Partial<RuleDefinitionInput>,
    e: EventContext,
    due: string | null,
    promise: string | null,
  ][] = [
    ['within PT5S', { within: 'PT5S' }, event(), '2026-03-02T10:00:05.000Z', null],
    ['within PT48H', { within: 'PT48H' }, event(), '2026-03-04T10:00:00.000Z', null],
    ['within P1DT2H', { within: 'P1DT2H' }, event(), '2026-03-03T12:00:00.000Z', null],
    ['within PT1.5S', { within: 'PT1.5S' }, event(), '2026-03-02T10:00:01.500Z', null],
    [
      'by, no lead',
      { by: 'data.promisedAt' },
      event(),
      '2026-03-05T12:00:00.000Z',
      '2026-03-05T12:00:00.000Z',
    ],
    [
      'by with lead PT24H',
      { by: 'data.promisedAt', lead: 'PT24H' },
      event(),
      '2026-03-04T12:00:00.000Z',
      '2026-03-05T12:00:00.000Z',
    ],
    [
      'by with lead P1W',
      { by: 'data.promisedAt', lead: 'P1W' },
      event(),
      '2026-02-26T12:00:00.000Z',
      '2026-03-05T12:00:00.000Z',
    ],
    [
      'by, deadline with an offset',
      { by: 'data.offsetTime', lead: 'PT1H' },
      event(),
      '2026-03-05T11:00:00.000Z',
      '2026-03-05T12:00:00.000Z',
    ],
    [
      'by, date-only deadline: the end of that day, UTC',
      { by: 'data.promisedDate', lead: 'PT6H' },
      event(),
      '2026-03-05T18:00:00.000Z',
      '2026-03-06T00:00:00.000Z',
    ],
    [
      'by, zone-less deadline: UTC',
      { by: 'data.noZone' },
      event(),
      '2026-03-05T12:00:00.000Z',
      '2026-03-05T12:00:00.000Z',
    ],
    [
      'by occurredAt',
      { by: 'occurredAt', lead: 'PT1H' },
      event(),
      '2026-03-02T09:00:00.000Z',
      '2026-03-02T10:00:00.000Z',
    ],
    ['by, deadline missing', { by: 'data.promisedAt' }, event({ data: {} }), null, null],
    ['by, deadline null', { by: 'data.promisedAt' }, at(null), null, null],
    ['by, deadline unparseable', { by: 'data.promisedAt' }, at('next Tuesday'), null, null],
    ['by, deadline impossible', { by: 'data.promisedAt' }, at('2026-02-30'), null, null],
    [
      'by, a date alone where the customer is: the end of that day in New York',
      { by: 'data.promisedAt' },
      inZone('America/New_York', '2026-03-05'),
      '2026-03-06T05:00:00.000Z',
      '2026-03-06T05:00:00.000Z',
    ],
    [
      '…on the day New York moves its clocks forward: 23 hours long',
      { by: 'data.promisedAt', lead: 'PT1H' },
      inZone('America/New_York', '2026-03-08'),
      '2026-03-09T03:00:00.000Z',
      '2026-03-09T04:00:00.000Z',
    ],
    [
      '…in Tokyo: before the day ends in UTC',
      { by: 'data.promisedAt' },
      inZone('Asia/Tokyo', '2026-03-05'),
      '2026-03-05T15:00:00.000Z',
      '2026-03-05T15:00:00.000Z',
    ],
    [
      '…an unknown zone on the record: UTC',
      { by: 'data.promisedAt' },
      inZone('Mars/Olympus_Mons', '2026-03-05'),
      '2026-03-06T00:00:00.000Z',
      '2026-03-06T00:00:00.000Z',
    ],
    [
      "…no zone on the record: where the agreement's calendar is (Berlin)",
      { by: 'data.promisedAt' },
      event({ data: { promisedAt: '2026-03-05' }, agreementZone: 'Europe/Berlin' }),
      '2026-03-05T23:00:00.000Z',
      '2026-03-05T23:00:00.000Z',
    ],
    [
      "…the customer's own zone before the agreement's",
      { by: 'data.promisedAt' },
      { ...inZone('America/New_York', '2026-03-05'), agreementZone: 'Europe/Berlin' },
      '2026-03-06T05:00:00.000Z',
      '2026-03-06T05:00:00.000Z',
    ],
    [
      "…no zone on the record and no agreement: the company's (Tokyo)",
      { by: 'data.promisedAt' },
      event({ data: { promisedAt: '2026-03-05' }, companyZone: 'Asia/Tokyo' }),
      '2026-03-05T15:00:00.000Z',
      '2026-03-05T15:00:00.000Z',
    ],
    [
      "…the agreement's calendar before the company's",
      { by: 'data.promisedAt' },
      event({
        data: { promisedAt: '2026-03-05' },
        agreementZone: 'Europe/Berlin',
        companyZone: 'Asia/Tokyo',
      }),
      '2026-03-05T23:00:00.000Z',
      '2026-03-05T23:00:00.000Z',
    ],
    [
      "…an unknown zone on the record: the agreement's",
      { by: 'data.promisedAt' },
      { ...inZone('Mars/Olympus_Mons', '2026-03-05'), agreementZone: 'Europe/Berlin' },
      '2026-03-05T23:00:00.000Z',
      '2026-03-05T23:00:00.000Z',
    ],
    [
      "…no zone on the record, an unknown zone on the agreement's calendar: the company's (Tokyo)",
      { by: 'data.promisedAt' },
      event({
        data: { promisedAt: '2026-03-05' },
        agreementZone: 'Mars/Olympus_Mons',
        companyZone: 'Asia/Tokyo',
      }),
      '2026-03-05T15:00:00.000Z',
      '2026-03-05T15:00:00.000Z',
    ],
    [
      "…unknown zones on the record and the agreement's calendar: the company's (Tokyo)",
      { by: 'data.promisedAt' },
      {
        ...inZone('Mars/Olympus_Mons', '2026-03-05'),
        agreementZone: 'Mars/Olympus_Mons',
        companyZone: 'Asia/Tokyo',
      },
      '2026-03-05T15:00:00.000Z',
      '2026-03-05T15:00:00.000Z',
    ],
    [
      '…a time with its offset is that time, wherever the customer is',
      { by: 'data.promisedAt' },
      inZone('Asia/Tokyo', '2026-03-05T12:00:00Z'),
      '2026-03-05T12:00:00.000Z',
      '2026-03-05T12:00:00.000Z',
    ],
    [
      'by, the last day of a leap February',
      { by: 'data.promisedAt' },
      at('2028-02-29'),
      '2028-03-01T00:00:00.000Z',
      '2028-03-01T00:00:00.000Z',
    ],
    [
      'by, a date and a midnight time: that very time',
      { by: 'data.promisedAt' },
      at('2026-03-05T00:00:00Z'),
      '2026-03-05T00:00:00.000Z',
      '2026-03-05T00:00:00.000Z',
    ],
    ['by, deadline a number', { by: 'data.promisedAt' }, at(1772712000000), null, null],
    ['by, deadline an object', { by: 'data.promisedAt' }, at({ at: '2026-03-05' }), null, null],
    ['by a ref', { by: 'refs.orderId' }, event(), null, null],
  ];
  it.each(cases)('%s', (_name, extra, e, due, promise) => {
    const times = expectationDue(absence(extra), e);
    expect(iso(times?.dueAt)).toBe(due);
    expect(iso(times?.promiseDueAt)).toBe(promise);
  });

  it('is null for a rule with neither within nor by (not valid, but not an error)', () => {
    const r = { ...absence({ within: 'PT5S' }), within: undefined };
    expect(expectationDue(r, event())).toBeNull();
  });
});

describe('noWaitReason and unreadableTime', () => {
  const absence = (extra: Partial<RuleDefinitionInput>) => {
    const r = rule({
      kind: 'absence',
      name: 'a',
      after: { type: 'order.promised' },
      expect: { type: 'shipment.delivered' },
      sameRef: 'orderId',
      ...extra,
    } as RuleDefinitionInput);
    if (r.kind !== 'absence') throw new Error('not an absence rule');
    return r;
  };
  const within = absence({ within: 'PT48H' });
  const by = absence({ by: 'data.promisedAt', lead: 'PT24H' });
  it.each([
    ['within, with the ref', within, event(), null],
    [
      'within, without the ref',
      within,
      event({ refs: { shipmentId: 'SH-1' } }),
      'the event has no refs.orderId',
    ],
    ['within, an empty ref', within, event({ refs: { orderId: '' } }), 'the event has no refs.orderId'],
    ['by, a readable deadline', by, event(), null],
    ['by, a date alone', by, event({ data: { promisedAt: '2026-03-05' } }), null],
    ['by, no deadline', by, event({ data: {} }), 'data.promisedAt is missing'],
    ['by, a null deadline', by, event({ data: { promisedAt: null } }), 'data.promisedAt is missing'],
    ['by, a word', by, event({ data: { promisedAt: 'soon' } }), 'data.promisedAt is not a time: "soon"'],
    [
      'by, a number',
      by,
      event({ data: { promisedAt: 1772712000000 } }),
      'data.promisedAt is not a time: 1772712000000',
    ],
    [
      'by, no ref and no deadline: the ref first',
      by,
      event({ refs: {}, data: {} }),
      'the event has no refs.orderId',
    ],
  ] as const)('%s', (_name, r, e, want) => {
    expect(noWaitReason(r, e)).toBe(want);
    // A reason exactly when no wait can start.
    expect(want === null).toBe(!!refValueOf(e, r.sameRef) && expectationDue(r, e) !== null);
  });

  it('shows at most 40 characters of the value', () => {
    const long = 'x'.repeat(100);
    expect(unreadableTime('data.at', long)).toBe(`data.at is not a time: "${'x'.repeat(38)}…`);
    expect(unreadableTime('data.at', { at: 1 })).toBe('data.at is not a time: {"at":1}');
    expect(unreadableTime('data.at', undefined)).toBe('data.at is missing');
  });
});
