// Runs the pure promise-clock state machine (src/core/promise-clocks.ts) against the database:
// loads a case's clocks under a row lock, applies a transition, stores what changed, writes a
// timeline entry per state change, and keeps cases.next_due_at. The lock (FOR UPDATE on the
// clock rows) is what keeps a breach from being recorded twice when the scheduler and a
// request look at the same clock: both take it, and the second sees the first's result.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import { newId } from '../../../db/columns.js';
import type { BusinessCalendar } from '../../../core/business-time.js';
import {
  retargetClock,
  targetFor,
  type Clock,
  type ClockKind,
  type Priority,
} from '../../../core/promise-clocks.js';
import {
  planAgentReply,
  planCustomerMessage,
  planMerged,
  planRestored,
  planStatusChange,
  planTargetsChanged,
  settleAll,
  type CaseHistory,
  type Plan,
  type StoredClock,
} from '../../../core/clock-plans.js';
import type { Actor } from '../../lib/actor.js';
import { businessCalendarOf } from '../calendars/calendars.service.js';
import type { calendars } from '../calendars/calendars.table.js';
import { findAgreementsWithCalendars, type AgreementRow } from '../agreements/agreements.repo.js';
import { recordDomainEvents, type DomainEventInput } from '../domain-events/domain-events.repo.js';
import { casePromises, cases } from './cases.table.js';
import { NOTHING_RECOMPUTED, type Recomputed } from '../../lib/recomputed-clocks.js';

export type { StoredClock };

export interface ClockCase {
  id: string;
  status: string;
  priority: string;
  agreementId: string | null;
  createdAt: Date;
  lastAgentReplyAt: Date | null;
}

type CalendarRow = typeof calendars.$inferSelect;

interface Ctx {
  agreement: AgreementRow;
  cal: BusinessCalendar;
}

/** What the clock plans need of an agreement: its targets and its compiled calendar. */
export const planContextOf = (found: { agreement: AgreementRow; calendar: CalendarRow }): Ctx => ({
  agreement: found.agreement,
  cal: businessCalendarOf(found.calendar),
});

/** The plan contexts of these agreements (those that exist), by id: one query. */
export async function loadPlanContexts(tx: Database, agreementIds: string[]): Promise<Map<string, Ctx>> {
  const found = await findAgreementsWithCalendars(tx, [...new Set(agreementIds)]);
  return new Map(found.map((f) => [f.agreement.id, planContextOf(f)]));
}

async function loadCtx(tx: Database, agreementId: string | null): Promise<Ctx | null> {
  if (!agreementId) return null;
  return (await loadPlanContexts(tx, [agreementId])).get(agreementId) ?? null;
}

type ClockRow = typeof casePromises.$inferSelect;
const storedClock = ({ caseId: _c, createdAt: _a, updatedAt: _u, ...r }: ClockRow): StoredClock => ({
  ...r,
  kind: r.kind as ClockKind,
  state: r.state as Clock['state'],
});

/** The clocks of these cases, locked for a change (FOR UPDATE), by case, by kind and cycle. */
export async function lockClocksOf(tx: Database, caseIds: string[]): Promise<Map<string, StoredClock[]>> {
  const byCase = new Map<string, StoredClock[]>(caseIds.map((id) => [id, []]));
  if (caseIds.length === 0) return byCase;
  const found = await tx
    .select()
    .from(casePromises)
    .where(inArray(casePromises.caseId, caseIds))
    .orderBy(casePromises.caseId, casePromises.kind, casePromises.cycle)
    .for('update');
  for (const r of found) byCase.get(r.caseId)?.push(storedClock(r));
  return byCase;
}

function transitionEvents(
  caseId: string,
  before: StoredClock | undefined,
  after: StoredClock,
): DomainEventInput[] {
  const base = { entityType: 'case' as const, entityId: caseId };
  const data = {
    kind: after.kind,
    cycle: after.cycle,
    dueAt: after.dueAt?.toISOString() ?? null,
    targetMinutes: after.targetMinutes,
  };
  const events: DomainEventInput[] = [];
  if (!before) events.push({ ...base, type: 'case.promise_started', data: { ...data, state: after.state } });
  // A clock that starts missed (a restored case's, due while it was deleted; one started from the
  // case's creation when it gets targets) is a breach all the same: the scheduler never sees it,
  // so its entry is written here, once, as for a clock found overdue.
  if (before?.state !== 'breached' && after.state === 'breached') {
    events.push({
      ...base,
      type: 'case.promise_breached',
      data: { ...data, breachedAt: after.breachedAt?.toISOString() },
    });
  }
  if (!before) return events;
  if (before.metAt === null && after.metAt !== null) {
    events.push({
      ...base,
      type: 'case.promise_met',
      data: { ...data, metAt: after.metAt.toISOString(), late: after.state === 'breached' },
    });
  } else if (before.metAt !== null && after.metAt === null) {
    events.push({ ...base, type: 'case.promise_reopened', data });
  } else if (before.state === 'active' && after.state === 'paused') {
    events.push({
      ...base,
      type: 'case.promise_paused',
      data: { ...data, usedMinutes: Math.floor(after.usedMs / 60_000) },
    });
  } else if (before.state === 'paused' && after.state === 'active') {
    events.push({ ...base, type: 'case.promise_resumed', data });
  } else if (before.targetMinutes !== after.targetMinutes || before.agreementId !== after.agreementId) {
    events.push({
      ...base,
      type: 'case.promise_rescheduled',
      data: { ...data, fromMinutes: before.targetMinutes },
    });
  }
  return events;
}

const changed = (a: StoredClock, b: StoredClock) =>
  (Object.keys(b) as (keyof StoredClock)[]).some((k) => {
    const x = a[k];
    const y = b[k];
    return x instanceof Date || y instanceof Date
      ? (x as Date | null)?.getTime() !== (y as Date | null)?.getTime()
      : x !== y;
  });

/**
 * The case-level summary of its clocks: the earliest due time of the promises still to be kept
 * (the urgency order; past = breached) and the earliest warning of the running ones (passed,
 * with nothing due yet = at risk). Queues filter and sort on these two columns.
 */
export function nextTimesOf(clocks: StoredClock[]): { nextDueAt: Date | null; nextWarnAt: Date | null } {
  const min = (xs: number[]) => (xs.length ? new Date(Math.min(...xs)) : null);
  const unmet = clocks.filter((k) => k.metAt === null);
  return {
    nextDueAt: min(
      unmet
        .filter((k) => (k.state === 'active' || k.state === 'breached') && k.dueAt)
        .map((k) => k.dueAt!.getTime()),
    ),
    nextWarnAt: min(unmet.filter((k) => k.state === 'active' && k.warnAt).map((k) => k.warnAt!.getTime())),
  };
}

/** The rows of a new case's clocks, planned in memory (createCase, imports, signal actions). */
export const newClockRows = (caseId: string, clocks: StoredClock[]): (typeof casePromises.$inferInsert)[] =>
  clocks.map(({ id: _id, ...k }) => ({ ...k, caseId }));

/** The timeline entries of a new case's clocks: each started, and met when planned met already. */
export const newClockEvents = (caseId: string, clocks: StoredClock[]): DomainEventInput[] =>
  clocks.flatMap((k) => {
    const started = transitionEvents(caseId, undefined, { ...k, metAt: null, state: 'active' });
    return k.metAt ? [...started, ...transitionEvents(caseId, { ...k, metAt: null }, k)] : started;
  });

/**
 * Clocks of a case that is being created, planned in memory (see createCase): one INSERT for
 * the clocks and one for their timeline entries, instead of a load-transition-save round.
 */
export async function insertNewClocks(tx: Database, actor: Actor, caseId: string, clocks: StoredClock[]) {
  if (clocks.length === 0) return;
  await tx.insert(casePromises).values(newClockRows(caseId, clocks));
  await recordDomainEvents(tx, actor, newClockEvents(caseId, clocks));
}

export async function refreshNextDue(tx: Database, caseIds: string[]) {
  if (caseIds.length === 0) return;
  await tx.execute(sql`
    update cases c set
      next_due_at = (
        select min(p.due_at) from case_promises p
        where p.case_id = c.id and p.met_at is null and p.state in ('active', 'breached')
      ),
      next_warn_at = (
        select min(p.warn_at) from case_promises p
        where p.case_id = c.id and p.met_at is null and p.state = 'active'
      )
    where c.id = any(${sql.param(caseIds)}::uuid[])`);
}

type PlanFn = (ctx: Ctx, clocks: StoredClock[]) => Plan;

/**
 * Clock transitions of cases at one moment, in one pass: the agreements loaded with one query,
 * the clocks of all the cases locked with one, each case's transition planned in memory, then
 * stored together (saveClockChains) with their timeline entries, each on its own case. Cases
 * without an agreement have no clocks to move.
 */
async function transitions(
  tx: Database,
  actor: Actor,
  at: Date,
  items: { c: ClockCase; plan: PlanFn }[],
): Promise<DomainEventInput[]> {
  const agreementIds = items.flatMap(({ c }) => (c.agreementId ? [c.agreementId] : []));
  if (agreementIds.length === 0) return [];
  const ctxs = await loadPlanContexts(tx, agreementIds);
  const planned = items.filter(({ c }) => c.agreementId && ctxs.has(c.agreementId));
  if (planned.length === 0) return [];
  const locked = await lockClocksOf(
    tx,
    planned.map(({ c }) => c.id),
  );
  const chains: ClockChain[] = [];
  const events: DomainEventInput[] = [];
  for (const { c, plan } of planned) {
    const chain = clockChain(c.id, locked.get(c.id)!);
    events.push(...chainStep(chain, ctxs.get(c.agreementId!)!, at, plan));
    chains.push(chain);
  }
  await saveClockChains(tx, chains);
  await recordDomainEvents(tx, actor, events);
  return events;
}

const transition = (tx: Database, actor: Actor, c: ClockCase, at: Date, plan: PlanFn) =>
  transitions(tx, actor, at, [{ c, plan }]);

// ---- transitions in memory ---------------------------------------------------------------------

/**
 * A case's clocks taken through transitions in memory (each settled at its time, planned, its
 * changes logged against the clocks before it), then stored by saveClockChains: one transition
 * for a request (transition above), or several cases and transitions at once for a batch (the
 * signal action job's replies to customers).
 */
export interface ClockChain {
  caseId: string;
  /** The clocks as the last step left them, by kind and cycle; new ones have their id already. */
  current: StoredClock[];
  /** Ids of the clocks stored before the first step. */
  stored: Set<string>;
  changed: Set<string>;
  removed: Set<string>;
}

export const clockChain = (caseId: string, stored: StoredClock[]): ClockChain => ({
  caseId,
  current: stored,
  stored: new Set(stored.map((c) => c.id!)),
  changed: new Set(),
  removed: new Set(),
});

const byKindAndCycle = (a: StoredClock, b: StoredClock) =>
  a.kind !== b.kind ? (a.kind < b.kind ? -1 : 1) : a.cycle - b.cycle;

/**
 * One transition of a chain: the clocks settled at its time (a due time that passed is a breach,
 * whether or not the scheduler saw it), planned, and their changes; returns its timeline entries.
 */
export function chainStep(
  chain: ClockChain,
  ctx: Ctx,
  at: Date,
  plan: (ctx: Ctx, clocks: StoredClock[]) => Plan,
): DomainEventInput[] {
  const before = new Map(chain.current.map((c) => [c.id!, c]));
  const { clocks, removed = [] } = plan(ctx, settleAll(chain.current, at));
  const events: DomainEventInput[] = [];
  const next: StoredClock[] = [];
  for (const clock of clocks) {
    const prev = clock.id ? before.get(clock.id) : undefined;
    if (prev && !changed(prev, clock)) {
      next.push(prev);
      continue;
    }
    const id = clock.id ?? newId();
    next.push({ ...clock, id });
    chain.changed.add(id);
    events.push(...transitionEvents(chain.caseId, prev, clock));
  }
  for (const c of removed) {
    chain.removed.add(c.id!);
    events.push({
      entityType: 'case',
      entityId: chain.caseId,
      type: 'case.promise_cancelled',
      data: { kind: c.kind, cycle: c.cycle },
    });
  }
  // A clock the plan neither returned nor removed stays as it was.
  const kept = new Set(next.map((c) => c.id));
  for (const c of chain.current) if (!kept.has(c.id) && !chain.removed.has(c.id!)) next.push(c);
  chain.current = next.sort(byKindAndCycle);
  return events;
}

/**
 * Stores what the chains changed: one UPDATE for the changed clocks, one INSERT for the new
 * ones, one DELETE for the removed, and the cases' next due times. Timeline entries are the
 * caller's (chainStep returned them), to keep them in order with its own.
 */
export async function saveClockChains(tx: Database, chains: ClockChain[]) {
  const updates: StoredClock[] = [];
  const inserts: (typeof casePromises.$inferInsert)[] = [];
  const deletes: string[] = [];
  for (const chain of chains) {
    for (const c of chain.current) {
      if (!chain.changed.has(c.id!)) continue;
      if (chain.stored.has(c.id!)) updates.push(c);
      else inserts.push({ ...c, caseId: chain.caseId });
    }
    for (const id of chain.removed) if (chain.stored.has(id)) deletes.push(id);
  }
  if (deletes.length > 0) await tx.delete(casePromises).where(inArray(casePromises.id, deletes));
  if (updates.length > 0) {
    await tx.execute(sql`
      update case_promises p set agreement_id = v.agreement_id, kind = v.kind, cycle = v.cycle,
        target_minutes = v.target_minutes, warn_minutes = v.warn_minutes, state = v.state,
        started_at = v.started_at, used_ms = v.used_ms, running_since = v.running_since, due_at = v.due_at,
        warn_at = v.warn_at, paused_at = v.paused_at, met_at = v.met_at, breached_at = v.breached_at,
        warned_at = v.warned_at, updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(
        updates.map((c) => ({
          id: c.id,
          agreement_id: c.agreementId,
          kind: c.kind,
          cycle: c.cycle,
          target_minutes: c.targetMinutes,
          warn_minutes: c.warnMinutes,
          state: c.state,
          started_at: c.startedAt,
          used_ms: c.usedMs,
          running_since: c.runningSince,
          due_at: c.dueAt,
          warn_at: c.warnAt,
          paused_at: c.pausedAt,
          met_at: c.metAt,
          breached_at: c.breachedAt,
          warned_at: c.warnedAt,
        })),
      )}::jsonb) as v(id uuid, agreement_id uuid, kind text, cycle int, target_minutes int, warn_minutes int,
        state text, started_at timestamptz, used_ms bigint, running_since timestamptz, due_at timestamptz,
        warn_at timestamptz, paused_at timestamptz, met_at timestamptz, breached_at timestamptz,
        warned_at timestamptz)
      where p.id = v.id`);
  }
  if (inserts.length > 0) await tx.insert(casePromises).values(inserts);
  await refreshNextDue(
    tx,
    chains.map((c) => c.caseId),
  );
}

export const onAgentReply = (tx: Database, actor: Actor, c: ClockCase, at: Date) =>
  transition(tx, actor, c, at, (ctx, clocks) => planAgentReply(ctx, clocks, c, at));

export const onCustomerMessage = (tx: Database, actor: Actor, c: ClockCase, at: Date) =>
  transition(tx, actor, c, at, (ctx, clocks) => planCustomerMessage(ctx, clocks, c, at));

export const onStatusChange = (tx: Database, actor: Actor, c: ClockCase, from: string, at: Date) =>
  transition(tx, actor, c, at, (ctx, clocks) => planStatusChange(ctx, clocks, c, from, at));

/**
 * The case was merged into another: its running and paused clocks are cancelled, a breach already
 * there (or due and not recorded yet) stays a breach, ended by the merge as a close ends it.
 */
export const onMerged = (tx: Database, actor: Actor, c: ClockCase, at: Date) =>
  transition(tx, actor, c, at, (ctx, clocks) => planMerged(ctx, clocks, at));

/** Status changes of many cases at one moment (an erasure closing a customer's cases), in one pass. */
export const onStatusChanges = (
  tx: Database,
  actor: Actor,
  changes: { c: ClockCase; from: string }[],
  at: Date,
) =>
  transitions(
    tx,
    actor,
    at,
    changes.map(({ c, from }) => ({ c, plan: (ctx, clocks) => planStatusChange(ctx, clocks, c, from, at) })),
  );

export const onTargetsChanged = (
  tx: Database,
  actor: Actor,
  c: ClockCase,
  at: Date,
  firstResponded: boolean,
) => transition(tx, actor, c, at, (ctx, clocks) => planTargetsChanged(ctx, clocks, c, at, firstResponded));

/**
 * A deleted case was restored: the clocks its deletion removed start again from its history, as
 * they would stand had it never been deleted (planRestored).
 */
export const onRestored = (tx: Database, actor: Actor, c: ClockCase, history: CaseHistory, at: Date) =>
  transition(tx, actor, c, at, (ctx, clocks) => planRestored(ctx, clocks, c, history, at));

/**
 * An agreement's targets or calendar changed: recompute every running clock that follows it,
 * in batches, with one UPDATE per batch. A clock the new terms put past due is left running for
 * the scheduler to record as breached (one timeline entry, notification and webhook each, as for
 * any breach); the answer counts them, so the admin who tightened a target knows what it did.
 */
export async function recomputeClocksForAgreement(
  tx: Database,
  agreementId: string,
  batchSize = 5000,
): Promise<Recomputed> {
  const ctx = await loadCtx(tx, agreementId);
  if (!ctx) return { ...NOTHING_RECOMPUTED };
  let after = '00000000-0000-0000-0000-000000000000';
  let total = 0;
  let pastDue = 0;
  for (;;) {
    const batch = await tx
      .select({ clock: casePromises, priority: cases.priority })
      .from(casePromises)
      .innerJoin(cases, eq(cases.id, casePromises.caseId))
      .where(
        and(
          eq(casePromises.agreementId, agreementId),
          // A clock already past due keeps it: the breach is the scheduler's to record.
          sql`(${casePromises.state} = 'paused' or (${casePromises.state} = 'active' and ${casePromises.dueAt} >= now()))`,
          sql`${casePromises.id} > ${after}`,
        ),
      )
      .orderBy(casePromises.id)
      .limit(batchSize);
    if (batch.length === 0) break;
    after = batch[batch.length - 1]!.clock.id;
    const updates: {
      id: string;
      target: number;
      warn: number;
      due: Date | null;
      warnAt: Date | null;
      warnedAt: Date | null;
    }[] = [];
    for (const { clock, priority } of batch) {
      const target =
        targetFor(ctx.agreement.targets, clock.kind as ClockKind, priority as Priority) ??
        clock.targetMinutes;
      const next = retargetClock(
        ctx.cal,
        { ...clock, kind: clock.kind as ClockKind, state: clock.state as Clock['state'] },
        target,
        ctx.agreement.warnPercent,
      );
      updates.push({
        id: clock.id,
        target: next.targetMinutes,
        warn: next.warnMinutes,
        due: next.dueAt,
        warnAt: next.warnAt,
        warnedAt: next.warnedAt,
      });
    }
    const values = sql.join(
      updates.map(
        (u) =>
          sql`(${u.id}::uuid, ${u.target}::int, ${u.warn}::int, ${u.due?.toISOString() ?? null}::timestamptz, ${u.warnAt?.toISOString() ?? null}::timestamptz, ${u.warnedAt?.toISOString() ?? null}::timestamptz)`,
      ),
      sql`, `,
    );
    // Past due against the database's clock, as the batch's filter above and the scheduler read it.
    const [moved] = await rows<{ past: number }>(
      tx,
      sql`with u as (
        update case_promises p set target_minutes = v.target, warn_minutes = v.warn, due_at = v.due, warn_at = v.warn_at,
          warned_at = v.warned_at, updated_at = now()
        from (values ${values}) as v(id, target, warn, due, warn_at, warned_at)
        where p.id = v.id
        returning p.due_at)
      select (count(*) filter (where due_at < now()))::int as past from u`,
    );
    pastDue += moved!.past;
    await refreshNextDue(tx, [...new Set(batch.map((b) => b.clock.caseId))]);
    total += batch.length;
  }
  return { clocks: total, pastDue };
}

export async function recomputeClocksForCalendar(tx: Database, calendarId: string): Promise<Recomputed> {
  const found = await tx.execute(sql`select id from agreements where calendar_id = ${calendarId}`);
  const total = { ...NOTHING_RECOMPUTED };
  for (const { id } of (found as unknown as { rows: { id: string }[] }).rows) {
    const r = await recomputeClocksForAgreement(tx, id);
    total.clocks += r.clocks;
    total.pastDue += r.pastDue;
  }
  return total;
}
