import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { rows } from '../../../db/client.js';
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
    for (const [domains, message] of [
      [
        ['good.example', 'Not A Domain'],
        'body.domains.1: "not a domain" is not a domain such as example.com',
      ],
      [
        ['a.example', 'b.example', 'A.example'],
        'body.domains: domains must not repeat: "a.example" is given twice',
      ],
      [
        ['x'.repeat(300) + '.com'],
        `body.domains.0: "${'x'.repeat(57)}..." is not a domain such as example.com`,
      ],
    ] as const) {
      const res = await t.post('/api/v1/organizations', { name: 'Bad', domains }, agent);
      expect(res.status).toBe(400);
      // The code stays; the message names the domain to fix.
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.message).toBe(message);
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

describe('an organization’s history', () => {
  it('lists every change with who made it, the latest 200 and then the older a page at a time; staff only', async () => {
    const u = unique();
    const created = await t.post('/api/v1/organizations', { name: `Hist ${u}` }, agent);
    const id = created.body.id as string;
    await t.patch(
      `/api/v1/organizations/${id}`,
      { name: `History ${u}`, domains: [`h-${u}.example`] },
      admin,
    );
    const res = await t.get(`/api/v1/organizations/${id}/history`, agent);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.map((e: { type: string }) => e.type)).toEqual([
      'organization.created',
      'organization.updated',
    ]);
    expect(res.body.items[1].data.changes).toEqual({
      name: { from: `Hist ${u}`, to: `History ${u}` },
      domains: { from: [], to: [`h-${u}.example`] },
    });
    expect(res.body.items.map((e: { actorName: string }) => e.actorName)).toEqual([
      expect.stringMatching(/^agent /),
      expect.stringMatching(/^admin /),
    ]);

    // A long history: the latest 200, oldest first.
    await t.db.execute(sql`
      insert into domain_events (id, type, entity_type, entity_id, actor_kind, data, occurred_at)
      select gen_random_uuid(), 'organization.updated', 'organization', ${id}, 'system',
        jsonb_build_object('changes', jsonb_build_object('notes', jsonb_build_object('from', null, 'to', n::text))),
        now() + n * interval '1 second'
      from generate_series(1, 250) n`);
    const long = await t.get(`/api/v1/organizations/${id}/history`, agent);
    expect(long.body.items).toHaveLength(200);
    expect(long.body.items.at(-1).data.changes.notes.to).toBe('250');
    expect(long.body.items[0].data.changes.notes.to).toBe('51');
    // The older ones, a page at a time, to the first change.
    const notes = (page: { items: { type: string; data: { changes?: { notes?: { to: string } } } }[] }) =>
      page.items.map((e) => e.data.changes?.notes?.to ?? e.type);
    const older = await t.get(
      `/api/v1/organizations/${id}/history?limit=30&cursor=${long.body.olderCursor}`,
      agent,
    );
    expect(older.status).toBe(200);
    expect(notes(older.body)).toEqual(Array.from({ length: 30 }, (_, i) => String(21 + i)));
    const oldest = await t.get(
      `/api/v1/organizations/${id}/history?limit=30&cursor=${older.body.olderCursor}`,
      agent,
    );
    expect(notes(oldest.body)).toEqual([
      'organization.created',
      'organization.updated',
      ...Array.from({ length: 20 }, (_, i) => String(1 + i)),
    ]);
    expect(oldest.body.olderCursor).toBeNull();
    const bad = await t.get(`/api/v1/organizations/${id}/history?cursor=nonsense`, agent);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_cursor');
    expect((await t.get(`/api/v1/organizations/${id}/history?limit=500`, agent)).status).toBe(400);

    const customer = await makeUser(t.db, 'customer');
    expect((await t.get(`/api/v1/organizations/${id}/history`, customer.token)).status).toBe(403);
    expect((await t.get(`/api/v1/organizations/${crypto.randomUUID()}/history`, agent)).status).toBe(404);
  });
});

describe('custom fields', () => {
  it('a refused name says why, at its path', async () => {
    const res = await t.post(
      '/api/v1/organizations',
      { name: 'Keys', customFields: { '2nd contact': 'x' } },
      agent,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      {
        path: 'body.customFields.2nd contact',
        message: 'custom field keys start with a letter: letters, digits, _ (max 63)',
      },
    ]);
  });
});

describe('the organization export', () => {
  it('gives admins one row per organization the list selects, and records the export', async () => {
    const u = unique();
    const seg = await makeSegment(t.db);
    // A defined field is headed by its label; a key no field defines stays `cf.<key>`.
    const seats = `seats_${u}`;
    const field = await t.post(
      '/api/v1/organization-fields',
      { key: seats, label: `Seats ${u}`, type: 'number' },
      admin,
    );
    expect(field.status, JSON.stringify(field.body)).toBe(201);
    const org = await makeOrganization(t.db, {
      name: `Export ${u}`,
      domains: [`exp-${u}.example`, `exp-${u}.test`],
      segment: seg.key,
      notes: 'Key account',
      customFields: { accountManager: 'Ida', [seats]: 12 },
    });
    await makeCustomer(t.db, { organizationId: org.id });
    const res = await t.get<string>(
      `/api/v1/organizations/export.csv?q=${encodeURIComponent(`Export ${u}`)}`,
      admin,
    );
    expect(res.status).toBe(200);
    const records = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
    expect(records).toEqual([
      expect.objectContaining({
        Name: `Export ${u}`,
        Domains: `exp-${u}.example exp-${u}.test`,
        Segment: seg.key,
        Customers: '1',
        Notes: 'Key account',
        Id: org.id,
        'cf.accountManager': 'Ida',
        [`Seats ${u}`]: '12',
      }),
    ]);
    // In the caller's zone (UTC here), which the header names.
    expect(records[0]!['Created (UTC)']).toBe(org.createdAt.slice(0, 19).replace('T', ' '));
    const [recorded] = await rows<{ data: { list: string; query: { q: string } } }>(
      t.db,
      sql`select data from domain_events where type = 'export.downloaded' and data->>'list' = 'organizations'
        order by occurred_at desc limit 1`,
    );
    expect(recorded!.data.query.q).toBe(`Export ${u}`);
    // Agents and customers may not; nor may anyone without a token.
    expect((await t.get('/api/v1/organizations/export.csv', agent)).status).toBe(403);
    expect((await t.get('/api/v1/organizations/export.csv')).status).toBe(401);
  });
});
