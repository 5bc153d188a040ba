import { describe, expect, it } from 'vitest';
import { intervalsFor, kpiPeriod, lastCalendarMonth } from './kpi-period.js';

describe('the KPI page period', () => {
  const now = new Date(2026, 11, 2, 15, 30); // Wednesday 2 December 2026, 15:30 local

  it('starts at local midnight, N days back, by day for a month or so', () => {
    const { from, interval } = kpiPeriod(now, 30);
    expect(interval).toBe('day');
    expect([from.getFullYear(), from.getMonth(), from.getDate(), from.getHours(), from.getMinutes()]).toEqual(
      [2026, 10, 2, 0, 0],
    );
  });

  it('by week, from the Monday of the first week; by month, from the first', () => {
    const weeks = kpiPeriod(now, 90);
    expect(weeks.interval).toBe('week');
    // 90 days back is Thursday 3 September; its week starts Monday 31 August.
    expect([weeks.from.getMonth(), weeks.from.getDate(), weeks.from.getDay(), weeks.from.getHours()]).toEqual(
      [7, 31, 1, 0],
    );
    const months = kpiPeriod(now, 365, 'month');
    expect([months.from.getFullYear(), months.from.getMonth(), months.from.getDate()]).toEqual([2025, 11, 1]);
    expect(kpiPeriod(now, 1000).interval).toBe('month');
  });

  it('offers only the intervals that keep the trend within its bucket limit', () => {
    expect(intervalsFor(90)).toEqual(['day', 'week', 'month']);
    expect(intervalsFor(730)).toEqual(['week', 'month']);
  });

  it('"Last month" is the previous calendar month, local midnight to local midnight', () => {
    const { from, to } = lastCalendarMonth(now);
    expect([from.getFullYear(), from.getMonth(), from.getDate(), from.getHours()]).toEqual([2026, 10, 1, 0]);
    expect([to.getFullYear(), to.getMonth(), to.getDate(), to.getHours()]).toEqual([2026, 11, 1, 0]);
    // In January, December of the year before; on the 1st itself, still the month before.
    const january = lastCalendarMonth(new Date(2027, 0, 1, 0, 5));
    expect([january.from.getFullYear(), january.from.getMonth(), january.from.getDate()]).toEqual([
      2026, 11, 1,
    ]);
    expect([january.to.getFullYear(), january.to.getMonth(), january.to.getDate()]).toEqual([2027, 0, 1]);
  });

  it('counts days, weeks and months in a zone given, whatever the browser’s', () => {
    // 2 December 2026, 03:30 UTC: still 1 December in New York, 2 December in Tokyo.
    const at = new Date('2026-12-02T03:30:00.000Z');
    expect(kpiPeriod(at, 30, undefined, 'America/New_York').from.toISOString()).toBe(
      '2026-11-01T04:00:00.000Z',
    );
    expect(kpiPeriod(at, 30, undefined, 'Asia/Tokyo').from.toISOString()).toBe('2026-11-01T15:00:00.000Z');
    // 90 days back in Berlin is Thursday 3 September (summer time): its week starts Monday 31 August.
    expect(kpiPeriod(at, 90, undefined, 'Europe/Berlin').from.toISOString()).toBe('2026-08-30T22:00:00.000Z');
    expect(kpiPeriod(at, 365, 'month', 'Europe/Berlin').from.toISOString()).toBe('2025-11-30T23:00:00.000Z');
    const month = lastCalendarMonth(at, 'America/New_York');
    // December in New York: last month is November, from its first midnight (still summer time,
    // the clocks go back that night) to December's (winter time).
    expect([month.from.toISOString(), month.to.toISOString()]).toEqual([
      '2026-11-01T04:00:00.000Z',
      '2026-12-01T05:00:00.000Z',
    ]);
  });
});
