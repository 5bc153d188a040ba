// The pure defaults of a case opened for a commitment (commitment-case.ts), table by table.
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../shared/schemas/common.js';
import type { CommitmentState } from '../../../shared/schemas/signals.js';
import {
  commitmentCaseCategory,
  commitmentCaseNote,
  commitmentCasePriority,
  commitmentCaseSubject,
} from './commitment-case.js';

describe('a commitment case’s subject', () => {
  it.each<[CommitmentState, string]>([
    ['open', 'Callback within 2 hours for CB-4004'],
    ['overdue', 'Callback within 2 hours for CB-4004 overdue'],
    ['broken', 'Callback within 2 hours for CB-4004 broken'],
    ['late', 'Callback within 2 hours for CB-4004 met late'],
    ['met', 'Callback within 2 hours for CB-4004'],
    ['cancelled', 'Callback within 2 hours for CB-4004 cancelled'],
  ])('names the commitment, its ref and a %s state', (state, subject) => {
    expect(commitmentCaseSubject({ name: 'Callback within 2 hours', refValue: 'CB-4004', state })).toBe(
      subject,
    );
  });

  it('keeps one that fits exactly as it is', () => {
    const tail = ' for SO-1 overdue';
    const name = 'n'.repeat(LIMITS.subject - tail.length);
    expect(commitmentCaseSubject({ name, refValue: 'SO-1', state: 'overdue' })).toBe(`${name}${tail}`);
  });

  it('shortens a long name to fit a subject, never the ref or its state', () => {
    const ref = 'R'.repeat(200);
    const subject = commitmentCaseSubject({
      name: `${'a'.repeat(150)} ${'b'.repeat(49)}`,
      refValue: ref,
      state: 'broken',
    });
    expect(subject).toHaveLength(LIMITS.subject);
    expect(subject).toBe(
      `${'a'.repeat(LIMITS.subject - ` for ${ref} broken`.length - 1)}… for ${ref} broken`,
    );
  });

  it('never cuts a character outside the BMP in half, nor leaves a space before the "…"', () => {
    const ref = 'R'.repeat(200);
    // 300 - " for R…R overdue" (213) - "…" = 86 code units: 43 emoji, or 42 and a space.
    const emoji = commitmentCaseSubject({ name: '📦'.repeat(100), refValue: ref, state: 'overdue' });
    expect(emoji).toBe(`${'📦'.repeat(43)}… for ${ref} overdue`);
    const odd = commitmentCaseSubject({ name: `x${'📦'.repeat(100)}`, refValue: ref, state: 'overdue' });
    expect(odd).toBe(`x${'📦'.repeat(42)}… for ${ref} overdue`);
    expect(odd.length).toBeLessThanOrEqual(LIMITS.subject);
    const spaced = commitmentCaseSubject({
      name: `${'w'.repeat(85)} ${'z'.repeat(100)}`,
      refValue: ref,
      state: 'overdue',
    });
    expect(spaced).toBe(`${'w'.repeat(85)}… for ${ref} overdue`);
  });
});

describe('a commitment case’s category and priority', () => {
  it.each<[string, CommitmentState, string]>([
    ['invoiceId', 'open', 'invoice_error'],
    ['invoiceId', 'overdue', 'invoice_error'],
    ['orderId', 'overdue', 'late_delivery'],
    ['orderId', 'late', 'late_delivery'],
    ['shipmentId', 'broken', 'late_delivery'],
    ['orderId', 'open', 'order_status'],
    ['shipmentId', 'met', 'order_status'],
    ['callbackId', 'overdue', 'other'],
  ])('files a %s commitment that is %s as %s', (refKey, state, category) => {
    expect(commitmentCaseCategory({ refKey, state })).toBe(category);
  });

  it.each<[CommitmentState, string]>([
    ['overdue', 'high'],
    ['broken', 'high'],
    ['open', 'normal'],
    ['late', 'normal'],
    ['met', 'normal'],
    ['cancelled', 'normal'],
  ])('gives a %s one %s priority', (state, priority) => {
    expect(commitmentCasePriority({ state })).toBe(priority);
  });
});

describe('a commitment case’s first note', () => {
  const base = {
    name: 'On-time delivery',
    agreementName: 'Northwind PSA',
    refKey: 'orderId',
    refValue: 'SO-1',
    openedAt: '2026-03-01T08:00:00.000Z',
    dueAt: '2026-03-02T08:00:00.000Z',
    closedAt: null,
    repromised: 0,
  };

  it('states the facts in the zone given, with how long an overdue one is past due', () => {
    const note = commitmentCaseNote(
      { ...base, state: 'overdue', repromised: 2 },
      { timeZone: 'Europe/Berlin', now: new Date('2026-03-02T09:30:00.000Z') },
    );
    expect(note).toBe(
      [
        'Opened for the commitment "On-time delivery" (agreement Northwind PSA) on Order SO-1.',
        'State: overdue, 1 h 30 min past due.',
        'Opened: 1 Mar 2026, 09:00 (Europe/Berlin).',
        'Due: 2 Mar 2026, 09:00 (Europe/Berlin) (re-promised 2×).',
      ].join('\n'),
    );
  });

  it('says a long lateness in days and hours, not in hundreds of hours', () => {
    const state = (now: string) =>
      commitmentCaseNote({ ...base, state: 'overdue' }, { timeZone: 'UTC', now: new Date(now) }).split(
        '\n',
      )[1];
    expect(state('2026-03-22T11:10:00.000Z')).toBe('State: overdue, 20 d 3 h past due.');
    expect(state('2026-03-03T08:00:00.000Z')).toBe('State: overdue, 1 d past due.');
    expect(state('2026-03-02T20:45:00.000Z')).toBe('State: overdue, 12 h past due.');
  });

  it('names a closed one’s closing time and no lateness; the note given follows after a blank line', () => {
    const note = commitmentCaseNote(
      { ...base, state: 'late', closedAt: '2026-03-02T10:00:00.000Z' },
      { timeZone: 'UTC', now: new Date('2026-03-05T00:00:00.000Z'), note: 'Carrier confirmed.' },
    );
    expect(note.split('\n')).toEqual([
      'Opened for the commitment "On-time delivery" (agreement Northwind PSA) on Order SO-1.',
      'State: met late.',
      'Opened: 1 Mar 2026, 08:00 (UTC).',
      'Due: 2 Mar 2026, 08:00 (UTC).',
      'Closed: 2 Mar 2026, 10:00 (UTC).',
      '',
      'Carrier confirmed.',
    ]);
  });
});
