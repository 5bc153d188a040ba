// When a waiting case should open again, on its business calendar: the presets an agent picks
// from ("Next business day", "In 3 business days", "In a week", "In two weeks") land on a day
// the business is open, at 09:00 local time or the day's first opening after it (or the day's
// first opening, when it is closed from 09:00 on), never on a weekend or a holiday. Pure: the
// calendar and `now` come in.
import { DateTime } from 'luxon';
import { FOLLOW_UP_HOUR } from '../shared/schemas/cases.js';
import { CalendarError, HORIZON_DAYS, type BusinessCalendar } from './business-time.js';

export const FOLLOW_UP_TIME_KEYS = [
  'next_business_day',
  'in_3_business_days',
  'in_1_week',
  'in_2_weeks',
] as const;
export type FollowUpTimeKey = (typeof FOLLOW_UP_TIME_KEYS)[number];

export interface FollowUpTime {
  key: FollowUpTimeKey;
  label: string;
  at: Date;
}

const DAY_MS = 86_400_000;

const isOpenDay = (cal: BusinessCalendar, d: number) => !cal.closedDay(d) && cal.day(d).iv.length > 0;

/** The first open local date at or after `d`. */
function openDayFrom(cal: BusinessCalendar, d: number): number {
  for (const last = d + HORIZON_DAYS; d <= last; d++) if (isOpenDay(cal, d)) return d;
  throw new CalendarError('horizon_exceeded', 'no open day within the horizon');
}

/** The `n`th open local date after `d`. */
function nthOpenDayAfter(cal: BusinessCalendar, d: number, n: number): number {
  for (let i = 0; i < n; i++) d = openDayFrom(cal, d + 1);
  return d;
}

/** The instant a follow-up lands on, on open local date `d`. */
function landing(cal: BusinessCalendar, d: number): Date {
  const date = new Date(d * DAY_MS).toISOString().slice(0, 10);
  const hour = DateTime.fromISO(`${date}T${String(FOLLOW_UP_HOUR).padStart(2, '0')}:00`, {
    zone: cal.timezone,
  }).toMillis();
  const { iv } = cal.day(d);
  for (let i = 0; i < iv.length; i += 2) {
    if (iv[i + 1]! > hour) return new Date(Math.max(iv[i]!, hour));
  }
  return new Date(iv[0]!);
}

/**
 * The follow-up presets on `cal` as of `now`. A calendar open round the clock has no business
 * days to skip: its presets are the calendar days' ("Tomorrow morning", "In 3 days").
 * Throws CalendarError for a calendar that is never open.
 */
export function followUpTimes(cal: BusinessCalendar, now: Date): FollowUpTime[] {
  if (cal.neverOpen) throw new CalendarError('never_open', 'the calendar has no open hours');
  const today = cal.locate(now.getTime());
  const plain = cal.always;
  return [
    {
      key: 'next_business_day',
      label: plain ? 'Tomorrow morning' : 'Next business day',
      at: landing(cal, nthOpenDayAfter(cal, today, 1)),
    },
    {
      key: 'in_3_business_days',
      label: plain ? 'In 3 days' : 'In 3 business days',
      at: landing(cal, nthOpenDayAfter(cal, today, 3)),
    },
    { key: 'in_1_week', label: 'In a week', at: landing(cal, openDayFrom(cal, today + 7)) },
    { key: 'in_2_weeks', label: 'In two weeks', at: landing(cal, openDayFrom(cal, today + 14)) },
  ];
}
