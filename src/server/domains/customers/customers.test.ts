import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { usingPostgres } from '../../../../test/helpers/db.js';
import {
  buildCustomer,
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

describe('create, read, update, delete', () => {
  it('creates a customer with every field and reads it back', async () => {
    const org = await makeOrganization(t.db, { segment: (await makeSegment(t.db)).key });
    const body = {
      name: '  Ada Lovelace ',
      email: `Ada.${unique()}@Example.COM`,
      phone: '+44 20 7946 0958',
      organizationId: org.id,
      language: 'en-GB',
      timeZone: 'Europe/London',
      externalId: `crm-${unique()}`,
      organizationAccess: true,
      customFields: { tier: 'gold', seats: 12, vip: true },
    };
    const res = await t.post('/api/v1/customers', body, agent);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Ada Lovelace',
      email: body.email.toLowerCase(),
      organizationId: org.id,
      organizationName: org.name,
      segment: null,
      effectiveSegment: org.segment,
      customFields: body.customFields,
      organizationAccess: true,
    });
    expect(res.body.createdAt).toMatch(/Z$/);
    const read = await t.get(`/api/v1/customers/${res.body.id}`, agent);
    expect(read.body).toEqual(res.body);
  });

  it('updates only the given fields and records who changed what', async () => {
    const c = await makeCustomer(t.db, { phone: '+1 555 0100' });
    const res = await t.patch(`/api/v1/customers/${c.id}`, { phone: '+1 555 0199', language: 'de' }, agent);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ phone: '+1 555 0199', language: 'de', name: c.name, email: c.email });
    const history = await t.get(`/api/v1/customers/${c.id}/history`, agent);
    expect(history.body.items.map((e: { type: string }) => e.type)).toEqual([
      'customer.created',
      'customer.updated',
    ]);
    expect(history.body.items[1].data.changes.phone).toEqual({ from: '+1 555 0100', to: '+1 555 0199' });
    expect(history.body.items[1].actorKind).toBe('user');
    expect(history.body.items[1].actorName).toMatch(/^agent /);
  });

  it('clears nullable fields with null', async () => {
    const c = await makeCustomer(t.db, { phone: '+1 555 0100' });
    const res = await t.patch(`/api/v1/customers/${c.id}`, { phone: null }, agent);
    expect(res.body.phone).toBeNull();
  });

  it('soft-deletes: gone from reads and lists, e-mail free again; only admins may', async () => {
    const c = await makeCustomer(t.db);
    expect((await t.del(`/api/v1/customers/${c.id}`, agent)).status).toBe(403);
    expect((await t.del(`/api/v1/customers/${c.id}`, admin)).status).toBe(204);
    expect((await t.get(`/api/v1/customers/${c.id}`, admin)).status).toBe(404);
    expect((await t.del(`/api/v1/customers/${c.id}`, admin)).status).toBe(404);
    const list = await t.get(`/api/v1/customers?email=${encodeURIComponent(c.email!)}`, admin);
    expect(list.body.items).toHaveLength(0);
    const again = await t.post('/api/v1/customers', { name: 'Same mail', email: c.email }, agent);
    expect(again.status).toBe(201);
  });

  it('deleting a customer removes their portal login', async () => {
    const c = await makeCustomer(t.db);
    const portal = await makeUser(t.db, 'customer', { customerId: c.id });
    expect((await t.get('/api/v1/auth/me', portal.token)).status).toBe(200);
    await t.del(`/api/v1/customers/${c.id}`, admin);
    expect((await t.get('/api/v1/auth/me', portal.token)).status).toBe(401);
  });
});

describe('create or update by external id (PUT /customers/by-external-id/:externalId)', () => {
  const put = (externalId: string, body: unknown, token = agent) =>
    t.request('PUT', `/api/v1/customers/by-external-id/${encodeURIComponent(externalId)}`, { token, body });
  const eventsOf = async (id: string) =>
    ((await t.get(`/api/v1/customers/${id}/history`, admin)).body.items as { type: string }[]).map(
      (e) => e.type,
    );

  it('creates the customer once, then changes only the fields sent', async () => {
    const crm = `crm ${unique()}/7`;
    const email = `grace.${unique()}@example.com`;
    const made = await put(crm, { name: 'Grace Hopper', email, phone: '+1 555 0100' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'Grace Hopper', email, phone: '+1 555 0100', externalId: crm });

    // The same again: nothing changes, nothing is recorded.
    const same = await put(crm, { name: 'Grace Hopper', email });
    expect([same.status, same.body.id]).toEqual([200, made.body.id]);
    expect(await eventsOf(made.body.id)).toEqual(['customer.created']);

    // A change: the fields sent change, those left out stay, null clears.
    const changed = await put(crm, { name: 'Grace B. Hopper', phone: null, language: 'en-US' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      id: made.body.id,
      name: 'Grace B. Hopper',
      email,
      phone: null,
      language: 'en-US',
    });
    expect(await eventsOf(made.body.id)).toEqual(['customer.created', 'customer.updated']);
    const listed = await t.get(`/api/v1/customers?externalId=${encodeURIComponent(crm)}`, agent);
    expect(listed.body.items.map((c: { id: string }) => c.id)).toEqual([made.body.id]);
  });

  it('follows a merge: the external id of a duplicate leads to the customer it went into', async () => {
    const dupId = `erp-${unique()}`;
    const duplicate = (await put(dupId, { name: 'Alan Turing (old)' })).body;
    const survivor = await makeCustomer(t.db, { name: 'Alan Turing' });
    expect(
      (await t.post(`/api/v1/customers/${duplicate.id}/merge`, { intoId: survivor.id }, agent)).status,
    ).toBe(200);
    const res = await put(dupId, { name: 'Alan M. Turing', phone: '+44 1234 567' });
    expect([res.status, res.body.id]).toEqual([200, survivor.id]);
    expect(res.body).toMatchObject({ name: 'Alan M. Turing', phone: '+44 1234 567' });
  });

  it('refuses bad input with nothing written, and customers', async () => {
    const crm = `crm-${unique()}`;
    const noName = await put(crm, { email: `x.${unique()}@example.com` });
    expect([noName.status, noName.body.error.message]).toEqual([400, 'body.name: is required']);
    const withId = await put(crm, { name: 'X', externalId: 'other' });
    expect(withId.status).toBe(400);
    const badOrg = await put(crm, { name: 'X', organizationId: crypto.randomUUID() });
    expect([badOrg.status, badOrg.body.error.code]).toEqual([422, 'invalid_reference']);
    const taken = await makeCustomer(t.db);
    const clash = await put(crm, { name: 'X', email: taken.email });
    expect([clash.status, clash.body.error.code]).toEqual([409, 'email_taken']);
    // An external id is at most 200 characters (a path segment may be longer).
    const tooLong = await put('x'.repeat(201), { name: 'X' });
    expect([tooLong.status, tooLong.body.error.code]).toEqual([400, 'validation_error']);
    expect((await t.get(`/api/v1/customers?externalId=${crm}`, admin)).body.items).toEqual([]);

    const customer = await makeCustomer(t.db);
    const login = await makeUser(t.db, 'customer', { customerId: customer.id });
    expect((await put(crm, { name: 'Sneaky' }, login.token)).status).toBe(403);
    expect(
      (await t.request('PUT', `/api/v1/customers/by-external-id/${crm}`, { body: { name: 'X' } })).status,
    ).toBe(401);
  });

  it.runIf(usingPostgres())('makes one customer when calls for a new external id come at once', async () => {
    const crm = `crm-${unique()}`;
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => put(crm, { name: `Race ${i}`, phone: `+1 555 01${i}0` })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const listed = await t.get(`/api/v1/customers?externalId=${crm}`, admin);
    expect(listed.body.items).toHaveLength(1);
  });
});

describe('validation', () => {
  it('a name pasted with line breaks is stored on one line', async () => {
    const res = await t.post('/api/v1/customers', { name: 'Anna\r\nBcc: x@example.com\t' }, agent);
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('Anna Bcc: x@example.com');
    expect((await t.get(`/api/v1/customers/${res.body.id}`, agent)).body.name).toBe(
      'Anna Bcc: x@example.com',
    );
  });

  it.each([
    [{ name: '' }, 'body.name'],
    [{ name: 'x', email: 'not-an-email' }, 'body.email'],
    [{ name: 'x', phone: 'call me maybe' }, 'body.phone'],
    [{ name: 'x', phone: '12345' }, 'body.phone'],
    [{ name: 'x', phone: '030 5550100' }, 'body.phone'],
    [{ name: 'x', timeZone: 'Mars/Olympus' }, 'body.timeZone'],
    [{ name: 'x', language: 'English' }, 'body.language'],
    [{ name: 'x', organizationId: '123' }, 'body.organizationId'],
    [{ name: 'x', segment: 'Not A Key' }, 'body.segment'],
    [{ name: 'x', customFields: { 'bad key': 1 } }, 'body.customFields'],
    [{ name: 'x', customFields: { nested: { a: 1 } } }, 'body.customFields'],
    [{ name: 'x'.repeat(201) }, 'body.name'],
    [{ name: 'x', unknownField: 1 }, 'body'],
  ])('%j -> 400 naming %s', async (body, field) => {
    const res = await t.post('/api/v1/customers', body, agent);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.message.startsWith(field)).toBe(true);
  });

  it('unknown organization or segment: 422 invalid_reference, nothing written', async () => {
    const email = `ref-${unique()}@example.com`;
    const org = await t.post(
      '/api/v1/customers',
      { name: 'x', email, organizationId: '01900000-0000-7000-8000-000000000000' },
      agent,
    );
    expect(org.status).toBe(422);
    expect(org.body.error).toMatchObject({ code: 'invalid_reference' });
    const seg = await t.post('/api/v1/customers', { name: 'x', email, segment: 'nosuchsegment' }, agent);
    expect(seg.status).toBe(422);
    const list = await t.get(`/api/v1/customers?email=${email}`, agent);
    expect(list.body.items).toHaveLength(0);
  });

  it('e-mails are unique case-insensitively (409), also on update', async () => {
    const a = await makeCustomer(t.db);
    const dup = await t.post('/api/v1/customers', { name: 'Dup', email: a.email!.toUpperCase() }, agent);
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('email_taken');
    expect(dup.body.error.details).toEqual([
      { path: 'body.email', message: 'a customer with this e-mail already exists' },
    ]);
    const b = await makeCustomer(t.db);
    const upd = await t.patch(`/api/v1/customers/${b.id}`, { email: a.email }, agent);
    expect(upd.status).toBe(409);
    expect((await t.get(`/api/v1/customers/${b.id}`, agent)).body.email).toBe(b.email);
  });

  it('stores SQL-looking input literally', async () => {
    const name = "Robert'); DROP TABLE customers;--";
    const res = await t.post('/api/v1/customers', buildCustomer({ name }), agent);
    expect(res.status).toBe(201);
    expect(res.body.name).toBe(name);
    const search = await t.get(`/api/v1/customers?q=${encodeURIComponent("'); DROP")}`, agent);
    expect(search.status).toBe(200);
    expect(search.body.items.map((c: { id: string }) => c.id)).toEqual([res.body.id]);
    const pct = await t.get(`/api/v1/customers?q=${encodeURIComponent('%')}`, agent);
    expect(pct.body.items).toHaveLength(0);
  });
});

describe('listing', () => {
  let orgId: string;
  const names: string[] = [];
  beforeAll(async () => {
    const org = await makeOrganization(t.db);
    orgId = org.id;
    for (let i = 0; i < 23; i++) {
      const c = await makeCustomer(t.db, {
        name: `Listing ${String(i).padStart(2, '0')} ${unique()}`,
        organizationId: orgId,
      });
      names.push(c.name);
    }
  });

  it('walks every page exactly once, in both sort orders', async () => {
    for (const sort of ['name', '-name', 'createdAt', '-createdAt']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { body: { items: { name: string }[]; nextCursor: string | null } } = await t.get(
          `/api/v1/customers?organizationId=${orgId}&limit=5&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`,
          agent,
        );
        seen.push(...res.body.items.map((c) => c.name));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages, sort).toBe(5);
      const expected = [...names].sort();
      expect(seen, sort).toEqual(sort.startsWith('-') ? expected.reverse() : expected);
    }
  });

  it('searches by part of the name or e-mail and counts', async () => {
    const c = await makeCustomer(t.db, { name: 'Zebulon Quixote', email: `zq-${unique()}@quixote.example` });
    const byName = await t.get('/api/v1/customers?q=ulon%20quix&includeTotal=true', agent);
    expect(byName.body.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    expect(byName.body.total).toBe(1);
    const byMail = await t.get('/api/v1/customers?q=QUIXOTE.EXAMPLE', agent);
    expect(byMail.body.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    const total = await t.get(`/api/v1/customers?organizationId=${orgId}&includeTotal=true&limit=1`, agent);
    expect(total.body.total).toBe(23);
  });

  it('filters by effective segment (own, else the organization’s)', async () => {
    const seg = await makeSegment(t.db);
    const other = await makeSegment(t.db);
    const org = await makeOrganization(t.db, { segment: seg.key });
    const inherits = await makeCustomer(t.db, { organizationId: org.id });
    const own = await makeCustomer(t.db, { segment: seg.key });
    await makeCustomer(t.db, { organizationId: org.id, segment: other.key });
    const res = await t.get(`/api/v1/customers?segment=${seg.key}`, agent);
    expect(res.body.items.map((x: { id: string }) => x.id).sort()).toEqual([inherits.id, own.id].sort());
  });
});

describe('customer boundaries', () => {
  it('a customer sees only themselves without organization access', async () => {
    const org = await makeOrganization(t.db);
    const me = await makeCustomer(t.db, { organizationId: org.id });
    const colleague = await makeCustomer(t.db, { organizationId: org.id });
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    expect((await t.get(`/api/v1/customers/${me.id}`, token)).status).toBe(200);
    const other = await t.get(`/api/v1/customers/${colleague.id}`, token);
    expect(other.status).toBe(404);
    const list = await t.get('/api/v1/customers?includeTotal=true', token);
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([me.id]);
    expect(list.body.total).toBe(1);
    expect((await t.get(`/api/v1/customers/${colleague.id}/history`, token)).status).toBe(403);
  });

  it('with organization access: their organization’s customers, never another organization’s', async () => {
    const org = await makeOrganization(t.db);
    const otherOrg = await makeOrganization(t.db);
    const me = await makeCustomer(t.db, { organizationId: org.id, organizationAccess: true });
    const colleague = await makeCustomer(t.db, { organizationId: org.id });
    const stranger = await makeCustomer(t.db, { organizationId: otherOrg.id });
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    expect((await t.get(`/api/v1/customers/${colleague.id}`, token)).status).toBe(200);
    expect((await t.get(`/api/v1/customers/${stranger.id}`, token)).status).toBe(404);
    const list = await t.get(`/api/v1/customers?organizationId=${otherOrg.id}`, token);
    expect(list.body.items).toHaveLength(0);
    const all = await t.get('/api/v1/customers?limit=500', token);
    expect(all.body.items.map((x: { id: string }) => x.id).sort()).toEqual([me.id, colleague.id].sort());
  });

  it('a customer does not learn the segment we put them or their colleagues in', async () => {
    const key = (await makeSegment(t.db)).key;
    const org = await makeOrganization(t.db, { segment: key });
    const me = await makeCustomer(t.db, { organizationId: org.id, organizationAccess: true, segment: key });
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    const admin = (await makeUser(t.db, 'admin')).token;
    expect((await t.get(`/api/v1/customers/${me.id}`, admin)).body.segment).toBe(key);
    const mine = (await t.get(`/api/v1/customers/${me.id}`, token)).body;
    expect([mine.segment, mine.effectiveSegment]).toEqual([null, null]);
    const listed = (await t.get('/api/v1/customers', token)).body.items;
    expect(listed.map((c: { effectiveSegment: string | null }) => c.effectiveSegment)).toEqual([null]);
    // Nor by asking which of them are in it.
    const bySegment = await t.get(`/api/v1/customers?segment=${key}`, token);
    expect(bySegment.status).toBe(403);
    expect((await t.get(`/api/v1/organizations/${org.id}`, token)).body.segment).toBeNull();
    expect((await t.get(`/api/v1/organizations?segment=${key}`, token)).status).toBe(403);
    expect((await t.get(`/api/v1/organizations?segment=${key}`, admin)).status).toBe(200);
    expect((await t.get(`/api/v1/organizations/${org.id}`, admin)).body.segment).toBe(key);
    // Their record sent back as they read it (segment null) changes nothing of ours.
    const back = await t.patch(
      `/api/v1/customers/${me.id}`,
      {
        name: 'Renamed',
        email: mine.email,
        segment: mine.segment,
        organizationAccess: mine.organizationAccess,
        customFields: mine.customFields,
      },
      token,
    );
    expect(back.status).toBe(200);
    expect((await t.get(`/api/v1/customers/${me.id}`, admin)).body).toMatchObject({
      name: 'Renamed',
      segment: key,
    });
  });

  it('a customer does not see the id our own systems know them or their colleagues by', async () => {
    const org = await makeOrganization(t.db);
    const crm = `CRM-${unique()}`;
    const me = await makeCustomer(t.db, {
      organizationId: org.id,
      organizationAccess: true,
      externalId: crm,
    });
    await makeCustomer(t.db, { organizationId: org.id, externalId: `CRM-${unique()}` });
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    const admin = (await makeUser(t.db, 'admin')).token;
    const mine = (await t.get(`/api/v1/customers/${me.id}`, token)).body;
    expect(mine.externalId).toBeNull();
    const listed = (await t.get('/api/v1/customers', token)).body.items;
    expect(listed.map((c: { externalId: string | null }) => c.externalId)).toEqual([null, null]);
    // Nor by looking them up by it.
    expect((await t.get(`/api/v1/customers?externalId=${crm}`, token)).status).toBe(403);
    expect((await t.get(`/api/v1/customers?externalId=${crm}`, admin)).body.items).toHaveLength(1);
    // Their record sent back as they read it (externalId null) changes nothing of ours.
    const back = await t.patch(`/api/v1/customers/${me.id}`, { name: 'Renamed', externalId: null }, token);
    expect(back.status).toBe(200);
    expect((await t.get(`/api/v1/customers/${me.id}`, admin)).body).toMatchObject({
      name: 'Renamed',
      externalId: crm,
    });
    // Giving one is still not theirs to do.
    expect((await t.patch(`/api/v1/customers/${me.id}`, { externalId: 'X-1' }, token)).status).toBe(403);
  });

  it('a customer may edit their own profile fields only', async () => {
    const me = await makeCustomer(t.db);
    const someone = await makeCustomer(t.db);
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    const ok = await t.patch(
      `/api/v1/customers/${me.id}`,
      { name: 'New Name', timeZone: 'Europe/Berlin' },
      token,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.name).toBe('New Name');
    // Sending the whole record back is fine as long as only own-profile fields change.
    const current = (await t.get(`/api/v1/customers/${me.id}`, token)).body;
    const whole = await t.patch(
      `/api/v1/customers/${me.id}`,
      {
        name: 'Newer Name',
        email: current.email,
        segment: current.segment,
        externalId: current.externalId,
        organizationAccess: current.organizationAccess,
        customFields: current.customFields,
      },
      token,
    );
    expect(whole.status).toBe(200);
    expect(whole.body.name).toBe('Newer Name');
    const seg = await t.patch(`/api/v1/customers/${me.id}`, { organizationAccess: true }, token);
    expect(seg.status).toBe(403);
    expect((await t.get(`/api/v1/customers/${me.id}`, token)).body.organizationAccess).toBe(false);
    const other = await t.patch(`/api/v1/customers/${someone.id}`, { name: 'Hacked' }, token);
    expect(other.status).toBe(404);
    expect((await t.get(`/api/v1/customers/${someone.id}`, admin)).body.name).toBe(someone.name);
  });

  it('a customer cannot create or delete customers', async () => {
    const { token } = await makeUser(t.db, 'customer');
    expect((await t.post('/api/v1/customers', buildCustomer(), token)).status).toBe(403);
    const c = await makeCustomer(t.db);
    expect((await t.del(`/api/v1/customers/${c.id}`, token)).status).toBe(403);
  });
});
