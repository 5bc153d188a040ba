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

/** What a case's record says happened to it: the times its clocks are recomputed from (planRestored). */
export interface CaseHistory {
  firstRespondedAt: Date | null;
  /** The customer's public messages, oldest first. */
  customerMessagesAt: readonly Date[];
  /** The status changes its timeline holds, oldest first (fewer once the audit trail was trimmed). */
  statusChanges: readonly { at: Date; from: string; to: string }[];
}

/**
 * A deleted case comes back: the clocks that ran or waited when it was deleted (removed then)
 * start again as they would stand had it never been deleted, recomputed from what the case says
 * happened, not from a record of the deletion: the clock runs from the moment it started, paused
 * and resumed by each status change since, settled at `at` (due, or missed, as time says).
 * - first response: from the creation, while nobody has answered;
 * - resolution: from the creation, or after a solve from the reopening (its status change; the
 *   customer's first message after the solve when the timeline no longer holds it; else the solve);
 * - next response: from the customer's first message after the last reply (or after the solve
 *   that met the last next response);
 * - periodic update: from the last public reply, when the case was unsolved then.
 * A kind whose latest clock is still open (a breach, kept at the deletion) or was decided after
 * that moment stays as it is; so does every decided clock. A solve since the moment met the clock.
 */
export function planRestored(
  ctx: PlanCtx,
  clocks: StoredClock[],
  c: PlanCase,
  h: CaseHistory,
  at: Date,
): Plan {
  if (SOLVED.has(c.status)) return { clocks };
  const changes = h.statusChanges;
  // The first change at or after a moment is the one that follows it (a reply's own status
  // change comes after the reply, maybe in the same millisecond).
  const changeFrom = (t: Date) => {
    const i = changes.findIndex((s) => s.at >= t);
    return i < 0 ? changes.length : i;
  };
  const customerAfter = (t: Date) => h.customerMessagesAt.find((m) => m > t);
  const open = (kind: ClockKind) => {
    const last = latest(clocks, kind);
    return { last, open: !!last && isOpen(last), cycle: (last?.cycle ?? 0) + 1 };
  };
  const starts: { kind: ClockKind; cycle: number; at: Date; from: number }[] = [];

  if (!h.firstRespondedAt && !clocks.some((k) => k.kind === 'first_response'))
    starts.push({ kind: 'first_response', cycle: 1, at: c.createdAt, from: changeFrom(c.createdAt) });

  const resolution = open('resolution');
  if (!resolution.open) {
    const solvedAt = resolution.last?.metAt ?? null;
    let reopened = -1;
    for (let i = changes.length - 1; i >= 0 && reopened < 0; i--) {
      const s = changes[i]!;
      if (SOLVED.has(s.from) && !SOLVED.has(s.to) && (!solvedAt || s.at >= solvedAt)) reopened = i;
    }
    if (reopened >= 0)
      starts.push({
        kind: 'resolution',
        cycle: resolution.cycle,
        at: changes[reopened]!.at,
        from: reopened + 1,
      });
    else if (!solvedAt)
      starts.push({ kind: 'resolution', cycle: 1, at: c.createdAt, from: changeFrom(c.createdAt) });
    else {
      const t = customerAfter(solvedAt) ?? solvedAt;
      starts.push({ kind: 'resolution', cycle: resolution.cycle, at: t, from: changeFrom(t) });
    }
  }

  const reply = c.lastAgentReplyAt;
  const nextResponse = open('next_response');
  if (reply && h.firstRespondedAt && !nextResponse.open) {
    const metAt = nextResponse.last?.metAt;
    const wrote = customerAfter(metAt && metAt > reply ? metAt : reply);
    if (wrote)
      starts.push({ kind: 'next_response', cycle: nextResponse.cycle, at: wrote, from: changeFrom(wrote) });
  }

  const periodic = open('periodic_update');
  if (reply && !periodic.open && !(periodic.last && periodic.last.startedAt >= reply)) {
    const from = changeFrom(reply);
    if (!SOLVED.has(changes[from]?.from ?? c.status))
      starts.push({ kind: 'periodic_update', cycle: periodic.cycle, at: reply, from });
  }

  const restarted: StoredClock[] = [];
  for (const s of starts) {
    const since = changes.slice(s.from);
    if (since.some((x) => SOLVED.has(x.to))) continue;
    const status = since[0]?.from ?? c.status;
    let k = start(
      ctx,
      s.kind,
      s.cycle,
      c.priority,
      s.at,
      PAUSABLE_KINDS.includes(s.kind) && pausedBy(ctx, status),
    );
    for (const x of since) {
      if (!k) break;
      k = planStatusChange(ctx, [k], { ...c, status: x.to }, x.from, x.at).clocks[0];
    }
    if (k) restarted.push(k);
  }
  return { clocks: [...clocks, ...settleAll(restarted, at)] };
}
