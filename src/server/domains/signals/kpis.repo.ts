// SQL of the proactive KPIs: the period's totals, the same counts per day, week or month (a
// trend, buckets in the viewer's time zone), and per rule (which rules catch risks early, which
// raise false alarms). Each is one set-based statement over the period's signals (index
// `signals_detected`) and commitments.
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import type { KpiInterval } from '../../../shared/schemas/signals.js';
import { signals } from './signals.table.js';

export interface Period {
  from: Date;
  to: Date;
}

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const inPeriod = (p: Period) =>
  sql`${signals.detectedAt} >= ${at(p.from)} and ${signals.detectedAt} < ${at(p.to)}`;
const leadMinutes = sql`extract(epoch from (${signals.dueAt} - ${signals.detectedAt})) / 60`;
/** The customer had not written in when the signal was detected. */
const caught = sql`not ${signals.customerContactedFirst}`;
/** Handled, and the customer never wrote in about it. */
const avoided = sql`${signals.state} in ('acted', 'resolved') and ${signals.customerContactAt} is null
  and not ${signals.customerContactedFirst}`;

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
 * The KPIs per bucket of the period: every local day, week (from Monday) or month in `timezone`
 * that overlaps [from, to), empty ones included, oldest first. Signals count in the bucket of
 * their detection, commitments in the bucket they closed in. Local arithmetic, so a bucket
 * spanning a daylight-saving change is 23 or 25 hours long.
 */
export async function signalTrend(
  db: Database,
  q: Period & { interval: KpiInterval; timezone: string },
): Promise<TrendRow[]> {
  const tz = sql`${q.timezone}::text`;
  const unit = sql`${q.interval}::text`;
  const step = sql`('1 ' || ${unit})::interval`;
  const bucketOf = (column: SQL) => sql`date_trunc(${unit}, ${column} at time zone ${tz})`;
  return rows<TrendRow>(
    db,
    sql`
    with s as (
      select ${bucketOf(sql`${signals.detectedAt}`)} as bucket,
        count(*)::int as signals,
        count(*) filter (where ${caught})::int as caught,
        count(*) filter (where ${avoided})::int as avoided,
        count(*) filter (where ${signals.state} = 'dismissed')::int as dismissed,
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
    ), b as (
      select g as bucket
      from generate_series(${bucketOf(at(q.from))}, (${at(q.to)} at time zone ${tz}) - interval '1 microsecond', ${step}) g
    )
    select b.bucket at time zone ${tz} as start, (b.bucket + ${step}) at time zone ${tz} as "end",
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
        count(*) filter (where ${signals.state} = 'dismissed')::int as dismissed,
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
      coalesce(s.cases_opened, 0) as cases_opened, coalesce(s.caught, 0) as caught,
      coalesce(s.avoided, 0) as avoided, s.lead_median, s.last_detected_at
    from signal_rules r left join s on s.rule_id = r.id
    where r.deleted_at is null or s.rule_id is not null
    order by coalesce(s.signals, 0) desc, r.name, r.id`,
  );
}
