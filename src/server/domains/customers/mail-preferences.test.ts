// A customer's mail preferences: what we mail them on our own (the acknowledgement of a new request,
// a signal rule's notify_customer), which they turn off on My account in the portal and staff see
// (and set, when asked) on the customer record. Off: nothing of the kind is queued in the outbox; a
// notify_customer is skipped with its reason. An agent's answer is sent whatever they chose.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { RuleAction } from '../../../shared/schemas/rules.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeCase, makeCustomer, makeUser, unique } from '../../../../test/helpers/factories.js';
import { makeSignal } from '../../../../test/helpers/signal-factories.js';
import { plainMail } from '../../../../test/helpers/mail-fixtures.js';
import { receiveMail } from '../mail/inbound.js';
import { OPTED_OUT_REASON, runSignalActions } from '../signals/actions.js';
import { signalActions } from '../signals/signals.table.js';

let t: TestApp;
let agent: string;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  agent = (await makeUser(t.db, 'agent')).token;
  admin = (await makeUser(t.db, 'admin')).token;
});
afterAll(() => t?.close());

const outTo = (caseId: string) =>
  rows<{ to_addresses: string[]; subject: string; case_message_id: string | null }>(
    t.db,
    sql`select to_addresses, subject, case_message_id from mail_messages
      where case_id = ${caseId} and direction = 'out' order by created_at, id`,
  );

/** A customer with a portal login; `off`: the preferences turned off through the portal. */
async function customerWith(off: ('mailAcknowledgements' | 'mailProactiveNotices')[] = []) {
  const customer = await makeCustomer(t.db);
  const { token } = await makeUser(t.db, 'customer', { customerId: customer.id });
  if (off.length > 0) {
    const res = await t.patch(
      '/api/v1/portal/account',
      Object.fromEntries(off.map((k) => [k, false])),
      token,
    );
    expect(res.status).toBe(200);
  }
  return { customer, token };
}

describe('mail preferences through the API', () => {
  it('a customer reads and sets their own on My account; the change is a customer.updated event', async () => {
    const { customer, token } = await customerWith();
    const before = (await t.get('/api/v1/portal/account', token)).body;
    expect([before.mailAcknowledgements, before.mailProactiveNotices]).toEqual([true, true]);
    const saved = await t.request('PATCH', '/api/v1/portal/account', {
      body: { mailAcknowledgements: false, mailProactiveNotices: false },
      token,
      headers: { 'if-match': before.updatedAt },
    });
    expect(saved.status).toBe(200);
    expect([saved.body.mailAcknowledgements, saved.body.mailProactiveNotices]).toEqual([false, false]);
    const again = await t.patch('/api/v1/portal/account', { mailProactiveNotices: true }, token);
    expect([again.body.mailAcknowledgements, again.body.mailProactiveNotices]).toEqual([false, true]);
    // Audit trail and webhooks see each change, with who made it.
    const events = await rows<{ data: unknown }>(
      t.db,
      sql`select data from domain_events where type = 'customer.updated' and entity_id = ${customer.id}
        order by occurred_at, id`,
    );
    expect(events.map((e) => e.data)).toEqual([
      {
        changes: {
          mailAcknowledgements: { from: true, to: false },
          mailProactiveNotices: { from: true, to: false },
        },
      },
      { changes: { mailProactiveNotices: { from: false, to: true } } },
    ]);
    // Not a boolean: 400 naming the field.
    const bad = await t.patch('/api/v1/portal/account', { mailAcknowledgements: 'no' }, token);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body.mailAcknowledgements');
    // The OpenAPI document names them on the account.
    const doc = (await t.get('/api/docs/json')).body;
    const schema =
      doc.paths['/api/v1/portal/account'].get.responses['200'].content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['mailAcknowledgements', 'mailProactiveNotices']));
  });

  it('another customer cannot change them, not even a colleague who sees the record', async () => {
    const org = (await t.post('/api/v1/organizations', { name: `Org ${unique()}` }, admin)).body;
    const her = await makeCustomer(t.db, { organizationId: org.id });
    const colleague = await makeCustomer(t.db, { organizationId: org.id, organizationAccess: true });
    const { token } = await makeUser(t.db, 'customer', { customerId: colleague.id });
    // The colleague reads her record, but may not turn her mail off.
    expect((await t.get(`/api/v1/customers/${her.id}`, token)).status).toBe(200);
    const refused = await t.patch(`/api/v1/customers/${her.id}`, { mailAcknowledgements: false }, token);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden']);
    // A stranger does not even learn the record exists.
    const stranger = (await makeUser(t.db, 'customer')).token;
    const hidden = await t.patch(`/api/v1/customers/${her.id}`, { mailProactiveNotices: false }, stranger);
    expect(hidden.status).toBe(404);
    // The portal route names no id: a body naming one is refused.
    const named = await t.patch('/api/v1/portal/account', { id: her.id, mailAcknowledgements: false }, token);
    expect(named.status).toBe(400);
    const staff = (await t.get(`/api/v1/customers/${her.id}`, agent)).body;
    expect([staff.mailAcknowledgements, staff.mailProactiveNotices]).toEqual([true, true]);
  });

  it('staff see them on the customer record and set them when the customer asks', async () => {
    const { customer, token } = await customerWith(['mailAcknowledgements']);
    const read = (await t.get(`/api/v1/customers/${customer.id}`, agent)).body;
    expect([read.mailAcknowledgements, read.mailProactiveNotices]).toEqual([false, true]);
    const set = await t.patch(`/api/v1/customers/${customer.id}`, { mailProactiveNotices: false }, agent);
    expect(set.status).toBe(200);
    expect([set.body.mailAcknowledgements, set.body.mailProactiveNotices]).toEqual([false, false]);
    // The customer sees what staff set.
    const mine = (await t.get('/api/v1/portal/account', token)).body;
    expect([mine.mailAcknowledgements, mine.mailProactiveNotices]).toEqual([false, false]);
    // Set at creation too.
    const created = await t.post(
      '/api/v1/customers',
      { name: `New ${unique()}`, mailAcknowledgements: false },
      admin,
    );
    expect(created.status).toBe(201);
    expect([created.body.mailAcknowledgements, created.body.mailProactiveNotices]).toEqual([false, true]);
  });
});

describe('the acknowledgement of a new request', () => {
  it('is not queued for a customer who turned it off, by mail or web form; it is for one who did not', async () => {
    const { customer: off } = await customerWith(['mailAcknowledgements']);
    const { customer: on } = await customerWith();
    const fromOff = await receiveMail(
      t.db,
      plainMail({ from: off.email!, subject: `Lamp ${unique()}`, body: 'x' }),
    );
    const fromOn = await receiveMail(
      t.db,
      plainMail({ from: on.email!, subject: `Lamp ${unique()}`, body: 'x' }),
    );
    expect([fromOff.status, fromOn.status]).toEqual(['processed', 'processed']);
    expect(await outTo(fromOff.caseId!)).toEqual([]);
    const [ack] = await outTo(fromOn.caseId!);
    expect(ack!.to_addresses).toEqual([on.email!.toLowerCase()]);

    const viaForm = (email: string) =>
      t.post('/api/v1/web-form', { name: 'Jonas', email, subject: 'Broken', message: 'It broke.' });
    const formOff = await viaForm(off.email!);
    const formOn = await viaForm(on.email!);
    expect([formOff.status, formOn.status]).toEqual([201, 201]);
    const caseOf = async (n: number) =>
      (await rows<{ id: string }>(t.db, sql`select id from cases where number = ${n}`))[0]!.id;
    expect(await outTo(await caseOf(formOff.body.caseNumber))).toEqual([]);
    expect(await outTo(await caseOf(formOn.body.caseNumber))).toHaveLength(1);

    // An agent's answer is no acknowledgement: it is mailed all the same.
    const reply = await t.post(
      `/api/v1/cases/${fromOff.caseId}/messages`,
      { body: 'Here is your answer.', public: true },
      agent,
    );
    expect(reply.status).toBe(201);
    const [answer] = await outTo(fromOff.caseId!);
    expect([answer!.to_addresses, answer!.case_message_id]).toEqual([
      [off.email!.toLowerCase()],
      reply.body.id,
    ]);
  });
});

describe('a rule’s notify_customer', () => {
  async function pendingNotice(customerId: string) {
    const c = await makeCase(t.db, customerId, { channel: 'proactive', subject: `Late order ${unique()}` });
    const signal = await makeSignal(t.db, { customerId, caseId: c.id, title: `Late ${unique()}` });
    await t.db.insert(signalActions).values({
      signalId: signal.id,
      position: 0,
      kind: 'notify_customer',
      params: RuleAction.parse({ kind: 'notify_customer', message: 'Your order is on its way after all' }),
    });
    return { caseId: c.id, signalId: signal.id };
  }

  for (const batch of [true, false])
    it(`is skipped with its reason for a customer who turned notices off, and sent to one who did not (${batch ? 'batched' : 'one by one'})`, async () => {
      const { customer: off } = await customerWith(['mailProactiveNotices']);
      const { customer: on } = await customerWith(['mailAcknowledgements']);
      const quiet = await pendingNotice(off.id);
      const told = await pendingNotice(on.id);
      await runSignalActions(t.db, 50, { batch });

      // On the signal's page: skipped, and why.
      const skipped = (await t.get(`/api/v1/signals/${quiet.signalId}`, agent)).body;
      expect(skipped.actions).toMatchObject([
        {
          kind: 'notify_customer',
          state: 'skipped',
          result: { skipped: 'customer_opted_out' },
          error: OPTED_OUT_REASON,
        },
      ]);
      const messagesOff = (await t.get(`/api/v1/cases/${quiet.caseId}/messages`, agent)).body.items;
      expect(messagesOff.filter((m: { authorType: string }) => m.authorType !== 'customer')).toEqual([]);
      expect(await outTo(quiet.caseId)).toEqual([]);

      // Turned off acknowledgements only: the notice comes.
      const done = (await t.get(`/api/v1/signals/${told.signalId}`, agent)).body;
      expect(done.state).toBe('acted');
      expect(done.actions).toMatchObject([{ kind: 'notify_customer', state: 'done' }]);
      const [mail] = await outTo(told.caseId);
      expect([mail!.to_addresses, mail!.case_message_id]).toEqual([
        [on.email!.toLowerCase()],
        done.actions[0].result.messageId,
      ]);
    });
});
