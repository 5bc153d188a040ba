// Small helpers shared by the benchmarks: timing, percentiles, a printed table, progress lines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../src/db/client.js';
import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import { SYSTEM_ACTOR } from '../src/server/lib/actor.js';
import { issueToken } from '../src/server/domains/auth/auth.service.js';
import { createUser } from '../src/server/domains/users/users.service.js';

export const now = () => performance.now();

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export function printTable(title: string, rows: [string, string][]) {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${title}`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(24)}`);
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function progress(label: string, done: number, total: number) {
  process.stderr.write(`\r${label}: ${fmt(done)}/${fmt(total)} (${Math.floor((done / total) * 100)}%)   `);
  if (done >= total) process.stderr.write('\n');
}

/** Runs `task` `count` times with `concurrency` in flight; returns each run's milliseconds. */
export async function timed(count: number, concurrency: number, task: (i: number) => Promise<void>) {
  const samples: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = now();
        await task(i);
        samples.push(now() - t0);
      }
    }),
  );
  return samples;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/**
 * A CPU profile of this process's main thread from now until the returned function is called
 * (`node:inspector`, the same profile as `node --cpu-prof`). The stop function writes it to `file`
 * (opens in Chrome DevTools or speedscope) and prints where the time went: by package or
 * folder, then the busiest functions, by self time.
 */
export async function startCpuProfile(file: string) {
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = (await session.post('Profiler.stop')) as {
      profile: { nodes: ProfileNode[]; samples: number[]; startTime: number; endTime: number };
    };
    session.disconnect();
    await writeFile(file, JSON.stringify(profile));
    const samples = new Map<number, number>();
    for (const id of profile.samples) samples.set(id, (samples.get(id) ?? 0) + 1);
    const total = profile.samples.length || 1;
    const byArea = new Map<string, number>();
    const byFunction = new Map<string, number>();
    const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);
    for (const node of profile.nodes) {
      const n = samples.get(node.id) ?? 0;
      if (!n) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
      const area = pkg
        ? pkg
        : url.includes('/src/')
          ? `steward ${/\/src\/(?:server\/)?(?:domains\/)?([^/]+)/.exec(url)?.[1] ?? ''}`.trim()
          : url.startsWith('node:')
            ? 'node internals'
            : url
              ? url.replace(/^.*\//, '')
              : functionName.startsWith('(')
                ? functionName
                : 'native';
      add(byArea, area, n);
      const where = url ? `${url.replace(/^.*\/(node_modules|src)\//, '')}:${lineNumber + 1}` : '';
      add(byFunction, `${functionName || '(anonymous)'} ${where}`.trim(), n);
    }
    const pct = (n: number) => `${((n / total) * 100).toFixed(1).padStart(5)}%`;
    console.log(`\nCPU profile of the load (main thread, ${fmt(total)} samples), written to ${file}`);
    for (const [k, n] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 18)) console.log(`${pct(n)}  ${k}`);
    console.log('busiest functions (self time):');
    for (const [k, n] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 30))
      console.log(`${pct(n)}  ${k}`);
  };
}

/**
 * A new, empty database for one run: a PGlite in a temporary folder (on its worker thread, as the
 * server opens it), or a new database on the PostgreSQL server at `postgresUrl`. `cleanup` removes it.
 */
export async function freshDatabase(postgresUrl?: string) {
  if (!postgresUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'steward-bench-'));
    const handle = await openDatabase({ kind: 'pglite', dataDir: dir, thread: true }); // as the server opens it
    return { handle, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `steward_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 16 });
  return {
    handle,
    cleanup: async () => {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/**
 * Steward listening on a free port over `handle`, and a bench admin signed in: `call` is one API
 * request as that admin (a 4xx or 5xx throws with the answer), `base` the API's address.
 */
export async function serveAsAdmin(handle: DatabaseHandle) {
  const admin = await createUser(handle.db, SYSTEM_ACTOR, {
    email: 'bench@example.com',
    name: 'Bench',
    role: 'admin',
    password: 'bench-password',
  });
  const { token } = await issueToken(handle.db, { userId: admin.id, kind: 'session', ttlSeconds: 86_400 });
  const app = await buildApp({
    db: handle.db,
    databaseKind: handle.kind,
    config: loadConfig({}, { port: 0 }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/v1`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  return { app, admin, token, base, call };
}
