// The audit log: every change, newest first, with who made it; narrowed to people or the system,
// a user, or one record; paged by cursor; for admins only.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeCase, makeCustomer, makeUser, unique } from '../../../../test/helpers/factories.js';

let t: TestApp;
let admin: Awaited<ReturnType<typeof makeUser>>;
beforeAll(async () => {
  t = await startTestApp();
  admin = await makeUser(t.db, 'admin');
});
afterAll(() => t?.close());

interface Entry {
  id: string;
  type: string;
  entityType: string;
  entityId: string;
  actorId: string | null;
  actorName: string | null;
  actorKind: string;
  data: Record<string, unknown>;
  occurredAt: string;
  entityName: string | null;
  names: Record<string, string>;
}
const log = async (query: string, token = admin.token) => {
  const res = await t.get(`/api/v1/audit-log?${query}`, token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { items: Entry[]; nextCursor: string | null };
};

describe('audit log', () => {
  it('lists a record’s changes newest first, with who made them and what changed', async () => {
    const key = `seg${unique()}`;
    const created = await t.post('/api/v1/segments', { key, name: 'Public sector' }, admin.token);
    expect(created.status).toBe(201);
    expect((await t.patch(`/api/v1/segments/${key}`, { name: 'Public services' }, admin.token)).status).toBe(
      200,
    );
    const { items } = await log(`entityType=segment&entityId=${created.body.id}`);
    expect(items.map((e) => [e.type, e.actorId, e.actorName, e.actorKind])).toEqual([
      ['segment.updated', admin.user.id, admin.user.name, 'user'],
      ['segment.created', admin.user.id, admin.user.name, 'user'],
    ]);
    expect(items[0]!.data).toEqual({ changes: { name: { from: 'Public sector', to: 'Public services' } } });
    expect(Date.parse(items[0]!.occurredAt)).toBeGreaterThanOrEqual(Date.parse(items[1]!.occurredAt));
  });

  it('names a segment a change holds by its name now (segments are referred to by key)', async () => {
    const [from, to] = [`seg${unique()}`, `seg${unique()}`];
    expect((await t.post('/api/v1/segments', { key: from, name: 'Key accounts' }, admin.token)).status).toBe(
      201,
    );
    expect((await t.post('/api/v1/segments', { key: to, name: 'Retail' }, admin.token)).status).toBe(201);
    await t.patch(`/api/v1/segments/${to}`, { name: 'Retail shops' }, admin.token);
    const customer = await t.post(
      '/api/v1/customers',
      { name: 'Seg Mover', email: `seg-${unique()}@example.com`, segment: from },
      admin.token,
    );
    expect(customer.status).toBe(201);
    expect(
      (await t.patch(`/api/v1/customers/${customer.body.id}`, { segment: to }, admin.token)).status,
    ).toBe(200);
    const [updated] = (await log(`entityType=customer&entityId=${customer.body.id}`)).items;
    expect(updated!.data).toEqual({ changes: { segment: { from, to } } });
    expect(updated!.names).toEqual({
      [`segment:${from}`]: 'Key accounts',
      [`segment:${to}`]: 'Retail shops',
    });
  });

  it('names each record as it is called now: a case by number and subject, others by name', async () => {
    const key = `seg${unique()}`;
    const segment = await t.post('/api/v1/segments', { key, name: 'Retail' }, admin.token);
    await t.patch(`/api/v1/segments/${key}`, { name: 'Retail shops' }, admin.token);
    const customer = await t.post(
      '/api/v1/customers',
      { name: 'Nora Berg', email: `nora-${unique()}@example.com` },
      admin.token,
    );
    const c = await t.post(
      '/api/v1/cases',
      { subject: 'Parcel late', customerId: customer.body.id },
      admin.token,
    );
    expect(c.status).toBe(201);
    const names = async (entityType: string, id: string) =>
      (await log(`entityType=${entityType}&entityId=${id}`)).items.map((e) => e.entityName);
    expect(await names('segment', segment.body.id)).toEqual(['Retail shops', 'Retail shops']);
    expect((await names('customer', customer.body.id))[0]).toBe('Nora Berg');
    expect((await names('case', c.body.id))[0]).toBe(`#${c.body.number} Parcel late`);
    await t.patch('/api/v1/settings', { caseAutoCloseHours: 97 }, admin.token);
    const [settings] = (await log('entityType=settings')).items;
    expect(settings!.entityName).toBeNull();
  });

  it('tells people’s changes from the system’s, and one user’s from another’s', async () => {
    const other = await makeUser(t.db, 'admin');
    await t.post('/api/v1/segments', { key: `seg${unique()}`, name: 'By the other admin' }, other.token);
    // An event from a source that creates customers: the ingest (the system) creates one.
    const source = await t.post(
      '/api/v1/event-sources',
      { key: `src-${unique()}`, name: 'Shop' },
      admin.token,
    );
    const email = `new-${unique()}@example.com`;
    const sent = await t.post(
      '/api/v1/events',
      {
        id: `e-${unique()}`,
        type: 'cart.abandoned',
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
        customer: { email },
      },
      source.body.token,
    );
    expect(sent.body).toMatchObject({ accepted: 1, customersCreated: 1 });

    const people = (await log('by=people&limit=200')).items;
    expect(people.length).toBeGreaterThan(0);
    expect(people.every((e) => e.actorKind === 'user' && e.actorId !== null)).toBe(true);
    const system = (await log('by=system&limit=200')).items;
    expect(system.every((e) => e.actorKind === 'system')).toBe(true);
    expect(system.some((e) => e.type === 'customer.created' && e.data.eventSource === source.body.key)).toBe(
      true,
    );
    expect(people.some((e) => e.type === 'customer.created' && e.data.eventSource === source.body.key)).toBe(
      false,
    );

    const byOther = (await log(`actorId=${other.user.id}`)).items;
    expect(byOther.map((e) => [e.type, e.actorName])).toEqual([['segment.created', other.user.name]]);
  });

  it('pages newest first without repeating or skipping', async () => {
    const customer = await makeCustomer(t.db);
    for (const name of ['A', 'B', 'C']) {
      expect((await t.patch(`/api/v1/customers/${customer.id}`, { name }, admin.token)).status).toBe(200);
    }
    const entries = (await log(`entityType=customer&entityId=${customer.id}`)).items;
    expect(entries.map((e) => e.type)).toEqual([
      'customer.updated',
      'customer.updated',
      'customer.updated',
      'customer.created',
    ]);
    expect(entries.slice(0, 3).map((e) => (e.data.changes as { name: { to: string } }).name.to)).toEqual([
      'C',
      'B',
      'A',
    ]);
    const all = entries.map((e) => e.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await log(
        `entityType=customer&entityId=${customer.id}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it('is for admins only, and says what is wrong with a filter', async () => {
    const agent = await makeUser(t.db, 'agent');
    expect((await t.get('/api/v1/audit-log', agent.token)).status).toBe(403);
    expect((await t.get('/api/v1/audit-log')).status).toBe(401);
    const bad = await t.get('/api/v1/audit-log?entityType=spaceship', admin.token);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_error');
    expect(bad.body.error.message).toMatch(/^query\.entityType/);
    expect((await t.get('/api/v1/audit-log?cursor=nonsense', admin.token)).status).toBe(400);
    for (const path of [
      '/api/v1/audit-log/export.csv',
      '/api/v1/audit-log/export.csv?timezone=Europe/Berlin',
    ]) {
      expect((await t.get(path, agent.token)).status, path).toBe(403);
      expect((await t.get(path)).status, path).toBe(401);
    }
    expect((await t.get('/api/v1/audit-log/export.csv?limit=5', admin.token)).status).toBe(400);
  });

  it('narrows to a period, [from, to)', async () => {
    const customer = await makeCustomer(t.db);
    for (const name of ['First', 'Second']) {
      expect((await t.patch(`/api/v1/customers/${customer.id}`, { name }, admin.token)).status).toBe(200);
    }
    const all = (await log(`entityType=customer&entityId=${customer.id}`)).items;
    const [second, first] = all as [Entry, Entry];
    const between = (
      await log(
        `entityId=${customer.id}&entityType=customer&from=${first.occurredAt}&to=${second.occurredAt}`,
      )
    ).items;
    expect(between.map((e) => e.id)).toEqual(first.occurredAt === second.occurredAt ? [] : [first.id]);
    const since = (await log(`entityId=${customer.id}&entityType=customer&from=${second.occurredAt}`)).items;
    expect(since.map((e) => e.id)).toEqual([second.id]);
    const future = (await log(`from=2999-01-01T00:00:00.000Z`)).items;
    expect(future).toEqual([]);
  });
});

describe('audit log export', () => {
  it('writes the filtered log as CSV, times local, and records the export itself', async () => {
    const customer = await makeCustomer(t.db);
    expect(
      (await t.patch(`/api/v1/customers/${customer.id}`, { name: '=Renamed' }, admin.token)).status,
    ).toBe(200);
    const query = `entityType=customer&entityId=${customer.id}&timezone=Asia/Kolkata`;
    const res = await t.get<string>(`/api/v1/audit-log/export.csv?${query}`, admin.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/filename="audit-log-\d{4}-\d\d-\d\d\.csv"/);
    const rows = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
    const json = (await log(`entityType=customer&entityId=${customer.id}`)).items;
    expect(rows.map((r) => r.Id)).toEqual(json.map((e) => e.id));
    const [updated, created] = rows as [Record<string, string>, Record<string, string>];
    expect(updated).toMatchObject({
      Who: admin.user.name,
      'Made by': 'Person',
      // In words; the code in a column of its own.
      What: 'Customer updated',
      'Event code': 'customer.updated',
      Record: 'Customer',
      // Its name now, written as text (a spreadsheet would run it).
      'Record name': "'=Renamed",
      'Record id': customer.id,
      'User id': admin.user.id,
      // The change in words, not JSON.
      Change: `Name: ${customer.name} → =Renamed`,
    });
    expect(created).toMatchObject({
      Who: 'Steward',
      'Made by': 'Steward',
      What: 'Customer created',
      'Event code': 'customer.created',
      'User id': '',
    });
    // Local time in India (UTC+05:30), to the second; the header names the zone.
    const utc = new Date(json[0]!.occurredAt);
    const local = new Date(utc.getTime() + 330 * 60_000).toISOString().replace('T', ' ').slice(0, 19);
    expect(updated['When (Asia/Kolkata)']).toBe(local);

    // Two records of one export, newest first: taken (before the first byte), then its size.
    const exports = (await log(`entityType=export&actorId=${admin.user.id}`)).items;
    expect(exports.slice(0, 2)).toMatchObject([
      { type: 'export.finished', entityId: exports[1]!.entityId, data: { list: 'audit-log', rows: 2 } },
      {
        type: 'export.downloaded',
        data: {
          list: 'audit-log',
          format: 'csv',
          query: { entityType: 'customer', entityId: customer.id, timezone: 'Asia/Kolkata' },
        },
      },
    ]);
  });

  it('names the records a change points at, read once per page, in the list and the file', async () => {
    const agent = await makeUser(t.db, 'agent');
    const customer = await makeCustomer(t.db);
    const kase = await makeCase(t.db, customer.id, { subject: `Named ${unique()}` });
    const team = await t.post('/api/v1/teams', { name: `Named team ${unique()}` }, admin.token);
    expect(team.status, JSON.stringify(team.body)).toBe(201);
    const patched = await t.patch(
      `/api/v1/cases/${kase.id}`,
      { status: 'pending', assigneeId: agent.user.id, teamId: team.body.id },
      admin.token,
    );
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const [entry] = (await log(`entityType=case&entityId=${kase.id}&by=people`)).items;
    expect(entry).toMatchObject({ type: 'case.updated' });
    expect(entry!.names).toEqual({ [agent.user.id]: agent.user.name, [team.body.id]: team.body.name });

    const res = await t.get<string>(
      `/api/v1/audit-log/export.csv?entityType=case&entityId=${kase.id}&by=people`,
      admin.token,
    );
    expect(res.status).toBe(200);
    const [row] = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
    expect(row).toMatchObject({
      What: 'Case updated',
      Record: 'Case',
      'Record name': `#${kase.number} ${kase.subject}`,
    });
    const lines = row!.Change!.split('; ').sort();
    expect(lines).toEqual(
      [`Assignee: — → ${agent.user.name}`, 'Status: new → pending', `Team: — → ${team.body.name}`].sort(),
    );
  });
});
