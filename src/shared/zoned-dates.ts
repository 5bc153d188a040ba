// Wall-clock dates in an IANA time zone, and the instant a day starts there, with Intl only (no
// I/O): the browser's pages and the server count "the last N days" with the same arithmetic.
import { defaultKpiInterval, type KpiInterval } from './schemas/signals.js';

const formats = new Map<string, Intl.DateTimeFormat>();
/** One formatter per zone and kind, made once: Intl formatters are costly to make. */
function zoneFormat(kind: string, zone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${kind}:${zone}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, ...options });
    formats.set(key, f);
  }
  return f;
}

/** 400 Gregorian years, after which the calendar (weekdays, leap days) repeats exactly. */
const FOUR_CENTURIES_MS = 146_097 * 86_400_000;

/**
 * Date.UTC for any year, an overflowing month or day rolling over as there: Date.UTC reads the
 * years 0 to 99 as 1900 to 1999, and an imported history may hold the year 50 (the schemas allow
 * 0001 to 9999). Those are asked 400 years later and moved back.
 */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  if (year < 0 || year > 99) return Date.UTC(year, month, day, hour, minute, second);
  return Date.UTC(year + 400, month, day, hour, minute, second) - FOUR_CENTURIES_MS;
}

/** A formatter's numeric parts at `ms`; the year astronomical (1 BC, a zone behind UTC on 1 January of the year 1, is 0). */
function wallParts(f: Intl.DateTimeFormat, ms: number): Record<string, number> {
  const p: Record<string, number> = {};
  let bc = false;
  for (const part of f.formatToParts(ms))
    if (part.type === 'era') bc = part.value === 'BC';
    else p[part.type] = Number(part.value);
  if (bc) p.year = 1 - p.year!;
  return p;
}

/** The wall clock date in `zone` at `ms`: year, month (0-11), day, weekday (0 Sunday). */
export function zonedDate(
  ms: number,
  zone: string,
): { year: number; month: number; day: number; weekday: number } {
  const p = wallParts(
    zoneFormat('date', zone, { era: 'short', year: 'numeric', month: 'numeric', day: 'numeric' }),
    ms,
  );
  const year = p.year!;
  const month = p.month! - 1;
  const day = p.day!;
  return { year, month, day, weekday: new Date(utc(year, month, day)).getUTCDay() };
}

/** How far `zone`'s wall clock is ahead of UTC at `ms`, in ms (the formatter made once per zone). */
export function zoneOffsetAt(ms: number, zone: string): number {
  const f = zoneFormat('clock', zone, {
    hourCycle: 'h23',
    era: 'short',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const p = wallParts(f, ms);
  return utc(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(ms / 1000) * 1000;
}

/**
 * Midnight starting a day in `zone` (month 0-11; an overflowing day or month rolls over, as
 * Date.UTC does). The offset is asked at the guess and again at the answer, so a day that starts
 * just after a change of offset comes out right.
 */
export function zonedMidnight(year: number, month: number, day: number, zone: string): Date {
  const wall = utc(year, month, day);
  let ms = wall - zoneOffsetAt(wall, zone);
  ms = wall - zoneOffsetAt(ms, zone);
  return new Date(ms);
}

const DAY_MS = 86_400_000;

/**
 * Where "the last N days" start, as every page and the API count them: N days before `now`, moved
 * back to the start of that day, week (Monday) or month in `zone`, so that each bucket of the
 * period is whole. The interval is the KPI trend's for that span unless one is asked for (90 days:
 * weeks, so a Monday).
 */
export function lastDaysStart(now: Date, days: number, zone: string, interval?: KpiInterval): Date {
  const unit = interval ?? defaultKpiInterval(days * DAY_MS);
  const d = zonedDate(now.getTime() - days * DAY_MS, zone);
  const day = unit === 'month' ? 1 : unit === 'week' ? d.day - ((d.weekday + 6) % 7) : d.day;
  return zonedMidnight(d.year, d.month, day, zone);
}
