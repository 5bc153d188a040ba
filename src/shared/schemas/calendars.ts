// Business calendars: weekly open hours in one time zone, plus holidays (each with an optional
// name). The checks that need a whole list (close after open, no overlaps, no duplicate holidays)
// are plain functions so the business-time core (src/core/business-time.ts) enforces exactly what
// the API accepts; the core takes the dates only.
import { z } from 'zod';
import { Id, Name, OneLineText, TimeZone } from './common.js';

export const CALENDAR_LIMITS = {
  hours: 70,
  holidays: 1_000,
  holidayName: 100,
} as const;

const CLOCK = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes after local midnight for "HH:MM" (00:00..23:59, or 24:00 when `allowEndOfDay`); null when malformed. */
export function parseClock(value: string, allowEndOfDay = false): number | null {
  if (allowEndOfDay && value === '24:00') return 24 * 60;
  if (!CLOCK.test(value)) return null;
  return Number(value.slice(0, 2)) * 60 + Number(value.slice(3, 5));
}

/** Days since 1970-01-01 for a proleptic Gregorian "YYYY-MM-DD"; null when it is not a real date. */
export function parseLocalDate(value: string): number | null {
  const m = DATE.exec(value);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return daysFromCivil(y, mo, d);
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

// Howard Hinnant's days_from_civil: exact for every year, unlike Date.UTC (which maps 0..99 to 19xx).
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface CalendarIssue {
  path: (string | number)[];
  message: string;
}

/** ISO weekdays by name (1 = Monday), for messages that say which day's hours to change. */
export const WEEKDAY_NAMES = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
] as const;
export const weekdayName = (day: number) => WEEKDAY_NAMES[day - 1] ?? `Day ${day}`;

interface HoursLike {
  day: number;
  open: string;
  close: string;
}

/**
 * Problems with a list of open intervals, each with its path below the list: bad fields,
 * close not after open, intervals of one day that overlap (touching is fine: 09:00-12:00 and
 * 12:00-13:00 are one stretch). `fieldIssues: false` leaves out malformed fields (the zod item
 * schema reports those already); malformed items are skipped by the list checks either way.
 */
export function calendarHoursIssues(hours: readonly HoursLike[], fieldIssues = true): CalendarIssue[] {
  const issues: CalendarIssue[] = [];
  const valid: { index: number; day: number; open: number; close: number }[] = [];
  hours.forEach((h, i) => {
    const field: CalendarIssue[] = [];
    if (!Number.isInteger(h.day) || h.day < 1 || h.day > 7) {
      field.push({
        path: [i, 'day'],
        message: `day ${String(h.day)} is not an ISO weekday 1..7 (1 = Monday)`,
      });
    }
    const open = typeof h.open === 'string' ? parseClock(h.open) : null;
    if (open === null) {
      field.push({ path: [i, 'open'], message: `open ${String(h.open)} is not a time HH:MM (00:00..23:59)` });
    }
    const close = typeof h.close === 'string' ? parseClock(h.close, true) : null;
    if (close === null) {
      field.push({
        path: [i, 'close'],
        message: `close ${String(h.close)} is not a time HH:MM (00:00..24:00)`,
      });
    }
    if (field.length > 0 || open === null || close === null) {
      if (fieldIssues) issues.push(...field);
      return;
    }
    if (close <= open) {
      issues.push({
        path: [i, 'close'],
        message:
          close === open
            ? `${weekdayName(h.day)}: the closing time must be after the opening time (both are ${h.open})`
            : `${weekdayName(h.day)}: the closing time must be after the opening time (${h.close} is before ${h.open}); ` +
              `for hours past midnight, close at 24:00 and add hours from 00:00 on the next day`,
      });
      return;
    }
    valid.push({ index: i, day: h.day, open, close });
  });
  valid.sort((a, b) => a.day - b.day || a.open - b.open || a.index - b.index);
  for (let k = 1; k < valid.length; k++) {
    const prev = valid[k - 1]!;
    const cur = valid[k]!;
    if (cur.day === prev.day && cur.open < prev.close) {
      const a = hours[prev.index]!;
      const b = hours[cur.index]!;
      issues.push({
        path: [Math.max(prev.index, cur.index)],
        message: `${weekdayName(cur.day)}: the hours ${a.open}–${a.close} and ${b.open}–${b.close} overlap; make one end before the other starts`,
      });
    }
  }
  return issues;
}

/** Problems with a holiday list: dates that do not exist (unless `fieldIssues: false`), duplicates. */
export function calendarHolidayIssues(holidays: readonly string[], fieldIssues = true): CalendarIssue[] {
  const issues: CalendarIssue[] = [];
  const seen = new Map<number, number>();
  holidays.forEach((h, i) => {
    const day = typeof h === 'string' ? parseLocalDate(h) : null;
    if (day === null) {
      if (fieldIssues) issues.push({ path: [i], message: `${String(h)} is not a date YYYY-MM-DD` });
      return;
    }
    const first = seen.get(day);
    if (first !== undefined) {
      issues.push({ path: [i], message: `${h} is listed twice (also holidays[${first}])` });
    } else {
      seen.set(day, i);
    }
  });
  return issues;
}

export const CalendarHours = z.strictObject({
  day: z.number().int().min(1).max(7).describe('ISO weekday, 1 = Monday .. 7 = Sunday'),
  open: z.string().regex(CLOCK, 'must be a local time HH:MM (00:00..23:59)').describe('local time HH:MM'),
  close: z
    .string()
    .refine((v) => parseClock(v, true) !== null, 'must be a local time HH:MM (00:00..24:00)')
    .describe('local time HH:MM, after open; 24:00 = end of the day'),
});
export type CalendarHours = z.infer<typeof CalendarHours>;

export const CalendarHoursList = z
  .array(CalendarHours)
  .max(CALENDAR_LIMITS.hours)
  .superRefine((hours, ctx) => {
    for (const issue of calendarHoursIssues(hours, false)) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, input: hours });
    }
  })
  .describe('open intervals per weekday; empty = never open');

export const Holiday = z
  .string()
  .refine((v) => parseLocalDate(v) !== null, 'must be a real date YYYY-MM-DD')
  .describe('local date in the calendar time zone, closed all day');

/** A holiday's name ("Christmas Day"): one line; empty is none. */
export const HolidayName = OneLineText()
  .max(CALENDAR_LIMITS.holidayName, `at most ${CALENDAR_LIMITS.holidayName} characters`)
  .nullable();

/** A holiday as sent: a plain date (as before names), or a date with its name. */
export const HolidayInput = z.union([
  Holiday,
  z.strictObject({
    date: Holiday,
    name: HolidayName.optional().describe(
      'what the day is called ("Christmas Day"); null or empty: no name; left out: the name the date has',
    ),
  }),
]);
export type HolidayInput = z.input<typeof HolidayInput>;

/** The date of a holiday as sent. */
export const holidayDate = (h: string | { date: string }) => (typeof h === 'string' ? h : h.date);

export const HolidayList = z
  .array(HolidayInput)
  .max(CALENDAR_LIMITS.holidays)
  .superRefine((holidays, ctx) => {
    for (const issue of calendarHolidayIssues(holidays.map(holidayDate), false)) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, input: holidays });
    }
  })
  .describe(
    'closed all day: each a local date YYYY-MM-DD, or {date, name}. A plain date keeps the name that date already has (so a client that knows no names loses none); {date, name: null} takes it away',
  );

export const CalendarInput = z.strictObject({
  name: Name,
  timezone: TimeZone.describe('IANA time zone, e.g. Europe/Berlin'),
  hours: CalendarHoursList,
  holidays: HolidayList,
});
export type CalendarInput = z.infer<typeof CalendarInput>;

export const CalendarUpdate = CalendarInput.partial();
export type CalendarUpdate = z.infer<typeof CalendarUpdate>;

export const Calendar = z.object({
  id: Id,
  name: z.string(),
  timezone: z.string(),
  hours: z.array(z.object({ day: z.number().int(), open: z.string(), close: z.string() })),
  holidays: z
    .array(z.string())
    .describe(
      'the dates closed all day (YYYY-MM-DD), as they were sent; namedHolidays has them with their names',
    ),
  namedHolidays: z
    .array(z.object({ date: z.string(), name: z.string().nullable() }))
    .describe('the same holidays in the same order, each with its name (null: none)'),
  is247: z.boolean(),
  weeklyOpenMinutes: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Calendar = z.infer<typeof Calendar>;
