// SQL of signal rules: the current row, its versions, and the lookups the service's reference
// checks need. Every function takes a database or a transaction.
import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import type { RuleDefinition } from '../../../shared/schemas/rules.js';
import { afterCursor, orderBy, sortKey, toPage, type Sort } from '../../lib/pagination.js';
import { agreements } from '../agreements/agreements.table.js';
import { dismissedByPeople } from './end-signals.js';
import { categories } from '../cases/cases.table.js';
import { segments } from '../segments/segments.table.js';
import { teams } from '../teams/teams.table.js';
import { users } from '../auth/auth.table.js';
import { ruleExpectations, signalRuleVersions, signalRules } from './signals.table.js';
import { nextVersion } from '../../../db/columns.js';

const columns = {
  id: signalRules.id,
  version: signalRules.version,
  name: signalRules.name,
  kind: signalRules.kind,
  severity: signalRules.severity,
  enabled: signalRules.enabled,
  definition: signalRules.definition,
  createdAt: signalRules.createdAt,
  updatedAt: signalRules.updatedAt,
  // Spelled out: in a one-table select Drizzle leaves column names unqualified, and inside the
  // subquery an unqualified "id" would be the signal's.
  openSignals: sql<number>`(
    select count(*)::int from signals s
    where s.rule_id = "signal_rules"."id" and s.state in ('open', 'acted')
  )`,
  // How the rule did lately (by signals_rule: the rule's last 30 days of signals only).
  last30Days: sql<{ signals: number; resolved: number; resolvedByEvent: number; dismissed: number }>`(
    select json_build_object(
      'signals', count(*)::int,
      'resolved', (count(*) filter (where s.state = 'resolved'))::int,
      'resolvedByEvent', (count(*) filter (where s.resolved_by_event))::int,
      'dismissed', (count(*) filter (where ${dismissedByPeople(sql`s.state`, sql`s.resolution`)}))::int)
    from signals s
    where s.rule_id = "signal_rules"."id" and s.detected_at >= now() - interval '30 days'
  )`,
};

export type RuleRow = Awaited<ReturnType<typeof findRule>> & {};

/** A live (not deleted) rule; `forUpdate` locks it for the rest of the transaction. */
export async function findRule(db: Database, id: string, opts: { forUpdate?: boolean } = {}) {
  const query = db
    .select(columns)
    .from(signalRules)
    .where(and(eq(signalRules.id, id), isNull(signalRules.deletedAt)))
    .limit(1);
  const [row] = opts.forUpdate ? await query.for('update', { of: signalRules }) : await query;
  return row;
}

const byName: Sort = { column: signalRules.name, idColumn: signalRules.id, desc: false };

export async function listRules(
  db: Database,
  q: { kind?: RuleDefinition['kind']; enabled?: boolean; limit: number; cursor?: string },
) {
  const filters: (SQL | undefined)[] = [
    isNull(signalRules.deletedAt),
    q.kind ? eq(signalRules.kind, q.kind) : undefined,
    q.enabled !== undefined ? eq(signalRules.enabled, q.enabled) : undefined,
  ];
  const found = await db
    .select({ ...columns, sortKey: sortKey(byName) })
    .from(signalRules)
    .where(and(...filters, afterCursor(byName, q.cursor)))
    .orderBy(...orderBy(byName))
    .limit(q.limit + 1);
  return toPage(found, q.limit);
}

export async function insertRule(
  db: Database,
  values: { definition: RuleDefinition; createdBy: string | null },
): Promise<string> {
  const d = values.definition;
  const [row] = await db
    .insert(signalRules)
    .values({
      version: 1,
      name: d.name,
      kind: d.kind,
      severity: d.severity,
      enabled: d.enabled,
      definition: d,
    })
    .returning({ id: signalRules.id });
  await insertRuleVersion(db, { ruleId: row!.id, version: 1, definition: d, createdBy: values.createdBy });
  return row!.id;
}

export async function insertRuleVersion(
  db: Database,
  values: { ruleId: string; version: number; definition: RuleDefinition; createdBy: string | null },
) {
  await db.insert(signalRuleVersions).values(values);
}

/** Writes the rule's current definition; the columns that mirror it follow. */
export async function updateRuleRow(
  db: Database,
  id: string,
  values: { definition: RuleDefinition; version: number },
) {
  const d = values.definition;
  await db
    .update(signalRules)
    .set({
      version: values.version,
      name: d.name,
      severity: d.severity,
      enabled: d.enabled,
      definition: d,
      updatedAt: nextVersion(),
    })
    .where(eq(signalRules.id, id));
}

export async function softDeleteRule(db: Database, id: string) {
  await db
    .update(signalRules)
    .set({ deletedAt: sql`now()`, updatedAt: sql`clock_timestamp()` })
    .where(eq(signalRules.id, id));
}

export async function listRuleVersions(db: Database, ruleId: string) {
  return db
    .select({
      version: signalRuleVersions.version,
      definition: signalRuleVersions.definition,
      createdAt: signalRuleVersions.createdAt,
      createdBy: signalRuleVersions.createdBy,
      // A deleted user's name too: the version was theirs.
      createdByName: users.name,
    })
    .from(signalRuleVersions)
    .leftJoin(users, eq(users.id, signalRuleVersions.createdBy))
    .where(eq(signalRuleVersions.ruleId, ruleId))
    .orderBy(desc(signalRuleVersions.version));
}

/** Ends the rule's running absence waits (the rule was disabled or deleted); returns how many. */
export async function cancelWaitingExpectations(db: Database, ruleId: string): Promise<number> {
  const cancelled = await db
    .update(ruleExpectations)
    .set({ state: 'cancelled', closedAt: sql`now()` })
    .where(and(eq(ruleExpectations.ruleId, ruleId), eq(ruleExpectations.state, 'waiting')))
    .returning({ id: ruleExpectations.id });
  return cancelled.length;
}

// ---- what a rule may refer to --------------------------------------------------------------

const uuids = (ids: string[]) => sql`${sql.param(ids)}::uuid[]`;
const texts = (values: string[]) => sql`${sql.param(values)}::text[]`;

/** Which of these ids are live teams. */
export async function existingTeamIds(db: Database, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const found = await db
    .select({ id: teams.id })
    .from(teams)
    .where(and(sql`${teams.id} = any(${uuids(ids)})`, isNull(teams.deletedAt)));
  return new Set(found.map((r) => r.id));
}

/** Which of these keys are live segments. */
export async function existingSegmentKeys(db: Database, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const found = await db
    .select({ key: segments.key })
    .from(segments)
    .where(and(sql`${segments.key} = any(${texts(keys)})`, isNull(segments.deletedAt)));
  return new Set(found.map((r) => r.key));
}

/** Which of these ids are agreements not deleted (active or not: a paused PSA may come back). */
export async function existingAgreementIds(db: Database, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const found = await db
    .select({ id: agreements.id })
    .from(agreements)
    .where(and(sql`${agreements.id} = any(${uuids(ids)})`, isNull(agreements.deletedAt)));
  return new Set(found.map((r) => r.id));
}

/** Which of these keys are active case categories. */
export async function activeCategoryKeys(db: Database, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const found = await db
    .select({ key: categories.key })
    .from(categories)
    .where(and(sql`${categories.key} = any(${texts(keys)})`, eq(categories.active, true)));
  return new Set(found.map((r) => r.key));
}
