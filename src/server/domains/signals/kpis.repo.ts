// SQL of the proactive KPIs: the period's totals, the same counts per day, week or month (a
// trend, buckets in the viewer's time zone), and per rule (which rules catch risks early, which
// raise false alarms). Each is one set-based statement over the period's signals (index
// `signals_detected`) and commitments; PSA target compliance likewise over promise clocks (index
// `case_promises_decided`).
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import type { KpiInterval } from '../../../shared/schemas/signals.js';
import { decidedAt, onLiveCase, outcomeCondition, overdueNow } from '../cases/promise-outcomes.js';
import { dismissedByErasure, dismissedByPeople } from './end-signals.js';
import { caughtBeforeContact, contactAvoided } from './kpi-conditions.js';
import { signals } from './signals.table.js';

export interface Period {
  from: Date;
  to: Date;
}

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const inPeriod = (p: Period) =>
  sql`${signals.detectedAt} >= ${at(p.from)} and ${signals.detectedAt} < ${at(p.to)}`;
const leadMinutes = sql`extract(epoch from (${signals.dueAt} - ${signals.detectedAt})) / 60`;
const caught = caughtBeforeContact;
const avoided = contactAvoided;
// A dismissal counts against its rule unless the customer's erasure made it.
const dismissedAlarm = dismissedByPeople(sql`${signals.state}`, sql`${signals.resolution}`);
const dismissedErased = dismissedByErasure(sql`${signals.state}`, sql`${signals.resolution}`);

/** Signals detected in [from, to): the counts and lead-time percentiles of the proactive KPIs. */
export async function signalKpis(db: Database, period: Period) {
  const [totals] = await db
    .select({
      signals: sql<number>`count(*)::int`,
      caught: sql<number>`count(*) filter (where ${caught})::int`,
      avoided: sql<number>`count(*) filter (where ${avoided})::int`,
      // percentile_cont ignores the nulls of signals without a due time.
      median: sql<number | null>`percentile_cont(0.5) within group (order by ${leadMinutes})::float8`,
      p90: sql<number | null>`percentile_cont(0.9) within group (order by ${leadMinutes})::float8`,
      leadCount: sql<number>`count(${signals.dueAt})::int`,
    })
    .from(signals)
    .where(inPeriod(period));
  const bySeverity = await db
    .select({ severity: signals.severity, n: sql<number>`count(*)::int` })
    .from(signals)
    .where(inPeriod(period))
    .groupBy(signals.severity);
  return { totals: totals!, bySeverity };
}

export interface TrendRow {
  start: Date;
  end: Date;
  signals: number;
  caught: number;
  avoided: number;
  dismissed: number;
  resolved_by_event: number;
  lead_median: number | null;
  met: number;
  late: number;
  broken: number;
}

/**
 * The buckets of a trend: every local day, week (from Monday) or month in `timezone` that
 * overlaps [from, to). `bucketOf(column)` is the bucket of a time, `series` the buckets (a CTE
 * `b` of `bucket`), `bounds` a bucket's start and end as instants (`start`, `end` over `b`).
 */
function localBuckets(q: Period & { interval: KpiInterval; timezone: string }) {
  const tz = sql`${q.timezone}::text`;
  const unit = sql`${q.interval}::text`;
  const step = sql`('1 ' || ${unit})::interval`;
  const bucketOf = (column: SQL) => sql`date_trunc(${unit}, ${column} at time zone ${tz})`;
  return {
    bucketOf,
    series: sql`select g as bucket from generate_series(${bucketOf(at(q.from))},
      (${at(q.to)} at time zone ${tz}) - interval '1 microsecond', ${step}) g`,
    bounds: sql`b.bucket at time zone ${tz} as start, (b.bucket + ${step}) at time zone ${tz} as "end"`,
  };
}

/**
 * The KPIs per bucket of the period: every local day, week (from Monday) or month in `timezone`
 * that overlaps [from, to), empty ones included, oldest first. Signals count in the bucket of
 * their detection, commitments in the bucket they closed in. Local arithmetic, so a bucket
 * spanning a daylight-saving change is 23 or 25 hours long.
 */
export async function signalTrend(
  db: Database,
  q: Period & { interval: KpiInterval; timezone: string },
): Promise<TrendRow[]> {
  const { bucketOf, series, bounds } = localBuckets(q);
  return rows<TrendRow>(
    db,
    sql`
    with s as (
      select ${bucketOf(sql`${signals.detectedAt}`)} as bucket,
        count(*)::int as signals,
        count(*) filter (where ${caught})::int as caught,
        count(*) filter (where ${avoided})::int as avoided,
        count(*) filter (where ${dismissedAlarm})::int as dismissed,
        count(*) filter (where ${signals.resolvedByEvent})::int as resolved_by_event,
        percentile_cont(0.5) within group (order by ${leadMinutes})::float8 as lead_median
      from ${signals}
      where ${inPeriod(q)}
      group by 1
    ), c as (
      select ${bucketOf(sql`closed_at`)} as bucket,
        count(*) filter (where state = 'met')::int as met,
        count(*) filter (where state = 'late')::int as late,
        count(*) filter (where state = 'broken')::int as broken
      from commitments
      where closed_at >= ${at(q.from)} and closed_at < ${at(q.to)} and state in ('met', 'late', 'broken')
      group by 1
    ), b as (${series})
    select ${bounds},
      coalesce(s.signals, 0) as signals, coalesce(s.caught, 0) as caught, coalesce(s.avoided, 0) as avoided,
      coalesce(s.dismissed, 0) as dismissed, coalesce(s.resolved_by_event, 0) as resolved_by_event,
      s.lead_median, coalesce(c.met, 0) as met, coalesce(c.late, 0) as late, coalesce(c.broken, 0) as broken
    from b left join s on s.bucket = b.bucket left join c on c.bucket = b.bucket
    order by b.bucket`,
  );
}

export interface RuleOutcomeRow {
  rule_id: string;
  name: string;
  kind: 'match' | 'absence' | 'threshold';
  severity: string;
  enabled: boolean;
  deleted: boolean;
  signals: number;
  live: number;
  resolved: number;
  resolved_by_event: number;
  dismissed: number;
  dismissed_erased: number;
  cases_opened: number;
  caught: number;
  avoided: number;
  lead_median: number | null;
  last_detected_at: Date | null;
}

/**
 * Per rule, the signals detected in [from, to) and what became of them. Every rule not deleted
 * (a rule that caught nothing is worth seeing too) and deleted rules with signals in the period;
 * most signals first.
 */
export async function ruleOutcomes(db: Database, period: Period): Promise<RuleOutcomeRow[]> {
  return rows<RuleOutcomeRow>(
    db,
    sql`
    with s as (
      select ${signals.ruleId} as rule_id,
        count(*)::int as signals,
        count(*) filter (where ${signals.state} in ('open', 'acted'))::int as live,
        count(*) filter (where ${signals.state} = 'resolved')::int as resolved,
        count(*) filter (where ${signals.resolvedByEvent})::int as resolved_by_event,
        count(*) filter (where ${dismissedAlarm})::int as dismissed,
        count(*) filter (where ${dismissedErased})::int as dismissed_erased,
        count(${signals.caseId})::int as cases_opened,
        count(*) filter (where ${caught})::int as caught,
        count(*) filter (where ${avoided})::int as avoided,
        percentile_cont(0.5) within group (order by ${leadMinutes})::float8 as lead_median,
        max(${signals.detectedAt}) as last_detected_at
      from ${signals}
      where ${inPeriod(period)}
      group by 1
    )
    select r.id as rule_id, r.name, r.kind, r.severity, r.enabled, r.deleted_at is not null as deleted,
      coalesce(s.signals, 0) as signals, coalesce(s.live, 0) as live, coalesce(s.resolved, 0) as resolved,
      coalesce(s.resolved_by_event, 0) as resolved_by_event, coalesce(s.dismissed, 0) as dismissed,
      coalesce(s.dismissed_erased, 0) as dismissed_erased, coalesce(s.cases_opened, 0) as cases_opened, coalesce(s.caught, 0) as caught,
      coalesce(s.avoided, 0) as avoided, s.lead_median, s.last_detected_at
    from signal_rules r left join s on s.rule_id = r.id
    where r.deleted_at is null or s.rule_id is not null
    order by coalesce(s.signals, 0) desc, r.name, r.id`,
  );
}

export type PromiseGroup = 'kind' | 'agreement' | 'team' | 'assignee' | 'channel' | 'segment';

export interface PromiseComplianceSqlRow {
  total: boolean;
  group_id: string | null;
  group_name: string | null;
  decided: number;
  met_on_time: number;
  breached: number;
  met_late: number;
  overdue_now: number;
  median_target_used: number | null;
  /** The distinct cases behind each count (what the case queue lists for it). */
  decided_cases: number;
  met_on_time_cases: number;
  breached_cases: number;
  overdue_now_cases: number;
}

/**
 * PSA target compliance: per group, the promise clocks of cases (not deleted) decided in
 * [from, to) and those overdue now, and the totals over all groups, in one statement (grouping
 * sets; the totals row has `total`). Groups are the case's team, assignee and channel as they are
 * now, the customer's effective segment (own, else the organization's) as it is now.
 */
export async function promiseCompliance(
  db: Database,
  q: Period & { groupBy: PromiseGroup },
): Promise<PromiseComplianceSqlRow[]> {
  return rows<PromiseComplianceSqlRow>(db, promiseComplianceSql(q));
}

function promiseComplianceSql(q: Period & { groupBy: PromiseGroup }): SQL {
  // `caseColumns`: the group is the case's (or its customer's), so every clock is joined to its
  // case; a group of the clock's own (kind, agreement) needs only `onLiveCase`.
  const group: Record<PromiseGroup, { id: SQL; name: SQL; join: SQL; caseColumns: boolean }> = {
    kind: { id: sql`p.kind`, name: sql`p.kind`, join: sql``, caseColumns: false },
    agreement: {
      id: sql`p.agreement_id::text`,
      name: sql`a.name`,
      join: sql`join agreements a on a.id = p.agreement_id`,
      caseColumns: false,
    },
    team: {
      id: sql`c.team_id::text`,
      name: sql`t.name`,
      join: sql`left join teams t on t.id = c.team_id`,
      caseColumns: true,
    },
    assignee: {
      id: sql`c.assignee_id::text`,
      name: sql`u.name`,
      join: sql`left join users u on u.id = c.assignee_id`,
      caseColumns: true,
    },
    channel: { id: sql`c.channel`, name: sql`c.channel`, join: sql``, caseColumns: true },
    segment: {
      id: sql`coalesce(cu.segment, o.segment)`,
      name: sql`sg.name`,
      join: sql`join customers cu on cu.id = c.customer_id
        left join organizations o on o.id = cu.organization_id
        left join segments sg on sg.key = coalesce(cu.segment, o.segment)`,
      caseColumns: true,
    },
  };
  const g = group[q.groupBy];
  // The definitions the case queue's filters use too (promiseOutcome, decidedFrom, decidedTo).
  const period = { from: q.from.toISOString(), to: q.to.toISOString() };
  const decided = outcomeCondition('decided', period);
  const metOnTime = outcomeCondition('met_on_time', period);
  const breached = outcomeCondition('breached', period);
  const liveCase = g.caseColumns
    ? { join: sql`join cases c on c.id = p.case_id`, where: sql`c.deleted_at is null` }
    : { join: sql``, where: onLiveCase };
  return sql`
    select grouping(${g.id}) = 1 as total, ${g.id} as group_id, ${g.name} as group_name,
      count(*) filter (where ${decided})::int as decided,
      count(*) filter (where ${metOnTime})::int as met_on_time,
      count(*) filter (where ${breached})::int as breached,
      count(*) filter (where ${breached} and p.met_at is not null)::int as met_late,
      count(*) filter (where ${overdueNow})::int as overdue_now,
      (percentile_cont(0.5) within group (order by p.used_ms::float8 / nullif(p.target_minutes * 60000, 0))
        filter (where ${metOnTime}))::float8 as median_target_used,
      count(distinct p.case_id) filter (where ${decided})::int as decided_cases,
      count(distinct p.case_id) filter (where ${metOnTime})::int as met_on_time_cases,
      count(distinct p.case_id) filter (where ${breached})::int as breached_cases,
      count(distinct p.case_id) filter (where ${overdueNow})::int as overdue_now_cases
    from case_promises p
    ${liveCase.join}
    ${g.join}
    where ${liveCase.where}
      and ((${decided}) or ${overdueNow})
    group by grouping sets ((${g.id}, ${g.name}), ())`;
}

export interface PromiseTrendRow {
  start: Date;
  end: Date;
  decided: number;
  met_on_time: number;
  breached: number;
}

/**
 * PSA target compliance per local day, week (from Monday) or month in `timezone` overlapping
 * [from, to), empty buckets included, oldest first: the clocks of cases (not deleted) decided in
 * each, by the definitions of `promiseCompliance` (a clock counts in the bucket of its decision).
 */
export async function promiseTrend(
  db: Database,
  q: Period & { interval: KpiInterval; timezone: string },
): Promise<PromiseTrendRow[]> {
  const { bucketOf, series, bounds } = localBuckets(q);
  const period = { from: q.from.toISOString(), to: q.to.toISOString() };
  return rows<PromiseTrendRow>(
    db,
    sql`
    with d as (
      select ${bucketOf(decidedAt)} as bucket,
        count(*)::int as decided,
        count(*) filter (where p.state = 'met')::int as met_on_time,
        count(*) filter (where p.state = 'breached')::int as breached
      from case_promises p
      where ${onLiveCase} and ${outcomeCondition('decided', period)}
      group by 1
    ), b as (${series})
    select ${bounds},
      coalesce(d.decided, 0) as decided, coalesce(d.met_on_time, 0) as met_on_time,
      coalesce(d.breached, 0) as breached
    from b left join d on d.bucket = b.bucket
    order by b.bucket`,
  );
}
