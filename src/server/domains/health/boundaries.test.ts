// Who may call what, route by route: every route of the OpenAPI document is called without a
// token, as a customer, an agent and an admin, and the routes that let each of them through
// (anything but 401 or 403) must be exactly the ones listed here. A new route is refused to the customer or
// the agent until someone decides otherwise and adds it to a list below, so a route cannot become
// reachable by a customer because its author forgot its `access`. (What a reachable route then
// shows each caller is tested per domain: a customer sees only their own cases, and so on.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOperations, startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  makeCustomer,
  makeOrganization,
  makeSegment,
  makeUser,
  unique,
} from '../../../../test/helpers/factories.js';
import { makeCommitment } from '../../../../test/helpers/signal-factories.js';

let t: TestApp;
let admin: string;
let agent: string;
let customer: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = (await makeUser(t.db, 'agent')).token;
  customer = (await makeUser(t.db, 'customer')).token;
});
afterAll(() => t?.close());

/** Routes anyone may call, without a token. */
const PUBLIC = [
  'GET /api/v1/branding',
  'GET /api/v1/help/articles',
  'GET /api/v1/help/articles/{slug}',
  'GET /api/v1/help/categories',
  'GET /api/v1/help/suggest',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/login/two-step',
  'POST /api/v1/auth/login/two-step/setup',
  'POST /api/v1/auth/login/two-step/setup/confirm',
  'POST /api/v1/auth/magic-link',
  'POST /api/v1/auth/magic-link/verify',
  'POST /api/v1/auth/password-link/check',
  'POST /api/v1/auth/password-link/complete',
  'POST /api/v1/auth/password-reset',
  'POST /api/v1/help/articles/{slug}/vote',
  'POST /api/v1/help/deflections',
  'POST /api/v1/web-form',
  'POST /api/v1/webhooks/{sourceKey}',
];

/** Routes every signed-in user may call, customers included (each then shows a customer only their own). */
const SIGNED_IN = [
  'GET /api/v1/attachments/{id}',
  'DELETE /api/v1/auth/sessions/{id}',
  'GET /api/v1/auth/me',
  'GET /api/v1/auth/sessions',
  'GET /api/v1/cases',
  'GET /api/v1/cases/{id}',
  'GET /api/v1/cases/{id}/links',
  'GET /api/v1/cases/{id}/messages',
  'GET /api/v1/cases/{id}/rating',
  'GET /api/v1/customers',
  'GET /api/v1/customers/{id}',
  'GET /api/v1/customer-fields',
  'GET /api/v1/customer-fields/{key}',
  'GET /api/v1/organization-fields',
  'GET /api/v1/organization-fields/{key}',
  'GET /api/v1/live',
  'GET /api/v1/organizations',
  'GET /api/v1/organizations/{id}',
  'PATCH /api/v1/customers/{id}',
  'POST /api/v1/auth/logout-others',
  'POST /api/v1/auth/password',
  'POST /api/v1/cases',
  'POST /api/v1/cases/{id}/attachments',
  'POST /api/v1/cases/{id}/messages',
];

/** Routes for customers only (the portal). */
const PORTAL = [
  'GET /api/v1/portal/account',
  'PATCH /api/v1/portal/account',
  'GET /api/v1/portal/categories',
  'GET /api/v1/portal/cases',
  'GET /api/v1/portal/cases/{id}',
  'POST /api/v1/portal/cases',
  'PUT /api/v1/portal/cases/{id}/rating',
];

/** Routes agents may call too (the rest are for admins only). */
const STAFF = [
  'GET /api/v1/reply-templates',
  'POST /api/v1/reply-templates',
  'GET /api/v1/reply-templates/{id}',
  'PATCH /api/v1/reply-templates/{id}',
  'DELETE /api/v1/reply-templates/{id}',
  'POST /api/v1/reply-templates/{id}/render',
  'GET /api/v1/cases/{id}/side-conversations',
  'POST /api/v1/cases/{id}/side-conversations',
  'POST /api/v1/side-conversations/{id}/messages',
  'PATCH /api/v1/side-conversations/{id}',
  'PATCH /api/v1/auth/me',
  'GET /api/v1/auth/two-step',
  'POST /api/v1/auth/two-step/setup',
  'POST /api/v1/auth/two-step/confirm',
  'POST /api/v1/auth/two-step/disable',
  'POST /api/v1/auth/two-step/recovery-codes',
  'DELETE /api/v1/cases/{id}/follow',
  'DELETE /api/v1/cases/{id}/links/{otherId}',
  'DELETE /api/v1/kb/articles/{id}',
  'DELETE /api/v1/views/{id}',
  'GET /api/v1/agents',
  'GET /api/v1/agreements',
  'GET /api/v1/agreements/{id}',
  'GET /api/v1/board',
  'GET /api/v1/calendars',
  'GET /api/v1/calendars/{id}',
  'GET /api/v1/categories',
  'GET /api/v1/case-fields',
  'GET /api/v1/case-fields/{key}',
  'GET /api/v1/cases/export.csv',
  'GET /api/v1/cases/{id}/follow-up-times',
  'GET /api/v1/cases/{id}/followers',
  'GET /api/v1/cases/{id}/presence',
  'GET /api/v1/cases/{id}/timeline',
  'GET /api/v1/commitments',
  'GET /api/v1/commitments/export.csv',
  'GET /api/v1/commitments/rates',
  'GET /api/v1/commitments/rates.csv',
  'GET /api/v1/commitments/{id}',
  'GET /api/v1/customers/duplicates',
  'GET /api/v1/customers/{id}/duplicates',
  'GET /api/v1/organizations/{id}/duplicates',
  'GET /api/v1/customers/{id}/history',
  'GET /api/v1/organizations/{id}/history',
  'GET /api/v1/events',
  'GET /api/v1/events/{id}',
  'GET /api/v1/kb/articles',
  'GET /api/v1/kb/articles/{id}',
  'GET /api/v1/kb/categories',
  'GET /api/v1/kb/report',
  'GET /api/v1/kb/suggest',
  'GET /api/v1/kpis/proactive',
  'GET /api/v1/kpis/proactive/rules',
  'GET /api/v1/kpis/proactive/rules.csv',
  'GET /api/v1/kpis/proactive/trend',
  'GET /api/v1/kpis/proactive/trend.csv',
  'GET /api/v1/kpis/promises',
  'GET /api/v1/kpis/promises/trend',
  'GET /api/v1/kpis/promises.csv',
  'GET /api/v1/mail',
  'GET /api/v1/mail/setup',
  'GET /api/v1/mail/{id}',
  'GET /api/v1/mail/{id}/raw',
  'GET /api/v1/notifications',
  'GET /api/v1/notifications/preferences',
  'GET /api/v1/notifications/unread-count',
  'GET /api/v1/rules',
  'GET /api/v1/rules/{id}',
  'GET /api/v1/rules/{id}/versions',
  'GET /api/v1/segments',
  'GET /api/v1/segments/{key}',
  'GET /api/v1/settings',
  'GET /api/v1/signals',
  'GET /api/v1/signals/export.csv',
  'GET /api/v1/signals/{id}',
  'GET /api/v1/teams',
  'GET /api/v1/teams/{id}',
  'GET /api/v1/views',
  'GET /api/v1/views/{id}',
  'GET /api/v1/workload',
  'PATCH /api/v1/cases/{id}',
  'PATCH /api/v1/kb/articles/{id}',
  'PATCH /api/v1/notifications/preferences',
  'PATCH /api/v1/organizations/{id}',
  'PATCH /api/v1/views/{id}',
  'POST /api/v1/cases/bulk',
  'POST /api/v1/cases/spam',
  'POST /api/v1/cases/{id}/follow',
  'POST /api/v1/cases/{id}/links',
  'POST /api/v1/cases/{id}/merge',
  'POST /api/v1/cases/{id}/spam',
  'POST /api/v1/commitments/{id}/case',
  'POST /api/v1/cases/{id}/presence',
  'POST /api/v1/conversations',
  'POST /api/v1/customers',
  'POST /api/v1/customers/{id}/merge',
  'PUT /api/v1/customers/by-external-id/{externalId}',
  'POST /api/v1/events',
  'POST /api/v1/kb/articles',
  'POST /api/v1/kb/articles/{id}/languages/{language}/publish',
  'POST /api/v1/kb/articles/{id}/languages/{language}/unpublish',
  'POST /api/v1/kb/preview',
  'POST /api/v1/mail/{id}/retry',
  'POST /api/v1/notifications/read',
  'POST /api/v1/organizations',
  'POST /api/v1/signals/bulk',
  'POST /api/v1/signals/{id}/actions/{actionId}/send-now',
  'POST /api/v1/signals/{id}/case',
  'POST /api/v1/signals/{id}/dismiss',
  'POST /api/v1/signals/{id}/resolve',
  'POST /api/v1/views',
  'PUT /api/v1/kb/articles/{id}/languages/{language}/draft',
];

const NO_ID = '0190a000-0000-7000-8000-000000000000';

/** The routes (method and path template) that let this caller through: anything but 401 and 403. */
async function reachable(token: string | undefined, o: { all?: boolean } = {}) {
  const through: string[] = [];
  for (const { method, template, stream } of await apiOperations(t)) {
    // Signing out would end the token the sweep goes on with (every signed-in user may).
    if (template === '/api/v1/auth/logout') continue;
    const url = template.replace(/\{[^}]+\}/g, NO_ID);
    if (o.all) {
      through.push(`${method} ${template}`);
      continue;
    }
    const res = stream
      ? await t.openStream(url, token).then((s) => (s.close(), s))
      : await t.request(method, url, {
          ...(token ? { token } : {}),
          ...(method === 'GET' || method === 'DELETE' ? {} : { raw: '{}' }),
        });
    if (res.status !== 401 && res.status !== 403) through.push(`${method} ${template}`);
  }
  return through.sort();
}

describe('who may call each route', () => {
  it('without a token: the public routes only', async () => {
    expect(await reachable(undefined)).toEqual([...PUBLIC].sort());
  });

  it('a customer: the public routes, the signed-in ones and the portal', { timeout: 120_000 }, async () => {
    expect(await reachable(customer)).toEqual([...PUBLIC, ...SIGNED_IN, ...PORTAL].sort());
  });

  it(
    'an agent: the public routes, the signed-in ones and the staff ones; not the portal',
    { timeout: 120_000 },
    async () => {
      expect(await reachable(agent)).toEqual([...PUBLIC, ...SIGNED_IN, ...STAFF].sort());
    },
  );

  it('an admin: every route but the portal', { timeout: 120_000 }, async () => {
    const all = await reachable(undefined, { all: true });
    expect(await reachable(admin)).toEqual(all.filter((r) => !PORTAL.includes(r)));
  });
});

describe('a customer reaching for staff lists', () => {
  it('the staff category list refuses a customer (it holds internal ones); the portal list holds only offered ones', async () => {
    const internal = `internal_${unique()}`;
    expect(
      (await t.post('/api/v1/categories', { key: internal, name: 'Internal audit' }, admin)).status,
    ).toBe(201);
    const refused = await t.get('/api/v1/categories', customer);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden']);
    const offered = await t.get('/api/v1/portal/categories', customer);
    expect(offered.status).toBe(200);
    expect((offered.body.items as { key: string }[]).map((c) => c.key)).not.toContain(internal);
    expect(
      ((await t.get('/api/v1/categories', agent)).body.items as { key: string }[]).map((c) => c.key),
    ).toContain(internal);
  });
});

describe('a customer reaching for a commitment of their own organization (POST /commitments/:id/case)', () => {
  it('403 even with their organization’s access, and no case is opened; an agent may', async () => {
    const org = await makeOrganization(t.db);
    const self = await makeCustomer(t.db, { organizationId: org.id, organizationAccess: true });
    const colleague = await makeCustomer(t.db, { organizationId: org.id });
    const { token } = await makeUser(t.db, 'customer', { customerId: self.id });
    for (const whose of [self, colleague]) {
      const k = await makeCommitment(t.db, {
        customerId: whose.id,
        organizationId: org.id,
        state: 'overdue',
      });
      const res = await t.post(`/api/v1/commitments/${k.id}/case`, {}, token);
      expect([res.status, res.body.error.code]).toEqual([403, 'forbidden']);
      expect((await t.get(`/api/v1/commitments/${k.id}`, admin)).body.caseId).toBeNull();
      const cases = await t.get(`/api/v1/cases?customerId=${whose.id}`, admin);
      expect(cases.body.items).toEqual([]);
    }
    const k = await makeCommitment(t.db, {
      customerId: colleague.id,
      organizationId: org.id,
      state: 'overdue',
    });
    expect((await t.post(`/api/v1/commitments/${k.id}/case`, {}, agent)).status).toBe(200);
  });
});

describe('a customer changing customer records (PATCH /customers/:id)', () => {
  it('changes their own name, time zone, phone and language; nothing we keep about them', async () => {
    const org = await makeOrganization(t.db);
    const other = await makeOrganization(t.db);
    const segment = await makeSegment(t.db);
    const self = await makeCustomer(t.db, { organizationId: org.id, organizationAccess: true });
    const { token } = await makeUser(t.db, 'customer', { customerId: self.id });

    const allowed = {
      name: `Renamed ${unique()}`,
      timeZone: 'Asia/Tokyo',
      phone: '+49 30 5550100',
      language: 'de',
    };
    const ok = await t.patch(`/api/v1/customers/${self.id}`, allowed, token);
    expect(ok.status).toBe(200);
    expect([ok.body.name, ok.body.timeZone, ok.body.phone, ok.body.language]).toEqual([
      allowed.name,
      'Asia/Tokyo',
      '+49 30 5550100',
      'de',
    ]);

    const refused: [string, unknown][] = [
      ['segment', segment.key],
      ['organizationId', other.id],
      ['organizationId', null],
      ['organizationAccess', false],
      ['email', `taken-over-${unique()}@example.com`],
      ['email', null],
      ['externalId', `ERP-${unique()}`],
      ['customFields', { tier: 'Gold' }],
    ];
    for (const [field, value] of refused) {
      const res = await t.patch(`/api/v1/customers/${self.id}`, { [field]: value }, token);
      expect([field, res.status, res.body.error?.code, res.body.error?.message]).toEqual([
        field,
        403,
        'forbidden',
        `you may not change: ${field}`,
      ]);
    }
    // Nothing of it was written.
    const after = await t.get(`/api/v1/customers/${self.id}`, admin);
    expect([after.body.segment, after.body.organizationId, after.body.organizationAccess]).toEqual([
      null,
      org.id,
      true,
    ]);
    expect([after.body.email, after.body.externalId, after.body.customFields]).toEqual([
      self.email,
      null,
      {},
    ]);
    // A field hidden from them, sent back as they read it (null), is no change.
    const echoed = await t.patch(`/api/v1/customers/${self.id}`, { segment: null, externalId: null }, token);
    expect(echoed.status).toBe(200);
  });

  it("a colleague's record is 403 (they may read it), another organization's customer 404", async () => {
    const org = await makeOrganization(t.db);
    const self = await makeCustomer(t.db, { organizationId: org.id, organizationAccess: true });
    const colleague = await makeCustomer(t.db, { organizationId: org.id });
    const stranger = await makeCustomer(t.db, { organizationId: (await makeOrganization(t.db)).id });
    const { token } = await makeUser(t.db, 'customer', { customerId: self.id });

    const theirs = await t.patch(`/api/v1/customers/${colleague.id}`, { name: 'Hijacked' }, token);
    expect([theirs.status, theirs.body.error.message]).toEqual([403, 'you may change only your own profile']);
    const foreign = await t.patch(`/api/v1/customers/${stranger.id}`, { name: 'Hijacked' }, token);
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'not_found']);
    for (const c of [colleague, stranger])
      expect((await t.get(`/api/v1/customers/${c.id}`, admin)).body.name).toBe(c.name);
  });
});
