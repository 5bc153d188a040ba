import { describe, expect, it } from 'vitest';
import { authorLine } from './author-line.js';

const me = { id: 'u1', name: 'Maria Jensen' };

describe('a portal message’s author', () => {
  it('names our people with the team, and Steward’s own messages as the team alone', () => {
    expect(authorLine({ authorType: 'agent', authorName: 'Ava Agent', authorUserId: 'a1' }, me)).toBe(
      'Ava Agent · Support team',
    );
    expect(authorLine({ authorType: 'system', authorName: null, authorUserId: null }, me)).toBe(
      'Support team',
    );
  });

  it('is "You" for her own, a colleague by name', () => {
    expect(authorLine({ authorType: 'customer', authorName: 'Maria Jensen', authorUserId: null }, me)).toBe(
      'You',
    );
    expect(authorLine({ authorType: 'customer', authorName: 'M. J.', authorUserId: 'u1' }, me)).toBe('You');
    expect(authorLine({ authorType: 'customer', authorName: 'Jon Berg', authorUserId: 'u2' }, me)).toBe(
      'Jon Berg',
    );
    expect(authorLine({ authorType: 'customer', authorName: null, authorUserId: null }, me)).toBe('Customer');
  });
});
