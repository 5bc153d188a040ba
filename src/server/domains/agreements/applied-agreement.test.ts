// The agreement a customer's or an organization's page shows: the one their new cases get, chosen
// by the same rule (most specific wins), with the level it comes from. Staff only.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  makeAgreement,
  makeCalendar,
  makeCustomer,
  makeOrganization,
  makeSegment,
  makeUser,
} from '../../../../test/helpers/factories.js';
import { agreementZoneOf, selectAgreementFor } from './agreements.repo.js';

let t: TestApp;
let admin: string;
let agent: string;
let calendarId: string;
beforeAll(async () => {
  // A database of its own: the default agreement is one for everyone.
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = (await makeUser(t.db, 'agent')).token;
  calendarId = (await makeCalendar(t.db)).id;
});
afterAll(() => t?.close());

const customerAgreement = async (id: string, token = agent) => {
  const res = await t.get(`/api/v1/customers/${id}`, token);
  expect(res.status).toBe(200);
  return res.body.agreement;
};
const organizationAgreement = async (id: string, token = agent) => {
  const res = await t.get(`/api/v1/organizations/${id}`, token);
  expect(res.status).toBe(200);
  return res.body.agreement;
};
/** The agreement a new case of the customer gets: what the customer's page must show. */
const caseAgreementId = async (customerId: string) => {
  const res = await t.post('/api/v1/cases', { subject: 'Where is my order?', customerId }, agent);
  expect(res.status).toBe(201);
  return res.body.agreementId;
};

describe('the agreement that applies to a customer and to an organization', () => {
  it('none applies (no default): null on both, and their cases get none', async () => {
    const org = await makeOrganization(t.db);
    const customer = await makeCustomer(t.db, { organizationId: org.id });
    expect(await customerAgreement(customer.id)).toBeNull();
    expect(await organizationAgreement(org.id)).toBeNull();
    expect(await caseAgreementId(customer.id)).toBeNull();
  });

  it('from the segment: the customer’s effective segment, the organization’s segment', async () => {
    const segment = await makeSegment(t.db);
    const psa = await makeAgreement(t.db, { calendarId, scope: { segment: segment.key } });
    const org = await makeOrganization(t.db, { segment: segment.key });
    const viaOrg = await makeCustomer(t.db, { organizationId: org.id });
    const individual = await makeCustomer(t.db, { segment: segment.key });
    const expected = { id: psa.id, name: psa.name, scopeLevel: 'segment', segment: segment.key };
    expect(await customerAgreement(viaOrg.id)).toEqual(expected);
    expect(await customerAgreement(individual.id)).toEqual(expected);
    expect(await organizationAgreement(org.id)).toEqual(expected);
    expect(await caseAgreementId(viaOrg.id)).toBe(psa.id);
    expect(await caseAgreementId(individual.id)).toBe(psa.id);
  });

  it('from the organization: wins over the segment, for its customers and itself', async () => {
    const segment = await makeSegment(t.db);
    await makeAgreement(t.db, { calendarId, scope: { segment: segment.key } });
    const org = await makeOrganization(t.db, { segment: segment.key });
    const psa = await makeAgreement(t.db, { calendarId, scope: { organizationId: org.id } });
    const customer = await makeCustomer(t.db, { organizationId: org.id });
    const expected = { id: psa.id, name: psa.name, scopeLevel: 'organization', segment: null };
    expect(await customerAgreement(customer.id)).toEqual(expected);
    expect(await organizationAgreement(org.id)).toEqual(expected);
    expect(await caseAgreementId(customer.id)).toBe(psa.id);
  });

  it('for the customer: their own wins over their organization’s, which the organization keeps', async () => {
    const org = await makeOrganization(t.db);
    const orgPsa = await makeAgreement(t.db, { calendarId, scope: { organizationId: org.id } });
    const customer = await makeCustomer(t.db, { organizationId: org.id });
    const own = await makeAgreement(t.db, { calendarId, scope: { customerId: customer.id } });
    const colleague = await makeCustomer(t.db, { organizationId: org.id });
    expect(await customerAgreement(customer.id, admin)).toEqual({
      id: own.id,
      name: own.name,
      scopeLevel: 'customer',
      segment: null,
    });
    expect(await caseAgreementId(customer.id)).toBe(own.id);
    expect((await customerAgreement(colleague.id)).id).toBe(orgPsa.id);
    expect((await organizationAgreement(org.id, admin)).id).toBe(orgPsa.id);
  });

  it('a customer’s own segment is theirs; the organization reads its own segment’s', async () => {
    const [orgSegment, ownSegment] = [await makeSegment(t.db), await makeSegment(t.db)];
    const orgPsa = await makeAgreement(t.db, { calendarId, scope: { segment: orgSegment.key } });
    const ownPsa = await makeAgreement(t.db, { calendarId, scope: { segment: ownSegment.key } });
    const org = await makeOrganization(t.db, { segment: orgSegment.key });
    const customer = await makeCustomer(t.db, { organizationId: org.id, segment: ownSegment.key });
    expect(await customerAgreement(customer.id)).toMatchObject({ id: ownPsa.id, segment: ownSegment.key });
    expect(await caseAgreementId(customer.id)).toBe(ownPsa.id);
    expect(await organizationAgreement(org.id)).toMatchObject({ id: orgPsa.id, segment: orgSegment.key });
  });

  it('an inactive agreement does not apply; the default does, to anyone without another', async () => {
    const org = await makeOrganization(t.db);
    const customer = await makeCustomer(t.db, { organizationId: org.id });
    const inactive = await makeAgreement(t.db, {
      calendarId,
      scope: { organizationId: org.id },
      active: false,
    });
    expect(inactive.active).toBe(false);
    const fallback = await makeAgreement(t.db, { calendarId });
    try {
      const expected = { id: fallback.id, name: fallback.name, scopeLevel: 'default', segment: null };
      expect(await customerAgreement(customer.id)).toEqual(expected);
      expect(await organizationAgreement(org.id)).toEqual(expected);
      expect(await caseAgreementId(customer.id)).toBe(fallback.id);
    } finally {
      // The other tests here expect no default.
      const off = await t.patch(`/api/v1/agreements/${fallback.id}`, { active: false }, admin);
      expect(off.status).toBe(200);
    }
  });
});

describe('the agreement calendar’s zone read in SQL (templates of many signals at once)', () => {
  // agreementZoneOf is mostSpecificAgreement written as a subquery: the two must pick alike at
  // every level, or a template's times and the case's deadlines fall in different zones.
  const zonesOf = async (ids: string[]) => {
    const inSql = await rows<{ id: string; zone: string | null }>(
      t.db,
      sql`select c.id, ${agreementZoneOf({
        customerId: sql`c.id`,
        organizationId: sql`c.organization_id`,
        segment: sql`coalesce(c.segment, o.segment)`,
      })} as zone
      from customers c left join organizations o on o.id = c.organization_id
      where c.id = any(${sql.param(ids)}::uuid[])`,
    );
    const bySql = new Map(inSql.map((r) => [r.id, r.zone]));
    const both: [string | null, string | null][] = [];
    for (const id of ids) {
      const [c] = await rows<{ organization_id: string | null; segment: string | null }>(
        t.db,
        sql`select c.organization_id, coalesce(c.segment, o.segment) as segment
          from customers c left join organizations o on o.id = c.organization_id where c.id = ${id}`,
      );
      const picked = await selectAgreementFor(t.db, {
        customerId: id,
        organizationId: c!.organization_id,
        segment: c!.segment,
      });
      both.push([bySql.get(id) ?? null, picked?.calendar.timezone ?? null]);
    }
    return both;
  };

  it('picks as mostSpecificAgreement does: customer, organization, segment (own, else the organization’s), default', async () => {
    const zone = async (timezone: string) => (await makeCalendar(t.db, undefined, timezone)).id;
    const [orgSegment, ownSegment, bareSegment] = [
      await makeSegment(t.db),
      await makeSegment(t.db),
      await makeSegment(t.db),
    ];
    await makeAgreement(t.db, {
      calendarId: await zone('Asia/Singapore'),
      scope: { segment: orgSegment.key },
    });
    await makeAgreement(t.db, { calendarId: await zone('Asia/Tokyo'), scope: { segment: ownSegment.key } });
    const org = await makeOrganization(t.db, { segment: orgSegment.key });
    await makeAgreement(t.db, {
      calendarId: await zone('America/Chicago'),
      scope: { organizationId: org.id },
    });
    const segmentOnly = await makeOrganization(t.db, { segment: orgSegment.key });
    const quiet = await makeOrganization(t.db, { segment: orgSegment.key });
    await makeAgreement(t.db, {
      calendarId: await zone('Europe/Lisbon'),
      scope: { organizationId: quiet.id },
      active: false,
    });
    const own = await makeCustomer(t.db, { organizationId: org.id, segment: ownSegment.key });
    await makeAgreement(t.db, { calendarId: await zone('Pacific/Auckland'), scope: { customerId: own.id } });
    const customers = [
      own, // their own
      await makeCustomer(t.db, { organizationId: org.id, segment: ownSegment.key }), // the organization's
      await makeCustomer(t.db, { organizationId: segmentOnly.id }), // the organization's segment
      await makeCustomer(t.db, { organizationId: segmentOnly.id, segment: ownSegment.key }), // their own segment
      await makeCustomer(t.db, { organizationId: quiet.id }), // inactive: the organization's segment
      await makeCustomer(t.db, { segment: bareSegment.key }), // a segment without one: the default
      await makeCustomer(t.db), // nothing: the default
    ];
    const ids = customers.map((c) => c.id);
    const specific = [
      'Pacific/Auckland',
      'America/Chicago',
      'Asia/Singapore',
      'Asia/Tokyo',
      'Asia/Singapore',
    ];
    const noDefault = await zonesOf(ids);
    expect(noDefault).toEqual([...specific, null, null].map((z) => [z, z]));
    const fallback = await makeAgreement(t.db, { calendarId: await zone('America/Lima') });
    try {
      const withDefault = await zonesOf(ids);
      expect(withDefault).toEqual([...specific, 'America/Lima', 'America/Lima'].map((z) => [z, z]));
    } finally {
      // The other tests here expect no default.
      const off = await t.patch(`/api/v1/agreements/${fallback.id}`, { active: false }, admin);
      expect(off.status).toBe(200);
    }
  });
});

describe('customers do not learn what we promised them', () => {
  it('a customer reading their own record and their organization gets no agreement', async () => {
    const org = await makeOrganization(t.db);
    await makeAgreement(t.db, { calendarId, scope: { organizationId: org.id } });
    const me = await makeCustomer(t.db, { organizationId: org.id, organizationAccess: true });
    await makeAgreement(t.db, { calendarId, scope: { customerId: me.id } });
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    const own = await t.get(`/api/v1/customers/${me.id}`, token);
    expect(own.status).toBe(200);
    expect(own.body.name).toBe(me.name);
    expect(own.body).not.toHaveProperty('agreement');
    const organization = await t.get(`/api/v1/organizations/${org.id}`, token);
    expect(organization.status).toBe(200);
    expect(organization.body.name).toBe(org.name);
    expect(organization.body).not.toHaveProperty('agreement');
    const list = await t.get(`/api/v1/customers?organizationId=${org.id}`, token);
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([me.id]);
    expect(list.body.items[0]).not.toHaveProperty('agreement');
    const account = await t.get('/api/v1/portal/account', token);
    expect(account.status).toBe(200);
    expect(JSON.stringify(account.body)).not.toContain('agreement');
  });
});

describe('the OpenAPI document', () => {
  it('shows the agreement on a customer and on an organization', async () => {
    const doc = (await t.get('/api/docs/json')).body;
    for (const path of ['/api/v1/customers/{id}', '/api/v1/organizations/{id}']) {
      const schema = doc.paths[path].get.responses['200'].content['application/json'].schema;
      const agreement = schema.properties.agreement;
      expect([path, JSON.stringify(agreement)]).toEqual([path, expect.stringContaining('scopeLevel')]);
      expect(JSON.stringify(agreement)).toContain('"organization","segment","default"');
    }
  });
});
