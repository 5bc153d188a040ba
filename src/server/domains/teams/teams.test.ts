import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases } from '../cases/cases.table.js';
import { teams } from './teams.table.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeCase, makeCustomer, makeUser, unique } from '../../../../test/helpers/factories.js';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
});
afterAll(() => t?.close());

async function team(mode: string, members: { user: { id: string } }[]) {
  const res = await t.post(
    '/api/v1/teams',
    { name: `Team ${mode} ${Math.random()}`, assignmentMode: mode, memberIds: members.map((m) => m.user.id) },
    admin,
  );
  expect(res.status).toBe(201);
  return res.body as { id: string; members: { userId: string }[] };
}

const openFor = async (teamId: string, extra: Record<string, unknown> = {}) => {
  const customer = await makeCustomer(t.db);
  return t.post('/api/v1/cases', { subject: 'Assign me', customerId: customer.id, teamId, ...extra }, admin);
};

describe('teams and assignment', () => {
  it('manual teams keep cases in the team queue', async () => {
    const a = await makeUser(t.db, 'agent');
    const tm = await team('manual', [a]);
    const c = await openFor(tm.id);
    expect(c.body).toMatchObject({ teamId: tm.id, assigneeId: null, status: 'new' });
  });

  it('round robin takes turns among available members', async () => {
    const [a, b, c] = [
      await makeUser(t.db, 'agent'),
      await makeUser(t.db, 'agent'),
      await makeUser(t.db, 'agent'),
    ];
    const tm = await team('round_robin', [a, b, c]);
    const assigned: string[] = [];
    for (let i = 0; i < 6; i++) assigned.push((await openFor(tm.id)).body.assigneeId);
    expect(new Set(assigned.slice(0, 3)).size).toBe(3);
    expect(assigned.slice(3)).toEqual(assigned.slice(0, 3));
    expect((await openFor(tm.id)).body.status).toBe('open');
  });

  it('least-loaded picks the member with the fewest open cases who has the skills and room', async () => {
    const busy = await makeUser(t.db, 'agent');
    const idle = await makeUser(t.db, 'agent');
    const german = await makeUser(t.db, 'agent');
    const tm = await team('least_loaded', [busy, idle, german]);
    const customer = await makeCustomer(t.db);
    for (let i = 0; i < 3; i++) await makeCase(t.db, customer.id, { assigneeId: busy.user.id });
    await makeCase(t.db, customer.id, { assigneeId: german.user.id });
    expect(
      (await t.patch(`/api/v1/agents/${german.user.id}`, { skills: ['german'] }, admin)).body.skills,
    ).toEqual(['german']);
    expect((await openFor(tm.id)).body.assigneeId).toBe(idle.user.id);
    // Only the German speaker has the skill, load or not.
    expect((await openFor(tm.id, { requiredSkills: ['german'] })).body.assigneeId).toBe(german.user.id);
    // At capacity: nobody with the skill has room, so the case waits in the team queue.
    await t.patch(`/api/v1/agents/${german.user.id}`, { capacity: 2 }, admin);
    expect((await openFor(tm.id, { requiredSkills: ['german'] })).body.assigneeId).toBeNull();
  });

  it('least-loaded counts each member’s unsolved, not deleted cases, in any team; ties go to who waited longest', async () => {
    const [a, b, c] = [
      await makeUser(t.db, 'agent'),
      await makeUser(t.db, 'agent'),
      await makeUser(t.db, 'agent'),
    ];
    const tm = await team('least_loaded', [a, b, c]);
    const elsewhere = await team('manual', [b]);
    const customer = await makeCustomer(t.db);
    // a: 2 open; b: 1 open (in another team) besides solved and deleted ones; c: 3 open.
    for (const status of ['new', 'pending'] as const)
      await makeCase(t.db, customer.id, { assigneeId: a.user.id, status });
    await makeCase(t.db, customer.id, { assigneeId: b.user.id, teamId: elsewhere.id, status: 'on_hold' });
    for (let i = 0; i < 3; i++) {
      const solved = await makeCase(t.db, customer.id, { assigneeId: b.user.id });
      expect((await t.patch(`/api/v1/cases/${solved.id}`, { status: 'solved' }, admin)).status).toBe(200);
    }
    const deleted = await makeCase(t.db, customer.id, { assigneeId: b.user.id });
    await t.db.update(cases).set({ deletedAt: new Date() }).where(eq(cases.id, deleted.id));
    for (const status of ['open', 'open', 'on_hold'] as const)
      await makeCase(t.db, customer.id, { assigneeId: c.user.id, status });

    const next = async () => (await openFor(tm.id)).body.assigneeId as string;
    expect(await next()).toBe(b.user.id); // 1 against 2 and 3
    // a and b at 2: a, who never got one from the team, before b.
    expect(await next()).toBe(a.user.id);
    expect(await next()).toBe(b.user.id); // 2 against 3 and 3
    // All at 3: the one who got one longest ago (c never did), then a, then b.
    expect([await next(), await next(), await next()]).toEqual([c.user.id, a.user.id, b.user.id]);
    const loads = new Map(
      ((await t.get('/api/v1/agents', admin)).body.items as { userId: string; openCases: number }[]).map(
        (x) => [x.userId, x.openCases],
      ),
    );
    expect([a, b, c].map((x) => loads.get(x.user.id))).toEqual([4, 4, 4]);
  });

  it('an agent going away hands their open cases to the team', async () => {
    const leaving = await makeUser(t.db, 'agent');
    const staying = await makeUser(t.db, 'agent');
    const tm = await team('round_robin', [leaving, staying]);
    const c1 = (await openFor(tm.id, { assigneeId: leaving.user.id })).body;
    const loose = (
      await t.post(
        '/api/v1/cases',
        { subject: 'No team', customerId: (await makeCustomer(t.db)).id, assigneeId: leaving.user.id },
        admin,
      )
    ).body;
    const res = await t.patch(`/api/v1/agents/${leaving.user.id}`, { availability: 'away' }, leaving.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ availability: 'away', reassigned: 2, openCases: 0 });
    expect((await t.get(`/api/v1/cases/${c1.id}`, admin)).body.assigneeId).toBe(staying.user.id);
    expect((await t.get(`/api/v1/cases/${loose.id}`, admin)).body.assigneeId).toBeNull();
    // Away agents get no new cases.
    expect((await openFor(tm.id)).body.assigneeId).toBe(staying.user.id);
  });

  it('GET /agents: each agent’s open cases (unsolved, not deleted) and live teams', async () => {
    const [a, b, c] = [
      await makeUser(t.db, 'agent'),
      await makeUser(t.db, 'agent'),
      await makeUser(t.db, 'admin'),
    ];
    const kept = await team('manual', [a, c]);
    const other = await team('manual', [a]);
    const gone = await team('manual', [a, b]);
    expect((await t.del(`/api/v1/teams/${gone.id}`, admin)).status).toBe(204);
    const customer = await makeCustomer(t.db);
    for (const status of ['new', 'open', 'pending', 'on_hold'] as const)
      await makeCase(t.db, customer.id, { assigneeId: a.user.id, status });
    const solved = await makeCase(t.db, customer.id, { assigneeId: a.user.id });
    expect((await t.patch(`/api/v1/cases/${solved.id}`, { status: 'solved' }, admin)).status).toBe(200);
    const deleted = await makeCase(t.db, customer.id, { assigneeId: a.user.id });
    await t.db.update(cases).set({ deletedAt: new Date() }).where(eq(cases.id, deleted.id));
    await makeCase(t.db, customer.id, { assigneeId: c.user.id });
    await makeCase(t.db, customer.id, { teamId: kept.id });

    const res = await t.get('/api/v1/agents', admin);
    expect(res.status).toBe(200);
    const byId = new Map(
      (res.body.items as { userId: string; openCases: number; teamIds: string[] }[]).map((x) => [
        x.userId,
        x,
      ]),
    );
    expect(byId.get(a.user.id)).toMatchObject({ openCases: 4, teamIds: [kept.id, other.id].sort() });
    expect(byId.get(b.user.id)).toMatchObject({ openCases: 0, teamIds: [] });
    expect(byId.get(c.user.id)).toMatchObject({ openCases: 1, teamIds: [kept.id], role: 'admin' });
    // The team's members answer the same.
    const members = (await t.get(`/api/v1/teams/${kept.id}`, admin)).body.members as {
      userId: string;
      openCases: number;
    }[];
    expect(
      members.map((m) => [m.userId, m.openCases]).sort(([x], [y]) => String(x).localeCompare(String(y))),
    ).toEqual(
      [
        [a.user.id, 4],
        [c.user.id, 1],
      ].sort(([x], [y]) => String(x).localeCompare(String(y))),
    );
  });

  it('agents set only their own availability; only admins manage teams, skills and capacity', async () => {
    const a = await makeUser(t.db, 'agent');
    const b = await makeUser(t.db, 'agent');
    expect((await t.patch(`/api/v1/agents/${b.user.id}`, { availability: 'away' }, a.token)).status).toBe(
      403,
    );
    expect((await t.patch(`/api/v1/agents/${a.user.id}`, { capacity: 99 }, a.token)).status).toBe(403);
    expect((await t.post('/api/v1/teams', { name: 'Mine' }, a.token)).status).toBe(403);
    const customer = (await makeUser(t.db, 'customer')).token;
    expect((await t.get('/api/v1/teams', customer)).status).toBe(403);
    expect((await t.get('/api/v1/agents', customer)).status).toBe(403);
  });

  it('a name another live team has, in any case, is refused (409 team_exists); a deleted team’s is free', async () => {
    const first = await t.post('/api/v1/teams', { name: 'Customer care' }, admin);
    expect(first.status).toBe(201);
    const twice = await t.post('/api/v1/teams', { name: 'customer CARE' }, admin);
    expect(twice.status).toBe(409);
    expect(twice.body.error).toEqual({
      code: 'team_exists',
      message: 'a team named "Customer care" exists already',
    });
    const other = await t.post('/api/v1/teams', { name: 'Logistics desk' }, admin);
    const renamed = await t.patch(`/api/v1/teams/${other.body.id}`, { name: 'Customer Care' }, admin);
    expect(renamed.status).toBe(409);
    expect((await t.get(`/api/v1/teams/${other.body.id}`, admin)).body.name).toBe('Logistics desk');
    // Its own name, written otherwise, is no clash.
    const recased = await t.patch(`/api/v1/teams/${first.body.id}`, { name: 'Customer Care' }, admin);
    expect(recased.status).toBe(200);
    expect(recased.body.name).toBe('Customer Care');
    // The database holds it too (teams_name_live_uq), whatever writes there.
    await expect(t.db.insert(teams).values({ name: 'LOGISTICS DESK' })).rejects.toThrow();
    expect((await t.del(`/api/v1/teams/${other.body.id}`, admin)).status).toBe(204);
    expect((await t.del(`/api/v1/teams/${first.body.id}`, admin)).status).toBe(204);
    expect((await t.post('/api/v1/teams', { name: 'Customer care' }, admin)).status).toBe(201);
    const names = (await t.get('/api/v1/teams', admin)).body.items.map((x: { name: string }) => x.name);
    expect(names.filter((n: string) => n.toLowerCase() === 'customer care')).toEqual(['Customer care']);
  });

  it('two admins creating or renaming teams to one name at one moment: exactly one succeeds', async () => {
    const name = `Night shift ${unique()}`;
    const creates = await Promise.all(
      [name, name.toUpperCase(), name.toLowerCase(), name].map((n) =>
        t.post('/api/v1/teams', { name: n }, admin),
      ),
    );
    expect(creates.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    for (const lost of creates.filter((r) => r.status === 409))
      expect(lost.body.error.code).toBe('team_exists');
    const renamed = `Weekend ${unique()}`;
    const a = await t.post('/api/v1/teams', { name: `A ${unique()}` }, admin);
    const b = await t.post('/api/v1/teams', { name: `B ${unique()}` }, admin);
    const renames = await Promise.all(
      [a, b].map((x) => t.patch(`/api/v1/teams/${x.body.id}`, { name: renamed }, admin)),
    );
    expect(renames.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(renames.find((r) => r.status === 409)!.body.error.code).toBe('team_exists');
    const names = (await t.get('/api/v1/teams', admin)).body.items.map((x: { name: string }) => x.name);
    expect(names.filter((n: string) => n.toLowerCase() === name.toLowerCase())).toHaveLength(1);
    expect(names.filter((n: string) => n === renamed)).toHaveLength(1);
  });

  it('members must be staff; a team with unsolved cases cannot be deleted', async () => {
    const customerUser = await makeUser(t.db, 'customer');
    const bad = await t.post('/api/v1/teams', { name: 'Bad', memberIds: [customerUser.user.id] }, admin);
    expect(bad.status).toBe(422);
    const a = await makeUser(t.db, 'agent');
    const tm = await team('manual', [a]);
    const c = (await openFor(tm.id)).body;
    expect((await t.del(`/api/v1/teams/${tm.id}`, admin)).status).toBe(409);
    await t.patch(`/api/v1/cases/${c.id}`, { status: 'solved' }, admin);
    expect((await t.del(`/api/v1/teams/${tm.id}`, admin)).status).toBe(204);
    const listed = await t.get('/api/v1/teams', admin);
    expect(listed.body.items.map((x: { id: string }) => x.id)).not.toContain(tm.id);
  });
});
