import { describe, expect, it } from 'vitest';
import { insertBlock } from './insert-block.js';

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
