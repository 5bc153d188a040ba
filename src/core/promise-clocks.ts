// Promise clocks: the pure state machine behind every PSA target on a case.
//
// A clock runs in stretches. `usedMs` holds the business time (ms) of finished stretches;
// `runningSince` is the start of the current one (null while paused or finished). While
// running, dueAt = runningSince + (target - used) business time, and warnAt likewise for the
// warning threshold. Pausing banks the stretch into `usedMs`; resuming starts a new one,
// so a changed target or calendar can always be recomputed from (runningSince, used, target).
// A clock past dueAt is breached (final, even if met later: metAt then records how late).
// No I/O here: callers load and store clocks.
import { addBusinessMs, businessMsBetween, type BusinessCalendar } from './business-time.js';

const MINUTE = 60_000;

export type ClockKind = 'first_response' | 'next_response' | 'periodic_update' | 'resolution';
export type ClockState = 'active' | 'paused' | 'met' | 'breached';
export type Priority = 'low' | 'normal' | 'high' | 'urgent';

export interface Target {
  kind: ClockKind;
  priority?: Priority;
  minutes: number;
}

export interface Clock {
  kind: ClockKind;
  cycle: number;
  targetMinutes: number;
  warnMinutes: number;
  state: ClockState;
  startedAt: Date;
  usedMs: number;
  runningSince: Date | null;
  dueAt: Date | null;
  warnAt: Date | null;
  pausedAt: Date | null;
  metAt: Date | null;
  breachedAt: Date | null;
  warnedAt: Date | null;
}

/** Kinds that stand still while the case waits on the customer or a third party. */
export const PAUSABLE_KINDS: readonly ClockKind[] = ['resolution', 'periodic_update'];

/** The target minutes for a kind and priority: a priority-specific target beats a general one. */
export function targetFor(
  targets: readonly Target[],
  kind: ClockKind,
  priority: Priority,
): number | undefined {
  return (
    targets.find((t) => t.kind === kind && t.priority === priority)?.minutes ??
    targets.find((t) => t.kind === kind && t.priority === undefined)?.minutes
  );
}

export const warnMinutesFor = (target: number, warnPercent: number) =>
  Math.floor((target * warnPercent) / 100);

/** Has the clock finished counting (met), or does it still run or wait? */
export const isOpen = (c: Clock) =>
  c.metAt === null && (c.state === 'active' || c.state === 'paused' || c.state === 'breached');

function schedule(cal: BusinessCalendar, c: Clock): Clock {
  if (c.runningSince === null) return { ...c, dueAt: c.state === 'breached' ? c.dueAt : null, warnAt: null };
  const dueAt = addBusinessMs(cal, c.runningSince, Math.max(0, c.targetMinutes * MINUTE - c.usedMs));
  const warnAt =
    c.usedMs < c.warnMinutes * MINUTE
      ? addBusinessMs(cal, c.runningSince, c.warnMinutes * MINUTE - c.usedMs)
      : c.runningSince;
  // A warning already given stands only while the warning point has not moved past it.
  const warnedAt = c.warnedAt !== null && warnAt <= c.warnedAt ? c.warnedAt : null;
  // A breach is final: its due time stays the one that was missed.
  return { ...c, dueAt: c.state === 'breached' ? c.dueAt : dueAt, warnAt, warnedAt };
}

export function startClock(
  cal: BusinessCalendar,
  opts: {
    kind: ClockKind;
    cycle: number;
    targetMinutes: number;
    warnPercent: number;
    at: Date;
    paused?: boolean;
  },
): Clock {
  const base: Clock = {
    kind: opts.kind,
    cycle: opts.cycle,
    targetMinutes: opts.targetMinutes,
    warnMinutes: warnMinutesFor(opts.targetMinutes, opts.warnPercent),
    state: opts.paused ? 'paused' : 'active',
    startedAt: opts.at,
    usedMs: 0,
    runningSince: opts.paused ? null : opts.at,
    dueAt: null,
    warnAt: null,
    pausedAt: opts.paused ? opts.at : null,
    metAt: null,
    breachedAt: null,
    warnedAt: null,
  };
  return schedule(cal, base);
}

/** Banks the running stretch: used minutes grow, nothing runs. */
function bank(cal: BusinessCalendar, c: Clock, at: Date): Clock {
  if (c.runningSince === null) return c;
  const stretch = at > c.runningSince ? businessMsBetween(cal, c.runningSince, at) : 0;
  return { ...c, usedMs: c.usedMs + stretch, runningSince: null };
}

/** Settles a breach that happened before `at` but was not recorded yet. */
export function settle(c: Clock, at: Date): Clock {
  if (c.state === 'active' && c.metAt === null && c.dueAt !== null && c.dueAt < at) {
    return { ...c, state: 'breached', breachedAt: c.dueAt };
  }
  return c;
}

export function pauseClock(cal: BusinessCalendar, clock: Clock, at: Date): Clock {
  const c = settle(clock, at);
  if (c.runningSince === null || c.metAt !== null) return c;
  const banked = bank(cal, c, at);
  return {
    ...banked,
    state: c.state === 'breached' ? 'breached' : 'paused',
    pausedAt: at,
    dueAt: c.state === 'breached' ? c.dueAt : null,
    warnAt: null,
  };
}

export function resumeClock(cal: BusinessCalendar, clock: Clock, at: Date): Clock {
  if (clock.runningSince !== null || clock.metAt !== null) return clock;
  return schedule(cal, {
    ...clock,
    state: clock.state === 'breached' ? 'breached' : 'active',
    runningSince: at,
    pausedAt: null,
  });
}

/** The promise is kept at `at` (or, if already breached, fulfilled late). */
export function meetClock(cal: BusinessCalendar, clock: Clock, at: Date): Clock {
  const c = settle(clock, at);
  if (c.metAt !== null) return c;
  const banked = bank(cal, c, at);
  return {
    ...banked,
    state: c.state === 'breached' ? 'breached' : 'met',
    metAt: at,
    pausedAt: null,
    warnAt: null,
  };
}

/** A new target (priority or agreement changed) or calendar: recompute from what was used. */
export function retargetClock(
  cal: BusinessCalendar,
  clock: Clock,
  targetMinutes: number,
  warnPercent: number,
): Clock {
  if (clock.metAt !== null) return clock;
  return schedule(cal, { ...clock, targetMinutes, warnMinutes: warnMinutesFor(targetMinutes, warnPercent) });
}

/** Whole business minutes left at `now` (negative when overdue); null once met. */
export function remainingMinutes(cal: BusinessCalendar, clock: Clock, now: Date): number | null {
  if (clock.metAt !== null) return null;
  const running =
    clock.runningSince !== null && now > clock.runningSince
      ? businessMsBetween(cal, clock.runningSince, now)
      : 0;
  return Math.trunc((clock.targetMinutes * MINUTE - clock.usedMs - running) / MINUTE) || 0;
}

/** Whole business minutes used so far (finished stretches and the running one). */
export function usedMinutes(cal: BusinessCalendar, clock: Clock, now: Date): number {
  const running =
    clock.runningSince !== null && clock.metAt === null && now > clock.runningSince
      ? businessMsBetween(cal, clock.runningSince, now)
      : 0;
  return Math.floor((clock.usedMs + running) / MINUTE);
}

/** The state as of `now`, counting a passed due time as breached even before the scheduler ran. */
export function stateAt(clock: Clock, now: Date): ClockState {
  return settle(clock, now).state;
}
