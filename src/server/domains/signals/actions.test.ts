// The action runner's batch: `open_case` and `notify_customer` actions done set-based give what
// running them one by one gives (cases, clocks, notes, replies, mails, refs, timeline, results),
// leave to the one-by-one path what it must decide, and fall back to it when the batch fails. On PostgreSQL, runners racing on
// one database open each case once.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isEmbedded, openDatabase, rows, type Database } from '../../../db/client.js';
import { createTestDatabase, usingPostgres } from '../../../../test/helpers/db.js';
import {
  makeAgreement,
  makeCalendar,
  makeCase,
  makeCustomerWithAgreement,
  makeCustomer,
  unique,
} from '../../../../test/helpers/factories.js';
import { makeEvent, makeRule, makeSignal } from '../../../../test/helpers/signal-factories.js';
import type { z } from 'zod';
import type { OpenCaseAction } from '../../../shared/schemas/rules.js';
import { RuleAction } from '../../../shared/schemas/rules.js';
import type { SignalState } from '../../../shared/schemas/signals.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { createCase, updateCase } from '../cases/cases.service.js';
import { mergeCases } from '../cases/case-relations.service.js';
import { cases, categories } from '../cases/cases.table.js';
import { deleteCustomer } from '../customers/customers.service.js';
import { createTeam } from '../teams/teams.service.js';
import { updateSettings } from '../settings/settings.service.js';
import { actionBatchFor, lockCustomersForProactiveCases, runSignalActions } from './actions.js';
import { signalActions, signals } from './signals.table.js';

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;
let ruleId: string;
beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  ruleId = (await makeRule(db, { name: 'Order late' })).id;
});
afterAll(() => handle?.close());

type OpenCase = Omit<z.input<typeof OpenCaseAction>, 'kind'>;

/** A signal with one pending open_case action; its evidence one event with these refs and data. */
async function pendingSignal(o: {
  customerId: string | null;
  refs: Record<string, string>;
  title: string;
  action: OpenCase;
  data?: Record<string, unknown>;
  state?: SignalState;
}) {
  const event = await makeEvent(db, {
    type: 'order.late',
    customerId: o.customerId,
    refs: o.refs,
    data: o.data ?? {},
    occurredAt: new Date('2026-01-05T10:00:00.250Z'),
  });
  const s = await makeSignal(db, {
    ruleId,
    customerId: o.customerId,
    title: o.title,
    state: o.state,
    evidence: [event.id],
  });
  await db.update(signals).set({ refs: o.refs }).where(eq(signals.id, s.id));
  await db.insert(signalActions).values({
    signalId: s.id,
    position: 0,
    kind: 'open_case',
    params: RuleAction.parse({ kind: 'open_case', ...o.action }),
  });
  return s.id;
}

/** The test database, with its transactions counted: how many began, and most at once. */
function watchTransactions() {
  const watch = { db: Object.create(db) as Database, count: 0, most: 0, inFlight: 0 };
  watch.db.transaction = ((fn: never, config?: never) => {
    watch.count++;
    watch.most = Math.max(watch.most, ++watch.inFlight);
    return db.transaction(fn, config).finally(() => watch.inFlight--);
  }) as Database['transaction'];
  return watch;
}

const actionOf = async (signalId: string) =>
  (
    await rows<{
      state: string;
      attempts: number;
      error: string | null;
      result: Record<string, unknown> | null;
    }>(db, sql`select state, attempts, error, result from signal_actions where signal_id = ${signalId}`)
  )[0]!;

const signalOf = async (signalId: string) =>
  (
    await rows<{ state: string; case_id: string | null; acted_at: Date | null }>(
      db,
      sql`select state, case_id, acted_at from signals where id = ${signalId}`,
    )
  )[0]!;

const caseOf = async (caseId: string) =>
  (
    await rows<{ number: string | number; refs: Record<string, string>; created_at: Date }>(
      db,
      sql`select number, refs, created_at from cases where id = ${caseId}`,
    )
  )[0]!;

const notesOf = async (caseId: string) =>
  (
    await rows<{ body: string }>(
      db,
      sql`select body from messages where case_id = ${caseId} and not public order by created_at, id`,
    )
  ).map((m) => m.body);

const ISO = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)$/;

/**
 * Everything the actions wrote for one customer, with ids named by role and times relative to
 * their case's creation: two customers whose signals were alike compare equal.
 */
async function outcome(
  customer: { id: string; name: string },
  agreementId: string,
  signalIds: string[],
  /** When the actions began to run: a case from before that (joined) is a new version since. */
  since = 0,
) {
  const customerId = customer.id;
  const cs = await rows<Record<string, unknown> & { id: string; number: string | number; created_at: Date }>(
    db,
    sql`select * from cases where customer_id = ${customerId} order by number`,
  );
  const names = new Map<string, string>([
    [customerId, 'customer'],
    [agreementId, 'agreement'],
  ]);
  cs.forEach((c, i) => {
    names.set(c.id, `case ${i}`);
    names.set(String(c.number), `case number ${i}`);
  });
  signalIds.forEach((id, i) => names.set(id, `signal ${i}`));
  const messages = await rows<Record<string, unknown> & { id: string }>(
    db,
    sql`select m.* from messages m join cases c on c.id = m.case_id where c.customer_id = ${customerId}
      order by c.number, m.created_at, m.id`,
  );
  messages.forEach((m, i) => names.set(m.id, `message ${i}`));
  const drop = new Set([
    'id',
    'number',
    'created_at',
    'occurred_at',
    'search_vector',
    'done_at',
    'updated_at',
    'reply_token', // random: a case's reply address, set when it first mails
  ]);
  const norm = (v: unknown, base: number, key = ''): unknown => {
    if (v instanceof Date) return v.getTime() - base;
    if (typeof v === 'string' && ISO.test(v)) return new Date(v).getTime() - base;
    if ((typeof v === 'string' || typeof v === 'number') && names.has(String(v)))
      return key === 'caseNumber' || key === 'number' || typeof v === 'string' ? names.get(String(v)) : v;
    if (typeof v === 'string') return v.replaceAll(customer.name, 'the customer');
    if (Array.isArray(v)) return v.map((x) => norm(x, base));
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k]) => !drop.has(k))
          .map(([k, x]) => [k, norm(x, base, k)]),
      );
    return v;
  };
  const out = [];
  for (const c of cs) {
    const base = new Date(c.created_at).getTime();
    const clocks = await rows(
      db,
      sql`select * from case_promises where case_id = ${c.id} order by kind, cycle`,
    );
    const events = await rows(
      db,
      sql`select type, actor_id, actor_kind, data from domain_events
        where entity_type = 'case' and entity_id = ${c.id} order by occurred_at, id`,
    );
    out.push({
      case: norm(c, base),
      // Not how long after (one by one, a case opened and then joined is written twice, the
      // batch writes it once; how far apart depends on the machine): no version before creation.
      ...(base < since
        ? { updatedByTheRun: new Date(c.updated_at as Date).getTime() >= since }
        : { updatedSinceCreation: new Date(c.updated_at as Date).getTime() >= base }),
      clocks: clocks.map((k) => norm(k, base)),
      messages: messages
        .filter((m) => m.case_id === c.id)
        .map((m) => ({
          ...(norm(m, base) as object),
          afterCase: new Date(m.created_at as Date).getTime() >= base,
        })),
      events: events.map((e) => norm(e, base)),
    });
  }
  for (const id of signalIds) {
    const [signal] = await rows(
      db,
      sql`select state, case_id, acted_at is not null as acted from signals where id = ${id}`,
    );
    const actions = await rows(
      db,
      sql`select kind, state, attempts, error, result from signal_actions where signal_id = ${id} order by position`,
    );
    const events = await rows(
      db,
      sql`select type, actor_kind, data from domain_events where entity_type = 'signal' and entity_id = ${id} order by occurred_at, id`,
    );
    out.push({ signal: norm(signal, 0), actions: norm(actions, 0), events: events.map((e) => norm(e, 0)) });
  }
  return out;
}

describe('open_case in a batch', () => {
  it('opens and joins cases exactly as running the actions one by one does', async () => {
    // The same story for two customers: once through the batch, once one by one.
    const story = async () => {
      const { customer, agreement } = await makeCustomerWithAgreement(db);
      // An unsolved proactive case from before, about order O0.
      await createCase(db, SYSTEM_ACTOR, {
        subject: 'Earlier',
        customerId: customer.id,
        channel: 'proactive',
        refs: { orderId: 'O0' },
      });
      const action: OpenCase = {
        category: 'late_delivery',
        priority: 'high',
        subject: 'Order {{refs.orderId}} is late ({{data.reason}}, {{rule.name}})',
        note: 'Seen {{event.type}} at {{event.occurredAt}} for {{customer.name}}',
      };
      const of = (title: string, refs: Record<string, string>, a: Partial<OpenCase> = {}) =>
        pendingSignal({
          customerId: customer.id,
          refs,
          title,
          action: { ...action, ...a },
          data: { reason: 'carrier' },
        });
      const ids = [
        await of('joins the earlier case', { orderId: 'O0', invoiceId: 'I0' }),
        await of('opens case 1', { orderId: 'O1' }),
        await of('joins case 1 by the order', { orderId: 'O1', shipmentId: 'S1' }),
        await of('opens case 2 (no note)', { orderId: 'O2' }, { note: undefined, priority: 'low' }),
        // Shares S1 only with what case 1 learnt from the signal before: joins; its orderId loses.
        await of('joins case 1 by the shipment', { shipmentId: 'S1', orderId: 'O9', invoiceId: 'I1' }),
        await of('opens case 3 (no refs)', {}),
      ];
      return { customer, agreement, ids };
    };
    const batched = await story();
    const batchedAt = Date.now();
    expect(await runSignalActions(db)).toBe(6);
    const oneByOne = await story();
    const oneByOneAt = Date.now();
    expect(await runSignalActions(db, 50, { batch: false })).toBe(6);

    const a = await outcome(batched.customer, batched.agreement.id, batched.ids, batchedAt);
    const b = await outcome(oneByOne.customer, oneByOne.agreement.id, oneByOne.ids, oneByOneAt);
    // The case from before each run that a signal joined: a new version (its note and refs).
    expect(a.filter((x) => 'updatedByTheRun' in x)).toEqual([
      expect.objectContaining({ updatedByTheRun: true }),
    ]);
    expect(a).toEqual(b);

    // The values themselves, for the batch.
    const [joinedEarlier, open1, join1, open2, join1b, open3] = await Promise.all(batched.ids.map(actionOf));
    const signal = await Promise.all(batched.ids.map(signalOf));
    expect(signal.map((s) => s.state)).toEqual(Array(6).fill('acted'));
    expect(
      [joinedEarlier, open1, join1, open2, join1b, open3].map((x) => [
        x!.state,
        x!.attempts,
        x!.result!.joined,
      ]),
    ).toEqual([
      ['done', 1, true],
      ['done', 1, false],
      ['done', 1, true],
      ['done', 1, false],
      ['done', 1, true],
      ['done', 1, false],
    ]);
    const case1 = signal[1]!.case_id!;
    expect(signal[2]!.case_id).toBe(case1);
    expect(signal[4]!.case_id).toBe(case1);
    expect(join1!.result).toEqual({
      caseId: case1,
      caseNumber: Number((await caseOf(case1)).number),
      joined: true,
    });
    expect((await caseOf(case1)).refs).toEqual({ orderId: 'O1', shipmentId: 'S1', invoiceId: 'I1' });
    expect((await caseOf(signal[0]!.case_id!)).refs).toEqual({ orderId: 'O0', invoiceId: 'I0' });
    expect((await caseOf(signal[5]!.case_id!)).refs).toEqual({});
    const seen = `Seen order.late at 2026-01-05T10:00:00.250Z for ${batched.customer.name}`;
    expect(await notesOf(case1)).toEqual([
      seen,
      `Another signal about this: joins case 1 by the order\n\n${seen}`,
      `Another signal about this: joins case 1 by the shipment\n\n${seen}`,
    ]);
    expect(await notesOf(signal[3]!.case_id!)).toEqual([]);
    const [c] = await rows<{ subject: string; priority: string; category: string; status: string }>(
      db,
      sql`select subject, priority, category, status from cases where id = ${signal[3]!.case_id}`,
    );
    expect(c).toEqual({
      subject: 'Order O2 is late (carrier, Order late)',
      priority: 'low',
      category: 'late_delivery',
      status: 'new',
    });
    // One batch: the cases it opened share their creation time (one by one, each has its own).
    const opened = await Promise.all([1, 3, 5].map((i) => caseOf(signal[i]!.case_id!)));
    expect(new Set(opened.map((o) => new Date(o.created_at).getTime())).size).toBe(1);
  });

  it('leaves what createCase refuses to the one-by-one path, which fails it as before', async () => {
    const ok = await makeCustomer(db);
    const gone = await makeCustomer(db);
    await deleteCustomer(db, SYSTEM_ACTOR, gone.id);
    await db.insert(categories).values({ key: 'retired_topic', name: 'Retired', active: false });
    const base = { refs: {}, title: 'Late', action: { subject: 'Late order' } };
    const unknown = await pendingSignal({
      ...base,
      customerId: ok.id,
      action: { subject: 'x', category: 'no_such_topic' },
    });
    const inactive = await pendingSignal({
      ...base,
      customerId: ok.id,
      action: { subject: 'x', category: 'retired_topic' },
    });
    const deleted = await pendingSignal({ ...base, customerId: gone.id });
    const fine = await pendingSignal({
      ...base,
      customerId: (await makeCustomer(db)).id,
      refs: { orderId: `O-${unique()}` },
    });
    const resolved = await pendingSignal({ ...base, customerId: ok.id, state: 'resolved' });
    const nobody = await pendingSignal({ ...base, customerId: null });
    expect(await runSignalActions(db)).toBe(6);
    expect(await actionOf(unknown)).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: 'body.category: no active category "no_such_topic"',
    });
    expect(await actionOf(inactive)).toMatchObject({
      state: 'failed',
      error: 'body.category: no active category "retired_topic"',
    });
    expect(await actionOf(deleted)).toMatchObject({
      state: 'failed',
      error: 'body.customerId: no such customer',
    });
    expect(await actionOf(resolved)).toMatchObject({
      state: 'skipped',
      attempts: 0,
      error: 'the signal is resolved',
    });
    expect(await actionOf(nobody)).toMatchObject({
      state: 'failed',
      error: 'the signal names no customer to open a case for',
    });
    expect(await actionOf(fine)).toMatchObject({ state: 'done', attempts: 1, result: { joined: false } });
    expect((await signalOf(fine)).state).toBe('acted');
    expect((await signalOf(unknown)).state).toBe('open');
    expect((await signalOf(resolved)).state).toBe('resolved');
  });

  it('joins a covering case even when its own category could not open one', async () => {
    const customer = await makeCustomer(db);
    const order = `O-${unique()}`;
    const earlier = await createCase(db, SYSTEM_ACTOR, {
      subject: 'Earlier',
      customerId: customer.id,
      channel: 'proactive',
      refs: { orderId: order, carrier: 'DHL' },
    });
    const id = await pendingSignal({
      customerId: customer.id,
      refs: { orderId: order, carrier: 'UPS', shipmentId: 'S-1' },
      title: 'Order stuck',
      action: { subject: 'x', category: 'no_such_topic' },
    });
    // Another customer's case with the same ref is not theirs to join.
    const other = await makeCustomer(db);
    const foreign = await pendingSignal({
      customerId: other.id,
      refs: { orderId: order },
      title: 'Theirs',
      action: { subject: 'x' },
    });
    expect(await runSignalActions(db)).toBe(2);
    expect(await actionOf(id)).toMatchObject({
      state: 'done',
      result: { caseId: earlier.id, caseNumber: earlier.number, joined: true },
    });
    expect((await caseOf(earlier.id)).refs).toEqual({ orderId: order, carrier: 'DHL', shipmentId: 'S-1' });
    expect(await notesOf(earlier.id)).toEqual(['Another signal about this: Order stuck']);
    expect((await signalOf(foreign)).case_id).not.toBe(earlier.id);
    expect((await actionOf(foreign)).result).toMatchObject({ joined: false });
  });

  it('writes times for people in the customer’s zone, batched and one by one alike', async () => {
    const action: OpenCase = {
      subject: 'Order will miss {{data.promisedDate | date}}',
      note: 'Seen at {{event.occurredAt | datetime}}; raw {{event.occurredAt}}',
    };
    const subjects: string[][] = [];
    for (const batch of [true, false]) {
      const customer = await makeCustomer(db, { timeZone: 'Europe/Berlin' });
      const id = await pendingSignal({
        customerId: customer.id,
        refs: { orderId: `O-${unique()}` },
        title: 'Late',
        action,
        data: { promisedDate: '2026-01-09' },
      });
      expect(await runSignalActions(db, 50, { batch })).toBe(1);
      const caseId = (await actionOf(id))!.result!.caseId as string;
      const [c] = await rows<{ subject: string }>(db, sql`select subject from cases where id = ${caseId}`);
      subjects.push([c!.subject, ...(await notesOf(caseId))]);
    }
    // The event (2026-01-05 10:00:00.250 UTC) is 11:00 in Berlin in winter.
    const want = [
      'Order will miss Fri 9 Jan 2026',
      'Seen at Mon 5 Jan 2026, 11:00 (Europe/Berlin); raw 2026-01-05T10:00:00.250Z',
    ];
    expect(subjects).toEqual([want, want]);
  });

  it('writes times for a customer without a zone in their agreement calendar’s, else the company’s, batched and one by one alike', async () => {
    const action: OpenCase = { subject: 'Late', note: 'Seen at {{event.occurredAt | datetime}}' };
    await updateSettings(db, SYSTEM_ACTOR, { timeZone: 'Asia/Tokyo' });
    try {
      const notes: string[][] = [];
      for (const batch of [true, false]) {
        const customer = await makeCustomer(db);
        // Under an agreement on Singapore hours: Singapore days, as their deadlines and portal.
        const underPsa = await makeCustomer(db);
        const calendar = await makeCalendar(db, undefined, 'Asia/Singapore');
        await makeAgreement(db, { calendarId: calendar.id, scope: { customerId: underPsa.id } });
        const ids = [];
        for (const who of [customer, underPsa])
          ids.push(
            await pendingSignal({
              customerId: who.id,
              refs: { orderId: `O-${unique()}` },
              title: 'Late',
              action,
            }),
          );
        expect(await runSignalActions(db, 50, { batch })).toBe(2);
        for (const id of ids) notes.push(await notesOf((await actionOf(id))!.result!.caseId as string));
      }
      // The event (2026-01-05 10:00:00.250 UTC) is 19:00 in Tokyo, 18:00 in Singapore.
      const tokyo = ['Seen at Mon 5 Jan 2026, 19:00 (Asia/Tokyo)'];
      const singapore = ['Seen at Mon 5 Jan 2026, 18:00 (Asia/Singapore)'];
      expect(notes).toEqual([tokyo, singapore, tokyo, singapore]);
    } finally {
      await updateSettings(db, SYSTEM_ACTOR, { timeZone: null });
    }
  });

  it('a case joined learns refs as a new version: a copy read before is stale (412), batched and one by one', async () => {
    for (const batch of [true, false]) {
      const customer = await makeCustomer(db);
      const order = `O-${unique()}`;
      const earlier = await createCase(db, SYSTEM_ACTOR, {
        subject: 'Earlier',
        customerId: customer.id,
        channel: 'proactive',
        refs: { orderId: order },
      });
      const read = earlier.updatedAt;
      await pendingSignal({
        customerId: customer.id,
        refs: { orderId: order, shipmentId: 'S-9' },
        title: 'Stuck again',
        action: { subject: 'x' },
      });
      expect(await runSignalActions(db, 50, { batch })).toBe(1);
      expect((await caseOf(earlier.id)).refs).toEqual({ orderId: order, shipmentId: 'S-9' });
      const stale = await updateCase(db, SYSTEM_ACTOR, earlier.id, { subject: 'On an old copy' }, read).catch(
        (err: { statusCode: number; code: string }) => [err.statusCode, err.code],
      );
      expect(stale, `batch: ${batch}`).toEqual([412, 'edit_conflict']);
    }
  });

  it('an action left to the one-by-one path keeps its customer’s later ones behind it', async () => {
    const team = await createTeam(db, SYSTEM_ACTOR, { name: `Logistics ${unique()}` });
    const customer = await makeCustomer(db);
    const order = `O-${unique()}`;
    // With a team (assignment depends on order): one by one. The next one, in the batch's reach,
    // must not open a case before it: it joins the team's case, as it would one after the other.
    const first = await pendingSignal({
      customerId: customer.id,
      refs: { orderId: order },
      title: 'First',
      action: { subject: 'First', teamId: team.id },
    });
    const second = await pendingSignal({
      customerId: customer.id,
      refs: { orderId: order, shipmentId: 'S-2' },
      title: 'Second',
      action: { subject: 'Second' },
    });
    expect(await runSignalActions(db)).toBe(2);
    const caseId = (await signalOf(first)).case_id!;
    expect(await actionOf(first)).toMatchObject({ state: 'done', result: { caseId, joined: false } });
    expect(await actionOf(second)).toMatchObject({ state: 'done', result: { caseId, joined: true } });
    const [c] = await rows<{ team_id: string; refs: Record<string, string> }>(
      db,
      sql`select team_id, refs from cases where id = ${caseId}`,
    );
    expect(c).toEqual({ team_id: team.id, refs: { orderId: order, shipmentId: 'S-2' } });
  });

  it('a signal is acted only once its last action is done', async () => {
    const customer = await makeCustomer(db);
    const id = await pendingSignal({
      customerId: customer.id,
      refs: { orderId: `O-${unique()}` },
      title: 'Late',
      action: { subject: 'Late' },
    });
    await db.insert(signalActions).values({
      signalId: id,
      position: 1,
      kind: 'notify_customer',
      params: RuleAction.parse({ kind: 'notify_customer', message: 'Sorry, {{customer.name}}' }),
    });
    // A batch of one: the case is opened, the customer not yet told.
    expect(await runSignalActions(db, 1)).toBe(1);
    expect(await signalOf(id)).toMatchObject({ state: 'open', acted_at: null });
    expect(await runSignalActions(db)).toBe(1);
    const signal = await signalOf(id);
    expect(signal.state).toBe('acted');
    const [told] = await rows<{ body: string; public: boolean }>(
      db,
      sql`select body, public from messages where case_id = ${signal.case_id} and public`,
    );
    expect(told).toEqual({ body: `Sorry, ${customer.name}`, public: true });
  });

  it('a failing statement rolls the batch back; its actions run one by one, the failing one is retried', async () => {
    await db.execute(sql`create or replace function steward_test_refuse() returns trigger language plpgsql as $$
      begin if new.body like '%REFUSE-ME%' then raise exception 'refused by the test'; end if; return new; end $$`);
    await db.execute(sql`create trigger steward_test_refuse before insert on messages
      for each row execute function steward_test_refuse()`);
    try {
      const ids = [];
      for (const note of ['fine', 'REFUSE-ME', 'also fine'])
        ids.push(
          await pendingSignal({
            customerId: (await makeCustomer(db)).id,
            refs: { orderId: `O-${unique()}` },
            title: note,
            action: { subject: 'Late', note },
          }),
        );
      // The batch fails (and says so in the log); all three run one by one (the refused one: retried later).
      const warned: { actions: number; message: string }[] = [];
      const log = {
        warn: (o: { actions: number }, message: string) => warned.push({ actions: o.actions, message }),
      };
      expect(await runSignalActions(db, 10, { log: log as never })).toBe(3);
      expect(warned).toEqual([
        { actions: 3, message: 'signal actions: the batch failed; running them one by one' },
      ]);
      const [a, refused, c] = await Promise.all(ids.map(actionOf));
      expect(a).toMatchObject({ state: 'done', attempts: 1 });
      expect(c).toMatchObject({ state: 'done', attempts: 1 });
      expect(refused).toMatchObject({
        state: 'pending',
        attempts: 1,
        error: expect.stringContaining('insert into "messages"'),
      });
      expect((await signalOf(ids[1]!)).case_id).toBeNull();
      // Nothing of the rolled-back batch stayed: one case each for the two that were done.
      const [n] = await rows<{ n: number }>(
        db,
        sql`select count(*)::int as n from cases c join signals s on s.customer_id = c.customer_id
          where s.id = any(${sql.param(ids)}::uuid[])`,
      );
      expect(n!.n).toBe(2);
      // The refused action would come due again in 5 s, and a later test's runner would take
      // it and count one action more than its own (a CI run on a loaded machine did): ended here.
      await db.execute(sql`update signal_actions set state = 'skipped', done_at = now()
        where signal_id = any(${sql.param(ids)}::uuid[]) and state = 'pending'`);
    } finally {
      await db.execute(sql`drop trigger steward_test_refuse on messages`);
    }
  });

  it("takes the database's batch size in one run (100 on PGlite, 25 on PostgreSQL), each case opened once", async () => {
    const size = actionBatchFor(db);
    expect(size).toBe(isEmbedded(db) ? 100 : 25);
    const customers = await Promise.all(Array.from({ length: 40 }, () => makeCustomer(db)));
    const ids: string[] = [];
    for (let i = 0; i < size + 5; i++)
      ids.push(
        await pendingSignal({
          customerId: customers[i % 40]!.id,
          refs: { orderId: `B-${unique()}-${i}` },
          title: `Batch ${i}`,
          action: { subject: 'Order {{refs.orderId}}', note: 'n' },
        }),
      );
    // The scheduler's call: one run takes a full batch; the next, the rest.
    expect(await runSignalActions(db, size)).toBe(size);
    expect(await runSignalActions(db, size)).toBe(5);
    const [found] = await rows<{ cases: number; distinct: number; acted: number }>(
      db,
      sql`select (select count(*)::int from cases where customer_id = any(${sql.param(customers.map((c) => c.id))}::uuid[])) as cases,
          count(distinct case_id)::int as distinct, count(*) filter (where state = 'acted')::int as acted
        from signals where id = any(${sql.param(ids)}::uuid[])`,
    );
    expect(found).toEqual({ cases: size + 5, distinct: size + 5, acted: size + 5 });
  });
});

/** A signal with these pending actions, in order; its evidence one event with these refs. */
async function signalWith(
  customerId: string,
  refs: Record<string, string>,
  title: string,
  actions: unknown[],
) {
  const event = await makeEvent(db, { type: 'order.late', customerId, refs, data: { reason: 'carrier' } });
  const s = await makeSignal(db, { ruleId, customerId, title, evidence: [event.id] });
  await db.update(signals).set({ refs }).where(eq(signals.id, s.id));
  await db.insert(signalActions).values(
    actions.map((a, position) => ({
      signalId: s.id,
      position,
      kind: (a as { kind: string }).kind,
      params: RuleAction.parse(a),
    })),
  );
  return s.id;
}

/** The mails sent on a customer's cases: to whom, the subject (case numbers as #n) and the text. */
const mailsOf = async (customer: { id: string; name: string; email: string | null }) =>
  (
    await rows<{ to_addresses: string[]; subject: string; body: string; status: string }>(
      db,
      sql`select mm.to_addresses, mm.subject, m.body, mm.status from mail_messages mm
        join messages m on m.id = mm.case_message_id join cases c on c.id = mm.case_id
        where c.customer_id = ${customer.id} order by c.number, m.created_at, m.id`,
    )
  ).map((m) => ({
    ...m,
    body: m.body.replaceAll(customer.name, 'the customer'),
    to_addresses: m.to_addresses.map((a) => (a === customer.email ? 'the customer' : a)),
    subject: m.subject.replace(/#\d+/, '#n'),
  }));

describe('notify_customer in a batch', () => {
  it('replies, meets the clocks, opens the case and mails the customer exactly as one by one', async () => {
    const openCase = {
      kind: 'open_case',
      subject: 'Order {{refs.orderId}} is late',
      note: 'Seen {{event.type}}',
    };
    const story = async () => {
      const { customer, agreement } = await makeCustomerWithAgreement(db, {
        targets: [
          { kind: 'first_response', minutes: 60 },
          { kind: 'next_response', minutes: 120 },
          { kind: 'periodic_update', minutes: 240 },
          { kind: 'resolution', minutes: 480 },
        ],
      });
      const notify = (message: string) => ({ kind: 'notify_customer', message });
      const ids = [
        // Opens case 1 and tells the customer: the first reply meets first response, opens the case.
        await signalWith(customer.id, { orderId: 'O1' }, 'Order O1 late', [
          openCase,
          notify('Dear {{customer.name}}, order {{refs.orderId}} is late.'),
        ]),
        // Joins case 1; its reply, in the same batch, is the second on an open case.
        await signalWith(customer.id, { orderId: 'O1', shipmentId: 'S1' }, 'Shipment S1 stuck', [
          openCase,
          notify('Shipment {{refs.shipmentId}} has not moved.'),
        ]),
        // Opens case 2, escalates it (one by one), then tells the customer.
        await signalWith(customer.id, { orderId: 'O2' }, 'Order O2 late', [
          openCase,
          { kind: 'escalate', priority: 'urgent' },
          notify('Order {{refs.orderId}}: we are on it.'),
        ]),
        // Joins case 2. Its reply is due alongside the escalation before it: it must wait for it.
        await signalWith(customer.id, { orderId: 'O2', invoiceId: 'I2' }, 'Invoice I2 held', [
          openCase,
          notify('Invoice {{refs.invoiceId}} waits for the delivery.'),
        ]),
      ];
      // Two more customers, each with an earlier case that one signal escalates (left to the
      // one-by-one path) and another joins and replies on. Whichever comes first, the join and
      // the reply keep their places around the escalation (the reply meets its new priority).
      const escalatedCase = async (escalationFirst: boolean) => {
        const party = await makeCustomerWithAgreement(db, {
          targets: [
            { kind: 'first_response', minutes: 60 },
            { kind: 'resolution', minutes: 480 },
          ],
        });
        const who = party.customer.id;
        const earlier = await createCase(db, SYSTEM_ACTOR, {
          subject: 'Earlier',
          customerId: who,
          channel: 'proactive',
          refs: { orderId: 'O3' },
        });
        const escalation = async () => {
          const id = await signalWith(who, { orderId: 'O3' }, 'Order O3 escalated', [
            { kind: 'escalate', priority: 'high', note: 'Carrier lost track' },
          ]);
          await db.update(signals).set({ caseId: earlier.id }).where(eq(signals.id, id));
          return id;
        };
        const joiner = () =>
          signalWith(who, { orderId: 'O3', shipmentId: 'S3' }, 'Shipment S3 stuck', [
            openCase,
            notify('Shipment {{refs.shipmentId}} is stuck.'),
          ]);
        const ids = escalationFirst
          ? [await escalation(), await joiner()]
          : [await joiner(), await escalation()];
        return { ...party, ids };
      };
      const others = [await escalatedCase(true), await escalatedCase(false)];
      return { customer, agreement, ids, others };
    };
    // One instant for both runs: one by one, each action takes its own time, the batch one for all.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-01-06T10:00:00Z') });
    try {
      const batched = await story();
      expect(await runSignalActions(db)).toBe(15);
      const oneByOne = await story();
      expect(await runSignalActions(db, 50, { batch: false })).toBe(15);

      for (const [x, y] of [
        [batched, oneByOne],
        [batched.others[0]!, oneByOne.others[0]!],
        [batched.others[1]!, oneByOne.others[1]!],
      ] as const) {
        expect(await outcome(x.customer, x.agreement.id, x.ids)).toEqual(
          await outcome(y.customer, y.agreement.id, y.ids),
        );
        expect(await mailsOf(x.customer)).toEqual(await mailsOf(y.customer));
      }
      // The other customers' cases: escalated and joined in the order of their signals, then the
      // reply (which meets the clocks of the new priority).
      const join = 'Another signal about this: Shipment S3 stuck\n\nSeen order.late';
      for (const [party, notes] of [
        [batched.others[0]!, ['Carrier lost track', join]],
        [batched.others[1]!, [join, 'Carrier lost track']],
      ] as const) {
        const [k] = await rows<{ priority: string; status: string; bodies: string[] }>(
          db,
          sql`select c.priority, c.status,
              array(select m.body from messages m where m.case_id = c.id order by m.created_at, m.id) as bodies
            from cases c where c.customer_id = ${party.customer.id}`,
        );
        expect(k).toEqual({ priority: 'high', status: 'open', bodies: [...notes, 'Shipment S3 is stuck.'] });
      }

      // The values themselves, for the batch.
      const signal = await Promise.all(batched.ids.map(signalOf));
      expect(signal.map((x) => x.state)).toEqual(Array(4).fill('acted'));
      const [case1, case2] = [signal[0]!.case_id!, signal[2]!.case_id!];
      expect(signal.map((x) => x.case_id)).toEqual([case1, case1, case2, case2]);
      const replies = await rows<{ case_id: string; body: string; author_type: string; channel: string }>(
        db,
        sql`select case_id, body, author_type, channel from messages
          where case_id = any(${sql.param([case1, case2])}::uuid[]) and public order by created_at, id`,
      );
      expect(replies).toEqual([
        {
          case_id: case1,
          body: `Dear ${batched.customer.name}, order O1 is late.`,
          author_type: 'agent',
          channel: 'web',
        },
        { case_id: case1, body: 'Shipment S1 has not moved.', author_type: 'agent', channel: 'web' },
        { case_id: case2, body: 'Invoice I2 waits for the delivery.', author_type: 'agent', channel: 'web' },
        { case_id: case2, body: 'Order O2: we are on it.', author_type: 'agent', channel: 'web' },
      ]);
      const [told] = await rows<{ result: Record<string, unknown> }>(
        db,
        sql`select result from signal_actions where signal_id = ${batched.ids[0]} and kind = 'notify_customer'`,
      );
      expect(told!.result).toEqual({ caseId: case1, messageId: expect.any(String) });
      const cs = await rows<{ status: string; priority: string; responded: boolean }>(
        db,
        sql`select status, priority, first_responded_at = '2026-01-06T10:00:00Z'::timestamptz as responded from cases where id = any(${sql.param([case1, case2])}::uuid[])
          order by number`,
      );
      expect(cs).toEqual([
        { status: 'open', priority: 'normal', responded: true },
        { status: 'open', priority: 'urgent', responded: true },
      ]);
      const clocks = await rows<{ kind: string; cycle: number; state: string; met: boolean }>(
        db,
        sql`select kind, cycle, state, met_at is not null as met from case_promises where case_id = ${case1}
          order by kind, cycle`,
      );
      expect(clocks).toEqual([
        { kind: 'first_response', cycle: 1, state: 'met', met: true },
        // The second reply meets the periodic update the first one started, and starts the next.
        { kind: 'periodic_update', cycle: 1, state: 'met', met: true },
        { kind: 'periodic_update', cycle: 2, state: 'active', met: false },
        { kind: 'resolution', cycle: 1, state: 'active', met: false },
      ]);
      expect((await mailsOf(batched.customer)).map((m) => [m.to_addresses, m.body])).toEqual(
        replies.map((r) => [['the customer'], r.body.replaceAll(batched.customer.name, 'the customer')]),
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it('opens the case and tells the customer in one transaction', async () => {
    const customer = await makeCustomer(db);
    const id = await signalWith(customer.id, { orderId: `O-${unique()}` }, 'Late', [
      { kind: 'open_case', subject: 'Order {{refs.orderId}} is late' },
      { kind: 'notify_customer', message: 'Your order {{refs.orderId}} is late.' },
    ]);
    const watched = watchTransactions();
    expect(await runSignalActions(watched.db)).toBe(2);
    // The batch, its second round taking the notification the opened case made due, and a
    // second pass that finds nothing.
    expect(watched.count).toBe(2);
    const signal = await signalOf(id);
    expect(signal.state).toBe('acted');
    const [c] = await rows<{ status: string; body: string }>(
      db,
      sql`select c.status, (select m.body from messages m where m.case_id = c.id and m.public) as body
        from cases c where c.id = ${signal.case_id}`,
    );
    expect(c).toEqual({ status: 'open', body: expect.stringMatching(/^Your order O-.+ is late\.$/) });
  });

  it('leaves a closed, merged or deleted case to the one-by-one path, which fails it as before', async () => {
    const customer = await makeCustomer(db); // no agreement (nor the other's): a reply starts no clock
    const notify = { kind: 'notify_customer', message: 'About {{refs.orderId}}' };
    const onCase = async (caseId: string | null, orderId: string, who = customer) => {
      const id = await signalWith(who.id, { orderId }, `Order ${orderId}`, [notify]);
      await db.update(signals).set({ caseId }).where(eq(signals.id, id));
      return id;
    };
    const closed = await makeCase(db, customer.id, { channel: 'proactive' });
    await updateCase(db, SYSTEM_ACTOR, closed.id, { status: 'closed' });
    const merged = await makeCase(db, customer.id, { channel: 'proactive' });
    const survivor = await makeCase(db, customer.id, { channel: 'proactive' });
    await mergeCases(db, SYSTEM_ACTOR, merged.id, survivor.id);
    const deleted = await makeCase(db, customer.id, { channel: 'proactive' });
    const otherCustomer = await makeCustomer(db);
    const other = await makeCase(db, otherCustomer.id, { channel: 'proactive' });
    await db.update(cases).set({ deletedAt: new Date() }).where(eq(cases.id, deleted.id));
    const ids = {
      closed: await onCase(closed.id, 'C1'),
      merged: await onCase(merged.id, 'M1'),
      deleted: await onCase(deleted.id, 'D1'),
      none: await onCase(null, 'N1'),
      // Another customer's: theirs is not held behind the first one's actions left to runAction.
      fine: await onCase(other.id, 'F1', otherCustomer),
    };
    const watched = watchTransactions();
    expect(await runSignalActions(watched.db)).toBe(5);
    // The batch (and a second pass that finds nothing) and one per action left to runAction.
    expect(watched.count).toBe(2 + 4);
    const failed = { state: 'failed', attempts: 1 };
    expect(await actionOf(ids.closed)).toMatchObject({
      ...failed,
      error: `case #${closed.number} is closed; open a follow-up case instead`,
    });
    expect(await actionOf(ids.merged)).toMatchObject({
      ...failed,
      error: `case #${merged.number} was merged: write in the case it was merged into`,
    });
    expect(await actionOf(ids.deleted)).toMatchObject({ ...failed, error: 'case not found' });
    expect(await actionOf(ids.none)).toMatchObject({
      ...failed,
      error: 'notify_customer needs a proactive case: put an open_case action before it',
    });
    expect(await actionOf(ids.fine)).toMatchObject({ state: 'done', attempts: 1, error: null });
    const [after] = await rows<{ status: string; replied: boolean; clocks: number; body: string }>(
      db,
      sql`select c.status, c.last_agent_reply_at is not null and c.first_responded_at is not null as replied,
          (select count(*)::int from case_promises p where p.case_id = c.id) as clocks,
          (select m.body from messages m where m.case_id = c.id and m.public) as body
        from cases c where c.id = ${other.id}`,
    );
    expect(after).toEqual({ status: 'open', replied: true, clocks: 0, body: 'About F1' });
    for (const id of [ids.closed, ids.merged, ids.deleted, ids.none])
      expect((await signalOf(id)).state).toBe('open');
    expect((await signalOf(ids.fine)).state).toBe('acted');
  });
});

describe.runIf(usingPostgres())('on PostgreSQL with several nodes', () => {
  it("runs the one-by-one actions side by side, each signal's in order, each once", async () => {
    const customers = await Promise.all(Array.from({ length: 12 }, () => makeCustomer(db)));
    const ids: string[] = [];
    for (const [i, c] of customers.entries()) {
      const id = await pendingSignal({
        customerId: c.id,
        refs: { orderId: `P-${unique()}-${i}` },
        title: `Side by side ${i}`,
        action: { subject: 'Order {{refs.orderId}}' },
      });
      // After the case (the batch's), two escalations for the one-by-one path, in this order.
      await db.insert(signalActions).values(
        [1, 2].map((position) => ({
          signalId: id,
          position,
          kind: 'escalate' as const,
          params: RuleAction.parse({
            kind: 'escalate',
            priority: 'high',
            note: `Message ${position} of ${i}`,
          }),
        })),
      );
      ids.push(id);
    }
    const watched = watchTransactions();
    expect(await runSignalActions(watched.db, 100)).toBe(36);
    expect(watched.most).toBeGreaterThan(1);
    const found = await rows<{ signal_id: string; bodies: string[]; states: string[] }>(
      db,
      sql`select s.id as signal_id,
          array(select m.body from messages m where m.case_id = s.case_id and not m.public order by m.created_at, m.id) as bodies,
          array(select a.state from signal_actions a where a.signal_id = s.id order by a.position) as states
        from signals s where s.id = any(${sql.param(ids)}::uuid[])`,
    );
    expect(new Map(found.map((f) => [f.signal_id, [f.bodies, f.states]]))).toEqual(
      new Map(
        ids.map((id, i) => [
          id,
          [
            [`Message 1 of ${i}`, `Message 2 of ${i}`],
            ['done', 'done', 'done'],
          ],
        ]),
      ),
    );
  });

  it('a runner waits while another opens a proactive case for the same customer, then joins it', async () => {
    const customer = await makeCustomer(db);
    const orderId = `W-${unique()}`;
    const signalId = await pendingSignal({
      customerId: customer.id,
      refs: { orderId },
      title: 'Waits',
      action: { subject: 'Order {{refs.orderId}}' },
    });
    const [first, second] = await Promise.all(
      [1, 2].map(() => openDatabase({ kind: 'postgres', url: handle.url!, poolSize: 2 })),
    );
    try {
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let opened!: (id: string) => void;
      const caseOpened = new Promise<string>((r) => (opened = r));
      // Another runner, mid-way: it looked for a covering case, found none, and is opening one.
      const other = first!.db.transaction(async (tx) => {
        await lockCustomersForProactiveCases(tx, [customer.id]);
        const c = await createCase(tx, SYSTEM_ACTOR, {
          subject: 'Opened by the other runner',
          customerId: customer.id,
          channel: 'proactive',
          category: 'other',
          priority: 'normal',
        });
        await tx.execute(
          sql`update cases set refs = ${JSON.stringify({ orderId })}::jsonb where id = ${c.id}`,
        );
        opened(c.id);
        await released;
      });
      const caseId = await Promise.race([caseOpened, other.then(() => '')]);
      let done = false;
      const running = runSignalActions(second!.db).then((n) => ((done = true), n));
      await new Promise((r) => setTimeout(r, 300));
      expect(done).toBe(false); // waiting for the other runner's transaction
      release();
      await other;
      expect(await running).toBeGreaterThanOrEqual(1);
      expect(await signalOf(signalId)).toMatchObject({ case_id: caseId });
      expect((await actionOf(signalId)).result).toMatchObject({ caseId, joined: true });
    } finally {
      await first!.close();
      await second!.close();
    }
  });

  it('opens each case once while four runners race over 100 actions', async () => {
    const customers = await Promise.all(Array.from({ length: 20 }, () => makeCustomer(db)));
    const ids: string[] = [];
    for (let i = 0; i < 100; i++)
      ids.push(
        await pendingSignal({
          customerId: customers[i % 20]!.id,
          refs: { orderId: `R-${unique()}-${i}` },
          title: `Race ${i}`,
          action: { subject: 'Order {{refs.orderId}}', note: 'n' },
        }),
      );
    const url = handle.url!;
    const handles = await Promise.all(
      [1, 2, 3, 4].map(() => openDatabase({ kind: 'postgres', url, poolSize: 2 })),
    );
    let ran: number[];
    try {
      ran = await Promise.all(
        handles.map(async (h) => {
          let n = 0;
          for (let k; (k = await runSignalActions(h.db, 10)) > 0;) n += k;
          return n;
        }),
      );
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
    expect(ran.reduce((x, y) => x + y, 0)).toBe(100);
    const [actions] = await rows<{ done: number; once: number }>(
      db,
      sql`select count(*) filter (where state = 'done')::int as done, count(*) filter (where attempts = 1)::int as once
        from signal_actions where signal_id = any(${sql.param(ids)}::uuid[])`,
    );
    expect(actions).toEqual({ done: 100, once: 100 });
    const [cases] = await rows<{ n: number; distinct: number; signals: number }>(
      db,
      sql`select count(*)::int as n,
          (select count(distinct case_id)::int from signals where id = any(${sql.param(ids)}::uuid[])) as distinct,
          (select count(*)::int from signals where id = any(${sql.param(ids)}::uuid[]) and state = 'acted') as signals
        from cases where customer_id = any(${sql.param(customers.map((c) => c.id))}::uuid[])`,
    );
    expect(cases).toEqual({ n: 100, distinct: 100, signals: 100 });
    const [events] = await rows<{ done: number; created: number; notes: number }>(
      db,
      sql`select
          count(*) filter (where type = 'signal.action_done' and entity_id = any(${sql.param(ids)}::uuid[]))::int as done,
          count(*) filter (where type = 'case.created' and data->>'customerId' = any(${sql.param(customers.map((c) => c.id))}::text[]))::int as created,
          (select count(*)::int from messages m join cases c on c.id = m.case_id
            where c.customer_id = any(${sql.param(customers.map((c) => c.id))}::uuid[])) as notes
        from domain_events`,
    );
    expect(events).toEqual({ done: 100, created: 100, notes: 100 });
  });

  it("a batch replying on a customer's case takes their lock before it locks the case", async () => {
    // Runners lock customers in one order before any case: a batch holding one customer's case
    // and waiting for another's could otherwise meet a batch doing the reverse.
    const customer = await makeCustomer(db);
    const c = await makeCase(db, customer.id, { channel: 'proactive' });
    const id = await signalWith(customer.id, { orderId: `L-${unique()}` }, 'Waits', [
      { kind: 'notify_customer', message: 'Hello' },
    ]);
    await db.update(signals).set({ caseId: c.id }).where(eq(signals.id, id));
    // Another runner is deciding this customer's proactive cases.
    let release!: () => void;
    let holding!: () => void;
    const held = new Promise<void>((r) => (holding = r));
    const holder = db.transaction(async (tx) => {
      await lockCustomersForProactiveCases(tx, [customer.id]);
      holding();
      await new Promise<void>((r) => (release = r));
    });
    await held;
    const running = runSignalActions(db);
    const waitsForCustomer = async () => {
      const [w] = await rows<{ n: number }>(
        db,
        sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted
          and objid::bigint = (hashtext(${customer.id})::bigint + 4294967296) % 4294967296`,
      );
      return w!.n > 0;
    };
    let waiting = false;
    for (let i = 0; i < 100 && !waiting; i++) {
      waiting = await waitsForCustomer();
      if (!waiting) await new Promise((r) => setTimeout(r, 20));
    }
    expect(waiting).toBe(true);
    // Waiting for the customer, it holds none of their cases.
    await db.transaction((tx) => tx.execute(sql`select 1 from cases where id = ${c.id} for update nowait`));
    release();
    await holder;
    expect(await running).toBe(1);
    expect(await actionOf(id)).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('tells each customer once per signal while four runners race over cases and notifications', async () => {
    // 12 customers, 5 signals each; two of a customer's signals share an order, so one joins the
    // other's case and that case gets two replies. Each: open a case, then tell the customer.
    const customers = await Promise.all(Array.from({ length: 12 }, () => makeCustomer(db)));
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const customer = customers[i % 12]!;
      const order = i % 5 < 2 ? `T-${customer.id}-shared` : `T-${unique()}-${i}`;
      ids.push(
        await signalWith(customer.id, { orderId: order }, `Tell ${i}`, [
          { kind: 'open_case', subject: 'Order {{refs.orderId}}' },
          { kind: 'notify_customer', message: `Reply ${i}` },
        ]),
      );
    }
    const url = handle.url!;
    const handles = await Promise.all(
      [1, 2, 3, 4].map(() => openDatabase({ kind: 'postgres', url, poolSize: 2 })),
    );
    const warnings: unknown[] = [];
    const log = { warn: (o: unknown) => warnings.push(o) };
    let ran: number[];
    try {
      ran = await Promise.all(
        handles.map(async (h) => {
          let n = 0;
          for (let k; (k = await runSignalActions(h.db, 10, { log })) > 0;) n += k;
          return n;
        }),
      );
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
    expect(ran.reduce((x, y) => x + y, 0)).toBe(120);
    // No batch fell back to the one-by-one path (two runners locking each other's cases would).
    expect(warnings).toEqual([]);
    const [actions] = await rows<{ done: number; once: number }>(
      db,
      sql`select count(*) filter (where state = 'done')::int as done, count(*) filter (where attempts = 1)::int as once
        from signal_actions where signal_id = any(${sql.param(ids)}::uuid[])`,
    );
    expect(actions).toEqual({ done: 120, once: 120 });
    const told = await rows<{ cases: number; replies: number; mails: number; open: number }>(
      db,
      sql`select count(*)::int as cases,
          sum((select count(*) from messages m where m.case_id = c.id and m.public))::int as replies,
          sum((select count(*) from mail_messages mm where mm.case_id = c.id))::int as mails,
          count(*) filter (where c.status = 'open' and c.first_responded_at is not null)::int as open
        from cases c where c.customer_id = any(${sql.param(customers.map((c) => c.id))}::uuid[])`,
    );
    // Per customer: the shared order's case (two replies) and three of their own.
    expect(told).toEqual([{ cases: 48, replies: 60, mails: 60, open: 48 }]);
    const replies = await rows<{ body: string }>(
      db,
      sql`select m.body from messages m join signals s on s.case_id = m.case_id
        where s.id = any(${sql.param(ids)}::uuid[]) and m.public group by m.id, m.body`,
    );
    expect(replies.map((r) => r.body).sort()).toEqual(ids.map((_, i) => `Reply ${i}`).sort());
  });
});
