// PSA target compliance (GET /kpis/promises, its CSV and trend, and the case list's filters
// that list the cases behind each count) through the API, on cases made by the
// factories whose promise clocks are then set to known outcomes: met on time, breached, breached
// and met late, overdue now, decided outside the period, on a deleted case, on a merged case.
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  makeAgreement,
  makeCase,
  makeCustomer,
  makeOrganization,
  makeSegment,
  makeUser,
} from '../../../../test/helpers/factories.js';
import type { Database } from '../../../db/client.js';
import { promiseCaseQuery, type PromiseCount } from '../../../shared/promise-cases.js';
import { NO_SEGMENT } from '../../../shared/schemas/cases.js';
import { PROMISE_KPI_GROUPS, type PromiseKpis, type PromiseTrend } from '../../../shared/schemas/signals.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { createTeam } from '../teams/teams.service.js';

const FROM = '2026-03-01T00:00:00.000Z';
const TO = '2026-03-08T00:00:00.000Z';
const PERIOD = `from=${FROM}&to=${TO}`;
const MINUTE = 60_000;

let k: TestApp;
let agent: string;
let admin: string;
let customerToken: string;
const ids: Record<string, string> = {};
const numbers: Record<string, number> = {};

/** Sets a case's clock of `kind` to a decided (or overdue) state, as the clock machinery leaves it. */
async function setClock(
  db: Database,
  caseId: string,
  kind: 'first_response' | 'resolution',
  c: {
    state: 'met' | 'breached' | 'active';
    metAt?: string;
    breachedAt?: string;
    usedMinutes?: number;
    dueAt?: Date;
  },
) {
  const dueAt = c.dueAt?.toISOString() ?? c.breachedAt ?? c.metAt ?? null;
  await db.execute(sql`
    update case_promises set state = ${c.state}, met_at = ${c.metAt ?? null}::timestamptz,
      breached_at = ${c.breachedAt ?? null}::timestamptz, used_ms = ${(c.usedMinutes ?? 0) * MINUTE},
      running_since = case when ${c.state} = 'active' then started_at end, due_at = ${dueAt}::timestamptz,
      warn_at = null
    where case_id = ${caseId} and kind = ${kind}`);
}

beforeAll(async () => {
  k = await startTestApp();
  agent = (await makeUser(k.db, 'agent')).token;
  admin = (await makeUser(k.db, 'admin')).token;
  customerToken = (await makeUser(k.db, 'customer')).token;
  const assignee = (await makeUser(k.db, 'agent')).user;
  const team = await createTeam(k.db, SYSTEM_ACTOR, { name: 'Tier 2' });
  const gold = await makeSegment(k.db, 'gold');
  const silver = await makeSegment(k.db, 'silver');
  // One customer with their own segment, one whose segment is their organization's.
  const one = await makeCustomer(k.db, { segment: gold.key });
  const org = await makeOrganization(k.db, { segment: silver.key });
  const two = await makeCustomer(k.db, { organizationId: org.id });
  // Targets: first response 60 minutes, resolution 480.
  const psaOne = await makeAgreement(k.db, { name: 'PSA One', scope: { customerId: one.id } });
  const psaTwo = await makeAgreement(k.db, { name: 'PSA Two', scope: { customerId: two.id } });
  Object.assign(ids, { assignee: assignee.id, team: team.id, psaOne: psaOne.id, psaTwo: psaTwo.id });
  const staffed = { teamId: team.id, assigneeId: assignee.id, channel: 'email' as const };

  // A: first response met on time at the period's first instant (half the target used); resolution
  // breached in the period, fulfilled late after it.
  const a = await makeCase(k.db, one.id, staffed);
  await setClock(k.db, a.id, 'first_response', { state: 'met', metAt: FROM, usedMinutes: 30 });
  await setClock(k.db, a.id, 'resolution', {
    state: 'breached',
    breachedAt: '2026-03-03T00:00:00.000Z',
    metAt: '2026-03-09T00:00:00.000Z',
  });
  // B: no team, no assignee; first response met on time (75% used), resolution breached, still open.
  const b = await makeCase(k.db, two.id, { channel: 'phone' });
  await setClock(k.db, b.id, 'first_response', {
    state: 'met',
    metAt: '2026-03-05T00:00:00.000Z',
    usedMinutes: 45,
  });
  await setClock(k.db, b.id, 'resolution', { state: 'breached', breachedAt: '2026-03-06T00:00:00.000Z' });
  // C: first response met at the period's end (outside: [from, to)); resolution running, past due
  // a minute ago, not flipped by the scheduler yet.
  const c = await makeCase(k.db, one.id, staffed);
  await setClock(k.db, c.id, 'first_response', { state: 'met', metAt: TO, usedMinutes: 6 });
  await setClock(k.db, c.id, 'resolution', { state: 'active', dueAt: new Date(Date.now() - MINUTE) });
  // E: first response met on time (20% used); resolution breached before the period and met late
  // in it: decided at the breach, so outside.
  const e = await makeCase(k.db, two.id, { channel: 'phone' });
  await setClock(k.db, e.id, 'first_response', {
    state: 'met',
    metAt: '2026-03-07T00:00:00.000Z',
    usedMinutes: 12,
  });
  await setClock(k.db, e.id, 'resolution', {
    state: 'breached',
    breachedAt: '2026-02-25T00:00:00.000Z',
    metAt: '2026-03-05T00:00:00.000Z',
  });
  // D: decided in the period, but the case is deleted: counted nowhere (nor its open breach).
  const d = await makeCase(k.db, one.id, staffed);
  await setClock(k.db, d.id, 'first_response', {
    state: 'met',
    metAt: '2026-03-02T00:00:00.000Z',
    usedMinutes: 1,
  });
  await setClock(k.db, d.id, 'resolution', { state: 'breached', breachedAt: '2026-03-02T00:00:00.000Z' });
  expect((await k.del(`/api/v1/cases/${d.id}`, admin)).status).toBe(204);
  for (const [name, x] of Object.entries({ a, b, c, d, e })) {
    ids[name] = x.id;
    numbers[name] = x.number;
  }
});
afterAll(() => k?.close());

const row = (o: Partial<Record<string, unknown>>) => ({
  breached: 0,
  metLate: 0,
  overdueNow: 0,
  medianTargetUsed: null,
  cases: { decided: 0, metOnTime: 0, breached: 0, overdueNow: 0 },
  ...o,
});
/** The distinct cases behind the counts decided, met on time, breached, overdue now. */
const cases = (decided: number, metOnTime: number, breached: number, overdueNow: number) => ({
  cases: { decided, metOnTime, breached, overdueNow },
});

describe('PSA target compliance', () => {
  it('per kind (the default), in the kinds’ order, with totals: met on time / decided', async () => {
    const res = await k.get(`/api/v1/kpis/promises?${PERIOD}`, agent);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: FROM,
      to: TO,
      groupBy: 'kind',
      items: [
        row({
          groupId: 'first_response',
          groupName: 'First response',
          decided: 3,
          metOnTime: 3,
          compliance: 1,
          medianTargetUsed: 0.5, // of 0.5, 0.75 and 0.2
          ...cases(3, 3, 0, 0),
        }),
        row({
          groupId: 'resolution',
          groupName: 'Resolution',
          decided: 2,
          metOnTime: 0,
          breached: 2,
          metLate: 1,
          overdueNow: 2, // B's open breach, C's clock past due
          compliance: 0,
          ...cases(2, 0, 2, 2),
        }),
      ],
      totals: row({
        decided: 5,
        metOnTime: 3,
        breached: 2,
        metLate: 1,
        overdueNow: 2,
        compliance: 0.6,
        medianTargetUsed: 0.5,
        // A, B and E decided clocks (A two of them), B and C have one overdue.
        ...cases(3, 3, 2, 2),
      }),
    });
  });

  // Cases A and C are staffed (team, assignee, email, customer one), B and E not (phone, customer two).
  const staffed = (groupId: string, groupName: string) =>
    row({
      groupId,
      groupName,
      decided: 2,
      metOnTime: 1,
      breached: 1,
      metLate: 1,
      overdueNow: 1,
      compliance: 0.5,
      medianTargetUsed: 0.5,
      // Two clocks of A decided: one case; C's clock overdue.
      ...cases(1, 1, 1, 1),
    });
  const unstaffed = (groupId: string | null, groupName: string | null) =>
    row({
      groupId,
      groupName,
      decided: 3,
      metOnTime: 2,
      breached: 1,
      overdueNow: 1,
      compliance: 2 / 3,
      medianTargetUsed: 0.475,
      ...cases(2, 2, 1, 1),
    });

  it.each([
    ['team', () => [staffed(ids.team!, 'Tier 2'), unstaffed(null, null)]],
    ['assignee', () => [staffed(ids.assignee!, expect.any(String) as never), unstaffed(null, null)]],
    ['channel', () => [staffed('email', 'email'), unstaffed('phone', 'phone')]],
    ['agreement', () => [staffed(ids.psaOne!, 'PSA One'), unstaffed(ids.psaTwo!, 'PSA Two')]],
    // Customer two's segment is their organization's.
    ['segment', () => [staffed('gold', 'Segment gold'), unstaffed('silver', 'Segment silver')]],
  ])('per %s, worst first, totals the same', async (groupBy, expected) => {
    const res = await k.get(`/api/v1/kpis/promises?${PERIOD}&groupBy=${groupBy}`, agent);
    expect(res.status).toBe(200);
    expect(res.body.groupBy).toBe(groupBy);
    expect(res.body.items).toEqual(expected());
    expect(res.body.totals).toMatchObject({ decided: 5, metOnTime: 3, compliance: 0.6, overdueNow: 2 });
  });

  it('a period with nothing decided: compliance null, the overdue clocks still shown', async () => {
    const res = await k.get(
      '/api/v1/kpis/promises?from=2020-01-01T00:00:00.000Z&to=2020-02-01T00:00:00.000Z',
      agent,
    );
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      row({
        groupId: 'resolution',
        groupName: 'Resolution',
        decided: 0,
        metOnTime: 0,
        overdueNow: 2,
        compliance: null,
        ...cases(0, 0, 0, 2),
      }),
    ]);
    expect(res.body.totals).toEqual(
      row({ decided: 0, metOnTime: 0, overdueNow: 2, compliance: null, ...cases(0, 0, 0, 2) }),
    );
  });

  it('refuses a bad group or period with a 400 naming the field', async () => {
    const bad = await k.get('/api/v1/kpis/promises?groupBy=priority', agent);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_error');
    expect(bad.body.error.message).toContain('query.groupBy');
    const backwards = await k.get(`/api/v1/kpis/promises?from=${TO}&to=${FROM}`, agent);
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toContain('query.from');
  });

  it('is for staff: a customer gets 403, anyone signed out 401', async () => {
    for (const path of ['/api/v1/kpis/promises', '/api/v1/kpis/promises.csv']) {
      const refused = await k.get(path, customerToken);
      expect(refused.status, path).toBe(403);
      expect(refused.body.error.code, path).toBe('forbidden');
      expect((await k.get(path)).status, path).toBe(401);
    }
  });

  it('exports the same numbers as CSV, a row per group and the totals, and records the export', async () => {
    const res = await k.get<string>(`/api/v1/kpis/promises.csv?${PERIOD}&groupBy=channel`, agent);
    expect(res.status).toBe(200);
    // Named by its period (its last day the one before `to`), the period on every row too.
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="promise-compliance-by-channel-2026-03-01-to-2026-03-07.csv"',
    );
    const period = { 'From (UTC)': '2026-03-01 00:00:00', 'To (UTC)': '2026-03-08 00:00:00' };
    const records = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
    expect(records).toEqual([
      {
        Channel: 'E-mail',
        'Promises decided': '2',
        'Kept on time': '1',
        Breached: '1',
        'Of those met late': '1',
        'Compliance %': '50',
        'Median target used %': '50',
        'Overdue now': '1',
        ...period,
        'Channel id': 'email',
      },
      {
        Channel: 'Phone',
        'Promises decided': '3',
        'Kept on time': '2',
        Breached: '1',
        'Of those met late': '0',
        'Compliance %': '66.7',
        'Median target used %': '47.5',
        'Overdue now': '1',
        ...period,
        'Channel id': 'phone',
      },
      {
        Channel: 'Total',
        'Promises decided': '5',
        'Kept on time': '3',
        Breached: '2',
        'Of those met late': '1',
        'Compliance %': '60',
        'Median target used %': '50',
        'Overdue now': '2',
        ...period,
        'Channel id': '',
      },
    ]);
    const audit = await k.get('/api/v1/audit-log?entityType=export', admin);
    const downloads = (audit.body.items as { type: string; data: { list: string; query: object } }[]).filter(
      (e) => e.type === 'export.downloaded' && e.data.list === 'promise-compliance',
    );
    expect(downloads).toHaveLength(1);
    expect(downloads[0]!.data.query).toMatchObject({ groupBy: 'channel', from: FROM, to: TO });
  });
});

describe('the cases behind each count (GET /cases with the promise filters)', () => {
  const COUNTS: PromiseCount[] = ['decided', 'metOnTime', 'breached', 'overdueNow'];
  const period = { from: FROM, to: TO };
  const listed = async (query: Record<string, string>) => {
    const res = await k.get(
      `/api/v1/cases?${new URLSearchParams({ ...query, includeTotal: 'true', limit: '100' })}`,
      agent,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { total: number; items: { id: string }[] };
  };

  it.each(PROMISE_KPI_GROUPS)(
    'per %s: every row’s every count is the queue’s total, and the totals row’s',
    async (groupBy) => {
      const kpis = await k.get(`/api/v1/kpis/promises?${PERIOD}&groupBy=${groupBy}`, agent);
      const rows = [
        ...(kpis.body as PromiseKpis).items.map((r) => ({ r, group: { by: groupBy, id: r.groupId } })),
        { r: (kpis.body as PromiseKpis).totals, group: null },
      ];
      let checked = 0;
      for (const { r, group } of rows)
        for (const count of COUNTS) {
          const found = await listed(promiseCaseQuery(period, count, group));
          expect(found.total, `${groupBy} ${group?.id ?? 'total'} ${count}`).toBe(r.cases[count]);
          expect(found.items).toHaveLength(r.cases[count]);
          // Never more cases than clocks; as many where each case has one clock in the count.
          expect(r.cases[count]).toBeLessThanOrEqual(r[count]);
          checked += r.cases[count];
        }
      expect(checked).toBeGreaterThan(0);
    },
  );

  it('lists exactly the cases of a count: the breached resolutions are A’s and B’s, not the deleted D’s', async () => {
    const breached = await listed(promiseCaseQuery(period, 'breached', { by: 'kind', id: 'resolution' }));
    expect(breached.items.map((c) => c.id).sort()).toEqual([ids.a, ids.b].sort());
    // E's resolution was breached before the period (met late in it): counted at its breach.
    const before = await listed({
      promiseKind: 'resolution',
      promiseOutcome: 'breached',
      decidedTo: FROM,
    });
    expect(before.items.map((c) => c.id)).toEqual([ids.e]);
    // Overdue now: B's open breach and C's clock past due (not A's, kept late).
    const overdue = await listed({ promiseKind: 'resolution', promiseOutcome: 'overdue' });
    expect(overdue.items.map((c) => c.id).sort()).toEqual([ids.b, ids.c].sort());
    // C's first response was met at the period's end: outside [from, to).
    const met = await listed(promiseCaseQuery(period, 'metOnTime', { by: 'kind', id: 'first_response' }));
    expect(met.items.map((c) => c.id).sort()).toEqual([ids.a, ids.b, ids.e].sort());
    // A period alone means decided in it; the clock conditions hold for one clock: A's first
    // response was met in the period, its resolution breached, no clock of A is both.
    const decided = await listed({ decidedFrom: FROM, decidedTo: '2026-03-02T00:00:00.000Z' });
    expect(decided.items.map((c) => c.id)).toEqual([ids.a]);
    const none = await listed({
      promiseKind: 'first_response',
      promiseOutcome: 'breached',
      decidedFrom: FROM,
      decidedTo: TO,
    });
    expect(none.total).toBe(0);
    // Kind or agreement alone: cases with such a clock, whatever became of it.
    expect((await listed({ promiseAgreementId: ids.psaTwo! })).items.map((c) => c.id).sort()).toEqual(
      [ids.b, ids.e].sort(),
    );
    // The effective segment: customer two's is their organization's.
    expect((await listed({ segment: 'silver' })).items.map((c) => c.id).sort()).toEqual(
      [ids.b, ids.e].sort(),
    );
    expect((await listed({ segment: NO_SEGMENT })).total).toBe(0);
  });

  it('the export takes the same filters', async () => {
    const query = new URLSearchParams(promiseCaseQuery(period, 'breached', { by: 'kind', id: 'resolution' }));
    const res = await k.get<string>(`/api/v1/cases/export.csv?${query}`, agent);
    expect(res.status).toBe(200);
    const records = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
    const byNumber = (a: number, b: number) => a - b;
    expect(records.map((r) => Number(r.Case)).sort(byNumber)).toEqual(
      [numbers.a!, numbers.b!].sort(byNumber),
    );
  });

  it('refuses bad filters with a 400 naming the field, and customers with a 403', async () => {
    for (const [query, path] of [
      ['promiseOutcome=late', 'query.promiseOutcome'],
      ['promiseKind=reply', 'query.promiseKind'],
      ['promiseAgreementId=nope', 'query.promiseAgreementId'],
      ['decidedFrom=yesterday', 'query.decidedFrom'],
      ['segment=Gold%20Plus', 'query.segment'],
      [`decidedFrom=${TO}&decidedTo=${FROM}`, 'query.decidedFrom'],
      [`decidedFrom=${FROM}&decidedTo=${FROM}`, 'query.decidedFrom'],
      [`promiseOutcome=overdue&decidedTo=${TO}`, 'query.decidedTo'],
    ]) {
      for (const list of ['/api/v1/cases', '/api/v1/cases/export.csv']) {
        const res = await k.get(`${list}?${query}`, agent);
        expect(res.status, `${list}?${query}`).toBe(400);
        expect(res.body.error.code).toBe('validation_error');
        expect(res.body.error.message).toContain(path);
      }
    }
    for (const query of ['promiseOutcome=breached', 'segment=gold', `decidedFrom=${FROM}`]) {
      const res = await k.get(`/api/v1/cases?${query}`, customerToken);
      expect(res.status, query).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });
});

describe('PSA target compliance over time (GET /kpis/promises/trend)', () => {
  const bucket = (start: string, end: string, decided: number, metOnTime: number) => ({
    start,
    end,
    decided,
    metOnTime,
    breached: decided - metOnTime,
    compliance: decided === 0 ? null : metOnTime / decided,
  });
  const day = (d: number) => `2026-03-0${d}T00:00:00.000Z`;

  it('per day of a week-long period: every day, the clocks decided in it, met on time of them', async () => {
    const res = await k.get(`/api/v1/kpis/promises/trend?${PERIOD}`, agent);
    expect(res.status).toBe(200);
    // A's first response met on the 1st, its resolution breached on the 3rd; B met on the 5th,
    // breached on the 6th; E met on the 7th. C's met at the period's end, D deleted: not counted.
    expect(res.body).toEqual({
      from: FROM,
      to: TO,
      interval: 'day',
      timezone: 'UTC',
      buckets: [
        bucket(day(1), day(2), 1, 1),
        bucket(day(2), day(3), 0, 0),
        bucket(day(3), day(4), 1, 0),
        bucket(day(4), day(5), 0, 0),
        bucket(day(5), day(6), 1, 1),
        bucket(day(6), day(7), 1, 0),
        bucket(day(7), day(8), 1, 1),
      ],
    });
    // The buckets add up to the table's totals.
    const kpis = await k.get(`/api/v1/kpis/promises?${PERIOD}`, agent);
    const sum = (key: 'decided' | 'metOnTime') =>
      (res.body as PromiseTrend).buckets.reduce((n, b) => n + b[key], 0);
    expect([sum('decided'), sum('metOnTime')]).toEqual([
      kpis.body.totals.decided,
      kpis.body.totals.metOnTime,
    ]);
  });

  it('per week (from Monday) and in a time zone', async () => {
    const weeks = await k.get(`/api/v1/kpis/promises/trend?${PERIOD}&interval=week`, agent);
    expect(weeks.status).toBe(200);
    // 1 March 2026 is a Sunday: its week starts on 23 February.
    expect(weeks.body.buckets).toEqual([
      bucket('2026-02-23T00:00:00.000Z', day(2), 1, 1),
      bucket(day(2), '2026-03-09T00:00:00.000Z', 4, 2),
    ]);
    // In New York, A's first response (met at 00:00 UTC on the 1st) was met on 28 February.
    const ny = await k.get(`/api/v1/kpis/promises/trend?${PERIOD}&timezone=America/New_York`, agent);
    expect(ny.status).toBe(200);
    expect(ny.body.buckets[0]).toEqual(bucket('2026-02-28T05:00:00.000Z', '2026-03-01T05:00:00.000Z', 1, 1));
    expect(ny.body.buckets).toHaveLength(8);
  });

  it('refuses too many buckets or a bad zone with a 400, customers with a 403', async () => {
    const many = await k.get(
      '/api/v1/kpis/promises/trend?from=2020-01-01T00:00:00.000Z&to=2026-01-01T00:00:00.000Z&interval=day',
      agent,
    );
    expect(many.status).toBe(400);
    expect(many.body.error.message).toContain('query.interval');
    const zone = await k.get(`/api/v1/kpis/promises/trend?${PERIOD}&timezone=Mars/Olympus`, agent);
    expect(zone.status).toBe(400);
    expect(zone.body.error.message).toContain('query.timezone');
    expect((await k.get('/api/v1/kpis/promises/trend', customerToken)).status).toBe(403);
    expect((await k.get('/api/v1/kpis/promises/trend')).status).toBe(401);
  });
});

describe('PSA target compliance of a merged case', () => {
  it('keeps the promises it had decided, and a breach never made good (ended by the merge)', async () => {
    const m = await startTestApp();
    try {
      const staff = (await makeUser(m.db, 'agent')).token;
      const customer = await makeCustomer(m.db);
      await makeAgreement(m.db, { scope: { customerId: customer.id } });
      const duplicate = await makeCase(m.db, customer.id);
      const kept = await makeCase(m.db, customer.id);
      await setClock(m.db, duplicate.id, 'first_response', {
        state: 'met',
        metAt: '2026-03-02T00:00:00.000Z',
      });
      await setClock(m.db, duplicate.id, 'resolution', {
        state: 'breached',
        breachedAt: '2026-03-03T00:00:00.000Z',
      });
      const before = await m.get(`/api/v1/kpis/promises?${PERIOD}`, staff);
      expect(before.body.totals).toMatchObject({ decided: 2, metOnTime: 1, breached: 1, overdueNow: 1 });

      const merged = await m.post(`/api/v1/cases/${duplicate.id}/merge`, { intoId: kept.id }, staff);
      expect(merged.status).toBe(200);
      const after = await m.get(`/api/v1/kpis/promises?${PERIOD}`, staff);
      // The breach stays in its period, no longer overdue: the merge closed the case, ending it.
      expect(after.body.totals).toEqual(
        row({
          decided: 2,
          metOnTime: 1,
          breached: 1,
          metLate: 1,
          compliance: 0.5,
          medianTargetUsed: 0,
          ...cases(1, 1, 1, 0),
        }),
      );
    } finally {
      await m.close();
    }
  });
});

describe('PSA target compliance of a case with two decided clocks of one kind', () => {
  /** A next-response clock of `cycle` on a case, copied from its first response's, decided as given. */
  const nextResponse = (
    db: Database,
    caseId: string,
    cycle: number,
    c: { state: 'met' | 'breached'; metAt?: string; breachedAt?: string },
  ) =>
    db.execute(sql`
      insert into case_promises (id, case_id, agreement_id, kind, cycle, target_minutes, warn_minutes, state,
        started_at, due_at, met_at, breached_at)
      select gen_random_uuid(), case_id, agreement_id, 'next_response', ${cycle}, target_minutes, warn_minutes,
        ${c.state}, started_at, coalesce(${c.breachedAt ?? null}::timestamptz, ${c.metAt ?? null}::timestamptz),
        ${c.metAt ?? null}::timestamptz, ${c.breachedAt ?? null}::timestamptz
      from case_promises where case_id = ${caseId} and kind = 'first_response'`);

  it('counts its clocks each and the case once, per group and in the totals, as the queue lists it', async () => {
    const m = await startTestApp();
    try {
      const staff = (await makeUser(m.db, 'agent')).token;
      const customer = await makeCustomer(m.db);
      await makeAgreement(m.db, { scope: { customerId: customer.id } });
      // X: next response met on time (cycle 1), then breached and still open (cycle 2).
      const x = await makeCase(m.db, customer.id);
      await nextResponse(m.db, x.id, 1, { state: 'met', metAt: '2026-03-02T00:00:00.000Z' });
      await nextResponse(m.db, x.id, 2, { state: 'breached', breachedAt: '2026-03-04T00:00:00.000Z' });
      // Y: one next response met on time. Z: two decided, but the case is deleted.
      const y = await makeCase(m.db, customer.id);
      await nextResponse(m.db, y.id, 1, { state: 'met', metAt: '2026-03-03T00:00:00.000Z' });
      const z = await makeCase(m.db, customer.id);
      await nextResponse(m.db, z.id, 1, { state: 'met', metAt: '2026-03-03T00:00:00.000Z' });
      await nextResponse(m.db, z.id, 2, { state: 'breached', breachedAt: '2026-03-05T00:00:00.000Z' });
      await m.db.execute(sql`update cases set deleted_at = now() where id = ${z.id}`);

      const byKind = await m.get(`/api/v1/kpis/promises?${PERIOD}`, staff);
      expect(byKind.status).toBe(200);
      const counts = { decided: 3, metOnTime: 2, breached: 1, overdueNow: 1, ...cases(2, 2, 1, 1) };
      expect(byKind.body.items).toEqual([
        row({
          groupId: 'next_response',
          groupName: 'Next response',
          compliance: 2 / 3,
          medianTargetUsed: 0,
          ...counts,
        }),
      ]);
      expect(byKind.body.totals).toEqual(row({ compliance: 2 / 3, medianTargetUsed: 0, ...counts }));

      const period = { from: FROM, to: TO };
      for (const groupBy of PROMISE_KPI_GROUPS) {
        const kpis = (await m.get(`/api/v1/kpis/promises?${PERIOD}&groupBy=${groupBy}`, staff))
          .body as PromiseKpis;
        expect(kpis.items, groupBy).toHaveLength(1);
        expect(kpis.totals.cases, groupBy).toEqual({ decided: 2, metOnTime: 2, breached: 1, overdueNow: 1 });
        const rows = [
          { r: kpis.items[0]!, group: { by: groupBy, id: kpis.items[0]!.groupId } },
          { r: kpis.totals, group: null },
        ];
        for (const { r, group } of rows)
          for (const count of ['decided', 'metOnTime', 'breached', 'overdueNow'] as PromiseCount[]) {
            const query = new URLSearchParams({
              ...promiseCaseQuery(period, count, group),
              includeTotal: 'true',
              limit: '100',
            });
            const listed = await m.get(`/api/v1/cases?${query}`, staff);
            expect(listed.status).toBe(200);
            expect(listed.body.total, `${groupBy} ${group?.id ?? 'total'} ${count}`).toBe(r.cases[count]);
          }
      }
    } finally {
      await m.close();
    }
  });
});
