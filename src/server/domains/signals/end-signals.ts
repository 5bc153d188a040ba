// Ending live signals, however they end: resolved or dismissed by staff (one or many), or resolved
// with their proactive case. One statement for the signals, one for their pending actions, and a
// domain event each.
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { recordDomainEvents } from '../domain-events/domain-events.repo.js';
import { closeSignals } from './signals.repo.js';

/** Why an erased customer's live signals that no case handles were dismissed. */
export const ERASED_SIGNAL_RESOLUTION = 'the customer was erased';

/**
 * A dismissal that says something of its rule (a false alarm, or handled elsewhere), given the
 * signal's state and resolution columns: not the erasure's, which dismissed whatever was live.
 */
export const dismissedByPeople = (state: SQL, resolution: SQL) =>
  sql`(${state} = 'dismissed' and ${resolution} is distinct from ${ERASED_SIGNAL_RESOLUTION})`;

/** A dismissal by a customer's erasure. */
export const dismissedByErasure = (state: SQL, resolution: SQL) =>
  sql`(${state} = 'dismissed' and ${resolution} = ${ERASED_SIGNAL_RESOLUTION})`;

/**
 * Ends these live signals (locked by the caller) with one resolution, skipping their pending
 * actions; each gets `signal.resolved` or `signal.dismissed` with `from`, `resolution`,
 * `skippedActions` and `data`. Answers how many actions each signal had skipped (absent: none).
 * Signals of several cases at once take their resolution and data each from a function.
 */
export async function endSignals<S extends { id: string; state: string }>(
  tx: Database,
  actor: Actor,
  live: S[],
  to: 'resolved' | 'dismissed',
  resolution: string | ((s: S) => string),
  data: Record<string, unknown> | ((s: S) => Record<string, unknown>) = {},
): Promise<Map<string, number>> {
  const resolutionOf = (s: S) => (typeof resolution === 'string' ? resolution : resolution(s));
  const skipped = await closeSignals(
    tx,
    live.map((s) => ({ id: s.id, resolution: resolutionOf(s) })),
    to,
  );
  await recordDomainEvents(
    tx,
    actor,
    live.map((s) => ({
      type: to === 'dismissed' ? 'signal.dismissed' : 'signal.resolved',
      entityType: 'signal',
      entityId: s.id,
      data: {
        from: s.state,
        resolution: resolutionOf(s),
        skippedActions: skipped.get(s.id) ?? 0,
        ...(typeof data === 'function' ? data(s) : data),
      },
    })),
  );
  return skipped;
}
