import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeOrganization, makeUser, unique } from '../../../../test/helpers/factories.js';

let t: TestApp;
let admin: string;
let agent: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = (await makeUser(t.db, 'agent')).token;
});
afterAll(() => t?.close());

describe('segments', () => {
  it('admins create, rename and list segments with usage counts', async () => {
    const key = `ent-${unique()}`;
    const res = await t.post('/api/v1/segments', { key, name: 'Enterprise' }, admin);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ key, name: 'Enterprise', organizationCount: 0, customerCount: 0 });
    await makeOrganization(t.db, { segment: key });
    const upd = await t.patch(
      `/api/v1/segments/${key}`,
      { name: 'Enterprise accounts', description: 'Big ones' },
      admin,
    );
    expect(upd.body).toMatchObject({
      name: 'Enterprise accounts',
      description: 'Big ones',
      organizationCount: 1,
    });
    const list = await t.get('/api/v1/segments', agent);
    expect(list.body.items.find((s: { key: string }) => s.key === key)?.organizationCount).toBe(1);
  });

  it('agents read but do not manage; customers do not even read', async () => {
    const key = `smb-${unique()}`;
    expect((await t.post('/api/v1/segments', { key, name: 'SMB' }, agent)).status).toBe(403);
    await t.post('/api/v1/segments', { key, name: 'SMB' }, admin);
    expect((await t.get(`/api/v1/segments/${key}`, agent)).status).toBe(200);
    expect((await t.patch(`/api/v1/segments/${key}`, { name: 'x' }, agent)).status).toBe(403);
    expect((await t.del(`/api/v1/segments/${key}`, agent)).status).toBe(403);
    const { token } = await makeUser(t.db, 'customer');
    expect((await t.get('/api/v1/segments', token)).status).toBe(403);
  });

  it('a segment in use cannot be deleted; a deleted key is never reused', async () => {
    const key = `c-${unique()}`;
    await t.post('/api/v1/segments', { key, name: 'Consumer' }, admin);
    const org = await makeOrganization(t.db, { segment: key });
    const busy = await t.del(`/api/v1/segments/${key}`, admin);
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('segment_in_use');
    await t.patch(`/api/v1/organizations/${org.id}`, { segment: null }, admin);
    expect((await t.del(`/api/v1/segments/${key}`, admin)).status).toBe(204);
    expect((await t.get(`/api/v1/segments/${key}`, admin)).status).toBe(404);
    const again = await t.post('/api/v1/segments', { key, name: 'Again' }, admin);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('segment_exists');
    // And it can no longer be assigned.
    expect((await t.post('/api/v1/organizations', { name: 'x', segment: key }, admin)).status).toBe(422);
  });

  it('validates keys', async () => {
    const res = await t.post('/api/v1/segments', { key: 'Has Spaces', name: 'x' }, admin);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^body\.key/);
    // The web UI's form for a new segment lives at /admin/segments/new.
    const reserved = await t.post('/api/v1/segments', { key: 'new', name: 'x' }, admin);
    expect([reserved.status, reserved.body.error.message]).toEqual([
      400,
      'body.key: the key "new" is reserved',
    ]);
  });
});
