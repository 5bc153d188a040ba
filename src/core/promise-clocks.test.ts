import { describe, expect, it } from 'vitest';
import {
  type BusinessCalendar,
  businessMsBetween,
  compileCalendar,
  type CalendarSpec,
  is247,
} from './business-time.js';
import {
  type Clock,
  type ClockKind,
  type ClockState,
  isOpen,
  meetClock,
  pauseClock,
  type Priority,
  remainingMinutes,
  resumeClock,
  retargetClock,
  settle,
  startClock,
  stateAt,
  type Target,
  targetFor,
  usedMinutes,
  warnMinutesFor,
} from './promise-clocks.js';

// Every expected instant below is computed by hand from the zone rules:
//   Europe/Berlin CET +01 until 2026-03-29T01:00Z, CEST +02 until 2026-10-25T01:00Z, then CET.
//   So Mon-Fri 09:00-17:00 is 08:00Z-16:00Z in winter and 07:00Z-15:00Z in summer.
// 2026-01-05 is a Monday, 2026-01-09 a Friday; 2026-01-01 (Thu), Good Friday 2026-04-03,
// Easter Monday 2026-04-06 and Christmas 2026-12-25 (Fri) are holidays on `berlin`.

type Hours = CalendarSpec['hours'];
const WEEKDAYS = [1, 2, 3, 4, 5];
const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7];
const MIN = 60_000;
const on = (days: number[], open: string, close: string): Hours => days.map((day) => ({ day, open, close }));
const cal = (timezone: string, hours: Hours, holidays: string[] = []) =>
  compileCalendar({ timezone, hours, holidays });
const T = (iso: string) => new Date(iso);
const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Berlin Mon-Fri 09:00-17:00 with New Year, Easter and Christmas holidays. */
const berlin = cal('Europe/Berlin', on(WEEKDAYS, '09:00', '17:00'), [
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-12-25',
]);
/** Berlin 24/7: business time is plain elapsed time (the calendar's fast path). */
const always = cal('Europe/Berlin', on(ALL_DAYS, '00:00', '24:00'));
/** Berlin all day but with one holiday, so the day-by-day path runs across DST nights. */
const allDay = cal('Europe/Berlin', on(ALL_DAYS, '00:00', '24:00'), ['2026-12-31']);

/** A resolution clock (cycle 1, warn at 75% unless told) started at `at`. */
function begin(
  c: BusinessCalendar,
  at: string,
  targetMinutes: number,
  o: { warnPercent?: number; paused?: boolean; kind?: ClockKind } = {},
): Clock {
  return startClock(c, {
    kind: o.kind ?? 'resolution',
    cycle: 1,
    targetMinutes,
    warnPercent: o.warnPercent ?? 75,
    at: T(at),
    paused: o.paused ?? false,
  });
}

/** One transition of a scenario; the calendar is the scenario's unless the step brings its own. */
type Step = (c: BusinessCalendar, clock: Clock) => Clock;
const timed =
  (f: (c: BusinessCalendar, k: Clock, when: Date) => Clock) =>
  (when: string): Step =>
  (c, k) =>
    f(c, k, T(when));
const pause = timed(pauseClock);
const resume = timed(resumeClock);
const meet = timed(meetClock);
const settleAt = timed((_c, k, when) => settle(k, when));
const retarget =
  (minutes: number, warnPercent = 75, to?: BusinessCalendar): Step =>
  (c, k) =>
    retargetClock(to ?? c, k, minutes, warnPercent);
const play = (c: BusinessCalendar, clock: Clock, steps: Step[]) => steps.reduce((k, s) => s(c, k), clock);

/** The moving parts of a clock, instants as ISO strings. */
interface View {
  state: ClockState;
  usedMs: number;
  runningSince: string | null;
  dueAt: string | null;
  warnAt: string | null;
  pausedAt: string | null;
  metAt: string | null;
  breachedAt: string | null;
}
const view = (k: Clock): View => ({
  state: k.state,
  usedMs: k.usedMs,
  runningSince: iso(k.runningSince),
  dueAt: iso(k.dueAt),
  warnAt: iso(k.warnAt),
  pausedAt: iso(k.pausedAt),
  metAt: iso(k.metAt),
  breachedAt: iso(k.breachedAt),
});
/** Fields a scenario does not name must be exactly these. */
const BLANK: View = {
  state: 'active',
  usedMs: 0,
  runningSince: null,
  dueAt: null,
  warnAt: null,
  pausedAt: null,
  metAt: null,
  breachedAt: null,
};

type Scenario = [name: string, cal: BusinessCalendar, start: string, target: number, steps: Step[], View];
const scenarios = (cases: [string, BusinessCalendar, string, number, Step[], Partial<View>][]) =>
  cases.map(([name, c, start, target, steps, want]): Scenario => [
    name,
    c,
    start,
    target,
    steps,
    { ...BLANK, ...want },
  ]);

describe('targetFor', () => {
  const targets: Target[] = [
    { kind: 'first_response', minutes: 60 },
    { kind: 'first_response', priority: 'urgent', minutes: 15 },
    { kind: 'resolution', priority: 'high', minutes: 480 },
    { kind: 'next_response', minutes: 120 },
    { kind: 'next_response', priority: 'low', minutes: 0 },
    { kind: 'periodic_update', priority: 'normal', minutes: 240 },
    { kind: 'periodic_update', minutes: 1440 },
  ];
  const cases: [ClockKind, Priority, number | undefined][] = [
    ['first_response', 'urgent', 15],
    ['first_response', 'normal', 60],
    ['first_response', 'high', 60],
    ['resolution', 'high', 480],
    ['resolution', 'normal', undefined],
    ['next_response', 'urgent', 120],
    // A specific target of 0 minutes is a target, not "none".
    ['next_response', 'low', 0],
    // The specific target wins even when the general one comes first in the list.
    ['periodic_update', 'normal', 240],
    ['periodic_update', 'low', 1440],
  ];
  it.each(cases)('%s at %s priority → %s', (kind, priority, want) => {
    expect(targetFor(targets, kind, priority)).toBe(want);
  });

  it('is undefined without any targets', () => {
    expect(targetFor([], 'resolution', 'normal')).toBeUndefined();
  });
});

describe('warnMinutesFor', () => {
  const cases: [number, number, number][] = [
    [60, 75, 45],
    [7, 75, 5], // 5.25
    [1, 75, 0],
    [4, 75, 3],
    [0, 75, 0],
    [480, 75, 360],
    [481, 75, 360], // 360.75
    [60, 50, 30],
    [60, 100, 60],
    [60, 0, 0],
    [10, 33, 3], // 3.3
  ];
  it.each(cases)('%i minutes at %i%% → %i', (target, percent, want) => {
    expect(warnMinutesFor(target, percent)).toBe(want);
  });
});

describe('startClock: due and warning instants', () => {
  const cases: [string, BusinessCalendar, string, number, number, string, string][] = [
    // name, calendar, start, target, warn %, dueAt, warnAt
    [
      'at opening, 60 min',
      berlin,
      '2026-01-05T08:00:00.000Z',
      60,
      75,
      '2026-01-05T09:00:00.000Z',
      '2026-01-05T08:45:00.000Z',
    ],
    [
      '7 min: warning floors 5.25 to 5',
      berlin,
      '2026-01-05T10:00:00.000Z',
      7,
      75,
      '2026-01-05T10:07:00.000Z',
      '2026-01-05T10:05:00.000Z',
    ],
    [
      'before opening',
      berlin,
      '2026-01-05T06:30:00.000Z',
      60,
      75,
      '2026-01-05T09:00:00.000Z',
      '2026-01-05T08:45:00.000Z',
    ],
    [
      'after the close',
      berlin,
      '2026-01-05T17:00:00.000Z',
      30,
      75,
      '2026-01-06T08:30:00.000Z',
      '2026-01-06T08:22:00.000Z',
    ],
    [
      'straddling the close',
      berlin,
      '2026-01-05T15:30:00.000Z',
      60,
      75,
      '2026-01-06T08:30:00.000Z',
      '2026-01-06T08:15:00.000Z',
    ],
    [
      'Friday afternoon over the weekend',
      berlin,
      '2026-01-09T15:00:00.000Z',
      120,
      75,
      '2026-01-12T09:00:00.000Z',
      '2026-01-12T08:30:00.000Z',
    ],
    [
      'on a Saturday',
      berlin,
      '2026-01-10T12:00:00.000Z',
      90,
      75,
      '2026-01-12T09:30:00.000Z',
      '2026-01-12T09:07:00.000Z',
    ],
    [
      'a whole day lands on the close',
      berlin,
      '2026-01-05T08:00:00.000Z',
      480,
      75,
      '2026-01-05T16:00:00.000Z',
      '2026-01-05T14:00:00.000Z',
    ],
    [
      'a day and a minute',
      berlin,
      '2026-01-05T08:00:00.000Z',
      481,
      75,
      '2026-01-06T08:01:00.000Z',
      '2026-01-05T14:00:00.000Z',
    ],
    [
      'over the New Year holiday',
      berlin,
      '2025-12-31T15:30:00.000Z',
      60,
      75,
      '2026-01-02T08:30:00.000Z',
      '2026-01-02T08:15:00.000Z',
    ],
    [
      'over Christmas Friday and the weekend',
      berlin,
      '2026-12-24T15:00:00.000Z',
      120,
      75,
      '2026-12-28T09:00:00.000Z',
      '2026-12-28T08:30:00.000Z',
    ],
    [
      'over Easter (summer time)',
      berlin,
      '2026-04-02T14:00:00.000Z',
      120,
      75,
      '2026-04-07T08:00:00.000Z',
      '2026-04-07T07:30:00.000Z',
    ],
    [
      'summer time opening',
      berlin,
      '2026-06-02T07:00:00.000Z',
      60,
      75,
      '2026-06-02T08:00:00.000Z',
      '2026-06-02T07:45:00.000Z',
    ],
    [
      'target 0 inside hours',
      berlin,
      '2026-01-05T10:00:00.000Z',
      0,
      75,
      '2026-01-05T10:00:00.000Z',
      '2026-01-05T10:00:00.000Z',
    ],
    // add(t, 0) = t even while closed: a zero target is due at once.
    [
      'target 0 on a Saturday',
      berlin,
      '2026-01-10T12:00:00.000Z',
      0,
      75,
      '2026-01-10T12:00:00.000Z',
      '2026-01-10T12:00:00.000Z',
    ],
    [
      'warn at 50%',
      berlin,
      '2026-01-05T08:00:00.000Z',
      60,
      50,
      '2026-01-05T09:00:00.000Z',
      '2026-01-05T08:30:00.000Z',
    ],
    [
      'warn at 100% is the due time',
      berlin,
      '2026-01-05T08:00:00.000Z',
      60,
      100,
      '2026-01-05T09:00:00.000Z',
      '2026-01-05T09:00:00.000Z',
    ],
    [
      'warn at 0% is the start, even while closed',
      berlin,
      '2026-01-05T06:30:00.000Z',
      60,
      0,
      '2026-01-05T09:00:00.000Z',
      '2026-01-05T06:30:00.000Z',
    ],
    [
      '24/7 on a Saturday',
      always,
      '2026-01-10T12:00:00.000Z',
      90,
      75,
      '2026-01-10T13:30:00.000Z',
      '2026-01-10T13:07:00.000Z',
    ],
    [
      '24/7 over two days',
      always,
      '2026-01-09T15:00:00.000Z',
      2880,
      75,
      '2026-01-11T15:00:00.000Z',
      '2026-01-11T03:00:00.000Z',
    ],
    // DST: 24/7 counts real minutes whatever the wall clock does.
    [
      '24/7 over spring-forward',
      always,
      '2026-03-29T00:30:00.000Z',
      120,
      75,
      '2026-03-29T02:30:00.000Z',
      '2026-03-29T02:00:00.000Z',
    ],
    [
      'all-day calendar over spring-forward',
      allDay,
      '2026-03-29T00:30:00.000Z',
      120,
      75,
      '2026-03-29T02:30:00.000Z',
      '2026-03-29T02:00:00.000Z',
    ],
    [
      '24/7 over fall-back',
      always,
      '2026-10-25T00:00:00.000Z',
      120,
      75,
      '2026-10-25T02:00:00.000Z',
      '2026-10-25T01:30:00.000Z',
    ],
    [
      'all-day calendar over fall-back',
      allDay,
      '2026-10-25T00:00:00.000Z',
      120,
      75,
      '2026-10-25T02:00:00.000Z',
      '2026-10-25T01:30:00.000Z',
    ],
    // 9-17: Friday closes at 16:00Z (CET), Monday opens at 07:00Z (CEST).
    [
      '9-17 over the spring-forward weekend',
      berlin,
      '2026-03-27T15:00:00.000Z',
      120,
      75,
      '2026-03-30T08:00:00.000Z',
      '2026-03-30T07:30:00.000Z',
    ],
    // Friday closes at 15:00Z (CEST), Monday opens at 08:00Z (CET).
    [
      '9-17 over the fall-back weekend',
      berlin,
      '2026-10-23T14:00:00.000Z',
      120,
      75,
      '2026-10-26T09:00:00.000Z',
      '2026-10-26T08:30:00.000Z',
    ],
  ];
  it.each(cases)('%s', (_name, c, start, target, warnPercent, due, warn) => {
    const k = begin(c, start, target, { warnPercent });
    expect(view(k)).toEqual({ ...BLANK, runningSince: start, dueAt: due, warnAt: warn });
    expect(k.warnMinutes).toBe(warnMinutesFor(target, warnPercent));
  });

  it('fills every field of a running clock', () => {
    const k = startClock(berlin, {
      kind: 'first_response',
      cycle: 3,
      targetMinutes: 60,
      warnPercent: 75,
      at: T('2026-01-05T08:00:00.000Z'),
    });
    expect({ ...k, ...view(k), startedAt: iso(k.startedAt) }).toEqual({
      kind: 'first_response',
      cycle: 3,
      targetMinutes: 60,
      warnMinutes: 45,
      state: 'active',
      startedAt: '2026-01-05T08:00:00.000Z',
      usedMs: 0,
      runningSince: '2026-01-05T08:00:00.000Z',
      dueAt: '2026-01-05T09:00:00.000Z',
      warnAt: '2026-01-05T08:45:00.000Z',
      pausedAt: null,
      metAt: null,
      breachedAt: null,
      warnedAt: null,
    });
  });

  it('starts paused without due or warning instants, and runs the full target once resumed', () => {
    const k = begin(berlin, '2026-01-05T08:00:00.000Z', 60, { paused: true });
    expect(view(k)).toEqual({ ...BLANK, state: 'paused', pausedAt: '2026-01-05T08:00:00.000Z' });
    expect(iso(k.startedAt)).toBe('2026-01-05T08:00:00.000Z');
    expect(view(resumeClock(berlin, k, T('2026-01-06T10:00:00.000Z')))).toEqual({
      ...BLANK,
      runningSince: '2026-01-06T10:00:00.000Z',
      dueAt: '2026-01-06T11:00:00.000Z',
      warnAt: '2026-01-06T10:45:00.000Z',
    });
  });

  it('24/7 over spring-forward: 120 business minutes are 120 real minutes', () => {
    for (const c of [always, allDay]) {
      const k = begin(c, '2026-03-29T00:30:00.000Z', 120);
      expect(k.dueAt!.getTime() - k.startedAt.getTime()).toBe(120 * MIN);
      expect(remainingMinutes(c, k, T('2026-03-29T01:30:00.000Z'))).toBe(60);
      expect(usedMinutes(c, k, T('2026-03-29T02:30:00.000Z'))).toBe(120);
    }
    expect(is247(always)).toBe(true);
    expect(is247(allDay)).toBe(false);
  });
});

describe('pause and resume', () => {
  const cases = scenarios([
    [
      'pausing banks the used time and clears the due time',
      berlin,
      '2026-01-05T08:00:00.000Z',
      240,
      [pause('2026-01-05T09:00:00.000Z')],
      { state: 'paused', usedMs: 60 * MIN, pausedAt: '2026-01-05T09:00:00.000Z' },
    ],
    [
      'resuming the same day moves due by the paused hour',
      berlin,
      '2026-01-05T08:00:00.000Z',
      240,
      [pause('2026-01-05T09:00:00.000Z'), resume('2026-01-05T10:00:00.000Z')],
      {
        usedMs: 60 * MIN,
        runningSince: '2026-01-05T10:00:00.000Z',
        dueAt: '2026-01-05T13:00:00.000Z',
        warnAt: '2026-01-05T12:00:00.000Z',
      },
    ],
    [
      // Paused business time: Mon 12:00Z-16:00Z and Tue 08:00Z-10:00Z = 6 h; due was Mon 16:00Z.
      'across a night',
      berlin,
      '2026-01-05T08:00:00.000Z',
      480,
      [pause('2026-01-05T12:00:00.000Z'), resume('2026-01-06T10:00:00.000Z')],
      {
        usedMs: 240 * MIN,
        runningSince: '2026-01-06T10:00:00.000Z',
        dueAt: '2026-01-06T14:00:00.000Z',
        warnAt: '2026-01-06T12:00:00.000Z',
      },
    ],
    [
      // Paused business time: Fri 14:30Z-16:00Z and Mon 08:00Z-08:30Z = 120 min; due was Fri 16:00Z.
      'across a weekend',
      berlin,
      '2026-01-09T14:00:00.000Z',
      120,
      [pause('2026-01-09T14:30:00.000Z'), resume('2026-01-12T08:30:00.000Z')],
      {
        usedMs: 30 * MIN,
        runningSince: '2026-01-12T08:30:00.000Z',
        dueAt: '2026-01-12T10:00:00.000Z',
        warnAt: '2026-01-12T09:30:00.000Z',
      },
    ],
    [
      'resumed on a Saturday, counting starts at Monday opening',
      berlin,
      '2026-01-09T14:00:00.000Z',
      120,
      [pause('2026-01-09T14:30:00.000Z'), resume('2026-01-10T10:00:00.000Z')],
      {
        usedMs: 30 * MIN,
        runningSince: '2026-01-10T10:00:00.000Z',
        dueAt: '2026-01-12T09:30:00.000Z',
        warnAt: '2026-01-12T09:00:00.000Z',
      },
    ],
    [
      'paused on a Saturday banks only the Friday hour',
      berlin,
      '2026-01-09T15:00:00.000Z',
      120,
      [pause('2026-01-10T12:00:00.000Z')],
      { state: 'paused', usedMs: 60 * MIN, pausedAt: '2026-01-10T12:00:00.000Z' },
    ],
    [
      'paused on a Saturday, resumed Monday 08:30Z',
      berlin,
      '2026-01-09T15:00:00.000Z',
      120,
      [pause('2026-01-10T12:00:00.000Z'), resume('2026-01-12T08:30:00.000Z')],
      {
        usedMs: 60 * MIN,
        runningSince: '2026-01-12T08:30:00.000Z',
        dueAt: '2026-01-12T09:30:00.000Z',
        warnAt: '2026-01-12T09:00:00.000Z',
      },
    ],
    [
      'paused at hh:mm:30: the half minute is kept',
      berlin,
      '2026-01-05T08:00:00.000Z',
      60,
      [pause('2026-01-05T08:10:30.000Z'), resume('2026-01-05T10:00:00.000Z')],
      {
        usedMs: 630_000,
        runningSince: '2026-01-05T10:00:00.000Z',
        dueAt: '2026-01-05T10:49:30.000Z',
        warnAt: '2026-01-05T10:34:30.000Z',
      },
    ],
    [
      'paused at hh:mm:30.250: milliseconds are kept',
      berlin,
      '2026-01-05T08:00:00.000Z',
      60,
      [pause('2026-01-05T08:10:30.250Z'), resume('2026-01-05T10:00:00.000Z')],
      {
        usedMs: 630_250,
        runningSince: '2026-01-05T10:00:00.000Z',
        dueAt: '2026-01-05T10:49:29.750Z',
        warnAt: '2026-01-05T10:34:29.750Z',
      },
    ],
    [
      'two cycles: 35.5 min used',
      berlin,
      '2026-01-05T08:00:00.000Z',
      120,
      [
        pause('2026-01-05T08:20:00.000Z'),
        resume('2026-01-05T09:00:00.000Z'),
        pause('2026-01-05T09:15:30.000Z'),
        resume('2026-01-05T11:00:00.000Z'),
      ],
      {
        usedMs: 2_130_000,
        runningSince: '2026-01-05T11:00:00.000Z',
        dueAt: '2026-01-05T12:24:30.000Z',
        warnAt: '2026-01-05T11:54:30.000Z',
      },
    ],
    [
      // Paused 40 + 104.5 + 240 business minutes after the original due Mon 10:00Z.
      'three cycles: past the warning, so warnAt is the resume instant',
      berlin,
      '2026-01-05T08:00:00.000Z',
      120,
      [
        pause('2026-01-05T08:20:00.000Z'),
        resume('2026-01-05T09:00:00.000Z'),
        pause('2026-01-05T09:15:30.000Z'),
        resume('2026-01-05T11:00:00.000Z'),
        pause('2026-01-05T12:00:00.000Z'),
        resume('2026-01-06T08:00:00.000Z'),
      ],
      {
        usedMs: 5_730_000,
        runningSince: '2026-01-06T08:00:00.000Z',
        dueAt: '2026-01-06T08:24:30.000Z',
        warnAt: '2026-01-06T08:00:00.000Z',
      },
    ],
    [
      'pausing a paused clock changes nothing',
      berlin,
      '2026-01-05T08:00:00.000Z',
      240,
      [pause('2026-01-05T09:00:00.000Z'), pause('2026-01-05T10:00:00.000Z')],
      { state: 'paused', usedMs: 60 * MIN, pausedAt: '2026-01-05T09:00:00.000Z' },
    ],
    [
      'resuming a running clock changes nothing',
      berlin,
      '2026-01-05T08:00:00.000Z',
      240,
      [resume('2026-01-05T10:00:00.000Z')],
      {
        runningSince: '2026-01-05T08:00:00.000Z',
        dueAt: '2026-01-05T12:00:00.000Z',
        warnAt: '2026-01-05T11:00:00.000Z',
      },
    ],
    [
      'paused before opening banks nothing',
      berlin,
      '2026-01-05T06:30:00.000Z',
      60,
      [pause('2026-01-05T07:30:00.000Z')],
      { state: 'paused', pausedAt: '2026-01-05T07:30:00.000Z' },
    ],
    [
      'paused exactly at the due time: used = target, not a breach',
      berlin,
      '2026-01-05T08:00:00.000Z',
      60,
      [pause('2026-01-05T09:00:00.000Z')],
      { state: 'paused', usedMs: 60 * MIN, pausedAt: '2026-01-05T09:00:00.000Z' },
    ],
    [
      // Nothing left to run: due (and the warning) are the resume instant.
      '... and resumed: due at once',
      berlin,
      '2026-01-05T08:00:00.000Z',
      60,
      [pause('2026-01-05T09:00:00.000Z'), resume('2026-01-05T10:00:00.000Z')],
      {
        usedMs: 60 * MIN,
        runningSince: '2026-01-05T10:00:00.000Z',
        dueAt: '2026-01-05T10:00:00.000Z',
        warnAt: '2026-01-05T10:00:00.000Z',
      },
    ],
    [
      '... and settled 1 ms after the resume: breached then',
      berlin,
      '2026-01-05T08:00:00.000Z',
      60,
      [
        pause('2026-01-05T09:00:00.000Z'),
        resume('2026-01-05T10:00:00.000Z'),
        settleAt('2026-01-05T10:00:00.001Z'),
      ],
      {
        state: 'breached',
        usedMs: 60 * MIN,
        runningSince: '2026-01-05T10:00:00.000Z',
        dueAt: '2026-01-05T10:00:00.000Z',
        warnAt: '2026-01-05T10:00:00.000Z',
        breachedAt: '2026-01-05T10:00:00.000Z',
      },
    ],
    [
      'pausing a breached clock keeps it breached with the missed due time',
      berlin,
      '2026-01-05T08:00:00.000Z',
      60,
      [pause('2026-01-05T10:00:00.000Z')],
      {
        state: 'breached',
        usedMs: 120 * MIN,
        dueAt: '2026-01-05T09:00:00.000Z',
        pausedAt: '2026-01-05T10:00:00.000Z',
        breachedAt: '2026-01-05T09:00:00.000Z',
      },
    ],
    [
      'resuming a breached clock keeps it breached with the missed due time',
      berlin,
      '2026-01-05T08:00:00.000Z',
      60,
      [pause('2026-01-05T10:00:00.000Z'), resume('2026-01-05T11:00:00.000Z')],
      {
        state: 'breached',
        usedMs: 120 * MIN,
        runningSince: '2026-01-05T11:00:00.000Z',
        dueAt: '2026-01-05T09:00:00.000Z',
        warnAt: '2026-01-05T11:00:00.000Z',
        breachedAt: '2026-01-05T09:00:00.000Z',
      },
    ],
    [
      '24/7 paused over spring-forward',
      always,
      '2026-03-29T00:30:00.000Z',
      120,
      [pause('2026-03-29T01:30:00.000Z'), resume('2026-03-29T03:00:00.000Z')],
      {
        usedMs: 60 * MIN,
        runningSince: '2026-03-29T03:00:00.000Z',
        dueAt: '2026-03-29T04:00:00.000Z',
        warnAt: '2026-03-29T03:30:00.000Z',
      },
    ],
    [
      // Friday 13:00Z-14:00Z used (CEST); Monday opens 08:00Z (CET), 180 min left.
      '9-17 paused over the fall-back weekend',
      berlin,
      '2026-10-23T13:00:00.000Z',
      240,
      [pause('2026-10-23T14:00:00.000Z'), resume('2026-10-24T10:00:00.000Z')],
      {
        usedMs: 60 * MIN,
        runningSince: '2026-10-24T10:00:00.000Z',
        dueAt: '2026-10-26T11:00:00.000Z',
        warnAt: '2026-10-26T10:00:00.000Z',
      },
    ],
    [
      'paused over Easter',
      berlin,
      '2026-04-02T13:00:00.000Z',
      240,
      [pause('2026-04-02T14:00:00.000Z'), resume('2026-04-07T07:00:00.000Z')],
      {
        usedMs: 60 * MIN,
        runningSince: '2026-04-07T07:00:00.000Z',
        dueAt: '2026-04-07T10:00:00.000Z',
        warnAt: '2026-04-07T09:00:00.000Z',
      },
    ],
  ]);
  it.each(cases)('%s', (_name, c, start, target, steps, want) => {
    expect(view(play(c, begin(c, start, target), steps))).toEqual(want);
  });

  it('returns the very same clock for a no-op pause or resume', () => {
    const running = begin(berlin, '2026-01-05T08:00:00.000Z', 60);
    expect(resumeClock(berlin, running, T('2026-01-05T08:30:00.000Z'))).toBe(running);
    const paused = pauseClock(berlin, running, T('2026-01-05T08:30:00.000Z'));
    expect(pauseClock(berlin, paused, T('2026-01-05T08:40:00.000Z'))).toBe(paused);
    const met = meetClock(berlin, running, T('2026-01-05T08:30:00.000Z'));
    expect(pauseClock(berlin, met, T('2026-01-05T08:40:00.000Z'))).toBe(met);
    expect(resumeClock(berlin, met, T('2026-01-05T08:40:00.000Z'))).toBe(met);
  });

  it('due moves by exactly the paused business time', () => {
    const k = begin(berlin, '2026-01-09T14:00:00.000Z', 120);
    const [pausedAt, resumedAt] = [T('2026-01-09T14:30:00.000Z'), T('2026-01-12T08:30:00.000Z')];
    const resumed = resumeClock(berlin, pauseClock(berlin, k, pausedAt), resumedAt);
    // Fri 14:30Z-16:00Z plus Mon 08:00Z-08:30Z.
    expect(businessMsBetween(berlin, pausedAt, resumedAt)).toBe(120 * MIN);
    expect(businessMsBetween(berlin, k.dueAt!, resumed.dueAt!)).toBe(120 * MIN);
    expect([iso(k.dueAt), iso(resumed.dueAt)]).toEqual([
      '2026-01-09T16:00:00.000Z',
      '2026-01-12T10:00:00.000Z',
    ]);
    expect(usedMinutes(berlin, resumed, resumed.dueAt!)).toBe(120);
  });
});

describe('meetClock', () => {
  const cases = scenarios([
    [
      'met before due',
      berlin,
      '2026-01-05T08:00:00.000Z',
      60,
      [meet('2026-01-05T08:30:00.000Z')],
      {
        state: 'met',
        usedMs: 30 * MIN,
        dueAt: '2026-01-05T09:00:00.000Z',
        metAt: '2026-01-05T08:30:00.000Z',
      },
    ],
    [
      'met exactly at due: still met',
      berlin,
      '2026-01-05T08:00:00.000Z',
      60,
      [meet('2026-01-05T09:00:00.000Z')],
      {
        state: 'met',
        usedMs: 60 * MIN,
        dueAt: '2026-01-05T09:00:00.000Z',
        metAt: '2026-01-05T09:00:00.000Z',
      },
    ],
    [
      'met 1 ms after due: breached, metAt records how late',
      berlin,
      '2026-01-05T08:00:00.000Z',
      60,
      [meet('2026-01-05T09:00:00.001Z')],
      {
        state: 'breached',
        usedMs: 60 * MIN + 1,
        dueAt: '2026-01-05T09:00:00.000Z',
        metAt: '2026-01-05T09:00:00.001Z',
        breachedAt: '2026-01-05T09:00:00.000Z',
      },
    ],
    [
      'met the next morning',
      berlin,
      '2026-01-05T08:00:00.000Z',
      60,
      [meet('2026-01-06T08:30:00.000Z')],
      {
        state: 'breached',
        usedMs: 510 * MIN,
        dueAt: '2026-01-05T09:00:00.000Z',
        metAt: '2026-01-06T08:30:00.000Z',
        breachedAt: '2026-01-05T09:00:00.000Z',
      },
    ],
    [
      'met after the breach was settled',
      berlin,
      '2026-01-05T08:00:00.000Z',
      60,
      [settleAt('2026-01-05T10:00:00.000Z'), meet('2026-01-05T11:00:00.000Z')],
      {
        state: 'breached',
        usedMs: 180 * MIN,
        dueAt: '2026-01-05T09:00:00.000Z',
        metAt: '2026-01-05T11:00:00.000Z',
        breachedAt: '2026-01-05T09:00:00.000Z',
      },
    ],
    [
      'met while paused',
      berlin,
      '2026-01-05T08:00:00.000Z',
      240,
      [pause('2026-01-05T09:00:00.000Z'), meet('2026-01-05T10:00:00.000Z')],
      { state: 'met', usedMs: 60 * MIN, metAt: '2026-01-05T10:00:00.000Z' },
    ],
    [
      'met while paused after a breach',
      berlin,
      '2026-01-05T08:00:00.000Z',
      60,
      [pause('2026-01-05T10:00:00.000Z'), meet('2026-01-06T09:00:00.000Z')],
      {
        state: 'breached',
        usedMs: 120 * MIN,
        dueAt: '2026-01-05T09:00:00.000Z',
        metAt: '2026-01-06T09:00:00.000Z',
        breachedAt: '2026-01-05T09:00:00.000Z',
      },
    ],
    [
      'met twice: the first meeting stands',
      berlin,
      '2026-01-05T08:00:00.000Z',
      60,
      [meet('2026-01-05T08:30:00.000Z'), meet('2026-01-05T09:30:00.000Z')],
      {
        state: 'met',
        usedMs: 30 * MIN,
        dueAt: '2026-01-05T09:00:00.000Z',
        metAt: '2026-01-05T08:30:00.000Z',
      },
    ],
    [
      'met on a Saturday before a Monday due',
      berlin,
      '2026-01-09T15:00:00.000Z',
      120,
      [meet('2026-01-10T12:00:00.000Z')],
      {
        state: 'met',
        usedMs: 60 * MIN,
        dueAt: '2026-01-12T09:00:00.000Z',
        metAt: '2026-01-10T12:00:00.000Z',
      },
    ],
    [
      'target 0 met at the start instant',
      berlin,
      '2026-01-05T10:00:00.000Z',
      0,
      [meet('2026-01-05T10:00:00.000Z')],
      { state: 'met', dueAt: '2026-01-05T10:00:00.000Z', metAt: '2026-01-05T10:00:00.000Z' },
    ],
    [
      'target 0 met 1 ms later',
      berlin,
      '2026-01-05T10:00:00.000Z',
      0,
      [meet('2026-01-05T10:00:00.001Z')],
      {
        state: 'breached',
        usedMs: 1,
        dueAt: '2026-01-05T10:00:00.000Z',
        metAt: '2026-01-05T10:00:00.001Z',
        breachedAt: '2026-01-05T10:00:00.000Z',
      },
    ],
  ]);
  it.each(cases)('%s', (_name, c, start, target, steps, want) => {
    expect(view(play(c, begin(c, start, target), steps))).toEqual(want);
  });
});

describe('settle and stateAt', () => {
  const running = begin(berlin, '2026-01-05T08:00:00.000Z', 60); // due 09:00Z
  const cases: [string, string, ClockState, string | null][] = [
    ['1 ms before due', '2026-01-05T08:59:59.999Z', 'active', null],
    ['exactly at due (strict <)', '2026-01-05T09:00:00.000Z', 'active', null],
    ['1 ms after due', '2026-01-05T09:00:00.001Z', 'breached', '2026-01-05T09:00:00.000Z'],
    ['the next day', '2026-01-06T12:00:00.000Z', 'breached', '2026-01-05T09:00:00.000Z'],
  ];
  it.each(cases)('a running clock %s', (_name, at, state, breachedAt) => {
    const s = settle(running, T(at));
    expect([s.state, iso(s.breachedAt), iso(s.dueAt)]).toEqual([
      state,
      breachedAt,
      '2026-01-05T09:00:00.000Z',
    ]);
    expect(stateAt(running, T(at))).toBe(state);
  });

  it('leaves paused, met and breached clocks alone', () => {
    const paused = pauseClock(berlin, running, T('2026-01-05T08:30:00.000Z'));
    const met = meetClock(berlin, running, T('2026-01-05T08:30:00.000Z'));
    const breached = settle(running, T('2026-01-05T10:00:00.000Z'));
    const later = T('2026-01-09T12:00:00.000Z');
    expect(settle(paused, later)).toBe(paused);
    expect(settle(met, later)).toBe(met);
    expect(settle(breached, later)).toBe(breached);
    expect([stateAt(paused, later), stateAt(met, later), stateAt(breached, later)]).toEqual([
      'paused',
      'met',
      'breached',
    ]);
    expect(iso(breached.breachedAt)).toBe('2026-01-05T09:00:00.000Z');
  });

  it('a target of 0 breaches 1 ms after the start', () => {
    const k = begin(berlin, '2026-01-05T10:00:00.000Z', 0);
    expect(stateAt(k, T('2026-01-05T10:00:00.000Z'))).toBe('active');
    expect(iso(settle(k, T('2026-01-05T10:00:00.001Z')).breachedAt)).toBe('2026-01-05T10:00:00.000Z');
  });
});

describe('isOpen', () => {
  const k = begin(berlin, '2026-01-05T08:00:00.000Z', 60);
  const cases: [string, Clock, boolean][] = [
    ['active', k, true],
    ['paused', pauseClock(berlin, k, T('2026-01-05T08:30:00.000Z')), true],
    ['breached, not met', settle(k, T('2026-01-05T10:00:00.000Z')), true],
    ['met', meetClock(berlin, k, T('2026-01-05T08:30:00.000Z')), false],
    ['breached and met late', meetClock(berlin, k, T('2026-01-05T10:00:00.000Z')), false],
  ];
  it.each(cases)('%s → %s', (_name, clock, want) => {
    expect(isOpen(clock)).toBe(want);
  });
});

describe('retargetClock', () => {
  const cases = scenarios([
    [
      'running, target up',
      berlin,
      '2026-01-05T08:00:00.000Z',
      240,
      [retarget(480)],
      {
        runningSince: '2026-01-05T08:00:00.000Z',
        dueAt: '2026-01-05T16:00:00.000Z',
        warnAt: '2026-01-05T14:00:00.000Z',
      },
    ],
    [
      'running, target down',
      berlin,
      '2026-01-05T08:00:00.000Z',
      240,
      [retarget(60)],
      {
        runningSince: '2026-01-05T08:00:00.000Z',
        dueAt: '2026-01-05T09:00:00.000Z',
        warnAt: '2026-01-05T08:45:00.000Z',
      },
    ],
    [
      'running, new warn percent only',
      berlin,
      '2026-01-05T08:00:00.000Z',
      240,
      [retarget(240, 50)],
      {
        runningSince: '2026-01-05T08:00:00.000Z',
        dueAt: '2026-01-05T12:00:00.000Z',
        warnAt: '2026-01-05T10:00:00.000Z',
      },
    ],
    [
      'running after a pause, target up: keeps the 60 used minutes',
      berlin,
      '2026-01-05T08:00:00.000Z',
      240,
      [pause('2026-01-05T09:00:00.000Z'), resume('2026-01-05T10:00:00.000Z'), retarget(120)],
      {
        usedMs: 60 * MIN,
        runningSince: '2026-01-05T10:00:00.000Z',
        dueAt: '2026-01-05T11:00:00.000Z',
        warnAt: '2026-01-05T10:30:00.000Z',
      },
    ],
    [
      'running after a pause, target down to the used time: due at the resume',
      berlin,
      '2026-01-05T08:00:00.000Z',
      240,
      [pause('2026-01-05T09:00:00.000Z'), resume('2026-01-05T10:00:00.000Z'), retarget(60)],
      {
        usedMs: 60 * MIN,
        runningSince: '2026-01-05T10:00:00.000Z',
        dueAt: '2026-01-05T10:00:00.000Z',
        warnAt: '2026-01-05T10:00:00.000Z',
      },
    ],
    [
      'running after a pause, target below the used time: clamped to the resume',
      berlin,
      '2026-01-05T08:00:00.000Z',
      240,
      [pause('2026-01-05T09:00:00.000Z'), resume('2026-01-05T10:00:00.000Z'), retarget(30)],
      {
        usedMs: 60 * MIN,
        runningSince: '2026-01-05T10:00:00.000Z',
        dueAt: '2026-01-05T10:00:00.000Z',
        warnAt: '2026-01-05T10:00:00.000Z',
      },
    ],
    [
      'paused, target up: still no due time',
      berlin,
      '2026-01-05T08:00:00.000Z',
      240,
      [pause('2026-01-05T09:00:00.000Z'), retarget(120)],
      { state: 'paused', usedMs: 60 * MIN, pausedAt: '2026-01-05T09:00:00.000Z' },
    ],
    [
      'paused, target up, then resumed',
      berlin,
      '2026-01-05T08:00:00.000Z',
      240,
      [pause('2026-01-05T09:00:00.000Z'), retarget(120), resume('2026-01-06T08:00:00.000Z')],
      {
        usedMs: 60 * MIN,
        runningSince: '2026-01-06T08:00:00.000Z',
        dueAt: '2026-01-06T09:00:00.000Z',
        warnAt: '2026-01-06T08:30:00.000Z',
      },
    ],
    [
      'paused, target below the used time: stays paused',
      berlin,
      '2026-01-05T08:00:00.000Z',
      240,
      [pause('2026-01-05T09:00:00.000Z'), retarget(30)],
      { state: 'paused', usedMs: 60 * MIN, pausedAt: '2026-01-05T09:00:00.000Z' },
    ],
    [
      'a new calendar: 9-17 to 24/7 from Friday 15:00Z',
      berlin,
      '2026-01-09T15:00:00.000Z',
      120,
      [retarget(120, 75, always)],
      {
        runningSince: '2026-01-09T15:00:00.000Z',
        dueAt: '2026-01-09T17:00:00.000Z',
        warnAt: '2026-01-09T16:30:00.000Z',
      },
    ],
    [
      'a new calendar keeps the used time: 24/7 to 9-17 after a pause',
      always,
      '2026-01-09T15:00:00.000Z',
      120,
      [pause('2026-01-09T15:30:00.000Z'), resume('2026-01-09T15:40:00.000Z'), retarget(120, 75, berlin)],
      {
        usedMs: 30 * MIN,
        runningSince: '2026-01-09T15:40:00.000Z',
        dueAt: '2026-01-12T09:10:00.000Z',
        warnAt: '2026-01-12T08:40:00.000Z',
      },
    ],
    [
      'breached: keeps the missed due time',
      berlin,
      '2026-01-05T08:00:00.000Z',
      60,
      [settleAt('2026-01-05T10:00:00.000Z'), retarget(480)],
      {
        state: 'breached',
        runningSince: '2026-01-05T08:00:00.000Z',
        dueAt: '2026-01-05T09:00:00.000Z',
        warnAt: '2026-01-05T14:00:00.000Z',
        breachedAt: '2026-01-05T09:00:00.000Z',
      },
    ],
    [
      // retargetClock takes no `now`: callers settle first (clocks.ts `transition` does).
      'an unsettled overdue clock is rescheduled, not breached',
      berlin,
      '2026-01-05T08:00:00.000Z',
      60,
      [retarget(480)],
      {
        runningSince: '2026-01-05T08:00:00.000Z',
        dueAt: '2026-01-05T16:00:00.000Z',
        warnAt: '2026-01-05T14:00:00.000Z',
      },
    ],
  ]);
  it.each(cases)('%s', (_name, c, start, target, steps, want) => {
    expect(view(play(c, begin(c, start, target), steps))).toEqual(want);
  });

  it('stores the new target and warning minutes', () => {
    const k = retargetClock(berlin, begin(berlin, '2026-01-05T08:00:00.000Z', 240), 7, 75);
    expect([k.targetMinutes, k.warnMinutes, iso(k.dueAt), iso(k.warnAt)]).toEqual([
      7,
      5,
      '2026-01-05T08:07:00.000Z',
      '2026-01-05T08:05:00.000Z',
    ]);
  });

  it('is a no-op on a met clock, on time or late', () => {
    const k = begin(berlin, '2026-01-05T08:00:00.000Z', 60);
    const met = meetClock(berlin, k, T('2026-01-05T08:30:00.000Z'));
    const late = meetClock(berlin, k, T('2026-01-05T10:00:00.000Z'));
    expect(retargetClock(berlin, met, 480, 75)).toBe(met);
    expect(retargetClock(always, late, 480, 75)).toBe(late);
  });

  it('a target below the used time makes remaining minutes negative, also while paused', () => {
    const k = play(berlin, begin(berlin, '2026-01-05T08:00:00.000Z', 240), [
      pause('2026-01-05T09:00:00.000Z'),
      retarget(30),
    ]);
    expect(remainingMinutes(berlin, k, T('2026-01-06T12:00:00.000Z'))).toBe(-30);
    expect(stateAt(k, T('2026-01-06T12:00:00.000Z'))).toBe('paused');
  });
});

describe('remainingMinutes and usedMinutes', () => {
  const running = begin(berlin, '2026-01-05T08:00:00.000Z', 60); // due 09:00Z
  const cases: [string, string, number, number][] = [
    ['before the start', '2026-01-05T07:00:00.000Z', 60, 0],
    ['at the start', '2026-01-05T08:00:00.000Z', 60, 0],
    ['30 s in: 59.5 truncates to 59', '2026-01-05T08:00:30.000Z', 59, 0],
    ['at the warning', '2026-01-05T08:45:00.000Z', 15, 45],
    ['30 s before due', '2026-01-05T08:59:30.000Z', 0, 59],
    ['at due', '2026-01-05T09:00:00.000Z', 0, 60],
    ['30 s overdue: -0.5 truncates to 0', '2026-01-05T09:00:30.000Z', 0, 60],
    ['a minute overdue', '2026-01-05T09:01:00.000Z', -1, 61],
    ['90 min overdue', '2026-01-05T10:30:00.000Z', -90, 150],
    ['in the evening: only open hours count', '2026-01-05T20:00:00.000Z', -420, 480],
    ['the next morning', '2026-01-06T08:30:00.000Z', -450, 510],
  ];
  it.each(cases)('running, %s', (_name, now, remaining, used) => {
    // toBe uses Object.is, so a -0 would fail the "0" rows.
    expect(remainingMinutes(berlin, running, T(now))).toBe(remaining);
    expect(usedMinutes(berlin, running, T(now))).toBe(used);
  });

  const weekend = begin(berlin, '2026-01-09T15:00:00.000Z', 120); // due Mon 09:00Z
  const weekendCases: [string, number, number][] = [
    ['2026-01-10T12:00:00.000Z', 60, 60],
    ['2026-01-12T08:30:00.000Z', 30, 90],
  ];
  it.each(weekendCases)('running over a weekend, at %s', (now, remaining, used) => {
    expect(remainingMinutes(berlin, weekend, T(now))).toBe(remaining);
    expect(usedMinutes(berlin, weekend, T(now))).toBe(used);
  });

  it('paused: frozen at the pause, half minutes truncated', () => {
    const paused = pauseClock(berlin, running, T('2026-01-05T08:10:30.000Z'));
    for (const now of ['2026-01-05T08:10:30.000Z', '2026-01-05T12:00:00.000Z', '2026-01-12T12:00:00.000Z']) {
      expect(remainingMinutes(berlin, paused, T(now))).toBe(49);
      expect(usedMinutes(berlin, paused, T(now))).toBe(10);
    }
  });

  it('paused after a breach: negative and frozen', () => {
    const paused = pauseClock(berlin, running, T('2026-01-05T10:00:00.000Z'));
    expect(remainingMinutes(berlin, paused, T('2026-01-06T12:00:00.000Z'))).toBe(-60);
    expect(usedMinutes(berlin, paused, T('2026-01-06T12:00:00.000Z'))).toBe(120);
  });

  it('met: no remaining minutes; used minutes frozen at the meeting', () => {
    const met = meetClock(berlin, running, T('2026-01-05T08:30:00.000Z'));
    const late = meetClock(berlin, running, T('2026-01-05T10:00:00.000Z'));
    expect(remainingMinutes(berlin, met, T('2026-01-06T12:00:00.000Z'))).toBeNull();
    expect(remainingMinutes(berlin, late, T('2026-01-06T12:00:00.000Z'))).toBeNull();
    expect(usedMinutes(berlin, met, T('2026-01-06T12:00:00.000Z'))).toBe(30);
    expect(usedMinutes(berlin, late, T('2026-01-06T12:00:00.000Z'))).toBe(120);
  });

  it('resumed after pausing at hh:mm:30', () => {
    const k = play(berlin, running, [pause('2026-01-05T08:10:30.000Z'), resume('2026-01-05T10:00:00.000Z')]);
    expect(remainingMinutes(berlin, k, T('2026-01-05T10:00:00.000Z'))).toBe(49);
    expect(remainingMinutes(berlin, k, T('2026-01-05T10:49:30.000Z'))).toBe(0);
    expect(remainingMinutes(berlin, k, T('2026-01-05T10:50:30.000Z'))).toBe(-1);
    expect(usedMinutes(berlin, k, T('2026-01-05T10:19:30.000Z'))).toBe(30);
  });
});
