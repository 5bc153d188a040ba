import { describe, expect, it } from 'vitest';
import { isoDuration, splitDuration, wholeAmount } from './duration.js';

describe('rule durations as an amount and a unit', () => {
  it('reads an ISO duration as the largest whole unit', () => {
    expect(splitDuration('PT48H')).toEqual({ amount: 2, unit: 'days' });
    expect(splitDuration('PT36H')).toEqual({ amount: 36, unit: 'hours' });
    expect(splitDuration('PT90M')).toEqual({ amount: 90, unit: 'minutes' });
    expect(splitDuration('P30D')).toEqual({ amount: 30, unit: 'days' });
    expect(splitDuration('P1W')).toEqual({ amount: 7, unit: 'days' });
    expect(splitDuration('P1DT12H')).toEqual({ amount: 36, unit: 'hours' });
  });

  it('has no amount for what is not whole minutes or not a duration', () => {
    expect(splitDuration('PT30S')).toBeNull();
    expect(splitDuration('PT0S')).toBeNull();
    expect(splitDuration('48 hours')).toBeNull();
    expect(splitDuration(undefined)).toBeNull();
    expect(splitDuration(48)).toBeNull();
  });

  it('writes the ISO duration of an amount, and reads it back the same', () => {
    expect(isoDuration(48, 'hours')).toBe('PT48H');
    expect(isoDuration(30, 'days')).toBe('P30D');
    expect(isoDuration(15, 'minutes')).toBe('PT15M');
    for (const [amount, unit] of [
      [5, 'minutes'],
      [7, 'hours'],
      [3, 'days'],
    ] as const) {
      expect(splitDuration(isoDuration(amount, unit))).toEqual({ amount, unit });
    }
  });

  it('takes only whole amounts above zero', () => {
    expect(wholeAmount(' 12 ')).toBe(12);
    expect(wholeAmount('0')).toBeNull();
    expect(wholeAmount('1.5')).toBeNull();
    expect(wholeAmount('-3')).toBeNull();
    expect(wholeAmount('')).toBeNull();
    expect(wholeAmount('2e3')).toBeNull();
  });
});
