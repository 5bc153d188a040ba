import { describe, expect, it } from 'vitest';
import { CaseCreate } from './cases.js';
import { Name, badText, badTextPath } from './common.js';

describe('badText', () => {
  it.each([
    ['plain', false],
    ['Zürich 𝄞 emoji 🚚', false],
    ['', false],
    ['a\u0000b', true],
    ['lone high \ud800', true],
    ['lone low \udc00 here', true],
    ['reversed pair \udc00\ud800', true],
  ])('%j: %s', (s, bad) => expect(badText(s)).toBe(bad));
});

describe('badTextPath', () => {
  it('names the first bad string or key by its path', () => {
    expect(badTextPath({ a: 'ok', b: [1, 'ok', { c: 'x\u0000' }] })).toEqual(['b', 2, 'c']);
    expect(badTextPath({ ['k\u0000']: 1 })).toEqual(['k\u0000']);
    expect(badTextPath('\ud800')).toEqual([]);
    expect(badTextPath({ a: [null, true, 3, 'fine'] })).toBeNull();
    expect(badTextPath(undefined)).toBeNull();
  });

  it('skips the named top-level key only', () => {
    expect(badTextPath({ data: { x: '\u0000' }, id: 'ok' }, 'data')).toBeNull();
    expect(badTextPath({ data: 'ok', nested: { data: '\u0000' } }, 'data')).toEqual(['nested', 'data']);
  });

  it('does not walk binary data; does walk objects without a prototype (parsed query strings)', () => {
    // An uploaded file arrives as a Buffer: it is not entered at all (neither its bytes, one by
    // one, nor anything hung on it).
    expect(badTextPath({ file: Object.assign(Buffer.from('a\u0000b'), { label: 'x\u0000' }) })).toBeNull();
    expect(badTextPath(Object.assign(Object.create(null), { q: 'a\u0000b' }))).toEqual(['q']);
  });

  it('survives deep nesting without overflowing the stack', () => {
    let deep: unknown = 'end\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(badTextPath(deep)).toHaveLength(100_000);
  });
});

describe('one-line fields (names, subjects)', () => {
  it('turn line breaks and tabs into a space, then trim', () => {
    expect(Name.parse('  Anna\r\nBcc: someone@example.com ')).toBe('Anna Bcc: someone@example.com');
    expect(Name.parse('a\tb\u2028c\u0085d\n\n\ne')).toBe('a b c d e');
    expect(Name.safeParse('\r\n\t').success).toBe(false);
    expect(CaseCreate.shape.subject.parse('Parcel\nlate')).toBe('Parcel late');
  });
});
