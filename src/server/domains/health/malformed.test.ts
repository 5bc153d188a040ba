// Every route of the OpenAPI document, sent what a careless or hostile client sends: wrong types
// in every body field, text PostgreSQL cannot store, odd ids and query values. None may answer
// 5xx, and every refusal has the error shape ({"error": {"code", "message"}}). As an admin, the
// role that reaches the most code, and as a customer, who alone reaches the portal's routes. A
// regression net for the "never a 500" rule: a field a schema forgot shows up here.
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
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
}

const PATH_VALUES = ['0190a000-0000-7000-8000-000000000000', 'x', 'a%00b', '-1', '1.5', '%E2%80%AE'];
const QUERY_VALUES = ['x', '-1', '99999999999999999999', '', 'a,,b', '2026-02-30', '%00', '%ED%A0%80'];
const FIELD_VALUES: unknown[] = [null, -1, 1e308, 'x', '', [], {}, [1, 'a'], 'a\u0000b', 'a\ud800', true];

interface Problem {
  request: string;
  status: number;
  body: string;
}

describe('malformed requests to every route', () => {
  it('never answer 5xx, and always answer the error shape', { timeout: 300_000 }, async () => {
    const operations = await apiOperations<Operation>(t);
    const problems: Problem[] = [];
    let sent = 0;
    let token = admin;
    const hit = async (method: string, url: string, body?: unknown) => {
      sent++;
      const res = await t.request(method, url, {
        token,
        ...(body === undefined ? {} : { raw: JSON.stringify(body) }),
      });
      const shaped =
        res.status < 400 ||
        (typeof res.body?.error?.code === 'string' && typeof res.body?.error?.message === 'string');
      if (res.status >= 500 || !shaped)
        problems.push({
          request: `${token === admin ? 'admin' : 'customer'} ${method} ${url} ${JSON.stringify(body) ?? ''}`,
          status: res.status,
          body: JSON.stringify(res.body),
        });
    };
    for (token of [admin, customer]) {
      for (const { method, template, op, stream } of operations) {
        if (template.startsWith('/api/v1/auth/')) continue;
        if (stream) {
          // A stream does not end: its answer is its status, or the error shape.
          sent++;
          const s = await t.openStream(template, token);
          s.close();
          if (s.status >= 500 || (s.status >= 400 && typeof s.body?.error?.code !== 'string'))
            problems.push({
              request: `${method} ${template}`,
              status: s.status,
              body: JSON.stringify(s.body),
            });
          continue;
        }
        const hasParams = template.includes('{');
        const urls = hasParams ? PATH_VALUES.map((v) => template.replace(/\{[^}]+\}/g, v)) : [template];
        for (const url of urls)
          await hit(method, url, method === 'GET' || method === 'DELETE' ? undefined : {});
        for (const q of (op.parameters ?? []).filter((p) => p.in === 'query'))
          for (const v of QUERY_VALUES) await hit(method, `${urls[0]}?${q.name}=${v}`);
        const fields = Object.keys(op.requestBody?.content?.['application/json']?.schema?.properties ?? {});
        for (const field of fields) for (const v of FIELD_VALUES) await hit(method, urls[0]!, { [field]: v });
      }
    }
    expect(sent).toBeGreaterThan(2_000);
    expect(problems).toEqual([]);
  });
});
