import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  buildOrganization,
  makeCustomer,
  makeOrganization,
  makeSegment,
  makeUser,
  unique,
} from '../../../../test/helpers/factories.js';

let t: TestApp;
let admin: string;
let agent: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = (await makeUser(t.db, 'agent')).token;
});
afterAll(() => t?.close());

describe('organizations', () => {
  it('creates, reads with a customer count, updates', async () => {
    const seg = await makeSegment(t.db);
    const u = unique();
    const res = await t.post(
      '/api/v1/organizations',
      {
        name: `Acme ${u}`,
        domains: [`ACME-${u}.example`],
        segment: seg.key,
        customFields: { region: 'EMEA' },
        notes: 'Key account',
      },
      agent,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      domains: [`acme-${u}.example`],
      segment: seg.key,
      customerCount: 0,
      notes: 'Key account',
    });
    await makeCustomer(t.db, { organizationId: res.body.id });
    await makeCustomer(t.db, { organizationId: res.body.id });
    const read = await t.get(`/api/v1/organizations/${res.body.id}`, agent);
    expect(read.body.customerCount).toBe(2);
    const upd = await t.patch(
      `/api/v1/organizations/${res.body.id}`,
      { notes: null, name: `Acme Corp ${u}` },
      agent,
    );
    expect(upd.body).toMatchObject({ notes: null, name: `Acme Corp ${u}`, customerCount: 2 });
  });

  it('a domain belongs to one organization (409)', async () => {
    const a = await makeOrganization(t.db);
    const res = await t.post('/api/v1/organizations', buildOrganization({ domains: [a.domains[0]!] }), agent);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('domain_taken');
    const b = await makeOrganization(t.db);
    const upd = await t.patch(
      `/api/v1/organizations/${b.id}`,
      { domains: [...b.domains, a.domains[0]] },
      agent,
    );
    expect(upd.status).toBe(409);
  });

  it('rejects bad domains and repeated domains', async () => {
    for (const domains of [['not a domain'], ['a.example', 'a.example'], ['x'.repeat(300) + '.com']]) {
      const res = await t.post('/api/v1/organizations', { name: 'Bad', domains }, agent);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^body\.domains/);
    }
  });

  it('searches by name part or exact domain, filters by segment', async () => {
    const seg = await makeSegment(t.db);
    const u = unique();
    const org = await makeOrganization(t.db, {
      name: `Umbrella ${u} Holdings`,
      domains: [`umbrella-${u}.example`],
      segment: seg.key,
    });
    const byName = await t.get(`/api/v1/organizations?q=${u}%20hold`, agent);
    expect(byName.body.items.map((o: { id: string }) => o.id)).toEqual([org.id]);
    const byDomain = await t.get(`/api/v1/organizations?q=umbrella-${u}.example`, agent);
    expect(byDomain.body.items.map((o: { id: string }) => o.id)).toEqual([org.id]);
    const bySegment = await t.get(`/api/v1/organizations?segment=${seg.key}&includeTotal=true`, agent);
    expect(bySegment.body.total).toBe(1);
  });

  it('deletes only without live customers, and only as admin', async () => {
    const org = await makeOrganization(t.db);
    const c = await makeCustomer(t.db, { organizationId: org.id });
    expect((await t.del(`/api/v1/organizations/${org.id}`, agent)).status).toBe(403);
    const busy = await t.del(`/api/v1/organizations/${org.id}`, admin);
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('organization_has_customers');
    await t.del(`/api/v1/customers/${c.id}`, admin);
    expect((await t.del(`/api/v1/organizations/${org.id}`, admin)).status).toBe(204);
    expect((await t.get(`/api/v1/organizations/${org.id}`, admin)).status).toBe(404);
    // Its domain is free again.
    expect(
      (await t.post('/api/v1/organizations', buildOrganization({ domains: org.domains }), agent)).status,
    ).toBe(201);
  });

  it('a deleted organization cannot be given to a customer', async () => {
    const org = await makeOrganization(t.db);
    await t.del(`/api/v1/organizations/${org.id}`, admin);
    const res = await t.post('/api/v1/customers', { name: 'x', organizationId: org.id }, agent);
    expect(res.status).toBe(422);
  });
});

describe('organization boundaries', () => {
  it('a customer without organization access sees no organization', async () => {
    const org = await makeOrganization(t.db);
    const me = await makeCustomer(t.db, { organizationId: org.id });
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    expect((await t.get(`/api/v1/organizations/${org.id}`, token)).status).toBe(404);
    expect((await t.get('/api/v1/organizations', token)).body.items).toHaveLength(0);
  });

  it('a customer with access sees their own organization only, and cannot change it', async () => {
    const org = await makeOrganization(t.db);
    const other = await makeOrganization(t.db);
    const me = await makeCustomer(t.db, { organizationId: org.id, organizationAccess: true });
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    expect((await t.get(`/api/v1/organizations/${org.id}`, token)).status).toBe(200);
    expect((await t.get(`/api/v1/organizations/${other.id}`, token)).status).toBe(404);
    const list = await t.get('/api/v1/organizations?limit=500', token);
    expect(list.body.items.map((o: { id: string }) => o.id)).toEqual([org.id]);
    expect((await t.patch(`/api/v1/organizations/${org.id}`, { name: 'Mine now' }, token)).status).toBe(403);
    expect((await t.post('/api/v1/organizations', buildOrganization(), token)).status).toBe(403);
  });
});
