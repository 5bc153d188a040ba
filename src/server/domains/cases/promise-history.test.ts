// PSA target compliance keeps history: a deleted case (deleted or spam) counts in no figure and
// comes back with its restore; reopening a solved case leaves the compliance of its first solve as
// it was; merging a case keeps a breach it had. Through the API on real flows (replies, solves,
// deletes, merges), each on a database of its own, so the totals are this test's alone.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeCustomerWithAgreement, makeUser, minutesAgo } from '../../../../test/helpers/factories.js';
import { rows } from '../../../db/client.js';

const DAY = 24 * 3600 * 1000;
type Totals = Record<string, unknown>;

/** An app with an admin, an agent and a customer (with their login) on a 24/7 agreement: 60 / 480 minutes. */
async function setUp() {
  const t = await startTestApp();
  const admin = (await makeUser(t.db, 'admin')).token;
  const agent = (await makeUser(t.db, 'agent')).token;
  const { customer, agreement } = await makeCustomerWithAgreement(t.db);
  const login = (await makeUser(t.db, 'customer', { customerId: customer.id })).token;
  const open = async (minutesOld: number) => {
    const res = await t.post(
      '/api/v1/cases',
      { subject: 'Where is my order?', customerId: customer.id, createdAt: minutesAgo(minutesOld) },
      admin,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; number: number };
  };
  const reply = async (id: string) =>
    expect(
      (await t.post(`/api/v1/cases/${id}/messages`, { body: 'On it', public: true }, agent)).status,
    ).toBe(201);
  const solve = async (id: string) =>
    expect((await t.patch(`/api/v1/cases/${id}`, { status: 'solved' }, agent)).status).toBe(200);
  const customerWrites = async (id: string) =>
    expect(
      (await t.post(`/api/v1/cases/${id}/messages`, { body: 'Still broken', public: true }, login)).status,
    ).toBe(201);
  return { t, admin, agent, agreement, open, reply, solve, customerWrites };
}

const period = (from: Date, to: Date) => `from=${from.toISOString()}&to=${to.toISOString()}`;

/** The totals of the compliance table, the sum of its trend's days, and the case list's counts. */
async function figures(t: TestApp, token: string, from: Date, to: Date) {
  const q = period(from, to);
  const table = await t.get(`/api/v1/kpis/promises?${q}`, token);
  expect(table.status).toBe(200);
  const trend = await t.get(`/api/v1/kpis/promises/trend?${q}&interval=day&timezone=UTC`, token);
  expect(trend.status).toBe(200);
  const sum = (key: string) =>
    (trend.body.buckets as Record<string, number>[]).reduce((n, b) => n + b[key]!, 0);
  const listed = async (outcome: string) => {
    const filter = new URLSearchParams({ promiseOutcome: outcome, includeTotal: 'true', limit: '100' });
    if (outcome !== 'overdue') {
      filter.set('decidedFrom', from.toISOString());
      filter.set('decidedTo', to.toISOString());
    }
    const res = await t.get(`/api/v1/cases?${filter}`, token);
    expect(res.status).toBe(200);
    return res.body.total as number;
  };
  return {
    totals: table.body.totals as Totals,
    trend: { decided: sum('decided'), metOnTime: sum('metOnTime'), breached: sum('breached') },
    listed: {
      decided: await listed('decided'),
      breached: await listed('breached'),
      overdue: await listed('overdue'),
    },
  };
}

const clock = (c: { promises: Record<string, unknown>[] }, kind: string, cycle = 1) =>
  c.promises.find((p) => p.kind === kind && p.cycle === cycle);

async function eventsOf(t: TestApp, caseId: string, type: string) {
  return rows<{ data: Record<string, unknown> }>(
    t.db,
    sql`select data from domain_events where entity_type = 'case' and entity_id = ${caseId} and type = ${type}
      order by id`,
  );
}

describe('a deleted case counts in no compliance figure', () => {
  it('deleting and marking as spam take its clocks out of the table, the trend and the lists; restoring brings them back', async () => {
    const { t, admin, agent, open, reply, solve } = await setUp();
    try {
      const from = new Date(Date.now() - DAY);
      // K: first response and resolution met on time. D: first response met two hours late
      // (breached at its due time, an hour ago), resolution running. S: first response met.
      const k = await open(30);
      await reply(k.id);
      await solve(k.id);
      const d = await open(120);
      await reply(d.id);
      const s = await open(10);
      await reply(s.id);
      const to = new Date(Date.now() + 60_000);
      const before = await figures(t, agent, from, to);
      expect(before.totals).toMatchObject({
        decided: 4,
        metOnTime: 3,
        breached: 1,
        metLate: 1,
        overdueNow: 0,
        compliance: 0.75,
        cases: { decided: 3, metOnTime: 2, breached: 1, overdueNow: 0 },
      });
      expect(before.trend).toEqual({ decided: 4, metOnTime: 3, breached: 1 });
      expect(before.listed).toEqual({ decided: 3, breached: 1, overdue: 0 });

      expect((await t.del(`/api/v1/cases/${d.id}`, admin)).status).toBe(204);
      expect((await t.post(`/api/v1/cases/${s.id}/spam`, {}, agent)).status).toBe(200);
      const after = await figures(t, agent, from, to);
      expect(after.totals).toMatchObject({
        decided: 2,
        metOnTime: 2,
        breached: 0,
        metLate: 0,
        overdueNow: 0,
        compliance: 1,
        cases: { decided: 1, metOnTime: 1, breached: 0, overdueNow: 0 },
      });
      expect(after.trend).toEqual({ decided: 2, metOnTime: 2, breached: 0 });
      expect(after.listed).toEqual({ decided: 1, breached: 0, overdue: 0 });
      // The running resolution clocks went with the cases, named on `case.deleted`.
      expect((await eventsOf(t, d.id, 'case.deleted'))[0]!.data).toMatchObject({
        reason: 'deleted',
        cancelledPromises: ['resolution'],
      });
      expect((await eventsOf(t, s.id, 'case.deleted'))[0]!.data).toMatchObject({
        reason: 'spam',
        cancelledPromises: ['resolution'],
      });

      // Restored, D counts again: its late first response as it was (its resolution runs again).
      expect((await t.post(`/api/v1/cases/${d.id}/restore`, {}, admin)).status).toBe(204);
      const restored = await figures(t, agent, from, to);
      expect(restored.totals).toMatchObject({
        decided: 3,
        metOnTime: 2,
        breached: 1,
        metLate: 1,
        overdueNow: 0,
      });
      expect(restored.trend).toEqual({ decided: 3, metOnTime: 2, breached: 1 });
      expect(restored.listed).toEqual({ decided: 2, breached: 1, overdue: 0 });
    } finally {
      await t.close();
    }
  });
});

describe('restoring a deleted case', () => {
  type Promise_ = Record<string, unknown> & { kind: string; cycle: number };
  /** An app on a 24/7 agreement with every kind: 60 / 120 / 240 / 480 minutes; the case API as helpers. */
  async function withAllKinds() {
    const t = await startTestApp();
    const admin = (await makeUser(t.db, 'admin')).token;
    const agent = (await makeUser(t.db, 'agent')).token;
    const { customer } = await makeCustomerWithAgreement(t.db, {
      targets: [
        { kind: 'first_response', minutes: 60 },
        { kind: 'next_response', minutes: 120 },
        { kind: 'periodic_update', minutes: 240 },
        { kind: 'resolution', minutes: 480 },
      ],
    });
    const open = async (minutesOld: number) => {
      const res = await t.post(
        '/api/v1/cases',
        { subject: `Restore ${minutesOld}`, customerId: customer.id, createdAt: minutesAgo(minutesOld) },
        admin,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as { id: string };
    };
    // Messages at a past time: an admin imports them with their createdAt.
    const say = async (id: string, from: 'agent' | 'customer', at: string) => {
      const res = await t.post(
        `/api/v1/cases/${id}/messages`,
        { body: from === 'agent' ? 'On it' : 'Any news?', public: true, from, createdAt: at },
        admin,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    };
    const promises = async (id: string) =>
      ((await t.get(`/api/v1/cases/${id}`, agent)).body.promises as Promise_[]).sort((a, b) =>
        a.kind === b.kind ? a.cycle - b.cycle : a.kind < b.kind ? -1 : 1,
      );
    const deleteAndRestore = async (id: string) => {
      expect((await t.del(`/api/v1/cases/${id}`, admin)).status).toBe(204);
      expect((await t.post(`/api/v1/cases/${id}/restore`, {}, admin)).status).toBe(204);
    };
    return { t, agent, open, say, promises, deleteAndRestore };
  }
  const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();
  // What a clock promises, without the minutes that move with the clock on the wall and its row id.
  const promised = ({ id: _id, usedMinutes: _u, remainingMinutes: _r, ...p }: Promise_) => p;

  it('gives a case awaiting our reply its next-response clock back, due when it was, or missed', async () => {
    const { t, open, say, promises, deleteAndRestore } = await withAllKinds();
    try {
      // A: answered 90 minutes ago, the customer wrote back 30 minutes ago: next response due in 90.
      const a = await open(100);
      await say(a.id, 'agent', minutesAgo(90));
      const wrote = minutesAgo(30);
      await say(a.id, 'customer', wrote);
      // B: the customer wrote back 150 minutes ago: the next response was due 30 minutes ago.
      const b = await open(200);
      await say(b.id, 'agent', minutesAgo(190));
      const wroteB = minutesAgo(150);
      await say(b.id, 'customer', wroteB);
      const before = await promises(a.id);
      expect(before.find((p) => p.kind === 'next_response')).toMatchObject({
        cycle: 1,
        state: 'active',
        startedAt: wrote,
        dueAt: plus(wrote, 120),
      });

      await deleteAndRestore(a.id);
      await deleteAndRestore(b.id);
      const after = await promises(a.id);
      expect(after.find((p) => p.kind === 'next_response')).toMatchObject({
        cycle: 1,
        state: 'active',
        startedAt: wrote,
        dueAt: plus(wrote, 120),
        metAt: null,
      });
      // Every clock as it stood before the deletion: the periodic update from the reply, too.
      expect(after.map(promised)).toEqual(before.map(promised));
      const started = (await eventsOf(t, a.id, 'case.promise_started')).map((e) => e.data.kind);
      expect(started.slice(0, 4)).toEqual([
        'first_response',
        'resolution',
        'periodic_update',
        'next_response',
      ]);
      // The deletion removed these three; the restore started them again, once each.
      expect(started.slice(4).sort()).toEqual(['next_response', 'periodic_update', 'resolution']);
      expect((await promises(b.id)).find((p) => p.kind === 'next_response')).toMatchObject({
        cycle: 1,
        state: 'breached',
        dueAt: plus(wroteB, 120),
        breachedAt: plus(wroteB, 120),
        metAt: null,
      });
      // Missed while the case was deleted: the timeline, the assignee's notifications and webhooks
      // hear of the breach once, as of a clock the scheduler finds overdue.
      expect((await eventsOf(t, b.id, 'case.promise_breached')).map((e) => e.data)).toEqual([
        expect.objectContaining({ kind: 'next_response', cycle: 1, breachedAt: plus(wroteB, 120) }),
      ]);
      expect(await eventsOf(t, a.id, 'case.promise_breached')).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('keeps the clocks of a case in a pausing status paused, with the time they had used', async () => {
    const { t, agent, open, say, promises, deleteAndRestore } = await withAllKinds();
    try {
      // Opened 100 minutes ago, answered 90 minutes ago, then waiting on the customer (pending).
      const c = await open(100);
      await say(c.id, 'agent', minutesAgo(90));
      expect((await t.patch(`/api/v1/cases/${c.id}`, { status: 'pending' }, agent)).status).toBe(200);
      const before = await promises(c.id);
      const waiting = (kind: string) => before.find((p) => p.kind === kind);
      expect(waiting('resolution')).toMatchObject({ state: 'paused', dueAt: null, usedMinutes: 100 });
      expect(waiting('periodic_update')).toMatchObject({ state: 'paused', dueAt: null, usedMinutes: 90 });

      await deleteAndRestore(c.id);
      const after = await promises(c.id);
      expect(after.map((p) => [p.kind, p.cycle, p.state])).toEqual([
        ['first_response', 1, 'met'],
        ['periodic_update', 1, 'paused'],
        ['resolution', 1, 'paused'],
      ]);
      for (const kind of ['resolution', 'periodic_update'])
        expect(after.find((p) => p.kind === kind)).toMatchObject({
          state: 'paused',
          dueAt: null,
          startedAt: waiting(kind)!.startedAt,
          usedMinutes: waiting(kind)!.usedMinutes,
          remainingMinutes: waiting(kind)!.remainingMinutes,
        });
      expect((await t.get(`/api/v1/cases/${c.id}`, agent)).body.nextDueAt).toBeNull();

      // Open again, they run on from the time they had used.
      expect((await t.patch(`/api/v1/cases/${c.id}`, { status: 'open' }, agent)).status).toBe(200);
      const resumed = (await promises(c.id)).find((p) => p.kind === 'resolution')!;
      expect(resumed).toMatchObject({ state: 'active' });
      expect(Date.parse(resumed.dueAt as string) - Date.now()).toBeGreaterThan(379 * 60_000);
    } finally {
      await t.close();
    }
  });

  it('leaves the clocks decided before the deletion as they were, and brings none back twice', async () => {
    const { t, open, say, promises, deleteAndRestore } = await withAllKinds();
    try {
      // Two rounds: the first next response and periodic update met by the second reply.
      const c = await open(200);
      await say(c.id, 'agent', minutesAgo(190));
      await say(c.id, 'customer', minutesAgo(180));
      await say(c.id, 'agent', minutesAgo(170));
      await say(c.id, 'customer', minutesAgo(30));
      const before = await promises(c.id);
      expect(before.map((p) => [p.kind, p.cycle, p.state])).toEqual([
        ['first_response', 1, 'met'],
        ['next_response', 1, 'met'],
        ['next_response', 2, 'active'],
        ['periodic_update', 1, 'met'],
        ['periodic_update', 2, 'active'],
        ['resolution', 1, 'active'],
      ]);

      // Deleted and restored twice: each time the same clocks, the decided ones the same rows.
      await deleteAndRestore(c.id);
      await deleteAndRestore(c.id);
      const after = await promises(c.id);
      expect(after.map(promised)).toEqual(before.map(promised));
      const decided = (ps: Promise_[]) => ps.filter((p) => p.state === 'met');
      expect(decided(after)).toEqual(decided(before));
    } finally {
      await t.close();
    }
  });
});

describe('reopening a solved case', () => {
  it('leaves the compliance of the first solve as it was; the reopened period is a resolution clock of its own', async () => {
    const { t, agent, open, reply, solve, customerWrites } = await setUp();
    try {
      const from = new Date(Date.now() - DAY);
      // R: solved in time. L: solved late (resolution 480 minutes, opened 600 minutes ago).
      const r = await open(30);
      await reply(r.id);
      await solve(r.id);
      const l = await open(600);
      await reply(l.id);
      await solve(l.id);
      const solvedR = (await t.get(`/api/v1/cases/${r.id}`, agent)).body;
      const solvedL = (await t.get(`/api/v1/cases/${l.id}`, agent)).body;
      const firstSolve = clock(solvedR, 'resolution')!;
      expect(firstSolve).toMatchObject({ cycle: 1, state: 'met' });
      expect(clock(solvedL, 'resolution')).toMatchObject({ cycle: 1, state: 'breached' });
      // The period of the first solves: up to the later of the two, included.
      const lastSolve = Math.max(
        new Date(firstSolve.metAt as string).getTime(),
        new Date(clock(solvedL, 'resolution')!.metAt as string).getTime(),
      );
      const to = new Date(lastSolve + 1);
      const before = await figures(t, agent, from, to);
      expect(before.totals).toMatchObject({
        decided: 4,
        metOnTime: 2,
        breached: 2,
        metLate: 2,
        overdueNow: 0,
        compliance: 0.5,
      });
      expect(before.listed).toEqual({ decided: 2, breached: 1, overdue: 0 });

      await new Promise((done) => setTimeout(done, 5));
      await customerWrites(r.id);
      await customerWrites(l.id);
      const reopened = (await t.get(`/api/v1/cases/${r.id}`, agent)).body;
      expect(reopened).toMatchObject({ status: 'open', reopenCount: 1 });
      // Cycle 1 stays met at the first solve; cycle 2 runs with the whole target from the reopening.
      expect(clock(reopened, 'resolution')).toEqual(firstSolve);
      const second = clock(reopened, 'resolution', 2)!;
      expect(second).toMatchObject({ state: 'active', metAt: null, usedMinutes: 0 });
      expect(second.remainingMinutes).toBeGreaterThanOrEqual(479);
      const reopenedL = (await t.get(`/api/v1/cases/${l.id}`, agent)).body;
      expect(clock(reopenedL, 'resolution')).toEqual(clock(solvedL, 'resolution'));
      expect(clock(reopenedL, 'resolution', 2)).toMatchObject({ state: 'active' });
      expect((await eventsOf(t, r.id, 'case.promise_started')).map((e) => e.data)).toContainEqual(
        expect.objectContaining({ kind: 'resolution', cycle: 2, state: 'active', targetMinutes: 480 }),
      );

      // The period of the first solves reads the same: no breach reopened, nothing taken back.
      expect(await figures(t, agent, from, to)).toEqual(before);
      // Solved again: the second resolution counts when it is decided, in its own period.
      await solve(r.id);
      expect(await figures(t, agent, from, to)).toEqual(before);
      const later = await figures(t, agent, to, new Date(Date.now() + 60_000));
      expect(later.totals).toMatchObject({ decided: 1, metOnTime: 1, breached: 0, overdueNow: 0 });
    } finally {
      await t.close();
    }
  });
});

describe('merging a case', () => {
  it('keeps a breach the merged case had, ended by the merge; cancels its running clocks', async () => {
    const { t, agent, open } = await setUp();
    try {
      const from = new Date(Date.now() - DAY);
      // X: opened two hours ago, never answered: its first response is overdue (60 minutes).
      const x = await open(120);
      const y = await open(1);
      const to = new Date(Date.now() + 60_000);
      const before = await figures(t, agent, from, to);
      expect(before.totals).toMatchObject({ overdueNow: 1 });

      const merged = await t.post(`/api/v1/cases/${x.id}/merge`, { intoId: y.id }, agent);
      expect(merged.status).toBe(200);
      const after = await figures(t, agent, from, to);
      expect(after.totals).toMatchObject({
        decided: 1,
        metOnTime: 0,
        breached: 1,
        metLate: 1,
        overdueNow: 0,
        compliance: 0,
        cases: { decided: 1, metOnTime: 0, breached: 1, overdueNow: 0 },
      });
      expect(after.trend).toEqual({ decided: 1, metOnTime: 0, breached: 1 });
      expect(after.listed).toEqual({ decided: 1, breached: 1, overdue: 0 });

      const xAfter = (await t.get(`/api/v1/cases/${x.id}`, agent)).body;
      expect(xAfter.nextDueAt).toBeNull();
      expect(xAfter.promises.map((p: Record<string, unknown>) => [p.kind, p.state])).toEqual([
        ['first_response', 'breached'],
      ]);
      const breachedAt = new Date(clock(xAfter, 'first_response')!.breachedAt as string);
      expect(breachedAt.getTime()).toBeLessThan(Date.now() - 55 * 60_000);
      // Each change has its entry: the breach ended (late), the resolution cancelled.
      expect((await eventsOf(t, x.id, 'case.promise_met')).map((e) => e.data)).toContainEqual(
        expect.objectContaining({ kind: 'first_response', late: true }),
      );
      expect((await eventsOf(t, x.id, 'case.promise_cancelled')).map((e) => e.data)).toEqual([
        { kind: 'resolution', cycle: 1 },
      ]);
      expect((await eventsOf(t, x.id, 'case.merged'))[0]!.data).toMatchObject({
        cancelledPromises: ['resolution'],
      });
    } finally {
      await t.close();
    }
  });

  it('does the same for a case without an agreement to plan with (its clocks outlived it)', async () => {
    const { t, agent, open } = await setUp();
    try {
      const from = new Date(Date.now() - DAY);
      const x = await open(120);
      const y = await open(1);
      // A case whose agreement no longer applies keeps the clocks it had.
      await t.db.execute(sql`update cases set agreement_id = null where id = ${x.id}`);
      expect((await t.post(`/api/v1/cases/${x.id}/merge`, { intoId: y.id }, agent)).status).toBe(200);
      const after = await figures(t, agent, from, new Date(Date.now() + 60_000));
      expect(after.totals).toMatchObject({ decided: 1, breached: 1, metLate: 1, overdueNow: 0 });
      const xAfter = (await t.get(`/api/v1/cases/${x.id}`, agent)).body;
      expect(xAfter.promises.map((p: Record<string, unknown>) => [p.kind, p.state])).toEqual([
        ['first_response', 'breached'],
      ]);
      expect((await eventsOf(t, x.id, 'case.promise_met')).map((e) => e.data)).toContainEqual(
        expect.objectContaining({ kind: 'first_response', late: true }),
      );
      expect((await eventsOf(t, x.id, 'case.merged'))[0]!.data).toMatchObject({
        cancelledPromises: ['resolution'],
      });
    } finally {
      await t.close();
    }
  });
});
