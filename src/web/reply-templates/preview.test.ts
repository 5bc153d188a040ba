import { describe, expect, it } from 'vitest';
import { filledPreview, sampleReplyFacts, templatePreview } from './preview.js';

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

describe('filledPreview', () => {
  const facts = {
    case: { number: 4711, subject: 'Lid missing' },
    customer: { name: 'Maria Jensen', email: 'maria@example.com' },
    organization: { name: 'Nordic Parcels' },
    agent: { name: 'Ava Agent' },
  };

  it('fills the placeholders as the reply will have them (the same renderer), after the greeting', () => {
    expect(
      filledPreview('Hi {{customer.firstName}},\n\nAbout case #{{case.number}} ({{case.subject}}).', facts),
    ).toBe('About case #4711 (Lid missing).');
    expect(filledPreview('{{agent.firstName}} from {{organization.name}} for {{customer.name}}', facts)).toBe(
      'Ava from Nordic Parcels for Maria Jensen',
    );
    // A value the case does not have is left out, as in the reply.
    expect(
      filledPreview('Dear {{customer.name}},\nYour company {{organization.name}}.', {
        ...facts,
        organization: null,
      }),
    ).toBe('Your company .');
    expect(filledPreview('Hello {{customer.firstName}},\nX', facts)).not.toContain('{{');
  });

  it('without a case: sample values that say they are samples, and the agent who looks', () => {
    expect(
      filledPreview('For {{customer.name}}, #{{case.number}}, {{agent.name}}', sampleReplyFacts('Ava Agent')),
    ).toBe('For Sam Sample, #1234, Ava Agent');
  });
});
