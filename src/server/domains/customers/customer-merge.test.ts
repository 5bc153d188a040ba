// Merging a duplicate customer: what moves, what the survivor takes, how the duplicate's address,
// external id and id keep leading to the survivor, chained merges, conflicts, refusals, and who may.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../../../db/client.js';
import { usingPostgres } from '../../../../test/helpers/db.js';
import { makeSignal } from '../../../../test/helpers/signal-factories.js';
import { moveMergeStragglers } from './customer-merge.js';
import {
  customerWithCommitments,
  deliveryCommitment,
  eventOf,
  postRule,
  storeAlongside,
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
  makeUser,
  unique,
} from '../../../../test/helpers/factories.js';

let app: EventsApp;
beforeAll(async () => {
  app = await startEventsApp();
});
afterAll(() => app?.t.close());

const merge = (id: string, intoId: string, token = app.agent) =>
  app.t.post(`/api/v1/customers/${id}/merge`, { intoId }, token);
const count = async (query: ReturnType<typeof sql>) => (await rows<{ n: number }>(app.t.db, query))[0]!.n;

describe('merging a duplicate customer', () => {
  it('moves their cases, messages, login, events, signals and commitments, and fills the survivor’s gaps', async () => {
    const { t } = app;
    const at = typesFor();
    const org = await makeOrganization(t.db);
    // The survivor came from the order system (external id, no e-mail); the duplicate mailed in.
    const { customer: survivor } = await customerWithCommitments(t.db, [deliveryCommitment(at)]);
    const dupEmail = `dup-${unique()}@example.com`;
    const duplicate = await makeCustomer(t.db, {
      name: 'Dup Licate',
      email: dupEmail,
      phone: '+49 30 1234',
      organizationId: org.id,
      customFields: { tier: 'gold', note: 'from the duplicate' },
    });
    await t.patch(
      `/api/v1/customers/${survivor.id}`,
      { email: null, customFields: { tier: 'silver' } },
      app.admin,
    );
    const case1 = await makeCase(t.db, duplicate.id, { subject: 'Where is my order?' });
    const login = await makeUser(t.db, 'customer', { customerId: duplicate.id, email: dupEmail });
    // Written by the customer in the portal: the message's author is the duplicate.
    const case2 = (
      await t.post(
        '/api/v1/portal/cases',
        { subject: 'And my invoice?', message: 'Wrong amount.' },
        login.token,
      )
    ).body as { id: string };
    await postRule(app, {
      kind: 'match',
      name: `Promised ${unique()}`,
      severity: 'low',
      when: { type: at('promised') },
    });
    await sendEvents(app, [
      eventOf(at('promised'), {
        customer: { email: dupEmail },
        refs: { orderId: `O-${unique()}` },
        data: { promisedAt: new Date(Date.now() + 86_400_000).toISOString() },
      }),
    ]);
    expect(await count(sql`select count(*)::int as n from events where customer_id = ${duplicate.id}`)).toBe(
      1,
    );

    const res = await merge(duplicate.id, survivor.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.moved).toEqual({
      cases: 2,
      messages: 1,
      logins: 1,
      agreements: 0,
      signals: 1,
      commitments: 0,
      events: 1,
      ratings: 0,
    });
    expect(res.body.left).toEqual({ agreements: 0, commitments: 0 });
    // The survivor keeps its own values and takes the duplicate's where it had none.
    expect(res.body.customer).toMatchObject({
      id: survivor.id,
      name: survivor.name,
      externalId: survivor.externalId,
      email: dupEmail,
      phone: '+49 30 1234',
      organizationId: org.id,
      customFields: { tier: 'silver', note: 'from the duplicate' },
    });

    for (const c of [case1, case2]) {
      const got = await t.get(`/api/v1/cases/${c.id}`, app.agent);
      expect(got.body.customer.id).toBe(survivor.id);
      expect(got.body.organizationId).toBe(org.id);
    }
    // The login now belongs to the survivor: the customer sees their cases in the portal.
    const portal = await t.get('/api/v1/portal/cases', login.token);
    expect(portal.status).toBe(200);
    expect(portal.body.items.map((c: { id: string }) => c.id).sort()).toEqual([case1.id, case2.id].sort());
    expect(await count(sql`select count(*)::int as n from events where customer_id = ${survivor.id}`)).toBe(
      1,
    );
    const signals = await t.get(`/api/v1/signals?customerId=${survivor.id}`, app.agent);
    expect(signals.body.items.map((x: { customerId: string }) => x.customerId)).toEqual([survivor.id]);
    expect(
      await count(sql`select count(*)::int as n from commitments where customer_id = ${survivor.id}`),
    ).toBe(0);

    // The duplicate is gone from lists; staff opening it are told where it went.
    const list = await t.get(`/api/v1/customers?q=${encodeURIComponent('Dup Licate')}`, app.agent);
    expect(list.body.items).toEqual([]);
    const old = await t.get(`/api/v1/customers/${duplicate.id}`, app.agent);
    expect(old.status).toBe(404);
    expect(old.body.error.code).toBe('customer_merged');
    expect(old.body.error.details).toEqual([{ path: 'intoId', message: survivor.id }]);

    // Both audit trails and each case's history record it.
    const survivorLog = await t.get(`/api/v1/customers/${survivor.id}/history`, app.agent);
    expect(survivorLog.body.items.find((e: { type: string }) => e.type === 'customer.merged')).toMatchObject({
      type: 'customer.merged',
      data: { mergedId: duplicate.id, moved: res.body.moved },
    });
    const caseLog = await rows<{ data: unknown }>(
      t.db,
      sql`select data from domain_events where entity_id = ${case1.id} and type = 'case.updated'`,
    );
    expect(caseLog.map((e) => e.data)).toEqual([
      { changes: { customerId: { from: duplicate.id, to: survivor.id } }, reason: 'customer_merged' },
    ]);
  });

  it('the duplicate’s address, external id and id keep leading to the survivor', async () => {
    const { t } = app;
    const at = typesFor();
    const survivor = await makeCustomer(t.db, { email: `keep-${unique()}@example.com` });
    const dupEmail = `old-${unique()}@example.com`;
    const duplicate = await makeCustomer(t.db, { email: dupEmail, externalId: `X-${unique()}` });
    expect((await merge(duplicate.id, survivor.id)).status).toBe(200);

    // An event naming the duplicate by external id, by e-mail or by id: the survivor's.
    const sent = await sendEvents(app, [
      eventOf(at('a'), { customer: { externalId: duplicate.externalId } }),
      eventOf(at('b'), { customer: { email: dupEmail.toUpperCase() } }),
      eventOf(at('c'), { customer: { id: duplicate.id } }),
    ]);
    expect(sent.customersCreated ?? 0).toBe(0);
    expect(
      await count(
        sql`select count(*)::int as n from events where customer_id = ${survivor.id} and type like ${`${at('')}%`}`,
      ),
    ).toBe(3);

    // Mail in from the old address (the web form takes the same path as e-mail): the survivor's case.
    const form = await t.request('POST', '/api/v1/web-form', {
      body: { name: 'Old Address', email: dupEmail, subject: 'Still me', message: 'From my old address.' },
      headers: { 'x-forwarded-for': '203.0.113.77' },
    });
    expect(form.status, JSON.stringify(form.body)).toBe(201);
    const cases = await t.get(`/api/v1/cases?customerId=${survivor.id}`, app.agent);
    expect(cases.body.items.map((c: { subject: string }) => c.subject)).toEqual(['Still me']);
    expect(await count(sql`select count(*)::int as n from customers where lower(email) = ${dupEmail}`)).toBe(
      1,
    );

    // A phone log naming the duplicate by id.
    const call = await t.post(
      '/api/v1/conversations',
      {
        externalId: `call-${unique()}`,
        channel: 'phone',
        customer: { id: duplicate.id },
        subject: 'Rang in',
        startedAt: new Date().toISOString(),
        messages: [{ from: 'customer', body: 'Hello', at: new Date().toISOString() }],
      },
      app.agent,
    );
    expect(call.status, JSON.stringify(call.body)).toBe(201);
    expect((await t.get(`/api/v1/cases/${call.body.caseId}`, app.agent)).body.customer.id).toBe(survivor.id);

    // The portal sign-in link for the old address is sent to that address, for the survivor.
    const link = await t.request('POST', '/api/v1/auth/magic-link', {
      body: { email: dupEmail },
      headers: { 'x-forwarded-for': '203.0.113.78' },
    });
    expect(link.status).toBe(202);
    const [login] = await rows<{ customer_id: string }>(
      t.db,
      sql`select customer_id from users where lower(email) = ${dupEmail}`,
    );
    expect(login!.customer_id).toBe(survivor.id);
    expect(
      await count(
        sql`select count(*)::int as n from mail_messages
          where direction = 'out' and subject = 'Your sign-in link' and ${dupEmail} = any(to_addresses)`,
      ),
    ).toBe(1);

    // A case import naming the duplicate by address or by id (an old export): the survivor's.
    const imported = await t.post(
      '/api/v1/imports/cases',
      {
        cases: [
          { subject: 'Imported by address', customerEmail: dupEmail, createdAt: '2026-11-20T15:30:00.000Z' },
          { subject: 'Imported by id', customerId: duplicate.id, createdAt: '2026-11-20T15:30:00.000Z' },
        ],
      },
      app.admin,
    );
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const all = await t.get(`/api/v1/cases?customerId=${survivor.id}`, app.agent);
    expect(all.body.items.map((c: { subject: string }) => c.subject).sort()).toEqual(
      ['Imported by address', 'Imported by id', 'Rang in', 'Still me'].sort(),
    );

    // Looked up by the old address or external id (an integration), the survivor is found.
    for (const query of [
      `email=${encodeURIComponent(dupEmail.toUpperCase())}`,
      `externalId=${duplicate.externalId}`,
    ]) {
      const found = await t.get(`/api/v1/customers?${query}`, app.agent);
      expect(found.body.items.map((c: { id: string }) => c.id)).toEqual([survivor.id]);
    }

    // The address and external id are the survivor's now: no new customer takes them, by hand or
    // by import (a re-import of the old records would make the duplicate again).
    const taken = await t.post('/api/v1/customers', { name: 'New Owner', email: dupEmail }, app.agent);
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({
      code: 'email_taken',
      details: [
        { path: 'body.email', message: `belongs to ${survivor.name}: a customer merged into them had it` },
      ],
    });
    const other = await makeCustomer(t.db);
    const patched = await t.patch(
      `/api/v1/customers/${other.id}`,
      { externalId: duplicate.externalId },
      app.agent,
    );
    expect(patched.status).toBe(409);
    expect(patched.body.error.code).toBe('external_id_taken');
    const imported2 = await t.request('POST', '/api/v1/imports/customers', {
      raw: `name,email,externalId\nAgain,${dupEmail},\nAgain too,,${duplicate.externalId}\n`,
      contentType: 'text/csv',
      token: app.admin,
    });
    expect(imported2.status, JSON.stringify(imported2.body)).toBe(422);
    expect(imported2.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      expect.stringContaining('email'),
      expect.stringContaining('externalId'),
    ]);
    // The survivor itself may take the merged address as its own.
    const own = await t.patch(`/api/v1/customers/${survivor.id}`, { email: dupEmail }, app.agent);
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body.email).toBe(dupEmail);
  });

  it('merging the survivor on carries earlier merges along', async () => {
    const { t } = app;
    const [a, b, c] = [
      await makeCustomer(t.db, { email: `a-${unique()}@example.com` }),
      await makeCustomer(t.db, { email: `b-${unique()}@example.com` }),
      await makeCustomer(t.db, { email: `c-${unique()}@example.com` }),
    ];
    const caseOfA = await makeCase(t.db, a.id);
    expect((await merge(a.id, b.id)).status).toBe(200);
    expect((await merge(b.id, c.id)).status).toBe(200);
    expect((await t.get(`/api/v1/cases/${caseOfA.id}`, app.agent)).body.customer.id).toBe(c.id);
    const old = await t.get(`/api/v1/customers/${a.id}`, app.agent);
    expect(old.body.error.details).toEqual([{ path: 'intoId', message: c.id }]);
    const at = typesFor();
    await sendEvents(app, [eventOf(at('x'), { customer: { email: a.email } })]);
    expect(await count(sql`select count(*)::int as n from events where customer_id = ${c.id}`)).toBe(1);
  });

  it('a live commitment both had for the same order stays with the duplicate, and is counted', async () => {
    const { t } = app;
    const at = typesFor();
    const commitment = deliveryCommitment(at);
    const one = await customerWithCommitments(t.db, [commitment]);
    // The duplicate has the same commitment under an agreement of its own.
    const two = await makeCustomer(t.db, { externalId: `C-${unique()}` });
    await makeAgreement(t.db, { scope: { customerId: two.id }, commitments: [commitment] });
    const orderId = `O-${unique()}`;
    const promisedAt = new Date(Date.now() + 86_400_000).toISOString();
    await sendEvents(app, [
      eventOf(at('promised'), { ...one.who, refs: { orderId }, data: { promisedAt } }),
      eventOf(at('promised'), {
        customer: { externalId: two.externalId },
        refs: { orderId },
        data: { promisedAt },
      }),
      eventOf(at('promised'), {
        customer: { externalId: two.externalId },
        refs: { orderId: `O-${unique()}` },
        data: { promisedAt },
      }),
    ]);
    const res = await merge(two.id, one.customer.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.moved.commitments).toBe(1);
    // The survivor's own agreement stands; the duplicate's stays with it.
    expect(res.body.moved.agreements).toBe(0);
    expect(res.body.left).toEqual({ agreements: 1, commitments: 1 });
    expect(
      await count(sql`select count(*)::int as n from commitments where customer_id = ${one.customer.id}`),
    ).toBe(2);
  });

  it('lists the customers merged in, and others who may be the same person (name or phone digits)', async () => {
    const { t } = app;
    const name = `Mira Sol ${unique()}`;
    const keep = await makeCustomer(t.db, { name, phone: '+49 (30) 555-0101' });
    const sameName = await makeCustomer(t.db, { name: name.toUpperCase() });
    const samePhone = await makeCustomer(t.db, { name: `Someone ${unique()}`, phone: '+49 30 5550101' });
    await makeCustomer(t.db, { name: `Other ${unique()}`, phone: '+49 30 5550102' });
    const gone = await makeCustomer(t.db, { name: `Old ${unique()}`, email: `old-${unique()}@example.com` });
    expect((await merge(gone.id, keep.id)).status).toBe(200);

    const res = await t.get(`/api/v1/customers/${keep.id}/duplicates`, app.agent);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.merged).toEqual([
      expect.objectContaining({
        id: gone.id,
        name: gone.name,
        email: gone.email,
        mergedAt: expect.any(String),
      }),
    ]);
    expect(Date.now() - Date.parse(res.body.merged[0].mergedAt)).toBeLessThan(600_000);
    const byId = new Map(res.body.possible.map((p: { id: string; reasons: string[] }) => [p.id, p.reasons]));
    expect(Object.fromEntries(byId)).toEqual({ [sameName.id]: ['name'], [samePhone.id]: ['phone'] });
    // A customer without a phone and a unique name has none; a customer may not ask.
    const alone = await makeCustomer(t.db, { name: `Alone ${unique()}` });
    expect((await t.get(`/api/v1/customers/${alone.id}/duplicates`, app.agent)).body).toEqual({
      merged: [],
      possible: [],
    });
    const login = await makeUser(t.db, 'customer', { customerId: keep.id });
    expect((await t.get(`/api/v1/customers/${keep.id}/duplicates`, login.token)).status).toBe(403);
    expect((await t.get(`/api/v1/customers/${crypto.randomUUID()}/duplicates`, app.agent)).status).toBe(404);
  });

  it('lists every group of likely duplicates for a cleanup, largest first', async () => {
    const { t } = app;
    const name = `Tove Lund ${unique()}`;
    const first = await makeCustomer(t.db, { name, phone: '040 123 4567' });
    const second = await makeCustomer(t.db, { name: name.toUpperCase() });
    const third = await makeCustomer(t.db, { name: name.toLowerCase(), phone: '(040) 1234567' });
    await makeCase(t.db, second.id);
    const res = await t.get('/api/v1/customers/duplicates', app.agent);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const group = (reason: string, key: string) =>
      res.body.items.find((g: { reason: string; key: string }) => g.reason === reason && g.key === key);
    const byName = group('name', name.toLowerCase());
    expect(byName.customers.map((c: { id: string; cases: number }) => [c.id, c.cases])).toEqual([
      [first.id, 0],
      [second.id, 1],
      [third.id, 0],
    ]);
    expect(group('phone', '0401234567').customers.map((c: { id: string }) => c.id)).toEqual([
      first.id,
      third.id,
    ]);
    expect(res.body.total).toBeGreaterThanOrEqual(2);
    const sizes = res.body.items.map((g: { customers: unknown[] }) => g.customers.length);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    // Merged away, a group is gone.
    for (const c of [second, third]) expect((await merge(c.id, first.id)).status).toBe(200);
    const after = await t.get('/api/v1/customers/duplicates', app.agent);
    expect(
      after.body.items.filter((g: { key: string }) => g.key === name.toLowerCase() || g.key === '0401234567'),
    ).toEqual([]);
    const login = await makeUser(t.db, 'customer', { customerId: first.id });
    expect((await t.get('/api/v1/customers/duplicates', login.token)).status).toBe(403);
  });

  it('moves what a concurrent writer added to the merged customer just after the merge (the straggler job)', async () => {
    const { t } = app;
    const dup = await makeCustomer(t.db);
    const keep = await makeCustomer(t.db);
    expect((await merge(dup.id, keep.id)).status).toBe(200);
    // Written by transactions that read the duplicate as live just before the merge committed.
    await storeAlongside(app, {
      type: typesFor()('late'),
      customerId: dup.id,
      refs: { orderId: `O-${unique()}` },
      occurredAt: new Date().toISOString(),
    });
    const signal = await makeSignal(t.db, { customerId: dup.id });
    const [straggler] = await rows<{ id: string }>(
      t.db,
      sql`insert into cases (id, subject, customer_id, channel, category, priority, status)
        values (gen_random_uuid(), 'Late mail', ${dup.id}, 'email', 'other', 'normal', 'new') returning id`,
    );
    expect(await moveMergeStragglers(t.db)).toBeGreaterThanOrEqual(3);
    const [after] = await rows<{ events: number; signal: string; case: string }>(
      t.db,
      sql`select (select count(*)::int from events where customer_id = ${keep.id}) as events,
        (select customer_id from signals where id = ${signal.id}) as signal,
        (select customer_id from cases where id = ${straggler!.id}) as case`,
    );
    // The signal's own evidence event was written for the duplicate too.
    expect(after).toEqual({ events: 2, signal: keep.id, case: keep.id });
    // Nothing left: the next run moves nothing.
    expect(await moveMergeStragglers(t.db)).toBe(0);
  });

  it('refuses a merge into itself, into no customer, of a merged one; customers may not merge', async () => {
    const { t } = app;
    const a = await makeCustomer(t.db);
    const b = await makeCustomer(t.db);
    const self = await merge(a.id, a.id);
    expect(self.status).toBe(422);
    expect(self.body.error.code).toBe('same_customer');
    const nowhere = await merge(a.id, crypto.randomUUID());
    expect(nowhere.status).toBe(422);
    expect(nowhere.body.error).toMatchObject({
      code: 'invalid_reference',
      details: [{ path: 'body.intoId' }],
    });
    expect((await merge(crypto.randomUUID(), a.id)).status).toBe(404);
    expect((await t.post(`/api/v1/customers/${a.id}/merge`, {}, app.agent)).status).toBe(400);

    // A customer cannot fold another customer's record into theirs, nor theirs into another.
    const login = await makeUser(t.db, 'customer', { customerId: a.id });
    expect((await merge(b.id, a.id, login.token)).status).toBe(403);
    expect((await merge(a.id, b.id, login.token)).status).toBe(403);
    // A customer asking for a merged record learns nothing of where it went.
    expect((await merge(b.id, a.id)).status).toBe(200);
    const asked = await t.get(`/api/v1/customers/${b.id}`, login.token);
    expect(asked.status).toBe(404);
    expect(asked.body.error.code).toBe('not_found');
    // Merged once: it is no customer to merge again, nor to merge into.
    expect((await merge(b.id, a.id)).status).toBe(404);
    const c = await makeCustomer(t.db);
    expect((await merge(c.id, b.id)).body.error.code).toBe('invalid_reference');
    // Nothing was half-written by the refusals.
    expect((await t.get(`/api/v1/customers/${c.id}`, app.agent)).status).toBe(200);
  });
});

describe.runIf(usingPostgres())('merging at the same time (PostgreSQL)', () => {
  it('two merges of one pair in opposite directions: one wins, the other is told, nothing is half-done', async () => {
    const { t } = app;
    for (let round = 0; round < 5; round++) {
      const a = await makeCustomer(t.db);
      const b = await makeCustomer(t.db);
      for (const c of [a, b]) {
        const k = await makeCase(t.db, c.id, { channel: 'proactive' });
        await makeSignal(t.db, { customerId: c.id, state: 'acted', caseId: k.id });
      }
      const [ab, ba] = await Promise.all([merge(a.id, b.id), merge(b.id, a.id)]);
      const statuses = [ab.status, ba.status].sort();
      expect(statuses[0], JSON.stringify([ab.body, ba.body])).toBe(200);
      // The loser finds its customer merged (404) or its target gone (422), never a deadlock.
      expect([404, 422]).toContain(statuses[1]);
      const live = await rows<{ id: string; cases: number }>(
        t.db,
        sql`select c.id, (select count(*)::int from cases k where k.customer_id = c.id) as cases
          from customers c where c.id in (${a.id}, ${b.id}) and c.deleted_at is null`,
      );
      expect(live).toHaveLength(1);
      expect(live[0]!.cases).toBe(2);
      const [signals] = await rows<{ n: number }>(
        t.db,
        sql`select count(*)::int as n from signals where customer_id = ${live[0]!.id}`,
      );
      expect(signals!.n).toBe(2);
    }
  });
});
