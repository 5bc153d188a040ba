// Operational events from outside systems (orders, shipments, invoices) and the sources that send
// them. One schema per shape, shared by the ingest endpoint, the OpenAPI document and the UI.
import { z } from 'zod';
import {
  BAD_TEXT,
  BooleanQuery,
  Cursor,
  Email,
  Id,
  IsoDateTime,
  LIMITS,
  Limit,
  Name,
  TimeZone,
  WholeNumber,
  badText,
} from './common.js';

export const EVENT_LIMITS = {
  /** Events in one call. */
  batch: 1_000,
  /** `data` of one event, as compact JSON (UTF-8 bytes). */
  dataBytes: 32 * 1024,
  /** Nesting depth of `data`. */
  dataDepth: 32,
  id: 200,
  type: 100,
  refs: 20,
  refValue: 200,
  /** `ref` filters in one list query (events naming any of them). */
  refFilters: 10,
  /** A request body (one call). 1,000 small events fit comfortably. */
  bodyBytes: 8 * 1024 * 1024,
  /** How far `occurredAt` may lie in the future (clock skew between systems). */
  futureSkewSeconds: 300,
  /** How far a webhook's timestamp may be from the server's clock (replay window). */
  webhookToleranceSeconds: 300,
} as const;

/** Text stored in a column: no control characters (PostgreSQL refuses NUL in text and JSON). */
// eslint-disable-next-line no-control-regex
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
const ShortText = (max: number) =>
  z.string().trim().min(1, 'is required').max(max).regex(NO_CONTROL, 'must not contain control characters');

export const EventId = z
  .string()
  .min(1, 'is required')
  .max(EVENT_LIMITS.id)
  .regex(/^\S+$/, 'must not contain spaces or control characters')
  .describe('the source’s id of the event; unique per source (idempotency key)');

export const EventType = z
  .string()
  .max(EVENT_LIMITS.type)
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'must be dotted lower-case words, e.g. shipment.scanned')
  .describe('e.g. order.created, shipment.scanned, invoice.issued');

export const RefKey = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, 'ref keys start with a letter: letters, digits, _ (max 63)');

export const EventRefs = z
  .record(RefKey, ShortText(EVENT_LIMITS.refValue))
  .refine((r) => Object.keys(r).length <= EVENT_LIMITS.refs, {
    message: `at most ${EVENT_LIMITS.refs} refs`,
  })
  .describe('identifiers in operational systems: orderId, shipmentId, invoiceId, …');
export type EventRefs = z.infer<typeof EventRefs>;

export const EventCustomerRef = z
  .strictObject({
    id: Id.optional(),
    externalId: ShortText(LIMITS.externalId).optional(),
    email: Email.optional(),
  })
  .refine((c) => !!(c.id || c.externalId || c.email), { message: 'give id, externalId or email' })
  .describe('matched by id, then externalId, then e-mail (case-insensitive)');
export type EventCustomerRef = z.infer<typeof EventCustomerRef>;

export const EventOrganizationRef = z
  .strictObject({
    id: Id.optional(),
    externalId: ShortText(LIMITS.externalId).optional(),
    domain: z
      .string()
      .trim()
      .toLowerCase()
      .max(253)
      .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, 'must be a domain name')
      .optional(),
  })
  .refine((o) => !!(o.id || o.domain), {
    message: 'give id or domain (organizations have no externalId in Steward yet)',
  })
  .describe('matched by id, else by one of its e-mail domains (externalId is accepted, not matched yet)');
export type EventOrganizationRef = z.infer<typeof EventOrganizationRef>;

/** UTF-8 length of a string with no unpaired surrogates, without encoding it. */
function utf8Length(s: string): number {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 2; // a surrogate pair: 2 UTF-16 units, 4 bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/**
 * Why `data` cannot be stored, or null: too deep, too large, or holding text PostgreSQL's jsonb
 * refuses (NUL, unpaired surrogates). Iterative, so hostile nesting cannot overflow the stack.
 * Runs for every event of every batch: it walks the values in place, without copying entries.
 */
export function dataProblem(data: Record<string, unknown>): string | null {
  const values: unknown[] = [data];
  const depths: number[] = [1];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    if (typeof value === 'string') {
      if (badText(value)) return BAD_TEXT;
    } else if (value !== null && typeof value === 'object') {
      if (depth > EVENT_LIMITS.dataDepth) return `must not be nested deeper than ${EVENT_LIMITS.dataDepth}`;
      if (Array.isArray(value)) {
        for (const child of value) {
          values.push(child);
          depths.push(depth + 1);
        }
      } else {
        for (const key in value) {
          if (!Object.hasOwn(value, key)) continue;
          if (badText(key)) return `keys ${BAD_TEXT}`;
          values.push((value as Record<string, unknown>)[key]);
          depths.push(depth + 1);
        }
      }
    }
  }
  const json = JSON.stringify(data);
  // A UTF-16 unit is at most 3 UTF-8 bytes: most data is far below the limit without counting.
  const bytes = json.length * 3 <= EVENT_LIMITS.dataBytes ? 0 : utf8Length(json);
  return bytes > EVENT_LIMITS.dataBytes
    ? `must be at most ${EVENT_LIMITS.dataBytes} bytes as JSON (is ${bytes})`
    : null;
}

/** One event as a source sends it. Each event of a batch is validated on its own. */
export const EventInput = z.strictObject({
  id: EventId,
  type: EventType,
  occurredAt: IsoDateTime.refine(
    // Not a time at all is said once, by the format check: not also "in the future".
    (t) => !(Date.parse(t) > Date.now() + EVENT_LIMITS.futureSkewSeconds * 1000),
    `must not be in the future (${EVENT_LIMITS.futureSkewSeconds} s allowed for clock skew)`,
  ),
  customer: EventCustomerRef.optional(),
  organization: EventOrganizationRef.optional(),
  refs: EventRefs.optional(),
  data: z
    .record(z.string(), z.unknown())
    .superRefine((d, ctx) => {
      const problem = dataProblem(d);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional()
    .describe(
      `any JSON object, at most ${EVENT_LIMITS.dataBytes} bytes; data.customerName names a customer created from this event`,
    ),
});
export type EventInput = z.infer<typeof EventInput>;

/** The body of POST /events and the webhook: one event, or {"events": [...]}. */
export const EventsBody = z
  .record(z.string(), z.unknown())
  .describe(
    `One event {"id", "type", "occurredAt", "customer"?, "organization"?, "refs"?, "data"?}, or {"events": [up to ${EVENT_LIMITS.batch} events]}. Each event is validated on its own: an invalid one is reported as rejected and does not stop the others.`,
  )
  .meta({
    examples: [
      {
        id: 'wms-88121',
        type: 'shipment.scanned',
        occurredAt: '2026-11-23T09:00:00.000Z',
        customer: { externalId: 'C-1001' },
        refs: { orderId: 'SO-1', shipmentId: 'SH-7' },
        data: { location: 'Leipzig hub' },
      },
    ],
  });

export const INGEST_STATUSES = ['accepted', 'duplicate', 'rejected'] as const;

export const IngestResult = z.object({
  index: z.number().int().describe('position in the batch (0 for a single event)'),
  id: z.string().nullable().describe('the event’s id as sent (null when it had none)'),
  status: z.enum(INGEST_STATUSES),
  reason: z.string().optional().describe('why it was rejected, or what it duplicates'),
  warnings: z
    .array(z.string())
    .optional()
    .describe(
      'accepted, but something it was meant to do could not be done: a commitment not opened (no ref, or a due time that is not a time), an absence rule’s wait not started',
    ),
});
export type IngestResult = z.infer<typeof IngestResult>;

export const IngestAnswer = z.object({
  accepted: z.number().int(),
  duplicate: z.number().int(),
  rejected: z.number().int(),
  customersCreated: z.number().int(),
  warned: z.number().int().describe('accepted events with warnings (see results)'),
  signalsOpened: z
    .number()
    .int()
    .describe('new signals the accepted events opened at once (absence rules fire later)'),
  results: z.array(IngestResult),
});
export type IngestAnswer = z.infer<typeof IngestAnswer>;

export const EventSourceKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, 'source keys are lower-case letters, digits, - and _ (max 50)');

export const IngestQuery = z.strictObject({
  source: EventSourceKey.optional().describe('required with a user token: the source the events come from'),
});

/** A stored event. */
export const Event = z.object({
  id: Id.describe('Steward’s id'),
  eventId: z.string().describe('the source’s id of the event'),
  source: z.string().describe('the source’s key'),
  type: z.string(),
  occurredAt: IsoDateTime,
  receivedAt: IsoDateTime,
  customerId: Id.nullable(),
  organizationId: Id.nullable(),
  refs: z.record(z.string(), z.string()),
  data: z.record(z.string(), z.unknown()),
  warnings: z
    .array(z.string())
    .describe('what the event was meant to do and could not when it was accepted (usually none)'),
});
export type Event = z.infer<typeof Event>;

export const EVENT_SORTS = ['occurredAt', '-occurredAt', 'receivedAt', '-receivedAt'] as const;

const RefFilter = z
  .string()
  .max(300)
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,62}:.+$/, 'must be key:value, e.g. orderId:SO-1');

export const EventListQuery = z.strictObject({
  type: EventType.optional(),
  customerId: Id.optional(),
  source: EventSourceKey.optional(),
  ref: z
    .union([RefFilter, z.array(RefFilter).min(1).max(EVENT_LIMITS.refFilters)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional()
    .describe(
      `a ref as key:value, e.g. orderId:SO-1; repeat it (up to ${EVENT_LIMITS.refFilters}) for the events naming any of them`,
    ),
  occurredAfter: IsoDateTime.optional().describe('inclusive'),
  occurredBefore: IsoDateTime.optional().describe('exclusive'),
  warned: BooleanQuery.optional().describe(
    'true: only events accepted with warnings; false: only those without',
  ),
  sort: z.enum(EVENT_SORTS).default('-occurredAt'),
  limit: Limit,
  cursor: Cursor.optional(),
  includeTotal: BooleanQuery.optional(),
});
export type EventListQuery = z.infer<typeof EventListQuery>;

// ---- sources ----------------------------------------------------------------------------------

/** The silence alert's bounds: five minutes to a week. */
export const SILENCE_ALERT_MINUTES = { min: 5, max: 7 * 24 * 60 };
const SILENCE = `a whole number of minutes from ${SILENCE_ALERT_MINUTES.min} to ${SILENCE_ALERT_MINUTES.max}, or none for no alert`;
const SilenceAlertMinutes = WholeNumber(SILENCE_ALERT_MINUTES.min, SILENCE_ALERT_MINUTES.max, SILENCE)
  .nullable()
  .describe(
    'warn staff (board, sources page, audit log) when the source has sent nothing for this many minutes: its absence signals may be false alarms',
  );

export const EventSourceCreate = z.strictObject({
  // "new" is the web UI's address of the form for a new source.
  key: EventSourceKey.refine((k) => k !== 'new', 'the key "new" is reserved'),
  name: Name,
  createUnknownCustomers: z
    .boolean()
    .default(true)
    .describe('create a customer for an event naming an unknown one (else the event is rejected)'),
  active: z.boolean().default(true).describe('an inactive source’s events are refused (403)'),
  silenceAlertMinutes: SilenceAlertMinutes.default(null),
});
export type EventSourceCreate = z.infer<typeof EventSourceCreate>;

export const EventSourceUpdate = z.strictObject({
  name: Name.optional(),
  createUnknownCustomers: z.boolean().optional(),
  active: z.boolean().optional(),
  silenceAlertMinutes: SilenceAlertMinutes.optional(),
});
export type EventSourceUpdate = z.infer<typeof EventSourceUpdate>;

/** After a silent source speaks again, customer mails that wait on its events wait this long more (minutes). */
export const RESUME_GRACE_MINUTES = 15;

export const EventSource = z.object({
  id: Id,
  key: z.string(),
  name: z.string(),
  createUnknownCustomers: z.boolean(),
  active: z.boolean(),
  lastEventAt: IsoDateTime.nullable().describe('when it last sent an accepted event, to the minute'),
  silenceAlertMinutes: z.number().int().nullable(),
  silentSince: IsoDateTime.nullable().describe(
    'set while the source is silent (nothing for silenceAlertMinutes): since when nothing came',
  ),
  resumedAt: IsoDateTime.nullable().describe(
    `when it last sent events again after a silence; customer mails that wait on its events wait ${RESUME_GRACE_MINUTES} minutes more`,
  ),
  eventTypes: z.array(z.string()).describe('the event types it has sent (accepted), sorted; at most 200'),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type EventSource = z.infer<typeof EventSource>;

/** A source as its list and its page show it: with what it sent lately. */
export const EventSourceWithActivity = EventSource.extend({
  activity: z.object({
    eventsLast24h: z.number().int().describe('events accepted in the last 24 hours'),
    warnedLast7d: z.number().int().describe('events accepted with warnings in the last 7 days'),
  }),
});
export type EventSourceWithActivity = z.infer<typeof EventSourceWithActivity>;

/** At most two weeks of a source's hours in one answer. */
export const MAX_ACTIVITY_HOURS = 14 * 24;

export const SourceActivityQuery = z.strictObject({
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_ACTIVITY_HOURS)
    .default(48)
    .describe(`the last this many hours, up to now (default 48, at most ${MAX_ACTIVITY_HOURS})`),
  timezone: TimeZone.optional().describe('hours start on the hour in this IANA time zone (default UTC)'),
});

export const SourceActivity = z.object({
  from: IsoDateTime,
  to: IsoDateTime,
  timezone: z.string(),
  hours: z
    .array(
      z.object({
        start: IsoDateTime,
        events: z.number().int().describe('events accepted from the source in that hour'),
        warned: z.number().int().describe('of those, accepted with warnings'),
      }),
    )
    .describe('every hour of the period, oldest first, empty ones too: a silent feed shows as a gap'),
});
export type SourceActivity = z.infer<typeof SourceActivity>;

export const EventSourceCredentials = EventSource.extend({
  token: z.string().describe('the source’s API token (Bearer); shown once'),
  webhookSecret: z.string().describe('the key of the webhook signature (HMAC-SHA256); shown once'),
});
export type EventSourceCredentials = z.infer<typeof EventSourceCredentials>;

export const EventSourceKeyParams = z.strictObject({ key: EventSourceKey });
export const WebhookParams = z.strictObject({ sourceKey: EventSourceKey });
