// Edge values on every route: whatever passes a route's schema must get an answer, never a 500.
// Each operation of the OpenAPI document is called as an admin with bodies and query parameters
// made from its own schema, at both ends of what the schema allows (the longest strings, the
// largest and smallest numbers, dates in the years 1 and 9999, every optional field at once;
// then the fewest fields), on a real record where the path names one and on an id that is no
// record's. A schema that lets through a value the database cannot hold (an integer past int4,
// a year past timestamptz, a string past an index's limit) shows up here as a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOperations, startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeCustomer, makeOrganization, makeUser } from '../../../../test/helpers/factories.js';

let t: TestApp;
let admin: string;
/** A real record per first path segment (`cases` in /api/v1/cases/{id}): routes on it reach the handler. */
const real: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  const customer = await makeCustomer(t.db);
  const org = await makeOrganization(t.db);
  const agent = await makeUser(t.db, 'agent');
  const made = await t.post('/api/v1/cases', { subject: 'Edge values', customerId: customer.id }, admin);
  expect(made.status).toBe(201);
  Object.assign(real, {
    customers: customer.id,
    organizations: org.id,
    users: agent.user.id,
    cases: made.body.id,
  });
});
afterAll(() => t?.close());

const NO_ID = '0190a000-0000-7000-8000-000000000000';

type Schema = {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  default?: unknown;
};
type End = 'max' | 'min';

/** A value the schema accepts, at one end of its range; undefined when none can be made. */
function edge(s: Schema, end: End, depth = 0): unknown {
  if (depth > 6) return undefined;
  const options = s.anyOf ?? s.oneOf;
  if (options) {
    const usable = options.filter((o) => o.type !== 'null');
    const pick = end === 'max' ? usable[0] : usable[usable.length - 1];
    return pick ? edge(pick, end, depth + 1) : null;
  }
  if (s.allOf) return edge(Object.assign({}, ...s.allOf), end, depth + 1);
  if (s.const !== undefined) return s.const;
  if (s.enum) return end === 'max' ? s.enum[s.enum.length - 1] : s.enum[0];
  const type = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  switch (type) {
    case 'string':
      return edgeString(s, end);
    case 'integer':
    case 'number': {
      const whole = type === 'integer';
      if (end === 'max') {
        if (s.maximum !== undefined) return s.maximum;
        if (s.exclusiveMaximum !== undefined)
          return whole ? s.exclusiveMaximum - 1 : s.exclusiveMaximum - 0.001;
        return whole ? Number.MAX_SAFE_INTEGER : 1e300;
      }
      if (s.minimum !== undefined) return s.minimum;
      if (s.exclusiveMinimum !== undefined)
        return whole ? s.exclusiveMinimum + 1 : s.exclusiveMinimum + 0.001;
      return whole ? Number.MIN_SAFE_INTEGER : -1e300;
    }
    case 'boolean':
      return end === 'max';
    case 'array': {
      const n = end === 'max' ? Math.min(s.maxItems ?? 3, 25) : (s.minItems ?? 0);
      const item = s.items ? edge(s.items, end, depth + 1) : 'x';
      if (item === undefined) return n === 0 ? [] : undefined;
      // Distinct items where they are strings (many lists refuse repeats).
      return Array.from({ length: n }, (_, i) =>
        typeof item === 'string' && !s.items?.enum && !s.items?.format && !s.items?.pattern
          ? `${item.slice(0, Math.max(0, item.length - 3))}${String(i).padStart(3, '0')}`.slice(
              -item.length || undefined,
            )
          : item,
      );
    }
    case 'object':
    case undefined: {
      if (!s.properties && !s.additionalProperties) return type === 'object' ? {} : undefined;
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(s.properties ?? {})) {
        if (end === 'min' && !s.required?.includes(key)) continue;
        const v = edge(sub, end, depth + 1);
        if (v !== undefined) out[key] = v;
      }
      if (end === 'max' && typeof s.additionalProperties === 'object') {
        const v = edge(s.additionalProperties, end, depth + 1);
        if (v !== undefined) out.edge_key = v;
      }
      return out;
    }
  }
  return undefined;
}

function edgeString(s: Schema, end: End): string | undefined {
  switch (s.format) {
    case 'uuid':
      return NO_ID;
    case 'date-time':
      return end === 'max' ? '9999-12-31T23:59:59.999Z' : '0001-01-01T00:00:00.000Z';
    case 'date':
      return end === 'max' ? '9999-12-31' : '0001-01-01';
    case 'email':
      return end === 'max' ? `${'a'.repeat(64)}@${'b'.repeat(60)}.example` : 'a@b.co';
    case 'uri':
    case 'url':
      return end === 'max'
        ? `https://example.com/${'p'.repeat(Math.min(s.maxLength ?? 2000, 2000) - 20)}`
        : 'https://e.co';
  }
  if (s.pattern) return undefined; // a pattern's values are not guessed
  const length = end === 'max' ? Math.min(s.maxLength ?? 20_000, 20_000) : Math.max(s.minLength ?? 0, 1);
  return 'x'.repeat(length);
}

interface Operation {
  method: string;
  template: string;
  parameters?: { in: string; name: string; schema: Schema; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

async function operations(): Promise<Operation[]> {
  const ops: Operation[] = [];
  for (const { method, template, op, stream } of await apiOperations<Omit<Operation, 'method' | 'template'>>(
    t,
  )) {
    if (stream) continue;
    // Signing out, out of every session or changing one's password would end the sweep's token.
    if (/\/auth\/logout|\/sessions|\/password$/.test(template)) continue;
    ops.push({ method, template, ...op });
  }
  // Deletions last: the real records must stay for the other calls.
  return ops.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
}

function paths(op: Operation): string[] {
  const segment = /^\/api\/v1\/([^/]+)\//.exec(op.template)?.[1] ?? '';
  const fill = (id: string) =>
    op.template.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const p = op.parameters?.find((x) => x.in === 'path' && x.name === name);
      if (p && p.schema.format !== 'uuid' && !p.schema.pattern?.includes('[0-9a-fA-F]{8}')) {
        return encodeURIComponent(
          edgeString(
            { ...p.schema, pattern: undefined, maxLength: Math.min(p.schema.maxLength ?? 200, 200) },
            'max',
          ) ?? 'x',
        );
      }
      return id;
    });
  const list = [fill(NO_ID)];
  if (real[segment] && /\{[^}]+\}/.test(op.template)) list.unshift(fill(real[segment]));
  return list;
}

function queries(op: Operation): string[] {
  const params = (op.parameters ?? []).filter((p) => p.in === 'query');
  const out = [''];
  for (const end of ['max', 'min'] as const) {
    for (const p of params) {
      // A URL carries a few thousand characters at most (past ~16 KB the server answers 431).
      const v = edge({ ...p.schema, maxLength: Math.min(p.schema.maxLength ?? 2000, 2000) }, end);
      if (v === undefined || (typeof v === 'object' && !Array.isArray(v))) continue;
      const q = new URLSearchParams();
      for (const one of Array.isArray(v) ? v : [v]) q.append(p.name, String(one));
      out.push(`?${q}`);
    }
  }
  return out;
}

describe('edge values on every route', () => {
  it('no route answers 500 to values its schema lets through', { timeout: 600_000 }, async () => {
    const failures: string[] = [];
    let calls = 0;
    for (const op of await operations()) {
      const schema = op.requestBody?.content?.['application/json']?.schema;
      const bodies = schema ? [edge(schema, 'max'), edge(schema, 'min')] : [undefined];
      for (const path of paths(op)) {
        for (const query of queries(op)) {
          for (const body of query ? [bodies[bodies.length - 1]] : bodies) {
            const res = await t.request(op.method, path + query, {
              token: admin,
              ...(body === undefined ? {} : { body }),
            });
            calls++;
            // The database's own refusals (22xxx) mean the schema let through what it cannot hold:
            // a 400 then, but one that names no field.
            const unnamed = /^a value (has the wrong format|is out of range)$/.test(
              res.body?.error?.message ?? '',
            );
            if (res.status >= 500 || unnamed) {
              const sent = body === undefined ? '' : ` ${JSON.stringify(body).slice(0, 300)}`;
              failures.push(
                `${op.method} ${path}${query.slice(0, 200)}${sent} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
              );
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // The sweep reached the routes: hundreds of operations, several calls each.
    expect(calls).toBeGreaterThan(700);
  });
});
