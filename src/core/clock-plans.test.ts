// The clock plans at a reopening and a merge, on a hand-computed Berlin calendar (Mon-Fri
// 09:00-17:00, 08:00Z-16:00Z in January; 2026-01-05 is a Monday).
import { describe, expect, it } from 'vitest';
import { compileCalendar } from './business-time.js';
import {
  planCaseCreated,
  planMerged,
  planRestored,
  planStatusChange,
  settleAll,
  type PlanCase,
  type PlanCtx,
  type StoredClock,
} from './clock-plans.js';
import { meetClock } from './promise-clocks.js';

const T = (iso: string) => new Date(iso);
const MIN = 60_000;
const ctx: PlanCtx = {
  agreement: {
    id: 'psa',
    targets: [
      { kind: 'first_response', minutes: 60 },
      { kind: 'resolution', minutes: 240 },
    ],
    pauseOn: ['pending', 'on_hold'],
    warnPercent: 75,
  },
  cal: compileCalendar({
    timezone: 'Europe/Berlin',
    hours: [1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '17:00' })),
    holidays: [],
  }),
};
const opened: PlanCase = {
  status: 'open',
  priority: 'normal',
  createdAt: T('2026-01-05T08:00:00.000Z'),
  lastAgentReplyAt: null,
};
const created = () => planCaseCreated(ctx, opened).clocks.map((k, i) => ({ ...k, id: `k${i}` }));
const solvedAt = (clocks: StoredClock[], at: string) =>
  planStatusChange(ctx, clocks, { ...opened, status: 'solved' }, 'open', T(at)).clocks;
const resolutions = (clocks: StoredClock[]) => clocks.filter((k) => k.kind === 'resolution');

describe('planStatusChange: reopening a solved case', () => {
  it('keeps the met resolution as it was and starts cycle 2 with the whole target', () => {
    const solved = solvedAt(created(), '2026-01-05T10:00:00.000Z');
    const [met] = resolutions(solved);
    expect(met).toMatchObject({ state: 'met', metAt: T('2026-01-05T10:00:00.000Z'), usedMs: 120 * MIN });
    const reopened = planStatusChange(ctx, solved, opened, 'solved', T('2026-01-06T09:00:00.000Z')).clocks;
    const [first, second] = resolutions(reopened);
    expect(first).toBe(met);
    expect(second).toMatchObject({
      cycle: 2,
      state: 'active',
      startedAt: T('2026-01-06T09:00:00.000Z'),
      usedMs: 0,
      // 240 business minutes from Tuesday 10:00 Berlin: 14:00 Berlin.
      dueAt: T('2026-01-06T13:00:00.000Z'),
      metAt: null,
      agreementId: 'psa',
    });
    // Solved again: cycle 2 is met on its own time, cycle 1 stays met at the first solve.
    const again = resolutions(solvedAt(reopened, '2026-01-06T10:00:00.000Z'));
    expect(again[0]).toBe(met);
    expect(again[1]).toMatchObject({ cycle: 2, state: 'met', usedMs: 60 * MIN });
  });

  it('reopened into a pausing status: cycle 2 starts paused', () => {
    const solved = solvedAt(created(), '2026-01-05T10:00:00.000Z');
    const reopened = planStatusChange(
      ctx,
      solved,
      { ...opened, status: 'pending' },
      'solved',
      T('2026-01-06T09:00:00.000Z'),
    ).clocks;
    expect(resolutions(reopened)[1]).toMatchObject({ cycle: 2, state: 'paused', dueAt: null, usedMs: 0 });
  });

  it('a resolution breached and fulfilled late stays so; the reopened period is a new promise', () => {
    // Solved on Tuesday 09:00 Berlin: the 240 minutes ran out on Monday 13:00 Berlin.
    const solved = solvedAt(settleAll(created(), T('2026-01-06T08:00:00.000Z')), '2026-01-06T08:00:00.000Z');
    const [late] = resolutions(solved);
    expect(late).toMatchObject({ state: 'breached', breachedAt: T('2026-01-05T12:00:00.000Z') });
    expect(late!.metAt).toEqual(T('2026-01-06T08:00:00.000Z'));
    const reopened = resolutions(
      planStatusChange(ctx, solved, opened, 'solved', T('2026-01-06T09:00:00.000Z')).clocks,
    );
    expect(reopened[0]).toBe(late);
    expect(reopened[1]).toMatchObject({ cycle: 2, state: 'active', breachedAt: null });
  });

  it('starts nothing when the agreement has no resolution target', () => {
    const noResolution: PlanCtx = {
      ...ctx,
      agreement: { ...ctx.agreement, targets: [{ kind: 'first_response', minutes: 60 }] },
    };
    const clocks = planCaseCreated(noResolution, opened).clocks;
    const solved = planStatusChange(
      noResolution,
      clocks,
      { ...opened, status: 'solved' },
      'open',
      T('2026-01-05T09:00:00.000Z'),
    ).clocks;
    const reopened = planStatusChange(
      noResolution,
      solved,
      opened,
      'solved',
      T('2026-01-05T10:00:00.000Z'),
    ).clocks;
    expect(resolutions(reopened)).toEqual([]);
  });
});

describe('planMerged: the merged case’s clocks stop', () => {
  it('cancels the running and paused clocks, keeps the decided ones', () => {
    const clocks = created();
    const [first, resolution] = [clocks[0]!, clocks[1]!];
    const met = {
      ...meetClock(ctx.cal, first, T('2026-01-05T08:30:00.000Z')),
      id: first.id,
      agreementId: 'psa',
    };
    const plan = planMerged(ctx, [met, resolution], T('2026-01-05T09:00:00.000Z'));
    expect(plan.clocks).toEqual([met]);
    expect(plan.removed).toEqual([resolution]);
  });

  it('keeps a breach never made good, ended at the merge as a close ends it', () => {
    const at = T('2026-01-06T08:00:00.000Z');
    const plan = planMerged(ctx, settleAll(created(), at), at);
    expect(plan.removed).toEqual([]);
    expect(
      plan.clocks.map((k) => [k.kind, k.state, k.breachedAt?.toISOString(), k.metAt?.toISOString()]),
    ).toEqual([
      ['first_response', 'breached', '2026-01-05T09:00:00.000Z', at.toISOString()],
      ['resolution', 'breached', '2026-01-05T12:00:00.000Z', at.toISOString()],
    ]);
  });
});

describe('planRestored: a deleted case’s clocks as they would stand had it never been deleted', () => {
  const noHistory = { firstRespondedAt: null, customerMessagesAt: [], statusChanges: [] };
  const strip = (clocks: StoredClock[]) => clocks.map(({ id: _id, ...k }) => k);

  it('replays the status changes since the clock started: paused and resumed as it was', () => {
    // Live: opened Monday 09:00 Berlin, waiting on the customer 11:00-12:00, open since.
    let live: StoredClock[] = created();
    live = planStatusChange(
      ctx,
      live,
      { ...opened, status: 'pending' },
      'open',
      T('2026-01-05T10:00:00.000Z'),
    ).clocks;
    live = planStatusChange(ctx, live, opened, 'pending', T('2026-01-05T11:00:00.000Z')).clocks;
    const restoredAt = T('2026-01-05T12:00:00.000Z');
    const firstResponse = live.find((k) => k.kind === 'first_response')!;
    // Deleted with the first response kept (missed at 10:00 Berlin) and the resolution removed.
    const kept = settleAll([firstResponse], restoredAt);
    const plan = planRestored(
      ctx,
      kept,
      opened,
      {
        ...noHistory,
        statusChanges: [
          { at: T('2026-01-05T10:00:00.000Z'), from: 'open', to: 'pending' },
          { at: T('2026-01-05T11:00:00.000Z'), from: 'pending', to: 'open' },
        ],
      },
      restoredAt,
    );
    expect(plan.clocks[0]).toBe(kept[0]);
    expect(strip(plan.clocks.slice(1))).toEqual(strip(resolutions(live)));
    expect(resolutions(plan.clocks)[0]).toMatchObject({
      state: 'active',
      usedMs: 120 * MIN,
      // 240 minutes less the 120 used, from 12:00 Berlin: 14:00 Berlin.
      dueAt: T('2026-01-05T13:00:00.000Z'),
    });
  });

  it('a resolution after a solve runs from the reopening: its status change, else the customer’s message, else the solve', () => {
    const solved = solvedAt(created(), '2026-01-05T10:00:00.000Z');
    const live = planStatusChange(ctx, solved, opened, 'solved', T('2026-01-06T09:00:00.000Z')).clocks;
    const kept = solved; // the first resolution, met at the solve, stays with the deleted case
    const at = T('2026-01-06T10:00:00.000Z');
    const reopening = { at: T('2026-01-06T09:00:00.000Z'), from: 'solved', to: 'open' };
    const restored = planRestored(ctx, kept, opened, { ...noHistory, statusChanges: [reopening] }, at);
    expect(strip(resolutions(restored.clocks))).toEqual(strip(resolutions(live)));
    const byMessage = planRestored(
      ctx,
      kept,
      opened,
      { ...noHistory, customerMessagesAt: [T('2026-01-06T09:30:00.000Z')] },
      at,
    );
    expect(resolutions(byMessage.clocks)[1]).toMatchObject({
      cycle: 2,
      startedAt: T('2026-01-06T09:30:00.000Z'),
    });
    const bySolve = planRestored(ctx, kept, opened, noHistory, at);
    expect(resolutions(bySolve.clocks)[1]).toMatchObject({
      cycle: 2,
      startedAt: T('2026-01-05T10:00:00.000Z'),
    });
  });

  it('brings nothing back to a solved case, nor a kind whose latest clock is still open', () => {
    const at = T('2026-01-06T08:00:00.000Z');
    const breached = settleAll(created(), at);
    expect(planRestored(ctx, breached, opened, noHistory, at).clocks).toEqual(breached);
    expect(planRestored(ctx, [], { ...opened, status: 'solved' }, noHistory, at).clocks).toEqual([]);
  });
});
