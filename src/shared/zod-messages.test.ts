import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import './zod-messages.js';

const messageOf = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  return r.success ? null : r.error.issues[0]!.message;
};

describe('validation messages in plain words', () => {
  const cases: [name: string, schema: z.ZodType, value: unknown, want: string | null][] = [
    ['missing', z.string(), undefined, 'is required'],
    ['a number for text', z.string(), 5, 'must be text'],
    ['text for a number', z.number(), 'x', 'must be a number'],
    ['text for true or false', z.boolean(), 'yes', 'must be true or false'],
    ['an object for a list', z.array(z.string()), {}, 'must be a list'],
    ['empty text', z.string().min(1), '', 'is required'],
    ['short text', z.string().min(3), 'ab', 'must be at least 3 characters'],
    ['long text', z.string().max(3), 'abcd', 'must be at most 3 characters'],
    ['one character at most', z.string().max(1), 'ab', 'must be at most 1 character'],
    ['an empty list', z.array(z.string()).min(1), [], 'must have at least 1 item'],
    ['too many items', z.array(z.string()).max(2), ['a', 'b', 'c'], 'must have at most 2 items'],
    ['a small number', z.number().min(1), 0, 'must be at least 1'],
    ['a big number', z.number().max(10), 11, 'must be at most 10'],
    ['not positive', z.number().positive(), 0, 'must be more than 0'],
    ['not one of', z.enum(['low', 'high']), 'mid', 'must be one of "low", "high"'],
    ['an array for an object (a record)', z.record(z.string(), z.unknown()), [], 'must be an object'],
    [
      'a time with an offset where UTC is asked',
      z.iso.datetime({ offset: false }),
      '2026-11-23T10:00:00+01:00',
      'must be an ISO 8601 time in UTC, ending in Z, e.g. 2026-11-23T09:00:00.000Z',
    ],
    [
      'no time at all',
      z.iso.datetime({ offset: true }),
      'yesterday',
      'must be an ISO 8601 time, e.g. 2026-11-23T09:00:00.000Z',
    ],
    ['not a date', z.iso.date(), '23.11.2026', 'must be a date YYYY-MM-DD, e.g. 2026-11-23'],
    ['a schema’s own words win', z.string().min(1, 'give it a name'), '', 'give it a name'],
    ['fine', z.string().min(1), 'a', null],
  ];
  it.each(cases)('%s', (_, schema, value, want) => {
    expect(messageOf(schema, value)).toBe(want);
  });

  it('keeps zod’s words for what it does not list (an unknown key)', () => {
    expect(messageOf(z.strictObject({}), { x: 1 })).toBe('Unrecognized key: "x"');
  });
});
