import { describe, expect, it } from 'vitest';
import type { CustomFieldDefinition } from '../lib/types.js';
import { customFieldsOf, fieldsOf, offeredFields, rowsOf, sameFields } from './custom-fields-editor.js';

describe('custom fields as rows', () => {
  it('keeps an untouched value’s type, turns an edited one into text and an emptied one into null', () => {
    const rows = rowsOf({ seats: 12, vip: true, region: 'north', note: null });
    expect(rows.map((r) => [r.key, r.value])).toEqual([
      ['seats', '12'],
      ['vip', 'true'],
      ['region', 'north'],
      ['note', ''],
    ]);
    expect(fieldsOf(rows)).toEqual({ fields: { seats: 12, vip: true, region: 'north', note: null } });
    const edited = rows.map((r) =>
      r.key === 'seats' ? { ...r, value: '14' } : r.key === 'region' ? { ...r, value: '' } : r,
    );
    expect(fieldsOf(edited)).toEqual({ fields: { seats: '14', vip: true, region: null, note: null } });
  });

  it('skips empty rows, trims names, and refuses a nameless value or a name twice', () => {
    expect(
      fieldsOf([
        { key: '', value: '' },
        { key: ' tier ', value: 'gold' },
      ]),
    ).toEqual({
      fields: { tier: 'gold' },
    });
    expect(fieldsOf([{ key: '', value: 'orphan' }])).toEqual({ error: 'every field needs a name' });
    expect(
      fieldsOf([
        { key: 'tier', value: 'a' },
        { key: 'tier', value: 'b' },
      ]),
    ).toEqual({ error: '“tier” is there twice' });
  });

  it('compares fields in any order', () => {
    expect(sameFields({ a: 1, b: 'x' }, { b: 'x', a: 1 })).toBe(true);
    expect(sameFields({ a: 1 }, { a: '1' })).toBe(false);
    expect(sameFields({ a: 1 }, { a: 1, b: null })).toBe(false);
  });
});

describe('defined fields beside the free-form ones', () => {
  const def = (
    key: string,
    type: CustomFieldDefinition['type'],
    options: string[] | null = null,
    active = true,
  ) => ({
    key,
    label: key.toUpperCase(),
    type,
    options,
    required: false,
    customerVisible: false,
    active,
    updatedAt: '2026-12-04T10:00:00.000Z',
  });
  const defs = [
    def('seats', 'number'),
    def('vip', 'boolean'),
    def('tier', 'select', ['Gold']),
    def('old', 'text', null, false),
  ];

  it('offers the fields switched on, and a switched-off one only where the record has a value', () => {
    expect(offeredFields(defs, {}).map((d) => d.key)).toEqual(['seats', 'vip', 'tier']);
    expect(offeredFields(defs, { old: 'x' }).map((d) => d.key)).toEqual(['seats', 'vip', 'tier', 'old']);
  });

  it('sends typed values, keeps an untouched one as stored, and clears an emptied one', () => {
    const stored = { seats: 'many', tier: 'Gold', note: 'n' };
    const typed = { vip: 'true', tier: '' };
    expect(customFieldsOf(defs, typed, rowsOf({ note: 'n' }), stored)).toEqual({
      fields: { seats: 'many', vip: true, tier: null, note: 'n' },
    });
    expect(customFieldsOf(defs, { seats: '12.5' }, [], {})).toEqual({ fields: { seats: 12.5 } });
  });

  it('refuses a value that does not fit, and a free-form row under a defined key', () => {
    expect(customFieldsOf(defs, { tier: 'Silver' }, [], {})).toEqual({ error: 'TIER must be one of Gold' });
    expect(customFieldsOf(defs, {}, [{ key: 'seats', value: '3' }], {})).toEqual({
      error: '“seats” is SEATS, above: fill it in there',
    });
  });
});
