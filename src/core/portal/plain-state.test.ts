import { describe, expect, it } from 'vitest';
import {
  formatWhen,
  nextClock,
  plainState,
  plainStateZone,
  type NextClock,
  type PlainStateInput,
} from './plain-state.js';

// Monday 2026-03-02 10:00 UTC.
const now = new Date('2026-03-02T10:00:00Z');
const at = (iso: string) => new Date(iso);
const running = (kind: NextClock['kind'], due: string): NextClock => ({
  kind,
  dueAt: at(due),
  paused: false,
});
const paused = (kind: NextClock['kind']): NextClock => ({ kind, dueAt: null, paused: true });
/** What a new request with a first answer due at 13:00 UTC says, in these zones. */
const firstAnswerText = (
  zones: Pick<Parameters<typeof plainState>[0], 'timeZone' | 'calendarTimeZone' | 'companyTimeZone'>,
) =>
  plainState({
    status: 'new',
    clock: running('first_response', '2026-03-02T13:00:00Z'),
    turn: 'us',
    now,
    ...zones,
  }).text;

describe('plainState', () => {
  const cases: [
    string,
    Omit<PlainStateInput, 'now'>,
    { code: string; text: string; waitingFor: string | null; nextUpdateBy?: string | null; late?: boolean },
  ][] = [
    [
      'new, first answer promised',
      { status: 'new', clock: running('first_response', '2026-03-03T14:00:00Z'), turn: 'us' },
      {
        code: 'received',
        text: 'We have your request — first answer by Tue 14:00 UTC',
        waitingFor: 'us',
        nextUpdateBy: '2026-03-03T14:00:00.000Z',
      },
    ],
    [
      'new, no agreement',
      { status: 'new', clock: null, turn: 'us' },
      { code: 'received', text: 'We have your request', waitingFor: 'us' },
    ],
    [
      'new, first answer late',
      { status: 'new', clock: running('first_response', '2026-03-02T09:59:00Z'), turn: 'us' },
      {
        code: 'received',
        text: 'We have your request — our answer is late, sorry; you will hear from us soon',
        waitingFor: 'us',
        nextUpdateBy: null,
        late: true,
      },
    ],
    [
      'open, customer wrote last, next response due',
      { status: 'open', clock: running('next_response', '2026-03-02T14:00:00Z'), turn: 'us' },
      {
        code: 'working',
        text: 'We are working on it — next update by Mon 14:00 UTC',
        waitingFor: 'us',
        nextUpdateBy: '2026-03-02T14:00:00.000Z',
      },
    ],
    [
      'open, periodic update while we work',
      { status: 'open', clock: running('periodic_update', '2026-03-03T14:00:00Z'), turn: 'customer' },
      {
        code: 'working',
        text: 'We are working on it — next update by Tue 14:00 UTC',
        waitingFor: 'us',
        nextUpdateBy: '2026-03-03T14:00:00.000Z',
      },
    ],
    [
      'open, only the resolution clock runs, our turn',
      { status: 'open', clock: running('resolution', '2026-03-04T17:00:00Z'), turn: 'us' },
      {
        code: 'working',
        text: 'We are working on it — we aim to solve it by Wed 17:00 UTC',
        waitingFor: 'us',
        nextUpdateBy: null,
      },
    ],
    [
      'open, resolution late',
      { status: 'open', clock: running('resolution', '2026-03-01T17:00:00Z'), turn: 'us' },
      {
        code: 'working',
        text: 'We are working on it — it is taking longer than we aimed for, sorry',
        waitingFor: 'us',
        late: true,
      },
    ],
    [
      'open, we answered last, nothing promised',
      { status: 'open', clock: null, turn: 'customer' },
      {
        code: 'answered',
        text: 'We have answered — reply here if you need anything else',
        waitingFor: 'you',
      },
    ],
    [
      'open, we answered last, resolution clock runs',
      { status: 'open', clock: running('resolution', '2026-03-04T17:00:00Z'), turn: 'customer' },
      {
        code: 'answered',
        text: 'We have answered — reply here if you need anything else',
        waitingFor: 'you',
      },
    ],
    [
      'open, no clocks, our turn',
      { status: 'open', clock: null, turn: 'us' },
      { code: 'working', text: 'We are working on it', waitingFor: 'us' },
    ],
    [
      'pending',
      { status: 'pending', clock: paused('resolution'), turn: 'customer' },
      { code: 'waiting_for_you', text: 'We are waiting for your reply', waitingFor: 'you' },
    ],
    [
      'on hold, clocks paused',
      { status: 'on_hold', clock: paused('resolution'), turn: 'us' },
      { code: 'on_hold', text: 'On hold — we are waiting on someone else', waitingFor: 'others' },
    ],
    [
      'on hold, with a periodic update promised',
      { status: 'on_hold', clock: running('periodic_update', '2026-03-05T09:30:00Z'), turn: 'us' },
      {
        code: 'on_hold',
        text: 'On hold — we are waiting on someone else — next update by Thu 09:30 UTC',
        waitingFor: 'others',
        nextUpdateBy: '2026-03-05T09:30:00.000Z',
      },
    ],
    [
      'solved',
      { status: 'solved', clock: null, turn: 'customer' },
      { code: 'solved', text: 'Solved — tell us if anything is still wrong', waitingFor: null },
    ],
    [
      'closed, even with a stale clock',
      { status: 'closed', clock: running('resolution', '2026-03-01T00:00:00Z'), turn: 'us' },
      { code: 'closed', text: 'Closed', waitingFor: null, late: false },
    ],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    const s = plainState({ ...input, now });
    expect({
      code: s.code,
      text: s.text,
      waitingFor: s.waitingFor,
      ...('nextUpdateBy' in expected ? { nextUpdateBy: s.nextUpdateBy?.toISOString() ?? null } : {}),
      ...('late' in expected ? { late: s.late } : {}),
    }).toEqual(expected);
  });

  it('speaks in the customer’s time zone', () => {
    const s = plainState({
      status: 'open',
      clock: running('next_response', '2026-03-02T13:00:00Z'),
      turn: 'us',
      now,
      timeZone: 'Europe/Copenhagen',
    });
    expect(s.text).toBe('We are working on it — next update by Mon 14:00');
  });

  it.each([
    ['no zone of their own: the calendar’s, named', null, 'Europe/Berlin', 'Mon 14:00 (Europe/Berlin)'],
    ['their own zone wins over the calendar’s', 'America/New_York', 'Europe/Berlin', 'Mon 08:00'],
    ['a UTC calendar: UTC, said as such', null, 'UTC', 'Mon 13:00 UTC'],
    ['no zone at all: UTC', null, null, 'Mon 13:00 UTC'],
    ['a calendar zone this runtime does not know: UTC', null, 'Mars/Olympus', 'Mon 13:00 UTC'],
  ])('%s', (_name, timeZone, calendarTimeZone, when) => {
    expect(firstAnswerText({ timeZone, calendarTimeZone })).toBe(
      `We have your request — first answer by ${when}`,
    );
  });

  it.each([
    [
      'neither their own nor a calendar: the company’s, named',
      null,
      null,
      'Mon 22:00 (Asia/Tokyo)',
      'Asia/Tokyo',
    ],
    [
      'the calendar’s before the company’s',
      null,
      'Europe/Berlin',
      'Mon 14:00 (Europe/Berlin)',
      'Europe/Berlin',
    ],
    ['their own before both', 'America/New_York', 'Europe/Berlin', 'Mon 08:00', 'America/New_York'],
    [
      'a calendar zone this runtime does not know: the company’s',
      null,
      'Mars/Olympus',
      'Mon 22:00 (Asia/Tokyo)',
      'Asia/Tokyo',
    ],
    [
      'an own zone this runtime does not know: the calendar’s, named',
      'Mars/Olympus',
      'Europe/Berlin',
      'Mon 14:00 (Europe/Berlin)',
      'Europe/Berlin',
    ],
    [
      'own and calendar zones this runtime does not know: the company’s, named',
      'Mars/Olympus',
      'Mars/Olympus',
      'Mon 22:00 (Asia/Tokyo)',
      'Asia/Tokyo',
    ],
  ])('with a company zone (Tokyo): %s', (_name, timeZone, calendarTimeZone, when, zone) => {
    const zones = { timeZone, calendarTimeZone, companyTimeZone: 'Asia/Tokyo' };
    expect(firstAnswerText(zones)).toBe(`We have your request — first answer by ${when}`);
    expect(plainStateZone(zones)).toBe(zone);
  });

  it.each([
    ['an own zone this runtime does not know, no calendar nor company: UTC', 'Mars/Olympus', 'Mon 13:00 UTC'],
    ['their own zone UTC: said as such, not named twice', 'UTC', 'Mon 13:00 UTC'],
  ])('%s', (_name, timeZone, when) => {
    const zones = { timeZone, calendarTimeZone: null, companyTimeZone: null };
    expect(firstAnswerText(zones)).toBe(`We have your request — first answer by ${when}`);
    expect(plainStateZone(zones)).toBe('UTC');
  });
});

describe('formatWhen', () => {
  it.each([
    ['today', '2026-03-02T18:05:00Z', 'UTC', 'Mon 18:05 UTC'],
    ['within the week', '2026-03-07T23:59:00Z', null, 'Sat 23:59 UTC'],
    ['a week or more ahead: with the date', '2026-03-09T08:00:00Z', 'UTC', 'Mon 9 Mar 08:00 UTC'],
    ['across midnight in the zone', '2026-03-02T23:30:00Z', 'Europe/Berlin', 'Tue 00:30'],
    ['across a DST change', '2026-03-30T12:00:00Z', 'Europe/Berlin', 'Mon 30 Mar 14:00'],
    ['an unknown zone falls back to UTC', '2026-03-02T12:00:00Z', 'Mars/Olympus', 'Mon 12:00 UTC'],
  ])('%s', (_name, iso, tz, expected) => {
    expect(formatWhen(at(iso), now, tz)).toBe(expected);
  });
});

describe('nextClock', () => {
  const clock = (
    kind: NextClock['kind'],
    state: 'active' | 'paused' | 'met' | 'breached',
    due: string | null,
    met: string | null = null,
  ) => ({ kind, state, dueAt: due ? at(due) : null, metAt: met ? at(met) : null });

  it.each([
    ['none', [], null],
    [
      'met clocks are done',
      [clock('first_response', 'met', '2026-03-02T12:00:00Z', '2026-03-02T11:00:00Z')],
      null,
    ],
    [
      'the earliest response clock',
      [
        clock('periodic_update', 'active', '2026-03-03T10:00:00Z'),
        clock('next_response', 'active', '2026-03-02T12:00:00Z'),
      ],
      { kind: 'next_response', dueAt: '2026-03-02T12:00:00.000Z', paused: false },
    ],
    [
      'a response clock before an earlier resolution clock',
      [
        clock('resolution', 'active', '2026-03-02T11:00:00Z'),
        clock('first_response', 'active', '2026-03-02T12:00:00Z'),
      ],
      { kind: 'first_response', dueAt: '2026-03-02T12:00:00.000Z', paused: false },
    ],
    [
      'a breached, unmet response clock still counts (late)',
      [clock('first_response', 'breached', '2026-03-02T09:00:00Z')],
      { kind: 'first_response', dueAt: '2026-03-02T09:00:00.000Z', paused: false },
    ],
    [
      'resolution when no response clock runs',
      [
        clock('first_response', 'met', '2026-03-02T09:00:00Z', '2026-03-02T08:00:00Z'),
        clock('resolution', 'active', '2026-03-04T09:00:00Z'),
      ],
      { kind: 'resolution', dueAt: '2026-03-04T09:00:00.000Z', paused: false },
    ],
    [
      'paused when nothing runs',
      [clock('resolution', 'paused', null)],
      { kind: 'resolution', dueAt: null, paused: true },
    ],
  ] as const)('%s', (_name, clocks, expected) => {
    const found = nextClock(clocks as never);
    expect(found ? { ...found, dueAt: found.dueAt?.toISOString() ?? null } : null).toEqual(expected);
  });
});
