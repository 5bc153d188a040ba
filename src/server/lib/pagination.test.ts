import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { containsPattern, decodeCursor, encodeCursor, toPage } from './pagination.js';

const ID = '01900000-0000-7000-8000-000000000001';

describe('cursors', () => {
  it('round-trip a sort value with microseconds and an id', () => {
    const value = '2026-11-23 07:15:24.079123+00';
    expect(decodeCursor(encodeCursor(value, ID))).toEqual({ value, id: ID });
  });

  it.each([
    '',
    'garbage',
    Buffer.from('[1,2]').toString('base64url'),
    Buffer.from('["a","not-a-uuid"]').toString('base64url'),
    Buffer.from('{"a":1}').toString('base64url'),
  ])('reject %j as 400 invalid_cursor', (cursor) => {
    try {
      decodeCursor(cursor);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('invalid_cursor');
      expect((err as AppError).statusCode).toBe(400);
    }
  });
});

describe('toPage', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: ID, sortKey: `k${i}` }));
  it('has a next cursor from the last kept row when there is one more row', () => {
    const page = toPage(rows(4), 3);
    expect(page.items).toHaveLength(3);
    expect(decodeCursor(page.nextCursor!)).toEqual({ value: 'k2', id: ID });
  });
  it('has no next cursor on the last page', () => {
    expect(toPage(rows(3), 3).nextCursor).toBeNull();
    expect(toPage([], 3)).toEqual({ items: [], nextCursor: null });
  });
});

describe('containsPattern', () => {
  it.each([
    ['Ann', '%ann%'],
    ['50%', '%50\\%%'],
    ['a_b', '%a\\_b%'],
    ['back\\slash', '%back\\\\slash%'],
  ])('%s -> %s', (input, expected) => expect(containsPattern(input)).toBe(expected));
});
