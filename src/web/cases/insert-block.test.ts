import { describe, expect, it } from 'vitest';
import { insertBlock, insertionPoint } from './insert-block.js';

describe('insertBlock', () => {
  it('is the whole reply when nothing was written', () => {
    expect(insertBlock('', 0, 'Hello')).toBe('Hello');
    expect(insertBlock('  \n', 1, 'Hello')).toBe('Hello');
  });

  it('keeps a blank line from the words before and after it', () => {
    expect(insertBlock('Hi Maria,', 9, 'Your parcel left today.')).toBe(
      'Hi Maria,\n\nYour parcel left today.',
    );
    expect(insertBlock('Hi Maria,\nThanks', 9, 'X')).toBe('Hi Maria,\n\nX\n\nThanks');
    expect(insertBlock('Best, Ava', 0, 'X')).toBe('X\n\nBest, Ava');
  });

  it('adds no more newlines than a blank line needs', () => {
    expect(insertBlock('Hi Maria,\n\n', 11, 'X')).toBe('Hi Maria,\n\nX');
    expect(insertBlock('Hi Maria,\n', 10, 'X')).toBe('Hi Maria,\n\nX');
  });
});

describe('insertionPoint', () => {
  const reply = 'Hello Maria,\n\nYour parcel left today.\n\nBest regards,';
  it('is the cursor when words follow it', () => {
    expect(insertionPoint(reply, 12)).toBe(12);
    expect(insertionPoint('Hi Maria,\nThanks for waiting. More soon.', 9)).toBe(9);
  });

  it('at the end (or never placed): above the sign-off, which stays last', () => {
    const link = 'My delivery is late: https://help.example/late';
    const at = insertionPoint(reply, reply.length);
    expect(at).toBe(reply.indexOf('Best regards,'));
    expect(insertionPoint(reply, null)).toBe(at);
    expect(insertBlock(reply, at, link)).toBe(
      `Hello Maria,\n\nYour parcel left today.\n\n${link}\n\nBest regards,`,
    );
    const named = 'Hi,\n\nDone.\n\nKind regards,\nAva Agent\nSupport\n';
    expect(insertionPoint(named, named.length)).toBe(named.indexOf('Kind regards,'));
    expect(insertionPoint('Cheers, Ava', null)).toBe(0);
  });

  it('at the end of a reply without a sign-off: the end', () => {
    const plain = 'Hello Maria,\n\nYour parcel left today.';
    expect(insertionPoint(plain, plain.length)).toBe(plain.length);
    expect(insertionPoint('', null)).toBe(0);
    // A last sentence is not a name under closing words.
    const sentence = 'Thanks,\nwe will write again tomorrow.';
    expect(insertionPoint(sentence, sentence.length)).toBe(sentence.length);
  });
});
