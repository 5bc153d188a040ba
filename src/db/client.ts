// Opens Steward's database: embedded PGlite in a data folder by default, or a PostgreSQL server
// when a URL is given. Both drivers share one pg-core schema, so everything above this module
// sees one `Database` type.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.js';
import { RemotePGlite, type StatementStat } from './pglite-remote.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** A database or a transaction: repositories accept either. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DatabaseHandle {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** Where the data lives, for logs (no password). */
  location: string;
  close(): Promise<void>;
  /** The raw PGlite instance (embedded mode only): used to snapshot a database for tests. */
  pglite?: PGlite;
  /** The pg pool (server mode only). */
  pool?: pg.Pool;
  /** PGlite on its thread, opened with `statementStats`: time per statement since the last call. */
  statementStats?: () => Promise<StatementStat[]>;
  /**
   * PGlite on its thread: settles if the thread stops by itself (not by close()); from then on
   * every statement fails. A server exits on it (`exitWhenDatabaseLost`) so a supervisor restarts it.
   */
  lost?: Promise<Error>;
}

export type DatabaseOptions =
  | { kind: 'postgres'; url: string; poolSize?: number }
  | {
      kind: 'pglite';
      dataDir?: string;
      loadDataDir?: Blob | File;
      /** Run PGlite on a worker thread (pglite-remote.ts), not the caller's. */
      thread?: boolean;
      /** With `thread`: time every statement in the database thread (see `statementStats`). */
      statementStats?: boolean;
    };

// PostgreSQL returns timestamptz as Date, bigint as string; keep numeric counts as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    pool.on('error', () => {
      // An idle client lost its connection; the pool replaces it. Requests see their own errors.
    });
    const db = drizzlePg({ client: pool, schema }) as unknown as Database;
    const url = new URL(options.url);
    url.password = '';
    return { db, kind: 'postgres', location: url.toString(), pool, close: () => pool.end() };
  }
  let unlock = () => {};
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    unlock = lockDataDir(options.dataDir);
  }
  let client: PGlite | RemotePGlite;
  try {
    client = options.thread
      ? await RemotePGlite.create({
          dataDir: options.dataDir,
          loadDataDir: options.loadDataDir,
          statementStats: options.statementStats,
        })
      : await PGlite.create({
          ...(options.dataDir ? { dataDir: options.dataDir } : {}),
          ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
          extensions: { pg_trgm },
        });
  } catch (err) {
    unlock();
    throw err;
  }
  // The remote answers the part of PGlite's interface the driver calls (query, transaction).
  const db = drizzlePglite({ client: client as PGlite, schema }) as unknown as Database;
  turns.set(db, { running: false, urgent: [], bulk: [] });
  return {
    db,
    kind: 'pglite',
    location: options.dataDir ?? 'memory',
    pglite: client instanceof PGlite ? client : undefined,
    statementStats: client instanceof RemotePGlite ? () => client.statementStats() : undefined,
    lost: client instanceof RemotePGlite ? client.lost : undefined,
    close: async () => {
      try {
        await client.close();
      } finally {
        unlock();
      }
    },
  };
}

// PGlite is one connection: transactions queue for it first come, first served. Bulk writers
// (an ingest batch: hundreds of ms) take turns here before they queue there, so the connection's
// queue holds at most one of them, and a short transaction that must not wait (the timer job
// firing absence rules) waits behind one batch, not behind every batch in flight. An urgent turn
// (the timer job) goes before the bulk writers waiting, and the next of them starts only when it
// has returned: a batch starting at the timer's commit would otherwise take the connection
// between the timer's transactions and the steps of its way back, and hold up its next run. On
// PostgreSQL (a pool, rows locked one by one) bulk work runs side by side and these are
// pass-throughs.
interface TurnQueue {
  running: boolean;
  urgent: (() => void)[];
  bulk: (() => void)[];
}
const turns = new WeakMap<Database, TurnQueue>();

/** Is this the embedded PGlite database (one connection, no background workers)? */
export const isEmbedded = (db: Database) => turns.has(db);

async function inTurn<T>(db: Database, urgent: boolean, work: () => Promise<T>): Promise<T> {
  const q = turns.get(db);
  if (!q) return work();
  if (q.running) await new Promise<void>((resolve) => (urgent ? q.urgent : q.bulk).push(resolve));
  else q.running = true;
  try {
    return await work();
  } finally {
    const next = q.urgent.shift() ?? q.bulk.shift();
    if (next) next();
    else q.running = false;
  }
}

/** Runs `work` when the bulk writers before it on this database are done (PGlite only). */
export const bulkTurn = <T>(db: Database, work: () => Promise<T>): Promise<T> => inTurn(db, false, work);

/**
 * Runs `work` as soon as the bulk writer running now is done, before those waiting (PGlite only).
 * Neither this nor bulkTurn may be called again inside `work`: it would wait for itself.
 */
export const urgentTurn = <T>(db: Database, work: () => Promise<T>): Promise<T> => inTurn(db, true, work);

/** Is the database answering? Used by /readyz. */
export async function pingDatabase(db: Database): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

/** Rows of a raw query, whichever driver answered. */
export async function rows<T>(db: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
