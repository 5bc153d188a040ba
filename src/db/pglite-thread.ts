// The embedded database on its own thread: a worker that owns the PGlite instance and answers
// the server's queries by message (see pglite-remote.ts for the other end and the reasons).
// One query at a time, in the order they arrive; the other end keeps transactions whole.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { StatementStat, ThreadReply, ThreadRequest, ThreadStart } from './pglite-remote.js';

const port = parentPort!;
const start = workerData as ThreadStart;
/** Time spent in each statement (by its text) when asked for: what the database thread does. */
const stats = start.statementStats ? new Map<string, StatementStat>() : undefined;

// The parsers a query asks for, rebuilt here: the types the caller keeps as text (drizzle's
// driver: dates, times and intervals, as node-postgres returns them). One object per list.
const asText = (value: string) => value;
const parsersByList = new Map<string, Record<number, typeof asText>>();
function parsersFor(textTypes: number[]) {
  const key = textTypes.join();
  let parsers = parsersByList.get(key);
  if (!parsers) {
    parsers = Object.fromEntries(textTypes.map((oid) => [oid, asText]));
    parsersByList.set(key, parsers);
  }
  return parsers;
}

/** What a PGlite error carries (code, constraint, detail...), as plain data that crosses threads. */
function errorData(err: unknown): { message: string; props: Record<string, unknown> } {
  const e = err as Error & Record<string, unknown>;
  const props: Record<string, unknown> = {};
  // Text and numbers only: the query and its parameters are the caller's own, and the options
  // hold functions, which do not cross.
  for (const [k, v] of Object.entries(e ?? {}))
    if (k !== 'query' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'))
      props[k] = v;
  return { message: String(e?.message ?? err), props };
}

async function main() {
  let db: PGlite;
  try {
    db = await PGlite.create({
      ...(start.dataDir ? { dataDir: start.dataDir } : {}),
      ...(start.loadDataDir ? { loadDataDir: new Blob([start.loadDataDir]) } : {}),
      extensions: { pg_trgm },
    });
  } catch (err) {
    port.postMessage({ id: 0, ok: false, error: errorData(err) } satisfies ThreadReply);
    return;
  }
  port.postMessage({ id: 0, ok: true } satisfies ThreadReply);

  port.on('message', async (req: ThreadRequest) => {
    try {
      await answer(req);
    } catch (err) {
      port.postMessage({ id: req.id, ok: false, error: errorData(err) } satisfies ThreadReply);
    }
  });

  async function answer(req: ThreadRequest) {
    switch (req.op) {
      case 'query': {
        if (req.begin) await db.exec('begin');
        const t0 = performance.now();
        const r = await db.query(req.sql, req.params, {
          rowMode: req.rowMode,
          parsers: parsersFor(req.textTypes),
        });
        if (stats) {
          const stat =
            stats.get(req.sql) ?? stats.set(req.sql, { sql: req.sql, calls: 0, ms: 0 }).get(req.sql)!;
          stat.calls++;
          stat.ms += performance.now() - t0;
        }
        const reply: ThreadReply = {
          id: req.id,
          ok: true,
          result: { rows: r.rows, fields: r.fields, affectedRows: r.affectedRows },
        };
        port.postMessage(reply);
        return;
      }
      case 'exec':
        await db.exec(req.sql);
        port.postMessage({ id: req.id, ok: true } satisfies ThreadReply);
        return;
      case 'stats': {
        const all = [...(stats?.values() ?? [])];
        stats?.clear();
        port.postMessage({ id: req.id, ok: true, stats: all } satisfies ThreadReply);
        return;
      }
      case 'close':
        await db.close();
        port.postMessage({ id: req.id, ok: true } satisfies ThreadReply);
        port.close();
        return;
    }
  }
}

void main();
