// PSA target compliance (GET /kpis/promises and its CSV) through the API, on cases made by the
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
    expect(res.headers.get('content-disposition')).toMatch(
      /promise-compliance-by-channel-\d{4}-\d\d-\d\d\.csv/,
    );
    const records = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
    expect(records).toEqual([
      {
        Channel: 'email',
        Decided: '2',
        'Met on time': '1',
        Breached: '1',
        'Of those met late': '1',
        'Compliance %': '50',
        'Median target used %': '50',
        'Overdue now': '1',
        'Channel id': 'email',
      },
      {
        Channel: 'phone',
        Decided: '3',
        'Met on time': '2',
        Breached: '1',
        'Of those met late': '0',
        'Compliance %': '66.7',
        'Median target used %': '47.5',
        'Overdue now': '1',
        'Channel id': 'phone',
      },
      {
        Channel: 'Total',
        Decided: '5',
        'Met on time': '3',
        Breached: '2',
        'Of those met late': '1',
        'Compliance %': '60',
        'Median target used %': '50',
        'Overdue now': '2',
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

describe('PSA target compliance of a merged case', () => {
  it('keeps the promises it had decided, and drops the breach the merge cancelled', async () => {
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
      expect(after.body.totals).toEqual(
        row({ decided: 1, metOnTime: 1, compliance: 1, medianTargetUsed: 0, ...cases(1, 1, 0, 0) }),
      );
    } finally {
      await m.close();
    }
  });
});
