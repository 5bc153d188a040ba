// The live stream (GET /api/v1/live): staff hear of every case, signal and their own new
// notifications within a moment; a customer hears only of what the portal shows them; a signed-out
// session's stream ends; bad callers are refused. On PostgreSQL: a change made through another
// node arrives, and a change committed late is not skipped.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../db/client.js';
import type { SseEvent } from '../../../shared/sse.js';
import type { LiveNews } from '../../../shared/schemas/live.js';
import { buildApp } from '../../app.js';
import { loadConfig } from '../../config.js';
import { openStream, startTestApp, type EventStream, type TestApp } from '../../../../test/helpers/app.js';
import { usingPostgres } from '../../../../test/helpers/db.js';
import { makeCustomer, makeUser, unique } from '../../../../test/helpers/factories.js';
import { makeRule, makeSignal } from '../../../../test/helpers/signal-factories.js';
import { deliverNotifications } from '../notifications/notifications.service.js';
import { SYSTEM_ACTOR, type Actor } from '../../lib/actor.js';
import { newId } from '../../../db/columns.js';
import { createLiveHub, LIVE_STREAMS_PER_TOKEN } from './live-hub.js';

let t: TestApp;
let admin: Awaited<ReturnType<typeof makeUser>>;
let ava: Awaited<ReturnType<typeof makeUser>>;
beforeAll(async () => {
  t = await startTestApp();
  admin = await makeUser(t.db, 'admin');
  ava = await makeUser(t.db, 'agent');
});
afterAll(() => t?.close());

type Stream = EventStream;

const news = (e: SseEvent) => (e.event === 'news' ? (JSON.parse(e.data) as LiveNews) : null);
/** Waits for news naming this case. */
const caseNews = (s: Stream, caseId: string) =>
  s.next((e) => news(e)?.cases.includes(caseId) ?? false).then((e) => news(e)!);

async function connect(token: string, base = t.url) {
  const s = await openStream(base, '/api/v1/live', token);
  expect(s.status).toBe(200);
  expect((await s.next()).event).toBe('ready');
  return s;
}

const newCase = async (customerId?: string) => {
  const customer = customerId ?? (await makeCustomer(t.db)).id;
  const res = await t.post(
    '/api/v1/cases',
    { subject: `Parcel ${unique()}`, customerId: customer },
    admin.token,
  );
  expect(res.status).toBe(201);
  return res.body as { id: string };
};

/** Customers of one new organization, each allowed to see it or not. */
async function orgCustomers(access: boolean[]) {
  const org = await t.post('/api/v1/organizations', { name: `Contoso ${unique()}` }, admin.token);
  expect(org.status).toBe(201);
  return Promise.all(
    access.map(async (organizationAccess) => {
      const c = await t.post(
        '/api/v1/customers',
        {
          name: `Cora ${unique()}`,
          email: `cora-${unique()}@example.com`,
          organizationId: org.body.id,
          organizationAccess,
        },
        admin.token,
      );
      expect(c.status).toBe(201);
      return c.body as { id: string };
    }),
  );
}

const streams: Stream[] = [];
const open = async (token: string) => {
  const s = await connect(token);
  streams.push(s);
  return s;
};
afterAll(() => streams.forEach((s) => s.close()));

describe('the live stream', () => {
  it('tells staff of a changed case within a moment, by id only', async () => {
    const s = await open(ava.token);
    const c = await newCase();
    expect((await t.patch(`/api/v1/cases/${c.id}`, { priority: 'high' }, admin.token)).status).toBe(200);
    const heard = await caseNews(s, c.id);
    expect(Object.keys(heard).sort()).toEqual([
      'allCases',
      'cases',
      'commitments',
      'notifications',
      'signals',
      'sources',
    ]);
    expect(heard.allCases).toBe(false);
    // A note is news for staff too.
    const note = await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: 'Called the depot', public: false },
      admin.token,
    );
    expect(note.status).toBe(201);
    expect((await caseNews(s, c.id)).cases).toContain(c.id);
  });

  it('tells each person of their own new notifications, not of others', async () => {
    const ben = await makeUser(t.db, 'agent');
    const avas = await open(ava.token);
    const bens = await open(ben.token);
    const c = await newCase();
    await deliverNotifications(t.db);
    expect((await t.patch(`/api/v1/cases/${c.id}`, { assigneeId: ava.user.id }, admin.token)).status).toBe(
      200,
    );
    // The notifications job (run here by hand) makes Ava's notification in its own transaction.
    await caseNews(bens, c.id);
    for (let i = 0; i < 3; i++) await deliverNotifications(t.db);
    const told = await avas.next((e) => news(e)?.notifications ?? false);
    expect(news(told)!.notifications).toBe(true);
    // Ben hears of the case, never of notifications.
    await new Promise((r) => setTimeout(r, 800));
    expect(bens.events.map(news).filter((n) => n?.notifications)).toEqual([]);
  });

  it('tells staff that signals changed', async () => {
    const s = await open(ava.token);
    const customer = await makeCustomer(t.db);
    const rule = await makeRule(t.db, { name: `Stuck ${unique()}` });
    const signal = await makeSignal(t.db, { ruleId: rule.id, customerId: customer.id, title: 'SH-9 stuck' });
    const res = await t.post(
      `/api/v1/signals/${signal.id}/dismiss`,
      { reason: 'carrier called' },
      admin.token,
    );
    expect(res.status).toBe(200);
    expect(news(await s.next((e) => news(e)?.signals ?? false))!.signals).toBe(true);
  });

  it("tells a customer of their own case's public changes only: not others' cases, not internal notes", async () => {
    const mine = await makeUser(t.db, 'customer');
    const other = await makeUser(t.db, 'customer');
    const s = await open(mine.token);
    const theirs = await newCase(other.user.customerId!);
    const own = await newCase(mine.user.customerId!);
    expect(
      (await t.post(`/api/v1/cases/${theirs.id}/messages`, { body: 'On its way', public: true }, admin.token))
        .status,
    ).toBe(201);
    // The creation of their own case is news to them.
    await caseNews(s, own.id);
    const heardSoFar = s.events.length;
    expect(
      (
        await t.post(
          `/api/v1/cases/${own.id}/messages`,
          { body: 'Customer sounds upset', public: false },
          admin.token,
        )
      ).status,
    ).toBe(201);
    // Four looks of the hub go by: an internal note is no news to the customer.
    await new Promise((r) => setTimeout(r, 1_200));
    expect(s.events.slice(heardSoFar).map((e) => e.event)).toEqual([]);
    expect(
      (await t.post(`/api/v1/cases/${own.id}/messages`, { body: 'We are on it', public: true }, admin.token))
        .status,
    ).toBe(201);
    await caseNews(s, own.id);
    const heard = s.events.map(news).filter((n): n is LiveNews => n !== null);
    expect(heard.flatMap((n) => n.cases).filter((id) => id !== own.id)).toEqual([]);
    expect(heard.some((n) => n.signals || n.commitments || n.sources || n.notifications || n.allCases)).toBe(
      false,
    );
  });

  it('tells a customer of their organization’s cases only when they may see them', async () => {
    const [colleague, lead, plain] = await orgCustomers([false, true, false]);
    const leadUser = await makeUser(t.db, 'customer', { customerId: lead!.id });
    const plainUser = await makeUser(t.db, 'customer', { customerId: plain!.id });
    const leads = await open(leadUser.token);
    const plains = await open(plainUser.token);
    const c = await newCase(colleague!.id);
    await caseNews(leads, c.id);
    await new Promise((r) => setTimeout(r, 800));
    expect(plains.events.map(news).filter((n) => n?.cases.includes(c.id))).toEqual([]);
  });

  it('ends a customer’s stream when their rights change; connected again, they hear as the new ones allow', async () => {
    const [colleague, lead] = await orgCustomers([false, true]);
    const leadUser = await makeUser(t.db, 'customer', { customerId: lead!.id });
    const before = await open(leadUser.token);
    await caseNews(before, (await newCase(colleague!.id)).id);
    // Nothing changed: the check leaves the stream alone.
    await t.app.liveHub.checkSessions();
    // The organization is taken from them.
    // The stream ends with the window that carries the change (not at the next 30 s check), so
    // a colleague's case changed right after is never news to it.
    const res = await t.patch(`/api/v1/customers/${lead!.id}`, { organizationAccess: false }, admin.token);
    expect(res.status).toBe(200);
    const after1 = await newCase(colleague!.id);
    const end = await before.next((e) => e.event === 'end');
    expect(JSON.parse(end.data)).toEqual({ reason: 'rights_changed' });
    expect(before.events.map(news).filter((n) => n?.cases.includes(after1.id))).toEqual([]);
    const after = await open(leadUser.token);
    const hidden = await newCase(colleague!.id);
    const mine = await newCase(lead!.id);
    await caseNews(after, mine.id);
    expect(after.events.map(news).filter((n) => n?.cases.includes(hidden.id))).toEqual([]);
    // Their customer record deleted: signed out.
    expect((await t.del(`/api/v1/customers/${lead!.id}`, admin.token)).status).toBeLessThan(300);
    const gone = await after.next((e) => e.event === 'end');
    expect(JSON.parse(gone.data)).toEqual({ reason: 'signed_out' });
  });

  it('ends the stream of a session that signs out', async () => {
    const me = await makeUser(t.db, 'agent');
    const s = await connect(me.token);
    expect((await t.post('/api/v1/auth/logout', {}, me.token)).status).toBeLessThan(300);
    await t.app.liveHub.checkSessions();
    const end = await s.next((e) => e.event === 'end');
    expect(JSON.parse(end.data)).toEqual({ reason: 'signed_out' });
    await expect.poll(() => s.ended()).toBe(true);
  });

  it('refuses callers without a valid token, and more than its share of streams per token', async () => {
    const none = await t.openStream('/api/v1/live');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    const bad = await t.openStream('/api/v1/live', 'stw_nonsense');
    expect(bad.status).toBe(401);

    const me = await makeUser(t.db, 'agent');
    const mine: Stream[] = [];
    try {
      for (let i = 0; i < LIVE_STREAMS_PER_TOKEN; i++) mine.push(await connect(me.token));
      const extra = await t.openStream('/api/v1/live', me.token);
      expect(extra.status).toBe(429);
      expect(extra.body).toMatchObject({ error: { code: 'too_many_streams' } });
      // Another token of the same user is another tab's.
      const again = await makeUser(t.db, 'agent');
      const s = await connect(again.token);
      s.close();
    } finally {
      mine.forEach((s) => s.close());
    }
    // Closed streams free their places.
    await expect.poll(async () => (await t.openStream('/api/v1/live', me.token)).status).toBe(200);
  });
});

describe('a hub on its own', () => {
  it('two streams of one token opened at the same moment cannot both take the last place', async () => {
    // A hub of its own is idle, so its first opens wait for the horizon together: the moment when
    // counting before that wait let every one of them in.
    const hub = createLiveHub(t.db, { error: () => undefined });
    const actor: Actor = {
      ...SYSTEM_ACTOR,
      kind: 'user',
      userId: ava.user.id,
      role: 'agent',
      tokenId: newId(),
    };
    // The opens start together, once every request is in: each runs up to its first wait.
    const waiting: ServerResponse[] = [];
    const n = LIVE_STREAMS_PER_TOKEN + 3;
    const server = createServer((_req, res) => {
      waiting.push(res);
      if (waiting.length < n) return;
      for (const out of waiting)
        void hub
          .open(actor, out, () => out.writeHead(200, { 'content-type': 'text/event-stream' }))
          .then((stream) => {
            if (!stream) out.writeHead(429).end();
          });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const stop = new AbortController();
    try {
      const answers = await Promise.all(Array.from({ length: n }, () => fetch(url, { signal: stop.signal })));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(LIVE_STREAMS_PER_TOKEN);
      expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    } finally {
      stop.abort();
      hub.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe.runIf(usingPostgres())('the live stream on several nodes', () => {
  it('a change made through one node reaches those connected to another; stopping ends its streams', async () => {
    const node = await openDatabase({ kind: 'postgres', url: t.handle.url!, poolSize: 2 });
    const config = loadConfig({}, { port: 0, host: '127.0.0.1', publicUrl: t.url });
    const other = await buildApp({ db: node.db, databaseKind: 'postgres', config });
    let closed = false;
    try {
      await other.listen({ port: 0, host: '127.0.0.1' });
      const address = other.server.address();
      const there = await connect(
        ava.token,
        `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
      );
      // A stream on the other node, a change through this one.
      const c = await newCase();
      expect((await t.patch(`/api/v1/cases/${c.id}`, { priority: 'urgent' }, admin.token)).status).toBe(200);
      await caseNews(there, c.id);
      await other.close();
      closed = true;
      const end = await there.next((e) => e.event === 'end');
      expect(JSON.parse(end.data)).toEqual({ reason: 'server_stopping' });
    } finally {
      if (!closed) await other.close();
      await node.close();
    }
  });

  it('a change committed after later ones is not skipped', async () => {
    const s = await open(ava.token);
    const early = await newCase();
    const late = await newCase();
    await caseNews(s, late.id);
    const node = await openDatabase({ kind: 'postgres', url: t.handle.url!, poolSize: 2 });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const inTx = new Promise<void>((r) => (started = r));
    const slow = node.db.transaction(async (tx) => {
      await tx.execute(sql`update cases set priority = 'high' where id = ${early.id}`);
      await tx.execute(sql`insert into domain_events (id, type, entity_type, entity_id, actor_kind, data)
        values (gen_random_uuid(), 'case.updated', 'case', ${early.id}, 'system', '{}')`);
      started();
      await held;
    });
    try {
      await inTx;
      const mark = s.events.length;
      expect((await t.patch(`/api/v1/cases/${late.id}`, { priority: 'high' }, admin.token)).status).toBe(200);
      // The late change waits behind the open transaction...
      await new Promise((r) => setTimeout(r, 1_000));
      expect(
        s.events
          .slice(mark)
          .map(news)
          .filter((n) => n?.cases.includes(late.id)),
      ).toEqual([]);
      release();
      await slow;
      // ...and both arrive once it ends, together.
      expect((await caseNews(s, early.id)).cases).toContain(late.id);
    } finally {
      release();
      await slow.catch(() => undefined);
      await node.close();
    }
  });
});
