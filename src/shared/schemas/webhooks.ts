// Outgoing webhooks: the domain events (every change Steward records) sent to outside systems as
// signed HTTP POSTs. One schema per shape, shared by the API, the OpenAPI document and the UI.
import { z } from 'zod';
import { DOMAIN_EVENT_TOPICS, DOMAIN_EVENT_TYPES } from './audit.js';
import { Cursor, Id, IsoDateTime, Limit, Name } from './common.js';

export const WEBHOOK_LIMITS = {
  url: 2_000,
  patterns: 50,
  /** Webhooks in all (each adds a row per matching event). */
  webhooks: 50,
  /** What the delivery log keeps of a receiver's answer. */
  responseBytes: 2_048,
} as const;

const TOPICS: ReadonlySet<string> = new Set(DOMAIN_EVENT_TOPICS);
const TYPES: ReadonlySet<string> = new Set(DOMAIN_EVENT_TYPES);

/** Edits (insert, delete, replace a letter) from `a` to `b`. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/**
 * Why `type`, an exact type of a known entity, is no type Steward records: the types a few
 * letters away (`case.creatd`: `case.created`), else the entity's types.
 */
export function unknownEventType(type: string): string {
  const close = DOMAIN_EVENT_TYPES.map((t) => ({ t, d: distance(type, t) }))
    .filter(({ t, d }) => d <= Math.max(2, Math.floor(t.length / 5)))
    .sort((a, b) => a.d - b.d || a.t.localeCompare(b.t))
    .slice(0, 5)
    .map(({ t }) => t);
  if (close.length > 0) return `no event type "${type}": did you mean ${close.join(', ')}?`;
  const topic = type.slice(0, type.indexOf('.'));
  const ofTopic = DOMAIN_EVENT_TYPES.filter((t) => t.startsWith(`${topic}.`));
  return `no event type "${type}" (Steward does not record it, or no longer): remove it, or choose from ${ofTopic.join(', ')} (or ${topic}.* for all of them)`;
}

const PATTERN = /^(\*|[a-z][a-z_]*(\.[a-z][a-z_]*)*\.(\*|[a-z][a-z_]*))$/;

/**
 * Which domain events a webhook gets: an exact type (`case.created`), every type of an entity
 * (`case.*`), or everything (`*`). Every type is an entity and what happened, so a word alone
 * (`case`, `cases`) is refused, and so is an entity no event has (`cases.*`, `ticket.created`)
 * and an exact type Steward never records (`case.creatd`, DOMAIN_EVENT_TYPES): any of them would
 * match nothing, and the webhook would wait in silence. Only what is sent is checked: a webhook
 * stored with a type since renamed still reads (`Webhook.events` is any text).
 */
/**
 * The form of an event pattern alone, not whether Steward records such events: what a filter of
 * the delivery log takes, which keeps deliveries of types since renamed or retired.
 */
export const EventPatternForm = z
  .string()
  .trim()
  .max(100)
  .regex(PATTERN, 'must be an event type (case.created), an entity and .* (case.*), or * for every event');

export const EventPattern = EventPatternForm.superRefine((p, ctx) => {
  // A pattern of the wrong form is refused once, by the regex.
  const topic = PATTERN.test(p) ? /^([a-z_]+)\./.exec(p)?.[1] : undefined;
  if (topic && !TOPICS.has(topic)) {
    ctx.addIssue({
      code: 'custom',
      message: `no event type starts with "${topic}.": the entities are ${DOMAIN_EVENT_TOPICS.join(', ')}`,
    });
  } else if (topic && !p.endsWith('.*') && !TYPES.has(p)) {
    ctx.addIssue({ code: 'custom', message: unknownEventType(p) });
  }
});

/**
 * True when `type` is one of `patterns`: which webhooks get an event (webhook-delivery.ts). The
 * consumer's read filters by the same rule in SQL (`typeFilter`), over every webhook's patterns.
 */
export function matchesEventPattern(patterns: readonly string[], type: string): boolean {
  return patterns.some(
    (p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))),
  );
}

export const WebhookUrl = z
  .string()
  .trim()
  .max(WEBHOOK_LIMITS.url)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && !!url.hostname && !url.hash;
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// address without a #fragment');

const Patterns = z
  .array(EventPattern)
  .min(1, 'choose at least one event type')
  .max(WEBHOOK_LIMITS.patterns)
  .transform((list) => [...new Set(list)]);

export const WebhookCreate = z.strictObject({
  name: Name,
  url: WebhookUrl,
  events: Patterns.describe('event types to send: case.created, case.* or * (all)'),
  enabled: z.boolean().default(true),
});
export type WebhookCreate = z.infer<typeof WebhookCreate>;

export const WebhookUpdate = z.strictObject({
  name: Name.optional(),
  url: WebhookUrl.optional(),
  events: Patterns.optional(),
  enabled: z
    .boolean()
    .optional()
    .describe('false: nothing new is queued or sent; true again: waiting deliveries go out'),
});
export type WebhookUpdate = z.infer<typeof WebhookUpdate>;

export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export const DeliveryState = z.enum(DELIVERY_STATES);
export type DeliveryState = z.infer<typeof DeliveryState>;

export const Webhook = z.object({
  id: Id,
  name: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  disabledReason: z
    .string()
    .nullable()
    .describe('why Steward turned it off (the receiver answered 410 Gone); null when an admin did'),
  restingUntil: IsoDateTime.nullable().describe(
    'its receiver let a delivery time out: nothing more is sent to it until then (a minute); sending again by hand ends the rest',
  ),
  pending: z.number().int().describe('deliveries waiting to be sent or retried'),
  failed: z.number().int().describe('deliveries given up on (kept 30 days; can be sent again)'),
  lastDelivery: z
    .object({
      at: IsoDateTime,
      state: DeliveryState,
      responseStatus: z.number().int().nullable(),
    })
    .nullable()
    .describe('the latest attempt'),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Webhook = z.infer<typeof Webhook>;

export const WebhookWithSecret = Webhook.extend({
  secret: z
    .string()
    .describe('signs every delivery (X-Steward-Signature); shown only now, keep it at the receiver'),
});
export type WebhookWithSecret = z.infer<typeof WebhookWithSecret>;

export const WebhookDelivery = z.object({
  id: Id.describe('also sent as X-Steward-Delivery'),
  webhookId: Id,
  eventId: Id.nullable().describe('the domain event sent (X-Steward-Event-Id); null for a ping'),
  eventType: z.string(),
  state: DeliveryState,
  attempts: z.number().int(),
  nextAttemptAt: IsoDateTime.nullable().describe('pending: when it is (re)tried'),
  sending: z.boolean().describe('a sender is posting it right now'),
  sendAgain: z
    .boolean()
    .describe('sent again by hand while being sent: it goes once more when this attempt ends'),
  lastAttemptAt: IsoDateTime.nullable(),
  responseStatus: z.number().int().nullable(),
  responseBody: z.string().nullable().describe(`the first ${WEBHOOK_LIMITS.responseBytes} bytes`),
  error: z.string().nullable().describe('why the last attempt failed (network error, time-out, status)'),
  durationMs: z.number().int().nullable(),
  deliveredAt: IsoDateTime.nullable(),
  createdAt: IsoDateTime,
  payload: z.record(z.string(), z.unknown()).describe('the JSON body sent'),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const DeliveryListQuery = z.strictObject({
  state: DeliveryState.optional(),
  eventType: EventPatternForm.optional().describe(
    'an event type (case.created), or an entity and .* (case.*); also one Steward no longer records, whose deliveries the log still holds',
  ),
  limit: Limit,
  cursor: Cursor.optional(),
});
export type DeliveryListQuery = z.infer<typeof DeliveryListQuery>;

export const DeliveryParams = z.strictObject({ id: Id, deliveryId: Id });

export const RetryFailed = z.object({ retried: z.number().int() });
