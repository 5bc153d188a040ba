// Dates on a chart's time axis and in its legend, in the reader's locale (uPlot's own are
// US-style "9/14" whatever the locale): the hour for ticks under a day apart (with the day under
// the first tick of each day), the day and month ("14 Sep" or "Sep 14", as the locale writes
// it), the month and year once ticks are a month apart.
const DAY_MS = 86_400_000;

/** The formats in `locale` (the reader's by default) and `timeZone` (the browser's by default). */
function formats(locale?: string, timeZone?: string) {
  return {
    hourMinute: new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone }),
    dayMonth: new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone }),
    monthYear: new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone }),
    date: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone }),
    dateTime: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }),
  };
}
const browser = formats();

/** The axis labels of ticks (ms since 1970, evenly spaced). */
export function dateTicks(ticks: number[], f = browser): string[] {
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : DAY_MS;
  if (step >= 28 * DAY_MS) return ticks.map((t) => f.monthYear.format(t));
  if (step >= DAY_MS) return ticks.map((t) => f.dayMonth.format(t));
  let day = '';
  return ticks.map((t) => {
    const d = f.dayMonth.format(t);
    const label = d === day ? f.hourMinute.format(t) : `${f.hourMinute.format(t)}\n${d}`;
    day = d;
    return label;
  });
}

/** How a point reads in the legend: its date, and its time when points are under a day apart. */
export function dateFormat(step: number, f = browser): Intl.DateTimeFormat {
  return step < DAY_MS ? f.dateTime : f.date;
}

export const chartDateFormats = formats;
