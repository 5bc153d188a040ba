// The public holidays of the demo's office calendars, computed for the years around now so the
// demo keeps its holidays whenever it is started (a seed written for one year would have none from
// the next New Year on). Pure: dates in, dates out.

export interface NamedHoliday {
  date: string;
  name: string;
}

const iso = (year: number, month: number, day: number) =>
  `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

/** A UTC date `days` after another (negative: before), as YYYY-MM-DD. */
function shift(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

/** Day of the week of a date, 0 = Sunday. */
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

/** Easter Sunday of the Gregorian calendar (the "anonymous" algorithm of Meeus, Jones and Butcher). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return iso(year, month, day);
}

/** The `n`th (1-based) given weekday of a month; `n` = -1 for the last. */
function nthWeekday(year: number, month: number, day: number, n: number): string {
  if (n > 0) {
    const first = iso(year, month, 1);
    return shift(first, ((day - weekday(first) + 7) % 7) + 7 * (n - 1));
  }
  const last = shift(iso(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1), -1);
  return shift(last, -((weekday(last) - day + 7) % 7));
}

/** A US federal holiday on a weekend is observed on the Friday before or the Monday after. */
function observed(date: string): string {
  const day = weekday(date);
  return day === 6 ? shift(date, -1) : day === 0 ? shift(date, 1) : date;
}

/** Public holidays in Berlin (federal ones, Berlin's Women's Day, and the office's Christmas and New Year's Eve). */
export function berlinHolidays(year: number): NamedHoliday[] {
  const easter = easterSunday(year);
  return [
    { date: iso(year, 1, 1), name: 'New Year’s Day' },
    { date: iso(year, 3, 8), name: 'International Women’s Day' },
    { date: shift(easter, -2), name: 'Good Friday' },
    { date: shift(easter, 1), name: 'Easter Monday' },
    { date: iso(year, 5, 1), name: 'Labour Day' },
    { date: shift(easter, 39), name: 'Ascension Day' },
    { date: shift(easter, 50), name: 'Whit Monday' },
    { date: iso(year, 10, 3), name: 'German Unity Day' },
    { date: iso(year, 12, 24), name: 'Christmas Eve' },
    { date: iso(year, 12, 25), name: 'Christmas Day' },
    { date: iso(year, 12, 26), name: 'Second Day of Christmas' },
    { date: iso(year, 12, 31), name: 'New Year’s Eve' },
  ].sort((x, y) => (x.date < y.date ? -1 : 1));
}

/** The US federal holidays the New York office closes for (observed dates). */
export function newYorkHolidays(year: number): NamedHoliday[] {
  const withObserved = (date: string, name: string) =>
    observed(date) === date ? { date, name } : { date: observed(date), name: `${name} (observed)` };
  return [
    withObserved(iso(year, 1, 1), 'New Year’s Day'),
    { date: nthWeekday(year, 5, 1, -1), name: 'Memorial Day' },
    withObserved(iso(year, 7, 4), 'Independence Day'),
    { date: nthWeekday(year, 9, 1, 1), name: 'Labor Day' },
    { date: nthWeekday(year, 11, 4, 4), name: 'Thanksgiving Day' },
    withObserved(iso(year, 12, 25), 'Christmas Day'),
  ];
}

/** A calendar's holidays for last year, this year and next year (UTC years of `now`). */
export function holidaysAround(now: Date, ofYear: (year: number) => NamedHoliday[]): NamedHoliday[] {
  const year = now.getUTCFullYear();
  return [year - 1, year, year + 1].flatMap(ofYear);
}
