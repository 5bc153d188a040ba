import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { runSignalActions } from '../signals/actions.js';
import { makeCustomer, makeOrganization, makeUser, unique } from '../../../../test/helpers/factories.js';

let t: TestApp;
let admin: string;
let agent: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = (await makeUser(t.db, 'agent')).token;
});
afterAll(() => t?.close());

const define = (entity: string, body: Record<string, unknown>, token = admin) =>
  t.post(`/api/v1/${entity}-fields`, body, token);

describe('field definitions per kind of record', () => {
  it('each kind has its own list: one key may be a case field and a customer field', async () => {
    const key = `f_${unique()}`;
    for (const entity of ['case', 'customer', 'organization']) {
      const res = await define(entity, { key, label: `${entity} field`, type: 'text' });
      expect(res.status, entity).toBe(201);
      expect(res.body).toMatchObject({ key, label: `${entity} field`, type: 'text', required: false });
      expect(res.body.updatedAt).toMatch(/^\d{4}-.*Z$/);
    }
    for (const entity of ['case', 'customer', 'organization']) {
      const list = (await t.get(`/api/v1/${entity}-fields`, agent)).body.items;
      expect(
        list.filter((f: { key: string }) => f.key === key).map((f: { label: string }) => f.label),
      ).toEqual([`${entity} field`]);
      expect((await t.get(`/api/v1/${entity}-fields/${key}`, agent)).body.label).toBe(`${entity} field`);
    }
    const again = await define('customer', { key, label: 'Again', type: 'number' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'field_exists',
      message: `a customer field "${key}" exists`,
    });
    expect((await t.get(`/api/v1/organization-fields/f_${unique()}`, agent)).status).toBe(404);
    expect((await t.patch(`/api/v1/organization-fields/f_${unique()}`, { label: 'x' }, admin)).status).toBe(
      404,
    );
  });

  it('bad definitions are refused at the field at fault', async () => {
    const refused = async (entity: string, body: Record<string, unknown>, path: string, message: string) => {
      const res = await define(entity, { key: `f_${unique()}`, label: 'X', ...body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.details).toEqual([{ path, message }]);
    };
    await refused('customer', { type: 'select' }, 'body.options', 'needs at least one option');
    await refused(
      'customer',
      { type: 'text', options: ['a'] },
      'body.options',
      'only select fields have options',
    );
    await refused(
      'organization',
      { type: 'select', options: ['Gold', 'gold'] },
      'body.options',
      'an option is listed twice',
    );
    await refused(
      'customer',
      { type: 'text', required: true },
      'body.required',
      'only case fields can be required (a case cannot be solved without them)',
    );
    expect(
      (await define('case', { key: `f_${unique()}`, label: 'X', type: 'text', required: true })).status,
    ).toBe(201);
    const key = `f_${unique()}`;
    await define('organization', { key, label: 'Tier', type: 'select', options: ['A'] });
    const emptied = await t.patch(`/api/v1/organization-fields/${key}`, { options: [] }, admin);
    expect(emptied.status).toBe(422);
    expect((await t.get(`/api/v1/organization-fields/${key}`, admin)).body.options).toEqual(['A']);
  });

  it('agents and customers read or nothing; only admins define and change fields', async () => {
    const key = `f_${unique()}`;
    expect((await define('customer', { key, label: 'X', type: 'text' }, agent)).status).toBe(403);
    expect((await define('customer', { key, label: 'X', type: 'text' })).status).toBe(201);
    expect((await t.patch(`/api/v1/customer-fields/${key}`, { label: 'Y' }, agent)).status).toBe(403);
    const customer = (await makeUser(t.db, 'customer')).token;
    // A customer reads only the fields shown to customers (for their labels), and no case fields.
    expect((await t.get('/api/v1/case-fields', customer)).status).toBe(403);
    const shown = `shown_${unique()}`;
    await define('customer', { key: shown, label: 'Shown', type: 'text', customerVisible: true });
    const listed = (await t.get('/api/v1/customer-fields', customer)).body.items.map(
      (f: { key: string }) => f.key,
    );
    expect(listed).toContain(shown);
    expect(listed).not.toContain(key);
    expect((await t.get(`/api/v1/customer-fields/${key}`, customer)).status).toBe(404);
    expect((await t.get(`/api/v1/customer-fields/${shown}`, customer)).body.label).toBe('Shown');
    expect((await t.get(`/api/v1/customer-fields/${key}`, admin)).body.label).toBe('X');
  });

  it('a change is one audited domain event of its kind; a change that changes nothing, none', async () => {
    const key = `f_${unique()}`;
    await define('organization', { key, label: 'Region', type: 'select', options: ['EMEA'] });
    expect((await t.patch(`/api/v1/organization-fields/${key}`, { label: 'Region' }, admin)).status).toBe(
      200,
    );
    const changed = await t.patch(`/api/v1/organization-fields/${key}`, { options: ['EMEA', 'APAC'] }, admin);
    expect(changed.body.options).toEqual(['EMEA', 'APAC']);
    const log = (await t.get('/api/v1/audit-log?entityType=organization_field', admin)).body.items as {
      type: string;
      data: { key: string };
    }[];
    expect(log.filter((e) => e.data.key === key).map((e) => e.type)).toEqual([
      'organization_field.updated',
      'organization_field.created',
    ]);
  });
});

describe('customer and organization values', () => {
  it('a defined field takes only its type; other keys stay free-form', async () => {
    const tier = `tier_${unique()}`;
    const since = `since_${unique()}`;
    await define('customer', { key: tier, label: 'Tier', type: 'select', options: ['Gold', 'Silver'] });
    await define('customer', { key: since, label: 'Customer since', type: 'date' });
    const bad = await t.post(
      '/api/v1/customers',
      { name: 'Ida', customFields: { [tier]: 'Platinum', [since]: '2026-13-01', crm_note: 'free' } },
      admin,
    );
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('invalid_custom_field');
    expect(bad.body.error.details).toEqual([
      { path: `body.customFields.${tier}`, message: 'must be one of Gold, Silver' },
      { path: `body.customFields.${since}`, message: 'must be a date YYYY-MM-DD' },
    ]);
    const ok = await t.post(
      '/api/v1/customers',
      { name: 'Ida', customFields: { [tier]: 'Gold', [since]: '2019-04-01', crm_note: 'free' } },
      agent,
    );
    expect(ok.status).toBe(201);
    expect(ok.body.customFields).toEqual({ [tier]: 'Gold', [since]: '2019-04-01', crm_note: 'free' });
  });

  it('an edit checks the values it changes: an old value from before the field may stay', async () => {
    const size = `size_${unique()}`;
    const region = `region_${unique()}`;
    const org = await makeOrganization(t.db, { customFields: { [size]: 'big', [region]: 'EMEA' } });
    await define('organization', { key: size, label: 'Employees', type: 'number' });
    await define('organization', { key: region, label: 'Region', type: 'select', options: ['EMEA', 'APAC'] });
    const path = `/api/v1/organizations/${org.id}`;
    const keeps = await t.patch(path, { customFields: { [size]: 'big', [region]: 'APAC' } }, admin);
    expect(keeps.status).toBe(200);
    expect(keeps.body.customFields).toEqual({ [size]: 'big', [region]: 'APAC' });
    const wrong = await t.patch(path, { customFields: { [size]: '40', [region]: 'APAC' } }, admin);
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details).toEqual([
      { path: `body.customFields.${size}`, message: 'must be a number' },
    ]);
    const right = await t.patch(path, { customFields: { [size]: 40, [region]: null } }, admin);
    expect(right.status).toBe(200);
    expect(right.body.customFields).toEqual({ [size]: 40, [region]: null });
    expect((await t.get(path, admin)).body.customFields[size]).toBe(40);
  });

  it('a switched-off field no longer checks its values', async () => {
    const key = `score_${unique()}`;
    await define('customer', { key, label: 'Score', type: 'number' });
    const customer = await makeCustomer(t.db);
    const path = `/api/v1/customers/${customer.id}`;
    expect((await t.patch(path, { customFields: { [key]: 'high' } }, admin)).status).toBe(422);
    expect((await t.patch(`/api/v1/customer-fields/${key}`, { active: false }, admin)).body.active).toBe(
      false,
    );
    expect((await t.patch(path, { customFields: { [key]: 'high' } }, admin)).status).toBe(200);
  });

  it('an import reads a defined field as its type, and says which cells do not fit', async () => {
    const tier = `tier_${unique()}`;
    const seats = `seats_${unique()}`;
    const vip = `vip_${unique()}`;
    await define('customer', { key: tier, label: 'Tier', type: 'select', options: ['Gold', 'Silver'] });
    await define('customer', { key: seats, label: 'Seats', type: 'number' });
    await define('customer', { key: vip, label: 'VIP', type: 'boolean' });
    const u = unique();
    const csv = [
      `name,email,cf.${tier},cf.${seats},cf.${vip},cf.note`,
      `Ann,ann-${u}@example.com,gold,12,yes,0042`,
      `Bob,bob-${u}@example.com,Platinum,twelve,maybe,x`,
    ].join('\n');
    const res = await t.request('POST', '/api/v1/imports/customers?skipInvalid=true', {
      token: admin,
      raw: csv,
      contentType: 'text/csv',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 2, valid: 1, invalid: 1, imported: 1 });
    expect(res.body.errors).toEqual([
      { row: 3, field: `cf.${tier}`, message: 'must be one of Gold, Silver' },
      { row: 3, field: `cf.${seats}`, message: 'must be a number' },
      { row: 3, field: `cf.${vip}`, message: 'must be true or false (yes/no, 1/0)' },
    ]);
    const ann = (await t.get(`/api/v1/customers?email=ann-${u}@example.com`, admin)).body.items[0];
    // The option as the field spells it, a number, a yes/no; an undefined column stays text.
    expect(ann.customFields).toEqual({ [tier]: 'Gold', [seats]: 12, [vip]: true, note: '0042' });
  });
});

describe('signal rules read custom fields', () => {
  it('a condition on customer.fields and organization.fields, and a template that names them', async () => {
    const tier = `tier_${unique()}`;
    const region = `region_${unique()}`;
    await define('customer', { key: tier, label: 'Tier', type: 'select', options: ['Gold', 'Silver'] });
    const org = await makeOrganization(t.db, { customFields: { [region]: 'EMEA' } });
    const gold = await makeCustomer(t.db, { organizationId: org.id, customFields: { [tier]: 'Gold' } });
    const silver = await makeCustomer(t.db, { organizationId: org.id, customFields: { [tier]: 'Silver' } });
    const type = `late${unique().replace(/[0-9]/g, 'x')}.order`;
    const rule = await t.post(
      '/api/v1/rules',
      {
        kind: 'match',
        name: 'Late order of a gold customer in EMEA',
        when: {
          type,
          where: [
            { field: `customer.fields.${tier}`, op: 'eq', value: 'Gold' },
            { field: `organization.fields.${region}`, op: 'eq', value: 'EMEA' },
          ],
        },
        actions: [
          {
            kind: 'open_case',
            subject: `{{customer.fields.${tier}}} customer in {{organization.fields.${region}}}: {{refs.orderId}}`,
          },
        ],
      },
      admin,
    );
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const source = await t.post('/api/v1/event-sources', { key: `erp-${unique()}`, name: 'ERP' }, admin);
    const events = [gold, silver].map((c, i) => ({
      id: `late-${i}-${unique()}`,
      type,
      occurredAt: new Date().toISOString(),
      customer: { id: c.id },
      refs: { orderId: `SO-${i}` },
    }));
    expect((await t.post('/api/v1/events', { events }, source.body.token)).body.accepted).toBe(2);
    const found = (await t.get(`/api/v1/signals?ruleId=${rule.body.id}`, admin)).body.items;
    expect(found.map((s: { customerId: string }) => s.customerId)).toEqual([gold.id]);
    await runSignalActions(t.db);
    const opened = (await t.get(`/api/v1/cases?customerId=${gold.id}`, admin)).body.items;
    expect(opened.map((c: { subject: string }) => c.subject)).toEqual(['Gold customer in EMEA: SO-0']);
  });
});

describe('lists filtered by custom fields', () => {
  it('field=key:value finds the records with that value, read as the field type', async () => {
    const tier = `tier_${unique()}`;
    const seats = `seats_${unique()}`;
    const flagged = `flagged_${unique()}`;
    await define('customer', { key: tier, label: 'Tier', type: 'select', options: ['Gold', 'Silver'] });
    await define('customer', { key: seats, label: 'Seats', type: 'number' });
    await define('customer', { key: flagged, label: 'Flagged', type: 'boolean' });
    const org = await makeOrganization(t.db);
    const made = (name: string, customFields: Record<string, string | number>) =>
      makeCustomer(t.db, { name, organizationId: org.id, customFields });
    await made('Ann', { [tier]: 'Gold', [seats]: 12, note: 'vip' });
    await made('Bob', { [tier]: 'Silver', [seats]: 3 });
    await made('Cyd', {});
    // Free-form before the field was defined: a number and a yes/no kept as text.
    const dee = await made('Dee', {});
    await t.db.execute(
      sql`update customers set custom_fields = ${JSON.stringify({ [seats]: '12', [flagged]: 'true' })}::jsonb where id = ${dee.id}`,
    );
    const names = async (...filters: string[]) => {
      const query = filters.map((f) => `field=${encodeURIComponent(f)}`).join('&');
      const res = await t.get(`/api/v1/customers?organizationId=${org.id}&${query}&includeTotal=true`, agent);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.items.map((c: { name: string }) => c.name);
    };
    expect(await names(`${tier}:gold`)).toEqual(['Ann']);
    expect(await names(`${tier}:Silver`)).toEqual(['Bob']);
    expect(await names(`${tier}:`)).toEqual(['Cyd', 'Dee']);
    // A value stored as its type, or as its text.
    expect(await names(`${seats}:12.0`)).toEqual(['Ann', 'Dee']);
    expect(await names(`${flagged}:yes`)).toEqual(['Dee']);
    expect(await names(`${tier}:Gold`, `${seats}:3`)).toEqual([]);
    expect(await names(`${tier}:Silver`, `${seats}:3`)).toEqual(['Bob']);
    expect(await names('note:vip')).toEqual(['Ann']);

    const bad = await t.get(`/api/v1/customers?field=${tier}:Platinum`, agent);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({
      code: 'invalid_field_filter',
      message: `field ${tier}: must be one of Gold, Silver, not "Platinum"`,
    });
    expect((await t.get('/api/v1/customers?field=no-colon', agent)).status).toBe(400);

    // The export takes the same filter.
    const csv = await t.get(
      `/api/v1/customers/export.csv?organizationId=${org.id}&field=${tier}:gold`,
      admin,
    );
    expect(csv.status).toBe(200);
    const lines = (csv.body as string).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('Ann');
  });

  it('organizations too; and a customer who may see their organization sees no one else through a filter', async () => {
    const region = `region_${unique()}`;
    await define('organization', { key: region, label: 'Region', type: 'select', options: ['EMEA', 'APAC'] });
    const mine = await makeOrganization(t.db, { customFields: { [region]: 'EMEA' } });
    const other = await makeOrganization(t.db, { customFields: { [region]: 'EMEA' } });
    const orgs = await t.get(`/api/v1/organizations?field=${region}:emea&limit=100`, agent);
    expect(orgs.body.items.map((o: { id: string }) => o.id).sort()).toEqual([mine.id, other.id].sort());

    const flag = `flag_${unique()}`;
    const me = await makeCustomer(t.db, {
      organizationId: mine.id,
      organizationAccess: true,
      customFields: { [flag]: 'x' },
    });
    await makeCustomer(t.db, { organizationId: other.id, customFields: { [flag]: 'x' } });
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    // A field not shown to customers cannot be filtered by either (it would tell its values).
    const hidden = await t.get(`/api/v1/customers?field=${flag}:x`, token);
    expect(hidden.status).toBe(400);
    expect(hidden.body.error.message).toBe(`field ${flag}: not a field shown to customers`);
    await define('customer', { key: flag, label: 'Flag', type: 'text', customerVisible: true });
    const seen = await t.get(`/api/v1/customers?field=${flag}:x&limit=100`, token);
    expect(seen.status).toBe(200);
    expect(seen.body.items.map((c: { id: string }) => c.id)).toEqual([me.id]);
  });
});

describe('what customers see of custom fields', () => {
  it("only the fields shown to customers, on their own record, a colleague's and their organization; no notes", async () => {
    const tier = `tier_${unique()}`;
    const risk = `risk_${unique()}`;
    const region = `region_${unique()}`;
    await define('customer', {
      key: tier,
      label: 'Tier',
      type: 'select',
      options: ['Gold'],
      customerVisible: true,
    });
    await define('customer', { key: risk, label: 'Churn risk', type: 'text' });
    await define('organization', { key: region, label: 'Region', type: 'text', customerVisible: true });
    const org = await makeOrganization(t.db, {
      notes: 'Difficult to reach; escalate early.',
      customFields: { [region]: 'EMEA', account_owner: 'Ida' },
    });
    const values = { [tier]: 'Gold', [risk]: 'high', crm_note: 'x' };
    const me = await makeCustomer(t.db, {
      organizationId: org.id,
      organizationAccess: true,
      customFields: values,
    });
    const colleague = await makeCustomer(t.db, { organizationId: org.id, customFields: values });
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });

    for (const id of [me.id, colleague.id]) {
      expect((await t.get(`/api/v1/customers/${id}`, token)).body.customFields).toEqual({ [tier]: 'Gold' });
      expect((await t.get(`/api/v1/customers/${id}`, agent)).body.customFields).toEqual(values);
    }
    const list = (await t.get(`/api/v1/customers?organizationId=${org.id}`, token)).body.items;
    expect(list.map((c: { customFields: object }) => c.customFields)).toEqual([
      { [tier]: 'Gold' },
      { [tier]: 'Gold' },
    ]);

    const theirs = (await t.get(`/api/v1/organizations/${org.id}`, token)).body;
    expect(theirs).toMatchObject({ notes: null, customFields: { [region]: 'EMEA' } });
    expect(Object.keys(theirs.customFields)).toEqual([region]);
    expect((await t.get(`/api/v1/organizations/${org.id}`, agent)).body).toMatchObject({
      notes: 'Difficult to reach; escalate early.',
      customFields: { [region]: 'EMEA', account_owner: 'Ida' },
    });
    const orgs = (await t.get('/api/v1/organizations', token)).body.items;
    expect(orgs.map((o: { notes: unknown }) => o.notes)).toEqual([null]);

    // Switched off, a field is no longer shown to customers either.
    await t.patch(`/api/v1/customer-fields/${tier}`, { active: false }, admin);
    expect((await t.get(`/api/v1/customers/${me.id}`, token)).body.customFields).toEqual({});
  });

  it('only customer and organization fields can be shown to customers', async () => {
    const res = await define('case', {
      key: `f_${unique()}`,
      label: 'X',
      type: 'text',
      customerVisible: true,
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      {
        path: 'body.customerVisible',
        message: 'only customer and organization fields can be shown to customers',
      },
    ]);
  });
});
