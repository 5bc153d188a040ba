import { describe, expect, it } from 'vitest';
import { fromLocalInput, isWaiting, presetTime, presetsBesides, toLocalInput } from './follow-up.js';

describe('follow-up times', () => {
  it('puts a preset on the morning of the day so many days later, whatever the hour now', () => {
    const evening = new Date(2026, 11, 4, 22, 47, 13);
    expect(toLocalInput(presetTime(1, evening))).toBe('2026-12-05T09:00');
    expect(toLocalInput(presetTime(7, evening))).toBe('2026-12-11T09:00');
    // Across a month's and a year's end.
    expect(toLocalInput(presetTime(3, new Date(2026, 11, 30, 8, 0)))).toBe('2027-01-02T09:00');
  });

  it('reads a datetime-local value as local time and refuses what is not one', () => {
    const iso = fromLocalInput('2026-12-08T14:30');
    expect(iso).not.toBeNull();
    expect(toLocalInput(new Date(iso!))).toBe('2026-12-08T14:30');
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('2026-12-08')).toBeNull();
    expect(fromLocalInput('2026-13-45T99:99')).toBeNull();
  });

  it('knows which statuses wait', () => {
    expect(['new', 'open', 'pending', 'on_hold', 'solved', 'closed'].filter(isWaiting)).toEqual([
      'pending',
      'on_hold',
    ]);
  });
});

describe('presets beside the current follow-up', () => {
  const presets = [
    { key: 'tomorrow', at: '2026-12-08T08:00:00.000Z' },
    { key: 'in3days', at: '2026-12-10T08:00:00.000Z' },
  ];
  it('leaves out the one at the current follow-up’s minute, which the list shows already', () => {
    expect(presetsBesides(presets, '2026-12-08T08:00:00.000Z').map((p) => p.key)).toEqual(['in3days']);
    expect(presetsBesides(presets, '2026-12-08T08:00:30.000Z').map((p) => p.key)).toEqual(['in3days']);
  });
  it('offers them all without a follow-up, or with one at another time', () => {
    expect(presetsBesides(presets, null)).toEqual(presets);
    expect(presetsBesides(presets, '2026-12-08T08:01:00.000Z')).toEqual(presets);
  });
});
