import { describe, expect, it } from 'vitest';
import { CalendarError, compileCalendar, type CalendarSpec } from './business-time.js';
import { followUpTimes } from './follow-up-times.js';

// 2026-12-24 is a Thursday; Berlin is CET (+01) in winter. New York springs forward on
// 2026-03-08 (EST -05 → EDT -04).
type Hours = CalendarSpec['hours'];
const WEEKDAYS = [1, 2, 3, 4, 5];
const on = (days: number[], open: string, close: string): Hours => days.map((day) => ({ day, open, close }));
const cal = (timezone: string, hours: Hours, holidays: string[] = []) =>
  compileCalendar({ timezone, hours, holidays });
const times = (c: ReturnType<typeof cal>, now: string) =>
  followUpTimes(c, new Date(now)).map((t) => [t.key, t.label, t.at.toISOString()]);

describe('follow-up times on a business calendar', () => {
  it('skip weekends and holidays, and land at 09:00 local time', () => {
    const berlin = cal('Europe/Berlin', on(WEEKDAYS, '08:00', '17:00'), ['2026-12-25']);
    // Thursday afternoon before Christmas: Friday is a holiday, then the weekend.
    expect(times(berlin, '2026-12-24T14:00:00Z')).toEqual([
      ['next_business_day', 'Next business day', '2026-12-28T08:00:00.000Z'],
      ['in_3_business_days', 'In 3 business days', '2026-12-30T08:00:00.000Z'],
      ['in_1_week', 'In a week', '2026-12-31T08:00:00.000Z'],
      ['in_2_weeks', 'In two weeks', '2027-01-07T08:00:00.000Z'],
    ]);
  });

  it('count days in the calendar’s zone, not in UTC', () => {
    const berlin = cal('Europe/Berlin', on(WEEKDAYS, '08:00', '17:00'));
    // Monday 23:30 UTC is already Tuesday 00:30 in Berlin: the next business day is Wednesday.
    expect(followUpTimes(berlin, new Date('2026-12-07T23:30:00Z'))[0]!.at.toISOString()).toBe(
      '2026-12-09T08:00:00.000Z',
    );
    // …and a week from Saturday lands on the Monday after.
    expect(followUpTimes(berlin, new Date('2026-12-05T12:00:00Z'))[2]!.at.toISOString()).toBe(
      '2026-12-14T08:00:00.000Z',
    );
  });

  it('land at the day’s first opening after 09:00, or its first opening when closed from 09:00 on', () => {
    const late = cal('Europe/Berlin', on(WEEKDAYS, '10:00', '18:00'));
    expect(followUpTimes(late, new Date('2026-12-07T12:00:00Z'))[0]!.at.toISOString()).toBe(
      '2026-12-08T09:00:00.000Z',
    );
    const split = cal('Europe/Berlin', [
      ...on(WEEKDAYS, '06:00', '08:00'),
      ...on(WEEKDAYS, '10:00', '18:00'),
    ]);
    expect(followUpTimes(split, new Date('2026-12-07T12:00:00Z'))[0]!.at.toISOString()).toBe(
      '2026-12-08T09:00:00.000Z',
    );
    const early = cal('Europe/Berlin', on(WEEKDAYS, '05:00', '08:30'));
    expect(followUpTimes(early, new Date('2026-12-07T12:00:00Z'))[0]!.at.toISOString()).toBe(
      '2026-12-08T04:00:00.000Z',
    );
    const open = cal('Europe/Berlin', on(WEEKDAYS, '07:00', '17:00'));
    expect(followUpTimes(open, new Date('2026-12-07T12:00:00Z'))[0]!.at.toISOString()).toBe(
      '2026-12-08T08:00:00.000Z',
    );
  });

  it('are the calendar days’ presets on a calendar open round the clock, across a clock change', () => {
    const always = cal('America/New_York', on([1, 2, 3, 4, 5, 6, 7], '00:00', '24:00'));
    // Saturday noon EST; Sunday 09:00 is EDT (-04).
    expect(times(always, '2026-03-07T17:00:00Z').slice(0, 2)).toEqual([
      ['next_business_day', 'Tomorrow morning', '2026-03-08T13:00:00.000Z'],
      ['in_3_business_days', 'In 3 days', '2026-03-10T13:00:00.000Z'],
    ]);
  });

  it('refuse a calendar that is never open', () => {
    const never = cal('Europe/Berlin', []);
    expect(() => followUpTimes(never, new Date('2026-12-07T12:00:00Z'))).toThrow(CalendarError);
  });
});
