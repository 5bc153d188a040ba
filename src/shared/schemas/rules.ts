// The signal rule language: what a rule watches (one event, the absence of one, a count over a
// window) and what it does when it fires. One schema, used by the API, the OpenAPI document, the
// rule editor in the UI and the pure evaluator in src/core/rules.
import { z } from 'zod';
import { Cursor, Id, IsoDateTime, Limit, Name, SegmentKey } from './common.js';
import { EventType, RefKey } from './events.js';
import { Key, Priority } from './cases.js';

export const RULE_LIMITS = {
  conditions: 20,
  inValues: 100,
  actions: 10,
  template: 5_000,
  /** Longest window or wait a rule may name: one year. */
  maxDurationMs: 366 * 24 * 3600 * 1000,
  /** Events a dry run reads at most. */
  dryRunEvents: 200_000,
  dryRunSamples: 50,
} as const;

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

export const OPERATORS = ['eq', 'neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists'] as const;
export const Operator = z.enum(OPERATORS);
export type Operator = z.infer<typeof Operator>;

/**
 * A field of the event as a rule sees it: `type`, `occurredAt`, `source`, `data.<path>`,
 * `refs.<key>`, `customer.<name|email|externalId|segment|id>`, `organization.<name|id|domains>`,
 * `customer.fields.<key>` and `organization.fields.<key>` (their records' custom fields),
 * `segment` (the customer's segment key). Dots reach into nested `data`.
 */
export const FieldPath = z
  .string()
  .max(200)
  .regex(
    /^(type|occurredAt|source|segment|data(\.[A-Za-z0-9_-]+)+|refs\.[A-Za-z][A-Za-z0-9_]{0,62}|(customer|organization)\.fields\.[A-Za-z][A-Za-z0-9_]{0,62}|customer\.(id|name|email|externalId|segment)|organization\.(id|name|domains))$/,
    'a field is type, occurredAt, source, segment, data.<path>, refs.<key>, customer.<id|name|email|externalId|segment>, organization.<id|name|domains>, or customer.fields.<key> or organization.fields.<key>',
  );

const Scalar = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);

export const Condition = z
  .strictObject({
    field: FieldPath,
    op: Operator,
    value: z.union([Scalar, z.array(Scalar).max(RULE_LIMITS.inValues)]).optional(),
  })
  .superRefine((c, ctx) => {
    const list = Array.isArray(c.value);
    if (c.op === 'exists') {
      if (c.value !== undefined && typeof c.value !== 'boolean')
        ctx.addIssue({ code: 'custom', path: ['value'], message: 'exists takes true, false or nothing' });
    } else if (c.op === 'in' || c.op === 'nin') {
      if (!list) ctx.addIssue({ code: 'custom', path: ['value'], message: `${c.op} takes a list of values` });
    } else if (c.value === undefined || list) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${c.op} takes one value` });
    } else if (
      ['gt', 'gte', 'lt', 'lte'].includes(c.op) &&
      typeof c.value !== 'number' &&
      typeof c.value !== 'string'
    ) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${c.op} compares with a number or a time` });
    }
  });
export type Condition = z.infer<typeof Condition>;

/** Which events: one type or several, and conditions that must all hold. */
export const EventSelector = z.strictObject({
  type: z.union([EventType, z.array(EventType).min(1).max(20)]),
  where: z.array(Condition).max(RULE_LIMITS.conditions).optional(),
});
export type EventSelector = z.infer<typeof EventSelector>;

/** ISO 8601 duration (PT5S, PT48H, P30D, P1W), at least one second, at most a year. */
export const Duration = z
  .string()
  .max(40)
  .refine((d) => {
    const ms = isoDurationMs(d);
    return ms !== null && ms >= 1000 && ms <= RULE_LIMITS.maxDurationMs;
  }, 'must be an ISO 8601 duration between PT1S and P366D, e.g. PT90M (90 minutes), PT36H (36 hours) or P30D (30 days)');

/**
 * Milliseconds of an ISO 8601 duration, or null. Days are 24 h and weeks 7 days (rule windows
 * are elapsed time, not calendar arithmetic); years and months are refused as ambiguous.
 */
export function isoDurationMs(text: string): number | null {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return null;
  const [, w, d, h, min, s] = m;
  const ms =
    (Number(w ?? 0) * 7 * 86400 + Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60) *
      1000 +
    Math.round(Number(s ?? 0) * 1000);
  return Number.isFinite(ms) ? ms : null;
}

export const RuleScope = z.strictObject({
  segments: z.array(SegmentKey).max(50).optional().describe('only customers of these segments'),
  agreements: z.array(Id).max(50).optional().describe('only customers these agreements apply to'),
});
export type RuleScope = z.infer<typeof RuleScope>;

export const RuleDedupe = z.strictObject({
  enabled: z.boolean().default(true),
  ref: RefKey.optional().describe(
    'one open signal per rule, customer and this ref (absence rules: sameRef by default)',
  ),
});
export type RuleDedupe = z.infer<typeof RuleDedupe>;

const Template = z.string().max(RULE_LIMITS.template);

export const ACTION_KINDS = [
  'open_case',
  'notify_customer',
  'notify_team',
  'escalate',
  'start_playbook',
  'attach_to_incident',
] as const;

export const OpenCaseAction = z.strictObject({
  kind: z.literal('open_case'),
  category: Key.default('other'),
  priority: Priority.default('normal'),
  teamId: Id.optional(),
  subject: Template.min(1).describe('template, e.g. "Shipment {{refs.shipmentId}} has not moved"'),
  note: Template.optional().describe('first internal note (template)'),
});
export const NotifyCustomerAction = z.strictObject({
  kind: z.literal('notify_customer'),
  message: Template.min(1).describe('the message to the customer (template); sent on the proactive case'),
});
export const NotifyTeamAction = z.strictObject({
  kind: z.literal('notify_team'),
  teamId: Id,
  message: Template.min(1),
});
export const EscalateAction = z.strictObject({
  kind: z.literal('escalate'),
  priority: Priority.default('urgent'),
  teamId: Id.optional().describe('move the proactive case to this team'),
  note: Template.optional(),
});
/** Accepted by the schema so the editor can offer them; refused by the service until they exist. */
export const StartPlaybookAction = z.strictObject({ kind: z.literal('start_playbook'), playbookId: Id });
export const AttachToIncidentAction = z.strictObject({
  kind: z.literal('attach_to_incident'),
  incidentId: Id,
});

export const RuleAction = z.discriminatedUnion('kind', [
  OpenCaseAction,
  NotifyCustomerAction,
  NotifyTeamAction,
  EscalateAction,
  StartPlaybookAction,
  AttachToIncidentAction,
]);
export type RuleAction = z.infer<typeof RuleAction>;

const common = {
  name: Name,
  description: z.string().max(5000).nullable().optional(),
  severity: Severity.default('medium'),
  enabled: z.boolean().default(true),
  scope: RuleScope.optional(),
  dedupe: RuleDedupe.optional(),
  actions: z.array(RuleAction).max(RULE_LIMITS.actions).default([]),
};

export const MatchRule = z.strictObject({ ...common, kind: z.literal('match'), when: EventSelector });

export const AbsenceRule = z
  .strictObject({
    ...common,
    kind: z.literal('absence'),
    after: EventSelector.describe('the event that starts the wait'),
    expect: EventSelector.describe('the event that ends it'),
    sameRef: RefKey.describe('the ref both events share, e.g. shipmentId'),
    within: Duration.optional().describe('fire when the expected event has not come this long after'),
    by: FieldPath.optional().describe('a time in the starting event (e.g. data.promisedAt): the deadline'),
    lead: Duration.optional().describe('with by: fire this long before the deadline'),
  })
  .superRefine((r, ctx) => {
    if (!!r.within === !!r.by)
      ctx.addIssue({
        code: 'custom',
        path: ['within'],
        message: 'give either within, or by (with an optional lead)',
      });
    if (r.lead && !r.by) ctx.addIssue({ code: 'custom', path: ['lead'], message: 'lead goes with by' });
  });

export const ThresholdRule = z.strictObject({
  ...common,
  kind: z.literal('threshold'),
  when: EventSelector,
  count: z.number().int().min(2).max(10_000),
  window: Duration,
  per: z.enum(['customer', 'organization']).default('customer'),
});

export const RuleDefinition = z.discriminatedUnion('kind', [MatchRule, AbsenceRule, ThresholdRule]);
export type RuleDefinition = z.infer<typeof RuleDefinition>;
export type RuleDefinitionInput = z.input<typeof RuleDefinition>;
export type MatchRule = z.infer<typeof MatchRule>;
export type AbsenceRule = z.infer<typeof AbsenceRule>;
export type ThresholdRule = z.infer<typeof ThresholdRule>;
export const RULE_KINDS = ['match', 'absence', 'threshold'] as const;

/** A stored rule: its current definition, version and state. */
export const Rule = z.object({
  id: Id,
  version: z.number().int(),
  definition: RuleDefinition,
  name: z.string(),
  kind: z.enum(RULE_KINDS),
  severity: Severity,
  enabled: z.boolean(),
  openSignals: z.number().int().describe('signals of this rule open or acted on now'),
  last30Days: z
    .object({
      signals: z.number().int(),
      resolved: z.number().int(),
      resolvedByEvent: z
        .number()
        .int()
        .describe('of the resolved, those that resolved themselves (the awaited event came)'),
      dismissed: z.number().int(),
    })
    .describe(
      'signals detected in the last 30 days, and how many of them were resolved (by a person or by themselves) or dismissed (many dismissals: a rule to tune)',
    ),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Rule = z.infer<typeof Rule>;

export const RuleVersion = z.object({
  version: z.number().int(),
  definition: RuleDefinition,
  createdAt: IsoDateTime,
  createdBy: Id.nullable(),
  createdByName: z
    .string()
    .nullable()
    .describe(
      'the name of the user who saved it (also when that user was deleted since); null: Steward itself',
    ),
});

export const RuleListQuery = z.strictObject({
  kind: z.enum(RULE_KINDS).optional(),
  enabled: z.enum(['true', 'false']).optional(),
  limit: Limit,
  cursor: Cursor.optional(),
});

export const RuleEnable = z.strictObject({ enabled: z.boolean() });

export const DryRunBody = z.strictObject({
  definition: RuleDefinition.optional().describe(
    'a rule to try (default: the stored rule, for /rules/:id/dry-run)',
  ),
  from: IsoDateTime.optional().describe('default: 30 days ago'),
  to: IsoDateTime.optional().describe('default: now'),
});

export const DryRunAnswer = z.object({
  from: IsoDateTime,
  to: IsoDateTime,
  eventsScanned: z.number().int(),
  truncated: z.boolean().describe(`more than ${RULE_LIMITS.dryRunEvents} events: only the first were read`),
  signals: z.number().int().describe('signals the rule would have opened (after dedupe)'),
  customers: z.array(
    z.object({ customerId: Id.nullable(), name: z.string().nullable(), signals: z.number().int() }),
  ),
  samples: z.array(
    z.object({
      customerId: Id.nullable(),
      ref: z.string().nullable(),
      firedAt: IsoDateTime,
      evidence: z.array(Id).describe('event ids (Steward’s)'),
    }),
  ),
});
export type DryRunAnswer = z.infer<typeof DryRunAnswer>;
