// An absence rule's wait survives a restart: a server that stops before the wait is due leaves it
// in the database, and the next server to start fires it on time, with no further event.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/server/config.js';
import { startServer, type RunningServer } from '../src/server/start.js';
import { createTestDatabase } from './helpers/db.js';

let dir: string;
let databaseUrl: string | undefined;
let dropDb: (() => Promise<void>) | undefined;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steward-restart-'));
  if (process.env.TEST_DATABASE_URL) {
    const handle = await createTestDatabase();
    databaseUrl = handle.url;
    // The servers open their own pools; this one only owns the database.
    dropDb = handle.close;
  }
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropDb?.().catch(() => {});
});

const ADMIN = { email: 'admin@restart.example', password: 'restart-admin-password' };
const start = () =>
  startServer(
    loadConfig(
      {
        STEWARD_DATA_DIR: join(dir, 'data'),
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        STEWARD_ADMIN_EMAIL: ADMIN.email,
        STEWARD_ADMIN_PASSWORD: ADMIN.password,
      },
      { port: 0, host: '127.0.0.1', webDir: undefined },
    ),
    { logger: false },
  );

async function call<T = any>(
  server: RunningServer,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as T };
}

describe('absence rule timers', () => {
  it('fire after a restart, on time, without another event', async () => {
    let server = await start();
    const login = await call(server, 'POST', '/auth/login', ADMIN);
    const token: string = login.body.token;
    const source = await call(server, 'POST', '/event-sources', { key: 'wms', name: 'Warehouse' }, token);
    expect(source.status).toBe(201);
    const rule = await call(
      server,
      'POST',
      '/rules',
      {
        kind: 'absence',
        name: 'No scan within 2 seconds',
        after: { type: 'shipment.dispatched' },
        expect: { type: 'shipment.scanned' },
        sameRef: 'shipmentId',
        within: 'PT2S',
      },
      token,
    );
    expect(rule.status).toBe(201);
    const sent = await call(
      server,
      'POST',
      '/events',
      {
        id: 'd-1',
        type: 'shipment.dispatched',
        occurredAt: new Date().toISOString(),
        customer: { email: 'nora@example.com' },
        refs: { shipmentId: 'SH-1' },
      },
      source.body.token,
    );
    expect(sent.body.accepted).toBe(1);
    const dueAt = Date.now() + 2000;
    await server.stop();

    // Down while the wait falls due.
    await new Promise((r) => setTimeout(r, Math.max(0, dueAt - Date.now()) + 500));
    server = await start();
    try {
      const login2 = await call(server, 'POST', '/auth/login', ADMIN);
      let signals: any[] = [];
      for (let i = 0; i < 50 && signals.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        signals = (await call(server, 'GET', `/signals?ruleId=${rule.body.id}`, undefined, login2.body.token))
          .body.items;
      }
      expect(signals).toHaveLength(1);
      expect(signals[0]).toMatchObject({ state: 'open', refKey: 'shipmentId', refValue: 'SH-1' });
      // Fired by the restarted server's timer job once it was up, not before the due time.
      expect(Date.parse(signals[0].detectedAt)).toBeGreaterThanOrEqual(dueAt - 50);
    } finally {
      await server.stop();
    }
  });
});
