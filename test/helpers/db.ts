// A fresh, migrated database for one test file: PGlite by default, PostgreSQL when
// TEST_DATABASE_URL is set (a clone of the run's template database, dropped afterwards).
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/client.js';

let snapshot: Blob | undefined;

export const usingPostgres = () => !!process.env.TEST_DATABASE_URL;

export async function createTestDatabase(): Promise<DatabaseHandle & { url?: string }> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    // The run's process id (from its template's name), so that another run's cleanup spares it.
    const runPid = /^steward_tpl_(\d+)_/.exec(inject('pgTemplate'))?.[1] ?? '0';
    const name = `steward_t_${runPid}_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create database "${name}" template "${inject('pgTemplate')}"`);
    } finally {
      await admin.end();
    }
    const target = new URL(url);
    target.pathname = `/${name}`;
    const handle = await openDatabase({ kind: 'postgres', url: target.toString() });
    return {
      ...handle,
      url: target.toString(),
      close: async () => {
        await handle.close();
        const drop = new pg.Client({ connectionString: url });
        await drop.connect();
        await drop.query(`drop database if exists "${name}" with (force)`);
        await drop.end();
      },
    };
  }
  snapshot ??= new Blob([readFileSync(inject('pgliteSnapshot'))]);
  // TEST_PGLITE_THREAD=1: the whole suite against PGlite on its worker thread, as the server runs it.
  return openDatabase({
    kind: 'pglite',
    loadDataDir: snapshot,
    thread: process.env.TEST_PGLITE_THREAD === '1',
  });
}
