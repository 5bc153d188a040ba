// Signal rules through the API: writing (admins), reading (staff), versions, switching, deleting,
// the checks the schema cannot make, and dry runs over events sent through POST /events.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  makeAgreement,
  makeCustomer,
  makeSegment,
  makeUser,
  unique,
} from '../../../../test/helpers/factories.js';
import { makeExpectation, makeSignal } from '../../../../test/helpers/signal-factories.js';
import { RuleDefinition } from '../../../shared/schemas/rules.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { createTeam, deleteTeam } from '../teams/teams.service.js';
import { dryRun } from './dry-run.js';

let t: TestApp;
let admin: string;
let agent: string;
let customerToken: string;
let teamId: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = (await makeUser(t.db, 'agent')).token;
  customerToken = (await makeUser(t.db, 'customer')).token;
  teamId = (await createTeam(t.db, SYSTEM_ACTOR, { name: `Logistics ${unique()}` })).id;
});
afterAll(() => t?.close());

const put = (path: string, body: unknown, token: string) => t.request('PUT', path, { body, token });

// The issue's examples, one per kind.
const damagedShipment = () => ({
  kind: 'match',
  name: `Damaged shipment ${unique()}`,
  severity: 'high',
  when: {
    type: 'shipment.exception',
    where: [{ field: 'data.reason', op: 'in', value: ['damaged', 'lost'] }],
  },
  actions: [
    {
      kind: 'open_case',
      category: 'damaged_product',
      priority: 'high',
      subject: 'Shipment {{refs.shipmentId}} arrived damaged',
    },
    { kind: 'notify_customer', message: 'We saw that your order {{refs.orderId}} arrived damaged.' },
  ],
});
const noScan = () => ({
  kind: 'absence',
  name: `No scan 48 h after dispatch ${unique()}`,
  severity: 'high',
  after: { type: 'shipment.dispatched' },
  expect: { type: 'shipment.scanned' },
  sameRef: 'shipmentId',
  within: 'PT48H',
  actions: [{ kind: 'notify_team', teamId, message: 'Shipment {{refs.shipmentId}} has not moved' }],
});
const willMissPromise = () => ({
  kind: 'absence',
  name: `Will miss promise ${unique()}`,
  severity: 'critical',
  after: { type: 'order.promised' },
  expect: { type: 'shipment.delivered' },
  sameRef: 'orderId',
  by: 'data.promisedAt',
  lead: 'PT24H',
  actions: [
    { kind: 'open_case', category: 'late_delivery', subject: 'Order {{refs.orderId}} will be late' },
    { kind: 'notify_customer', message: 'Your order {{refs.orderId}} will arrive later than promised.' },
  ],
});
const complaints = () => ({
  kind: 'threshold',
  name: `Three complaints in 30 days ${unique()}`,
  severity: 'critical',
  when: { type: 'complaint.received' },
  count: 3,
  window: 'P30D',
  per: 'customer',
  actions: [
    { kind: 'open_case', category: 'complaint', subject: 'Third complaint this month', teamId },
    { kind: 'escalate', priority: 'urgent' },
  ],
});

async function createRule(definition: Record<string, unknown>) {
  const res = await t.post('/api/v1/rules', definition, admin);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const domainEventsOf = (id: string) =>
  rows<{ type: string; data: any }>(
    t.db,
    sql`select type, data from domain_events where entity_type = 'signal_rule' and entity_id = ${id} order by occurred_at, id`,
  );

describe('rules: write and read', () => {
  it.each([
    ['match', damagedShipment],
    ['absence', noScan],
    ['absence', willMissPromise],
    ['threshold', complaints],
  ])('creates a %s rule at version 1, with its defaults filled in', async (kind, build) => {
    const input = build();
    const created = await createRule(input);
    expect(created).toMatchObject({
      version: 1,
      name: input.name,
      kind,
      severity: input.severity,
      enabled: true,
      openSignals: 0,
    });
    expect(created.definition).toMatchObject({ ...input, enabled: true });
    expect((await t.get(`/api/v1/rules/${created.id}`, agent)).body).toEqual(created);
    const versions = await t.get(`/api/v1/rules/${created.id}/versions`, agent);
    expect(versions.body.items).toHaveLength(1);
    expect(versions.body.items[0]).toMatchObject({ version: 1, definition: created.definition });
    expect((await domainEventsOf(created.id)).map((e) => e.type)).toEqual(['rule.created']);
  });

  it('fills in the defaults: severity medium, enabled, no actions, case category other', async () => {
    const created = await createRule({
      kind: 'match',
      name: `Bare ${unique()}`,
      when: { type: 'order.cancelled' },
    });
    expect(created).toMatchObject({ severity: 'medium', enabled: true });
    expect(created.definition.actions).toEqual([]);
    const withCase = await createRule({
      kind: 'match',
      name: `Case ${unique()}`,
      when: { type: 'order.cancelled' },
      actions: [{ kind: 'open_case', subject: 'Cancelled' }],
    });
    expect(withCase.definition.actions[0]).toEqual({
      kind: 'open_case',
      category: 'other',
      priority: 'normal',
      subject: 'Cancelled',
    });
  });

  it('lists by name in pages, with kind and enabled filters', async () => {
    const prefix = `AAA-${unique()}`;
    const made = [];
    for (const [i, name] of ['c', 'a', 'b', 'd', 'e'].entries()) {
      made.push(
        await createRule({
          ...(i % 2 ? complaints() : damagedShipment()),
          name: `${prefix}-${name}`,
          enabled: i !== 4,
        }),
      );
    }
    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await t.get(`/api/v1/rules?limit=2${cursor ? `&cursor=${cursor}` : ''}`, agent);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    expect(new Set(seen.map((r) => r.id)).size).toBe(seen.length);
    const mine = seen.filter((r) => r.name.startsWith(prefix)).map((r) => r.name);
    expect(mine).toEqual(['a', 'b', 'c', 'd', 'e'].map((n) => `${prefix}-${n}`));
    // The pages together are the one long list (the database's collation decides the order).
    const all = await t.get('/api/v1/rules?limit=500', agent);
    expect(seen.map((r) => r.id)).toEqual(all.body.items.map((r: any) => r.id));

    const thresholds = await t.get('/api/v1/rules?kind=threshold&limit=500', agent);
    expect(thresholds.body.items.every((r: any) => r.kind === 'threshold')).toBe(true);
    expect(
      thresholds.body.items.filter((r: any) => r.name.startsWith(prefix)).map((r: any) => r.name),
    ).toEqual([`${prefix}-a`, `${prefix}-d`]);
    const disabled = await t.get('/api/v1/rules?enabled=false&limit=500', agent);
    expect(disabled.body.items.map((r: any) => r.name)).toContain(`${prefix}-e`);
    expect(disabled.body.items.every((r: any) => r.enabled === false)).toBe(true);
    expect((await t.get('/api/v1/rules?cursor=nonsense', agent)).body.error.code).toBe('invalid_cursor');
  });

  it('PUT: a changed definition is a new version; an identical one changes nothing', async () => {
    const input = noScan();
    const created = await createRule(input);
    const same = await put(`/api/v1/rules/${created.id}`, input, admin);
    expect(same.status).toBe(200);
    expect(same.body).toEqual(created);

    const changed = await put(`/api/v1/rules/${created.id}`, { ...input, within: 'PT24H' }, admin);
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ version: 2, definition: { within: 'PT24H' } });
    const renamed = await put(
      `/api/v1/rules/${created.id}`,
      { ...input, within: 'PT24H', name: 'Renamed', severity: 'critical' },
      admin,
    );
    expect(renamed.body).toMatchObject({ version: 3, name: 'Renamed', severity: 'critical' });
    // The stored definition comes back in a different key order: still identical.
    const again = await put(`/api/v1/rules/${created.id}`, renamed.body.definition, admin);
    expect(again.body.version).toBe(3);
    expect(again.body.updatedAt).toBe(renamed.body.updatedAt);

    const versions = await t.get(`/api/v1/rules/${created.id}/versions`, agent);
    expect(versions.body.items.map((v: any) => [v.version, v.definition.within, v.definition.name])).toEqual([
      [3, 'PT24H', 'Renamed'],
      [2, 'PT24H', input.name],
      [1, 'PT48H', input.name],
    ]);
    expect(versions.body.items[0].createdBy).not.toBeNull();
    expect((await domainEventsOf(created.id)).map((e) => e.type)).toEqual([
      'rule.created',
      'rule.updated',
      'rule.updated',
    ]);
  });

  // Agents read a rule's history but not the users list: each version names its author itself.
  it('names who saved each version, to an agent, also once that user is deleted', async () => {
    const author = await makeUser(t.db, 'admin');
    const input = damagedShipment();
    const created = (await t.post('/api/v1/rules', input, author.token)).body;
    await put(`/api/v1/rules/${created.id}`, { ...input, severity: 'critical' }, admin);
    expect((await t.del(`/api/v1/users/${author.user.id}`, admin)).status).toBe(204);
    const versions = await t.get(`/api/v1/rules/${created.id}/versions`, agent);
    expect(versions.body.items.map((v: any) => [v.version, v.createdBy, v.createdByName])).toEqual([
      [2, expect.any(String), expect.any(String)],
      [1, author.user.id, author.user.name],
    ]);
    expect(versions.body.items[0].createdByName).not.toBe(author.user.name);
  });

  it('PUT that differs only in enabled switches the rule without a new version', async () => {
    const input = damagedShipment();
    const created = await createRule(input);
    const off = await put(`/api/v1/rules/${created.id}`, { ...input, enabled: false }, admin);
    expect(off.body).toMatchObject({ version: 1, enabled: false, definition: { enabled: false } });
    expect((await t.get(`/api/v1/rules/${created.id}/versions`, agent)).body.items).toHaveLength(1);
    expect((await domainEventsOf(created.id)).map((e) => e.type)).toEqual(['rule.created', 'rule.disabled']);
  });

  it('the kind of a rule stays', async () => {
    const created = await createRule(damagedShipment());
    const res = await put(`/api/v1/rules/${created.id}`, { ...complaints(), name: created.name }, admin);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('rule_kind_fixed');
    expect(res.body.error.details).toEqual([{ path: 'body.kind', message: expect.any(String) }]);
    expect((await t.get(`/api/v1/rules/${created.id}`, agent)).body.version).toBe(1);
  });

  it('PATCH switches a rule on and off, keeping definition.enabled in step', async () => {
    const created = await createRule(complaints());
    const off = await t.patch(`/api/v1/rules/${created.id}`, { enabled: false }, admin);
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ enabled: false, version: 1, definition: { enabled: false } });
    const offAgain = await t.patch(`/api/v1/rules/${created.id}`, { enabled: false }, admin);
    expect(offAgain.body.updatedAt).toBe(off.body.updatedAt);
    const on = await t.patch(`/api/v1/rules/${created.id}`, { enabled: true }, admin);
    expect(on.body).toMatchObject({ enabled: true, version: 1, definition: { enabled: true } });
    expect((await domainEventsOf(created.id)).map((e) => e.type)).toEqual([
      'rule.created',
      'rule.disabled',
      'rule.enabled',
    ]);
    expect((await t.patch(`/api/v1/rules/${created.id}`, { enabled: 'no' }, admin)).status).toBe(400);
    expect((await t.patch(`/api/v1/rules/${crypto.randomUUID()}`, { enabled: true }, admin)).status).toBe(
      404,
    );
  });

  it('says how the rule did in the last 30 days: signals, resolved (by themselves), dismissed (its own only)', async () => {
    const created = await createRule(damagedShipment());
    const other = await createRule(damagedShipment());
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
    await makeSignal(t.db, { ruleId: created.id, state: 'open' });
    await makeSignal(t.db, { ruleId: created.id, state: 'acted', detectedAt: daysAgo(3) });
    await makeSignal(t.db, { ruleId: created.id, state: 'resolved', detectedAt: daysAgo(10) });
    await makeSignal(t.db, {
      ruleId: created.id,
      state: 'resolved',
      resolvedByEvent: true,
      detectedAt: daysAgo(12),
    });
    await makeSignal(t.db, { ruleId: created.id, state: 'dismissed', detectedAt: daysAgo(29) });
    await makeSignal(t.db, { ruleId: created.id, state: 'dismissed', detectedAt: daysAgo(20) });
    await makeSignal(t.db, { ruleId: created.id, state: 'dismissed', detectedAt: daysAgo(31) }); // too old
    await makeSignal(t.db, { ruleId: other.id, state: 'dismissed' });
    const one = await t.get(`/api/v1/rules/${created.id}`, agent);
    expect(one.body).toMatchObject({
      openSignals: 2,
      last30Days: { signals: 6, resolved: 2, resolvedByEvent: 1, dismissed: 2 },
    });
    const list = await t.get('/api/v1/rules?limit=500', agent);
    const listed = (id: string) => list.body.items.find((r: { id: string }) => r.id === id);
    expect(listed(created.id).last30Days).toEqual({
      signals: 6,
      resolved: 2,
      resolvedByEvent: 1,
      dismissed: 2,
    });
    expect(listed(other.id).last30Days).toEqual({
      signals: 1,
      resolved: 0,
      resolvedByEvent: 0,
      dismissed: 1,
    });
    const fresh = await createRule(damagedShipment());
    expect(fresh.last30Days).toEqual({ signals: 0, resolved: 0, resolvedByEvent: 0, dismissed: 0 });
  });

  it('DELETE removes a rule (soft); its signals stay', async () => {
    const created = await createRule(damagedShipment());
    const signal = await makeSignal(t.db, { ruleId: created.id });
    expect((await t.get(`/api/v1/rules/${created.id}`, agent)).body.openSignals).toBe(1);
    const res = await t.del(`/api/v1/rules/${created.id}`, admin);
    expect(res.status).toBe(204);
    expect((await t.get(`/api/v1/rules/${created.id}`, agent)).status).toBe(404);
    expect((await t.get(`/api/v1/rules/${created.id}/versions`, agent)).status).toBe(404);
    expect((await put(`/api/v1/rules/${created.id}`, damagedShipment(), admin)).status).toBe(404);
    expect((await t.del(`/api/v1/rules/${created.id}`, admin)).status).toBe(404);
    const list = await t.get('/api/v1/rules?limit=500', agent);
    expect(list.body.items.map((r: any) => r.id)).not.toContain(created.id);
    const kept = await t.get(`/api/v1/signals/${signal.id}`, agent);
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ state: 'open', ruleName: created.name });
    expect((await domainEventsOf(created.id)).map((e) => e.type)).toEqual(['rule.created', 'rule.deleted']);
  });

  it('switching off or deleting an absence rule cancels its waiting timers, not the closed ones', async () => {
    const stateOf = async (id: string) =>
      (
        await rows<{ state: string; closed: boolean }>(
          t.db,
          sql`select state, closed_at is not null as closed from rule_expectations where id = ${id}`,
        )
      )[0];
    const rule = await createRule(noScan());
    const waiting = await makeExpectation(t.db, { ruleId: rule.id });
    const fired = await makeExpectation(t.db, { ruleId: rule.id, state: 'fired' });
    const other = await makeExpectation(t.db, { ruleId: (await createRule(noScan())).id });

    // A new definition leaves running waits alone.
    await put(`/api/v1/rules/${rule.id}`, { ...rule.definition, within: 'PT12H' }, admin);
    expect(await stateOf(waiting.id)).toEqual({ state: 'waiting', closed: false });

    await t.patch(`/api/v1/rules/${rule.id}`, { enabled: false }, admin);
    expect(await stateOf(waiting.id)).toEqual({ state: 'cancelled', closed: true });
    expect(await stateOf(fired.id)).toEqual({ state: 'fired', closed: true });
    expect(await stateOf(other.id)).toEqual({ state: 'waiting', closed: false });
    const events = await domainEventsOf(rule.id);
    expect(events.at(-1)).toEqual({ type: 'rule.disabled', data: { cancelledWaits: 1 } });

    const doomed = await createRule(noScan());
    const doomedWait = await makeExpectation(t.db, { ruleId: doomed.id });
    await t.del(`/api/v1/rules/${doomed.id}`, admin);
    expect(await stateOf(doomedWait.id)).toEqual({ state: 'cancelled', closed: true });

    const viaPut = await createRule(noScan());
    const putWait = await makeExpectation(t.db, { ruleId: viaPut.id });
    await put(`/api/v1/rules/${viaPut.id}`, { ...viaPut.definition, enabled: false }, admin);
    expect(await stateOf(putWait.id)).toEqual({ state: 'cancelled', closed: true });
  });
});

describe('rules: checks', () => {
  let deletedTeamId: string;
  let segment: string;
  let agreementId: string;
  beforeAll(async () => {
    deletedTeamId = (await createTeam(t.db, SYSTEM_ACTOR, { name: `Gone ${unique()}` })).id;
    await deleteTeam(t.db, SYSTEM_ACTOR, deletedTeamId);
    segment = (await makeSegment(t.db)).key;
    agreementId = (await makeAgreement(t.db)).id;
  });

  const missing = '00000000-0000-4000-8000-000000000000';
  const openCase = { kind: 'open_case', subject: 'Look' };
  it.each([
    [
      'open_case team',
      () => [{ ...openCase, teamId: missing }],
      'invalid_reference',
      'body.actions.0.teamId',
    ],
    [
      'a deleted team',
      () => [{ ...openCase, teamId: deletedTeamId }],
      'invalid_reference',
      'body.actions.0.teamId',
    ],
    [
      'notify_team team',
      () => [{ kind: 'notify_team', teamId: missing, message: 'x' }],
      'invalid_reference',
      'body.actions.0.teamId',
    ],
    [
      'escalate team',
      () => [openCase, { kind: 'escalate', teamId: missing }],
      'invalid_reference',
      'body.actions.1.teamId',
    ],
    [
      'case category',
      () => [{ ...openCase, category: 'no_such_category' }],
      'invalid_reference',
      'body.actions.0.category',
    ],
    [
      'start_playbook',
      () => [{ kind: 'start_playbook', playbookId: missing }],
      'action_unavailable',
      'body.actions.0',
    ],
    [
      'attach_to_incident',
      () => [openCase, { kind: 'attach_to_incident', incidentId: missing }],
      'action_unavailable',
      'body.actions.1',
    ],
    [
      'notify_customer without a case',
      () => [{ kind: 'notify_customer', message: 'hi' }, openCase],
      'action_needs_case',
      'body.actions.0',
    ],
    ['escalate without a case', () => [{ kind: 'escalate' }], 'action_needs_case', 'body.actions.0'],
  ])('refuses an action naming %s', async (_what, actions, code, path) => {
    const res = await t.post('/api/v1/rules', { ...damagedShipment(), actions: actions() }, admin);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.details.map((d: any) => d.path)).toEqual([path]);
    expect(res.body.error.message.startsWith(`${path}: `)).toBe(true);
  });

  it('refuses scopes naming segments or agreements that do not exist; accepts real ones', async () => {
    const badSegment = await t.post(
      '/api/v1/rules',
      { ...damagedShipment(), scope: { segments: [segment, 'no-such-segment'] } },
      admin,
    );
    expect(badSegment.status).toBe(422);
    expect(badSegment.body.error).toMatchObject({
      code: 'invalid_reference',
      details: [{ path: 'body.scope.segments.1', message: 'no segment "no-such-segment"' }],
    });
    const badAgreement = await t.post(
      '/api/v1/rules',
      { ...damagedShipment(), scope: { agreements: [missing] } },
      admin,
    );
    expect(badAgreement.status).toBe(422);
    expect(badAgreement.body.error.details).toEqual([
      { path: 'body.scope.agreements.0', message: 'no such agreement' },
    ]);
    const ok = await t.post(
      '/api/v1/rules',
      { ...damagedShipment(), scope: { segments: [segment], agreements: [agreementId] } },
      admin,
    );
    expect(ok.status).toBe(201);
    // The same checks on PUT.
    const put422 = await put(
      `/api/v1/rules/${ok.body.id}`,
      { ...ok.body.definition, actions: [{ kind: 'escalate' }] },
      admin,
    );
    expect(put422.status).toBe(422);
    expect(put422.body.error.code).toBe('action_needs_case');
  });

  it('names every problem in details, the first one in code and message', async () => {
    const res = await t.post(
      '/api/v1/rules',
      {
        ...damagedShipment(),
        actions: [{ kind: 'escalate' }, { kind: 'notify_team', teamId: missing, message: 'x' }],
        scope: { segments: ['nope'] },
      },
      admin,
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('action_needs_case');
    expect(res.body.error.details.map((d: any) => d.path)).toEqual([
      'body.actions.0',
      'body.actions.1.teamId',
      'body.scope.segments.0',
    ]);
  });

  it.each([
    [
      { when: { type: 'shipment.exception', where: [{ field: 'data.x', op: 'like', value: 1 }] } },
      'body.when.where.0.op',
    ],
    [
      { when: { type: 'shipment.exception', where: [{ field: 'nonsense', op: 'eq', value: 1 }] } },
      'body.when.where.0.field',
    ],
    [
      { when: { type: 'shipment.exception', where: [{ field: 'data.x', op: 'in', value: 1 }] } },
      'body.when.where.0.value',
    ],
    [{ when: { type: 'Shipment' } }, 'body.when.type'],
    [{ severity: 'dire' }, 'body.severity'],
    [{ actions: [{ kind: 'open_case' }] }, 'body.actions.0.subject'],
    [{ surprise: true }, 'body'],
  ])('refuses a malformed rule %j naming %s', async (override, path) => {
    const res = await t.post('/api/v1/rules', { ...damagedShipment(), ...override }, admin);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details.map((d: any) => d.path)).toContain(path);
  });

  it('refuses an absence rule without within or by, a bad duration, a threshold of 1', async () => {
    const { within: _, ...noWithin } = noScan();
    const absent = await t.post('/api/v1/rules', noWithin, admin);
    expect(absent.status).toBe(400);
    expect(absent.body.error.details.map((d: any) => d.path)).toContain('body.within');
    const badDuration = await t.post('/api/v1/rules', { ...noScan(), within: '48 hours' }, admin);
    expect(badDuration.body.error.details.map((d: any) => d.path)).toContain('body.within');
    const one = await t.post('/api/v1/rules', { ...complaints(), count: 1 }, admin);
    expect(one.body.error.details.map((d: any) => d.path)).toContain('body.count');
    const noKind = await t.post('/api/v1/rules', { name: 'x', when: { type: 'a.b' } }, admin);
    expect(noKind.status).toBe(400);
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await t.request('POST', '/api/v1/rules', { raw: '{"kind": "match",', token: admin });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
  });
});

describe('rules: who may', () => {
  it('agents read but do not write; customers do not even read', async () => {
    const rule = await createRule(damagedShipment());
    const id = rule.id;
    expect((await t.get('/api/v1/rules', agent)).status).toBe(200);
    expect((await t.get(`/api/v1/rules/${id}`, agent)).status).toBe(200);
    expect((await t.get(`/api/v1/rules/${id}/versions`, agent)).status).toBe(200);
    for (const res of [
      await t.post('/api/v1/rules', damagedShipment(), agent),
      await put(`/api/v1/rules/${id}`, damagedShipment(), agent),
      await t.patch(`/api/v1/rules/${id}`, { enabled: false }, agent),
      await t.del(`/api/v1/rules/${id}`, agent),
      await t.post('/api/v1/rules/dry-run', { definition: damagedShipment() }, agent),
      await t.post(`/api/v1/rules/${id}/dry-run`, {}, agent),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    for (const res of [
      await t.get('/api/v1/rules', customerToken),
      await t.get(`/api/v1/rules/${id}`, customerToken),
      await t.get(`/api/v1/rules/${id}/versions`, customerToken),
      await t.post('/api/v1/rules', damagedShipment(), customerToken),
      await t.post('/api/v1/rules/dry-run', { definition: damagedShipment() }, customerToken),
    ]) {
      expect(res.status).toBe(403);
    }
    expect((await t.get('/api/v1/rules')).status).toBe(401);
    expect((await t.get(`/api/v1/rules/${id}`, agent)).body).toEqual(rule);
  });
});

describe('dry run', () => {
  // Event types no stored, enabled rule looks at, so the live engine leaves these events alone.
  const T = `dry${unique().replace(/[0-9]/g, 'x')}`;
  const types = {
    exception: `${T}.exception`,
    dispatched: `${T}.dispatched`,
    scanned: `${T}.scanned`,
    tick: `${T}.tick`,
  };
  const ago = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
  let sourceToken: string;
  const customers: { id: string; name: string; externalId: string }[] = [];
  const sent: Record<string, string> = {};

  const tickAt = ago(6);
  beforeAll(async () => {
    const src = await t.post('/api/v1/event-sources', { key: `wms-${unique()}`, name: 'Warehouse' }, admin);
    sourceToken = src.body.token;
    for (let i = 0; i < 4; i++) {
      const c = await makeCustomer(t.db, { externalId: `C-${unique()}`, name: `Dry customer ${i}` });
      customers.push({ id: c.id, name: c.name, externalId: c.externalId! });
    }
    const ev = (id: string, type: string, hoursAgo: number, customer: number, refs: object, data = {}) => ({
      id,
      type,
      occurredAt: ago(hoursAgo),
      customer: { externalId: customers[customer]!.externalId },
      refs,
      data,
    });
    const batch = [
      // Three customers with damaged shipments, one with a late one; customer 0 twice.
      ev('x1', types.exception, 50, 0, { shipmentId: 'SH-1' }, { reason: 'damaged' }),
      ev('x2', types.exception, 40, 1, { shipmentId: 'SH-2' }, { reason: 'damaged' }),
      ev('x3', types.exception, 30, 2, { shipmentId: 'SH-3' }, { reason: 'damaged' }),
      ev('x4', types.exception, 20, 3, { shipmentId: 'SH-4' }, { reason: 'late' }),
      ev('x5', types.exception, 10, 0, { shipmentId: 'SH-5' }, { reason: 'damaged' }),
      // Long ago: outside the default 30 days.
      ev('x6', types.exception, 24 * 40, 3, { shipmentId: 'SH-6' }, { reason: 'damaged' }),
      // Two shipments dispatched 3 days ago; one scanned the next day, one never.
      ev('d1', types.dispatched, 72, 0, { shipmentId: 'SH-10' }),
      ev('d2', types.dispatched, 72, 1, { shipmentId: 'SH-11' }),
      ev('s1', types.scanned, 48, 0, { shipmentId: 'SH-10' }),
      // Five at the very same instant, for paging across equal times.
      ...[1, 2, 3, 4, 5].map((i) => ({ ...ev(`t${i}`, types.tick, 0, 3, {}), occurredAt: tickAt })),
    ];
    const res = await t.post('/api/v1/events', { events: batch }, sourceToken);
    expect(res.body.accepted).toBe(batch.length);
    const stored = await rows<{ id: string; event_id: string }>(
      t.db,
      sql`select id, event_id from events where type like ${`${T}.%`}`,
    );
    for (const e of stored) sent[e.event_id] = e.id;
  });

  const damaged = () => ({
    kind: 'match',
    name: 'Damaged (dry)',
    when: { type: types.exception, where: [{ field: 'data.reason', op: 'eq', value: 'damaged' }] },
    dedupe: { ref: 'shipmentId' },
  });

  it('a match rule would fire once per damaged shipment, for 3 customers', async () => {
    const res = await t.post('/api/v1/rules/dry-run', { definition: damaged() }, admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ eventsScanned: 5, truncated: false, signals: 4 });
    expect(res.body.customers).toEqual([
      { customerId: customers[0]!.id, name: 'Dry customer 0', signals: 2 },
      { customerId: customers[1]!.id, name: 'Dry customer 1', signals: 1 },
      { customerId: customers[2]!.id, name: 'Dry customer 2', signals: 1 },
    ]);
    expect(res.body.samples.map((s: any) => [s.customerId, s.ref, s.evidence])).toEqual([
      [customers[0]!.id, 'SH-1', [sent.x1]],
      [customers[1]!.id, 'SH-2', [sent.x2]],
      [customers[2]!.id, 'SH-3', [sent.x3]],
      [customers[0]!.id, 'SH-5', [sent.x5]],
    ]);
    expect(Date.parse(res.body.to) - Date.parse(res.body.from)).toBe(30 * 24 * 3600_000);
    expect(Math.abs(Date.parse(res.body.to) - Date.now())).toBeLessThan(60_000);
  });

  it('without a dedupe ref a customer has one live signal; the period bounds what is read', async () => {
    const { dedupe: _, ...perCustomer } = damaged();
    const res = await t.post('/api/v1/rules/dry-run', { definition: perCustomer }, admin);
    expect(res.body).toMatchObject({ signals: 3, eventsScanned: 5 });
    expect(res.body.customers.map((c: any) => c.signals)).toEqual([1, 1, 1]);
    // Only the last 35 hours: x3, x4, x5.
    const recent = await t.post(
      '/api/v1/rules/dry-run',
      { definition: damaged(), from: ago(35), to: ago(0) },
      admin,
    );
    expect(recent.body).toMatchObject({ eventsScanned: 3, signals: 2 });
    // Fifty days back: x6 too.
    const long = await t.post('/api/v1/rules/dry-run', { definition: damaged(), from: ago(24 * 50) }, admin);
    expect(long.body).toMatchObject({ eventsScanned: 6, signals: 5 });
  });

  it('an absence rule fires for the shipment not scanned in time only', async () => {
    const res = await t.post(
      '/api/v1/rules/dry-run',
      {
        definition: {
          kind: 'absence',
          name: 'No scan (dry)',
          after: { type: types.dispatched },
          expect: { type: types.scanned },
          sameRef: 'shipmentId',
          within: 'PT36H',
        },
      },
      admin,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ eventsScanned: 3, truncated: false, signals: 1 });
    expect(res.body.customers).toEqual([
      { customerId: customers[1]!.id, name: 'Dry customer 1', signals: 1 },
    ]);
    expect(res.body.samples).toEqual([
      { customerId: customers[1]!.id, ref: 'SH-11', firedAt: expect.any(String), evidence: [sent.d2] },
    ]);
    // It fired when the 36 hours were up.
    const dispatchedAt = Date.parse(ago(72));
    expect(Math.abs(Date.parse(res.body.samples[0].firedAt) - (dispatchedAt + 36 * 3600_000))).toBeLessThan(
      60_000,
    );
  });

  it('a stored rule (disabled) is tried as stored, or with an edit not saved yet', async () => {
    const stored = await createRule({ ...damaged(), enabled: false });
    const res = await t.post(`/api/v1/rules/${stored.id}/dry-run`, {}, admin);
    expect(res.status).toBe(200);
    expect(res.body.signals).toBe(4);
    const edited = await t.post(
      `/api/v1/rules/${stored.id}/dry-run`,
      { definition: { ...damaged(), when: { type: types.exception } } },
      admin,
    );
    expect(edited.body.signals).toBe(5);
    expect((await t.post(`/api/v1/rules/${crypto.randomUUID()}/dry-run`, {}, admin)).status).toBe(404);
  });

  it('refuses an invalid definition, a missing one, and an empty period', async () => {
    const invalid = await t.post(
      '/api/v1/rules/dry-run',
      {
        definition: {
          ...damaged(),
          when: { type: types.exception, where: [{ field: 'x', op: 'eq', value: 1 }] },
        },
      },
      admin,
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.map((d: any) => d.path)).toContain(
      'body.definition.when.where.0.field',
    );
    const none = await t.post('/api/v1/rules/dry-run', {}, admin);
    expect(none.status).toBe(400);
    expect(none.body.error.details.map((d: any) => d.path)).toContain('body.definition');
    const backwards = await t.post(
      '/api/v1/rules/dry-run',
      { definition: damaged(), from: ago(1), to: ago(2) },
      admin,
    );
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details).toEqual([{ path: 'body.from', message: 'from must be before to' }]);
    const unknownScope = await t.post(
      '/api/v1/rules/dry-run',
      { definition: { ...damaged(), scope: { segments: ['nope'] } } },
      admin,
    );
    expect(unknownScope.status).toBe(422);
    expect(unknownScope.body.error.details[0].path).toBe('body.definition.scope.segments.0');
  });

  it('scopes by agreement: only customers the agreement applies to', async () => {
    const psa = await makeAgreement(t.db, { scope: { customerId: customers[1]!.id } });
    const res = await t.post(
      '/api/v1/rules/dry-run',
      { definition: { ...damaged(), scope: { agreements: [psa.id] } } },
      admin,
    );
    expect(res.body.signals).toBe(1);
    expect(res.body.customers).toEqual([
      { customerId: customers[1]!.id, name: 'Dry customer 1', signals: 1 },
    ]);
  });

  it('reads in keyset pages (equal times included) and stops at the event limit', async () => {
    const period = { from: new Date(Date.now() - 30 * 24 * 3600_000), to: new Date() };
    const every = RuleDefinition.parse({
      kind: 'match',
      name: 'Every tick',
      when: { type: types.tick },
      dedupe: { enabled: false },
    });
    const paged = await dryRun(t.db, { definition: every, ...period, pageSize: 2 });
    expect(paged).toMatchObject({ eventsScanned: 5, truncated: false, signals: 5 });
    expect(paged.samples.flatMap((x) => x.evidence).sort()).toEqual(
      ['t1', 't2', 't3', 't4', 't5'].map((id) => sent[id]!).sort(),
    );
    const exact = await dryRun(t.db, { definition: every, ...period, pageSize: 5, maxEvents: 5 });
    expect(exact).toMatchObject({ eventsScanned: 5, truncated: false });
    const cut = await dryRun(t.db, { definition: every, ...period, pageSize: 2, maxEvents: 4 });
    expect(cut).toMatchObject({ eventsScanned: 4, truncated: true, signals: 4 });
    const matches = RuleDefinition.parse(damaged());
    const cutShort = await dryRun(t.db, { definition: matches, ...period, pageSize: 10, maxEvents: 2 });
    expect(cutShort).toMatchObject({ eventsScanned: 2, truncated: true, signals: 2 });
    expect(cutShort.samples.map((x) => x.evidence[0])).toEqual([sent.x1, sent.x2]);
  });

  it('writes nothing', async () => {
    const counts = async () =>
      (
        await rows<Record<string, number>>(
          t.db,
          sql`select (select count(*)::int from signals) as signals,
                     (select count(*)::int from signal_evidence) as evidence,
                     (select count(*)::int from rule_expectations) as waits,
                     (select count(*)::int from rule_hits) as hits,
                     (select count(*)::int from signal_rules) as rules,
                     (select count(*)::int from domain_events) as domain_events`,
        )
      )[0];
    const before = await counts();
    const res = await t.post('/api/v1/rules/dry-run', { definition: damaged() }, admin);
    expect(res.body.signals).toBe(4);
    expect(await counts()).toEqual(before);
    // Nothing the dry runs saw became a signal, a wait or a hit.
    const [touched] = await rows<{ n: number }>(
      t.db,
      sql`select (select count(*)::int from signal_evidence v join events e on e.id = v.event_id where e.type like ${`${T}.%`})
               + (select count(*)::int from rule_expectations x join events e on e.id = x.started_by_event_id where e.type like ${`${T}.%`})
               + (select count(*)::int from rule_hits h join events e on e.id = h.event_id where e.type like ${`${T}.%`}) as n`,
    );
    expect(touched!.n).toBe(0);
  });
});
