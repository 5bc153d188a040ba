// Every signal rule replayed over stored events as a dry run replays them (the pure simulator),
// for tests that check seeded data against its own rules: what each rule would have raised.
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Database } from '../../src/db/client.js';
import { simulateRule, type SimulatedSignal } from '../../src/core/rules/simulate.js';
import type { RuleDefinition } from '../../src/shared/schemas/rules.js';
import {
  contextSettings,
  contextsFor,
  STORED_EVENT_COLUMNS,
  toStoredEvent,
  type StoredEventRow,
} from '../../src/server/domains/signals/event-context.js';

/** Each rule (by name), with the signals it would have opened over the events `where` picks (`events e`). */
export async function replayRules(
  db: Database,
  where: SQL = sql`true`,
): Promise<{ id: string; name: string; signals: SimulatedSignal[] }[]> {
  const stored = (
    await rows<StoredEventRow>(
      db,
      sql`select ${STORED_EVENT_COLUMNS} from events e where ${where} order by e.occurred_at, e.id`,
    )
  ).map(toStoredEvent);
  const contexts = await contextsFor(db, stored, await contextSettings(db));
  const rules = await rows<{ id: string; name: string; definition: RuleDefinition }>(
    db,
    sql`select id, name, definition from signal_rules order by name`,
  );
  const now = new Date();
  return rules.map((r) => ({
    id: r.id,
    name: r.name,
    signals: simulateRule(r.definition, contexts, { now }).signals,
  }));
}
