import { describe, expect, it } from 'vitest';
import { insertMention, matchColleagues, mentionAt, mentionHandle } from './mentions.js';

describe('mentions in a note', () => {
  it('find the mention being typed at the caret', () => {
    expect(mentionAt('Ask @av', 7)).toEqual({ start: 4, query: 'av' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('Ask @Ava Ag', 11)).toEqual({ start: 4, query: 'Ava Ag' });
    expect(mentionAt('(@b', 3)).toEqual({ start: 1, query: 'b' });
    // Not a mention: an address, a finished line, a space right after the @, a caret before it.
    expect(mentionAt('mail ava@example', 16)).toBeNull();
    expect(mentionAt('Ask @ava\nthen', 13)).toBeNull();
    expect(mentionAt('a @ b', 5)).toBeNull();
    expect(mentionAt('Ask @ava', 3)).toBeNull();
    expect(mentionAt(`@${'x'.repeat(31)}`, 32)).toBeNull();
  });

  it('offer colleagues by name, then any word of it, then address', () => {
    const all = [
      { name: 'Ben Avery', email: 'ben@x.example' },
      { name: 'Ava Agent', email: 'ava@x.example' },
      { name: 'Zoe King', email: 'avatar@x.example' },
      { name: 'Alex Admin', email: 'alex@x.example' },
    ];
    expect(matchColleagues(all, 'av').map((c) => c.name)).toEqual(['Ava Agent', 'Ben Avery', 'Zoe King']);
    expect(matchColleagues(all, 'AVA A').map((c) => c.name)).toEqual(['Ava Agent']);
    expect(matchColleagues(all, '').map((c) => c.name)).toEqual([
      'Alex Admin',
      'Ava Agent',
      'Ben Avery',
      'Zoe King',
    ]);
    expect(matchColleagues(all, '', 2)).toHaveLength(2);
    expect(matchColleagues(all, 'q')).toEqual([]);
  });

  it('write the chosen name in place of what was typed', () => {
    const text = 'Ask @av about it';
    expect(insertMention(text, { start: 4, query: 'av' }, 7, 'Ava Agent')).toEqual({
      text: 'Ask @Ava Agent about it',
      caret: 14,
    });
    expect(insertMention('Ask @av', { start: 4, query: 'av' }, 7, 'Ava Agent')).toEqual({
      text: 'Ask @Ava Agent ',
      caret: 15,
    });
  });

  it('name a colleague by address when another has the same name, so only they are told', () => {
    const sam = { name: 'Sam Lee', email: 'sam.lee@x.example' };
    const other = { name: 'sam lee', email: 'slee@x.example' };
    const ava = { name: 'Ava Agent', email: 'ava@x.example' };
    expect(mentionHandle(ava, [sam, other, ava])).toBe('Ava Agent');
    expect(mentionHandle(sam, [sam, other, ava])).toBe('sam.lee');
    expect(mentionHandle(other, [sam, other, ava])).toBe('slee');
    expect(mentionHandle(sam, [sam, ava])).toBe('Sam Lee');
  });
});
