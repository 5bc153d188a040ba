import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeCase, makeCustomer, makeUser, minutesAgo, unique } from '../../../../test/helpers/factories.js';
import type { Workload } from '../../../shared/schemas/teams.js';
import { workloadCaseQuery, type WorkloadCount } from '../../../shared/workload-cases.js';
import { zero } from './workload.service.js';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
});
afterAll(() => t?.close());

const inMinutes = (m: number) => minutesAgo(-m);

/** Sets what the fixture needs of a case's clocks and messages as the clock and message code would. */
async function setCase(id: string, cols: Record<string, string | null>) {
  const sets = Object.entries(cols).map(
    ([col, value]) => sql`${sql.identifier(col)} = ${value}::timestamptz`,
  );
  await t.db.execute(sql`update cases set ${sql.join(sets, sql`, `)} where id = ${id}`);
}

async function team(name: string, memberIds: string[]) {
  const res = await t.post('/api/v1/teams', { name, assignmentMode: 'manual', memberIds }, admin);
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const none = zero;

describe('GET /api/v1/workload', () => {
  it('counts per team and agent, each count the cases of its queue filter', async () => {
    const [alice, bob, carol, dave] = [
      await makeUser(t.db, 'agent'),
      await makeUser(t.db, 'agent'),
      await makeUser(t.db, 'agent'),
      await makeUser(t.db, 'agent'),
    ];
    expect(
      (await t.patch(`/api/v1/agents/${dave.user.id}`, { availability: 'away' }, dave.token)).status,
    ).toBe(200);
    const first = await team(`Workload first ${unique()}`, [alice.user.id, bob.user.id]);
    const second = await team(`Workload second ${unique()}`, [carol.user.id, dave.user.id]);
    const customer = await makeCustomer(t.db);
    const open = async (teamId: string | null, assigneeId: string | null, status = 'open') => {
      const c = await makeCase(t.db, customer.id, { teamId, assigneeId });
      if (status !== c.status) {
        const res = await t.patch(`/api/v1/cases/${c.id}`, { status }, admin);
        expect(res.status).toBe(200);
      }
      return c;
    };
    const a = alice.user.id;
    // Alice: breached; at risk and awaiting a reply for 3 h; pending; awaiting a reply for 1 h
    // (replied before the customer wrote again); solved today; solved two days ago; deleted.
    const breached = await open(first, a);
    await setCase(breached.id, { next_warn_at: minutesAgo(120), next_due_at: minutesAgo(60) });
    const atRisk = await open(first, a);
    const atRiskSince = minutesAgo(180);
    await setCase(atRisk.id, {
      next_warn_at: minutesAgo(10),
      next_due_at: inMinutes(60),
      last_customer_message_at: atRiskSince,
      last_agent_reply_at: null,
    });
    await open(first, a, 'pending');
    const replied = await open(first, a);
    await setCase(replied.id, {
      last_customer_message_at: minutesAgo(60),
      last_agent_reply_at: minutesAgo(120),
    });
    const solved = await open(first, a, 'solved');
    const solvedBefore = await open(first, a, 'solved');
    await setCase(solvedBefore.id, { solved_at: minutesAgo(2 * 24 * 60) });
    const deleted = await open(first, a);
    await setCase(deleted.id, { deleted_at: minutesAgo(1) });
    // Bob: on hold and breached; an answered case (the agent's reply after the customer's message).
    const onHold = await open(first, bob.user.id, 'on_hold');
    await setCase(onHold.id, { next_warn_at: minutesAgo(30), next_due_at: minutesAgo(5) });
    const answered = await open(first, bob.user.id);
    await setCase(answered.id, {
      last_customer_message_at: minutesAgo(600),
      last_agent_reply_at: minutesAgo(500),
    });
    // Nobody's: one awaiting a reply for 5 h, the team's oldest. Carol has one without being a member.
    const waitingLongest = await open(first, null, 'new');
    await setCase(waitingLongest.id, { last_customer_message_at: minutesAgo(300) });
    await open(first, null);
    await open(first, carol.user.id);
    // The second team: Carol's one case; Dave (away) has none. One case of no team, Carol's.
    await open(second, carol.user.id);
    await open(null, carol.user.id);

    const res = await t.get<Workload>('/api/v1/workload', alice.token);
    expect(res.status).toBe(200);
    const w = res.body;
    expect(Date.parse(w.today.from)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(w.today.to)).toBeGreaterThan(Date.now());
    const firstTeam = w.teams.find((x) => x.teamId === first)!;
    const secondTeam = w.teams.find((x) => x.teamId === second)!;
    const noTeam = w.teams.find((x) => x.teamId === null)!;
    expect(w.teams.at(-1)).toBe(noTeam);
    const row = (tm: typeof firstTeam, id: string) => tm.agents.find((x) => x.userId === id);

    expect(firstTeam.agents.map((x) => [x.userId, x.member])).toEqual([
      ...[alice, bob].sort((x, y) => x.user.name.localeCompare(y.user.name)).map((x) => [x.user.id, true]),
      [carol.user.id, false],
    ]);
    expect(row(firstTeam, a)).toMatchObject({
      name: alice.user.name,
      availability: 'available',
      open: 4,
      waiting: 1,
      atRisk: 1,
      breached: 1,
      solvedToday: 1,
      oldestAwaitingReply: { caseId: atRisk.id, number: atRisk.number },
    });
    expect(row(firstTeam, a)!.oldestAwaitingReply!.since).toBe(atRiskSince);
    expect(row(firstTeam, bob.user.id)).toMatchObject({ ...none(), open: 2, waiting: 1, breached: 1 });
    expect(row(firstTeam, carol.user.id)).toMatchObject({ ...none(), open: 1 });
    expect(firstTeam.unassigned).toMatchObject({
      ...none(),
      open: 2,
      oldestAwaitingReply: { caseId: waitingLongest.id },
    });
    expect(firstTeam.total).toMatchObject({
      open: 9,
      waiting: 2,
      atRisk: 1,
      breached: 2,
      solvedToday: 1,
      oldestAwaitingReply: { caseId: waitingLongest.id },
    });
    expect(secondTeam.agents.map((x) => [x.userId, x.availability, x.open])).toEqual(
      [
        [carol.user.id, 'available', 1],
        [dave.user.id, 'away', 0],
      ].sort((x, y) => {
        const name = (id: unknown) => (id === carol.user.id ? carol : dave).user.name;
        return name(x[0]).localeCompare(name(y[0]));
      }),
    );
    expect(secondTeam.total).toMatchObject({ ...none(), open: 1 });
    expect(noTeam.agents.map((x) => [x.userId, x.open])).toEqual([[carol.user.id, 1]]);
    expect(noTeam.unassigned).toEqual(none());

    // Every count lists exactly its cases in the queue.
    const listed = async (query: Record<string, string>) => {
      const body = (
        await t.get(`/api/v1/cases?${new URLSearchParams({ ...query, includeTotal: 'true' })}`, alice.token)
      ).body;
      return body.total as number;
    };
    const counts: WorkloadCount[] = ['open', 'waiting', 'atRisk', 'breached', 'solvedToday'];
    for (const tm of [firstTeam, secondTeam, noTeam]) {
      for (const count of counts) {
        expect(
          await listed(workloadCaseQuery(count, { teamId: tm.teamId }, w.today)),
          `${tm.name} ${count}`,
        ).toBe(tm.total[count]);
        for (const agent of tm.agents)
          expect(
            await listed(workloadCaseQuery(count, { teamId: tm.teamId, userId: agent.userId }, w.today)),
            `${tm.name} ${agent.name} ${count}`,
          ).toBe(agent[count]);
      }
      for (const count of counts)
        expect(await listed(workloadCaseQuery(count, { teamId: tm.teamId, userId: 'none' }, w.today))).toBe(
          tm.unassigned[count],
        );
    }
    const solvedList = (
      await t.get(
        `/api/v1/cases?${new URLSearchParams(workloadCaseQuery('solvedToday', { teamId: first, userId: a }, w.today))}`,
        alice.token,
      )
    ).body.items.map((c: { id: string }) => c.id);
    expect(solvedList).toEqual([solved.id]);

    // The longest wait opens every case of the row awaiting our reply (the oldest among them):
    // not a pending one, not one answered after the customer wrote, not a deleted one.
    const awaiting = async (of: { teamId: string | null; userId?: string }) =>
      (
        await t.get(
          `/api/v1/cases?${new URLSearchParams(workloadCaseQuery('awaitingReply', of, w.today))}`,
          alice.token,
        )
      ).body.items
        .map((c: { id: string }) => c.id)
        .sort();
    expect(await awaiting({ teamId: first, userId: a })).toEqual([atRisk.id, replied.id].sort());
    expect(await awaiting({ teamId: first, userId: bob.user.id })).toEqual([]);
    expect(await awaiting({ teamId: first, userId: 'none' })).toEqual([waitingLongest.id]);
    expect(await awaiting({ teamId: first })).toEqual([atRisk.id, replied.id, waitingLongest.id].sort());
    // Staff's filter (as the assignee's): a customer is refused; only `true` is a value.
    const login = await makeUser(t.db, 'customer', { customerId: customer.id });
    expect((await t.get('/api/v1/cases?awaitingReply=true', login.token)).status).toBe(403);
    expect((await t.get('/api/v1/cases?awaitingReply=false', alice.token)).status).toBe(400);
  });

  it('is for staff: a customer is refused', async () => {
    const customer = await makeUser(t.db, 'customer');
    expect((await t.get('/api/v1/workload', customer.token)).status).toBe(403);
    expect((await t.get('/api/v1/workload')).status).toBe(401);
  });

  it('counts today in the zone asked for (the web sends the one the person works in)', async () => {
    // Midnight in Kolkata (UTC+5:30, no daylight saving) is 18:30 UTC the day before.
    const res = await t.get('/api/v1/workload?timezone=Asia/Kolkata', admin);
    expect(res.status).toBe(200);
    const w = res.body as Workload;
    expect(w.timeZone).toBe('Asia/Kolkata');
    expect(w.today.from).toMatch(/T18:30:00\.000Z$/);
    expect(Date.parse(w.today.to) - Date.parse(w.today.from)).toBe(24 * 3600_000);
    expect(Date.parse(w.today.from)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(w.today.to)).toBeGreaterThan(Date.now());
    // Not a zone: refused, nothing counted.
    const bad = await t.get('/api/v1/workload?timezone=Mars/Olympus', admin);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_error' });
    expect(bad.body.error.message).toContain('timezone');
  });

  it('the solved period of the case list must not be empty', async () => {
    const at = new Date().toISOString();
    const res = await t.get(`/api/v1/cases?solvedFrom=${at}&solvedTo=${at}`, admin);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_error' });
    expect(res.body.error.message).toContain('solvedFrom');
  });
});
