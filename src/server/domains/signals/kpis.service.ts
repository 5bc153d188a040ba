// The proactive KPIs, for staff: the period's totals (the board's strip), the same per day, week
// or month (the KPI page's charts), and per rule (which rules catch risks before the customer
// writes in, which mostly raise false alarms), so the rules can be tuned in the next round.
import { timeZoneOf } from '../settings/company-time-zone.js';
import type { Database } from '../../../db/client.js';
import {
  defaultKpiInterval,
  MAX_TREND_BUCKETS,
  mostTrendBuckets,
  type KpiInterval,
  type ProactiveKpis,
  type ProactiveTrend,
  type PromiseCompliance,
  type PromiseKpiGroup,
  type PromiseKpis,
  type PromiseTrend,
  type RuleOutcomes,
} from '../../../shared/schemas/signals.js';
import type { Actor } from '../../lib/actor.js';
import { inTimeZone } from '../../lib/db-errors.js';
import { badRequest } from '../../lib/errors.js';
import * as commitmentsRepo from '../commitments/commitments.repo.js';
import { periodOf } from '../commitments/commitments.service.js';
import * as repo from './kpis.repo.js';
import { assertCanReadProactive } from './signals.policy.js';
import { zeroBySeverity } from './signals.service.js';

const DAY_MS = 24 * 3600 * 1000;
const KPI_DEFAULT_MS = 30 * DAY_MS;
const TREND_DEFAULT_MS = 90 * DAY_MS;

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);
// Minutes to the hundredth: enough for a KPI, and free of float noise (204.00000000000003).
const minutes = (v: number | string | null) => (v === null ? null : Math.round(Number(v) * 100) / 100);
const iso = (d: Date | string) => new Date(d).toISOString();

export async function getProactiveKpis(
  db: Database,
  actor: Actor,
  q: { from?: string; to?: string },
): Promise<ProactiveKpis> {
  assertCanReadProactive(actor);
  const period = periodOf(q, KPI_DEFAULT_MS);
  const { totals, bySeverity: severityRows } = await repo.signalKpis(db, period);
  const outcomes = await commitmentsRepo.commitmentOutcomes(db, period);
  const bySeverity = zeroBySeverity();
  for (const r of severityRows) bySeverity[r.severity] = r.n;
  return {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    signals: totals.signals,
    caughtBeforeContact: totals.caught,
    caughtBeforeContactShare: ratio(totals.caught, totals.signals),
    contactsAvoided: totals.avoided,
    leadTimeMinutes: { median: minutes(totals.median), p90: minutes(totals.p90), count: totals.leadCount },
    bySeverity,
    commitments: {
      ...outcomes,
      onTimeRate: ratio(outcomes.met, outcomes.met + outcomes.late + outcomes.broken + outcomes.overdue),
    },
  };
}

/** A trend's interval and time zone: the defaults, and `400` for more than MAX_TREND_BUCKETS buckets. */
function trendBuckets(period: repo.Period, q: { interval?: KpiInterval; timezone?: string }) {
  const span = period.to.getTime() - period.from.getTime();
  const interval = q.interval ?? defaultKpiInterval(span);
  if (mostTrendBuckets(span, interval) > MAX_TREND_BUCKETS) {
    const message = `at most ${MAX_TREND_BUCKETS} buckets: choose a longer interval or a shorter period`;
    throw badRequest('validation_error', `query.interval: ${message}`, [{ path: 'query.interval', message }]);
  }
  return { interval, timezone: q.timezone ?? 'UTC' };
}

export async function getProactiveTrend(
  db: Database,
  actor: Actor,
  q: { from?: string; to?: string; interval?: KpiInterval; timezone?: string },
): Promise<ProactiveTrend> {
  assertCanReadProactive(actor);
  return trendOf(
    { ...q, timezone: q.timezone ?? (await timeZoneOf(db, actor)) },
    (p) => repo.signalTrend(db, p),
    (b) => ({
      signals: b.signals,
      caughtBeforeContact: b.caught,
      caughtBeforeContactShare: ratio(b.caught, b.signals),
      contactsAvoided: b.avoided,
      dismissed: b.dismissed,
      resolvedByEvent: b.resolved_by_event,
      leadTimeMedianMinutes: minutes(b.lead_median),
      commitments: {
        met: b.met,
        late: b.late,
        broken: b.broken,
        onTimeRate: ratio(b.met, b.met + b.late + b.broken),
      },
    }),
  );
}

/**
 * A trend's answer: the period (default the last 90 days), its buckets' interval and time zone,
 * and each bucket read by `read` (in that time zone), its start and end, and what `bucket` makes of it.
 */
async function trendOf<R extends { start: Date; end: Date }, B>(
  q: { from?: string; to?: string; interval?: KpiInterval; timezone?: string },
  read: (q: repo.Period & { interval: KpiInterval; timezone: string }) => Promise<R[]>,
  bucket: (row: R) => B,
) {
  const period = periodOf(q, TREND_DEFAULT_MS);
  const { interval, timezone } = trendBuckets(period, q);
  const found = await inTimeZone(timezone, () => read({ ...period, interval, timezone }));
  return {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    interval,
    timezone,
    buckets: found.map((r) => ({ start: iso(r.start), end: iso(r.end), ...bucket(r) })),
  };
}

export async function getRuleOutcomes(
  db: Database,
  actor: Actor,
  q: { from?: string; to?: string },
): Promise<RuleOutcomes> {
  assertCanReadProactive(actor);
  const period = periodOf(q, KPI_DEFAULT_MS);
  const found = await repo.ruleOutcomes(db, period);
  return {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    items: found.map((r) => ({
      ruleId: r.rule_id,
      name: r.name,
      kind: r.kind,
      severity: r.severity as RuleOutcomes['items'][number]['severity'],
      enabled: r.enabled,
      deleted: r.deleted,
      signals: r.signals,
      live: r.live,
      resolved: r.resolved,
      resolvedByEvent: r.resolved_by_event,
      dismissed: r.dismissed,
      dismissedErased: r.dismissed_erased,
      dismissedShare: ratio(r.dismissed, r.signals),
      casesOpened: r.cases_opened,
      caughtBeforeContact: r.caught,
      caughtBeforeContactShare: ratio(r.caught, r.signals),
      contactsAvoided: r.avoided,
      leadTimeMedianMinutes: minutes(r.lead_median),
      lastDetectedAt: r.last_detected_at ? iso(r.last_detected_at) : null,
    })),
  };
}

/** The clock kinds in the order a case meets them. */
const KIND_ORDER = ['first_response', 'next_response', 'periodic_update', 'resolution'];
const KIND_NAMES: Record<string, string> = {
  first_response: 'First response',
  next_response: 'Next response',
  periodic_update: 'Periodic update',
  resolution: 'Resolution',
};

const compliance = (r: repo.PromiseComplianceSqlRow): PromiseCompliance => ({
  decided: r.decided,
  metOnTime: r.met_on_time,
  breached: r.breached,
  metLate: r.met_late,
  overdueNow: r.overdue_now,
  compliance: ratio(r.met_on_time, r.decided),
  // To a thousandth: the share is shown as a percentage with one decimal.
  medianTargetUsed:
    r.median_target_used === null ? null : Math.round(Number(r.median_target_used) * 1000) / 1000,
  cases: {
    decided: r.decided_cases,
    metOnTime: r.met_on_time_cases,
    breached: r.breached_cases,
    overdueNow: r.overdue_now_cases,
  },
});

/**
 * PSA target compliance over the promise clocks decided in a period (met on time, or breached),
 * per kind, agreement, team, assignee, channel or segment, with totals: how well the promises
 * made to customers are kept.
 */
export async function getPromiseKpis(
  db: Database,
  actor: Actor,
  q: { from?: string; to?: string; groupBy?: PromiseKpiGroup },
): Promise<PromiseKpis> {
  assertCanReadProactive(actor);
  const period = periodOf(q, KPI_DEFAULT_MS);
  const groupBy = q.groupBy ?? 'kind';
  const found = await repo.promiseCompliance(db, { ...period, groupBy });
  const totals = found.find((r) => r.total);
  const items = found
    .filter((r) => !r.total)
    .map((r) => ({
      groupId: r.group_id,
      groupName: groupBy === 'kind' ? (KIND_NAMES[r.group_id!] ?? r.group_name) : r.group_name,
      ...compliance(r),
    }));
  const worstFirst = (a: (typeof items)[number], b: (typeof items)[number]) =>
    (a.compliance ?? 2) - (b.compliance ?? 2) ||
    b.decided - a.decided ||
    (a.groupName ?? '\uffff').localeCompare(b.groupName ?? '\uffff') ||
    (a.groupId ?? '').localeCompare(b.groupId ?? '');
  items.sort(
    groupBy === 'kind'
      ? (a, b) => KIND_ORDER.indexOf(a.groupId!) - KIND_ORDER.indexOf(b.groupId!)
      : worstFirst,
  );
  return {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    groupBy,
    items,
    totals: totals
      ? compliance(totals)
      : {
          decided: 0,
          metOnTime: 0,
          breached: 0,
          metLate: 0,
          overdueNow: 0,
          compliance: null,
          medianTargetUsed: null,
          cases: { decided: 0, metOnTime: 0, breached: 0, overdueNow: 0 },
        },
  };
}

/**
 * PSA target compliance per day, week or month of a period, in a time zone: met on time of the
 * clocks decided in each bucket (the definitions of getPromiseKpis), for the KPI page's chart.
 */
export async function getPromiseTrend(
  db: Database,
  actor: Actor,
  q: { from?: string; to?: string; interval?: KpiInterval; timezone?: string },
): Promise<PromiseTrend> {
  assertCanReadProactive(actor);
  return trendOf(
    { ...q, timezone: q.timezone ?? (await timeZoneOf(db, actor)) },
    (p) => repo.promiseTrend(db, p),
    (b) => ({
      decided: b.decided,
      metOnTime: b.met_on_time,
      breached: b.breached,
      compliance: ratio(b.met_on_time, b.decided),
    }),
  );
}
