// The HTTP surface as a whole: health, OpenAPI, and the error contract for malformed requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { TEST_PASSWORD, makeUser } from '../../../../test/helpers/factories.js';
import { buildApp, redactUrlTokens, trustProxyOf } from '../../app.js';
import { loadConfig } from '../../config.js';

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await startTestApp();
  token = (await makeUser(t.db, 'admin')).token;
});
afterAll(() => t?.close());

describe('health', () => {
  it('healthz and readyz answer without a token', async () => {
    expect((await t.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await t.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', database: t.handle.kind });
  });
});

describe('OpenAPI', () => {
  it('documents every API route with its schemas', async () => {
    const res = await t.get('/api/docs/json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const paths = Object.keys(res.body.paths);
    for (const p of [
      '/api/v1/auth/login',
      '/api/v1/customers',
      '/api/v1/customers/{id}',
      '/api/v1/organizations',
      '/api/v1/segments',
      '/api/v1/users',
      '/api/v1/imports/customers',
      '/api/v1/rules',
      '/api/v1/rules/dry-run',
      '/api/v1/rules/{id}',
      '/api/v1/rules/{id}/versions',
      '/api/v1/rules/{id}/dry-run',
      '/api/v1/signals',
      '/api/v1/signals/{id}',
      '/api/v1/signals/{id}/dismiss',
      '/api/v1/signals/{id}/resolve',
      '/api/v1/board',
      '/api/v1/kpis/proactive',
      '/api/v1/kpis/proactive/trend',
      '/api/v1/kpis/proactive/rules',
      '/api/v1/commitments',
      '/api/v1/commitments/rates',
      '/api/v1/commitments/{id}',
      '/api/v1/audit-log',
      '/api/v1/event-sources',
      '/api/v1/event-sources/{key}/activity',
      '/api/v1/auth/tokens',
      '/api/v1/settings',
    ]) {
      expect(paths).toContain(p);
    }
    const create = res.body.paths['/api/v1/customers'].post;
    expect(Object.keys(create.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '409', '422']),
    );
    expect(JSON.stringify(create.requestBody)).toContain('organizationId');
    const rule = res.body.paths['/api/v1/rules'].post;
    expect(Object.keys(rule.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '422']));
    expect(Object.keys(res.body.paths['/api/v1/rules/{id}'].put.responses)).toEqual(
      expect.arrayContaining(['200', '404', '422']),
    );
    expect(Object.keys(res.body.paths['/api/v1/signals/{id}/dismiss'].post.responses)).toEqual(
      expect.arrayContaining(['200', '404', '409']),
    );
    expect(JSON.stringify(rule.requestBody)).toContain('sameRef');
    const caseDoc = JSON.stringify(res.body.paths['/api/v1/cases/{id}'].get.responses['200']);
    expect(caseDoc).toContain('remainingMinutes');
    // The event answer's warnings, the sources' activity and the audit log's filters are documented.
    expect(JSON.stringify(res.body.paths['/api/v1/events'].post.responses['200'])).toContain('warnings');
    expect(JSON.stringify(res.body.paths['/api/v1/event-sources'].get.responses['200'])).toContain(
      'eventsLast24h',
    );
    expect(JSON.stringify(res.body.paths['/api/v1/audit-log'].get.parameters)).toContain('entityType');
    // A token's access, and a case read by its number.
    expect(JSON.stringify(res.body.paths['/api/v1/auth/tokens'].post.requestBody)).toContain('"read"');
    expect(JSON.stringify(res.body.paths['/api/v1/cases/{id}'].get.parameters)).toContain('case number');
    // Event retention, silence alerts and the board's silent sources.
    expect(JSON.stringify(res.body.paths['/api/v1/settings'].patch.requestBody)).toContain(
      'eventRetentionDays',
    );
    expect(JSON.stringify(res.body.paths['/api/v1/settings'].patch.requestBody)).toContain(
      'domainEventRetentionDays',
    );
    expect(JSON.stringify(res.body.paths['/api/v1/event-sources'].post.requestBody)).toContain(
      'silenceAlertMinutes',
    );
    expect(JSON.stringify(res.body.paths['/api/v1/board'].get.responses['200'])).toContain('silentSources');
    // Customer mails held while a feed is silent: the sources' types, the actions' hold, the board's count.
    expect(JSON.stringify(res.body.paths['/api/v1/event-sources/{key}'].get.responses['200'])).toContain(
      'eventTypes',
    );
    expect(JSON.stringify(res.body.paths['/api/v1/signals/{id}'].get.responses['200'])).toContain(
      'heldReason',
    );
    expect(JSON.stringify(res.body.paths['/api/v1/board'].get.responses['200'])).toContain(
      'heldCustomerMails',
    );
    expect(
      JSON.stringify(res.body.paths['/api/v1/signals/{id}/actions/{actionId}/send-now'].post.responses),
    ).toContain('holdReleasedAt');
  });

  it('serves a browsable page at /api/docs', async () => {
    const res = await fetch(`${t.url}/api/docs`, { redirect: 'follow' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger');
  });
});

describe('security headers', () => {
  it('every answer: no sniffing, no referrer off our origin, no framing by other sites', async () => {
    for (const path of ['/api/docs', '/healthz', '/api/v1/no-such-route']) {
      const res = await fetch(`${t.url}${path}`, { redirect: 'follow' });
      expect([path, res.headers.get('x-content-type-options')]).toEqual([path, 'nosniff']);
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('content-security-policy')).toBe("frame-ancestors 'self'");
    }
  });

  it('the web form may be framed by any site (embed.js), and only it', async () => {
    const form = await fetch(`${t.url}/form?team=x`);
    expect(form.headers.get('x-frame-options')).toBeNull();
    expect(form.headers.get('content-security-policy')).toBeNull();
    expect(form.headers.get('x-content-type-options')).toBe('nosniff');
    const other = await fetch(`${t.url}/formx`);
    expect(other.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});

describe('error contract', () => {
  it('unknown API route: 404 with code', async () => {
    const res = await t.get('/api/v1/nope', token);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('invalid JSON: 400 invalid_json', async () => {
    const res = await t.request('POST', '/api/v1/customers', { token, raw: '{"name": ' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
  });

  it('unsupported content type: 415', async () => {
    const res = await t.request('POST', '/api/v1/customers', {
      token,
      raw: 'name=x',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('oversize body: 413', async () => {
    const res = await t.post('/api/v1/customers', { name: 'x'.repeat(2 * 1024 * 1024) }, token);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('malformed path id and query: 400 naming the field', async () => {
    const id = await t.get('/api/v1/customers/not-a-uuid', token);
    expect(id.status).toBe(400);
    expect(id.body.error.message).toMatch(/^params\.id/);
    const limit = await t.get('/api/v1/customers?limit=100000', token);
    expect(limit.status).toBe(400);
    expect(limit.body.error.message).toMatch(/^query\.limit/);
    const unknown = await t.get('/api/v1/customers?colour=red', token);
    expect(unknown.status).toBe(400);
    // Also on a route that takes no parameters at all.
    const none = await t.get('/api/v1/settings?colour=red', token);
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/^query/);
    expect((await t.get('/api/v1/settings', token)).status).toBe(200);
    const cursor = await t.get('/api/v1/customers?cursor=garbage', token);
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.code).toBe('invalid_cursor');
    // A cursor made by hand with a time the database cannot read: 400, not 500.
    const forged = (value: string) =>
      Buffer.from(JSON.stringify([value, '00000000-0000-0000-0000-000000000000'])).toString('base64url');
    for (const value of ['2026-12-04 12:00:00+16', '2026-12-04 12:00 Mars/Olympus', '-9223372036854775809']) {
      const res = await t.get(`/api/v1/cases?cursor=${forged(value)}`, token);
      expect(res.status, value).toBe(400);
      expect(res.body.error.code, value).toBe('validation_error');
    }
  });

  it('no body at all where an object belongs: read as {}, so the answer names the fields it needs', async () => {
    const res = await t.request('POST', '/api/v1/customers', { token });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_error', message: 'body.name: is required' });
    // The events' body (one event or a batch) is no object of known fields: it still needs one.
    const events = await t.request('POST', '/api/v1/events?source=none', { token });
    expect(events.status).toBe(400);
    expect(events.body.error.message).toBe('body: must be an object');
  });

  it('the OpenAPI document marks a body that may be left out (all its fields optional) as not required', async () => {
    const paths = (await t.get('/api/docs/json')).body.paths;
    const required = (path: string, method = 'post') => paths[path][method].requestBody.required;
    expect(required('/api/v1/signals/{id}/resolve')).toBe(false);
    expect(required('/api/v1/signals/{id}/case')).toBe(false);
    expect(required('/api/v1/signals/{id}/dismiss')).toBe(true);
    expect(required('/api/v1/customers')).toBe(true);
    expect(required('/api/v1/events')).toBe(true);
  });

  it('a JSON array or a string where an object belongs: 400, not 500', async () => {
    for (const raw of ['[]', '"x"', '42', 'null']) {
      const res = await t.request('POST', '/api/v1/customers', { token, raw });
      expect(res.status, raw).toBe(400);
      expect(res.body.error.code).toBeTypeOf('string');
    }
  });
});

describe('text PostgreSQL cannot store', () => {
  it('a NUL or an unpaired surrogate anywhere in a body: 400 invalid_text naming the field, nothing written', async () => {
    const cases: [string, string, Record<string, unknown>, string][] = [
      ['POST', '/api/v1/customers', { name: 'Ann\u0000' }, 'body.name'],
      [
        'POST',
        '/api/v1/organizations',
        { name: 'Acme', domains: ['ok.example', 'a\u0000.example'] },
        'body.domains.1',
      ],
      ['POST', '/api/v1/teams', { name: 'Ops', description: 'x\ud800y' }, 'body.description'],
      [
        'POST',
        '/api/v1/customers',
        { name: 'Bo', customFields: { 'k\u0000': 'v' } },
        'body.customFields.k\u0000',
      ],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await t.request(method, path, { token, raw: JSON.stringify(body) });
      expect(res.status, field).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'invalid_text',
        message: `${field}: must not contain NUL characters or unpaired surrogates`,
      });
    }
    const customers = await t.get('/api/v1/customers?q=Ann', token);
    expect(customers.body.items.filter((c: { name: string }) => c.name.startsWith('Ann'))).toEqual([]);
  });

  it('in a query or a path: 400 invalid_text too', async () => {
    const q = await t.get('/api/v1/customers?q=a%00b', token);
    expect(q.status).toBe(400);
    expect(q.body.error).toMatchObject({
      code: 'invalid_text',
      message: expect.stringMatching(/^query\.q: /),
    });
    const key = await t.request('PATCH', '/api/v1/categories/a%00b', {
      token,
      raw: JSON.stringify({ name: 'x' }),
    });
    expect(key.status).toBe(400);
    expect(key.body.error.code).toBe('invalid_text');
  });

  it('a path segment over 600 characters, or a broken percent-encoding: our error shape', async () => {
    const long = await t.get(`/api/v1/customers/${'x'.repeat(601)}`, token);
    expect(long.status).toBe(414);
    expect(long.body).toEqual({
      error: { code: 'uri_too_long', message: 'a part of the path is too long (at most 600 characters)' },
    });
    const bad = await t.get('/api/v1/customers/%E0%A4%A', token);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_url');
  });
});

describe('the OpenAPI document and public routes', () => {
  it('a public route needs no token; the others the bearer token', async () => {
    const doc = (await t.get('/api/docs/json')).body;
    expect(doc.security).toEqual([{ bearer: [] }]);
    for (const [path, method] of [
      ['/api/v1/auth/login', 'post'],
      ['/api/v1/auth/password-reset', 'post'],
      ['/api/v1/web-form', 'post'],
      ['/api/v1/help/articles', 'get'],
    ] as const) {
      expect([path, doc.paths[path][method].security]).toEqual([path, []]);
    }
    expect(doc.paths['/api/v1/users'].get.security).toBeUndefined();
  });
});

describe('client addresses and logs', () => {
  it('STEWARD_TRUST_PROXY is a count of proxies or their addresses, never "trust the leftmost"', () => {
    expect(trustProxyOf(undefined)).toBe(false);
    expect(trustProxyOf('0')).toBe(false);
    expect(trustProxyOf('10.0.0.0/8,127.0.0.1')).toBe('10.0.0.0/8,127.0.0.1');
    expect(trustProxyOf('loopback, ::1')).toBe('loopback, ::1');
    expect(() => trustProxyOf('yes')).toThrow('STEWARD_TRUST_PROXY: "yes" is neither');
    const one = trustProxyOf('1') as (address: string, hop: number) => boolean;
    // Hop 0 is the socket (the proxy), hop 1 the address it added: the client.
    expect([one('127.0.0.1', 0), one('198.51.100.7', 1), one('6.6.6.6', 2)]).toEqual([true, false, false]);
  });

  it('behind one proxy, an address the client wrote into X-Forwarded-For is not taken for theirs', async () => {
    const previous = process.env.STEWARD_TRUST_PROXY;
    process.env.STEWARD_TRUST_PROXY = '1';
    const proxied = await startTestApp();
    try {
      const { user } = await makeUser(proxied.db, 'agent');
      // The client claims 6.6.6.6; the proxy appended the address it saw.
      const login = await proxied.request('POST', '/api/v1/auth/login', {
        body: { email: user.email, password: TEST_PASSWORD },
        headers: { 'x-forwarded-for': '6.6.6.6, 198.51.100.7' },
      });
      const mine = await proxied.request('GET', '/api/v1/auth/sessions', {
        token: login.body.token,
        headers: { 'x-forwarded-for': '6.6.6.6, 198.51.100.7' },
      });
      expect(mine.body.items.find((s: { current: boolean }) => s.current).ip).toBe('198.51.100.7');
    } finally {
      if (previous === undefined) delete process.env.STEWARD_TRUST_PROXY;
      else process.env.STEWARD_TRUST_PROXY = previous;
      await proxied.close();
    }
  });

  it('a token in a logged URL is not written to the log', async () => {
    expect(redactUrlTokens('/login/magic?token=ml_secret&x=1')).toBe('/login/magic?token=[redacted]&x=1');
    expect(redactUrlTokens('/a?b=1&access_token=abc')).toBe('/a?b=1&access_token=[redacted]');
    const lines: string[] = [];
    const app = await buildApp({
      db: t.db,
      databaseKind: t.handle.kind,
      config: loadConfig({}, { port: 0, host: '127.0.0.1', publicUrl: 'http://x' }),
      logger: { level: 'info', stream: { write: (line: string) => lines.push(line) } },
    });
    try {
      await app.inject({ method: 'GET', url: '/login/password?token=pw_very_secret' });
      const logged = lines.join('');
      expect(logged).toContain('/login/password?token=[redacted]');
      expect(logged).not.toContain('pw_very_secret');
    } finally {
      await app.close();
    }
  });
});
