// maintainEmbedded: on PGlite, tables that updates and deletes left dead row versions in are
// vacuumed (their space reused) and analyzed, as autovacuum would; on PostgreSQL it does nothing.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, usingPostgres } from '../../test/helpers/db.js';
import { rows, type DatabaseHandle } from './client.js';
import { maintainEmbedded } from './maintenance.js';

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
  await handle.db.execute(sql`create table maint_probe (id int primary key, v text not null)`);
  await handle.db.execute(sql`insert into maint_probe select g, 'a' from generate_series(1, 2000) g`);
});
afterAll(async () => {
  await handle.close();
});

const stats = async () =>
  (
    await rows<{ dead: number; vacuumed: boolean; analyzed: boolean; size: number }>(
      handle.db,
      sql`select n_dead_tup::int as dead, last_vacuum is not null as vacuumed, last_analyze is not null as analyzed,
          pg_relation_size('maint_probe')::int as size
        from pg_stat_user_tables where relname = 'maint_probe'`,
    )
  )[0]!;

/** PostgreSQL flushes a backend's table statistics at most once a second: ask until they show. */
async function statsWhen(ok: (s: Awaited<ReturnType<typeof stats>>) => boolean) {
  for (let i = 0; ; i++) {
    const s = await stats();
    if (ok(s) || i >= 20) return s;
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('maintainEmbedded', () => {
  it.skipIf(usingPostgres())(
    'vacuums and analyzes a churned table on PGlite; then has nothing to do for it',
    async () => {
      const { db } = handle;
      await db.execute(sql`update maint_probe set v = 'b'`);
      expect((await statsWhen((s) => s.dead >= 2000)).dead).toBe(2000);
      const done = await maintainEmbedded(db);
      expect(done).toContainEqual({ table: 'public.maint_probe', vacuumed: true, analyzed: true });
      const after = await statsWhen((s) => s.dead === 0);
      expect(after).toMatchObject({ dead: 0, vacuumed: true, analyzed: true });
      // The space of the old versions is reused: another full update does not grow the table.
      await db.execute(sql`update maint_probe set v = 'c'`);
      expect((await statsWhen((s) => s.dead >= 2000)).size).toBe(after.size);
      await maintainEmbedded(db);
      await statsWhen((s) => s.dead === 0);
      expect((await maintainEmbedded(db)).map((m) => m.table)).not.toContain('public.maint_probe');
    },
  );

  it.skipIf(!usingPostgres())('does nothing on PostgreSQL (autovacuum does it)', async () => {
    await handle.db.execute(sql`update maint_probe set v = 'b'`);
    expect(await maintainEmbedded(handle.db)).toEqual([]);
  });
});
