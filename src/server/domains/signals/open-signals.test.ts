// Live signals under concurrent batches (PostgreSQL: PGlite runs one transaction at a time).
// Resolving signals takes their row locks in the order repeating them does, so an ingest that
// resolves signals and one that repeats them wait for each other instead of deadlocking; a
// person closing many signals at once takes them in the same order.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type Database } from '../../../db/client.js';
import { createTestDatabase, usingPostgres } from '../../../../test/helpers/db.js';
import { makeCustomer } from '../../../../test/helpers/factories.js';
import { makeEvent, makeRule, makeSignal } from '../../../../test/helpers/signal-factories.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { resolveSignals } from './open-signals.js';
import { closeSignalsInBulk } from './signals.service.js';

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;
beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
});
afterAll(() => handle?.close());

/** Whether another transaction holds this signal's row: a NOWAIT lock fails (55P03) if so. */
async function lockedElsewhere(id: string) {
  try {
    await db.transaction((tx) =>
      tx.execute(sql`select 1 from signals where id = ${id} for no key update nowait`),
    );
    return false;
  } catch (err) {
    const code =
      (err as { code?: string; cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
    if (code === '55P03') return true;
    throw err;
  }
}

/** Holds one signal's row lock in a transaction of its own, as another batch would, until released. */
async function holdSignal(id: string) {
  let release!: () => void;
  let holding!: () => void;
  const held = new Promise<void>((r) => (holding = r));
  const holder = db.transaction(async (tx) => {
    await tx.execute(sql`select 1 from signals where id = ${id} for no key update`);
    holding();
    await new Promise<void>((r) => (release = r));
  });
  await held;
  return async () => {
    release();
    await holder;
  };
}

/** Waits (up to 2 s) until another transaction holds this signal; answers whether one did. */
async function untilLockedElsewhere(id: string) {
  for (let i = 0; i < 100; i++) {
    if (await lockedElsewhere(id)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

describe.runIf(usingPostgres())('resolving live signals on PostgreSQL', () => {
  it('locks them in the order repeating them does (rule, then dedupe key), whatever order they come in', async () => {
    const rule = await makeRule(db);
    const customer = await makeCustomer(db);
    const made = await Promise.all(
      [1, 2].map(() => makeSignal(db, { ruleId: rule.id, customerId: customer.id })),
    );
    const keys = await rows<{ id: string }>(
      db,
      sql`select id from signals where id = any(${sql.param(made.map((s) => s.id))}::uuid[])
        order by dedupe_key collate "C"`,
    );
    const [first, second] = keys.map((k) => k.id) as [string, string];
    const event = await makeEvent(db, { customerId: customer.id });

    // Another batch holds the second one, as a batch repeating it would.
    const release = await holdSignal(second);
    // Given the second one first, resolving locks the first one, then waits for the second.
    const resolving = db.transaction((tx) =>
      resolveSignals(tx, [
        { signalId: second, eventId: event.id, reason: 'arrived' },
        { signalId: first, eventId: event.id, reason: 'arrived' },
      ]),
    );
    const locked = await untilLockedElsewhere(first);
    await release();
    expect(locked).toBe(true);
    expect(await resolving).toBe(2);
    const states = await rows<{ state: string }>(
      db,
      sql`select state from signals where id = any(${sql.param([first, second])}::uuid[])`,
    );
    expect(states.map((s) => s.state)).toEqual(['resolved', 'resolved']);
  });

  it('a bulk close locks them in that order too, not by id', async () => {
    const rule = await makeRule(db);
    const made = await Promise.all([1, 2].map(() => makeSignal(db, { ruleId: rule.id })));
    // The smaller id gets the later dedupe key: id order and the engine's order disagree.
    const [low, high] = made.map((m) => m.id).sort() as [string, string];
    await db.execute(sql`update signals set dedupe_key = 'test:b-' || id where id = ${low}`);
    await db.execute(sql`update signals set dedupe_key = 'test:a-' || id where id = ${high}`);

    // Another batch holds the one the engine takes second (the smaller id).
    const release = await holdSignal(low);
    const closing = closeSignalsInBulk(db, SYSTEM_ACTOR, { ids: [low, high], action: 'resolve' });
    // It has locked the engine's first (the larger id) and waits for the other.
    const locked = await untilLockedElsewhere(high);
    await release();
    expect(locked).toBe(true);
    expect((await closing).closed).toEqual([low, high]);
  });
});
