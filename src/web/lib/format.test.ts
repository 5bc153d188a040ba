import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDue, formatInZone, formatMinutes, formatWallClock } from './format.js';
import { browserTimeZone } from './time-zones.js';

describe('formatDue', () => {
  const now = Date.parse('2026-12-05T12:00:00Z');

  it('leaves the year out of a deadline within about six months', () => {
    const soon = formatDue('2027-01-04T09:30:00Z', now);
    const past = formatDue('2026-07-01T09:30:00Z', now);
    expect(soon).not.toMatch(/2027/);
    expect(past).not.toMatch(/2026/);
    expect(soon).toMatch(/Jan/);
  });

  it('names the year of a deadline further away, in the past or ahead', () => {
    expect(formatDue('2025-11-30T09:30:00Z', now)).toMatch(/2025/);
    expect(formatDue('2027-08-02T09:30:00Z', now)).toMatch(/2027/);
  });
});

describe('times in a zone a page names', () => {
  const at = '2026-12-05T12:00:00Z';
  const local = browserTimeZone();
  // A zone whose clock is not the test machine's at `at` (Kathmandu is +05:45: no one else's).
  const other = local === 'Asia/Kathmandu' ? 'America/St_Johns' : 'Asia/Kathmandu';

  it('writes a time in the zone given, else the browser’s, the same as a formatter made for it', () => {
    const inZone = (timeZone?: string) =>
      new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
        new Date(at),
      );
    expect(formatDateTime(at)).toBe(inZone());
    expect(formatDateTime(at, other)).toBe(inZone(other));
    expect(formatDateTime(at, other)).not.toBe(formatDateTime(at));
    expect(formatDue(at, Date.parse(at), other)).not.toBe(formatDue(at, Date.parse(at)));
  });

  it('shows the clock of another zone only when its clock differs from the viewer’s', () => {
    expect(formatInZone(at, local)).toBeNull();
    // Another name for a zone with the same clock at that moment: nothing to add.
    expect(formatInZone(at, local === 'UTC' ? 'Etc/UTC' : local)).toBeNull();
    expect(formatInZone(at, other)).toBe(
      new Intl.DateTimeFormat(undefined, {
        timeZone: other,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(new Date(at)),
    );
  });
});

describe('formatMinutes', () => {
  // U+00A0: a number stays on the line of its unit.
  it.each([
    [0, '0\u00a0min'],
    [45, '45\u00a0min'],
    [60, '1\u00a0h'],
    [90, '1\u00a0h 30\u00a0min'],
    [-75, '1\u00a0h 15\u00a0min'],
    [960, '16\u00a0h'],
    // Hours grouped by the locale on pages (the audit text's spans are not).
    [60 * 1500, '1,500\u00a0h'],
  ])('%d → %j', (minutes, want) => {
    expect(formatMinutes(minutes)).toBe(want);
  });
});

describe('formatWallClock', () => {
  const MIN = 60_000;
  // U+00A0 between a number and its unit, a plain space between the parts.
  it.each([
    [0, '0\u00a0min'],
    [59_999, '0\u00a0min'],
    [5 * MIN, '5\u00a0min'],
    [60 * MIN, '1\u00a0h'],
    [75 * MIN, '1\u00a0h 15\u00a0min'],
    [-75 * MIN, '1\u00a0h 15\u00a0min'],
    [(9 * 60 + 59) * MIN, '9\u00a0h 59\u00a0min'],
    [(14 * 60 + 20) * MIN, '14\u00a0h'],
    [24 * 60 * MIN, '1\u00a0d'],
    [(2 * 24 * 60 + 3 * 60 + 40) * MIN, '2\u00a0d 3\u00a0h'],
  ])('%d ms → %j', (ms, want) => {
    expect(formatWallClock(ms)).toBe(want);
  });
});
