// Several nodes starting at once against one PostgreSQL must not apply a migration twice.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase, rows } from './client.js';
import { MIGRATIONS_FOLDER, migrateDatabase } from './migrate.js';
import { isUniqueViolation } from '../server/lib/db-errors.js';
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

  it('team-name-unique: live teams that shared a name are told apart before the index is made', async () => {
    const handle = await createTestDatabase();
    try {
      await migrateDatabase(handle);
      // An install from before the index, with names shared in any case (and a deleted one).
      await handle.db.execute(sql`drop index teams_name_live_uq`);
      await handle.db.execute(sql`insert into teams (id, name, created_at, deleted_at) values
        ('00000000-0000-7000-8000-000000000001', 'Support', now() - interval '3 days', null),
        ('00000000-0000-7000-8000-000000000002', 'SUPPORT', now() - interval '2 days', null),
        ('00000000-0000-7000-8000-000000000003', 'support', now() - interval '1 day', null),
        ('00000000-0000-7000-8000-000000000004', 'SUPPORT (2)', now() - interval '4 days', null),
        ('00000000-0000-7000-8000-000000000005', 'Support', now() - interval '5 days', now()),
        ('00000000-0000-7000-8000-000000000006', 'Billing', now(), null)`);
      const file = readdirSync(MIGRATIONS_FOLDER).find((f) => f.endsWith('_team-name-unique.sql'))!;
      const steps = readFileSync(join(MIGRATIONS_FOLDER, file), 'utf8').split('--> statement-breakpoint');
      for (const step of steps) await handle.db.execute(sql.raw(step));
      const names = await rows<{ id: string; name: string }>(
        handle.db,
        sql`select id, name from teams order by id`,
      );
      expect(names.map((r) => r.name)).toEqual([
        'Support', // the oldest live one keeps its name
        'SUPPORT (3)', // " (2)" is taken (in any case)
        'support (4)',
        'SUPPORT (2)',
        'Support', // deleted: left alone
        'Billing',
      ]);
      const twice = await handle.db
        .execute(sql`insert into teams (id, name) values ('00000000-0000-7000-8000-000000000007', 'BILLING')`)
        .then(
          () => null,
          (err: unknown) => err,
        );
      expect(isUniqueViolation(twice)).toBe(true);
    } finally {
      await handle.close();
    }
  });
  it('unique-names: calendars, agreements, organizations and rules that shared a name are told apart', async () => {
    const handle = await createTestDatabase();
    try {
      await migrateDatabase(handle);
      for (const index of ['calendars', 'agreements', 'organizations', 'signal_rules'])
        await handle.db.execute(sql.raw(`drop index ${index}_name_live_uq`));
      const cal = '00000000-0000-7000-8000-0000000000c1';
      await handle.db.execute(sql`insert into calendars (id, name, timezone, hours, created_at) values
        (${cal}, 'Berlin', 'UTC', '[]', now() - interval '2 days'),
        ('00000000-0000-7000-8000-0000000000c2', 'BERLIN', 'UTC', '[]', now() - interval '1 day')`);
      await handle.db
        .execute(sql`insert into agreements (id, name, calendar_id, targets, active, created_at) values
        ('00000000-0000-7000-8000-0000000000a1', 'Standard', ${cal}, '[]', false, now() - interval '2 days'),
        ('00000000-0000-7000-8000-0000000000a2', 'standard', ${cal}, '[]', false, now() - interval '1 day')`);
      await handle.db.execute(sql`insert into organizations (id, name, created_at, deleted_at) values
        ('00000000-0000-7000-8000-0000000000b1', 'Northwind', now() - interval '3 days', null),
        ('00000000-0000-7000-8000-0000000000b2', 'Northwind', now() - interval '2 days', null),
        ('00000000-0000-7000-8000-0000000000b3', 'Northwind (2)', now() - interval '4 days', now())`);
      const def = (name: string) =>
        JSON.stringify({
          kind: 'match',
          name,
          severity: 'low',
          enabled: true,
          when: { type: 'x' },
          actions: [],
        });
      await handle.db
        .execute(sql`insert into signal_rules (id, name, kind, severity, definition, created_at) values
        ('00000000-0000-7000-8000-0000000000d1', 'Not scanned', 'match', 'low', ${def('Not scanned')}::jsonb, now() - interval '2 days'),
        ('00000000-0000-7000-8000-0000000000d2', 'Not Scanned', 'match', 'low', ${def('Not Scanned')}::jsonb, now() - interval '1 day')`);
      const file = readdirSync(MIGRATIONS_FOLDER).find((f) => f.endsWith('_unique-names.sql'))!;
      const steps = readFileSync(join(MIGRATIONS_FOLDER, file), 'utf8').split('--> statement-breakpoint');
      for (const step of steps) await handle.db.execute(sql.raw(step));
      const names = await rows<{ name: string }>(
        handle.db,
        sql`select name from calendars union all select name from agreements
          union all (select name from organizations order by id)
          union all (select name || ' / ' || (definition->>'name') from signal_rules order by id)`,
      );
      expect(names.map((r) => r.name)).toEqual([
        'Berlin',
        'BERLIN (2)',
        'Standard',
        'standard (2)',
        'Northwind',
        'Northwind (2)', // a deleted one's " (2)" does not count as taken
        'Northwind (2)', // the deleted one, left alone
        'Not scanned / Not scanned',
        'Not Scanned (2) / Not Scanned (2)', // the definition carries the new name too
      ]);
      const twice = await handle.db
        .execute(
          sql`insert into organizations (id, name) values ('00000000-0000-7000-8000-0000000000b4', 'NORTHWIND')`,
        )
        .then(
          () => null,
          (err: unknown) => err,
        );
      expect(isUniqueViolation(twice)).toBe(true);
    } finally {
      await handle.close();
    }
  });
});
