import { describe, expect, it } from 'vitest';
import { onTimeSentence, signalStateText } from './signal-labels.js';

describe('a customer’s on-time sentence', () => {
  const counts = (met: number, late: number, broken: number, overdue: number) => {
    const due = met + late + broken + overdue;
    return { met, late, broken, overdue, onTimeRate: due === 0 ? null : met / due };
  };

  it('gives the rate and what it counts once something was closed', () => {
    expect(onTimeSentence(counts(3, 1, 0, 1), 90)).toBe(
      'On time in the last 90 days: 60% (3 met, 1 late, 0 broken, 1 overdue now)',
    );
    expect(onTimeSentence(counts(0, 0, 2, 0), 90)).toBe(
      'On time in the last 90 days: 0% (0 met, 0 late, 2 broken, 0 overdue now)',
    );
  });

  it('claims no rate when nothing was closed: an overdue one alone is not "0% on time"', () => {
    expect(onTimeSentence(counts(0, 0, 0, 1), 90)).toBe(
      'No commitment closed in the last 90 days; 1 overdue now.',
    );
    expect(onTimeSentence(counts(0, 0, 0, 1200), 90)).toBe(
      'No commitment closed in the last 90 days; 1,200 overdue now.',
    );
    expect(onTimeSentence(undefined, 90)).toBe(
      'No commitment closed in the last 90 days, and none overdue now.',
    );
  });
});

describe('a signal’s state in words', () => {
  it('says when a live signal has a case nobody owns', () => {
    expect(signalStateText('acted', true)).toBe('Acted on · nobody on it');
    expect(signalStateText('acted', false)).toBe('Acted on');
    expect(signalStateText('acted')).toBe('Acted on');
    // Its case opened, its customer mail still held: open, and nobody on the case either.
    expect(signalStateText('open', true)).toBe('Open · nobody on it');
    expect(signalStateText('open', false)).toBe('Open');
  });

  it('leaves an ended signal as it is: its risk is over, whoever has the case', () => {
    expect(['resolved', 'dismissed'].map((st) => signalStateText(st, true))).toEqual([
      'Resolved',
      'Dismissed',
    ]);
  });
});
