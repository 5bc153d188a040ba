import { describe, expect, it } from 'vitest';
import { chooseProactiveCase, mentions } from './proactive-match.js';

const newest = { id: 'c2', refs: { orderId: 'SO-1042', shipmentId: 'SH-77' } };
const older = { id: 'c1', refs: { orderId: 'SO-0999' } };
const candidates = [newest, older];

describe('chooseProactiveCase', () => {
  it.each([
    ['no candidates', [], { text: 'where is my order?' }, null],
    [
      'refs given, matching the older case',
      candidates,
      { refs: { orderId: 'SO-0999' }, text: '' },
      { id: 'c1', reason: 'ref' },
    ],
    [
      'refs given, matching by another key',
      candidates,
      { refs: { shipmentId: 'SH-77' }, text: '' },
      { id: 'c2', reason: 'ref' },
    ],
    [
      'refs given, same value under another key',
      candidates,
      { refs: { invoiceId: 'SO-0999' }, text: '' },
      null,
    ],
    [
      'a reference of unknown kind: the order of the older case',
      candidates,
      { reference: 'SO-0999', text: '' },
      { id: 'c1', reason: 'ref' },
    ],
    [
      'a reference of unknown kind: a shipment, typed in lower case with spaces',
      candidates,
      { reference: '  sh-77 ', text: 'about SO-0999' },
      { id: 'c2', reason: 'ref' },
    ],
    [
      'a reference no candidate has: none, whatever the text mentions',
      candidates,
      { reference: 'SO-5', text: 'Is SO-0999 late?' },
      null,
    ],
    [
      'a blank reference is none: the text decides',
      candidates,
      { reference: '  ', text: 'SH-77?' },
      { id: 'c2', reason: 'mentioned' },
    ],
    [
      'refs and a reference: either may match',
      candidates,
      { refs: { invoiceId: 'X' }, reference: 'SO-0999', text: '' },
      { id: 'c1', reason: 'ref' },
    ],
    ['refs given, none matching', candidates, { refs: { orderId: 'SO-5' }, text: 'SO-0999' }, null],
    [
      'the text mentions the older order',
      candidates,
      { text: 'About so-0999: still nothing' },
      { id: 'c1', reason: 'mentioned' },
    ],
    [
      'the text mentions the shipment',
      candidates,
      { text: 'Parcel SH-77 arrived broken.' },
      { id: 'c2', reason: 'mentioned' },
    ],
    ['a longer reference is not a mention', candidates, { text: 'Order SO-10420 please' }, null],
    ['another reference entirely', candidates, { text: 'My order INV20931 is wrong' }, null],
    [
      'no reference: the newest case',
      candidates,
      { text: 'Thanks for letting me know!' },
      { id: 'c2', reason: 'latest' },
    ],
    [
      'numbers that are not references',
      candidates,
      { text: 'I waited 3 days, 2 hours' },
      { id: 'c2', reason: 'latest' },
    ],
  ] as const)('%s', (_, list, contact, expected) => {
    expect(chooseProactiveCase([...list], contact as never)).toEqual(expected);
  });
});

describe('mentions', () => {
  it.each([
    ['SO-1', 'see SO-1.', true],
    ['SO-1', 'see SO-12', false],
    ['SO-1', 'ASO-1', false],
    ['a.b', 'axb', false],
    ['', 'anything', false],
    ['(x)', 'value (x) here', true],
  ])('%s in %s', (value, text, expected) => {
    expect(mentions(text, value)).toBe(expected);
  });
});
