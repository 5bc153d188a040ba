import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { consumeToPresent } from '../../../../test/helpers/consumers.js';
import { usingPostgres } from '../../../../test/helpers/db.js';
import { makeCustomer, makeUser, unique } from '../../../../test/helpers/factories.js';
import { answerWith, startReceiver, type Receiver } from '../../../../test/helpers/receiver.js';
import { verifyWebhookSignature } from '../events/webhook-signature.js';
import { isLocalAddress } from '../../../core/local-address.js';
import { DOMAIN_EVENT_TYPES } from '../../../shared/schemas/audit.js';
import {
  configureWebhooks,
  pruneDeliveries,
  queueWebhookDeliveries,
  sendDueWebhooks,
} from './webhook-delivery.js';

let t: TestApp;
let admin: string;
let agent: string;
let customer: string;
let receiver: Receiver;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = (await makeUser(t.db, 'agent')).token;
  customer = (await makeUser(t.db, 'customer')).token;
  receiver = await startReceiver();
  // The consumer's cursor exists from now (as the server's job makes it at its first run).
  await queueWebhookDeliveries(t.db);
});
afterAll(async () => {
  await receiver?.close();
  await t?.close();
});
afterEach(async () => {
  // Each test's webhooks go with it, so the next one's sends are its own.
  await t.db.execute(sql`delete from webhooks`);
  receiver.received.length = 0;
  receiver.answer(answerWith(200, 'ok'));
});

const queue = () => consumeToPresent(t.db, 'webhooks', () => queueWebhookDeliveries(t.db));

async function makeWebhook(events: string[], extra: Record<string, unknown> = {}) {
  const res = await t.post(
    '/api/v1/outgoing-webhooks',
    { name: `Hook ${unique()}`, url: `${receiver.url}/hook`, events, ...extra },
    admin,
  );
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string };
}

async function newCase() {
  const c = await makeCustomer(t.db, { name: `Cora ${unique()}` });
  const res = await t.post('/api/v1/cases', { subject: `Parcel ${unique()}`, customerId: c.id }, admin);
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

const deliveries = async (id: string, query = '') =>
  (await t.get(`/api/v1/outgoing-webhooks/${id}/deliveries${query}`, admin)).body.items as {
    id: string;
    eventType: string;
    eventId: string | null;
    state: string;
    attempts: number;
    responseStatus: number | null;
    responseBody: string | null;
    error: string | null;
    nextAttemptAt: string | null;
    sending: boolean;
    sendAgain: boolean;
    payload: Record<string, unknown>;
  }[];

describe('administering webhooks', () => {
  it('an admin adds one and sees its secret once; the list and the record never show it', async () => {
    const res = await t.post(
      '/api/v1/outgoing-webhooks',
      { name: 'CRM', url: 'https://crm.example/steward', events: ['case.*', 'signal.opened', 'case.*'] },
      admin,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'CRM',
      url: 'https://crm.example/steward',
      events: ['case.*', 'signal.opened'],
      enabled: true,
      disabledReason: null,
      pending: 0,
      failed: 0,
      lastDelivery: null,
    });
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const one = await t.get(`/api/v1/outgoing-webhooks/${res.body.id}`, admin);
    expect(one.body.secret).toBeUndefined();
    expect(JSON.stringify((await t.get('/api/v1/outgoing-webhooks', admin)).body)).not.toContain(
      res.body.secret,
    );
    // The audit log has it, without the secret.
    const audit = await t.get(`/api/v1/audit-log?entityType=webhook&entityId=${res.body.id}`, admin);
    expect(audit.body.items.map((e: { type: string }) => e.type)).toEqual(['webhook.created']);
    expect(JSON.stringify(audit.body)).not.toContain(res.body.secret);
  });

  it('refuses a bad address, a bad event type and no event type, with the field named', async () => {
    const bad = async (body: Record<string, unknown>) => {
      const res = await t.post(
        '/api/v1/outgoing-webhooks',
        { name: 'X', url: 'https://a.example', events: ['*'], ...body },
        admin,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
      return res.body.error.details.map((d: { path: string }) => d.path);
    };
    expect(await bad({ url: 'ftp://files.example/in' })).toEqual(['body.url']);
    expect(await bad({ url: 'https://a.example/#top' })).toEqual(['body.url']);
    expect(await bad({ events: ['Case.Created'] })).toEqual(['body.events.0']);
    expect(await bad({ events: ['case.**'] })).toEqual(['body.events.0']);
    // A word alone is no type (every type is entity.what): it would match nothing, silently.
    expect(await bad({ events: ['case.*', 'case'] })).toEqual(['body.events.1']);
    expect(await bad({ events: ['cases'] })).toEqual(['body.events.0']);
    // An entity no event has (a plural, another product's word) would wait in silence too.
    expect(await bad({ events: ['case.created', 'cases.*'] })).toEqual(['body.events.1']);
    expect(await bad({ events: ['ticket.created'] })).toEqual(['body.events.0']);
    expect(await bad({ events: [] })).toEqual(['body.events']);
    const plural = await t.post(
      '/api/v1/outgoing-webhooks',
      { name: 'X', url: 'https://a.example', events: ['cases.*'] },
      admin,
    );
    expect(plural.body.error.message).toContain('no event type starts with "cases."');
    expect(plural.body.error.message).toContain('case, ');
    // Every topic of the list is one a webhook can name.
    for (const events of [['rule.*', 'agent.updated', 'commitment.late', 'events.removed', 'case_field.*']]) {
      const ok = await t.post(
        '/api/v1/outgoing-webhooks',
        { name: 'Topics', url: 'https://a.example', events },
        admin,
      );
      expect(ok.status).toBe(201);
      await t.del(`/api/v1/outgoing-webhooks/${ok.body.id}`, admin);
    }
    expect((await t.get('/api/v1/outgoing-webhooks', admin)).body.items).toEqual([]);
  });

  it('refuses an exact type Steward never records, at its place, naming close ones or the entity’s types', async () => {
    const post = (events: string[]) =>
      t.post('/api/v1/outgoing-webhooks', { name: 'Typo', url: 'https://a.example', events }, admin);
    const typo = await post(['case.*', 'case.creatd']);
    expect(typo.status).toBe(400);
    expect(typo.body.error.details).toEqual([
      { path: 'body.events.1', message: 'no event type "case.creatd": did you mean case.created?' },
    ]);
    const far = await post(['signal.exploded']);
    expect(far.body.error.details[0].path).toBe('body.events.0');
    expect(far.body.error.message).toBe(
      `body.events.0: no event type "signal.exploded" (Steward does not record it, or no longer): remove it, or choose from ${DOMAIN_EVENT_TYPES.filter(
        (x) => x.startsWith('signal.'),
      ).join(', ')} (or signal.* for all of them)`,
    );
    // PATCH checks the same; every listed type (and every entity's .*) is taken.
    const ok = await post([...DOMAIN_EVENT_TYPES.slice(0, 50)]);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const patched = await t.patch(
      `/api/v1/outgoing-webhooks/${ok.body.id}`,
      { events: ['mail.sendt'] },
      admin,
    );
    expect([patched.status, patched.body.error.details[0].path]).toEqual([400, 'body.events.0']);
    for (let i = 50; i < DOMAIN_EVENT_TYPES.length; i += 50) {
      const more = await t.patch(
        `/api/v1/outgoing-webhooks/${ok.body.id}`,
        { events: DOMAIN_EVENT_TYPES.slice(i, i + 50) },
        admin,
      );
      expect(more.status, JSON.stringify(more.body)).toBe(200);
    }

    // One stored before the check, with a type no event has: it still reads, and other edits go.
    await t.db.execute(
      sql`update webhooks set events = array['case.creatd', 'case.replied'] where id = ${ok.body.id}`,
    );
    const stored = await t.get(`/api/v1/outgoing-webhooks/${ok.body.id}`, admin);
    expect([stored.status, stored.body.events]).toEqual([200, ['case.creatd', 'case.replied']]);
    expect((await t.get('/api/v1/outgoing-webhooks', admin)).status).toBe(200);
    const renamed = await t.patch(`/api/v1/outgoing-webhooks/${ok.body.id}`, { name: 'Renamed' }, admin);
    expect([renamed.status, renamed.body.events]).toEqual([200, ['case.creatd', 'case.replied']]);
    await t.del(`/api/v1/outgoing-webhooks/${ok.body.id}`, admin);
  });

  it('docs/webhooks.md lists the types of cases, signals and commitments as Steward records them', () => {
    const doc = readFileSync(new URL('../../../../docs/webhooks.md', import.meta.url), 'utf8');
    for (const entity of ['case', 'signal', 'commitment']) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${entity}\``))!;
      const cell = row.split('|')[2]!.replace(/\([^)]*\)/g, '');
      const listed = [...cell.matchAll(/`([a-z_]+)`/g)].map((m) => `${entity}.${m[1]}`).sort();
      const recorded = DOMAIN_EVENT_TYPES.filter((x) => x.startsWith(`${entity}.`)).sort();
      expect(listed, entity).toEqual(recorded);
    }
  });

  it('refuses a local address unless the server allows local networks; other edits still go', async () => {
    const local = await makeWebhook(['case.created']); // made while allowed (the receiver is local)
    configureWebhooks({ webhookLocalNetwork: false });
    try {
      for (const url of [
        'http://127.0.0.1:9/in',
        'http://localhost:8080/in',
        'http://api.localhost/in',
        'http://[::1]/in',
        'http://169.254.169.254/latest/meta-data',
        'http://10.0.0.7/in',
        'http://192.168.1.20/in',
      ]) {
        const res = await t.post('/api/v1/outgoing-webhooks', { name: 'Inside', url, events: ['*'] }, admin);
        expect(res.status, url).toBe(422);
        expect(res.body.error).toMatchObject({ code: 'validation_error', details: [{ path: 'body.url' }] });
        expect(res.body.error.message).toContain('STEWARD_WEBHOOK_LOCAL_NETWORK');
      }
      const moved = await t.patch(
        `/api/v1/outgoing-webhooks/${local.id}`,
        { url: 'http://10.1.1.1/x' },
        admin,
      );
      expect(moved.status).toBe(422);
      // Editing something else of a webhook made while allowed is not refused.
      expect(
        (await t.patch(`/api/v1/outgoing-webhooks/${local.id}`, { name: 'Renamed' }, admin)).status,
      ).toBe(200);
      const outside = await t.post(
        '/api/v1/outgoing-webhooks',
        { name: 'Outside', url: 'https://crm.example/hook', events: ['*'] },
        admin,
      );
      expect(outside.status).toBe(201);
      expect((await t.get('/api/v1/outgoing-webhooks', admin)).body.items).toHaveLength(2);
    } finally {
      configureWebhooks({ webhookLocalNetwork: true });
    }
  });

  it('a password in the URL is never shown, and a URL sent back masked keeps it', async () => {
    const url = receiver.url.replace('http://', 'http://steward:s3cret-pass@');
    const made = await t.post(
      '/api/v1/outgoing-webhooks',
      { name: 'Basic auth', url, events: ['case.created'] },
      admin,
    );
    expect(made.status).toBe(201);
    const masked = receiver.url.replace('http://', 'http://steward:********@') + '/';
    expect(made.body.url).toBe(masked);
    const renamed = await t.patch(
      `/api/v1/outgoing-webhooks/${made.body.id}`,
      { name: 'Basic', url: masked },
      admin,
    );
    expect(renamed.body).toMatchObject({ name: 'Basic', url: masked });
    const audit = await t.get(`/api/v1/audit-log?entityType=webhook&entityId=${made.body.id}`, admin);
    expect(JSON.stringify(audit.body)).not.toContain('s3cret');
    // The stored password is still the one sent: the receiver gets it as basic auth.
    await newCase();
    await queue();
    await sendDueWebhooks(t.db);
    expect(receiver.received[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from('steward:s3cret-pass').toString('base64')}`,
    );
    // Another host with the masked password: the password must be given.
    const moved = await t.patch(
      `/api/v1/outgoing-webhooks/${made.body.id}`,
      { url: 'https://steward:********@elsewhere.example/hook' },
      admin,
    );
    expect(moved.status).toBe(422);
    expect(moved.body.error.details).toEqual([{ path: 'body.url', message: 'give the password' }]);
    const fresh = await t.post(
      '/api/v1/outgoing-webhooks',
      { name: 'X', url: 'https://a:********@b.example', events: ['*'] },
      admin,
    );
    expect(fresh.status).toBe(422);
  });

  it('agents and customers can neither see nor change webhooks', async () => {
    const hook = await makeWebhook(['*']);
    for (const token of [agent, customer]) {
      expect((await t.get('/api/v1/outgoing-webhooks', token)).status).toBe(403);
      expect((await t.get(`/api/v1/outgoing-webhooks/${hook.id}`, token)).status).toBe(403);
      expect(
        (await t.post('/api/v1/outgoing-webhooks', { name: 'X', url: receiver.url, events: ['*'] }, token))
          .status,
      ).toBe(403);
      expect(
        (await t.patch(`/api/v1/outgoing-webhooks/${hook.id}`, { url: 'https://evil.example' }, token))
          .status,
      ).toBe(403);
      expect((await t.post(`/api/v1/outgoing-webhooks/${hook.id}/secret`, {}, token)).status).toBe(403);
      expect((await t.get(`/api/v1/outgoing-webhooks/${hook.id}/deliveries`, token)).status).toBe(403);
      expect((await t.del(`/api/v1/outgoing-webhooks/${hook.id}`, token)).status).toBe(403);
    }
    expect((await t.get(`/api/v1/outgoing-webhooks/${hook.id}`, admin)).body.url).toBe(
      `${receiver.url}/hook`,
    );
  });

  it('a webhook that does not exist is 404 on every route', async () => {
    const none = '0190a000-0000-7000-8000-000000000000';
    expect((await t.get(`/api/v1/outgoing-webhooks/${none}`, admin)).status).toBe(404);
    expect((await t.patch(`/api/v1/outgoing-webhooks/${none}`, { name: 'X' }, admin)).status).toBe(404);
    expect((await t.del(`/api/v1/outgoing-webhooks/${none}`, admin)).status).toBe(404);
    expect((await t.post(`/api/v1/outgoing-webhooks/${none}/ping`, {}, admin)).status).toBe(404);
    expect((await t.get(`/api/v1/outgoing-webhooks/${none}/deliveries`, admin)).status).toBe(404);
    expect(
      (await t.post(`/api/v1/outgoing-webhooks/${none}/deliveries/retry-failed`, {}, admin)).status,
    ).toBe(404);
    // A delivery of another webhook is not found through this one.
    const hook = await makeWebhook(['*']);
    const ping = await t.post(`/api/v1/outgoing-webhooks/${hook.id}/ping`, {}, admin);
    const other = await makeWebhook(['*']);
    expect(
      (await t.get(`/api/v1/outgoing-webhooks/${other.id}/deliveries/${ping.body.id}`, admin)).status,
    ).toBe(404);
    expect(
      (await t.post(`/api/v1/outgoing-webhooks/${other.id}/deliveries/${ping.body.id}/retry`, {}, admin))
        .status,
    ).toBe(404);
  });
});

describe('delivering', () => {
  it('sends the events a webhook chose, signed, once; and not the others', async () => {
    const hook = await makeWebhook(['case.created']);
    const made = await newCase();
    await makeCustomer(t.db, { name: 'Not sent' }); // customer.created: not chosen
    await queue();
    await queue(); // a second run finds nothing new
    expect(await sendDueWebhooks(t.db)).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    expect(got.path).toBe('/hook');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-steward-event']).toBe('case.created');
    const body = JSON.parse(got.body);
    expect(Object.keys(body)).toEqual(['id', 'type', 'occurredAt', 'entity', 'actor', 'data']);
    expect(Object.keys((await deliveries(hook.id))[0]!.payload)).toEqual(Object.keys(body));
    expect(body).toMatchObject({
      type: 'case.created',
      entity: { type: 'case', id: made.id },
      actor: { kind: 'user' },
    });
    expect(got.headers['x-steward-event-id']).toBe(body.id);
    const check = verifyWebhookSignature({
      secret: hook.secret,
      rawBody: got.body,
      timestamp: got.headers['x-steward-timestamp'] as string,
      signature: got.headers['x-steward-signature'] as string,
      toleranceSeconds: 300,
    });
    expect(check).toEqual({ ok: true });
    const [d] = await deliveries(hook.id);
    expect(d).toMatchObject({
      id: got.headers['x-steward-delivery'],
      eventId: body.id,
      state: 'delivered',
      attempts: 1,
      responseStatus: 200,
      responseBody: 'ok',
      error: null,
      nextAttemptAt: null,
    });
    expect(await sendDueWebhooks(t.db)).toBe(0);
    expect((await t.get(`/api/v1/outgoing-webhooks/${hook.id}`, admin)).body).toMatchObject({
      pending: 0,
      failed: 0,
      lastDelivery: { state: 'delivered', responseStatus: 200 },
    });
  });

  it('an entity pattern takes all its types; events from before the webhook are not sent', async () => {
    const before = await newCase();
    const hook = await makeWebhook(['case.*']);
    const made = await newCase();
    expect(
      (
        await t.post(
          `/api/v1/cases/${made.id}/messages`,
          { body: 'Checked the carrier', public: false },
          admin,
        )
      ).status,
    ).toBe(201);
    await queue();
    const sent = await deliveries(hook.id);
    expect(sent.map((d) => d.eventType).sort()).toEqual(['case.created', 'case.note_added']);
    expect(sent.every((d) => (d.payload.entity as { id: string }).id === made.id)).toBe(true);
    expect(sent.some((d) => (d.payload.entity as { id: string }).id === before.id)).toBe(false);
  });

  it('signal.opened says what the signal is in words: its title, as the signal shows it', async () => {
    const source = await t.post('/api/v1/event-sources', { key: `src-${unique()}`, name: 'Carrier' }, admin);
    expect(source.status).toBe(201);
    const type = `x${unique()}.exception`;
    const rule = await t.post(
      '/api/v1/rules',
      {
        kind: 'match',
        name: `Parcel damaged ${unique()}`,
        severity: 'high',
        when: { type },
        dedupe: { ref: 'shipmentId' },
      },
      admin,
    );
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const hook = await makeWebhook(['signal.opened']);
    const shipment = `SH-${unique()}`;
    const sent = await t.post(
      '/api/v1/events',
      {
        events: [
          { id: `e-${unique()}`, type, occurredAt: new Date().toISOString(), refs: { shipmentId: shipment } },
        ],
      },
      source.body.token,
    );
    expect(sent.body.signalsOpened).toBe(1);
    await queue();
    expect(await sendDueWebhooks(t.db)).toBe(1);
    const body = JSON.parse(receiver.received[0]!.body);
    const [signal] = await rows<{ id: string; title: string }>(
      t.db,
      sql`select id, title from signals where rule_id = ${rule.body.id}`,
    );
    expect(body).toMatchObject({
      type: 'signal.opened',
      entity: { type: 'signal', id: signal!.id },
      data: {
        title: `${rule.body.name} · Shipment ${shipment}`,
        ruleId: rule.body.id,
        severity: 'high',
        refKey: 'shipmentId',
        refValue: shipment,
        evidence: 1,
      },
    });
    expect(signal!.title).toBe(body.data.title);
    expect((await deliveries(hook.id)).map((d) => [d.eventType, d.state])).toEqual([
      ['signal.opened', 'delivered'],
    ]);
  });

  it('retries after a failure, with a pause, until delivered; gives up when the pauses run out', async () => {
    const hook = await makeWebhook(['case.created']);
    await newCase();
    await queue();
    receiver.answer(answerWith(500, 'database down'));
    await sendDueWebhooks(t.db, { retryDelaysS: [3600, 0] });
    let [d] = await deliveries(hook.id);
    expect(d).toMatchObject({
      state: 'pending',
      attempts: 1,
      responseStatus: 500,
      responseBody: 'database down',
    });
    expect(d!.error).toBe('the receiver answered 500');
    // Not due for an hour.
    const due = new Date(d!.nextAttemptAt!).getTime() - Date.now();
    expect(due).toBeGreaterThan(3500_000);
    expect(await sendDueWebhooks(t.db, { retryDelaysS: [3600, 0] })).toBe(0);
    // Make it due: the second failure pauses 0 s, the third gives up.
    await t.db.execute(sql`update webhook_deliveries set next_attempt_at = now() where id = ${d!.id}`);
    await sendDueWebhooks(t.db, { retryDelaysS: [3600, 0] });
    await sendDueWebhooks(t.db, { retryDelaysS: [3600, 0] });
    [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ state: 'failed', attempts: 3, nextAttemptAt: null });
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers['x-steward-delivery']))).toEqual(new Set([d!.id]));
    expect((await t.get(`/api/v1/outgoing-webhooks/${hook.id}`, admin)).body).toMatchObject({
      failed: 1,
      pending: 0,
    });
    // The receiver is back: every failed delivery goes again.
    receiver.answer(answerWith(204));
    const again = await t.post(`/api/v1/outgoing-webhooks/${hook.id}/deliveries/retry-failed`, {}, admin);
    expect(again.body).toEqual({ retried: 1 });
    const audit = await t.get(`/api/v1/audit-log?entityType=webhook&entityId=${hook.id}`, admin);
    expect(audit.body.items[0]).toMatchObject({
      type: 'webhook.deliveries_retried',
      data: { count: 1, deliveryIds: [d!.id] },
    });
    [d] = await deliveries(hook.id);
    expect(d).toMatchObject({
      state: 'pending',
      attempts: 0,
      responseStatus: null,
      responseBody: null,
      error: null,
    });
    expect(await sendDueWebhooks(t.db)).toBe(1);
    [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ state: 'delivered', attempts: 1, responseStatus: 204, responseBody: null });
  });

  it('honours a Retry-After of a 429, and names what went wrong without an answer', async () => {
    const hook = await makeWebhook(['case.created']);
    await newCase();
    await queue();
    receiver.answer(answerWith(429, '', { 'retry-after': '120' }));
    await sendDueWebhooks(t.db, { retryDelaysS: [10] });
    let [d] = await deliveries(hook.id);
    const pause = new Date(d!.nextAttemptAt!).getTime() - Date.now();
    expect(pause).toBeGreaterThan(100_000);
    expect(pause).toBeLessThanOrEqual(120_000);
    // A receiver that does not answer in time.
    receiver.answer(() => undefined);
    await t.post(`/api/v1/outgoing-webhooks/${hook.id}/deliveries/${d!.id}/retry`, {}, admin);
    await sendDueWebhooks(t.db, { timeoutMs: 300 });
    [d] = await deliveries(hook.id);
    expect(d).toMatchObject({
      state: 'pending',
      attempts: 1,
      responseStatus: null,
      error: 'no answer within 0.3 s',
    });
    // Nobody listening at the address.
    const closed = await startReceiver();
    await closed.close();
    await t.patch(`/api/v1/outgoing-webhooks/${hook.id}`, { url: closed.url }, admin);
    await t.post(`/api/v1/outgoing-webhooks/${hook.id}/deliveries/${d!.id}/retry`, {}, admin);
    await sendDueWebhooks(t.db);
    [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ state: 'pending', error: 'connection refused' });
  });

  it('"Send again" while a delivery is being sent: never two sends at once; it goes once more after', async () => {
    const hook = await makeWebhook(['case.created']);
    await newCase();
    await queue();
    // The receiver holds the first POST until the test lets it go.
    let release: () => void = () => undefined;
    receiver.answer((_req, res) => {
      release = () => res.end('first');
    });
    const first = sendDueWebhooks(t.db);
    await expect.poll(() => receiver.received.length).toBe(1);
    let [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ state: 'pending', attempts: 1, sending: true, sendAgain: false });
    const again = await t.post(`/api/v1/outgoing-webhooks/${hook.id}/deliveries/${d!.id}/retry`, {}, admin);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ state: 'pending', attempts: 1, sending: true, sendAgain: true });
    // Another sender finds nothing to claim while the first POST is out.
    expect(await sendDueWebhooks(t.db)).toBe(0);
    receiver.answer(answerWith(200, 'second'));
    release();
    expect(await first).toBe(1);
    // The first answer is kept for the log; the delivery is due again at once, attempts from zero.
    [d] = await deliveries(hook.id);
    expect(d).toMatchObject({
      state: 'pending',
      attempts: 0,
      sending: false,
      sendAgain: false,
      responseStatus: 200,
      responseBody: 'first',
    });
    expect(new Date(d!.nextAttemptAt!).getTime()).toBeLessThanOrEqual(Date.now());
    expect(await sendDueWebhooks(t.db)).toBe(1);
    [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ state: 'delivered', attempts: 1, responseBody: 'second' });
    expect(receiver.received).toHaveLength(2);
  });

  it('a sender whose lease ran out and whose delivery was taken again writes nothing', async () => {
    const hook = await makeWebhook(['case.created']);
    await newCase();
    await queue();
    let release: () => void = () => undefined;
    receiver.answer((_req, res) => {
      release = () => res.end('late');
    });
    const late = sendDueWebhooks(t.db);
    await expect.poll(() => receiver.received.length).toBe(1);
    // Its lease runs out (as if its node had hung); a second sender takes the delivery and delivers.
    await t.db.execute(sql`update webhook_deliveries
      set next_attempt_at = now(), sending_until = now() - interval '1 second'`);
    let [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ sending: false });
    receiver.answer(answerWith(201, 'on time'));
    expect(await sendDueWebhooks(t.db)).toBe(1);
    // The first sender's answer, when it comes, does not overwrite the second's.
    release();
    await late;
    [d] = await deliveries(hook.id);
    expect(d).toMatchObject({
      state: 'delivered',
      attempts: 2,
      responseStatus: 201,
      responseBody: 'on time',
    });
  });

  it('a receiver that lets a POST time out is left alone a minute; the others are not held', async () => {
    const slow = await makeWebhook(['case.created'], { url: `${receiver.url}/slow` });
    const quick = await makeWebhook(['case.created'], { url: `${receiver.url}/quick` });
    receiver.answer((req, res) => {
      if (req.path === '/quick') res.end('ok'); // /slow never answers
    });
    await newCase();
    await queue();
    expect(await sendDueWebhooks(t.db, { timeoutMs: 300 })).toBe(2);
    const resting = (await t.get(`/api/v1/outgoing-webhooks/${slow.id}`, admin)).body;
    const rest = new Date(resting.restingUntil).getTime() - Date.now();
    expect(rest).toBeGreaterThan(50_000);
    expect(rest).toBeLessThanOrEqual(60_000);
    expect((await t.get(`/api/v1/outgoing-webhooks/${quick.id}`, admin)).body.restingUntil).toBeNull();
    // The next event: the quick one gets it, the resting one waits (its deliveries are due).
    receiver.received.length = 0;
    await newCase();
    await queue();
    await t.db.execute(sql`update webhook_deliveries set next_attempt_at = now() where state = 'pending'`);
    expect(await sendDueWebhooks(t.db, { timeoutMs: 300 })).toBe(1);
    expect(receiver.received.map((r) => r.path)).toEqual(['/quick']);
    expect((await t.get(`/api/v1/outgoing-webhooks/${slow.id}`, admin)).body.pending).toBe(2);
    // Sending one again by hand ends the rest.
    receiver.answer(answerWith(200));
    const [waiting] = await deliveries(slow.id);
    await t.post(`/api/v1/outgoing-webhooks/${slow.id}/deliveries/${waiting!.id}/retry`, {}, admin);
    expect((await t.get(`/api/v1/outgoing-webhooks/${slow.id}`, admin)).body.restingUntil).toBeNull();
    expect(await sendDueWebhooks(t.db)).toBe(2);
  });

  it('a batch takes at most 25 deliveries of one webhook, so a busy one does not hold up another', async () => {
    const busy = await makeWebhook(['case.updated'], { url: `${receiver.url}/busy` });
    const made = await newCase();
    for (let i = 0; i < 15; i++) {
      const res = await t.patch(`/api/v1/cases/${made.id}`, { priority: i % 2 ? 'low' : 'high' }, admin);
      expect(res.status).toBe(200);
    }
    await queue();
    const other = await makeWebhook(['case.updated'], { url: `${receiver.url}/other` });
    expect((await t.patch(`/api/v1/cases/${made.id}`, { priority: 'urgent' }, admin)).status).toBe(200);
    await queue();
    // 16 busy ones, due first, and 1 other; a batch of 12 takes at most 11 of the busy webhook's.
    expect(await sendDueWebhooks(t.db, { limit: 12, perWebhook: 11 })).toBe(12);
    expect(receiver.received.filter((r) => r.path === '/other')).toHaveLength(1);
    expect((await t.get(`/api/v1/outgoing-webhooks/${busy.id}`, admin)).body.pending).toBe(5);
    expect((await t.get(`/api/v1/outgoing-webhooks/${other.id}`, admin)).body.pending).toBe(0);
  });

  it('sends nothing to a local address written in the URL unless allowed', async () => {
    const hook = await makeWebhook(['case.created']);
    await newCase();
    await queue();
    expect(await sendDueWebhooks(t.db, { localNetwork: false })).toBe(1);
    expect(receiver.received).toEqual([]);
    const [d] = await deliveries(hook.id);
    expect(d).toMatchObject({
      state: 'pending',
      attempts: 1,
      responseStatus: null,
      error: 'not sent: 127.0.0.1 is on a local network (allowed only with STEWARD_WEBHOOK_LOCAL_NETWORK=on)',
    });
    // Allowed, the same delivery goes.
    await t.db.execute(sql`update webhook_deliveries set next_attempt_at = now()`);
    expect(await sendDueWebhooks(t.db, { localNetwork: true })).toBe(1);
    expect(receiver.received.map((r) => r.path)).toEqual(['/hook']);
  });

  it('sends nothing to a host name that resolves to a local address unless allowed', async (ctx) => {
    // The machine's own name resolves to one of its addresses (loopback, or a private one);
    // where it does not resolve at all, there is no name to try this with.
    const me = hostname();
    const resolved = await lookup(me).then(
      (a) => a.address,
      () => '',
    );
    if (!isLocalAddress(resolved)) ctx.skip();
    const hook = await makeWebhook(['case.created'], {
      url: `http://${me}:${new URL(receiver.url).port}/named`,
    });
    await newCase();
    await queue();
    expect(await sendDueWebhooks(t.db, { localNetwork: false })).toBe(1);
    expect(receiver.received).toEqual([]);
    const [d] = await deliveries(hook.id);
    expect(d!.error).toBe(
      `not sent: ${resolved} is on a local network (allowed only with STEWARD_WEBHOOK_LOCAL_NETWORK=on)`,
    );
    // Allowed, it goes (reaching the receiver when the name is this machine's loopback).
    await t.db.execute(sql`update webhook_deliveries set next_attempt_at = now()`);
    expect(await sendDueWebhooks(t.db, { localNetwork: true })).toBe(1);
    if (resolved.startsWith('127.')) expect(receiver.received.map((r) => r.path)).toEqual(['/named']);
  });

  it('does not follow a redirect', async () => {
    const hook = await makeWebhook(['case.created']);
    await newCase();
    await queue();
    receiver.answer(answerWith(301, '', { location: `${receiver.url}/elsewhere` }));
    await sendDueWebhooks(t.db);
    const [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ state: 'pending', responseStatus: 301 });
    expect(d!.error).toBe('the receiver answered 301 (redirects are not followed)');
    expect(receiver.received.map((r) => r.path)).toEqual(['/hook']);
  });

  it('a 410 Gone turns the webhook off; nothing is queued while off; on again, new events are', async () => {
    const hook = await makeWebhook(['case.created']);
    await newCase();
    await queue();
    receiver.answer(answerWith(410));
    await sendDueWebhooks(t.db);
    const off = (await t.get(`/api/v1/outgoing-webhooks/${hook.id}`, admin)).body;
    expect(off).toMatchObject({ enabled: false, failed: 1 });
    expect(off.disabledReason).toContain('410 Gone');
    const audit = await t.get(`/api/v1/audit-log?entityType=webhook&entityId=${hook.id}`, admin);
    expect(audit.body.items.map((e: { type: string }) => e.type)).toContain('webhook.disabled');
    await newCase(); // while off
    await queue();
    expect(await deliveries(hook.id)).toHaveLength(1);
    receiver.answer(answerWith(200));
    const on = await t.patch(`/api/v1/outgoing-webhooks/${hook.id}`, { enabled: true }, admin);
    expect(on.body).toMatchObject({ enabled: true, disabledReason: null });
    const after = await newCase();
    await queue();
    const list = await deliveries(hook.id);
    expect(list).toHaveLength(2);
    expect((list[0]!.payload.entity as { id: string }).id).toBe(after.id);
    expect(await sendDueWebhooks(t.db)).toBe(1);
  });

  it('a turned-off webhook keeps its waiting deliveries and sends them when on again', async () => {
    const hook = await makeWebhook(['case.created']);
    await newCase();
    await queue();
    await t.patch(`/api/v1/outgoing-webhooks/${hook.id}`, { enabled: false }, admin);
    expect(await sendDueWebhooks(t.db)).toBe(0);
    expect((await t.get(`/api/v1/outgoing-webhooks/${hook.id}`, admin)).body).toMatchObject({
      enabled: false,
      pending: 1,
    });
    await t.patch(`/api/v1/outgoing-webhooks/${hook.id}`, { enabled: true }, admin);
    expect(await sendDueWebhooks(t.db)).toBe(1);
    expect(receiver.received).toHaveLength(1);
  });

  it('a ping is sent like an event; a new secret signs from then on', async () => {
    const hook = await makeWebhook(['signal.opened']);
    const ping = await t.post(`/api/v1/outgoing-webhooks/${hook.id}/ping`, {}, admin);
    expect(ping.status).toBe(202);
    expect(ping.body).toMatchObject({
      eventType: 'webhook.ping',
      eventId: null,
      state: 'pending',
      attempts: 0,
    });
    const rotated = await t.post(`/api/v1/outgoing-webhooks/${hook.id}/secret`, {}, admin);
    expect(rotated.body.secret).not.toBe(hook.secret);
    await sendDueWebhooks(t.db);
    const got = receiver.received[0]!;
    expect(JSON.parse(got.body)).toMatchObject({
      type: 'webhook.ping',
      entity: { type: 'webhook', id: hook.id },
    });
    const verify = (secret: string) =>
      verifyWebhookSignature({
        secret,
        rawBody: got.body,
        timestamp: got.headers['x-steward-timestamp'] as string,
        signature: got.headers['x-steward-signature'] as string,
        toleranceSeconds: 300,
      }).ok;
    expect(verify(rotated.body.secret)).toBe(true);
    expect(verify(hook.secret)).toBe(false);
    // A turned-off webhook cannot be pinged.
    await t.patch(`/api/v1/outgoing-webhooks/${hook.id}`, { enabled: false }, admin);
    const refused = await t.post(`/api/v1/outgoing-webhooks/${hook.id}/ping`, {}, admin);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('webhook_disabled');
  });

  it('a webhook holding a type Steward no longer records: its old deliveries list, filter and go again; saving names the type', async () => {
    const hook = await makeWebhook(['case.created']);
    await newCase();
    await queue();
    await sendDueWebhooks(t.db);
    // The type since retired: the webhook and its delivery as a Steward of before left them.
    const OLD = 'case.escalated_old';
    await t.db.execute(sql`update webhooks set events = array[${OLD}, 'case.created'] where id = ${hook.id}`);
    await t.db.execute(
      sql`update webhook_deliveries set event_type = ${OLD}, state = 'failed', attempts = 8, next_attempt_at = null,
            payload = jsonb_set(payload, '{type}', to_jsonb(${OLD}::text))
          where webhook_id = ${hook.id}`,
    );
    receiver.received.length = 0;

    const filtered = await t.get(`/api/v1/outgoing-webhooks/${hook.id}/deliveries?eventType=${OLD}`, admin);
    expect(filtered.status, JSON.stringify(filtered.body)).toBe(200);
    const [old] = filtered.body.items as { id: string; eventType: string; state: string }[];
    expect([filtered.body.items.length, old!.eventType, old!.state]).toEqual([1, OLD, 'failed']);
    expect((await deliveries(hook.id, '?eventType=case.*')).map((d) => d.eventType)).toEqual([OLD]);

    const again = await t.post(`/api/v1/outgoing-webhooks/${hook.id}/deliveries/${old!.id}/retry`, {}, admin);
    expect([again.status, again.body.state, again.body.attempts]).toEqual([200, 'pending', 0]);
    await sendDueWebhooks(t.db);
    expect(receiver.received).toHaveLength(1);
    expect(JSON.parse(receiver.received[0]!.body).type).toBe(OLD);
    expect((await deliveries(hook.id)).map((d) => d.state)).toEqual(['delivered']);

    // The web form sends the list back: the retired type is named, at its place; without it, it saves.
    const stored = (await t.get(`/api/v1/outgoing-webhooks/${hook.id}`, admin)).body;
    const save = (events: string[]) =>
      t.patch(`/api/v1/outgoing-webhooks/${hook.id}`, { name: 'Renamed', url: stored.url, events }, admin);
    const refused = await save(stored.events);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].path).toBe('body.events.0');
    expect(refused.body.error.details[0].message).toMatch(
      /^no event type "case\.escalated_old" \(Steward does not record it, or no longer\): remove it, or choose from case\./,
    );
    const saved = await save(['case.created']);
    expect([saved.status, saved.body.name, saved.body.events]).toEqual([200, 'Renamed', ['case.created']]);
  });

  it('lists deliveries newest first, a page at a time, by state; deleting the webhook deletes its log', async () => {
    const hook = await makeWebhook(['case.created']);
    for (let i = 0; i < 3; i++) await newCase();
    await queue();
    await sendDueWebhooks(t.db);
    await t.post(`/api/v1/outgoing-webhooks/${hook.id}/ping`, {}, admin);
    const first = await t.get(`/api/v1/outgoing-webhooks/${hook.id}/deliveries?limit=2`, admin);
    expect(first.body.items.map((d: { eventType: string }) => d.eventType)).toEqual([
      'webhook.ping',
      'case.created',
    ]);
    const second = await t.get(
      `/api/v1/outgoing-webhooks/${hook.id}/deliveries?limit=2&cursor=${first.body.nextCursor}`,
      admin,
    );
    expect(second.body.items).toHaveLength(2);
    expect(second.body.nextCursor).toBeNull();
    const seen = [...first.body.items, ...second.body.items].map((d: { id: string }) => d.id);
    expect(new Set(seen).size).toBe(4);
    expect((await deliveries(hook.id, '?state=pending')).map((d) => d.eventType)).toEqual(['webhook.ping']);
    expect((await t.get(`/api/v1/outgoing-webhooks/${hook.id}/deliveries?state=lost`, admin)).status).toBe(
      400,
    );
    // By event type: exact, every type of an entity, or all.
    const types = async (q: string) => (await deliveries(hook.id, q)).map((d) => d.eventType);
    expect(await types('?eventType=webhook.ping')).toEqual(['webhook.ping']);
    expect(await types('?eventType=case.*')).toEqual(['case.created', 'case.created', 'case.created']);
    expect(await types('?eventType=case.created&state=pending')).toEqual([]);
    expect(await types('?eventType=*')).toHaveLength(4);
    expect(await types('?eventType=case.updated')).toEqual([]);
    const bad = await t.get(`/api/v1/outgoing-webhooks/${hook.id}/deliveries?eventType=case.%25`, admin);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_error');
    expect((await t.del(`/api/v1/outgoing-webhooks/${hook.id}`, admin)).status).toBe(204);
    const left = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from webhook_deliveries where webhook_id = ${hook.id}`,
    );
    expect(left).toEqual([{ n: 0 }]);
  });

  it('keeps finished deliveries 30 days, and waiting ones until they are done', async () => {
    const hook = await makeWebhook(['case.created']);
    await newCase();
    await newCase();
    await queue();
    await sendDueWebhooks(t.db, { limit: 1 });
    await t.db.execute(
      sql`update webhook_deliveries set created_at = now() - interval '31 days' where webhook_id = ${hook.id}`,
    );
    expect(await pruneDeliveries(t.db)).toBe(1);
    expect((await deliveries(hook.id)).map((d) => d.state)).toEqual(['pending']);
  });
});

describe.runIf(usingPostgres())('on several nodes (PostgreSQL)', () => {
  it('two senders at once send each delivery once; two queuers queue each event once', async () => {
    const hook = await makeWebhook(['case.created']);
    const other = await openDatabase({ kind: 'postgres', url: t.handle.url! });
    try {
      for (let i = 0; i < 30; i++) await newCase();
      await Promise.all([
        consumeToPresent(t.db, 'webhooks', () => queueWebhookDeliveries(t.db, 7)),
        consumeToPresent(other.db, 'webhooks', () => queueWebhookDeliveries(other.db, 7)),
      ]);
      expect(await deliveries(hook.id, '?limit=100')).toHaveLength(30);
      receiver.answer((_req, res) => setTimeout(() => res.end('ok'), 20));
      const sent = await Promise.all([
        sendDueWebhooks(t.db, { limit: 8 }),
        sendDueWebhooks(other.db, { limit: 8 }),
        sendDueWebhooks(t.db, { limit: 8 }),
        sendDueWebhooks(other.db, { limit: 8 }),
      ]);
      expect(sent.reduce((a, b) => a + b, 0)).toBe(30);
      const ids = receiver.received.map((r) => r.headers['x-steward-delivery']);
      expect(ids).toHaveLength(30);
      expect(new Set(ids).size).toBe(30);
      expect((await t.get(`/api/v1/outgoing-webhooks/${hook.id}`, admin)).body).toMatchObject({
        pending: 0,
        failed: 0,
      });
    } finally {
      await other.close();
    }
  });
});
