import { describe, expect, it } from 'vitest';
import { formatTemplateTime, lookup, placeholdersOf, renderTemplate } from './templates.js';

const vars: Record<string, unknown> = {
  customer: { name: 'Ada Lovelace', email: 'ada@acme.example', segment: null },
  refs: { orderId: 'SO-1', shipmentId: 'SH-1' },
  data: {
    promisedAt: '2026-03-05T12:00:00Z',
    qty: 0,
    paid: false,
    lines: [{ sku: 'A-1' }, { sku: 'B-2' }],
    address: { city: 'Berlin', zip: '10115' },
    'dash-key': 'dashed',
    html: '<b>x</b> & "y"',
    dollars: "$1 $& $$ $` $'",
    curly: '{{refs.orderId}}',
  },
  rule: { name: 'No scan' },
  signal: { dueAt: new Date('2026-03-05T12:00:00.000Z'), evidenceCount: 3 },
  _private: 'underscore',
  tags: ['vip', 'eu'],
};

describe('renderTemplate', () => {
  const cases: [name: string, template: string, want: string][] = [
    ['plain text', 'Your order is late.', 'Your order is late.'],
    ['empty', '', ''],
    ['one placeholder', 'Hello {{customer.name}}', 'Hello Ada Lovelace'],
    ['several', '{{rule.name}}: {{refs.shipmentId}} of {{refs.orderId}}', 'No scan: SH-1 of SO-1'],
    ['the same one twice', '{{refs.orderId}}/{{refs.orderId}}', 'SO-1/SO-1'],
    ['adjacent', '{{refs.orderId}}{{refs.shipmentId}}', 'SO-1SH-1'],
    ['nested path', 'to {{data.address.city}}', 'to Berlin'],
    ['array index', 'first {{data.lines.0.sku}}, second {{data.lines.1.sku}}', 'first A-1, second B-2'],
    ['dash in a key', '{{data.dash-key}}', 'dashed'],
    ['underscore root', '{{_private}}', 'underscore'],
    // Whitespace inside the braces is allowed, around the path only.
    ['spaces', '{{ customer.name }}', 'Ada Lovelace'],
    ['tabs and newlines', '{{\tcustomer.name\n}}', 'Ada Lovelace'],
    ['space inside the path', '{{customer. name}}', '{{customer. name}}'],
    // Missing and null values render as the fallback ("").
    ['missing root', 'x{{nothing}}y', 'xy'],
    ['missing key', 'x{{customer.phone}}y', 'xy'],
    ['missing index', 'x{{data.lines.5.sku}}y', 'xy'],
    ['through a scalar', 'x{{customer.name.first}}y', 'xy'],
    ['a string property', 'x{{customer.name.length}}y', 'xy'],
    ['null value', 'x{{customer.segment}}y', 'xy'],
    // Values that are not text.
    ['zero', '{{data.qty}}', '0'],
    ['false', '{{data.paid}}', 'false'],
    ['a number', '{{signal.evidenceCount}} events', '3 events'],
    ['a Date as ISO 8601', 'due {{signal.dueAt}}', 'due 2026-03-05T12:00:00.000Z'],
    ['an object as JSON', '{{data.address}}', '{"city":"Berlin","zip":"10115"}'],
    ['an array as JSON', '{{tags}}', '["vip","eu"]'],
    ['an array of objects', '{{data.lines}}', '[{"sku":"A-1"},{"sku":"B-2"}]'],
    // Plain text out: no escaping, no replacement patterns, no second pass.
    ['no HTML escaping', '<p>{{data.html}}</p>', '<p><b>x</b> & "y"</p>'],
    ['$ patterns kept', '{{data.dollars}}', "$1 $& $$ $` $'"],
    ['a value holding a placeholder is not expanded', '{{data.curly}}', '{{refs.orderId}}'],
    // What is not a placeholder stays as it is.
    ['empty braces', '{{}}', '{{}}'],
    ['blank braces', '{{  }}', '{{  }}'],
    ['single braces', '{refs.orderId}', '{refs.orderId}'],
    ['unclosed', '{{refs.orderId', '{{refs.orderId'],
    ['half closed', '{{refs.orderId}', '{{refs.orderId}'],
    ['triple braces keep the outer pair', '{{{refs.orderId}}}', '{SO-1}'],
    ['starts with a digit', '{{1st}}', '{{1st}}'],
    ['trailing dot', '{{refs.}}', '{{refs.}}'],
    ['leading dot', '{{.refs}}', '{{.refs}}'],
    ['brackets', '{{data.lines[0]}}', '{{data.lines[0]}}'],
    // No code runs: calls and expressions are not paths, prototype keys are not read.
    [
      'a call',
      '{{constructor.constructor("return process")()}}',
      '{{constructor.constructor("return process")()}}',
    ],
    ['an expression', '{{1 + 1}}', '{{1 + 1}}'],
    ['a template literal', '${process.env.HOME}', '${process.env.HOME}'],
    ['constructor', 'x{{constructor}}y', 'xy'],
    ['constructor.name', 'x{{constructor.name}}y', 'xy'],
    ['__proto__', 'x{{__proto__}}y', 'xy'],
    ['a prototype method', 'x{{customer.toString}}y', 'xy'],
    ['hasOwnProperty', 'x{{hasOwnProperty}}y', 'xy'],
    ['a Date method', 'x{{signal.dueAt.getTime}}y', 'xy'],
    ['an array method', 'x{{tags.map}}y', 'xy'],
    ['an array length', '{{data.lines.length}} lines', '2 lines'],
  ];
  it.each(cases)('%s', (_name, template, want) => {
    expect(renderTemplate(template, vars)).toBe(want);
  });

  it('renders missing and null values as the fallback given', () => {
    expect(renderTemplate('[{{nothing}}] [{{customer.segment}}] [{{refs.orderId}}]', vars, '?')).toBe(
      '[?] [?] [SO-1]',
    );
  });

  it('renders with no variables at all', () => {
    expect(renderTemplate('Hi {{customer.name}}!', {})).toBe('Hi !');
  });

  it('does not touch the variables', () => {
    const before = JSON.stringify(vars);
    renderTemplate('{{data.address}} {{constructor}} {{__proto__}}', vars);
    expect(JSON.stringify(vars)).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('renders a long template with many placeholders in one pass', () => {
    const template = '{{refs.orderId}} '.repeat(1000);
    expect(renderTemplate(template, vars)).toBe('SO-1 '.repeat(1000));
  });
});

describe('times for people: | date and | datetime', () => {
  const timed = {
    customer: { name: 'Nora', timeZone: 'Europe/Berlin' },
    data: {
      promisedDate: '2026-12-04',
      promisedAt: '2026-12-04T23:30:00Z',
      pg: '2026-12-02 13:53:13.115+00',
      note: 'soon',
    },
    event: { occurredAt: '2026-12-02T13:53:13.115Z' },
    signal: { dueAt: new Date('2026-07-01T08:00:00Z') },
  };
  it.each([
    ['a calendar date, whatever the zone', '{{data.promisedDate | date}}', 'Fri 4 Dec 2026'],
    [
      'a time as its day in the customer’s zone (the next day in Berlin)',
      '{{data.promisedAt | date}}',
      'Sat 5 Dec 2026',
    ],
    [
      'a time with its hour and zone',
      '{{event.occurredAt | datetime}}',
      'Wed 2 Dec 2026, 14:53 (Europe/Berlin)',
    ],
    ['PostgreSQL’s own text', '{{data.pg|datetime}}', 'Wed 2 Dec 2026, 14:53 (Europe/Berlin)'],
    ['a Date, in summer time', '{{ signal.dueAt | datetime }}', 'Wed 1 Jul 2026, 10:00 (Europe/Berlin)'],
    ['a calendar date has no hour', '{{data.promisedDate | datetime}}', 'Fri 4 Dec 2026'],
    ['what is no time prints as it is', '{{data.note | date}}', 'soon'],
    ['a missing value is the fallback', 'by {{data.nothing | date}}.', 'by .'],
    ['an unknown format is no placeholder', '{{data.promisedDate | upper}}', '{{data.promisedDate | upper}}'],
  ])('%s', (_name, template, want) => {
    expect(renderTemplate(template, timed, '', 'Europe/Berlin')).toBe(want);
  });

  it('keeps a calendar date’s day west of UTC too, where its UTC midnight is the day before', () => {
    expect(renderTemplate('{{data.promisedDate | date}}', timed, '', 'America/Los_Angeles')).toBe(
      'Fri 4 Dec 2026',
    );
    expect(renderTemplate('{{data.promisedDate | datetime}}', timed, '', 'Pacific/Honolulu')).toBe(
      'Fri 4 Dec 2026',
    );
    expect(formatTemplateTime('2026-12-04', 'date', 'Pacific/Pago_Pago')).toBe('Fri 4 Dec 2026');
  });

  it('writes UTC without a zone, or with one the runtime does not know', () => {
    expect(renderTemplate('{{t | datetime}}', { t: '2026-12-02T13:53:00Z' })).toBe(
      'Wed 2 Dec 2026, 13:53 (UTC)',
    );
    expect(formatTemplateTime('2026-12-02T13:53:00Z', 'datetime', 'Mars/Olympus')).toBe(
      'Wed 2 Dec 2026, 13:53 (UTC)',
    );
    expect(formatTemplateTime('2026-02-30', 'date')).toBeUndefined();
    expect(renderTemplate('{{d | date}}', { d: '2026-02-30' })).toBe('2026-02-30');
    expect(formatTemplateTime('2026-09-15', 'date')).toBe('Tue 15 Sep 2026');
    expect(formatTemplateTime('2026-09-15T00:05:00Z', 'datetime')).toBe('Tue 15 Sep 2026, 00:05 (UTC)');
    expect(formatTemplateTime(42, 'date')).toBeUndefined();
  });

  // The caller resolves the customer's zone chain (customerZone / customerZoneOf): the variables'
  // customer.timeZone is a value to print, not a second say in the zone.
  it('writes the zone given, whatever the variables’ customer.timeZone', () => {
    const t = '2026-12-02T13:53:00Z';
    expect(renderTemplate('{{t | datetime}}', { t }, '', 'Asia/Tokyo')).toBe(
      'Wed 2 Dec 2026, 22:53 (Asia/Tokyo)',
    );
    expect(
      renderTemplate('{{t | datetime}}', { t, customer: { timeZone: 'Mars/Olympus' } }, '', 'Asia/Tokyo'),
    ).toBe('Wed 2 Dec 2026, 22:53 (Asia/Tokyo)');
    expect(
      renderTemplate(
        '{{t | datetime}} {{customer.timeZone}}',
        { t, customer: { timeZone: 'Europe/Berlin' } },
        '',
        'Europe/Berlin',
      ),
    ).toBe('Wed 2 Dec 2026, 14:53 (Europe/Berlin) Europe/Berlin');
  });

  it('names the path only among a template’s placeholders', () => {
    expect(placeholdersOf('by {{data.promisedDate | date}}, {{ event.occurredAt|datetime }}')).toEqual([
      'data.promisedDate',
      'event.occurredAt',
    ]);
  });
});

describe('lookup', () => {
  const cases: [path: string, want: unknown][] = [
    ['customer.name', 'Ada Lovelace'],
    ['customer', vars.customer],
    ['data.lines.1.sku', 'B-2'],
    ['data.lines.2', undefined],
    ['customer.segment', null],
    ['customer.phone', undefined],
    ['nothing.deeper', undefined],
    ['constructor', undefined],
    ['data.constructor', undefined],
    ['__proto__', undefined],
    ['tags.length', 2], // an array's own length: harmless, and handy ("{{data.lines.length}} lines")
  ];
  it.each(cases)('%s → %j', (path, want) => {
    expect(lookup(vars, path)).toEqual(want);
  });
});

describe('placeholdersOf', () => {
  const cases: [template: string, want: string[]][] = [
    ['no placeholders', []],
    ['{{customer.name}}', ['customer.name']],
    ['{{ customer.name }} and {{customer.name}}', ['customer.name']],
    [
      '{{refs.orderId}} {{rule.name}} {{refs.orderId}} {{data.lines.0.sku}}',
      ['refs.orderId', 'rule.name', 'data.lines.0.sku'],
    ],
    ['{{}} {{1st}} {{a b}} {{x()}}', []],
  ];
  it.each(cases)('%s → %j', (template, want) => {
    expect(placeholdersOf(template)).toEqual(want);
  });
});
