// Business time: arithmetic on a business calendar. Pure; no I/O, no clock, no database.
//
// Contract
// - A calendar is weekly open intervals in local wall-clock time of one IANA zone, plus holidays
//   (local dates, closed all day). The open time of local date D is the set of real instants
//   [M(D open), M(D close)) per interval, where M(wall) is the first real instant at which the
//   zone's clock shows that wall time or later:
//     * a wall time skipped by a spring-forward maps to the instant of the jump, so the missing
//       hour is never counted (Berlin 2026-03-29 00:00-24:00 = 23 h, 01:00-04:00 = 2 h);
//     * a wall time shown twice by a fall-back maps to its first occurrence, so an interval that
//       contains the repeated hour counts it twice (Berlin 2026-10-25 00:00-24:00 = 25 h);
//     * "24:00" is M(next day 00:00), so 00:00-24:00 runs into the next day's 00:00 seamlessly.
// - Only real elapsed open time counts, at millisecond precision: one business minute is
//   60,000 ms of open time. Intervals are half-open: open at `open`, closed at `close`.
// - addBusinessMinutes(cal, t, 0) = t. For m > 0 counting starts at t or the next opening, and
//   a count that ends exactly at an interval's close returns that close.
// - businessMinutesBetween(cal, a, b) = open ms in [a, b) / 60,000 (fractional when the ends are
//   not on whole minutes), 0 when b <= a. between(t, add(t, m)) = m.
// - A calendar with no open hours throws CalendarError('never_open') from add and nextOpening
//   (between gives 0, openIntervalsBetween []). No answer within HORIZON_DAYS local days (e.g.
//   holidays block everything) throws 'horizon_exceeded'; so does a span longer than
//   MAX_SPAN_DAYS for between/openIntervalsBetween. Bad specs throw 'invalid_calendar'.
//
// Speed: the compiled calendar caches, per local date, the open intervals as UTC milliseconds
// (bounded, FIFO). Luxon (Intl) is consulted only to fill that cache; once warm, a call is a few
// Map lookups and additions. Closed days are skipped without touching the cache; fully open
// days within a walk are consumed whole.
import { IANAZone } from 'luxon';
import { calendarHoursIssues, parseClock, parseLocalDate } from '../shared/schemas/calendars.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const DAY_MINUTES = 1_440;
/** How far add/nextOpening look for open time: ten years of local days. */
export const HORIZON_DAYS = 3_660;
/** Longest span businessMinutesBetween/openIntervalsBetween accept: a hundred years of local days. */
export const MAX_SPAN_DAYS = 36_600;
const DAY_CACHE_LIMIT = 4_096;
const OFFSET_CACHE_LIMIT = 4_096;

export type CalendarErrorCode = 'never_open' | 'invalid_calendar' | 'horizon_exceeded';

export class CalendarError extends Error {
  constructor(
    readonly code: CalendarErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CalendarError';
  }
}

export interface CalendarSpec {
  timezone: string;
  hours: { day: number; open: string; close: string }[];
  holidays: string[];
}

export interface OpenInterval {
  start: Date;
  end: Date;
}

/** One local date: its open intervals and its bounds as UTC ms. */
interface DayEntry {
  /** [start0, end0, start1, end1, ...], ascending, non-empty, not touching. */
  readonly iv: readonly number[];
  /** Sum of the intervals' lengths in ms. */
  readonly total: number;
  /** M(this date 00:00) and M(next date 00:00): the instants that belong to this date. */
  readonly start: number;
  readonly end: number;
}

/** A validated calendar with its caches. Build with compileCalendar; treat as opaque. */
export class BusinessCalendar {
  /** Merged open intervals in minutes of the local day per ISO weekday (index 1..7; 0 unused). */
  readonly weekly: readonly (readonly number[])[];
  /** Holidays as days since 1970-01-01 (local dates). */
  readonly holidays: ReadonlySet<number>;
  /** Every day 00:00-24:00 and no holidays: business time is plain elapsed time. */
  readonly always: boolean;
  readonly neverOpen: boolean;
  private readonly zone: IANAZone;
  /** Any offset of the zone (ms); only a first guess when locating the local date of an instant. */
  private readonly guessOffset: number;
  private readonly days = new Map<number, DayEntry>();
  private readonly offsets = new Map<number, number>();

  constructor(
    readonly timezone: string,
    weekly: number[][],
    holidays: Set<number>,
  ) {
    this.zone = IANAZone.create(timezone);
    this.weekly = weekly;
    this.holidays = holidays;
    this.neverOpen = weekly.every((w) => w.length === 0);
    this.always =
      holidays.size === 0 &&
      weekly.slice(1).every((w) => w.length === 2 && w[0] === 0 && w[1] === DAY_MINUTES);
    this.guessOffset = this.offsetAt(0);
  }

  /** True when local date `d` has no open hours by pattern or is a holiday (no Luxon work). */
  closedDay(d: number): boolean {
    return this.weekly[weekdayOf(d)]!.length === 0 || this.holidays.has(d);
  }

  day(d: number): DayEntry {
    let e = this.days.get(d);
    if (e === undefined) {
      e = this.computeDay(d);
      if (this.days.size >= DAY_CACHE_LIMIT) this.days.delete(this.days.keys().next().value!);
      this.days.set(d, e);
    }
    return e;
  }

  /** The local date whose instants [M(d 00:00), M(d+1 00:00)) contain `t`. */
  locate(t: number): number {
    let d = Math.floor((t + this.guessOffset) / DAY_MS);
    while (t < this.day(d).start) d--;
    while (t >= this.day(d).end) d++;
    return d;
  }

  private computeDay(d: number): DayEntry {
    const base = d * DAY_MS;
    // Instants whose wall time falls on this date lie within base - 14 h .. base + 38 h. If the
    // offset is the same at four whole UTC days around that window there is no transition in
    // it and every wall time maps by one subtraction (and the samples are shared by neighbours).
    const o = this.offsetAt(d);
    const regular = o === this.offsetAt(d - 1) && o === this.offsetAt(d + 1) && o === this.offsetAt(d + 2);
    const toInstant = regular ? (local: number) => local - o : (local: number) => this.wallToInstant(local);
    const start = toInstant(base);
    const end = toInstant(base + DAY_MS);
    const iv: number[] = [];
    let total = 0;
    if (!this.closedDay(d)) {
      const pattern = this.weekly[weekdayOf(d)]!;
      for (let i = 0; i < pattern.length; i += 2) {
        const s = toInstant(base + pattern[i]! * MINUTE_MS);
        const e = toInstant(base + pattern[i + 1]! * MINUTE_MS);
        if (e <= s) continue; // wholly inside a skipped hour
        if (iv.length > 0 && iv[iv.length - 1]! >= s) {
          total += e - iv[iv.length - 1]!;
          iv[iv.length - 1] = e;
        } else {
          iv.push(s, e);
          total += e - s;
        }
      }
    }
    return { iv, total, start, end };
  }

  /** Zone offset in ms at the start of UTC day `k`, cached. */
  private offsetAt(k: number): number {
    let o = this.offsets.get(k);
    if (o === undefined) {
      o = this.offsetMs(k * DAY_MS);
      if (this.offsets.size >= OFFSET_CACHE_LIMIT) this.offsets.delete(this.offsets.keys().next().value!);
      this.offsets.set(k, o);
    }
    return o;
  }

  private offsetMs(t: number): number {
    return Math.round(this.zone.offset(t) * MINUTE_MS);
  }

  /** M(local): the first instant at which the wall clock shows `local` (ms as if UTC) or later. */
  private wallToInstant(local: number): number {
    // The offsets a day before and after bracket any transition near `local` (as Temporal does).
    const before = this.offsetMs(local - DAY_MS);
    const after = this.offsetMs(local + DAY_MS);
    let best = Infinity;
    for (const o of before === after ? [before] : [before, after]) {
      const t = local - o;
      if (this.offsetMs(t) === o && t < best) best = t;
    }
    if (best !== Infinity) return best;
    if (before >= after) return local - after; // not a gap; cannot happen with one transition
    // A gap: the clock jumps over `local` at the transition, somewhere in (lo, hi].
    let lo = local - after;
    let hi = local - before;
    const loOffset = this.offsetMs(lo);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offsetMs(mid) === loOffset) lo = mid;
      else hi = mid;
    }
    return hi;
  }
}

function weekdayOf(d: number): number {
  // 1970-01-01 (day 0) was a Thursday (ISO 4).
  return ((((d % 7) + 7 + 3) % 7) + 1) | 0;
}

/** Validates `spec` and precomputes its weekly pattern; throws CalendarError('invalid_calendar'). */
export function compileCalendar(spec: CalendarSpec): BusinessCalendar {
  const problems: string[] = [];
  const timezone: unknown = spec?.timezone;
  if (typeof timezone !== 'string' || !IANAZone.isValidZone(timezone)) {
    problems.push(`timezone ${String(timezone)} is not an IANA time zone`);
  }
  const hours: unknown = spec?.hours;
  const holidays: unknown = spec?.holidays;
  if (!Array.isArray(hours)) problems.push('hours must be a list');
  if (!Array.isArray(holidays)) problems.push('holidays must be a list');
  if (Array.isArray(hours) && hours.some((h) => typeof h !== 'object' || h === null)) {
    problems.push('hours must be a list of {day, open, close}');
  } else if (Array.isArray(hours)) {
    for (const issue of calendarHoursIssues(hours as CalendarSpec['hours'])) {
      const [index] = issue.path;
      problems.push(`hours[${String(index)}]: ${issue.message}`);
    }
  }
  const holidaySet = new Set<number>();
  if (Array.isArray(holidays)) {
    holidays.forEach((h: unknown, i) => {
      const d = typeof h === 'string' ? parseLocalDate(h) : null;
      if (d === null) problems.push(`holidays[${i}]: ${String(h)} is not a date YYYY-MM-DD`);
      else holidaySet.add(d); // duplicates are harmless here; the API schema rejects them
    });
  }
  if (problems.length > 0) throw new CalendarError('invalid_calendar', problems.join('; '));

  const perDay: [number, number][][] = Array.from({ length: 8 }, () => []);
  for (const h of spec.hours) perDay[h.day]!.push([parseClock(h.open)!, parseClock(h.close, true)!]);
  const weekly = perDay.map((list) => {
    list.sort((a, b) => a[0] - b[0]);
    const flat: number[] = [];
    for (const [open, close] of list) {
      // Touching intervals (09:00-12:00, 12:00-13:00) become one; overlaps were rejected above.
      if (flat.length > 0 && flat[flat.length - 1] === open) flat[flat.length - 1] = close;
      else flat.push(open, close);
    }
    return flat;
  });
  return new BusinessCalendar(timezone as string, weekly, holidaySet);
}

export const is247 = (cal: BusinessCalendar): boolean => cal.always;

function instantOf(date: Date, name: string): number {
  const t = date instanceof Date ? date.getTime() : NaN;
  if (Number.isNaN(t)) throw new RangeError(`${name} is not a valid date`);
  return t;
}

function horizon(what: string): CalendarError {
  return new CalendarError(
    'horizon_exceeded',
    `${what} within ${HORIZON_DAYS} days: the holidays block every opening`,
  );
}

/**
 * The instant at which `minutes` business minutes have passed since `start`. Counting starts at
 * `start` if open, otherwise at the next opening; a count ending on a close returns that close.
 */
export function addBusinessMinutes(cal: BusinessCalendar, start: Date, minutes: number): Date {
  if (!Number.isInteger(minutes) || minutes < 0) {
    throw new RangeError(`minutes must be a whole number >= 0, got ${minutes}`);
  }
  return addBusinessMs(cal, start, minutes * MINUTE_MS);
}

/**
 * The same in milliseconds of business time: for clocks that resume after a pause that fell
 * between two whole minutes.
 */
export function addBusinessMs(cal: BusinessCalendar, start: Date, ms: number): Date {
  const t0 = instantOf(start, 'start');
  if (!Number.isInteger(ms) || ms < 0) {
    throw new RangeError(`ms must be a whole number >= 0, got ${ms}`);
  }
  if (ms === 0) return new Date(t0);
  if (cal.neverOpen) throw new CalendarError('never_open', 'the calendar has no open hours');
  if (cal.always) return new Date(t0 + ms);
  let remaining = ms;
  let d = cal.locate(t0);
  for (const last = d + HORIZON_DAYS; d <= last; d++) {
    if (cal.closedDay(d)) continue;
    const { iv, total } = cal.day(d);
    if (total === 0) continue;
    if (iv[0]! >= t0 && total < remaining) {
      remaining -= total;
      continue;
    }
    for (let i = 0; i < iv.length; i += 2) {
      const end = iv[i + 1]!;
      if (end <= t0) continue;
      const from = Math.max(iv[i]!, t0);
      const available = end - from;
      if (remaining <= available) return new Date(from + remaining);
      remaining -= available;
    }
  }
  throw new CalendarError(
    'horizon_exceeded',
    `${ms / MINUTE_MS} business minutes do not fit within ${HORIZON_DAYS} days after ${start.toISOString()}`,
  );
}

/** Open ms in [a, b) summed day by day; b > a. */
function openMsBetween(cal: BusinessCalendar, a: number, b: number): number {
  const first = cal.locate(a);
  const last = cal.locate(b);
  if (last - first > MAX_SPAN_DAYS) {
    throw new CalendarError('horizon_exceeded', `spans longer than ${MAX_SPAN_DAYS} days are not supported`);
  }
  let sum = 0;
  for (let d = first; d <= last; d++) {
    if (cal.closedDay(d)) continue;
    const { iv, total } = cal.day(d);
    if (total === 0) continue;
    if (iv[0]! >= a && iv[iv.length - 1]! <= b) {
      sum += total;
      continue;
    }
    for (let i = 0; i < iv.length; i += 2) {
      const s = Math.max(iv[i]!, a);
      const e = Math.min(iv[i + 1]!, b);
      if (e > s) sum += e - s;
    }
  }
  return sum;
}

/** Business milliseconds in [from, to); 0 when to <= from. */
export function businessMsBetween(cal: BusinessCalendar, from: Date, to: Date): number {
  const a = instantOf(from, 'from');
  const b = instantOf(to, 'to');
  if (b <= a || cal.neverOpen) return 0;
  if (cal.always) return b - a;
  return openMsBetween(cal, a, b);
}

/** Business minutes in [from, to): open ms / 60,000, fractional if the ends are; 0 when to <= from. */
export function businessMinutesBetween(cal: BusinessCalendar, from: Date, to: Date): number {
  return businessMsBetween(cal, from, to) / MINUTE_MS;
}

/** Whether `at` lies in open time (opens inclusive, closes exclusive). */
export function isOpenAt(cal: BusinessCalendar, at: Date): boolean {
  const t = instantOf(at, 'at');
  if (cal.always) return true;
  if (cal.neverOpen) return false;
  const d = cal.locate(t);
  if (cal.closedDay(d)) return false;
  const { iv } = cal.day(d);
  for (let i = 0; i < iv.length; i += 2) {
    if (t < iv[i]!) return false;
    if (t < iv[i + 1]!) return true;
  }
  return false;
}

/** `at` if open, otherwise the next instant at which the calendar opens. */
export function nextOpening(cal: BusinessCalendar, at: Date): Date {
  const t = instantOf(at, 'at');
  if (cal.neverOpen) throw new CalendarError('never_open', 'the calendar has no open hours');
  if (cal.always) return new Date(t);
  let d = cal.locate(t);
  for (const last = d + HORIZON_DAYS; d <= last; d++) {
    if (cal.closedDay(d)) continue;
    const { iv } = cal.day(d);
    for (let i = 0; i < iv.length; i += 2) {
      if (iv[i + 1]! > t) return new Date(Math.max(iv[i]!, t));
    }
  }
  throw horizon(`no opening after ${at.toISOString()}`);
}

/**
 * The open time within [from, to) as real instants, clipped to the bounds, in order; intervals
 * that touch (a day closing at 24:00 and the next opening at 00:00) are returned as one.
 */
export function openIntervalsBetween(cal: BusinessCalendar, from: Date, to: Date): OpenInterval[] {
  const a = instantOf(from, 'from');
  const b = instantOf(to, 'to');
  if (b <= a || cal.neverOpen) return [];
  if (cal.always) return [{ start: new Date(a), end: new Date(b) }];
  const first = cal.locate(a);
  const last = cal.locate(b);
  if (last - first > MAX_SPAN_DAYS) {
    throw new CalendarError('horizon_exceeded', `spans longer than ${MAX_SPAN_DAYS} days are not supported`);
  }
  const flat: number[] = [];
  for (let d = first; d <= last; d++) {
    if (cal.closedDay(d)) continue;
    const { iv } = cal.day(d);
    for (let i = 0; i < iv.length; i += 2) {
      const s = Math.max(iv[i]!, a);
      const e = Math.min(iv[i + 1]!, b);
      if (e <= s) continue;
      if (flat.length > 0 && flat[flat.length - 1] === s) flat[flat.length - 1] = e;
      else flat.push(s, e);
    }
  }
  const out: OpenInterval[] = [];
  for (let i = 0; i < flat.length; i += 2)
    out.push({ start: new Date(flat[i]!), end: new Date(flat[i + 1]!) });
  return out;
}
