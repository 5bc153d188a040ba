// Mail through the API on a started server: which messages become mail (public agent replies to
// customers with an address; not notes, customers' messages or imports), held without SMTP and
// queued with it, the mail log (list, filters, paging, detail, raw source, retry), and its
// boundary: customers reach none of it.
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeCustomer, makeUser } from '../../../../test/helpers/factories.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { addMessage } from '../cases/messages.service.js';
import { HELD_REASON, configureMail, mailSettings } from './outbox.js';

const FROM = 'Steward Support <support@steward.localhost>';
let t: TestApp;
let agentToken: string;
let agentName: string;
let adminToken: string;

beforeAll(async () => {
  t = await startTestApp({ mailFrom: FROM, smtpUrl: undefined });
  const agent = await makeUser(t.db, 'agent');
  agentToken = agent.token;
  agentName = agent.user.name;
  adminToken = (await makeUser(t.db, 'admin')).token;
});
afterAll(() => t?.close());
afterEach(() => configureMail({ mailFrom: FROM, smtpUrl: undefined }));

async function openCase(customerId: string, subject = 'Where is my order?') {
  const res = await t.post(
    '/api/v1/cases',
    { subject, customerId, channel: 'email', message: { body: 'It has not arrived.' } },
    agentToken,
  );
  expect(res.status).toBe(201);
  return res.body as { id: string; number: number };
}
const reply = (caseId: string, body: unknown, token = agentToken) =>
  t.post(`/api/v1/cases/${caseId}/messages`, body, token);
const mailOf = async (caseId: string) =>
  (await t.get(`/api/v1/mail?caseId=${caseId}`, agentToken)).body.items as any[];

describe('which messages become mail', () => {
  it('a public agent reply to a customer with an address: held in the outbox without SMTP', async () => {
    const customer = await makeCustomer(t.db, { name: 'Maria Jensen', email: 'maria@northwind.example' });
    const c = await openCase(customer.id);
    expect(await mailOf(c.id)).toEqual([]); // the customer's own first message sends nothing
    const res = await reply(c.id, { body: 'It ships today.', public: true });
    expect(res.status).toBe(201);
    expect([res.body.delivery, res.body.notMailed]).toEqual(['held', null]);
    const mails = await mailOf(c.id);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      direction: 'out',
      status: 'held',
      reason: HELD_REASON,
      caseId: c.id,
      caseNumber: c.number,
      caseMessageId: res.body.id,
      fromAddress: 'support@steward.localhost',
      fromName: `${agentName} (Steward Support)`,
      toAddresses: ['maria@northwind.example'],
      subject: `[#${c.number}] Where is my order?`,
      attempts: 0,
      runAfter: null,
      sentAt: null,
    });
  });

  it('an internal note, a customer’s message and a customer without e-mail send nothing', async () => {
    const customer = await makeCustomer(t.db);
    const c = await openCase(customer.id);
    const note = await reply(c.id, { body: 'Checking the warehouse', public: false });
    expect([note.status, note.body.delivery, note.body.notMailed]).toEqual([201, null, null]);
    // The agent logs what the customer said on the phone: the customer's message.
    expect((await reply(c.id, { body: 'Customer called back', public: true, from: 'customer' })).status).toBe(
      201,
    );
    const { token } = await makeUser(t.db, 'customer', { customerId: customer.id });
    expect((await reply(c.id, { body: 'Any news?', public: true }, token)).status).toBe(201);
    expect(await mailOf(c.id)).toEqual([]);

    const silent = await makeCustomer(t.db, { email: null, phone: '+45 1234 5678' });
    const c2 = await openCase(silent.id);
    const unmailed = await reply(c2.id, { body: 'We will call you', public: true });
    expect([unmailed.status, unmailed.body.delivery]).toEqual([201, 'not_sent_no_address']);
    expect(unmailed.body.notMailed).toBe('no_address');
    expect(await mailOf(c2.id)).toEqual([]);
    // The reply keeps that it went to no one, and why, when the customer has an address since;
    // the customer's own message has nothing to say, and the customer is not told.
    const address = `silent-${Date.now()}@example.com`;
    expect((await t.patch(`/api/v1/customers/${silent.id}`, { email: address }, agentToken)).status).toBe(
      200,
    );
    const listed = (await t.get(`/api/v1/cases/${c2.id}/messages`, agentToken)).body.items as any[];
    expect(listed.map((m) => [m.body, m.notMailed])).toEqual([
      ['It has not arrived.', null],
      ['We will call you', 'no_address'],
    ]);
    const portal = await makeUser(t.db, 'customer', { customerId: silent.id });
    const seen = (await t.get(`/api/v1/cases/${c2.id}/messages`, portal.token)).body.items as any[];
    expect(seen.map((m) => [m.body, m.notMailed])).toEqual([
      ['It has not arrived.', null],
      ['We will call you', null],
    ]);
  });

  it('a deleted customer’s case takes replies, mailed to no one, and both the case and the reply say so', async () => {
    const customer = await makeCustomer(t.db, {
      name: `Deleted ${Date.now()}`,
      email: `gone-${Date.now()}@example.com`,
    });
    const c = await openCase(customer.id);
    // Copied to someone else too: they are not mailed either (one mail carries both).
    expect(
      (await t.patch(`/api/v1/cases/${c.id}`, { cc: [`cc-${Date.now()}@example.com`] }, agentToken)).status,
    ).toBe(200);
    const before = await t.get(`/api/v1/cases/${c.id}`, agentToken);
    expect(before.body.customer.deletedAt).toBeNull();
    expect((await t.del(`/api/v1/customers/${customer.id}`, adminToken)).status).toBe(204);

    const after = await t.get(`/api/v1/cases/${c.id}`, agentToken);
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('new'); // the deletion leaves the case as it was
    const [gone] = await rows<{ deleted_at: Date | string }>(
      t.db,
      sql`select deleted_at from customers where id = ${customer.id}`,
    );
    expect(after.body.customer.deletedAt).toBe(new Date(gone!.deleted_at).toISOString());
    expect(after.body.customer).toMatchObject({ id: customer.id, email: customer.email });

    const res = await reply(c.id, { body: 'It ships today.', public: true, status: 'pending' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      public: true,
      body: 'It ships today.',
      delivery: 'not_sent_customer_deleted',
      notMailed: 'customer_deleted',
    });
    // Kept, and a response all the same (the clocks run as on any case), but no mail in the outbox.
    const replied = await t.get(`/api/v1/cases/${c.id}`, agentToken);
    expect(replied.body).toMatchObject({ status: 'pending', firstRespondedAt: res.body.createdAt });
    expect(
      await rows(t.db, sql`select id from mail_messages where case_id = ${c.id} and direction = 'out'`),
    ).toEqual([]);
    // A note is a note, as on any case.
    const note = await reply(c.id, { body: 'Customer deleted; nobody to write to', public: false });
    expect([note.status, note.body.delivery, note.body.notMailed]).toEqual([201, null, null]);
    // Whoever reads the case later reads it on the reply, and on nothing else.
    const listed = (await t.get(`/api/v1/cases/${c.id}/messages`, agentToken)).body.items as any[];
    expect(listed.map((m) => [m.body, m.notMailed])).toEqual([
      ['It has not arrived.', null],
      ['It ships today.', 'customer_deleted'],
      ['Customer deleted; nobody to write to', null],
    ]);
  });

  it('imported history sends nothing; a case an agent opens by writing sends its first message', async () => {
    const customer = await makeCustomer(t.db);
    const c = await openCase(customer.id);
    const past = new Date(Date.now() - 3600_000).toISOString();
    const old = await reply(c.id, { body: 'Old reply', public: true, createdAt: past }, adminToken);
    expect([old.status, old.body.delivery, old.body.notMailed]).toEqual([201, null, null]);
    expect(await mailOf(c.id)).toEqual([]);

    const res = await t.post(
      '/api/v1/cases',
      {
        subject: 'Your replacement',
        customerId: customer.id,
        channel: 'email',
        message: { body: 'We are sending a replacement.', from: 'agent' },
      },
      agentToken,
    );
    expect(res.status).toBe(201);
    const mails = await mailOf(res.body.id);
    expect(mails.map((m) => [m.subject, m.toAddresses[0], m.fromName])).toEqual([
      [`[#${res.body.number}] Your replacement`, customer.email, `${agentName} (Steward Support)`],
    ]);
  });

  it('a proactive notification (the system writing) goes out under the support name', async () => {
    const customer = await makeCustomer(t.db);
    const c = await openCase(customer.id, 'Your parcel');
    await addMessage(t.db, SYSTEM_ACTOR, c.id, { body: 'Your parcel is delayed by a day.', public: true });
    const [m] = await mailOf(c.id);
    expect(m).toMatchObject({ fromName: 'Steward Support', subject: `[#${c.number}] Your parcel` });
  });

  it('an agent message that came as a mail, or a logged call, is not mailed back', async () => {
    const customer = await makeCustomer(t.db);
    const c = await openCase(customer.id);
    await addMessage(t.db, SYSTEM_ACTOR, c.id, {
      body: 'Forwarded by the agent',
      public: true,
      channel: 'email',
    });
    const call = await reply(c.id, {
      body: 'Called the customer: delivery tomorrow',
      public: true,
      call: { direction: 'outbound', durationSeconds: 120, outcome: 'resolved' },
    });
    expect(call.status).toBe(201);
    expect(await mailOf(c.id)).toEqual([]);
  });

  it('queued when an SMTP server is set', async () => {
    configureMail({ mailFrom: FROM, smtpUrl: 'smtp://127.0.0.1:9' });
    const customer = await makeCustomer(t.db);
    const c = await openCase(customer.id);
    expect((await reply(c.id, { body: 'On its way', public: true })).body.delivery).toBe('queued');
    const [m] = await mailOf(c.id);
    expect(m.status).toBe('queued');
    expect(m.reason).toBeNull();
    expect(Date.parse(m.runAfter)).toBeLessThanOrEqual(Date.now() + 1000);
  });
});

describe('the mail log', () => {
  let caseId: string;
  let mailIds: string[];
  beforeAll(async () => {
    const customer = await makeCustomer(t.db, { email: 'log@customer.example' });
    const c = await openCase(customer.id, 'Lieferung verspätet');
    caseId = c.id;
    for (const body of ['one', 'two', 'three']) await reply(c.id, { body, public: true });
    mailIds = (await mailOf(c.id)).map((m) => m.id);
  });

  it('lists newest first with keyset pages and filters', async () => {
    expect(mailIds).toHaveLength(3);
    const first = await t.get(`/api/v1/mail?caseId=${caseId}&limit=2`, agentToken);
    expect(first.status).toBe(200);
    expect(first.body.items.map((m: any) => m.id)).toEqual(mailIds.slice(0, 2));
    const second = await t.get(
      `/api/v1/mail?caseId=${caseId}&limit=2&cursor=${first.body.nextCursor}`,
      agentToken,
    );
    expect(second.body.items.map((m: any) => m.id)).toEqual(mailIds.slice(2));
    expect(second.body.nextCursor).toBeNull();
    const held = await t.get(`/api/v1/mail?direction=out&status=held,failed&caseId=${caseId}`, agentToken);
    expect(held.body.items).toHaveLength(3);
    expect((await t.get(`/api/v1/mail?direction=in&caseId=${caseId}`, agentToken)).body.items).toEqual([]);
    expect((await t.get(`/api/v1/mail?status=sent&caseId=${caseId}`, agentToken)).body.items).toEqual([]);
    const bad = await t.get('/api/v1/mail?status=lost', agentToken);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_error');
  });

  it('reads one mail with its headers and text, and its raw source', async () => {
    const id = mailIds[2]!; // the oldest: "one"
    const res = await t.get(`/api/v1/mail/${id}`, agentToken);
    expect(res.status).toBe(200);
    const m = res.body;
    const [{ reply_token }] = (await rows<{ reply_token: string }>(
      t.db,
      sql`select reply_token from cases where id = ${caseId}`,
    )) as [{ reply_token: string }];
    expect(m.replyTo).toBe(`support+${reply_token}@steward.localhost`);
    expect(m.textBody).toBe(
      `one\n\nSee this request online: ${mailSettings().publicUrl}/portal/cases/${caseId}`,
    );
    expect(m.htmlBody).toBeNull();
    const header = (name: string) => m.headers.find((h: any) => h.name === name)?.value;
    expect(header('Message-ID')).toBe(`<${m.messageId}>`);
    expect(header('Subject')).toMatch(/^\[#\d+\] Lieferung verspätet$/);
    expect(header('From')).toBe(`"${agentName} (Steward Support)" <support@steward.localhost>`);
    expect(header('X-Steward-Mail')).toBe('1');
    expect(header('Reply-To')).toBe(`support+${reply_token}@steward.localhost`);
    // No mail from the customer yet: each reply threads onto our previous one.
    const [three, two] = await Promise.all(
      mailIds.slice(0, 2).map(async (mid) => (await t.get(`/api/v1/mail/${mid}`, agentToken)).body),
    );
    expect(three.inReplyTo).toBe(two.messageId);
    expect(three.references).toEqual([m.messageId, two.messageId]);

    const raw = await fetch(`${t.url}/api/v1/mail/${id}/raw`, {
      headers: { authorization: `Bearer ${agentToken}` },
    });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toBe('message/rfc822');
    expect(raw.headers.get('content-disposition')).toBe(`attachment; filename="mail-${id}.eml"`);
    const bytes = Buffer.from(await raw.arrayBuffer());
    expect(bytes.length).toBe(m.rawSize);
    expect(bytes.toString()).toContain(`Message-ID: <${m.messageId}>`);
  });

  it('retry: 409 without SMTP; with SMTP a held mail goes back to the queue, once', async () => {
    const id = mailIds[0]!;
    const none = await t.post(`/api/v1/mail/${id}/retry`, undefined, agentToken);
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('no_smtp');
    configureMail({ mailFrom: FROM, smtpUrl: 'smtp://127.0.0.1:9' });
    const ok = await t.post(`/api/v1/mail/${id}/retry`, undefined, agentToken);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id, status: 'queued', attempts: 0, reason: null });
    const again = await t.post(`/api/v1/mail/${id}/retry`, undefined, agentToken);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('not_retryable');
    const missing = await t.post(
      '/api/v1/mail/01900000-0000-7000-8000-000000000000/retry',
      undefined,
      agentToken,
    );
    expect(missing.status).toBe(404);
  });

  it('unknown mail: 404; not a UUID: 400', async () => {
    expect((await t.get('/api/v1/mail/01900000-0000-7000-8000-000000000000', agentToken)).status).toBe(404);
    expect((await t.get('/api/v1/mail/nope', agentToken)).status).toBe(400);
  });

  it('customers reach none of it, not even mail to themselves; no token: 401', async () => {
    const [{ customer_id }] = (await rows<{ customer_id: string }>(
      t.db,
      sql`select customer_id from cases where id = ${caseId}`,
    )) as [{ customer_id: string }];
    const { token } = await makeUser(t.db, 'customer', { customerId: customer_id });
    const id = mailIds[1]!;
    for (const [method, path] of [
      ['GET', '/api/v1/mail'],
      ['GET', `/api/v1/mail?caseId=${caseId}`],
      ['GET', `/api/v1/mail/${id}`],
      ['GET', `/api/v1/mail/${id}/raw`],
      ['POST', `/api/v1/mail/${id}/retry`],
    ] as const) {
      const res = await t.request(method, path, { token });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
      expect(JSON.stringify(res.body)).not.toContain('log@customer.example');
      expect((await t.request(method, path)).status).toBe(401);
    }
  });

  it('mail outside cases (sign-in links) shows its content to admins only', async () => {
    const customer = await makeCustomer(t.db, { email: `link-${Date.now()}@customer.example` });
    const res = await t.request('POST', '/api/v1/auth/magic-link', { body: { email: customer.email } });
    expect(res.status).toBe(202);
    const [mail] = await rows<{ id: string }>(
      t.db,
      sql`select id from mail_messages where direction = 'out' and case_id is null and ${customer.email} = any(to_addresses)`,
    );
    const asAdmin = await t.get(`/api/v1/mail/${mail!.id}`, adminToken);
    expect(asAdmin.body.textBody).toContain('/login/magic#token=');
    const asAgent = await t.get(`/api/v1/mail/${mail!.id}`, agentToken);
    expect(asAgent.status).toBe(200);
    expect(asAgent.body.textBody).not.toContain('token=');
    expect(asAgent.body.textBody).toContain('admins only');
    expect((await t.get(`/api/v1/mail/${mail!.id}/raw`, agentToken)).status).toBe(403);
    expect((await t.get(`/api/v1/mail/${mail!.id}/raw`, adminToken)).status).toBe(200);
    // No download offered to whom it would be refused; no "send again" that could only be refused.
    expect(asAgent.body.rawSize).toBe(0);
    expect(asAdmin.body.rawSize).toBeGreaterThan(0);
    expect(asAdmin.body).toMatchObject({ status: 'held', canRetry: false });
    configureMail({ mailFrom: FROM, smtpUrl: 'smtp://127.0.0.1:9' });
    expect((await t.get(`/api/v1/mail/${mail!.id}`, adminToken)).body.canRetry).toBe(true);
  });

  it('says how mail is set up: the From, whether it goes out, the SMTP receiver (staff only)', async () => {
    const held = await t.get('/api/v1/mail/setup', agentToken);
    expect(held.status).toBe(200);
    expect(held.body).toEqual({
      outgoing: {
        from: FROM,
        address: expect.stringContaining('@'),
        placeholder: /@steward\.localhost>?$/.test(FROM),
        sending: false,
      },
      links: { publicUrl: mailSettings().publicUrl, unreachable: false },
      incoming: { smtpReceiver: false },
    });
    configureMail({ mailFrom: 'Steward Support <support@steward.localhost>', smtpUrl: 'smtp://127.0.0.1:9' });
    const set = await t.get('/api/v1/mail/setup', adminToken);
    expect(set.body.outgoing).toMatchObject({
      address: 'support@steward.localhost',
      placeholder: true,
      sending: true,
    });
    const customer = await makeUser(t.db, 'customer');
    expect((await t.get('/api/v1/mail/setup', customer.token)).status).toBe(403);
    expect((await t.get('/api/v1/mail/setup')).status).toBe(401);
  });

  it('says when links in mail point at an address no browser opens (HOST=0.0.0.0 without STEWARD_PUBLIC_URL)', async () => {
    const before = mailSettings().publicUrl;
    try {
      for (const publicUrl of ['http://0.0.0.0:3000', 'http://[::]:3000']) {
        configureMail({ mailFrom: FROM, smtpUrl: undefined, publicUrl });
        expect((await t.get('/api/v1/mail/setup', adminToken)).body.links).toEqual({
          publicUrl,
          unreachable: true,
        });
      }
      configureMail({ mailFrom: FROM, smtpUrl: undefined, publicUrl: 'https://support.example.com' });
      expect((await t.get('/api/v1/mail/setup', adminToken)).body.links).toEqual({
        publicUrl: 'https://support.example.com',
        unreachable: false,
      });
    } finally {
      configureMail({ mailFrom: FROM, smtpUrl: undefined, publicUrl: before });
    }
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await t.get('/api/docs/json')).body;
    for (const p of ['/api/v1/mail', '/api/v1/mail/{id}', '/api/v1/mail/{id}/raw', '/api/v1/mail/{id}/retry'])
      expect(Object.keys(doc.paths)).toContain(p);
    expect(Object.keys(doc.paths['/api/v1/mail/{id}/retry'].post.responses)).toEqual(
      expect.arrayContaining(['200', '401', '403', '404', '409']),
    );
  });
});
