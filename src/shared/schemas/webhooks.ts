// Outgoing webhooks: the domain events (every change Steward records) sent to outside systems as
// signed HTTP POSTs. One schema per shape, shared by the API, the OpenAPI document and the UI.
import { z } from 'zod';
import { DOMAIN_EVENT_TOPICS } from './audit.js';
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

/**
 * Which domain events a webhook gets: an exact type (`case.created`), every type of an entity
 * (`case.*`), or everything (`*`). Every type is an entity and what happened, so a word alone
 * (`case`, `cases`) is refused, and so is an entity no event has (`cases.*`, `ticket.created`):
 * either would match nothing, and the webhook would wait in silence.
 */
export const EventPattern = z
  .string()
  .trim()
  .max(100)
  .regex(
    /^(\*|[a-z][a-z_]*(\.[a-z][a-z_]*)*\.(\*|[a-z][a-z_]*))$/,
    'must be an event type (case.created), an entity and .* (case.*), or * for every event',
  )
  .superRefine((p, ctx) => {
    const topic = /^([a-z_]+)\./.exec(p)?.[1];
    if (topic && !TOPICS.has(topic)) {
      ctx.addIssue({
        code: 'custom',
        message: `no event type starts with "${topic}.": the entities are ${DOMAIN_EVENT_TOPICS.join(', ')}`,
      });
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
  eventType: EventPattern.optional().describe('an event type (case.created), or an entity and .* (case.*)'),
  limit: Limit,
  cursor: Cursor.optional(),
});
export type DeliveryListQuery = z.infer<typeof DeliveryListQuery>;

export const DeliveryParams = z.strictObject({ id: Id, deliveryId: Id });

export const RetryFailed = z.object({ retried: z.number().int() });
