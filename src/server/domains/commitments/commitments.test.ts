// Commitments through the API: the list (filters, pages), one, on-time rates per group, and a case
// opened for one, on rows made by the factories (real rows in the real database; the engine is
// tested elsewhere).
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { usingPostgres } from '../../../../test/helpers/db.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  makeAgreement,
  makeCase,
  makeCustomer,
  makeOrganization,
  makeSegment,
  makeUser,
  unique,
} from '../../../../test/helpers/factories.js';
import { hoursAgo, hoursFromNow, makeCommitment } from '../../../../test/helpers/signal-factories.js';
import { kpiPeriod } from '../../../web/signals/kpi-period.js';

let t: TestApp;
let agent: string;
let admin: string;
let customerToken: string;
beforeAll(async () => {
  t = await startTestApp();
  agent = (await makeUser(t.db, 'agent')).token;
  admin = (await makeUser(t.db, 'admin')).token;
  customerToken = (await makeUser(t.db, 'customer')).token;
});
afterAll(() => t?.close());

const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((c) => c.id);

describe('commitments: list and read', () => {
  const key = `delivery_${unique()}`;
  let agreement: Awaited<ReturnType<typeof makeAgreement>>;
  let other: Awaited<ReturnType<typeof makeAgreement>>;
  let c1: Awaited<ReturnType<typeof makeCustomer>>;
  let c2: Awaited<ReturnType<typeof makeCustomer>>;
  let org: Awaited<ReturnType<typeof makeOrganization>>;
  const k: Record<string, Awaited<ReturnType<typeof makeCommitment>>> = {};

  beforeAll(async () => {
    org = await makeOrganization(t.db);
    c1 = await makeCustomer(t.db, { organizationId: org.id });
    c2 = await makeCustomer(t.db);
    agreement = await makeAgreement(t.db, { scope: { customerId: c1.id } });
    other = await makeAgreement(t.db, { scope: { customerId: c2.id } });
    const make = (o: Parameters<typeof makeCommitment>[1]) => makeCommitment(t.db, { key, ...o });
    k.a = await make({
      agreementId: agreement.id,
      customerId: c1.id,
      organizationId: org.id,
      state: 'overdue',
      dueAt: hoursAgo(10),
      refValue: 'SO-1',
    });
    k.b = await make({
      agreementId: agreement.id,
      customerId: c1.id,
      organizationId: org.id,
      dueAt: hoursFromNow(5),
    });
    k.c = await make({
      agreementId: other.id,
      customerId: c2.id,
      state: 'met',
      dueAt: hoursAgo(2),
      closedAt: hoursAgo(3),
    });
    k.d = await make({ agreementId: other.id, customerId: c2.id, dueAt: hoursFromNow(30), refValue: 'SO-4' });
    k.e = await make({
      agreementId: agreement.id,
      customerId: c1.id,
      organizationId: org.id,
      state: 'late',
      dueAt: hoursAgo(20),
      closedAt: hoursAgo(1),
    });
  });

  it('lists soonest due first, with the agreement and customer named', async () => {
    const res = await t.get(`/api/v1/commitments?key=${key}`, agent);
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual(['e', 'a', 'c', 'b', 'd'].map((x) => k[x]!.id));
    expect(res.body.items[1]).toEqual({
      id: k.a!.id,
      agreementId: agreement.id,
      agreementName: agreement.name,
      key,
      name: 'On-time delivery',
      mode: 'fulfil',
      customerId: c1.id,
      customerName: c1.name,
      organizationId: org.id,
      refKey: 'orderId',
      refValue: 'SO-1',
      state: 'overdue',
      openedAt: k.a!.openedAt.toISOString(),
      dueAt: k.a!.dueAt.toISOString(),
      closedAt: null,
      openedByEventId: k.a!.openedByEventId,
      closedByEventId: null,
      repromised: 0,
      caseId: null,
      caseNumber: null,
      caseAssignee: null,
    });
    expect(res.body.items[0].closedAt).toBe(k.e!.closedAt!.toISOString());
  });

  it('names the customer’s case about its ref: an unsolved one first, else the latest; never another customer’s, a deleted or a merged one', async () => {
    // A key of its own: the other tests here count this one's commitments.
    const own = `about_${unique()}`;
    const ref = `SO-${unique()}`;
    const kept = await makeCommitment(t.db, {
      key: own,
      agreementId: agreement.id,
      customerId: c1.id,
      refValue: ref,
    });
    const about = async () =>
      (await t.get(`/api/v1/commitments?key=${own}&ref=${ref}`, agent)).body.items[0] as {
        caseId: string | null;
        caseNumber: number | null;
        caseAssignee: { id: string; name: string } | null;
      };
    expect(await about()).toMatchObject({ caseId: null, caseNumber: null, caseAssignee: null });
    const taker = await makeUser(t.db, 'agent');
    const open = await makeCase(t.db, c1.id, { refs: { orderId: ref }, assigneeId: taker.user.id });
    const solvedLater = await makeCase(t.db, c1.id, { refs: { orderId: ref } });
    expect((await t.patch(`/api/v1/cases/${solvedLater.id}`, { status: 'solved' }, admin)).status).toBe(200);
    // Newer still, but not this customer's, deleted, or on another ref key.
    await makeCase(t.db, c2.id, { refs: { orderId: ref } });
    const deleted = await makeCase(t.db, c1.id, { refs: { orderId: ref } });
    expect((await t.del(`/api/v1/cases/${deleted.id}`, admin)).status).toBe(204);
    await makeCase(t.db, c1.id, { refs: { invoiceId: ref } });
    // Merged into another case of theirs: the other case is where the work goes on.
    const merged = await makeCase(t.db, c1.id, { refs: { orderId: ref } });
    const into = await makeCase(t.db, c1.id);
    expect((await t.post(`/api/v1/cases/${merged.id}/merge`, { intoId: into.id }, admin)).status).toBe(200);
    expect(await about()).toEqual(
      expect.objectContaining({
        id: kept.id,
        caseId: open.id,
        caseNumber: open.number,
        caseAssignee: { id: taker.user.id, name: taker.user.name },
      }),
    );
    // Once it is solved too, the latest of the two.
    expect((await t.patch(`/api/v1/cases/${open.id}`, { status: 'solved' }, admin)).status).toBe(200);
    expect(await about()).toMatchObject({
      caseId: solvedLater.id,
      caseNumber: solvedLater.number,
      caseAssignee: null,
    });
    // The same on one commitment, and in the CSV export.
    expect((await t.get(`/api/v1/commitments/${kept.id}`, agent)).body.caseNumber).toBe(solvedLater.number);
    const csv = await t.get<string>(`/api/v1/commitments/export.csv?key=${own}&ref=${ref}`, agent);
    const [row] = parse(csv.body, { columns: true, bom: true }) as Record<string, string>[];
    expect({ case: row!.Case, assignee: row!.Assignee }).toEqual({
      case: String(solvedLater.number),
      assignee: '',
    });
  });

  it('names a case whose refs hold the ref among others; only the same value under the same key', async () => {
    const own = `about_${unique()}`;
    // Characters JSON escapes: the ref is matched as a value, never spliced into JSON text.
    const ref = `SO-"${unique()}"\\ü`;
    const kept = await makeCommitment(t.db, {
      key: own,
      agreementId: agreement.id,
      customerId: c1.id,
      refValue: ref,
    });
    const among = await makeCase(t.db, c1.id, {
      refs: { shipmentId: 'SH-1', orderId: ref, invoiceId: 'IN-1' },
    });
    // Newer, all of them, but each about something else.
    const others: Record<string, string>[] = [
      { orderId: ref.toLowerCase() },
      { orderId: `${ref.slice(0, 3)} ${ref.slice(3)}` },
      { orderId: ref.slice(0, -1) },
      { orderid: ref },
      { orderId: `${ref}-2`, shipmentId: ref },
    ];
    for (const refs of others) await makeCase(t.db, c1.id, { refs });
    const res = await t.get(`/api/v1/commitments?key=${own}&ref=${encodeURIComponent(ref)}`, agent);
    expect(res.body.items).toEqual([
      expect.objectContaining({ id: kept.id, refValue: ref, caseId: among.id, caseNumber: among.number }),
    ]);
  });

  it.each([
    ['state=open,overdue', ['a', 'b', 'd']],
    ['state=met,late', ['e', 'c']],
    ['state=cancelled', []],
    ['customer c2', ['c', 'd']],
    ['organization', ['e', 'a', 'b']],
    ['agreement', ['e', 'a', 'b']],
    ['ref', ['d']],
    ['due window', ['c', 'b']],
  ])('filters by %s', async (what, expected) => {
    const query: Record<string, string> = {
      'state=open,overdue': 'state=open,overdue',
      'state=met,late': 'state=met,late',
      'state=cancelled': 'state=cancelled',
      'customer c2': `customerId=${c2.id}`,
      organization: `organizationId=${org.id}`,
      agreement: `agreementId=${agreement.id}`,
      ref: 'ref=SO-4',
      'due window': `dueAfter=${hoursAgo(5).toISOString()}&dueBefore=${hoursFromNow(10).toISOString()}`,
    };
    const res = await t.get(`/api/v1/commitments?key=${key}&${query[what]}`, agent);
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual(expected.map((x) => k[x]!.id));
  });

  it.each([
    ['', ['e', 'a', 'c', 'b', 'd']],
    ['&sort=dueAt', ['e', 'a', 'c', 'b', 'd']],
    ['&sort=-dueAt', ['d', 'b', 'c', 'a', 'e']],
    // Overdue, then open (soonest due first), then closed (latest due first).
    ['&sort=attention', ['a', 'b', 'd', 'c', 'e']],
  ])('pages with a cursor and counts on request (order%s)', async (sort, order) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let first = true;
    do {
      const res: any = await t.get(
        `/api/v1/commitments?key=${key}${sort}&limit=2${first ? '&includeTotal=true' : ''}${cursor ? `&cursor=${cursor}` : ''}`,
        agent,
      );
      if (first) expect(res.body.total).toBe(5);
      first = false;
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...ids(res));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(order.map((x) => k[x]!.id));
  });

  it('puts what needs attention first: every overdue one before the open ones, then the closed ones', async () => {
    // An overdue one due after an open one still comes first; so does one overdue by a minute
    // before one closed late an hour ago.
    const own = `attention_${unique()}`;
    const make = (o: Parameters<typeof makeCommitment>[1]) =>
      makeCommitment(t.db, { key: own, agreementId: agreement.id, customerId: c1.id, ...o });
    const closed = await make({ state: 'broken', dueAt: hoursAgo(1 / 60), closedAt: hoursAgo(1 / 60) });
    const open = await make({ dueAt: hoursFromNow(1) });
    const overdue = await make({ state: 'overdue', dueAt: hoursAgo(1 / 120) });
    const old = await make({ state: 'overdue', dueAt: hoursAgo(24 * 20) });
    const res = await t.get(`/api/v1/commitments?key=${own}&sort=attention`, agent);
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual([old.id, overdue.id, open.id, closed.id]);
    // A state filter leaves out whole ranks; paging one at a time still crosses from one to the next.
    const paged: string[] = [];
    let next: string | null = null;
    do {
      const page: any = await t.get(
        `/api/v1/commitments?key=${own}&sort=attention&state=broken,overdue&limit=1${next ? `&cursor=${next}` : ''}`,
        agent,
      );
      paged.push(...ids(page));
      next = page.body.nextCursor;
    } while (next);
    expect(paged).toEqual([old.id, overdue.id, closed.id]);
    const firstPage = await t.get(`/api/v1/commitments?key=${own}&sort=attention&limit=1`, agent);
    const cursor = firstPage.body.nextCursor as string;
    // A cursor of the due order is not one of this order (nor a tampered one): 400, not an SQL error.
    const due = (await t.get(`/api/v1/commitments?key=${own}&limit=1`, agent)).body.nextCursor as string;
    const [, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    for (const bad of [
      due,
      Buffer.from(JSON.stringify(['7 2026-01-01 00:00:00+00', id])).toString('base64url'),
    ]) {
      const refused = await t.get(`/api/v1/commitments?key=${own}&sort=attention&cursor=${bad}`, agent);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('invalid_cursor');
    }
  });

  it('refuses unknown states and malformed filters with 400', async () => {
    const res = await t.get('/api/v1/commitments?state=open,pending', agent);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      {
        path: 'query.state',
        message:
          'unknown value "pending": must be one of "open", "overdue", "met", "late", "broken", "cancelled"',
      },
    ]);
    for (const q of [
      'state=Open',
      'customerId=1',
      'dueBefore=tomorrow',
      'limit=0',
      'surprise=1',
      'sort=closedAt',
    ]) {
      expect((await t.get(`/api/v1/commitments?${q}`, agent)).status).toBe(400);
    }
  });

  it('reads one; 404 for an unknown one', async () => {
    const res = await t.get(`/api/v1/commitments/${k.c!.id}`, agent);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: k.c!.id,
      agreementName: other.name,
      customerName: c2.name,
      organizationId: null,
      state: 'met',
      closedAt: k.c!.closedAt!.toISOString(),
    });
    expect((await t.get(`/api/v1/commitments/${crypto.randomUUID()}`, agent)).status).toBe(404);
    expect((await t.get('/api/v1/commitments/nope', agent)).status).toBe(400);
  });

  it('customers see none of it; admins and agents do', async () => {
    for (const path of [
      '/api/v1/commitments',
      `/api/v1/commitments/${k.a!.id}`,
      '/api/v1/commitments/rates',
      '/api/v1/commitments/rates.csv',
    ]) {
      const res = await t.get(path, customerToken);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
      expect((await t.get(path, admin)).status).toBe(200);
      expect((await t.get(path)).status).toBe(401);
    }
    // Not even the commitments about the customer themselves.
    const own = await makeUser(t.db, 'customer', { customerId: c1.id });
    expect((await t.get(`/api/v1/commitments?customerId=${c1.id}`, own.token)).status).toBe(403);
    expect((await t.get(`/api/v1/commitments/${k.a!.id}`, own.token)).status).toBe(403);
  });
});

describe('commitments: on-time rates', () => {
  const key = `rates_${unique()}`;
  const g: Record<string, { id: string; name: string }> = {};
  let s1: string;
  let s2: string;

  beforeAll(async () => {
    s1 = (await makeSegment(t.db, `enterprise-${unique()}`)).key;
    s2 = (await makeSegment(t.db, `smb-${unique()}`)).key;
    const o1 = await makeOrganization(t.db, { name: `Org one ${unique()}` });
    const o2 = await makeOrganization(t.db, { name: `Org two ${unique()}` });
    const c1 = await makeCustomer(t.db, { organizationId: o1.id });
    const c2 = await makeCustomer(t.db, { organizationId: o2.id });
    const c3 = await makeCustomer(t.db);
    const a1 = await makeAgreement(t.db, { scope: { customerId: c1.id } });
    const a2 = await makeAgreement(t.db, { scope: { customerId: c2.id } });
    Object.assign(g, { o1, o2, c1, c2, c3, a1, a2 });
    const make = async (
      who: { customerId: string; organizationId: string | null; segment: string | null; agreementId: string },
      states: [string, number?][],
    ) => {
      for (const [state, closedDaysAgo = 1] of states)
        await makeCommitment(t.db, {
          key,
          ...who,
          state: state as any,
          dueAt: hoursAgo(closedDaysAgo * 24 + 1),
          closedAt: ['open', 'overdue'].includes(state) ? null : hoursAgo(closedDaysAgo * 24),
        });
    };
    // c1 (org one, segment one, agreement one): met, met, late -> 2/3
    await make({ customerId: c1.id, organizationId: o1.id, segment: s1, agreementId: a1.id }, [
      ['met'],
      ['met'],
      ['late'],
    ]);
    // c2 (org two, segment two, agreement two): met, broken, overdue -> 1/3
    await make({ customerId: c2.id, organizationId: o2.id, segment: s2, agreementId: a2.id }, [
      ['met'],
      ['broken', 10],
      ['overdue'],
    ]);
    // c3 (no organization, no segment, agreement two): met x3, late -> 3/4; the rest does not count
    // (cancelled, open, closed 100 days ago)
    await make({ customerId: c3.id, organizationId: null, segment: null, agreementId: a2.id }, [
      ['met'],
      ['met', 30],
      ['met', 89],
      ['late', 2],
      ['cancelled'],
      ['open'],
      ['late', 100],
    ]);
  });

  const rates = async (query: string) => {
    const res = await t.get(`/api/v1/commitments/rates?key=${key}&${query}`, agent);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as any[];
  };

  it('per customer, worst first', async () => {
    expect(await rates('by=customer')).toEqual([
      { groupId: g.c2!.id, groupName: g.c2!.name, met: 1, late: 0, broken: 1, overdue: 1, onTimeRate: 1 / 3 },
      { groupId: g.c1!.id, groupName: g.c1!.name, met: 2, late: 1, broken: 0, overdue: 0, onTimeRate: 2 / 3 },
      { groupId: g.c3!.id, groupName: g.c3!.name, met: 3, late: 1, broken: 0, overdue: 0, onTimeRate: 0.75 },
    ]);
  });

  it('for one customer or one organization only', async () => {
    expect(await rates(`by=customer&customerId=${g.c1!.id}`)).toEqual([
      { groupId: g.c1!.id, groupName: g.c1!.name, met: 2, late: 1, broken: 0, overdue: 0, onTimeRate: 2 / 3 },
    ]);
    expect(await rates(`by=organization&organizationId=${g.o2!.id}`)).toEqual([
      { groupId: g.o2!.id, groupName: g.o2!.name, met: 1, late: 0, broken: 1, overdue: 1, onTimeRate: 1 / 3 },
    ]);
    // Grouped otherwise: that customer's commitments per agreement.
    expect(
      (await rates(`by=agreement&customerId=${g.c3!.id}`)).map((r) => [r.groupId, r.met, r.late]),
    ).toEqual([[g.a2!.id, 3, 1]]);
    expect(await rates(`by=customer&customerId=${crypto.randomUUID()}`)).toEqual([]);
    const bad = await t.get('/api/v1/commitments/rates?customerId=someone', agent);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('query.customerId');
  });

  it('per organization and per segment: customers without one form one group', async () => {
    const byOrg = await rates('by=organization');
    expect(byOrg.map((r) => [r.groupId, r.groupName, r.met, r.late, r.broken, r.overdue])).toEqual([
      [g.o2!.id, g.o2!.name, 1, 0, 1, 1],
      [g.o1!.id, g.o1!.name, 2, 1, 0, 0],
      [null, null, 3, 1, 0, 0],
    ]);
    const bySegment = await rates('by=segment');
    expect(bySegment.map((r) => [r.groupId, r.groupName, r.onTimeRate])).toEqual([
      [s2, `Segment ${s2}`, 1 / 3],
      [s1, `Segment ${s1}`, 2 / 3],
      [null, null, 0.75],
    ]);
  });

  it('per agreement (the default), worst first', async () => {
    const byAgreement = await rates('');
    expect(byAgreement).toEqual([
      { groupId: g.a2!.id, groupName: g.a2!.name, met: 4, late: 1, broken: 1, overdue: 1, onTimeRate: 4 / 7 },
      { groupId: g.a1!.id, groupName: g.a1!.name, met: 2, late: 1, broken: 0, overdue: 0, onTimeRate: 2 / 3 },
    ]);
  });

  it('takes a period and a limit', async () => {
    // 200 days back: c3's late delivery of 100 days ago counts too.
    const long = await rates(`by=customer&from=${hoursAgo(200 * 24).toISOString()}`);
    expect(long.find((r) => r.groupId === g.c3!.id)).toMatchObject({ met: 3, late: 2, onTimeRate: 0.6 });
    // The last 5 days: the overdue one still counts, the broken one (10 days ago) does not.
    // c2 and c3 tie at 1/2 (by name then), c1 follows at 2/3.
    const recent = await rates(`by=customer&from=${hoursAgo(5 * 24).toISOString()}`);
    const tied = [
      [g.c2!.name, g.c2!.id, 1, 0, 0, 1, 0.5],
      [g.c3!.name, g.c3!.id, 1, 1, 0, 0, 0.5],
    ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
    expect(
      recent.map((r) => [r.groupName, r.groupId, r.met, r.late, r.broken, r.overdue, r.onTimeRate]),
    ).toEqual([...tied, [g.c1!.name, g.c1!.id, 2, 1, 0, 0, 2 / 3]]);
    expect(await rates('by=customer&limit=1')).toHaveLength(1);
    const other = await t.get(`/api/v1/commitments/rates?key=none_${unique()}`, agent);
    expect(other.body.items).toEqual([]);
  });

  it('the list behind each number: the same group, state and closed period count the same', async () => {
    const from = hoursAgo(5 * 24).toISOString();
    const listed = async (query: string) => {
      const res = await t.get(`/api/v1/commitments?key=${key}&includeTotal=true&limit=500&${query}`, agent);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.items).toHaveLength(res.body.total);
      return res.body.total as number;
    };
    const groups = [
      ['agreement', 'agreementId'],
      ['organization', 'organizationId'],
      ['segment', 'segment'],
      ['customer', 'customerId'],
    ] as const;
    for (const [by, param] of groups) {
      const counted = (await rates(`by=${by}&from=${from}`)).filter((r) => r.groupId !== null);
      expect(counted.length).toBeGreaterThan(1);
      for (const r of counted) {
        const group = `${param}=${r.groupId}`;
        for (const state of ['met', 'late', 'broken'] as const)
          expect([
            by,
            r.groupName,
            state,
            await listed(`${group}&state=${state}&closedFrom=${from}`),
          ]).toEqual([by, r.groupName, state, r[state]]);
        expect(await listed(`${group}&state=overdue`)).toBe(r.overdue);
      }
    }
    // c3's late delivery 2 days ago is in the last 5 days; the one 100 days ago is before them,
    // and a period that ends 3 days ago holds only the old one and the met ones 30 and 89 days ago.
    expect(await listed(`customerId=${g.c3!.id}&state=late&closedFrom=${from}`)).toBe(1);
    expect(await listed(`customerId=${g.c3!.id}&state=late`)).toBe(2);
    expect(
      await listed(`customerId=${g.c3!.id}&state=met,late&closedBefore=${hoursAgo(3 * 24).toISOString()}`),
    ).toBe(3);
    // Not yet closed: a closed period leaves the open ones out.
    expect(await listed(`customerId=${g.c3!.id}&state=open&closedFrom=${from}`)).toBe(0);
    for (const bad of [
      'segment=Not%20A%20Key',
      'closedFrom=yesterday',
      'closedBefore=2026-13-01T00:00:00Z',
    ]) {
      const res = await t.get(`/api/v1/commitments?${bad}`, agent);
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].path).toBe(`query.${bad.split('=')[0]}`);
    }
  });

  it('exports the rates as CSV: every group, worst first, the same numbers, and records the export', async () => {
    // A period of whole days in Tokyo (UTC+9 all year), ending tomorrow there.
    const day = (offset: number) =>
      new Date(
        Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + offset) -
          9 * 3_600_000,
      );
    const [from, to] = [day(-5).toISOString(), day(1).toISOString()];
    const shown = await rates(`by=customer&from=${from}&to=${to}`);
    const json = await t.get(`/api/v1/commitments/rates?key=${key}&by=customer&from=${from}&to=${to}`, agent);
    expect([json.body.from, json.body.to]).toEqual([from, to]);
    const someone = await makeUser(t.db, 'agent');
    const res = await t.get<string>(
      `/api/v1/commitments/rates.csv?key=${key}&by=customer&from=${from}&to=${to}&timezone=Asia/Tokyo`,
      someone.token,
    );
    expect(res.status, res.body).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    // Named by its period: its first day and its last (the day before `to`), in Tokyo.
    const tokyoDay = (iso: string) => new Date(Date.parse(iso) + 9 * 3_600_000).toISOString().slice(0, 10);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="commitment-rates-by-customer-${tokyoDay(from)}-to-${tokyoDay(day(0).toISOString())}.csv"`,
    );
    const records = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
    expect(records).toEqual(
      shown.map((r) => ({
        Customer: r.groupName,
        Met: String(r.met),
        'Met late': String(r.late),
        Broken: String(r.broken),
        Overdue: String(r.overdue),
        'On time %': String(Math.round(r.onTimeRate * 1000) / 10),
        // The period on every row, in the file's zone (named in the header).
        'From (Asia/Tokyo)': `${tokyoDay(from)} 00:00:00`,
        'To (Asia/Tokyo)': `${tokyoDay(to)} 00:00:00`,
        'Customer id': r.groupId,
      })),
    );
    expect(records.map((r) => r['On time %'])).toEqual(['50', '50', '66.7']);
    // Per segment, the customers without one are a row with empty name and id.
    const bySegment = await t.get<string>(`/api/v1/commitments/rates.csv?key=${key}&by=segment`, agent);
    const segmentRows = parse(bySegment.body, { bom: true, columns: true }) as Record<string, string>[];
    expect(segmentRows.map((r) => [r['Segment id'], r['On time %']])).toEqual([
      [s2, '33.3'],
      [s1, '66.7'],
      ['', '75'],
    ]);
    // No limit: the file has every group, also past what a page of rates would hold.
    expect((await t.get(`/api/v1/commitments/rates.csv?key=${key}&limit=1`, agent)).status).toBe(400);
    // In the audit log, with the query as applied.
    const log = await t.get(`/api/v1/audit-log?entityType=export&actorId=${someone.user.id}`, admin);
    expect(log.body.items.map((e: any) => [e.type, e.data.list])).toEqual([
      ['export.finished', 'commitment-rates'],
      ['export.downloaded', 'commitment-rates'],
    ]);
    const downloaded = log.body.items.find((e: any) => e.type === 'export.downloaded');
    expect(downloaded.data.query).toMatchObject({ key, by: 'customer', from, to, timezone: 'Asia/Tokyo' });
    expect(log.body.items.find((e: any) => e.type === 'export.finished').data.rows).toBe(3);
    // A bad query is refused before the file starts.
    const bad = await t.get(`/api/v1/commitments/rates.csv?by=team`, agent);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('query.by');
  });

  it('without `from`, counts the last 90 days as the pages ask for them: from the Monday of the week 90 days before, at midnight where one works', async () => {
    // Someone working in Auckland: their days, not UTC's, bound the period.
    const zoned = await makeUser(t.db, 'agent');
    const zone = 'Pacific/Auckland';
    const set = await t.patch(
      `/api/v1/users/${zoned.user.id}/notification-preferences`,
      { timeZone: zone },
      admin,
    );
    expect(set.status).toBe(200);
    // Thursday Dec 3, 2026: 90 days before is Saturday Sep 5 in Auckland, whose week starts on
    // Monday Aug 31 at midnight there (UTC+12): 93 days and a half before, not 90.
    const to = '2026-12-03T12:00:00.000Z';
    const asked = (await t.get(`/api/v1/commitments/rates?to=${to}`, zoned.token)).body;
    expect([asked.from, asked.to]).toEqual(['2026-08-30T12:00:00.000Z', to]);
    // The Commitments page's "Last 90 days" (kpi-period.ts), so the agreements' list, which asks
    // without `from`, shows the same figures.
    expect(asked.from).toBe(kpiPeriod(new Date(to), 90, undefined, zone).from.toISOString());
    const now = (await t.get(`/api/v1/commitments/rates`, zoned.token)).body;
    expect(now.from).toBe(kpiPeriod(new Date(now.to), 90, undefined, zone).from.toISOString());
    // A commitment met in those extra days counts, as it does on the Commitments page.
    const own = `window_${unique()}`;
    const customer = await makeCustomer(t.db);
    const agreement = await makeAgreement(t.db, { scope: { customerId: customer.id } });
    await makeCommitment(t.db, {
      key: own,
      agreementId: agreement.id,
      customerId: customer.id,
      state: 'met',
      dueAt: new Date('2026-09-01T00:00:00.000Z'),
      closedAt: new Date('2026-09-01T00:00:00.000Z'),
    });
    const counted = async (query: string) =>
      (await t.get(`/api/v1/commitments/rates?key=${own}&by=customer&${query}`, zoned.token)).body.items;
    expect(await counted(`to=${to}`)).toEqual(await counted(`to=${to}&from=${asked.from}`));
    expect((await counted(`to=${to}`)).map((r: any) => [r.groupId, r.met])).toEqual([[customer.id, 1]]);
    // The file, asked in UTC, counts UTC's days: from Monday Aug 31, 00:00 UTC.
    const csv = await t.get<string>(
      `/api/v1/commitments/rates.csv?key=${own}&to=${to}&timezone=UTC`,
      zoned.token,
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toContain(
      'commitment-rates-by-agreement-2026-08-31-to-2026-12-03.csv',
    );
  });

  it('refuses a backwards period and unknown groupings', async () => {
    const back = await t.get(
      `/api/v1/commitments/rates?from=${hoursAgo(1).toISOString()}&to=${hoursAgo(2).toISOString()}`,
      agent,
    );
    expect(back.status).toBe(400);
    expect(back.body.error.details[0].path).toBe('query.from');
    const unknown = await t.get('/api/v1/commitments/rates?by=team', agent);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0].path).toBe('query.by');
  });
});

describe('commitments: opening a case (POST /commitments/:id/case)', () => {
  let agreement: Awaited<ReturnType<typeof makeAgreement>>;
  let customer: Awaited<ReturnType<typeof makeCustomer>>;
  let agentUser: Awaited<ReturnType<typeof makeUser>>;
  beforeAll(async () => {
    customer = await makeCustomer(t.db);
    agreement = await makeAgreement(t.db, { scope: { customerId: customer.id } });
    agentUser = await makeUser(t.db, 'agent');
  });
  const overdue = (o: Parameters<typeof makeCommitment>[1] = {}) =>
    makeCommitment(t.db, {
      key: `callback_${unique()}`,
      name: 'Callback within 2 hours',
      agreementId: agreement.id,
      customerId: customer.id,
      state: 'overdue',
      dueAt: hoursAgo(7),
      ...o,
    });
  const casesAbout = async (ref: string) =>
    (
      await rows<{ id: string }>(
        t.db,
        sql`select id from cases where customer_id = ${customer.id} and refs ->> 'orderId' = ${ref}`,
      )
    ).length;

  it('opens a proactive case for its customer about its ref, yours, with its facts as an internal note; the commitment then shows it', async () => {
    const ref = `CB-${unique()}`;
    const k = await overdue({ refValue: ref });
    const res = await t.post(`/api/v1/commitments/${k.id}/case`, {}, agentUser.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: k.id,
      state: 'overdue',
      caseNumber: expect.any(Number),
      caseAssignee: { id: agentUser.user.id, name: agentUser.user.name },
    });
    const caseId = res.body.caseId as string;
    const opened = await t.get(`/api/v1/cases/${caseId}`, admin);
    expect(opened.body).toMatchObject({
      number: res.body.caseNumber,
      subject: `Callback within 2 hours for ${ref} overdue`,
      customerId: customer.id,
      channel: 'proactive',
      category: 'late_delivery',
      priority: 'high',
      refs: { orderId: ref },
    });
    const messages = (await t.get(`/api/v1/cases/${caseId}/messages`, admin)).body.items as {
      public: boolean;
      body: string;
    }[];
    expect(messages).toHaveLength(1);
    expect(messages[0]!.public).toBe(false);
    expect(messages[0]!.body).toContain(
      `Opened for the commitment "Callback within 2 hours" (agreement ${agreement.name}) on Order ${ref}.`,
    );
    expect(messages[0]!.body).toMatch(/^State: overdue, 7 h( \d+ min)? past due\.$/m);
    // GET and the list name the same case.
    expect((await t.get(`/api/v1/commitments/${k.id}`, agent)).body.caseId).toBe(caseId);
    const events = await rows<{ type: string; data: { caseId: string; caseNumber: number } }>(
      t.db,
      sql`select type, data from domain_events where entity_type = 'commitment' and entity_id = ${k.id}`,
    );
    expect(events.map((e) => [e.type, e.data.caseId, e.data.caseNumber])).toEqual([
      ['commitment.case_opened', caseId, res.body.caseNumber],
    ]);
    expect(await casesAbout(ref)).toBe(1);
  });

  it('shortens the default subject of a long name and ref to what a case takes, keeping the ref and its state', async () => {
    // A commitment's name and a ref may be 200 characters each: together past a subject's 300.
    const ref = `CB-${unique()}-${'7'.repeat(160)}`.slice(0, 200);
    const name = `Callback ${'é'.repeat(300)}`.slice(0, 200);
    const k = await overdue({ refValue: ref, name });
    const res = await t.post(`/api/v1/commitments/${k.id}/case`, {}, agent);
    expect(res.status).toBe(200);
    const subject = (await t.get(`/api/v1/cases/${res.body.caseId}`, admin)).body.subject as string;
    expect(subject.length).toBeLessThanOrEqual(300);
    expect(subject.startsWith('Callback éé')).toBe(true);
    expect(subject.endsWith(`… for ${ref} overdue`)).toBe(true);
  });

  it('409 commitment_has_case on a second click, and two at once open one case', async () => {
    const ref = `CB-${unique()}`;
    const k = await overdue({ refValue: ref });
    expect((await t.post(`/api/v1/commitments/${k.id}/case`, {}, agent)).status).toBe(200);
    const again = await t.post(`/api/v1/commitments/${k.id}/case`, {}, agent);
    expect([again.status, again.body.error.code]).toEqual([409, 'commitment_has_case']);
    expect(await casesAbout(ref)).toBe(1);

    const ref2 = `CB-${unique()}`;
    const k2 = await overdue({ refValue: ref2 });
    const both = await Promise.all(
      [agent, admin].map((token) => t.post(`/api/v1/commitments/${k2.id}/case`, {}, token)),
    );
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await casesAbout(ref2)).toBe(1);
  });

  it.runIf(usingPostgres())(
    'a merge that moves the commitment while it waits: the case is opened for the customer it moved to',
    async () => {
      const [from, to] = [await makeCustomer(t.db), await makeCustomer(t.db)];
      const ref = `CB-${unique()}`;
      const k = await overdue({ refValue: ref, customerId: from.id });
      const connect = async () => {
        const client = new pg.Client({ connectionString: t.handle.url });
        await client.connect();
        return client;
      };
      const [merger, monitor] = [await connect(), await connect()];
      try {
        // A merge of `from` into `to`, as far as this needs: the commitment moved, `from` gone.
        await merger.query('begin');
        await merger.query('update commitments set customer_id = $1 where id = $2', [to.id, k.id]);
        await merger.query('update customers set deleted_at = now(), merged_into_id = $1 where id = $2', [
          to.id,
          from.id,
        ]);
        const opening = t.post(`/api/v1/commitments/${k.id}/case`, {}, agent);
        // The request waits for the commitment's row (a state, polled).
        for (let i = 0; ; i++) {
          const { rows: waiting } = await monitor.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
          );
          if (waiting[0]!.n >= 1) break;
          if (i > 500) throw new Error('the request never waited for the commitment');
          await new Promise((r) => setTimeout(r, 20));
        }
        await merger.query('commit');
        const res = await opening;
        expect(res.status).toBe(200);
        const opened = await t.get(`/api/v1/cases/${res.body.caseId}`, admin);
        expect(opened.body.customerId).toBe(to.id);
      } finally {
        await merger.end();
        await monitor.end();
      }
    },
  );

  it('takes a subject, priority, note and assignee choice; an open order commitment files as an order status inquiry', async () => {
    const ref = `SO-${unique()}`;
    const k = await overdue({
      refValue: ref,
      state: 'open',
      dueAt: hoursFromNow(3),
      name: 'On-time delivery',
    });
    const res = await t.post(
      `/api/v1/commitments/${k.id}/case`,
      {
        subject: 'Your order is on its way',
        priority: 'low',
        note: 'Warehouse says it left today.',
        assignToMe: false,
      },
      agent,
    );
    expect(res.status).toBe(200);
    expect(res.body.caseAssignee).toBeNull();
    const opened = await t.get(`/api/v1/cases/${res.body.caseId}`, admin);
    expect(opened.body).toMatchObject({
      subject: 'Your order is on its way',
      priority: 'low',
      category: 'order_status',
      assigneeId: null,
    });
    const [note] = (await t.get(`/api/v1/cases/${res.body.caseId}/messages`, admin)).body.items as {
      body: string;
    }[];
    expect(note!.body).toMatch(/^State: open\.$/m);
    expect(note!.body.endsWith('\n\nWarehouse says it left today.')).toBe(true);
  });

  it('refuses customers (403), unknown commitments (404), bad input (400) and a commitment without a customer (422), writing nothing', async () => {
    const ref = `CB-${unique()}`;
    const k = await overdue({ refValue: ref });
    const own = await makeUser(t.db, 'customer', { customerId: customer.id });
    for (const token of [customerToken, own.token]) {
      const res = await t.post(`/api/v1/commitments/${k.id}/case`, {}, token);
      expect([res.status, res.body.error.code]).toEqual([403, 'forbidden']);
    }
    expect((await t.post(`/api/v1/commitments/${k.id}/case`, {})).status).toBe(401);
    const unknown = await t.post(`/api/v1/commitments/${crypto.randomUUID()}/case`, {}, agent);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
    expect((await t.post('/api/v1/commitments/nope/case', {}, agent)).status).toBe(400);
    for (const body of [{ subject: '' }, { priority: 'asap' }, { colour: 'red' }]) {
      const res = await t.post(`/api/v1/commitments/${k.id}/case`, body, agent);
      expect([res.status, res.body.error.code]).toEqual([400, 'validation_error']);
    }
    const nobody = await makeCommitment(t.db, {
      agreementId: agreement.id,
      state: 'overdue',
      dueAt: hoursAgo(1),
    });
    const refused = await t.post(`/api/v1/commitments/${nobody.id}/case`, {}, agent);
    expect([refused.status, refused.body.error.code]).toEqual([422, 'commitment_without_customer']);
    expect(await casesAbout(ref)).toBe(0);
    expect((await t.get(`/api/v1/commitments/${k.id}`, agent)).body.caseId).toBeNull();
  });
});
