import { UUID } from 'uuidv7';
import { describe, expect, it } from 'vitest';
import { newId } from './columns.js';

describe('newId', () => {
  it('makes UUIDv7s that sort in the order they were made, with the current time', () => {
    const before = Date.now();
    const ids = Array.from({ length: 100_000 }, newId);
    const after = Date.now();
    for (const id of ids.slice(0, 1000)) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // The first 48 bits are the Unix time in milliseconds.
    const msOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(msOf(ids[0]!)).toBeGreaterThanOrEqual(before);
    expect(msOf(ids.at(-1)!)).toBeLessThanOrEqual(after);
    // The library reads them back as version 7.
    expect(UUID.parse(ids[0]!).getVariant()).toBe('VAR_10');
    expect(UUID.parse(ids[0]!).getVersion()).toBe(7);
  });
});
