// Merging a duplicate organization: what moves, what the survivor takes, how the duplicate's id,
// name and domains keep leading to the survivor, what stays, refusals and who may; the straggler
// job; and (PostgreSQL) merges of organizations and customers at the same time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../../../db/client.js';
import { usingPostgres } from '../../../../test/helpers/db.js';
import { makeSignal } from '../../../../test/helpers/signal-factories.js';
import {
  eventOf,
  sendEvents,
  startEventsApp,
  typesFor,
  type EventsApp,
} from '../../../../test/helpers/event-ingest.js';
import {
  makeAgreement,
  makeCase,
  makeCustomer,
  makeOrganization,
  makeSegment,
  makeUser,
  unique,
} from '../../../../test/helpers/factories.js';
import { moveOrganizationMergeStragglers } from './organization-merge.js';

let app: EventsApp;
beforeAll(async () => {
  app = await startEventsApp();
});
afterAll(() => app?.t.close());

const merge = (id: string, intoId: string, token = app.admin) =>
  app.t.post(`/api/v1/organizations/${id}/merge`, { intoId }, token);
const one = async <T>(query: ReturnType<typeof sql>) => (await rows<T>(app.t.db, query))[0]!;

describe('merging a duplicate organization', () => {
  it('moves its customers, cases, agreements and signals, and the survivor takes its domains', async () => {
    const { t } = app;
    const u = unique();
    const segment = await makeSegment(t.db);
    const keep = await makeOrganization(t.db, { name: `Contoso ${u}`, domains: [`contoso-${u}.example`] });
    const dup = await makeOrganization(t.db, {
      name: `Contoso Retail ${u}`,
      domains: [`contoso-retail-${u}.example`],
      segment: segment.key,
      notes: 'Made by the spring import.',
      customFields: { region: 'north' },
    });
    const theirs = await makeCustomer(t.db, {
      name: `Rita ${u}`,
      email: `rita@contoso-retail-${u}.example`,
      organizationId: dup.id,
      organizationAccess: true,
    });
    const ours = await makeCustomer(t.db, { organizationId: keep.id });
    const theirCase = await makeCase(t.db, theirs.id);
    const agreement = await makeAgreement(t.db, { scope: { organizationId: dup.id } });
    const signal = await makeSignal(t.db, { customerId: theirs.id, organizationId: dup.id });
    const at = typesFor();
    await sendEvents(app, [eventOf(at('invoice.issued'), { organization: { id: dup.id } })]);
    const login = await makeUser(t.db, 'customer', { customerId: theirs.id });

    const res = await merge(dup.id, keep.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.moved).toEqual({
      customers: 1,
      cases: 1,
      agreements: 1,
      signals: 1,
      commitments: 0,
    });
    expect(res.body.left).toEqual({ agreements: 0 });
    expect(res.body.organization).toMatchObject({
      id: keep.id,
      name: keep.name,
      domains: [`contoso-${u}.example`, `contoso-retail-${u}.example`],
      segment: segment.key,
      notes: 'Made by the spring import.',
      customFields: { region: 'north' },
      customerCount: 2,
    });

    const after = await one<{
      customer: string;
      kase: string;
      agreement: string;
      signal: string;
      events: number;
    }>(
      sql`select (select organization_id from customers where id = ${theirs.id}) as customer,
        (select organization_id from cases where id = ${theirCase.id}) as kase,
        (select scope_organization_id from agreements where id = ${agreement.id}) as agreement,
        (select organization_id from signals where id = ${signal.id}) as signal,
        (select count(*)::int from events where organization_id = ${dup.id}) as events`,
    );
    expect(after).toEqual({
      customer: keep.id,
      kase: keep.id,
      agreement: keep.id,
      signal: keep.id,
      // Operational events keep the organization they were received with: the one sent, the evidence.
      events: 2,
    });
    // The customer with organization access now sees the survivor, with its customers.
    expect((await t.get(`/api/v1/organizations/${keep.id}`, login.token)).status).toBe(200);
    const seen = await t.get(`/api/v1/customers?organizationId=${keep.id}`, login.token);
    expect(seen.body.items.map((c: { id: string }) => c.id).sort()).toEqual([theirs.id, ours.id].sort());

    // Staff opening the merged organization are told where it went; lists no longer show it.
    const old = await t.get(`/api/v1/organizations/${dup.id}`, app.agent);
    expect(old.status).toBe(404);
    expect(old.body.error.code).toBe('organization_merged');
    expect(old.body.error.details[0].message).toBe(keep.id);
    const list = await t.get(
      `/api/v1/organizations?q=${encodeURIComponent(`Contoso Retail ${u}`)}`,
      app.agent,
    );
    expect(list.body.items).toEqual([]);

    // The case's and the customer's history say why their organization changed.
    const caseHistory = await one<{ data: unknown }>(
      sql`select data from domain_events where entity_id = ${theirCase.id} and type = 'case.updated'`,
    );
    expect(caseHistory.data).toEqual({
      changes: { organizationId: { from: dup.id, to: keep.id } },
      reason: 'organization_merged',
    });
    const merged = await one<{ data: { mergedId: string; moved: { customers: number } } }>(
      sql`select data from domain_events where entity_id = ${keep.id} and type = 'organization.merged'`,
    );
    expect(merged.data.mergedId).toBe(dup.id);
    expect(merged.data.moved.customers).toBe(1);
    // The survivor's history tells it, by name.
    const history = await t.get(`/api/v1/organizations/${keep.id}/history`, app.agent);
    expect(history.body.items.at(-1)).toMatchObject({
      type: 'organization.merged',
      data: { mergedId: dup.id, mergedName: dup.name },
      names: { [dup.id]: dup.name },
    });
    // The moved customer's history names both organizations, as the audit log does.
    const theirHistory = await t.get(`/api/v1/customers/${theirs.id}/history`, app.agent);
    expect(theirHistory.body.items.at(-1)).toEqual({
      id: expect.any(String),
      type: 'customer.updated',
      actorId: expect.any(String),
      actorName: expect.any(String),
      actorKind: 'user',
      data: { changes: { organizationId: { from: dup.id, to: keep.id } }, reason: 'organization_merged' },
      names: { [dup.id]: dup.name, [keep.id]: keep.name },
      occurredAt: expect.stringMatching(/Z$/),
    });
  });

  it('its id, name and domains keep leading to the survivor: events, customer imports, duplicates', async () => {
    const { t } = app;
    const u = unique();
    const keep = await makeOrganization(t.db, { name: `Fabrikam ${u}` });
    const dup = await makeOrganization(t.db, { name: `Fabrikam Inc ${u}`, domains: [`fab-${u}.example`] });
    expect((await merge(dup.id, keep.id)).status).toBe(200);

    // Events from an integration that still names the old organization, by id or by domain.
    const at = typesFor();
    const byId = eventOf(at('usage.dropped'), { organization: { id: dup.id } });
    const byDomain = eventOf(at('usage.dropped'), { organization: { domain: `fab-${u}.example` } });
    await sendEvents(app, [byId, byDomain]);
    const stored = await rows<{ organization_id: string }>(
      t.db,
      sql`select organization_id from events where event_id in (${byId.id}, ${byDomain.id})`,
    );
    expect(stored.map((e) => e.organization_id)).toEqual([keep.id, keep.id]);

    // A customer import naming the old organization (any case) adds to the survivor, not a new one.
    const csv = `name,email,organization\nIda ${u},ida-${u}@example.com,fabrikam inc ${u}\n`;
    const imported = await t.request('POST', '/api/v1/imports/customers', {
      token: app.admin,
      raw: csv,
      contentType: 'text/csv',
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body.organizationsCreated).toBe(0);
    const ida = await one<{ organization_id: string }>(
      sql`select organization_id from customers where email = ${`ida-${u}@example.com`}`,
    );
    expect(ida.organization_id).toBe(keep.id);

    const dups = await t.get(`/api/v1/organizations/${keep.id}/duplicates`, app.agent);
    expect(dups.status).toBe(200);
    expect(dups.body.merged).toEqual([
      { id: dup.id, name: dup.name, domains: [`fab-${u}.example`], mergedAt: expect.any(String) },
    ]);

    // Merging the survivor on carries the earlier merge along.
    const last = await makeOrganization(t.db, { name: `Fabrikam Group ${u}` });
    expect((await merge(keep.id, last.id)).status).toBe(200);
    const chained = await t.get(`/api/v1/organizations/${dup.id}`, app.agent);
    expect(chained.body.error.details[0].message).toBe(last.id);
    const again = eventOf(at('usage.dropped'), { organization: { id: dup.id } });
    await sendEvents(app, [again]);
    expect(
      (await one<{ o: string }>(sql`select organization_id as o from events where event_id = ${again.id}`)).o,
    ).toBe(last.id);
  });

  it('offers organizations with an alike name as possible duplicates', async () => {
    const { t } = app;
    const u = unique();
    const a = await makeOrganization(t.db, { name: `Wingtip Toys ${u}` });
    const b = await makeOrganization(t.db, { name: `WINGTIP TOYS LTD ${u}` });
    await makeCustomer(t.db, { organizationId: b.id });
    await makeOrganization(t.db, { name: `Adventure Works ${u}` });
    const res = await t.get(`/api/v1/organizations/${a.id}/duplicates`, app.agent);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      merged: [],
      possible: [{ id: b.id, name: b.name, domains: b.domains, customerCount: 1 }],
    });
    const login = await makeUser(t.db, 'customer');
    expect((await t.get(`/api/v1/organizations/${a.id}/duplicates`, login.token)).status).toBe(403);
    expect((await t.get(`/api/v1/organizations/${crypto.randomUUID()}/duplicates`, app.agent)).status).toBe(
      404,
    );
  });

  it('an active agreement of the duplicate stays with it when the survivor has one', async () => {
    const { t } = app;
    const keep = await makeOrganization(t.db);
    const dup = await makeOrganization(t.db);
    const kept = await makeAgreement(t.db, { scope: { organizationId: keep.id } });
    const stays = await makeAgreement(t.db, { scope: { organizationId: dup.id } });
    const res = await merge(dup.id, keep.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.moved.agreements).toBe(0);
    expect(res.body.left).toEqual({ agreements: 1 });
    const scopes = await rows<{ id: string; scope_organization_id: string }>(
      t.db,
      sql`select id, scope_organization_id from agreements where id in (${kept.id}, ${stays.id}) order by id`,
    );
    expect(Object.fromEntries(scopes.map((s) => [s.id, s.scope_organization_id]))).toEqual({
      [kept.id]: keep.id,
      [stays.id]: dup.id,
    });
  });

  it('refuses a merge into itself, into no organization, of a merged one; only admins merge', async () => {
    const { t } = app;
    const a = await makeOrganization(t.db);
    const b = await makeOrganization(t.db);
    const self = await merge(a.id, a.id);
    expect([self.status, self.body.error.code]).toEqual([422, 'same_organization']);
    const nowhere = await merge(a.id, crypto.randomUUID());
    expect([nowhere.status, nowhere.body.error.code]).toEqual([422, 'invalid_reference']);
    expect(nowhere.body.error.details[0].path).toBe('body.intoId');
    expect((await merge(crypto.randomUUID(), a.id)).status).toBe(404);
    // Agents and customers may not; nothing changed.
    expect((await merge(a.id, b.id, app.agent)).status).toBe(403);
    const customer = await makeUser(t.db, 'customer');
    expect((await merge(a.id, b.id, customer.token)).status).toBe(403);
    expect((await t.get(`/api/v1/organizations/${a.id}`, app.agent)).status).toBe(200);
    // Merged, it can be neither merged again nor merged into.
    expect((await merge(a.id, b.id)).status).toBe(200);
    expect((await merge(a.id, b.id)).status).toBe(404);
    const into = await merge(b.id, a.id);
    expect([into.status, into.body.error.code]).toEqual([422, 'invalid_reference']);
    // Malformed bodies are 400s.
    for (const body of [{}, { intoId: 'nope' }, { intoId: b.id, extra: 1 }]) {
      expect((await t.post(`/api/v1/organizations/${b.id}/merge`, body, app.admin)).status).toBe(400);
    }
  });

  it('moves what a concurrent writer added to the merged organization just after the merge (the straggler job)', async () => {
    const { t } = app;
    const dup = await makeOrganization(t.db);
    const keep = await makeOrganization(t.db);
    expect((await merge(dup.id, keep.id)).status).toBe(200);
    // Written by transactions that read the duplicate as live just before the merge committed.
    const late = await makeCustomer(t.db);
    await t.db.execute(sql`update customers set organization_id = ${dup.id} where id = ${late.id}`);
    const signal = await makeSignal(t.db, { organizationId: dup.id });
    expect(await moveOrganizationMergeStragglers(t.db)).toBe(2);
    const after = await one<{ customer: string; signal: string; events: number }>(
      sql`select (select organization_id from customers where id = ${late.id}) as customer,
        (select organization_id from signals where id = ${signal.id}) as signal,
        (select count(*)::int from events where organization_id = ${dup.id}) as events`,
    );
    // The signal's evidence event keeps the organization it was received with.
    expect(after).toEqual({ customer: keep.id, signal: keep.id, events: 1 });
    expect(await moveOrganizationMergeStragglers(t.db)).toBe(0);
  });
});

describe.runIf(usingPostgres())('merging at the same time (PostgreSQL)', () => {
  it('organization and customer merges over the same records take turns: all succeed, nothing is half-done', async () => {
    const { t } = app;
    for (let round = 0; round < 3; round++) {
      const orgA = await makeOrganization(t.db);
      const orgB = await makeOrganization(t.db);
      const people = [];
      for (let i = 0; i < 4; i++) {
        const c = await makeCustomer(t.db, { organizationId: i % 2 ? orgA.id : orgB.id });
        const k = await makeCase(t.db, c.id, { channel: 'proactive' });
        await makeSignal(t.db, {
          customerId: c.id,
          organizationId: c.organizationId,
          state: 'acted',
          caseId: k.id,
        });
        people.push(c);
      }
      const [orgs, ...customers] = await Promise.all([
        merge(orgA.id, orgB.id),
        t.post(`/api/v1/customers/${people[0]!.id}/merge`, { intoId: people[3]!.id }, app.agent),
        t.post(`/api/v1/customers/${people[2]!.id}/merge`, { intoId: people[1]!.id }, app.agent),
      ]);
      expect(
        [orgs, ...customers].map((r) => r.status),
        JSON.stringify([orgs.body]),
      ).toEqual([200, 200, 200]);
      const left = await one<{ cases: number; signals: number; customers: number }>(
        sql`select
          (select count(*)::int from cases where organization_id = ${orgA.id}) as cases,
          (select count(*)::int from signals where organization_id = ${orgA.id}) as signals,
          (select count(*)::int from customers where organization_id = ${orgA.id} and deleted_at is null) as customers`,
      );
      expect(left).toEqual({ cases: 0, signals: 0, customers: 0 });
      const survivors = await one<{ n: number }>(
        sql`select count(*)::int as n from customers where organization_id = ${orgB.id} and deleted_at is null`,
      );
      expect(survivors.n).toBe(2);
    }
  });
});
