import { describe, expect, it } from 'vitest';
import { customFieldIssues, parseFieldText, splitFieldFilter } from './field-values.js';

const def = (type: 'text' | 'number' | 'boolean' | 'date' | 'select', options: string[] | null = null) => ({
  key: 'f',
  type,
  options,
});

describe('parseFieldText', () => {
  it.each([
    [def('text'), ' Hello ', { value: 'Hello' }],
    [def('number'), '12', { value: 12 }],
    [def('number'), '-0.5', { value: -0.5 }],
    [def('number'), '1e3', { value: 1000 }],
    [def('number'), '12 kg', { error: 'must be a number' }],
    [def('number'), '0x10', { error: 'must be a number' }],
    [def('boolean'), 'Yes', { value: true }],
    [def('boolean'), '0', { value: false }],
    [def('boolean'), 'maybe', { error: 'must be true or false (yes/no, 1/0)' }],
    [def('date'), '2026-02-28', { value: '2026-02-28' }],
    [def('date'), '28.02.2026', { error: 'must be a date YYYY-MM-DD' }],
    [def('select', ['Gold', 'Silver']), 'gold', { value: 'Gold' }],
    [def('select', ['Gold', 'Silver']), 'Bronze', { error: 'must be one of Gold, Silver' }],
  ])('%o reads %s as %o', (d, text, expected) => {
    expect(parseFieldText(d, text)).toEqual(expected);
  });
});

describe('customFieldIssues', () => {
  const defs = [def('number'), { ...def('select', ['A']), key: 'g' }];
  it('checks defined keys; unknown ones per the kind of record', () => {
    const values = { f: '3', g: 'A', other: 'x' };
    expect(customFieldIssues(defs, values, { unknown: 'allow' })).toEqual([
      { path: 'body.customFields.f', message: 'must be a number' },
    ]);
    expect(customFieldIssues(defs, values, { unknown: 'reject' })).toEqual([
      { path: 'body.customFields.f', message: 'must be a number' },
      { path: 'body.customFields.other', message: 'no such custom field' },
    ]);
  });
  it('null clears any field; with the values before, only changed ones are checked', () => {
    expect(customFieldIssues(defs, { f: null, g: null }, { unknown: 'reject' })).toEqual([]);
    expect(customFieldIssues(defs, { f: 'old', g: 'B' }, { unknown: 'allow', before: { f: 'old' } })).toEqual(
      [{ path: 'body.customFields.g', message: 'must be one of A' }],
    );
  });
});

describe('splitFieldFilter', () => {
  it('splits at the first colon and trims the value; an empty value is "not set"', () => {
    expect(splitFieldFilter('tier:Gold')).toEqual(['tier', 'Gold']);
    expect(splitFieldFilter('note: 10:30 ')).toEqual(['note', '10:30']);
    expect(splitFieldFilter('tier:')).toEqual(['tier', '']);
  });
});
