import { describe, expect, it } from 'vitest';
import { acknowledgeable, acknowledgementText } from './acknowledgement.js';

const now = new Date('2026-12-04T08:00:00Z'); // a Friday
const base = { number: 1042, portalUrl: 'https://help.example', now };

describe('acknowledgementText', () => {
  it('names the request and when we answer, in the zone given', () => {
    const text = acknowledgementText({
      ...base,
      answerBy: new Date('2026-12-07T09:30:00Z'),
      timeZone: 'Europe/Berlin',
    });
    expect(text.split('\n')).toEqual([
      'We have your request #1042.',
      'We will answer by Mon 10:30 (Europe/Berlin).',
      '',
      'To add anything (details, files), reply to this message; keep its number in the subject.',
      'Your requests, and a sign-in link by e-mail: https://help.example/portal',
    ]);
  });

  it('says UTC without a zone, and promises no time that is past or not promised', () => {
    const at = new Date('2026-12-04T09:00:00Z');
    // UTC once, whether no zone, UTC itself or a zone this runtime does not know was given.
    for (const timeZone of [null, 'UTC', 'Mars/Olympus_Mons'])
      expect(acknowledgementText({ ...base, answerBy: at, timeZone }).split('\n')[1]).toBe(
        'We will answer by Fri 09:00 UTC.',
      );
    for (const answerBy of [null, new Date('2026-12-04T07:59:00Z')])
      expect(acknowledgementText({ ...base, answerBy, timeZone: 'Europe/Berlin' }).split('\n')[1]).toBe(
        'We will answer by e-mail as soon as we can.',
      );
  });
});

describe('acknowledgeable', () => {
  it('is false for addresses nobody reads, true for people and shared desks', () => {
    for (const a of [
      'noreply@shop.example',
      'No-Reply@shop.example',
      'do-not-reply@x.example',
      'donotreply@x.example',
      'MAILER-DAEMON@mx.example',
      'postmaster@x.example',
      'bounce+123@x.example',
      'not-an-address',
    ])
      expect(acknowledgeable(a), a).toBe(false);
    for (const a of [
      'kim@customer.example',
      'purchasing@northwind.example',
      'replyall@x.example',
      'noreplyanna@x.example',
    ])
      expect(acknowledgeable(a), a).toBe(true);
  });
});
