import { describe, expect, it } from 'vitest';
import {
  amountError,
  durationOfTyped,
  isoDuration,
  isoOfMinutes,
  splitDuration,
  typedMinutes,
  wholeAmount,
} from './duration.js';

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

describe('a typed amount', () => {
  it.each([
    ['2', 'hours', 'PT2H'],
    [' 90 ', 'minutes', 'PT90M'],
    ['3', 'days', 'P3D'],
    ['48', 'hours', 'PT48H'],
    ['1.5', 'days', 'PT36H'],
    ['1,5', 'hours', 'PT90M'],
    ['0.25', 'hours', 'PT15M'],
    ['.5', 'days', 'PT12H'],
    ['1.1', 'hours', 'PT66M'],
    ['2.0', 'days', 'P2D'],
    ['two', 'hours', 'two'],
    ['1.5', 'minutes', '1.5'],
    ['0.001', 'hours', '0.001'],
    ['0', 'hours', '0'],
    ['-1', 'hours', '-1'],
    ['1e3', 'minutes', '1e3'],
    ['', 'days', ''],
  ] as const)('%j %s sends %j', (typed, unit, sent) => {
    expect(durationOfTyped(typed, unit)).toBe(sent);
  });

  it('comes to whole minutes, or to none', () => {
    expect(typedMinutes('1.5', 'days')).toBe(2160);
    expect(typedMinutes('0.5', 'minutes')).toBeNull();
    expect(typedMinutes('1.2.3', 'hours')).toBeNull();
    expect(typedMinutes('0.0', 'hours')).toBeNull();
    expect(isoOfMinutes(2160)).toBe('PT36H');
    expect(isoOfMinutes(2880)).toBe('P2D');
    expect(isoOfMinutes(61)).toBe('PT61M');
  });

  it.each([
    ['2', 'hours', undefined, undefined],
    ['', 'hours', 'must be an ISO 8601 duration', 'is required'],
    ['two', 'hours', 'must be an ISO 8601 duration', 'must be a number of hours, e.g. 2 or 1.5'],
    ['48 hours', 'days', 'must be an ISO 8601 duration', 'must be a number of days, e.g. 2 or 1.5'],
    ['0', 'minutes', 'must be an ISO 8601 duration', 'must be more than 0'],
    [
      '1.5',
      'minutes',
      'must be an ISO 8601 duration',
      'must be a whole number of minutes (there are no seconds here)',
    ],
    [
      '0.001',
      'hours',
      'must be an ISO 8601 duration',
      'must come to whole minutes, e.g. 1.5 hours (90 minutes)',
    ],
    [
      '0.0001',
      'days',
      'must be an ISO 8601 duration',
      'must come to whole minutes, e.g. 1.5 days (36 hours)',
    ],
    ['367', 'days', 'must be an ISO 8601 duration', 'must be at most 366 days'],
    ['366.5', 'days', 'must be an ISO 8601 duration', 'must be at most 366 days'],
    ['8785', 'hours', 'must be an ISO 8601 duration', 'must be at most 366 days'],
    ['366', 'days', 'something else', 'something else'],
  ] as const)('%j %s with the schema saying %j: %j', (typed, unit, schema, shown) => {
    expect(amountError(typed, unit, schema)).toBe(shown);
  });
});
