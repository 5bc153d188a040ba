// Signals as staff handle them, through the API: list with filters and pages, one with its
// evidence and actions, dismiss and resolve, the board, and the proactive KPIs (on rows made by
// the factories in test/helpers/signal-factories.ts: real rows, not the engine).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { usingPostgres } from '../../../../test/helpers/db.js';
import {
  makeCase,
  makeCustomer,
  makeOrganization,
  makeUser,
  unique,
} from '../../../../test/helpers/factories.js';
import {
  hoursAgo,
  hoursFromNow,
  makeCommitment,
  makeEvent,
  makeRule,
  makeSignal,
  sourceIdFor,
} from '../../../../test/helpers/signal-factories.js';
import { MAX_BULK_SIGNALS_BY_FILTER } from '../../../shared/schemas/signals.js';
import { events } from '../events/events.table.js';

let t: TestApp;
let admin: string;
let agent: string;
let agentName: string;
let agentUserId: string;
let customerToken: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  const a = await makeUser(t.db, 'agent');
  agent = a.token;
  agentName = a.user.name;
  agentUserId = a.user.id;
  customerToken = (await makeUser(t.db, 'customer')).token;
});
afterAll(() => t?.close());

const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((s) => s.id);

describe('signals: list and read', () => {
  let ruleX: Awaited<ReturnType<typeof makeRule>>;
  let ruleY: Awaited<ReturnType<typeof makeRule>>;
  let custA: Awaited<ReturnType<typeof makeCustomer>>;
  let custB: Awaited<ReturnType<typeof makeCustomer>>;
  let org: Awaited<ReturnType<typeof makeOrganization>>;
  let caseNumber: number;
  let caseId: string;
  const s: Record<string, Awaited<ReturnType<typeof makeSignal>>> = {};
  const ev: Record<string, Awaited<ReturnType<typeof makeEvent>>> = {};

  beforeAll(async () => {
    ruleX = await makeRule(t.db, { name: 'Damaged shipment' });
    ruleY = await makeRule(t.db, { name: 'No scan', severity: 'low' });
    org = await makeOrganization(t.db);
    custA = await makeCustomer(t.db, { organizationId: org.id });
    custB = await makeCustomer(t.db);
    // Taken by the agent: the list says who is on the signal.
    const proactive = await makeCase(t.db, custA.id, { assigneeId: agentUserId });
    caseNumber = proactive.number;
    caseId = proactive.id;
    // Evidence stored out of time order: the detail gives it oldest first.
    ev.late = await makeEvent(t.db, {
      occurredAt: hoursAgo(1),
      customerId: custA.id,
      refs: { shipmentId: 'SH-1' },
    });
    ev.early = await makeEvent(t.db, {
      occurredAt: hoursAgo(3),
      customerId: custA.id,
      refs: { shipmentId: 'SH-1' },
      data: { reason: 'damaged' },
    });
    ev.middle = await makeEvent(t.db, { occurredAt: hoursAgo(2), customerId: custA.id });
    s.s1 = await makeSignal(t.db, {
      ruleId: ruleX.id,
      customerId: custA.id,
      organizationId: org.id,
      severity: 'high',
      detectedAt: hoursAgo(5),
    });
    s.s2 = await makeSignal(t.db, {
      ruleId: ruleX.id,
      customerId: custB.id,
      severity: 'critical',
      state: 'acted',
      actedAt: hoursAgo(3.5),
      detectedAt: hoursAgo(4),
    });
    s.s3 = await makeSignal(t.db, {
      ruleId: ruleY.id,
      customerId: custA.id,
      severity: 'low',
      state: 'resolved',
      resolvedAt: hoursAgo(2),
      detectedAt: hoursAgo(3),
    });
    s.s4 = await makeSignal(t.db, {
      ruleId: ruleY.id,
      severity: 'medium',
      state: 'dismissed',
      detectedAt: hoursAgo(2),
    });
    s.s5 = await makeSignal(t.db, {
      ruleId: ruleX.id,
      customerId: custA.id,
      organizationId: org.id,
      severity: 'high',
      detectedAt: hoursAgo(1),
      refKey: 'shipmentId',
      refValue: 'SH-1',
      dueAt: hoursFromNow(6),
      caseId: proactive.id,
      customerContactedFirst: true,
      evidence: [ev.late!.id, ev.early!.id, ev.middle!.id],
      actions: [
        { kind: 'open_case', state: 'done', result: { caseId: proactive.id } },
        { kind: 'notify_customer', state: 'pending' },
        { kind: 'notify_team', state: 'failed' },
      ],
    });
  });

  it('lists a rule’s signals newest first, with rule, customer, organization and case joined', async () => {
    const res = await t.get(`/api/v1/signals?ruleId=${ruleX.id}`, agent);
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual([s.s5!.id, s.s2!.id, s.s1!.id]);
    expect(res.body.items[0]).toEqual({
      id: s.s5!.id,
      ruleId: ruleX.id,
      ruleVersion: 1,
      ruleName: 'Damaged shipment',
      kind: 'match',
      severity: 'high',
      state: 'open',
      title: s.s5!.title,
      customerId: custA.id,
      customerName: custA.name,
      organizationId: org.id,
      organizationName: org.name,
      refKey: 'shipmentId',
      refValue: 'SH-1',
      refs: { shipmentId: 'SH-1' },
      dueAt: s.s5!.dueAt!.toISOString(),
      detectedAt: s.s5!.detectedAt.toISOString(),
      actedAt: null,
      resolvedAt: null,
      resolution: null,
      resolvedByEvent: false,
      evidenceCount: 3,
      lastEvidenceAt: s.s5!.lastEvidenceAt.toISOString(),
      caseId: s.s5!.caseId,
      caseNumber,
      caseAssignee: { id: agentUserId, name: agentName },
      caseUnassigned: false,
      customerContactedFirst: true,
    });
    expect(res.body.items[1]).toMatchObject({
      customerName: custB.name,
      organizationId: null,
      organizationName: null,
      caseId: null,
      caseNumber: null,
      caseAssignee: null,
      state: 'acted',
      actedAt: s.s2!.actedAt!.toISOString(),
    });
  });

  it.each([
    ['customerId', () => `customerId=${custA.id}`, () => ['s5', 's3', 's1']],
    ['organizationId', () => `organizationId=${org.id}`, () => ['s5', 's1']],
    ['caseId', () => `caseId=${caseId}`, () => ['s5']],
    ['open,acted of rule X', () => `state=open,acted&ruleId=${ruleX.id}`, () => ['s5', 's2', 's1']],
    ['acted of rule X', () => `state=acted&ruleId=${ruleX.id}`, () => ['s2']],
    ['resolved,dismissed of rule Y', () => `state=resolved,dismissed&ruleId=${ruleY.id}`, () => ['s4', 's3']],
    ['severity high of rule X', () => `severity=high&ruleId=${ruleX.id}`, () => ['s5', 's1']],
    ['severity critical for customer B', () => `severity=critical&customerId=${custB.id}`, () => ['s2']],
  ])('filters by %s', async (_what, query, expected) => {
    const res = await t.get(`/api/v1/signals?${query()}`, agent);
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual(expected().map((k) => s[k]!.id));
  });

  it('pages with a cursor and counts on request', async () => {
    const first = await t.get(`/api/v1/signals?ruleId=${ruleX.id}&limit=2&includeTotal=true`, agent);
    expect(ids(first)).toEqual([s.s5!.id, s.s2!.id]);
    expect(first.body.total).toBe(3);
    const second = await t.get(
      `/api/v1/signals?ruleId=${ruleX.id}&limit=2&cursor=${first.body.nextCursor}`,
      agent,
    );
    expect(ids(second)).toEqual([s.s1!.id]);
    expect(second.body.nextCursor).toBeNull();
    expect(second.body.total).toBeUndefined();
  });

  it('refuses bad filters with 400 naming the field', async () => {
    for (const [query, path] of [
      ['state=open,closed', 'query.state'],
      ['severity=dire', 'query.severity'],
      ['ruleId=nope', 'query.ruleId'],
      ['caseId=42', 'query.caseId'],
      ['limit=501', 'query.limit'],
      ['colour=red', 'query'],
    ]) {
      const res = await t.get(`/api/v1/signals?${query}`, agent);
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: any) => d.path)).toContain(path);
    }
    expect((await t.get('/api/v1/signals?cursor=abc', agent)).body.error.code).toBe('invalid_cursor');
  });

  it('reads one with its evidence oldest first and its actions in order', async () => {
    const res = await t.get(`/api/v1/signals/${s.s5!.id}`, agent);
    expect(res.status).toBe(200);
    const list = await t.get(`/api/v1/signals?ruleId=${ruleX.id}&limit=1`, agent);
    const { evidence, actions, ...signal } = res.body;
    expect(signal).toEqual(list.body.items[0]);
    expect(evidence.map((e: any) => e.eventId)).toEqual([ev.early!.id, ev.middle!.id, ev.late!.id]);
    expect(evidence[0]).toEqual({
      eventId: ev.early!.id,
      sourceEventId: ev.early!.eventId,
      type: 'shipment.exception',
      occurredAt: ev.early!.occurredAt.toISOString(),
      refs: { shipmentId: 'SH-1' },
      data: { reason: 'damaged' },
      addedAt: expect.any(String),
    });
    expect(actions.map((a: any) => [a.position, a.kind, a.state])).toEqual([
      [0, 'open_case', 'done'],
      [1, 'notify_customer', 'pending'],
      [2, 'notify_team', 'failed'],
    ]);
    expect(actions[0]).toMatchObject({ attempts: 0, result: { caseId: s.s5!.caseId }, error: null });
    expect(actions[0].doneAt).not.toBeNull();
    expect(actions[1]).toMatchObject({ result: null, doneAt: null });
  });

  it('gives at most 200 evidence events, the oldest', async () => {
    const sourceId = await sourceIdFor(t.db);
    const base = Date.now() - 300 * 60_000;
    const many = await t.db
      .insert(events)
      .values(
        Array.from({ length: 205 }, (_, i) => ({
          sourceId,
          eventId: `bulk-${i}-${base}`,
          type: 'shipment.scanned',
          occurredAt: new Date(base + (204 - i) * 60_000),
        })),
      )
      .returning({ id: events.id, occurredAt: events.occurredAt });
    const signal = await makeSignal(t.db, { ruleId: ruleY.id, evidence: many.map((e) => e.id) });
    const res = await t.get(`/api/v1/signals/${signal.id}`, agent);
    expect(res.body.evidenceCount).toBe(205);
    expect(res.body.evidence).toHaveLength(200);
    const oldestFirst = [...many].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
    expect(res.body.evidence.map((e: any) => e.eventId)).toEqual(oldestFirst.slice(0, 200).map((e) => e.id));
  });

  it('404 for an unknown signal, 400 for a malformed id', async () => {
    expect((await t.get(`/api/v1/signals/${crypto.randomUUID()}`, agent)).status).toBe(404);
    expect((await t.get('/api/v1/signals/42', agent)).status).toBe(400);
  });
});

describe('signals: the KPI pages’ filters', () => {
  it('narrows by detection time and by whether they resolved themselves', async () => {
    const rule = await makeRule(t.db, { name: 'Filtered by period' });
    const at = (iso: string) => new Date(iso);
    const sig = (detectedAt: string, o: Parameters<typeof makeSignal>[1] = {}) =>
      makeSignal(t.db, { ruleId: rule.id, detectedAt: at(detectedAt), ...o });
    const before = await sig('2026-02-28T23:59:59.000Z', { state: 'resolved', resolvedByEvent: true });
    const first = await sig('2026-03-01T00:00:00.000Z', { state: 'resolved', resolvedByEvent: true });
    const byPerson = await sig('2026-03-15T00:00:00.000Z', { state: 'resolved' });
    const dismissed = await sig('2026-03-20T00:00:00.000Z', { state: 'dismissed' });
    const atEnd = await sig('2026-04-01T00:00:00.000Z', { state: 'resolved', resolvedByEvent: true });
    const list = async (q: string) => ids(await t.get(`/api/v1/signals?ruleId=${rule.id}&${q}`, agent));

    const march = 'detectedFrom=2026-03-01T00:00:00.000Z&detectedTo=2026-04-01T00:00:00.000Z';
    expect(await list(march)).toEqual([dismissed.id, byPerson.id, first.id]);
    expect(await list(`${march}&resolvedByEvent=true`)).toEqual([first.id]);
    expect(await list(`${march}&state=resolved&resolvedByEvent=false`)).toEqual([byPerson.id]);
    expect(await list('detectedFrom=2026-03-20T00:00:00.000Z')).toEqual([atEnd.id, dismissed.id]);
    expect(await list('resolvedByEvent=true')).toEqual([atEnd.id, first.id, before.id]);
    const total = await t.get(`/api/v1/signals?ruleId=${rule.id}&${march}&includeTotal=true&limit=1`, agent);
    expect(total.body.total).toBe(3);
    for (const bad of ['detectedFrom=March', 'resolvedByEvent=yes']) {
      const res = await t.get(`/api/v1/signals?${bad}`, agent);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
    }
  });
});

describe('signals: dismiss and resolve', () => {
  const domainEventsOf = (id: string) =>
    rows<{ type: string; data: any; actor_id: string | null }>(
      t.db,
      sql`select type, data, actor_id from domain_events where entity_type = 'signal' and entity_id = ${id}`,
    );
  const actionStates = async (id: string) =>
    (
      await rows<{ state: string }>(
        t.db,
        sql`select state from signal_actions where signal_id = ${id} order by position`,
      )
    ).map((r) => r.state);

  it('dismisses an open signal with the reason; pending actions are skipped; only once', async () => {
    const signal = await makeSignal(t.db, {
      actions: [
        { kind: 'open_case', state: 'done' },
        { kind: 'notify_customer', state: 'pending' },
        { kind: 'notify_team', state: 'failed' },
        { kind: 'escalate', state: 'pending' },
      ],
    });
    const res = await t.post(
      `/api/v1/signals/${signal.id}/dismiss`,
      { reason: '  false alarm: test shipment ' },
      agent,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: signal.id,
      state: 'dismissed',
      resolution: 'false alarm: test shipment',
      resolvedByEvent: false,
    });
    expect(Math.abs(Date.parse(res.body.resolvedAt) - Date.now())).toBeLessThan(60_000);
    expect(await actionStates(signal.id)).toEqual(['done', 'skipped', 'failed', 'skipped']);
    expect(await domainEventsOf(signal.id)).toEqual([
      {
        type: 'signal.dismissed',
        data: { from: 'open', resolution: 'false alarm: test shipment', skippedActions: 2 },
        actor_id: expect.any(String),
      },
    ]);
    const again = await t.post(`/api/v1/signals/${signal.id}/dismiss`, { reason: 'again' }, agent);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('signal_closed');
    const resolve = await t.post(`/api/v1/signals/${signal.id}/resolve`, {}, agent);
    expect(resolve.status).toBe(409);
    expect(resolve.body.error.code).toBe('signal_closed');
    expect((await t.get(`/api/v1/signals/${signal.id}`, agent)).body.resolution).toBe(
      'false alarm: test shipment',
    );
  });

  it('resolves with no body at all, as `curl -X POST …/resolve` sends it ({"reason"?} is optional)', async () => {
    const signal = await makeSignal(t.db, {});
    const res = await t.request('POST', `/api/v1/signals/${signal.id}/resolve`, { token: agent });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: signal.id, state: 'resolved' });
    // A dismissal needs its reason: without a body, the answer says which field.
    const other = await makeSignal(t.db, {});
    const dismiss = await t.request('POST', `/api/v1/signals/${other.id}/dismiss`, { token: agent });
    expect(dismiss.status).toBe(400);
    expect(dismiss.body.error.message).toBe('body.reason: is required');
  });

  it('resolves an acted signal; without a reason the resolution names who', async () => {
    const signal = await makeSignal(t.db, {
      state: 'acted',
      actedAt: hoursAgo(1),
      actions: [{ kind: 'notify_customer' }],
    });
    const res = await t.post(`/api/v1/signals/${signal.id}/resolve`, {}, agent);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      state: 'resolved',
      resolution: `resolved by ${agentName}`,
      resolvedByEvent: false,
    });
    expect(res.body.resolvedAt).not.toBeNull();
    expect(await actionStates(signal.id)).toEqual(['skipped']);
    expect((await domainEventsOf(signal.id)).map((e) => [e.type, e.data.from])).toEqual([
      ['signal.resolved', 'acted'],
    ]);
    const withReason = await makeSignal(t.db);
    const res2 = await t.post(
      `/api/v1/signals/${withReason.id}/resolve`,
      { reason: 'Carrier replaced it' },
      admin,
    );
    expect(res2.body).toMatchObject({ state: 'resolved', resolution: 'Carrier replaced it' });
    expect((await t.post(`/api/v1/signals/${withReason.id}/dismiss`, { reason: 'x' }, admin)).status).toBe(
      409,
    );
  });

  it('a resolved or dismissed signal frees its dedupe key for a new live one', async () => {
    const signal = await makeSignal(t.db);
    await t.post(`/api/v1/signals/${signal.id}/resolve`, {}, agent);
    const [live] = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from signals where rule_id = ${signal.ruleId} and dedupe_key = ${signal.dedupeKey} and state in ('open', 'acted')`,
    );
    expect(live!.n).toBe(0);
  });

  it('refuses a dismissal without a reason, unknown fields, unknown signals', async () => {
    const signal = await makeSignal(t.db);
    for (const body of [{}, { reason: '   ' }, { reason: 'x'.repeat(1001) }, { reason: 'ok', extra: 1 }]) {
      const res = await t.post(`/api/v1/signals/${signal.id}/dismiss`, body, agent);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
    }
    expect((await t.post(`/api/v1/signals/${signal.id}/resolve`, { reason: '' }, agent)).status).toBe(400);
    expect(
      (await t.post(`/api/v1/signals/${crypto.randomUUID()}/dismiss`, { reason: 'x' }, agent)).status,
    ).toBe(404);
    expect((await t.post(`/api/v1/signals/${crypto.randomUUID()}/resolve`, {}, agent)).status).toBe(404);
    expect((await t.get(`/api/v1/signals/${signal.id}`, agent)).body.state).toBe('open');
  });

  it('closes many at once: the live ones end, those ended before are listed and left alone', async () => {
    const open = await makeSignal(t.db, { actions: [{ kind: 'notify_customer' }, { kind: 'escalate' }] });
    const acted = await makeSignal(t.db, {
      state: 'acted',
      actedAt: hoursAgo(2),
      actions: [{ kind: 'open_case', state: 'done' }],
    });
    const resolvedBefore = await makeSignal(t.db);
    await t.post(`/api/v1/signals/${resolvedBefore.id}/resolve`, { reason: 'the parcel came' }, admin);
    const res = await t.post(
      '/api/v1/signals/bulk',
      { ids: [open.id, resolvedBefore.id, acted.id], action: 'dismiss', reason: ' WMS feed outage ' },
      agent,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      closed: [open.id, acted.id].sort(),
      alreadyClosed: [{ id: resolvedBefore.id, state: 'resolved' }],
      skippedActions: 2,
    });
    for (const s of [open, acted]) {
      const read = (await t.get(`/api/v1/signals/${s.id}`, agent)).body;
      expect(read).toMatchObject({ state: 'dismissed', resolution: 'WMS feed outage' });
    }
    expect(await actionStates(open.id)).toEqual(['skipped', 'skipped']);
    expect(await actionStates(acted.id)).toEqual(['done']);
    expect((await domainEventsOf(open.id)).map((e) => [e.type, e.data])).toEqual([
      ['signal.dismissed', { from: 'open', resolution: 'WMS feed outage', skippedActions: 2 }],
    ]);
    expect((await domainEventsOf(acted.id)).map((e) => [e.type, e.data])).toEqual([
      ['signal.dismissed', { from: 'acted', resolution: 'WMS feed outage', skippedActions: 0 }],
    ]);
    // The one resolved before keeps its own resolution and gets no second event.
    expect((await t.get(`/api/v1/signals/${resolvedBefore.id}`, agent)).body).toMatchObject({
      state: 'resolved',
      resolution: 'the parcel came',
    });
    expect((await domainEventsOf(resolvedBefore.id)).map((e) => e.type)).toEqual(['signal.resolved']);

    // Resolving in bulk without a reason names who did it; again, nothing is left to close.
    const more = [await makeSignal(t.db), await makeSignal(t.db)];
    const resolved = await t.post(
      '/api/v1/signals/bulk',
      { ids: more.map((s) => s.id), action: 'resolve' },
      agent,
    );
    expect(resolved.body.closed).toHaveLength(2);
    expect((await t.get(`/api/v1/signals/${more[1]!.id}`, agent)).body.resolution).toBe(
      `resolved by ${agentName}`,
    );
    const again = await t.post(
      '/api/v1/signals/bulk',
      { ids: more.map((s) => s.id), action: 'resolve' },
      agent,
    );
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ closed: [], skippedActions: 0 });
    expect(again.body.alreadyClosed.map((c: { state: string }) => c.state)).toEqual(['resolved', 'resolved']);
  });

  it('bulk: all or none: an unknown id changes nothing; bad bodies are 400 naming the field', async () => {
    const signal = await makeSignal(t.db, { actions: [{ kind: 'notify_customer' }] });
    const unknown = crypto.randomUUID();
    const res = await t.post(
      '/api/v1/signals/bulk',
      { ids: [signal.id, unknown], action: 'dismiss', reason: 'outage' },
      agent,
    );
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({ code: 'not_found', message: `signal ${unknown} not found` });
    expect((await t.get(`/api/v1/signals/${signal.id}`, agent)).body.state).toBe('open');
    expect(await actionStates(signal.id)).toEqual(['pending']);
    expect(await domainEventsOf(signal.id)).toEqual([]);

    const cases: [unknown, string][] = [
      [{ ids: [signal.id], action: 'dismiss' }, 'reason'],
      [{ ids: [signal.id], action: 'dismiss', reason: '  ' }, 'reason'],
      [{ ids: [], action: 'resolve' }, 'ids'],
      [{ ids: [signal.id, signal.id], action: 'resolve' }, 'ids'],
      [{ ids: Array.from({ length: 501 }, () => crypto.randomUUID()), action: 'resolve' }, 'ids'],
      [{ ids: ['nope'], action: 'resolve' }, 'ids.0'],
      [{ ids: [signal.id], action: 'delete' }, 'action'],
      [{ ids: [signal.id], action: 'resolve', extra: 1 }, ''],
    ];
    for (const [body, field] of cases) {
      const bad = await t.post('/api/v1/signals/bulk', body, agent);
      expect(bad.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(bad.body.error.code).toBe('validation_error');
      if (field)
        expect(bad.body.error.details.map((d: { path: string }) => d.path)).toContain(`body.${field}`);
    }
    expect((await t.get(`/api/v1/signals/${signal.id}`, agent)).body.state).toBe('open');
  });

  it('bulk by filter: every live signal that matches, and only those', async () => {
    const rule = await makeRule(t.db);
    const other = await makeRule(t.db);
    const customer = await makeCustomer(t.db);
    const sig = (o: Parameters<typeof makeSignal>[1] = {}) => makeSignal(t.db, { ruleId: rule.id, ...o });
    const matching = [
      await sig({ actions: [{ kind: 'notify_customer' }] }),
      await sig({ state: 'acted', actedAt: hoursAgo(1) }),
      await sig({ customerId: customer.id }),
    ];
    const ended = await sig({ state: 'dismissed', resolvedAt: hoursAgo(1) });
    const elsewhere = await makeSignal(t.db, { ruleId: other.id });
    const old = await sig({ detectedAt: hoursAgo(72) });
    const res = await t.post(
      '/api/v1/signals/bulk',
      {
        filter: { ruleId: rule.id, detectedFrom: hoursAgo(24).toISOString() },
        action: 'dismiss',
        reason: 'feed outage',
      },
      agent,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      closed: matching.map((m) => m.id).sort(),
      alreadyClosed: [],
      skippedActions: 1,
    });
    for (const m of matching)
      expect((await t.get(`/api/v1/signals/${m.id}`, agent)).body).toMatchObject({
        state: 'dismissed',
        resolution: 'feed outage',
      });
    for (const [s, state] of [
      [ended, 'dismissed'],
      [elsewhere, 'open'],
      [old, 'open'],
    ] as const)
      expect((await t.get(`/api/v1/signals/${s.id}`, agent)).body.state).toBe(state);
    expect((await domainEventsOf(ended.id)).map((e) => e.type)).toEqual([]);

    // Narrowed by state: only the open ones of the rule (the old one), not an acted one.
    const acted = await sig({ state: 'acted', actedAt: hoursAgo(1) });
    const openOnly = await t.post(
      '/api/v1/signals/bulk',
      { filter: { ruleId: rule.id, state: ['open'] }, action: 'resolve' },
      admin,
    );
    expect(openOnly.body.closed).toEqual([old.id]);
    expect((await t.get(`/api/v1/signals/${acted.id}`, agent)).body.state).toBe('acted');
    // Nothing left that matches: nothing to do, not an error.
    const none = await t.post(
      '/api/v1/signals/bulk',
      { filter: { ruleId: rule.id, state: ['open'] }, action: 'resolve' },
      admin,
    );
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ closed: [], alreadyClosed: [], skippedActions: 0 });

    const bad: [unknown, string][] = [
      [{ action: 'resolve' }, 'ids'],
      [{ ids: [acted.id], filter: { ruleId: rule.id }, action: 'resolve' }, 'ids'],
      [{ filter: { state: ['resolved'] }, action: 'resolve' }, 'filter.state.0'],
      [{ filter: { state: [] }, action: 'resolve' }, 'filter.state'],
      [{ filter: { ruleId: 'x' }, action: 'resolve' }, 'filter.ruleId'],
      [{ filter: { detectedFrom: 'yesterday' }, action: 'resolve' }, 'filter.detectedFrom'],
      [{ filter: { resolvedByEvent: true }, action: 'resolve' }, 'filter'],
      [{ filter: {}, action: 'dismiss' }, 'reason'],
    ];
    for (const [body, field] of bad) {
      const refused = await t.post('/api/v1/signals/bulk', body, agent);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.details.map((d: { path: string }) => d.path)).toContain(`body.${field}`);
    }
    expect((await t.get(`/api/v1/signals/${acted.id}`, agent)).body.state).toBe('acted');
  });

  it('bulk by filter with a KPI condition closes exactly the live signals the list shows with it', async () => {
    // One of each kind a KPI tells apart; each filter and value on a fresh set under its own rule.
    const fresh = async () => {
      const rule = await makeRule(t.db);
      const sig = (o: Parameters<typeof makeSignal>[1]) => makeSignal(t.db, { ruleId: rule.id, ...o });
      const all = [
        await sig({ dueAt: hoursFromNow(2) }),
        await sig({ customerContactedFirst: true }),
        await sig({ state: 'acted', actedAt: hoursAgo(1) }),
        await sig({
          state: 'acted',
          actedAt: hoursAgo(2),
          customerContactAt: hoursAgo(1),
          dueAt: hoursFromNow(1),
        }),
        await sig({
          state: 'acted',
          actedAt: hoursAgo(1),
          customerContactedFirst: true,
          dueAt: hoursFromNow(3),
        }),
        await sig({ state: 'resolved', resolvedAt: hoursAgo(1), dueAt: hoursFromNow(1) }),
        await sig({ state: 'dismissed', resolvedAt: hoursAgo(1), customerContactedFirst: true }),
      ];
      return { rule, all };
    };
    const expected = {
      caughtBeforeContact: { true: [0, 2, 3], false: [1, 4] },
      contactAvoided: { true: [2], false: [0, 1, 3, 4] },
      hasDueTime: { true: [0, 3, 4], false: [1, 2] },
    } as const;
    for (const key of ['caughtBeforeContact', 'contactAvoided', 'hasDueTime'] as const) {
      for (const value of [true, false]) {
        const { rule, all } = await fresh();
        const before = await Promise.all(
          all.map(async (x) => (await t.get(`/api/v1/signals/${x.id}`, agent)).body.state as string),
        );
        const listed = await t.get(
          `/api/v1/signals?ruleId=${rule.id}&state=open,acted&${key}=${value}&limit=100`,
          agent,
        );
        const want = expected[key][`${value}`].map((i) => all[i]!.id).sort();
        expect(ids(listed).sort(), `${key}=${value}`).toEqual(want);
        const res = await t.post(
          '/api/v1/signals/bulk',
          { filter: { ruleId: rule.id, [key]: value }, action: 'resolve', reason: `${key} ${value}` },
          agent,
        );
        expect(res.status).toBe(200);
        expect(res.body, `${key}=${value}`).toEqual({ closed: want, alreadyClosed: [], skippedActions: 0 });
        for (const [i, x] of all.entries()) {
          const now = (await t.get(`/api/v1/signals/${x.id}`, agent)).body;
          expect(now.state, `${key}=${value} #${i}`).toBe(want.includes(x.id) ? 'resolved' : before[i]);
        }
      }
    }
    const refused = await t.post(
      '/api/v1/signals/bulk',
      { filter: { hasDueTime: 'yes' }, action: 'resolve' },
      agent,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.map((d: { path: string }) => d.path)).toContain(
      'body.filter.hasDueTime',
    );
  });

  it('bulk by filter: more live signals than the limit match: 422 and nothing changes', async () => {
    const rule = await makeRule(t.db);
    // Just past the limit, written set-based (the factory makes one at a time).
    await t.db.execute(sql`
      insert into signals (id, rule_id, rule_version, kind, severity, state, title, dedupe_key, refs,
        detected_at, evidence_count, last_evidence_at)
      select gen_random_uuid(), ${rule.id}, 1, 'match', 'low', 'open', 'Flood ' || g, 'flood:' || g, '{}'::jsonb, now(), 0, now()
      from generate_series(1, ${MAX_BULK_SIGNALS_BY_FILTER + 1}) g`);
    const res = await t.post(
      '/api/v1/signals/bulk',
      { filter: { ruleId: rule.id }, action: 'dismiss', reason: 'flood' },
      agent,
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('too_many_signals');
    expect(res.body.error.message).toContain(String(MAX_BULK_SIGNALS_BY_FILTER));
    const [left] = await rows<{ open: number }>(
      t.db,
      sql`select count(*)::int as open from signals where rule_id = ${rule.id} and state = 'open'`,
    );
    expect(left?.open).toBe(MAX_BULK_SIGNALS_BY_FILTER + 1);
    // Still too many with a filter that takes them all; the limit itself goes through.
    const stillTooMany = await t.post(
      '/api/v1/signals/bulk',
      {
        filter: { ruleId: rule.id, detectedTo: new Date(Date.now() + 60_000).toISOString() },
        action: 'resolve',
      },
      agent,
    );
    expect(stillTooMany.status).toBe(422);
    await t.db.execute(
      sql`update signals set severity = 'high' where rule_id = ${rule.id} and title = 'Flood 1'`,
    );
    const rest = await t.post(
      '/api/v1/signals/bulk',
      { filter: { ruleId: rule.id, severity: 'low' }, action: 'resolve' },
      agent,
    );
    expect(rest.status).toBe(200);
    expect(rest.body.closed).toHaveLength(MAX_BULK_SIGNALS_BY_FILTER);
  });

  it.runIf(usingPostgres())(
    'bulk closes racing over the same signals (PostgreSQL): each signal ends once, none waits on another forever',
    async () => {
      const signals = await Promise.all(Array.from({ length: 40 }, () => makeSignal(t.db)));
      const forward = signals.map((s) => s.id);
      const backward = [...forward].reverse();
      const answers = await Promise.all([
        t.post('/api/v1/signals/bulk', { ids: forward, action: 'dismiss', reason: 'outage' }, agent),
        t.post('/api/v1/signals/bulk', { ids: backward, action: 'resolve' }, admin),
        t.post(
          '/api/v1/signals/bulk',
          { ids: forward.slice(10, 30), action: 'dismiss', reason: 'dup' },
          agent,
        ),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      const closed = answers.flatMap((a) => a.body.closed as string[]);
      expect(closed.sort()).toEqual([...forward].sort());
      const [events] = await rows<{ n: number; signals: number }>(
        t.db,
        sql`select count(*)::int as n, count(distinct entity_id)::int as signals from domain_events
          where entity_type = 'signal' and entity_id = any(${sql.param(forward)}::uuid[])`,
      );
      expect(events).toEqual({ n: 40, signals: 40 });
    },
  );

  it('customers may neither see nor handle signals, the board or the KPIs', async () => {
    const customer = await makeCustomer(t.db);
    const own = await makeUser(t.db, 'customer', { customerId: customer.id });
    // Even a signal about the customer themselves.
    const signal = await makeSignal(t.db, { customerId: customer.id });
    for (const token of [customerToken, own.token]) {
      for (const res of [
        await t.get('/api/v1/signals', token),
        await t.get(`/api/v1/signals?customerId=${customer.id}`, token),
        await t.get(`/api/v1/signals/${signal.id}`, token),
        await t.post(`/api/v1/signals/${signal.id}/dismiss`, { reason: 'mine' }, token),
        await t.post(`/api/v1/signals/${signal.id}/resolve`, {}, token),
        await t.post('/api/v1/signals/bulk', { ids: [signal.id], action: 'dismiss', reason: 'mine' }, token),
        await t.get('/api/v1/board', token),
        await t.get('/api/v1/kpis/proactive', token),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    }
    expect((await t.get('/api/v1/signals')).status).toBe(401);
    expect((await t.get(`/api/v1/signals/${signal.id}`, agent)).body.state).toBe('open');
  });
});

describe('signals: a proactive case opened by hand', () => {
  const caseOf = async (id: string) => (await t.get(`/api/v1/cases/${id}`, admin)).body;
  const agentId = async () => (await t.get('/api/v1/auth/me', agent)).body.id as string;

  it('opens a case for a live signal without one: yours, proactive, with its refs; the signal is acted on', async () => {
    const customer = await makeCustomer(t.db);
    const signal = await makeSignal(t.db, {
      customerId: customer.id,
      severity: 'high',
      title: 'Shipment SH-77 not scanned for 48 hours',
      refKey: 'shipmentId',
      refValue: `SH-${unique()}`,
    });
    const res = await t.post(`/api/v1/signals/${signal.id}/case`, {}, agent);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: signal.id, state: 'acted', caseId: expect.any(String) });
    expect(res.body.actedAt).not.toBeNull();
    const opened = await caseOf(res.body.caseId);
    expect(opened).toMatchObject({
      subject: 'Shipment SH-77 not scanned for 48 hours',
      channel: 'proactive',
      priority: 'high',
      customerId: customer.id,
      assigneeId: await agentId(),
      refs: { shipmentId: signal.refValue },
    });
    const [event] = await rows<{ type: string; data: any; actor_id: string }>(
      t.db,
      sql`select type, data, actor_id from domain_events where entity_id = ${signal.id} and type = 'signal.case_opened'`,
    );
    expect(event).toEqual({
      type: 'signal.case_opened',
      data: { from: 'open', caseId: opened.id, caseNumber: opened.number, joined: false },
      actor_id: await agentId(),
    });
    // Once: the signal has its case now.
    const again = await t.post(`/api/v1/signals/${signal.id}/case`, {}, agent);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('signal_has_case');

    // Another signal about the same shipment joins that case instead of opening a second one.
    const repeat = await makeSignal(t.db, {
      customerId: customer.id,
      title: 'Shipment SH-77 reported damaged',
      refKey: 'shipmentId',
      refValue: signal.refValue!,
    });
    const joined = await t.post(`/api/v1/signals/${repeat.id}/case`, { note: 'Called the carrier' }, admin);
    expect(joined.status).toBe(200);
    expect(joined.body.caseId).toBe(opened.id);
    const notes = (await t.get(`/api/v1/cases/${opened.id}/messages`, admin)).body.items.map(
      (m: { body: string }) => m.body,
    );
    expect(notes).toContain(
      'Another signal about this: Shipment SH-77 reported damaged\n\nCalled the carrier',
    );
  });

  it('takes a subject, priority, note and an unassigned case when asked', async () => {
    const customer = await makeCustomer(t.db);
    const signal = await makeSignal(t.db, { customerId: customer.id, severity: 'low' });
    const res = await t.post(
      `/api/v1/signals/${signal.id}/case`,
      {
        subject: '  Check the invoice  ',
        priority: 'urgent',
        note: 'Finance says the VAT is wrong',
        assignToMe: false,
      },
      agent,
    );
    expect(res.status).toBe(200);
    const opened = await caseOf(res.body.caseId);
    expect(opened).toMatchObject({ subject: 'Check the invoice', priority: 'urgent', assigneeId: null });
    const messages = (await t.get(`/api/v1/cases/${opened.id}/messages`, admin)).body.items;
    expect(messages.map((m: { body: string; public: boolean }) => [m.body, m.public])).toEqual([
      ['Finance says the VAT is wrong', false],
    ]);
  });

  it('refuses an ended signal, one about nobody, bad input and customers; a refusal writes nothing', async () => {
    const customer = await makeCustomer(t.db);
    const dismissed = await makeSignal(t.db, {
      customerId: customer.id,
      state: 'dismissed',
      resolvedAt: new Date(),
    });
    const closed = await t.post(`/api/v1/signals/${dismissed.id}/case`, {}, agent);
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('signal_closed');

    const nobody = await makeSignal(t.db);
    const none = await t.post(`/api/v1/signals/${nobody.id}/case`, {}, agent);
    expect(none.status).toBe(422);
    expect(none.body.error.code).toBe('signal_without_customer');

    expect((await t.post(`/api/v1/signals/${crypto.randomUUID()}/case`, {}, agent)).status).toBe(404);
    const signal = await makeSignal(t.db, { customerId: customer.id });
    for (const body of [{ priority: 'asap' }, { subject: '   ' }, { assignToMe: 'yes' }, { extra: 1 }]) {
      const bad = await t.post(`/api/v1/signals/${signal.id}/case`, body, agent);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.error.code).toBe('validation_error');
    }
    // A team or category that does not exist: refused by the case's own checks, nothing opened.
    for (const body of [{ teamId: crypto.randomUUID() }, { category: 'no_such_category' }]) {
      const bad = await t.post(`/api/v1/signals/${signal.id}/case`, body, agent);
      expect(bad.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(bad.status).toBeLessThan(500);
    }
    const own = await makeUser(t.db, 'customer', { customerId: customer.id });
    expect((await t.post(`/api/v1/signals/${signal.id}/case`, {}, own.token)).status).toBe(403);
    expect((await t.get(`/api/v1/signals/${signal.id}`, agent)).body).toMatchObject({
      state: 'open',
      caseId: null,
    });
    const [opened] = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from cases where customer_id = ${customer.id}`,
    );
    expect(opened!.n).toBe(0);
  });
});

describe('signals: their proactive case ends', () => {
  const actionStates = async (id: string) =>
    (
      await rows<{ state: string }>(
        t.db,
        sql`select state from signal_actions where signal_id = ${id} order by position`,
      )
    ).map((r) => r.state);

  it('solving the case resolves its live signals (pending actions skipped); reopening leaves them resolved', async () => {
    const customer = await makeCustomer(t.db);
    const first = await makeSignal(t.db, { customerId: customer.id, actions: [{ kind: 'escalate' }] });
    const opened = (await t.post(`/api/v1/signals/${first.id}/case`, {}, agent)).body;
    const second = await makeSignal(t.db, {
      customerId: customer.id,
      state: 'acted',
      actedAt: new Date(),
      caseId: opened.caseId,
    });
    const dismissedBefore = await makeSignal(t.db, {
      customerId: customer.id,
      state: 'dismissed',
      resolvedAt: hoursAgo(1),
      caseId: opened.caseId,
    });
    const number = opened.caseNumber as number;
    const solved = await t.patch(`/api/v1/cases/${opened.caseId}`, { status: 'solved' }, agent);
    expect(solved.status).toBe(200);
    for (const s of [first, second]) {
      expect((await t.get(`/api/v1/signals/${s.id}`, agent)).body).toMatchObject({
        state: 'resolved',
        resolution: `resolved with case #${number} (solved)`,
        resolvedByEvent: false,
      });
    }
    expect(await actionStates(first.id)).toEqual(['skipped']);
    expect((await t.get(`/api/v1/signals/${dismissedBefore.id}`, agent)).body.state).toBe('dismissed');
    const [event] = await rows<{ data: any; actor_id: string }>(
      t.db,
      sql`select data, actor_id from domain_events where entity_id = ${second.id} and type = 'signal.resolved'`,
    );
    expect(event!.data).toEqual({
      from: 'acted',
      resolution: `resolved with case #${number} (solved)`,
      skippedActions: 0,
      caseId: opened.caseId,
    });
    expect(event!.actor_id).toBe((await t.get('/api/v1/auth/me', agent)).body.id);

    // Reopened: the signals stay resolved (a new firing opens a new one).
    expect((await t.patch(`/api/v1/cases/${opened.caseId}`, { status: 'open' }, agent)).status).toBe(200);
    expect((await t.get(`/api/v1/signals/${first.id}`, agent)).body.state).toBe('resolved');
  });

  it('a case solved with a reply, or closed, resolves them too; other cases’ signals stay live', async () => {
    const customer = await makeCustomer(t.db);
    const a = await makeSignal(t.db, { customerId: customer.id });
    const b = await makeSignal(t.db, { customerId: customer.id });
    const other = await makeSignal(t.db, { customerId: customer.id });
    const caseA = (await t.post(`/api/v1/signals/${a.id}/case`, { subject: 'A' }, agent)).body;
    const caseB = (await t.post(`/api/v1/signals/${b.id}/case`, { subject: 'B' }, agent)).body;
    await t.post(`/api/v1/signals/${other.id}/case`, { subject: 'other' }, agent);
    const reply = await t.post(
      `/api/v1/cases/${caseA.caseId}/messages`,
      { body: 'Your parcel is on its way again.', public: true, status: 'solved' },
      agent,
    );
    expect(reply.status).toBe(201);
    expect((await t.get(`/api/v1/signals/${a.id}`, agent)).body.resolution).toBe(
      `resolved with case #${caseA.caseNumber} (solved)`,
    );
    expect((await t.patch(`/api/v1/cases/${caseB.caseId}`, { status: 'closed' }, admin)).status).toBe(200);
    expect((await t.get(`/api/v1/signals/${b.id}`, agent)).body.resolution).toBe(
      `resolved with case #${caseB.caseNumber} (closed)`,
    );
    expect((await t.get(`/api/v1/signals/${other.id}`, agent)).body.state).toBe('acted');
  });

  it('merging the case moves its signals to the case it was merged into', async () => {
    const customer = await makeCustomer(t.db);
    const signal = await makeSignal(t.db, { customerId: customer.id });
    const source = (await t.post(`/api/v1/signals/${signal.id}/case`, { subject: 'dup' }, agent)).body;
    const target = await makeCase(t.db, customer.id);
    const merged = await t.post(`/api/v1/cases/${source.caseId}/merge`, { intoId: target.id }, agent);
    expect(merged.status).toBe(200);
    // Live still, now on the case that carries on.
    expect((await t.get(`/api/v1/signals/${signal.id}`, agent)).body).toMatchObject({
      state: 'acted',
      caseId: target.id,
    });
  });
});

describe('signals: whose case nobody owns', () => {
  it('lists the signals whose case is unsolved, not deleted and assigned to nobody; the count, the field and the board agree', async () => {
    const rule = await makeRule(t.db, { name: `Nobody on it ${unique()}` });
    const customer = await makeCustomer(t.db);
    const team = await t.post('/api/v1/teams', { name: `Desk ${unique()}` }, admin);
    expect(team.status).toBe(201);
    const sig = (hours: number, o: Parameters<typeof makeSignal>[1] = {}) =>
      makeSignal(t.db, {
        ruleId: rule.id,
        customerId: customer.id,
        state: 'acted',
        actedAt: hoursAgo(hours),
        detectedAt: hoursAgo(hours),
        ...o,
      });
    const caseFor = async (o: Parameters<typeof makeCase>[2] = {}) =>
      (await makeCase(t.db, customer.id, o)).id;

    const unassigned = await sig(1, { caseId: await caseFor() });
    // Waiting on the customer is still a case to own.
    const waitingCase = await caseFor();
    expect((await t.patch(`/api/v1/cases/${waitingCase}`, { status: 'pending' }, agent)).status).toBe(200);
    const waiting = await sig(2, { caseId: waitingCase });
    const assigned = await sig(3, { caseId: await caseFor({ assigneeId: agentUserId }) });
    // In a team's queue, but nobody has taken it: a team is not an owner.
    const teamOnly = await sig(4, { caseId: await caseFor({ teamId: team.body.id }) });
    // Ended, while its case is still open and nobody's.
    const resolvedOpenCase = await sig(5, {
      state: 'resolved',
      resolvedAt: hoursAgo(1),
      caseId: await caseFor(),
    });
    // Solved: its live signal is resolved with it, and nobody needs to own it any more.
    const solvedCase = await caseFor();
    const solved = await sig(6, { caseId: solvedCase });
    expect((await t.patch(`/api/v1/cases/${solvedCase}`, { status: 'solved' }, agent)).status).toBe(200);
    // Deleted (only a case without live signals can be).
    const deletedCase = await caseFor();
    const deleted = await sig(7, { state: 'dismissed', resolvedAt: hoursAgo(1), caseId: deletedCase });
    expect((await t.del(`/api/v1/cases/${deletedCase}`, admin)).status).toBe(204);
    const noCase = await sig(8);
    const openNoCase = await sig(9, { state: 'open', actedAt: null });
    // Open with its case opened, a later action still pending (a customer mail held): nobody's too.
    const openUnowned = await sig(4.5, { state: 'open', actedAt: null, caseId: await caseFor() });

    const list = async (q: string) => t.get(`/api/v1/signals?ruleId=${rule.id}&${q}`, agent);
    const nobody = [unassigned, waiting, teamOnly, openUnowned, resolvedOpenCase].map((x) => x.id);
    const others = [assigned, solved, deleted, noCase, openNoCase].map((x) => x.id);
    expect(ids(await list('caseUnassigned=true'))).toEqual(nobody);
    expect(ids(await list('caseUnassigned=false'))).toEqual(others);
    expect(ids(await list('caseUnassigned=true&state=acted'))).toEqual(nobody.slice(0, 3));
    expect(ids(await list('caseUnassigned=true&state=open'))).toEqual([openUnowned.id]);
    expect(ids(await list('caseUnassigned=true&state=open,acted'))).toEqual(nobody.slice(0, 4));
    expect(ids(await list('caseUnassigned=true&state=resolved,dismissed'))).toEqual([resolvedOpenCase.id]);
    // The counts count what the pages list.
    for (const [q, n] of [
      ['caseUnassigned=true', 5],
      ['caseUnassigned=false', 5],
      ['caseUnassigned=true&state=acted', 3],
      ['caseUnassigned=true&state=open,acted', 4],
    ] as const) {
      expect((await list(`${q}&limit=1&includeTotal=true`)).body.total, q).toBe(n);
    }
    const first = await list('caseUnassigned=true&limit=3');
    const rest = await list(`caseUnassigned=true&limit=3&cursor=${first.body.nextCursor}`);
    expect([...ids(first), ...ids(rest)]).toEqual(nobody);
    expect(rest.body.nextCursor).toBeNull();
    // Each signal says it, in the list and on its own.
    const all = (await list('limit=100')).body.items as { id: string; caseUnassigned: boolean }[];
    expect(all.filter((x) => x.caseUnassigned).map((x) => x.id)).toEqual(nobody);
    expect((await t.get(`/api/v1/signals/${unassigned.id}`, agent)).body).toMatchObject({
      caseUnassigned: true,
      caseAssignee: null,
    });
    expect((await t.get(`/api/v1/signals/${solved.id}`, agent)).body).toMatchObject({
      state: 'resolved',
      caseUnassigned: false,
    });

    // The board counts the live ones (open or acted on: their pills say "nobody on it"),
    // everyone's, as the list it links to (state=open,acted) does.
    const liveTotal = async () =>
      (await t.get('/api/v1/signals?state=open,acted&caseUnassigned=true&limit=1&includeTotal=true', agent))
        .body.total as number;
    const boardCount = async () =>
      (await t.get('/api/v1/board', agent)).body.counts.liveCaseUnassigned as number;
    const before = await liveTotal();
    expect(before).toBeGreaterThanOrEqual(4);
    expect(await boardCount()).toBe(before);

    // Someone takes the case: the signal leaves the list; left again, it is back.
    const taken = await t.patch(`/api/v1/cases/${unassigned.caseId}`, { assigneeId: agentUserId }, agent);
    expect(taken.status).toBe(200);
    expect(ids(await list('caseUnassigned=true'))).toEqual(nobody.slice(1));
    expect((await t.get(`/api/v1/signals/${unassigned.id}`, agent)).body.caseUnassigned).toBe(false);
    expect(await liveTotal()).toBe(before - 1);
    expect(await boardCount()).toBe(before - 1);
    // The open one's too.
    const takenOpen = await t.patch(
      `/api/v1/cases/${openUnowned.caseId}`,
      { assigneeId: agentUserId },
      agent,
    );
    expect(takenOpen.status).toBe(200);
    expect(await liveTotal()).toBe(before - 2);
    expect(await boardCount()).toBe(before - 2);
    await t.patch(`/api/v1/cases/${unassigned.caseId}`, { assigneeId: null }, agent);
    await t.patch(`/api/v1/cases/${openUnowned.caseId}`, { assigneeId: null }, agent);
    expect(ids(await list('caseUnassigned=true'))).toEqual(nobody);
    expect(await boardCount()).toBe(before);

    // The export takes the filter as the list does.
    const csv = await t.get<string>(
      `/api/v1/signals/export.csv?ruleId=${rule.id}&caseUnassigned=true&timezone=UTC`,
      agent,
    );
    expect(csv.status).toBe(200);
    expect(csv.body.trim().split('\n')).toHaveLength(1 + nobody.length);

    const bad = await list('caseUnassigned=yes');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toContain('query.caseUnassigned');
  });

  it('bulk by filter closes exactly the live signals the list shows with it', async () => {
    const rule = await makeRule(t.db);
    const customer = await makeCustomer(t.db);
    const sig = async (assigneeId?: string) =>
      makeSignal(t.db, {
        ruleId: rule.id,
        customerId: customer.id,
        state: 'acted',
        actedAt: hoursAgo(1),
        caseId: (await makeCase(t.db, customer.id, assigneeId ? { assigneeId } : {})).id,
      });
    const nobody = [await sig(), await sig()];
    const owned = await sig(agentUserId);
    const noCase = await makeSignal(t.db, { ruleId: rule.id, customerId: customer.id });
    const listed = await t.get(
      `/api/v1/signals?ruleId=${rule.id}&caseUnassigned=true&state=open,acted`,
      agent,
    );
    const want = nobody.map((x) => x.id).sort();
    expect(ids(listed).sort()).toEqual(want);
    const res = await t.post(
      '/api/v1/signals/bulk',
      { filter: { ruleId: rule.id, caseUnassigned: true }, action: 'dismiss', reason: 'handled by phone' },
      agent,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ closed: want, alreadyClosed: [], skippedActions: 0 });
    expect((await t.get(`/api/v1/signals/${owned.id}`, agent)).body.state).toBe('acted');
    expect((await t.get(`/api/v1/signals/${noCase.id}`, agent)).body.state).toBe('open');
    const refused = await t.post(
      '/api/v1/signals/bulk',
      { filter: { caseUnassigned: 'true' }, action: 'resolve' },
      agent,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.map((d: { path: string }) => d.path)).toContain(
      'body.filter.caseUnassigned',
    );
  });

  it('is for staff only: customers get 403 for the filter, its export, its bulk close and the board', async () => {
    const customer = await makeCustomer(t.db);
    const own = await makeUser(t.db, 'customer', { customerId: customer.id });
    // About the customer themselves, with a case nobody owns.
    const signal = await makeSignal(t.db, {
      customerId: customer.id,
      state: 'acted',
      caseId: (await makeCase(t.db, customer.id)).id,
    });
    for (const token of [customerToken, own.token]) {
      for (const res of [
        await t.get('/api/v1/signals?caseUnassigned=true', token),
        await t.get(`/api/v1/signals?customerId=${customer.id}&caseUnassigned=true`, token),
        await t.get('/api/v1/signals/export.csv?caseUnassigned=true', token),
        await t.post(
          '/api/v1/signals/bulk',
          { filter: { customerId: customer.id, caseUnassigned: true }, action: 'resolve' },
          token,
        ),
        await t.get('/api/v1/board', token),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    }
    expect((await t.get('/api/v1/signals?caseUnassigned=true')).status).toBe(401);
    const staff = await t.get(`/api/v1/signals?customerId=${customer.id}&caseUnassigned=true`, agent);
    expect(staff.status).toBe(200);
    expect(ids(staff)).toEqual([signal.id]);
    expect((await t.get(`/api/v1/signals/${signal.id}`, agent)).body.state).toBe('acted');
  });
});

describe('board', () => {
  let b: TestApp;
  let token: string;
  beforeAll(async () => {
    b = await startTestApp();
    token = (await makeUser(b.db, 'agent')).token;
  });
  afterAll(() => b?.close());

  it('lists live signals most severe then oldest first, and commitments due within the horizon', async () => {
    const rule = await makeRule(b.db);
    const sig = async (severity: any, hours: number, state: any = 'open') =>
      makeSignal(b.db, { ruleId: rule.id, severity, state, detectedAt: hoursAgo(hours) });
    const a = await sig('low', 5);
    const bb = await sig('critical', 1, 'acted');
    const c = await sig('critical', 3);
    const d = await sig('high', 2);
    await sig('medium', 6, 'resolved');
    await sig('high', 7, 'dismissed');
    const g = await sig('medium', 10);

    const customer = await makeCustomer(b.db);
    const com = (state: any, dueHours: number) =>
      makeCommitment(b.db, { customerId: customer.id, state, dueAt: hoursFromNow(dueHours) });
    const k1 = await com('overdue', -5);
    const k2 = await com('open', 10);
    const k3 = await com('open', 47);
    const k4 = await com('open', 72);
    await com('met', 5);
    await com('late', -30);
    const k6 = await com('open', -1);

    const res = await b.get('/api/v1/board', token);
    expect(res.status).toBe(200);
    expect(res.body.signals.map((s: any) => s.id)).toEqual([c.id, bb.id, d.id, g.id, a.id]);
    expect(res.body.signals[0]).toMatchObject({ ruleName: rule.name, severity: 'critical', state: 'open' });
    expect(res.body.commitmentsDueSoon.map((k: any) => k.id)).toEqual([k1.id, k6.id, k2.id, k3.id]);
    expect(res.body.commitmentsDueSoon[0]).toMatchObject({ state: 'overdue', customerName: customer.name });
    expect(res.body.counts).toEqual({
      bySeverity: { low: 1, medium: 1, high: 1, critical: 2 },
      openSignals: 5,
      overdueCommitments: 1,
      dueSoonCommitments: 3,
      heldCustomerMails: 0,
      liveCaseUnassigned: 0,
    });
    expect(Math.abs(Date.parse(res.body.generatedAt) - Date.now())).toBeLessThan(60_000);

    const wide = await b.get('/api/v1/board?horizon=P4D', token);
    expect(wide.body.commitmentsDueSoon.map((k: any) => k.id)).toEqual([k1.id, k6.id, k2.id, k3.id, k4.id]);
    expect(wide.body.counts.dueSoonCommitments).toBe(4);
    const narrow = await b.get('/api/v1/board?horizon=PT1H', token);
    expect(narrow.body.commitmentsDueSoon.map((k: any) => k.id)).toEqual([k1.id, k6.id]);
    expect(narrow.body.counts).toMatchObject({ overdueCommitments: 1, dueSoonCommitments: 1 });

    const bad = await b.get('/api/v1/board?horizon=2%20days', token);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('query.horizon');
  });

  it('shows at most 200 signals, while the counts count them all', async () => {
    const rule = await makeRule(b.db);
    await b.db.execute(sql`
      insert into signals (id, rule_id, rule_version, kind, severity, state, title, dedupe_key, detected_at)
      select gen_random_uuid(), ${rule.id}, 1, 'match', 'low', 'open', 'bulk ' || i, 'bulk:' || i, now() - i * interval '1 minute'
      from generate_series(1, 210) as i`);
    const res = await b.get('/api/v1/board', token);
    expect(res.body.signals).toHaveLength(200);
    expect(res.body.counts.openSignals).toBe(215);
    expect(res.body.counts.bySeverity.low).toBe(211);
  });
});

describe('proactive KPIs', () => {
  let k: TestApp;
  let token: string;
  const from = '2026-03-01T00:00:00.000Z';
  const to = '2026-04-01T00:00:00.000Z';
  const at = (iso: string) => new Date(iso);
  const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000);

  beforeAll(async () => {
    k = await startTestApp();
    token = (await makeUser(k.db, 'admin')).token;
    const rule = await makeRule(k.db);
    const sig = (o: Parameters<typeof makeSignal>[1]) => makeSignal(k.db, { ruleId: rule.id, ...o });
    const d1 = '2026-03-02T10:00:00.000Z';
    const d2 = '2026-03-10T10:00:00.000Z';
    const d4 = '2026-03-20T08:30:00.000Z';
    const d5 = '2026-03-31T23:00:00.000Z';
    // 1: handled before the customer wrote: caught, avoided; lead 120 min
    await sig({ severity: 'critical', state: 'resolved', detectedAt: at(d1), dueAt: plus(d1, 120) });
    // 2: acted, but the customer wrote in later: caught, not avoided; lead 60
    await sig({
      severity: 'high',
      state: 'acted',
      detectedAt: at(d2),
      dueAt: plus(d2, 60),
      customerContactAt: plus(d2, 30),
    });
    // 3: the customer had written first: not caught; open; no due time
    await sig({
      severity: 'high',
      state: 'open',
      detectedAt: at('2026-03-15T00:00:00.000Z'),
      customerContactedFirst: true,
    });
    // 4: dismissed: caught, not avoided; lead 30
    await sig({ severity: 'medium', state: 'dismissed', detectedAt: at(d4), dueAt: plus(d4, 30) });
    // 5: resolved but the customer wrote first: not caught, not avoided; lead 240
    await sig({
      severity: 'low',
      state: 'resolved',
      detectedAt: at(d5),
      dueAt: plus(d5, 240),
      customerContactedFirst: true,
    });
    // 6: at the period's first instant: caught, avoided; no due time
    await sig({ severity: 'medium', state: 'acted', detectedAt: at(from) });
    // Outside [from, to): just before, and at its end.
    await sig({ severity: 'critical', state: 'resolved', detectedAt: plus(from, -1), dueAt: plus(from, 10) });
    await sig({ severity: 'critical', state: 'acted', detectedAt: at(to), dueAt: plus(to, 10) });

    const com = (state: any, closedAt: Date | null) =>
      makeCommitment(k.db, { state, closedAt, dueAt: closedAt ?? hoursFromNow(1) });
    for (const day of ['03', '12', '28']) await com('met', at(`2026-03-${day}T12:00:00.000Z`));
    await com('late', at('2026-03-05T00:00:00.000Z'));
    await com('broken', at('2026-03-31T23:59:59.000Z'));
    await com('cancelled', at('2026-03-06T00:00:00.000Z'));
    await com('met', at('2026-02-27T00:00:00.000Z'));
    await com('late', at(to));
    await com('overdue', null);
    await com('open', null);
  });
  afterAll(() => k?.close());

  it('counts, shares, lead-time percentiles and commitment outcomes over the period', async () => {
    const res = await k.get(`/api/v1/kpis/proactive?from=${from}&to=${to}`, token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from,
      to,
      signals: 6,
      caughtBeforeContact: 4,
      caughtBeforeContactShare: 4 / 6,
      contactsAvoided: 2,
      // Lead times 30, 60, 120, 240: median between 60 and 120; p90 at 2.7 of 3 steps.
      leadTimeMinutes: { median: 90, p90: 204, count: 4 },
      bySeverity: { low: 1, medium: 2, high: 2, critical: 1 },
      commitments: { met: 3, late: 1, broken: 1, overdue: 1, onTimeRate: 0.5 },
    });
  });

  it('an empty period has no shares or percentiles; overdue commitments still count', async () => {
    const res = await k.get(
      '/api/v1/kpis/proactive?from=2025-01-01T00:00:00.000Z&to=2025-02-01T00:00:00.000Z',
      token,
    );
    expect(res.body).toEqual({
      from: '2025-01-01T00:00:00.000Z',
      to: '2025-02-01T00:00:00.000Z',
      signals: 0,
      caughtBeforeContact: 0,
      caughtBeforeContactShare: null,
      contactsAvoided: 0,
      leadTimeMinutes: { median: null, p90: null, count: 0 },
      bySeverity: { low: 0, medium: 0, high: 0, critical: 0 },
      commitments: { met: 0, late: 0, broken: 0, overdue: 1, onTimeRate: 0 },
    });
  });

  it('defaults to the last 30 days; refuses a backwards period', async () => {
    const res = await k.get('/api/v1/kpis/proactive', token);
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.to) - Date.parse(res.body.from)).toBe(30 * 24 * 3600_000);
    expect(Math.abs(Date.parse(res.body.to) - Date.now())).toBeLessThan(60_000);
    const back = await k.get(`/api/v1/kpis/proactive?from=${to}&to=${from}`, token);
    expect(back.status).toBe(400);
    expect(back.body.error.details).toEqual([{ path: 'query.from', message: 'from must be before to' }]);
    expect((await k.get('/api/v1/kpis/proactive?from=yesterday', token)).status).toBe(400);
  });
});
