// PGlite on its worker thread (pglite-remote.ts), as the server runs the embedded database:
// the same answers as PGlite in the caller's thread (text timestamps, parsed JSON, errors with
// their SQL state), transactions kept whole against statements from outside them, data kept in
// its folder across restarts, and clear errors when it cannot start or is closed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { translateDbError } from '../server/lib/db-errors.js';
import { AppError } from '../server/lib/errors.js';
import { usingPostgres } from '../../test/helpers/db.js';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { exitWhenDatabaseLost } from '../server/start.js';
import { openDatabase, pingDatabase, rows, type Database, type DatabaseHandle } from './client.js';
import { RemotePGlite, textTypes } from './pglite-remote.js';
import { segments } from '../server/domains/segments/segments.table.js';

const dir = mkdtempSync(join(tmpdir(), 'steward-thread-'));
let handle: DatabaseHandle;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

// PGlite only: a run on PostgreSQL (TEST_DATABASE_URL) has no migrated PGlite snapshot to load.
describe.skipIf(usingPostgres())('PGlite on a worker thread', () => {
  beforeAll(async () => {
    const snapshot = new Blob([readFileSync(inject('pgliteSnapshot'))]);
    handle = await openDatabase({ kind: 'pglite', loadDataDir: snapshot, thread: true });
  });
  afterAll(() => handle?.close());

  it('answers as drizzle expects: objects or arrays, timestamps as text, JSON parsed', async () => {
    const [row] = await rows<{ at: string; doc: { a: number[] }; n: number; missing: null; list: string[] }>(
      handle.db,
      sql`select '2026-11-30 10:00:00+00'::timestamptz as at, ${JSON.stringify({ a: [1, 2] })}::jsonb as doc,
        ${41}::int + 1 as n, null as missing, ${sql.param(['x', 'y"z'])}::text[] as list`,
    );
    expect(row).toEqual({
      at: '2026-11-30 10:00:00+00',
      doc: { a: [1, 2] },
      n: 42,
      missing: null,
      list: ['x', 'y"z'],
    });
    expect(handle.pglite).toBeUndefined();

    // The query builder (array rows mapped to the schema's fields).
    await handle.db.insert(segments).values({ key: 'thread-seg', name: 'Thread segment' });
    const [seg] = await handle.db
      .select({ key: segments.key, name: segments.name, createdAt: segments.createdAt })
      .from(segments)
      .where(sql`${segments.key} = 'thread-seg'`);
    expect(seg?.key).toBe('thread-seg');
    expect(seg?.name).toBe('Thread segment');
    expect(seg?.createdAt).toBeInstanceOf(Date);
  });

  it('keeps a transaction whole: a statement from outside waits until it commits', async () => {
    const { db } = handle;
    await db.execute(sql`create table thread_t (n int primary key)`);
    const seen: string[] = [];
    const tx = db.transaction(async (t) => {
      await t.execute(sql`insert into thread_t values (1)`);
      await pause(80); // the server's JavaScript between two statements of one transaction
      await t.execute(sql`insert into thread_t values (2)`);
      seen.push('committed');
    });
    await pause(10);
    const outside = rows<{ n: number }>(db, sql`select count(*)::int as n from thread_t`).then((r) => {
      seen.push(`outside saw ${r[0]?.n}`);
    });
    await Promise.all([tx, outside]);
    expect(seen).toEqual(['committed', 'outside saw 2']);
  });

  it('rolls a transaction back when its work throws, and nests savepoints', async () => {
    const { db } = handle;
    await db.execute(sql`create table thread_r (n int primary key)`);
    await expect(
      db.transaction(async (t) => {
        await t.execute(sql`insert into thread_r values (1)`);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await db.transaction(async (t) => {
      await t.execute(sql`insert into thread_r values (10)`);
      await t
        .transaction(async (inner) => {
          await inner.execute(sql`insert into thread_r values (11)`);
          throw new Error('inner only');
        })
        .catch(() => {});
    });
    const left = await rows<{ n: number }>(db, sql`select n from thread_r order by n`);
    expect(left.map((r) => r.n)).toEqual([10]);
  });

  it('sends BEGIN with the first statement: statements sent at once, a failing first one, none at all', async () => {
    const { db } = handle;
    await db.execute(sql`create table thread_b (n int primary key)`);
    // Two first statements in flight together: both inside the transaction, both rolled back.
    await expect(
      db.transaction(async (t) => {
        await Promise.all([
          t.execute(sql`insert into thread_b values (1)`),
          t.execute(sql`insert into thread_b values (2)`),
        ]);
        throw new Error('undo both');
      }),
    ).rejects.toThrow('undo both');
    // The first statement fails: the transaction is rolled back and the connection usable.
    await expect(
      db.transaction(async (t) => t.execute(sql`insert into thread_b values ('x')`)),
    ).rejects.toThrow();
    // No statement: nothing is sent, the result comes back.
    expect(await db.transaction(async () => 'nothing to do')).toBe('nothing to do');
    await db.transaction(async (t) => {
      await t.execute(sql`insert into thread_b values (3)`);
      await t.execute(sql`insert into thread_b values (4)`);
    });
    const left = await rows<{ n: number }>(db, sql`select n from thread_b order by n`);
    expect(left.map((r) => r.n)).toEqual([3, 4]);
    // No transaction was left open by any of them: each statement now is a transaction of its
    // own, so two statements apart in time see two different now() (inside a BEGIN left behind,
    // both would see that BEGIN's). No bound on the time: a slow machine cannot fail it.
    const nowMs = async () =>
      Number(
        (await rows<{ ms: string }>(db, sql`select (extract(epoch from now()) * 1000)::text as ms`))[0]!.ms,
      );
    const first = await nowMs();
    await pause(20);
    expect(await nowMs()).toBeGreaterThan(first);
  });

  it('reports SQL errors with their state and constraint, so they become clear 4xx answers', async () => {
    const { db } = handle;
    let caught: unknown;
    try {
      await db.insert(segments).values({ key: 'thread-seg', name: 'Twice' });
    } catch (err) {
      caught = err;
    }
    const cause = (caught as { cause?: { code?: string; constraint?: string } }).cause;
    expect(cause?.code).toBe('23505');
    expect(cause?.constraint).toMatch(/segments/);
    const translated = translateDbError(caught);
    expect(translated).toBeInstanceOf(AppError);
    expect((translated as AppError).statusCode).toBe(409);
    // A failed statement inside a transaction rolls the whole transaction back.
    await expect(
      db.transaction(async (t) => {
        await t.insert(segments).values({ key: 'thread-other', name: 'Other' });
        await t.execute(sql`select 1 / 0`);
      }),
    ).rejects.toThrow();
    const other = await rows(db, sql`select 1 from segments where key = 'thread-other'`);
    expect(other).toHaveLength(0);
  });

  it('keeps its data in the folder across a restart, and holds the folder while open', async () => {
    const first = await openDatabase({ kind: 'pglite', dataDir: dir, thread: true });
    await first.db.execute(sql`create table kept (v text)`);
    await first.db.execute(sql`insert into kept values ('still here')`);
    await expect(openDatabase({ kind: 'pglite', dataDir: dir, thread: true })).rejects.toThrow(
      /in use by process/,
    );
    await first.close();
    const again = await openDatabase({ kind: 'pglite', dataDir: dir, thread: true });
    expect(await rows(again.db, sql`select v from kept`)).toEqual([{ v: 'still here' }]);
    await again.close();
    const afterClose = await rows(again.db, sql`select 1`).catch((err: Error) => err);
    expect((afterClose as Error & { cause?: Error }).cause?.message).toBe('the database is closed');
  });

  it('fails to start with the database error when the folder is not a database it can open', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'steward-thread-bad-'));
    writeFileSync(join(bad, 'PG_VERSION'), '9\n');
    try {
      await expect(RemotePGlite.create({ dataDir: bad })).rejects.toThrow();
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('times each statement in the database thread when asked to (bench --profile)', async () => {
    const timed = await RemotePGlite.create({ statementStats: true });
    try {
      await timed.query('select 1 as one');
      await timed.query('select 1 as one');
      await timed.transaction((tx) => tx.query('select 2 as two'));
      const stats = await timed.statementStats();
      expect(stats.find((s) => s.sql === 'select 1 as one')?.calls).toBe(2);
      expect(stats.find((s) => s.sql === 'select 2 as two')?.calls).toBe(1);
      expect(stats.every((s) => s.ms >= 0)).toBe(true);
      expect(await timed.statementStats()).toEqual([]); // counted afresh after each call
    } finally {
      await timed.close();
    }
  });
  it('a thread that stops by itself fails what is in flight and all after, says why, and the server exits', async () => {
    const remote = await RemotePGlite.create({});
    const db = drizzlePglite({ client: remote as unknown as PGlite }) as unknown as Database;
    expect(await pingDatabase(db)).toBe(true);
    const exits: number[] = [];
    const logged: string[] = [];
    const log = { fatal: (_: unknown, msg: string) => void logged.push(msg) };
    exitWhenDatabaseLost(
      { handle: { lost: remote.lost } as DatabaseHandle },
      log as unknown as Parameters<typeof exitWhenDatabaseLost>[1],
      (code) => void exits.push(code),
    );

    const inFlight = remote.query('select pg_sleep(5)');
    await pause(200);
    await remote.kill(); // as a crash of PGlite would stop it
    await expect(inFlight).rejects.toThrow(/the database thread stopped/);
    await expect(remote.query('select 1')).rejects.toThrow('the database is closed');
    expect(await pingDatabase(db)).toBe(false); // /readyz: 503
    expect((await remote.lost).message).toMatch(/the database thread stopped/);
    await pause(0);
    expect(exits).toEqual([1]);
    expect(logged).toEqual(['the embedded database stopped; exiting so that Steward can be started again']);
    await remote.close(); // nothing left to close: returns
  });

  it('keeps as text exactly the types the caller’s parsers name, as PGlite would; refuses converting parsers', async () => {
    const remote = await RemotePGlite.create({});
    try {
      const q = 'select $1::timestamptz as at, $2::date as day';
      const params = ['2026-11-30 10:00:00+00', '2026-11-30'];
      const keep = (v: string) => v;
      // No parsers: PGlite's own (a Date for each).
      const plain = await remote.query<{ at: unknown; day: unknown }>(q, params);
      expect(plain.rows[0]!.at).toBeInstanceOf(Date);
      expect(plain.rows[0]!.day).toBeInstanceOf(Date);
      // The timestamp kept as text, the date not: only what was asked for.
      const some = await remote.query<{ at: unknown; day: unknown }>(q, params, { parsers: { 1184: keep } });
      expect(some.rows[0]!.at).toBe('2026-11-30 10:00:00+00');
      expect(some.rows[0]!.day).toBeInstanceOf(Date);
      // A parser that converts cannot run on the other thread: refused, never silently ignored.
      await expect(
        remote.query(q, params, { parsers: { 1184: (v: string) => new Date(v) } }),
      ).rejects.toThrow('cannot run a parser that converts values (type 1184)');
      expect(textTypes(undefined)).toEqual([]);
      expect(textTypes({ 1184: keep, 1082: keep })).toEqual([1082, 1184]);
    } finally {
      await remote.close();
    }
  });

  it('a thread stopped by close() is not lost', async () => {
    const remote = await RemotePGlite.create({});
    await remote.close();
    const settled = await Promise.race([remote.lost.then(() => 'lost'), pause(300).then(() => 'not lost')]);
    expect(settled).toBe('not lost');
  });
});
