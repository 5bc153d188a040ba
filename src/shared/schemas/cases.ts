import { z } from 'zod';
import { FieldFilters } from './fields.js';
import {
  BooleanQuery,
  commaList,
  Email,
  Cursor,
  ExportTimeZone,
  Id,
  IsoDateTime,
  LIMITS,
  Limit,
  PAGING,
  Search,
  SegmentKey,
  OneLineText,
} from './common.js';
import { EventRefs } from './events.js';

export const CASE_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export const CaseStatus = z.enum(CASE_STATUSES);
export type CaseStatus = z.infer<typeof CaseStatus>;
/** Statuses in which a case still needs work. */
export const UNSOLVED_STATUSES: CaseStatus[] = ['new', 'open', 'pending', 'on_hold'];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;

export const CHANNELS = ['email', 'web', 'portal', 'phone', 'chat', 'api', 'proactive'] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

export const BUILTIN_CATEGORIES = [
  ['order_status', 'Order status inquiry'],
  ['late_delivery', 'Late delivery'],
  ['damaged_product', 'Damaged product'],
  ['wrong_item', 'Wrong item shipped'],
  ['invoice_error', 'Invoice error'],
  ['order_change', 'Order change'],
  ['complaint', 'Complaint'],
  ['technical_question', 'Technical question'],
  ['other', 'Other'],
] as const;

export const Key = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,49}$/, 'lower-case letters, digits and _ (max 50), starting with a letter');
export const Tag = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_:.-]{0,49}$/, 'tags are lower-case letters, digits and _ : . - (max 50)');
/** The most tags a case has (a whole list sent, or what adding makes of it). */
export const MAX_CASE_TAGS = 50;
export const Tags = z
  .array(Tag)
  .max(MAX_CASE_TAGS)
  .transform((t) => [...new Set(t)]);
export const Skill = Tag;

export const CategoryInput = z.strictObject({
  key: Key,
  name: z.string().trim().min(1).max(100),
  active: z.boolean().optional(),
  offeredToCustomers: z
    .boolean()
    .optional()
    .describe('customers may pick it on a new request in the portal (default: not offered)'),
});
export const Category = z.object({
  key: z.string(),
  name: z.string(),
  active: z.boolean(),
  builtin: z.boolean(),
  offeredToCustomers: z.boolean(),
});

/** A logged phone call: which way, how long, how it ended. */
export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;
export const CALL_OUTCOMES = [
  'resolved',
  'callback_needed',
  'voicemail',
  'no_answer',
  'transferred',
  'other',
] as const;
export const CallDetails = z
  .strictObject({
    direction: z.enum(CALL_DIRECTIONS),
    durationSeconds: z.number().int().min(0).max(86_400),
    outcome: z.enum(CALL_OUTCOMES),
  })
  .describe('a logged phone call: the message body is its summary');
export type CallDetails = z.infer<typeof CallDetails>;

export const MessageBody = z.string().trim().min(1, 'is required').max(LIMITS.messageBody);

/** The category a case gets when none is given (the web form, the API). */
export const DEFAULT_CATEGORY = 'other';
/** The default category's name as Steward installs it, for a page to show before the categories load. */
export const DEFAULT_CATEGORY_NAME =
  new Map<string, string>(BUILTIN_CATEGORIES).get(DEFAULT_CATEGORY) ?? DEFAULT_CATEGORY;

export const CaseCreate = z.strictObject({
  subject: OneLineText().min(1, 'is required').max(LIMITS.subject),
  customerId: Id,
  channel: Channel.optional().describe(
    'default: api; for a first message from an agent, email when it is public and the customer has an address, else proactive (we wrote first)',
  ),
  category: Key.default(DEFAULT_CATEGORY),
  priority: Priority.default('normal'),
  status: CaseStatus.optional().describe('default: new, or open when assigned'),
  assigneeId: Id.nullable().optional(),
  teamId: Id.nullable().optional(),
  tags: Tags.optional(),
  customFields: z.record(z.string(), z.unknown()).optional(),
  requiredSkills: z.array(Skill).max(20).optional(),
  message: z
    .strictObject({
      body: MessageBody,
      from: z.enum(['customer', 'agent']).default('customer'),
      call: CallDetails.optional().describe('staff: the case was opened from this phone call'),
      public: z
        .boolean()
        .optional()
        .describe(
          'staff, with from agent: false makes it an internal note (not shown to the customer, not mailed, no response); default true',
        ),
    })
    .refine((m) => m.public !== false || m.from === 'agent', {
      message: 'an internal note is written by an agent (from: agent)',
      path: ['public'],
    })
    .optional()
    .describe('the first message; by default what the customer wrote'),
  createdAt: IsoDateTime.optional().describe('admins importing history: when the case was opened'),
  refs: EventRefs.optional().describe(
    'operational references the case is about (orderId, shipmentId, …); a customer contact sharing one with an open proactive case joins that case',
  ),
});
export type CaseCreate = z.input<typeof CaseCreate>;

/** The most addresses a case copies on its mail. */
export const MAX_CC = 10;

export const CcList = z
  .array(Email)
  .max(MAX_CC)
  .describe(
    'addresses that get the case’s public replies by e-mail (Cc) and may write into it; not the customer, colleagues or our own addresses',
  );

/** The most days ahead a follow-up may be set. */
export const FOLLOW_UP_MAX_DAYS = 366;

/** The local hour follow-up presets land on (on a calendar: when the business is open then). */
export const FOLLOW_UP_HOUR = 9;

export const FollowUpAt = IsoDateTime.describe(
  'a waiting case (pending, on hold) opens again at this time and its assignee is told; null clears it. In the future, at most a year ahead',
);

export const FollowUpTimes = z
  .object({
    calendar: z
      .object({ id: Id, name: z.string(), timezone: z.string() })
      .nullable()
      .describe('the calendar of the case’s agreement; null when it has none (then pick calendar days)'),
    times: z
      .array(
        z.object({
          key: z.string().describe('next_business_day, in_3_business_days, in_1_week or in_2_weeks'),
          label: z.string().describe('how to offer it, e.g. "Next business day"'),
          at: IsoDateTime,
        }),
      )
      .describe('empty when the case has no calendar'),
  })
  .describe(
    'When a waiting case could open again, on its business calendar: open days only, at 09:00 local time or the day’s first opening after it',
  );
export type FollowUpTimes = z.infer<typeof FollowUpTimes>;

export const CaseUpdate = z
  .strictObject({
    subject: OneLineText().min(1).max(LIMITS.subject).optional(),
    customerId: Id.optional(),
    category: Key.optional(),
    priority: Priority.optional(),
    status: CaseStatus.optional(),
    assigneeId: Id.nullable().optional(),
    teamId: Id.nullable().optional(),
    tags: Tags.optional().describe('the whole list, replacing the case’s (send If-Match: see above)'),
    addTags: Tags.optional().describe(
      'tags added to the case’s list as it is when saved: a colleague’s change meanwhile stays, so no If-Match is needed',
    ),
    removeTags: Tags.optional().describe(
      'tags taken off the case’s list as it is when saved (after addTags)',
    ),
    customFields: z.record(z.string(), z.unknown()).optional(),
    requiredSkills: z.array(Skill).max(20).optional(),
    followUpAt: FollowUpAt.nullable().optional(),
    cc: CcList.optional(),
  })
  .superRefine((u, ctx) => {
    // The whole list and changes to it cannot both apply: which would win is anyone's guess.
    if (u.tags === undefined) return;
    for (const key of ['addTags', 'removeTags'] as const)
      if (u[key] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'send either tags (the whole list) or addTags/removeTags (changes to it), not both',
        });
  });
export type CaseUpdate = z.infer<typeof CaseUpdate>;

export const MessageCreate = z.strictObject({
  body: MessageBody,
  public: z.boolean().describe('true: a reply the customer sees; false: an internal note'),
  from: z
    .enum(['agent', 'customer'])
    .optional()
    .describe('staff logging what the customer said (phone, import): customer'),
  attachmentIds: z.array(Id).max(20).optional(),
  lastSeenMessageId: Id.nullable()
    .optional()
    .describe('the newest message you had seen: a newer public reply by someone else is a collision (409)'),
  force: z.boolean().optional().describe('send despite a collision'),
  createdAt: IsoDateTime.optional().describe('admins importing history'),
  call: CallDetails.optional().describe(
    'staff logging a phone call: direction, duration, outcome (never mailed to the customer)',
  ),
});
export type MessageCreate = z.infer<typeof MessageCreate>;

export const Attachment = z.object({
  id: Id,
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  url: z.string(),
});

/**
 * Why a public reply went to no one by e-mail, kept with it as it was when written: the customer
 * was deleted, or had no e-mail address.
 */
export const NOT_MAILED_REASONS = ['customer_deleted', 'no_address'] as const;
export const NotMailedReason = z.enum(NOT_MAILED_REASONS);
export type NotMailedReason = z.infer<typeof NotMailedReason>;

export const Message = z.object({
  id: Id,
  caseId: Id,
  authorType: z
    .enum(['agent', 'customer', 'system', 'third_party'])
    .describe('third_party: someone written to in a side conversation (authorName is their From)'),
  authorUserId: Id.nullable(),
  authorName: z.string().nullable(),
  sideConversationId: Id.nullable().describe('a message of a side conversation: internal, never public'),
  public: z.boolean(),
  body: z.string().describe('the text; for e-mail, trimmed of quoted history and signature'),
  bodyHtml: z
    .string()
    .nullable()
    .describe('sanitized HTML of a message that came as HTML (e-mail): no scripts, styles or remote images'),
  channel: z.string().nullable(),
  call: CallDetails.nullable().describe('a logged phone call'),
  attachments: z.array(Attachment),
  notMailed: NotMailedReason.nullable().describe(
    'staff only: a public reply e-mailed to no one, and why, as it was when written (customer_deleted: the customer had been deleted; no_address: the customer had no e-mail address), even if the customer is restored or gets an address since; null: e-mailed (see GET /mail?caseId=), or not mailed by its kind (a note, the customer’s message, a logged call or chat, imported history), and always for customers',
  ),
  createdAt: IsoDateTime,
});
export type Message = z.infer<typeof Message>;

/**
 * What became of a message as mail, told to whoever wrote it: an agent's public reply is put in
 * the outbox (`queued`, or `held` while outgoing mail is not set up), or mailed to no one because
 * the customer was deleted or has no e-mail address. Null: not something mailed (an internal
 * note, the customer's message, a logged call or chat, imported history, a message that came by
 * e-mail).
 */
export const MESSAGE_DELIVERIES = [
  'queued',
  'held',
  'not_sent_customer_deleted',
  'not_sent_no_address',
] as const;
export const MessageDelivery = z.enum(MESSAGE_DELIVERIES);
export type MessageDelivery = z.infer<typeof MessageDelivery>;

/** The answer to writing a message: the message, and what became of it as mail. */
export const MessageWritten = Message.extend({
  delivery: MessageDelivery.nullable().describe(
    'a public reply: queued or held in the outbox (held: outgoing mail is not set up), or not_sent_customer_deleted / not_sent_no_address: mailed to no one (the customer was deleted, or has no e-mail address); null: not mailed by its kind (a note, the customer’s message, a logged call or chat, imported history)',
  ),
});
export type MessageWritten = z.infer<typeof MessageWritten>;

export const PROMISE_KINDS = ['first_response', 'next_response', 'periodic_update', 'resolution'] as const;
export const PromiseKind = z.enum(PROMISE_KINDS);
export type PromiseKind = z.infer<typeof PromiseKind>;
export const PROMISE_STATES = ['active', 'paused', 'met', 'breached'] as const;
export const PromiseState = z.enum(PROMISE_STATES);
export type PromiseState = z.infer<typeof PromiseState>;

/**
 * How a promise clock turned out, as PSA target compliance counts it: decided (met on time, or
 * breached) at its decision, met on time, breached (also when fulfilled late since), or overdue
 * now (past due and not fulfilled, whatever the period).
 */
export const PROMISE_OUTCOMES = ['decided', 'met_on_time', 'breached', 'overdue'] as const;
export const PromiseOutcome = z.enum(PROMISE_OUTCOMES);
export type PromiseOutcome = z.infer<typeof PromiseOutcome>;

/** `segment=_none`: customers without one (a segment key never starts with `_`). */
export const NO_SEGMENT = '_none';

/**
 * The queue's filters on a case's promise clocks and its customer's segment: the cases behind a
 * count of PSA target compliance (GET /kpis/promises). Staff only. The clock conditions hold for
 * one and the same clock.
 */
export const PromiseClockFilters = z.object({
  promiseKind: PromiseKind.optional().describe('cases with a promise clock of this kind'),
  promiseAgreementId: Id.optional().describe('cases with a promise clock of this agreement'),
  promiseOutcome: PromiseOutcome.optional().describe(
    'cases with a clock decided (met on time, or breached) in [decidedFrom, decidedTo), met on time, breached (counted at its breach, also when fulfilled late since) or overdue now (past due and not fulfilled, whatever the period)',
  ),
  decidedFrom: IsoDateTime.optional().describe(
    'the clock was decided at or after (met at metAt, breached at breachedAt); without promiseOutcome: decided',
  ),
  decidedTo: IsoDateTime.optional().describe('and before'),
  segment: z
    .union([SegmentKey, z.literal(NO_SEGMENT)])
    .optional()
    .describe("the customer's effective segment (own, else the organization's) as it is now; _none: none"),
});
export type PromiseClockFilters = z.infer<typeof PromiseClockFilters>;
export const PROMISE_CLOCK_FILTERS = [
  'promiseKind',
  'promiseAgreementId',
  'promiseOutcome',
  'decidedFrom',
  'decidedTo',
  'segment',
] as const satisfies readonly (keyof PromiseClockFilters)[];

/** Cases solved (their `solvedAt`) in [solvedFrom, solvedTo): the Workload page's "solved today". */
export const SolvedFilters = z.object({
  solvedFrom: IsoDateTime.optional().describe(
    'cases solved at or after (solvedAt; a reopened case is not solved)',
  ),
  solvedTo: IsoDateTime.optional().describe('and before'),
});
export type SolvedFilters = z.infer<typeof SolvedFilters>;
export const SOLVED_FILTERS = ['solvedFrom', 'solvedTo'] as const satisfies readonly (keyof SolvedFilters)[];

export const CasePromise = z.object({
  id: Id,
  kind: PromiseKind,
  cycle: z.number().int(),
  state: PromiseState,
  targetMinutes: z.number().int(),
  startedAt: IsoDateTime,
  dueAt: IsoDateTime.nullable().describe('null while paused'),
  warnAt: IsoDateTime.nullable(),
  metAt: IsoDateTime.nullable().optional(),
  breachedAt: IsoDateTime.nullable().optional(),
  pausedAt: IsoDateTime.nullable().optional(),
  usedMinutes: z.number().int().describe('business minutes used so far'),
  remainingMinutes: z
    .number()
    .int()
    .nullable()
    .describe('business minutes left (negative: overdue); null when met'),
  agreementId: Id,
});
export type CasePromise = z.infer<typeof CasePromise>;

const Ref = z.object({ id: Id, name: z.string() });

export const Case = z.object({
  id: Id,
  number: z.number().int(),
  subject: z.string(),
  customerId: Id,
  customer: z.object({
    id: Id,
    name: z.string(),
    email: z.string().nullable(),
    deletedAt: IsoDateTime.nullable().describe(
      'staff: when the customer was deleted (their cases stay, but public replies are mailed to no one); null for customers',
    ),
  }),
  organizationId: Id.nullable(),
  organization: Ref.nullable(),
  channel: Channel,
  category: z.string(),
  priority: Priority,
  status: CaseStatus,
  assigneeId: Id.nullable(),
  assignee: Ref.nullable(),
  teamId: Id.nullable(),
  team: Ref.nullable(),
  tags: z.array(z.string()),
  customFields: z.record(z.string(), z.unknown()),
  requiredSkills: z.array(z.string()),
  refs: z.record(z.string(), z.string()).describe('operational references (orderId, shipmentId, …)'),
  agreementId: Id.nullable(),
  agreement: Ref.nullable().describe('the agreement whose targets apply, and why: most specific wins'),
  mergedIntoId: Id.nullable(),
  nextDueAt: IsoDateTime.nullable(),
  firstRespondedAt: IsoDateTime.nullable(),
  solvedAt: IsoDateTime.nullable(),
  closedAt: IsoDateTime.nullable(),
  reopenCount: z.number().int(),
  followUpAt: IsoDateTime.nullable().describe(
    'staff: when this waiting case opens again (set with status pending or on hold; cleared when it stops waiting)',
  ),
  cc: z
    .array(z.string())
    .describe(
      'who else gets its public replies by e-mail, and may write into it (from the mail, or set by staff)',
    ),
  customerVisible: z
    .boolean()
    .describe('whether the customer side sees it: a proactive case does once one of its messages is public'),
  promises: z.array(CasePromise),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Case = z.infer<typeof Case>;

/** The answer to opening a case: the case, and what became of its first message as mail. */
export const CaseOpened = Case.extend({
  delivery: MessageDelivery.nullable().describe(
    'an agent’s public first message: queued or held in the outbox, or not_sent_customer_deleted / not_sent_no_address (as a reply’s delivery); null: nothing was mailed (no first message, a note, the customer’s own message, a historic createdAt, or the message joined an open proactive case)',
  ),
});
export type CaseOpened = z.infer<typeof CaseOpened>;

export const CaseSummary = Case.omit({ promises: true, customFields: true, requiredSkills: true }).extend({
  promiseState: z.enum(['ok', 'at_risk', 'breached', 'none']).describe('worst state of the running clocks'),
});
export type CaseSummary = z.infer<typeof CaseSummary>;

export const CASE_SORTS = [
  'nextDueAt',
  'createdAt',
  '-createdAt',
  'updatedAt',
  '-updatedAt',
  'followUpAt',
] as const;

/** A case's address: its id, or its number as people quote it (`29`; `#29`, in a URL `%2329`). */
const CASE_NUMBER = /^#?[1-9][0-9]{0,14}$/;
export const CaseRef = z
  .string()
  .refine((v) => CASE_NUMBER.test(v) || Id.safeParse(v).success, {
    message: 'must be a UUID or a case number',
  })
  .transform((v): string | number => (CASE_NUMBER.test(v) ? Number(v.replace('#', '')) : v))
  .describe('a case id (UUID) or case number');
export const CaseRefParams = z.strictObject({ id: CaseRef });

export const CaseListQuery = z.strictObject({
  view: Id.optional().describe('apply a saved view; other filters narrow it further'),
  status: commaList(CaseStatus).optional(),
  priority: commaList(Priority).optional(),
  category: commaList(Key).optional().describe('one or more category keys, comma-separated'),
  channel: commaList(Channel).optional(),
  assigneeId: z.union([Id, z.enum(['me', 'none'])]).optional(),
  teamId: z.union([Id, z.literal('none')]).optional(),
  tag: commaList(Tag).optional().describe('cases with all of these tags, comma-separated'),
  customerId: Id.optional(),
  organizationId: Id.optional(),
  promise: z
    .enum(['at_risk', 'breached'])
    .optional()
    .describe('running clocks past their warning, or past due'),
  awaitingReply: z
    .literal('true')
    .transform(() => true as const)
    .optional()
    .describe(
      'staff: true: new or open cases whose customer’s last message has no reply of ours after it (waiting on us; the Workload page’s longest wait)',
    ),
  ...PromiseClockFilters.shape,
  ...SolvedFilters.shape,
  field: FieldFilters.optional(),
  q: Search.optional().describe('full-text search over subjects and messages'),
  sort: z.enum(CASE_SORTS).optional(),
  limit: Limit,
  cursor: Cursor.optional(),
  includeTotal: BooleanQuery.optional(),
});
export type CaseListQuery = z.infer<typeof CaseListQuery>;

export const CaseExportQuery = CaseListQuery.omit(PAGING).extend({ timezone: ExportTimeZone });
export type CaseExportQuery = z.infer<typeof CaseExportQuery>;

export const DeletedCase = z.object({
  id: Id,
  number: z.number().int(),
  subject: z.string(),
  customerName: z.string(),
  deletedAt: IsoDateTime,
  reason: z.enum(['deleted', 'spam']).describe('deleted by an admin, or marked as spam'),
  deletedBy: z.string().nullable(),
});
export type DeletedCase = z.infer<typeof DeletedCase>;

/** The most cases one bulk change takes. */
export const MAX_BULK_CASES = 500;

export const BulkCaseUpdate = z.strictObject({
  ids: z.array(Id).min(1).max(MAX_BULK_CASES),
  set: z.strictObject({
    status: CaseStatus.optional(),
    priority: Priority.optional(),
    category: Key.optional(),
    assigneeId: Id.nullable().optional(),
    teamId: Id.nullable().optional(),
    addTags: Tags.optional(),
    removeTags: Tags.optional(),
    followUpAt: FollowUpAt.nullable().optional(),
  }),
});

export const TimelineEntry = z.object({
  id: Id,
  type: z.string(),
  actorId: Id.nullable(),
  actorName: z.string().nullable(),
  actorKind: z.string(),
  data: z.record(z.string(), z.unknown()),
  occurredAt: IsoDateTime,
});
