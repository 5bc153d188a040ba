// How a promise clock turned out, in SQL over `case_promises p`: when it was decided, whether it
// was met on time, breached or is overdue now. One definition for PSA target compliance (the
// KPIs, signals/kpis.repo.ts) and for the case queue's filters that list the cases behind its
// counts (cases.repo.ts `caseFilters`), so a count and its list cannot drift apart.
import { sql, type SQL } from 'drizzle-orm';
import type { PromiseOutcome } from '../../../shared/schemas/cases.js';

/**
 * When a clock was decided: a breached clock at its breach (even when fulfilled late since), a
 * met one when it was met. The expression of index `case_promises_decided`, written the same
 * (over the alias `p`) so the planner uses it.
 */
export const decidedAt = sql`(case when p.state = 'breached' then p.breached_at else p.met_at end)`;

/** Past its due time and not fulfilled now (an active one in the second before the scheduler flips it). */
export const overdueNow = sql`((p.state = 'breached' and p.met_at is null) or (p.state = 'active' and p.due_at < now()))`;

/**
 * The clock's case is not deleted: a deleted case (spam, a duplicate nobody needs, a test) counts
 * in no compliance figure, its kept and missed clocks staying with it for the audit log only. An
 * anti-join against the few deleted cases, for the reads that need nothing else of the case (at
 * 100,000 cases, joining every counted clock with every case was a third of the compliance read).
 * The case list gets the same from its own `deleted_at is null`.
 */
export const onLiveCase = sql`not exists (select 1 from cases c where c.id = p.case_id and c.deleted_at is not null)`;

const at = (iso: string) => sql`${iso}::timestamptz`;

/** Decided in [from, to): either bound may be open. */
export function decidedIn(period: { from?: string; to?: string }): SQL {
  const parts = [
    period.from ? sql`${decidedAt} >= ${at(period.from)}` : undefined,
    period.to ? sql`${decidedAt} < ${at(period.to)}` : undefined,
  ].filter((p): p is SQL => p !== undefined);
  return parts.length ? sql.join(parts, sql` and `) : sql`true`;
}

/**
 * A clock of outcome `outcome`: decided (met on time, or breached) in the period, met on time,
 * breached (whether fulfilled late since or not), or overdue now (whatever the period).
 */
export function outcomeCondition(outcome: PromiseOutcome, period: { from?: string; to?: string }): SQL {
  switch (outcome) {
    case 'decided':
      return sql`p.state in ('met', 'breached') and ${decidedIn(period)}`;
    case 'met_on_time':
      return sql`p.state = 'met' and ${decidedIn(period)}`;
    case 'breached':
      return sql`p.state = 'breached' and ${decidedIn(period)}`;
    case 'overdue':
      return overdueNow;
  }
}
