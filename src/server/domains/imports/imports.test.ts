import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  makeCustomer,
  makeOrganization,
  makeSegment,
  makeUser,
  unique,
} from '../../../../test/helpers/factories.js';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
});
afterAll(() => t?.close());

const csv = (lines: string[]) => lines.join('\n');
const importCsv = (text: string, query = '', token = admin) =>
  t.request('POST', `/api/v1/imports/customers${query}`, { token, raw: text, contentType: 'text/csv' });

describe('customer import', () => {
  it('imports every row, creates missing organizations, matches existing ones by name', async () => {
    const seg = await makeSegment(t.db);
    const existing = await makeOrganization(t.db);
    const u = unique();
    const res = await importCsv(
      csv([
        'name,email,phone,organization,segment,language,time_zone,externalId,organizationAccess,cf.tier',
        `Ann ${u},ann-${u}@example.com,+1 555 0101,${existing.name.toUpperCase()},,en,Europe/Berlin,ext-a-${u},yes,gold`,
        `"Bob, Jr. ${u}",bob-${u}@example.com,,New Org ${u},${seg.key},,,,false,`,
        `Cy ${u},,,New Org ${u},,,,,,`,
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      total: 3,
      valid: 3,
      invalid: 0,
      imported: 3,
      organizationsCreated: 1,
      committed: true,
      errors: [],
    });
    const ann = await t.get(`/api/v1/customers?email=ann-${u}@example.com`, admin);
    expect(ann.body.items[0]).toMatchObject({
      organizationId: existing.id,
      timeZone: 'Europe/Berlin',
      organizationAccess: true,
      customFields: { tier: 'gold' },
      externalId: `ext-a-${u}`,
    });
    const orgs = await t.get(`/api/v1/organizations?q=new%20org%20${u}&includeTotal=true`, admin);
    expect(orgs.body.total).toBe(1);
    expect(orgs.body.items[0].customerCount).toBe(2);
  });

  it('all-or-nothing: one bad row stops the import with a per-row report', async () => {
    const taken = await makeCustomer(t.db);
    const u = unique();
    const text = csv([
      'name,email,timeZone,segment',
      `Good ${u},good-${u}@example.com,,`,
      `Bad mail ${u},not-an-email,,`,
      `Bad zone ${u},zone-${u}@example.com,Moon/Base,`,
      `Taken ${u},${taken.email},,`,
      `Twice ${u},good-${u}@EXAMPLE.com,,`,
      `No segment ${u},seg-${u}@example.com,,nosuch`,
    ]);
    const res = await importCsv(text);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('import_invalid');
    expect(res.body.report).toMatchObject({ total: 6, valid: 1, invalid: 5, imported: 0, committed: false });
    expect(res.body.report.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([
      [3, 'email'],
      [4, 'timeZone'],
      [5, 'email'],
      [6, 'email'],
      [7, 'segment'],
    ]);
    expect(res.body.report.errors[3].message).toBe('repeats line 2');
    expect((await t.get(`/api/v1/customers?email=good-${u}@example.com`, admin)).body.items).toHaveLength(0);

    const skipped = await importCsv(text, '?skipInvalid=true');
    expect(skipped.status).toBe(200);
    expect(skipped.body).toMatchObject({ imported: 1, invalid: 5, committed: true });
    expect((await t.get(`/api/v1/customers?email=good-${u}@example.com`, admin)).body.items).toHaveLength(1);
  });

  it('a NUL fails its row, not the file (skipInvalid imports the rest)', async () => {
    const u = unique();
    const text = csv([
      'name,email,organization,cf.tier',
      `Good ${u},nul-good-${u}@example.com,,`,
      `Nul\u0000 ${u},nul-a-${u}@example.com,,`,
      `Org ${u},nul-b-${u}@example.com,Acme\u0000,`,
      `Field ${u},nul-c-${u}@example.com,,g\u0000`,
    ]);
    const res = await importCsv(text);
    expect(res.status).toBe(422);
    expect(
      res.body.report.errors.map((e: { row: number; field: string; message: string }) => [
        e.row,
        e.field,
        e.message,
      ]),
    ).toEqual([
      [3, 'name', 'must not contain NUL characters or unpaired surrogates'],
      [4, 'organization', 'must not contain NUL characters or unpaired surrogates'],
      [5, 'cf.tier', 'must not contain NUL characters or unpaired surrogates'],
    ]);
    const skipped = await importCsv(text, '?skipInvalid=true');
    expect(skipped.status).toBe(200);
    expect(skipped.body).toMatchObject({ imported: 1, invalid: 3, committed: true });
  });

  it('an organization name is held to the limits of POST /organizations', async () => {
    const u = unique();
    const text = csv([
      'name,email,organization',
      `Short ${u},org-ok-${u}@example.com,Acme ${u}`,
      `Long ${u},org-long-${u}@example.com,${'O'.repeat(201)}`,
    ]);
    const res = await importCsv(text);
    expect(res.status).toBe(422);
    expect(res.body.report.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([
      [3, 'organization'],
    ]);
    expect((await t.get(`/api/v1/organizations?q=${'O'.repeat(50)}`, admin)).body.items).toEqual([]);
  });

  it('dry run validates and writes nothing', async () => {
    const u = unique();
    const res = await importCsv(csv(['name,email', `Dry ${u},dry-${u}@example.com`]), '?dryRun=true');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ valid: 1, imported: 0, committed: false, dryRun: true });
    expect((await t.get(`/api/v1/customers?email=dry-${u}@example.com`, admin)).body.items).toHaveLength(0);
  });

  it('refuses unknown columns, a missing name column, broken CSV and an empty file', async () => {
    for (const text of [
      'name,colour\nA,red',
      'email\na@example.com',
      'name,email\n"unterminated,a@b.c',
      '',
    ]) {
      const res = await importCsv(text);
      expect(res.status, text).toBe(422);
      expect(res.body.error.code).toBe('invalid_csv');
    }
  });

  it('only admins import', async () => {
    const agent = await makeUser(t.db, 'agent');
    expect((await importCsv('name\nA', '', agent.token)).status).toBe(403);
  });
});
