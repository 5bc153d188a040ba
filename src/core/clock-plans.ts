// What happens to a case's promise clocks at each event: pure plans over the clock state
// machine (promise-clocks.ts). The server runs them against stored clocks (cases/clocks.ts);
// the case import replays a whole history through them. No I/O here.
import type { BusinessCalendar } from './business-time.js';
import {
  PAUSABLE_KINDS,
  isOpen,
  meetClock,
  pauseClock,
  resumeClock,
  retargetClock,
  settle,
  startClock,
  targetFor,
  type Clock,
  type ClockKind,
  type Priority,
  type Target,
} from './promise-clocks.js';

export interface PlanAgreement {
  id: string;
  targets: readonly Target[];
  pauseOn: readonly string[];
  warnPercent: number;
}

export interface PlanCtx {
  agreement: PlanAgreement;
  cal: BusinessCalendar;
}

/** A clock as stored: `id` once saved; the agreement whose target it follows. */
export type StoredClock = Clock & { id?: string; agreementId: string };

export interface PlanCase {
  status: string;
  priority: string;
  createdAt: Date;
  lastAgentReplyAt: Date | null;
}

export interface Plan {
  clocks: StoredClock[];
  removed?: StoredClock[];
}

const SOLVED = new Set(['solved', 'closed']);

export const latest = (clocks: StoredClock[], kind: ClockKind) =>
  clocks
    .filter((c) => c.kind === kind)
    .reduce<StoredClock | undefined>((a, c) => (!a || c.cycle > a.cycle ? c : a), undefined);

export function start(
  ctx: PlanCtx,
  kind: ClockKind,
  cycle: number,
  priority: string,
  at: Date,
  paused = false,
): StoredClock | undefined {
  const target = targetFor(ctx.agreement.targets, kind, priority as Priority);
  if (target === undefined) return undefined;
  return {
    ...startClock(ctx.cal, {
      kind,
      cycle,
      targetMinutes: target,
      warnPercent: ctx.agreement.warnPercent,
      at,
      paused,
    }),
    agreementId: ctx.agreement.id,
  };
}

export const pausedBy = (ctx: PlanCtx, status: string) => ctx.agreement.pauseOn.includes(status);

export const mapOpen = (clocks: StoredClock[], f: (c: StoredClock) => Clock) =>
  clocks.map((c) => (isOpen(c) ? { ...f(c), id: c.id, agreementId: c.agreementId } : c));

/** A new case: first response and resolution start at its creation. */
export function planCaseCreated(ctx: PlanCtx, c: PlanCase): Plan {
  const clocks = [
    start(ctx, 'first_response', 1, c.priority, c.createdAt),
    start(ctx, 'resolution', 1, c.priority, c.createdAt, pausedBy(ctx, c.status)),
  ].filter((x): x is StoredClock => !!x);
  return {
    clocks: SOLVED.has(c.status)
      ? clocks.map((k) => ({ ...meetClock(ctx.cal, k, c.createdAt), agreementId: k.agreementId }))
      : clocks,
  };
}

/** A public agent reply meets first and next response, and the periodic update (which restarts). */
export function planAgentReply(ctx: PlanCtx, clocks: StoredClock[], c: PlanCase, at: Date): Plan {
  const next = mapOpen(clocks, (k) => (k.kind === 'resolution' ? k : meetClock(ctx.cal, k, at)));
  if (!SOLVED.has(c.status)) {
    const last = latest(clocks, 'periodic_update');
    const periodic = start(
      ctx,
      'periodic_update',
      (last?.cycle ?? 0) + 1,
      c.priority,
      at,
      pausedBy(ctx, c.status),
    );
    if (periodic) next.push(periodic);
  }
  return { clocks: next };
}

/** A customer message after an agent reply starts the next-response clock. */
export function planCustomerMessage(ctx: PlanCtx, clocks: StoredClock[], c: PlanCase, at: Date): Plan {
  const last = latest(clocks, 'next_response');
  if (!c.lastAgentReplyAt || (last && isOpen(last)) || SOLVED.has(c.status)) return { clocks };
  const firstOpen = clocks.some((k) => k.kind === 'first_response' && isOpen(k));
  if (firstOpen) return { clocks };
  const next = start(ctx, 'next_response', (last?.cycle ?? 0) + 1, c.priority, at);
  return { clocks: next ? [...clocks, next] : clocks };
}

/** Status changes pause, resume, meet (solved) or reopen clocks. */
export function planStatusChange(
  ctx: PlanCtx,
  clocks: StoredClock[],
  c: PlanCase,
  from: string,
  at: Date,
): Plan {
  const to = c.status;
  if (SOLVED.has(to)) return { clocks: mapOpen(clocks, (k) => meetClock(ctx.cal, k, at)) };
  if (SOLVED.has(from)) {
    // A reopened case leaves its met resolution as it was (met, or breached and fulfilled late, at
    // the solve: the compliance of that period stays what it was) and starts a resolution clock of
    // its own for the reopened period, with the whole target, from the reopening.
    const resolution = latest(clocks, 'resolution');
    if (!resolution || isOpen(resolution)) return { clocks };
    const next = start(ctx, 'resolution', resolution.cycle + 1, c.priority, at, pausedBy(ctx, to));
    return { clocks: next ? [...clocks, next] : clocks };
  }
  const pause = pausedBy(ctx, to);
  return {
    clocks: mapOpen(clocks, (k) =>
      PAUSABLE_KINDS.includes(k.kind)
        ? pause
          ? pauseClock(ctx.cal, k, at)
          : resumeClock(ctx.cal, k, at)
        : k,
    ),
  };
}

/**
 * The priority or the agreement changed: running clocks take the new target (and calendar),
 * keeping the time already used; kinds without a target any more are cancelled; first
 * response and resolution start (from the case's creation) if they now have a target.
 */
export function planTargetsChanged(
  ctx: PlanCtx,
  clocks: StoredClock[],
  c: PlanCase,
  at: Date,
  firstResponded: boolean,
): Plan {
  const removed: StoredClock[] = [];
  const kept: StoredClock[] = [];
  for (const k of clocks) {
    if (!isOpen(k)) {
      kept.push(k);
      continue;
    }
    const target = targetFor(ctx.agreement.targets, k.kind, c.priority as Priority);
    if (target === undefined) removed.push(k);
    // A broken promise stays the promise that was broken: its target, due time and overdue
    // time are not rewritten by a later priority or target (they would disagree, or make the
    // breach look longer or shorter than it was).
    else if (settle(k, at).state === 'breached')
      kept.push({ ...settle(k, at), id: k.id, agreementId: k.agreementId });
    else
      kept.push({
        ...retargetClock(ctx.cal, k, target, ctx.agreement.warnPercent),
        id: k.id,
        agreementId: ctx.agreement.id,
      });
  }
  if (!clocks.some((k) => k.kind === 'first_response') && !firstResponded) {
    const k = start(ctx, 'first_response', 1, c.priority, c.createdAt);
    if (k) kept.push({ ...settle(k, at), agreementId: k.agreementId });
  }
  if (!clocks.some((k) => k.kind === 'resolution') && !SOLVED.has(c.status)) {
    const k = start(ctx, 'resolution', 1, c.priority, c.createdAt, pausedBy(ctx, c.status));
    if (k) kept.push({ ...settle(k, at), agreementId: k.agreementId });
  }
  return { clocks: kept, removed };
}

/** Every clock settled at `at`: a due time that passed is a breach. */
export function settleAll(clocks: StoredClock[], at: Date): StoredClock[] {
  return clocks.map((clock) => ({ ...settle(clock, at), id: clock.id, agreementId: clock.agreementId }));
}

/**
 * The case was merged into another: its clocks stop. A clock still running or paused is
 * cancelled (a duplicate's unfinished promise is not a missed one: the other case carries the
 * conversation on); a breach already there (settled by the caller at the merge) stays a breach,
 * ended by the merge as any close ends it (fulfilled late, at the merge). Decided clocks stay.
 */
export function planMerged(ctx: PlanCtx, clocks: StoredClock[], at: Date): Plan {
  const removed = clocks.filter((k) => isOpen(k) && k.state !== 'breached');
  const kept = clocks
    .filter((k) => !removed.includes(k))
    .map((k) => (isOpen(k) ? { ...meetClock(ctx.cal, k, at), id: k.id, agreementId: k.agreementId } : k));
  return { clocks: kept, removed };
}
