import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { CalendarInput, holidayDate } from '../shared/schemas/calendars.js';
import {
  addBusinessMinutes,
  type BusinessCalendar,
  businessMinutesBetween,
  CalendarError,
  compileCalendar,
  isOpenAt,
  is247,
  nextOpening,
  openIntervalsBetween,
  type CalendarSpec,
} from './business-time.js';

// Every expected instant below is computed by hand from the zone rules:
//   Europe/Berlin    CET +01 until 2026-03-29T01:00Z, CEST +02 until 2026-10-25T01:00Z, then CET.
//   America/New_York EST -05 until 2026-03-08T07:00Z, EDT -04 until 2026-11-01T06:00Z, then EST.
// 2026-01-01 is a Thursday; 2026-01-05 a Monday.

type Hours = CalendarSpec['hours'];
const WEEKDAYS = [1, 2, 3, 4, 5];
const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7];
const on = (days: number[], open: string, close: string): Hours => days.map((day) => ({ day, open, close }));
const cal = (timezone: string, hours: Hours, holidays: string[] = []) =>
  compileCalendar({ timezone, hours, holidays });
const at = (iso: string) => new Date(iso);

/** Berlin 9-17 Mon-Fri; Good Friday, Easter Monday and Christmas Day (a Friday) are holidays. */
const berlin = cal('Europe/Berlin', on(WEEKDAYS, '09:00', '17:00'), [
  '2026-04-03',
  '2026-04-06',
  '2026-12-25',
]);
/** Berlin with a lunch break. */
const lunch = cal('Europe/Berlin', [...on(WEEKDAYS, '09:00', '12:00'), ...on(WEEKDAYS, '13:00', '17:00')]);
/** A night shift: Monday 22:00-24:00 continuing Tuesday 00:00-06:00. */
const night = cal('Europe/Berlin', [
  { day: 1, open: '22:00', close: '24:00' },
  { day: 2, open: '00:00', close: '06:00' },
]);
/** Every day all day, but with a holiday, so the general (non-24/7) path runs across DST nights. */
const berlinAllDay = cal('Europe/Berlin', on(ALL_DAYS, '00:00', '24:00'), ['2026-12-31']);
const nyAllDay = cal('America/New_York', on(ALL_DAYS, '00:00', '24:00'), ['2026-07-04']);
/** Sunday 01:00-04:00 contains both transitions of the year in Berlin and New York. */
const berlinSundayNight = cal('Europe/Berlin', [{ day: 7, open: '01:00', close: '04:00' }]);
const nySundayNight = cal('America/New_York', [{ day: 7, open: '01:00', close: '04:00' }]);
const ny = cal('America/New_York', on(WEEKDAYS, '09:00', '17:00'));
const always = cal('Europe/Berlin', on(ALL_DAYS, '00:00', '24:00'));

describe('addBusinessMinutes: hand-computed cases', () => {
  const cases: [string, BusinessCalendar, string, number, string][] = [
    // Berlin 9-17 in winter: open 08:00Z-16:00Z.
    ['at opening, one hour', berlin, '2026-01-05T08:00:00.000Z', 60, '2026-01-05T09:00:00.000Z'],
    ['a whole day lands on the close', berlin, '2026-01-05T08:00:00.000Z', 480, '2026-01-05T16:00:00.000Z'],
    ['one minute past a whole day', berlin, '2026-01-05T08:00:00.000Z', 481, '2026-01-06T08:01:00.000Z'],
    ['start before opening', berlin, '2026-01-05T06:30:00.000Z', 30, '2026-01-05T08:30:00.000Z'],
    ['start after closing', berlin, '2026-01-05T17:00:00.000Z', 30, '2026-01-06T08:30:00.000Z'],
    ['start exactly at the close', berlin, '2026-01-05T16:00:00.000Z', 1, '2026-01-06T08:01:00.000Z'],
    ['end exactly at the close mid-week', berlin, '2026-01-06T15:00:00.000Z', 60, '2026-01-06T16:00:00.000Z'],
    ['start on Saturday', berlin, '2026-01-10T12:00:00.000Z', 90, '2026-01-12T09:30:00.000Z'],
    ['start on Sunday night', berlin, '2026-01-11T23:59:00.000Z', 1, '2026-01-12T08:01:00.000Z'],
    [
      'Friday afternoon over the weekend',
      berlin,
      '2026-01-09T15:00:00.000Z',
      120,
      '2026-01-12T09:00:00.000Z',
    ],
    [
      'a whole week ends on Friday close',
      berlin,
      '2026-01-05T08:00:00.000Z',
      2400,
      '2026-01-09T16:00:00.000Z',
    ],
    ['a week and a minute', berlin, '2026-01-05T08:00:00.000Z', 2401, '2026-01-12T08:01:00.000Z'],
    // Good Friday and Easter Monday around a weekend, in summer time (open 07:00Z-15:00Z).
    ['Thursday into a holiday Friday', berlin, '2026-04-02T14:00:00.000Z', 120, '2026-04-07T08:00:00.000Z'],
    ['start on the holiday Friday', berlin, '2026-04-03T09:00:00.000Z', 60, '2026-04-07T08:00:00.000Z'],
    ['Christmas Day is a Friday', berlin, '2026-12-24T15:00:00.000Z', 120, '2026-12-28T09:00:00.000Z'],
    ['start on Christmas Day', berlin, '2026-12-25T10:00:00.000Z', 60, '2026-12-28T09:00:00.000Z'],
    // 9-17 across the DST weekends: the opening moves by an hour in UTC.
    ['over spring-forward weekend', berlin, '2026-03-27T15:00:00.000Z', 120, '2026-03-30T08:00:00.000Z'],
    ['over fall-back weekend', berlin, '2026-10-23T14:00:00.000Z', 120, '2026-10-26T09:00:00.000Z'],
    ['New York over spring-forward', ny, '2026-03-06T21:00:00.000Z', 120, '2026-03-09T14:00:00.000Z'],
    ['New York over fall-back', ny, '2026-10-30T20:00:00.000Z', 120, '2026-11-02T15:00:00.000Z'],
    // Seconds and milliseconds are kept: 29.5 s on Monday, the other 30.5 s on Tuesday.
    ['start with seconds', berlin, '2026-01-05T15:59:30.500Z', 1, '2026-01-06T08:00:30.500Z'],
    ['start with ms inside hours', berlin, '2026-01-05T10:15:30.250Z', 15, '2026-01-05T10:30:30.250Z'],
    // Lunch gap: 08:00Z-11:00Z and 12:00Z-16:00Z.
    ['across lunch', lunch, '2026-01-05T10:30:00.000Z', 60, '2026-01-05T12:30:00.000Z'],
    ['landing on the lunch close', lunch, '2026-01-05T10:30:00.000Z', 30, '2026-01-05T11:00:00.000Z'],
    ['start during lunch', lunch, '2026-01-05T11:30:00.000Z', 15, '2026-01-05T12:15:00.000Z'],
    ['a lunch day is 7 hours', lunch, '2026-01-05T08:00:00.000Z', 420, '2026-01-05T16:00:00.000Z'],
    ['past a lunch day', lunch, '2026-01-05T08:00:00.000Z', 421, '2026-01-06T08:01:00.000Z'],
    // Night shift: Monday 21:00Z to Tuesday 05:00Z in winter.
    ['night shift to 24:00', night, '2026-01-05T21:00:00.000Z', 120, '2026-01-05T23:00:00.000Z'],
    ['night shift over midnight', night, '2026-01-05T22:30:00.000Z', 120, '2026-01-06T00:30:00.000Z'],
    ['night shift a whole shift', night, '2026-01-05T21:00:00.000Z', 480, '2026-01-06T05:00:00.000Z'],
    ['night shift into next week', night, '2026-01-06T04:00:00.000Z', 120, '2026-01-12T22:00:00.000Z'],
    // All day, every day (with a holiday): real time across the DST nights.
    ['all day over spring-forward', berlinAllDay, '2026-03-29T00:30:00.000Z', 60, '2026-03-29T01:30:00.000Z'],
    ['all day, the short day', berlinAllDay, '2026-03-28T23:00:00.000Z', 1380, '2026-03-29T22:00:00.000Z'],
    ['all day, the long day', berlinAllDay, '2026-10-24T22:00:00.000Z', 1500, '2026-10-25T23:00:00.000Z'],
    ['all day over a holiday', berlinAllDay, '2026-12-30T22:30:00.000Z', 60, '2026-12-31T23:30:00.000Z'],
    ['NY all day, the short day', nyAllDay, '2026-03-08T05:00:00.000Z', 1380, '2026-03-09T04:00:00.000Z'],
    ['NY all day, the long day', nyAllDay, '2026-11-01T04:00:00.000Z', 1500, '2026-11-02T05:00:00.000Z'],
    // Sunday 01:00-04:00 on transition days: 2 real hours in spring, 4 in autumn.
    [
      'gap day: 01:00 + 90 is 03:30 CEST',
      berlinSundayNight,
      '2026-03-29T00:00:00.000Z',
      90,
      '2026-03-29T01:30:00.000Z',
    ],
    [
      'gap day: 2 hours end at 04:00',
      berlinSundayNight,
      '2026-03-29T00:00:00.000Z',
      120,
      '2026-03-29T02:00:00.000Z',
    ],
    [
      'gap day: 121 minutes roll a week',
      berlinSundayNight,
      '2026-03-29T00:00:00.000Z',
      121,
      '2026-04-04T23:01:00.000Z',
    ],
    [
      'repeated hour counts twice',
      berlinSundayNight,
      '2026-10-24T23:00:00.000Z',
      150,
      '2026-10-25T01:30:00.000Z',
    ],
    [
      'repeated hour: 4 hours to 04:00',
      berlinSundayNight,
      '2026-10-24T23:00:00.000Z',
      240,
      '2026-10-25T03:00:00.000Z',
    ],
    ['NY gap day', nySundayNight, '2026-03-08T06:00:00.000Z', 120, '2026-03-08T08:00:00.000Z'],
    ['NY repeated 01:00 hour', nySundayNight, '2026-11-01T05:00:00.000Z', 61, '2026-11-01T06:01:00.000Z'],
    // 24/7: plain elapsed time, whatever the zone does.
    ['24/7 across spring-forward', always, '2026-03-28T23:30:00.000Z', 120, '2026-03-29T01:30:00.000Z'],
    ['24/7 across fall-back', always, '2026-10-24T22:00:00.000Z', 1500, '2026-10-25T23:00:00.000Z'],
    ['24/7 keeps ms', always, '2026-06-01T12:00:00.123Z', 1, '2026-06-01T12:01:00.123Z'],
    // Zero minutes: the start itself, in or out of hours.
    ['0 minutes in hours', berlin, '2026-01-05T10:15:30.250Z', 0, '2026-01-05T10:15:30.250Z'],
    ['0 minutes on Saturday', berlin, '2026-01-10T12:00:00.000Z', 0, '2026-01-10T12:00:00.000Z'],
    ['0 minutes on a holiday', berlin, '2026-04-03T09:00:00.000Z', 0, '2026-04-03T09:00:00.000Z'],
    // Long targets: January 2026 has 22 weekdays; Jan 1 (Thu) 09:00 + 22 days = Feb 2 (Mon) 09:00.
    ['a month of business time', berlin, '2026-01-01T08:00:00.000Z', 22 * 480, '2026-01-30T16:00:00.000Z'],
    ['and one minute more', berlin, '2026-01-01T08:00:00.000Z', 22 * 480 + 1, '2026-02-02T08:01:00.000Z'],
    // All 258 business days of 2026 (261 weekdays minus 3 holidays) end on Dec 31 17:00 CET.
    [
      'a whole year of business time',
      berlin,
      '2025-12-31T23:00:00.000Z',
      258 * 480,
      '2026-12-31T16:00:00.000Z',
    ],
  ];
  it.each(cases)('%s', (_name, calendar, start, minutes, expected) => {
    expect(addBusinessMinutes(calendar, at(start), minutes).toISOString()).toBe(expected);
  });

  it('returns a new Date equal to start for 0 minutes', () => {
    const start = at('2026-01-10T12:00:00.000Z');
    const result = addBusinessMinutes(berlin, start, 0);
    expect(result.getTime()).toBe(start.getTime());
    expect(result).not.toBe(start);
  });

  it.each([-1, 1.5, NaN, Infinity])('rejects %s minutes with a RangeError', (minutes) => {
    expect(() => addBusinessMinutes(berlin, at('2026-01-05T08:00:00Z'), minutes)).toThrow(RangeError);
  });

  it('rejects an invalid Date', () => {
    expect(() => addBusinessMinutes(berlin, new Date('nope'), 5)).toThrow(RangeError);
    expect(() => businessMinutesBetween(berlin, new Date('nope'), new Date())).toThrow(RangeError);
  });
});

describe('businessMinutesBetween: hand-computed cases', () => {
  const cases: [string, BusinessCalendar, string, string, number][] = [
    ['one business day', berlin, '2026-01-05T08:00:00Z', '2026-01-05T16:00:00Z', 480],
    ['a whole calendar day', berlin, '2026-01-05T00:00:00Z', '2026-01-06T00:00:00Z', 480],
    ['over a weekend', berlin, '2026-01-09T12:00:00Z', '2026-01-12T12:00:00Z', 480],
    ['weekend only', berlin, '2026-01-10T00:00:00Z', '2026-01-12T00:00:00Z', 0],
    ['before opening to opening', berlin, '2026-01-05T05:00:00Z', '2026-01-05T08:00:00Z', 0],
    ['half a minute', berlin, '2026-01-05T08:00:30Z', '2026-01-05T08:01:00Z', 0.5],
    ['to before from', berlin, '2026-01-05T16:00:00Z', '2026-01-05T08:00:00Z', 0],
    ['to equals from', berlin, '2026-01-05T10:00:00Z', '2026-01-05T10:00:00Z', 0],
    ['Easter: Thursday and Tuesday only', berlin, '2026-04-02T07:00:00Z', '2026-04-07T15:00:00Z', 960],
    ['January 2026', berlin, '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', 22 * 480],
    ['all of 2026', berlin, '2025-12-31T23:00:00Z', '2026-12-31T23:00:00Z', 258 * 480],
    ['lunch day', lunch, '2026-01-05T00:00:00Z', '2026-01-06T00:00:00Z', 420],
    ['lunch hour alone', lunch, '2026-01-05T11:00:00Z', '2026-01-05T12:00:00Z', 0],
    ['night shift across midnight', night, '2026-01-05T22:00:00Z', '2026-01-06T01:00:00Z', 180],
    ['night shift week', night, '2026-01-05T00:00:00Z', '2026-01-12T00:00:00Z', 480],
    ['Berlin short day', berlinAllDay, '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z', 1380],
    ['Berlin long day', berlinAllDay, '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z', 1500],
    ['Berlin DST night 00:00-06:00', berlinAllDay, '2026-03-28T23:00:00Z', '2026-03-29T04:00:00Z', 300],
    ['Berlin holiday all day', berlinAllDay, '2026-12-30T23:00:00Z', '2026-12-31T23:00:00Z', 0],
    ['NY short day', nyAllDay, '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z', 1380],
    ['NY long day', nyAllDay, '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z', 1500],
    [
      'Berlin 01:00-04:00 on the gap day',
      berlinSundayNight,
      '2026-03-28T12:00:00Z',
      '2026-03-29T12:00:00Z',
      120,
    ],
    [
      'Berlin 01:00-04:00 on an ordinary Sunday',
      berlinSundayNight,
      '2026-03-21T12:00:00Z',
      '2026-03-22T12:00:00Z',
      180,
    ],
    [
      'Berlin 01:00-04:00 on the long day',
      berlinSundayNight,
      '2026-10-24T12:00:00Z',
      '2026-10-25T12:00:00Z',
      240,
    ],
    ['Berlin repeated hour alone', berlinSundayNight, '2026-10-25T00:00:00Z', '2026-10-25T02:00:00Z', 120],
    ['NY 01:00-04:00 on the gap day', nySundayNight, '2026-03-08T00:00:00Z', '2026-03-09T00:00:00Z', 120],
    ['NY 01:00-04:00 on the long day', nySundayNight, '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z', 240],
    ['24/7 across spring-forward', always, '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z', 1380],
    ['24/7 across fall-back', always, '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z', 1500],
    ['24/7 to before from', always, '2026-10-25T23:00:00Z', '2026-10-24T22:00:00Z', 0],
  ];
  it.each(cases)('%s', (_name, calendar, from, to, expected) => {
    expect(businessMinutesBetween(calendar, at(from), at(to))).toBe(expected);
  });
});

describe('wall times skipped or repeated by DST', () => {
  it('maps an opening inside the skipped hour to the instant of the jump', () => {
    // Sunday 02:30-04:00 on 2026-03-29 is open from the jump (03:00 CEST = 01:00Z) to 02:00Z.
    const c = cal('Europe/Berlin', [{ day: 7, open: '02:30', close: '04:00' }]);
    expect(businessMinutesBetween(c, at('2026-03-28T12:00:00Z'), at('2026-03-29T12:00:00Z'))).toBe(60);
    expect(nextOpening(c, at('2026-03-28T12:00:00Z')).toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(businessMinutesBetween(c, at('2026-03-21T12:00:00Z'), at('2026-03-22T12:00:00Z'))).toBe(90);
  });

  it('skips an interval that lies wholly inside the skipped hour', () => {
    const c = cal('Europe/Berlin', [{ day: 7, open: '02:00', close: '02:30' }]);
    expect(businessMinutesBetween(c, at('2026-03-28T12:00:00Z'), at('2026-03-29T12:00:00Z'))).toBe(0);
    expect(addBusinessMinutes(c, at('2026-03-28T12:00:00Z'), 10).toISOString()).toBe(
      '2026-04-05T00:10:00.000Z',
    );
    expect(isOpenAt(c, at('2026-03-29T01:00:00Z'))).toBe(false);
  });

  it('opens and closes at the first occurrence of a repeated wall time', () => {
    // Sunday 02:30-05:00 on 2026-10-25: first 02:30 (CEST, 00:30Z) to 05:00 CET (04:00Z).
    const late = cal('Europe/Berlin', [{ day: 7, open: '02:30', close: '05:00' }]);
    expect(openIntervalsBetween(late, at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'))).toEqual([
      { start: at('2026-10-25T00:30:00Z'), end: at('2026-10-25T04:00:00Z') },
    ]);
    // Sunday 00:00-02:30: 22:00Z to the first 02:30 (00:30Z), so 150 minutes.
    const early = cal('Europe/Berlin', [{ day: 7, open: '00:00', close: '02:30' }]);
    expect(businessMinutesBetween(early, at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'))).toBe(150);
    expect(isOpenAt(early, at('2026-10-25T01:15:00Z'))).toBe(false); // 02:15 CET, the second time round
  });

  it('touching intervals on the fall-back day stay contiguous', () => {
    const c = cal('Europe/Berlin', [
      { day: 7, open: '00:00', close: '02:30' },
      { day: 7, open: '02:30', close: '05:00' },
    ]);
    expect(businessMinutesBetween(c, at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'))).toBe(360);
  });

  it('handles half-hour transitions (Australia/Lord_Howe)', () => {
    // 2026-04-05 02:00 +11 falls back to 01:30 +10:30; 2026-10-04 02:00 +10:30 jumps to 02:30 +11.
    const c = cal('Australia/Lord_Howe', [{ day: 7, open: '01:00', close: '03:00' }]);
    expect(openIntervalsBetween(c, at('2026-04-04T00:00:00Z'), at('2026-04-05T00:00:00Z'))).toEqual([
      { start: at('2026-04-04T14:00:00Z'), end: at('2026-04-04T16:30:00Z') },
    ]);
    expect(openIntervalsBetween(c, at('2026-10-03T00:00:00Z'), at('2026-10-04T00:00:00Z'))).toEqual([
      { start: at('2026-10-03T14:30:00Z'), end: at('2026-10-03T16:00:00Z') },
    ]);
  });
});

describe('isOpenAt and nextOpening at the boundaries', () => {
  const cases: [string, BusinessCalendar, string, boolean, string][] = [
    ['at the opening', berlin, '2026-01-05T08:00:00.000Z', true, '2026-01-05T08:00:00.000Z'],
    ['a millisecond before opening', berlin, '2026-01-05T07:59:59.999Z', false, '2026-01-05T08:00:00.000Z'],
    ['inside hours', berlin, '2026-01-05T10:00:00.000Z', true, '2026-01-05T10:00:00.000Z'],
    ['a millisecond before close', berlin, '2026-01-05T15:59:59.999Z', true, '2026-01-05T15:59:59.999Z'],
    ['at the close', berlin, '2026-01-05T16:00:00.000Z', false, '2026-01-06T08:00:00.000Z'],
    ['Friday close', berlin, '2026-01-09T16:00:00.000Z', false, '2026-01-12T08:00:00.000Z'],
    ['Saturday', berlin, '2026-01-10T12:00:00.000Z', false, '2026-01-12T08:00:00.000Z'],
    ['holiday Friday', berlin, '2026-04-03T08:00:00.000Z', false, '2026-04-07T07:00:00.000Z'],
    ['Thursday close before Easter', berlin, '2026-04-02T15:00:00.000Z', false, '2026-04-07T07:00:00.000Z'],
    ['lunch close', lunch, '2026-01-05T11:00:00.000Z', false, '2026-01-05T12:00:00.000Z'],
    ['lunch reopening', lunch, '2026-01-05T12:00:00.000Z', true, '2026-01-05T12:00:00.000Z'],
    ['24:00 is the next day 00:00', night, '2026-01-05T23:00:00.000Z', true, '2026-01-05T23:00:00.000Z'],
    ['night shift end', night, '2026-01-06T05:00:00.000Z', false, '2026-01-12T21:00:00.000Z'],
    ['NY gap jump instant', nySundayNight, '2026-03-08T07:00:00.000Z', true, '2026-03-08T07:00:00.000Z'],
    ['NY second 01:30', nySundayNight, '2026-11-01T06:30:00.000Z', true, '2026-11-01T06:30:00.000Z'],
    ['24/7', always, '2026-03-29T01:00:00.000Z', true, '2026-03-29T01:00:00.000Z'],
  ];
  it.each(cases)('%s', (_name, calendar, instant, open, next) => {
    expect(isOpenAt(calendar, at(instant))).toBe(open);
    expect(nextOpening(calendar, at(instant)).toISOString()).toBe(next);
  });
});

describe('openIntervalsBetween', () => {
  it('clips to the bounds and skips closed days', () => {
    expect(openIntervalsBetween(berlin, at('2026-01-09T12:00:00Z'), at('2026-01-12T10:00:00Z'))).toEqual([
      { start: at('2026-01-09T12:00:00Z'), end: at('2026-01-09T16:00:00Z') },
      { start: at('2026-01-12T08:00:00Z'), end: at('2026-01-12T10:00:00Z') },
    ]);
  });

  it('joins an interval closing at 24:00 with one opening at 00:00', () => {
    expect(openIntervalsBetween(night, at('2026-01-05T00:00:00Z'), at('2026-01-07T00:00:00Z'))).toEqual([
      { start: at('2026-01-05T21:00:00Z'), end: at('2026-01-06T05:00:00Z') },
    ]);
  });

  it('returns the gap day as real instants', () => {
    expect(
      openIntervalsBetween(berlinSundayNight, at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z')),
    ).toEqual([{ start: at('2026-03-29T00:00:00Z'), end: at('2026-03-29T02:00:00Z') }]);
  });

  it('is empty for an empty span, one interval for 24/7', () => {
    expect(openIntervalsBetween(berlin, at('2026-01-05T12:00:00Z'), at('2026-01-05T12:00:00Z'))).toEqual([]);
    expect(openIntervalsBetween(always, at('2026-01-05T12:00:00Z'), at('2026-01-06T12:00:00Z'))).toEqual([
      { start: at('2026-01-05T12:00:00Z'), end: at('2026-01-06T12:00:00Z') },
    ]);
  });
});

describe('compileCalendar', () => {
  it('merges touching intervals into one stretch', () => {
    const c = cal('Europe/Berlin', [
      { day: 1, open: '12:00', close: '13:00' },
      { day: 1, open: '09:00', close: '12:00' },
      { day: 1, open: '13:00', close: '17:00' },
    ]);
    expect(c.weekly[1]).toEqual([540, 1020]);
    expect(isOpenAt(c, at('2026-01-05T11:00:00Z'))).toBe(true); // 12:00 CET
    expect(addBusinessMinutes(c, at('2026-01-05T10:30:00Z'), 60).toISOString()).toBe(
      '2026-01-05T11:30:00.000Z',
    );
  });

  it('recognises 24/7', () => {
    expect(is247(always)).toBe(true);
    expect(is247(berlinAllDay)).toBe(false); // has a holiday
    expect(is247(cal('UTC', on(WEEKDAYS, '00:00', '24:00')))).toBe(false);
    const halves = cal('UTC', [...on(ALL_DAYS, '00:00', '12:00'), ...on(ALL_DAYS, '12:00', '24:00')]);
    expect(is247(halves)).toBe(true);
    expect(is247(berlin)).toBe(false);
  });

  it('tolerates duplicate holidays', () => {
    const c = cal('Europe/Berlin', on(WEEKDAYS, '09:00', '17:00'), ['2026-01-05', '2026-01-05']);
    expect(addBusinessMinutes(c, at('2026-01-05T08:00:00Z'), 60).toISOString()).toBe(
      '2026-01-06T09:00:00.000Z',
    );
  });

  const invalid: [string, unknown, string][] = [
    ['unknown zone', { timezone: 'Mars/Olympus', hours: [], holidays: [] }, 'timezone Mars/Olympus'],
    ['empty zone', { timezone: '', hours: [], holidays: [] }, 'is not an IANA time zone'],
    [
      'one-digit hour',
      { timezone: 'UTC', hours: [{ day: 1, open: '9:00', close: '17:00' }], holidays: [] },
      'open 9:00',
    ],
    [
      'close 25:00',
      { timezone: 'UTC', hours: [{ day: 1, open: '09:00', close: '25:00' }], holidays: [] },
      'close 25:00',
    ],
    [
      'open 24:00',
      { timezone: 'UTC', hours: [{ day: 1, open: '24:00', close: '24:00' }], holidays: [] },
      'open 24:00',
    ],
    [
      'minute 60',
      { timezone: 'UTC', hours: [{ day: 1, open: '09:60', close: '17:00' }], holidays: [] },
      'open 09:60',
    ],
    ['day 0', { timezone: 'UTC', hours: [{ day: 0, open: '09:00', close: '17:00' }], holidays: [] }, 'day 0'],
    ['day 8', { timezone: 'UTC', hours: [{ day: 8, open: '09:00', close: '17:00' }], holidays: [] }, 'day 8'],
    [
      'day 1.5',
      { timezone: 'UTC', hours: [{ day: 1.5, open: '09:00', close: '17:00' }], holidays: [] },
      'day 1.5',
    ],
    [
      'close before open',
      { timezone: 'UTC', hours: [{ day: 1, open: '09:00', close: '08:00' }], holidays: [] },
      'hours[0]: Monday: the closing time must be after the opening time (08:00 is before 09:00)',
    ],
    [
      'empty interval',
      { timezone: 'UTC', hours: [{ day: 1, open: '09:00', close: '09:00' }], holidays: [] },
      'Monday: the closing time must be after the opening time (both are 09:00)',
    ],
    [
      'overlap',
      {
        timezone: 'UTC',
        hours: [
          { day: 1, open: '09:00', close: '13:00' },
          { day: 1, open: '12:00', close: '17:00' },
        ],
        holidays: [],
      },
      'Monday: the hours 09:00–13:00 and 12:00–17:00 overlap; make one end before the other starts',
    ],
    [
      'containment',
      {
        timezone: 'UTC',
        hours: [
          { day: 3, open: '08:00', close: '18:00' },
          { day: 3, open: '10:00', close: '11:00' },
        ],
        holidays: [],
      },
      'Wednesday: the hours 08:00–18:00 and 10:00–11:00 overlap',
    ],
    ['February 30', { timezone: 'UTC', hours: [], holidays: ['2026-02-30'] }, 'holidays[0]: 2026-02-30'],
    ['short date', { timezone: 'UTC', hours: [], holidays: ['2026-2-3'] }, '2026-2-3 is not a date'],
    [
      'holidays not a list',
      { timezone: 'UTC', hours: [], holidays: '2026-01-01' },
      'holidays must be a list',
    ],
    ['hours not objects', { timezone: 'UTC', hours: [null], holidays: [] }, 'hours must be a list of'],
  ];
  it.each(invalid)('rejects %s as invalid_calendar', (_name, spec, message) => {
    let error: unknown;
    try {
      compileCalendar(spec as CalendarSpec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CalendarError);
    expect((error as CalendarError).code).toBe('invalid_calendar');
    expect((error as CalendarError).message).toContain(message);
  });

  it('accepts a leap day', () => {
    expect(() => cal('UTC', [], ['2028-02-29'])).not.toThrow();
  });
});

describe('calendars that never open', () => {
  const never = cal('Europe/Berlin', []);

  it('throws never_open from add and nextOpening at once', () => {
    expect(() => addBusinessMinutes(never, at('2026-01-05T08:00:00Z'), 1)).toThrow(
      expect.objectContaining({ code: 'never_open' }),
    );
    expect(() => nextOpening(never, at('2026-01-05T08:00:00Z'))).toThrow(
      expect.objectContaining({ code: 'never_open' }),
    );
  });

  it('answers the questions that have an answer', () => {
    expect(addBusinessMinutes(never, at('2026-01-05T08:00:00Z'), 0).toISOString()).toBe(
      '2026-01-05T08:00:00.000Z',
    );
    expect(businessMinutesBetween(never, at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'))).toBe(0);
    expect(isOpenAt(never, at('2026-01-05T08:00:00Z'))).toBe(false);
    expect(openIntervalsBetween(never, at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'))).toEqual([]);
  });

  it('throws horizon_exceeded when holidays block every opening', () => {
    // Open on Mondays only, and every Monday for twelve years is a holiday.
    const mondays: string[] = [];
    for (let t = Date.UTC(2026, 0, 5); t < Date.UTC(2038, 0, 1); t += 7 * 86_400_000) {
      mondays.push(new Date(t).toISOString().slice(0, 10));
    }
    const blocked = cal('Europe/Berlin', [{ day: 1, open: '09:00', close: '17:00' }], mondays);
    expect(() => addBusinessMinutes(blocked, at('2026-01-01T00:00:00Z'), 60)).toThrow(
      expect.objectContaining({ code: 'horizon_exceeded' }),
    );
    expect(() => nextOpening(blocked, at('2026-01-01T00:00:00Z'))).toThrow(
      expect.objectContaining({ code: 'horizon_exceeded' }),
    );
    // The first open Monday is 2038-01-04: beyond reach from 2026, within reach from 2030.
    expect(nextOpening(blocked, at('2030-01-01T00:00:00Z')).toISOString()).toBe('2038-01-04T08:00:00.000Z');
  });
});

describe('long spans and the day cache', () => {
  it('sums twenty years consistently with year-by-year sums (cache eviction)', () => {
    let sum = 0;
    for (let y = 2020; y < 2040; y++) {
      sum += businessMinutesBetween(berlin, at(`${y}-01-01T00:00:00Z`), at(`${y + 1}-01-01T00:00:00Z`));
    }
    const fresh = cal('Europe/Berlin', on(WEEKDAYS, '09:00', '17:00'), [
      '2026-04-03',
      '2026-04-06',
      '2026-12-25',
    ]);
    expect(businessMinutesBetween(fresh, at('2020-01-01T00:00:00Z'), at('2040-01-01T00:00:00Z'))).toBe(sum);
    // 20 years = 5218 weekdays, minus the three weekday holidays of 2026.
    expect(sum).toBe((5218 - 3) * 480);
  });
});

// ---------------------------------------------------------------------------------------------
// Brute-force oracle: walks real instants minute by minute, reading the local wall time of each
// minute from the zone's UTC offset (the opposite direction to the implementation, which maps
// wall times to instants). Open means: not a holiday, and the wall minute lies in an interval.
// Within one UTC minute nothing changes (offsets and hours are whole minutes).

const ORACLE_FROM = Date.UTC(2025, 11, 1);
const ORACLE_TO = Date.UTC(2027, 6, 1);
const MIN = 60_000;

class Oracle {
  readonly open: Uint8Array;

  constructor(spec: CalendarSpec) {
    const zone = IANAZone.create(spec.timezone);
    const DAY = 86_400_000;
    const holidays = new Set(spec.holidays.map((h) => Date.parse(`${h}T00:00:00Z`) / DAY));
    const minutes = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
    const byWeekday = ALL_DAYS.map((day) =>
      spec.hours.filter((h) => h.day === day).map((h) => [minutes(h.open), minutes(h.close)] as const),
    );
    const isOpen = (t: number, offsetMin: number) => {
      const local = t + offsetMin * MIN;
      const day = Math.floor(local / DAY);
      if (holidays.has(day)) return false;
      const weekday = ((day % 7) + 10) % 7; // 0 = Monday; day 0 (1970-01-01) was a Thursday
      const m = (local - day * DAY) / MIN;
      return byWeekday[weekday]!.some(([open, close]) => open <= m && m < close);
    };
    this.open = new Uint8Array((ORACLE_TO - ORACLE_FROM) / MIN);
    let offset = zone.offset(ORACLE_FROM);
    for (let hour = ORACLE_FROM; hour < ORACLE_TO; hour += 60 * MIN) {
      const nextOffset = zone.offset(hour + 60 * MIN);
      // The offset changes within or at the end of this UTC hour (Lord Howe changes at :30):
      // ask for every minute.
      const steady = nextOffset === offset;
      for (let k = 0; k < 60; k++) {
        const t = hour + k * MIN;
        this.open[(t - ORACLE_FROM) / MIN] = isOpen(t, steady ? offset : zone.offset(t)) ? 1 : 0;
      }
      offset = nextOffset;
    }
  }

  private index(t: number) {
    const i = Math.floor((t - ORACLE_FROM) / MIN);
    if (i < 0 || i >= this.open.length)
      throw new Error(`oracle window exceeded at ${new Date(t).toISOString()}`);
    return i;
  }

  isOpen(t: number) {
    return this.open[this.index(t)] === 1;
  }

  add(t: number, minutes: number): number {
    if (minutes === 0) return t;
    let remaining = minutes * MIN;
    let pos = t;
    for (let i = this.index(t); ; i++) {
      const end = ORACLE_FROM + (i + 1) * MIN;
      if (this.open[this.index(pos)] === 1) {
        if (remaining <= end - pos) return pos + remaining;
        remaining -= end - pos;
      }
      pos = end;
    }
  }

  between(a: number, b: number): number {
    let ms = 0;
    for (let pos = a; pos < b;) {
      const end = Math.min(ORACLE_FROM + (this.index(pos) + 1) * MIN, b);
      if (this.isOpen(pos)) ms += end - pos;
      pos = end;
    }
    return ms / MIN;
  }

  nextOpening(t: number): number {
    if (this.isOpen(t)) return t;
    for (let i = this.index(t) + 1; ; i++) if (this.open[i] === 1) return ORACLE_FROM + i * MIN;
  }
}

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let r = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const oracleSpecs: [string, CalendarSpec][] = [
  [
    'Berlin 9-17 Mon-Fri with holidays',
    {
      timezone: 'Europe/Berlin',
      hours: on(WEEKDAYS, '09:00', '17:00'),
      holidays: ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-01', '2026-12-25', '2026-12-26'],
    },
  ],
  [
    'New York split days and Saturday mornings',
    {
      timezone: 'America/New_York',
      hours: [
        ...on(WEEKDAYS, '08:30', '12:00'),
        ...on(WEEKDAYS, '13:00', '18:00'),
        ...on([6], '10:00', '14:00'),
      ],
      holidays: ['2026-07-03', '2026-11-26', '2026-12-25'],
    },
  ],
  [
    'Berlin all day with holidays',
    {
      timezone: 'Europe/Berlin',
      hours: on(ALL_DAYS, '00:00', '24:00'),
      holidays: ['2026-06-15', '2026-10-25'],
    },
  ],
  [
    'New York night shifts over the DST nights',
    {
      timezone: 'America/New_York',
      hours: [
        ...on(WEEKDAYS, '22:00', '24:00'),
        ...on([2, 3, 4, 5, 6], '00:00', '06:00'),
        { day: 7, open: '01:00', close: '04:00' },
      ],
      holidays: ['2026-03-10'],
    },
  ],
  [
    'Kolkata 9-17 (+05:30, no DST)',
    { timezone: 'Asia/Kolkata', hours: on(WEEKDAYS, '09:00', '17:00'), holidays: ['2026-08-14'] },
  ],
  [
    'Lord Howe (half-hour DST)',
    {
      timezone: 'Australia/Lord_Howe',
      hours: [...on(WEEKDAYS, '00:00', '24:00'), { day: 7, open: '01:00', close: '03:00' }],
      holidays: [],
    },
  ],
];

describe.each(oracleSpecs)('against the brute-force oracle: %s', (_name, spec) => {
  const oracle = new Oracle(spec);
  const calendar = compileCalendar(spec);
  const random = mulberry32(0x5eed ^ spec.timezone.length);
  const randomStart = () => {
    const t = Date.UTC(2026, 0, 1) + Math.floor(random() * 365 * 86_400_000);
    // Half on whole minutes (like real targets), half with seconds and milliseconds.
    return random() < 0.5 ? t - (t % MIN) : t;
  };
  const randomMinutes = () => {
    const r = random();
    if (r < 0.05) return 0;
    if (r < 0.6) return 1 + Math.floor(random() * 600);
    if (r < 0.85) return 1 + Math.floor(random() * 5_000);
    return 20_000 + Math.floor(random() * 20_000); // 3-5 months of 9-17 business time
  };

  it('adds like the oracle, and between() inverts add()', () => {
    for (let n = 0; n < 150; n++) {
      const start = randomStart();
      const minutes = randomMinutes();
      const got = addBusinessMinutes(calendar, new Date(start), minutes);
      const context = `${new Date(start).toISOString()} + ${minutes}`;
      expect(got.toISOString(), context).toBe(new Date(oracle.add(start, minutes)).toISOString());
      expect(businessMinutesBetween(calendar, new Date(start), got), context).toBe(minutes);
    }
  });

  it('measures like the oracle', () => {
    for (let n = 0; n < 150; n++) {
      const a = randomStart();
      const b = a + Math.floor(random() * (random() < 0.7 ? 7 : 120) * 86_400_000);
      const context = `${new Date(a).toISOString()} .. ${new Date(b).toISOString()}`;
      const got = businessMinutesBetween(calendar, new Date(a), new Date(b));
      expect(got, context).toBeCloseTo(oracle.between(a, b), 9);
      const total = openIntervalsBetween(calendar, new Date(a), new Date(b)).reduce(
        (s, i) => s + (i.end.getTime() - i.start.getTime()),
        0,
      );
      expect(total / MIN, context).toBeCloseTo(got, 9);
    }
  });

  it('knows when it is open, and when it opens next', () => {
    for (let n = 0; n < 300; n++) {
      const t = randomStart();
      const context = new Date(t).toISOString();
      expect(isOpenAt(calendar, new Date(t)), context).toBe(oracle.isOpen(t));
      expect(nextOpening(calendar, new Date(t)).toISOString(), context).toBe(
        new Date(oracle.nextOpening(t)).toISOString(),
      );
    }
  });
});

describe('CalendarInput schema', () => {
  const valid = {
    name: '  Support Berlin  ',
    timezone: 'Europe/Berlin',
    hours: [
      { day: 1, open: '09:00', close: '12:00' },
      { day: 1, open: '12:00', close: '17:00' },
      { day: 5, open: '22:00', close: '24:00' },
    ],
    holidays: ['2026-12-25', '2026-12-26'],
  };
  const issuesOf = (input: unknown) =>
    (CalendarInput.safeParse(input).error?.issues ?? []).map((i) => ({
      path: i.path.join('.'),
      message: i.message,
    }));

  it('accepts a valid calendar, trims the name, allows touching intervals and 24:00', () => {
    const parsed = CalendarInput.parse(valid);
    expect(parsed.name).toBe('Support Berlin');
    expect(() => compileCalendar({ ...parsed, holidays: parsed.holidays.map(holidayDate) })).not.toThrow();
  });

  it('allows a calendar that is never open', () => {
    expect(CalendarInput.safeParse({ ...valid, hours: [] }).success).toBe(true);
  });

  const cases: [string, unknown, string, string][] = [
    [
      'close before open',
      { ...valid, hours: [...valid.hours, { day: 2, open: '09:00', close: '08:00' }] },
      'hours.3.close',
      'Tuesday: the closing time must be after the opening time (08:00 is before 09:00)',
    ],
    [
      'overlap',
      {
        ...valid,
        hours: [
          { day: 1, open: '09:00', close: '13:00' },
          { day: 1, open: '12:00', close: '17:00' },
        ],
      },
      'hours.1',
      'Monday: the hours 09:00–13:00 and 12:00–17:00 overlap; make one end before the other starts',
    ],
    [
      'bad open format',
      { ...valid, hours: [{ day: 1, open: '9:00', close: '17:00' }] },
      'hours.0.open',
      'HH:MM',
    ],
    ['open 24:00', { ...valid, hours: [{ day: 1, open: '24:00', close: '24:00' }] }, 'hours.0.open', 'HH:MM'],
    [
      'close 24:30',
      { ...valid, hours: [{ day: 1, open: '09:00', close: '24:30' }] },
      'hours.0.close',
      'HH:MM',
    ],
    ['day 8', { ...valid, hours: [{ day: 8, open: '09:00', close: '17:00' }] }, 'hours.0.day', ''],
    ['unknown zone', { ...valid, timezone: 'Mars/Olympus' }, 'timezone', 'IANA'],
    ['bad holiday', { ...valid, holidays: ['2026-02-30'] }, 'holidays.0', 'date'],
    [
      'duplicate holiday',
      { ...valid, holidays: ['2026-12-25', '2026-12-25'] },
      'holidays.1',
      '2026-12-25 is listed twice',
    ],
    ['empty name', { ...valid, name: '   ' }, 'name', ''],
    ['unknown key', { ...valid, color: 'red' }, '', ''],
    [
      'too many hours',
      { ...valid, hours: Array.from({ length: 71 }, () => ({ day: 1, open: '09:00', close: '10:00' })) },
      'hours',
      '',
    ],
    [
      'too many holidays',
      {
        ...valid,
        holidays: Array.from({ length: 1001 }, (_, i) =>
          new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
        ),
      },
      'holidays',
      '',
    ],
  ];
  it.each(cases)('reports %s at its path', (_name, input, path, message) => {
    const issues = issuesOf(input);
    expect(issues.length, JSON.stringify(issues)).toBeGreaterThan(0);
    expect(issues[0]!.path).toBe(path);
    expect(issues[0]!.message).toContain(message);
  });

  it('reports a malformed field once, not again from the list checks', () => {
    const issues = issuesOf({ ...valid, hours: [{ day: 1, open: '9:00', close: '17:00' }], holidays: ['x'] });
    expect(issues.map((i) => i.path)).toEqual(['hours.0.open', 'holidays.0']);
  });
});
