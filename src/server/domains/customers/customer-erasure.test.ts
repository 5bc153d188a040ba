// Erasing a customer's personal data: afterwards no row of any table holds their name, addresses,
// phone, external id or anything they or we wrote about them; what happened and when stays; other
// customers are untouched; who may, and the refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { rows } from '../../../db/client.js';
import { usingPostgres } from '../../../../test/helpers/db.js';
import { consumeToPresent } from '../../../../test/helpers/consumers.js';
import { plainMail } from '../../../../test/helpers/mail-fixtures.js';
import {
  eventOf,
  sendEvents,
  startEventsApp,
  type EventsApp,
} from '../../../../test/helpers/event-ingest.js';
import {
  makeCase,
  makeCustomer,
  makeCustomerWithAgreement,
  makeOrganization,
  makeUser,
  minutesAgo,
  unique,
} from '../../../../test/helpers/factories.js';
import { makeSignal } from '../../../../test/helpers/signal-factories.js';
import { recordBreaches } from '../cases/case-jobs.js';
import { deliverNotifications } from '../notifications/notifications.service.js';
import { receiveMail } from '../mail/inbound.js';
import { queueWebhookDeliveries } from '../webhooks/webhook-delivery.js';
import { startSmtpReceiver } from '../mail/smtp-receiver.js';
import { runSignalActions } from '../signals/actions.js';
import { signalActions } from '../signals/signals.table.js';
import { RuleAction } from '../../../shared/schemas/rules.js';
import type { FastifyBaseLogger } from 'fastify';
import nodemailer from 'nodemailer';

let app: EventsApp;
beforeAll(async () => {
  app = await startEventsApp();
});
afterAll(() => app?.t.close());

/** Every table of the schema, as text, searched for `needle`: the tables and their matching row counts. */
async function tablesHolding(needle: string): Promise<Record<string, number>> {
  const tables = await rows<{ name: string }>(
    app.t.db,
    sql`select table_name as name from information_schema.tables
        where table_schema = current_schema() and table_type = 'BASE TABLE'
          and left(table_name, 2) <> '__'`,
  );
  const found: Record<string, number> = {};
  for (const { name } of tables) {
    const [hit] = await rows<{ n: number }>(
      app.t.db,
      sql`select count(*)::int as n from ${sql.identifier(name)} x where position(lower(${needle}) in lower(x::text)) > 0`,
    );
    if (hit!.n > 0) found[name] = hit!.n;
  }
  return found;
}

/** A customer with everything Steward can hold about one: login, cases, messages, a file, mail, events, a merged duplicate. */
async function richCustomer() {
  const { t } = app;
  const tag = unique();
  const person = {
    name: `Erin Erasable ${tag}`,
    email: `erin-${tag}@erase.example`,
    phone: `+49 30 5550 ${String(parseInt(tag, 16)).slice(0, 6)}`,
    externalId: `CRM-${tag}`,
    oldEmail: `erin-old-${tag}@erase.example`,
    street: `${tag} Lindenstraße`,
    secret: `allergic-to-${tag}`,
  };
  // She may see her organization's cases, and writes on a colleague's: its assignee is told who wrote.
  const org = await makeOrganization(t.db);
  const customer = await makeCustomer(t.db, {
    name: person.name,
    email: person.email,
    phone: person.phone,
    externalId: person.externalId,
    customFields: { note: person.secret },
    organizationId: org.id,
    organizationAccess: true,
  });
  // An older record of hers, merged in: its address leads to her.
  const old = await makeCustomer(t.db, { name: `${person.name} (old)`, email: person.oldEmail });
  expect((await t.post(`/api/v1/customers/${old.id}/merge`, { intoId: customer.id }, app.agent)).status).toBe(
    200,
  );
  const login = await makeUser(t.db, 'customer', { customerId: customer.id, email: person.email });

  // She writes in by mail (a case, an acknowledgement to her address), and through the portal.
  const mailed = await receiveMail(
    t.db,
    plainMail({
      from: `${person.name} <${person.oldEmail}>`,
      subject: `Parcel for ${person.street}`,
      body: person.secret,
    }),
  );
  expect(mailed.caseId).toBeTruthy();
  const portalCase = await makeCase(t.db, customer.id, { subject: `Question from ${person.name}` });
  const said = await t.post(
    `/api/v1/cases/${portalCase.id}/messages`,
    { body: `My phone is ${person.phone}`, public: true },
    login.token,
  );
  expect(said.status).toBe(201);
  const note = await t.post(
    `/api/v1/cases/${portalCase.id}/messages`,
    { body: `${person.name} is ${person.secret}`, public: false },
    app.agent,
  );
  expect(note.status).toBe(201);
  const upload = await t.request(
    'POST',
    `/api/v1/cases/${portalCase.id}/attachments?filename=${tag}-id-card.png`,
    {
      token: app.agent,
      raw: 'not really a png',
      contentType: 'image/png',
    },
  );
  expect(upload.status).toBe(201);
  const colleague = await makeCustomer(t.db, { name: `Colleague ${tag}`, organizationId: org.id });
  const assignee = await makeUser(t.db, 'agent');
  const colleagues = await makeCase(t.db, colleague.id, {
    subject: `Team order ${tag}`,
    assigneeId: assignee.user.id,
  });
  const onTheirs = await t.post(
    `/api/v1/cases/${colleagues.id}/messages`,
    { body: `Erin here: ring me on ${person.phone}`, public: true },
    login.token,
  );
  expect(onTheirs.status, JSON.stringify(onTheirs.body)).toBe(201);
  await consumeToPresent(t.db, 'notifications', () => deliverNotifications(t.db));
  const told = await t.get('/api/v1/notifications', assignee.token);
  expect(told.body.items.find((n: { kind: string }) => n.kind === 'customer_replied')).toMatchObject({
    writerName: person.name,
    excerpt: `Erin here: ring me on ${person.phone}`,
  });
  // Her details change (the audit trail keeps from/to).
  expect(
    (await t.patch(`/api/v1/customers/${customer.id}`, { phone: `${person.phone}9` }, app.admin)).status,
  ).toBe(200);
  // The order system tells us where her parcel goes.
  await sendEvents(app, [
    eventOf(`x${tag}.order.shipped`, {
      customer: { email: person.email },
      refs: { orderId: `SO-${tag}` },
      data: { street: person.street },
    }),
  ]);
  return { customer, login, person, cases: [mailed.caseId!, portalCase.id], tag, assignee, colleagues };
}

const erase = (id: string, confirm: string, token = app.admin) =>
  app.t.post(`/api/v1/customers/${id}/erase`, { confirm }, token);

/** The SMTP receiver on loopback, its log of what it received kept, and an ordinary client. */
async function smtp() {
  const received: Record<string, unknown>[] = [];
  const log = {
    info: (o: Record<string, unknown>) => received.push(o),
    warn: () => {},
    error: () => {},
  } as unknown as FastifyBaseLogger;
  const receiver = await startSmtpReceiver({
    db: app.t.db,
    host: '127.0.0.1',
    port: 0,
    mailFrom: 'Steward Support <support@steward.localhost>',
    log,
  });
  const client = nodemailer.createTransport({
    host: '127.0.0.1',
    port: receiver.port,
    secure: false,
    ignoreTLS: true,
  });
  return { receiver, client, received };
}

/** A pending rule action of this kind on a new signal of the customer (about their case, if given). */
async function pendingAction(customerId: string, kind: 'open_case' | 'notify_customer', caseId?: string) {
  const signal = await makeSignal(app.t.db, { customerId, caseId, title: `Late ${unique()}` });
  const params =
    kind === 'open_case'
      ? { kind, subject: 'Your order is late' }
      : { kind, message: 'Your order is on its way after all' };
  await app.t.db
    .insert(signalActions)
    .values({ signalId: signal.id, position: 0, kind, params: RuleAction.parse(params) });
  return signal.id;
}

describe('erasing a customer’s personal data', () => {
  it('leaves no trace of them in any table, keeps what happened and when, and touches no one else', async () => {
    const { t } = app;
    // A webhook takes every event: its deliveries copy the audit trail.
    const hook = await t.post(
      '/api/v1/outgoing-webhooks',
      { name: 'Everything', url: 'http://127.0.0.1:9/hook', events: ['*'] },
      app.admin,
    );
    expect(hook.status).toBe(201);
    const other = await makeCustomer(t.db, {
      name: `Otto Other ${unique()}`,
      email: `otto-${unique()}@keep.example`,
    });
    const otherCase = await makeCase(t.db, other.id, { subject: `Otto's own question ${unique()}` });
    const { customer, login, person, cases, assignee, colleagues } = await richCustomer();
    await consumeToPresent(t.db, 'webhooks', () => queueWebhookDeliveries(t.db));

    const needles = [
      person.name,
      person.email,
      person.oldEmail,
      person.phone,
      person.externalId,
      person.street,
      person.secret,
    ];
    // Everything is there before (so the search can find what it looks for).
    for (const needle of needles)
      expect(Object.keys(await tablesHolding(needle)).length, needle).toBeGreaterThan(0);
    const statusesBefore = await rows<{ id: string; status: string; channel: string; created_at: Date }>(
      t.db,
      sql`select id, status, channel, created_at from cases where customer_id = ${customer.id} order by id`,
    );

    const preview = await t.get(`/api/v1/customers/${customer.id}/erasure`, app.admin);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      name: person.name,
      cases: 2,
      attachments: 1,
      mergedCustomers: 1,
      portalLogin: true,
      events: 1,
    });
    expect([...preview.body.emails].sort()).toEqual([person.email, person.oldEmail].sort());
    expect(preview.body.messages).toBeGreaterThanOrEqual(3);
    expect(preview.body.mails).toBeGreaterThanOrEqual(1);

    const res = await erase(customer.id, person.name);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      cases: 2,
      attachments: 1,
      mergedCustomers: 1,
      portalLogin: true,
      events: 1,
    });
    expect(res.body.messages).toBe(preview.body.messages);
    expect(res.body.mails).toBe(preview.body.mails);

    for (const needle of needles) expect(await tablesHolding(needle), needle).toEqual({});
    // The file itself is gone.
    const [blobs] = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from attachment_blobs b join attachments a on a.id = b.attachment_id
          where a.case_id = any(${sql.param(cases)}::uuid[])`,
    );
    expect(blobs!.n).toBe(0);

    // What happened and when stays: the cases, their channels and dates, for the KPIs; the
    // unsolved ones are closed (no one is left to answer).
    const statusesAfter = await rows<{ id: string; status: string; channel: string; created_at: Date }>(
      t.db,
      sql`select id, status, channel, created_at from cases where customer_id = ${customer.id} order by id`,
    );
    const unsolved = statusesBefore.filter((c) => c.status !== 'solved' && c.status !== 'closed');
    expect(unsolved.length).toBe(2);
    expect([preview.body.openCases, res.body.closedCases]).toEqual([2, 2]);
    expect(statusesAfter).toEqual(statusesBefore.map((c) => ({ ...c, status: 'closed' })));
    const staffView = await t.get(`/api/v1/cases/${cases[1]}`, app.agent);
    expect(staffView.status).toBe(200);
    expect(staffView.body.subject).toBe('[erased]');
    expect(staffView.body.customer).toEqual({
      id: customer.id,
      name: 'Erased customer',
      email: null,
      deletedAt: expect.any(String),
    });
    const thread = await t.get(`/api/v1/cases/${cases[1]}/messages`, app.agent);
    expect(new Set(thread.body.items.map((m: { body: string }) => m.body))).toEqual(new Set(['[erased]']));

    // The record is gone from lists, the login cannot sign in, the history says what was done.
    expect((await t.get(`/api/v1/customers/${customer.id}`, app.admin)).status).toBe(404);
    expect((await t.get('/api/v1/auth/me', login.token)).status).toBe(401);
    const [erased] = await rows<{ type: string; data: Record<string, unknown> }>(
      t.db,
      sql`select type, data from domain_events where entity_id = ${customer.id} and type = 'customer.erased'`,
    );
    expect(erased!.data).toMatchObject({ cases: 2, mergedCustomers: 1 });

    // Her colleague's case stays, her message on it is erased, and so is who wrote it.
    const toldAfter = (await t.get('/api/v1/notifications', assignee.token)).body.items.find(
      (n: { case: { id: string } }) => n.case.id === colleagues.id,
    );
    expect(toldAfter).toMatchObject({ kind: 'customer_replied', writerName: null, excerpt: '[erased]' });
    expect((await t.get(`/api/v1/cases/${colleagues.id}`, app.agent)).body.subject).toBe(colleagues.subject);

    // Someone else's case is as it was.
    const otto = await t.get(`/api/v1/cases/${otherCase.id}`, app.agent);
    expect(otto.body.subject).toBe(otherCase.subject);
    expect(Object.keys(await tablesHolding(other.email!)).length).toBeGreaterThan(0);

    // Once only.
    const again = await erase(customer.id, 'Erased customer');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_erased');
  });

  it('closes their unsolved cases: clocks not decided yet cancelled, a breach ended, live signals resolved', async () => {
    const { t } = app;
    const { customer } = await makeCustomerWithAgreement(t.db);
    // 90 minutes old on a 60-minute first response: breached, never made good; resolution runs.
    const late = await makeCase(t.db, customer.id, { subject: 'Late one', createdAt: minutesAgo(90) });
    const proactive = await makeCase(t.db, customer.id, {
      subject: 'Your parcel is late',
      channel: 'proactive',
    });
    const signal = await makeSignal(t.db, { customerId: customer.id, caseId: proactive.id });
    const done = await makeCase(t.db, customer.id, { subject: 'Done already' });
    await recordBreaches(t.db);
    expect((await t.patch(`/api/v1/cases/${done.id}`, { status: 'solved' }, app.agent)).status).toBe(200);
    const clocks = (caseId: string) =>
      rows<{ kind: string; state: string; met: boolean }>(
        t.db,
        sql`select kind, state, met_at is not null as met from case_promises where case_id = ${caseId} order by kind`,
      );
    expect(await clocks(late.id)).toEqual([
      { kind: 'first_response', state: 'breached', met: false },
      { kind: 'resolution', state: 'active', met: false },
    ]);
    const doneClocks = await clocks(done.id);

    expect((await t.get(`/api/v1/customers/${customer.id}/erasure`, app.admin)).body.openCases).toBe(2);
    const res = await erase(customer.id, customer.name);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.closedCases).toBe(2);

    const status = async (id: string) => (await t.get(`/api/v1/cases/${id}`, app.agent)).body;
    const [lateAfter, proactiveAfter, doneAfter] = [
      await status(late.id),
      await status(proactive.id),
      await status(done.id),
    ];
    expect([lateAfter.status, proactiveAfter.status, doneAfter.status]).toEqual([
      'closed',
      'closed',
      'solved',
    ]);
    expect(lateAfter.closedAt).not.toBeNull();
    expect(lateAfter.nextDueAt ?? null).toBeNull();
    // The breach stays a breach (ended now, as any close ends it); the running resolution clock is cancelled.
    expect(await clocks(late.id)).toEqual([{ kind: 'first_response', state: 'breached', met: true }]);
    expect(await clocks(done.id)).toEqual(doneClocks);
    const [resolved] = await rows<{ state: string; resolution: string }>(
      t.db,
      sql`select state, resolution from signals where id = ${signal.id}`,
    );
    expect(resolved).toEqual({
      state: 'resolved',
      resolution: `resolved with case #${proactive.number} (closed)`,
    });
    const changes = await rows<{ entity_id: string; data: Record<string, unknown> }>(
      t.db,
      sql`select entity_id, data from domain_events where type = 'case.updated' and data->>'reason' = 'customer_erased'
        and entity_id = any(${sql.param([late.id, proactive.id, done.id])}::uuid[]) order by entity_id`,
    );
    expect(Object.fromEntries(changes.map((c) => [c.entity_id, c.data]))).toEqual({
      [late.id]: {
        changes: { status: { from: 'new', to: 'closed' } },
        reason: 'customer_erased',
        cancelledPromises: ['resolution'],
      },
      [proactive.id]: {
        changes: { status: { from: 'new', to: 'closed' } },
        reason: 'customer_erased',
        cancelledPromises: expect.any(Array),
      },
    });
    // The queue no longer lists them among the unsolved.
    const queue = await t.get(
      `/api/v1/cases?customerId=${customer.id}&status=new,open,pending,on_hold`,
      app.agent,
    );
    expect(queue.body.items).toEqual([]);
  });

  it('dismisses their live signals no case handles, skipping their actions; leaves ended ones and others’ alone', async () => {
    const { t } = app;
    const customer = await makeCustomer(t.db);
    const other = await makeCustomer(t.db);
    const open = await makeSignal(t.db, { customerId: customer.id, refKey: 'orderId', refValue: 'SO-1' });
    const acted = await makeSignal(t.db, { customerId: customer.id, state: 'acted' });
    // Its case was solved before the signal ended (no live case handles it).
    const solved = await makeCase(t.db, customer.id, { subject: 'Solved' });
    expect((await t.patch(`/api/v1/cases/${solved.id}`, { status: 'solved' }, app.agent)).status).toBe(200);
    const onSolved = await makeSignal(t.db, { customerId: customer.id, caseId: solved.id });
    const ended = await makeSignal(t.db, {
      customerId: customer.id,
      state: 'resolved',
      resolvedAt: new Date(),
    });
    const theirs = await makeSignal(t.db, { customerId: other.id });
    await t.db.insert(signalActions).values({
      signalId: open.id,
      position: 0,
      kind: 'notify_customer',
      params: { kind: 'notify_customer', subject: 'Late', body: 'Your order is late' },
    });

    const res = await erase(customer.id, customer.name);
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    const states = await rows<{ id: string; state: string; resolution: string | null }>(
      t.db,
      sql`select id, state, resolution from signals
        where id = any(${sql.param([open.id, acted.id, onSolved.id, ended.id, theirs.id])}::uuid[])`,
    );
    expect(Object.fromEntries(states.map((r) => [r.id, [r.state, r.resolution]]))).toEqual({
      [open.id]: ['dismissed', 'the customer was erased'],
      [acted.id]: ['dismissed', 'the customer was erased'],
      [onSolved.id]: ['dismissed', 'the customer was erased'],
      [ended.id]: ['resolved', null],
      [theirs.id]: ['open', null],
    });
    const [action] = await rows<{ state: string; error: string }>(
      t.db,
      sql`select state, error from signal_actions where signal_id = ${open.id}`,
    );
    expect(action).toEqual({ state: 'skipped', error: 'the signal was dismissed first' });
    const events = await rows<{ entity_id: string; data: Record<string, unknown> }>(
      t.db,
      sql`select entity_id, data from domain_events where type = 'signal.dismissed'
        and entity_id = any(${sql.param([open.id, acted.id, onSolved.id, ended.id, theirs.id])}::uuid[])`,
    );
    expect(Object.fromEntries(events.map((e) => [e.entity_id, e.data]))).toEqual({
      [open.id]: {
        from: 'open',
        resolution: 'the customer was erased',
        skippedActions: 1,
        reason: 'customer_erased',
      },
      [acted.id]: {
        from: 'acted',
        resolution: 'the customer was erased',
        skippedActions: 0,
        reason: 'customer_erased',
      },
      [onSolved.id]: {
        from: 'open',
        resolution: 'the customer was erased',
        skippedActions: 0,
        reason: 'customer_erased',
      },
    });
  });

  it('asks for the customer’s exact name and changes nothing when it is wrong', async () => {
    const { customer, person } = await richCustomer();
    const res = await erase(customer.id, `${person.name.toUpperCase()}!`);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('confirmation_mismatch');
    expect(res.body.error.details[0].path).toBe('body.confirm');
    const still = await app.t.get(`/api/v1/customers/${customer.id}`, app.admin);
    expect(still.status).toBe(200);
    expect(still.body.email).toBe(person.email);
    expect(Object.keys(await tablesHolding(person.secret)).length).toBeGreaterThan(0);
    expect((await app.t.post(`/api/v1/customers/${customer.id}/erase`, {}, app.admin)).status).toBe(400);
  });

  it('is for admins only: agents and customers (even about themselves) are refused', async () => {
    const { customer, login, person } = await richCustomer();
    for (const token of [app.agent, login.token]) {
      expect((await app.t.get(`/api/v1/customers/${customer.id}/erasure`, token)).status).toBe(403);
      expect((await erase(customer.id, person.name, token)).status).toBe(403);
    }
    expect(
      (await app.t.post(`/api/v1/customers/${customer.id}/erase`, { confirm: person.name })).status,
    ).toBe(401);
    expect((await app.t.get(`/api/v1/customers/${customer.id}`, app.admin)).body.name).toBe(person.name);
  });

  it('refuses a customer merged into another, and an unknown one', async () => {
    const survivor = await makeCustomer(app.t.db, { name: `Sam Survivor ${unique()}` });
    const dup = await makeCustomer(app.t.db, { name: `Sam Dup ${unique()}` });
    expect(
      (await app.t.post(`/api/v1/customers/${dup.id}/merge`, { intoId: survivor.id }, app.agent)).status,
    ).toBe(200);
    const merged = await erase(dup.id, dup.name);
    expect(merged.status).toBe(409);
    expect(merged.body.error.code).toBe('merged');
    const unknown = await erase('01900000-0000-7000-8000-000000000000', 'Nobody');
    expect(unknown.status).toBe(404);
  });

  it('erases a customer deleted before', async () => {
    const { customer, person } = await richCustomer();
    expect((await app.t.del(`/api/v1/customers/${customer.id}`, app.admin)).status).toBe(204);
    const res = await erase(customer.id, person.name);
    expect(res.status).toBe(200);
    expect(await tablesHolding(person.email)).toEqual({});
  });

  it('keeps an erased customer deleted when the spam case that deleted them is restored', async () => {
    const { t } = app;
    const spammer = await makeCustomer(t.db, {
      name: `Spam Sender ${unique()}`,
      email: `spam-${unique()}@junk.example`,
    });
    const junk = await makeCase(t.db, spammer.id, { subject: 'Cheap watches' });
    const marked = await t.post(`/api/v1/cases/${junk.id}/spam`, {}, app.agent);
    expect(marked.status, JSON.stringify(marked.body)).toBe(200);
    expect((await erase(spammer.id, spammer.name)).status).toBe(200);
    // Marked as spam by mistake after all: the case comes back, its customer does not.
    expect((await t.post(`/api/v1/cases/${junk.id}/restore`, {}, app.admin)).status).toBe(204);
    const back = await t.get(`/api/v1/cases/${junk.id}`, app.agent);
    expect(back.status).toBe(200);
    expect(back.body.customer).toEqual({
      id: spammer.id,
      name: 'Erased customer',
      email: null,
      deletedAt: expect.any(String),
    });
    expect((await t.get(`/api/v1/customers/${spammer.id}`, app.admin)).status).toBe(404);
  });
});

describe('what arrives once they are erased', () => {
  it('their cases take no more messages (notes neither), nothing they write is kept, no case is opened for them', async () => {
    const { t } = app;
    const customer = await makeCustomer(t.db, { name: `Late Writer ${unique()}` });
    const open = await makeCase(t.db, customer.id, { subject: 'Still open' });
    const solved = await makeCase(t.db, customer.id, { subject: 'Solved, not closed' });
    expect((await t.patch(`/api/v1/cases/${solved.id}`, { status: 'solved' }, app.agent)).status).toBe(200);
    const other = await makeCase(t.db, (await makeCustomer(t.db)).id);
    expect((await erase(customer.id, customer.name)).status).toBe(200);

    for (const [id, body] of [
      [open.id, { body: 'A reply after all', public: true }],
      [solved.id, { body: 'They said on the phone: …', public: true, from: 'customer' }],
      [solved.id, { body: 'A note about them', public: false }],
    ] as const) {
      const res = await t.post(`/api/v1/cases/${id}/messages`, body, app.agent);
      expect(res.status, JSON.stringify(body)).toBe(409);
      expect(res.body.error.code).toBe('customer_erased');
    }
    const opened = await t.post(
      '/api/v1/cases',
      { subject: 'For them', customerId: customer.id, message: { body: 'Hello' } },
      app.agent,
    );
    expect(opened.status).toBe(422);
    expect(opened.body.error.message).toContain('body.customerId');
    // Their solved case did not reopen; someone else's case takes messages as before.
    expect((await t.get(`/api/v1/cases/${solved.id}`, app.agent)).body.status).toBe('solved');
    const [written] = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from messages where case_id in (${open.id}, ${solved.id}) and body <> '[erased]'`,
    );
    expect(written!.n).toBe(0);
    expect(
      (await t.post(`/api/v1/cases/${other.id}/messages`, { body: 'Fine', public: true }, app.agent)).status,
    ).toBe(201);
  });
});

describe('side conversations, rule actions and mail once they are erased', () => {
  it('a side conversation takes nothing more, its reply address leads nowhere, the third party’s answer is not kept', async () => {
    const { t } = app;
    const tag = unique();
    const customer = await makeCustomer(t.db, { name: `Sid Side ${tag}`, email: `sid-${tag}@erase.example` });
    const c = await makeCase(t.db, customer.id, { subject: 'Parcel', message: { body: 'Where is it?' } });
    const carrier = `carrier-${tag}@carrier.example`;
    const started = await t.post(
      `/api/v1/cases/${c.id}/side-conversations`,
      { to: [carrier], body: `About the parcel of ${customer.name}` },
      app.agent,
    );
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const side = started.body.id as string;
    const [before] = await rows<{ reply_token: string; message_id: string }>(
      t.db,
      sql`select s.reply_token, m.message_id from side_conversations s
        join mail_messages m on m.side_conversation_id = s.id and m.direction = 'out' where s.id = ${side}`,
    );
    expect((await erase(customer.id, customer.name)).status).toBe(200);

    const [after] = await rows<{ reply_token: string }>(
      t.db,
      sql`select reply_token from side_conversations where id = ${side}`,
    );
    expect(after!.reply_token).toBe(`erased:${side}`);
    // Staff can neither write in it nor start another.
    for (const res of [
      await t.post(`/api/v1/side-conversations/${side}/messages`, { body: 'Any news?' }, app.agent),
      await t.post(`/api/v1/cases/${c.id}/side-conversations`, { to: [carrier], body: 'Hello' }, app.agent),
    ]) {
      expect([res.status, res.body.error.code]).toEqual([409, 'customer_erased']);
    }
    // Closing it writes nothing of theirs: allowed.
    expect((await t.patch(`/api/v1/side-conversations/${side}`, { state: 'closed' }, app.agent)).status).toBe(
      200,
    );
    // The carrier answers our mail, to its old reply address: kept as ignored, without what it says.
    const answer = await receiveMail(
      t.db,
      plainMail({
        from: carrier,
        to: `support+${before!.reply_token}@steward.localhost`,
        subject: `Re: parcel of ${tag}`,
        body: `Delivered to ${tag} Lindenstraße`,
        headers: { 'In-Reply-To': `<${before!.message_id}>` },
      }),
    );
    expect(answer).toMatchObject({ status: 'ignored', caseId: c.id });
    expect(answer.reason).toContain('its case’s customer was erased');
    expect(await rows(t.db, sql`select id from messages where body like ${`%${tag}%`}`)).toEqual([]);
    const [kept] = await rows(
      t.db,
      sql`select status, subject, text_body, html_body, raw from mail_messages where id = ${answer.mailId!}`,
    );
    expect(kept).toEqual({ status: 'ignored', subject: '', text_body: null, html_body: null, raw: null });
  });

  it('their rule actions are skipped with the reason (no case, no reply, no mail), and once only', async () => {
    const { t } = app;
    const customer = await makeCustomer(t.db, {
      name: `Rae Rule ${unique()}`,
      email: `rae-${unique()}@erase.example`,
    });
    const c = await makeCase(t.db, customer.id, { channel: 'proactive', subject: 'Late order' });
    // Solved: the erasure leaves it (and the signal about it) as they are; a reply would reopen it.
    expect((await t.patch(`/api/v1/cases/${c.id}`, { status: 'solved' }, app.agent)).status).toBe(200);
    expect((await erase(customer.id, customer.name)).status).toBe(200);
    const signals = [
      await pendingAction(customer.id, 'open_case'),
      await pendingAction(customer.id, 'notify_customer', c.id),
    ];
    const mailsBefore = await rows(t.db, sql`select id from mail_messages where direction = 'out'`);
    // Batched, then one by one: the batch leaves them to the runner, which skips them.
    await runSignalActions(t.db);
    await runSignalActions(t.db, 50, { batch: false });
    const actions = await rows<{ state: string; result: unknown; error: string; attempts: number }>(
      t.db,
      sql`select state, result, error, attempts from signal_actions
        where signal_id = any(${sql.param(signals)}::uuid[])`,
    );
    expect(actions).toHaveLength(2);
    for (const a of actions) {
      expect(a).toMatchObject({ state: 'skipped', result: { skipped: 'customer_erased' }, attempts: 0 });
      expect(a.error).toContain('personal data was erased');
    }
    expect(
      await rows(t.db, sql`select id from cases where customer_id = ${customer.id} and id <> ${c.id}`),
    ).toEqual([]);
    expect((await t.get(`/api/v1/cases/${c.id}`, app.agent)).body.status).toBe('solved');
    expect(await rows(t.db, sql`select id from mail_messages where direction = 'out'`)).toEqual(mailsBefore);
  });

  it('mail from their old address comes through SMTP as from a new sender, attached to nothing erased', async () => {
    const { t } = app;
    const tag = unique();
    const address = `mo-${tag}@erase.example`;
    const customer = await makeCustomer(t.db, { name: `Mo Mail ${tag}`, email: address });
    const first = await receiveMail(
      t.db,
      plainMail({ from: `Mo Mail ${tag} <${address}>`, subject: 'First' }),
    );
    expect((await erase(customer.id, customer.name)).status).toBe(200);
    const [ours] = await rows<{ message_id: string }>(
      t.db,
      sql`select message_id from mail_messages where id = ${first.mailId!}`,
    );
    const { receiver, client, received } = await smtp();
    try {
      // They answer the old thread.
      const info = await client.sendMail({
        from: `Mo ${tag} <${address}>`,
        to: 'support@steward.localhost',
        subject: 'Re: First',
        text: `New address: ${tag} street`,
        inReplyTo: `<${ours!.message_id}>`,
      });
      expect(info.response).toMatch(/^250 /);
      const [now] = await rows<{ id: string; name: string }>(
        t.db,
        sql`select id, name from customers where lower(email) = ${address}`,
      );
      expect(now!.id).not.toBe(customer.id);
      const cases = await rows<{ id: string; customer_id: string }>(
        t.db,
        sql`select c.id, c.customer_id from cases c join messages m on m.case_id = c.id
          where m.body like ${`%${tag} street%`}`,
      );
      expect(cases).toEqual([{ id: expect.any(String), customer_id: now!.id }]);
      expect(cases[0]!.id).not.toBe(first.caseId);
      expect(received.at(-1)).toMatchObject({ status: 'processed', caseId: cases[0]!.id });
      // The erased customer's case took nothing.
      const onErased = await rows<{ body: string }>(
        t.db,
        sql`select body from messages where case_id = ${first.caseId!}`,
      );
      expect(onErased.map((m) => m.body)).toEqual(['[erased]']);
    } finally {
      await receiver.stop();
    }
  });
});

describe.runIf(usingPostgres())('a message arriving while they are erased (PostgreSQL)', () => {
  /** A second connection to the test database, outside the app's pool. */
  async function connect() {
    const client = new pg.Client({ connectionString: app.t.handle.url });
    await client.connect();
    return client;
  }
  /** Until `n` of the app's statements wait for a lock (a state, not a time: polled). */
  async function untilWaiting(monitor: pg.Client, n: number) {
    for (let i = 0; i < 500; i++) {
      const { rows: found } = await monitor.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`,
      );
      if (found[0]!.n >= n) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`fewer than ${n} statements ever waited for a lock`);
  }
  async function writer() {
    const tag = unique();
    const customer = await makeCustomer(app.t.db, {
      name: `Racing Rita ${tag}`,
      email: `rita-${tag}@race.example`,
    });
    const login = await makeUser(app.t.db, 'customer', { customerId: customer.id, email: customer.email! });
    const c = await makeCase(app.t.db, customer.id, { subject: 'Racing', message: { body: 'First' } });
    // Solved: the erasure leaves it as it is, and a message from them would open it again.
    expect((await app.t.patch(`/api/v1/cases/${c.id}`, { status: 'solved' }, app.agent)).status).toBe(200);
    const write = () =>
      app.t.post(`/api/v1/cases/${c.id}/messages`, { body: `Call me on ${tag}`, public: true }, login.token);
    const bodies = async () =>
      (
        await rows<{ body: string }>(
          app.t.db,
          sql`select body from messages where case_id = ${c.id} order by id`,
        )
      ).map((m) => m.body);
    return { customer, c, write, bodies, tag };
  }

  it('one that comes while the erasure runs waits for it and is refused', async () => {
    const { customer, c, write, bodies } = await writer();
    const [blocker, monitor] = [await connect(), await connect()];
    try {
      // Someone holds the case's row: the erasure, its customer locked, waits there.
      await blocker.query('begin');
      await blocker.query('select id from cases where id = $1 for update', [c.id]);
      const erasing = erase(customer.id, customer.name);
      await untilWaiting(monitor, 1);
      // The customer's message comes now: it waits for the erasure (not for the case's row).
      const writing = write();
      await untilWaiting(monitor, 2);
      await blocker.query('commit');
      const [erased, written] = await Promise.all([erasing, writing]);
      expect(erased.status, JSON.stringify(erased.body)).toBe(200);
      expect(written.status, JSON.stringify(written.body)).toBe(409);
      expect(written.body.error.code).toBe('customer_erased');
      expect(await bodies()).toEqual(['[erased]']);
      expect((await app.t.get(`/api/v1/cases/${c.id}`, app.agent)).body.status).toBe('solved');
    } finally {
      await blocker.end();
      await monitor.end();
    }
  });

  it('mail from their address while the erasure runs waits for it, then comes in as from a new sender (SMTP)', async () => {
    const tag = unique();
    const address = `ray-${tag}@race.example`;
    const customer = await makeCustomer(app.t.db, { name: `Ray Race ${tag}`, email: address });
    const c = await makeCase(app.t.db, customer.id, { subject: 'Racing', message: { body: 'First' } });
    const [blocker, monitor] = [await connect(), await connect()];
    const { receiver, client, received } = await smtp();
    try {
      await blocker.query('begin');
      await blocker.query('select id from cases where id = $1 for update', [c.id]);
      const erasing = erase(customer.id, customer.name);
      await untilWaiting(monitor, 1);
      // Their mail finds them by address, and waits for the erasure before it attaches to them.
      const sending = client.sendMail({
        from: `Ray <${address}>`,
        to: 'support@steward.localhost',
        subject: 'Meanwhile',
        text: `Sent meanwhile ${tag}`,
      });
      await untilWaiting(monitor, 2);
      await blocker.query('commit');
      const [erased, info] = await Promise.all([erasing, sending]);
      expect(erased.status, JSON.stringify(erased.body)).toBe(200);
      expect(info.response).toMatch(/^250 /);
      const [now] = await rows<{ id: string }>(
        app.t.db,
        sql`select id from customers where lower(email) = ${address}`,
      );
      expect(now!.id).not.toBe(customer.id);
      const cases = await rows<{ customer_id: string }>(
        app.t.db,
        sql`select c.customer_id from cases c join messages m on m.case_id = c.id
          where m.body = ${`Sent meanwhile ${tag}`}`,
      );
      expect(cases).toEqual([{ customer_id: now!.id }]);
      // Logged: processed, and why it came from a new sender. Nothing failed, nothing kept twice.
      expect(received.at(-1)).toMatchObject({ status: 'processed' });
      expect(received.at(-1)!.reason).toContain('was erased as this mail came in');
      const copies = await rows<{ status: string }>(
        app.t.db,
        sql`select status from mail_messages where direction = 'in' and text_body like ${`%meanwhile ${tag}%`}`,
      );
      expect(copies).toEqual([{ status: 'processed' }]);
      expect((await app.t.get(`/api/v1/cases/${c.id}`, app.agent)).body.status).toBe('closed');
    } finally {
      await receiver.stop();
      await blocker.end();
      await monitor.end();
    }
  });

  it('a rule action for them while the erasure runs waits for it, then is skipped', async () => {
    const customer = await makeCustomer(app.t.db, { name: `Ada Action ${unique()}` });
    const c = await makeCase(app.t.db, customer.id, { subject: 'Racing' });
    const signalId = await pendingAction(customer.id, 'open_case');
    const [blocker, monitor] = [await connect(), await connect()];
    try {
      await blocker.query('begin');
      await blocker.query('select id from cases where id = $1 for update', [c.id]);
      const erasing = erase(customer.id, customer.name);
      await untilWaiting(monitor, 1);
      // The batch does not wait for the erasure (it holds signals the erasure may want): it
      // leaves the action to the runner, which waits for it.
      const running = runSignalActions(app.t.db);
      await untilWaiting(monitor, 2);
      await blocker.query('commit');
      const [erased] = await Promise.all([erasing, running]);
      expect(erased.status, JSON.stringify(erased.body)).toBe(200);
      // The erasure took the signal first (no case handles it): dismissed, its action skipped with it.
      const [action] = await rows(
        app.t.db,
        sql`select a.state, a.error, s.state as signal from signal_actions a join signals s on s.id = a.signal_id
          where a.signal_id = ${signalId}`,
      );
      expect(action).toEqual({
        state: 'skipped',
        error: 'the signal was dismissed first',
        signal: 'dismissed',
      });
      expect(
        await rows(app.t.db, sql`select id from cases where customer_id = ${customer.id} and id <> ${c.id}`),
      ).toEqual([]);
    } finally {
      await blocker.end();
      await monitor.end();
    }
  });

  it('one that came first is in before the erasure reads anything, and is erased with the rest', async () => {
    const { customer, c, write, bodies, tag } = await writer();
    const [blocker, monitor] = [await connect(), await connect()];
    try {
      // The message has its share of the customer, and waits for the case's row.
      await blocker.query('begin');
      await blocker.query('select id from cases where id = $1 for update', [c.id]);
      const writing = write();
      await untilWaiting(monitor, 1);
      // The erasure waits for the message to be written.
      const erasing = erase(customer.id, customer.name);
      await untilWaiting(monitor, 2);
      await blocker.query('commit');
      const [written, erased] = await Promise.all([writing, erasing]);
      expect(written.status, JSON.stringify(written.body)).toBe(201);
      expect(erased.status, JSON.stringify(erased.body)).toBe(200);
      expect(await bodies()).toEqual(['[erased]', '[erased]']);
      expect(await rows(app.t.db, sql`select id from messages where body like ${`%${tag}%`}`)).toEqual([]);
      // The message opened the case again: the erasure, reading after it, closes it.
      expect((await app.t.get(`/api/v1/cases/${c.id}`, app.agent)).body.status).toBe('closed');
    } finally {
      await blocker.end();
      await monitor.end();
    }
  });
});
