import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { usingPostgres } from '../../../../test/helpers/db.js';
import {
  makeCustomer,
  makeOrganization,
  makeUser,
  minutesAgo,
  unique,
} from '../../../../test/helpers/factories.js';
import { EVENT_LIMITS } from '../../../shared/schemas/events.js';
import { signWebhook } from './webhook-signature.js';

let t: TestApp;
let admin: string;
let agent: string;
let customerToken: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = (await makeUser(t.db, 'agent')).token;
  customerToken = (await makeUser(t.db, 'customer')).token;
});
afterAll(() => t?.close());

interface Source {
  key: string;
  token: string;
  webhookSecret: string;
}

async function makeSource(overrides: Record<string, unknown> = {}): Promise<Source> {
  const res = await t.post(
    '/api/v1/event-sources',
    { key: `src-${unique()}`, name: 'ERP', ...overrides },
    admin,
  );
  expect(res.status).toBe(201);
  return res.body;
}

const ev = (overrides: Record<string, unknown> = {}): Record<string, any> & { id: string } => ({
  id: `e-${unique()}`,
  type: 'shipment.scanned',
  occurredAt: minutesAgo(5),
  ...overrides,
});

const send = (body: unknown, token: string, query = '') => t.post(`/api/v1/events${query}`, body, token);

/** Every stored event of a source, through the API; in the order of `events` when given. */
async function storedOf(source: string, events?: { id: string }[]) {
  const res = await t.get(`/api/v1/events?source=${source}&limit=500&sort=occurredAt`, agent);
  expect(res.status).toBe(200);
  const items = res.body.items as any[];
  if (!events) return items;
  const byId = new Map(items.map((e) => [e.eventId, e]));
  return events.map((e) => byId.get(e.id));
}

const countEvents = async (source: string) =>
  (
    await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from events e join event_sources s on s.id = e.source_id where s.key = ${source}`,
    )
  )[0]!.n;

describe('ingest', () => {
  it('accepts a single event and stores it with its refs, data and customer', async () => {
    const src = await makeSource();
    const customer = await makeCustomer(t.db, { externalId: `C-${unique()}` });
    const event = ev({
      customer: { externalId: customer.externalId },
      refs: { orderId: 'SO-1', shipmentId: 'SH-7' },
      data: { location: 'Leipzig hub', weightKg: 2.5, nested: { ok: true } },
    });
    const res = await send(event, src.token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accepted: 1,
      duplicate: 0,
      rejected: 0,
      customersCreated: 0,
      warned: 0,
      signalsOpened: 0,
      results: [{ index: 0, id: event.id, status: 'accepted' }],
    });
    const [stored] = await storedOf(src.key);
    expect(stored).toMatchObject({
      eventId: event.id,
      source: src.key,
      type: 'shipment.scanned',
      occurredAt: event.occurredAt,
      customerId: customer.id,
      organizationId: null,
      refs: event.refs,
      data: event.data,
      warnings: [],
    });
    expect(Date.parse(stored.receivedAt)).toBeGreaterThan(Date.parse(event.occurredAt));
    const one = await t.get(`/api/v1/events/${stored.id}`, agent);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(stored);
  });

  it('accepts a batch, and events without customer or refs', async () => {
    const src = await makeSource();
    const batch = [
      ev(),
      ev({ type: 'order.created' }),
      ev({ type: 'invoice.issued', refs: { invoiceId: 'I-1' } }),
    ];
    const res = await send({ events: batch }, src.token);
    expect(res.body).toMatchObject({ accepted: 3, duplicate: 0, rejected: 0 });
    expect(res.body.results.map((r: any) => [r.index, r.id, r.status])).toEqual(
      batch.map((e, i) => [i, e.id, 'accepted']),
    );
    const stored = await storedOf(src.key);
    expect(stored.map((e) => e.eventId).sort()).toEqual(batch.map((e) => e.id).sort());
    expect(stored.find((e) => e.type === 'order.created')).toMatchObject({
      customerId: null,
      refs: {},
      data: {},
    });
  });

  it('keeps refs and data exactly as sent: quotes, backslashes, any script, nesting, numbers', async () => {
    const src = await makeSource();
    const data = {
      note: 'He said "late" \\ and left\n\ttwo lines',
      braces: '{a,b} "c" NULL',
      script: 'Zoë · 東京 · ✓ · 😀',
      nested: { list: [1, 2.5, -3e-7, true, false, null, 'x'], deep: { a: { b: [] } }, empty: {} },
      big: 12345678901234,
    };
    const refs = { orderId: 'SO-"7"\\\\1', shipmentId: '{SH, 8}' };
    const sent = [ev({ data, refs }), ev({ refs: { orderId: 'NULL' }, data: {} })];
    const res = await send({ events: sent }, src.token);
    expect(res.body.accepted).toBe(2);
    const [first, second] = await storedOf(src.key, sent);
    expect(first.data).toEqual(data);
    expect(first.refs).toEqual(refs);
    expect(second.refs).toEqual({ orderId: 'NULL' });
    expect(second.data).toEqual({});
  });

  it('reports a repeated id as duplicate across calls and changes nothing', async () => {
    const src = await makeSource();
    const first = ev({ data: { v: 1 } });
    expect((await send(first, src.token)).body.accepted).toBe(1);
    const again = await send({ events: [{ ...first, data: { v: 2 } }, ev()] }, src.token);
    expect(again.body).toMatchObject({ accepted: 1, duplicate: 1, rejected: 0 });
    // Other content under the same id: still a duplicate, and the answer says the first is kept.
    expect(again.body.results[0]).toEqual({
      index: 0,
      id: first.id,
      status: 'duplicate',
      reason: 'already received, with other content: the first is kept (send a correction with a new id)',
    });
    // The same content again, its keys in another order: plainly a duplicate.
    const same = Object.fromEntries(Object.entries(first).reverse());
    expect((await send(same, src.token)).body.results[0]).toEqual({
      index: 0,
      id: first.id,
      status: 'duplicate',
      reason: 'already received',
    });
    expect(await countEvents(src.key)).toBe(2);
    const stored = await storedOf(src.key);
    expect(stored.find((e) => e.eventId === first.id).data).toEqual({ v: 1 });
  });

  it('reports a resent event as duplicate even when it would now be refused, and creates nothing for it', async () => {
    const src = await makeSource({ createUnknownCustomers: false });
    const known = await makeCustomer(t.db);
    const first = ev({ customer: { id: known.id } });
    expect((await send(first, src.token)).body.accepted).toBe(1);
    // The customer is deleted since: the event would be refused now, but it was received before.
    expect((await t.del(`/api/v1/customers/${known.id}`, admin)).status).toBe(204);
    const again = await send({ events: [first, ev({ customer: { id: known.id } })] }, src.token);
    expect(again.body).toMatchObject({ accepted: 0, duplicate: 1, rejected: 1 });
    expect(again.body.results[0]).toEqual({
      index: 0,
      id: first.id,
      status: 'duplicate',
      reason: 'already received',
    });
    expect(again.body.results[1].status).toBe('rejected');

    // A source that creates customers: a resent event whose customer is unknown now creates none.
    const open = await makeSource();
    const email = `resent-${unique()}@example.com`;
    const created = ev({ customer: { email } });
    expect((await send(created, open.token)).body).toMatchObject({ accepted: 1, customersCreated: 1 });
    const [customer] = await rows<{ id: string }>(t.db, sql`select id from customers where email = ${email}`);
    expect((await t.del(`/api/v1/customers/${customer!.id}`, admin)).status).toBe(204);
    const resent = await send(created, open.token);
    expect(resent.body).toMatchObject({ accepted: 0, duplicate: 1, customersCreated: 0 });
    const [n] = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from customers where email = ${email}`,
    );
    expect(n!.n).toBe(1);
  });

  it('reports a repeated id within one batch as duplicate of the first', async () => {
    const src = await makeSource();
    const a = ev({ data: { v: 'first' } });
    const res = await send({ events: [a, ev(), { ...a, data: { v: 'second' } }] }, src.token);
    expect(res.body).toMatchObject({ accepted: 2, duplicate: 1 });
    expect(res.body.results[2]).toEqual({
      index: 2,
      id: a.id,
      status: 'duplicate',
      reason: 'repeats events[0], with other content: the first is kept (send a correction with a new id)',
    });
    const stored = await storedOf(src.key);
    expect(stored).toHaveLength(2);
    expect(stored.find((e) => e.eventId === a.id).data).toEqual({ v: 'first' });
    // The same event twice: plainly a repeat.
    const exact = ev();
    const twice = await send({ events: [exact, exact] }, src.token);
    expect(twice.body.results[1]).toEqual({
      index: 1,
      id: exact.id,
      status: 'duplicate',
      reason: 'repeats events[0]',
    });
  });

  it('the same id from two sources is two events', async () => {
    const [s1, s2] = [await makeSource(), await makeSource()];
    const e = ev();
    expect((await send(e, s1.token)).body.accepted).toBe(1);
    expect((await send(e, s2.token)).body.accepted).toBe(1);
  });

  it('rejects invalid events one by one and accepts the rest', async () => {
    const src = await makeSource();
    const good = [ev(), ev(), ev()];
    const bad: [unknown, RegExp][] = [
      [ev({ type: 'Shipment Scanned' }), /^type: /],
      [ev({ type: 'shipment' }), /^type: /],
      [{ id: 'no-time', type: 'order.created' }, /^occurredAt: /],
      // Said once, in words: a time in another zone, or no time at all (not also "in the future").
      [
        ev({ occurredAt: '2026-11-23T09:00:00+01:00' }),
        /^occurredAt: must be an ISO 8601 time in UTC, ending in Z, e\.g\. 2026-11-23T09:00:00\.000Z$/,
      ],
      [
        ev({ occurredAt: 'yesterday' }),
        /^occurredAt: must be an ISO 8601 time in UTC, ending in Z, e\.g\. 2026-11-23T09:00:00\.000Z$/,
      ],
      [ev({ occurredAt: '0000-01-01T00:00:00.000Z' }), /^occurredAt: there is no year 0000/],
      [
        ev({ occurredAt: new Date(Date.now() + 3_600_000).toISOString() }),
        /^occurredAt: must not be in the future/,
      ],
      [ev({ data: { blob: 'x'.repeat(EVENT_LIMITS.dataBytes) } }), /^data: must be at most 32768 bytes/],
      [ev({ data: { text: 'nul\u0000here' } }), /^data: must not contain NUL/],
      // Text PostgreSQL cannot store, outside data too: this event only, not the batch.
      [ev({ id: 'nul\u0000id' }), /^id: must not contain NUL characters or unpaired surrogates$/],
      [ev({ refs: { orderId: 'SO-\ud800' } }), /^refs\.orderId: must not contain NUL/],
      [ev({ customer: { externalId: 'C\ud800' } }), /^customer\.externalId: must not contain NUL/],
      [ev({ data: [1, 2] }), /^data: /],
      [ev({ refs: { orderId: 42 } }), /^refs\.orderId: /],
      [ev({ customer: { email: 'not-mail' } }), /^customer\.email: /],
      [ev({ customer: {} }), /^customer: give id, externalId or email/],
      [ev({ organization: { externalId: 'X' } }), /^organization: give id or domain/],
      [ev({ color: 'red' }), /^event: /],
      [ev({ id: '' }), /^id: /],
      ['just a string', /^event: /],
      [null, /^event: /],
    ];
    const events = [good[0], ...bad.map(([e]) => e), good[1], good[2]];
    const res = await send({ events }, src.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 3, duplicate: 0, rejected: bad.length });
    bad.forEach(([e, reason], i) => {
      const r = res.body.results[i + 1];
      expect(r.status, JSON.stringify(e)).toBe('rejected');
      expect(r.reason, JSON.stringify(e)).toMatch(reason);
      expect(r.id).toBe(typeof (e as any)?.id === 'string' ? (e as any).id : null);
    });
    expect((await storedOf(src.key)).map((e) => e.eventId).sort()).toEqual(good.map((e) => e.id).sort());
  });

  it('a rejected id can be sent again, fixed', async () => {
    const src = await makeSource();
    const e = ev({ type: 'BAD' });
    expect((await send(e, src.token)).body.rejected).toBe(1);
    expect((await send({ ...e, type: 'order.created' }, src.token)).body.accepted).toBe(1);
  });

  it('takes 1,000 events in one call and refuses 1,001 (400)', async () => {
    const src = await makeSource();
    const customer = await makeCustomer(t.db);
    const events = Array.from({ length: EVENT_LIMITS.batch }, (_, i) =>
      ev({ id: `bulk-${i}`, customer: { id: customer.id }, refs: { orderId: `SO-${i % 10}` } }),
    );
    const res = await send({ events }, src.token);
    expect(res.body).toMatchObject({ accepted: 1000, rejected: 0, duplicate: 0 });
    expect(await countEvents(src.key)).toBe(1000);
    const tooMany = await send({ events: [...events, ev()] }, src.token);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: 'validation_error' });
    expect(tooMany.body.error.message).toMatch(/^body\.events: at most 1000/);
  });

  it('judges each of 1,000 events in its place (validation runs in slices of 100)', async () => {
    const src = await makeSource();
    const bad = [0, 99, 100, 101, 555, 999];
    const events = Array.from({ length: EVENT_LIMITS.batch }, (_, i) =>
      bad.includes(i) ? ev({ id: `slice-${i}`, type: 'Not A Type' }) : ev({ id: `slice-${i}` }),
    );
    const res = await send({ events }, src.token);
    expect(res.body).toMatchObject({ accepted: 994, rejected: 6, duplicate: 0 });
    const rejected = (res.body.results as { index: number; id: string; status: string }[]).filter(
      (r) => r.status === 'rejected',
    );
    expect(rejected.map((r) => [r.index, r.id])).toEqual(bad.map((i) => [i, `slice-${i}`]));
    expect(res.body.results.map((r: { index: number }) => r.index)).toEqual([...Array(1000).keys()]);
  });

  it.each([
    [{ events: [] }, 'body.events'],
    [{ events: 'x' }, 'body.events'],
    [{ events: [{}], extra: 1 }, 'body'],
    [[{ id: 'a' }], 'body'],
  ])('refuses the envelope %j (400 naming %s)', async (body, path) => {
    const src = await makeSource();
    const res = await send(body, src.token);
    expect(res.status).toBe(400);
    expect(res.body.error.message.startsWith(path)).toBe(true);
  });

  it('a list of events without the envelope: 400 "must be an object", in words', async () => {
    const src = await makeSource();
    const res = await send([ev()], src.token);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_error', message: 'body: must be an object' });
  });

  it('refuses a body that is not JSON (400 invalid_json)', async () => {
    const src = await makeSource();
    const res = await t.request('POST', '/api/v1/events', { raw: '{"id": ', token: src.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
  });
});

describe('customers and organizations', () => {
  it('matches customers by id, externalId and e-mail (case-insensitive)', async () => {
    const src = await makeSource();
    const c = await makeCustomer(t.db, { externalId: `C-${unique()}` });
    const events = [
      ev({ customer: { id: c.id } }),
      ev({ customer: { externalId: c.externalId } }),
      ev({ customer: { email: c.email!.toUpperCase() } }),
      ev({ customer: { externalId: 'unknown-but-email-known', email: c.email } }),
    ];
    const res = await send({ events }, src.token);
    expect(res.body).toMatchObject({ accepted: 4, customersCreated: 0 });
    expect((await storedOf(src.key, events)).map((e) => e.customerId)).toEqual([c.id, c.id, c.id, c.id]);
  });

  it('creates an unknown customer once per batch, named from data.customerName or the e-mail', async () => {
    const src = await makeSource();
    const email = `new-${unique()}@example.com`;
    const externalId = `N-${unique()}`;
    const other = `other-${unique()}@example.com`;
    const events = [
      ev({ customer: { externalId, email }, data: { customerName: 'Nora New' } }),
      ev({ customer: { email: email.toUpperCase() } }),
      ev({ customer: { externalId } }),
      ev({ customer: { email: other } }),
    ];
    const res = await send({ events }, src.token);
    expect(res.body).toMatchObject({ accepted: 4, rejected: 0, customersCreated: 2 });
    const stored = await storedOf(src.key, events);
    const ids = stored.map((e) => e.customerId);
    expect(new Set(ids.slice(0, 3)).size).toBe(1);
    expect(ids[3]).not.toBe(ids[0]);
    const nora = await t.get(`/api/v1/customers/${ids[0]}`, agent);
    expect(nora.body).toMatchObject({ name: 'Nora New', email, externalId });
    const otherCustomer = await t.get(`/api/v1/customers/${ids[3]}`, agent);
    expect(otherCustomer.body).toMatchObject({ name: other, email: other, externalId: null });
    const history = await t.get(`/api/v1/customers/${ids[0]}/history`, agent);
    expect(history.body.items[0]).toMatchObject({
      type: 'customer.created',
      actorKind: 'system',
      data: { source: 'events', eventSource: src.key },
    });
    // The next batch finds them.
    const next = await send(ev({ customer: { email } }), src.token);
    expect(next.body).toMatchObject({ accepted: 1, customersCreated: 0 });
  });

  it('a new customer whose address lies in an organization’s domain joins it, as by mail', async () => {
    const src = await makeSource();
    const tag = unique();
    const acme = await makeOrganization(t.db, { name: `Acme ${tag}`, domains: [`acme-${tag}.example`] });
    const eu = await makeOrganization(t.db, { name: `Acme EU ${tag}`, domains: [`eu.acme-${tag}.example`] });
    const named = await makeOrganization(t.db, { name: `Named ${tag}` });
    const events = [
      ev({ customer: { email: `ann@acme-${tag}.example` } }),
      // The most specific domain wins.
      ev({ customer: { email: `eve@lyon.eu.acme-${tag}.example` } }),
      // An organization named by the event wins over the address.
      ev({ customer: { email: `ned@acme-${tag}.example` }, organization: { id: named.id } }),
      ev({ customer: { email: `zoe@elsewhere-${tag}.example` } }),
    ];
    const res = await send({ events }, src.token);
    expect(res.body).toMatchObject({ accepted: 4, customersCreated: 4 });
    const stored = await storedOf(src.key, events);
    expect(stored.map((e) => e.organizationId)).toEqual([acme.id, eu.id, named.id, null]);
    const orgOf = async (id: string) => (await t.get(`/api/v1/customers/${id}`, agent)).body.organizationId;
    expect(await Promise.all(stored.map((e) => orgOf(e.customerId)))).toEqual([
      acme.id,
      eu.id,
      named.id,
      null,
    ]);
  });

  it('rejects unknown customers when the source does not create them, and writes nothing', async () => {
    const src = await makeSource({ createUnknownCustomers: false });
    const known = await makeCustomer(t.db);
    const email = `nobody-${unique()}@example.com`;
    const res = await send(
      { events: [ev({ customer: { email } }), ev({ customer: { id: known.id } })] },
      src.token,
    );
    expect(res.body).toMatchObject({ accepted: 1, rejected: 1, customersCreated: 0 });
    expect(res.body.results[0].reason).toMatch(/does not create unknown customers/);
    const found = await t.get(`/api/v1/customers?email=${encodeURIComponent(email)}`, agent);
    expect(found.body.items).toHaveLength(0);
  });

  it('rejects an unknown customer id that cannot be created', async () => {
    const src = await makeSource();
    const res = await send(ev({ customer: { id: '01900000-0000-7000-8000-000000000000' } }), src.token);
    expect(res.body).toMatchObject({ rejected: 1 });
    expect(res.body.results[0].reason).toMatch(/no customer with this id/);
  });

  it('resolves organizations by id or domain, else from the customer; unknown ones are rejected', async () => {
    const src = await makeSource();
    const org = await makeOrganization(t.db);
    const org2 = await makeOrganization(t.db);
    const member = await makeCustomer(t.db, { organizationId: org2.id });
    const newEmail = `fresh-${unique()}@example.com`;
    const events = [
      ev({ organization: { id: org.id } }),
      ev({ organization: { domain: org.domains[0]!.toUpperCase() } }),
      ev({ customer: { id: member.id } }),
      ev({ customer: { id: member.id }, organization: { id: org.id } }),
      ev({ customer: { email: newEmail }, organization: { domain: org.domains[0] } }),
      ev({ organization: { domain: 'no-such-org.example' } }),
    ];
    const res = await send({ events }, src.token);
    expect(res.body).toMatchObject({ accepted: 5, rejected: 1, customersCreated: 1 });
    expect(res.body.results[5].reason).toMatch(/^organization: no such organization/);
    const stored = await storedOf(src.key, events.slice(0, 5));
    expect(stored.map((e) => e.organizationId)).toEqual([org.id, org.id, org2.id, org.id, org.id]);
    const created = await t.get(`/api/v1/customers/${stored[4].customerId}`, agent);
    expect(created.body.organizationId).toBe(org.id);
  });
});

describe('who may send', () => {
  it('refuses no token, a wrong token and a user token of a customer', async () => {
    expect((await send(ev(), '')).status).toBe(401);
    const wrong = await send(ev(), `stw_src_${'x'.repeat(43)}`);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_token');
    expect((await send(ev(), 'stw_garbage')).status).toBe(401);
    const src = await makeSource();
    const asCustomer = await send(ev(), customerToken, `?source=${src.key}`);
    expect(asCustomer.status).toBe(403);
  });

  it('staff send with ?source=, which they must give; an unknown source is 422', async () => {
    const src = await makeSource();
    const missing = await send(ev(), agent);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/^query\.source: /);
    expect((await send(ev(), agent, `?source=${src.key}`)).body.accepted).toBe(1);
    expect((await send(ev(), admin, `?source=${src.key}`)).body.accepted).toBe(1);
    expect((await send(ev(), agent, '?source=no-such-source')).status).toBe(422);
    expect(await countEvents(src.key)).toBe(2);
  });

  it('a source token may not send as another source', async () => {
    const [a, b] = [await makeSource(), await makeSource()];
    expect((await send(ev(), a.token, `?source=${a.key}`)).status).toBe(200);
    expect((await send(ev(), a.token, `?source=${b.key}`)).status).toBe(403);
  });

  it('an inactive source is refused (403) until reactivated; a deleted one is gone (401)', async () => {
    const src = await makeSource();
    await t.patch(`/api/v1/event-sources/${src.key}`, { active: false }, admin);
    const inactive = await send(ev(), src.token);
    expect(inactive.status).toBe(403);
    expect(inactive.body.error.code).toBe('source_inactive');
    expect((await send(ev(), agent, `?source=${src.key}`)).status).toBe(403);
    await t.patch(`/api/v1/event-sources/${src.key}`, { active: true }, admin);
    expect((await send(ev(), src.token)).status).toBe(200);
    expect((await t.del(`/api/v1/event-sources/${src.key}`, admin)).status).toBe(204);
    expect((await send(ev(), src.token)).status).toBe(401);
    expect((await send(ev(), agent, `?source=${src.key}`)).status).toBe(422);
  });
});

describe('webhooks', () => {
  const post = (key: string, raw: string, headers: Record<string, string>) =>
    t.request('POST', `/api/v1/webhooks/${key}`, { raw, headers });
  const signed = (secret: string, raw: string, at = Math.floor(Date.now() / 1000)) => ({
    'x-steward-timestamp': String(at),
    'x-steward-signature': signWebhook(secret, at, raw),
  });

  it('accepts a validly signed body, exactly as sent', async () => {
    const src = await makeSource();
    // Odd spacing and non-ASCII: the signature covers the bytes, not a re-serialization.
    const raw = `{ "events": [ ${JSON.stringify(ev({ data: { city: 'Zürich' } }))} ,\n ${JSON.stringify(ev())} ] }`;
    const res = await post(src.key, raw, signed(src.webhookSecret, raw));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 2 });
    expect((await storedOf(src.key)).some((e) => e.data.city === 'Zürich')).toBe(true);
  });

  it('judges text PostgreSQL cannot store event by event, as POST /events does', async () => {
    const src = await makeSource();
    const good = ev();
    const raw = JSON.stringify({ events: [ev({ refs: { orderId: 'a\udc00' } }), good] });
    const res = await post(src.key, raw, signed(src.webhookSecret, raw));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(res.body.results[0].reason).toBe(
      'refs.orderId: must not contain NUL characters or unpaired surrogates',
    );
    expect((await storedOf(src.key)).map((e) => e.eventId)).toEqual([good.id]);
  });

  it('is idempotent like POST /events', async () => {
    const src = await makeSource();
    const raw = JSON.stringify(ev());
    expect((await post(src.key, raw, signed(src.webhookSecret, raw))).body.accepted).toBe(1);
    expect((await post(src.key, raw, signed(src.webhookSecret, raw))).body.duplicate).toBe(1);
  });

  it('refuses (401) a tampered body, a wrong secret, an old or future timestamp, no signature', async () => {
    const src = await makeSource();
    const raw = JSON.stringify(ev());
    const tampered = await post(src.key, raw.replace('shipment', 'shipmenx'), signed(src.webhookSecret, raw));
    expect([tampered.status, tampered.body.error.code]).toEqual([401, 'signature_invalid']);
    const wrong = await post(src.key, raw, signed('whsec_wrong', raw));
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'signature_invalid']);
    // Half a minute beyond the 300 s allowed either way: on a slow machine the server's clock
    // moves on between here and its check (at 301 s, a second of delay let a future one through).
    const now = Math.floor(Date.now() / 1000);
    for (const at of [now - 330, now + 330]) {
      const old = await post(src.key, raw, signed(src.webhookSecret, raw, at));
      expect([old.status, old.body.error.code]).toEqual([401, 'timestamp_out_of_range']);
    }
    const unsigned = await post(src.key, raw, {});
    expect([unsigned.status, unsigned.body.error.code]).toEqual([401, 'signature_required']);
    const noTime = await post(src.key, raw, {
      'x-steward-signature': signWebhook(src.webhookSecret, now, raw),
    });
    expect([noTime.status, noTime.body.error.code]).toEqual([401, 'signature_required']);
    expect(await countEvents(src.key)).toBe(0);
  });

  it('checks the signature before the JSON; signed garbage is 400 invalid_json', async () => {
    const src = await makeSource();
    const raw = '{"id": "x",';
    expect((await post(src.key, raw, signed('whsec_wrong', raw))).status).toBe(401);
    const res = await post(src.key, raw, signed(src.webhookSecret, raw));
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_json']);
  });

  it('unknown source 404; inactive source 403; only JSON (415)', async () => {
    const raw = JSON.stringify(ev());
    expect((await post('no-such-source', raw, signed('x', raw))).status).toBe(404);
    const src = await makeSource({ active: false });
    const inactive = await post(src.key, raw, signed(src.webhookSecret, raw));
    expect([inactive.status, inactive.body.error.code]).toEqual([403, 'source_inactive']);
    const text = await t.request('POST', `/api/v1/webhooks/${src.key}`, {
      raw,
      contentType: 'text/plain',
      headers: signed(src.webhookSecret, raw),
    });
    expect(text.status).toBe(415);
  });
});

describe('event sources', () => {
  it('create answers the token and webhook secret once; reads never show them', async () => {
    const key = `erp-${unique()}`;
    const res = await t.post('/api/v1/event-sources', { key, name: 'ERP' }, admin);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ key, name: 'ERP', createUnknownCustomers: true, active: true });
    expect(res.body.token).toMatch(/^stw_src_[A-Za-z0-9_-]{43}$/);
    expect(res.body.webhookSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const read = await t.get(`/api/v1/event-sources/${key}`, admin);
    expect(read.body).toEqual({
      ...res.body,
      token: undefined,
      webhookSecret: undefined,
      activity: { eventsLast24h: 0, warnedLast7d: 0 },
    });
    expect(JSON.stringify(read.body)).not.toContain('stw_src_');
    const list = await t.get('/api/v1/event-sources', admin);
    expect(list.body.items.map((s: any) => s.key)).toContain(key);
    expect(JSON.stringify(list.body)).not.toMatch(/stw_src_|whsec_/);
    const [stored] = await rows<{ token_hash: string }>(
      t.db,
      sql`select token_hash from event_sources where key = ${key}`,
    );
    expect(stored!.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes, deletes, never reuses a key, and writes a domain event for each change (no secrets)', async () => {
    const src = await makeSource();
    const patched = await t.patch(
      `/api/v1/event-sources/${src.key}`,
      { name: 'WMS', createUnknownCustomers: false },
      admin,
    );
    expect(patched.body).toMatchObject({ name: 'WMS', createUnknownCustomers: false });
    expect((await t.post(`/api/v1/event-sources/${src.key}/rotate`, {}, admin)).status).toBe(200);
    expect((await t.post('/api/v1/event-sources', { key: src.key, name: 'again' }, admin)).status).toBe(409);
    expect((await t.del(`/api/v1/event-sources/${src.key}`, admin)).status).toBe(204);
    expect((await t.get(`/api/v1/event-sources/${src.key}`, admin)).status).toBe(404);
    const reuse = await t.post('/api/v1/event-sources', { key: src.key, name: 'again' }, admin);
    expect([reuse.status, reuse.body.error.code]).toEqual([409, 'source_exists']);
    const logged = await rows<{ type: string; data: unknown }>(
      t.db,
      sql`select d.type, d.data from domain_events d join event_sources s on s.id = d.entity_id
          where s.key = ${src.key} order by d.occurred_at, d.id`,
    );
    expect(logged.map((e) => e.type)).toEqual([
      'event_source.created',
      'event_source.updated',
      'event_source.credentials_rotated',
      'event_source.deleted',
    ]);
    expect(JSON.stringify(logged)).not.toMatch(/stw_src_|whsec_/);
  });

  it('rotation: new token and secret work, the old ones stop at once', async () => {
    const src = await makeSource();
    const rotated = await t.post(`/api/v1/event-sources/${src.key}/rotate`, {}, admin);
    expect(rotated.status).toBe(200);
    expect(rotated.body.token).not.toBe(src.token);
    expect(rotated.body.webhookSecret).not.toBe(src.webhookSecret);
    const old = await send(ev(), src.token);
    expect([old.status, old.body.error.code]).toEqual([401, 'invalid_token']);
    expect((await send(ev(), rotated.body.token)).status).toBe(200);
    const raw = JSON.stringify(ev());
    const at = Math.floor(Date.now() / 1000);
    const hook = (secret: string) =>
      t.request('POST', `/api/v1/webhooks/${src.key}`, {
        raw,
        headers: { 'x-steward-timestamp': String(at), 'x-steward-signature': signWebhook(secret, at, raw) },
      });
    expect((await hook(src.webhookSecret)).status).toBe(401);
    expect((await hook(rotated.body.webhookSecret)).status).toBe(200);
  });

  it('are admin business: agents and customers get 403, strangers 401', async () => {
    const src = await makeSource();
    for (const token of [agent, customerToken]) {
      expect((await t.get('/api/v1/event-sources', token)).status).toBe(403);
      expect((await t.get(`/api/v1/event-sources/${src.key}`, token)).status).toBe(403);
      expect((await t.post('/api/v1/event-sources', { key: `x-${unique()}`, name: 'x' }, token)).status).toBe(
        403,
      );
      expect((await t.patch(`/api/v1/event-sources/${src.key}`, { name: 'x' }, token)).status).toBe(403);
      expect((await t.post(`/api/v1/event-sources/${src.key}/rotate`, {}, token)).status).toBe(403);
      expect((await t.del(`/api/v1/event-sources/${src.key}`, token)).status).toBe(403);
    }
    expect((await t.get('/api/v1/event-sources')).status).toBe(401);
    // A source's own token is no admin either.
    expect((await t.get('/api/v1/event-sources', src.token)).status).toBe(401);
  });

  it.each([
    [{ key: 'Has Space', name: 'x' }, 'body.key'],
    [{ key: 'new', name: 'x' }, 'body.key: the key "new" is reserved'],
    [{ key: 'ok', name: '' }, 'body.name'],
    [{ key: 'ok', name: 'x', token: 'mine' }, 'body'],
  ])('validates %j (400 naming %s)', async (body, path) => {
    const res = await t.post('/api/v1/event-sources', body, admin);
    expect(res.status).toBe(400);
    expect(res.body.error.message.startsWith(path)).toBe(true);
  });
});

describe('reading events', () => {
  let src: Source;
  let other: Source;
  let customerId: string;
  const base = Date.now() - 3_600_000;
  const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
  beforeAll(async () => {
    src = await makeSource();
    other = await makeSource();
    customerId = (await makeCustomer(t.db)).id;
    const events = Array.from({ length: 23 }, (_, i) =>
      ev({
        id: `r-${i}`,
        type: i % 2 ? 'shipment.scanned' : 'order.created',
        occurredAt: at(i),
        customer: i % 3 === 0 ? { id: customerId } : undefined,
        refs: { orderId: `SO-${i % 4}` },
      }),
    );
    expect((await send({ events }, src.token)).body.accepted).toBe(23);
    expect((await send(ev({ id: 'r-0', occurredAt: at(0) }), other.token)).body.accepted).toBe(1);
  });

  const ids = async (query: string) => {
    const res = await t.get(`/api/v1/events?source=${src.key}&limit=500&${query}`, agent);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body.items as any[]).map((e) => e.eventId);
  };
  const range = (xs: number[]) => xs.map((i) => `r-${i}`);

  it('filters by type, customer, ref, time and source', async () => {
    expect(await ids('type=order.created&sort=occurredAt')).toEqual(
      range([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22]),
    );
    expect(await ids(`customerId=${customerId}&sort=occurredAt`)).toEqual(
      range([0, 3, 6, 9, 12, 15, 18, 21]),
    );
    expect(await ids('ref=orderId:SO-1&sort=occurredAt')).toEqual(range([1, 5, 9, 13, 17, 21]));
    expect(await ids('ref=shipmentId:SO-1')).toEqual([]);
    // A repeated ref: the events naming any of them, each once, with the other filters and paging.
    expect(await ids('ref=orderId:SO-1&ref=orderId:SO-2&ref=shipmentId:none&sort=occurredAt')).toEqual(
      range([1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22]),
    );
    expect(await ids('ref=orderId:SO-1&ref=orderId:SO-2&type=order.created&sort=-occurredAt')).toEqual(
      range([22, 18, 14, 10, 6, 2]),
    );
    const firstPage = await t.get(
      `/api/v1/events?source=${src.key}&ref=orderId:SO-1&ref=orderId:SO-2&sort=occurredAt&limit=5&includeTotal=true`,
      agent,
    );
    expect(firstPage.body.total).toBe(12);
    const next = await t.get(
      `/api/v1/events?source=${src.key}&ref=orderId:SO-1&ref=orderId:SO-2&sort=occurredAt&limit=5&cursor=${firstPage.body.nextCursor}`,
      agent,
    );
    expect(next.body.items.map((e: any) => e.eventId)).toEqual(range([10, 13, 14, 17, 18]));
    expect(
      await ids(
        `occurredAfter=${encodeURIComponent(at(5))}&occurredBefore=${encodeURIComponent(at(8))}&sort=occurredAt`,
      ),
    ).toEqual(range([5, 6, 7]));
    expect(await ids('type=shipment.scanned&ref=orderId:SO-3&sort=-occurredAt')).toEqual(
      range([19, 15, 11, 7, 3]),
    );
    const all = await t.get(`/api/v1/events?source=${other.key}`, agent);
    expect(all.body.items.map((e: any) => e.eventId)).toEqual(['r-0']);
  });

  it('walks every page exactly once, both orders, and counts', async () => {
    for (const sort of ['occurredAt', '-occurredAt', 'receivedAt', '-receivedAt']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: any[]; nextCursor: string | null; total?: number } } = await t.get(
          `/api/v1/events?source=${src.key}&limit=5&sort=${sort}&includeTotal=true${cursor ? `&cursor=${cursor}` : ''}`,
          agent,
        );
        expect(res.body.total).toBe(23);
        seen.push(...res.body.items.map((e) => e.eventId));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(new Set(seen).size, sort).toBe(23);
      if (sort === 'occurredAt') expect(seen).toEqual(range([...Array(23).keys()]));
      if (sort === '-occurredAt') expect(seen).toEqual(range([...Array(23).keys()].reverse()));
    }
  });

  it('refuses malformed filters (400) and customers (403); unknown ids are 404', async () => {
    for (const q of [
      'ref=orderId',
      'ref=orderId:SO-1&ref=oops',
      Array.from({ length: 11 }, (_, i) => `ref=orderId:SO-${i}`).join('&'),
      'type=Bad',
      'customerId=1',
      'occurredAfter=yesterday',
      'cursor=zz',
      'foo=1',
    ]) {
      expect((await t.get(`/api/v1/events?${q}`, agent)).status, q).toBe(400);
    }
    expect((await t.get('/api/v1/events', customerToken)).status).toBe(403);
    const [first] = (await t.get(`/api/v1/events?source=${src.key}&limit=1`, agent)).body.items;
    expect((await t.get(`/api/v1/events/${first.id}`, customerToken)).status).toBe(403);
    expect((await t.get(`/api/v1/events/${first.id}`, src.token)).status).toBe(401);
    expect((await t.get('/api/v1/events/01900000-0000-7000-8000-000000000000', agent)).status).toBe(404);
  });
});

describe('OpenAPI', () => {
  it('documents the event routes', async () => {
    const res = await t.get('/api/docs/json');
    const paths = Object.keys(res.body.paths);
    for (const p of [
      '/api/v1/events',
      '/api/v1/events/{id}',
      '/api/v1/webhooks/{sourceKey}',
      '/api/v1/event-sources',
      '/api/v1/event-sources/{key}',
      '/api/v1/event-sources/{key}/rotate',
    ]) {
      expect(paths).toContain(p);
    }
    expect(JSON.stringify(res.body.paths['/api/v1/events'].post.responses['200'])).toContain('duplicate');
    // The body shows an event's fields, alone or in a batch, not just "any object".
    const body = res.body.paths['/api/v1/events'].post.requestBody.content['application/json'].schema;
    const [one, batch] = body.anyOf;
    expect(one.required).toEqual(['id', 'type', 'occurredAt']);
    expect(Object.keys(one.properties)).toEqual([
      'id',
      'type',
      'occurredAt',
      'customer',
      'organization',
      'refs',
      'data',
    ]);
    expect(one.additionalProperties).toBe(false);
    expect(batch).toMatchObject({
      required: ['events'],
      properties: { events: { type: 'array', maxItems: EVENT_LIMITS.batch, items: one } },
    });
  });
});

describe.runIf(usingPostgres())('concurrency (PostgreSQL)', () => {
  it('the same id sent by eight requests at once is accepted exactly once', async () => {
    const src = await makeSource();
    for (let round = 0; round < 3; round++) {
      const e = ev({ customer: { email: `race-${unique()}@example.com` } });
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => send(i % 2 ? { events: [e] } : e, src.token)),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
      const statuses = answers.map((a) => a.body.results[0].status);
      expect(statuses.filter((s) => s === 'accepted')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(7);
      const [stored] = await rows<{ n: number; customers: number }>(
        t.db,
        sql`select count(*)::int as n, count(distinct customer_id)::int as customers from events e
            join event_sources s on s.id = e.source_id where s.key = ${src.key} and e.event_id = ${e.id}`,
      );
      expect(stored).toEqual({ n: 1, customers: 1 });
      const created = await rows<{ n: number }>(
        t.db,
        sql`select count(*)::int as n from customers where lower(email) = ${(e.customer as any).email}`,
      );
      expect(created[0]!.n).toBe(1);
    }
  });

  it('overlapping batches from parallel requests store each id once, and a new customer once', async () => {
    const src = await makeSource();
    const email = `shared-${unique()}@example.com`;
    const events = Array.from({ length: 200 }, (_, i) => ev({ id: `ov-${i}`, customer: { email } }));
    const batches = [0, 1, 2, 3].map((k) =>
      // Each request sends its own shuffle of overlapping slices.
      events.slice(k * 25, k * 25 + 125).sort(() => Math.random() - 0.5),
    );
    const answers = await Promise.all(batches.map((b) => send({ events: b }, src.token)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    const accepted = answers.reduce((n, a) => n + a.body.accepted, 0);
    expect(accepted).toBe(200);
    expect(await countEvents(src.key)).toBe(200);
    const created = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from customers where lower(email) = ${email}`,
    );
    expect(created[0]!.n).toBe(1);
  });
});
