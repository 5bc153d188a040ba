// What a proactive case's end does to the signals it handles. Solving (or closing) the case
// resolves its live signals: the team has dealt with the risk, and it leaves the board ("resolved
// with case #12"); a new firing opens a new signal. Merging the case moves its signals to the case
// it was merged into. Called by the cases domain inside its own transaction.
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { LIVE_SIGNAL_STATES } from '../../../shared/schemas/signals.js';
import type { Actor } from '../../lib/actor.js';
import { endSignals } from './end-signals.js';
import { SIGNAL_LOCK_ORDER } from './signals.repo.js';

/**
 * Locks the live signals of a case (SIGNAL_LOCK_ORDER). The one lock order for signals and cases is
 * signal first, then its actions, then the case: the action runner holds a signal while it
 * writes to the signal's case, so a change that will end or move a case's signals takes them
 * before it takes the case (otherwise each would wait for the other until PostgreSQL broke the
 * deadlock, failing one of them).
 */
export async function lockLiveSignalsOfCase(tx: Database, caseId: string) {
  return lockLiveSignalsOfCases(tx, [caseId]);
}

/** Locks the live signals of several cases at once (SIGNAL_LOCK_ORDER across them all). */
export async function lockLiveSignalsOfCases(tx: Database, caseIds: string[]) {
  return rows<{ id: string; state: string; case_id: string }>(
    tx,
    sql`select id, state, case_id from signals
      where case_id = any(${sql.param(caseIds)}::uuid[]) and state = any(${sql.param([...LIVE_SIGNAL_STATES])}::text[])
      order by ${SIGNAL_LOCK_ORDER} for update`,
  );
}

/**
 * Locks, in one statement (SIGNAL_LOCK_ORDER across them all), the live signals of these cases and
 * those of these customers that no live case handles (none, or one solved, closed, deleted or
 * merged since): what an erasure ends. `case_id` tells them apart: one of `caseIds`, or not.
 */
export async function lockLiveSignalsOfCasesAndCustomers(
  tx: Database,
  caseIds: string[],
  customerIds: string[],
) {
  return rows<{ id: string; state: string; case_id: string | null }>(
    tx,
    sql`select s.id, s.state, s.case_id from signals s
      where s.state = any(${sql.param([...LIVE_SIGNAL_STATES])}::text[])
        and (s.case_id = any(${sql.param(caseIds)}::uuid[])
          or (s.customer_id = any(${sql.param(customerIds)}::uuid[]) and not exists (
            select 1 from cases c where c.id = s.case_id and c.status not in ('solved', 'closed')
              and c.deleted_at is null and c.merged_into_id is null)))
      order by ${SIGNAL_LOCK_ORDER} for update of s`,
  );
}

/** Resolves the live signals of a case that was just solved or closed. Returns how many. */
export async function resolveSignalsOfCase(
  tx: Database,
  actor: Actor,
  c: { id: string; number: number; status: string },
): Promise<number> {
  const live = await lockLiveSignalsOfCase(tx, c.id);
  if (live.length === 0) return 0;
  const resolution = `resolved with case #${c.number} (${c.status})`;
  await endSignals(tx, actor, live, 'resolved', resolution, { caseId: c.id });
  return live.length;
}

/** A merged case's signals follow it into the case it was merged into. */
export async function moveSignalsOfCase(tx: Database, fromCaseId: string, toCaseId: string) {
  await tx.execute(
    sql`update signals set case_id = ${toCaseId}, updated_at = now() where case_id = ${fromCaseId}`,
  );
}
