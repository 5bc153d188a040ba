import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  makeCase,
  makeCustomer,
  makeCustomerWithAgreement,
  makeUser,
  unique,
} from '../../../../test/helpers/factories.js';
import { SYSTEM_ACTOR, type Actor } from '../../lib/actor.js';
import { exportCases } from './cases.service.js';

let t: TestApp;
let admin: string;
let agent: { token: string; user: { id: string; name: string } };
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = await makeUser(t.db, 'agent');
});
afterAll(() => t?.close());

/** The export as text, and its rows as objects keyed by the header row. */
async function download(query: string, token = agent.token) {
  const res = await t.get<string>(`/api/v1/cases/export.csv?${query}`, token);
  const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
  const records =
    res.status === 200 ? (parse(text, { bom: true, columns: true }) as Record<string, string>[]) : [];
  return { res, text, records };
}

describe('exporting cases as CSV', () => {
  it('writes every matching case with readable columns, local times and custom fields', async () => {
    const key = `reason_${unique()}`;
    const label = `Reason ${unique()}`;
    expect((await t.post('/api/v1/case-fields', { key, label, type: 'text' }, admin)).status).toBe(201);
    const { customer } = await makeCustomerWithAgreement(t.db);
    const first = await makeCase(t.db, customer.id, {
      subject: 'Parcel crushed, "again"',
      priority: 'high',
      tags: ['damaged', 'vip'],
      refs: { orderId: 'SO-1' },
      createdAt: '2026-07-01T22:30:00.000Z',
    });
    await makeCase(t.db, customer.id, { subject: '=HYPERLINK("http://evil")' });
    expect(
      (
        await t.patch(
          `/api/v1/cases/${first.id}`,
          { assigneeId: agent.user.id, customFields: { [key]: 'carrier' } },
          agent.token,
        )
      ).status,
    ).toBe(200);
    await t.post(`/api/v1/cases/${first.id}/messages`, { body: 'On it.', public: true }, agent.token);

    const { res, text, records } = await download(
      `customerId=${customer.id}&sort=createdAt&timezone=Europe/Berlin`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="cases-\d{4}-\d\d-\d\d\.csv"$/,
    );
    expect(text.startsWith('Case,Subject,Status,')).toBe(true);
    // Excel needs the byte-order mark to read UTF-8 (fetch's text() drops it, so read the bytes).
    const raw = await fetch(`${t.url}/api/v1/cases/export.csv?customerId=${customer.id}`, {
      headers: { authorization: `Bearer ${agent.token}` },
    });
    expect([...new Uint8Array(await raw.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(records).toHaveLength(2);
    const [a, b] = records as [Record<string, string>, Record<string, string>];
    expect(a).toMatchObject({
      Case: String(first.number),
      Subject: 'Parcel crushed, "again"',
      // In the queue's words, not the stored keys.
      Status: 'Open',
      Priority: 'High',
      Category: 'Other',
      Channel: 'API',
      Customer: customer.name,
      Assignee: agent.user.name,
      Tags: 'damaged; vip',
      References: 'orderId=SO-1',
      // 22:30 UTC on 1 July is 00:30 the next day in Berlin (summer time); the header says so.
      'Created (Europe/Berlin)': '2026-07-02 00:30:00',
      'First response': 'met late',
      Resolution: 'breached',
      [label]: 'carrier',
      Id: first.id,
    });
    expect(a['First responded (Europe/Berlin)']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(a['Resolution due (Europe/Berlin)']).toMatch(/^2026-07-02 /);
    // A subject a spreadsheet would run as a formula is written as text.
    expect(b).toMatchObject({
      Subject: `'=HYPERLINK("http://evil")`,
      'First response': 'running',
      [label]: '',
    });
    expect(b['Solved (Europe/Berlin)']).toBe('');

    // The same cases in UTC.
    const utc = await download(`customerId=${customer.id}&sort=createdAt`);
    expect(utc.records[0]?.['Created (UTC)']).toBe('2026-07-01 22:30:00');
  });

  it('writes a header a spreadsheet would run as a formula as text too (a field’s label is an admin’s text)', async () => {
    const label = `=HYPERLINK("http://evil.example","${unique()}")`;
    const created = await t.post('/api/v1/case-fields', { key: `f_${unique()}`, label, type: 'text' }, admin);
    expect(created.status).toBe(201);
    const customer = await makeCustomer(t.db);
    await makeCase(t.db, customer.id, { subject: 'Header check' });
    const { res, text, records } = await download(`customerId=${customer.id}`);
    expect(res.status).toBe(200);
    const header = text.split('\n')[0]!;
    expect(header).toContain(`'=HYPERLINK`);
    expect(header).not.toMatch(/(^|,)"?=HYPERLINK/);
    expect(Object.keys(records[0]!)).toContain(`'${label}`);
  });

  it('heads a custom field whose label another column has by its key (`cf.<key>`), as the other exports do', async () => {
    const shared = `Carrier ${unique()}`;
    const [a, b, c] = [`a_${unique()}`, `b_${unique()}`, `c_${unique()}`];
    for (const [key, label] of [
      [a, shared],
      [b, shared.toUpperCase()],
      [c, 'status'],
    ]) {
      const made = await t.post('/api/v1/case-fields', { key, label, type: 'text' }, admin);
      expect(made.status).toBe(201);
    }
    const customer = await makeCustomer(t.db);
    const made = await makeCase(t.db, customer.id, { subject: 'Clashing labels' });
    expect(
      (
        await t.patch(
          `/api/v1/cases/${made.id}`,
          { customFields: { [a]: 'DHL', [b]: 'UPS', [c]: 'x' } },
          admin,
        )
      ).status,
    ).toBe(200);
    const { records } = await download(`customerId=${customer.id}`);
    const row = records[0]!;
    expect(row[`cf.${a}`]).toBe('DHL');
    expect(row[`cf.${b}`]).toBe('UPS');
    expect(row[`cf.${c}`]).toBe('x');
    expect(row.Status).toBe('New');
    expect(Object.keys(row)).not.toContain(shared);
  });

  it('reads past the first page: every case once, in the list order', async () => {
    const customer = await makeCustomer(t.db);
    const made = [];
    for (let i = 0; i < 7; i++) made.push(await makeCase(t.db, customer.id, { subject: `Batch ${i}` }));
    const actor: Actor = { ...SYSTEM_ACTOR, kind: 'user', userId: agent.user.id, role: 'agent' };
    const numbers: number[] = [];
    let pages = 0;
    for await (const page of exportCases(
      t.db,
      actor,
      { customerId: customer.id, sort: 'createdAt' },
      { pageSize: 3 },
    )) {
      pages++;
      numbers.push(...page.map((c) => c.number));
    }
    expect(pages).toBe(3);
    expect(numbers).toEqual(made.map((c) => c.number));
    // Through HTTP, the filters of the list apply: status and the full-text search.
    const listed = await download(
      `customerId=${customer.id}&q=${encodeURIComponent('Batch')}&sort=-createdAt`,
    );
    expect(listed.records.map((r) => r.Subject)).toEqual(made.map((c) => c.subject).reverse());
    expect((await download(`customerId=${customer.id}&status=solved`)).records).toEqual([]);
  });

  it('refuses bad filters with the error shape before writing a byte, and keeps customers out', async () => {
    const cases: [string, number, string][] = [
      ['status=lost', 400, 'validation_error'],
      ['timezone=Mars/Olympus', 400, 'validation_error'],
      ['limit=5', 400, 'validation_error'],
      [`view=${crypto.randomUUID()}`, 404, 'not_found'],
    ];
    for (const [query, status, code] of cases) {
      const { res, text } = await download(query);
      expect(res.status, query).toBe(status);
      expect(JSON.parse(text).error.code, query).toBe(code);
    }
    const customer = await makeCustomer(t.db);
    const own = await makeUser(t.db, 'customer', { customerId: customer.id });
    await makeCase(t.db, customer.id);
    const refused = await download(`customerId=${customer.id}`, own.token);
    expect(refused.res.status).toBe(403);
    expect((await download('', '')).res.status).toBe(401);
  });
});
