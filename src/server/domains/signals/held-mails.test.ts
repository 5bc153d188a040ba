// Customer mails held while a feed is broken: an absence rule fired, but the source that sends the
// awaited event is silent, so the mail to the customer waits (the case still opens); it is skipped
// when the backlog brings the event, and sent once the source has spoken again for a while.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import {
  eventOf as ev,
  postRule,
  postSource,
  startEventsApp,
  typesFor,
  type EventsApp,
} from '../../../../test/helpers/event-ingest.js';
import { makeCustomer, makeUser, unique } from '../../../../test/helpers/factories.js';
import { checkSourceSilence } from '../events/source-silence.js';
import { runSignalActions } from './actions.js';
import { fireDueExpectations } from './expectations.js';
import {
  HOLD_RECHECK_MINUTES,
  RESUME_GRACE_MINUTES,
  heldEventTypes,
  holdCustomerMails,
} from './held-mails.js';
import { usingPostgres } from '../../../../test/helpers/db.js';

let app: EventsApp;
beforeAll(async () => {
  app = await startEventsApp();
});
afterAll(() => app?.t.close());

interface Source {
  id: string;
  key: string;
  token: string;
}

const makeSource = (name: string): Promise<Source> => postSource(app, { name, silenceAlertMinutes: 30 });

async function send(source: Source, events: Record<string, unknown>[]) {
  const res = await app.t.post('/api/v1/events', { events }, source.token);
  expect(res.status).toBe(200);
  expect(res.body.accepted, JSON.stringify(res.body)).toBe(events.length);
}

/** The source heard last so many minutes ago, then the silence check. */
async function silentFor(source: Source, minutes: number) {
  await app.t.db.execute(
    sql`update event_sources set last_event_at = now() - make_interval(mins => ${minutes}) where id = ${source.id}`,
  );
  await checkSourceSilence(app.t.db);
}

const secondsAgo = (s: number) => new Date(Date.now() - s * 1000).toISOString();

interface ActionView {
  kind: string;
  state: string;
  heldSince: string | null;
  heldReason: string | null;
  error: string | null;
}

async function signalOf(ruleId: string) {
  const list = await app.t.get(`/api/v1/signals?ruleId=${ruleId}`, app.agent);
  expect(list.status).toBe(200);
  expect(list.body.items).toHaveLength(1);
  const res = await app.t.get(`/api/v1/signals/${list.body.items[0].id}`, app.agent);
  expect(res.status).toBe(200);
  return res.body as { id: string; state: string; caseId: string | null; actions: ActionView[] };
}

const heldEvents = (signalId: string) =>
  rows<{ data: Record<string, unknown> }>(
    app.t.db,
    sql`select data from domain_events where type = 'signal.action_held' and entity_id = ${signalId}`,
  );

const heldOnBoard = async () => {
  const res = await app.t.get('/api/v1/board', app.agent);
  expect(res.status).toBe(200);
  return res.body.counts.heldCustomerMails as number;
};

/** Customer-visible replies on the case. */
const publicReplies = async (caseId: string) =>
  (
    await rows<{ body: string }>(
      app.t.db,
      sql`select body from messages where case_id = ${caseId} and public order by id`,
    )
  ).map((m) => m.body);

/**
 * A warehouse feed that has sent dispatches and scans, an absence rule (dispatched, no scan
 * within 5 s) that opens a case and tells the customer, and one shipment dispatched 10 s ago.
 */
async function setUp(extra: Record<string, unknown>[] = [], o: { awaitList?: boolean } = {}) {
  const at = typesFor();
  const wms = await makeSource('Warehouse');
  const customer = await makeCustomer(app.t.db, { externalId: `C-${unique()}` });
  const who = { customer: { externalId: customer.externalId } };
  const rule = await postRule(app, {
    kind: 'absence',
    name: `No scan ${unique()}`,
    after: { type: at('dispatched') },
    // One type, or (a list) any of several, one of which the feed has sent.
    expect: { type: o.awaitList ? [at('delivered'), at('scanned')] : at('scanned') },
    sameRef: 'shipmentId',
    within: 'PT5S',
    actions: [
      { kind: 'open_case', subject: 'Shipment {{refs.shipmentId}} has not moved' },
      { kind: 'notify_customer', message: 'Your parcel {{refs.shipmentId}} is late, sorry.' },
      ...extra,
    ],
  });
  const shipment = `SH-${unique()}`;
  // The feed has sent scans before (another shipment): it is where scans come from.
  await send(wms, [
    ev(at('scanned'), { ...who, refs: { shipmentId: `SH-old-${unique()}` }, occurredAt: secondsAgo(60) }),
    ev(at('dispatched'), { ...who, refs: { shipmentId: shipment }, occurredAt: secondsAgo(10) }),
  ]);
  return { at, wms, who, rule, shipment };
}

describe('customer mails of absence rules while the awaited event’s source is silent', () => {
  it('the source learns the types it sends', async () => {
    const at = typesFor();
    const src = await makeSource('Carrier');
    await send(src, [ev(at('b')), ev(at('a')), ev(at('b'))]);
    let view = await app.t.get(`/api/v1/event-sources/${src.key}`, app.admin);
    expect(view.body.eventTypes).toEqual([at('a'), at('b')]);
    await send(src, [ev(at('c')), ev(at('a'))]);
    view = await app.t.get(`/api/v1/event-sources/${src.key}`, app.admin);
    expect(view.body.eventTypes).toEqual([at('a'), at('b'), at('c')]);
    // A rejected event teaches nothing.
    const res = await app.t.post('/api/v1/events', { events: [{ id: 'x', type: at('d') }] }, src.token);
    expect(res.body.rejected).toBe(1);
    view = await app.t.get(`/api/v1/event-sources/${src.key}`, app.admin);
    expect(view.body.eventTypes).toEqual([at('a'), at('b'), at('c')]);
  });

  it('are held (the case still opens), once logged, and skipped when the backlog brings the event', async () => {
    const { at, wms, who, rule, shipment } = await setUp();
    await silentFor(wms, 45);
    expect(await fireDueExpectations(app.t.db)).toBeGreaterThanOrEqual(1);
    await runSignalActions(app.t.db);
    let signal = await signalOf(rule.id);
    expect(signal.caseId).not.toBeNull();
    expect(signal.actions.map((a) => [a.kind, a.state])).toEqual([
      ['open_case', 'done'],
      ['notify_customer', 'pending'],
    ]);
    const held = signal.actions[1]!;
    expect(held.heldSince).not.toBeNull();
    expect(held.heldReason).toMatch(
      new RegExp(
        `^Warehouse \\(${wms.key}\\) sends ${at('scanned').replace('.', '\\.')} and has sent nothing since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC$`,
      ),
    );
    expect(await publicReplies(signal.caseId!)).toEqual([]);
    expect(await heldOnBoard()).toBe(1);

    // Looked at again (even when due again): still held, logged once.
    await app.t.db.execute(
      sql`update signal_actions set run_after = now() where signal_id = ${signal.id} and state = 'pending'`,
    );
    await runSignalActions(app.t.db);
    signal = await signalOf(rule.id);
    expect(signal.actions[1]).toMatchObject({ state: 'pending', heldSince: held.heldSince });
    const logged = await heldEvents(signal.id);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.data).toMatchObject({ kind: 'notify_customer', reason: held.heldReason });
    const [next] = await rows<{ in_minutes: number }>(
      app.t.db,
      sql`select round(extract(epoch from run_after - now()) / 60)::int as in_minutes
        from signal_actions where signal_id = ${signal.id} and state = 'pending'`,
    );
    expect(next!.in_minutes).toBe(HOLD_RECHECK_MINUTES);

    // The feed comes back with its backlog: the scan happened. The signal resolves itself, and
    // the mail is never sent.
    await send(wms, [
      ev(at('scanned'), { ...who, refs: { shipmentId: shipment }, occurredAt: secondsAgo(8) }),
    ]);
    signal = await signalOf(rule.id);
    expect(signal.state).toBe('resolved');
    expect(signal.actions[1]).toMatchObject({ state: 'skipped', heldReason: held.heldReason });
    expect(await publicReplies(signal.caseId!)).toEqual([]);
    expect(await heldOnBoard()).toBe(0);
    // Too late to send it now: the signal ended.
    const late = await app.t.post(
      `/api/v1/signals/${signal.id}/actions/${(held as ActionView & { id: string }).id}/send-now`,
      {},
      app.agent,
    );
    expect([late.status, late.body.error.code]).toEqual([409, 'signal_closed']);
  });

  it('give their reason’s times in the company’s time zone, named', async () => {
    const company = await app.t.patch('/api/v1/settings', { timeZone: 'America/New_York' }, app.admin);
    expect(company.status).toBe(200);
    try {
      const { at, wms, who, rule } = await setUp();
      await silentFor(wms, 45);
      // Silent since noon UTC on 1 July: 08:00 in New York (daylight saving time).
      await app.t.db.execute(
        sql`update event_sources set last_event_at = '2026-07-01T12:00:00Z', silent_since = '2026-07-01T12:00:00Z'
          where id = ${wms.id}`,
      );
      await fireDueExpectations(app.t.db);
      await runSignalActions(app.t.db);
      let signal = await signalOf(rule.id);
      expect(signal.actions[1]!.heldReason).toBe(
        `Warehouse (${wms.key}) sends ${at('scanned')} and has sent nothing since 2026-07-01 08:00 America/New_York`,
      );

      // Speaking again: the time it resumed, in the same zone.
      await send(wms, [ev(at('scanned'), { ...who, refs: { shipmentId: `SH-other-${unique()}` } })]);
      await app.t.db.execute(
        sql`update event_sources set last_event_at = now(), silent_since = '2026-07-01T12:00:00Z' where id = ${wms.id}`,
      );
      await checkSourceSilence(app.t.db);
      const source = (await app.t.get(`/api/v1/event-sources/${wms.key}`, app.admin)).body;
      await app.t.db.execute(
        sql`update signal_actions set run_after = now(), held_reason = null where signal_id = ${signal.id} and state = 'pending'`,
      );
      await runSignalActions(app.t.db);
      signal = await signalOf(rule.id);
      const resumed = new Intl.DateTimeFormat('sv-SE', {
        timeZone: 'America/New_York',
        dateStyle: 'short',
        timeStyle: 'short',
      }).format(new Date(source.resumedAt as string));
      expect(signal.actions[1]!.heldReason).toBe(
        `Warehouse (${wms.key}) sends ${at('scanned')} and speaks again since ${resumed} America/New_York, after a silence: its backlog may still be on its way`,
      );
    } finally {
      await app.t.patch('/api/v1/settings', { timeZone: null }, app.admin);
    }
  });

  it('are sent once the source has spoken again for the grace period, and only then', async () => {
    const { at, wms, who, rule } = await setUp([], { awaitList: true });
    await silentFor(wms, 45);
    await fireDueExpectations(app.t.db);
    await runSignalActions(app.t.db);
    let signal = await signalOf(rule.id);
    expect(signal.actions[1]!.state).toBe('pending');
    expect(signal.actions[1]!.heldReason).toContain(` sends ${at('scanned')} and has sent nothing since `);

    // Events again, but not this shipment's scan: resumed, still inside the grace period.
    await send(wms, [ev(at('scanned'), { ...who, refs: { shipmentId: `SH-other-${unique()}` } })]);
    // (This process noted the source's last event less than a minute ago, in setUp, so it does
    // not note it again yet: as another node would have.)
    await app.t.db.execute(sql`update event_sources set last_event_at = now() where id = ${wms.id}`);
    await checkSourceSilence(app.t.db);
    const source = (await app.t.get(`/api/v1/event-sources/${wms.key}`, app.admin)).body;
    expect(source.silentSince).toBeNull();
    expect(Math.abs(Date.parse(source.resumedAt) - Date.now())).toBeLessThan(60_000);
    const due = () =>
      app.t.db.execute(
        sql`update signal_actions set run_after = now() where signal_id = ${signal.id} and state = 'pending'`,
      );
    await due();
    await runSignalActions(app.t.db);
    signal = await signalOf(rule.id);
    expect(signal.actions[1]!.state).toBe('pending');
    expect(signal.actions[1]!.heldReason).toContain('speaks again since');

    // The grace period over: the mail goes, and keeps when it was held.
    await app.t.db.execute(
      sql`update event_sources set resumed_at = now() - make_interval(mins => ${RESUME_GRACE_MINUTES + 1}) where id = ${wms.id}`,
    );
    await due();
    await runSignalActions(app.t.db);
    signal = await signalOf(rule.id);
    expect(signal.actions[1]).toMatchObject({ state: 'done', error: null });
    expect(signal.actions[1]!.heldSince).not.toBeNull();
    expect(signal.state).toBe('acted');
    expect(await publicReplies(signal.caseId!)).toEqual([
      expect.stringMatching(/^Your parcel SH-.* is late, sorry\.$/),
    ]);
  });

  it('are not held when another source sends the awaited event, nor are other actions', async () => {
    // The silent source sends other types only: not where scans come from.
    const other = await makeSource('Billing');
    await send(other, [ev(`x${unique()}.invoice.issued`)]);
    await silentFor(other, 45);
    // A team told too: not held, even while the scans' own source is silent (below).
    const team = await app.t.post('/api/v1/teams', { name: `Ops ${unique()}` }, app.admin);
    expect(team.status).toBe(201);
    const { rule } = await setUp();
    await fireDueExpectations(app.t.db);
    await runSignalActions(app.t.db);
    let signal = await signalOf(rule.id);
    expect(signal.actions.map((a) => [a.kind, a.state, a.heldReason])).toEqual([
      ['open_case', 'done', null],
      ['notify_customer', 'done', null],
    ]);

    const again = await setUp([{ kind: 'notify_team', teamId: team.body.id, message: 'Look' }]);
    await silentFor(again.wms, 45);
    await fireDueExpectations(app.t.db);
    await runSignalActions(app.t.db);
    signal = await signalOf(again.rule.id);
    // Actions run in order: the team's turn comes after the held mail.
    expect(signal.actions.map((a) => [a.kind, a.state])).toEqual([
      ['open_case', 'done'],
      ['notify_customer', 'pending'],
      ['notify_team', 'pending'],
    ]);
  });

  it('are held by the rule version that fired, not by an edit made since', async () => {
    const { at, wms, rule } = await setUp();
    await silentFor(wms, 45);
    await fireDueExpectations(app.t.db);
    // Edited after it fired: the rule now awaits a type no source sends.
    const { definition } = (await app.t.get(`/api/v1/rules/${rule.id}`, app.admin)).body;
    const edited = await app.t.request('PUT', `/api/v1/rules/${rule.id}`, {
      body: { ...definition, expect: { type: at('signed') } },
      token: app.admin,
    });
    expect(edited.status).toBe(200);
    expect(edited.body.version).toBe(2);
    await runSignalActions(app.t.db);
    const signal = await signalOf(rule.id);
    expect(
      signal.actions.map((a) => [a.kind, a.state, a.heldReason?.includes(at('scanned')) ?? false]),
    ).toEqual([
      ['open_case', 'done', false],
      ['notify_customer', 'pending', true],
    ]);
  });

  it.runIf(usingPostgres())(
    'are held once by runners racing (PostgreSQL): one domain event each',
    async () => {
      const { wms, rule } = await setUp();
      await silentFor(wms, 45);
      await fireDueExpectations(app.t.db);
      await runSignalActions(app.t.db);
      const signal = await signalOf(rule.id);
      // Due again, and unmarked as if never held: four runners mark it at once.
      await app.t.db
        .execute(sql`update signal_actions set run_after = now(), held_since = null, held_reason = null
      where signal_id = ${signal.id} and state = 'pending'`);
      await app.t.db.execute(
        sql`delete from domain_events where type = 'signal.action_held' and entity_id = ${signal.id}`,
      );
      const types = await heldEventTypes(app.t.db);
      const marked = await Promise.all([1, 2, 3, 4].map(() => holdCustomerMails(app.t.db, types)));
      expect(marked.reduce((n, m) => n + m, 0)).toBeGreaterThanOrEqual(1);
      expect(await heldEvents(signal.id)).toHaveLength(1);
    },
  );

  it('staff may send one now: it goes out although the feed is still silent, once, and is not held again', async () => {
    const { wms, rule } = await setUp();
    await silentFor(wms, 45);
    await fireDueExpectations(app.t.db);
    await runSignalActions(app.t.db);
    let signal = await signalOf(rule.id);
    const [opened, mail] = signal.actions as (ActionView & { id: string })[];
    const sendNow = (actionId: string, token = app.agent, signalId = signal.id) =>
      app.t.post(`/api/v1/signals/${signalId}/actions/${actionId}/send-now`, {}, token);

    // Not for customers; not for an action that is not held; not for another signal's action.
    const customer = (await makeUser(app.t.db, 'customer')).token;
    expect((await sendNow(mail!.id, customer)).status).toBe(403);
    const notHeld = await sendNow(opened!.id);
    expect([notHeld.status, notHeld.body.error.code]).toEqual([409, 'action_not_held']);
    const elsewhere = await sendNow(mail!.id, app.agent, '0190a000-0000-7000-8000-000000000000');
    expect(elsewhere.status).toBe(404);

    const res = await sendNow(mail!.id);
    expect(res.status).toBe(200);
    expect(res.body.actions[1]).toMatchObject({ state: 'pending', heldReason: mail!.heldReason });
    expect(Math.abs(Date.parse(res.body.actions[1].holdReleasedAt) - Date.now())).toBeLessThan(60_000);
    const again = await sendNow(mail!.id);
    expect([again.status, again.body.error.code]).toEqual([409, 'action_not_held']);

    // The job sends it, although the warehouse is still silent.
    await runSignalActions(app.t.db);
    signal = await signalOf(rule.id);
    expect(signal.actions[1]).toMatchObject({ state: 'done', error: null });
    expect(await publicReplies(signal.caseId!)).toEqual([expect.stringMatching(/is late, sorry\.$/)]);
    const released = await rows<{ actor_id: string | null; data: Record<string, unknown> }>(
      app.t.db,
      sql`select actor_id, data from domain_events where type = 'signal.action_released' and entity_id = ${signal.id}`,
    );
    expect(released).toHaveLength(1);
    expect(released[0]!.data).toMatchObject({
      kind: 'notify_customer',
      actionId: mail!.id,
      reason: mail!.heldReason,
    });
    expect(released[0]!.actor_id).not.toBeNull();
  });

  it('are not held for a deactivated or deleted source', async () => {
    const { wms, rule } = await setUp();
    await silentFor(wms, 45);
    const off = await app.t.patch(`/api/v1/event-sources/${wms.key}`, { active: false }, app.admin);
    expect(off.status).toBe(200);
    await fireDueExpectations(app.t.db);
    await runSignalActions(app.t.db);
    const signal = await signalOf(rule.id);
    expect(signal.actions.map((a) => [a.kind, a.state])).toEqual([
      ['open_case', 'done'],
      ['notify_customer', 'done'],
    ]);
  });
});
