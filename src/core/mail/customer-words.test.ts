import { describe, expect, it } from 'vitest';
import { MAIL_LANGUAGES } from '../../shared/mail-languages.js';
import { acknowledgementSubject, acknowledgementText } from './acknowledgement.js';
import { customerWords } from './customer-words.js';
import { mailLanguage } from '../../shared/mail-languages.js';

describe('the language of mail to a customer', () => {
  it('is their own, by its primary subtag; English when Steward does not write theirs; else the company’s', () => {
    expect(mailLanguage('de', 'fr')).toBe('de');
    expect(mailLanguage('de-CH', 'en')).toBe('de');
    expect(mailLanguage('NL', 'en')).toBe('nl');
    expect(mailLanguage('it', 'de')).toBe('en');
    expect(mailLanguage(null, 'fr')).toBe('fr');
    expect(mailLanguage('  ', 'es')).toBe('es');
    expect(mailLanguage(undefined, null)).toBe('en');
    // A stored setting no longer known reads as English.
    expect(mailLanguage(null, 'xx')).toBe('en');
    expect(customerWords('xx').signInSubject).toBe('Your sign-in link');
  });

  it('has every phrase in every language, each its own', () => {
    const subjects = MAIL_LANGUAGES.map((l) => customerWords(l).signInSubject);
    expect(new Set(subjects).size).toBe(MAIL_LANGUAGES.length);
    for (const l of MAIL_LANGUAGES) {
      const w = customerWords(l);
      expect(w.haveRequest(7), l).toContain('7');
      expect(w.seeOnline('https://x.example/p'), l).toContain('https://x.example/p');
      expect(w.worksOnce(15), l).toContain('15');
      expect(w.hello('Ann'), l).toContain('Ann');
    }
  });

  it('writes the acknowledgement and its times in the customer’s language', () => {
    const now = new Date('2026-12-04T08:00:00Z'); // a Friday
    const text = acknowledgementText({
      number: 1042,
      portalUrl: 'https://help.example',
      now,
      answerBy: new Date('2026-12-07T09:30:00Z'),
      timeZone: 'Europe/Berlin',
      language: 'de',
    });
    expect(text.split('\n')).toEqual([
      'Wir haben Ihre Anfrage #1042 erhalten.',
      'Wir antworten bis Mo., 10:30 (Europe/Berlin).',
      '',
      'Um etwas zu ergänzen (Details, Dateien), antworten Sie auf diese Nachricht; lassen Sie die Nummer im Betreff stehen.',
      'Ihre Anfragen, und einen Anmeldelink per E-Mail: https://help.example/portal',
    ]);
    expect(acknowledgementSubject('fr')).toBe('Nous avons bien reçu votre demande');
    expect(acknowledgementSubject()).toBe('We have your request');
    const later = acknowledgementText({
      number: 9,
      portalUrl: 'https://help.example',
      now,
      answerBy: new Date('2026-12-15T09:30:00Z'),
      timeZone: null,
      language: 'fr',
    });
    expect(later.split('\n')[1]).toBe('Nous vous répondrons d’ici mar. 15 déc., 09:30 UTC.');
  });
});
