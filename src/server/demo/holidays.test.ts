import { describe, expect, it } from 'vitest';
import { berlinHolidays, easterSunday, holidaysAround, newYorkHolidays } from './holidays.js';

describe('demo holidays', () => {
  it('finds Easter Sunday', () => {
    expect(['2024', '2025', '2026', '2027', '2038', '2285'].map((y) => easterSunday(Number(y)))).toEqual([
      '2024-03-31',
      '2025-04-20',
      '2026-04-05',
      '2027-03-28',
      '2038-04-25',
      '2285-03-22',
    ]);
  });

  it('gives Berlin its holidays, the movable ones from Easter', () => {
    const y2026 = Object.fromEntries(berlinHolidays(2026).map((h) => [h.name, h.date]));
    expect(y2026).toMatchObject({
      'Good Friday': '2026-04-03',
      'Easter Monday': '2026-04-06',
      'Ascension Day': '2026-05-14',
      'Whit Monday': '2026-05-25',
      'German Unity Day': '2026-10-03',
    });
    const dates = berlinHolidays(2027).map((h) => h.date);
    expect(dates).toContain('2027-03-26'); // Good Friday
    expect(dates).toEqual([...dates].sort());
  });

  it('gives New York the observed federal holidays', () => {
    expect(newYorkHolidays(2026)).toEqual([
      { date: '2026-01-01', name: 'New Year’s Day' },
      { date: '2026-05-25', name: 'Memorial Day' },
      { date: '2026-07-03', name: 'Independence Day (observed)' },
      { date: '2026-09-07', name: 'Labor Day' },
      { date: '2026-11-26', name: 'Thanksgiving Day' },
      { date: '2026-12-25', name: 'Christmas Day' },
    ]);
    // 1 January 2028 is a Saturday: observed on the Friday before, in 2027.
    expect(newYorkHolidays(2028)[0]).toEqual({ date: '2027-12-31', name: 'New Year’s Day (observed)' });
    expect(newYorkHolidays(2027).find((h) => h.name === 'Thanksgiving Day')!.date).toBe('2027-11-25');
  });

  it('covers the years around now, so a demo started next year still has holidays', () => {
    const dates = holidaysAround(new Date('2027-01-10T00:00:00Z'), berlinHolidays).map((h) => h.date);
    expect(dates).toContain('2026-12-25');
    expect(dates).toContain('2027-03-29'); // Easter Monday 2027
    expect(dates).toContain('2028-01-01');
    expect(new Set(dates).size).toBe(dates.length);
  });
});
