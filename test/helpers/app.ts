// A real server on a loopback port with a fresh database, and a small client for it.
import { buildApp } from '../../src/server/app.js';
import { loadConfig, type Config } from '../../src/server/config.js';
import { createTestDatabase } from './db.js';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function startTestApp(overrides: Partial<Config> = {}) {
  const handle = await createTestDatabase();
  const config = loadConfig({}, { port: 0, host: '127.0.0.1', publicUrl: '', ...overrides });
  const app = await buildApp({ db: handle.db, databaseKind: handle.kind, config });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  if (!config.publicUrl) config.publicUrl = url;

  async function request<T = any>(
    method: string,
    path: string,
    opts: {
      token?: string;
      body?: unknown;
      raw?: string;
      contentType?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.raw !== undefined) {
      body = opts.raw;
      headers['content-type'] = opts.contentType ?? 'application/json';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  return {
    url,
    app,
    db: handle.db,
    handle,
    request,
    get: <T = any>(path: string, token?: string) => request<T>('GET', path, { token }),
    post: <T = any>(path: string, body: unknown, token?: string) => request<T>('POST', path, { body, token }),
    patch: <T = any>(path: string, body: unknown, token?: string) =>
      request<T>('PATCH', path, { body, token }),
    del: <T = any>(path: string, token?: string) => request<T>('DELETE', path, { token }),
    async close() {
      await app.close();
      await handle.close();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;
