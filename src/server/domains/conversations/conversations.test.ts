// Phone and chat: agents logging calls on cases (and opening cases from calls), and the API for
// telephony and chat systems — new case, append, idempotent by externalId, never mailed.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  makeCase,
  makeCustomer,
  makeOrganization,
  makeUser,
  minutesAgo,
  unique,
} from '../../../../test/helpers/factories.js';

let t: TestApp;
let agent: string;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  agent = (await makeUser(t.db, 'agent')).token;
  admin = (await makeUser(t.db, 'admin')).token;
});
afterAll(() => t?.close());

const mailFor = (caseId: string) =>
  rows<{ id: string }>(
    t.db,
    sql`select id from mail_messages where case_id = ${caseId} and direction = 'out'`,
  );
const messagesOf = async (caseId: string) =>
  (await t.get(`/api/v1/cases/${caseId}/messages`, agent)).body.items;

describe('agents logging calls', () => {
  it('a call on a case: shown with its details, counted as a response, never mailed', async () => {
    const customer = await makeCustomer(t.db);
    const c = await makeCase(t.db, customer.id, {
      channel: 'email',
      message: { body: 'Where is my order?' },
    });
    const call = { direction: 'outbound', durationSeconds: 312, outcome: 'resolved' };
    const res = await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: 'Called: the parcel is at the depot, delivery tomorrow.', public: true, call },
      agent,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ authorType: 'agent', public: true, channel: 'phone', call });
    expect((await messagesOf(c.id)).map((m: any) => m.call)).toEqual([null, call]);
    expect(await mailFor(c.id)).toEqual([]);
    const after = (await t.get(`/api/v1/cases/${c.id}`, agent)).body;
    expect(after.status).toBe('open');
    expect(after.firstRespondedAt).toBe(res.body.createdAt);
    // The customer sees the call in their conversation.
    const { token } = await makeUser(t.db, 'customer', { customerId: customer.id });
    expect((await t.get(`/api/v1/cases/${c.id}/messages`, token)).body.items[1].call).toEqual(call);
  });

  it('the customer calling back opens a case that waited on them; our own call, or a status sent with it, does not', async () => {
    const customer = await makeCustomer(t.db);
    const waiting = async () => {
      const c = await makeCase(t.db, customer.id, {
        channel: 'email',
        message: { body: 'Where is my order?' },
      });
      const followUpAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
      const asked = await t.post(
        `/api/v1/cases/${c.id}/messages`,
        { body: 'Which address should it go to?', public: true, status: 'pending', followUpAt },
        agent,
      );
      expect(asked.status).toBe(201);
      return c.id;
    };
    const log = (id: string, direction: string, extra: Record<string, unknown> = {}) =>
      t.post(
        `/api/v1/cases/${id}/messages`,
        {
          body: 'Call about the address.',
          public: false,
          call: { direction, durationSeconds: 60, outcome: 'callback_needed' },
          ...extra,
        },
        agent,
      );
    const read = async (id: string) => (await t.get(`/api/v1/cases/${id}`, agent)).body;

    const calledUs = await waiting();
    expect((await log(calledUs, 'inbound')).status).toBe(201);
    expect(await read(calledUs)).toMatchObject({ status: 'open', followUpAt: null });

    const weCalled = await waiting();
    expect((await log(weCalled, 'outbound')).status).toBe(201);
    expect((await read(weCalled)).status).toBe('pending');
    expect((await read(weCalled)).followUpAt).not.toBeNull();

    const solvedOnThePhone = await waiting();
    expect((await log(solvedOnThePhone, 'inbound', { public: true, status: 'solved' })).status).toBe(201);
    expect((await read(solvedOnThePhone)).status).toBe('solved');
  });

  it('a case opened from a call; customers cannot log calls; details are checked', async () => {
    const customer = await makeCustomer(t.db);
    const call = { direction: 'inbound', durationSeconds: 95, outcome: 'callback_needed' };
    const res = await t.post(
      '/api/v1/cases',
      {
        subject: 'Invoice 8812 is wrong',
        customerId: customer.id,
        channel: 'phone',
        category: 'invoice_error',
        message: { body: 'Caller says the VAT is doubled.', from: 'customer', call },
      },
      agent,
    );
    expect(res.status).toBe(201);
    expect(res.body.channel).toBe('phone');
    expect((await messagesOf(res.body.id)).map((m: any) => [m.authorType, m.channel, m.call])).toEqual([
      ['customer', 'phone', call],
    ]);

    const { token } = await makeUser(t.db, 'customer', { customerId: customer.id });
    const asCustomer = await t.post(
      `/api/v1/cases/${res.body.id}/messages`,
      { body: 'x', public: true, call },
      token,
    );
    expect(asCustomer.status).toBe(403);
    const newAsCustomer = await t.post(
      '/api/v1/cases',
      { subject: 'x', customerId: customer.id, message: { body: 'y', call } },
      token,
    );
    expect(newAsCustomer.status).toBe(403);
    for (const bad of [
      { ...call, direction: 'sideways' },
      { ...call, durationSeconds: -1 },
      { ...call, outcome: 'maybe' },
      { direction: 'inbound', outcome: 'resolved' },
    ]) {
      const r = await t.post(
        `/api/v1/cases/${res.body.id}/messages`,
        { body: 'x', public: false, call: bad },
        agent,
      );
      expect(r.status, JSON.stringify(bad)).toBe(400);
    }
  });
});

describe('POST /conversations', () => {
  it('a phone call from a new caller opens a case, in their organization, with the call and the times', async () => {
    const org = await makeOrganization(t.db);
    const email = `caller-${unique()}@${org.domains[0]}`;
    const externalId = `call-${unique()}`;
    const body = {
      externalId,
      channel: 'phone',
      customer: { email, name: 'Carla Caller' },
      startedAt: '2026-01-10T09:00:00Z',
      endedAt: '2026-01-10T09:04:30Z',
      call: { direction: 'inbound', durationSeconds: 270, outcome: 'resolved' },
      messages: [
        { from: 'agent', body: 'Told her the new delivery date.', at: '2026-01-10T09:04:00Z' },
        { from: 'customer', body: 'My delivery did not come\nOrder 5521', at: '2026-01-10T09:00:30Z' },
      ],
    };
    const res = await t.post('/api/v1/conversations', body, agent);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ externalId, created: true, joined: false, duplicate: false });
    expect(res.body.messageIds).toHaveLength(2);
    const c = (await t.get(`/api/v1/cases/${res.body.caseId}`, agent)).body;
    expect(c).toMatchObject({
      number: res.body.caseNumber,
      subject: 'My delivery did not come',
      channel: 'phone',
      organizationId: org.id,
      customer: { name: 'Carla Caller', email },
    });
    // In the order they were said, with their times; the call on the first.
    expect(
      (await messagesOf(c.id)).map((m: any) => [
        m.authorType,
        m.channel,
        m.createdAt,
        m.call?.durationSeconds ?? null,
      ]),
    ).toEqual([
      ['customer', 'phone', '2026-01-10T09:00:30.000Z', 270],
      ['agent', 'phone', '2026-01-10T09:04:00.000Z', null],
    ]);
    expect(c.firstRespondedAt).not.toBeNull();
    expect(await mailFor(c.id)).toEqual([]);
  });

  it('is idempotent by externalId: a repeat, even at the same time, changes nothing', async () => {
    const customer = await makeCustomer(t.db);
    const body = {
      externalId: `chat-${unique()}`,
      channel: 'chat',
      customer: { id: customer.id },
      subject: 'Chat about returns',
      startedAt: '2026-01-11T10:00:00Z',
      messages: [
        { from: 'customer', body: 'Can I return shoes?', at: '2026-01-11T10:00:00Z' },
        { from: 'agent', body: 'Yes, within 30 days.', at: '2026-01-11T10:01:00Z' },
      ],
    };
    const [a, b] = await Promise.all([
      t.post('/api/v1/conversations', body, agent),
      t.post('/api/v1/conversations', body, agent),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    const first = a.status === 201 ? a.body : b.body;
    const second = a.status === 201 ? b.body : a.body;
    expect(second).toEqual({ ...first, duplicate: true });
    const again = await t.post('/api/v1/conversations', { ...body, messages: [body.messages[0]] }, agent);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first, duplicate: true });
    const cases = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from cases where customer_id = ${customer.id}`,
    );
    expect(cases[0]!.n).toBe(1);
    expect(await messagesOf(first.caseId)).toHaveLength(2);
  });

  it('appends to the given case, finds the customer by externalId, and refuses a mismatch', async () => {
    const customer = await makeCustomer(t.db, { externalId: `crm-${unique()}` });
    const c = await makeCase(t.db, customer.id, {
      channel: 'email',
      message: { body: 'Hello' },
      createdAt: minutesAgo(120),
    });
    const res = await t.post(
      '/api/v1/conversations',
      {
        externalId: `chat-${unique()}`,
        channel: 'chat',
        customer: { externalId: customer.externalId },
        caseId: c.id,
        startedAt: minutesAgo(60),
        messages: [
          { from: 'customer', body: 'Any news?', at: minutesAgo(60) },
          { from: 'agent', body: 'It ships today.', at: minutesAgo(59) },
        ],
      },
      admin,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ caseId: c.id, created: false, duplicate: false });
    expect((await messagesOf(c.id)).map((m: any) => [m.body, m.channel])).toEqual([
      ['Hello', 'email'],
      ['Any news?', 'chat'],
      ['It ships today.', 'chat'],
    ]);
    expect(await mailFor(c.id)).toEqual([]);
    const timeline = (await t.get(`/api/v1/cases/${c.id}/timeline`, agent)).body.items;
    expect(timeline.find((e: any) => e.type === 'case.conversation_logged').data).toMatchObject({
      channel: 'chat',
      messages: 2,
    });

    const other = await makeCustomer(t.db);
    const mismatch = await t.post(
      '/api/v1/conversations',
      {
        externalId: `chat-${unique()}`,
        channel: 'chat',
        customer: { id: other.id },
        caseId: c.id,
        startedAt: '2026-01-12T08:00:00Z',
        messages: [{ from: 'customer', body: 'x', at: '2026-01-12T08:00:00Z' }],
      },
      agent,
    );
    expect(mismatch.status).toBe(422);
    const unknown = await t.post(
      '/api/v1/conversations',
      {
        externalId: `chat-${unique()}`,
        channel: 'chat',
        customer: { externalId: 'nobody-has-this' },
        startedAt: '2026-01-12T08:00:00Z',
        messages: [{ from: 'customer', body: 'x', at: '2026-01-12T08:00:00Z' }],
      },
      agent,
    );
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toMatch(/^body\.customer\.externalId/);
  });

  it('checks its input: call details only for phone, a customer or a case, times in order and past', async () => {
    const base = {
      externalId: `x-${unique()}`,
      channel: 'chat',
      customer: { email: `c-${unique()}@example.com` },
      startedAt: '2026-01-12T08:00:00Z',
      messages: [{ from: 'customer', body: 'x', at: '2026-01-12T08:00:00Z' }],
    };
    const call = { direction: 'inbound', durationSeconds: 5, outcome: 'no_answer' };
    for (const [bad, path] of [
      [{ ...base, call }, 'body.call'],
      [{ ...base, customer: undefined }, 'body.customer'],
      [{ ...base, endedAt: '2026-01-12T07:00:00.000Z' }, 'body.endedAt'],
      [{ ...base, messages: [] }, 'body.messages'],
      // Posted once it happened: not a month ahead.
      [
        {
          ...base,
          messages: [
            { from: 'customer', body: 'x', at: new Date(Date.now() + 30 * 86_400_000).toISOString() },
          ],
        },
        'body.messages.0.at',
      ],
      [{ ...base, startedAt: new Date(Date.now() + 3_600_000).toISOString() }, 'body.startedAt'],
    ] as const) {
      const res = await t.post('/api/v1/conversations', bad, agent);
      expect(res.status, path).toBe(400);
      expect(res.body.error.details[0].path).toBe(path);
    }
  });

  it('is for staff and admins’ API tokens only', async () => {
    const body = {
      externalId: `x-${unique()}`,
      channel: 'phone',
      customer: { email: `c-${unique()}@example.com` },
      startedAt: '2026-01-12T08:00:00Z',
      messages: [{ from: 'customer', body: 'x', at: '2026-01-12T08:00:00Z' }],
    };
    expect((await t.post('/api/v1/conversations', body)).status).toBe(401);
    const customer = await makeUser(t.db, 'customer');
    expect((await t.post('/api/v1/conversations', body, customer.token)).status).toBe(403);
    const apiToken = (await t.post('/api/v1/auth/tokens', { name: `Telephony ${unique()}` }, admin)).body
      .token;
    expect((await t.post('/api/v1/conversations', body, apiToken)).status).toBe(201);
  });
});
