import { describe, expect, it } from 'vitest';
import { fieldsOf, rowsOf, sameFields } from './custom-fields-editor.js';

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
