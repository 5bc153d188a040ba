import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  makeCase,
  makeCustomer,
  makeOrganization,
  makeUser,
  minutesAgo,
  unique,
} from '../../../../test/helpers/factories.js';
import { rows } from '../../../db/client.js';
import {
  BUILTIN_CATEGORIES,
  DEFAULT_CATEGORY,
  DEFAULT_CATEGORY_NAME,
} from '../../../shared/schemas/cases.js';
import { PENDING_UPLOADS, pruneUnsentUploads } from './attachments.service.js';
import { closeSolvedCases } from './case-jobs.js';
import { caseFilters, countCasesCapped } from './cases.repo.js';

let t: TestApp;
let admin: string;
let agent: { token: string; user: { id: string; name: string } };
let agent2: { token: string; user: { id: string; name: string } };
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = await makeUser(t.db, 'agent');
  agent2 = await makeUser(t.db, 'agent');
});
afterAll(() => t?.close());

const post = (path: string, body: unknown, token = agent.token) => t.post(path, body, token);

describe('opening cases', () => {
  it('opens a case with defaults and a first customer message', async () => {
    const customer = await makeCustomer(t.db);
    const res = await post('/api/v1/cases', {
      subject: '  Late parcel ',
      customerId: customer.id,
      message: { body: 'Where is it?' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      subject: 'Late parcel',
      customer: { id: customer.id, name: customer.name },
      channel: 'api',
      category: 'other',
      priority: 'normal',
      status: 'new',
      assignee: null,
      tags: [],
    });
    expect(res.body.number).toBeGreaterThan(0);
    const msgs = await t.get(`/api/v1/cases/${res.body.id}/messages`, agent.token);
    expect(msgs.body.items).toMatchObject([
      { authorType: 'customer', public: true, body: 'Where is it?', authorName: customer.name },
    ]);
  });

  it.each([
    [{ subject: '' }, 400, 'body.subject'],
    [{ priority: 'asap' }, 400, 'body.priority'],
    [{ channel: 'pigeon' }, 400, 'body.channel'],
    [{ category: 'nosuch' }, 422, 'body.category'],
    [{ customerId: '01900000-0000-7000-8000-000000000000' }, 422, 'body.customerId'],
    [{ teamId: '01900000-0000-7000-8000-000000000000' }, 422, 'body.teamId'],
    [{ tags: ['Not A Tag!'] }, 400, 'body.tags'],
    [{ createdAt: '2999-01-01T00:00:00Z' }, 403, 'only admins'],
  ])('%j -> %i (%s)', async (override, status, where) => {
    const customer = await makeCustomer(t.db);
    const res = await post('/api/v1/cases', { subject: 'x', customerId: customer.id, ...override });
    expect(res.status).toBe(status);
    expect(res.body.error.message).toContain(where);
  });

  it('only admins give a historic createdAt, never in the future', async () => {
    const customer = await makeCustomer(t.db);
    const past = minutesAgo(600);
    const ok = await t.post(
      '/api/v1/cases',
      { subject: 'Old', customerId: customer.id, createdAt: past },
      admin,
    );
    expect(ok.body.createdAt).toBe(past);
    const future = await t.post(
      '/api/v1/cases',
      { subject: 'Later', customerId: customer.id, createdAt: '2999-01-01T00:00:00Z' },
      admin,
    );
    expect(future.status).toBe(422);
  });

  it('a customer opens cases only for themselves, through the portal channel, without internal fields', async () => {
    const me = await makeCustomer(t.db);
    const other = await makeCustomer(t.db);
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    const mine = await t.post(
      '/api/v1/cases',
      { subject: 'Help', customerId: me.id, channel: 'phone' },
      token,
    );
    expect(mine.status).toBe(201);
    expect(mine.body.channel).toBe('portal');
    expect((await t.post('/api/v1/cases', { subject: 'Help', customerId: other.id }, token)).status).toBe(
      403,
    );
    expect(
      (
        await t.post(
          '/api/v1/cases',
          { subject: 'Help', customerId: me.id, assigneeId: agent.user.id },
          token,
        )
      ).status,
    ).toBe(403);
    expect((await t.patch(`/api/v1/cases/${mine.body.id}`, { priority: 'urgent' }, token)).status).toBe(403);
    // Nor a priority (it sets the promise's targets): refused, nothing written.
    const urgent = await t.post(
      '/api/v1/cases',
      { subject: 'Jump the queue', customerId: me.id, priority: 'urgent' },
      token,
    );
    expect([urgent.status, urgent.body.error.code]).toEqual([403, 'forbidden']);
    const normal = await t.post(
      '/api/v1/cases',
      { subject: 'Plain', customerId: me.id, priority: 'normal' },
      token,
    );
    expect(normal.status).toBe(201);
    const listed = await t.get('/api/v1/cases?limit=500', token);
    expect(listed.body.items.map((c: { subject: string }) => c.subject).sort()).toEqual(['Help', 'Plain']);
  });

  it('staff open a case with an internal note: not shown to the customer, not mailed, no response', async () => {
    const customer = await makeCustomer(t.db);
    const { token: customerToken } = await makeUser(t.db, 'customer', { customerId: customer.id });
    const res = await post('/api/v1/cases', {
      subject: 'Chargebacks on their account',
      customerId: customer.id,
      channel: 'proactive',
      message: { body: 'Three chargebacks this month: look into it.', from: 'agent', public: false },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'new', firstRespondedAt: null, customerVisible: false });
    const msgs = await t.get(`/api/v1/cases/${res.body.id}/messages`, agent.token);
    expect(msgs.body.items).toMatchObject([
      { authorType: 'agent', public: false, body: 'Three chargebacks this month: look into it.' },
    ]);
    expect((await t.get(`/api/v1/mail?caseId=${res.body.id}`, agent.token)).body.items).toEqual([]);
    expect((await t.get(`/api/v1/cases/${res.body.id}`, customerToken)).status).toBe(404);

    // A public first message (the default) still goes out and answers the customer.
    const mailed = await post('/api/v1/cases', {
      subject: 'Your replacement',
      customerId: customer.id,
      channel: 'email',
      message: { body: 'We are sending a replacement.', from: 'agent' },
    });
    expect(mailed.body.firstRespondedAt).not.toBeNull();
    expect((await t.get(`/api/v1/mail?caseId=${mailed.body.id}`, agent.token)).body.items).toHaveLength(1);

    // A note is an agent's: not the customer's words, and never a customer's own.
    const asCustomer = await post('/api/v1/cases', {
      subject: 'x',
      customerId: customer.id,
      message: { body: 'They said so', public: false },
    });
    expect([asCustomer.status, asCustomer.body.error.message]).toEqual([
      400,
      'body.message.public: an internal note is written by an agent (from: agent)',
    ]);
    const byCustomer = await t.post(
      '/api/v1/cases',
      { subject: 'x', customerId: customer.id, message: { body: 'Hidden?', from: 'agent', public: false } },
      customerToken,
    );
    expect(byCustomer.status).toBe(403);
  });

  it('the channel of a case staff open without naming one follows from its first message; the answer says what was mailed', async () => {
    const withAddress = await makeCustomer(t.db);
    const noAddress = await makeCustomer(t.db, { email: null });
    const channelOf = async (customerId: string, message?: object, channel?: string) => {
      const res = await post('/api/v1/cases', {
        subject: 'About your account',
        customerId,
        ...(message ? { message } : {}),
        ...(channel ? { channel } : {}),
      });
      expect(res.status).toBe(201);
      return [res.body.channel, res.body.delivery];
    };
    const toThem = { body: 'We noticed a double charge and refunded it.', from: 'agent' };
    const note = { ...toThem, public: false };
    const theirWords = { body: 'My parcel is late.' };
    expect([
      await channelOf(withAddress.id, toThem), // mailed, answered by mail
      await channelOf(noAddress.id, toThem), // read in the portal: we wrote first
      await channelOf(withAddress.id, note),
      // (a fresh customer: with withAddress's proactive cases open, their words would join one)
      await channelOf((await makeCustomer(t.db)).id, theirWords),
      await channelOf(withAddress.id),
      await channelOf(withAddress.id, toThem, 'chat'), // a channel named is kept
    ]).toEqual([
      ['email', 'held'], // the answer says what became of it as mail (no outgoing mail set up here)
      ['proactive', 'not_sent_no_address'],
      ['proactive', null],
      ['api', null],
      ['api', null],
      ['chat', null], // answered in the chat, not by mail
    ]);
    // A customer's words that join an open proactive case mail nothing either.
    const joined = await post('/api/v1/cases', {
      subject: 'Refund?',
      customerId: withAddress.id,
      message: theirWords,
    });
    expect([joined.status, joined.headers.get('x-steward-joined'), joined.body.delivery]).toEqual([
      200,
      'proactive',
      null,
    ]);
  });
});

describe('case boundaries', () => {
  it('customers see their own cases, their organization’s only with access, never others', async () => {
    const org = await makeOrganization(t.db);
    const me = await makeCustomer(t.db, { organizationId: org.id });
    const colleague = await makeCustomer(t.db, { organizationId: org.id });
    const stranger = await makeCustomer(t.db);
    const mine = await makeCase(t.db, me.id);
    const colleagues = await makeCase(t.db, colleague.id);
    const strangers = await makeCase(t.db, stranger.id);
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    expect((await t.get(`/api/v1/cases/${mine.id}`, token)).status).toBe(200);
    expect((await t.get(`/api/v1/cases/${colleagues.id}`, token)).status).toBe(404);
    expect((await t.get(`/api/v1/cases/${strangers.id}`, token)).status).toBe(404);
    expect((await t.get(`/api/v1/cases/${strangers.id}/messages`, token)).status).toBe(404);
    expect(
      (await t.post(`/api/v1/cases/${strangers.id}/messages`, { body: 'hi', public: true }, token)).status,
    ).toBe(404);
    const list = await t.get('/api/v1/cases?limit=500', token);
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([mine.id]);
    const filtered = await t.get(`/api/v1/cases?customerId=${stranger.id}`, token);
    expect(filtered.body.items).toEqual([]);

    const withAccess = await makeCustomer(t.db, { organizationId: org.id, organizationAccess: true });
    const orgToken = (await makeUser(t.db, 'customer', { customerId: withAccess.id })).token;
    expect((await t.get(`/api/v1/cases/${colleagues.id}`, orgToken)).status).toBe(200);
    expect((await t.get(`/api/v1/cases/${strangers.id}`, orgToken)).status).toBe(404);
    const orgList = await t.get('/api/v1/cases?limit=500', orgToken);
    expect(orgList.body.items.map((c: { id: string }) => c.id).sort()).toEqual(
      [mine.id, colleagues.id].sort(),
    );
  });

  it('customers never see internal notes, and cannot write them', async () => {
    const me = await makeCustomer(t.db);
    const c = await makeCase(t.db, me.id);
    await post(`/api/v1/cases/${c.id}/messages`, { body: 'Internal: customer is difficult', public: false });
    await post(`/api/v1/cases/${c.id}/messages`, { body: 'Dear customer, done.', public: true });
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    const seen = await t.get(`/api/v1/cases/${c.id}/messages`, token);
    expect(seen.body.items.map((m: { body: string }) => m.body)).toEqual(['Dear customer, done.']);
    expect((await t.post(`/api/v1/cases/${c.id}/messages`, { body: 'x', public: false }, token)).status).toBe(
      403,
    );
    expect((await t.get(`/api/v1/cases/${c.id}/timeline`, token)).status).toBe(403);
  });

  it('a customer’s search finds words of public messages only, never of internal notes', async () => {
    const me = await makeCustomer(t.db);
    const c = await makeCase(t.db, me.id, { subject: 'Parcel question' });
    const word = `fraudword${Date.now()}`;
    await post(`/api/v1/cases/${c.id}/messages`, { body: `Internal: ${word} risk`, public: false });
    await post(`/api/v1/cases/${c.id}/messages`, { body: 'Dear customer, sent today.', public: true });
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    const search = async (q: string, who: string) =>
      (await t.get(`/api/v1/cases?q=${q}&includeTotal=true`, who)).body.total;
    expect(await search(word, token)).toBe(0);
    expect(await search('sent%20today', token)).toBe(1);
    // Staff find it by the note.
    expect(await search(word, agent.token)).toBe(1);
  });

  it('customers may not filter or sort by what they do not see: assignee, team, tags, follow-up', async () => {
    const me = await makeCustomer(t.db);
    await makeCase(t.db, me.id, { tags: ['vip'], assigneeId: agent.user.id });
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    for (const query of [
      `assigneeId=${agent.user.id}`,
      'assigneeId=none',
      'teamId=none',
      'tag=vip',
      'sort=followUpAt',
    ]) {
      const res = await t.get(`/api/v1/cases?${query}`, token);
      expect([query, res.status, res.body.error?.code]).toEqual([query, 403, 'forbidden']);
    }
    expect((await t.get('/api/v1/cases?priority=normal&sort=createdAt', token)).status).toBe(200);
    expect((await t.get('/api/v1/cases?tag=vip', agent.token)).body.items.length).toBeGreaterThan(0);
  });
});

describe('messages', () => {
  it('warns about a collision when someone replied meanwhile; force sends anyway', async () => {
    const c = await makeCase(t.db, (await makeCustomer(t.db)).id, { message: { body: 'Question' } });
    const [first] = (await t.get(`/api/v1/cases/${c.id}/messages`, agent.token)).body.items;
    // Both agents have the case open; agent2 answers first.
    const presence = await t.post(`/api/v1/cases/${c.id}/presence`, { composing: true }, agent2.token);
    expect(presence.status).toBe(200);
    const seenBy1 = await t.get(`/api/v1/cases/${c.id}/presence`, agent.token);
    expect(seenBy1.body.items).toMatchObject([{ userId: agent2.user.id, composing: true }]);
    const r2 = await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: 'Answer from 2', public: true, lastSeenMessageId: first.id },
      agent2.token,
    );
    expect(r2.status).toBe(201);
    const r1 = await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: 'Answer from 1', public: true, lastSeenMessageId: first.id },
      agent.token,
    );
    expect(r1.status).toBe(409);
    expect(r1.body.error.code).toBe('collision');
    expect(r1.body.error.details[0].message).toBe(r2.body.id);
    const forced = await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: 'Answer from 1', public: true, lastSeenMessageId: first.id, force: true },
      agent.token,
    );
    expect(forced.status).toBe(201);
    const again = await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: 'Follow-up', public: true, lastSeenMessageId: forced.body.id },
      agent.token,
    );
    expect(again.status).toBe(201);
  });

  it('a reply can set the status; solved cases reopen when the customer writes; closed ones refuse', async () => {
    const me = await makeCustomer(t.db);
    const c = await makeCase(t.db, me.id);
    const r = await post(`/api/v1/cases/${c.id}/messages`, {
      body: 'Please send a photo',
      public: true,
      status: 'pending',
    });
    expect(r.status).toBe(201);
    expect((await t.get(`/api/v1/cases/${c.id}`, agent.token)).body.status).toBe('pending');
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    await t.post(`/api/v1/cases/${c.id}/messages`, { body: 'Photo attached', public: true }, token);
    expect((await t.get(`/api/v1/cases/${c.id}`, agent.token)).body.status).toBe('open');
    await t.patch(`/api/v1/cases/${c.id}`, { status: 'closed' }, agent.token);
    const late = await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: 'One more thing', public: true },
      token,
    );
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('case_closed');
    expect((await t.patch(`/api/v1/cases/${c.id}`, { status: 'open' }, agent.token)).status).toBe(409);
  });

  it('the first to reply to or log a call on an unassigned case takes it, unless turned off', async () => {
    const me = await makeCustomer(t.db);
    const assignee = async (id: string) =>
      (await t.get(`/api/v1/cases/${id}`, admin)).body.assignee?.id ?? null;
    const [noted, replied, called, taken, off] = await Promise.all(
      [1, 2, 3, 4, 5].map(() => makeCase(t.db, me.id)),
    );
    // An internal note does not take the case; a public reply does, and the case opens.
    await post(`/api/v1/cases/${noted!.id}/messages`, { body: 'Looking into it', public: false });
    expect(await assignee(noted!.id)).toBeNull();
    await post(`/api/v1/cases/${replied!.id}/messages`, { body: 'On it', public: true });
    expect(await assignee(replied!.id)).toBe(agent.user.id);
    expect((await t.get(`/api/v1/cases/${replied!.id}`, admin)).body.status).toBe('open');
    // A logged call (internal) takes it too.
    const call = { direction: 'outbound', durationSeconds: 60, outcome: 'resolved' };
    await post(`/api/v1/cases/${called!.id}/messages`, { body: 'Called back', public: false, call });
    expect(await assignee(called!.id)).toBe(agent.user.id);
    // A case someone has is not taken over by a colleague's reply.
    await t.patch(`/api/v1/cases/${taken!.id}`, { assigneeId: agent2.user.id }, admin);
    await post(`/api/v1/cases/${taken!.id}/messages`, { body: 'Chiming in', public: true });
    expect(await assignee(taken!.id)).toBe(agent2.user.id);
    // The setting off: a reply leaves the case unassigned.
    expect((await t.patch('/api/v1/settings', { assignOnReply: false }, admin)).status).toBe(200);
    await post(`/api/v1/cases/${off!.id}/messages`, { body: 'On it', public: true });
    expect(await assignee(off!.id)).toBeNull();
    await t.patch('/api/v1/settings', { assignOnReply: true }, admin);
  });
});

describe('attachments', () => {
  const upload = (
    caseId: string,
    filename: string,
    body: string | Buffer,
    type: string,
    token = agent.token,
  ) =>
    fetch(`${t.url}/api/v1/cases/${caseId}/attachments?filename=${encodeURIComponent(filename)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
  const download = (url: string, token: string) =>
    fetch(t.url + url, { headers: { authorization: `Bearer ${token}` } });

  it('are uploaded, sent with a message and served only to those who may see it', async () => {
    const me = await makeCustomer(t.db);
    const c = await makeCase(t.db, me.id);
    const bytes = Buffer.from('%PDF-1.4 invoice 4711');
    const up = await upload(c.id, 'Rechnung März.pdf', bytes, 'application/pdf');
    expect(up.status).toBe(201);
    const file = (await up.json()) as { id: string; url: string; size: number };
    expect(file.size).toBe(bytes.length);
    const sent = await post(`/api/v1/cases/${c.id}/messages`, {
      body: 'Your invoice',
      public: true,
      attachmentIds: [file.id],
    });
    expect(sent.body.attachments).toMatchObject([
      { id: file.id, filename: 'Rechnung März.pdf', contentType: 'application/pdf' },
    ]);
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    const got = await download(file.url, token);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toContain("filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf");
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    // Another customer cannot fetch it.
    const stranger = (await makeUser(t.db, 'customer')).token;
    expect((await download(file.url, stranger)).status).toBe(404);
    // The same file cannot go on a second message.
    const twice = await post(`/api/v1/cases/${c.id}/messages`, {
      body: 'again',
      public: true,
      attachmentIds: [file.id],
    });
    expect(twice.status).toBe(422);
  });

  it('files on internal notes stay internal', async () => {
    const me = await makeCustomer(t.db);
    const c = await makeCase(t.db, me.id);
    const file = (await (await upload(c.id, 'notes.txt', 'internal', 'text/plain')).json()) as {
      id: string;
      url: string;
    };
    await post(`/api/v1/cases/${c.id}/messages`, {
      body: 'see file',
      public: false,
      attachmentIds: [file.id],
    });
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    expect((await download(file.url, token)).status).toBe(404);
    expect((await download(file.url, agent.token)).status).toBe(200);
  });

  it('refuses executables, empty and oversize files', async () => {
    const c = await makeCase(t.db, (await makeCustomer(t.db)).id);
    const exe = await upload(c.id, 'invoice.pdf.exe', 'MZ', 'application/octet-stream');
    expect(exe.status).toBe(422);
    expect(((await exe.json()) as { error: { code: string } }).error.code).toBe('invalid_attachment');
    expect((await upload(c.id, 'empty.txt', '', 'text/plain')).status).toBe(422);
    const big = await upload(
      c.id,
      'big.bin',
      Buffer.alloc(10 * 1024 * 1024 + 10),
      'application/octet-stream',
    );
    expect(big.status).toBe(413);
  });

  it('a customer may have 20 files waiting to be sent; more is 429 until they send them', async () => {
    const me = await makeCustomer(t.db);
    const c = await makeCase(t.db, me.id);
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    const ids: string[] = [];
    for (let i = 0; i < PENDING_UPLOADS.files; i++) {
      const up = await upload(c.id, `photo-${i}.txt`, `photo ${i}`, 'text/plain', token);
      expect(up.status).toBe(201);
      ids.push(((await up.json()) as { id: string }).id);
    }
    const over = await upload(c.id, 'one-more.txt', 'more', 'text/plain', token);
    expect(over.status).toBe(429);
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe('too_many_requests');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(23 * 3600);
    const [n] = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from attachments where case_id = ${c.id}`,
    );
    expect(n!.n).toBe(PENDING_UPLOADS.files);
    // Sent on a message, they no longer wait: the next upload is taken. Staff are not capped.
    const sent = await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: 'Photos', public: true, attachmentIds: ids },
      token,
    );
    expect(sent.status).toBe(201);
    expect((await upload(c.id, 'one-more.txt', 'more', 'text/plain', token)).status).toBe(201);
  });

  it('a blocked customer may not upload; uploads never sent are removed a day on', async () => {
    const me = await makeCustomer(t.db);
    const c = await makeCase(t.db, me.id);
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    const unsent = (await (await upload(c.id, 'left.txt', 'left', 'text/plain', token)).json()) as {
      id: string;
    };
    const fresh = (await (await upload(c.id, 'fresh.txt', 'fresh', 'text/plain', token)).json()) as {
      id: string;
    };
    const kept = (await (await upload(c.id, 'kept.txt', 'kept', 'text/plain', token)).json()) as {
      id: string;
    };
    await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: 'Here', public: true, attachmentIds: [kept.id] },
      token,
    );
    await t.db.execute(
      sql`update attachments set created_at = now() - interval '25 hours' where id in (${unsent.id}, ${kept.id})`,
    );
    expect(await pruneUnsentUploads(t.db)).toBeGreaterThanOrEqual(1);
    const left = await rows<{ id: string }>(
      t.db,
      sql`select a.id from attachments a join attachment_blobs b on b.attachment_id = a.id where a.case_id = ${c.id} order by a.id`,
    );
    expect(left.map((r) => r.id).sort()).toEqual([fresh.id, kept.id].sort());

    const admin = (await makeUser(t.db, 'admin')).token;
    expect((await t.post('/api/v1/blocked-senders', { pattern: me.email }, admin)).status).toBe(201);
    const blocked = await upload(c.id, 'spam.txt', 'spam', 'text/plain', token);
    expect(blocked.status).toBe(403);
    expect(((await blocked.json()) as { error: { code: string } }).error.code).toBe('sender_blocked');
    expect((await upload(c.id, 'staff.txt', 'staff', 'text/plain')).status).toBe(201);
  });
});

describe('queues', () => {
  it('full-text search finds subjects and message bodies', async () => {
    const word = `zebra${unique()}`;
    const customer = await makeCustomer(t.db);
    const bySubject = await makeCase(t.db, customer.id, { subject: `Problem with ${word} delivery` });
    const byBody = await makeCase(t.db, customer.id, {
      subject: 'Other',
      message: { body: `The ${word} arrived broken` },
    });
    const res = await t.get(`/api/v1/cases?q=${word}&includeTotal=true`, agent.token);
    expect(res.body.total).toBe(2);
    expect(res.body.items.map((c: { id: string }) => c.id).sort()).toEqual([bySubject.id, byBody.id].sort());
  });

  it('staff find a case by its customer’s name or address; a customer’s search does not', async () => {
    const name = `Weldon${unique()}`;
    const customer = await makeCustomer(t.db, {
      name: `${name} Kiehn`,
      email: `${name.toLowerCase()}@fabrikam.example`,
    });
    const c = await makeCase(t.db, customer.id, { subject: 'Where is my order?' });
    const other = await makeCase(t.db, (await makeCustomer(t.db)).id, { subject: 'Where is my order?' });
    const found = async (q: string, token = agent.token) =>
      (await t.get(`/api/v1/cases?q=${encodeURIComponent(q)}`, token)).body.items.map(
        (x: { id: string }) => x.id,
      );
    for (const q of [
      name.toLowerCase(),
      `${name} Kiehn`,
      `${name.toLowerCase()}@fabrikam.example`,
      `${name}@FABRIKAM`,
    ]) {
      expect(await found(q)).toEqual([c.id]);
    }
    // LIKE's own characters are taken as they are.
    expect(await found(`${name}%`)).toEqual([]);
    expect(await found('Where is my order')).toEqual(expect.arrayContaining([c.id, other.id]));
    // A customer's search stays on the words of their cases.
    const { token } = await makeUser(t.db, 'customer', { customerId: customer.id });
    expect(await found(name, token)).toEqual([]);
  });

  it('saved views: shared ones for everyone, personal ones for their owner, with counts', async () => {
    const customer = await makeCustomer(t.db);
    const tag = `vip-${unique()}`;
    await makeCase(t.db, customer.id, { tags: [tag], assigneeId: agent.user.id });
    await makeCase(t.db, customer.id, { tags: [tag] });
    const views = await t.get('/api/v1/views', agent.token);
    expect(views.body.items.map((v: { name: string }) => v.name)).toEqual(
      expect.arrayContaining([
        'My open cases',
        'Unassigned',
        'Promises at risk',
        'Promises breached',
        'All unsolved',
      ]),
    );
    const mine = await t.post('/api/v1/views', { name: 'VIP', filters: { tags: [tag] } }, agent.token);
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ shared: false, count: 2 });
    const others = await t.get('/api/v1/views', agent2.token);
    expect(others.body.items.map((v: { id: string }) => v.id)).not.toContain(mine.body.id);
    expect((await t.get(`/api/v1/cases?view=${mine.body.id}`, agent2.token)).status).toBe(404);
    const viaView = await t.get(`/api/v1/cases?view=${mine.body.id}&assigneeId=me`, agent.token);
    expect(viaView.body.items).toHaveLength(1);
    expect(
      (await t.post('/api/v1/views', { name: 'Team', filters: {}, shared: true }, agent.token)).status,
    ).toBe(403);
    expect(
      (await t.post('/api/v1/views', { name: 'Team', filters: {}, shared: true }, admin)).body.shared,
    ).toBe(true);
  });

  it('bulk update changes all cases or none', async () => {
    const customer = await makeCustomer(t.db);
    const a = await makeCase(t.db, customer.id);
    const b = await makeCase(t.db, customer.id);
    const ok = await post('/api/v1/cases/bulk', {
      ids: [a.id, b.id],
      set: { priority: 'high', addTags: ['bulk'], assigneeId: agent.user.id },
    });
    expect(ok.body).toEqual({ updated: 2 });
    for (const id of [a.id, b.id]) {
      const c = (await t.get(`/api/v1/cases/${id}`, agent.token)).body;
      expect(c).toMatchObject({
        priority: 'high',
        tags: ['bulk'],
        assigneeId: agent.user.id,
        status: 'open',
      });
    }
    const closed = await makeCase(t.db, customer.id, { status: 'closed' });
    const fail = await post('/api/v1/cases/bulk', { ids: [a.id, closed.id], set: { priority: 'low' } });
    expect(fail.status).toBe(409);
    expect((await t.get(`/api/v1/cases/${a.id}`, agent.token)).body.priority).toBe('high');
  });
});

describe('merge and links', () => {
  it('merging moves the conversation and closes the duplicate', async () => {
    const customer = await makeCustomer(t.db);
    const keep = await makeCase(t.db, customer.id, { message: { body: 'First mail' } });
    const dup = await makeCase(t.db, customer.id, { message: { body: 'Second mail about the same' } });
    const res = await post(`/api/v1/cases/${dup.id}/merge`, { intoId: keep.id });
    expect(res.status).toBe(200);
    const msgs = await t.get(`/api/v1/cases/${keep.id}/messages`, agent.token);
    expect(msgs.body.items.map((m: { body: string }) => m.body)).toEqual([
      'First mail',
      'Second mail about the same',
    ]);
    const merged = (await t.get(`/api/v1/cases/${dup.id}`, agent.token)).body;
    expect(merged).toMatchObject({ status: 'closed', mergedIntoId: keep.id });
    const timeline = await t.get(`/api/v1/cases/${keep.id}/timeline`, agent.token);
    expect(timeline.body.items.find((e: { type: string }) => e.type === 'case.merged_in').data).toMatchObject(
      { fromId: dup.id, messagesMoved: 1 },
    );
    expect((await post(`/api/v1/cases/${dup.id}/messages`, { body: 'x', public: true })).status).toBe(409);
    expect((await post(`/api/v1/cases/${keep.id}/merge`, { intoId: keep.id })).status).toBe(422);
    // The same case written in capitals is still itself.
    const shouted = keep.id.toUpperCase();
    expect((await post(`/api/v1/cases/${keep.id}/merge`, { intoId: shouted })).status).toBe(422);
    expect((await post(`/api/v1/cases/${shouted}/links`, { caseId: keep.id })).status).toBe(422);
    expect((await t.get(`/api/v1/cases/${keep.id}`, agent.token)).body.mergedIntoId).toBeNull();
  });

  it('refuses to merge another customer’s case: its messages would show to them', async () => {
    const mine = await makeCustomer(t.db);
    const theirs = await makeCustomer(t.db);
    const a = await makeCase(t.db, mine.id, { message: { body: 'My parcel is late' } });
    const b = await makeCase(t.db, theirs.id, { message: { body: 'Our parcel is late too' } });
    const res = await post(`/api/v1/cases/${a.id}/merge`, { intoId: b.id });
    expect([res.status, res.body.error.code]).toEqual([422, 'different_customers']);
    expect(res.body.error.message).toContain('link the two cases instead');
    // Nothing moved, nothing closed.
    const theirMessages = await t.get(`/api/v1/cases/${b.id}/messages`, agent.token);
    expect(theirMessages.body.items.map((m: { body: string }) => m.body)).toEqual(['Our parcel is late too']);
    expect((await t.get(`/api/v1/cases/${a.id}`, agent.token)).body).toMatchObject({
      status: 'new',
      mergedIntoId: null,
    });
    // Linking them is fine.
    expect((await post(`/api/v1/cases/${a.id}/links`, { caseId: b.id })).status).toBe(204);
  });

  it('links are visible from both sides and can be removed', async () => {
    const customer = await makeCustomer(t.db);
    const a = await makeCase(t.db, customer.id);
    const b = await makeCase(t.db, customer.id);
    expect((await post(`/api/v1/cases/${a.id}/links`, { caseId: b.id })).status).toBe(204);
    expect(
      (await t.get(`/api/v1/cases/${b.id}/links`, agent.token)).body.items.map((x: { id: string }) => x.id),
    ).toEqual([a.id]);
    expect((await t.del(`/api/v1/cases/${b.id}/links/${a.id}`, agent.token)).status).toBe(204);
    expect((await t.get(`/api/v1/cases/${a.id}/links`, agent.token)).body.items).toEqual([]);
  });
});

describe('custom fields, timeline, auto-close', () => {
  it('typed custom fields are checked, and required ones must be filled before solving', async () => {
    const key = `reason_${unique()}`;
    const def = await t.post(
      '/api/v1/case-fields',
      { key, label: 'Reason', type: 'select', options: ['broken', 'late'], required: true },
      admin,
    );
    expect(def.status).toBe(201);
    expect(
      (await t.post('/api/v1/case-fields', { key: `n_${unique()}`, label: 'x', type: 'select' }, admin))
        .status,
    ).toBe(422);
    const c = await makeCase(t.db, (await makeCustomer(t.db)).id);
    const bad = await t.patch(`/api/v1/cases/${c.id}`, { customFields: { [key]: 'lost' } }, agent.token);
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toContain(`body.customFields.${key}`);
    const unknownField = await t.patch(
      `/api/v1/cases/${c.id}`,
      { customFields: { nosuchfield: 1 } },
      agent.token,
    );
    expect(unknownField.status).toBe(422);
    const solve = await t.patch(`/api/v1/cases/${c.id}`, { status: 'solved' }, agent.token);
    expect(solve.status).toBe(422);
    expect(solve.body.error.code).toBe('required_fields');
    const ok = await t.patch(
      `/api/v1/cases/${c.id}`,
      { status: 'solved', customFields: { [key]: 'late' } },
      agent.token,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.customFields[key]).toBe('late');
    await t.patch(`/api/v1/case-fields/${key}`, { required: false, active: false }, admin);
  });

  it('the installed categories are the shared BUILTIN_CATEGORIES, the default among them', async () => {
    // The UI names the default category from the shared list before /categories answers.
    const items: { key: string; name: string; builtin: boolean }[] = (
      await t.get('/api/v1/categories', agent.token)
    ).body.items;
    expect(items.filter((c) => c.builtin).map((c) => [c.key, c.name])).toEqual(
      expect.arrayContaining(BUILTIN_CATEGORIES.map(([key, name]) => [key, name])),
    );
    expect(items.find((c) => c.key === DEFAULT_CATEGORY)).toMatchObject({
      name: DEFAULT_CATEGORY_NAME,
      builtin: true,
    });
  });

  it('categories and fields: an empty or unchanged patch writes nothing, a change one domain event', async () => {
    const key = `cat_${unique()}`;
    expect((await t.post('/api/v1/categories', { key, name: 'Returns' }, admin)).status).toBe(201);
    const field = `f_${unique()}`;
    expect(
      (await t.post('/api/v1/case-fields', { key: field, label: 'Carrier', type: 'text' }, admin)).status,
    ).toBe(201);
    const logged = async (type: string) =>
      (
        await rows<{ data: Record<string, unknown> }>(
          t.db,
          sql`select data from domain_events where type = ${type} and data ->> 'key' = ${type.startsWith('category') ? key : field} order by id`,
        )
      ).map((r) => r.data);
    for (const body of [{}, { name: 'Returns' }]) {
      const res = await t.patch(`/api/v1/categories/${key}`, body, admin);
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(res.body).toMatchObject({ key, name: 'Returns', active: true });
    }
    for (const body of [{}, { label: 'Carrier' }]) {
      const res = await t.patch(`/api/v1/case-fields/${field}`, body, admin);
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(res.body).toMatchObject({ key: field, label: 'Carrier' });
    }
    expect(await logged('category.updated')).toEqual([]);
    expect(await logged('case_field.updated')).toEqual([]);

    expect(
      (await t.patch(`/api/v1/categories/${key}`, { name: 'Returns and refunds' }, admin)).body.name,
    ).toBe('Returns and refunds');
    expect(await logged('category.updated')).toEqual([
      { key, changes: { name: { from: 'Returns', to: 'Returns and refunds' } } },
    ]);
    expect((await t.patch('/api/v1/categories/no_such', {}, admin)).status).toBe(404);
    expect((await t.patch('/api/v1/case-fields/no_such', {}, admin)).status).toBe(404);
  });

  it('every change is on the timeline with who did it', async () => {
    const c = await makeCase(t.db, (await makeCustomer(t.db)).id);
    await t.patch(`/api/v1/cases/${c.id}`, { priority: 'urgent', assigneeId: agent2.user.id }, agent.token);
    const entries = (await t.get(`/api/v1/cases/${c.id}/timeline`, agent.token)).body.items;
    const update = entries.find((e: { type: string }) => e.type === 'case.updated');
    expect(update.actorName).toBe(agent.user.name);
    expect(update.data.changes).toMatchObject({
      priority: { from: 'normal', to: 'urgent' },
      assigneeId: { from: null, to: agent2.user.id },
      status: { from: 'new', to: 'open' },
    });
  });

  it('solved cases close after the configured time, once', async () => {
    const customer = await makeCustomer(t.db);
    const old = await t.post(
      '/api/v1/cases',
      { subject: 'Old', customerId: customer.id, status: 'solved', createdAt: minutesAgo(3 * 60) },
      admin,
    );
    const fresh = await makeCase(t.db, customer.id, { status: 'solved' });
    const set = await t.patch('/api/v1/settings', { caseAutoCloseHours: 2 }, admin);
    expect(set.body.caseAutoCloseHours).toBe(2);
    expect((await t.patch('/api/v1/settings', { caseAutoCloseHours: 2 }, agent.token)).status).toBe(403);
    expect(await closeSolvedCases(t.db)).toBeGreaterThanOrEqual(1);
    expect(await closeSolvedCases(t.db)).toBe(0);
    expect((await t.get(`/api/v1/cases/${old.body.id}`, agent.token)).body.status).toBe('closed');
    expect((await t.get(`/api/v1/cases/${fresh.id}`, agent.token)).body.status).toBe('solved');
    const logged = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from domain_events where entity_id = ${old.body.id} and data->>'reason' = 'auto_close'`,
    );
    expect(logged[0]!.n).toBe(1);
  });
});

describe('search by number', () => {
  it('"#1042" and "1042" find the case with that number', async () => {
    const c = await makeCase(t.db, (await makeCustomer(t.db)).id);
    for (const q of [`%23${c.number}`, `${c.number}`]) {
      const res = await t.get(`/api/v1/cases?q=${q}`, agent.token);
      expect(res.body.items.map((x: { id: string }) => x.id)).toContain(c.id);
    }
  });

  it('GET /cases/:number reads the case that number names, with the access its id has', async () => {
    const me = await makeCustomer(t.db);
    const mine = await makeCase(t.db, me.id);
    const strangers = await makeCase(t.db, (await makeCustomer(t.db)).id);
    for (const ref of [`${mine.number}`, `%23${mine.number}`]) {
      const res = await t.get(`/api/v1/cases/${ref}`, agent.token);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: mine.id, number: mine.number, subject: mine.subject });
    }
    const byId = await t.get(`/api/v1/cases/${mine.id}`, agent.token);
    expect((await t.get(`/api/v1/cases/${mine.number}`, agent.token)).body).toEqual(byId.body);

    // A customer: their own case by number, never another's (the same 404 as a number nobody has).
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    expect((await t.get(`/api/v1/cases/${mine.number}`, token)).body.id).toBe(mine.id);
    const crossing = await t.get(`/api/v1/cases/${strangers.number}`, token);
    expect(crossing.status).toBe(404);
    const missing = await t.get(`/api/v1/cases/999999999`, token);
    expect(missing.status).toBe(404);
    expect(crossing.body).toEqual(missing.body);

    for (const bad of ['0', '12abc', '-3', '1.5', '1234567890123456']) {
      const res = await t.get(`/api/v1/cases/${bad}`, agent.token);
      expect(res.status, bad).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'validation_error',
        message: 'params.id: must be a UUID or a case number',
      });
    }
  });
});

describe('view counts', () => {
  it('are exact up to the cap and say so beyond it', async () => {
    const customer = await makeCustomer(t.db);
    for (let i = 0; i < 3; i++) await makeCase(t.db, customer.id);
    const where = caseFilters({ customerId: customer.id }, null);
    expect(await countCasesCapped(t.db, where, 5)).toEqual({ count: 3, capped: false });
    expect(await countCasesCapped(t.db, where, 3)).toEqual({ count: 3, capped: false });
    expect(await countCasesCapped(t.db, where, 2)).toEqual({ count: 2, capped: true });
    const views = (await t.get('/api/v1/views', agent.token)).body.items as { countCapped: boolean }[];
    expect(views.every((v) => v.countCapped === false)).toBe(true);
  });
});
