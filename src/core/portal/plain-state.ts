// The state of a case in plain words, for the customer (portal, web form answers).
//
// Contract: from the case's status, its next running promise clock (kind, due time, paused or
// not) and whose turn it is (who wrote the last public message), `plainState` says what is
// happening and, when we have promised one, by when the customer hears from us next, as the
// customer would put it: "We are working on it — next update by Tue 14:00". Times are shown in
// the customer's time zone; without one (or with one this runtime does not know), in the agreement
// calendar's, named (as the acknowledgement mail writes them), else in the company's, named; else
// in UTC, said as such (customerZone's chain). A due time in the past is admitted as late, never
// shown as a promise. `nextClock` picks the clock to speak of from a case's clocks. Pure: no I/O,
// the clock `now` is given.
import { isTimeZone } from '../../shared/schemas/common.js';
import { customerZone } from '../customer-zone.js';
import type { PlainStateCode } from '../../shared/schemas/portal.js';

export type { PlainStateCode };

export type CaseStatusWord = 'new' | 'open' | 'pending' | 'on_hold' | 'solved' | 'closed';
export type ClockKindWord = 'first_response' | 'next_response' | 'periodic_update' | 'resolution';

/** Who the case waits for: us (the team), you (the customer), others (a third party), or nobody. */
export type WaitingFor = 'us' | 'you' | 'others' | null;

export interface NextClock {
  kind: ClockKindWord;
  /** When it falls due; null while paused. */
  dueAt: Date | null;
  paused: boolean;
}

export interface PlainStateInput {
  status: CaseStatusWord;
  clock: NextClock | null;
  /** Whose turn it is: `customer` when our public message is the last one, else `us`. */
  turn: 'us' | 'customer';
  now: Date;
  /** The customer's IANA time zone (else the calendar's, else the company's, else UTC). */
  timeZone?: string | null;
  /**
   * The zone of the calendar of the case's agreement: when the customer has no zone of their own,
   * times are in it and named ("Mon 10:00 (Europe/Berlin)"), as the acknowledgement mail writes them.
   */
  calendarTimeZone?: string | null;
  /** The company's zone (Settings): for a customer with neither their own nor a calendar's. */
  companyTimeZone?: string | null;
}

/** The zones a request's times may be in, the first one set (and known) winning. */
type Zones = Pick<PlainStateInput, 'timeZone' | 'calendarTimeZone' | 'companyTimeZone'>;

export interface PlainState {
  code: PlainStateCode;
  /** One sentence for the customer. */
  text: string;
  waitingFor: WaitingFor;
  /** When the customer hears from us next, if we promised it and it is not past. */
  nextUpdateBy: Date | null;
  /** A promised update or answer is past its time. */
  late: boolean;
}

const DAY = 24 * 3600_000;

/**
 * The zone a request's times are in: customerZone's chain (the customer's, else the calendar's,
 * else the company's, else UTC; a zone this runtime does not know is passed over).
 */
export function plainStateZone(zones: Zones): string {
  return customerZone({
    own: zones.timeZone,
    calendar: zones.calendarTimeZone,
    company: zones.companyTimeZone,
  });
}

/** "Mon 10:00" in the customer's own zone; in the calendar's or the company's, named, when it is not theirs; else UTC. */
function whenIn(at: Date, now: Date, zones: Zones) {
  const zone = plainStateZone(zones);
  return zone === zones.timeZone || zone === 'UTC'
    ? formatWhen(at, now, zone)
    : `${formatWhen(at, now, zone)} (${zone})`;
}

/** The zone when this runtime knows it, else UTC. */
/** The zone a time is written in: the one given when the runtime knows it, else UTC. */
export const validZone = (tz: string | null | undefined): string => (tz && isTimeZone(tz) ? tz : 'UTC');

/**
 * "Tue 14:00" within the coming week, else "Tue 3 Mar 14:00"; " UTC" when no zone is known. In
 * another `locale` (a mail in the customer's language) the locale's own order and names:
 * "Mo., 7. Dez., 10:30".
 */
export function formatWhen(at: Date, now: Date, timeZone?: string | null, locale = 'en-GB'): string {
  const tz = validZone(timeZone);
  const soon = at.getTime() - now.getTime() < 6 * DAY;
  const format = new Intl.DateTimeFormat(locale, {
    timeZone: tz,
    weekday: 'short',
    day: soon ? undefined : 'numeric',
    month: soon ? undefined : 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const utc = tz === 'UTC' ? ' UTC' : '';
  if (locale !== 'en-GB') return `${format.format(at)}${utc}`;
  const parts = format.formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const date = soon ? get('weekday') : `${get('weekday')} ${get('day')} ${get('month')}`;
  return `${date} ${get('hour')}:${get('minute')}${utc}`;
}

const RESPONSE_KINDS: readonly ClockKindWord[] = ['first_response', 'next_response', 'periodic_update'];

/**
 * The clock to speak of: the earliest-due unmet response clock (first response, next response,
 * periodic update) that runs; else a running resolution clock; else a paused one.
 */
export function nextClock(
  clocks: readonly {
    kind: ClockKindWord;
    state: 'active' | 'paused' | 'met' | 'breached';
    dueAt: Date | null;
    metAt: Date | null;
  }[],
): NextClock | null {
  const unmet = clocks.filter((c) => c.metAt === null && c.state !== 'met');
  const running = unmet.filter((c) => (c.state === 'active' || c.state === 'breached') && c.dueAt !== null);
  const earliest = (list: typeof running) =>
    list.reduce<(typeof running)[number] | undefined>(
      (a, c) => (!a || c.dueAt!.getTime() < a.dueAt!.getTime() ? c : a),
      undefined,
    );
  const pick =
    earliest(running.filter((c) => RESPONSE_KINDS.includes(c.kind))) ??
    earliest(running.filter((c) => c.kind === 'resolution'));
  if (pick) return { kind: pick.kind, dueAt: pick.dueAt, paused: false };
  const paused = unmet.find((c) => c.state === 'paused');
  return paused ? { kind: paused.kind, dueAt: null, paused: true } : null;
}

/** What we promise next, in words, for a running clock: "next update by …", or that it is late. */
function promise(clock: NextClock | null, now: Date, zones: Zones) {
  if (!clock || clock.paused || !clock.dueAt) return { words: '', nextUpdateBy: null, late: false };
  const late = clock.dueAt.getTime() < now.getTime();
  const when = whenIn(clock.dueAt, now, zones);
  if (clock.kind === 'resolution') {
    return late
      ? { words: ' — it is taking longer than we aimed for, sorry', nextUpdateBy: null, late }
      : { words: ` — we aim to solve it by ${when}`, nextUpdateBy: null, late };
  }
  if (late)
    return { words: ' — our answer is late, sorry; you will hear from us soon', nextUpdateBy: null, late };
  const what = clock.kind === 'first_response' ? 'first answer' : 'next update';
  return { words: ` — ${what} by ${when}`, nextUpdateBy: clock.dueAt, late };
}

export function plainState(input: PlainStateInput): PlainState {
  const { status, clock, turn, now } = input;
  const state = (
    code: PlainStateCode,
    text: string,
    waitingFor: WaitingFor,
    extra?: ReturnType<typeof promise>,
  ) => ({
    code,
    text,
    waitingFor,
    nextUpdateBy: extra?.nextUpdateBy ?? null,
    late: extra?.late ?? false,
  });
  switch (status) {
    case 'closed':
      return state('closed', 'Closed', null);
    case 'solved':
      return state('solved', 'Solved — tell us if anything is still wrong', null);
    case 'pending':
      return state('waiting_for_you', 'We are waiting for your reply', 'you');
    case 'on_hold': {
      // Clocks usually stand still on hold; a periodic update may still be promised.
      const p = promise(clock && clock.kind !== 'resolution' ? clock : null, now, input);
      return state('on_hold', `On hold — we are waiting on someone else${p.words}`, 'others', p);
    }
    case 'new':
    case 'open': {
      const p = promise(clock, now, input);
      if (status === 'new' && turn === 'us')
        return state('received', `We have your request${p.words}`, 'us', p);
      if (turn === 'customer' && (!clock || clock.kind === 'resolution' || clock.paused))
        return state('answered', 'We have answered — reply here if you need anything else', 'you');
      return state('working', `We are working on it${p.words}`, 'us', p);
    }
  }
}
