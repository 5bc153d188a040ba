import { describe, expect, it } from 'vitest';
import { templatePreview } from './preview.js';

describe('templatePreview', () => {
  it('skips the greeting and blank lines: the first line that says something', () => {
    expect(
      templatePreview('Hello {{customer.firstName}},\n\nWe asked the carrier to trace it.\n\nBest regards,'),
    ).toBe('We asked the carrier to trace it.');
    expect(templatePreview('Dear Maria,\nYour refund is on its way.')).toBe('Your refund is on its way.');
    expect(templatePreview('  Hi there!  \n\n  Thanks for waiting.')).toBe('Thanks for waiting.');
    expect(templatePreview('Good morning {{customer.name}},\nX')).toBe('X');
    expect(templatePreview('Hej Maria,\nTak.')).toBe('Tak.');
  });

  it('keeps a first line that is not a greeting', () => {
    expect(templatePreview('Your parcel left today.\nMore soon.')).toBe('Your parcel left today.');
    // Opens with a greeting word but is a sentence, not a salutation.
    expect(
      templatePreview('Hello, and thank you for your patience with SO-4711 and its delays so far.\nX'),
    ).toBe('Hello, and thank you for your patience with SO-4711 and its delays so far.');
    expect(templatePreview('Hi {{customer.firstName}}, case #{{case.number}}')).toBe(
      'Hi {{customer.firstName}}, case #{{case.number}}',
    );
  });

  it('a greeting alone, or nothing: what there is', () => {
    expect(templatePreview('Hello Maria,')).toBe('Hello Maria,');
    expect(templatePreview('')).toBe('');
    expect(templatePreview('\n \n')).toBe('');
  });
});
