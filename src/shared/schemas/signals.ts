// Signals (detected risks to a promise), commitments (promises on operations, opened and
// fulfilled by events) and the proactive KPIs. Shared by the API, OpenAPI and the UI.
import { z } from 'zod';
import {
  BooleanQuery,
  commaList,
  Cursor,
  ExportTimeZone,
  Id,
  IsoDateTime,
  LIMITS,
  Limit,
  Name,
  PAGING,
  SegmentKey,
  TimeZone,
  OneLineText,
  YOUR_ZONE,
} from './common.js';
import { Key, Priority } from './cases.js';
import { EventType, RefKey } from './events.js';
import { ACTION_KINDS, Condition, Duration, FieldPath, Severity } from './rules.js';

// ---- signals ------------------------------------------------------------------------------------

export const SIGNAL_STATES = ['open', 'acted', 'resolved', 'dismissed'] as const;
export const SignalState = z.enum(SIGNAL_STATES);
export type SignalState = z.infer<typeof SignalState>;
/** States in which a signal still needs attention (and dedupes repeats). */
export const LIVE_SIGNAL_STATES: SignalState[] = ['open', 'acted'];

export const ACTION_STATES = ['pending', 'done', 'failed', 'skipped'] as const;

export const SignalAction = z.object({
  id: Id,
  position: z.number().int(),
  kind: z.enum(ACTION_KINDS),
  state: z.enum(ACTION_STATES),
  attempts: z.number().int(),
  result: z.record(z.string(), z.unknown()).nullable().describe('what the action did: caseId, messageId, …'),
  error: z.string().nullable(),
  doneAt: IsoDateTime.nullable(),
  heldSince: IsoDateTime.nullable().describe(
    'a customer mail held back while the source of the awaited event was silent: since when (kept after it ran)',
  ),
  heldReason: z.string().nullable().describe('why it is (or was) held: the source and since when'),
  holdReleasedAt: IsoDateTime.nullable().describe('when staff sent the held mail anyway ("Send now")'),
});
export type SignalAction = z.infer<typeof SignalAction>;

export const Signal = z.object({
  id: Id,
  ruleId: Id,
  ruleVersion: z.number().int(),
  ruleName: z.string(),
  kind: z.enum(['match', 'absence', 'threshold']),
  severity: Severity,
  state: SignalState,
  title: z
    .string()
    .describe('the rule\'s name, and the ref it dedupes on in words: "Carrier delay · Shipment SH-7"'),
  customerId: Id.nullable(),
  customerName: z.string().nullable(),
  organizationId: Id.nullable(),
  organizationName: z.string().nullable(),
  refKey: z.string().nullable(),
  refValue: z.string().nullable(),
  refs: z
    .record(z.string(), z.string())
    .describe('refs of the event that fired it (for threshold rules, the latest counted event)'),
  dueAt: IsoDateTime.nullable().describe(
    'when the promise at risk falls due: the deadline of an absence rule with `by`; null otherwise',
  ),
  detectedAt: IsoDateTime,
  actedAt: IsoDateTime.nullable(),
  resolvedAt: IsoDateTime.nullable(),
  resolution: z.string().nullable().describe('why it was resolved or dismissed'),
  resolvedByEvent: z
    .boolean()
    .describe('resolved by itself: the awaited event arrived (false when a person resolved or dismissed it)'),
  evidenceCount: z.number().int(),
  lastEvidenceAt: IsoDateTime,
  caseId: Id.nullable().describe('the proactive case opened for it'),
  caseNumber: z.number().int().nullable(),
  caseAssignee: z
    .object({ id: Id, name: z.string() })
    .nullable()
    .describe('who the proactive case is assigned to: null without a case, or while nobody has taken it'),
  caseUnassigned: z
    .boolean()
    .describe(
      'nobody owns its proactive case: the case is still to be worked on (new, open, pending or on hold; not deleted or merged) and nobody is assigned to it. What `caseUnassigned=true` lists; false without a case',
    ),
  customerContactedFirst: z.boolean().describe('the customer had already written in when it was detected'),
});
export type Signal = z.infer<typeof Signal>;

export const SignalEvidence = z.object({
  eventId: Id,
  sourceEventId: z.string(),
  type: z.string(),
  occurredAt: IsoDateTime,
  refs: z.record(z.string(), z.string()),
  data: z.record(z.string(), z.unknown()),
  addedAt: IsoDateTime,
});

export const SignalDetail = Signal.extend({
  evidence: z.array(SignalEvidence),
  actions: z.array(SignalAction),
});
export type SignalDetail = z.infer<typeof SignalDetail>;

export const SignalListQuery = z.strictObject({
  state: commaList(SignalState).optional().describe('one or more states, comma-separated, e.g. open,acted'),
  severity: Severity.optional(),
  ruleId: Id.optional(),
  customerId: Id.optional(),
  organizationId: Id.optional(),
  caseId: Id.optional().describe('the signals behind a proactive case'),
  detectedFrom: IsoDateTime.optional().describe(
    'detected at or after (the KPI pages link with their period)',
  ),
  detectedTo: IsoDateTime.optional().describe('detected before'),
  resolvedByEvent: BooleanQuery.optional().describe(
    'true: only those that resolved themselves (the awaited event came); false: all others',
  ),
  caughtBeforeContact: BooleanQuery.optional().describe(
    'true: only those detected before the customer had written in (the KPI "caught before contact"); false: the others',
  ),
  contactAvoided: BooleanQuery.optional().describe(
    'true: only those that avoided a contact (acted on or resolved, caught before contact, and the customer never wrote in since: the KPI "contacts avoided"); false: the others',
  ),
  hasDueTime: BooleanQuery.optional().describe(
    'true: only those with a due time (the signals the KPI "lead time" is measured on); false: those without',
  ),
  caseUnassigned: BooleanQuery.optional().describe(
    'true: only those whose proactive case nobody owns (the case is new, open, pending or on hold, not deleted or merged, and assigned to nobody); false: the others, signals without a case included',
  ),
  limit: Limit,
  cursor: Cursor.optional(),
  includeTotal: BooleanQuery.optional(),
});
export type SignalListQuery = z.infer<typeof SignalListQuery>;
export const SignalExportQuery = SignalListQuery.omit(PAGING).extend({ timezone: ExportTimeZone });

export const SignalDismiss = z.strictObject({ reason: z.string().trim().min(1).max(1000) });
export const SignalActionParams = z.strictObject({ id: Id, actionId: Id });

export const SignalResolve = z.strictObject({ reason: z.string().trim().min(1).max(1000).optional() });

/** The priority a proactive case opened by hand gets from its signal's severity, unless one is given. */
export const PRIORITY_OF_SEVERITY = {
  critical: 'urgent',
  high: 'high',
  medium: 'normal',
  low: 'low',
} as const;

/**
 * A proactive case opened by hand from a live signal without one (its rule opens none, or its
 * action failed). The subject defaults to the signal's title, the priority to its severity's.
 */
export const SignalOpenCase = z.strictObject({
  subject: OneLineText().min(1).max(LIMITS.subject).optional(),
  priority: Priority.optional(),
  category: Key.optional(),
  teamId: Id.optional(),
  note: z.string().trim().min(1).max(LIMITS.notes).optional().describe('the first internal note'),
  assignToMe: z.boolean().default(true).describe('the case is yours (default)'),
});
export type SignalOpenCase = z.infer<typeof SignalOpenCase>;

/** At most this many signals in one bulk close. */
export const MAX_BULK_SIGNALS = 500;

/**
 * Many signals closed at once (a broken feed fired a hundred false alarms): the live ones end,
 * those already resolved or dismissed are left as they are and listed.
 */
/** At most this many live signals are closed by one filter ("all 137 that match"). */
export const MAX_BULK_SIGNALS_BY_FILTER = 5000;

/** The live signals a bulk close by filter takes: the Signals page's filters, live states only. */
export const SignalBulkFilter = z.strictObject({
  state: z
    .array(z.enum(['open', 'acted']))
    .min(1)
    .max(2)
    .optional()
    .describe('live states to take (default both)'),
  severity: Severity.optional(),
  ruleId: Id.optional(),
  customerId: Id.optional(),
  organizationId: Id.optional(),
  caseId: Id.optional(),
  detectedFrom: IsoDateTime.optional().describe('detected at or after'),
  detectedTo: IsoDateTime.optional().describe('detected before'),
  caughtBeforeContact: z
    .boolean()
    .optional()
    .describe(
      'as GET /signals?caughtBeforeContact=: detected before the customer had written in (true), or not',
    ),
  contactAvoided: z
    .boolean()
    .optional()
    .describe(
      'as GET /signals?contactAvoided=: acted on, caught before contact, and no contact since (true), or not',
    ),
  hasDueTime: z
    .boolean()
    .optional()
    .describe('as GET /signals?hasDueTime=: with a due time (true), or without'),
  caseUnassigned: z
    .boolean()
    .optional()
    .describe('as GET /signals?caseUnassigned=: their proactive case nobody owns (true), or not'),
});
export type SignalBulkFilter = z.infer<typeof SignalBulkFilter>;

export const SignalBulkClose = z
  .strictObject({
    ids: z
      .array(Id)
      .min(1)
      .max(MAX_BULK_SIGNALS)
      .refine((ids) => new Set(ids).size === ids.length, 'each signal once')
      .optional()
      .describe('the signals to close'),
    filter: SignalBulkFilter.optional().describe(
      `or: every live signal matching this (at most ${MAX_BULK_SIGNALS_BY_FILTER})`,
    ),
    action: z.enum(['dismiss', 'resolve']),
    reason: z.string().trim().min(1).max(1000).optional(),
  })
  .refine((b) => (b.ids === undefined) !== (b.filter === undefined), {
    path: ['ids'],
    message: 'give either ids or a filter',
  })
  .refine((b) => b.action !== 'dismiss' || b.reason !== undefined, {
    path: ['reason'],
    message: 'a dismissal needs a reason',
  });
export type SignalBulkClose = z.infer<typeof SignalBulkClose>;

export const SignalBulkCloseResult = z.object({
  closed: z.array(Id).describe('the signals this request resolved or dismissed'),
  alreadyClosed: z
    .array(z.object({ id: Id, state: z.enum(['resolved', 'dismissed']) }))
    .describe(
      'signals that had ended before (resolved by the awaited event, or by someone else): left as they were',
    ),
  skippedActions: z.number().int().describe('pending actions of the closed signals, skipped'),
});
export type SignalBulkCloseResult = z.infer<typeof SignalBulkCloseResult>;

// ---- commitments --------------------------------------------------------------------------------

/**
 * A commitment of an agreement: a promise on operations, measured per instance. An instance is
 * opened by an event (`opens`), keyed by a ref (`ref`), due at a time taken from the event
 * (`dueFrom`) or a fixed time after it (`within`).
 * - mode `fulfil` (delivery by the promised date, a callback within 2 h): met when the
 *   `fulfilledBy` event arrives by the due time, late after it.
 * - mode `avoid` (invoice correct first time): broken when the `brokenBy` event arrives before
 *   the due time, met when the due time passes without it.
 * - either mode: `cancelledBy` (an order cancelled) ends a live instance as cancelled, which no
 *   on-time rate counts.
 */
export const CommitmentDefinition = z
  .strictObject({
    key: z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, 'lower-case letters, digits and _ (max 50)'),
    name: Name,
    mode: z.enum(['fulfil', 'avoid']).default('fulfil'),
    opens: EventType.describe('the event that opens an instance, e.g. order.promised'),
    ref: RefKey.describe('the ref that ties the events of one instance, e.g. orderId'),
    dueFrom: FieldPath.optional().describe('a time in the opening event, e.g. data.promisedAt'),
    within: Duration.optional().describe('or: due this long after the opening event'),
    fulfilledBy: EventType.optional().describe('mode fulfil: the event that keeps the promise'),
    brokenBy: EventType.optional().describe('mode avoid: the event that breaks it'),
    cancelledBy: EventType.optional().describe(
      'the event that cancels an instance (not counted in on-time rates), e.g. order.cancelled',
    ),
    where: z.array(Condition).max(10).optional().describe('conditions on the opening event'),
  })
  .superRefine((c, ctx) => {
    if (!!c.dueFrom === !!c.within)
      ctx.addIssue({ code: 'custom', path: ['dueFrom'], message: 'give either dueFrom or within' });
    if (c.mode === 'fulfil' && !c.fulfilledBy)
      ctx.addIssue({
        code: 'custom',
        path: ['fulfilledBy'],
        message: 'a fulfil commitment names fulfilledBy',
      });
    if (c.mode === 'avoid' && !c.brokenBy)
      ctx.addIssue({ code: 'custom', path: ['brokenBy'], message: 'an avoid commitment names brokenBy' });
    // One event type, one meaning: an event cannot both close (or open) and cancel an instance.
    const closing = c.mode === 'avoid' ? 'brokenBy' : 'fulfilledBy';
    if (c.cancelledBy && c.cancelledBy === c.opens)
      ctx.addIssue({ code: 'custom', path: ['cancelledBy'], message: 'cancelledBy must differ from opens' });
    else if (c.cancelledBy && c.cancelledBy === c[closing])
      ctx.addIssue({
        code: 'custom',
        path: ['cancelledBy'],
        message: `cancelledBy must differ from ${closing}`,
      });
  });
export type CommitmentDefinition = z.infer<typeof CommitmentDefinition>;

export const COMMITMENT_STATES = ['open', 'overdue', 'met', 'late', 'broken', 'cancelled'] as const;
export const CommitmentState = z.enum(COMMITMENT_STATES);
export type CommitmentState = z.infer<typeof CommitmentState>;

export const Commitment = z.object({
  id: Id,
  agreementId: Id,
  agreementName: z.string(),
  key: z.string(),
  name: z.string(),
  mode: z.enum(['fulfil', 'avoid']),
  customerId: Id.nullable(),
  customerName: z.string().nullable(),
  organizationId: Id.nullable(),
  refKey: z.string(),
  refValue: z.string(),
  state: CommitmentState,
  openedAt: IsoDateTime,
  dueAt: IsoDateTime,
  closedAt: IsoDateTime.nullable(),
  openedByEventId: Id,
  closedByEventId: Id.nullable(),
  repromised: z.number().int().describe('times the due time was moved by a repeated opening event'),
  caseId: Id.nullable().describe(
    "the customer's case about its ref (the case's refs carry the same value: a proactive case, or a mail naming the order): an unsolved one first, else the latest; null when there is none",
  ),
  caseNumber: z.number().int().nullable(),
  caseAssignee: z
    .object({ id: Id, name: z.string() })
    .nullable()
    .describe('who that case is assigned to: null without a case, or while nobody has taken it'),
});
export type Commitment = z.infer<typeof Commitment>;

/**
 * A case opened by hand for a commitment without one (POST /commitments/:id/case): every field
 * has a default drawn from the commitment.
 */
export const CommitmentOpenCase = z.strictObject({
  subject: OneLineText()
    .min(1)
    .max(LIMITS.subject)
    .optional()
    .describe(
      'default: the commitment and its ref in words, e.g. "Callback within 2 hours for CB-4004 overdue"',
    ),
  priority: Priority.optional().describe('default: high when overdue or broken, else normal'),
  category: Key.optional().describe(
    'default: by its ref (an invoice: invoice_error; an order or shipment: late_delivery when overdue, late or broken, else order_status; else other)',
  ),
  teamId: Id.optional(),
  note: z
    .string()
    .trim()
    .min(1)
    .max(LIMITS.notes)
    .optional()
    .describe('added to the first internal note, after the commitment’s facts'),
  assignToMe: z.boolean().default(true).describe('the case is yours (default)'),
});
export type CommitmentOpenCase = z.input<typeof CommitmentOpenCase>;

export const CommitmentListQuery = z.strictObject({
  state: commaList(CommitmentState)
    .optional()
    .describe('one or more of open, overdue, met, late, broken, cancelled; comma-separated'),
  customerId: Id.optional(),
  organizationId: Id.optional(),
  agreementId: Id.optional(),
  key: z.string().max(50).optional(),
  ref: z.string().max(200).optional().describe('the ref value, e.g. SO-1'),
  segment: SegmentKey.optional().describe("the segment the commitment's customer was in when it opened"),
  dueBefore: IsoDateTime.optional(),
  dueAfter: IsoDateTime.optional(),
  closedFrom: IsoDateTime.optional().describe('closed at or after (as GET /commitments/rates counts)'),
  closedBefore: IsoDateTime.optional().describe('closed before'),
  sort: z
    .enum(['attention', 'dueAt', '-dueAt'])
    .optional()
    .describe(
      'dueAt: soonest due first (the default); -dueAt: latest due first; attention: what needs attention first: overdue ones (longest overdue first), then open ones (soonest due first), then closed ones (latest due first)',
    ),
  limit: Limit,
  cursor: Cursor.optional(),
  includeTotal: BooleanQuery.optional(),
});
export type CommitmentListQuery = z.infer<typeof CommitmentListQuery>;
export const CommitmentExportQuery = CommitmentListQuery.omit(PAGING).extend({ timezone: ExportTimeZone });

export const CommitmentRateQuery = z.strictObject({
  by: z.enum(['customer', 'organization', 'segment', 'agreement']).default('agreement'),
  from: IsoDateTime.optional().describe(
    'closed at or after (default: the last 90 days as the pages count them, from the Monday of the week 90 days before `to`, at midnight in your zone)',
  ),
  to: IsoDateTime.optional().describe('closed before (default: now)'),
  key: z.string().max(50).optional().describe('one commitment key only'),
  customerId: Id.optional().describe("one customer's commitments only"),
  organizationId: Id.optional().describe("one organization's commitments only"),
  limit: Limit,
});

export const CommitmentRate = z.object({
  groupId: z.string().nullable().describe('the customer, organization or agreement id, or the segment key'),
  groupName: z.string().nullable(),
  met: z.number().int(),
  late: z.number().int(),
  broken: z.number().int(),
  overdue: z.number().int().describe('due and still not fulfilled'),
  onTimeRate: z.number().nullable().describe('met / (met + late + broken + overdue), 0..1'),
});
export type CommitmentRate = z.infer<typeof CommitmentRate>;
/** The rates as a file: every group (no limit), times in `timezone` (the file name's date). */
export const CommitmentRateExportQuery = CommitmentRateQuery.omit({ limit: true }).extend({
  timezone: ExportTimeZone,
});

// ---- KPIs and board -----------------------------------------------------------------------------

export const ProactiveKpiQuery = z.strictObject({
  from: IsoDateTime.optional().describe('signals detected at or after (default: 30 days ago)'),
  to: IsoDateTime.optional(),
});

export const ProactiveKpis = z.object({
  from: IsoDateTime,
  to: IsoDateTime,
  signals: z.number().int(),
  caughtBeforeContact: z.number().int().describe('signals detected before the customer had written in'),
  caughtBeforeContactShare: z.number().nullable(),
  contactsAvoided: z
    .number()
    .int()
    .describe('signals handled (acted or resolved) where the customer never wrote in about them'),
  leadTimeMinutes: z
    .object({ median: z.number().nullable(), p90: z.number().nullable(), count: z.number().int() })
    .describe('time from detection to the due time of the promise at risk'),
  bySeverity: z.record(z.string(), z.number().int()),
  commitments: z.object({
    met: z.number().int(),
    late: z.number().int(),
    broken: z.number().int(),
    overdue: z.number().int(),
    onTimeRate: z.number().nullable(),
  }),
});
export type ProactiveKpis = z.infer<typeof ProactiveKpis>;

export const KPI_INTERVALS = ['day', 'week', 'month'] as const;
export const KpiInterval = z.enum(KPI_INTERVALS);
export type KpiInterval = z.infer<typeof KpiInterval>;
/** A trend has at most this many buckets (a year of days, ten years of weeks). */
export const MAX_TREND_BUCKETS = 600;

const DAY_MS = 86_400_000;
/** The shortest each interval can be (a 23-hour day, a 28-day month): bounds the buckets from above. */
const SHORTEST_MS: Record<KpiInterval, number> = {
  day: 23 * 3_600_000,
  week: 7 * DAY_MS - 3_600_000,
  month: 28 * DAY_MS,
};

/** The most buckets a period of `spanMs` can have in `interval` (+2: the first and last may stick out). */
export const mostTrendBuckets = (spanMs: number, interval: KpiInterval) =>
  Math.ceil(spanMs / SHORTEST_MS[interval]) + 2;

/** The interval a period is shown in when none is asked for: about 10 to 100 points. */
export function defaultKpiInterval(spanMs: number): KpiInterval {
  if (spanMs <= 62 * DAY_MS) return 'day';
  if (spanMs <= 731 * DAY_MS) return 'week';
  return 'month';
}

export const ProactiveTrendQuery = z.strictObject({
  from: IsoDateTime.optional().describe('signals detected at or after (default: 90 days before `to`)'),
  to: IsoDateTime.optional().describe('and before (default: now)'),
  interval: KpiInterval.optional().describe(
    'bucket size (default: day for periods up to 62 days, week up to two years, month beyond)',
  ),
  timezone: TimeZone.optional().describe(
    `buckets start at midnight in this IANA time zone (default: ${YOUR_ZONE}); weeks start on Monday`,
  ),
});

const count = z.number().int();
const share = z.number().nullable();

export const ProactiveTrendBucket = z.object({
  start: IsoDateTime.describe('local midnight starting the day, week (Monday) or month'),
  end: IsoDateTime.describe(
    'start of the next bucket; the first and last bucket count only inside the period',
  ),
  signals: count,
  caughtBeforeContact: count,
  caughtBeforeContactShare: share,
  contactsAvoided: count,
  dismissed: count.describe(
    'false alarms: signals of the bucket dismissed since by people (not by an erasure of their customer)',
  ),
  resolvedByEvent: count.describe('signals of the bucket that resolved themselves (the awaited event came)'),
  leadTimeMedianMinutes: share.describe('median time from detection to the due time of the promise at risk'),
  commitments: z
    .object({ met: count, late: count, broken: count, onTimeRate: share })
    .describe('commitments closed in the bucket'),
});
export type ProactiveTrendBucket = z.infer<typeof ProactiveTrendBucket>;

export const ProactiveTrend = z.object({
  from: IsoDateTime,
  to: IsoDateTime,
  interval: KpiInterval,
  timezone: z.string(),
  buckets: z.array(ProactiveTrendBucket).describe('oldest first, every bucket of the period, empty ones too'),
});
export type ProactiveTrend = z.infer<typeof ProactiveTrend>;

export const RuleOutcomesQuery = z.strictObject({
  from: IsoDateTime.optional().describe('signals detected at or after (default: 30 days before `to`)'),
  to: IsoDateTime.optional().describe('and before (default: now)'),
});
export const RuleOutcomesExportQuery = RuleOutcomesQuery.extend({ timezone: ExportTimeZone });

export const RuleOutcome = z.object({
  ruleId: Id,
  name: z.string(),
  kind: z.enum(['match', 'absence', 'threshold']),
  severity: Severity,
  enabled: z.boolean(),
  deleted: z.boolean().describe('deleted since; listed while it has signals in the period'),
  signals: count,
  live: count.describe('still open or acted on'),
  resolved: count,
  resolvedByEvent: count.describe('resolved by themselves: the awaited event came'),
  dismissed: count.describe(
    'dismissed by people: false alarms, or handled elsewhere (not those an erasure of their customer dismissed)',
  ),
  dismissedErased: count.describe('dismissed because their customer was erased: not counted as dismissed'),
  dismissedShare: share.describe('dismissed of signals'),
  casesOpened: count.describe('signals with a proactive case'),
  caughtBeforeContact: count,
  caughtBeforeContactShare: share,
  contactsAvoided: count,
  leadTimeMedianMinutes: share,
  lastDetectedAt: IsoDateTime.nullable().describe('the latest signal of the period'),
});
export type RuleOutcome = z.infer<typeof RuleOutcome>;

export const RuleOutcomes = z.object({
  from: IsoDateTime,
  to: IsoDateTime,
  items: z
    .array(RuleOutcome)
    .describe('every rule not deleted, and deleted ones with signals in the period; most signals first'),
});
export type RuleOutcomes = z.infer<typeof RuleOutcomes>;

// ---- promise compliance (PSA targets on cases) ----------------------------------------------

export const PROMISE_KPI_GROUPS = ['kind', 'agreement', 'team', 'assignee', 'channel', 'segment'] as const;
export const PromiseKpiGroup = z.enum(PROMISE_KPI_GROUPS);
export type PromiseKpiGroup = z.infer<typeof PromiseKpiGroup>;

export const PromiseKpiQuery = z.strictObject({
  from: IsoDateTime.optional().describe(
    'clocks decided (met or breached) at or after (default: 30 days before `to`)',
  ),
  to: IsoDateTime.optional().describe('and before (default: now)'),
  groupBy: PromiseKpiGroup.default('kind').describe(
    "one row per clock kind (default), agreement, the case's team, assignee or channel, or the customer's effective segment",
  ),
});
export const PromiseKpiExportQuery = PromiseKpiQuery.extend({ timezone: ExportTimeZone });

export const PromiseCompliance = z.object({
  decided: count.describe('clocks decided in the period: met on time (at metAt) or breached (at breachedAt)'),
  metOnTime: count.describe('of those, met before their due time'),
  breached: count.describe('of those, breached (past their due time), whether fulfilled late since or not'),
  metLate: count.describe('of the breached, fulfilled late since (a reply or solve after the due time)'),
  overdueNow: count.describe('clocks past their due time and still not fulfilled now, whatever the period'),
  compliance: share.describe('metOnTime / decided; null when nothing was decided'),
  medianTargetUsed: share.describe(
    'the median share of the target (business time) used by the clocks met on time, 0..1; null when none',
  ),
  cases: z
    .object({ decided: count, metOnTime: count, breached: count, overdueNow: count })
    .describe(
      'the distinct cases behind each count (a case may have several clocks: kinds, next-response cycles): what GET /cases lists with promiseOutcome and the group’s filter',
    ),
});
export type PromiseCompliance = z.infer<typeof PromiseCompliance>;

export const PromiseComplianceRow = PromiseCompliance.extend({
  groupId: z
    .string()
    .nullable()
    .describe(
      'the kind, channel or segment key, or the agreement, team or user id; null: no team, no assignee, no segment',
    ),
  groupName: z.string().nullable().describe('its name as it is now (null with a null groupId)'),
});
export type PromiseComplianceRow = z.infer<typeof PromiseComplianceRow>;

export const PromiseKpis = z.object({
  from: IsoDateTime,
  to: IsoDateTime,
  groupBy: PromiseKpiGroup,
  items: z
    .array(PromiseComplianceRow)
    .describe(
      'groups with clocks decided in the period or overdue now; kinds in their order, other groups worst first',
    ),
  totals: PromiseCompliance,
});
export type PromiseKpis = z.infer<typeof PromiseKpis>;

export const PromiseTrendQuery = z.strictObject({
  from: IsoDateTime.optional().describe(
    'clocks decided (met or breached) at or after (default: 90 days before `to`)',
  ),
  to: IsoDateTime.optional().describe('and before (default: now)'),
  interval: KpiInterval.optional().describe(
    'bucket size (default: day for periods up to 62 days, week up to two years, month beyond)',
  ),
  timezone: TimeZone.optional().describe(
    `buckets start at midnight in this IANA time zone (default: ${YOUR_ZONE}); weeks start on Monday`,
  ),
});

export const PromiseTrendBucket = z.object({
  start: IsoDateTime.describe('local midnight starting the day, week (Monday) or month'),
  end: IsoDateTime.describe(
    'start of the next bucket; the first and last bucket count only inside the period',
  ),
  decided: count.describe('clocks decided in the bucket: met on time (at metAt) or breached (at breachedAt)'),
  metOnTime: count,
  breached: count.describe('also when fulfilled late since'),
  compliance: share.describe('metOnTime / decided; null when nothing was decided'),
});
export type PromiseTrendBucket = z.infer<typeof PromiseTrendBucket>;

export const PromiseTrend = z.object({
  from: IsoDateTime,
  to: IsoDateTime,
  interval: KpiInterval,
  timezone: z.string(),
  buckets: z.array(PromiseTrendBucket).describe('oldest first, every bucket of the period, empty ones too'),
});
export type PromiseTrend = z.infer<typeof PromiseTrend>;

export const BoardQuery = z.strictObject({
  horizon: Duration.optional().describe('commitments due within this (default P2D)'),
});

export const Board = z.object({
  generatedAt: IsoDateTime,
  signals: z.array(Signal).describe('open and acted signals, most severe and oldest first (max 200)'),
  commitmentsDueSoon: z
    .array(Commitment)
    .describe('open commitments due within the horizon, and overdue ones'),
  silentSources: z
    .array(
      z.object({
        key: z.string(),
        name: z.string(),
        silentSince: IsoDateTime.describe('nothing came from it since then'),
        silenceAlertMinutes: z.number().int(),
      }),
    )
    .describe(
      'event sources with a silence alert that sent nothing for that long: their absence signals may be false alarms',
    ),
  warnedSources: z
    .array(
      z.object({
        key: z.string(),
        name: z.string(),
        events: z.number().int().describe('its events accepted with warnings in the last 7 days'),
        latestAt: IsoDateTime.describe('when the newest of them was received'),
        latestWarning: z.string().describe('the first warning of the newest of them'),
      }),
    )
    .describe(
      'event sources whose events were accepted with warnings in the last 7 days (as the Event sources page counts them), most such events first: a commitment or wait they were sent to open or move may be missing or stale',
    ),
  counts: z.object({
    bySeverity: z.record(z.string(), z.number().int()),
    openSignals: z.number().int(),
    overdueCommitments: z.number().int(),
    dueSoonCommitments: z.number().int(),
    heldCustomerMails: z
      .number()
      .int()
      .describe('mails to customers held back while the source of the event their rule awaits is silent'),
    liveCaseUnassigned: z
      .number()
      .int()
      .describe(
        'live signals (open or acted on) whose proactive case nobody owns, those whose state says "nobody on it" (as GET /signals?state=open,acted&caseUnassigned=true counts them)',
      ),
  }),
});
export type Board = z.infer<typeof Board>;
