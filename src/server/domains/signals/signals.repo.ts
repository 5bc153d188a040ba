// SQL of signals as people see them: the list, one with its evidence and actions, the state
// changes people make (dismiss, resolve) and the board's live slice (the KPIs: kpis.repo.ts).
import { and, asc, eq, gte, inArray, isNull, lt, not, sql, type SQL } from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Database } from '../../../db/client.js';
import { UNSOLVED_STATUSES } from '../../../shared/schemas/cases.js';
import type { Severity } from '../../../shared/schemas/rules.js';
import { LIVE_SIGNAL_STATES, type SignalState } from '../../../shared/schemas/signals.js';
import { afterCursor, orderBy, sortKey, toPage, type Sort, totalIf } from '../../lib/pagination.js';
import { users } from '../auth/auth.table.js';
import { cases } from '../cases/cases.table.js';
import { customers } from '../customers/customers.table.js';
import { events } from '../events/events.table.js';
import { organizations } from '../organizations/organizations.table.js';
import { caughtBeforeContact, contactAvoided, hasDueTime } from './kpi-conditions.js';
import { signalActions, signalEvidence, signalRules, signals } from './signals.table.js';

/** Who holds the proactive case: the board answers "who is on it" without opening each case. */
const caseAssignee = alias(users, 'case_assignee');

/**
 * Nobody owns this case: it is still to be worked on (unsolved: new, open, pending, on hold; not
 * deleted; not merged, which closes it anyway) and nobody is assigned to it. A team alone is not
 * an owner: a case in a team's queue with no assignee waits for someone to take it.
 */
const nobodyOwns = (c: {
  assigneeId: AnyPgColumn;
  deletedAt: AnyPgColumn;
  mergedIntoId: AnyPgColumn;
  status: AnyPgColumn;
}) =>
  and(
    isNull(c.assigneeId),
    isNull(c.deletedAt),
    isNull(c.mergedIntoId),
    inArray(c.status, UNSOLVED_STATUSES),
  )!;

/**
 * The signals whose case nobody owns, for the list's filter, its count, the bulk close by filter
 * and the board's count: a semi-join that runs from the few unowned cases (cases_assignee_status,
 * `assignee_id is null`) to their signals (signals_case), or by primary key from a page of signals.
 */
const owned = alias(cases, 'owned');
const caseNobodyOwns = sql`exists (select 1 from cases ${owned}
  where ${owned.id} = ${signals.caseId} and ${nobodyOwns(owned)})`;

const columns = {
  id: signals.id,
  ruleId: signals.ruleId,
  ruleVersion: signals.ruleVersion,
  ruleName: signalRules.name,
  kind: signals.kind,
  severity: signals.severity,
  state: signals.state,
  title: signals.title,
  customerId: signals.customerId,
  customerName: customers.name,
  organizationId: signals.organizationId,
  organizationName: organizations.name,
  refKey: signals.refKey,
  refValue: signals.refValue,
  refs: signals.refs,
  dueAt: signals.dueAt,
  detectedAt: signals.detectedAt,
  actedAt: signals.actedAt,
  resolvedAt: signals.resolvedAt,
  resolution: signals.resolution,
  resolvedByEvent: signals.resolvedByEvent,
  evidenceCount: signals.evidenceCount,
  lastEvidenceAt: signals.lastEvidenceAt,
  caseId: signals.caseId,
  caseNumber: cases.number,
  caseAssigneeId: caseAssignee.id,
  caseAssigneeName: caseAssignee.name,
  // The same condition on the case the list joins anyway (not the semi-join again, row by row).
  caseUnassigned: sql<boolean>`(${cases.id} is not null and ${nobodyOwns(cases)})`,
  customerContactedFirst: signals.customerContactedFirst,
};

const newestFirst: Sort = { column: signals.detectedAt, idColumn: signals.id, desc: true };

/** The select every signal answer uses; `sortKey` is the list's cursor value. */
function selectSignals(db: Database) {
  return db
    .select({ ...columns, sortKey: sortKey(newestFirst) })
    .from(signals)
    .innerJoin(signalRules, eq(signalRules.id, signals.ruleId))
    .leftJoin(customers, eq(customers.id, signals.customerId))
    .leftJoin(organizations, eq(organizations.id, signals.organizationId))
    .leftJoin(cases, eq(cases.id, signals.caseId))
    .leftJoin(caseAssignee, eq(caseAssignee.id, cases.assigneeId));
}

export type SignalRow = Awaited<ReturnType<typeof findSignal>> & {};

export async function findSignal(db: Database, id: string) {
  const [row] = await selectSignals(db).where(eq(signals.id, id)).limit(1);
  return row;
}

export interface SignalFilter {
  states?: SignalState[];
  severity?: Severity;
  ruleId?: string;
  customerId?: string;
  organizationId?: string;
  caseId?: string;
  detectedFrom?: string;
  detectedTo?: string;
  resolvedByEvent?: boolean;
  caughtBeforeContact?: boolean;
  contactAvoided?: boolean;
  hasDueTime?: boolean;
  caseUnassigned?: boolean;
}

/** The signals meeting `condition` (true), or the others (false); no filter when undefined. */
const whether = (condition: SQL, wanted: boolean | undefined) =>
  wanted === undefined ? undefined : wanted ? condition : not(condition);

function filters(f: SignalFilter): SQL | undefined {
  return and(
    f.states?.length ? inArray(signals.state, f.states) : undefined,
    f.severity ? eq(signals.severity, f.severity) : undefined,
    f.ruleId ? eq(signals.ruleId, f.ruleId) : undefined,
    f.customerId ? eq(signals.customerId, f.customerId) : undefined,
    f.organizationId ? eq(signals.organizationId, f.organizationId) : undefined,
    f.caseId ? eq(signals.caseId, f.caseId) : undefined,
    f.detectedFrom ? gte(signals.detectedAt, new Date(f.detectedFrom)) : undefined,
    f.detectedTo ? lt(signals.detectedAt, new Date(f.detectedTo)) : undefined,
    f.resolvedByEvent === undefined ? undefined : eq(signals.resolvedByEvent, f.resolvedByEvent),
    whether(caughtBeforeContact, f.caughtBeforeContact),
    whether(contactAvoided, f.contactAvoided),
    whether(hasDueTime, f.hasDueTime),
    whether(caseNobodyOwns, f.caseUnassigned),
  );
}

/** The ids of the live signals matching a filter, locked (SIGNAL_LOCK_ORDER); at most `limit`. */
export async function lockLiveSignalIds(db: Database, f: SignalFilter, limit: number) {
  const found = await db
    .select({ id: signals.id })
    .from(signals)
    .where(and(filters({ ...f, states: f.states?.length ? f.states : [...LIVE_SIGNAL_STATES] })))
    .orderBy(SIGNAL_LOCK_ORDER)
    .limit(limit)
    .for('update');
  return found.map((r) => r.id);
}

export async function listSignals(
  db: Database,
  q: SignalFilter & { limit: number; cursor?: string; includeTotal?: boolean },
) {
  const found = await selectSignals(db)
    .where(and(filters(q), afterCursor(newestFirst, q.cursor)))
    .orderBy(...orderBy(newestFirst))
    .limit(q.limit + 1);
  const page = toPage(found, q.limit);
  const total = await totalIf(db, q.includeTotal, signals, filters(q));
  return { ...page, total };
}

/** The events behind a signal, oldest first. */
export async function listEvidence(db: Database, signalId: string, limit: number) {
  return db
    .select({
      eventId: events.id,
      sourceEventId: events.eventId,
      type: events.type,
      occurredAt: events.occurredAt,
      refs: events.refs,
      data: events.data,
      addedAt: signalEvidence.addedAt,
    })
    .from(signalEvidence)
    .innerJoin(events, eq(events.id, signalEvidence.eventId))
    .where(eq(signalEvidence.signalId, signalId))
    .orderBy(asc(events.occurredAt), asc(signalEvidence.addedAt), asc(events.id))
    .limit(limit);
}

export async function listActions(db: Database, signalId: string) {
  return db
    .select({
      id: signalActions.id,
      position: signalActions.position,
      kind: signalActions.kind,
      state: signalActions.state,
      attempts: signalActions.attempts,
      result: signalActions.result,
      error: signalActions.error,
      doneAt: signalActions.doneAt,
      heldSince: signalActions.heldSince,
      heldReason: signalActions.heldReason,
      holdReleasedAt: signalActions.holdReleasedAt,
    })
    .from(signalActions)
    .where(eq(signalActions.signalId, signalId))
    .orderBy(asc(signalActions.position));
}

/** Locks a signal for a state change; its state, or undefined when there is none. */
export async function lockSignal(db: Database, id: string) {
  const [row] = await db
    .select({ id: signals.id, state: signals.state })
    .from(signals)
    .where(eq(signals.id, id))
    .for('update');
  return row;
}

/** A signal's action, locked (the action job's runners skip it meanwhile). */
export async function lockAction(db: Database, signalId: string, actionId: string) {
  const [row] = await db
    .select()
    .from(signalActions)
    .where(and(eq(signalActions.id, actionId), eq(signalActions.signalId, signalId)))
    .for('update');
  return row;
}

/** A held customer mail goes out at the job's next turn, and is not held again. */
export async function releaseHeldMail(db: Database, actionId: string) {
  await db
    .update(signalActions)
    .set({ holdReleasedAt: sql`now()`, runAfter: sql`now()` })
    .where(eq(signalActions.id, actionId));
}

/** Customer mails held back now, while the source of their awaited event is silent (held-mails.ts). */
export async function countHeldCustomerMails(db: Database): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(signalActions)
    .where(
      and(
        eq(signalActions.state, 'pending'),
        sql`${signalActions.heldSince} is not null and ${signalActions.holdReleasedAt} is null`,
      ),
    );
  return row?.n ?? 0;
}

/**
 * The order in which a transaction locks several signals: the engine's (rule, then dedupe key,
 * compared byte by byte, as openSignals and resolveSignals take them), then id for ended ones
 * that share a key. A bulk close and an ingest touching the same signals then queue instead of
 * deadlocking.
 */
export const SIGNAL_LOCK_ORDER = sql.raw(`rule_id::text collate "C", dedupe_key collate "C", id`);

/** Locks these signals (SIGNAL_LOCK_ORDER: two bulk closes cannot deadlock), and answers their states. */
export async function lockSignals(db: Database, ids: string[]) {
  return db
    .select({ id: signals.id, state: signals.state })
    .from(signals)
    .where(inArray(signals.id, ids))
    .orderBy(SIGNAL_LOCK_ORDER)
    .for('update');
}

/**
 * Ends these signals (locked, live) with one state and resolution each, and skips their pending
 * actions. Answers how many actions each signal had skipped (absent: none).
 */
export async function closeSignals(
  db: Database,
  closing: { id: string; resolution: string }[],
  state: 'resolved' | 'dismissed',
): Promise<Map<string, number>> {
  if (closing.length === 0) return new Map();
  const ids = closing.map((c) => c.id);
  await db.execute(sql`
    update signals s set state = ${state}, resolution = v.resolution, resolved_at = now(),
      updated_at = clock_timestamp()
    from unnest(${sql.param(ids)}::uuid[], ${sql.param(closing.map((c) => c.resolution))}::text[])
      as v(id, resolution)
    where s.id = v.id`);
  const skipped = await db
    .update(signalActions)
    .set({ state: 'skipped', doneAt: sql`now()`, error: `the signal was ${state} first` })
    .where(and(inArray(signalActions.signalId, ids), eq(signalActions.state, 'pending')))
    .returning({ signalId: signalActions.signalId });
  const perSignal = new Map<string, number>();
  for (const a of skipped) perSignal.set(a.signalId, (perSignal.get(a.signalId) ?? 0) + 1);
  return perSignal;
}

// ---- board ---------------------------------------------------------------------------------

const live = inArray(signals.state, LIVE_SIGNAL_STATES);
const severityRank = sql`case ${signals.severity} when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end`;

/** Live signals, most severe first, then oldest first. */
export async function listLiveSignals(db: Database, limit: number) {
  return selectSignals(db)
    .where(live)
    .orderBy(asc(severityRank), asc(signals.detectedAt), asc(signals.id))
    .limit(limit);
}

/**
 * Live signals (open or acted on) whose case nobody owns, as their pills say ("… · nobody on it"):
 * the board's line linking to the Signals page's list of them.
 */
export async function countLiveCaseUnassigned(db: Database): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(signals)
    .where(filters({ states: [...LIVE_SIGNAL_STATES], caseUnassigned: true }));
  return row?.n ?? 0;
}

export async function countLiveBySeverity(db: Database) {
  return db
    .select({ severity: signals.severity, n: sql<number>`count(*)::int` })
    .from(signals)
    .where(live)
    .groupBy(signals.severity);
}
