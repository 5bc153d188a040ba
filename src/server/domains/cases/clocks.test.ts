// Promise clocks through the API: computed on business calendars, met by the right events,
// paused and resumed by status, recomputed on changes, breached exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  ALWAYS_OPEN,
  WEEKDAYS_9_TO_5,
  makeAgreement,
  makeCalendar,
  makeCustomer,
  makeCustomerWithAgreement,
  makeOrganization,
  makeSegment,
  makeUser,
  minutesAgo,
} from '../../../../test/helpers/factories.js';
import { addBusinessMinutes, compileCalendar } from '../../../core/business-time.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { recordBreaches, recordWarnings } from './case-jobs.js';
import { createCase } from './cases.service.js';

let t: TestApp;
let admin: string;
let agent: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = (await makeUser(t.db, 'agent')).token;
});
afterAll(() => t?.close());

type Promise_ = {
  kind: string;
  cycle: number;
  state: string;
  dueAt: string | null;
  warnAt: string | null;
  metAt?: string | null;
  remainingMinutes: number | null;
  usedMinutes: number;
};
const clock = (c: { promises: Promise_[] }, kind: string, cycle = 1) =>
  c.promises.find((p) => p.kind === kind && p.cycle === cycle)!;
const near = (iso: string | null | undefined, expected: number, toleranceMs = 5_000) =>
  expect(Math.abs(new Date(iso!).getTime() - expected)).toBeLessThan(toleranceMs);

async function openCase(customerId: string, body: Record<string, unknown> = {}) {
  const res = await t.post('/api/v1/cases', { subject: 'Where is my order?', customerId, ...body }, admin);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('due times on business calendars (hand-computed)', () => {
  it('Friday 16:30 Berlin + 60 business minutes on Mon-Fri 9-17 is Monday 09:30', async () => {
    const cal = await makeCalendar(t.db, WEEKDAYS_9_TO_5, 'Europe/Berlin');
    const { customer, agreement } = await makeCustomerWithAgreement(t.db, { calendarId: cal.id });
    // 2026-11-20 is a Friday; Berlin is UTC+1 in November.
    const c = await openCase(customer.id, { createdAt: '2026-11-20T15:30:00.000Z' });
    expect(c.agreement).toEqual({ id: agreement.id, name: agreement.name });
    const first = clock(c, 'first_response');
    expect(first.dueAt).toBe('2026-11-23T08:30:00.000Z');
    expect(first.warnAt).toBe('2026-11-23T08:15:00.000Z'); // 75% of 60 = 45 minutes
    // 480 minutes: 30 on Friday, 450 on Monday from 09:00 = 16:30 Berlin.
    expect(clock(c, 'resolution').dueAt).toBe('2026-11-23T15:30:00.000Z');
  });

  it('holidays are closed and priority-specific targets win', async () => {
    const cal = await makeCalendar(t.db, WEEKDAYS_9_TO_5, 'America/New_York', ['2025-11-27']);
    const { customer } = await makeCustomerWithAgreement(t.db, {
      calendarId: cal.id,
      targets: [
        { kind: 'first_response', minutes: 240 },
        { kind: 'first_response', priority: 'urgent', minutes: 30 },
      ],
    });
    // Wednesday 2025-11-26 16:00 New York (UTC-5); Thursday is Thanksgiving (holiday).
    const normal = await openCase(customer.id, { createdAt: '2025-11-26T21:00:00.000Z' });
    // 60 minutes on Wednesday, Thursday closed, 180 minutes on Friday from 09:00 -> 12:00 NY.
    expect(clock(normal, 'first_response').dueAt).toBe('2025-11-28T17:00:00.000Z');
    const urgent = await openCase(customer.id, { createdAt: '2025-11-26T21:00:00.000Z', priority: 'urgent' });
    expect(clock(urgent, 'first_response').dueAt).toBe('2025-11-26T21:30:00.000Z');
    expect(urgent.promises.map((p: Promise_) => p.kind)).toEqual(['first_response']);
  });

  it('the most specific agreement applies: customer, organization, segment, default', async () => {
    // In a database of its own: a default agreement applies to every case.
    const own = await startTestApp();
    try {
      const calendarId = (await makeCalendar(own.db)).id;
      const segment = await makeSegment(own.db);
      const org = await makeOrganization(own.db, { segment: segment.key });
      const orgOnly = await makeOrganization(own.db);
      const psa = (scope: Record<string, string> | undefined, minutes: number) =>
        makeAgreement(own.db, { calendarId, scope, targets: [{ kind: 'first_response', minutes }] });
      const byDefault = await psa(undefined, 240);
      const bySegment = await psa({ segment: segment.key }, 120);
      const byOrg = await psa({ organizationId: orgOnly.id }, 60);
      const special = await makeCustomer(own.db, { organizationId: orgOnly.id });
      const byCustomer = await psa({ customerId: special.id }, 15);
      const applied = async (customerId: string) => {
        const c = await createCase(own.db, SYSTEM_ACTOR, { subject: 'x', customerId });
        return c.agreement?.id;
      };
      expect(await applied(special.id)).toBe(byCustomer.id);
      expect(await applied((await makeCustomer(own.db, { organizationId: orgOnly.id })).id)).toBe(byOrg.id);
      expect(await applied((await makeCustomer(own.db, { organizationId: org.id })).id)).toBe(bySegment.id);
      expect(await applied((await makeCustomer(own.db)).id)).toBe(byDefault.id);
      // One active agreement per scope.
      const dup = await own.post(
        '/api/v1/agreements',
        { name: 'Again', calendarId, targets: [{ kind: 'resolution', minutes: 1 }] },
        (await makeUser(own.db, 'admin')).token,
      );
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('agreement_scope_taken');
    } finally {
      await own.close();
    }
  });

  it('a case without an applicable agreement has no clocks', async () => {
    // This test file has no default agreement, so a plain customer gets none.
    const c = await openCase((await makeCustomer(t.db)).id);
    expect(c.agreement).toBeNull();
    expect(c.promises).toEqual([]);
  });
});

describe('meeting promises', () => {
  it('the first public agent reply meets first response; an internal note does not', async () => {
    const { customer } = await makeCustomerWithAgreement(t.db);
    const c = await openCase(customer.id, { message: { body: 'My parcel has not arrived.' } });
    expect(c.status).toBe('new');
    const note = await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: 'Checking with the carrier', public: false },
      agent,
    );
    expect(note.status).toBe(201);
    expect(clock((await t.get(`/api/v1/cases/${c.id}`, agent)).body, 'first_response').state).toBe('active');
    const reply = await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: 'We are on it.', public: true },
      agent,
    );
    expect(reply.status).toBe(201);
    const after = (await t.get(`/api/v1/cases/${c.id}`, agent)).body;
    const first = clock(after, 'first_response');
    expect(first.state).toBe('met');
    expect(first.metAt).toBe(reply.body.createdAt);
    expect(first.remainingMinutes).toBeNull();
    expect(after.status).toBe('open');
    expect(after.firstRespondedAt).toBe(reply.body.createdAt);
    expect(clock(after, 'resolution').state).toBe('active');
  });

  it('a customer message after a reply starts next response; the next reply meets it', async () => {
    const { customer } = await makeCustomerWithAgreement(t.db, {
      targets: [
        { kind: 'first_response', minutes: 60 },
        { kind: 'next_response', minutes: 120 },
      ],
    });
    const c = await openCase(customer.id);
    await t.post(`/api/v1/cases/${c.id}/messages`, { body: 'Hello', public: true }, agent);
    const msg = await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: 'Still waiting', public: true, from: 'customer' },
      agent,
    );
    let now = (await t.get(`/api/v1/cases/${c.id}`, agent)).body;
    const next = clock(now, 'next_response');
    expect(next.state).toBe('active');
    expect(next.dueAt).toBe(new Date(new Date(msg.body.createdAt).getTime() + 120 * 60_000).toISOString());
    await t.post(`/api/v1/cases/${c.id}/messages`, { body: 'Here is an update', public: true }, agent);
    now = (await t.get(`/api/v1/cases/${c.id}`, agent)).body;
    expect(clock(now, 'next_response').state).toBe('met');
    await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: 'Thanks, one more question', public: true, from: 'customer' },
      agent,
    );
    now = (await t.get(`/api/v1/cases/${c.id}`, agent)).body;
    expect(clock(now, 'next_response', 2).state).toBe('active');
  });

  it('a late reply leaves the clock breached, with the time it was met', async () => {
    const { customer } = await makeCustomerWithAgreement(t.db);
    const c = await openCase(customer.id, { createdAt: minutesAgo(90) });
    expect(clock(c, 'first_response').state).toBe('breached');
    await t.post(`/api/v1/cases/${c.id}/messages`, { body: 'Sorry for the wait', public: true }, agent);
    const after = clock((await t.get(`/api/v1/cases/${c.id}`, agent)).body, 'first_response');
    expect(after.state).toBe('breached');
    expect(after.metAt).not.toBeNull();
  });

  it('solving meets resolution; a customer reply reopens the case with a resolution clock of its own', async () => {
    const { customer } = await makeCustomerWithAgreement(t.db);
    const c = await openCase(customer.id, { createdAt: minutesAgo(60) });
    const solved = await t.patch(`/api/v1/cases/${c.id}`, { status: 'solved' }, agent);
    expect(solved.body.status).toBe('solved');
    expect(solved.body.solvedAt).not.toBeNull();
    const res = clock(solved.body, 'resolution');
    expect(res.state).toBe('met');
    expect(res.usedMinutes).toBeGreaterThanOrEqual(59);
    expect(res.usedMinutes).toBeLessThanOrEqual(61);
    const { token } = await makeUser(t.db, 'customer', { customerId: customer.id });
    const back = await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: 'It broke again', public: true },
      token,
    );
    expect(back.status).toBe(201);
    const reopened = (await t.get(`/api/v1/cases/${c.id}`, agent)).body;
    expect(reopened.status).toBe('open');
    expect(reopened.reopenCount).toBe(1);
    // The first resolution stays met at the solve; the reopened period has the whole target.
    expect(clock(reopened, 'resolution')).toEqual(res);
    const r = clock(reopened, 'resolution', 2);
    expect(r.state).toBe('active');
    expect(r.usedMinutes).toBe(0);
    expect(r.remainingMinutes).toBeGreaterThanOrEqual(479);
    expect(r.remainingMinutes).toBeLessThanOrEqual(480);
    expect(reopened.nextDueAt).toBe(r.dueAt);
  });
});

describe('pausing', () => {
  it('pending pauses resolution (not first response); open resumes with the time left', async () => {
    const { customer } = await makeCustomerWithAgreement(t.db);
    const c = await openCase(customer.id, { createdAt: minutesAgo(30) });
    const pending = (await t.patch(`/api/v1/cases/${c.id}`, { status: 'pending' }, agent)).body;
    const paused = clock(pending, 'resolution');
    expect(paused.state).toBe('paused');
    expect(paused.dueAt).toBeNull();
    expect(paused.usedMinutes).toBeGreaterThanOrEqual(29);
    expect(clock(pending, 'first_response').state).toBe('active');
    expect(pending.nextDueAt).toBe(clock(pending, 'first_response').dueAt);
    const reopened = (await t.patch(`/api/v1/cases/${c.id}`, { status: 'open' }, agent)).body;
    const resumed = clock(reopened, 'resolution');
    expect(resumed.state).toBe('active');
    // Due = resume time + (480 - ~30) minutes.
    near(resumed.dueAt, new Date(reopened.updatedAt).getTime() + (480 - 30) * 60_000, 65_000);
  });

  it('statuses not in pauseOn do not pause', async () => {
    const { customer } = await makeCustomerWithAgreement(t.db, { pauseOn: ['pending'] });
    const c = await openCase(customer.id);
    const onHold = (await t.patch(`/api/v1/cases/${c.id}`, { status: 'on_hold' }, agent)).body;
    expect(clock(onHold, 'resolution').state).toBe('active');
  });
});

describe('recomputing', () => {
  it('a priority change retargets the running clocks', async () => {
    const { customer } = await makeCustomerWithAgreement(t.db, {
      targets: [
        { kind: 'first_response', minutes: 240 },
        { kind: 'first_response', priority: 'high', minutes: 30 },
      ],
    });
    const c = await openCase(customer.id);
    const high = (await t.patch(`/api/v1/cases/${c.id}`, { priority: 'high' }, agent)).body;
    expect(clock(high, 'first_response').dueAt).toBe(
      new Date(new Date(c.createdAt).getTime() + 30 * 60_000).toISOString(),
    );
    const timeline = await t.get(`/api/v1/cases/${c.id}/timeline`, agent);
    expect(timeline.body.items.map((e: { type: string }) => e.type)).toContain('case.promise_rescheduled');
  });

  it('a priority change after a breach leaves the broken promise as it was', async () => {
    const cal = await makeCalendar(t.db, ALWAYS_OPEN, 'Europe/Berlin');
    const { customer } = await makeCustomerWithAgreement(t.db, {
      calendarId: cal.id,
      targets: [
        { kind: 'first_response', minutes: 240 },
        { kind: 'first_response', priority: 'urgent', minutes: 60 },
      ],
    });
    // Opened five hours ago: the 4-hour first response is broken (the scheduler may not have run).
    const created = Date.now() - 5 * 3_600_000;
    const c = await openCase(customer.id, { createdAt: new Date(created).toISOString() });
    const before = clock(c, 'first_response');
    expect(before.dueAt).toBe(new Date(created + 240 * 60_000).toISOString());
    const urgent = (await t.patch(`/api/v1/cases/${c.id}`, { priority: 'urgent' }, agent)).body;
    const after = clock(urgent, 'first_response') as Promise_ & { targetMinutes: number };
    // Target, due time and overdue time agree, as promised then: 240 minutes, an hour overdue.
    expect([after.state, after.targetMinutes, after.dueAt]).toEqual(['breached', 240, before.dueAt]);
    expect(after.remainingMinutes).toBeGreaterThan(-62);
    expect(after.remainingMinutes).toBeLessThan(-58);
  });

  it('a calendar change recomputes due times of running clocks at once', async () => {
    // Created now on a 24/7 calendar, so the clocks are still running whenever this runs.
    const cal = await makeCalendar(t.db, ALWAYS_OPEN, 'Europe/Berlin');
    const { customer } = await makeCustomerWithAgreement(t.db, { calendarId: cal.id });
    const c = await openCase(customer.id);
    const created = new Date(c.createdAt);
    expect(clock(c, 'first_response').dueAt).toBe(new Date(created.getTime() + 60 * 60_000).toISOString());
    const hours = [...WEEKDAYS_9_TO_5, { day: 6, open: '10:00', close: '14:00' }];
    const res = await t.patch(`/api/v1/calendars/${cal.id}`, { hours }, admin);
    expect(res.status).toBe(200);
    expect(res.body.recomputedClocks).toBe(2);
    const after = (await t.get(`/api/v1/cases/${c.id}`, agent)).body;
    // The business-time core is checked against its own oracle; here: the recompute uses it.
    const next = compileCalendar({ timezone: 'Europe/Berlin', hours, holidays: [] });
    expect(clock(after, 'first_response').dueAt).toBe(addBusinessMinutes(next, created, 60).toISOString());
    expect(clock(after, 'resolution').dueAt).toBe(addBusinessMinutes(next, created, 480).toISOString());
    expect(after.nextDueAt).toBe(clock(after, 'first_response').dueAt);
  });

  const firstResponseIn15 = (agreementId: string) =>
    t.patch(
      `/api/v1/agreements/${agreementId}`,
      {
        targets: [
          { kind: 'first_response', minutes: 15 },
          { kind: 'resolution', minutes: 480 },
        ],
      },
      admin,
    );

  it('an agreement target change recomputes its cases', async () => {
    const { customer, agreement } = await makeCustomerWithAgreement(t.db);
    const c = await openCase(customer.id);
    const res = await firstResponseIn15(agreement.id);
    expect(res.body.recomputedClocks).toBe(2);
    expect(res.body.pastDueClocks).toBe(0);
    const after = (await t.get(`/api/v1/cases/${c.id}`, agent)).body;
    expect(clock(after, 'first_response').dueAt).toBe(
      new Date(new Date(c.createdAt).getTime() + 15 * 60_000).toISOString(),
    );
  });

  it('a tightened target says how many running clocks it put past due; the scheduler breaches them once', async () => {
    const cal = await makeCalendar(t.db, ALWAYS_OPEN, 'Europe/Berlin');
    const { customer, agreement } = await makeCustomerWithAgreement(t.db, {
      calendarId: cal.id,
      targets: [
        { kind: 'first_response', minutes: 60 },
        { kind: 'resolution', minutes: 480 },
      ],
    });
    // Opened 30 minutes ago, and one just now: a 15-minute first response breaks only the first.
    const old = await openCase(customer.id, { createdAt: new Date(Date.now() - 30 * 60_000).toISOString() });
    const fresh = await openCase(customer.id);
    const res = await firstResponseIn15(agreement.id);
    expect(res.status).toBe(200);
    expect([res.body.recomputedClocks, res.body.pastDueClocks]).toEqual([4, 1]);
    while ((await recordBreaches(t.db)) > 0);
    const breached = await Promise.all(
      [old, fresh].map(
        async (c) => clock((await t.get(`/api/v1/cases/${c.id}`, agent)).body, 'first_response').state,
      ),
    );
    expect(breached).toEqual(['breached', 'active']);
    const entries = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from domain_events where entity_id = ${old.id} and type = 'case.promise_breached'`,
    );
    expect(entries[0]!.n).toBe(1);
    // The calendar's answer counts the same way: the three clocks still running, none past due
    // (fewer open days only move due times later).
    const weekdays = await t.patch(`/api/v1/calendars/${cal.id}`, { hours: ALWAYS_OPEN.slice(0, 5) }, admin);
    expect(weekdays.status).toBe(200);
    expect([weekdays.body.recomputedClocks, weekdays.body.pastDueClocks]).toEqual([3, 0]);
  });
});

describe('queues by promise state', () => {
  it('at risk: a warning has passed and nothing is overdue; breached: something is', async () => {
    const { customer } = await makeCustomerWithAgreement(t.db, {
      targets: [
        { kind: 'first_response', minutes: 60 },
        { kind: 'resolution', minutes: 480 },
      ],
    });
    const atRisk = await openCase(customer.id, { createdAt: minutesAgo(50) }); // warned at 45, due at 60
    const breached = await openCase(customer.id, { createdAt: minutesAgo(70) });
    const fine = await openCase(customer.id, { createdAt: minutesAgo(5) });
    const ids = async (promise: string) =>
      (await t.get(`/api/v1/cases?customerId=${customer.id}&promise=${promise}`, agent)).body.items.map(
        (c: { id: string }) => c.id,
      );
    expect(await ids('at_risk')).toEqual([atRisk.id]);
    expect(await ids('breached')).toEqual([breached.id]);
    const rows = (await t.get(`/api/v1/cases?customerId=${customer.id}`, agent)).body.items as {
      id: string;
      promiseState: string;
    }[];
    expect(Object.fromEntries(rows.map((r) => [r.id, r.promiseState]))).toEqual({
      [atRisk.id]: 'at_risk',
      [breached.id]: 'breached',
      [fine.id]: 'ok',
    });
    // Answering meets first response: the case leaves both queues.
    await t.post(`/api/v1/cases/${breached.id}/messages`, { body: 'Sorry', public: true }, agent);
    expect(await ids('breached')).toEqual([]);
  });
});

describe('warnings and breaches (the scheduler jobs)', () => {
  it('records each breach and warning once, as timeline entries', async () => {
    const { customer } = await makeCustomerWithAgreement(t.db, {
      targets: [
        { kind: 'first_response', minutes: 60 },
        { kind: 'resolution', minutes: 100 },
      ],
    });
    const c = await openCase(customer.id, { createdAt: minutesAgo(80) });
    // first response (60) is past due; resolution (100, warn at 75) is past its warning.
    let breaches = 0;
    for (let n = await recordBreaches(t.db); n > 0; n = await recordBreaches(t.db)) breaches += n;
    expect(breaches).toBeGreaterThanOrEqual(1);
    expect(await recordBreaches(t.db)).toBe(0);
    let warnings = 0;
    for (let n = await recordWarnings(t.db); n > 0; n = await recordWarnings(t.db)) warnings += n;
    expect(warnings).toBeGreaterThanOrEqual(1);
    expect(await recordWarnings(t.db)).toBe(0);
    const timeline = (await t.get(`/api/v1/cases/${c.id}/timeline`, agent)).body.items as {
      type: string;
      data: { kind: string };
    }[];
    expect(timeline.filter((e) => e.type === 'case.promise_breached').map((e) => e.data.kind)).toEqual([
      'first_response',
    ]);
    expect(timeline.filter((e) => e.type === 'case.promise_warning').map((e) => e.data.kind)).toEqual([
      'resolution',
    ]);
    const now = (await t.get(`/api/v1/cases/${c.id}`, agent)).body;
    expect(clock(now, 'first_response').state).toBe('breached');
    const listed = await t.get(`/api/v1/cases?customerId=${customer.id}&promise=breached`, agent);
    expect(listed.body.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    expect(listed.body.items[0].promiseState).toBe('breached');
  });
});
