// A customer who writes in about what a proactive case covers lands in it; anything else, or
// anyone else, opens a case of their own.
import { sql } from 'drizzle-orm';
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
import { makeSignal } from '../../../../test/helpers/signal-factories.js';

let t: TestApp;
let agent: string;
beforeAll(async () => {
  t = await startTestApp();
  agent = (await makeUser(t.db, 'agent')).token;
});
afterAll(() => t?.close());

/** A portal customer with an open proactive case about an order and its shipment, and its signal. */
async function customerWithProactiveCase() {
  const { user, token } = await makeUser(t.db, 'customer');
  const customerId = user.customerId!;
  const refs = { orderId: `SO-${1000 + Math.floor(Math.random() * 8000)}`, shipmentId: `SH-${unique()}` };
  const proactive = await makeCase(t.db, customerId, {
    channel: 'proactive',
    subject: 'Your parcel is delayed',
    refs,
  });
  const signal = await makeSignal(t.db, {
    customerId,
    caseId: proactive.id,
    refKey: 'orderId',
    refValue: refs.orderId,
  });
  return { customerId, token, refs, proactive, signal };
}

const write = (
  token: string,
  subject: string,
  body: string,
  extra: Record<string, unknown> = {},
  customerId?: string,
) =>
  t.post(
    '/api/v1/cases',
    { subject, message: { body }, ...(customerId ? { customerId } : {}), ...extra },
    token,
  );

const messagesOf = async (caseId: string) =>
  (
    (await t.get(`/api/v1/cases/${caseId}/messages`, agent)).body.items as {
      body: string;
      authorType: string;
    }[]
  ).map((m) => m.body);

describe('a customer contact about a proactive case', () => {
  it('mentioning its order joins the case, and the signal learns the customer wrote in', async () => {
    const c = await customerWithProactiveCase();
    const res = await write(
      c.token,
      'Where is my order?',
      `Hello, about ${c.refs.orderId.toLowerCase()}: any news?`,
      {},
      c.customerId,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-steward-joined')).toBe('proactive');
    expect(res.body.id).toBe(c.proactive.id);
    expect(await messagesOf(c.proactive.id)).toContain(
      `Where is my order?\n\nHello, about ${c.refs.orderId.toLowerCase()}: any news?`,
    );
    const [signal] = await rows<{ customer_contact_at: Date | null }>(
      t.db,
      sql`select customer_contact_at from signals where id = ${c.signal.id}`,
    );
    expect(signal!.customer_contact_at).not.toBeNull();
    const timeline = await t.get(`/api/v1/cases/${c.proactive.id}/timeline`, agent);
    expect(JSON.stringify(timeline.body)).toContain('case.contact_joined');
  });

  it('with no reference at all joins the newest proactive case; with the refs given, the matching one', async () => {
    const c = await customerWithProactiveCase();
    const joined = await write(c.token, 'Thanks', 'Thank you for telling me.', {}, c.customerId);
    expect([joined.status, joined.body.id]).toEqual([200, c.proactive.id]);
    const byRef = await write(
      c.token,
      'Parcel',
      'It has arrived',
      { refs: { shipmentId: c.refs.shipmentId } },
      c.customerId,
    );
    expect([byRef.status, byRef.body.id]).toEqual([200, c.proactive.id]);
  });

  it('about another order, or with refs that match nothing, opens a case of its own', async () => {
    const c = await customerWithProactiveCase();
    const other = await write(c.token, 'Invoice', 'Invoice INV-20931 is wrong', {}, c.customerId);
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(c.proactive.id);
    const refs = await write(
      c.token,
      'Order',
      'Where is it?',
      { refs: { orderId: 'SO-0001' } },
      c.customerId,
    );
    expect(refs.status).toBe(201);
    expect(refs.body.refs).toEqual({ orderId: 'SO-0001' });
    expect(await messagesOf(c.proactive.id)).toEqual([]);
  });

  it('never joins another customer’s proactive case, even naming its order', async () => {
    const a = await customerWithProactiveCase();
    const { user, token } = await makeUser(t.db, 'customer');
    const res = await write(token, 'Order', `What about ${a.refs.orderId}?`, {}, user.customerId!);
    expect(res.status).toBe(201);
    expect(res.body.customerId).toBe(user.customerId);
    expect(await messagesOf(a.proactive.id)).toEqual([]);
  });

  it('a solved proactive case does not take new contacts; staff logging a call for the customer joins like the customer', async () => {
    const c = await customerWithProactiveCase();
    const solved = await t.patch(`/api/v1/cases/${c.proactive.id}`, { status: 'solved' }, agent);
    expect(solved.status).toBe(200);
    const fresh = await write(c.token, 'Order', `About ${c.refs.orderId}`, {}, c.customerId);
    expect(fresh.status).toBe(201);

    const d = await customerWithProactiveCase();
    const logged = await t.post(
      '/api/v1/cases',
      {
        customerId: d.customerId,
        subject: 'Phone call',
        channel: 'phone',
        message: { body: `Asked about ${d.refs.shipmentId}`, from: 'customer' },
      },
      agent,
    );
    expect([logged.status, logged.body.id]).toEqual([200, d.proactive.id]);
    // An agent writing first (an outbound note) opens a case as before.
    const outbound = await t.post(
      '/api/v1/cases',
      { customerId: d.customerId, subject: 'Courtesy call', message: { body: 'We called', from: 'agent' } },
      agent,
    );
    expect(outbound.status).toBe(201);
  });
});

describe('the joined message', () => {
  it('keeps the channel it came through, and a logged call its details', async () => {
    const c = await customerWithProactiveCase();
    const res = await t.post(
      '/api/v1/cases',
      {
        customerId: c.customerId,
        subject: 'Call',
        channel: 'phone',
        message: {
          body: `About ${c.refs.orderId}`,
          from: 'customer',
          call: { direction: 'inbound', durationSeconds: 95, outcome: 'resolved' },
        },
      },
      agent,
    );
    expect(res.status).toBe(200);
    const [m] = await rows<{ channel: string; call: unknown }>(
      t.db,
      sql`select channel, call from messages where case_id = ${c.proactive.id} order by created_at desc limit 1`,
    );
    expect(m).toEqual({
      channel: 'phone',
      call: { direction: 'inbound', durationSeconds: 95, outcome: 'resolved' },
    });
  });
});

describe('a proactive case stays internal until someone writes to the customer in it', () => {
  /** A customer and a colleague who may see the organization's cases, and a proactive case with a note only. */
  async function hiddenProactiveCase() {
    const org = await makeOrganization(t.db);
    const customer = await makeCustomer(t.db, { organizationId: org.id });
    const colleague = await makeCustomer(t.db, { organizationId: org.id, organizationAccess: true });
    const own = (await makeUser(t.db, 'customer', { customerId: customer.id })).token;
    const other = (await makeUser(t.db, 'customer', { customerId: colleague.id })).token;
    const proactive = await makeCase(t.db, customer.id, {
      channel: 'proactive',
      subject: 'Repeat complaints: 3 in 30 days',
      refs: { orderId: `SO-${unique()}` },
    });
    await t.post(
      `/api/v1/cases/${proactive.id}/messages`,
      { body: 'Call them today.', public: false },
      agent,
    );
    return { org, customer, colleague, own, other, proactive };
  }

  /** What each customer token sees of the case, through every way in. */
  async function seen(token: string, caseId: string, customerId: string) {
    const portalList = await t.get('/api/v1/portal/cases?limit=50', token);
    const orgList = await t.get('/api/v1/portal/cases?scope=organization&limit=50', token);
    const caseList = await t.get(`/api/v1/cases?customerId=${customerId}&limit=50`, token);
    return {
      lists: [portalList, orgList, caseList].map((r) =>
        r.status === 200 ? r.body.items.some((c: { id: string }) => c.id === caseId) : r.status,
      ),
      portal: (await t.get(`/api/v1/portal/cases/${caseId}`, token)).status,
      case: (await t.get(`/api/v1/cases/${caseId}`, token)).status,
      messages: (await t.get(`/api/v1/cases/${caseId}/messages`, token)).status,
      reply: (await t.post(`/api/v1/cases/${caseId}/messages`, { body: 'Hello?', public: true }, token))
        .status,
    };
  }

  it('is in no list and answers 404 to its customer and their colleagues; staff see it', async () => {
    const h = await hiddenProactiveCase();
    expect(await seen(h.own, h.proactive.id, h.customer.id)).toEqual({
      lists: [false, 403, false],
      portal: 404,
      case: 404,
      messages: 404,
      reply: 404,
    });
    expect(await seen(h.other, h.proactive.id, h.customer.id)).toEqual({
      lists: [false, false, false],
      portal: 404,
      case: 404,
      messages: 404,
      reply: 404,
    });
    const staff = await t.get(`/api/v1/cases/${h.proactive.id}`, agent);
    expect([staff.status, staff.body.customerVisible]).toEqual([200, false]);
    // Nor by its number.
    for (const path of [`/api/v1/cases/${staff.body.number}`, `/api/v1/portal/cases/${staff.body.number}`]) {
      expect((await t.get(path, h.own)).status, path).toBe(404);
    }
    expect((await t.get(`/api/v1/cases/${staff.body.number}`, agent)).body.id).toBe(h.proactive.id);
    const ordinary = await makeCase(t.db, h.customer.id);
    expect((await t.get(`/api/v1/cases/${ordinary.id}`, agent)).body.customerVisible).toBe(true);
    // Nothing was written by the refused reply.
    expect(await messagesOf(h.proactive.id)).toEqual(['Call them today.']);
  });

  it('shows once an agent has written to the customer in it, internal notes still hidden', async () => {
    const h = await hiddenProactiveCase();
    await t.post(
      `/api/v1/cases/${h.proactive.id}/messages`,
      { body: 'We noticed a problem with your order.', public: true },
      agent,
    );
    expect((await t.get(`/api/v1/cases/${h.proactive.id}`, agent)).body.customerVisible).toBe(true);
    const own = await seen(h.own, h.proactive.id, h.customer.id);
    expect(own).toMatchObject({ lists: [true, 403, true], portal: 200, case: 200, messages: 200 });
    expect((await seen(h.other, h.proactive.id, h.customer.id)).lists).toEqual([false, true, true]);
    const messages = await t.get(`/api/v1/cases/${h.proactive.id}/messages`, h.own);
    expect(messages.body.items.map((m: { body: string }) => m.body)).toEqual([
      'We noticed a problem with your order.',
      'Hello?', // the customer's
      'Hello?', // the colleague's, who may write in the organization's cases
    ]);
  });

  it('shows once the customer writes in about it: their contact joins the case', async () => {
    const h = await hiddenProactiveCase();
    const orderId = h.proactive.refs.orderId!;
    const res = await write(h.own, 'My order', `What about ${orderId}?`, {}, h.customer.id);
    expect([res.status, res.body.id]).toEqual([200, h.proactive.id]);
    expect((await t.get(`/api/v1/portal/cases/${h.proactive.id}`, h.own)).status).toBe(200);
  });

  it('a colleague cannot write in the customer’s name to land in it', async () => {
    const h = await hiddenProactiveCase();
    const orderId = h.proactive.refs.orderId!;
    const res = await write(h.other, 'Their order', `What about ${orderId}?`, {}, h.customer.id);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect(await messagesOf(h.proactive.id)).toEqual(['Call them today.']);
  });
});
