import { describe, expect, it } from 'vitest';
import { Condition, DryRunBody, Duration, isoDurationMs, RULE_LIMITS, RuleDefinition } from './rules.js';

const S = 1000;
const H = 3600 * S;
const D = 24 * H;

describe('isoDurationMs', () => {
  const cases: [text: string, ms: number | null][] = [
    ['PT5S', 5 * S],
    ['PT1S', S],
    ['PT0S', 0],
    ['PT1.5S', 1500],
    ['PT0.001S', 1],
    ['PT90S', 90 * S],
    ['PT1M', 60 * S],
    ['PT30M', 30 * 60 * S],
    ['PT1H30M', 90 * 60 * S],
    ['PT48H', 48 * H],
    ['PT1H1M1S', H + 61 * S],
    ['P1D', D],
    ['P30D', 30 * D],
    ['P1W', 7 * D],
    ['P2W', 14 * D],
    ['P1DT2H', D + 2 * H],
    ['P1DT0.5S', D + 500],
    ['P366D', 366 * D],
    // Not durations this language knows.
    ['P', null],
    ['PT', null],
    ['P1DT', null],
    ['P1Y', null],
    ['P1M', null],
    ['P1Y2M', null],
    ['-PT5S', null],
    ['+PT5S', null],
    ['5s', null],
    ['5', null],
    ['', null],
    ['pt5s', null],
    ['PT5s', null],
    [' PT5S', null],
    ['PT5S ', null],
    ['PT-5S', null],
    ['PT.5S', null],
    ['PT1,5S', null],
    ['PT1.5H', null],
    ['P1.5D', null],
    ['PT5H4D', null],
    ['P1D2W', null],
    ['T5S', null],
    [`PT${'9'.repeat(400)}S`, null],
  ];
  it.each(cases)('%s → %s', (text, ms) => {
    expect(isoDurationMs(text)).toBe(ms);
  });
});

describe('Duration', () => {
  const cases: [text: string, ok: boolean][] = [
    ['PT1S', true],
    ['PT48H', true],
    ['P30D', true],
    ['P52W', true],
    ['P366D', true],
    ['PT0.999S', false],
    ['PT0S', false],
    ['P367D', false],
    ['P53W', false],
    ['P1M', false],
    ['48h', false],
  ];
  it.each(cases)('%s → %s', (text, ok) => {
    const r = Duration.safeParse(text);
    expect(r.success).toBe(ok);
    if (!r.success) expect(r.error.issues[0]!.message).toMatch(/ISO 8601 duration between PT1S and P366D/);
  });

  it('bounds a rule to a year', () => {
    expect(RULE_LIMITS.maxDurationMs).toBe(366 * D);
  });
});

describe('RuleDefinition: the issue’s examples', () => {
  it('a match rule on damaged or lost shipments', () => {
    const r = RuleDefinition.parse(
      JSON.parse(
        '{"kind": "match", "name": "Damaged or lost", "when": {"type": "shipment.exception", "where": [{"field": "data.reason", "op": "in", "value": ["damaged", "lost"]}]}}',
      ),
    );
    expect(r).toEqual({
      kind: 'match',
      name: 'Damaged or lost',
      when: {
        type: 'shipment.exception',
        where: [{ field: 'data.reason', op: 'in', value: ['damaged', 'lost'] }],
      },
      severity: 'medium',
      enabled: true,
      actions: [],
    });
  });

  it('an absence rule: no scan within 48 hours', () => {
    const r = RuleDefinition.parse(
      JSON.parse(
        '{"kind": "absence", "name": "No scan", "after": {"type": "shipment.dispatched"}, "expect": {"type": "shipment.scanned"}, "sameRef": "shipmentId", "within": "PT48H"}',
      ),
    );
    expect(r).toEqual({
      kind: 'absence',
      name: 'No scan',
      after: { type: 'shipment.dispatched' },
      expect: { type: 'shipment.scanned' },
      sameRef: 'shipmentId',
      within: 'PT48H',
      severity: 'medium',
      enabled: true,
      actions: [],
    });
  });

  it('an absence rule against a deadline in the event, with a lead', () => {
    const r = RuleDefinition.parse(
      JSON.parse(
        '{"kind": "absence", "name": "Will miss promise", "after": {"type": "order.promised"}, "expect": {"type": "shipment.delivered"}, "sameRef": "orderId", "by": "data.promisedAt", "lead": "PT24H"}',
      ),
    );
    expect(r).toMatchObject({ kind: 'absence', sameRef: 'orderId', by: 'data.promisedAt', lead: 'PT24H' });
    expect(r).not.toHaveProperty('within');
  });

  it('a threshold rule: three complaints in 30 days', () => {
    const r = RuleDefinition.parse(
      JSON.parse(
        '{"kind": "threshold", "name": "Repeat complaints", "when": {"type": "complaint.received"}, "count": 3, "window": "P30D", "per": "customer"}',
      ),
    );
    expect(r).toEqual({
      kind: 'threshold',
      name: 'Repeat complaints',
      when: { type: 'complaint.received' },
      count: 3,
      window: 'P30D',
      per: 'customer',
      severity: 'medium',
      enabled: true,
      actions: [],
    });
  });

  it('fills defaults: per customer, dedupe on, open_case as other/normal, escalate to urgent', () => {
    const r = RuleDefinition.parse({
      kind: 'threshold',
      name: 'x',
      when: { type: 'complaint.received' },
      count: 2,
      window: 'P1D',
      dedupe: {},
      actions: [{ kind: 'open_case', subject: 'Complaints from {{customer.name}}' }, { kind: 'escalate' }],
    });
    expect(r).toMatchObject({
      per: 'customer',
      dedupe: { enabled: true },
      actions: [
        {
          kind: 'open_case',
          category: 'other',
          priority: 'normal',
          subject: 'Complaints from {{customer.name}}',
        },
        { kind: 'escalate', priority: 'urgent' },
      ],
    });
  });

  it('accepts every field family and every operator', () => {
    const where = [
      { field: 'type', op: 'eq', value: 'order.promised' },
      { field: 'occurredAt', op: 'gte', value: '2026-03-01T00:00:00Z' },
      { field: 'source', op: 'neq', value: 'test' },
      { field: 'segment', op: 'in', value: ['enterprise', 'smb'] },
      { field: 'data.order.lines.0.sku', op: 'exists' },
      { field: 'data.dash-key_1', op: 'exists', value: false },
      { field: 'refs.orderId', op: 'nin', value: ['SO-0'] },
      { field: 'customer.email', op: 'contains', value: '@acme.' },
      { field: 'customer.externalId', op: 'exists', value: true },
      { field: 'organization.domains', op: 'contains', value: 'acme.example' },
      { field: 'customer.fields.tier', op: 'in', value: ['Gold', 'Silver'] },
      { field: 'organization.fields.seats_2', op: 'gte', value: 50 },
      { field: 'data.qty', op: 'gt', value: 1 },
      { field: 'data.qty', op: 'lt', value: '10' },
      { field: 'data.qty', op: 'lte', value: 10 },
      { field: 'data.paid', op: 'eq', value: false },
      { field: 'data.note', op: 'neq', value: null },
    ];
    const r = RuleDefinition.safeParse({
      kind: 'match',
      name: 'all',
      when: { type: ['order.promised', 'order.created'], where },
    });
    expect(r.error?.issues ?? []).toEqual([]);
  });
});

describe('RuleDefinition: refusals say what is wrong, and where', () => {
  const match = { kind: 'match', name: 'x', when: { type: 'shipment.exception' } };
  const withWhere = (c: unknown) => ({ ...match, when: { type: 'shipment.exception', where: [c] } });
  const absence = {
    kind: 'absence',
    name: 'x',
    after: { type: 'shipment.dispatched' },
    expect: { type: 'shipment.scanned' },
    sameRef: 'shipmentId',
  };
  const threshold = {
    kind: 'threshold',
    name: 'x',
    when: { type: 'complaint.received' },
    count: 3,
    window: 'P30D',
  };
  const cases: [name: string, input: unknown, path: (string | number)[], message: RegExp][] = [
    [
      'an unknown operator',
      withWhere({ field: 'data.reason', op: 'like', value: 'dam%' }),
      ['when', 'where', 0, 'op'],
      /must be one of .*"eq"/,
    ],
    [
      'in without a list',
      withWhere({ field: 'data.reason', op: 'in', value: 'damaged' }),
      ['when', 'where', 0, 'value'],
      /in takes a list of values/,
    ],
    [
      'nin without a list',
      withWhere({ field: 'data.reason', op: 'nin' }),
      ['when', 'where', 0, 'value'],
      /nin takes a list of values/,
    ],
    [
      'eq with a list',
      withWhere({ field: 'data.reason', op: 'eq', value: ['a'] }),
      ['when', 'where', 0, 'value'],
      /eq takes one value/,
    ],
    [
      'eq without a value',
      withWhere({ field: 'data.reason', op: 'eq' }),
      ['when', 'where', 0, 'value'],
      /eq takes one value/,
    ],
    [
      'gt with a boolean',
      withWhere({ field: 'data.qty', op: 'gt', value: true }),
      ['when', 'where', 0, 'value'],
      /gt compares with a number or a time/,
    ],
    [
      'lte with null',
      withWhere({ field: 'data.qty', op: 'lte', value: null }),
      ['when', 'where', 0, 'value'],
      /lte compares with a number or a time/,
    ],
    [
      'exists with text',
      withWhere({ field: 'data.qty', op: 'exists', value: 'yes' }),
      ['when', 'where', 0, 'value'],
      /exists takes true, false or nothing/,
    ],
    [
      'an object as a value',
      withWhere({ field: 'data.qty', op: 'eq', value: { a: 1 } }),
      ['when', 'where', 0, 'value'],
      /./,
    ],
    [
      'a condition with an extra key',
      withWhere({ field: 'data.qty', op: 'exists', not: true }),
      ['when', 'where', 0],
      /Unrecognized key: "not"/,
    ],
    [
      'an unknown field family',
      withWhere({ field: 'payload.reason', op: 'exists' }),
      ['when', 'where', 0, 'field'],
      /a field is type, occurredAt, source, segment, data\.<path>/,
    ],
    ['data alone', withWhere({ field: 'data', op: 'exists' }), ['when', 'where', 0, 'field'], /a field is/],
    [
      'custom fields without a key',
      withWhere({ field: 'customer.fields', op: 'exists' }),
      ['when', 'where', 0, 'field'],
      /or customer\.fields\.<key>/,
    ],
    [
      'a custom field path that goes deeper',
      withWhere({ field: 'organization.fields.a.b', op: 'exists' }),
      ['when', 'where', 0, 'field'],
      /a field is/,
    ],
    [
      'an unknown customer field',
      withWhere({ field: 'customer.password', op: 'exists' }),
      ['when', 'where', 0, 'field'],
      /a field is/,
    ],
    [
      'customer tags (customers have none)',
      withWhere({ field: 'customer.tags', op: 'exists' }),
      ['when', 'where', 0, 'field'],
      /a field is/,
    ],
    [
      'a nested ref',
      withWhere({ field: 'refs.order.id', op: 'exists' }),
      ['when', 'where', 0, 'field'],
      /a field is/,
    ],
    [
      'brackets in a path',
      withWhere({ field: 'data.lines[0]', op: 'exists' }),
      ['when', 'where', 0, 'field'],
      /a field is/,
    ],
    [
      'a trailing dot',
      withWhere({ field: 'data.reason.', op: 'exists' }),
      ['when', 'where', 0, 'field'],
      /a field is/,
    ],
    ['a type that is not dotted', { ...match, when: { type: 'exception' } }, ['when', 'type'], /./],
    ['an empty list of types', { ...match, when: { type: [] } }, ['when', 'type'], /./],
    [
      'too many conditions',
      { ...match, when: { type: 'a.b', where: Array(21).fill({ field: 'type', op: 'exists' }) } },
      ['when', 'where'],
      /./,
    ],
    [
      'too many values for in',
      withWhere({ field: 'type', op: 'in', value: Array(101).fill('x') }),
      ['when', 'where', 0, 'value'],
      /./,
    ],
    [
      'an unknown rule kind',
      { ...match, kind: 'sequence' },
      ['kind'],
      /Expected 'match' \| 'absence' \| 'threshold'/,
    ],
    ['no name', { kind: 'match', when: { type: 'a.b' } }, ['name'], /./],
    ['an unknown key', { ...match, priority: 'high' }, [], /Unrecognized key: "priority"/],
    ['an unknown severity', { ...match, severity: 'urgent' }, ['severity'], /must be one of "low"/],
    [
      'absence with both within and by',
      { ...absence, within: 'PT48H', by: 'data.promisedAt' },
      ['within'],
      /give either within, or by/,
    ],
    ['absence with neither within nor by', absence, ['within'], /give either within, or by/],
    ['lead without by', { ...absence, within: 'PT48H', lead: 'PT1H' }, ['lead'], /lead goes with by/],
    ['a within in months', { ...absence, within: 'P1M' }, ['within'], /ISO 8601 duration/],
    [
      'a bad sameRef',
      { ...absence, within: 'PT1H', sameRef: '1st' },
      ['sameRef'],
      /ref keys start with a letter/,
    ],
    ['a by that is not a field', { ...absence, by: 'promisedAt' }, ['by'], /a field is/],
    ['absence without an expect', { ...absence, expect: undefined, within: 'PT1H' }, ['expect'], /./],
    [
      'a window in months',
      { ...threshold, window: 'P1M' },
      ['window'],
      /ISO 8601 duration between PT1S and P366D/,
    ],
    ['a window over a year', { ...threshold, window: 'P400D' }, ['window'], /ISO 8601 duration/],
    ['a count of one', { ...threshold, count: 1 }, ['count'], /./],
    ['a fractional count', { ...threshold, count: 2.5 }, ['count'], /./],
    ['per team', { ...threshold, per: 'team' }, ['per'], /must be one of "customer", "organization"/],
    [
      'an unknown action kind',
      { ...match, actions: [{ kind: 'send_fax', to: '+1' }] },
      ['actions', 0, 'kind'],
      /Expected 'open_case' \| 'notify_customer'/,
    ],
    [
      'open_case without a subject',
      { ...match, actions: [{ kind: 'open_case' }] },
      ['actions', 0, 'subject'],
      /./,
    ],
    [
      'open_case with an empty subject',
      { ...match, actions: [{ kind: 'open_case', subject: '' }] },
      ['actions', 0, 'subject'],
      /./,
    ],
    [
      'notify_team without a team',
      { ...match, actions: [{ kind: 'notify_team', message: 'hi' }] },
      ['actions', 0, 'teamId'],
      /./,
    ],
    [
      'an action with an unknown key',
      { ...match, actions: [{ kind: 'escalate', to: 'boss' }] },
      ['actions', 0],
      /Unrecognized key: "to"/,
    ],
    ['too many actions', { ...match, actions: Array(11).fill({ kind: 'escalate' }) }, ['actions'], /./],
    [
      'a template too long',
      { ...match, actions: [{ kind: 'notify_customer', message: 'x'.repeat(5001) }] },
      ['actions', 0, 'message'],
      /./,
    ],
    [
      'a scope with an unknown key',
      { ...match, scope: { teams: ['a'] } },
      ['scope'],
      /Unrecognized key: "teams"/,
    ],
    [
      'a dedupe ref that is not a ref key',
      { ...match, dedupe: { ref: 'order id' } },
      ['dedupe', 'ref'],
      /ref keys start with a letter/,
    ],
  ];
  it.each(cases)('%s', (_name, input, path, message) => {
    const r = RuleDefinition.safeParse(input);
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => JSON.stringify(i.path) === JSON.stringify(path));
    expect(issue, JSON.stringify(r.error!.issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
  });
});

describe('Condition', () => {
  it('takes exists without a value', () => {
    expect(Condition.parse({ field: 'data.x', op: 'exists' })).toEqual({ field: 'data.x', op: 'exists' });
  });
  it('takes a time for gt', () => {
    expect(Condition.safeParse({ field: 'occurredAt', op: 'gt', value: '2026-03-01' }).success).toBe(true);
  });
});

describe('DryRunBody', () => {
  it('takes nothing, or a definition and a period', () => {
    expect(DryRunBody.parse({})).toEqual({});
    const body = DryRunBody.parse({
      definition: { kind: 'match', name: 'x', when: { type: 'a.b' } },
      from: '2026-03-01T00:00:00Z',
      to: '2026-03-31T00:00:00Z',
    });
    expect(body.definition?.kind).toBe('match');
  });
  it('refuses unknown keys and bad definitions', () => {
    expect(DryRunBody.safeParse({ rule: {} }).success).toBe(false);
    expect(DryRunBody.safeParse({ definition: { kind: 'match' } }).success).toBe(false);
  });
});
