// CSV exports of the signals, commitments and customers lists and of the proactive KPIs: each
// file says what the JSON answer for the same query says, and only staff (admins, for customers)
// may take one.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  makeCase,
  makeCustomer,
  makeCustomerWithAgreement,
  makeOrganization,
  makeUser,
  unique,
} from '../../../../test/helpers/factories.js';
import { makeCommitment, makeRule, makeSignal } from '../../../../test/helpers/signal-factories.js';

let t: TestApp;
let admin: string;
let agent: string;
let customerToken: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = (await makeUser(t.db, 'agent')).token;
  customerToken = (await makeUser(t.db, 'customer', { customerId: (await makeCustomer(t.db)).id })).token;
});
afterAll(() => t?.close());

async function csv(path: string, token = agent) {
  const res = await t.get<string>(path, token);
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  return {
    records: parse(res.body, { bom: true, columns: true }) as Record<string, string>[],
    filename: /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1],
  };
}

const at = (iso: string) => new Date(iso);
/** A time column's value, whatever zone its header names ("Detected (Asia/Tokyo)"). */
const timeIn = (record: Record<string, string> | undefined, column: string) =>
  Object.entries(record ?? {}).find(([header]) => header.startsWith(`${column} (`))?.[1];

describe('signal export', () => {
  it('writes the signals GET /signals lists for the same filters, in its order, times local', async () => {
    const rule = await makeRule(t.db, { name: `Stuck parcel ${unique()}` });
    const customer = await makeCustomer(t.db);
    const caught = await makeSignal(t.db, {
      ruleId: rule.id,
      customerId: customer.id,
      severity: 'high',
      state: 'resolved',
      resolvedByEvent: true,
      resolvedAt: at('2026-05-01T12:00:00.000Z'),
      refKey: 'shipmentId',
      refValue: 'SH-9',
      detectedAt: at('2026-04-30T23:15:00.000Z'),
      dueAt: at('2026-05-02T08:00:00.000Z'),
    });
    const assignee = await makeUser(t.db, 'agent');
    const handled = await makeCase(t.db, customer.id, { assigneeId: assignee.user.id });
    await makeSignal(t.db, {
      ruleId: rule.id,
      customerId: customer.id,
      caseId: handled.id,
      title: '@SUM(1+1)*cmd|calc',
      customerContactedFirst: true,
      detectedAt: at('2026-05-03T08:00:00.000Z'),
    });
    await makeSignal(t.db, { detectedAt: at('2026-05-03T09:00:00.000Z') }); // another rule

    const { records, filename } = await csv(
      `/api/v1/signals/export.csv?ruleId=${rule.id}&timezone=Asia/Tokyo`,
    );
    expect(filename).toMatch(/^signals-\d{4}-\d\d-\d\d\.csv$/);
    const listed = await t.get(`/api/v1/signals?ruleId=${rule.id}`, agent);
    expect(records.map((r) => r.Id)).toEqual(listed.body.items.map((s: { id: string }) => s.id));
    expect(records[1]).toMatchObject({
      Id: caught.id,
      Rule: rule.name,
      // In the board's words.
      Severity: 'High',
      State: 'Resolved',
      Customer: customer.name,
      Reference: 'shipmentId=SH-9',
      // Tokyo is UTC+9, as the headers say.
      'Detected (Asia/Tokyo)': '2026-05-01 08:15:00',
      'Promise due (Asia/Tokyo)': '2026-05-02 17:00:00',
      'Ended (Asia/Tokyo)': '2026-05-01 21:00:00',
      'Resolved by itself': 'true',
      'Customer had written first': 'false',
      Case: '',
      // No case, so no one to name.
      Assignee: '',
    });
    expect(records[0]).toMatchObject({
      Title: `'@SUM(1+1)*cmd|calc`,
      'Customer had written first': 'true',
      Case: String(handled.number),
      // The case's assignee, as GET /signals gives it.
      Assignee: assignee.user.name,
    });
    expect(listed.body.items[0].caseAssignee).toEqual({ id: assignee.user.id, name: assignee.user.name });
    // A state filter narrows it like the list.
    expect((await csv(`/api/v1/signals/export.csv?ruleId=${rule.id}&state=open`)).records).toHaveLength(1);
  });

  it('says in State when nobody owns a live signal’s case, as the pill does: "Acted on · nobody on it"', async () => {
    const rule = await makeRule(t.db, { name: `Nobody on it ${unique()}` });
    const customer = await makeCustomer(t.db);
    const assignee = await makeUser(t.db, 'agent');
    const sig = async (hours: number, o: Parameters<typeof makeSignal>[1]) =>
      (
        await makeSignal(t.db, {
          ruleId: rule.id,
          customerId: customer.id,
          detectedAt: at(`2026-06-01T${String(hours).padStart(2, '0')}:00:00.000Z`),
          ...o,
        })
      ).id;
    const caseFor = async (o: Parameters<typeof makeCase>[2] = {}) =>
      (await makeCase(t.db, customer.id, o)).id;
    const unowned = await sig(1, { state: 'acted', caseId: await caseFor() });
    const owned = await sig(2, { state: 'acted', caseId: await caseFor({ assigneeId: assignee.user.id }) });
    // Ended while its case stays open and nobody's: the signal is over, its state says only that.
    const ended = await sig(3, {
      state: 'resolved',
      resolvedAt: at('2026-06-01T05:00:00.000Z'),
      caseId: await caseFor(),
    });
    const noCase = await sig(4, { state: 'acted' });
    // Its case opened while its customer mail waits (held): open still, and nobody on the case.
    const openUnowned = await sig(5, { state: 'open', caseId: await caseFor() });
    const openOwned = await sig(6, {
      state: 'open',
      caseId: await caseFor({ assigneeId: assignee.user.id }),
    });

    const { records } = await csv(`/api/v1/signals/export.csv?ruleId=${rule.id}`);
    const stateOf = Object.fromEntries(records.map((r) => [r.Id, r.State]));
    expect(stateOf).toEqual({
      [unowned]: 'Acted on · nobody on it',
      [owned]: 'Acted on',
      [ended]: 'Resolved',
      [noCase]: 'Acted on',
      [openUnowned]: 'Open · nobody on it',
      [openOwned]: 'Open',
    });
    // The same signals as GET /signals?caseUnassigned=true, and only the live ones of them say it.
    const listed = await t.get(`/api/v1/signals?ruleId=${rule.id}&caseUnassigned=true`, agent);
    expect(listed.body.items.map((x: { id: string }) => x.id)).toEqual([openUnowned, ended, unowned]);
    const filtered = await csv(`/api/v1/signals/export.csv?ruleId=${rule.id}&caseUnassigned=true`);
    expect(filtered.records.map((r) => [r.Id, r.State])).toEqual([
      [openUnowned, 'Open · nobody on it'],
      [ended, 'Resolved'],
      [unowned, 'Acted on · nobody on it'],
    ]);
  });
});

describe('proactive KPI exports', () => {
  it('the trend as a row per bucket, the same numbers as the JSON, shares in percent', async () => {
    const rule = await makeRule(t.db);
    await makeSignal(t.db, {
      ruleId: rule.id,
      state: 'resolved',
      detectedAt: at('2027-03-02T09:00:00.000Z'),
      dueAt: at('2027-03-02T10:30:00.000Z'),
    });
    await makeSignal(t.db, {
      ruleId: rule.id,
      state: 'dismissed',
      customerContactedFirst: true,
      detectedAt: at('2027-03-02T11:00:00.000Z'),
    });
    await makeCommitment(t.db, { state: 'met', closedAt: at('2027-03-03T10:00:00.000Z') });
    await makeCommitment(t.db, { state: 'late', closedAt: at('2027-03-03T11:00:00.000Z') });
    await makeCommitment(t.db, { state: 'met', closedAt: at('2027-03-03T12:00:00.000Z') });
    const query =
      'from=2027-03-01T23:00:00.000Z&to=2027-03-04T23:00:00.000Z&interval=day&timezone=Europe/Berlin';
    const json = await t.get(`/api/v1/kpis/proactive/trend?${query}`, agent);
    const { records, filename } = await csv(`/api/v1/kpis/proactive/trend.csv?${query}`);
    // Named by its period: Berlin's 2 March to its 4 March (`to` is midnight of the 5th).
    expect(filename).toBe('proactive-kpis-by-day-2027-03-02-to-2027-03-04.csv');
    expect(records.map((r) => r.Day)).toEqual(['2027-03-02', '2027-03-03', '2027-03-04']);
    expect(records.map((r) => Number(r.Signals))).toEqual(json.body.buckets.map((b: any) => b.signals));
    expect(records[0]).toMatchObject({
      Signals: '2',
      'Caught before contact': '1',
      'Caught before contact %': '50',
      Dismissed: '1',
      'Median lead time (h)': '1.5',
      'On time %': '',
      'From (Europe/Berlin)': '2027-03-02 00:00:00',
      'To (Europe/Berlin)': '2027-03-03 00:00:00',
      Partial: 'false',
    });
    expect(records[1]).toMatchObject({
      'Commitments met': '2',
      'Commitments late': '1',
      'On time %': '66.7',
      'Median lead time (h)': '',
    });
    const weeks = await csv(
      '/api/v1/kpis/proactive/trend.csv?from=2027-03-01T00:00:00.000Z&to=2027-03-29T00:00:00.000Z&interval=week',
    );
    expect(weeks.records.map((r) => r['Week of'])).toEqual([
      '2027-03-01',
      '2027-03-08',
      '2027-03-15',
      '2027-03-22',
    ]);
    expect(weeks.records[0]?.Signals).toBe('2');
    expect(weeks.records.map((r) => r.Partial)).toEqual(['false', 'false', 'false', 'false']);
    // A period cut inside its first and last week: those rows give the part counted, marked partial.
    const cut = await csv(
      '/api/v1/kpis/proactive/trend.csv?from=2027-03-03T06:00:00.000Z&to=2027-03-17T12:00:00.000Z&interval=week',
    );
    expect(cut.records.map((r) => [r['Week of'], r['From (UTC)'], r['To (UTC)'], r.Partial])).toEqual([
      ['2027-03-01', '2027-03-03 06:00:00', '2027-03-08 00:00:00', 'true'],
      ['2027-03-08', '2027-03-08 00:00:00', '2027-03-15 00:00:00', 'false'],
      ['2027-03-15', '2027-03-15 00:00:00', '2027-03-17 12:00:00', 'true'],
    ]);
  });

  it('per rule: a row for each rule the JSON lists', async () => {
    const rule = await makeRule(t.db, { name: `Late invoice ${unique()}` });
    await makeSignal(t.db, {
      ruleId: rule.id,
      state: 'dismissed',
      detectedAt: at('2027-06-01T10:00:00.000Z'),
    });
    await makeSignal(t.db, { ruleId: rule.id, state: 'open', detectedAt: at('2027-06-02T10:00:00.000Z') });
    const query = 'from=2027-06-01T00:00:00.000Z&to=2027-06-30T00:00:00.000Z';
    const json = await t.get(`/api/v1/kpis/proactive/rules?${query}`, agent);
    const { records, filename } = await csv(
      `/api/v1/kpis/proactive/rules.csv?${query}&timezone=America/New_York`,
    );
    // 1 June 00:00 UTC is 31 May 20:00 in New York; 30 June 00:00 UTC is 29 June 20:00 there.
    expect(filename).toBe('rule-outcomes-2027-05-31-to-2027-06-29.csv');
    expect(records.map((r) => r['Rule id'])).toEqual(
      json.body.items.map((r: { ruleId: string }) => r.ruleId),
    );
    expect(records.find((r) => r['Rule id'] === rule.id)).toMatchObject({
      Rule: rule.name,
      Signals: '2',
      'Still live': '1',
      Dismissed: '1',
      'Dismissed %': '50',
      Enabled: 'true',
      Kind: 'Match',
      'Last signal (America/New_York)': '2027-06-02 06:00:00',
      // The period on every row.
      'From (America/New_York)': '2027-05-31 20:00:00',
      'To (America/New_York)': '2027-06-29 20:00:00',
    });
  });
});

describe('commitment export', () => {
  it('writes the commitments of the list query, soonest due first', async () => {
    const customer = await makeCustomer(t.db);
    const later = await makeCommitment(t.db, {
      customerId: customer.id,
      refValue: 'SO-2',
      dueAt: at('2027-01-10T12:00:00.000Z'),
    });
    const sooner = await makeCommitment(t.db, {
      customerId: customer.id,
      refValue: 'SO-1',
      state: 'late',
      dueAt: at('2027-01-09T12:00:00.000Z'),
      closedAt: at('2027-01-09T15:30:00.000Z'),
    });
    const { records } = await csv(`/api/v1/commitments/export.csv?customerId=${customer.id}`);
    expect(records.map((r) => r.Id)).toEqual([sooner.id, later.id]);
    expect(records[0]).toMatchObject({
      Commitment: 'On-time delivery',
      Customer: customer.name,
      Reference: 'orderId=SO-1',
      State: 'Met late',
      'Kind of promise': 'Fulfil',
      'Due (UTC)': '2027-01-09 12:00:00',
      'Closed (UTC)': '2027-01-09 15:30:00',
      Repromised: '0',
    });
    expect(
      (await csv(`/api/v1/commitments/export.csv?customerId=${customer.id}&state=open`)).records,
    ).toHaveLength(1);
  });
});

describe('customer export', () => {
  it('writes the import format, and the file imports again once the records are gone', async () => {
    const org = await makeOrganization(t.db, { name: `Acme ${unique()}` });
    const tag = unique();
    // A defined field is headed by its label, which the import reads back.
    const level = `level_${tag}`;
    const field = await t.post(
      '/api/v1/customer-fields',
      { key: level, label: `Level ${tag}`, type: 'number' },
      admin,
    );
    expect(field.status, JSON.stringify(field.body)).toBe(201);
    const email = `-dash-${tag}@example.com`;
    const created = await t.post(
      '/api/v1/customers',
      {
        name: `Zoë ${tag}`,
        email,
        phone: '+49 30 1234567',
        organizationId: org.id,
        language: 'de',
        timeZone: 'Europe/Berlin',
        externalId: `X-${tag}`,
        customFields: { tier: 'gold', [level]: 3 },
      },
      admin,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const res = await t.get<string>(`/api/v1/customers/export.csv?q=${tag}`, admin);
    expect(res.status).toBe(200);
    const records = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
    expect(records).toEqual([
      expect.objectContaining({
        Name: `Zoë ${tag}`,
        'E-mail': `'${email}`,
        // A phone number is no formula: written as it is.
        Phone: '+49 30 1234567',
        Organization: org.name,
        Segment: '',
        Language: 'de',
        'Time zone': 'Europe/Berlin',
        'External id': `X-${tag}`,
        'Organization access': 'false',
        // No field defines `tier`: its key.
        'cf.tier': 'gold',
        [`Level ${tag}`]: '3',
      }),
    ]);
    // Removed, then imported from the exported file: the same record, the apostrophes undone.
    expect((await t.del(`/api/v1/customers/${created.body.id}`, admin)).status).toBe(204);
    const imported = await t.request('POST', '/api/v1/imports/customers', {
      token: admin,
      raw: res.body,
      contentType: 'text/csv',
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const back = await t.get(`/api/v1/customers?q=${tag}`, admin);
    expect(back.body.items).toEqual([
      expect.objectContaining({
        name: `Zoë ${tag}`,
        email,
        phone: '+49 30 1234567',
        organizationId: org.id,
        externalId: `X-${tag}`,
        customFields: { tier: 'gold', [level]: 3 },
      }),
    ]);
  });
});

describe('custom fields named like an object’s own properties', () => {
  it('a field named constructor or toString is a column like any other, empty where unset', async () => {
    const tag = `proto${Date.now().toString(36)}`;
    for (const [path, body] of [
      ['/api/v1/customers', { name: `Odd ${tag}`, customFields: { constructor: 'x', toString: 'y' } }],
      ['/api/v1/customers', { name: `Plain ${tag}` }],
      ['/api/v1/organizations', { name: `Odd ${tag}`, customFields: { valueOf: 'z' } }],
      ['/api/v1/organizations', { name: `Plain ${tag}` }],
    ] as const)
      expect((await t.post(path, body, admin)).status).toBe(201);
    for (const [list, column, odd] of [
      ['customers', 'cf.constructor', 'x'],
      ['organizations', 'cf.valueOf', 'z'],
    ] as const) {
      const res = await t.get<string>(`/api/v1/${list}/export.csv?q=${tag}`, admin);
      expect(res.status).toBe(200);
      const records = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
      expect(records.map((r) => [r.Name, r[column]]).sort()).toEqual([
        [`Odd ${tag}`, odd],
        [`Plain ${tag}`, ''],
      ]);
    }
  });
});

describe('the zone of an export that names none', () => {
  it('is the person’s own, else the company’s, else UTC; named in a header and in the audit log', async () => {
    const rule = await makeRule(t.db, { name: `Zoned ${unique()}` });
    // Detected 23:30 UTC on 30 June: 19:30 in New York, 08:30 the next day in Tokyo.
    const signal = await makeSignal(t.db, { ruleId: rule.id, detectedAt: at('2026-06-30T23:30:00.000Z') });
    const { customer } = await makeCustomerWithAgreement(t.db);
    const kase = await makeCase(t.db, customer.id, {
      subject: `Zoned ${unique()}`,
      createdAt: '2026-06-30T23:30:00.000Z',
    });
    const commitment = await makeCommitment(t.db, {
      refValue: `SO-zoned-${unique()}`,
      openedAt: at('2026-06-30T23:30:00.000Z'),
    });
    const plain = await makeUser(t.db, 'agent');
    const traveller = await makeUser(t.db, 'agent');
    const own = await t.patch(
      '/api/v1/notifications/preferences',
      { timeZone: 'Asia/Tokyo' },
      traveller.token,
    );
    expect(own.status).toBe(200);

    const exported = async (token: string, extra = '') => {
      const got = async (path: string) => {
        const res = await t.get<string>(path, token);
        expect(res.status, path).toBe(200);
        return {
          zone: res.headers.get('x-steward-time-zone'),
          records: parse(res.body, { bom: true, columns: true }) as Record<string, string>[],
        };
      };
      const signals = await got(`/api/v1/signals/export.csv?ruleId=${rule.id}${extra}`);
      const cases = await got(`/api/v1/cases/export.csv?customerId=${customer.id}${extra}`);
      const commitments = await got(`/api/v1/commitments/export.csv?ref=${commitment.refValue}${extra}`);
      const trend = await got(
        `/api/v1/kpis/proactive/trend.csv?from=2026-06-29T00:00:00.000Z&to=2026-07-03T00:00:00.000Z&interval=day${extra}`,
      );
      expect(signals.records.map((r) => r.Id)).toEqual([signal.id]);
      expect(cases.records.map((r) => r.Id)).toEqual([kase.id]);
      expect(commitments.records).toHaveLength(1);
      return {
        zones: [signals.zone, cases.zone, commitments.zone, trend.zone],
        times: [
          timeIn(signals.records[0], 'Detected'),
          timeIn(cases.records[0], 'Created'),
          timeIn(commitments.records[0], 'Opened'),
        ],
        // Each file names its zone in its time columns' headers too.
        headers: [
          Object.keys(signals.records[0]!).find((h) => h.startsWith('Detected (')),
          Object.keys(cases.records[0]!).find((h) => h.startsWith('Created (')),
        ],
        firstDay: trend.records[0]!.Day,
      };
    };
    const trendZone = async (token: string) => {
      const res = await t.get('/api/v1/kpis/promises/trend?interval=day', token);
      expect(res.status).toBe(200);
      return res.body.timezone as string;
    };

    // No zone anywhere: UTC, as before.
    expect(await exported(plain.token)).toEqual({
      zones: ['UTC', 'UTC', 'UTC', 'UTC'],
      times: ['2026-06-30 23:30:00', '2026-06-30 23:30:00', '2026-06-30 23:30:00'],
      headers: ['Detected (UTC)', 'Created (UTC)'],
      firstDay: '2026-06-29',
    });
    const company = await t.patch('/api/v1/settings', { timeZone: 'America/New_York' }, admin);
    expect(company.status).toBe(200);
    try {
      // The company's zone for someone without one of their own.
      expect(await exported(plain.token)).toEqual({
        zones: Array(4).fill('America/New_York'),
        times: Array(3).fill('2026-06-30 19:30:00'),
        headers: ['Detected (America/New_York)', 'Created (America/New_York)'],
        // Days start at midnight in New York (04:00 UTC): the first one begins before the period.
        firstDay: '2026-06-28',
      });
      expect(await trendZone(plain.token)).toBe('America/New_York');
      // A person's own zone wins over the company's.
      expect(await exported(traveller.token)).toEqual({
        zones: Array(4).fill('Asia/Tokyo'),
        times: Array(3).fill('2026-07-01 08:30:00'),
        headers: ['Detected (Asia/Tokyo)', 'Created (Asia/Tokyo)'],
        firstDay: '2026-06-29',
      });
      expect(await trendZone(traveller.token)).toBe('Asia/Tokyo');
      // And a zone named in the query wins over both.
      expect((await exported(traveller.token, '&timezone=Europe/Berlin')).times).toEqual(
        Array(3).fill('2026-07-01 01:30:00'),
      );

      // The audit log records the zone the file was written in.
      const log = await t.get(`/api/v1/audit-log?entityType=export&actorId=${plain.user.id}`, admin);
      const downloads = (
        log.body.items as { type: string; data: { list: string; query: { timezone?: string } } }[]
      )
        .filter((e) => e.type === 'export.downloaded')
        .map((e) => [e.data.list, e.data.query.timezone]);
      expect(downloads).toContainEqual(['signals', 'America/New_York']);
      expect(downloads).toContainEqual(['proactive-trend', 'America/New_York']);
      // An admin's audit log export too.
      const audit = await t.get<string>('/api/v1/audit-log/export.csv', admin);
      expect(audit.headers.get('x-steward-time-zone')).toBe('America/New_York');
    } finally {
      await t.patch('/api/v1/settings', { timeZone: null }, admin);
    }
  });
});

describe('who may export', () => {
  const staffExports = [
    '/api/v1/cases/export.csv',
    '/api/v1/signals/export.csv',
    '/api/v1/commitments/export.csv',
    '/api/v1/kpis/proactive/trend.csv',
    '/api/v1/kpis/proactive/rules.csv',
  ];
  it('customers get none, agents all but the customer list, and nobody without a token', async () => {
    for (const path of [...staffExports, '/api/v1/customers/export.csv']) {
      const refused = await t.get(path, customerToken);
      expect(refused.status, path).toBe(403);
      expect(refused.body.error.code, path).toBe('forbidden');
      expect((await t.get(path)).status, path).toBe(401);
    }
    for (const path of staffExports) expect((await t.get(path, agent)).status, path).toBe(200);
    expect((await t.get('/api/v1/customers/export.csv', agent)).status).toBe(403);
  });
});

describe('exports in the audit log', () => {
  it('records who took which list with which query, and nothing for a refused export', async () => {
    const someone = await makeUser(t.db, 'agent');
    const manager = await makeUser(t.db, 'admin');
    const taken = [
      ['cases', '/api/v1/cases/export.csv?status=open&timezone=Europe/Berlin', someone.token],
      ['signals', '/api/v1/signals/export.csv?severity=high', someone.token],
      ['commitments', '/api/v1/commitments/export.csv?state=open', someone.token],
      ['proactive-trend', '/api/v1/kpis/proactive/trend.csv?interval=week', someone.token],
      ['rule-outcomes', '/api/v1/kpis/proactive/rules.csv', someone.token],
      ['customers', '/api/v1/customers/export.csv?q=zo%C3%AB', manager.token],
    ] as const;
    const sizes = new Map<string, number>();
    for (const [list, path, token] of taken) {
      const res = await t.get<string>(path, token);
      expect(res.status, path).toBe(200);
      sizes.set(list, (parse(res.body, { bom: true, columns: true }) as unknown[]).length);
    }
    // Refused before the first byte: a bad filter, a list the agent may not take.
    expect((await t.get('/api/v1/cases/export.csv?status=nope', someone.token)).status).toBe(400);
    expect((await t.get('/api/v1/customers/export.csv', someone.token)).status).toBe(403);

    const entries = async (actorId: string) => {
      const res = await t.get(`/api/v1/audit-log?entityType=export&actorId=${actorId}`, admin);
      expect(res.status).toBe(200);
      const items = res.body.items as {
        type: string;
        entityType: string;
        entityId: string;
        actorName: string;
        data: { list: string; format: string; query: Record<string, unknown>; rows?: number };
      }[];
      // Each export finished: the file's size is recorded under the same record id.
      const downloads = items.filter((e) => e.type === 'export.downloaded');
      const finished = items.filter((e) => e.type === 'export.finished');
      expect(finished.map((e) => e.entityId).sort()).toEqual(downloads.map((e) => e.entityId).sort());
      for (const e of finished) expect(e.data.rows, e.data.list).toBe(sizes.get(e.data.list));
      return downloads;
    };
    const byAgent = await entries(someone.user.id);
    expect(byAgent.map((e) => e.data.list).sort()).toEqual(
      ['cases', 'commitments', 'proactive-trend', 'rule-outcomes', 'signals'].sort(),
    );
    for (const e of byAgent) {
      expect(e).toMatchObject({
        type: 'export.downloaded',
        entityType: 'export',
        actorName: someone.user.name,
      });
      expect(e.data.format).toBe('csv');
    }
    const cases = byAgent.find((e) => e.data.list === 'cases')!;
    expect(cases.data.query).toEqual({ status: ['open'], timezone: 'Europe/Berlin' });
    // The query as applied, defaults included.
    expect(byAgent.find((e) => e.data.list === 'signals')!.data.query).toEqual({
      severity: 'high',
      timezone: 'UTC',
    });
    const byManager = await entries(manager.user.id);
    expect(byManager.map((e) => [e.data.list, e.data.query])).toEqual([
      ['customers', { q: 'zoë', sort: 'name' }],
    ]);
    // Only admins read the log, exports included.
    expect((await t.get('/api/v1/audit-log?entityType=export', someone.token)).status).toBe(403);
  });
});
