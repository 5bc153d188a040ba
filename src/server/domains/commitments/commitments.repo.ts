// SQL of commitments (promises on operations, measured per instance): lists, the board's due-soon
// slice, and the on-time rates. The engine that opens and closes them lives elsewhere
// (commitments.engine.ts); here they are only read.
import { and, asc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import { COMMITMENT_STATES, type CommitmentState } from '../../../shared/schemas/signals.js';
import { badRequest } from '../../lib/errors.js';
import {
  afterCursor,
  decodeCursor,
  orderBy,
  pastKey,
  sortKey,
  toPage,
  type Sort,
  totalIf,
} from '../../lib/pagination.js';
import { agreements } from '../agreements/agreements.table.js';
import { customers } from '../customers/customers.table.js';
import { organizations } from '../organizations/organizations.table.js';
import { segments } from '../segments/segments.table.js';
import { commitments } from './commitments.table.js';

const columns = {
  id: commitments.id,
  agreementId: commitments.agreementId,
  agreementName: agreements.name,
  key: commitments.key,
  name: commitments.name,
  mode: commitments.mode,
  customerId: commitments.customerId,
  customerName: customers.name,
  organizationId: commitments.organizationId,
  refKey: commitments.refKey,
  refValue: commitments.refValue,
  state: commitments.state,
  openedAt: commitments.openedAt,
  dueAt: commitments.dueAt,
  closedAt: commitments.closedAt,
  openedByEventId: commitments.openedByEventId,
  closedByEventId: commitments.closedByEventId,
  repromised: commitments.repromised,
  about: caseAbout(),
};

/**
 * The customer's case about the commitment's ref (its refs carry the same value under the same
 * key): an unsolved one first, else the latest; not a deleted or merged one. A probe per row,
 * inside the list's one statement: the customer's cases (`cases_customer`) and the cases with
 * that ref (`cases_refs`, a containment test: refs hold strings, so `refs @> {key: value}` is
 * `refs ->> key = value`), the two bitmaps together. With the customer's cases alone the probe
 * read every case of theirs for every row: 1 ms a row for a customer with 700 cases.
 */
function caseAbout() {
  return sql<{ id: string; number: number; assigneeId: string | null; assigneeName: string | null } | null>`(
    select json_build_object('id', c.id, 'number', c.number, 'assigneeId', u.id, 'assigneeName', u.name)
    from cases c left join users u on u.id = c.assignee_id
    where c.customer_id = ${commitments.customerId} and c.deleted_at is null and c.merged_into_id is null
      and c.refs <> '{}'::jsonb and c.refs @> jsonb_build_object(${commitments.refKey}, ${commitments.refValue})
    order by c.status in ('solved', 'closed'), c.created_at desc, c.id desc
    limit 1)`;
}

const byDue: Sort = { column: commitments.dueAt, idColumn: commitments.id, desc: false };
const byDueDesc: Sort = { ...byDue, desc: true };

/**
 * The "needs attention first" order: overdue ones (the longest overdue first), then open ones
 * (the soonest due first), then the closed ones (the latest due first). Each rank is read on its
 * own, in its own direction, until the page is full: one ORDER BY over the three would sort every
 * row (a CASE on the state leads it), where each rank alone walks an index (the live ones few,
 * open ones on commitments_due, closed ones on commitments_list backwards).
 */
const ATTENTION_RANKS: { states: readonly CommitmentState[]; desc: boolean }[] = [
  { states: ['overdue'], desc: false },
  { states: ['open'], desc: false },
  { states: COMMITMENT_STATES.filter((s) => s !== 'open' && s !== 'overdue'), desc: true },
];

/** A timestamptz as PostgreSQL prints it: a tampered cursor is refused, not an SQL error. */
const PRINTED_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?([+-]\d\d(:\d\d){0,2})?$/;

/** Where an attention cursor stands: its rank, and the row's due time and id within it. */
function attentionCursor(cursor: string | undefined): { rank: number; due: string; id: string } | undefined {
  if (!cursor) return undefined;
  const { value, id } = decodeCursor(cursor);
  const cut = value.indexOf(' ');
  const rank = Number(value.slice(0, cut));
  const due = value.slice(cut + 1);
  if (cut < 0 || !Number.isInteger(rank) || !ATTENTION_RANKS[rank] || !PRINTED_TIME.test(due))
    throw badRequest('invalid_cursor', 'query.cursor: not a cursor this list handed out');
  return { rank, due, id };
}

export type CommitmentSort = 'attention' | 'dueAt' | '-dueAt';

/** The select every commitment answer uses; `sortKey` is the due orders' cursor value. */
function selectCommitments(db: Database) {
  return db
    .select({ ...columns, sortKey: sortKey(byDue) })
    .from(commitments)
    .innerJoin(agreements, eq(agreements.id, commitments.agreementId))
    .leftJoin(customers, eq(customers.id, commitments.customerId));
}

export type CommitmentRow = Awaited<ReturnType<typeof findCommitment>> & {};

export async function findCommitment(db: Database, id: string) {
  const [row] = await selectCommitments(db).where(eq(commitments.id, id)).limit(1);
  return row;
}

/**
 * A commitment's customer, read without a lock (a commitment's customer changes only when a
 * merge moves it): what to take a share of before the commitment's row is locked.
 */
export async function customerOfCommitment(db: Database, id: string) {
  const [row] = await db
    .select({ customerId: commitments.customerId })
    .from(commitments)
    .where(eq(commitments.id, id))
    .limit(1);
  return row;
}

/** Locks a commitment's row for the rest of the transaction; undefined when there is none. */
export async function lockCommitment(tx: Database, id: string) {
  const [row] = await tx
    .select({ id: commitments.id, customerId: commitments.customerId })
    .from(commitments)
    .where(eq(commitments.id, id))
    .for('update');
  return row;
}

export interface CommitmentFilter {
  states?: CommitmentState[];
  customerId?: string;
  organizationId?: string;
  agreementId?: string;
  key?: string;
  ref?: string;
  segment?: string;
  dueBefore?: string;
  dueAfter?: string;
  closedFrom?: string;
  closedBefore?: string;
}

function filters(f: CommitmentFilter): SQL | undefined {
  return and(
    f.states?.length ? inArray(commitments.state, f.states) : undefined,
    f.customerId ? eq(commitments.customerId, f.customerId) : undefined,
    f.organizationId ? eq(commitments.organizationId, f.organizationId) : undefined,
    f.agreementId ? eq(commitments.agreementId, f.agreementId) : undefined,
    f.key ? eq(commitments.key, f.key) : undefined,
    f.ref ? eq(commitments.refValue, f.ref) : undefined,
    f.dueBefore ? lt(commitments.dueAt, new Date(f.dueBefore)) : undefined,
    f.dueAfter ? gte(commitments.dueAt, new Date(f.dueAfter)) : undefined,
    f.segment ? eq(commitments.segment, f.segment) : undefined,
    // Open and overdue ones have no closedAt, so a closed period leaves them out, as the rates do.
    f.closedFrom ? gte(commitments.closedAt, new Date(f.closedFrom)) : undefined,
    f.closedBefore ? lt(commitments.closedAt, new Date(f.closedBefore)) : undefined,
  );
}

export async function listCommitments(
  db: Database,
  q: CommitmentFilter & { sort?: CommitmentSort; limit: number; cursor?: string; includeTotal?: boolean },
) {
  // The due orders page by the same key (the due time, then the id), so one cursor value serves
  // both; the attention order's key leads with the state's rank.
  const sort = q.sort === '-dueAt' ? byDueDesc : byDue;
  const found =
    q.sort === 'attention'
      ? await listByAttention(db, q)
      : await selectCommitments(db)
          .where(and(filters(q), afterCursor(sort, q.cursor)))
          .orderBy(...orderBy(sort))
          .limit(q.limit + 1);
  const page = toPage(found, q.limit);
  const total = await totalIf(db, q.includeTotal, commitments, filters(q));
  return { ...page, total };
}

/**
 * Up to `limit + 1` rows in the attention order after the cursor: rank by rank, each on its index,
 * skipping the ranks the state filter leaves out. The cursor value is the rank, a space, and the
 * due time as PostgreSQL prints it.
 */
async function listByAttention(db: Database, q: CommitmentFilter & { limit: number; cursor?: string }) {
  const at = attentionCursor(q.cursor);
  const found: CommitmentListRow[] = [];
  for (let rank = at?.rank ?? 0; rank < ATTENTION_RANKS.length && found.length <= q.limit; rank++) {
    const { states, desc } = ATTENTION_RANKS[rank]!;
    const wanted = q.states?.length ? states.filter((s) => q.states!.includes(s)) : states;
    if (!wanted.length) continue;
    const sort = desc ? byDueDesc : byDue;
    const rows = await selectCommitments(db)
      .where(
        and(
          filters({ ...q, states: undefined }),
          inArray(commitments.state, [...wanted]),
          at && rank === at.rank ? pastKey(sort, at.due, at.id) : undefined,
        ),
      )
      .orderBy(...orderBy(sort))
      .limit(q.limit + 1 - found.length);
    found.push(...rows.map((row) => ({ ...row, sortKey: `${rank} ${row.sortKey}` })));
  }
  return found;
}

type CommitmentListRow = Awaited<ReturnType<ReturnType<typeof selectCommitments>['where']>>[number];

/** Overdue commitments, and open ones due by `until`: soonest first. */
export async function listDueSoonCommitments(db: Database, until: Date, limit: number) {
  return selectCommitments(db)
    .where(dueSoon(until))
    .orderBy(asc(commitments.dueAt), asc(commitments.id))
    .limit(limit);
}

/** A time as a query parameter, the same on both drivers. */
const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

const dueSoon = (until: Date) =>
  sql`(${commitments.state} = 'overdue' or (${commitments.state} = 'open' and ${commitments.dueAt} <= ${at(until)}))`;

export async function countDueSoonCommitments(db: Database, until: Date) {
  const [row] = await db
    .select({
      overdue: sql<number>`count(*) filter (where ${commitments.state} = 'overdue')::int`,
      dueSoon: sql<number>`count(*) filter (where ${commitments.state} = 'open')::int`,
    })
    .from(commitments)
    .where(dueSoon(until));
  return { overdue: row?.overdue ?? 0, dueSoon: row?.dueSoon ?? 0 };
}

/** How commitments closed in [from, to) ended, plus those overdue now. */
export async function commitmentOutcomes(db: Database, period: { from: Date; to: Date }) {
  const closedIn = sql`${commitments.closedAt} >= ${at(period.from)} and ${commitments.closedAt} < ${at(period.to)}`;
  const [row] = await db
    .select({
      met: sql<number>`count(*) filter (where ${commitments.state} = 'met' and ${closedIn})::int`,
      late: sql<number>`count(*) filter (where ${commitments.state} = 'late' and ${closedIn})::int`,
      broken: sql<number>`count(*) filter (where ${commitments.state} = 'broken' and ${closedIn})::int`,
      overdue: sql<number>`count(*) filter (where ${commitments.state} = 'overdue')::int`,
    })
    .from(commitments)
    .where(sql`(${commitments.state} = 'overdue' or (${closedIn}))`);
  return { met: row?.met ?? 0, late: row?.late ?? 0, broken: row?.broken ?? 0, overdue: row?.overdue ?? 0 };
}

export type RateGroup = 'customer' | 'organization' | 'segment' | 'agreement';

/**
 * On-time rates per group over the commitments closed in [from, to) (met, late, broken) and the
 * ones overdue now: one statement, worst first.
 */
export async function commitmentRates(
  db: Database,
  q: {
    by: RateGroup;
    from: Date;
    to: Date;
    key?: string;
    customerId?: string;
    organizationId?: string;
    /** null: every group (the CSV export). */
    limit: number | null;
  },
) {
  const group: Record<RateGroup, { id: SQL; name: SQL; join: SQL }> = {
    customer: {
      id: sql`${commitments.customerId}::text`,
      name: sql`${customers.name}`,
      join: sql`left join ${customers} on ${customers.id} = ${commitments.customerId}`,
    },
    organization: {
      id: sql`${commitments.organizationId}::text`,
      name: sql`${organizations.name}`,
      join: sql`left join ${organizations} on ${organizations.id} = ${commitments.organizationId}`,
    },
    segment: {
      id: sql`${commitments.segment}`,
      name: sql`${segments.name}`,
      join: sql`left join ${segments} on ${segments.key} = ${commitments.segment}`,
    },
    agreement: {
      id: sql`${commitments.agreementId}::text`,
      name: sql`${agreements.name}`,
      join: sql`left join ${agreements} on ${agreements.id} = ${commitments.agreementId}`,
    },
  };
  const g = group[q.by];
  const closedIn = sql`${commitments.closedAt} >= ${at(q.from)} and ${commitments.closedAt} < ${at(q.to)}`;
  return rows<{
    group_id: string | null;
    group_name: string | null;
    met: number;
    late: number;
    broken: number;
    overdue: number;
    on_time_rate: number | null;
  }>(
    db,
    sql`
    select group_id, group_name, met, late, broken, overdue,
      met::float8 / nullif(met + late + broken + overdue, 0) as on_time_rate
    from (
      select ${g.id} as group_id, ${g.name} as group_name,
        count(*) filter (where ${commitments.state} = 'met')::int as met,
        count(*) filter (where ${commitments.state} = 'late')::int as late,
        count(*) filter (where ${commitments.state} = 'broken')::int as broken,
        count(*) filter (where ${commitments.state} = 'overdue')::int as overdue
      from ${commitments} ${g.join}
      where (
        ${commitments.state} = 'overdue'
        or (${commitments.state} in ('met', 'late', 'broken') and ${closedIn})
      )
      ${q.key ? sql`and ${commitments.key} = ${q.key}` : sql``}
      ${q.customerId ? sql`and ${commitments.customerId} = ${q.customerId}` : sql``}
      ${q.organizationId ? sql`and ${commitments.organizationId} = ${q.organizationId}` : sql``}
      group by 1, 2
    ) g
    order by on_time_rate asc nulls last, group_name asc nulls last, group_id asc nulls last
    ${q.limit === null ? sql`` : sql`limit ${q.limit}`}
  `,
  );
}
