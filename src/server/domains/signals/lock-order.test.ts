// One lock order for signals, their actions and their cases: signal, then its actions, then the
// case. The action runner holds a signal while it writes to the signal's case; a person solving
// or merging the case (or its customer), or closing the signal, ends or moves the signals. If either took its locks
// in another order, each would wait for the other until PostgreSQL broke the deadlock and failed
// one of them. These tests hold a signal's lock in one connection and check, from another, that
// the waiting side holds nothing the holder will need. PostgreSQL only: PGlite has one connection.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rows, type Database, type DatabaseHandle } from '../../../db/client.js';
import { createTestDatabase, usingPostgres } from '../../../../test/helpers/db.js';
import { makeCase, makeCustomer, unique } from '../../../../test/helpers/factories.js';
import { makeSignal } from '../../../../test/helpers/signal-factories.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import type { AppError } from '../../lib/errors.js';
import { mergeCases } from '../cases/case-relations.service.js';
import { mergeCustomers } from '../customers/customer-merge.js';
import { updateCase } from '../cases/cases.service.js';
import { runSignalActions } from './actions.js';
import { endSignals } from './end-signals.js';
import { lockSignals } from './signals.repo.js';
import { sendHeldMailNow } from './signals.service.js';

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;
let others: DatabaseHandle[];
beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  if (usingPostgres())
    others = await Promise.all(
      [1, 2].map(() => openDatabase({ kind: 'postgres', url: handle.url!, poolSize: 2 })),
    );
});
afterAll(async () => {
  await Promise.all((others ?? []).map((h) => h.close()));
  await handle?.close();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a row is free of row locks right now (SKIP LOCKED sees it), asked in a throwaway transaction. */
const unlocked = (on: Database, table: 'cases' | 'signal_actions', id: string) =>
  on.transaction(async (tx) => {
    const found = await rows(
      tx,
      sql`select id from ${sql.raw(table)} where id = ${id} for update skip locked`,
    );
    return found.length === 1;
  });

/**
 * Holds a signal's row lock in its own connection while `waiter` runs; checks with `whileWaiting`
 * that the waiter is still waiting, then runs `then` in the holder's transaction and commits.
 */
async function holdingSignal(
  signalId: string,
  waiter: () => Promise<unknown>,
  whileWaiting: () => Promise<void>,
  then: (tx: Database) => Promise<void> = async () => {},
) {
  const [holder] = others as [DatabaseHandle];
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const holding = holder.db.transaction(async (tx) => {
    await lockSignals(tx, [signalId]);
    locked();
    await released;
    await then(tx);
  });
  await isLocked;
  let done = false;
  const waiting = waiter().finally(() => (done = true));
  try {
    await pause(400);
    expect(done, 'the waiter waits for the signal').toBe(false);
    await whileWaiting();
  } finally {
    release();
    await holding;
  }
  return waiting;
}

describe.runIf(usingPostgres())('signals, their actions and cases are locked in one order', () => {
  it('solving a case takes its live signals before the case', async () => {
    const customer = await makeCustomer(db);
    const c = await makeCase(db, customer.id, { channel: 'proactive', subject: `Risk ${unique()}` });
    const signal = await makeSignal(db, { customerId: customer.id, state: 'acted', caseId: c.id });
    const [, checker] = others as [DatabaseHandle, DatabaseHandle];
    await holdingSignal(
      signal.id,
      () => updateCase(db, SYSTEM_ACTOR, c.id, { status: 'solved' }),
      // While it waits for the signal, the case is free: the runner holding the signal may write to it.
      async () => expect(await unlocked(checker.db, 'cases', c.id)).toBe(true),
    );
    const [after] = await rows<{ state: string; resolution: string; status: string }>(
      db,
      sql`select s.state, s.resolution, c.status from signals s join cases c on c.id = s.case_id
        where s.id = ${signal.id}`,
    );
    expect(after).toEqual({
      state: 'resolved',
      resolution: `resolved with case #${c.number} (solved)`,
      status: 'solved',
    });
  });

  it('merging a case takes the signals that move with it before the cases', async () => {
    const customer = await makeCustomer(db);
    const source = await makeCase(db, customer.id, { channel: 'proactive' });
    const target = await makeCase(db, customer.id);
    const signal = await makeSignal(db, { customerId: customer.id, state: 'acted', caseId: source.id });
    const [, checker] = others as [DatabaseHandle, DatabaseHandle];
    await holdingSignal(
      signal.id,
      () => mergeCases(db, SYSTEM_ACTOR, source.id, target.id),
      async () => {
        expect(await unlocked(checker.db, 'cases', source.id)).toBe(true);
        expect(await unlocked(checker.db, 'cases', target.id)).toBe(true);
      },
    );
    const [moved] = await rows<{ case_id: string }>(
      db,
      sql`select case_id from signals where id = ${signal.id}`,
    );
    expect(moved?.case_id).toBe(target.id);
  });

  it('merging a customer takes their signals before their cases', async () => {
    const duplicate = await makeCustomer(db);
    const survivor = await makeCustomer(db);
    const c = await makeCase(db, duplicate.id, { channel: 'proactive' });
    const signal = await makeSignal(db, { customerId: duplicate.id, state: 'acted', caseId: c.id });
    const [, checker] = others as [DatabaseHandle, DatabaseHandle];
    await holdingSignal(
      signal.id,
      () => mergeCustomers(db, SYSTEM_ACTOR, duplicate.id, survivor.id),
      // The runner holding the signal may still write to its case.
      async () => expect(await unlocked(checker.db, 'cases', c.id)).toBe(true),
    );
    const [after] = await rows<{ signal: string; case: string }>(
      db,
      sql`select s.customer_id as signal, c.customer_id as case from signals s join cases c on c.id = s.case_id
        where s.id = ${signal.id}`,
    );
    expect(after).toEqual({ signal: survivor.id, case: survivor.id });
  });

  it('the action runner takes the signal before its action, so closing the signal meanwhile does not deadlock', async () => {
    const customer = await makeCustomer(db);
    const c = await makeCase(db, customer.id, { channel: 'proactive' });
    const signal = await makeSignal(db, {
      customerId: customer.id,
      caseId: c.id,
      actions: [{ kind: 'escalate' }],
    });
    const [action] = await rows<{ id: string }>(
      db,
      sql`select id from signal_actions where signal_id = ${signal.id}`,
    );
    const [, checker] = others as [DatabaseHandle, DatabaseHandle];
    // The holder closes the signal as a person's dismissal does: it ends it and skips its actions.
    const ran = await holdingSignal(
      signal.id,
      () => runSignalActions(db, 10),
      async () => expect(await unlocked(checker.db, 'signal_actions', action!.id)).toBe(true),
      async (tx) => {
        await endSignals(tx, SYSTEM_ACTOR, [{ id: signal.id, state: 'open' }], 'dismissed', 'false alarm');
      },
    );
    expect(ran).toBe(0); // the action had ended when the runner got the signal
    const [after] = await rows<{ state: string; action: string }>(
      db,
      sql`select s.state, a.state as action from signals s join signal_actions a on a.signal_id = s.id
        where s.id = ${signal.id}`,
    );
    expect(after).toEqual({ state: 'dismissed', action: 'skipped' });
  });

  it('sending a held mail now takes the signal before the action', async () => {
    const customer = await makeCustomer(db);
    const signal = await makeSignal(db, { customerId: customer.id, actions: [{ kind: 'notify_customer' }] });
    const [action] = await rows<{ id: string }>(
      db,
      sql`update signal_actions set held_since = now(), held_reason = 'the feed is silent'
        where signal_id = ${signal.id} returning id`,
    );
    const [, checker] = others as [DatabaseHandle, DatabaseHandle];
    const outcome = await holdingSignal(
      signal.id,
      () => sendHeldMailNow(db, SYSTEM_ACTOR, signal.id, action!.id).catch((err: AppError) => err.code),
      async () => expect(await unlocked(checker.db, 'signal_actions', action!.id)).toBe(true),
      async (tx) => {
        await endSignals(tx, SYSTEM_ACTOR, [{ id: signal.id, state: 'open' }], 'resolved', 'delivered');
      },
    );
    // The signal had ended by the time the request got it: nothing is sent.
    expect(outcome).toBe('signal_closed');
  });
});
