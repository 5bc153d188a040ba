// The columns of the signal list's, the proactive KPIs' and the promise compliance CSV exports.
import type {
  ProactiveTrend,
  ProactiveTrendBucket,
  PromiseComplianceRow,
  PromiseKpiGroup,
  RuleOutcome,
  Signal,
} from '../../../shared/schemas/signals.js';
import {
  RULE_KIND_NAMES,
  SEVERITY_LABELS,
  CHANNEL_LABELS,
  lookup,
  signalStateText,
} from '../../../shared/labels.js';
import type { CsvColumn, CsvTime } from '../../lib/csv.js';

const severity = lookup(SEVERITY_LABELS);
const ruleKind = lookup(RULE_KIND_NAMES);

/**
 * The period a report counts, on every row (`From`, `To`: `to` exclusive, as the API's), so a
 * file says which 30 or 90 days it holds after it is renamed or its rows are pasted elsewhere.
 */
export const periodColumns = <T>({ from, to }: { from: string; to: string }): CsvColumn<T>[] => [
  { header: 'From', value: (_r, time) => time(from), zoned: true },
  { header: 'To', value: (_r, time) => time(to), zoned: true },
];

/** A share (0..1) as a percentage with one decimal, blank when there was nothing to share. */
const percent = (share: number | null) => (share === null ? '' : Math.round(share * 1000) / 10);
/** Minutes as hours with one decimal. */
const hours = (minutes: number | null) => (minutes === null ? '' : Math.round(minutes / 6) / 10);

export const signalColumns: CsvColumn<Signal>[] = [
  { header: 'Detected', value: (s, time) => time(s.detectedAt), zoned: true },
  { header: 'Rule', value: (s) => s.ruleName },
  { header: 'Rule version', value: (s) => s.ruleVersion },
  { header: 'Severity', value: (s) => severity(s.severity) },
  // As the pill says it: "Acted on · nobody on it" when nobody owns the case (`caseUnassigned`).
  { header: 'State', value: (s) => signalStateText(s.state, s.caseUnassigned) },
  { header: 'Title', value: (s) => s.title },
  { header: 'Customer', value: (s) => s.customerName },
  { header: 'Organization', value: (s) => s.organizationName },
  { header: 'Reference', value: (s) => (s.refKey ? `${s.refKey}=${s.refValue ?? ''}` : '') },
  { header: 'Promise due', value: (s, time) => time(s.dueAt), zoned: true },
  { header: 'Customer had written first', value: (s) => s.customerContactedFirst },
  { header: 'Case', value: (s) => s.caseNumber },
  // Who has the signal's case: the name GET /signals gives as `caseAssignee`, blank without case or assignee.
  { header: 'Assignee', value: (s) => s.caseAssignee?.name ?? null },
  { header: 'Acted', value: (s, time) => time(s.actedAt), zoned: true },
  { header: 'Ended', value: (s, time) => time(s.resolvedAt), zoned: true },
  { header: 'Resolved by itself', value: (s) => s.resolvedByEvent },
  { header: 'Resolution', value: (s) => s.resolution },
  { header: 'Evidence events', value: (s) => s.evidenceCount },
  { header: 'Last evidence', value: (s, time) => time(s.lastEvidenceAt), zoned: true },
  { header: 'Id', value: (s) => s.id },
];

/**
 * The trend's buckets: the first column is the local day, week (its Monday) or month. `From` and
 * `To` are the part of the bucket counted: the first and last bucket of a period can be cut by
 * it (a period starting mid-month, a month not over yet), and `Partial` says so.
 */
export function trendColumns({
  interval,
  from,
  to,
}: Pick<ProactiveTrend, 'interval' | 'from' | 'to'>): CsvColumn<ProactiveTrendBucket>[] {
  const label = (time: CsvTime, start: string) => time(start).slice(0, interval === 'month' ? 7 : 10);
  const [fromMs, toMs] = [Date.parse(from), Date.parse(to)];
  const cutAtStart = (b: ProactiveTrendBucket) => Date.parse(b.start) < fromMs;
  const cutAtEnd = (b: ProactiveTrendBucket) => Date.parse(b.end) > toMs;
  return [
    {
      header: interval === 'week' ? 'Week of' : interval === 'month' ? 'Month' : 'Day',
      value: (b, time) => label(time, b.start),
    },
    { header: 'Signals', value: (b) => b.signals },
    { header: 'Caught before contact', value: (b) => b.caughtBeforeContact },
    { header: 'Caught before contact %', value: (b) => percent(b.caughtBeforeContactShare) },
    { header: 'Contacts avoided', value: (b) => b.contactsAvoided },
    { header: 'Dismissed', value: (b) => b.dismissed },
    { header: 'Resolved by itself', value: (b) => b.resolvedByEvent },
    { header: 'Median lead time (h)', value: (b) => hours(b.leadTimeMedianMinutes) },
    { header: 'Commitments met', value: (b) => b.commitments.met },
    { header: 'Commitments late', value: (b) => b.commitments.late },
    { header: 'Commitments broken', value: (b) => b.commitments.broken },
    { header: 'On time %', value: (b) => percent(b.commitments.onTimeRate) },
    { header: 'From', value: (b, time) => time(cutAtStart(b) ? from : b.start), zoned: true },
    { header: 'To', value: (b, time) => time(cutAtEnd(b) ? to : b.end), zoned: true },
    { header: 'Partial', value: (b) => cutAtStart(b) || cutAtEnd(b) },
  ];
}

/** Per rule, what became of its signals in the period (`period`: From and To on every row). */
export const ruleOutcomeColumns = (period: { from: string; to: string }): CsvColumn<RuleOutcome>[] => [
  { header: 'Rule', value: (r) => r.name },
  { header: 'Kind', value: (r) => ruleKind(r.kind) },
  { header: 'Severity', value: (r) => severity(r.severity) },
  { header: 'Enabled', value: (r) => r.enabled },
  { header: 'Deleted', value: (r) => r.deleted },
  { header: 'Signals', value: (r) => r.signals },
  { header: 'Still live', value: (r) => r.live },
  { header: 'Resolved', value: (r) => r.resolved },
  { header: 'Resolved by itself', value: (r) => r.resolvedByEvent },
  { header: 'Dismissed', value: (r) => r.dismissed },
  { header: 'Dismissed %', value: (r) => percent(r.dismissedShare) },
  { header: 'Cases opened', value: (r) => r.casesOpened },
  { header: 'Caught before contact', value: (r) => r.caughtBeforeContact },
  { header: 'Caught before contact %', value: (r) => percent(r.caughtBeforeContactShare) },
  { header: 'Contacts avoided', value: (r) => r.contactsAvoided },
  { header: 'Median lead time (h)', value: (r) => hours(r.leadTimeMedianMinutes) },
  { header: 'Last signal', value: (r, time) => time(r.lastDetectedAt), zoned: true },
  ...periodColumns<RuleOutcome>(period),
  { header: 'Rule id', value: (r) => r.ruleId },
];

const GROUP_HEADERS: Record<PromiseKpiGroup, string> = {
  kind: 'Kind',
  agreement: 'Agreement',
  team: 'Team',
  assignee: 'Assignee',
  channel: 'Channel',
  segment: 'Segment',
};

/** A group's name in words: a channel as "Web form" (a promise kind comes named already). */
const groupName = (groupBy: PromiseKpiGroup) =>
  groupBy === 'channel' ? lookup(CHANNEL_LABELS) : (name: string | null) => name ?? '';

/**
 * PSA target compliance per group (the totals row is the caller's, named "Total"), the period
 * on every row.
 */
export const promiseComplianceColumns = (
  groupBy: PromiseKpiGroup,
  period: { from: string; to: string },
): CsvColumn<PromiseComplianceRow>[] => [
  { header: GROUP_HEADERS[groupBy], value: (r) => groupName(groupBy)(r.groupName) },
  { header: 'Promises decided', value: (r) => r.decided },
  { header: 'Kept on time', value: (r) => r.metOnTime },
  { header: 'Breached', value: (r) => r.breached },
  { header: 'Of those met late', value: (r) => r.metLate },
  { header: 'Compliance %', value: (r) => percent(r.compliance) },
  { header: 'Median target used %', value: (r) => percent(r.medianTargetUsed) },
  { header: 'Overdue now', value: (r) => r.overdueNow },
  ...periodColumns<PromiseComplianceRow>(period),
  { header: `${GROUP_HEADERS[groupBy]} id`, value: (r) => r.groupId },
];
