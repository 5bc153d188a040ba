// Vacuum and analyze for the embedded database. PostgreSQL's autovacuum workers keep tables from
// bloating with the row versions updates and deletes leave behind, and keep the planner's
// statistics fresh; PGlite runs no background workers, so nothing would, and a long-running
// embedded Steward would grow its files and plan with guesses. This job does what autovacuum
// would, with its default thresholds, one table per statement so requests get their turn in
// between. On PostgreSQL it does nothing: autovacuum is there.
import { sql } from 'drizzle-orm';
import { isEmbedded, rows, type Database } from './client.js';

/** Autovacuum's defaults: act after 50 rows plus a fifth (vacuum) or a tenth (analyze) of the table. */
const NEEDS_VACUUM = sql.raw('n_dead_tup > 50 + 0.2 * n_live_tup');
const NEEDS_ANALYZE = sql.raw('n_mod_since_analyze > 50 + 0.1 * n_live_tup');

export interface Maintained {
  table: string;
  vacuumed: boolean;
  analyzed: boolean;
}

/** Vacuums and analyzes the tables that need it (PGlite only). Returns what it did. */
export async function maintainEmbedded(db: Database): Promise<Maintained[]> {
  if (!isEmbedded(db)) return [];
  const due = await rows<{ name: string; vacuum: boolean; analyze: boolean }>(
    db,
    sql`select format('%I.%I', schemaname, relname) as name, ${NEEDS_VACUUM} as vacuum, ${NEEDS_ANALYZE} as analyze
      from pg_stat_user_tables where ${NEEDS_VACUUM} or ${NEEDS_ANALYZE}
      order by relname`,
  );
  const done: Maintained[] = [];
  for (const t of due) {
    // The name comes from the catalog, quoted by format('%I'): safe to splice in.
    const what = t.vacuum ? sql.raw(`vacuum (analyze) ${t.name}`) : sql.raw(`analyze ${t.name}`);
    await db.execute(what);
    done.push({ table: t.name, vacuumed: t.vacuum, analyzed: true });
  }
  return done;
}
