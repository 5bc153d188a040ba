// Several nodes starting at once against one PostgreSQL must not apply a migration twice.
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase, rows } from './client.js';
import { migrateDatabase } from './migrate.js';
import { createTestDatabase, usingPostgres } from '../../test/helpers/db.js';

describe('migrations', () => {
  it('are recorded once each and re-running them is a no-op', async () => {
    const handle = await createTestDatabase();
    try {
      await migrateDatabase(handle);
      const applied = await rows<{ n: number }>(
        handle.db,
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      expect(applied[0]!.n).toBeGreaterThanOrEqual(2);
      const tables = await rows<{ t: string }>(
        handle.db,
        sql`select tablename as t from pg_tables where schemaname = 'public' order by 1`,
      );
      expect(tables.map((r) => r.t)).toEqual(
        expect.arrayContaining([
          'customers',
          'organizations',
          'segments',
          'users',
          'auth_tokens',
          'domain_events',
        ]),
      );
    } finally {
      await handle.close();
    }
  });

  it.runIf(usingPostgres())(
    'run concurrently from four nodes on an empty database without conflict',
    async () => {
      const url = new URL(process.env.TEST_DATABASE_URL!);
      const name = `steward_t_${process.pid}_mig_${Date.now()}`;
      const admin = new pg.Client({ connectionString: url.toString() });
      await admin.connect();
      await admin.query(`create database "${name}"`);
      url.pathname = `/${name}`;
      const nodes = await Promise.all(
        [1, 2, 3, 4].map(() => openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 2 })),
      );
      try {
        await Promise.all(nodes.map((n) => migrateDatabase(n)));
        const applied = await rows<{ n: number; d: number }>(
          nodes[0]!.db,
          sql`select count(*)::int as n, count(distinct hash)::int as d from drizzle.__drizzle_migrations`,
        );
        expect(applied[0]!.n).toBe(applied[0]!.d);
      } finally {
        await Promise.all(nodes.map((n) => n.close()));
        await admin.query(`drop database if exists "${name}" with (force)`);
        await admin.end();
      }
    },
  );
});
