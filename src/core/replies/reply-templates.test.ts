import { describe, expect, it } from 'vitest';
import { renderReply, replyVariables, unknownPlaceholders, type ReplyFacts } from './reply-templates.js';

const facts: ReplyFacts = {
  case: { number: 1042, subject: 'Parcel lost' },
  customer: { name: 'Maria  Jensen', email: 'maria@northwind.example' },
  organization: { name: 'Northwind' },
  agent: { name: 'Ava Agent' },
};

describe('renderReply', () => {
  const cases: [name: string, body: string, facts: ReplyFacts, want: string, missing: string[]][] = [
    ['no placeholders', 'Thanks!', facts, 'Thanks!', []],
    ['first names', 'Hi {{customer.firstName}},\n\n{{agent.firstName}}', facts, 'Hi Maria,\n\nAva', []],
    [
      'every variable',
      '{{customer.name}} <{{customer.email}}> of {{organization.name}}: #{{case.number}} {{case.subject}}, {{agent.name}}',
      facts,
      'Maria  Jensen <maria@northwind.example> of Northwind: #1042 Parcel lost, Ava Agent',
      [],
    ],
    ['spaces in braces', 'Hi {{ customer.firstName }}', facts, 'Hi Maria', []],
    [
      'a one-word name is its own first name',
      'Hi {{customer.firstName}}',
      { ...facts, customer: { name: 'Cher', email: null } },
      'Hi Cher',
      [],
    ],
    [
      'no organization: empty, and said',
      'At {{organization.name}}.',
      { ...facts, organization: null },
      'At .',
      ['organization.name'],
    ],
    [
      'no customer name',
      'Hi {{customer.firstName}}, {{customer.name}}',
      { ...facts, customer: { name: null, email: 'x@y.example' } },
      'Hi , ',
      ['customer.firstName', 'customer.name'],
    ],
    [
      'a blank name counts as none',
      'Hi {{customer.firstName}}',
      { ...facts, customer: { name: '  ', email: null } },
      'Hi ',
      ['customer.firstName'],
    ],
    [
      'missing listed once',
      '{{organization.name}} {{organization.name}}',
      { ...facts, organization: null },
      ' ',
      ['organization.name'],
    ],
    [
      'values are not read as placeholders',
      '{{case.subject}}',
      { ...facts, case: { number: 1, subject: '{{agent.name}} $& $1' } },
      '{{agent.name}} $& $1',
      [],
    ],
  ];
  it.each(cases)('%s', (_, body, f, want, missing) => {
    expect(renderReply(body, f)).toEqual({ body: want, missing });
  });
});

describe('unknownPlaceholders', () => {
  it.each([
    ['Hi {{customer.firstName}}', []],
    ['{{customer.phone}} and {{case.status}}', ['customer.phone', 'case.status']],
    ['{{ data.orderId }}{{data.orderId}}', ['data.orderId']],
    ['{{customer}}', ['customer']],
    ['no braces {single}', []],
  ])('%s', (body, want) => {
    expect(unknownPlaceholders(body)).toEqual(want);
  });
});

describe('replyVariables', () => {
  it('gives every listed variable a place', () => {
    const vars = replyVariables(facts) as Record<string, Record<string, unknown>>;
    expect(Object.keys(vars).sort()).toEqual(['agent', 'case', 'customer', 'organization']);
    expect(vars.agent).toEqual({ name: 'Ava Agent', firstName: 'Ava' });
  });
});
