import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CaseCreate, Tag } from './cases.js';
import {
  commaList,
  Id,
  Name,
  PHONE_MESSAGE,
  Phone,
  SegmentKey,
  badText,
  badTextPath,
  isInternationalPhone,
} from './common.js';

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

describe('phone numbers in international format', () => {
  it.each([
    '+49 30 5550100',
    '+1 555 0100',
    '+44 20 7946 0958',
    '+49 (30) 555-0101',
    '+45 33 12 34 56',
    '+683 4002',
    '+33 1.23.45.67.89',
    '+491701234567',
    '+49 30 555',
  ])('takes %j', (phone) => expect(isInternationalPhone(phone)).toBe(true));

  it.each([
    '12345',
    '040 123 4567',
    '+49 12',
    '+0 30 5550100',
    '+1234567890123456',
    '++49 30 5550100',
    '+49 30 555 0100 ext 2',
    'call me maybe',
    '+',
  ])('refuses %j', (phone) => expect(isInternationalPhone(phone)).toBe(false));

  it('says how to write one, with an example', () => {
    const r = Phone.safeParse('12345');
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message)).toEqual([PHONE_MESSAGE]);
    expect(PHONE_MESSAGE).toContain('e.g. +49 30 5550100');
    expect(Phone.parse(' +49 30 5550100 ')).toBe('+49 30 5550100');
  });
});

describe('empty and missing required values', () => {
  it('are "is required", one message each', () => {
    const messages = (r: { error?: { issues: { message: string }[] } }) =>
      r.error!.issues.map((i) => i.message);
    expect(messages(Name.safeParse(''))).toEqual(['is required']);
    expect(messages(SegmentKey.safeParse(''))).toEqual(['is required']);
    expect(messages(Id.safeParse(undefined))).toEqual(['is required']);
    expect(messages(Id.safeParse('x'))).toEqual(['must be a UUID']);
  });
});

describe('commaList', () => {
  const states = commaList(z.enum(['open', 'acted', 'resolved'])).optional();
  it.each([
    ['open', ['open']],
    ['open,acted', ['open', 'acted']],
    ['open,', ['open']],
    [',open,,acted,', ['open', 'acted']],
    [' open , acted ', ['open', 'acted']],
    ['acted,open,acted', ['acted', 'open']],
    ['', undefined],
    [',', undefined],
    [' , ,', undefined],
  ])('%j reads as %j', (input, out) => expect(states.parse(input)).toEqual(out));

  it.each([
    ['open,closed', 'unknown value "closed": must be one of "open", "acted", "resolved"'],
    ['Open', 'unknown value "Open": must be one of "open", "acted", "resolved"'],
    ['open,,  lost ', 'unknown value "lost": must be one of "open", "acted", "resolved"'],
  ])('%j is refused: %s', (input, message) => {
    const r = states.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path, i.message])).toEqual([[[], message]]);
  });

  it('dedupes on the parsed value, refuses an item with its own message, and caps the count', () => {
    const tags = commaList(Tag, 3);
    expect(tags.parse('VIP, vip ,gold')).toEqual(['vip', 'gold']);
    expect(tags.safeParse('vip,a b').error?.issues[0]?.message).toBe(
      '"a b": tags are lower-case letters, digits and _ : . - (max 50)',
    );
    expect(tags.safeParse('a,b,c,d').error?.issues[0]?.message).toBe('must have at most 3 values');
    expect(tags.parse('a,b,c,a,b')).toEqual(['a', 'b', 'c']);
  });
});
