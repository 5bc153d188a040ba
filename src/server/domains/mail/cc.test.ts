// A case's CC list: taken from the customer's mail (To and Cc besides us), kept by staff, copied
// on every public reply, and the only way someone outside the customer's organization writes
// into the case.
import { sql } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  makeCase,
  makeCustomer,
  makeOrganization,
  makeUser,
  unique,
} from '../../../../test/helpers/factories.js';
import { consumeToPresent } from '../../../../test/helpers/consumers.js';
import { deliverNotifications } from '../notifications/notifications.service.js';
import { plainMail } from '../../../../test/helpers/mail-fixtures.js';
import { receiveMail } from './inbound.js';

let t: TestApp;
let agent: { token: string; user: { id: string; email: string } };
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  agent = await makeUser(t.db, 'agent');
  admin = (await makeUser(t.db, 'admin')).token;
  await t.post('/api/v1/mailboxes', { address: 'billing@steward.localhost', name: 'Billing' }, admin);
});
afterAll(() => t?.close());

const person = (name: string) => {
  const u = unique();
  return { address: `${name.toLowerCase()}-${u}@${name.toLowerCase()}-${u}.example`, name };
};
const caseOf = async (id: string) => (await t.get(`/api/v1/cases/${id}`, agent.token)).body;

/** The mails of the case's replies (not the acknowledgement of the request, which has no message). */
async function outMails(caseId: string) {
  return rows<{ to_addresses: string[]; cc_addresses: string[]; raw: Uint8Array }>(
    t.db,
    sql`select to_addresses, cc_addresses, raw from mail_messages
      where case_id = ${caseId} and direction = 'out' and case_message_id is not null order by created_at, id`,
  );
}

describe('the CC list from mail', () => {
  it('takes the mail’s other recipients, copies them on replies, and lets them write into the case', async () => {
    const customer = await makeCustomer(t.db);
    const lars = person('Lars');
    const eva = person('Eva');
    const res = await receiveMail(
      t.db,
      plainMail({
        from: customer.email!,
        to: `support@steward.localhost, ${eva.name} <${eva.address}>`,
        subject: `Broken lamp ${unique()}`,
        headers: { Cc: `${lars.address}, ${agent.user.email}, billing@steward.localhost, ${customer.email}` },
      }),
    );
    expect(res.status).toBe('processed');
    const caseId = res.caseId!;
    // Not us, not the colleague, not the customer: the two others, To first.
    expect((await caseOf(caseId)).cc).toEqual([eva.address, lars.address]);
    const timeline = (await t.get(`/api/v1/cases/${caseId}/timeline`, agent.token)).body.items;
    expect(
      timeline.find((e: { data: { reason?: string } }) => e.data.reason === 'mail_cc').data.changes.cc,
    ).toEqual({
      from: [],
      to: [eva.address, lars.address],
    });

    // The agent's reply goes to the customer, copied to both.
    const reply = await t.post(
      `/api/v1/cases/${caseId}/messages`,
      { body: 'We are sending a new lamp.', public: true },
      agent.token,
    );
    expect(reply.status).toBe(201);
    const [out] = await outMails(caseId);
    expect(out!.to_addresses).toEqual([customer.email!.toLowerCase()]);
    expect(out!.cc_addresses).toEqual([eva.address, lars.address]);
    const parsed = await simpleParser(Buffer.from(out!.raw));
    expect(
      (Array.isArray(parsed.cc) ? parsed.cc : [parsed.cc]).flatMap((a) => a!.value.map((v) => v.address)),
    ).toEqual([eva.address, lars.address]);
    // An internal note goes to nobody.
    await t.post(`/api/v1/cases/${caseId}/messages`, { body: 'Ordered.', public: false }, agent.token);
    expect(await outMails(caseId)).toHaveLength(1);

    // Lars answers the reply: his mail joins the case, as himself.
    const token = (
      await rows<{ reply_token: string }>(t.db, sql`select reply_token from cases where id = ${caseId}`)
    )[0]!.reply_token;
    const answer = await receiveMail(
      t.db,
      plainMail({
        from: `Lars <${lars.address}>`,
        to: `support+${token}@steward.localhost`,
        body: 'Thanks!',
      }),
    );
    expect(answer.caseId).toBe(caseId);
    const messages = (await t.get(`/api/v1/cases/${caseId}/messages`, agent.token)).body.items;
    expect(messages.at(-1)).toMatchObject({ authorType: 'customer', authorName: 'Lars', body: 'Thanks!' });

    // Someone not copied still gets a case of their own.
    const eve = person('Eve');
    const intruder = await receiveMail(
      t.db,
      plainMail({ from: eve.address, to: `support+${token}@steward.localhost`, body: 'Let me in' }),
    );
    expect(intruder.caseId).not.toBe(caseId);
  });

  it('tells the assignee who wrote: someone copied, a colleague in the portal, or the customer', async () => {
    const org = await makeOrganization(t.db);
    const customer = await makeCustomer(t.db, { name: `Clara ${unique()}`, organizationId: org.id });
    const colleague = await makeCustomer(t.db, {
      name: `Colin ${unique()}`,
      organizationId: org.id,
      organizationAccess: true,
    });
    const colleagueLogin = await makeUser(t.db, 'customer', { customerId: colleague.id });
    const lars = person('Lars');
    const res = await receiveMail(
      t.db,
      plainMail({
        from: customer.email!,
        subject: `Broken chair ${unique()}`,
        headers: { Cc: lars.address },
      }),
    );
    const caseId = res.caseId!;
    expect((await t.patch(`/api/v1/cases/${caseId}`, { assigneeId: agent.user.id }, admin)).status).toBe(200);
    // Each answers the agent's reply (it carries the case's reply address).
    await t.post(`/api/v1/cases/${caseId}/messages`, { body: 'Which chair?', public: true }, agent.token);
    const token = (
      await rows<{ reply_token: string }>(t.db, sql`select reply_token from cases where id = ${caseId}`)
    )[0]!.reply_token;
    await receiveMail(
      t.db,
      plainMail({ from: `Lars <${lars.address}>`, to: `support+${token}@steward.localhost` }),
    );
    expect(
      (
        await t.post(
          `/api/v1/cases/${caseId}/messages`,
          { body: 'Me too', public: true },
          colleagueLogin.token,
        )
      ).status,
    ).toBe(201);
    const again = await receiveMail(
      t.db,
      plainMail({ from: customer.email!, to: `support+${token}@steward.localhost`, body: 'Any news?' }),
    );
    expect(again.caseId).toBe(caseId);
    await consumeToPresent(t.db, 'notifications', () => deliverNotifications(t.db));

    const mine = (await t.get('/api/v1/notifications?limit=100', agent.token)).body.items.filter(
      (n: { kind: string; case: { id: string } }) => n.kind === 'customer_replied' && n.case.id === caseId,
    );
    // Newest first: the customer, the colleague, Lars; the case's customer is named on each.
    expect(mine.map((n: { writerName: string | null }) => n.writerName)).toEqual([
      null,
      colleague.name,
      'Lars',
    ]);
    expect(new Set(mine.map((n: { case: { customerName: string } }) => n.case.customerName))).toEqual(
      new Set([customer.name]),
    );
    const mails = await rows<{ subject: string }>(
      t.db,
      sql`select subject from mail_messages where direction = 'out' and ${agent.user.email} = any(to_addresses)
        and subject like ${'%wrote%'} and subject like ${`%${(await caseOf(caseId)).subject}`} order by created_at, id`,
    );
    expect(mails.map((m) => m.subject.replace(/^\[#\d+\] /, '').replace(/:.*$/, ''))).toEqual([
      'Lars wrote',
      `${colleague.name} wrote`,
      `${customer.name} wrote`,
    ]);
  });

  it('adds whom the customer copies later, once, after those kept', async () => {
    const customer = await makeCustomer(t.db);
    const first = await receiveMail(
      t.db,
      plainMail({ from: customer.email!, subject: `Invoice ${unique()}` }),
    );
    expect((await caseOf(first.caseId!)).cc).toEqual([]);
    // An agent's reply gives the case its reply address.
    await t.post(
      `/api/v1/cases/${first.caseId!}/messages`,
      { body: 'Looking into it', public: true },
      agent.token,
    );
    const token = (
      await rows<{ reply_token: string }>(
        t.db,
        sql`select reply_token from cases where id = ${first.caseId!}`,
      )
    )[0]!.reply_token;
    const ola = person('Ola');
    await t.patch(`/api/v1/cases/${first.caseId!}`, { cc: [ola.address] }, agent.token);
    const kim = person('Kim');
    const again = await receiveMail(
      t.db,
      plainMail({
        from: customer.email!,
        to: `support+${token}@steward.localhost`,
        headers: { Cc: `${kim.address}, ${ola.address}` },
      }),
    );
    expect(again.caseId).toBe(first.caseId);
    expect((await caseOf(first.caseId!)).cc).toEqual([ola.address, kim.address]);
  });
});

describe('the CC list kept by staff', () => {
  it('is set and cleared through the API, and shown to the case’s customer', async () => {
    const customer = await makeCustomer(t.db);
    const c = await makeCase(t.db, customer.id, { message: { body: 'Hi' } });
    const lars = person('Lars');
    const res = await t.patch(
      `/api/v1/cases/${c.id}`,
      { cc: [` ${lars.address.toUpperCase()} `, lars.address] },
      agent.token,
    );
    expect(res.status).toBe(200);
    expect(res.body.cc).toEqual([lars.address]);
    const csv = await t.get(`/api/v1/cases/export.csv?customerId=${customer.id}`, agent.token);
    expect(String(csv.body).split(/\r?\n/)[0]).toContain(',CC,');
    expect(String(csv.body)).toContain(`,${lars.address},`);
    const me = await makeUser(t.db, 'customer', { customerId: customer.id });
    expect((await t.get(`/api/v1/cases/${c.id}`, me.token)).body.cc).toEqual([lars.address]);
    // Customers do not change it.
    expect((await t.patch(`/api/v1/cases/${c.id}`, { cc: [] }, me.token)).status).toBe(403);
    expect((await t.patch(`/api/v1/cases/${c.id}`, { cc: [] }, agent.token)).body.cc).toEqual([]);
  });

  it.each([
    ['not an address', () => ['lars at home'], 400, 'validation_error', 'body.cc.0'],
    [
      'more than ten',
      () => Array.from({ length: 11 }, (_, i) => `p${i}@x.example`),
      400,
      'validation_error',
      'body.cc',
    ],
    ['a colleague', () => [agent.user.email], 422, 'invalid_cc', 'body.cc.0'],
    [
      'one of our mailboxes',
      () => ['x@y.example', 'Billing@steward.localhost'],
      422,
      'invalid_cc',
      'body.cc.1',
    ],
    [
      'a reply address of ours',
      () => ['support+abcdefghijklmnop@steward.localhost'],
      422,
      'invalid_cc',
      'body.cc.0',
    ],
  ])('refuses %s and changes nothing', async (_what, cc, status, code, path) => {
    const customer = await makeCustomer(t.db);
    const c = await makeCase(t.db, customer.id, { message: { body: 'Hi' } });
    const res = await t.patch(`/api/v1/cases/${c.id}`, { cc: cc() }, agent.token);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(JSON.stringify(res.body.error)).toContain(path);
    expect((await caseOf(c.id)).cc).toEqual([]);
  });

  it('refuses the case’s own customer (they get the mail anyway)', async () => {
    const customer = await makeCustomer(t.db);
    const c = await makeCase(t.db, customer.id, { message: { body: 'Hi' } });
    const res = await t.patch(`/api/v1/cases/${c.id}`, { cc: [customer.email] }, agent.token);
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('the case’s customer');
  });
});
