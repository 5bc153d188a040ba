import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { rows, type Database } from '../../../db/client.js';
import { nextVersion } from '../../../db/columns.js';
import { NO_SEGMENT, type CaseListQuery } from '../../../shared/schemas/cases.js';
import type { CaseViewFilters } from '../../../shared/schemas/views.js';
import { afterCursor, containsPattern, orderBy, sortKey, toPage, type Sort } from '../../lib/pagination.js';
import { conflict } from '../../lib/errors.js';
import { agreements } from '../agreements/agreements.table.js';
import { users } from '../auth/auth.table.js';
import { customers } from '../customers/customers.table.js';
import { organizations } from '../organizations/organizations.table.js';
import { customerVisible } from '../../policies/cases.js';
import { teams } from '../teams/teams.table.js';
import { casePromises, cases } from './cases.table.js';
import { outcomeCondition } from './promise-outcomes.js';

const assignee = alias(users, 'assignee');

/**
 * A case's promises now, as the queue's `promise` filter reads them (and the Workload page counts
 * them); `c` is the cases table's name or alias. Exact and index-driven: next_due_at is the
 * earliest unmet due time (past = breached); next_warn_at the earliest warning of a running clock
 * (passed, nothing overdue = at risk).
 */
export const promiseNow = (c: string) => ({
  breached: sql.raw(`coalesce(${c}.next_due_at, 'infinity'::timestamptz) < now()`),
  at_risk: sql.raw(`${c}.next_warn_at <= now() and ${c}.next_due_at >= now()`),
});

/**
 * A new or open case whose customer's last message has no reply of ours after it: waiting on us
 * (pending and on hold wait on others). The queue's `awaitingReply` filter and the Workload page's
 * longest wait; `c` is the cases table's name or alias.
 */
export const awaitingReply = (c: string) =>
  sql.raw(`${c}.status in ('new', 'open') and ${c}.last_customer_message_at is not null
    and (${c}.last_agent_reply_at is null or ${c}.last_agent_reply_at < ${c}.last_customer_message_at)`);

export const caseColumns = {
  id: cases.id,
  number: cases.number,
  subject: cases.subject,
  customerId: cases.customerId,
  customerName: customers.name,
  customerEmail: customers.email,
  customerDeletedAt: customers.deletedAt,
  organizationId: cases.organizationId,
  organizationName: organizations.name,
  channel: cases.channel,
  category: cases.category,
  priority: cases.priority,
  status: cases.status,
  assigneeId: cases.assigneeId,
  assigneeName: assignee.name,
  teamId: cases.teamId,
  teamName: teams.name,
  tags: cases.tags,
  customFields: cases.customFields,
  requiredSkills: cases.requiredSkills,
  refs: cases.refs,
  agreementId: cases.agreementId,
  agreementName: agreements.name,
  mergedIntoId: cases.mergedIntoId,
  nextDueAt: cases.nextDueAt,
  firstRespondedAt: cases.firstRespondedAt,
  lastAgentReplyAt: cases.lastAgentReplyAt,
  lastCustomerMessageAt: cases.lastCustomerMessageAt,
  solvedAt: cases.solvedAt,
  closedAt: cases.closedAt,
  reopenCount: cases.reopenCount,
  followUpAt: cases.followUpAt,
  cc: cases.cc,
  createdAt: cases.createdAt,
  updatedAt: cases.updatedAt,
  /** Whether the customer side may see it (policies/cases.ts). */
  customerVisible,
};

export type CaseRow = NonNullable<Awaited<ReturnType<typeof findCase>>>;

function baseQuery(db: Database, extra: Record<string, SQL> = {}) {
  return db
    .select({ ...caseColumns, ...extra })
    .from(cases)
    .innerJoin(customers, eq(customers.id, cases.customerId))
    .leftJoin(organizations, eq(organizations.id, cases.organizationId))
    .leftJoin(assignee, eq(assignee.id, cases.assigneeId))
    .leftJoin(teams, eq(teams.id, cases.teamId))
    .leftJoin(agreements, eq(agreements.id, cases.agreementId));
}

export async function findCase(db: Database, id: string) {
  const [row] = await baseQuery(db)
    .where(and(eq(cases.id, id), isNull(cases.deletedAt)))
    .limit(1);
  return row;
}

/** A case by its number (what people quote: "case 29"). */
export async function findCaseByNumber(db: Database, number: number) {
  const [row] = await baseQuery(db)
    .where(and(eq(cases.number, number), isNull(cases.deletedAt)))
    .limit(1);
  return row;
}

/** 409 for writing into a merged case (a message, a side conversation): write in the one it went into. */
export const caseMerged = (c: { number: number }) =>
  conflict('case_merged', `case #${c.number} was merged: write in the case it was merged into`);

/** The case row alone, locked for a change. */
export async function lockCase(db: Database, id: string) {
  const [row] = await db
    .select()
    .from(cases)
    .where(and(eq(cases.id, id), isNull(cases.deletedAt)))
    .for('update');
  return row;
}

/**
 * A message written on the case (a reply, the customer's, a side conversation's): its version steps
 * on (If-Match; the queue's "Updated"), with the columns the message changes (`set`), in the
 * caller's transaction on the case it locked. The row as it is now.
 */
export async function touchCase(
  db: Database,
  id: string,
  set: Partial<Omit<typeof cases.$inferInsert, 'updatedAt'>> = {},
) {
  const [row] = await db
    .update(cases)
    .set({ ...set, updatedAt: nextVersion(new Date()) })
    .where(eq(cases.id, id))
    .returning();
  return row!;
}

/**
 * touchCase's columns without the version: for a message whose change of the case (a status,
 * through applyCaseUpdate) moves the version in the same transaction, so it steps once.
 */
export async function setMessageTimes(
  db: Database,
  id: string,
  set: Partial<Omit<typeof cases.$inferInsert, 'updatedAt'>>,
) {
  const [row] = await db.update(cases).set(set).where(eq(cases.id, id)).returning();
  return row!;
}

export async function listClocks(db: Database, caseIds: string[]) {
  if (caseIds.length === 0) return [];
  return db
    .select()
    .from(casePromises)
    .where(sql`${casePromises.caseId} = any(${sql.param(caseIds)}::uuid[])`)
    .orderBy(casePromises.caseId, casePromises.kind, casePromises.cycle);
}

const csvOf = (v: string[] | undefined) => (v && v.length ? v : undefined);

/**
 * Staff find a case by its customer's name or address, part of either ("weldon", "@fabrikam"): a
 * caller gives their name, not their case's words. On the customers' trigram indexes.
 */
const customerMatches = (q: string) =>
  sql` or ${cases.customerId} in (select c.id from customers c
    where lower(c.name) like ${containsPattern(q.trim())} or lower(c.email) like ${containsPattern(q.trim())})`;

/** SQL conditions for queue filters (from a saved view and/or the query string). */
export function caseFilters(
  f: CaseViewFilters & { q?: string },
  me: string | null,
  /** A customer's search reads the messages they can read: never internal notes or side conversations. */
  publicOnly = false,
): SQL | undefined {
  const inList = (col: AnyPgColumn, values: string[] | undefined) =>
    csvOf(values) ? sql`${col} = any(${sql.param(values)}::text[])` : undefined;
  return and(
    inList(cases.status, f.status),
    inList(cases.priority, f.priority),
    inList(cases.category, f.category),
    inList(cases.channel, f.channel),
    f.assigneeId === 'none'
      ? isNull(cases.assigneeId)
      : f.assigneeId === 'me'
        ? me
          ? eq(cases.assigneeId, me)
          : sql`false`
        : f.assigneeId
          ? eq(cases.assigneeId, f.assigneeId)
          : undefined,
    f.teamId === 'none' ? isNull(cases.teamId) : f.teamId ? eq(cases.teamId, f.teamId) : undefined,
    csvOf(f.tags) ? sql`${cases.tags} @> ${sql.param(f.tags)}::text[]` : undefined,
    f.customerId ? eq(cases.customerId, f.customerId) : undefined,
    f.organizationId ? eq(cases.organizationId, f.organizationId) : undefined,
    f.promise ? promiseNow('cases')[f.promise] : undefined,
    f.awaitingReply ? awaitingReply('cases') : undefined,
    promiseClockCondition(f),
    // A reopened case has no solvedAt: solved in the period and not reopened since.
    f.solvedFrom ? sql`${cases.solvedAt} >= ${f.solvedFrom}::timestamptz` : undefined,
    f.solvedTo ? sql`${cases.solvedAt} < ${f.solvedTo}::timestamptz` : undefined,
    f.segment === NO_SEGMENT
      ? sql`${cases.customerId} in (select cu.id from customers cu left join organizations o on o.id = cu.organization_id where coalesce(cu.segment, o.segment) is null)`
      : f.segment
        ? sql`${cases.customerId} in (select cu.id from customers cu left join organizations o on o.id = cu.organization_id where coalesce(cu.segment, o.segment) = ${f.segment})`
        : undefined,
    // "#1042" or "1042" also finds case number 1042.
    f.q && /^#?\d{1,15}$/.test(f.q.trim())
      ? sql`(${cases.number} = ${Number(f.q.trim().replace('#', ''))} or ${cases.searchVector} @@ plainto_tsquery('simple', ${f.q}))`
      : f.q
        ? sql`(${cases.searchVector} @@ plainto_tsquery('simple', ${f.q})
          or ${cases.id} in (select m.case_id from messages m where m.search_vector @@ plainto_tsquery('simple', ${f.q})${publicOnly ? sql` and m.public` : sql``})${publicOnly ? sql`` : customerMatches(f.q)})`
        : undefined,
  );
}

/**
 * Cases with a promise clock of the kind, agreement and outcome asked for (all of one clock), by
 * the definitions of PSA target compliance (promise-outcomes.ts). A period without an outcome
 * means decided in it.
 */
function promiseClockCondition(f: CaseViewFilters): SQL | undefined {
  const period = { from: f.decidedFrom, to: f.decidedTo };
  const outcome = f.promiseOutcome ?? (f.decidedFrom || f.decidedTo ? 'decided' : undefined);
  if (!outcome && !f.promiseKind && !f.promiseAgreementId) return undefined;
  const parts = [
    sql`p.case_id = ${cases.id}`,
    f.promiseKind ? sql`p.kind = ${f.promiseKind}` : undefined,
    f.promiseAgreementId ? sql`p.agreement_id = ${f.promiseAgreementId}` : undefined,
    outcome ? outcomeCondition(outcome, period) : undefined,
  ].filter((p): p is SQL => p !== undefined);
  return sql`exists (select 1 from case_promises p where ${sql.join(parts, sql` and `)})`;
}

export const CASE_SORT_COLUMNS = {
  // Cases without running clocks sort last in the urgency order.
  nextDueAt: sql`coalesce(${cases.nextDueAt}, 'infinity'::timestamptz)`,
  createdAt: cases.createdAt,
  updatedAt: cases.updatedAt,
  // The waiting cases due to be looked at first; cases without a follow-up last.
  followUpAt: sql`coalesce(${cases.followUpAt}, 'infinity'::timestamptz)`,
};

export async function listCases(
  db: Database,
  q: Pick<CaseListQuery, 'limit' | 'cursor' | 'includeTotal'>,
  where: SQL | undefined,
  sort: Sort,
) {
  const live = and(isNull(cases.deletedAt), where);
  const found = await baseQuery(db, { sortKey: sortKey(sort) })
    .where(and(live, afterCursor(sort, q.cursor)))
    .orderBy(...orderBy(sort))
    .limit(q.limit + 1);
  const page = toPage(found as ((typeof found)[number] & { sortKey: string })[], q.limit);
  let total: number | undefined;
  if (q.includeTotal) total = await countCases(db, where);
  return { ...page, total };
}

/** Exact counts up to this many; beyond, a view says "10,000+" (bounded work at any size). */
export const VIEW_COUNT_CAP = 10_000;

/** Counts at most `cap` matching cases: reads no more than `cap` index entries. */
export async function countCasesCapped(db: Database, where: SQL | undefined, cap = VIEW_COUNT_CAP) {
  const [row] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from (select 1 from ${cases} where ${and(isNull(cases.deletedAt), where)} limit ${cap + 1}) t`,
  );
  const n = row?.n ?? 0;
  return { count: Math.min(n, cap), capped: n > cap };
}

export async function countCases(db: Database, where: SQL | undefined) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(cases)
    .where(and(isNull(cases.deletedAt), where));
  return row?.n ?? 0;
}
