// Reply templates: saving them (placeholders checked), who sees and changes them (personal,
// shared, a team's), filling them in for a case, and the counts that order the picker.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  makeCase,
  makeCustomer,
  makeOrganization,
  makeUser,
  unique,
} from '../../../../test/helpers/factories.js';

let t: TestApp;
let admin: string;
let agent: { token: string; user: { id: string; name: string } };
let other: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = await makeUser(t.db, 'agent');
  other = (await makeUser(t.db, 'agent')).token;
});
afterAll(() => t?.close());

const create = (body: Record<string, unknown>, token: string) =>
  t.post('/api/v1/reply-templates', body, token);
const namesFor = async (token: string, q?: string) =>
  (await t.get(`/api/v1/reply-templates${q ? `?q=${encodeURIComponent(q)}` : ''}`, token)).body.items.map(
    (r: { name: string }) => r.name,
  );

describe('reply templates', () => {
  it('fills in the case’s names, says what had no value, and counts its uses', async () => {
    const org = await makeOrganization(t.db);
    const customer = await makeCustomer(t.db, { name: 'Maria Jensen', organizationId: org.id });
    const c = await makeCase(t.db, customer.id, { subject: 'Parcel lost' });
    const made = await create(
      {
        name: `Where is it ${unique()}`,
        body: 'Hi {{customer.firstName}},\n\nabout #{{case.number}} ({{case.subject}}) for {{ organization.name }}.\n\n{{agent.firstName}}',
      },
      agent.token,
    );
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ shared: false, teamId: null, uses: 0, lastUsedAt: null });

    const rendered = await t.post(
      `/api/v1/reply-templates/${made.body.id}/render`,
      { caseId: c.id },
      agent.token,
    );
    expect(rendered.status).toBe(200);
    const agentFirst = agent.user.name.split(' ')[0];
    expect(rendered.body).toEqual({
      body: `Hi Maria,\n\nabout #${c.number} (Parcel lost) for ${org.name}.\n\n${agentFirst}`,
      missing: [],
    });
    // A customer without an organization: left empty, and said.
    const alone = await makeCustomer(t.db, { name: 'Lars' });
    const lonely = await makeCase(t.db, alone.id);
    const partial = await t.post(
      `/api/v1/reply-templates/${made.body.id}/render`,
      { caseId: lonely.id },
      agent.token,
    );
    expect(partial.body.missing).toEqual(['organization.name']);
    expect(partial.body.body).toContain('for .');

    const after = await t.get(`/api/v1/reply-templates/${made.body.id}`, agent.token);
    expect(after.body.uses).toBe(2);
    expect(after.body.lastUsedAt).not.toBeNull();
    // A use is not a change: the version an editor holds stays good.
    expect(after.body.updatedAt).toBe(made.body.updatedAt);

    // A case that is not there (or deleted) is 404; nothing counted.
    const gone = await t.post(
      `/api/v1/reply-templates/${made.body.id}/render`,
      { caseId: '0190a000-0000-7000-8000-000000000000' },
      agent.token,
    );
    expect(gone.status).toBe(404);
    expect((await t.get(`/api/v1/reply-templates/${made.body.id}`, agent.token)).body.uses).toBe(2);
  });

  it('lists the most used first and finds words in the name or text', async () => {
    const me = await makeUser(t.db, 'agent');
    const c = await makeCase(t.db, (await makeCustomer(t.db)).id);
    const ids: Record<string, string> = {};
    for (const [name, body] of [
      ['Refund sent', 'Your refund is on its way.'],
      ['Address check', 'Please confirm your delivery address.'],
      ['Thanks', 'Thank you for your patience.'],
    ] as const)
      ids[name] = (await create({ name, body }, me.token)).body.id;
    expect(await namesFor(me.token)).toEqual(['Address check', 'Refund sent', 'Thanks']);
    for (let i = 0; i < 2; i++)
      await t.post(`/api/v1/reply-templates/${ids.Thanks}/render`, { caseId: c.id }, me.token);
    await t.post(`/api/v1/reply-templates/${ids['Refund sent']}/render`, { caseId: c.id }, me.token);
    expect(await namesFor(me.token)).toEqual(['Thanks', 'Refund sent', 'Address check']);
    expect(await namesFor(me.token, 'delivery')).toEqual(['Address check']);
    expect(await namesFor(me.token, 'YOUR way')).toEqual(['Refund sent']);
    expect(await namesFor(me.token, '%')).toEqual([]);
  });

  it('refuses placeholders that do not exist, with nothing written', async () => {
    const me = await makeUser(t.db, 'agent');
    const res = await create(
      { name: 'Order', body: 'Order {{refs.orderId}} for {{customer.phone}}' },
      me.token,
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('invalid_placeholder');
    expect(res.body.error.details).toEqual([
      { path: 'body.body', message: 'no such placeholder {{refs.orderId}}' },
      { path: 'body.body', message: 'no such placeholder {{customer.phone}}' },
    ]);
    expect(await namesFor(me.token)).toEqual([]);
    for (const body of [
      { name: '', body: 'x' },
      { name: 'x', body: '  ' },
      { name: 'x', body: 'y', extra: 1 },
    ]) {
      expect((await create(body, me.token)).status).toBe(400);
    }
    const ok = await create({ name: 'Fine', body: 'Hi' }, me.token);
    const bad = await t.patch(`/api/v1/reply-templates/${ok.body.id}`, { body: 'Hi {{nope}}' }, me.token);
    expect(bad.status).toBe(422);
    expect((await t.get(`/api/v1/reply-templates/${ok.body.id}`, me.token)).body.body).toBe('Hi');
  });

  it('changes and deletes with If-Match, each change an event', async () => {
    const made = await create({ name: 'Draft', body: 'One' }, agent.token);
    const changed = await t.request('PATCH', `/api/v1/reply-templates/${made.body.id}`, {
      body: { name: 'Final', body: 'Two' },
      token: agent.token,
      headers: { 'if-match': made.body.updatedAt },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Final', body: 'Two' });
    const stale = await t.request('PATCH', `/api/v1/reply-templates/${made.body.id}`, {
      body: { name: 'Stale' },
      token: agent.token,
      headers: { 'if-match': made.body.updatedAt },
    });
    expect(stale.status).toBe(412);
    expect((await t.del(`/api/v1/reply-templates/${made.body.id}`, agent.token)).status).toBe(204);
    expect((await t.get(`/api/v1/reply-templates/${made.body.id}`, agent.token)).status).toBe(404);
    const events = await rows<{ type: string; data: Record<string, unknown> }>(
      t.db,
      sql`select type, data from domain_events where entity_id = ${made.body.id} order by id`,
    );
    expect(events.map((e) => e.type)).toEqual([
      'reply_template.created',
      'reply_template.updated',
      'reply_template.deleted',
    ]);
    expect(events[1]!.data).toEqual({
      changes: { name: { from: 'Draft', to: 'Final' }, body: { from: 'One', to: 'Two' } },
    });
  });
});

describe('who sees and changes them', () => {
  it('a personal one is its owner’s alone; a shared one is made and changed by admins only', async () => {
    const mine = await create({ name: `Mine ${unique()}`, body: 'Hi' }, agent.token);
    const c = await makeCase(t.db, (await makeCustomer(t.db)).id);
    for (const [method, path, body] of [
      ['GET', `/api/v1/reply-templates/${mine.body.id}`, undefined],
      ['PATCH', `/api/v1/reply-templates/${mine.body.id}`, { name: 'Taken' }],
      ['DELETE', `/api/v1/reply-templates/${mine.body.id}`, undefined],
      ['POST', `/api/v1/reply-templates/${mine.body.id}/render`, { caseId: c.id }],
    ] as const) {
      for (const token of [other, admin]) {
        const res = await t.request(method, path, { body, token });
        expect(res.status, `${method} ${path}`).toBe(404);
      }
    }
    expect(await namesFor(other)).not.toContain(mine.body.name);
    expect((await t.get(`/api/v1/reply-templates/${mine.body.id}`, agent.token)).body.name).toBe(
      mine.body.name,
    );

    // Agents may not share one, nor change or delete a shared one.
    expect((await create({ name: 'Everyone', body: 'Hi', shared: true }, agent.token)).status).toBe(403);
    const shared = await create({ name: `Shared ${unique()}`, body: 'Hello', shared: true }, admin);
    expect(shared.body.shared).toBe(true);
    expect(await namesFor(other)).toContain(shared.body.name);
    expect(
      (await t.patch(`/api/v1/reply-templates/${shared.body.id}`, { body: 'Mine now' }, other)).status,
    ).toBe(403);
    expect((await t.del(`/api/v1/reply-templates/${shared.body.id}`, other)).status).toBe(403);
    expect((await t.get(`/api/v1/reply-templates/${shared.body.id}`, other)).body.body).toBe('Hello');
    // But use it.
    expect(
      (await t.post(`/api/v1/reply-templates/${shared.body.id}/render`, { caseId: c.id }, other)).status,
    ).toBe(200);

    // Customers have none of it.
    const customer = await makeUser(t.db, 'customer');
    expect((await t.get('/api/v1/reply-templates', customer.token)).status).toBe(403);
    expect(
      (await t.post(`/api/v1/reply-templates/${shared.body.id}/render`, { caseId: c.id }, customer.token))
        .status,
    ).toBe(403);
  });

  it('a team’s is seen by its members only; a personal one is not for a team', async () => {
    const member = await makeUser(t.db, 'agent');
    const outsider = await makeUser(t.db, 'agent');
    const team = await t.post(
      '/api/v1/teams',
      { name: `Returns ${unique()}`, memberIds: [member.user.id] },
      admin,
    );
    expect(team.status).toBe(201);
    const made = await create(
      { name: `Returns label ${unique()}`, body: 'Label attached.', teamId: team.body.id },
      admin,
    );
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ shared: true, teamId: team.body.id, team: { name: team.body.name } });
    expect(await namesFor(member.token)).toContain(made.body.name);
    expect(await namesFor(outsider.token)).not.toContain(made.body.name);
    expect((await t.get(`/api/v1/reply-templates/${made.body.id}`, outsider.token)).status).toBe(404);

    const personal = await create({ name: 'Just me', body: 'x' }, member.token);
    const res = await t.patch(
      `/api/v1/reply-templates/${personal.body.id}`,
      { teamId: team.body.id },
      member.token,
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('personal_template');
    const noTeam = await create(
      { name: 'Ghost', body: 'x', teamId: '0190a000-0000-7000-8000-000000000000' },
      admin,
    );
    expect(noTeam.status).toBe(422);
    expect(noTeam.body.error.code).toBe('invalid_reference');
  });
});
