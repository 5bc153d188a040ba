import { describe, expect, it } from 'vitest';
import { diff } from './domain-events.repo.js';

describe('diff (the changes of an *.updated event)', () => {
  it('lists the fields that differ, and only those', () => {
    expect(diff({ name: 'A', sort: 'x', n: 1 }, { name: 'B', sort: 'x', n: undefined })).toEqual({
      name: { from: 'A', to: 'B' },
    });
  });

  it('compares objects whatever the order of their keys, at any depth, but lists in order', () => {
    const stored = { filters: { tags: ['a'], priority: ['high'], nested: { b: 1, a: 2 } } };
    expect(diff(stored, { filters: { nested: { a: 2, b: 1 }, priority: ['high'], tags: ['a'] } })).toEqual(
      {},
    );
    expect(diff({ list: ['a', 'b'] }, { list: ['b', 'a'] })).toEqual({
      list: { from: ['a', 'b'], to: ['b', 'a'] },
    });
  });
});
