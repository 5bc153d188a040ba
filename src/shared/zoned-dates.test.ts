// Wall-clock dates and midnights in a zone, against luxon: through clock changes, and in the
// years 1 to 99, which Date.UTC would read as 1901 to 1999.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { zonedDate, zonedMidnight, zoneOffsetAt } from './zoned-dates.js';

describe('zoned dates', () => {
  const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe'];

  it('the offset and the wall-clock date agree with luxon, in years 1 to 99 as in 2026', () => {
    for (const zone of zones)
      for (const iso of [
        '0001-01-01T00:00:00.000Z',
        '0050-06-15T12:00:00.000Z',
        '0099-12-31T23:59:59.000Z',
        '2026-03-29T01:00:00.000Z',
        '2026-10-25T00:59:59.000Z',
      ]) {
        const ms = Date.parse(iso);
        const at = DateTime.fromMillis(ms, { zone });
        expect(zoneOffsetAt(ms, zone), `${zone} ${iso}`).toBe(at.offset * 60_000 + seconds(at, ms));
        expect(zonedDate(ms, zone), `${zone} ${iso}`).toEqual({
          year: at.year,
          month: at.month - 1,
          day: at.day,
          weekday: at.weekday % 7,
        });
      }
  });

  it('rolls an overflowing day over as Date.UTC does, in a leap year and in another', () => {
    // Three days before 1 March: 27 February in a leap year, 26 February in another.
    expect(zonedMidnight(2028, 2, -2, 'UTC').toISOString()).toBe('2028-02-27T00:00:00.000Z');
    expect(zonedMidnight(2026, 2, -2, 'UTC').toISOString()).toBe('2026-02-26T00:00:00.000Z');
    expect(zonedMidnight(2026, 1, 30, 'UTC').toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(zonedMidnight(50, 1, 30, 'UTC').toISOString()).toBe('0050-03-02T00:00:00.000Z');
    expect(zonedMidnight(48, 1, 30, 'UTC').toISOString()).toBe('0048-03-01T00:00:00.000Z');
    expect(zonedMidnight(2026, 12, 1, 'Europe/Berlin').toISOString()).toBe('2026-12-31T23:00:00.000Z');
  });

  it('midnight starts the day asked for, in years 1 to 99 as in 2026', () => {
    for (const zone of zones)
      for (const [year, month, day] of [
        [50, 5, 15],
        [99, 11, 31],
        [2026, 2, 29],
        [2026, 9, 25],
      ] as const) {
        const start = DateTime.fromObject({ year, month: month + 1, day }, { zone });
        expect(zonedMidnight(year, month, day, zone).getTime(), `${zone} ${year}-${month + 1}-${day}`).toBe(
          start.toMillis(),
        );
      }
  });
});

/** Luxon's offset is whole minutes; a local mean time's seconds (Berlin's +0:53:28) it leaves out. */
function seconds(at: DateTime, ms: number): number {
  const wall = Date.parse(`${at.toISO({ includeOffset: false })}Z`);
  return wall - Math.floor(ms / 1000) * 1000 - at.offset * 60_000;
}
