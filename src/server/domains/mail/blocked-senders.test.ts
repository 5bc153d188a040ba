// Spam and deleted cases: staff mark a case as spam (the case goes, its sender is blocked, a
// customer with nothing else goes too), admins delete cases and keep the blocked senders.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  makeCase,
  makeCustomer,
  makeCustomerWithAgreement,
  makeUser,
  TEST_PASSWORD,
  unique,
} from '../../../../test/helpers/factories.js';
import { plainMail } from '../../../../test/helpers/mail-fixtures.js';
import { makeSignal } from '../../../../test/helpers/signal-factories.js';
import { consumeToPresent } from '../../../../test/helpers/consumers.js';
import { deliverNotifications } from '../notifications/notifications.service.js';
import { requestMagicLink } from '../portal/magic-links.js';
import { receiveMail } from './inbound.js';

let t: TestApp;
let agent: string;
let agentId: string;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  const a = await makeUser(t.db, 'agent');
  agent = a.token;
  agentId = a.user.id;
  admin = (await makeUser(t.db, 'admin')).token;
});
afterAll(() => t?.close());
let ip = 0;

const spammer = () => {
  const u = unique();
  return `offers-${u}@deals-${u}.example`;
};
const mailFrom = (from: string, subject = `Cheap watches ${unique()}`) =>
  receiveMail(t.db, plainMail({ from, subject, body: 'Buy now' }));
const customerRow = async (id: string) =>
  (
    await rows<{ deleted: boolean }>(
      t.db,
      sql`select deleted_at is not null as deleted from customers where id = ${id}`,
    )
  )[0]!;

describe('marking a case as spam', () => {
  it('deletes the case, blocks the address, deletes a customer with nothing else; their next mail is ignored', async () => {
    const from = spammer();
    const first = await mailFrom(from);
    const c = (await t.get(`/api/v1/cases/${first.caseId}`, agent)).body;
    const res = await t.post(`/api/v1/cases/${c.id}/spam`, {}, agent);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ blocked: from, customerDeleted: true });
    // Gone for everyone, by id and by number, from lists and searches.
    expect((await t.get(`/api/v1/cases/${c.id}`, agent)).status).toBe(404);
    expect((await t.get(`/api/v1/cases/${c.number}`, admin)).status).toBe(404);
    const found = await t.get(`/api/v1/cases?q=${encodeURIComponent(c.subject)}`, agent);
    expect(found.body.items).toEqual([]);
    expect((await customerRow(c.customerId)).deleted).toBe(true);
    const events = await rows<{ type: string; data: { reason?: string } }>(
      t.db,
      sql`select type, data from domain_events where entity_id = ${c.id} and type = 'case.deleted'`,
    );
    expect(events).toEqual([
      { type: 'case.deleted', data: expect.objectContaining({ reason: 'spam', number: c.number }) },
    ]);

    // Their next mail is kept, as ignored, and opens nothing.
    const again = await mailFrom(from.toUpperCase());
    expect(again).toMatchObject({ status: 'ignored', reason: `blocked sender (${from})` });
    expect(again.caseId).toBeUndefined();
    const list = await t.get('/api/v1/blocked-senders', admin);
    expect(list.body.items.find((b: { pattern: string }) => b.pattern === from)).toMatchObject({
      reason: `case #${c.number} marked as spam`,
      caseId: c.id,
    });
    // Marked twice: the case is gone already.
    expect((await t.post(`/api/v1/cases/${c.id}/spam`, {}, agent)).status).toBe(404);
  });

  it('keeps a customer who has other cases', async () => {
    const customer = await makeCustomer(t.db);
    await makeCase(t.db, customer.id, { message: { body: 'A real question' } });
    const junk = await makeCase(t.db, customer.id, { message: { body: 'Junk' } });
    const res = await t.post(`/api/v1/cases/${junk.id}/spam`, {}, agent);
    expect(res.body).toEqual({ blocked: customer.email!.toLowerCase(), customerDeleted: false });
    expect((await customerRow(customer.id)).deleted).toBe(false);
    // Staff see on the customer why their mail does not arrive; the customer does not.
    expect((await t.get(`/api/v1/customers/${customer.id}`, agent)).body.blockedAs).toBe(
      customer.email!.toLowerCase(),
    );
    const me = await makeUser(t.db, 'customer', { customerId: customer.id });
    expect((await t.get(`/api/v1/customers/${customer.id}`, me.token)).body.blockedAs).toBeUndefined();
  });

  it('a blocked customer gets no sign-in link and may not open or write cases from the portal', async () => {
    const customer = await makeCustomer(t.db);
    const kept = await makeCase(t.db, customer.id, { message: { body: 'A real question' } });
    const me = await makeUser(t.db, 'customer', { customerId: customer.id });
    const write = () =>
      t.post(`/api/v1/cases/${kept.id}/messages`, { body: 'Still there?', public: true }, me.token);
    const open = () =>
      t.post(
        '/api/v1/cases',
        { subject: 'Another one', customerId: customer.id, message: { body: 'Hi' } },
        me.token,
      );
    const link = () =>
      requestMagicLink(t.db, { email: customer.email!, ip: `203.0.113.${++ip}`, publicUrl: 'http://x' });
    // Before: all three work.
    expect((await write()).status).toBe(201);
    expect((await open()).status).toBe(201);
    expect((await link()).outcome).toBe('sent');

    const junk = await makeCase(t.db, customer.id, { message: { body: 'Junk' } });
    expect((await t.post(`/api/v1/cases/${junk.id}/spam`, {}, agent)).body.customerDeleted).toBe(false);
    const messagesBefore = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from messages where case_id = ${kept.id}`,
    );
    for (const res of [await write(), await open()]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('sender_blocked');
    }
    expect((await link()).outcome).toBe('blocked_sender');
    // Nothing written: no message, no case.
    expect(await rows(t.db, sql`select count(*)::int as n from messages where case_id = ${kept.id}`)).toEqual(
      messagesBefore,
    );
    const theirs = await t.get(`/api/v1/cases?customerId=${customer.id}`, agent);
    expect(theirs.body.items.map((c: { subject: string }) => c.subject).sort()).toEqual([
      'Another one',
      kept.subject,
    ]);
    // Staff still write to them; unblocked, they write again.
    expect(
      (await t.post(`/api/v1/cases/${kept.id}/messages`, { body: 'Yes', public: true }, agent)).status,
    ).toBe(201);
    const [blocked] = (await t.get('/api/v1/blocked-senders', admin)).body.items.filter(
      (b: { pattern: string }) => b.pattern === customer.email!.toLowerCase(),
    );
    expect((await t.del(`/api/v1/blocked-senders/${blocked.id}`, admin)).status).toBe(204);
    expect((await write()).status).toBe(201);
  });

  it('is staff business, and never for a proactive case', async () => {
    const customer = await makeCustomer(t.db);
    const c = await makeCase(t.db, customer.id, { message: { body: 'Hi' } });
    const me = await makeUser(t.db, 'customer', { customerId: customer.id });
    expect((await t.post(`/api/v1/cases/${c.id}/spam`, {}, me.token)).status).toBe(403);
    expect((await t.get(`/api/v1/cases/${c.id}`, agent)).status).toBe(200);
    await t.db.execute(sql`update cases set channel = 'proactive' where id = ${c.id}`);
    const res = await t.post(`/api/v1/cases/${c.id}/spam`, {}, agent);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('not_spam');
    expect((await t.get(`/api/v1/cases/${c.id}`, agent)).status).toBe(200);
  });
});

describe('marking many cases as spam', () => {
  it('takes them all, or none when one cannot be', async () => {
    const a = await mailFrom(spammer());
    const b = await mailFrom(spammer());
    const same = await makeCustomer(t.db);
    const s1 = await makeCase(t.db, same.id, { message: { body: 'Junk 1' } });
    const s2 = await makeCase(t.db, same.id, { message: { body: 'Junk 2' } });
    const proactive = await makeCase(t.db, same.id, { message: { body: 'Ours' } });
    await t.db.execute(sql`update cases set channel = 'proactive' where id = ${proactive.id}`);

    // One proactive case in the selection: nothing happens.
    const refused = await t.post('/api/v1/cases/spam', { ids: [a.caseId, proactive.id] }, agent);
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toContain(proactive.id);
    expect((await t.get(`/api/v1/cases/${a.caseId}`, agent)).status).toBe(200);

    const res = await t.post('/api/v1/cases/spam', { ids: [a.caseId, b.caseId, s1.id, s2.id, s1.id] }, agent);
    expect(res.status).toBe(200);
    expect(res.body.cases).toBe(4);
    expect(res.body.blocked).toHaveLength(3);
    expect(res.body.blocked).toContain(same.email!.toLowerCase());
    // The two senders had nothing else; the third keeps their proactive case.
    expect(res.body.customersDeleted).toBe(2);
    expect((await customerRow(same.id)).deleted).toBe(false);
    for (const id of [a.caseId, b.caseId, s1.id, s2.id])
      expect((await t.get(`/api/v1/cases/${id}`, agent)).status).toBe(404);
    expect((await t.post('/api/v1/cases/spam', { ids: [proactive.id] }, 'nobody')).status).toBe(401);
  });
});

describe('deleting a case', () => {
  it('is for admins: the case is gone, its running clocks end, its customer stays', async () => {
    const customer = await makeCustomer(t.db);
    const c = await makeCase(t.db, customer.id, {
      message: { body: 'Test case, please ignore' },
      assigneeId: agentId,
    });
    await consumeToPresent(t.db, 'notifications', () => deliverNotifications(t.db));
    const told = async () =>
      ((await t.get('/api/v1/notifications', agent)).body.items as { case: { id: string } }[]).filter(
        (n) => n.case.id === c.id,
      ).length;
    expect(await told()).toBe(1);
    const kept = await makeCase(t.db, customer.id, { message: { body: 'A real one' } });
    expect((await t.post(`/api/v1/cases/${kept.id}/links`, { caseId: c.id }, agent)).status).toBe(204);
    expect((await t.del(`/api/v1/cases/${c.id}`, agent)).status).toBe(403);
    expect((await t.del(`/api/v1/cases/${c.id}`, admin)).status).toBe(204);
    expect((await t.get(`/api/v1/cases/${c.id}`, admin)).status).toBe(404);
    expect((await t.del(`/api/v1/cases/${c.id}`, admin)).status).toBe(404);
    const [left] = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from case_promises where case_id = ${c.id} and state in ('active', 'paused')`,
    );
    expect(left!.n).toBe(0);
    expect((await customerRow(customer.id)).deleted).toBe(false);
    // Its notifications went with it.
    expect(await told()).toBe(0);
    // The case it was linked to no longer lists it.
    expect((await t.get(`/api/v1/cases/${kept.id}/links`, agent)).body.items).toEqual([]);
    // Nothing was blocked.
    const list = await t.get('/api/v1/blocked-senders', admin);
    expect(list.body.items.map((b: { pattern: string }) => b.pattern)).not.toContain(
      customer.email!.toLowerCase(),
    );
  });

  it('is refused while live signals wait on the case', async () => {
    const customer = await makeCustomer(t.db);
    const c = await makeCase(t.db, customer.id, { message: { body: 'Hi' } });
    await makeSignal(t.db, { customerId: customer.id, caseId: c.id, state: 'acted' });
    const res = await t.del(`/api/v1/cases/${c.id}`, admin);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('case_has_signals');
    expect((await t.get(`/api/v1/cases/${c.id}`, admin)).status).toBe(200);
  });
});

describe('restoring a deleted case', () => {
  it('undoes a spam mark: the case, its customer and its sender come back; its clocks run again', async () => {
    const { customer } = await makeCustomerWithAgreement(t.db, {
      targets: [{ kind: 'resolution', minutes: 600 }],
    });
    const c = await makeCase(t.db, customer.id, { message: { body: 'Not spam after all' } });
    const portal = await makeUser(t.db, 'customer', { customerId: customer.id });
    const signIn = () => t.post('/api/v1/auth/login', { email: portal.user.email, password: TEST_PASSWORD });
    expect((await signIn()).status).toBe(200);
    expect((await t.post(`/api/v1/cases/${c.id}/spam`, {}, agent)).body.customerDeleted).toBe(true);
    // Their portal login went with them.
    expect((await signIn()).status).toBe(401);
    const deleted = await t.get('/api/v1/cases/deleted', admin);
    expect(deleted.body.items.find((d: { id: string }) => d.id === c.id)).toMatchObject({
      number: c.number,
      customerName: customer.name,
      reason: 'spam',
      deletedBy: expect.any(String),
    });
    expect((await t.get('/api/v1/cases/deleted', agent)).status).toBe(403);
    expect((await t.post(`/api/v1/cases/${c.id}/restore`, {}, agent)).status).toBe(403);

    expect((await t.post(`/api/v1/cases/${c.id}/restore`, {}, admin)).status).toBe(204);
    const back = await t.get(`/api/v1/cases/${c.id}`, agent);
    expect(back.status).toBe(200);
    expect(back.body.promises.map((p: { kind: string; state: string }) => [p.kind, p.state])).toEqual([
      ['resolution', 'active'],
    ]);
    expect((await customerRow(customer.id)).deleted).toBe(false);
    // And so does their portal login, with its password.
    const backIn = await signIn();
    expect(backIn.status).toBe(200);
    const theirs = await t.get('/api/v1/portal/cases', backIn.body.token);
    expect(theirs.body.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    const list = await t.get('/api/v1/blocked-senders', admin);
    expect(list.body.items.map((b: { pattern: string }) => b.pattern)).not.toContain(
      customer.email!.toLowerCase(),
    );
    expect(
      (await t.get('/api/v1/cases/deleted', admin)).body.items.map((d: { id: string }) => d.id),
    ).not.toContain(c.id);
    // Once is enough.
    const again = await t.post(`/api/v1/cases/${c.id}/restore`, {}, admin);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('not_deleted');
    expect(
      (await t.post(`/api/v1/cases/0190a000-0000-7000-8000-000000000000/restore`, {}, admin)).status,
    ).toBe(404);
  });
});

describe('blocked senders (admins)', () => {
  it('a domain blocks its subdomains; unblocking lets mail in again', async () => {
    const u = unique();
    const res = await t.post(
      '/api/v1/blocked-senders',
      { pattern: `Spam-${u}.example`, reason: 'bulk mailer' },
      admin,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ pattern: `@spam-${u}.example`, reason: 'bulk mailer', caseId: null });
    expect(res.body.createdBy.id).toBeDefined();
    expect((await t.post('/api/v1/blocked-senders', { pattern: `@spam-${u}.example` }, admin)).status).toBe(
      409,
    );

    const blocked = await mailFrom(`x@mail.spam-${u}.example`);
    expect(blocked).toMatchObject({ status: 'ignored', reason: `blocked sender (@spam-${u}.example)` });
    // A domain that only ends the same way is not inside it.
    expect((await mailFrom(`x@notspam-${u}.example`)).status).toBe('processed');

    expect((await t.del(`/api/v1/blocked-senders/${res.body.id}`, admin)).status).toBe(204);
    expect((await t.del(`/api/v1/blocked-senders/${res.body.id}`, admin)).status).toBe(404);
    expect((await mailFrom(`x@mail.spam-${u}.example`)).status).toBe('processed');
  });

  it.each([['not an address'], ['@'], ['x@'], ['@localhost']])('refuses the pattern %j', async (pattern) => {
    const res = await t.post('/api/v1/blocked-senders', { pattern }, admin);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_pattern');
  });

  it('agents and customers may not read or change the list', async () => {
    const customer = await makeUser(t.db, 'customer');
    for (const token of [agent, customer.token]) {
      expect((await t.get('/api/v1/blocked-senders', token)).status).toBe(403);
      expect((await t.post('/api/v1/blocked-senders', { pattern: 'a@b.example' }, token)).status).toBe(403);
    }
  });
});
