// Side conversations: staff write to a third party about a case; the third party's answers come
// back by mail into that conversation (its own reply address and thread), as internal notes of
// the case, without touching the customer's thread (the case waits on hold for them only when asked).
import { sql } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { consumeToPresent } from '../../../../test/helpers/consumers.js';
import { makeCase, makeCustomerWithAgreement, makeUser, unique } from '../../../../test/helpers/factories.js';
import { plainMail } from '../../../../test/helpers/mail-fixtures.js';
import { receiveMail } from '../mail/inbound.js';
import { deliverNotifications } from '../notifications/notifications.service.js';

let t: TestApp;
let agent: { token: string; user: { id: string; email: string } };
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  agent = await makeUser(t.db, 'agent');
  admin = (await makeUser(t.db, 'admin')).token;
  await t.patch('/api/v1/auth/me', { signature: 'Ava\nSupport' }, agent.token);
});
afterAll(() => t?.close());

interface MailRow {
  id: string;
  direction: string;
  message_id: string;
  to_addresses: string[];
  cc_addresses: string[];
  subject: string;
  text_body: string;
  raw: Uint8Array | null;
  side_conversation_id: string | null;
  references: string[];
  in_reply_to: string | null;
}
const mailsOf = (caseId: string) =>
  rows<MailRow>(
    t.db,
    sql`select id, direction, message_id, to_addresses, cc_addresses, subject, text_body, raw,
        side_conversation_id, "references", in_reply_to
      from mail_messages where case_id = ${caseId} order by created_at, id`,
  );
const replyAddressOf = async (raw: Uint8Array) => {
  const parsed = await simpleParser(Buffer.from(raw));
  return parsed.replyTo!.value[0]!.address!;
};

/** A customer's case (by mail, so it has a thread of its own), assigned to the agent. */
async function customerCase() {
  const { customer } = await makeCustomerWithAgreement(t.db);
  const subject = `Parcel lost ${unique()}`;
  const res = await receiveMail(t.db, plainMail({ from: customer.email!, subject, body: 'Where is it?' }));
  const assigned = await t.patch(`/api/v1/cases/${res.caseId}`, { assigneeId: agent.user.id }, admin);
  expect(assigned.status).toBe(200);
  return { customer, c: assigned.body };
}

const carrier = () => {
  const u = unique();
  return { desk: `desk-${u}@dpd-${u}.example`, colleague: `claims-${u}@dpd-${u}.example` };
};

describe('side conversations', () => {
  it('writes to a third party on a thread of its own; their answer comes back as an internal note', async () => {
    const { customer, c } = await customerCase();
    const dpd = carrier();
    const started = await t.post(
      `/api/v1/cases/${c.id}/side-conversations`,
      { to: [dpd.desk.toUpperCase()], body: 'Where is parcel 00340434?' },
      agent.token,
    );
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      caseId: c.id,
      subject: c.subject,
      participants: [dpd.desk],
      state: 'open',
      messages: 1,
      createdBy: { id: agent.user.id },
    });
    const sideId = started.body.id as string;

    // The mail: to the carrier, from the agent, their signature under it, the conversation's own
    // reply address (not the case's).
    // The first mail out is the acknowledgement of the customer's request.
    const [, out, ...none] = (await mailsOf(c.id)).filter((m) => m.direction === 'out');
    expect(none).toEqual([]);
    expect(out).toMatchObject({
      direction: 'out',
      to_addresses: [dpd.desk],
      subject: `[#${c.number}] ${c.subject}`,
      text_body: 'Where is parcel 00340434?\n\n-- \nAva\nSupport',
      side_conversation_id: sideId,
    });
    const [caseToken] = (
      await rows<{ reply_token: string }>(t.db, sql`select reply_token from cases where id = ${c.id}`)
    ).map((r) => r.reply_token);
    const sideAddress = await replyAddressOf(out!.raw!);
    expect(sideAddress).toMatch(/^support\+[a-z2-7]{16}@steward\.localhost$/);
    expect(sideAddress).not.toContain(caseToken);
    // Its first mail answers nothing of the customer's.
    expect(out!.in_reply_to).toBeNull();

    // A colleague of the carrier answers to the conversation's address.
    const answer = await receiveMail(
      t.db,
      plainMail({
        from: `DPD Claims <${dpd.colleague}>`,
        to: sideAddress,
        subject: `Re: [#${c.number}] ${c.subject}`,
        body: 'It is in the Leipzig hub.',
      }),
    );
    expect(answer).toMatchObject({ status: 'processed', caseId: c.id });
    const staffView = (await t.get(`/api/v1/cases/${c.id}/messages`, agent.token)).body.items;
    expect(staffView.at(-1)).toMatchObject({
      authorType: 'third_party',
      authorName: `DPD Claims <${dpd.colleague}>`,
      public: false,
      body: 'It is in the Leipzig hub.',
      sideConversationId: sideId,
    });
    expect(staffView.at(-2)).toMatchObject({
      authorType: 'agent',
      public: false,
      sideConversationId: sideId,
    });
    // No customer, no case for the carrier; the case's own state and clocks untouched.
    const dpdCustomers = await rows(
      t.db,
      sql`select id from customers where lower(email) = ${dpd.colleague}`,
    );
    expect(dpdCustomers).toEqual([]);
    const after = (await t.get(`/api/v1/cases/${c.id}`, agent.token)).body;
    expect(after.status).toBe(c.status);
    expect(after.promises.find((p: { kind: string }) => p.kind === 'first_response').metAt).toBeNull();
    const list = (await t.get(`/api/v1/cases/${c.id}/side-conversations`, agent.token)).body.items;
    expect(list).toEqual([
      expect.objectContaining({ id: sideId, participants: [dpd.desk, dpd.colleague], messages: 2 }),
    ]);

    // The customer never sees any of it.
    const me = await makeUser(t.db, 'customer', { customerId: customer.id });
    const theirs = (await t.get(`/api/v1/cases/${c.id}/messages`, me.token)).body.items;
    expect(theirs.map((m: { body: string }) => m.body)).toEqual(['Where is it?']);
    expect((await t.get(`/api/v1/cases/${c.id}/side-conversations`, me.token)).status).toBe(403);

    // The assignee is told who answered.
    await consumeToPresent(t.db, 'notifications', () => deliverNotifications(t.db));
    const told = (await t.get('/api/v1/notifications?limit=100', agent.token)).body.items.filter(
      (n: { kind: string; case: { id: string } }) => n.kind === 'side_reply' && n.case.id === c.id,
    );
    expect(told.map((n: { writerName: string }) => n.writerName)).toEqual([dpd.colleague]);
    // And by e-mail (on by default), in the words the app shows.
    const toldByMail = await rows<{ subject: string }>(
      t.db,
      sql`select subject from mail_messages where direction = 'out' and ${agent.user.email} = any(to_addresses)
        and subject like ${`[#${c.number}]%side conversation%`}`,
    );
    expect(toldByMail.map((m) => m.subject)).toEqual([
      `[#${c.number}] ${dpd.colleague} answered in a side conversation: ${c.subject}`,
    ]);

    // Our next message threads onto their answer and goes to both.
    const again = await t.post(
      `/api/v1/side-conversations/${sideId}/messages`,
      { body: 'Please deliver it tomorrow.' },
      agent.token,
    );
    expect(again.status).toBe(201);
    expect(again.body.messages).toBe(3);
    const mails = await mailsOf(c.id);
    const theirAnswer = mails.find((m) => m.direction === 'in' && m.side_conversation_id === sideId)!;
    const next = mails.at(-1)!;
    expect(next).toMatchObject({
      to_addresses: [dpd.desk],
      cc_addresses: [dpd.colleague],
      side_conversation_id: sideId,
    });
    expect(next.in_reply_to).toBe(theirAnswer.message_id);

    // The customer's thread knows nothing of it: a reply to the customer answers their mail.
    await t.post(`/api/v1/cases/${c.id}/messages`, { body: 'We found it.', public: true }, agent.token);
    const reply = (await mailsOf(c.id)).at(-1)!;
    const customerMail = (await mailsOf(c.id)).find((m) => m.direction === 'in' && !m.side_conversation_id)!;
    expect(reply.in_reply_to).toBe(customerMail.message_id);
    const sideIds = (await mailsOf(c.id)).filter((m) => m.side_conversation_id).map((m) => m.message_id);
    expect(reply.references.filter((r) => sideIds.includes(r))).toEqual([]);
  });

  it('an answer without the address but to our mail joins it; closed, it opens again', async () => {
    const { c } = await customerCase();
    const dpd = carrier();
    const sideId = (
      await t.post(
        `/api/v1/cases/${c.id}/side-conversations`,
        { to: [dpd.desk], subject: 'Parcel 123', body: 'Status?' },
        agent.token,
      )
    ).body.id as string;
    const closed = await t.patch(`/api/v1/side-conversations/${sideId}`, { state: 'closed' }, agent.token);
    expect(closed.body.state).toBe('closed');
    // Unchanged: nothing written.
    await t.patch(`/api/v1/side-conversations/${sideId}`, { state: 'closed' }, agent.token);
    const changes = await rows<{ data: { changes: unknown } }>(
      t.db,
      sql`select data from domain_events where entity_id = ${c.id} and type = 'case.side_conversation_updated'`,
    );
    expect(changes.map((e) => e.data.changes)).toEqual([{ state: { from: 'open', to: 'closed' } }]);

    const ours = (await mailsOf(c.id)).find((m) => m.side_conversation_id === sideId)!;
    expect(ours.subject).toBe(`[#${c.number}] Parcel 123`);
    const answer = await receiveMail(
      t.db,
      plainMail({
        from: dpd.desk,
        to: 'support@steward.localhost',
        subject: 'Re: Parcel 123',
        body: 'Delivered.',
        headers: { 'In-Reply-To': `<${ours.message_id}>` },
      }),
    );
    expect(answer.caseId).toBe(c.id);
    const side = (await t.get(`/api/v1/cases/${c.id}/side-conversations`, agent.token)).body.items[0];
    expect(side).toMatchObject({ state: 'open', messages: 2, participants: [dpd.desk] });
  });

  it('sends files uploaded to the case with a message; a file of another case is refused', async () => {
    const { c } = await customerCase();
    const other = await customerCase();
    const upload = async (caseId: string, filename: string) =>
      (await (
        await fetch(`${t.url}/api/v1/cases/${caseId}/attachments?filename=${encodeURIComponent(filename)}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'image/png' },
          body: new Uint8Array(Buffer.from('not really a png')),
        })
      ).json()) as { id: string };
    const photo = await upload(c.id, 'crushed box.png');
    const elsewhere = await upload(other.c.id, 'other.png');
    const refused = await t.post(
      `/api/v1/cases/${c.id}/side-conversations`,
      { to: ['claims@carrier.example'], body: 'See the photo', attachmentIds: [elsewhere.id] },
      agent.token,
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('invalid_reference');
    expect((await t.get(`/api/v1/cases/${c.id}/side-conversations`, agent.token)).body.items).toEqual([]);

    const sent = await t.post(
      `/api/v1/cases/${c.id}/side-conversations`,
      { to: ['claims@carrier.example'], body: 'See the photo', attachmentIds: [photo.id] },
      agent.token,
    );
    expect(sent.status).toBe(201);
    const note = (await t.get(`/api/v1/cases/${c.id}/messages`, agent.token)).body.items.at(-1);
    expect(note.attachments.map((a: { filename: string }) => a.filename)).toEqual(['crushed box.png']);
    const mail = (await mailsOf(c.id)).find((m) => m.side_conversation_id === sent.body.id)!;
    const parsed = await simpleParser(Buffer.from(mail.raw!));
    expect(parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([
      ['crushed box.png', 'not really a png'],
    ]);
    // A file goes on one message only.
    const again = await t.post(
      `/api/v1/side-conversations/${sent.body.id}/messages`,
      { body: 'Again', attachmentIds: [photo.id] },
      agent.token,
    );
    expect(again.status).toBe(422);
  });

  it('with hold, the case waits on hold for the third party; their answer opens it again', async () => {
    const { c } = await customerCase();
    expect(c.status).toBe('open');
    const dpd = carrier();
    const started = await t.post(
      `/api/v1/cases/${c.id}/side-conversations`,
      { to: [dpd.desk], body: 'Where is it?', hold: true },
      agent.token,
    );
    expect(started.status).toBe(201);
    const held = (await t.get(`/api/v1/cases/${c.id}`, agent.token)).body;
    expect(held.status).toBe('on_hold');
    // Its resolution clock waits with it (the agreement pauses it on hold).
    const resolution = (x: { promises: { kind: string; state: string }[] }) =>
      x.promises.find((p) => p.kind === 'resolution')!.state;
    expect(resolution(held)).toBe('paused');
    const reasons = await rows<{ data: { reason?: string; changes: { status?: unknown } } }>(
      t.db,
      sql`select data from domain_events where entity_id = ${c.id} and type = 'case.updated'
        and data->'changes' ? 'status' order by id`,
    );
    expect(reasons.map((e) => [e.data.reason, e.data.changes.status])).toEqual([
      [undefined, { from: 'new', to: 'open' }], // assigned
      ['side_conversation', { from: 'open', to: 'on_hold' }],
    ]);

    const ours = (await mailsOf(c.id)).find((m) => m.side_conversation_id === started.body.id)!;
    await receiveMail(
      t.db,
      plainMail({ from: dpd.desk, to: await replyAddressOf(ours.raw!), body: 'Found it.' }),
    );
    const back = (await t.get(`/api/v1/cases/${c.id}`, agent.token)).body;
    expect(back.status).toBe('open');
    expect(resolution(back)).toBe('active');

    // Without hold nothing changes; a later message may put it on hold.
    await t.post(`/api/v1/side-conversations/${started.body.id}/messages`, { body: 'Thanks.' }, agent.token);
    expect((await t.get(`/api/v1/cases/${c.id}`, agent.token)).body.status).toBe('open');
    const again = await t.post(
      `/api/v1/side-conversations/${started.body.id}/messages`,
      { body: 'And the second parcel?', hold: true },
      agent.token,
    );
    expect(again.status).toBe(201);
    expect((await t.get(`/api/v1/cases/${c.id}`, agent.token)).body.status).toBe('on_hold');

    // A solved case's third-party answer leaves it solved; asking to hold a solved case is
    // refused with nothing written.
    expect((await t.patch(`/api/v1/cases/${c.id}`, { status: 'solved' }, agent.token)).status).toBe(200);
    await receiveMail(
      t.db,
      plainMail({ from: dpd.desk, to: await replyAddressOf(ours.raw!), body: 'Second one too.' }),
    );
    expect((await t.get(`/api/v1/cases/${c.id}`, agent.token)).body.status).toBe('solved');
    const before = (await t.get(`/api/v1/cases/${c.id}/side-conversations`, agent.token)).body.items[0];
    const refused = await t.post(
      `/api/v1/side-conversations/${started.body.id}/messages`,
      { body: 'Hm?', hold: true },
      agent.token,
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'cannot_hold',
      details: [{ path: 'body.hold', message: 'the case is solved' }],
    });
    const after = (await t.get(`/api/v1/cases/${c.id}/side-conversations`, agent.token)).body.items[0];
    expect(after.messages).toBe(before.messages);
  });

  it('each message, ours or the third party’s, and closing or opening the conversation move the case on in the queue’s "Updated" order, once', async () => {
    const { customer, c } = await customerCase();
    const other = await makeCase(t.db, customer.id);
    const dpd = carrier();
    /** The customer's cases, last updated first, as the queue sorts them. */
    const queue = async () =>
      (await t.get(`/api/v1/cases?customerId=${customer.id}&sort=-updatedAt`, agent.token)).body.items.map(
        (x: { id: string }) => x.id,
      );
    const versionOf = async () =>
      Date.parse((await t.get(`/api/v1/cases/${c.id}`, agent.token)).body.updatedAt);
    const otherOnTop = async () => {
      const res = await t.patch(`/api/v1/cases/${other.id}`, { subject: `Other ${unique()}` }, agent.token);
      expect(res.status).toBe(200);
      expect(await queue()).toEqual([other.id, c.id]);
    };
    /**
     * After `write`, the case is on top of the other, its version a new one; and with its version
     * moved an hour ahead of the clock, one step past it (nextVersion, as a reply's, once), not "now".
     */
    const movesOn = async (what: string, write: () => Promise<unknown>, prepare?: () => Promise<unknown>) => {
      await prepare?.();
      await otherOnTop();
      const before = await versionOf();
      await write();
      expect(await queue(), what).toEqual([c.id, other.id]);
      expect(await versionOf(), what).toBeGreaterThan(before);

      await prepare?.();
      const ahead = Date.now() + 3_600_000;
      await t.db.execute(
        sql`update cases set updated_at = ${new Date(ahead).toISOString()}::timestamptz where id = ${c.id}`,
      );
      await write();
      expect(await versionOf(), what).toBe(ahead + 1);
      // Back to the present, for the next writer.
      await t.db.execute(sql`update cases set updated_at = now() - interval '1 minute' where id = ${c.id}`);
    };
    const status = (to: string) => async () =>
      expect((await t.patch(`/api/v1/cases/${c.id}`, { status: to }, agent.token)).status).toBe(200);

    let sideId = '';
    await movesOn('started', async () => {
      const res = await t.post(
        `/api/v1/cases/${c.id}/side-conversations`,
        { to: [dpd.desk], body: 'Where is it?' },
        agent.token,
      );
      expect(res.status).toBe(201);
      sideId ||= res.body.id;
    });
    await movesOn('our message', async () => {
      const res = await t.post(
        `/api/v1/side-conversations/${sideId}/messages`,
        { body: 'Any news?' },
        agent.token,
      );
      expect(res.status).toBe(201);
    });
    const ours = (await mailsOf(c.id)).find((m) => m.side_conversation_id === sideId)!;
    const sideAddress = await replyAddressOf(ours.raw!);
    const theirAnswer = async () => {
      const res = await receiveMail(t.db, plainMail({ from: dpd.desk, to: sideAddress, body: 'Tomorrow.' }));
      expect(res).toMatchObject({ status: 'processed', caseId: c.id });
    };
    await movesOn('their answer', theirAnswer);
    // Put on hold by our message, opened again by their answer: the change of status moves it on.
    await movesOn(
      'our message with hold',
      async () => {
        const res = await t.post(
          `/api/v1/side-conversations/${sideId}/messages`,
          { body: 'We wait for you.', hold: true },
          agent.token,
        );
        expect(res.status).toBe(201);
        expect((await t.get(`/api/v1/cases/${c.id}`, agent.token)).body.status).toBe('on_hold');
      },
      status('open'),
    );
    await movesOn(
      'their answer on hold',
      async () => {
        await theirAnswer();
        expect((await t.get(`/api/v1/cases/${c.id}`, agent.token)).body.status).toBe('open');
      },
      status('on_hold'),
    );
    // A solved case too: the answer is news on it, though it stays solved.
    await movesOn('their answer on a solved case', theirAnswer, status('solved'));
    expect((await t.get(`/api/v1/cases/${c.id}`, agent.token)).body.status).toBe('solved');

    // Closing the conversation, and opening it again, are changes of the case too.
    const state = (to: string) => async () => {
      const res = await t.patch(`/api/v1/side-conversations/${sideId}`, { state: to }, agent.token);
      expect([res.status, res.body.state]).toEqual([200, to]);
    };
    await movesOn('closed', state('closed'), state('open'));
    await movesOn('opened again', state('open'), state('closed'));
    // A copy of the case read before the conversation closed is stale.
    const copy = (await t.get(`/api/v1/cases/${c.id}`, agent.token)).body;
    await state('closed')();
    const stale = await t.request('PATCH', `/api/v1/cases/${c.id}`, {
      token: agent.token,
      body: { subject: `Stale ${unique()}` },
      headers: { 'if-match': copy.updatedAt },
    });
    expect([stale.status, stale.body.error?.code]).toEqual([412, 'edit_conflict']);
  });

  it('refuses the customer, colleagues, our own addresses; 404 and 409 for gone and merged cases', async () => {
    const { customer, c } = await customerCase();
    const colleague = await makeUser(t.db, 'agent');
    for (const to of [[customer.email!], [colleague.user.email], ['support@steward.localhost']]) {
      const res = await t.post(`/api/v1/cases/${c.id}/side-conversations`, { to, body: 'Hi' }, agent.token);
      expect(res.status, to[0]).toBe(422);
      expect(res.body.error.code).toBe('invalid_participant');
    }
    for (const body of [
      { to: [], body: 'Hi' },
      { to: ['not an address'], body: 'Hi' },
      { to: ['a@b.example'], body: ' ' },
    ]) {
      const res = await t.post(`/api/v1/cases/${c.id}/side-conversations`, body, agent.token);
      expect(res.status).toBe(400);
    }
    // Nothing was written by the refusals.
    expect((await t.get(`/api/v1/cases/${c.id}/side-conversations`, agent.token)).body.items).toEqual([]);

    // Merged, its side conversations go along, and an answer follows them there.
    const asked = await t.post(
      `/api/v1/cases/${c.id}/side-conversations`,
      { to: ['desk@supplier.example'], body: 'Spare part?' },
      agent.token,
    );
    expect(asked.status).toBe(201);
    const other = { c: await makeCase(t.db, c.customerId, { message: { body: 'About the same parcel' } }) };
    expect((await t.post(`/api/v1/cases/${c.id}/merge`, { intoId: other.c.id }, agent.token)).status).toBe(
      200,
    );
    const moved = (await t.get(`/api/v1/cases/${other.c.id}/side-conversations`, agent.token)).body.items;
    expect(moved.map((s: { id: string; caseId: string }) => [s.id, s.caseId])).toEqual([
      [asked.body.id, other.c.id],
    ]);
    const sideMail = (await mailsOf(c.id)).find((m) => m.side_conversation_id === asked.body.id)!;
    const answer = await receiveMail(
      t.db,
      plainMail({
        from: 'desk@supplier.example',
        to: await replyAddressOf(sideMail.raw!),
        body: 'In stock.',
      }),
    );
    expect(answer.caseId).toBe(other.c.id);
    const merged = await t.post(
      `/api/v1/cases/${c.id}/side-conversations`,
      { to: ['x@carrier.example'], body: 'Hi' },
      agent.token,
    );
    expect(merged.status).toBe(409);
    expect(merged.body.error.code).toBe('case_merged');
    expect(
      (
        await t.post(
          `/api/v1/cases/${crypto.randomUUID()}/side-conversations`,
          { to: ['x@c.example'], body: 'Hi' },
          agent.token,
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await t.post(
          `/api/v1/side-conversations/${crypto.randomUUID()}/messages`,
          { body: 'Hi' },
          agent.token,
        )
      ).status,
    ).toBe(404);
  });
});
