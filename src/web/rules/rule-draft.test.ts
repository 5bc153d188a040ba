// The rule editor's model without a browser: paths into the draft, switching kinds, and the text
// conversions of its inputs (what a typed value means, and how a value is shown again).
import { describe, expect, it } from 'vitest';
import { RuleDefinition } from '../../shared/schemas/rules.js';
import {
  convertValue,
  errorsOf,
  formatConditionValue,
  formatScalar,
  formatTypes,
  getAt,
  kindPart,
  newDraft,
  parseConditionValue,
  parseScalar,
  parseTypes,
  setAt,
  switchKind,
} from './rule-draft.js';

describe('paths', () => {
  it('sets and reads nested values without touching the original', () => {
    const draft = { name: 'x', when: { type: 'a.b' } };
    const next = setAt(draft, ['when', 'where', 0, 'field'], 'data.code');
    expect(next).toEqual({ name: 'x', when: { type: 'a.b', where: [{ field: 'data.code' }] } });
    expect(draft).toEqual({ name: 'x', when: { type: 'a.b' } });
    expect(getAt(next, ['when', 'where', 0, 'field'])).toBe('data.code');
    expect(getAt(next, ['when', 'nothing', 3])).toBeUndefined();
  });

  it('removes a key set to undefined', () => {
    expect(setAt({ a: 1, b: 2 }, ['b'], undefined)).toEqual({ a: 1 });
    expect(Object.keys(setAt({ a: { b: 1, c: 2 } }, ['a', 'c'], undefined).a)).toEqual(['b']);
  });
});

describe('kinds', () => {
  it('starts a new rule as an absence rule the schema accepts once named and typed', () => {
    const draft = newDraft();
    expect(draft.kind).toBe('absence');
    const filled = {
      ...draft,
      name: 'No scan',
      after: { type: 'shipment.dispatched' },
      expect: { type: 'shipment.scanned' },
      sameRef: 'shipmentId',
    };
    expect(RuleDefinition.safeParse(filled).success).toBe(true);
  });

  it.each([
    ['absence', 'match', { when: { type: 'shipment.dispatched' } }, ['after', 'expect', 'sameRef', 'within']],
    ['absence', 'threshold', { when: { type: 'shipment.dispatched' }, count: 3, window: 'P30D' }, ['after']],
    ['match', 'absence', { after: { type: 'shipment.dispatched' }, within: 'PT48H' }, ['when']],
  ] as const)(
    '%s -> %s carries the watched events and drops the old kind’s fields',
    (from, to, has, gone) => {
      let draft = switchKind(newDraft(from), from);
      draft = setAt(draft, [from === 'absence' ? 'after' : 'when', 'type'], 'shipment.dispatched');
      draft = { ...draft, name: 'Kept', actions: [{ kind: 'open_case', subject: 's' }] };
      const next = switchKind(draft, to);
      expect(next).toMatchObject({ name: 'Kept', kind: to, ...has });
      for (const key of gone) expect(next).not.toHaveProperty(key);
      expect(Object.keys(next).at(-1)).toBe('actions');
    },
  );

  it('brings back what a kind had when switching back', () => {
    let draft = newDraft('threshold');
    draft = { ...draft, count: 7, window: 'P7D' };
    const stash = kindPart(draft, 'threshold');
    const match = switchKind(draft, 'match');
    expect(match).not.toHaveProperty('count');
    expect(switchKind(match, 'threshold', stash)).toMatchObject({ count: 7, window: 'P7D' });
  });

  it('keeps keys no kind knows, so the schema still reports them', () => {
    const next = switchKind({ ...newDraft('match'), colour: 'red' }, 'threshold');
    expect(next).toHaveProperty('colour', 'red');
  });
});

describe('text conversions', () => {
  it.each([
    ['42', 42],
    ['-1.5', -1.5],
    ['true', true],
    ['false', false],
    ['null', null],
    ['"42"', '42'],
    ['damaged', 'damaged'],
    ['  spaced  ', 'spaced'],
    ['007', '007'],
  ])('reads %j as %j', (text, value) => {
    expect(parseScalar(text)).toEqual(value);
  });

  it.each(['42', 'true', 'text', 'a, b', ''])(
    'shows the string %j so that it reads back the same',
    (value) => {
      expect(parseScalar(formatScalar(value))).toBe(value.trim());
    },
  );

  it('reads lists for in and nin, with quoted commas', () => {
    expect(parseConditionValue('a, 2, "b, c"', 'in')).toEqual(['a', 2, 'b, c']);
    expect(parseConditionValue('', 'nin')).toEqual([]);
    expect(formatConditionValue(['a', 2, 'b, c'], 'in')).toBe('a, 2, "b, c"');
    expect(parseConditionValue(formatConditionValue(['x', '1'], 'in'), 'in')).toEqual(['x', '1']);
  });

  it('leaves one value empty rather than an empty string', () => {
    expect(parseConditionValue('  ', 'eq')).toBeUndefined();
    expect(parseConditionValue('', 'exists')).toBeUndefined();
    expect(parseConditionValue('false', 'exists')).toBe(false);
  });

  it.each([
    ['x', 'eq', 'in', ['x']],
    [['x', 'y'], 'in', 'eq', 'x'],
    ['x', 'eq', 'exists', undefined],
    [true, 'exists', 'eq', undefined],
    [undefined, 'exists', 'in', []],
    [3, 'gt', 'lte', 3],
  ] as const)('keeps %j from %s to %s as %j', (value, from, to, expected) => {
    expect(convertValue(value, from, to)).toEqual(expected);
  });

  it('reads event types as one or a list', () => {
    expect(parseTypes('shipment.scanned')).toBe('shipment.scanned');
    expect(parseTypes('a.b, c.d,')).toEqual(['a.b', 'c.d']);
    expect(parseTypes(' ')).toBe('');
    expect(formatTypes(['a.b', 'c.d'])).toBe('a.b, c.d');
  });
});

describe('messages', () => {
  it('keys the schema’s messages by path, in words', () => {
    const result = RuleDefinition.safeParse({
      name: '',
      kind: 'threshold',
      when: { type: 'Bad', where: [{ field: 'data.x', op: 'in', value: 'a' }] },
      count: 1,
      window: 'P30D',
      actions: [{ kind: 'open_case', subject: '' }],
    });
    expect(result.success).toBe(false);
    expect(errorsOf(result.error!.issues)).toEqual({
      name: 'is required',
      'when.type': 'must be dotted lower-case words, e.g. shipment.scanned',
      'when.where.0.value': 'in takes a list of values',
      count: 'must be at least 2',
      'actions.0.subject': 'is required',
    });
  });
});
