// A real server on a loopback port with a fresh database, and a small client for it.
import { buildApp } from '../../src/server/app.js';
import { loadConfig, type Config } from '../../src/server/config.js';
import { sseParser, type SseEvent } from '../../src/shared/sse.js';
import { createTestDatabase } from './db.js';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function startTestApp(overrides: Partial<Config> = {}) {
  const handle = await createTestDatabase();
  // Webhooks may go to this machine: the tests' receivers listen on 127.0.0.1.
  const config = loadConfig(
    {},
    { port: 0, host: '127.0.0.1', publicUrl: '', webhookLocalNetwork: true, ...overrides },
  );
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
    openStream: (path: string, token?: string) => openStream(url, path, token),
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

/**
 * Opens a server-sent event stream of the server at `base`: its status, and (when 200) the events as they come. `next`
 * waits for the next event matching `pick` (after those already taken), or fails after `ms`.
 */
export async function openStream(base: string, path: string, token?: string) {
  const abort = new AbortController();
  const res = await fetch(base + path, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: abort.signal,
  });
  const events: SseEvent[] = [];
  let taken = 0;
  let ended = false;
  let wake = () => {};
  if (!(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    const body = await res.json().catch(() => null);
    return {
      status: res.status,
      body,
      events,
      next: () => Promise.reject(new Error('no stream')),
      close() {},
      ended: () => true,
    };
  }
  const push = sseParser((e) => {
    events.push(e);
    wake();
  });
  void (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        push(value);
      }
    } catch {
      // aborted
    }
    ended = true;
    wake();
  })();
  return {
    status: res.status,
    body: null,
    events,
    ended: () => ended,
    async next(pick: (e: SseEvent) => boolean = () => true, ms = 10_000): Promise<SseEvent> {
      const until = Date.now() + ms;
      for (;;) {
        while (taken < events.length) {
          const e = events[taken++]!;
          if (pick(e)) return e;
        }
        if (ended) {
          // Say why, when the server said: `behind`, `signed_out`, `rights_changed`, ….
          const end = events.findLast((e) => e.event === 'end');
          throw new Error(`the stream ended${end ? ` (${end.data})` : ''}`);
        }
        const left = until - Date.now();
        if (left <= 0) throw new Error(`no matching event within ${ms} ms`);
        await new Promise<void>((r) => {
          const timer = setTimeout(r, left);
          wake = () => {
            clearTimeout(timer);
            r();
          };
        });
      }
    },
    close: () => abort.abort(),
  };
}

export type EventStream = Awaited<ReturnType<typeof openStream>>;

/** An OpenAPI operation that answers with a server-sent event stream (which does not end by itself). */
export const isStream = (operation: unknown) =>
  !!(operation as { responses?: Record<string, { content?: Record<string, unknown> }> }).responses?.['200']
    ?.content?.['text/event-stream'];

/** One operation of the served OpenAPI document: its method, path template and description. */
export interface ApiOperation<Op = Record<string, unknown>> {
  method: string;
  template: string;
  op: Op;
  /** It answers with a server-sent event stream. */
  stream: boolean;
}

/**
 * Every operation under /api/v1/ that the running app documents at /api/docs/json, in the
 * document's order: the sweeps over all routes (boundaries, malformed input, edge values) walk it.
 */
export async function apiOperations<Op = Record<string, unknown>>(t: TestApp): Promise<ApiOperation<Op>[]> {
  const doc = (await t.get('/api/docs/json')).body as { paths: Record<string, Record<string, Op>> };
  return Object.entries(doc.paths)
    .filter(([template]) => template.startsWith('/api/v1/'))
    .flatMap(([template, byVerb]) =>
      Object.entries(byVerb).map(([verb, op]) => ({
        method: verb.toUpperCase(),
        template,
        op,
        stream: isStream(op),
      })),
    );
}
