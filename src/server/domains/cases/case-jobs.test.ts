// Warnings, breaches and auto-close must be recorded exactly once, however many server
// processes run the scheduler. Several independent connection pools stand in for the nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase, rows, type DatabaseHandle } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { usingPostgres } from '../../../../test/helpers/db.js';
import { makeCustomerWithAgreement, makeUser } from '../../../../test/helpers/factories.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { importCases } from '../imports/case-import.js';
import { closeSolvedCases, recordBreaches, recordWarnings } from './case-jobs.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await makeUser(t.db, 'admin');
});
afterAll(() => t?.close());

async function drain(job: (db: DatabaseHandle['db']) => Promise<number>, db: DatabaseHandle['db']) {
  let total = 0;
  for (let n = await job(db); n > 0; n = await job(db)) total += n;
  return total;
}

describe.runIf(usingPostgres())('scheduler jobs on several nodes', () => {
  it('record each breach, warning and auto-close once', async () => {
    const { customer } = await makeCustomerWithAgreement(t.db, {
      targets: [
        { kind: 'first_response', minutes: 30 },
        { kind: 'resolution', minutes: 600 },
      ],
    });
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
    // 1,500 open cases opened 6 hours ago: first response (30 min) breached, resolution (600) past
    // its warning (450) but not due; and 300 solved cases old enough to close.
    const open = Array.from({ length: 1500 }, (_, i) => ({
      subject: `Open ${i}`,
      customerId: customer.id,
      status: 'open' as const,
      createdAt: hoursAgo(8),
    }));
    const solved = Array.from({ length: 300 }, (_, i) => ({
      subject: `Solved ${i}`,
      customerId: customer.id,
      status: 'solved' as const,
      createdAt: hoursAgo(200),
      messages: [],
    }));
    for (let i = 0; i < open.length; i += 1000) {
      await importCases(
        t.db,
        SYSTEM_ACTOR,
        open
          .slice(i, i + 1000)
          .map((c) => ({ ...c, channel: 'email', category: 'other', priority: 'normal', messages: [] })),
      );
    }
    await importCases(
      t.db,
      SYSTEM_ACTOR,
      solved.map((c) => ({ ...c, channel: 'email', category: 'other', priority: 'normal' })),
    );

    // Imported history arrives with its breaches already settled; set them running again so
    // the scheduler has 1,500 overdue clocks to find, as after an outage.
    await t.db.execute(
      sql`update case_promises set state = 'active', breached_at = null where state = 'breached'`,
    );
    const nodes = await Promise.all(
      [1, 2, 3, 4].map(() =>
        openDatabase({ kind: 'postgres', url: (t.handle as { url?: string }).url!, poolSize: 3 }),
      ),
    );
    try {
      const counts = await Promise.all(
        nodes.map(async (n) => ({
          breaches: await drain((db) => recordBreaches(db, 200), n.db),
          warnings: await drain((db) => recordWarnings(db, 200), n.db),
          closed: await drain((db) => closeSolvedCases(db, 50), n.db),
        })),
      );
      const sum = (k: 'breaches' | 'warnings' | 'closed') => counts.reduce((s, c) => s + c[k], 0);
      expect(sum('breaches')).toBe(1500);
      expect(sum('warnings')).toBe(1500);
      expect(sum('closed')).toBe(300);
      // Work was shared, and nothing was done twice.
      expect(counts.filter((c) => c.breaches > 0).length).toBeGreaterThan(1);
      const [events] = await rows<{ breached: number; warned: number; closed: number }>(
        t.db,
        sql`select
          count(*) filter (where type = 'case.promise_breached')::int as breached,
          count(*) filter (where type = 'case.promise_warning')::int as warned,
          count(*) filter (where data->>'reason' = 'auto_close')::int as closed
        from domain_events`,
      );
      expect(events).toEqual({ breached: 1500, warned: 1500, closed: 300 });
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  });
});

describe('scheduler jobs on one node', () => {
  it('leave clocks that are not yet due alone', async () => {
    const { customer } = await makeCustomerWithAgreement(t.db, {
      targets: [{ kind: 'first_response', minutes: 600 }],
    });
    const report = await importCases(t.db, SYSTEM_ACTOR, [
      {
        subject: 'Fresh',
        customerId: customer.id,
        status: 'open',
        createdAt: new Date().toISOString(),
        channel: 'email',
        category: 'other',
        priority: 'normal',
        messages: [],
      },
    ]);
    await drain(recordBreaches, t.db);
    await drain(recordWarnings, t.db);
    const [clock] = await rows<{ state: string; warned_at: Date | null }>(
      t.db,
      sql`select state, warned_at from case_promises where case_id = ${report.caseIds[0]!}`,
    );
    expect(clock).toEqual({ state: 'active', warned_at: null });
  });
});
