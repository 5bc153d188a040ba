// An optional query parameter sent empty (`?q=`, `?status=`, as a form with an empty field sends
// it) is one not given, on every route: the shared rule in app.ts, swept over the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOperations, startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeUser } from '../../../../test/helpers/factories.js';

let t: TestApp;
let admin: string;
let customer: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  customer = (await makeUser(t.db, 'customer')).token;
});
afterAll(() => t?.close());

interface Operation {
  parameters?: { in: string; name: string; required?: boolean }[];
}

describe('empty optional query parameters', () => {
  it('GET /cases?q= and other lists answer as if the parameter were not given', async () => {
    for (const path of [
      '/api/v1/cases?q=',
      '/api/v1/cases?q=%20&status=&limit=',
      '/api/v1/customers?q=&segment=',
    ]) {
      const res = await t.get(path, admin);
      expect(res.status, path).toBe(200);
      expect(Array.isArray(res.body.items)).toBe(true);
    }
    const portal = await t.get('/api/v1/portal/cases?state=&limit=', customer);
    expect(portal.status).toBe(200);
  });

  it('a required parameter sent empty is still "is required"', async () => {
    const res = await t.get('/api/v1/help/suggest?q=', customer);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('query.q: is required');
  });

  it('a value that is not empty is still judged', async () => {
    const res = await t.get('/api/v1/cases?status=nonsense', admin);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^query\.status\b.*must be one of/);
  });

  it(
    'every list route: an optional parameter sent empty answers as without it',
    { timeout: 300_000 },
    async () => {
      const operations = await apiOperations<Operation>(t);
      const differ: string[] = [];
      let checked = 0;
      for (const { method, template, op, stream } of operations) {
        if (method !== 'GET' || template.includes('{') || stream) continue;
        const token = template.startsWith('/api/v1/portal/') ? customer : admin;
        const optional = (op.parameters ?? []).filter((p) => p.in === 'query' && !p.required);
        if (optional.length === 0) continue;
        const without = (await t.get(template, token)).status;
        for (const { name } of optional) {
          checked++;
          const res = await t.get(`${template}?${name}=`, token);
          if (res.status !== without)
            differ.push(
              `${template}?${name}= ${res.status} (without: ${without}) ${JSON.stringify(res.body?.error)}`,
            );
        }
      }
      expect(checked).toBeGreaterThan(100);
      expect(differ).toEqual([]);
    },
  );
});
