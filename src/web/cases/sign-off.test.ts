import { describe, expect, it } from 'vitest';
import { signatureHasClosing, withoutDoubleSignOff } from './sign-off.js';

const NAME_ONLY = 'Ava Agent\nCustomer service, Steward Demo Shop\n+49 30 1234 5678';
const WITH_CLOSING = 'Kind regards,\nAva Agent\nCustomer service';
const BODY = 'Hello Maria,\n\nCould you send a photo of the box?';

describe('a template’s sign-off against the agent’s signature', () => {
  it('not signed (no signature, a blank one): the template is kept whole', () => {
    const text = `${BODY}\n\nBest regards,\nAva`;
    expect(withoutDoubleSignOff(text, null)).toEqual({ text, removed: '' });
    expect(withoutDoubleSignOff(text, undefined)).toEqual({ text, removed: '' });
    expect(withoutDoubleSignOff(text, '  \n')).toEqual({ text, removed: '' });
  });

  it('a signature with closing words of its own: the template’s whole sign-off goes', () => {
    expect(withoutDoubleSignOff(`${BODY}\n\nBest regards,\nAva`, WITH_CLOSING)).toEqual({
      text: BODY,
      removed: 'Best regards,\nAva',
    });
    expect(withoutDoubleSignOff(`${BODY}\n\nThanks!\n`, WITH_CLOSING)).toEqual({
      text: BODY,
      removed: 'Thanks!',
    });
    expect(withoutDoubleSignOff(`${BODY}\n\nCheers, Ava`, WITH_CLOSING)).toEqual({
      text: BODY,
      removed: 'Cheers,\nAva',
    });
    expect(
      withoutDoubleSignOff(
        `${BODY}\n\nMit freundlichen Grüßen\nAva Agent\nKundenservice\nSteward`,
        WITH_CLOSING,
      ),
    ).toEqual({ text: BODY, removed: 'Mit freundlichen Grüßen\nAva Agent\nKundenservice\nSteward' });
  });

  it('a signature that only says who the agent is: the closing words stay, the names under them go', () => {
    expect(withoutDoubleSignOff(`${BODY}\n\nBest regards,\nAva`, NAME_ONLY)).toEqual({
      text: `${BODY}\n\nBest regards,`,
      removed: 'Ava',
    });
    expect(withoutDoubleSignOff(`${BODY}\n\nCheers, Ava`, NAME_ONLY)).toEqual({
      text: `${BODY}\n\nCheers,`,
      removed: 'Ava',
    });
    // Closing words alone sign nothing twice.
    const text = `${BODY}\n\nKind regards,`;
    expect(withoutDoubleSignOff(text, NAME_ONLY)).toEqual({ text, removed: '' });
  });

  it('only a sign-off at the very end counts', () => {
    for (const text of [
      // "Thanks" opening a sentence, not closing the reply.
      'Hello,\n\nThanks for your patience. It ships today.',
      'Hello,\n\nThanks, we received it and will be in touch.',
      // Closing words in the middle, a paragraph after them.
      'Best regards,\nAva\n\nP.S. Your voucher code is below.',
      // More lines after the closing than a name, a role and a team.
      'Regards,\nline one\nline two\nline three\nline four',
      // A sentence after the closing words is not a name.
      'Best,\nWe will call you tomorrow.',
      BODY,
      '',
    ]) {
      expect(withoutDoubleSignOff(text, WITH_CLOSING)).toEqual({ text, removed: '' });
    }
  });

  it('a template that is only a sign-off leaves nothing, or the closing words', () => {
    expect(withoutDoubleSignOff('Best regards,\nAva', WITH_CLOSING)).toEqual({
      text: '',
      removed: 'Best regards,\nAva',
    });
    expect(withoutDoubleSignOff('Best regards,\nAva', NAME_ONLY)).toEqual({
      text: 'Best regards,',
      removed: 'Ava',
    });
  });

  it.each([
    [WITH_CLOSING, true],
    ['Best,\nAva', true],
    ['Cheers, Ava\nSupport', true],
    [NAME_ONLY, false],
    ['Ava Agent', false],
    ['Ava Agent\nCustomer service\nBest regards', false],
    ['', false],
  ])('signature %j has closing words: %s', (signature, expected) => {
    expect(signatureHasClosing(signature)).toBe(expected);
  });
});
