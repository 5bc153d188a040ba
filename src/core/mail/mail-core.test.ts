import { describe, expect, it } from 'vitest';
import {
  domainAndParents,
  domainOf,
  blockPatternsFor,
  isOwnAddress,
  mergeCc,
  normalizeBlockPattern,
  normalizeAddress,
  replyAddress,
  replyTokenFromBytes,
  replyTokensIn,
  splitPlus,
  REPLY_TOKEN,
} from './addresses.js';
import { autoMailReason, type HeaderValues } from './auto-mail.js';
import { messageIdsIn, normalizeMessageId, syntheticMessageId } from './message-ids.js';

const TOKEN = 'k3x7mq2wz7abcdef';

describe('normalizeAddress', () => {
  it.each([
    ['plain', 'maria@northwind.example', 'maria@northwind.example'],
    ['upper case', 'Maria.Jensen@NorthWind.Example', 'maria.jensen@northwind.example'],
    ['angle brackets and spaces', '  <a@b.example> ', 'a@b.example'],
    ['plus tag kept', 'support+abc@x.example', 'support+abc@x.example'],
    ['subdomain', 'a@mail.b-c.example', 'a@mail.b-c.example'],
    ['empty', '', null],
    ['null', null, null],
    ['no at', 'maria.example', null],
    ['two ats', 'a@b@c.example', null],
    ['space inside', 'a b@c.example', null],
    ['domain starting with a dash', 'a@-b.example', null],
    ['display name form is not an address', 'Maria <m@x.example>', null],
    ['too long', `${'a'.repeat(250)}@b.example`, null],
  ])('%s', (_, input, expected) => {
    expect(normalizeAddress(input)).toBe(expected);
  });
});

describe('plus addresses and reply tokens', () => {
  it.each([
    ['no tag', 'support@x.example', { base: 'support@x.example', tag: null }],
    ['tag', `support+${TOKEN}@x.example`, { base: 'support@x.example', tag: TOKEN }],
    ['first plus splits', 'a+b+c@x.example', { base: 'a@x.example', tag: 'b+c' }],
    ['empty tag', 'a+@x.example', { base: 'a@x.example', tag: '' }],
  ])('splitPlus: %s', (_, input, expected) => {
    expect(splitPlus(input)).toEqual(expected);
  });

  it('replyAddress and splitPlus are inverse', () => {
    const address = replyAddress('support@steward.example', TOKEN);
    expect(address).toBe(`support+${TOKEN}@steward.example`);
    expect(splitPlus(address)).toEqual({ base: 'support@steward.example', tag: TOKEN });
  });

  it.each([
    ['one token in To', [`support+${TOKEN}@x.example`], [TOKEN]],
    ['upper-cased by a relay', [`<SUPPORT+${TOKEN.toUpperCase()}@X.EXAMPLE>`], [TOKEN]],
    ['repeated in To and Cc', [`support+${TOKEN}@x.example`, `help+${TOKEN}@y.example`], [TOKEN]],
    ['no tag', ['support@x.example'], []],
    ['a customer tag that is no token (too short)', ['maria+shop@x.example'], []],
    ['a tag with characters outside base32', ['support+abcdefghijklmnop1@x.example'], []],
    ['not an address', ['Support Team', null, undefined, ''], []],
    [
      'two tokens, in order',
      [`a+${TOKEN}@x.example`, 'b+zzzzzzzzzzzzzzzz@x.example'],
      [TOKEN, 'zzzzzzzzzzzzzzzz'],
    ],
  ])('replyTokensIn: %s', (_, input, expected) => {
    expect(replyTokensIn(input)).toEqual(expected);
  });

  it.each([
    [10, 16],
    [15, 24],
    [20, 32],
  ])('replyTokenFromBytes: %i bytes make %i base32 characters', (bytes, length) => {
    const token = replyTokenFromBytes(new Uint8Array(bytes).map((_, i) => (i * 37 + 11) & 255));
    expect(token).toHaveLength(length);
    expect(REPLY_TOKEN.test(token)).toBe(true);
  });

  it('replyTokenFromBytes encodes RFC 4648 base32 in lower case', () => {
    // "foobar" is MZXW6YTBOI in RFC 4648's test vectors; pad to 10 bytes with "foobarfoob".
    expect(replyTokenFromBytes(new TextEncoder().encode('foobarfoob'))).toBe('mzxw6ytbojtg633c');
    expect(() => replyTokenFromBytes(new Uint8Array(9))).toThrow();
  });

  it.each([
    ['the base address', 'support@x.example', true],
    ['its reply form', `support+${TOKEN}@x.example`, true],
    ['upper case', 'SUPPORT@X.EXAMPLE', true],
    ['another local part', 'sales@x.example', false],
    ['another domain', 'support@y.example', false],
    ['nothing', null, false],
  ])('isOwnAddress: %s', (_, input, expected) => {
    expect(isOwnAddress(input, new Set(['support@x.example']))).toBe(expected);
  });

  it('domainAndParents: most specific first, down to two labels', () => {
    expect(domainAndParents('EU.mail.Acme.example')).toEqual([
      'eu.mail.acme.example',
      'mail.acme.example',
      'acme.example',
    ]);
    expect(domainAndParents('acme.example')).toEqual(['acme.example']);
    expect(domainAndParents('localhost')).toEqual(['localhost']);
    expect(domainAndParents('')).toEqual([]);
  });

  it('domainOf', () => {
    expect(domainOf('a@Mail.Example')).toBe('mail.example');
  });
});

describe('mergeCc: who a case copies after a mail', () => {
  const ours = new Set(['support@steward.example', 'billing@steward.example']);
  const base = {
    kept: [] as string[],
    to: [] as string[],
    cc: [] as string[],
    from: 'maria@northwind.example',
    ours,
    excluded: new Set<string>(),
    max: 10,
  };

  it('takes the mail’s other recipients, not us, the sender or the excluded', () => {
    expect(
      mergeCc({
        ...base,
        to: ['Support@Steward.example', 'support+k3x7abcdefghijkl@steward.example', 'Lars@Northwind.example'],
        cc: [
          'maria@northwind.example',
          'ava@steward.example',
          'billing@steward.example',
          'not an address',
          'eve@x.example',
        ],
        excluded: new Set(['ava@steward.example']),
      }),
    ).toEqual(['lars@northwind.example', 'eve@x.example']);
  });

  it('keeps those the case had, in their order, adds new ones once, and stops at the limit', () => {
    expect(
      mergeCc({
        ...base,
        kept: ['lars@northwind.example'],
        to: ['support@steward.example'],
        cc: ['LARS@northwind.example', 'a@x.example', 'a@x.example', 'b@x.example', 'c@x.example'],
        max: 3,
      }),
    ).toEqual(['lars@northwind.example', 'a@x.example', 'b@x.example']);
    expect(mergeCc({ ...base, kept: ['a@x.example'], max: 1, cc: ['b@x.example'] })).toEqual(['a@x.example']);
  });
});

describe('blocked senders', () => {
  it('reads an address or a domain, and nothing else', () => {
    expect(normalizeBlockPattern(' Spammer@Spam.Example ')).toBe('spammer@spam.example');
    expect(normalizeBlockPattern('@Spam.Example')).toBe('@spam.example');
    expect(normalizeBlockPattern('spam.example')).toBe('@spam.example');
    for (const bad of ['', '@', 'spam', '@localhost', 'a b@x.example', 'x@', '@@x.example'])
      expect(normalizeBlockPattern(bad)).toBeNull();
  });

  it('an address is blocked by itself, its domain and the domains above it', () => {
    expect(blockPatternsFor('Eve@Mail.Spam.Example')).toEqual([
      'eve@mail.spam.example',
      '@mail.spam.example',
      '@spam.example',
    ]);
  });
});

describe('message ids', () => {
  it.each([
    ['bracketed', '<abc@x.example>', 'abc@x.example'],
    ['bare', 'abc@x.example', 'abc@x.example'],
    ['spaces around', '  <abc@x.example>  ', 'abc@x.example'],
    ['comment after', '<abc@x.example> (sent by Foo)', 'abc@x.example'],
    ['case kept', '<ABC@X.example>', 'ABC@X.example'],
    ['empty', '', null],
    ['empty brackets', '<>', '<>'],
    ['too long', `<${'a'.repeat(1000)}@x>`, null],
  ])('normalizeMessageId: %s', (_, input, expected) => {
    expect(normalizeMessageId(input)).toBe(expected);
  });

  it.each([
    ['one', '<a@x>', ['a@x']],
    ['space separated', '<a@x> <b@x>', ['a@x', 'b@x']],
    ['folded over lines', '<a@x>\r\n <b@x>\r\n\t<c@x>', ['a@x', 'b@x', 'c@x']],
    ['comma separated', '<a@x>,<b@x>', ['a@x', 'b@x']],
    ['no brackets', 'a@x b@x', ['a@x', 'b@x']],
    ['repeats dropped', '<a@x> <b@x> <a@x>', ['a@x', 'b@x']],
    ['an array (mailparser)', ['<a@x>', '<b@x>'], ['a@x', 'b@x']],
    ['nothing', undefined, []],
    ['garbage', 'hello there', []],
  ])('messageIdsIn: %s', (_, input, expected) => {
    expect(messageIdsIn(input as string | string[] | undefined)).toEqual(expected);
  });

  it('syntheticMessageId is stable', () => {
    expect(syntheticMessageId('ab12')).toBe(syntheticMessageId('ab12'));
    expect(syntheticMessageId('ab12')).not.toBe(syntheticMessageId('ab13'));
  });
});

describe('autoMailReason', () => {
  const ours = new Set(['support@steward.example']);
  const person = 'maria@northwind.example';
  const check = (headers: HeaderValues, from: string | null = person, envelopeFrom?: string | null) =>
    autoMailReason({ headers, from, envelopeFrom, ourAddresses: ours });

  it.each<[string, HeaderValues, string | null]>([
    ['a person', { subject: 'Where is my order?' }, null],
    ['Auto-Submitted: no', { 'auto-submitted': 'no' }, null],
    ['Auto-Submitted: auto-replied', { 'auto-submitted': 'auto-replied' }, 'Auto-Submitted: auto-replied'],
    [
      'Auto-Submitted: auto-generated',
      { 'auto-submitted': 'Auto-Generated' },
      'Auto-Submitted: auto-generated',
    ],
    [
      'Auto-Submitted with parameters',
      { 'auto-submitted': 'auto-replied; owner-email="x@y"' },
      'Auto-Submitted: auto-replied',
    ],
    ['Precedence: bulk', { precedence: 'bulk' }, 'Precedence: bulk'],
    ['Precedence: junk', { precedence: 'Junk' }, 'Precedence: junk'],
    ['Precedence: list', { precedence: 'list' }, 'Precedence: list'],
    ['Precedence: auto_reply', { precedence: 'auto_reply' }, 'Precedence: auto_reply'],
    ['Precedence: first-class', { precedence: 'first-class' }, null],
    ['X-Autoreply', { 'x-autoreply': 'yes' }, 'X-Autoreply'],
    ['X-Autorespond', { 'x-autorespond': 'Out of office' }, 'X-Autorespond'],
    ['X-Auto-Response-Suppress: All', { 'x-auto-response-suppress': 'All' }, 'X-Auto-Response-Suppress: all'],
    [
      'X-Auto-Response-Suppress with OOF in a list',
      { 'x-auto-response-suppress': 'DR, OOF, AutoReply' },
      'X-Auto-Response-Suppress: dr, oof, autoreply',
    ],
    ['X-Auto-Response-Suppress: RN only', { 'x-auto-response-suppress': 'RN, NRN' }, null],
    [
      'a delivery report',
      { 'content-type': 'multipart/report; report-type=delivery-status; boundary="x"' },
      'a delivery report (multipart/report)',
    ],
    ['multipart/mixed', { 'content-type': 'multipart/mixed; boundary="x"' }, null],
    ['X-Failed-Recipients', { 'x-failed-recipients': 'a@b' }, 'a bounce (X-Failed-Recipients)'],
    ['our own header', { 'x-steward-mail': '1' }, 'our own mail (X-Steward-Mail)'],
    ['Return-Path: <>', { 'return-path': '<>' }, 'empty envelope sender (a bounce)'],
    ['Return-Path of a person', { 'return-path': `<${person}>` }, null],
    ['a repeated header: the first counts', { precedence: ['bulk', 'normal'] }, 'Precedence: bulk'],
  ])('%s', (_, headers, expected) => {
    expect(check(headers)).toBe(expected);
  });

  it.each<[string, string | null, string | null | undefined, string | null]>([
    ['MAILER-DAEMON', 'mailer-daemon@mx.example', undefined, 'from MAILER-DAEMON'],
    ['postmaster', 'postmaster@mx.example', undefined, 'from POSTMASTER'],
    ['the null envelope sender', person, '', 'empty envelope sender (a bounce)'],
    ['an envelope sender MAILER-DAEMON', person, 'MAILER-DAEMON@mx.example', 'from MAILER-DAEMON'],
    ['an envelope sender of a person', person, person, null],
    ['no From at all', null, person, null],
    [
      'our own address',
      'support@steward.example',
      person,
      'sent from our own address support@steward.example',
    ],
    [
      'our own reply address',
      'support+abcdefghijklmnop@steward.example',
      undefined,
      'sent from our own address support+abcdefghijklmnop@steward.example',
    ],
  ])('sender: %s', (_, from, envelopeFrom, expected) => {
    expect(check({}, from, envelopeFrom)).toBe(expected);
  });
});
