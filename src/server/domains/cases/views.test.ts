// Queue views and the case list filtered by case fields: the filters a view saves, its changes,
// who may see and change it, and the boundaries (another agent's view, a customer's filter).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeCase, makeCustomer, makeUser, unique } from '../../../../test/helpers/factories.js';
import { rows } from '../../../db/client.js';

let t: TestApp;
let admin: string;
let agent: string;
let agent2: string;
let customer: { id: string; token: string };
/** Three cases of one customer: carrier Parcelo (3 parcels), carrier Boxly (12), none. */
let cases: { parcelo: string; boxly: string; none: string };
const carrier = `carrier_${unique()}`;
const parcels = `parcels_${unique()}`;

beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = (await makeUser(t.db, 'agent')).token;
  agent2 = (await makeUser(t.db, 'agent')).token;
  const c = await makeCustomer(t.db);
  const portal = await makeUser(t.db, 'customer', { customerId: c.id });
  customer = { id: c.id, token: portal.token };
  for (const body of [
    { key: carrier, label: 'Carrier', type: 'select', options: ['Parcelo', 'Boxly'] },
    { key: parcels, label: 'Parcels', type: 'number' },
  ])
    expect((await t.post('/api/v1/case-fields', body, admin)).status).toBe(201);
  const make = async (customFields: Record<string, unknown>) =>
    (await makeCase(t.db, c.id, { subject: `Parcels ${unique()}`, customFields })).id;
  cases = {
    parcelo: await make({ [carrier]: 'Parcelo', [parcels]: 3 }),
    boxly: await make({ [carrier]: 'Boxly', [parcels]: 12 }),
    none: await make({}),
  };
});
afterAll(() => t?.close());

const ids = (body: { items: { id: string }[] }) => body.items.map((c) => c.id).sort();
const listed = async (query: string, token = agent) => {
  const res = await t.get(`/api/v1/cases?customerId=${customer.id}&${query}`, token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return ids(res.body);
};

describe('the case list by case fields', () => {
  it('finds the cases whose field has the value, read as the field type', async () => {
    expect(await listed(`field=${carrier}:Parcelo`)).toEqual([cases.parcelo]);
    // A list field's option in any case; a number as a number ("12.0" is 12).
    expect(await listed(`field=${carrier}:boxly`)).toEqual([cases.boxly]);
    expect(await listed(`field=${parcels}:12.0`)).toEqual([cases.boxly]);
    // All filters must hold; an empty value finds the cases without one.
    expect(await listed(`field=${carrier}:Boxly&field=${parcels}:3`)).toEqual([]);
    expect(await listed(`field=${carrier}:`)).toEqual([cases.none]);
  });

  it('refuses a value the field cannot hold, and a malformed filter', async () => {
    const bad = await t.get(`/api/v1/cases?field=${parcels}:many`, agent);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_field_filter' });
    expect(bad.body.error.message).toContain(parcels);
    const option = await t.get(`/api/v1/cases?field=${carrier}:Pigeon`, agent);
    expect(option.status).toBe(400);
    expect((await t.get('/api/v1/cases?field=nocolon', agent)).status).toBe(400);
  });

  it('the CSV export takes the same filter', async () => {
    const res = await t.get<string>(
      `/api/v1/cases/export.csv?customerId=${customer.id}&field=${carrier}:Parcelo`,
      agent,
    );
    expect(res.status).toBe(200);
    const lines = String(res.body).trim().split('\n');
    expect(lines).toHaveLength(2);
  });

  it('a customer cannot filter by case fields (they are for staff)', async () => {
    const res = await t.get(`/api/v1/cases?field=${carrier}:Parcelo`, customer.token);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_field_filter');
    // Their list without it still works.
    expect((await t.get('/api/v1/cases', customer.token)).body.items.length).toBe(3);
  });
});

describe('saved views', () => {
  it('save case field filters, count by them, and are checked before anything is written', async () => {
    const name = `Boxly ${unique()}`;
    const view = await t.post(
      '/api/v1/views',
      { name, filters: { customerId: customer.id, fields: [`${carrier}:Boxly`] } },
      agent,
    );
    expect(view.status, JSON.stringify(view.body)).toBe(201);
    expect(view.body).toMatchObject({ name, shared: false, count: 1, countCapped: false });
    expect(ids((await t.get(`/api/v1/cases?view=${view.body.id}`, agent)).body)).toEqual([cases.boxly]);
    const bad = await t.post(
      '/api/v1/views',
      { name: `Bad ${unique()}`, filters: { fields: [`${parcels}:lots`] } },
      agent,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_field_filter');
    const badPatch = await t.patch(
      `/api/v1/views/${view.body.id}`,
      { filters: { fields: [`${parcels}:x`] } },
      agent,
    );
    expect(badPatch.status).toBe(400);
    const now = (await t.get(`/api/v1/views/${view.body.id}`, agent)).body;
    expect(now.filters).toEqual({ customerId: customer.id, fields: [`${carrier}:Boxly`] });
    expect(now.updatedAt).toBe(view.body.updatedAt);
    const names = (await t.get('/api/v1/views', agent)).body.items.map((v: { name: string }) => v.name);
    expect(names).not.toContain(expect.stringMatching(/^Bad /));
  });

  it('a saved filter its field can no longer hold matches nothing instead of breaking the list', async () => {
    const field = `stage_${unique()}`;
    await t.post(
      '/api/v1/case-fields',
      { key: field, label: 'Stage', type: 'select', options: ['a', 'b'] },
      admin,
    );
    const view = await t.post(
      '/api/v1/views',
      { name: `Stage ${unique()}`, filters: { fields: [`${field}:b`] } },
      agent,
    );
    expect(view.status).toBe(201);
    await t.patch(`/api/v1/case-fields/${field}`, { options: ['a', 'c'] }, admin);
    const list = await t.get('/api/v1/views', agent);
    expect(list.status).toBe(200);
    expect(list.body.items.find((v: { id: string }) => v.id === view.body.id)).toMatchObject({ count: 0 });
    expect((await t.get(`/api/v1/cases?view=${view.body.id}`, agent)).body.items).toEqual([]);
  });

  it('a change and a removal are domain events; an unchanged save writes nothing', async () => {
    const view = await t.post(
      '/api/v1/views',
      { name: `Mine ${unique()}`, filters: { priority: ['high'] } },
      agent,
    );
    const id = view.body.id as string;
    const same = await t.patch(`/api/v1/views/${id}`, { name: view.body.name }, agent);
    expect(same.body.updatedAt).toBe(view.body.updatedAt);
    // The same filters, their keys in another order (as a form sends them back): no change.
    await t.patch(`/api/v1/views/${id}`, { filters: { tags: ['a'], priority: ['high'] } }, agent);
    const reordered = await t.patch(
      `/api/v1/views/${id}`,
      { filters: { priority: ['high'], tags: ['a'] } },
      agent,
    );
    expect(reordered.body.filters).toEqual({ priority: ['high'], tags: ['a'] });
    const again = await t.patch(
      `/api/v1/views/${id}`,
      { filters: { tags: ['a'], priority: ['high'] } },
      agent,
    );
    expect(again.body.updatedAt).toBe(reordered.body.updatedAt);
    const changed = await t.patch(
      `/api/v1/views/${id}`,
      { filters: { priority: ['urgent'] }, sort: 'createdAt' },
      agent,
    );
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ filters: { priority: ['urgent'] }, sort: 'createdAt' });
    expect((await t.del(`/api/v1/views/${id}`, agent)).status).toBe(204);
    expect((await t.get(`/api/v1/views/${id}`, agent)).status).toBe(404);
    const logged = await rows<{ type: string; data: Record<string, unknown> }>(
      t.db,
      sql`select type, data from domain_events where entity_type = 'view' and entity_id = ${id} order by id`,
    );
    expect(logged.map((e) => e.type)).toEqual([
      'view.created',
      'view.updated',
      'view.updated',
      'view.deleted',
    ]);
    expect(logged[2]!.data).toEqual({
      changes: {
        filters: { from: { priority: ['high'], tags: ['a'] }, to: { priority: ['urgent'] } },
        sort: { from: 'nextDueAt', to: 'createdAt' },
      },
    });
  });

  it('another agent can neither read, change nor remove a personal view; only admins change shared ones', async () => {
    const mine = await t.post('/api/v1/views', { name: `Private ${unique()}`, filters: {} }, agent);
    for (const res of [
      await t.get(`/api/v1/views/${mine.body.id}`, agent2),
      await t.patch(`/api/v1/views/${mine.body.id}`, { name: 'Taken' }, agent2),
      await t.del(`/api/v1/views/${mine.body.id}`, agent2),
      await t.patch(`/api/v1/views/${mine.body.id}`, { name: 'Taken' }, admin),
    ])
      expect(res.status).toBe(404);
    expect((await t.get(`/api/v1/views/${mine.body.id}`, agent)).body.name).toBe(mine.body.name);
    const shared = await t.post(
      '/api/v1/views',
      { name: `Team ${unique()}`, filters: {}, shared: true },
      admin,
    );
    expect((await t.get(`/api/v1/views/${shared.body.id}`, agent)).status).toBe(200);
    expect((await t.patch(`/api/v1/views/${shared.body.id}`, { name: 'Mine now' }, agent)).status).toBe(403);
    expect((await t.del(`/api/v1/views/${shared.body.id}`, agent)).status).toBe(403);
    // A view stays shared or personal.
    const still = await t.patch(`/api/v1/views/${shared.body.id}`, { shared: false, name: 'Renamed' }, admin);
    expect(still.body).toMatchObject({ shared: true, name: 'Renamed' });
    // Customers have no views.
    expect((await t.get('/api/v1/views', customer.token)).status).toBe(403);
    expect((await t.get(`/api/v1/views/${shared.body.id}`, customer.token)).status).toBe(403);
  });
});

describe('views for a team', () => {
  it('are made by admins, seen and used by the team’s members only, and moved to another team', async () => {
    const member = await makeUser(t.db, 'agent');
    const outsider = await makeUser(t.db, 'agent');
    const team = await t.post(
      '/api/v1/teams',
      { name: `Returns ${unique()}`, memberIds: [member.user.id] },
      admin,
    );
    const other = await t.post(
      '/api/v1/teams',
      { name: `Billing ${unique()}`, memberIds: [outsider.user.id] },
      admin,
    );
    expect(team.status).toBe(201);
    // An agent may not make one (it is shared).
    const mine = await t.post(
      '/api/v1/views',
      { name: 'Returns queue', filters: { customerId: customer.id }, teamId: team.body.id },
      member.token,
    );
    expect(mine.status).toBe(403);
    const made = await t.post(
      '/api/v1/views',
      { name: 'Returns queue', filters: { customerId: customer.id }, teamId: team.body.id },
      admin,
    );
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      shared: true,
      teamId: team.body.id,
      team: { id: team.body.id, name: team.body.name },
      count: 3,
    });
    const names = async (token: string) =>
      ((await t.get('/api/v1/views', token)).body.items as { name: string; id: string }[])
        .filter((v) => v.id === made.body.id)
        .map((v) => v.name);
    expect(await names(member.token)).toEqual(['Returns queue']);
    expect(await names(admin)).toEqual(['Returns queue']);
    expect(await names(outsider.token)).toEqual([]);
    // The outsider can neither read it nor list its cases through it.
    expect((await t.get(`/api/v1/views/${made.body.id}`, outsider.token)).status).toBe(404);
    expect((await t.get(`/api/v1/cases?view=${made.body.id}`, outsider.token)).status).toBe(404);
    expect((await t.get(`/api/v1/cases/export.csv?view=${made.body.id}`, outsider.token)).status).toBe(404);
    expect((await t.get(`/api/v1/cases?view=${made.body.id}`, member.token)).body.items).toHaveLength(3);

    // Given to the other team, it changes hands.
    const moved = await t.patch(`/api/v1/views/${made.body.id}`, { teamId: other.body.id }, admin);
    expect(moved.status).toBe(200);
    expect(moved.body.team.name).toBe(other.body.name);
    expect(await names(member.token)).toEqual([]);
    expect(await names(outsider.token)).toEqual(['Returns queue']);
    // For every agent again.
    await t.patch(`/api/v1/views/${made.body.id}`, { teamId: null }, admin);
    expect(await names(member.token)).toEqual(['Returns queue']);
  });

  it('refuses a team that does not exist, and a personal view for a team', async () => {
    const none = await t.post(
      '/api/v1/views',
      { name: 'Nobody’s', filters: {}, teamId: '0190a000-0000-7000-8000-000000000000' },
      admin,
    );
    expect(none.status).toBe(422);
    expect(none.body.error.code).toBe('invalid_reference');
    const personal = await t.post('/api/v1/views', { name: 'Mine', filters: {} }, agent);
    expect(personal.status).toBe(201);
    const team = await t.post('/api/v1/teams', { name: `Solo ${unique()}` }, admin);
    const res = await t.patch(`/api/v1/views/${personal.body.id}`, { teamId: team.body.id }, agent);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('personal_view');
    expect((await t.get(`/api/v1/views/${personal.body.id}`, agent)).body.teamId).toBeNull();
  });
});
