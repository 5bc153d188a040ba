// bulkTurn: on PGlite (one connection) bulk writers queue among themselves, so a short
// transaction started meanwhile waits behind one of them, not behind all; on PostgreSQL it is a
// pass-through. Ordering is asserted, not timing.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, usingPostgres } from '../../test/helpers/db.js';
import { bulkTurn, rows, urgentTurn, type DatabaseHandle } from './client.js';

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bulkTurn', () => {
  it.skipIf(usingPostgres())(
    'on PGlite: bulk transactions take turns; a timer transaction overtakes all but the first',
    async () => {
      const { db } = handle;
      const done: string[] = [];
      // Each bulk transaction holds the connection for a while (JS work between two statements).
      const bulk = (name: string) =>
        bulkTurn(db, () =>
          db.transaction(async (tx) => {
            await tx.execute(sql`select 1`);
            await pause(60);
            await tx.execute(sql`select 2`);
            done.push(name);
          }),
        );
      const all = [bulk('bulk 1'), bulk('bulk 2'), bulk('bulk 3')];
      await pause(5); // bulk 1 holds the connection now
      const timer = db.transaction(async (tx) => {
        await tx.execute(sql`select 3`);
        done.push('timer');
      });
      await Promise.all([...all, timer]);
      expect(done).toEqual(['bulk 1', 'timer', 'bulk 2', 'bulk 3']);
    },
  );

  it.skipIf(usingPostgres())(
    'on PGlite: an urgent turn goes right after the running bulk writer, and the next starts once it returned',
    async () => {
      const { db } = handle;
      const done: string[] = [];
      const bulk = (name: string) =>
        bulkTurn(db, async () => {
          done.push(`${name} starts`);
          await db.transaction(async (tx) => {
            await tx.execute(sql`select 1`);
            await pause(40);
          });
          done.push(`${name} done`);
        });
      const all = [bulk('bulk 1'), bulk('bulk 2'), bulk('bulk 3')];
      await pause(5); // bulk 1 runs; 2 and 3 wait for their turn
      const urgent = urgentTurn(db, async () => {
        await db.transaction(async (tx) => {
          await tx.execute(sql`select 2`);
        });
        await pause(20); // its way back, after the commit: still its turn
        done.push('urgent done');
      });
      await Promise.all([...all, urgent]);
      expect(done).toEqual([
        'bulk 1 starts',
        'bulk 1 done',
        'urgent done',
        'bulk 2 starts',
        'bulk 2 done',
        'bulk 3 starts',
        'bulk 3 done',
      ]);
    },
  );

  it.skipIf(usingPostgres())('on PGlite: a failed turn does not hold up the next', async () => {
    const { db } = handle;
    const failing = bulkTurn(db, async () => {
      await db.execute(sql`select 1`);
      throw new Error('this batch failed');
    });
    const next = bulkTurn(db, () => rows<{ n: number }>(db, sql`select 41 + 1 as n`));
    await expect(failing).rejects.toThrow('this batch failed');
    expect(await next).toEqual([{ n: 42 }]);
  });

  it('on PostgreSQL bulk work runs side by side; on PGlite one at a time', async () => {
    const { db } = handle;
    let running = 0;
    let most = 0;
    const work = () =>
      bulkTurn(db, async () => {
        running++;
        most = Math.max(most, running);
        await pause(30);
        running--;
      });
    await Promise.all([work(), work(), work()]);
    expect(most).toBe(usingPostgres() ? 3 : 1);
  });
});
