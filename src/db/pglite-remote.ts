// The embedded PGlite database on a worker thread, behind the part of PGlite's interface that
// drizzle's PGlite driver uses (`query`, `transaction`).
//
// Why: PGlite is PostgreSQL compiled to WebAssembly, and it runs on the thread that calls it.
// In the server's own thread, every statement (the WebAssembly, PGlite's wire protocol in
// JavaScript, its file system calls: three quarters of the server's CPU under an event load)
// stops HTTP, validation and the rules until it returns, and a machine's second core stays idle.
// On its own thread, the database works while the server parses and answers the next requests.
//
// The worker runs one statement at a time, in the order they arrive (PGlite is one
// connection). A transaction here holds the connection from BEGIN to COMMIT: statements outside
// it wait until it ends, as they do in PGlite itself, so no statement of one caller runs inside
// another's transaction.
import type { Worker } from 'node:worker_threads';
import { moduleWorker } from './module-worker.js';

export interface ThreadStart {
  dataDir?: string;
  loadDataDir?: ArrayBuffer;
  /** Time each statement in the database thread (for `bench/ --profile`). */
  statementStats?: boolean;
}

/** Calls of one statement text and the milliseconds the database thread spent on them. */
export interface StatementStat {
  sql: string;
  calls: number;
  ms: number;
}

export type ThreadRequest =
  | {
      id: number;
      op: 'query';
      sql: string;
      params: unknown[];
      rowMode: 'array' | 'object';
      /** Types whose values stay text (the caller's parsers, which must not convert: see textTypes). */
      textTypes: number[];
      /** BEGIN first: a transaction's first statement carries it (one round trip fewer). */
      begin?: true;
    }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'stats' }
  | { id: number; op: 'close' };

export interface ThreadResult {
  rows: unknown[];
  fields: { name: string; dataTypeID: number }[];
  affectedRows?: number;
}

export type ThreadReply =
  | { id: number; ok: true; result?: ThreadResult; stats?: StatementStat[] }
  | { id: number; ok: false; error: { message: string; props: Record<string, unknown> } };

/** A request before it gets its id (`Omit` applied to each kind of request). */
type Request = ThreadRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/**
 * What crosses to the worker of PGlite's query options: the row mode, and which types the
 * caller's `parsers` keep as text. Parsers are functions, which do not cross; drizzle's driver
 * asks on every query for dates, times and intervals (and their arrays) as text, as node-postgres
 * returns them, and that is what the worker does for the types named. A parser that converts
 * cannot be honoured there, and is refused rather than ignored.
 */
interface QueryOptions {
  rowMode?: 'array' | 'object';
  parsers?: Record<number, (value: string, typeId: number) => unknown>;
}

const PROBE = '2026-12-01 09:30:00.123+00';

/** The types the parsers keep as text; throws for a parser that changes its value. */
export function textTypes(parsers: QueryOptions['parsers']): number[] {
  if (!parsers) return [];
  return Object.entries(parsers).map(([oid, parse]) => {
    if (parse(PROBE, Number(oid)) !== PROBE) {
      throw new Error(
        `PGlite on its thread cannot run a parser that converts values (type ${oid}): only parsers that keep the text cross to the worker`,
      );
    }
    return Number(oid);
  });
}

/** A transaction's view of the connection, as drizzle's PGlite driver calls it. */
export interface RemoteTransaction {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<ThreadResult & { rows: T[] }>;
}

/** The worker: the compiled `.js` beside this module, or the `.ts` source in development and tests. */
function startWorker(start: ThreadStart, transfer: ArrayBuffer[]): Worker {
  const here = import.meta.url;
  const entry = new URL(here.endsWith('.js') ? './pglite-thread.js' : './pglite-thread.ts', here);
  return moduleWorker(entry, { workerData: start, transferList: transfer });
}

export class RemotePGlite {
  readonly #worker: Worker;
  #next = 1;
  readonly #pending = new Map<
    number,
    { resolve: (r: ThreadReply & { ok: true }) => void; reject: (e: Error) => void }
  >();
  /** The transaction holding the connection (and those waiting for it). */
  #held: Promise<void> = Promise.resolve();
  #closed = false;
  #closing = false;
  #lost!: (err: Error) => void;
  /**
   * Settles when the database thread stops unless close() stopped it (a crash of PGlite, the
   * thread running out of memory): every statement fails from then on, so the server should go.
   */
  readonly lost: Promise<Error> = new Promise((resolve) => (this.#lost = resolve));

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (reply: ThreadReply) => {
      const waiter = this.#pending.get(reply.id);
      if (!waiter) return;
      this.#pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply);
      else waiter.reject(Object.assign(new Error(reply.error.message), reply.error.props));
    });
    const fail = (err: Error) => {
      this.#closed = true;
      for (const waiter of this.#pending.values()) waiter.reject(err);
      this.#pending.clear();
      if (!this.#closing) this.#lost(err);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the database thread stopped (exit code ${code})`)));
  }

  /** Starts the worker and opens the database in it (a data folder, a dump to load, or memory). */
  static async create(options: {
    dataDir?: string;
    loadDataDir?: Blob;
    statementStats?: boolean;
  }): Promise<RemotePGlite> {
    const start: ThreadStart = { dataDir: options.dataDir, statementStats: options.statementStats };
    if (options.loadDataDir) start.loadDataDir = await options.loadDataDir.arrayBuffer();
    const worker = startWorker(start, start.loadDataDir ? [start.loadDataDir] : []);
    const remote = new RemotePGlite(worker);
    try {
      await new Promise<void>((resolve, reject) =>
        remote.#pending.set(0, { resolve: () => resolve(), reject }),
      );
    } catch (err) {
      await worker.terminate();
      throw err;
    }
    return remote;
  }

  #send(request: Request): Promise<ThreadReply & { ok: true }> {
    if (this.#closed) return Promise.reject(new Error('the database is closed'));
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id });
    });
  }

  async #query<T>(sql: string, params: unknown[] = [], options?: QueryOptions, begin?: true) {
    const reply = await this.#send({
      op: 'query',
      sql,
      params,
      rowMode: options?.rowMode ?? 'object',
      textTypes: textTypes(options?.parsers),
      ...(begin ? { begin } : {}),
    });
    return reply.result as ThreadResult & { rows: T[] };
  }

  /** Waits for the connection: until the transaction holding it (and those before) end. */
  async #hold(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const before = this.#held;
    this.#held = before.then(() => mine);
    await before;
    return release;
  }

  /** A statement outside any transaction: runs when no transaction holds the connection. */
  async query<T>(sql: string, params?: unknown[], options?: QueryOptions) {
    const release = await this.#hold();
    try {
      return await this.#query<T>(sql, params, options);
    } finally {
      release();
    }
  }

  /**
   * BEGIN, `fn`, COMMIT; ROLLBACK if `fn` throws. The connection is this transaction's meanwhile.
   * BEGIN travels with the first statement: each round trip to the database thread leaves it idle
   * until the next statement arrives, and a transaction with no statement sends nothing.
   */
  async transaction<T>(fn: (tx: RemoteTransaction) => Promise<T>): Promise<T> {
    const release = await this.#hold();
    try {
      let begun = false;
      const tx: RemoteTransaction = {
        query: (sql, params, options) => {
          if (begun) return this.#query(sql, params, options);
          begun = true;
          return this.#query(sql, params, options, true);
        },
      };
      let result: T;
      try {
        result = await fn(tx);
      } catch (err) {
        if (begun) await this.#send({ op: 'exec', sql: 'rollback' }).catch(() => {});
        throw err;
      }
      if (begun) await this.#send({ op: 'exec', sql: 'commit' });
      return result;
    } finally {
      release();
    }
  }

  /** The statements timed since the last call (with `statementStats` on; else none), most costly first. */
  async statementStats(): Promise<StatementStat[]> {
    const reply = await this.#send({ op: 'stats' });
    return (reply.stats ?? []).sort((a, b) => b.ms - a.ms);
  }

  /**
   * Stops the database thread at once, without closing the database, as a crash would (what
   * callers then see is tested with it). The data folder recovers from its log when next opened.
   */
  async kill(): Promise<void> {
    await this.#worker.terminate();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closing = true;
    const release = await this.#hold();
    try {
      await this.#send({ op: 'close' });
    } finally {
      this.#closed = true;
      release();
      await this.#worker.terminate();
    }
  }
}
